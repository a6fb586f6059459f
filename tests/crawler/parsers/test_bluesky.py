"""The Bluesky parsers (crawler/parsers/bluesky.py): URIs, missing roots, profiles and a recorded thread."""

from __future__ import annotations

import pytest

from crawler.parsers.bluesky import bluesky_at_uri, parse_bluesky_profiles, parse_bluesky_thread
from crawler.parsing import BadResponse
from tests.crawler.parsers.recorded_apis import HANDMADE, SourceSet, is_utc, read, real_set
from tests.crawler.replay import FIXTURES, parametrize_recorded


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize_recorded(metafunc, HANDMADE, real_set)


def test_bluesky_uris_missing_roots_and_profiles() -> None:
    assert bluesky_at_uri("https://bsky.app/profile/a.bsky.social/post/3kabc?x=1") == (
        "at://a.bsky.social/app.bsky.feed.post/3kabc"
    )
    assert bluesky_at_uri("at://did:plc:x/app.bsky.feed.post/3k") == "at://did:plc:x/app.bsky.feed.post/3k"
    assert bluesky_at_uri("https://example.com/") is None
    gone = parse_bluesky_thread(
        b'{"thread": {"$type": "app.bsky.feed.defs#notFoundPost", "uri": "at://x", "notFound": true}}'
    )
    assert gone.post is None and gone.skipped == {"not_found": 1}
    with pytest.raises(BadResponse, match="NotFound"):
        parse_bluesky_thread((FIXTURES / "bluesky" / "error_not_found.json").read_bytes())
    followers = parse_bluesky_profiles((FIXTURES / "bluesky" / "profile_glowlab.json").read_bytes())
    assert followers == {"did:plc:g7lwlab4offcl2xq5mz3ktr6a": 5120, "glowlab.bsky.social": 5120}


def test_bluesky_thread(recorded: SourceSet) -> None:
    thread = parse_bluesky_thread(read(recorded, recorded.bluesky_thread))
    assert thread.post is not None and thread.post.uri.startswith("at://")
    assert thread.post.url and thread.post.url.startswith("https://bsky.app/profile/")
    assert len(thread.replies) == recorded.bluesky_replies
    assert thread.skipped == recorded.bluesky_skipped
    assert thread.parents == recorded.bluesky_parents
    known = {thread.post.uri} | {r.uri for r in thread.replies}
    for reply in thread.replies:
        assert reply.parent_uri in known and is_utc(reply.published_at) and reply.likes is not None
