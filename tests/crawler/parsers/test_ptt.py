"""The PTT parsers (crawler/parsers/ptt.py): article ids and times, push times without a year, index pages,
articles and pushes, the over-18 gate; on small inputs and on recorded pages."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from crawler.parsers.ptt import (
    is_ptt_over18_page,
    parse_ptt_article,
    parse_ptt_index,
    parse_ptt_push_time,
    ptt_article_id,
    ptt_article_time,
)
from crawler.parsing import (
    from_unix,
    parse_ptt_time,
)
from tests.crawler.parsers.recorded_pages import HANDMADE, RecordedSet, read, real_set
from tests.crawler.replay import FIXTURES, parametrize_recorded


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize_recorded(metafunc, HANDMADE, real_set)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


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


def test_ptt_index_rows_and_paging() -> None:
    rows, prev_url = parse_ptt_index(
        (FIXTURES / "ptt" / "index.html").read_bytes(), "http://h/bbs/MakeUp/index.html"
    )
    assert prev_url == "http://h/bbs/MakeUp/index3104.html"
    assert [(r.article_id, r.score, r.deleted, r.pinned) for r in rows] == [
        ("M.1735603200.A.1C3", 12, False, False),
        (None, 0, True, False),
        ("M.1736236800.A.2F4", -10, False, False),
        ("M.1704067200.A.0AA", 25, False, True),
    ]
    assert rows[0].title == "[心得] 光澤實驗室 維C精華 用了一個月" and rows[0].author == "mochi0312"
    assert rows[0].date == "12/31" and rows[1].author is None
    older, _ = parse_ptt_index(
        (FIXTURES / "ptt" / "index3104.html").read_text(), "http://h/bbs/MakeUp/index3104.html"
    )
    assert [r.score for r in older] == [100, 0]  # "爆" and an empty nrec


def test_ptt_index_on_the_oldest_page_has_no_prev_link() -> None:
    html = (
        '<div class="btn-group btn-group-paging"><a class="btn wide disabled">&lsaquo; 上頁</a>'
        '<a class="btn wide" href="/bbs/B/index2.html">下頁 &rsaquo;</a></div>'
        '<div class="r-list-container"><div class="r-ent"><div class="nrec"></div>'
        '<div class="title"><a href="/bbs/B/M.1700000000.A.123.html">t</a></div>'
        '<div class="meta"><div class="author">u</div><div class="date">11/15</div></div></div></div>'
    )
    rows, prev_url = parse_ptt_index(html, "https://www.ptt.cc/bbs/B/index1.html")
    assert (
        prev_url is None
        and len(rows) == 1
        and rows[0].url == "https://www.ptt.cc/bbs/B/M.1700000000.A.123.html"
    )


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
        ("推", "rosehip", "包裝好美"),
        ("推", "kiwi_milk", "味道真的偏重 但保濕不錯"),
    ]
    assert pushes[2].ip == "198.51.100.33" and pushes[2].published_at == utc(2024, 12, 25, 0, 0)


def test_ptt_article_without_metalines_falls_back() -> None:
    html = (
        '<html><head><meta property="og:title" content="[問題] 沒有標題列"></head><body>'
        '<div id="main-content">只有內文\n<div class="push"><span class="push-tag">→ </span>'
        '<span class="push-userid">u1</span><span class="push-content">: hi</span>'
        '<span class="push-ipdatetime"> 05/01 10:00</span></div></div></body></html>'
    )
    article, pushes = parse_ptt_article(html, "https://www.ptt.cc/bbs/B/M.1714500000.A.ABC.html")
    assert article.title == "[問題] 沒有標題列" and article.board == "B" and article.author is None
    assert article.published_at == utc(2024, 4, 30, 18, 0)  # from the id
    assert article.text == "只有內文"
    assert pushes[0].published_at == utc(2024, 5, 1, 2, 0)


def test_ptt_index(recorded: RecordedSet) -> None:
    rows, prev_url = parse_ptt_index(read(recorded, recorded.ptt_index), recorded.ptt_index_url)
    assert sum(not r.pinned for r in rows) == recorded.index_regular
    assert sum(r.pinned for r in rows) == recorded.index_pinned
    assert prev_url == recorded.index_prev
    for row in rows:
        if not row.deleted:
            assert row.url and row.url.startswith("https://www.ptt.cc/bbs/") and row.article_id in row.url
            assert row.title and row.author


def test_ptt_article_and_pushes(recorded: RecordedSet) -> None:
    article, pushes = parse_ptt_article(read(recorded, recorded.ptt_article), recorded.ptt_article_url)
    assert article.title == recorded.ptt_title
    assert article.article_id and article.article_id in recorded.ptt_article_url
    assert article.published_at is not None and article.text
    assert "※ 發信站" not in article.text and "文章網址" not in article.text
    assert len(pushes) == sum(recorded.push_tags.values())
    assert Counter(p.tag for p in pushes) == recorded.push_tags
    assert [p.n for p in pushes] == list(range(1, len(pushes) + 1))
    assert all(p.userid for p in pushes)
    assert sum(not p.content for p in pushes) == recorded.empty_pushes
    assert not any(p.content.startswith(":") for p in pushes)
    assert {f"{p.published_at:%Y-%m}" for p in pushes if p.published_at} == recorded.push_months
    assert all(p.published_at and p.published_at >= article.published_at for p in pushes)


def test_over18_gate_detection(recorded: RecordedSet) -> None:
    assert is_ptt_over18_page(read(recorded, recorded.ptt_over18))
    assert not is_ptt_over18_page(read(recorded, recorded.ptt_index))
    assert not is_ptt_over18_page(read(recorded, recorded.ptt_article))
