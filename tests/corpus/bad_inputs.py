"""A standing corpus of malformed import input, generated (nothing binary is checked in).

Three shapes of case:

- ``RowCase``: one row's values, written into a combined CSV, JSONL and XLSX file per import kind (each
  format it can be written in), with what must happen: stored (``good``, optionally with the stored values
  to check) or quarantined with a reason containing ``reason``.
- ``RawCase``: text written as-is into a combined CSV or JSONL file (broken quoting, lines that are not
  JSON ...), with the outcome of each row it makes.
- ``FileCase``: a whole file (an encoding, a damaged workbook, a header problem ...) with its expected exit
  code and message, and how many rows it stores and quarantines.

Markets: dates and numbers in Korean, Traditional Chinese, Vietnamese and English notation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

FORMATS = ("csv", "jsonl", "xlsx")
ALL = FORMATS
NOT_XLSX = ("csv", "jsonl")  # openpyxl refuses control characters in cells
JSON_ONLY = ("jsonl",)
TYPED = ("jsonl", "xlsx")  # formats with numbers as numbers


@dataclass(frozen=True)
class RowCase:
    kind: str  # mentions | posts | campaigns
    category: str
    values: dict[str, Any]
    good: bool
    reason: str = ""  # a substring of the quarantine reason (bad rows)
    formats: tuple[str, ...] = ALL
    stored_id: str | None = None  # the external id stored, when not the one given
    check: dict[str, Any] = field(default_factory=dict)  # stored column → value


@dataclass(frozen=True)
class RawCase:
    kind: str
    category: str
    fmt: str  # csv | jsonl
    text: str  # with {id} placeholders filled by ``ids``
    outcomes: tuple[tuple[str | None, bool, str], ...]  # per row it makes: (id, good, reason)


@dataclass(frozen=True)
class FileCase:
    kind: str
    category: str
    name: str
    data: bytes
    args: tuple[str, ...] = ()
    exit_code: int = 0
    message: str = ""  # in the output
    stored: int = 0
    quarantined: int = 0
    env: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------- values in every market's notation

GOOD_DATES = {
    "en": ["{y}-{m:02d}-{d:02d}", "{y}-{m:02d}-{d:02d}T12:00:00Z", "{y}-{m:02d}-{d:02d} 12:00:00",
           "{y}-{m:02d}-{d:02d}T12:00:00+09:00", "{y}-{m:02d}-{d:02d}T12:00:00.123456789Z", "{mon} {d}, {y}",
           "{d} {mon} {y}", "{mon} {d}, {y} 3:20 PM"],
    "ko": ["{y}. {m}. {d}.", "{y}년 {m}월 {d}일", "{y}년 {m}월 {d}일 오후 3:20", "{y}.{m:02d}.{d:02d} 15:20"],
    "zh": ["{y}年{m}月{d}日", "{y}年{m}月{d}日 下午3:20", "{y}/{m:02d}/{d:02d}", "{y}/{m}/{d} 15:20"],
    "vi": ["{d:02d}/{m:02d}/{y}", "{d}/{m}/{y} 15:20", "{d} thg {m}, {y}", "ngày {d} tháng {m} năm {y}"],
}  # fmt: skip
MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
REAL_DATES = [(2026, 3, 1), (2024, 2, 29), (1999, 12, 31)]
IMPOSSIBLE_DATES = [(2026, 2, 30), (2025, 2, 29), (2026, 4, 31)]
IMPOSSIBLE_FORMS = {"en": "{y}-{m:02d}-{d:02d}", "ko": "{y}년 {m}월 {d}일", "zh": "{y}年{m}月{d}日"}
IMPOSSIBLE_FORMS["vi"] = "{d:02d}/{m:02d}/{y}"
# Read since issue 19: relative times (against the import's start), a US date whose day settles the order,
# AM/PM words, unix seconds and milliseconds as text.
GOOD_OTHER_DATES = [
    "yesterday", "3일 전", "2 giờ trước", "昨天", "5 minutes ago", "03/15/2026", "11/28/2026 3:15 PM",
    "2026. 11. 27. 오후 3:15", "2026年11月26日 下午3:20", "28 thg 11, 2026 3:20 CH", "1795879800",
    "1795879800000",
]  # fmt: skip
BAD_DATES = [
    "2026-13-01", "2026-00-10", "0000-01-01", "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00",
    "10000-01-01", "1969-12-31", "2100-01-02", "13/15/2026", "60 years ago", "not a date",
    "2026-03-01T25:00:00", "99999999999999999999", "2026년 13월 1일", "2026年13月1日", "32/01/2026",
    "(GMT+99) 1/3/2026", "99999 years ago", "2" * 200, "1e309", "NaN",
]  # fmt: skip
GOOD_COUNTS = {  # text → stored value
    "0": 0, "12": 12, " 42 ": 42, "+7": 7, "1,234": 1234, "1.234": 1234, "1 234": 1234, "1\u00a0234": 1234,
    "1'234": 1234, "12.0": 12, "1e3": 1000, "1.2K": 1200, "1.2k": 1200, "3M": 3_000_000, "1,5K": 1500,
    "1.2만": 12000, "3萬": 30000, "3万": 30000, "2천": 2000, "2千": 2000, "1억": 100_000_000,
    "2 nghìn": 2000, "1,5 tr": 1_500_000, "１２３": 123, "1,234,567": 1234567, "12.345.678": 12345678,
    "2147483647": 2147483647, "2,147,483,647": 2147483647,
}  # fmt: skip
BAD_COUNTS = [
    "-1", "−5", "1.5", "12,5", "2147483648", "2,147,483,648", "9" * 30, "1" * 5000, "1e309", "NaN", "nan",
    "inf", "Infinity", "-Infinity", "many", "1.2.3", "12abc", "爆", "X1", "1.5.0K", "١٢٣٤٥٦٧٨٩٠١٢٣٤",
    "#N/A", "#DIV/0!", "1,2,3,4", "0x1F", "1_000",
]  # fmt: skip
TYPED_BAD_COUNTS = [2**31, 2**63, 10**30, -3, 1.5, True, False]
# NaN and infinity are JSON's (Python writes and reads them); a spreadsheet cannot hold them.
NON_FINITE = [float("nan"), float("inf"), float("-inf")]
TEXTS_GOOD = {
    "rtl_arabic": "مرحبا Glow Lab رائع", "rtl_hebrew": "שלום Glow Lab", "rtl_override": "\u202egnp.exe\u202c Glow",
    "zero_width_inside": "Glow\u200bLab\u200d rocks", "zwj_emoji": "👩‍👩‍👧 family pick", "combining": "Cafe\u0301 serum",
    "korean": "글로우랩 선크림 최고예요", "chinese": "光澤實驗室的防曬很好用", "vietnamese": "Kem chống nắng Glow Lab rất tốt",
    "emoji_only": "😍😍🔥", "quotes": 'she said "wow" it\'s good', "delimiters": "a,b;c|d\te", "crlf": "line one\r\nline two",
    "lf": "line one\nline two", "html": "<script>alert(1)</script> hi",
    "bom_in_text": "\ufeffhello there", "line_separator": "para\u2028next",
    "mixed_scripts": "Glow Lab 글로우랩 光澤 ánh sáng", "tab_only_inside": "a\tb", "surrogate_pair": "𝒢𝓁ℴ𝓌",
    "number_like": "12345", "nbsp": "\u00a0hello\u00a0",
}  # fmt: skip
# Not in XLSX: cells hold no control characters, a formula is not text, and a cell holds at most 32,767
# characters (openpyxl cuts longer ones when it writes them).
TEXTS_GOOD_NO_XLSX = {
    "nul_inside": "Glow\x00Lab", "controls": "a\x01b\x07c\x1bd", "del_char": "a\x7fb",
    "formula": '=HYPERLINK("http://x","y")', "long_200k": "가" * 200_000,
}  # fmt: skip
TEXTS_BAD = {
    "empty": "", "spaces": "   ", "zero_width_only": "\u200b\u200b\u200b", "hangul_filler": "\u3164\u3164",
    "bidi_only": "\u202e\u202c\u200f", "nbsp_only": "\u00a0\u00a0",
}  # fmt: skip
TEXTS_BAD_NO_XLSX = {"nul_only": "\x00\x00", "controls_only": "\x01\x02\x03", "too_long": "x" * 200_001}


def _date_text(form: str, y: int, m: int, d: int) -> str:
    return form.format(y=y, m=m, d=d, mon=MONTHS[m] if 1 <= m <= 12 else "Foo")


def mention_cases() -> list[RowCase]:
    cases: list[RowCase] = []

    def add(category: str, values: dict[str, Any], good: bool, reason: str = "", **kw: Any) -> None:
        cases.append(
            RowCase("mentions", category, {"text": "Glow Lab is fine", **values}, good, reason, **kw)
        )

    for market, forms in GOOD_DATES.items():
        for form in forms:
            for y, m, d in REAL_DATES:
                add(f"date/{market}", {"published_at": _date_text(form, y, m, d)}, True)
    for market, form in IMPOSSIBLE_FORMS.items():
        for y, m, d in IMPOSSIBLE_DATES:
            add(f"date/{market}", {"published_at": _date_text(form, y, m, d)}, False, "column published_at")
    for text in GOOD_OTHER_DATES:
        add("date/other", {"published_at": text}, True)
    for text in BAD_DATES:
        add("date/bad", {"published_at": text}, False, "column published_at")
    add("date/blank", {"published_at": ""}, True)
    add("date/unix", {"published_at": 1772366400}, True, formats=TYPED)
    for value in (0, -1, 1e20, True):
        add("date/typed", {"published_at": value}, False, "column published_at", formats=TYPED)
    for value in NON_FINITE:
        add("date/non_finite", {"published_at": value}, False, "column published_at", formats=JSON_ONLY)
    add("date/object", {"published_at": {"y": 2026}}, False, "column published_at", formats=JSON_ONLY)
    add("date/xlsx_datetime", {"published_at": datetime(2026, 3, 1, 12, 0)}, True, formats=("xlsx",))
    add("date/xlsx_date", {"published_at": date(2026, 3, 1)}, True, formats=("xlsx",))
    add("date/xlsx_time", {"published_at": time(12, 0)}, False, "column published_at", formats=("xlsx",))
    add(
        "date/xlsx_year_1",
        {"published_at": datetime(1, 1, 1)},
        False,
        "column published_at",
        formats=("xlsx",),
    )

    for col in ("likes", "replies", "author_followers"):
        extra = {"author": "counter"} if col == "author_followers" else {}
        for text, number in GOOD_COUNTS.items():
            add(
                f"count/{col}",
                {col: text, **extra},
                True,
                check={col: number} if col != "author_followers" else {},
            )
        for text in BAD_COUNTS:
            add(f"count/{col}", {col: text, **extra}, False, f"column {col}")
        for value in TYPED_BAD_COUNTS:
            add(f"count/{col}/typed", {col: value, **extra}, False, f"column {col}", formats=TYPED)
        for value in NON_FINITE:
            add(f"count/{col}/non_finite", {col: value, **extra}, False, f"column {col}", formats=JSON_ONLY)
    add("count/typed", {"likes": 12.0}, True, formats=TYPED, check={"likes": 12})
    add("count/typed", {"likes": 2**31 - 1}, True, formats=TYPED, check={"likes": 2**31 - 1})
    for col in ("shares", "views"):
        add(f"count/{col}", {col: "1.2만"}, True)
        add(f"count/{col}", {col: "NaN"}, False, f"column {col}")
    add("count/shares", {"shares": "2147483648"}, False, "column shares")
    # Views are BIGINT (a popular video passes 2**31; migration 0008): stored up to 2**63 - 1.
    add("count/views", {"views": "2147483648"}, True)
    add("count/views", {"views": str(2**63)}, False, "column views")
    add("count/json", {"likes": [1]}, False, "column likes", formats=JSON_ONLY)
    add("count/json", {"likes": {"n": 1}}, False, "column likes", formats=JSON_ONLY)

    for name, text in TEXTS_GOOD.items():
        add(f"text/{name}", {"text": text}, True)
    for name, text in TEXTS_GOOD_NO_XLSX.items():
        add(f"text/{name}", {"text": text}, True, formats=NOT_XLSX)
    add(
        "text/surrogate",
        {"text": "broken \ud800 half"},
        True,
        formats=JSON_ONLY,
        check={"text": "broken \ufffd half"},
    )
    add("text/nul_stripped", {"text": "Glow\x00Lab"}, True, formats=NOT_XLSX, check={"text": "GlowLab"})
    for name, text in TEXTS_BAD.items():
        add(f"text/{name}", {"text": text}, False, "text")
    for name, text in TEXTS_BAD_NO_XLSX.items():
        add(f"text/{name}", {"text": text}, False, "text", formats=NOT_XLSX)
    for value, why in ((None, "empty_text"), ({"a": 1}, "column text"), ([1, 2], "column text")):
        add("text/json_type", {"text": value}, False, why, formats=JSON_ONLY)
    add("text/json_bool", {"text": True}, False, "column text", formats=JSON_ONLY)
    add("text/json_nan", {"text": float("nan")}, False, "column text", formats=JSON_ONLY)
    add("text/number", {"text": 12345}, True, formats=TYPED, check={"text": "12345"})

    _id_cases(add)
    _other_column_cases(add)
    return cases


def _id_cases(add: Any) -> None:
    add("id/padded", {"external_id": "  padded-id  "}, True, stored_id="padded-id")
    for name, value in (("emoji", "ID-😀"), ("korean", "한글아이디"), ("hebrew", "ע123"), ("leading_zero", "00123"),
                        ("one_point_zero", "1.0"), ("zero_width_inside", "x\u200by"), ("long_ok", "a" * 1500),
                        ("sql", "1'; DROP TABLE mention; --"), ("spaces_inside", "a b c")):  # fmt: skip
        add(f"id/{name}", {"external_id": value}, True, stored_id=value)
    add("id/int", {"external_id": 1001}, True, formats=TYPED, stored_id="1001")
    add("id/float_whole", {"external_id": 1002.0}, True, formats=TYPED, stored_id="1002")
    add("id/float_fraction", {"external_id": 1.5}, True, formats=TYPED, stored_id="1.5")
    add(
        "id/float_rounded", {"external_id": 1.7841400000000001e16}, False, "column external_id", formats=TYPED
    )
    for name, value, why in (("empty", "", "column external_id"), ("zero_width", "\u200b", "column external_id"),
                             ("too_long_key", "k" * 2500, "bad_value"), ("huge", "h" * 20_000, "column external_id")):  # fmt: skip
        add(f"id/{name}", {"external_id": value}, False, why)
    add("id/nul", {"external_id": "a\x00b"}, False, "NUL", formats=NOT_XLSX)
    add("id/surrogate", {"external_id": "s\udc80"}, False, "Unicode", formats=JSON_ONLY)
    for value in (True, {"id": 1}, [1], float("nan"), None):
        add("id/json_type", {"external_id": value}, False, "column external_id", formats=JSON_ONLY)
    add("dup/first", {"external_id": "dup-1"}, True, stored_id="dup-1")
    add("dup/second", {"external_id": "dup-1"}, False, "duplicate")
    add("dup/int_then_float", {"external_id": 7001}, True, formats=TYPED, stored_id="7001")
    add("dup/int_then_float", {"external_id": 7001.0}, False, "duplicate", formats=TYPED)
    add("dup/text_vs_float_text", {"external_id": "7002"}, True, stored_id="7002")
    add("dup/text_vs_float_text", {"external_id": "7002.0"}, True, stored_id="7002.0")


def _other_column_cases(add: Any) -> None:
    add("platform/title_case", {"platform": "Instagram"}, True)
    add("platform/empty", {"platform": ""}, False, "column platform")
    add("platform/nul", {"platform": "tik\x00tok"}, False, "NUL", formats=NOT_XLSX)
    add("url/javascript", {"url": "javascript:alert(1)"}, True)
    add("url/too_long", {"url": "https://x.example/" + "a" * 10_000}, False, "url")
    add("url/nul", {"url": "https://x.example/\x00"}, False, "NUL", formats=NOT_XLSX)
    add("author/rtl", {"author": "\u202eresu"}, True)
    add("author/at", {"author": "@glow_fan"}, True)
    add("author/nul", {"author": "fan\x00"}, False, "NUL", formats=NOT_XLSX)
    add("author/too_long_key", {"author": "a" * 2100}, False, "bad_value")
    for value, good in (("Positive", True), ("negative", True), ("angry", False), ("", True)):
        add("label/sentiment", {"sentiment": value}, good, "column sentiment")
    for value, good in (("spam", True), ("0,8", True), ("0.2", True), ("1.5", False), ("NaN", False),
                        ("-0.1", False), ("maybe", False), ("TRUE", True)):  # fmt: skip
        add("label/spam", {"spam": value}, good, "column spam")
    add("lang/too_long", {"lang": "x" * 36}, False, "column lang")
    add("brands/two", {"brands": "Corpus Brand A; Corpus Brand B"}, True)
    add("brands/quotes_only", {"brands": '"""'}, False, "column brands")
    add("brands/too_long", {"brands": "b" * 201}, False, "column brands")
    add("brands/control", {"brands": "Corpus\x01Brand"}, False, "column brands", formats=NOT_XLSX)
    add("brands/json_list", {"brands": ["a"]}, False, "column brands", formats=JSON_ONLY)


def post_cases() -> list[RowCase]:
    cases: list[RowCase] = []

    def add(category: str, values: dict[str, Any], good: bool, reason: str = "", **kw: Any) -> None:
        cases.append(RowCase("posts", category, {"text": "Glow Lab haul", **values}, good, reason, **kw))

    for col in ("likes", "comments", "shares", "saves", "views", "impressions", "reach"):
        add(f"post/{col}", {col: "1.2만"}, True, check={col: 12000})
        add(f"post/{col}", {col: "1.234"}, True, check={col: 1234})
        if col in ("views", "impressions", "reach"):  # BIGINT columns
            add(f"post/{col}", {col: "2147483648"}, True, check={col: 2147483648})
            add(f"post/{col}", {col: str(2**63)}, False, f"column {col}")
        else:
            add(f"post/{col}", {col: "2147483648"}, False, f"column {col}")
        add(f"post/{col}", {col: "-3"}, False, f"column {col}")
        add(f"post/{col}/typed", {col: float("inf")}, False, f"column {col}", formats=JSON_ONLY)
    add("post/date", {"published_at": "2026년 3월 1일 오후 3:20"}, True)
    add("post/date", {"published_at": "9999-12-31T23:59:59-01:00"}, False, "column published_at")
    add("post/no_text", {"text": ""}, True)
    add("post/url_nul", {"url": "https://p\x00"}, False, "NUL", formats=NOT_XLSX)
    add("post/dup", {"external_id": "post-dup"}, True, stored_id="post-dup")
    add("post/dup", {"external_id": "post-dup"}, False, "duplicate")
    return cases


MONEY_GOOD = [  # (text, currency, stored cost)
    ("1,234.56", "USD", 1234.56), ("1.234,56", "EUR", 1234.56), ("1 234,56", "EUR", 1234.56),
    ("₩1,200", "KRW", 1200.0), ("1.200đ", "VND", 1200.0), ("1.200.000 ₫", "VND", 1_200_000.0),
    ("US$12.50", "USD", 12.5), ("NT$1,200", "TWD", 1200.0), ("1.2만", "KRW", 12000.0), ("12,5", "EUR", 12.5),
    ("0", "USD", 0.0), ("1,234", "USD", 1234.0), ("100 VND", "VND", 100.0), ("1.234", "KRW", 1234.0),
    ("3억 원", "KRW", 300_000_000.0), ("2 triệu", "VND", 2_000_000.0), ("1.5K", "USD", 1500.0), ("", "USD", 0.0),
    ("1,200원", "KRW", 1200.0), ("5元", "TWD", 5.0), ("1.5e3", "USD", 1500.0),
]  # fmt: skip
MONEY_BAD = [
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "1e309",
    "1e300",
    "-5",
    "abc",
    "1.234",
    "1,2,3",
    "1.2.3,4",
    "12..5",
    "$-3",
]


def campaign_cases() -> list[RowCase]:
    cases: list[RowCase] = []
    base = {"brand": "Corpus Brand C", "influencer": "inf", "platform": "instagram", "post_external_id": "p1"}

    def add(category: str, values: dict[str, Any], good: bool, reason: str = "", **kw: Any) -> None:
        cases.append(RowCase("campaigns", category, {**base, **values}, good, reason, **kw))

    for text, currency, cost in MONEY_GOOD:
        add("money/cost", {"cost": text, "currency": currency}, True, check={"cost": cost})
    for text in MONEY_BAD:
        add("money/cost", {"cost": text, "currency": "USD"}, False, "column cost")
        add("money/revenue", {"revenue": text, "currency": "USD"}, False, "column revenue")
    for value in (-1.0, True):
        add("money/typed", {"cost": value}, False, "column cost", formats=TYPED)
    for value in NON_FINITE:
        add("money/non_finite", {"cost": value}, False, "column cost", formats=JSON_ONLY)
        add("money/non_finite", {"revenue": value}, False, "column revenue", formats=JSON_ONLY)
    add("money/typed", {"cost": 1234.5}, True, formats=TYPED, check={"cost": 1234.5})
    add("campaign/no_post", {"post_external_id": ""}, False, "post_external_id or post_url")
    add("campaign/end_before_start", {"start": "2026-03-10", "end": "2026-03-01"}, False, "column end")
    add("campaign/dates", {"start": "2026년 3월 1일", "end": "31/03/2026"}, True)
    add("campaign/impressions", {"impressions": "2147483648"}, True)
    add("campaign/impressions", {"impressions": str(2**63)}, False, "column impressions")
    add("campaign/brand_nul", {"brand": "x\x00"}, False, "column brand", formats=NOT_XLSX)
    add("campaign/huge_key", {"post_url": "https://x/" + "u" * 2500, "post_external_id": ""}, False, "bytes")
    return cases


def row_cases() -> list[RowCase]:
    return mention_cases() + post_cases() + campaign_cases()


# ---------------------------------------------------------------- raw text: quoting and JSON shapes

HEADER_CSV = "case,platform,external_id,text\n"


def raw_cases() -> list[RawCase]:
    c: list[RawCase] = []

    def csv_case(category: str, text: str, *outcomes: tuple[str | None, bool, str]) -> None:
        c.append(RawCase("mentions", category, "csv", text, outcomes))

    def json_case(category: str, text: str, *outcomes: tuple[str | None, bool, str]) -> None:
        c.append(RawCase("mentions", category, "jsonl", text, outcomes))

    csv_case("quote/unterminated", 'q,raw,r1,"broken text\nq,raw,r2,after one\nq,raw,r3,after two\n',
             (None, False, "quot"), ("r2", True, ""), ("r3", True, ""))  # fmt: skip
    csv_case("quote/stray_in_field", 'q,raw,r4,ab"c\n', ("r4", True, ""))
    csv_case("quote/after_closing", 'q,raw,r5,"x"y\n', ("r5", True, ""))
    csv_case("quote/doubled", 'q,raw,r6,"say ""hi"""\n', ("r6", True, ""))
    csv_case("quote/multiline", 'q,raw,r7,"one\r\ntwo\nthree"\n', ("r7", True, ""))
    csv_case("fields/too_many", "q,raw,r8,hello,extra,fields\n", (None, False, "fields"))
    csv_case("fields/too_few", "q,raw,r9\n", (None, False, "empty_text"))
    csv_case("fields/trailing_empty", "q,raw,r10,hello,,\n", ("r10", True, ""))
    csv_case(
        "fields/blank_lines",
        "\n\n,,,\n",
    )
    csv_case("fields/nul_unquoted", "q,raw,r11,nul\x00inside\n", ("r11", True, ""))
    csv_case("size/huge_line", "q,raw,r12," + "x" * 2_100_000 + "\nq,raw,r13,after huge\n",
             (None, False, "longer than"), ("r13", True, ""))  # fmt: skip
    csv_case("size/big_field", "q,raw,r14," + "y" * 300_000 + "\n", (None, False, "text_too_long"))
    csv_case("quote/unterminated_then_quote", 'q,raw,r15,"open\nq,raw,r16,"closed"\n',
             (None, False, "quot"), ("r16", True, ""))  # fmt: skip
    csv_case("quote/closed_then_text", 'q,raw,r17,"a\n"b",raw,r18,c\nq,raw,r19,fine\n',
             (None, False, "quot"), ("r18", True, ""), ("r19", True, ""))  # fmt: skip
    obj = '{{"case":"j","platform":"raw","external_id":"{id}","text":"{text}"}}'
    json_case("json/not_json", "{not json\n", (None, False, "not valid JSON"))
    for shape in ("[1,2]", '"text"', "null", "123", "true"):
        json_case("json/not_object", shape + "\n", (None, False, "not a JSON object"))
    json_case("json/deep", "[" * 100_000 + "\n", (None, False, "nested too deeply"))
    json_case(
        "json/deep_object", '{"a":' * 50_000 + "1" + "}" * 50_000 + "\n", (None, False, "nested too deeply")
    )
    json_case("json/huge_int", '{"likes": ' + "1" * 5000 + "}\n", (None, False, "not valid JSON"))
    json_case("json/huge_line", '{"text":"' + "z" * 2_100_000 + '"}\n', (None, False, "longer than"))
    json_case(
        "json/trailing_comma", '{"platform":"raw","external_id":"j0",}\n', (None, False, "not valid JSON")
    )
    json_case(
        "json/extra_data", obj.format(id="j1", text="x") + " garbage\n", (None, False, "not valid JSON")
    )
    json_case(
        "json/two_keys",
        '{"platform":"raw","external_id":"j2","text":"a","Text":"b"}\n',
        (None, False, "two keys"),
    )
    json_case("json/title_keys", '{"Platform":"raw","External ID":"j3","TEXT":"ok"}\n', ("j3", True, ""))
    json_case("json/crlf", obj.format(id="j4", text="crlf") + "\r\n", ("j4", True, ""))
    json_case("json/bom_line", "\ufeff" + obj.format(id="j5", text="bom") + "\n", ("j5", True, ""))
    json_case("json/u2028", obj.format(id="j6", text="a\u2028b") + "\n", ("j6", True, ""))
    json_case(
        "json/nan_literal",
        '{"platform":"raw","external_id":"j7","text":"t","likes":NaN}\n',
        (None, False, "column likes"),
    )
    json_case("json/blank_lines", "\n   \n\t\n")
    json_case(
        "json/escaped_nul_id",
        '{"platform":"raw","external_id":"j\\u0000","text":"t"}\n',
        (None, False, "NUL"),
    )
    json_case(
        "json/duplicate_key",
        '{"platform":"raw","external_id":"j8","text":"first","text":"second"}\n',
        ("j8", True, ""),
    )
    json_case(
        "json/nested_text",
        '{"platform":"raw","external_id":"j9","text":{"t":"x"}}\n',
        (None, False, "column text"),
    )
    json_case(
        "json/array_line", "[" + obj.format(id="j10", text="x") + "]\n", (None, False, "not a JSON object")
    )
    return c


def all_cases() -> tuple[list[RowCase], list[RawCase], list[FileCase]]:
    from tests.corpus.bad_attribution import attribution_file_cases, code_cases, traffic_cases
    from tests.corpus.bad_files import file_cases

    rows = row_cases() + traffic_cases() + code_cases()
    return rows, raw_cases(), file_cases() + attribution_file_cases()


def renderings(rows: list[RowCase]) -> int:
    """How many inputs the row cases make: each is written once per format it applies to."""
    return sum(len(r.formats) for r in rows)


def dumps_json_line(values: dict[str, Any]) -> str:
    """A JSONL line as a tool would write it (non-ASCII kept, but a lone surrogate escaped)."""
    line = json.dumps(values, ensure_ascii=False, default=str)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(values, ensure_ascii=True, default=str)
    return line


def utc(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, tzinfo=UTC)
