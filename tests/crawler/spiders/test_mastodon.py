"""The mastodon spider crawls a local replay of a Mastodon instance: tag timelines paged by the Link header,
numeric (1.x) and string ids, boosts unwrapped, HTML content as text, and each status's replies (context)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crawler.replay import ReplayServer, assert_posts_first, mastodon_route, run_crawl, serve

H = "127.0.0.1"


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with serve(mastodon_route) as running:
        yield running


def test_tag_timelines_link_paging_and_context(server: ReplayServer, tmp_path: Path) -> None:
    result = run_crawl(
        "mastodon",
        {"instance": server.base_url, "tags": "#skincare,kbeauty", "limit": "2", "max_pages": "2"},
        tmp_path,
        env={"MASTODON_ACCESS_TOKEN": "test-token"},
    )
    assert_posts_first(result)
    posts = {p["external_id"]: p for p in result.posts}
    assert sorted(posts) == sorted(
        f"{H}/{i}" for i in ("1001", "1002", "998", "112233445566778801", "112233445566778790")
    )  # the boost's original status
    old = posts[f"{H}/1001"]
    assert (old["likes"], old["shares"], old["comments"]) == (17, 4, None)  # 1.x has no replies_count
    assert (old["author"], old["author_followers"]) == ("dewdrop", 340)
    assert old["published_at"] == "2024-05-11T21:40:10+00:00"
    assert old["text"] == (
        "Day 14 with #GlowLab vitamin C serum: brighter, no irritation.\n"
        "10/10 would buy again https://example.com/glowlab #skincare"
    )
    new = result.by_id(f"{H}/112233445566778801", "post")
    assert (new["replies"], new["likes"], new["lang"], new["author_followers"]) == (2, 10, "en", 2048)
    assert new["extra"]["spoiler_text"] == "skin irritation" and new["extra"]["reblogs"] == 3
    boosted = result.by_id(f"{H}/112233445566778790", "post")
    assert boosted["author"] == "hanbang@k.example" and boosted["text"].startswith("My #kbeauty haul")

    # Context: a direct answer is a comment, an answer to it a reply with its parent.
    comment = result.by_id(f"{H}/1003", "comment")
    assert (comment["post_external_id"], comment["parent_external_id"]) == (f"{H}/1001", None)
    reply = result.by_id(f"{H}/1004", "reply")
    assert (reply["post_external_id"], reply["parent_external_id"]) == (f"{H}/1001", f"{H}/1003")
    assert reply["text"] == "@plainskin the online store, shipped in 2 days\nno samples though"
    nested = result.by_id(f"{H}/112233445566778804", "reply")
    assert nested["parent_external_id"] == f"{H}/112233445566778803"
    assert len(result.mentions("comment")) == 2 and len(result.mentions("reply")) == 2

    timelines = [(s.path, s.params.get("max_id")) for s in server.seen if "/timelines/" in s.path]
    assert sorted(timelines, key=str) == sorted(
        [
            ("/api/v1/timelines/tag/skincare", None),
            ("/api/v1/timelines/tag/skincare", "1001"),
            ("/api/v1/timelines/tag/kbeauty", None),
        ],
        key=str,
    )
    assert result.stat("brandpulse/mastodon/pages_capped") == 1  # page 2 still had a next link
    contexts = sorted(s.path.split("/")[4] for s in server.seen if s.path.endswith("/context"))
    # 1.x statuses do not say how many replies they have, so each is asked; replies_count 0 is not.
    assert contexts == ["1001", "1002", "112233445566778801", "998"]
    assert result.stat("brandpulse/bad_response") == 0
    api = [s for s in server.seen if s.path.startswith("/api/")]
    assert api and all(s.headers["authorization"] == "Bearer test-token" for s in api)  # from the environment
