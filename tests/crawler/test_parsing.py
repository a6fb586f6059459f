"""Unit tests of the shared parsing helpers (crawler/parsing.py): times, counts, text, localised dates and
Link headers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from crawler.parsing import (
    clean_text,
    html_to_text,
    parse_count,
    parse_link_header,
    parse_local_date,
    parse_relative,
    to_utc,
)

NOW = datetime(2024, 5, 12, 12, 0, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


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


@pytest.mark.parametrize(
    ("text", "tz", "expected"),
    [
        ("2024년 5월 12일 오후 3:20", "Asia/Seoul", utc(2024, 5, 12, 6, 20)),
        ("2024. 5. 12. 오전 9:05", "Asia/Seoul", utc(2024, 5, 12, 0, 5)),
        ("오전 12:30 2024년 5월 12일", "Asia/Seoul", utc(2024, 5, 11, 15, 30)),  # the clock before the date
        ("2024年5月12日 下午3:20", "Asia/Taipei", utc(2024, 5, 12, 7, 20)),
        ("2024年5月12日", "Asia/Taipei", utc(2024, 5, 11, 16, 0)),
        (
            "Chủ nhật, 12/5/2024, 15:20 (GMT+7)",
            "Asia/Seoul",
            utc(2024, 5, 12, 8, 20),
        ),  # the text's offset wins
        ("12/05/2024 08:15", None, utc(2024, 5, 12, 8, 15)),  # day first
        ("12 thg 5, 2024 lúc 14:30", "Asia/Ho_Chi_Minh", utc(2024, 5, 12, 7, 30)),
        ("May 2, 2024 7:05 PM", None, utc(2024, 5, 2, 19, 5)),  # not email.utils' 07:05
        ("12:00 AM May 3, 2024", None, utc(2024, 5, 3, 0, 0)),
        ("2 May 2024", None, utc(2024, 5, 2)),
        (
            "Sun, 12 May 2024 23:17:13 +0900",
            "Asia/Taipei",
            utc(2024, 5, 12, 14, 17, 13),
        ),  # explicit zone wins
        ("2024-05-12T09:30:00+09:00", None, utc(2024, 5, 12, 0, 30)),
        ("3일 전", None, utc(2024, 5, 9, 12, 0)),
        ("2 giờ trước", None, utc(2024, 5, 12, 10, 0)),
    ],
)
def test_parse_local_date(text: str, tz: str | None, expected: datetime) -> None:
    result = parse_local_date(text, tz=tz, now=NOW)
    assert result == expected and result is not None and result.utcoffset() == timedelta(0)


def test_parse_local_date_with_a_format_and_garbage() -> None:
    assert parse_local_date("12-05-24 8h15", date_format="%d-%m-%y %Hh%M", tz="Asia/Seoul") == utc(
        2024, 5, 11, 23, 15
    )
    assert parse_local_date("2024-05-12", date_format="%d/%m/%Y") is None  # only the given format is tried
    for garbage in ("", "   ", None, "tháng 5", "soon", "31/31/2024"):
        assert parse_local_date(garbage) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.2K", 1200),
        ("1.2k", 1200),
        ("3M", 3_000_000),
        ("1,234", 1234),
        ("12,345,678", 12_345_678),
        ("1.234", 1234),
        ("1.234.567", 1_234_567),
        ("1,2K", 1200),
        ("2.5", 2),
        ("99+", 99),
        ("42", 42),
        ("1.2만", 12_000),
        ("3萬", 30_000),
        ("3万", 30_000),
        ("2천", 2000),
        ("1억", 100_000_000),
        ("1.5 nghìn", 1500),
        ("2 triệu", 2_000_000),
        ("１２", 12),
        ("爆", 100),
        ("X1", -10),
        ("X5", -50),
        ("X9", -90),
        ("XX", -100),
        ("-3", -3),
        (7, 7),
        (7.6, 8),
        ("", None),
        (None, None),
        ("abc", None),
        ("K", None),
        (True, None),
    ],
)
def test_parse_count(value: object, expected: int | None) -> None:
    assert parse_count(value) == expected  # type: ignore[arg-type]


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


def test_parse_link_header() -> None:
    header = (
        '<https://m.example/api/v1/timelines/tag/x?max_id=109>; rel="next", '
        '<https://m.example/api/v1/timelines/tag/x?min_id=120>; rel="prev"'
    )
    assert parse_link_header(header) == {
        "next": "https://m.example/api/v1/timelines/tag/x?max_id=109",
        "prev": "https://m.example/api/v1/timelines/tag/x?min_id=120",
    }
    assert parse_link_header(b"<https://a.example/2>; rel=next") == {"next": "https://a.example/2"}
    assert parse_link_header(None) == parse_link_header("") == parse_link_header("<https://a/>") == {}
