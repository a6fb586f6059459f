"""File imports: platform exports of comments (``import mentions``), posts with their metrics
(``import posts``) and campaign results (``import campaigns``), as CSV, JSONL or XLSX.

Rows are checked one by one: a bad row is quarantined with its row number, column and reason, and the good
rows still load. Writes are upserts on natural keys, so importing the same file again changes nothing.
An import is a source like a spider: its rows go through the crawler's validate and normalise pipelines and
each file gets a ``crawl_run`` (spider ``import:<kind>``). The columns each import reads are the ones its
``convert`` reads (``brandpulse import ... --help`` lists them); a campaign row becomes the store's
``repo.CampaignRow``.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from crawler.items import MentionItem, PostItem
from crawler.pipelines import NormalisePipeline, QuarantineReason, ValidatePipeline
from nlp import detect_language
from nlp.match import BrandQuery
from store import repo
from store.db import ensure_schema, session_scope

SENTIMENTS = ("negative", "neutral", "positive")
SPAM_WORDS = {"spam": 1.0, "ham": 0.0, "true": 1.0, "false": 0.0, "yes": 1.0, "no": 0.0}
BATCH = 500


class RowError(ValueError):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(f"column {column}: {message}")
        self.column = column


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    stored: int = 0
    quarantined: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    brands_created: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- reading


def read_rows(path: Path, column_map: dict[str, str] | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number as a person counts it in the file, row) pairs; header names renamed by ``column_map``.

    CSV: the header is row 1, so the first record is row 2. JSONL: line numbers. XLSX: the first sheet.
    A line of JSONL that is not a JSON object yields ``{"__error__": ...}`` so it is quarantined, not fatal.
    """
    rename = column_map or {}
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        with path.open(newline="", encoding="utf-8-sig") as fh:
            sample = fh.read(8192)
            fh.seek(0)
            try:
                dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
            except csv.Error:
                dialect = csv.excel
            for n, row in enumerate(csv.DictReader(fh, dialect=dialect), start=2):
                yield n, {rename.get(k.strip(), k.strip()): v for k, v in row.items() if k is not None}
    elif suffix in (".jsonl", ".ndjson", ".json"):
        with path.open(encoding="utf-8-sig") as fh:
            for n, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield n, {"__error__": f"not valid JSON ({exc.msg})", "__raw__": line[:2000]}
                    continue
                if not isinstance(obj, dict):
                    yield n, {"__error__": "not a JSON object", "__raw__": line[:2000]}
                    continue
                yield n, {rename.get(k, k): v for k, v in obj.items()}
    elif suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        for n, values in enumerate(rows, start=2):
            if all(v is None for v in values):
                continue
            yield n, {rename.get(h, h): v for h, v in zip(header, values, strict=False) if h}
    else:
        raise ValueError(f"{path}: unsupported file type {suffix or '(none)'}; use .csv, .jsonl or .xlsx")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _str(row: dict[str, Any], col: str, required: bool = False) -> str | None:
    value = row.get(col)
    if _blank(value):
        if required:
            raise RowError(col, "is required")
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # spreadsheet ids come back as floats
    return str(value).strip()


def _float(row: dict[str, Any], col: str) -> float | None:
    """A non-negative number ("1,234" allowed); blank is None."""
    value = row.get(col)
    if _blank(value):
        return None
    try:
        number = float(str(value).replace(",", "").strip())
    except ValueError:
        raise RowError(col, f"{value!r} is not a number") from None
    if number < 0:
        raise RowError(col, f"{value!r} is negative")
    return number


def _int(row: dict[str, Any], col: str) -> int | None:
    """A non-negative whole number (a count); blank is None."""
    number = _float(row, col)
    if number is None:
        return None
    if not number.is_integer():
        raise RowError(col, f"{row.get(col)!r} is not a whole number")
    return int(number)


def _datetime(row: dict[str, Any], col: str) -> datetime | None:
    """ISO 8601 date or date-time; a time without a zone is taken as UTC (exports rarely say)."""
    value = row.get(col)
    if _blank(value):
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    else:
        try:
            parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            raise RowError(
                col, f"{value!r} is not an ISO date like 2026-03-01 or 2026-03-01T12:00:00Z"
            ) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _sentiment(row: dict[str, Any]) -> str | None:
    value = _str(row, "sentiment")
    if value is None:
        return None
    if value.lower() not in SENTIMENTS:
        raise RowError("sentiment", f"{value!r} is not one of {', '.join(SENTIMENTS)}")
    return value.lower()


def _spam(row: dict[str, Any]) -> float | None:
    value = row.get("spam")
    if _blank(value):
        return None
    if isinstance(value, bool):
        return float(value)
    text = str(value).strip().lower()
    if text in SPAM_WORDS:
        return SPAM_WORDS[text]
    try:
        number = float(text)
    except ValueError:
        raise RowError("spam", f"{value!r} is not spam/ham, true/false or a probability") from None
    if not 0.0 <= number <= 1.0:
        raise RowError("spam", f"{value!r} is not a probability between 0 and 1")
    return number


def _brand_names(row: dict[str, Any]) -> list[str] | None:
    value = _str(row, "brands")
    if value is None:
        return None
    return [name.strip() for name in value.split(";") if name.strip()]


# ---------------------------------------------------------------- the shared loop


class _Importer:
    """Reads rows, turns each into items (or a quarantined reason), and stores them in batches."""

    def __init__(self, url: str, kind: str, path: Path) -> None:
        ensure_schema(url)
        self.url = url
        self.path = path
        self.result = ImportResult(kind)
        self.source = f"import:{kind}"
        self.validate = ValidatePipeline(max_chars=200_000)
        self.normalise = NormalisePipeline()
        with session_scope(url) as session:
            self.run_id = repo.start_crawl_run(session, spider=self.source)
            self.queries = {b.name: BrandQuery.parse(b.query) for b in repo.list_brands(session)}

    def brands_for(self, text: str, explicit: list[str] | None) -> list[str]:
        if explicit is None:
            return [name for name, q in self.queries.items() if q.matches(text)]
        missing = [n for n in explicit if n not in self.queries]
        if missing:
            with session_scope(self.url) as session:
                repo.sync_brands(session, brands=[repo.BrandSpec(n, _query_for(n)) for n in missing])
            for name in missing:
                self.queries[name] = BrandQuery.parse(_query_for(name))
                self.result.brands_created.append(name)
        return explicit

    def mention(self, item: MentionItem) -> MentionItem:
        item = self.normalise.process_item(self.validate.process_item(item))
        if item.lang is None:
            item.lang = detect_language(item.text)
        return item

    def quarantine(self, n: int, reason: str, row: dict[str, Any]) -> None:
        self.result.quarantined += 1
        self.result.reasons[reason.split(":", 1)[0] if not reason.startswith("column") else reason] += 1
        with session_scope(self.url) as session:
            repo.quarantine(
                session,
                source=self.source,
                reason=f"row {n}: {reason}",
                payload={"file": self.path.name, "row": n, "values": row},
                crawl_run_id=self.run_id,
            )

    def run(
        self,
        rows: Iterator[tuple[int, dict[str, Any]]],
        convert: Callable[[dict[str, Any]], Any],
        store: Callable[[list[Any]], int],
    ) -> ImportResult:
        batch: list[Any] = []
        for n, row in rows:
            self.result.rows += 1
            if "__error__" in row:
                self.quarantine(n, str(row["__error__"]), row)
                continue
            try:
                batch.append(convert(row))
            except (RowError, QuarantineReason) as exc:
                self.quarantine(n, str(exc), row)
                continue
            if len(batch) >= BATCH:
                self.result.stored += store(batch)
                batch = []
        if batch:
            self.result.stored += store(batch)
        with session_scope(self.url) as session:
            repo.finish_crawl_run(
                session,
                run_id=self.run_id,
                items=self.result.stored,
                quarantined=self.result.quarantined,
                errors=0,
                stats={"file": str(self.path), "rows": self.result.rows},
            )
        return self.result


def _query_for(name: str) -> str:
    """A brand created by an import matches its own name as a phrase."""
    return '"' + name.replace('"', " ") + '"'


# ---------------------------------------------------------------- the three imports


def import_mentions(url: str, path: Path, column_map: dict[str, str] | None = None) -> ImportResult:
    """Comments and mentions; rows with ``post_external_id`` attach to that post; given labels are kept."""
    imp = _Importer(url, "mentions", path)

    def convert(row: dict[str, Any]) -> MentionItem:
        platform = _str(row, "platform", required=True)
        text = row.get("text")
        item = MentionItem(
            platform=platform or "",
            external_id=_str(row, "external_id", required=True) or "",
            text=text if isinstance(text, str) else ("" if text is None else str(text)),
            kind=_str(row, "kind") or "comment",
            url=_str(row, "url"),
            author=_str(row, "author"),
            author_followers=_int(row, "author_followers"),
            published_at=_datetime(row, "published_at"),
            likes=_int(row, "likes"),
            replies=_int(row, "replies"),
            post_external_id=_str(row, "post_external_id"),
            parent_external_id=_str(row, "parent_external_id"),
            lang=_str(row, "lang"),
            sentiment=_sentiment(row),
            spam_score=_spam(row),
            extra={k: row[k] for k in ("shares", "views", "post_url") if not _blank(row.get(k))},
        )
        item = imp.mention(item)
        item.brands = imp.brands_for(item.text, _brand_names(row))
        return item

    def store(items: list[MentionItem]) -> int:
        with session_scope(url) as session:
            _attach_posts_by_url(session, items)
            return len(repo.upsert_mentions(session, mentions=items))

    return imp.run(read_rows(path, column_map), convert, store)


def _attach_posts_by_url(session: Any, items: list[MentionItem]) -> None:
    """Rows that name their post by URL only: find the stored post's external id."""
    wanted: dict[str, list[MentionItem]] = {}
    for item in items:
        if item.post_external_id is None and item.extra.get("post_url"):
            wanted.setdefault(item.platform, []).append(item)
    for platform, group in wanted.items():
        found = repo.post_external_ids_by_url(
            session, platform=platform, urls=[str(i.extra["post_url"]) for i in group]
        )
        for item in group:
            item.post_external_id = found.get(str(item.extra["post_url"]))


def import_posts(url: str, path: Path, column_map: dict[str, str] | None = None) -> ImportResult:
    """Posts with their metrics; the post's text becomes a mention of the brands it names (or ``brands``)."""
    imp = _Importer(url, "posts", path)

    def convert(row: dict[str, Any]) -> tuple[PostItem, MentionItem | None]:
        post = PostItem(
            platform=_str(row, "platform", required=True) or "",
            external_id=_str(row, "external_id", required=True) or "",
            url=_str(row, "url"),
            text=_str(row, "text"),
            author=_str(row, "author"),
            author_followers=_int(row, "author_followers"),
            published_at=_datetime(row, "published_at"),
            likes=_int(row, "likes"),
            comments=_int(row, "comments"),
            shares=_int(row, "shares"),
            saves=_int(row, "saves"),
            views=_int(row, "views"),
            impressions=_int(row, "impressions"),
            reach=_int(row, "reach"),
        )
        post = imp.normalise.process_item(imp.validate.process_item(post))
        explicit = _brand_names(row)
        body = None
        if post.text or explicit:
            body = imp.mention(
                MentionItem(
                    platform=post.platform,
                    external_id=post.external_id,
                    text=post.text or post.url or post.external_id,
                    kind="post",
                    url=post.url,
                    author=post.author,
                    author_followers=post.author_followers,
                    published_at=post.published_at,
                    likes=post.likes,
                    replies=post.comments,
                    post_external_id=post.external_id,
                )
            )
            body.brands = imp.brands_for(body.text, explicit)
        return post, body

    def store(pairs: list[tuple[PostItem, MentionItem | None]]) -> int:
        with session_scope(url) as session:
            ids = repo.upsert_posts(session, posts=[p for p, _ in pairs], snapshot="changed")
            repo.upsert_mentions(
                session, mentions=[m for _, m in pairs if m is not None], post_ids_by_key=ids
            )
        return len(pairs)

    return imp.run(read_rows(path, column_map), convert, store)


def import_campaigns(url: str, path: Path, column_map: dict[str, str] | None = None) -> ImportResult:
    """Campaign costs and results per influencer post, joined to stored posts by external id or URL."""
    imp = _Importer(url, "campaigns", path)

    def convert(row: dict[str, Any]) -> repo.CampaignRow:
        post_ext, post_url = _str(row, "post_external_id"), _str(row, "post_url")
        if post_ext is None and post_url is None:
            raise RowError("post_external_id", "post_external_id or post_url is required")
        brand = _str(row, "brand", required=True) or ""
        imp.brands_for(brand, [brand])
        start, end = _datetime(row, "start"), _datetime(row, "end")
        if start and end and end < start:
            raise RowError("end", "is before start")
        return repo.CampaignRow(
            name=_str(row, "campaign", required=True) or "",
            brand=brand,
            influencer=_str(row, "influencer", required=True) or "",
            platform=_str(row, "platform", required=True) or "",
            post_external_id=post_ext,
            post_url=post_url,
            cost=_float(row, "cost") or 0.0,
            currency=_str(row, "currency"),
            impressions=_int(row, "impressions"),
            clicks=_int(row, "clicks"),
            conversions=_int(row, "conversions"),
            revenue=_float(row, "revenue"),
            starts_on=start,
            ends_on=end,
        )

    def store(rows: list[repo.CampaignRow]) -> int:
        with session_scope(url) as session:
            return repo.upsert_campaigns(session, rows=rows)

    return imp.run(read_rows(path, column_map), convert, store)
