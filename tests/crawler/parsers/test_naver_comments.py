"""The Naver news parsers (crawler/parsers/naver_comments.py): JSONP, comment pages, article pages, article
keys."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.parsers.naver_comments import (
    naver_article_keys,
    parse_naver_article,
    parse_naver_comments,
    strip_jsonp,
)
from crawler.parsing import (
    BadResponse,
)
from tests.crawler.replay import FIXTURES


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('_callback({"a": 1})', '{"a": 1}'),
        ('_callback({"a": 1});', '{"a": 1}'),
        ('jQuery1702_123({"a": [1]}) ;\n', '{"a": [1]}'),
        ('/**/cb({"a": "()"});', '{"a": "()"}'),
        ('{"a": 1}', '{"a": 1}'),
    ],
)
def test_strip_jsonp(body: str, expected: str) -> None:
    assert strip_jsonp(body) == expected


def test_strip_jsonp_rejects_other_bodies() -> None:
    with pytest.raises(BadResponse):
        strip_jsonp("<html>blocked</html>")
    with pytest.raises(BadResponse):
        parse_naver_comments("_callback({not json});")


def test_naver_comment_pages() -> None:
    page = parse_naver_comments((FIXTURES / "naver" / "comments_001_0014000001_page1.jsonp").read_bytes())
    assert (page.page, page.total_pages, page.total) == (1, 2, 5)
    assert [(c.comment_no, c.deleted) for c in page.comments] == [
        ("4000000101", False),
        ("4000000102", True),
        ("4000000103", False),
    ]
    top = page.comments[0]
    assert (top.likes, top.dislikes, top.replies, top.parent_comment_no) == (152, 4, 2, None)
    assert top.published_at == utc(2024, 5, 12, 0, 41, 7)
    with pytest.raises(BadResponse, match="3999"):
        parse_naver_comments((FIXTURES / "naver" / "comments_no_referer.jsonp").read_bytes())


def test_naver_article_page() -> None:
    html = (FIXTURES / "naver" / "article_001_0014000001.html").read_text()
    url = "https://n.news.naver.com/article/001/0014000001"
    article = parse_naver_article(html, url, "001", "0014000001")
    assert article.title == "'글로우랩' 비타민C 세럼, 출시 한 달 만에 10만 개 판매"
    assert article.published_at == utc(2024, 5, 12, 0, 30)  # 09:30 KST
    assert article.text.startswith("(서울=가상뉴스) 김가상 기자 = 화장품 브랜드 글로우랩은")
    assert "출시 한 달 만에 10만 개 팔렸다고" in article.text  # a source line break is only a space
    assert "\n\n회사 측은" in article.text


def test_naver_article_keys() -> None:
    value = "001/0014000001, 421,0007000002;https://n.news.naver.com/article/015/0004900001"
    assert naver_article_keys(value) == [
        ("001", "0014000001"),
        ("421", "0007000002"),
        ("015", "0004900001"),
    ]
    assert naver_article_keys("001/0014000001,001/0014000001") == [("001", "0014000001")]
    assert naver_article_keys("1/2") == []
