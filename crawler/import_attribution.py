"""Attribution imports: web-analytics exports (``import traffic``: GA4-style, UTM-tagged sessions,
conversions and revenue per day) and promo-code redemptions (``import codes``), as CSV, JSONL or XLSX.

They run through the same loop as the other imports (``crawler.imports``): a bad row is quarantined with
its row, column and reason, the encoding is detected, progress is reported, and writes are upserts on the
tables' natural keys (traffic: day + source + medium + campaign + content; codes: code + day), so a
re-import changes nothing and a corrected export replaces the figures.

GA4's own column names are read as they are exported ("Session source", "Session campaign", "Sessions",
"Key events", "Total revenue" ...), and so are the ``utm_*`` names; a combined "Session source / medium"
column is split at " / ". ``--map`` wins over these names. Promo codes are stored upper-cased (codes are
typed at checkout in any case). A date is a day in the import's time zone (``--tz``).

A GA4 "Download CSV" file is read as exported: its ``#`` comment lines before the header are skipped, rows
of any table after the first are quarantined (``crawler.import_reading``), and so is a totals row ("Grand
total", "합계", "總計" ... in the date column, or a row with no date and no dimension): storing it would
count every figure twice.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from crawler import import_values as val
from crawler.import_presets import ImportOptions
from crawler.import_reading import column_name
from crawler.import_values import RowError
from crawler.imports import ImportResult, _Importer
from crawler.pipelines import MAX_KEY_BYTES
from store.db import session_scope
from store.repo.traffic import CodeRow, TrafficRow, upsert_code_redemptions, upsert_web_traffic

__all__ = ["CODE_COLUMNS", "TRAFFIC_COLUMNS", "import_codes", "import_traffic"]

TRAFFIC_COLUMNS = (
    "date", "source", "medium", "campaign", "content", "sessions", "conversions", "revenue", "source_medium",
)  # fmt: skip
CODE_COLUMNS = ("code", "date", "orders", "revenue")
MAX_KEY_CHARS = 500  # a source, medium, campaign, content or code
# What a report's totals row says in its first column, in the markets' languages (compared case-folded).
TOTAL_WORDS = frozenset(
    {"total", "totals", "grand total", "합계", "총계", "총합계", "總計", "总计", "合計", "合计"}
    | {"tổng", "tổng cộng", "tổng số"}
)

# Header names of GA4 (Reports → Acquisition → Traffic acquisition; Explorations), of UTM-named exports
# and of shop exports, and the column each is read as.
TRAFFIC_ALIASES = {
    "Session source": "source",
    "Session medium": "medium",
    "Session campaign": "campaign",
    "Session manual ad content": "content",
    "Session source / medium": "source_medium",
    "Source / medium": "source_medium",
    "utm_source": "source",
    "utm_medium": "medium",
    "utm_campaign": "campaign",
    "utm_content": "content",
    "Campaign name": "campaign",
    "Key events": "conversions",
    "Total revenue": "revenue",
    "Purchase revenue": "revenue",
    "Day": "date",
}
CODE_ALIASES = {
    "Discount code": "code",
    "Discount name": "code",
    "Promo code": "code",
    "Coupon": "code",
    "Coupon code": "code",
    "Day": "date",
    "Total orders": "orders",
    "Total sales": "revenue",
}


def with_aliases(options: ImportOptions, aliases: dict[str, str]) -> ImportOptions:
    """``options`` reading ``aliases`` too, except headers and columns the analyst's ``--map`` names."""
    given = {column_name(src, {}) for src in options.column_map}
    taken = set(options.column_map.values())
    extra = {
        src: dst for src, dst in aliases.items() if column_name(src, {}) not in given and dst not in taken
    }
    options.column_map = {**extra, **options.column_map}
    return options


def _day(row: dict[str, Any], imp: _Importer, tz: Any, dimensions: tuple[str, ...] = ()) -> date:
    """The row's day, as a date in the import's time zone (a GA4 date is the property's day). A totals row
    is refused here: "Grand total" in the date column, or no date and none of ``dimensions``."""
    value = row.get("date")
    if isinstance(value, str) and " ".join(value.split()).casefold() in TOTAL_WORDS:
        raise RowError("date", f"{val.show(value)} marks a totals row; left out so no figure counts twice")
    when = val.when(row, "date", imp.notation)
    if when is None:
        if dimensions and all(val.blank(row.get(c)) for c in dimensions):
            raise RowError("date", "is blank and so is every dimension: a totals row? Left out")
        raise RowError("date", "is required")
    return when.astimezone(tz).date()


def _key(row: dict[str, Any], col: str) -> str:
    return val.string(row, col, max_chars=MAX_KEY_CHARS) or ""


def _fits_index(row: TrafficRow) -> None:
    """The four texts of the unique key must fit one index entry together (2,704 bytes on PostgreSQL): four
    values of 500 Korean characters are 6,000 bytes, which SQLite would store and PostgreSQL refuse."""
    sizes = {c: len(getattr(row, c).encode("utf-8")) for c in ("source", "medium", "campaign", "content")}
    if sum(sizes.values()) > MAX_KEY_BYTES:
        longest = max(sizes, key=lambda c: sizes[c])
        raise RowError(
            longest,
            f"source + medium + campaign + content are {sum(sizes.values()):,} bytes together, over "
            f"{MAX_KEY_BYTES:,}; this column is the longest ({sizes[longest]:,} bytes)",
        )


def import_traffic(url: str, path: Path, *, options: ImportOptions) -> ImportResult:
    """Web-analytics rows: date, source, medium, campaign, content, sessions, conversions, revenue."""
    opts = with_aliases(options, TRAFFIC_ALIASES)
    imp = _Importer(url, "traffic", path, opts)

    def convert(row: dict[str, Any], n: int) -> TrafficRow:
        source, medium = _key(row, "source"), _key(row, "medium")
        combined = _key(row, "source_medium")
        if combined and not (source or medium):
            left, _, right = combined.partition(" / ")
            source, medium = left.strip(), right.strip()
        traffic = TrafficRow(
            day=_day(row, imp, opts.tz, TRAFFIC_COLUMNS[1:5] + ("source_medium",)),
            source=source,
            medium=medium,
            campaign=_key(row, "campaign"),
            content=_key(row, "content"),
            sessions=val.count(row, "sessions") or 0,
            conversions=val.count(row, "conversions") or 0,
            revenue=val.amount(row, "revenue") or 0.0,
        )
        _fits_index(traffic)
        key = (traffic.day, traffic.source, traffic.medium, traffic.campaign, traffic.content)
        imp.first_time(("t", *key), n, "date, source, medium, campaign and content")
        return traffic

    def store(rows: list[TrafficRow]) -> int:
        with session_scope(url) as session:
            return upsert_web_traffic(session, rows=rows)

    needed = ("date", ("sessions", "conversions", "revenue"))
    opener = partial(opts.open, path, TRAFFIC_COLUMNS, needed, tables=True)
    return imp.run(opener, convert, store)


def import_codes(url: str, path: Path, *, options: ImportOptions) -> ImportResult:
    """Promo-code redemptions: code, date, orders, revenue."""
    opts = with_aliases(options, CODE_ALIASES)
    imp = _Importer(url, "codes", path, opts)

    def convert(row: dict[str, Any], n: int) -> CodeRow:
        code = (val.string(row, "code", required=True, max_chars=MAX_KEY_CHARS) or "").upper()
        redemption = CodeRow(
            code=code,
            day=_day(row, imp, opts.tz),
            orders=val.count(row, "orders") or 0,
            revenue=val.amount(row, "revenue") or 0.0,
        )
        imp.first_time(("k", redemption.code, redemption.day), n, "code and date")
        return redemption

    def store(rows: list[CodeRow]) -> int:
        with session_scope(url) as session:
            return upsert_code_redemptions(session, rows=rows)

    opener = partial(opts.open, path, CODE_COLUMNS, ("code", "date"))
    return imp.run(opener, convert, store)
