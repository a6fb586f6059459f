"""The Mastodon parsers (crawler/parsers/mastodon.py): ids, boosts, errors, a recorded timeline and its
context."""

from __future__ import annotations

import pytest

from crawler.parsers.mastodon import parse_mastodon_context, parse_mastodon_statuses
from crawler.parsing import BadResponse
from tests.crawler.parsers.recorded_apis import HANDMADE, SourceSet, is_utc, read, real_set
from tests.crawler.replay import FIXTURES, parametrize_recorded


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize_recorded(metafunc, HANDMADE, real_set)


def test_mastodon_ids_boosts_and_errors() -> None:
    statuses = parse_mastodon_statuses((FIXTURES / "mastodon" / "timeline_kbeauty_page1.json").read_bytes())
    assert [s.status_id for s in statuses] == ["112233445566778801", "112233445566778790"]  # boost unwrapped
    assert parse_mastodon_statuses(b'[{"id": 7, "content": "<p>hi</p>"}]')[0].status_id == "7"
    with pytest.raises(BadResponse, match="Record not found"):
        parse_mastodon_statuses(b'{"error": "Record not found"}')


def test_mastodon_timeline_and_context(recorded: SourceSet) -> None:
    statuses = parse_mastodon_statuses(read(recorded, recorded.mastodon_timeline))
    assert len(statuses) == recorded.mastodon_statuses
    assert (statuses[0].status_id, statuses[-1].status_id) == recorded.mastodon_ids
    for status in statuses:
        assert isinstance(status.status_id, str) and is_utc(status.created_at)
        assert status.text and "<" not in status.text.replace("<3", "")
        assert status.author and status.author_followers is not None and status.favourites is not None
    ancestors, descendants = parse_mastodon_context(read(recorded, recorded.mastodon_context))
    assert (len(ancestors), len(descendants)) == recorded.mastodon_family
    assert all(d.in_reply_to_id and isinstance(d.in_reply_to_id, str) for d in descendants)
