"""Unit tests of the pure parsing helpers: times, counts, text, and the per-source parsers on small inputs."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from crawler.parsing import (
    BadResponse,
    clean_text,
    from_unix,
    html_to_text,
    naver_article_keys,
    parse_count,
    parse_naver_article,
    parse_naver_comments,
    parse_ptt_article,
    parse_ptt_index,
    parse_ptt_push_time,
    parse_ptt_time,
    parse_relative,
    parse_vnexpress_comments,
    parse_vnexpress_search,
    ptt_article_id,
    ptt_article_time,
    strip_jsonp,
    to_utc,
)
from tests.crawler.replay import FIXTURES

NOW = datetime(2024, 5, 12, 12, 0, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


# -- times -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Sun Mar  3 12:00:00 2024", utc(2024, 3, 3, 4, 0)),  # Taipei is UTC+8
        ("Tue Apr  7 06:25:38 2015", utc(2015, 4, 6, 22, 25, 38)),
        (1428359140, utc(2015, 4, 6, 22, 25, 40)),
        (1428359140.5, datetime(2015, 4, 6, 22, 25, 40, 500000, tzinfo=UTC)),
        ("1428359140", utc(2015, 4, 6, 22, 25, 40)),
        (1428359140000, utc(2015, 4, 6, 22, 25, 40)),  # milliseconds
        ("2024-05-12T23:17:13+0900", utc(2024, 5, 12, 14, 17, 13)),  # Naver regTime
        ("2021-01-13T00:00:00+07:00", utc(2021, 1, 12, 17, 0)),
        ("2024-05-12T14:17:13Z", utc(2024, 5, 12, 14, 17, 13)),
        ("2024-05-12 14:17:13", utc(2024, 5, 12, 14, 17, 13)),  # naive → UTC by default
        ("Sun, 12 May 2024 23:17:13 +0900", utc(2024, 5, 12, 14, 17, 13)),  # RFC 2822 (Naver Search API)
        ("20240512", utc(2024, 5, 12)),  # Naver blog postdate
        ("2024.05.12. 09:30", utc(2024, 5, 12, 9, 30)),
        (datetime(2024, 5, 12, 23, 0, tzinfo=timezone(timedelta(hours=9))), utc(2024, 5, 12, 14, 0)),
    ],
)
def test_to_utc_absolute_forms(value: object, expected: datetime) -> None:
    result = to_utc(value)  # type: ignore[arg-type]
    assert result == expected
    assert result is not None and result.utcoffset() == timedelta(0)


def test_to_utc_naive_values_take_the_given_zone() -> None:
    assert to_utc("2024-05-12 09:30:00", tz="Asia/Seoul") == utc(2024, 5, 12, 0, 30)
    assert to_utc(datetime(2024, 5, 12, 9, 30), tz="Asia/Taipei") == utc(2024, 5, 12, 1, 30)
    assert to_utc("2024-05-12T09:30:00+00:00", tz="Asia/Seoul") == utc(2024, 5, 12, 9, 30)  # explicit wins


@pytest.mark.parametrize("value", [None, "", "   "])
def test_to_utc_nothing_is_none(value: str | None) -> None:
    assert to_utc(value) is None


@pytest.mark.parametrize("value", ["soon-ish", "31/31/2024", "Foo Bar  3 12:00:00 2024", True, float("nan")])
def test_to_utc_rejects_garbage(value: object) -> None:
    with pytest.raises(ValueError):
        to_utc(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "ago"),
    [
        # Vietnamese
        ("2 giờ trước", timedelta(hours=2)),
        ("7h trước", timedelta(hours=7)),
        ("15 phút trước", timedelta(minutes=15)),
        ("3 ngày trước", timedelta(days=3)),
        ("1 tuần trước", timedelta(weeks=1)),
        ("2 tháng trước", timedelta(days=60)),
        ("vừa xong", timedelta(0)),
        ("Hôm qua", timedelta(days=1)),
        # Korean
        ("3일 전", timedelta(days=3)),
        ("5분 전", timedelta(minutes=5)),
        ("2시간 전", timedelta(hours=2)),
        ("1주 전", timedelta(weeks=1)),
        ("3개월 전", timedelta(days=90)),
        ("1년 전", timedelta(days=365)),
        ("방금 전", timedelta(0)),
        ("어제", timedelta(days=1)),
        # English
        ("5 minutes ago", timedelta(minutes=5)),
        ("an hour ago", timedelta(hours=1)),
        ("a day ago", timedelta(days=1)),
        ("2 weeks ago", timedelta(weeks=2)),
        ("10 secs ago", timedelta(seconds=10)),
        ("just now", timedelta(0)),
        ("Yesterday", timedelta(days=1)),
        # Chinese (Traditional and Simplified)
        ("3分鐘前", timedelta(minutes=3)),
        ("2 小时前", timedelta(hours=2)),
        ("半小時前", timedelta(minutes=30)),
        ("5天前", timedelta(days=5)),
        ("一週前", timedelta(weeks=1)),
        ("2個月前", timedelta(days=60)),
        ("剛剛", timedelta(0)),
        ("昨天", timedelta(days=1)),
        ("前天", timedelta(days=2)),
    ],
)
def test_relative_times_in_four_languages(text: str, ago: timedelta) -> None:
    assert parse_relative(text, NOW) == NOW - ago
    assert to_utc(text, now=NOW) == NOW - ago


def test_relative_needs_a_relative_text() -> None:
    assert parse_relative("2024-05-12", NOW) is None
    assert parse_relative("5 apples ago", NOW) is None
    # ``now`` may be in any zone; the result is UTC.
    seoul_now = NOW.astimezone(timezone(timedelta(hours=9)))
    assert parse_relative("1시간 전", seoul_now) == utc(2024, 5, 12, 11, 0)


def test_ptt_article_times() -> None:
    assert parse_ptt_time("Mon Jan  1 08:00:00 2024") == utc(2024, 1, 1, 0, 0)
    with pytest.raises(ValueError):
        parse_ptt_time("Mon Foo  1 08:00:00 2024")
    assert ptt_article_id("https://www.ptt.cc/bbs/MakeUp/M.1735603200.A.1C3.html") == "M.1735603200.A.1C3"
    assert ptt_article_time("/bbs/MakeUp/M.1735603200.A.1C3.html") == utc(2024, 12, 31, 0, 0)
    assert ptt_article_id("/bbs/MakeUp/index.html") is None and ptt_article_time("nothing") is None
    assert from_unix("1735603200") == utc(2024, 12, 31)


@pytest.mark.parametrize(
    ("raw", "article", "expected"),
    [
        (" 1.2.3.4 04/07 06:26", "M.1428359140.A.34B", utc(2015, 4, 6, 22, 26)),
        (" 04/07 06:26\n", "M.1428359140.A.34B", utc(2015, 4, 6, 22, 26)),  # 2015 pages had no IP
        ("203.0.113.7 12/31 23:50", "M.1735603200.A.1C3", utc(2024, 12, 31, 15, 50)),
        # New-year wrap: a December article, pushes in January of the next year.
        ("203.0.113.7 01/01 00:05", "M.1735603200.A.1C3", utc(2024, 12, 31, 16, 5)),
        ("203.0.113.7 01/02 10:30", "M.1735603200.A.1C3", utc(2025, 1, 2, 2, 30)),
        # A push "before" its article (beyond a day of clock slack) can only be next year's.
        (" 03/01 10:00", "M.1712534400.A.000", utc(2025, 3, 1, 2, 0)),  # article 2024-04-08
        # Feb 29 exists in 2024 only.
        (" 02/29 12:00", "M.1706745600.A.000", utc(2024, 2, 29, 4, 0)),  # article 2024-02-01
        (" 02/29 12:00", "M.1738368000.A.000", None),  # article 2025-02-01: no 2025-02-29 or 2026-02-29
        (" 04/07", "M.1428359140.A.34B", utc(2015, 4, 6, 16, 0)),  # date only
        ("garbage", "M.1428359140.A.34B", None),
    ],
)
def test_ptt_push_times_without_year(raw: str, article: str, expected: datetime | None) -> None:
    assert parse_ptt_push_time(raw, article) == expected


def test_ptt_push_time_accepts_a_datetime_anchor() -> None:
    assert parse_ptt_push_time(" 01/02 10:30", utc(2024, 12, 31)) == utc(2025, 1, 2, 2, 30)
    with pytest.raises(ValueError):
        parse_ptt_push_time(" 01/02 10:30", "not an id")


# -- counts ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.2K", 1200), ("1.2k", 1200), ("3M", 3_000_000), ("1,234", 1234), ("12,345,678", 12_345_678),
        ("1.234", 1234), ("1.234.567", 1_234_567), ("1,2K", 1200), ("2.5", 2), ("99+", 99), ("42", 42),
        ("1.2만", 12_000), ("3萬", 30_000), ("3万", 30_000), ("2천", 2000), ("1억", 100_000_000),
        ("1.5 nghìn", 1500), ("2 triệu", 2_000_000), ("１２", 12),
        ("爆", 100), ("X1", -10), ("X5", -50), ("X9", -90), ("XX", -100), ("-3", -3),
        (7, 7), (7.6, 8), ("", None), (None, None), ("abc", None), ("K", None), (True, None),
    ],
)
def test_parse_count(value: object, expected: int | None) -> None:
    assert parse_count(value) == expected  # type: ignore[arg-type]


# -- text ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  hello   world  ", "hello world"),
        (": 推文內容", "推文內容"),  # PTT push prefix
        (":", ""),  # a bare PTT push
        (":) nice", ":) nice"),
        ("<b>Glow</b> Lab &amp; co", "Glow Lab & co"),  # Naver search highlight tags
        ("line one<br/>line two<br>line three", "line one\nline two\nline three"),
        ('<span class="reply_name">@Thu Trang</span>:&nbsp;Bạn ơi', "@Thu Trang: Bạn ơi"),
        ("a\n\n\n\nb", "a\n\nb"),
        ("a \t b\r\nc", "a b\nc"),
        ("I <3 this, 2 < 3", "I <3 this, 2 < 3"),
        ("Nho\u0302", "Nhô"),  # NFC: decomposed Vietnamese becomes one code point
        ("zero\u200bwidth\x00", "zerowidth"),
        ("👩\u200d👩\u200d👧 family", "👩\u200d👩\u200d👧 family"),  # ZWJ emoji survive
        ("", ""),
        (None, ""),
    ],
)
def test_clean_text(raw: str | None, expected: str) -> None:
    assert clean_text(raw) == expected


def test_clean_text_can_leave_markup_alone() -> None:
    assert clean_text("a <b>literal</b> &amp;", strip_html=False) == "a <b>literal</b> &amp;"
    assert html_to_text("<p>Glow\n  Lab</p><script>x()</script><p>ok</p>") == "Glow Lab\nok"
    assert html_to_text(None) == ""


# -- PTT -------------------------------------------------------------------------------------------


def test_ptt_index_rows_and_paging() -> None:
    rows, prev_url = parse_ptt_index((FIXTURES / "ptt" / "index.html").read_bytes(), "http://h/bbs/MakeUp/index.html")
    assert prev_url == "http://h/bbs/MakeUp/index3104.html"
    assert [(r.article_id, r.score, r.deleted, r.pinned) for r in rows] == [
        ("M.1735603200.A.1C3", 12, False, False),
        (None, 0, True, False),
        ("M.1736236800.A.2F4", -10, False, False),
        ("M.1704067200.A.0AA", 25, False, True),
    ]
    assert rows[0].title == "[心得] 光澤實驗室 維C精華 用了一個月" and rows[0].author == "mochi0312"
    assert rows[0].date == "12/31" and rows[1].author is None
    older, _ = parse_ptt_index((FIXTURES / "ptt" / "index3104.html").read_text(), "http://h/bbs/MakeUp/index3104.html")
    assert [r.score for r in older] == [100, 0]  # "爆" and an empty nrec


def test_ptt_index_on_the_oldest_page_has_no_prev_link() -> None:
    html = ('<div class="btn-group btn-group-paging"><a class="btn wide disabled">&lsaquo; 上頁</a>'
            '<a class="btn wide" href="/bbs/B/index2.html">下頁 &rsaquo;</a></div>'
            '<div class="r-list-container"><div class="r-ent"><div class="nrec"></div>'
            '<div class="title"><a href="/bbs/B/M.1700000000.A.123.html">t</a></div>'
            '<div class="meta"><div class="author">u</div><div class="date">11/15</div></div></div></div>')
    rows, prev_url = parse_ptt_index(html, "https://www.ptt.cc/bbs/B/index1.html")
    assert prev_url is None and len(rows) == 1 and rows[0].url == "https://www.ptt.cc/bbs/B/M.1700000000.A.123.html"


def test_ptt_article_body_and_pushes() -> None:
    body = (FIXTURES / "ptt" / "M.1735000000.A.3D5.html").read_bytes()
    article, pushes = parse_ptt_article(body, "https://www.ptt.cc/bbs/MakeUp/M.1735000000.A.3D5.html")
    assert article.article_id == "M.1735000000.A.3D5"
    assert (article.board, article.author) == ("MakeUp", "sunnyday_tw")
    assert article.published_at == utc(2024, 12, 24, 0, 26, 40)
    # No metalines, no signature between the two "--", no footer, no pushes, no "※ 編輯" line.
    assert article.text.startswith("聖誕節收到的禮物 花瓣理論 Petal Theory")
    assert article.text.endswith("Overall 8/10, would buy again.")
    for absent in ("保養是一輩子", "編輯", "包裝好美", "發信站"):
        assert absent not in article.text
    assert [(p.tag, p.userid, p.content) for p in pushes][:2] == [
        ("推", "rosehip", "包裝好美"), ("推", "kiwi_milk", "味道真的偏重 但保濕不錯"),
    ]
    assert pushes[2].ip == "198.51.100.33" and pushes[2].published_at == utc(2024, 12, 25, 0, 0)


def test_ptt_article_without_metalines_falls_back() -> None:
    html = ('<html><head><meta property="og:title" content="[問題] 沒有標題列"></head><body>'
            '<div id="main-content">只有內文\n<div class="push"><span class="push-tag">→ </span>'
            '<span class="push-userid">u1</span><span class="push-content">: hi</span>'
            '<span class="push-ipdatetime"> 05/01 10:00</span></div></div></body></html>')
    article, pushes = parse_ptt_article(html, "https://www.ptt.cc/bbs/B/M.1714500000.A.ABC.html")
    assert article.title == "[問題] 沒有標題列" and article.board == "B" and article.author is None
    assert article.published_at == utc(2024, 4, 30, 18, 0)  # from the id
    assert article.text == "只有內文"
    assert pushes[0].published_at == utc(2024, 5, 1, 2, 0)


# -- VnExpress -------------------------------------------------------------------------------------


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
    body = json.dumps({"error": 0, "data": {"total": 1, "items": [
        {"comment_id": "1", "parent_id": "1", "content": "x", "creation_time": None, "time": "2 giờ trước"},
    ]}})
    comment = parse_vnexpress_comments(body).comments[0]
    assert comment.published_at is not None
    assert abs(comment.published_at - (datetime.now(UTC) - timedelta(hours=2))) < timedelta(minutes=1)


# -- Naver -----------------------------------------------------------------------------------------


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
        ("4000000101", False), ("4000000102", True), ("4000000103", False),
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
        ("001", "0014000001"), ("421", "0007000002"), ("015", "0004900001"),
    ]
    assert naver_article_keys("001/0014000001,001/0014000001") == [("001", "0014000001")]
    assert naver_article_keys("1/2") == []
