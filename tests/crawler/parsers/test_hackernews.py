"""The Hacker News (Algolia) parser (crawler/parsers/hackernews.py): an error answer and a recorded page."""

from __future__ import annotations

from collections import Counter

import pytest

from crawler.parsers.hackernews import parse_hn_search
from crawler.parsing import BadResponse
from tests.crawler.parsers.recorded_apis import HANDMADE, SourceSet, is_utc, read, real_set
from tests.crawler.replay import parametrize_recorded


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize_recorded(metafunc, HANDMADE, real_set)


def test_hn_error_answer() -> None:
    with pytest.raises(BadResponse, match="invalid numericFilters"):
        parse_hn_search(b'{"message":"invalid numericFilters","status":400}')


def test_hn_search_page(recorded: SourceSet) -> None:
    page = parse_hn_search(read(recorded, recorded.hn))
    assert Counter(h.kind for h in page.hits) == recorded.hn_kinds
    assert page.nb_hits == recorded.hn_nb_hits and page.page == 0
    times = [h.created_at_i for h in page.hits]
    assert times == sorted(times, reverse=True)  # search_by_date: newest first, what window walking relies on
    for hit in page.hits:
        assert is_utc(hit.published_at) and hit.object_id.isdigit()
        if hit.kind == "comment":
            assert hit.text and hit.story_id and hit.parent_id
            assert "<p>" not in hit.text and "&#x27;" not in hit.text
        else:
            assert hit.title and hit.story_id == hit.object_id and hit.points is not None
