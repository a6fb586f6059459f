"""Import cell values in every market's notation, and property tests: any value returns its typed result or
raises ``RowError`` naming the column, never anything else."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler import import_values as val
from crawler.import_values import RowError
from crawler.pipelines import INT_MAX
from tests.fuzzing import FUZZ, hostile_text

ANY_CELL = st.one_of(
    hostile_text,
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(),
    st.datetimes(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(hostile_text, st.integers(), max_size=2),
    st.builds("{}{}{}".format, st.integers(-5, 10**12), st.sampled_from(["", ",", ".", " ", "'", "/"]),
              st.sampled_from(["", "000", "5", "K", "만", "萬", "억", "nghìn", "₫", "원", "e3", "e999", " N",
                               "w", "/2026", " days ago", "일 전"])),
)  # fmt: skip


SEOUL = val.Notation(tz=ZoneInfo("Asia/Seoul"), month_first=True)


@FUZZ
@given(ANY_CELL, st.sampled_from([None, "USD", "KRW", "VND", "TWD"]))
def test_every_parser_returns_its_type_or_a_row_error(cell: object, currency: str | None) -> None:
    row = {"c": cell, "sentiment": cell, "spam": cell, "brands": cell}
    checks = (
        (lambda: val.count(row, "c"), lambda v: v is None or (isinstance(v, int) and 0 <= v <= INT_MAX)),
        (lambda: val.amount(row, "c", currency), lambda v: v is None or (math.isfinite(v) and v >= 0)),
        (lambda: val.when(row, "c"), lambda v: v is None or v.tzinfo is UTC),
        (lambda: val.when(row, "c", SEOUL), lambda v: v is None or v.tzinfo is UTC),
        (lambda: val.string(row, "c"), lambda v: v is None or ("\x00" not in v and len(v) <= 10_000)),
        (lambda: val.free_text(row, "c"), lambda v: isinstance(v, str)),
        (lambda: val.sentiment(row), lambda v: v in (None, "negative", "neutral", "positive")),
        (lambda: val.spam(row), lambda v: v is None or 0.0 <= v <= 1.0),
        (lambda: val.brand_names(row), lambda v: v is None or all(isinstance(n, str) for n in v)),
    )
    for parse, valid in checks:
        try:
            value = parse()
        except RowError as exc:
            assert str(exc).startswith("column ")
            continue
        assert valid(value), value


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1,234", 1234), ("1.234", 1234), ("1 234", 1234), ("1.2만", 12000), ("3萬", 30000), ("2 nghìn", 2000),
     ("１２３", 123), ("12.0", 12), ("1.2K", 1200), (2147483647, 2147483647)],
)  # fmt: skip
def test_counts_in_every_markets_notation(text: object, expected: int) -> None:
    assert val.count({"likes": text}, "likes") == expected


@pytest.mark.parametrize("text", ["2147483648", 2**31, "1.5", "-1", "NaN", "inf", "1e309", True, "12,5"])
def test_counts_the_database_cannot_hold_or_that_are_not_counts_are_refused(text: object) -> None:
    with pytest.raises(RowError, match="^column likes: "):
        val.count({"likes": text}, "likes")


@pytest.mark.parametrize(
    ("text", "currency", "expected"),
    [("1.234,56", "EUR", 1234.56), ("1,234.56", "USD", 1234.56), ("1 234,56", None, 1234.56),
     ("₩1,200", "KRW", 1200.0), ("1.200.000 ₫", "VND", 1_200_000.0), ("1.234", "VND", 1234.0),
     ("12,5", None, 12.5), ("3억 원", "KRW", 3e8)],
)  # fmt: skip
def test_money_in_every_markets_notation(text: str, currency: str | None, expected: float) -> None:
    assert val.amount({"cost": text}, "cost", currency) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["NaN", "inf", "-Infinity", "1e309", "1.234", float("nan"), -3])
def test_money_that_is_not_finite_negative_or_ambiguous_is_refused(text: object) -> None:
    with pytest.raises(RowError, match="^column cost: "):
        val.amount({"cost": text}, "cost", "USD")


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-01",
        "2026. 3. 1.",
        "2026년 3월 1일",
        "2026年3月1日",
        "01/03/2026",
        "1 thg 3, 2026",
        "March 1, 2026",
    ],
)
def test_dates_in_every_markets_notation(text: str) -> None:
    assert val.when({"d": text}, "d") == datetime(2026, 3, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "text", ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00", "13/15/2026", "99999 years ago"]
)
def test_dates_out_of_range_or_impossible_are_refused(text: str) -> None:
    with pytest.raises(RowError, match="^column d: "):
        val.when({"d": text}, "d")


SEOUL_NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)  # 12:00 in Seoul


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A time without a zone is Seoul's: 9 hours ahead of UTC.
        ("11/28/2026 3:15 PM", datetime(2026, 11, 28, 6, 15)),  # US: the 28th settles the order
        ("2026. 11. 27. 오후 3:15", datetime(2026, 11, 27, 6, 15)),
        ("2026년 11월 27일 오전 12:05", datetime(2026, 11, 26, 15, 5)),  # 12 AM is midnight
        ("2026年11月26日 下午3:20", datetime(2026, 11, 26, 6, 20)),
        ("2026/11/26 上午 09:20:00", datetime(2026, 11, 26, 0, 20)),
        ("28/11/2026 15:20", datetime(2026, 11, 28, 6, 20)),
        ("28 thg 11, 2026 3:20 CH", datetime(2026, 11, 28, 6, 20)),
        ("Thứ Bảy, 28 tháng 11, 2026 lúc 09:05 SA", datetime(2026, 11, 28, 0, 5)),
        ("Nov 28, 2026", datetime(2026, 11, 27, 15, 0)),  # midnight in Seoul
        ("2026-11-28 08:00", datetime(2026, 11, 27, 23, 0)),
        # A zone in the value wins over --tz; unix times are UTC.
        ("2026-11-28T08:00:00Z", datetime(2026, 11, 28, 8, 0)),
        ("2026-11-28T15:00:00+07:00", datetime(2026, 11, 28, 8, 0)),
        ("28/11/2026 15:00 (GMT+7)", datetime(2026, 11, 28, 8, 0)),
        ("1795879800", datetime(2026, 11, 28, 15, 30)),
        ("1795879800123", datetime(2026, 11, 28, 15, 30, 0, 123000)),
        (1795879800, datetime(2026, 11, 28, 15, 30)),
        # Relative times count back from the import's start.
        ("3 days ago", datetime(2026, 11, 27, 3, 0)),
        ("2 giờ trước", datetime(2026, 11, 30, 1, 0)),
        ("3일 전", datetime(2026, 11, 27, 3, 0)),
        ("5分鐘前", datetime(2026, 11, 30, 2, 55)),
        ("昨天", datetime(2026, 11, 29, 3, 0)),
    ],
)
def test_dates_in_every_markets_notation_with_a_zone_for_times_without_one(
    text: object, expected: datetime
) -> None:
    notation = val.Notation(tz=ZoneInfo("Asia/Seoul"), now=SEOUL_NOW)
    assert val.when({"d": text}, "d", notation) == expected.replace(tzinfo=UTC)


def test_ambiguous_numeric_dates_follow_the_order_and_a_contradiction_is_reported() -> None:
    day_first, month_first = val.Notation(), val.Notation(month_first=True)
    assert val.when({"d": "05/11/2026"}, "d", day_first) == datetime(2026, 11, 5, tzinfo=UTC)
    assert val.when({"d": "05/11/2026"}, "d", month_first) == datetime(2026, 5, 11, tzinfo=UTC)
    assert val.when({"d": "11/11/2026"}, "d", month_first) == datetime(2026, 11, 11, tzinfo=UTC)
    assert day_first.warnings() == [] and month_first.warnings() == []  # nothing says otherwise yet
    assert val.when({"d": "11/28/2026"}, "d", day_first) == datetime(2026, 11, 28, tzinfo=UTC)
    assert val.when({"d": "28/11/2026"}, "d", month_first) == datetime(2026, 11, 28, tzinfo=UTC)
    [warning] = day_first.warnings()
    assert "'11/28/2026' is written month first" in warning and "--date-order mdy" in warning
    [warning] = month_first.warnings()
    assert "1 ambiguous date was read month first" in warning and "--date-order dmy" in warning


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3만", 30000), ("1.2천", 1200), ("1,2 N", 1200), ("3 N", 3000), ("1.2w", 12000), ("2.5W", 25000),
     ("1,5 tr", 1_500_000), ("1.2K", 1200), ("12.3万", 123000)],
)  # fmt: skip
def test_display_counts_with_units_of_every_market(text: str, expected: int) -> None:
    assert val.count({"likes": text}, "likes") == expected


@pytest.mark.parametrize("text", ["N", "1.2NN", "w3", "1,2 Nx"])
def test_unit_letters_without_a_number_are_not_counts(text: str) -> None:
    with pytest.raises(RowError, match="^column likes: "):
        val.count({"likes": text}, "likes")


@pytest.mark.parametrize(
    ("reason", "summary"),
    [
        ("column likes: 'many' is not a number", "column likes: … is not a number"),
        ("column likes: 2147483648 is over 2,147,483,647", "column likes: … is over 2,147,483,647"),
        ("column platform: is required", "column platform: is required"),
        ("duplicate: same platform and external_id as row 2", "duplicate"),
        ("column text: 'xx… (200,003 characters) is too long", "column text: … is too long"),
    ],
)  # fmt: skip
def test_quarantine_reasons_are_counted_without_the_values_they_quote(reason: str, summary: str) -> None:
    assert val.reason_summary(reason) == summary


def test_ids_keep_their_digits_and_refuse_rounded_spreadsheet_numbers() -> None:
    assert val.string({"id": 1001.0}, "id") == "1001"
    assert val.string({"id": "1.0"}, "id") == "1.0"
    with pytest.raises(RowError, match="more digits than a spreadsheet keeps"):
        val.string({"id": 1.7841400000000001e16}, "id")
    with pytest.raises(RowError, match="NUL"):
        val.string({"id": "a\x00b"}, "id")
