"""Property tests of the shared parsing helpers: whatever text a source sends, they return their documented
result or raise their documented error, and never anything else."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from crawler.parsing import (
    _CONTROL,
    BadResponse,
    clean_text,
    html_to_text,
    load_json,
    parse_count,
    parse_link_header,
    parse_local_date,
    parse_relative,
    str_id,
    to_utc,
    to_utc_or_none,
)
from tests.fuzzing import FUZZ, hostile_text

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DATE_LIKE = st.one_of(
    hostile_text,
    st.builds(
        "{}-{:02d}-{:02d}T{:02d}:00:00{}".format,
        st.integers(-1, 12000), st.integers(0, 13), st.integers(0, 32), st.integers(0, 25),
        st.sampled_from(["", "Z", "+09:00", "-14:00", "+23:59"]),
    ),
    st.builds("{} {} trước".format, st.integers(0, 10**12), st.sampled_from(["giờ", "năm", "ngày"])),
    st.builds("{}년 {}월 {}일 오후 {}:{}".format, *(st.integers(-5, 10**6) for _ in range(5))),
    st.builds("(GMT+{}) {}/{}/{}".format, *(st.integers(0, 10**4) for _ in range(4))),
)  # fmt: skip


def _aware_utc(value: datetime) -> bool:
    return value.tzinfo is not None and value.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


@FUZZ
@given(DATE_LIKE)
def test_to_utc_returns_aware_utc_or_raises_value_error(text: str) -> None:
    try:
        value = to_utc(text, now=NOW)
    except ValueError:
        return
    assert value is None or _aware_utc(value)


@FUZZ
@given(st.one_of(st.integers(-(2**80), 2**80), st.floats()))
def test_to_utc_of_numbers_returns_or_raises_value_error(number: float) -> None:
    try:
        value = to_utc(number)
    except ValueError:
        return
    assert value is not None and _aware_utc(value)


@FUZZ
@given(DATE_LIKE, st.sampled_from([None, "Asia/Seoul", "Asia/Taipei", "Asia/Ho_Chi_Minh"]))
def test_local_dates_and_relative_times_never_raise(text: str, tz: str | None) -> None:
    for value in (
        parse_local_date(text, tz=tz, now=NOW),
        to_utc_or_none(text, now=NOW),
        parse_relative(text, NOW),
    ):
        assert value is None or _aware_utc(value)


@FUZZ
@given(st.one_of(hostile_text, st.integers(-(2**70), 2**70), st.floats(), st.none()))
def test_parse_count_gives_an_int_or_none(value: object) -> None:
    result = parse_count(value)  # type: ignore[arg-type]
    assert result is None or isinstance(result, int)


@FUZZ
@given(st.builds("{}{}{}".format, st.integers(0, 10**6), st.sampled_from(["", ",", ".", " "]),
                 st.sampled_from(["", "K", "만", "萬", "억", "nghìn", "tr", "M"])))  # fmt: skip
def test_parse_count_of_display_counts_is_non_negative(text: str) -> None:
    result = parse_count(text)
    assert result is None or result >= 0


@FUZZ
@given(hostile_text)
def test_clean_text_leaves_no_control_characters(text: str) -> None:
    for cleaned in (clean_text(text), html_to_text(text), clean_text(text, strip_html=False)):
        assert isinstance(cleaned, str)
        assert not _CONTROL.search(cleaned) and "\r" not in cleaned
        assert cleaned == cleaned.strip()


@FUZZ
@given(st.one_of(hostile_text, st.binary(max_size=60)))
def test_load_json_returns_a_value_or_raises_bad_response(body: str | bytes) -> None:
    with contextlib.suppress(BadResponse):
        load_json(body)


@FUZZ
@given(st.one_of(hostile_text, st.binary(max_size=60), st.none()))
def test_link_headers_and_ids_never_raise(value: str | bytes | None) -> None:
    assert isinstance(parse_link_header(value), dict)
    assert str_id(value) is None or isinstance(str_id(value), str)
