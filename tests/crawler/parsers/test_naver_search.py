"""The Naver Search API parser (crawler/parsers/naver_search.py): error answers, cafe items and a recorded
page."""

from __future__ import annotations

import json

import pytest

from crawler.parsers.naver_search import parse_naver_search
from crawler.parsing import BadResponse
from tests.crawler.parsers.recorded_apis import HANDMADE, SourceSet, is_utc, read, real_set
from tests.crawler.replay import FIXTURES, parametrize_recorded


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize_recorded(metafunc, HANDMADE, real_set)


def test_naver_search_errors_and_cafe_items() -> None:
    with pytest.raises(BadResponse, match="024"):
        parse_naver_search((FIXTURES / "naver_search" / "error_auth.json").read_bytes(), "blog")
    with pytest.raises(BadResponse, match="not JSON"):
        parse_naver_search(b"<html>502 Bad Gateway</html>", "news")
    cafe = json.dumps(
        {
            "total": 1,
            "start": 1,
            "display": 1,
            "items": [
                {
                    "title": "<b>글로우랩</b> 공구 후기",
                    "link": "https://cafe.naver.com/skinlove/123456",
                    "description": "공구로 산 <b>글로우랩</b>",
                    "cafename": "피부사랑",
                    "cafeurl": "https://cafe.naver.com/skinlove",
                },
                {"title": "no link"},
            ],
        }
    )
    (item,) = parse_naver_search(cafe, "cafearticle").items
    assert (item.title, item.author, item.author_link) == (
        "글로우랩 공구 후기",
        "피부사랑",
        "https://cafe.naver.com/skinlove",
    )
    assert item.published_at is None and item.naver_article is None


def test_naver_search_page(recorded: SourceSet) -> None:
    page = parse_naver_search(read(recorded, recorded.naver_search), "news")
    assert (len(page.items), page.total, page.start) == (recorded.naver_items, recorded.naver_total, 1)
    for item in page.items:
        assert item.title and "<b>" not in item.title and "</b>" not in item.description
        assert item.link.startswith(("https://", "http://")) and "\\/" not in item.link
        assert is_utc(item.published_at) and not item.date_only
    assert sum(1 for i in page.items if i.naver_article) >= 1
