"""File imports: platform exports of comments (``import mentions``), posts with their metrics
(``import posts``) and campaign results (``import campaigns``), as CSV, JSONL or XLSX.

Rows are checked one by one: a bad row is quarantined with its row number, column and reason, and the good
rows still load. Writes are upserts on natural keys, so importing the same file again changes nothing.
An import is a source like a spider: its rows go through the crawler's validate and normalise pipelines and
each file gets a ``crawl_run`` (spider ``import:<kind>``). The columns each import reads are the ones its
``convert`` reads (``brandpulse import ... --help`` lists them); a campaign row becomes the store's
``repo.CampaignRow``.

An import is **resumable, not atomic**: everything that can make the whole file unreadable (its type, size,
encoding, a workbook that does not open, a header without a required column) is checked before the first
write and fails with an ``ImportFileError`` (its run recorded as failed, nothing else written); after that,
rows are committed in batches of ``BATCH``. An import stopped midway (a database error, Ctrl+C, a damaged
sheet further down) records its run as failed with what it had stored, and importing the same file again
completes it without duplicating anything. A row whose key (platform and external_id; for campaigns the
campaign, influencer, platform and post) appeared earlier in the same file is quarantined as a duplicate:
the first one is stored. How the file's columns are named and filled (presets, ``--set``, ``--map``), its
encoding and how its times are written come in an ``ImportOptions`` (``crawler/import_presets.py``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from crawler import import_values as val
from crawler.import_presets import ImportOptions
from crawler.import_reading import ImportFileError, OpenedFile
from crawler.import_values import RowError
from crawler.items import MentionItem, PostItem
from crawler.pipelines import NormalisePipeline, QuarantineReason, ValidatePipeline
from nlp import detect_language
from nlp.match import BrandQuery, QueryError
from store import repo
from store.db import ensure_schema, session_scope

__all__ = ["ImportFileError", "ImportOptions", "ImportResult", "ImportStopped", "RowError"]
__all__ += ["import_campaigns", "import_mentions", "import_posts"]

BATCH = 500
PROGRESS_EVERY = 200  # rows between progress reports
# A quarantined row keeps its values, each cut to this many characters (a 20 MB cell is not copied).
MAX_PAYLOAD_VALUE_CHARS = 10_000
MENTION_COLUMNS = (
    "platform", "external_id", "text", "kind", "url", "author", "author_followers", "published_at", "likes",
    "replies", "shares", "views", "post_url", "post_external_id", "parent_external_id", "lang", "sentiment",
    "spam", "brands", "country",
)  # fmt: skip
POST_COLUMNS = (
    "platform", "external_id", "url", "text", "author", "author_followers", "published_at", "likes",
    "comments", "shares", "saves", "views", "impressions", "reach", "brands",
)  # fmt: skip
CAMPAIGN_COLUMNS = (
    "campaign", "brand", "influencer", "platform", "post_url", "post_external_id", "cost", "currency",
    "impressions", "clicks", "conversions", "revenue", "start", "end",
)  # fmt: skip


class ImportStopped(RuntimeError):
    """An import that started and could not finish (the database failed, the sheet is damaged further
    down); its run is recorded as failed, and importing the file again completes it."""


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    stored: int = 0
    quarantined: int = 0
    reasons: Counter[str] = field(default_factory=Counter)  # by reason_summary: the values left out
    brands_created: list[str] = field(default_factory=list)
    encoding: str | None = None  # of a text file: "utf-8", "cp949, detected"
    skipped: int = 0  # rows that sum the others (YouTube Studio's "Total"), not records
    warnings: list[str] = field(default_factory=list)  # dates read in an order the file contradicts


# ---------------------------------------------------------------- the shared loop


@dataclass
class _Pending:
    n: int
    row: dict[str, Any]
    value: Any


class _Importer:
    """Reads rows, turns each into items (or a quarantined reason), and stores them in batches."""

    def __init__(self, url: str, kind: str, path: Path, options: ImportOptions) -> None:
        ensure_schema(url)
        self.url = url
        self.path = path
        self.options = options
        self.notation = options.notation()
        self.result = ImportResult(kind)
        self.source = f"import:{kind}"
        self.validate = ValidatePipeline(max_chars=200_000)
        self.normalise = NormalisePipeline()
        self.seen: dict[Hashable, int] = {}
        self.quarantined: list[dict[str, Any]] = []
        with session_scope(url) as session:
            self.run_id = repo.start_crawl_run(session, spider=self.source)
            self.queries: dict[str, BrandQuery | None] = {}
            for b in repo.list_brands(session):
                try:
                    self.queries[b.name] = BrandQuery.parse(b.query)
                except QueryError:
                    self.queries[b.name] = None  # stored by an older version; the configuration reports it

    def brands_for(self, text: str, explicit: list[str] | None) -> list[str]:
        if explicit is None:
            return [name for name, q in self.queries.items() if q is not None and q.matches(text)]
        missing = [n for n in explicit if n not in self.queries]
        if missing:
            parsed = {}
            for name in missing:
                try:
                    parsed[name] = BrandQuery.parse(_query_for(name))
                except QueryError as exc:
                    raise RowError(
                        "brands", f"brand name {val.show(name)} cannot be matched ({exc})"
                    ) from None
            with session_scope(self.url) as session:
                repo.sync_brands(session, brands=[repo.BrandSpec(n, _query_for(n)) for n in missing])
            self.queries.update(parsed)
            self.result.brands_created.extend(missing)
        return explicit

    def mention(self, item: MentionItem) -> MentionItem:
        item = self.normalise.process_item(self.validate.process_item(item))
        if item.lang is None:
            item.lang = detect_language(item.text)
        return item

    def first_time(self, key: Hashable, n: int, what: str) -> None:
        """Quarantine a row whose key an earlier row of the file had (the first one is the one stored)."""
        earlier = self.seen.setdefault(key, n)
        if earlier != n:
            raise QuarantineReason("duplicate", f"same {what} as row {earlier}")

    def quarantine(self, n: int, reason: str, row: dict[str, Any]) -> None:
        self.result.quarantined += 1
        self.result.reasons[val.reason_summary(reason)] += 1
        self.quarantined.append(
            {
                "reason": f"row {n}: {reason}",
                "payload": {"file": self.path.name, "row": n, "values": _cut(row)},
            }
        )
        if len(self.quarantined) >= BATCH:
            self.flush_quarantine()

    def flush_quarantine(self) -> None:
        records, self.quarantined = self.quarantined, []
        if records:
            with session_scope(self.url) as session:
                for r in records:
                    repo.quarantine(session, source=self.source, crawl_run_id=self.run_id, **r)

    def store_batch(self, batch: list[_Pending], store: Callable[[list[Any]], int]) -> None:
        try:
            self.result.stored += store([p.value for p in batch])
            return
        except (OperationalError, InterfaceError):
            raise  # the database is down or locked: the run stops (and can be resumed)
        except (DBAPIError, ValueError, OverflowError) as exc:
            if len(batch) == 1:
                self.quarantine(
                    batch[0].n, f"store_error: {exc.__class__.__name__}: {exc}"[:500], batch[0].row
                )
                return
        for one in batch:  # one bad value must not lose the batch: store one by one
            self.store_batch([one], store)

    def finish(self, status: str, error: str | None = None) -> None:
        stats: dict[str, Any] = {"file": str(self.path), "rows": self.result.rows}
        if error:
            stats["error"] = error
        with session_scope(self.url) as session:
            repo.finish_crawl_run(
                session,
                run_id=self.run_id,
                items=self.result.stored,
                quarantined=self.result.quarantined,
                errors=0 if status == "finished" else 1,
                status=status,
                stats=stats,
            )

    def run(
        self,
        opener: Callable[[], OpenedFile],
        convert: Callable[[dict[str, Any], int], Any],
        store: Callable[[list[Any]], int],
    ) -> ImportResult:
        try:
            opened = opener()
        except ImportFileError as exc:
            self.finish("failed", str(exc))
            raise
        self.result.encoding = opened.encoding.describe() if opened.encoding else None
        try:
            self._load(opened, convert, store)
        except BaseException as exc:
            message = f"{exc.__class__.__name__}: {exc}"[:500]
            try:
                self.flush_quarantine()
            finally:
                self.finish("failed", message)
            if isinstance(exc, ImportFileError | DBAPIError | OSError):
                raise ImportStopped(
                    f"{self.path.name}: import stopped after {self.result.rows} rows "
                    f"({self.result.stored} stored): {message}. The run is recorded as failed; importing "
                    "the file again completes it (stored rows are not duplicated)"
                ) from None
            raise
        self.flush_quarantine()
        self.finish("finished")
        self.result.warnings = self.notation.warnings()
        return self.result

    def _load(
        self,
        opened: OpenedFile,
        convert: Callable[[dict[str, Any], int], Any],
        store: Callable[[list[Any]], int],
    ) -> None:
        batch: list[_Pending] = []
        report = self.options.progress
        for n, row in opened.rows:
            if report is not None and self.result.rows % PROGRESS_EVERY == 0:
                report(self.result.rows, opened.done(), opened.total)
            if "__error__" in row:
                self.result.rows += 1
                self.quarantine(n, str(row["__error__"]), row)
                continue
            if self.options.is_total(row):
                self.result.skipped += 1
                continue
            self.result.rows += 1
            row = self.options.fill(row)
            try:
                batch.append(_Pending(n, row, convert(row, n)))
            except (RowError, QuarantineReason) as exc:
                self.quarantine(n, str(exc), row)
                continue
            if len(batch) >= BATCH:
                self.store_batch(batch, store)
                batch = []
        if batch:
            self.store_batch(batch, store)
        if report is not None:
            report(self.result.rows, opened.total, opened.total)


def _cut(row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in row.items():
        if isinstance(value, str) and len(value) > MAX_PAYLOAD_VALUE_CHARS:
            value = f"{value[:MAX_PAYLOAD_VALUE_CHARS]}… [{len(value):,} characters]"
        out[str(key)] = value
    return out


def _query_for(name: str) -> str:
    """A brand created by an import matches its own name as a phrase."""
    return '"' + name.replace('"', " ").replace("\u201c", " ").replace("\u201d", " ") + '"'


# ---------------------------------------------------------------- the three imports


def _options(
    column_map: dict[str, str] | None, encoding: str | None, options: ImportOptions | None
) -> ImportOptions:
    """``options``, or the plain ones of a column map and an encoding."""
    return options or ImportOptions(column_map=dict(column_map or {}), encoding=encoding)


def import_mentions(
    url: str,
    path: Path,
    column_map: dict[str, str] | None = None,
    encoding: str | None = None,
    *,
    options: ImportOptions | None = None,
) -> ImportResult:
    """Comments and mentions; rows with ``post_external_id`` attach to that post; given labels are kept.
    ``options`` (a preset's columns, constants, time zone, progress) replace column_map and encoding."""
    opts = _options(column_map, encoding, options)
    imp = _Importer(url, "mentions", path, opts)

    def convert(row: dict[str, Any], n: int) -> MentionItem:
        item = MentionItem(
            platform=val.string(row, "platform", required=True) or "",
            external_id=val.string(row, "external_id", required=True) or "",
            text=val.free_text(row, "text"),
            kind=val.string(row, "kind") or "comment",
            url=val.string(row, "url"),
            author=val.string(row, "author"),
            author_followers=val.count(row, "author_followers"),
            published_at=val.when(row, "published_at", imp.notation),
            likes=val.count(row, "likes"),
            replies=val.count(row, "replies"),
            post_external_id=val.string(row, "post_external_id"),
            parent_external_id=val.string(row, "parent_external_id"),
            lang=val.string(row, "lang", max_chars=35),
            sentiment=val.sentiment(row),
            spam_score=val.spam(row),
            extra={
                k: _extra(row, k)
                for k in ("shares", "views", "post_url", "country")
                if not val.blank(row.get(k))
            },
        )
        explicit = val.brand_names(row)
        item = imp.mention(item)
        imp.first_time(("m", item.platform, item.external_id), n, "platform and external_id")
        item.brands = imp.brands_for(item.text, explicit)
        return item

    def store(items: list[MentionItem]) -> int:
        with session_scope(url) as session:
            _attach_posts_by_url(session, items)
            return len(
                repo.upsert_mentions(session, mentions=items, followers_source="import", seen_by=imp.run_id)
            )

    opener = partial(opts.open, path, MENTION_COLUMNS, ("platform", "external_id", "text"))
    return imp.run(opener, convert, store)


def _extra(row: dict[str, Any], col: str) -> Any:
    """Extra columns kept with a mention: shares and views as counts, the post URL and the author's region
    (``country``, an ISO 3166 code as the source gives it; influencer audience fit) as text."""
    if col == "country":
        return (val.string(row, col, max_chars=35) or "").upper() or None
    return val.string(row, col) if col == "post_url" else val.count(row, col)


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


def import_posts(
    url: str,
    path: Path,
    column_map: dict[str, str] | None = None,
    encoding: str | None = None,
    *,
    options: ImportOptions | None = None,
) -> ImportResult:
    """Posts with their metrics; the post's text becomes a mention of the brands it names (or ``brands``)."""
    opts = _options(column_map, encoding, options)
    imp = _Importer(url, "posts", path, opts)

    def convert(row: dict[str, Any], n: int) -> tuple[PostItem, MentionItem | None]:
        text = val.free_text(row, "text")
        post = PostItem(
            platform=val.string(row, "platform", required=True) or "",
            external_id=val.string(row, "external_id", required=True) or "",
            url=val.string(row, "url"),
            text=text or None,
            author=val.string(row, "author"),
            author_followers=val.count(row, "author_followers"),
            published_at=val.when(row, "published_at", imp.notation),
            likes=val.count(row, "likes"),
            comments=val.count(row, "comments"),
            shares=val.count(row, "shares"),
            saves=val.count(row, "saves"),
            views=val.count(row, "views"),
            impressions=val.count(row, "impressions"),
            reach=val.count(row, "reach"),
        )
        explicit = val.brand_names(row)
        post = imp.normalise.process_item(imp.validate.process_item(post))
        body = None
        if (post.text and not val.blank(post.text)) or explicit:
            body = imp.mention(
                MentionItem(
                    platform=post.platform,
                    external_id=post.external_id,
                    text=post.text
                    if post.text and not val.blank(post.text)
                    else post.url or post.external_id,
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
        imp.first_time(("p", post.platform, post.external_id), n, "platform and external_id")
        if body is not None:
            body.brands = imp.brands_for(body.text, explicit)
        return post, body

    def store(pairs: list[tuple[PostItem, MentionItem | None]]) -> int:
        with session_scope(url) as session:
            ids = repo.upsert_posts(
                session,
                posts=[p for p, _ in pairs],
                snapshot="changed",
                followers_source="import",
                seen_by=imp.run_id,
            )
            repo.upsert_mentions(
                session,
                mentions=[m for _, m in pairs if m is not None],
                post_ids_by_key=ids,
                followers_source="import",
                seen_by=imp.run_id,
            )
        return len(pairs)

    opener = partial(opts.open, path, POST_COLUMNS, ("platform", "external_id"))
    return imp.run(opener, convert, store)


def import_campaigns(
    url: str,
    path: Path,
    column_map: dict[str, str] | None = None,
    encoding: str | None = None,
    *,
    options: ImportOptions | None = None,
) -> ImportResult:
    """Campaign costs and results per influencer post, joined to stored posts by external id or URL."""
    opts = _options(column_map, encoding, options)
    imp = _Importer(url, "campaigns", path, opts)

    def convert(row: dict[str, Any], n: int) -> repo.CampaignRow:
        post_ext, post_url = val.string(row, "post_external_id"), val.string(row, "post_url")
        if post_ext is None and post_url is None:
            raise RowError("post_external_id", "post_external_id or post_url is required")
        brand = val.string(row, "brand", required=True, max_chars=val.MAX_BRAND_CHARS) or ""
        val.brand_names({"brands": brand})
        start, end = val.day_or_when(row, "start", imp.notation), val.day_or_when(row, "end", imp.notation)
        if start and end and end < start:
            raise RowError("end", "is before start")
        currency = val.string(row, "currency", max_chars=20)
        campaign = repo.CampaignRow(
            name=val.string(row, "campaign", required=True, max_chars=500) or "",
            brand=brand,
            influencer=val.string(row, "influencer", required=True, max_chars=500) or "",
            platform=val.string(row, "platform", required=True, max_chars=100) or "",
            post_external_id=post_ext,
            post_url=post_url,
            cost=val.amount(row, "cost", currency) or 0.0,
            currency=currency,
            impressions=val.count(row, "impressions"),
            clicks=val.count(row, "clicks"),
            conversions=val.count(row, "conversions"),
            revenue=val.amount(row, "revenue", currency),
            starts_on=start,
            ends_on=end,
        )
        key = (campaign.name, campaign.influencer, campaign.platform, post_ext or post_url)
        size = sum(len(str(k).encode()) for k in key)
        if size > 2_000:
            raise RowError("post_url", f"campaign, influencer, platform and post are {size:,} bytes > 2,000")
        imp.first_time(("c", *key), n, "campaign, influencer, platform and post")
        imp.brands_for(brand, [brand])
        return campaign

    def store(rows: list[repo.CampaignRow]) -> int:
        with session_scope(url) as session:
            return repo.upsert_campaigns(session, rows=rows)

    opener = partial(opts.open, path, CAMPAIGN_COLUMNS, ("campaign", "brand", "influencer", "platform"))
    return imp.run(opener, convert, store)
