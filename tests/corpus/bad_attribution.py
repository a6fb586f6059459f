"""The bad-input corpus of the attribution imports (``import traffic``, ``import codes``): row cases written
into the combined CSV, JSONL and XLSX files like the other kinds (``tests/corpus/bad_inputs.py``), and
whole-file cases (GA4's "Download CSV" layout, ;-separated and tab-separated exports, missing columns).

A traffic row is stored under (campaign, content): the runner gives each row the campaign ``corpus-<format>``
and the content ``t<i>`` unless the case sets them; a code row under its code (``<format>-<i>``, upper-cased).
"{fmt}" in a value a case sets is replaced by the format (runner), so two formats' files share no key."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from tests.corpus.bad_inputs import (
    BAD_COUNTS,
    BAD_DATES,
    IMPOSSIBLE_DATES,
    JSON_ONLY,
    MONEY_BAD,
    NON_FINITE,
    NOT_XLSX,
    TYPED,
    TYPED_BAD_COUNTS,
    FileCase,
    RowCase,
)

GOOD_DAYS = [  # every one is 1 March 2026
    "20260301", "2026-03-01", "2026-03-01T12:00:00Z", "2026. 3. 1.", "2026년 3월 1일", "2026年3月1日",
    "2026/03/01", "01/03/2026", "1 thg 3, 2026", "Mar 1, 2026", "1 Mar 2026",
]  # fmt: skip
TOTALS = ["Grand total", "Total", "TOTALS", "합계", "總計", "总计", "Tổng cộng"]
GOOD_COUNTS = {
    "0": 0,
    "1,234": 1234,
    "1.2K": 1200,
    "1.2만": 12000,
    "2 nghìn": 2000,
    "１２": 12,
    "2147483647": 2**31 - 1,
}
GOOD_REVENUE = {
    "1,234.56": 1234.56, "1.234,56": 1234.56, "₩1,200": 1200.0, "1.200.000 ₫": 1_200_000.0, "12,5": 12.5,
    "1.5K": 1500.0, "1.5e3": 1500.0, "0": 0.0, "": 0.0, "1e15": 1e15, "NT$1,200": 1200.0,
}  # fmt: skip
REVENUE_BAD = [*MONEY_BAD, "1e308", "1.1e15", "9" * 400, "12.345", "#N/A", "many"]


def _scattered(first: int, span: int, n: int, seed: int) -> str:
    """``n`` characters spread over a block: text an index cannot compress (PostgreSQL compresses "가" * 500
    to a few bytes and would index it)."""
    return "".join(chr(first + (i * 7919 + seed) % span) for i in range(n))


LONG_OK = _scattered(0xAC00, 11172, 500, 0)  # 500 Hangul syllables: at the key limit, 1,500 bytes
# Four key columns at their limit in a 3-byte script: 6,000 bytes, more than a database index holds (2,704
# bytes on PostgreSQL), refused on every database with the same reason.
WIDE = {
    col: _scattered(0xAC00, 11172, 500, seed) for seed, col in enumerate(("source", "medium", "campaign"))
}
EMOJI_CODE = _scattered(0x1F300, 700, 495, 0)  # 4 bytes each: 1,980 bytes, still indexable with the day


def traffic_cases() -> list[RowCase]:
    cases: list[RowCase] = []
    base = {
        "date": "2026-03-01",
        "source": "corpus",
        "medium": "social",
        "sessions": "10",
        "conversions": "1",
    }

    def add(category: str, values: dict[str, Any], good: bool, reason: str = "", **kw: Any) -> None:
        cases.append(RowCase("traffic", category, {**base, **values}, good, reason, **kw))

    for text in GOOD_DAYS:
        add("date/traffic", {"date": text}, True)
    add("date/traffic_xlsx", {"date": datetime(2026, 3, 1, 12, 0)}, True, formats=("xlsx",))
    add("date/traffic_xlsx", {"date": date(2026, 3, 1)}, True, formats=("xlsx",))
    for text in BAD_DATES:
        add("date/traffic_bad", {"date": text}, False, "column date")
    for y, m, d in IMPOSSIBLE_DATES:
        add("date/traffic_impossible", {"date": f"{y}{m:02d}{d:02d}"}, False, "column date")
    add("date/traffic_blank", {"date": ""}, False, "column date: is required")
    for value in (0, -1, 1e20, True):
        add("date/traffic_typed", {"date": value}, False, "column date", formats=TYPED)
    for value in NON_FINITE:
        add("date/traffic_non_finite", {"date": value}, False, "column date", formats=JSON_ONLY)
    for word in TOTALS:
        add("totals/traffic", {"date": word, "sessions": "9999"}, False, "totals row")
    blank = {"date": "", "source": "", "medium": "", "campaign": "", "content": ""}
    add("totals/traffic_blank_dimensions", blank, False, "a totals row")

    for col in ("sessions", "conversions"):
        for text, number in GOOD_COUNTS.items():
            add(f"count/traffic_{col}", {col: text}, True, check={col: number})
        for text in BAD_COUNTS:
            add(f"count/traffic_{col}", {col: text}, False, f"column {col}")
        for value in TYPED_BAD_COUNTS:
            add(f"count/traffic_{col}_typed", {col: value}, False, f"column {col}", formats=TYPED)
        for value in NON_FINITE:
            add(f"count/traffic_{col}_nan", {col: value}, False, f"column {col}", formats=JSON_ONLY)
        add(f"count/traffic_{col}_json", {col: [1]}, False, f"column {col}", formats=JSON_ONLY)
    add(
        "count/traffic_typed",
        {"sessions": 12.0, "conversions": 3},
        True,
        formats=TYPED,
        check={"sessions": 12},
    )
    add("count/traffic_blank", {"sessions": "", "conversions": ""}, True, check={"sessions": 0})
    for text, number in GOOD_REVENUE.items():
        add("money/traffic_revenue", {"revenue": text}, True, check={"revenue": number})
    for text in REVENUE_BAD:
        add("money/traffic_revenue", {"revenue": text}, False, "column revenue")
    for value in (-0.01, True):
        add("money/traffic_revenue_typed", {"revenue": value}, False, "column revenue", formats=TYPED)
    for value in NON_FINITE:
        add("money/traffic_revenue_nan", {"revenue": value}, False, "column revenue", formats=JSON_ONLY)
    add("money/traffic_revenue_typed", {"revenue": 90.5}, True, formats=TYPED, check={"revenue": 90.5})

    add("text/traffic_source_medium", {"source": "", "medium": "", "source_medium": "naver / blog"}, True,
        check={"source": "naver", "medium": "blog"})  # fmt: skip
    add("text/traffic_korean", {"source": "네이버", "content": "민지-{fmt}"}, True, stored_id="민지-{fmt}")
    add("text/traffic_padded", {"content": "  padded-{fmt}  "}, True, stored_id="padded-{fmt}")
    add("text/traffic_no_content", {"content": "", "source": "nocontent"}, True, stored_id="")
    add("text/traffic_long_ok", {"content": LONG_OK}, True, stored_id=LONG_OK)
    add("text/traffic_too_long", {"content": "c" * 501}, False, "column content")
    add("text/traffic_huge", {"campaign": "h" * 20_000}, False, "column campaign")
    add("text/traffic_wide_key", {**WIDE, "content": _scattered(0xAC00, 11172, 500, 3)}, False, "bytes")
    add("text/traffic_html", {"content": "<script>{fmt}</script>"}, True, stored_id="<script>{fmt}</script>")
    for col in ("source", "medium", "campaign", "content"):
        add(f"text/traffic_nul_{col}", {col: "a\x00b"}, False, "NUL", formats=NOT_XLSX)
    add("text/traffic_object", {"source": {"a": 1}}, False, "column source", formats=JSON_ONLY)
    # The same day, source, medium, campaign and content twice; also in two notations of the day.
    add("dup/traffic", {"content": "dup-{fmt}"}, True, stored_id="dup-{fmt}")
    add("dup/traffic", {"content": "dup-{fmt}"}, False, "duplicate")
    add(
        "dup/traffic_two_notations",
        {"date": "20260302", "content": "dup2-{fmt}"},
        True,
        stored_id="dup2-{fmt}",
    )
    add("dup/traffic_two_notations", {"date": "2026년 3월 2일", "content": "dup2-{fmt}"}, False, "duplicate")
    return cases


def code_cases() -> list[RowCase]:
    cases: list[RowCase] = []
    base = {"date": "2026-03-01", "orders": "2", "revenue": "30.00"}

    def add(category: str, values: dict[str, Any], good: bool, reason: str = "", **kw: Any) -> None:
        cases.append(RowCase("codes", category, {**base, **values}, good, reason, **kw))

    for text in GOOD_DAYS[:6]:
        add("date/codes", {"date": text}, True)
    for text in BAD_DATES:
        add("date/codes_bad", {"date": text}, False, "column date")
    add("date/codes_blank", {"date": ""}, False, "column date: is required")
    for word in TOTALS[:3]:
        add("totals/codes", {"date": word}, False, "totals row")
    for value in NON_FINITE:
        add("date/codes_non_finite", {"date": value}, False, "column date", formats=JSON_ONLY)
    for text, number in GOOD_COUNTS.items():
        add("count/codes_orders", {"orders": text}, True, check={"orders": number})
    for text in BAD_COUNTS:
        add("count/codes_orders", {"orders": text}, False, "column orders")
    for value in TYPED_BAD_COUNTS:
        add("count/codes_orders_typed", {"orders": value}, False, "column orders", formats=TYPED)
    for text, number in GOOD_REVENUE.items():
        add("money/codes_revenue", {"revenue": text}, True, check={"revenue": number})
    for text in REVENUE_BAD:
        add("money/codes_revenue", {"revenue": text}, False, "column revenue")
    for value in NON_FINITE:
        add("money/codes_revenue_nan", {"revenue": value}, False, "column revenue", formats=JSON_ONLY)

    add("id/codes_lower", {"code": "glow-lower-{fmt}"}, True, stored_id="GLOW-LOWER-{fmt}")
    add("id/codes_padded", {"code": "  GLOW-PAD-{fmt}  "}, True, stored_id="GLOW-PAD-{fmt}")
    add("id/codes_korean", {"code": "민지할인{fmt}"}, True, stored_id="민지할인{fmt}")
    add("id/codes_long_ok", {"code": "k" * 495 + "{fmt}"}, True, stored_id="K" * 495 + "{fmt}")
    add("id/codes_emoji_long", {"code": EMOJI_CODE + "{fmt}"}, True, stored_id=EMOJI_CODE + "{fmt}")
    add("id/codes_number", {"code": 1001}, True, formats=("jsonl",), stored_id="1001")
    add("id/codes_number", {"code": 1002.0}, True, formats=("xlsx",), stored_id="1002")
    add("id/codes_empty", {"code": ""}, False, "column code")
    add("id/codes_invisible", {"code": "\u200b\u200b"}, False, "column code")
    add("id/codes_too_long", {"code": "k" * 501}, False, "column code")
    add("id/codes_huge", {"code": "h" * 20_000}, False, "column code")
    add("id/codes_nul", {"code": "GLOW\x00"}, False, "NUL", formats=NOT_XLSX)
    add("id/codes_object", {"code": {"c": 1}}, False, "column code", formats=JSON_ONLY)
    add("id/codes_rounded", {"code": 1.7841400000000001e16}, False, "column code", formats=TYPED)
    # The same code and day twice, also when the case differs (codes are upper-cased).
    add("dup/codes", {"code": "dup-{fmt}"}, True, stored_id="DUP-{fmt}")
    add("dup/codes", {"code": "DUP-{fmt}"}, False, "duplicate")
    return cases


# ---------------------------------------------------------------- whole files

GA4_PREAMBLE = (
    "# ----------------------------------------\n# Traffic acquisition: Session source / medium\n"
    "# Account: Corpus\n# Property: corpus.example - GA4\n# ----------------------------------------\n#\n"
    "# Start date: 20260301\n# End date: 20260531\n\n"
)
GA4_HEADER = "Date,Session source,Session medium,Session campaign,Session manual ad content,Sessions,Key events,Total revenue\n"


def attribution_file_cases() -> list[FileCase]:
    c: list[FileCase] = []

    def traffic(category: str, name: str, text: str | bytes, **kw: Any) -> None:
        data = text.encode() if isinstance(text, str) else text
        c.append(FileCase("traffic", category, name, data, **kw))

    def codes(category: str, name: str, text: str | bytes, **kw: Any) -> None:
        data = text.encode() if isinstance(text, str) else text
        c.append(FileCase("codes", category, name, data, **kw))

    rows = "20260301,ig,social,f,a,10,1,5.00\n20260302,ig,social,f,b,20,2,7.50\n"
    traffic("structure/ga4_download", "ga4.csv", GA4_PREAMBLE + GA4_HEADER + rows + "Grand total,,,,,30,3,12.50\n"
            "\n# ----------------------------------------\nNth day,Sessions\n0000,10\n", stored=2, quarantined=3)  # fmt: skip
    traffic("structure/ga4_bom_crlf", "ga4crlf.csv", ("\ufeff" + GA4_PREAMBLE + GA4_HEADER + rows).replace(
        "\n", "\r\n"), stored=2)  # fmt: skip
    traffic("structure/ga4_only_comments", "ga4empty.csv", GA4_PREAMBLE, exit_code=2, message="comment lines")
    traffic("structure/ga4_channel_report", "channels.csv", GA4_PREAMBLE + "Session primary channel group,Users\n"
            "Direct,10\n", exit_code=2, message="no column date")  # fmt: skip
    traffic("structure/traffic_no_figures", "nofigures.csv", "date,source,medium\n20260301,ig,social\n",
            exit_code=2, message="sessions or conversions or revenue")  # fmt: skip
    traffic("structure/traffic_no_date", "nodate.csv", "source,sessions\nig,3\n", exit_code=2,
            message="no column date")  # fmt: skip
    traffic("structure/traffic_header_only", "headeronly.csv", GA4_HEADER)
    traffic("structure/traffic_empty", "empty-traffic.csv", b"", exit_code=2, message="empty")
    traffic("structure/traffic_semicolon", "semi-traffic.csv", "Datum;Quelle;Medium;Sitzungen;Umsatz\n"
            "01.03.2026;google;cpc;1.234;1.234,56\n", args=("--map", "Datum=date", "--map", "Quelle=source",
            "--map", "Sitzungen=sessions", "--map", "Umsatz=revenue"), stored=1)  # fmt: skip
    traffic("structure/traffic_tab", "tab-traffic.tsv", "utm_source\tutm_medium\tutm_campaign\tdate\tsessions\n"
            "ig\tsocial\ttab\t2026-03-01\t5\n", stored=1)  # fmt: skip
    traffic("structure/traffic_duplicate_header", "duphead.csv", "date,sessions,Sessions\n20260301,1,2\n",
            exit_code=2, message="appears twice")  # fmt: skip
    traffic("structure/traffic_all_bad", "allbad.csv", "date,sessions\nnot a date,1\n", exit_code=1,
            message="its one row was quarantined")  # fmt: skip
    traffic("encoding/traffic_cp949", "cp949-traffic.csv", "date,utm_campaign,sessions\n2026-03-01,봄세일,3\n"
            "2026-03-02,봄세일,4\n".encode("cp949"), stored=2, message="(cp949, detected)")  # fmt: skip
    traffic("structure/traffic_nul_line", "nul-traffic.csv", "date,source,sessions\n2026-03-01,a\x00b,1\n"
            "2026-03-02,ok,2\n", stored=1, quarantined=1)  # fmt: skip
    codes("structure/codes_no_code", "nocode.csv", "date,orders\n2026-03-01,1\n", exit_code=2,
          message="no column code")  # fmt: skip
    codes("structure/codes_shop_names", "shop.csv", "Discount code;Day;Total orders;Total sales\n"
          "SPRING10;2026-03-01;3;1.234,50\n", stored=1)  # fmt: skip
    codes("structure/codes_totals", "codes-totals.csv", "code,date,orders,revenue\nA1,2026-03-01,1,5\n"
          ",Total,1,5\n", stored=1, quarantined=1)  # fmt: skip
    codes("structure/codes_hash_comment", "codes-comment.csv", "# Shop export\ncode,date,orders\nA2,2026-03-01,1\n",
          stored=1)  # fmt: skip
    return c
