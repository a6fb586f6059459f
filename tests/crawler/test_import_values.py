"""Import cell values in every market's notation, and property tests: any value returns its typed result or
raises ``RowError`` naming the column, never anything else."""

from __future__ import annotations

import math
from datetime import UTC, datetime

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
    st.builds("{}{}{}".format, st.integers(-5, 10**12), st.sampled_from(["", ",", ".", " ", "'"]),
              st.sampled_from(["", "000", "5", "K", "만", "萬", "억", "nghìn", "₫", "원", "e3", "e999"])),
)  # fmt: skip


@FUZZ
@given(ANY_CELL, st.sampled_from([None, "USD", "KRW", "VND", "TWD"]))
def test_every_parser_returns_its_type_or_a_row_error(cell: object, currency: str | None) -> None:
    row = {"c": cell, "sentiment": cell, "spam": cell, "brands": cell}
    checks = (
        (lambda: val.count(row, "c"), lambda v: v is None or (isinstance(v, int) and 0 <= v <= INT_MAX)),
        (lambda: val.amount(row, "c", currency), lambda v: v is None or (math.isfinite(v) and v >= 0)),
        (lambda: val.when(row, "c"), lambda v: v is None or v.tzinfo is UTC),
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
    "text", ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00", "03/15/2026", "3일 전"]
)
def test_dates_out_of_range_ambiguous_or_relative_are_refused(text: str) -> None:
    with pytest.raises(RowError, match="^column d: "):
        val.when({"d": text}, "d")


def test_ids_keep_their_digits_and_refuse_rounded_spreadsheet_numbers() -> None:
    assert val.string({"id": 1001.0}, "id") == "1001"
    assert val.string({"id": "1.0"}, "id") == "1.0"
    with pytest.raises(RowError, match="more digits than a spreadsheet keeps"):
        val.string({"id": 1.7841400000000001e16}, "id")
    with pytest.raises(RowError, match="NUL"):
        val.string({"id": "a\x00b"}, "id")
