"""The VnExpress parsers (crawler/parsers/vnexpress.py): search pages, comments and replies JSON, article
pages; on small inputs and on recorded pages."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from crawler.parsers.vnexpress import (
    parse_vnexpress_article,
    parse_vnexpress_comments,
    parse_vnexpress_search,
)
from crawler.parsing import (
    BadResponse,
    from_unix,
)
from tests.crawler.parsers.recorded_pages import HANDMADE, RecordedSet, read, real_set
from tests.crawler.replay import FIXTURES, parametrize_recorded


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize_recorded(metafunc, HANDMADE, real_set)


def test_vnexpress_search_results() -> None:
    html = (FIXTURES / "vnexpress" / "search_glow-lab_page1.html").read_text()
    urls, next_url = parse_vnexpress_search(html, "https://timkiem.vnexpress.net/?q=glow+lab")
    assert [u.rsplit("-", 1)[-1] for u in urls] == ["4800001.html", "4800002.html"]
    assert next_url == "https://timkiem.vnexpress.net/?q=glow%20lab&media_type=article&page=2"
    last = (FIXTURES / "vnexpress" / "search_glow-lab_page2.html").read_text()
    assert parse_vnexpress_search(last, "https://timkiem.vnexpress.net/")[1] is None


def test_vnexpress_comments_and_replies() -> None:
    page = parse_vnexpress_comments((FIXTURES / "vnexpress" / "comments_4800001_offset0.json").read_bytes())
    assert (page.total, page.total_items, page.offset) == (5, 9, 0)
    first = page.comments[0]
    assert (first.comment_id, first.parent_id, first.likes, first.reply_total) == ("52000001", None, 41, 3)
    assert first.published_at == from_unix(1715475000) and first.userid == "1064000001"
    assert [r.parent_id for r in first.replies] == ["52000001"]
    assert page.comments[2].userid is None and page.comments[2].reply_total == 0  # "replys": {}
    replies = parse_vnexpress_comments((FIXTURES / "vnexpress" / "replies_52000001.json").read_bytes())
    assert replies.total is None
    assert [r.comment_id for r in replies.comments] == ["52000101", "52000103", "52000104"]


@pytest.mark.parametrize(
    "body",
    [
        b'{"error":1,"errorDescription":"x","data":[]}',
        b"<html><body>502 Bad Gateway</body></html>",
        b"[]",
        b'{"error":0,"data":{"total":1}}',
        b"",
    ],
)
def test_vnexpress_bad_bodies(body: bytes) -> None:
    with pytest.raises(BadResponse):
        parse_vnexpress_comments(body)


def test_vnexpress_comment_time_falls_back_to_the_relative_field() -> None:
    body = json.dumps(
        {
            "error": 0,
            "data": {
                "total": 1,
                "items": [
                    {
                        "comment_id": "1",
                        "parent_id": "1",
                        "content": "x",
                        "creation_time": None,
                        "time": "2 giờ trước",
                    },
                ],
            },
        }
    )
    comment = parse_vnexpress_comments(body).comments[0]
    assert comment.published_at is not None
    assert abs(comment.published_at - (datetime.now(UTC) - timedelta(hours=2))) < timedelta(minutes=1)


def test_vnexpress_article_page(recorded: RecordedSet) -> None:
    article = parse_vnexpress_article(read(recorded, recorded.vnexpress_article), recorded.vnexpress_url)
    assert article.article_id == recorded.vnexpress_id
    assert article.title == recorded.vnexpress_title
    assert article.published_at is not None
    assert article.published_at.isoformat() == recorded.vnexpress_published
    assert article.description and "\n" not in article.description
