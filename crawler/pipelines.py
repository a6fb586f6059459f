"""Item pipelines, one job each: validate → normalise → match brands → store in batches.

A bad item is dropped with a reason by the stage that finds the problem; the store pipeline hears every drop
(Scrapy's ``item_dropped`` signal) and quarantines the item with that reason, so nothing is silently lost.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import re
import time
import unicodedata
from datetime import UTC, datetime
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.health import health_thresholds, judge_crawl
from crawler.items import MentionItem, PostItem
from nlp.match import BrandQuery
from nlp.quality import is_low_effort, text_hash
from store import repo
from store.db import ensure_schema, session_scope

logger = logging.getLogger(__name__)

# Dropped from text: C0 controls (NUL included: PostgreSQL text cannot hold it) but newline and tab, DEL,
# and the invisible zero-width space, word joiner and byte-order mark.
_CONTROL = {c for c in map(chr, range(32)) if c not in "\n\t"} | {"\x7f", "\u200b", "\u2060", "\ufeff"}
# A text with none of these is empty to a reader: spaces, bidi and joiner marks, fillers (U+3164 is the
# Hangul filler used for "invisible" names).
_VISIBLE = re.compile(
    r"[^\s\u00ad\u034f\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0]"
)

# What the database holds, checked before a value reaches it so that a value it would reject is quarantined
# with its reason instead of failing a whole batch. Counts are INTEGER columns (PostgreSQL: at most
# 2**31 - 1) except views, impressions and reach (BIGINT, migration 0008); a unique key (platform + id,
# platform + author handle) must fit one btree index entry
# (2,704 bytes on PostgreSQL; 2,000 leaves room); identifiers and URLs holding a NUL byte or an unpaired
# surrogate cannot be stored as given (text is cleaned instead: NUL bytes stripped, surrogates replaced).
INT_MAX = 2**31 - 1
BIGINT_MAX = 2**63 - 1
BIG_COUNTS = frozenset({"views", "impressions", "reach"})


def count_max(name: str) -> int:
    """The largest value the database stores in the count column ``name``."""
    return BIGINT_MAX if name in BIG_COUNTS else INT_MAX


MAX_KEY_BYTES = 2_000
MAX_URL_CHARS = 10_000
# Stored times: anything outside is a parsing accident (a year 1 or 9999 from a broken export).
EARLIEST_TIME = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_TIME = datetime(2100, 1, 1, tzinfo=UTC)
_COUNTS = (
    "likes",
    "comments",
    "shares",
    "saves",
    "views",
    "impressions",
    "reach",
    "replies",
    "author_followers",
)
_KEYS = ("platform", "external_id", "author", "post_external_id", "parent_external_id", "kind", "lang", "url")
SENTIMENTS = ("negative", "neutral", "positive")


class QuarantineReason(DropItem):
    """A drop that carries a short machine-readable reason code and a human message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


class ValidatePipeline:
    """Reject items that cannot be stored: missing ids, empty or absurdly long text, and values the database
    would refuse (counts out of range, NUL bytes or broken Unicode in identifiers, oversized keys)."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler.settings.getint("BRANDPULSE_MAX_TEXT_CHARS", 200_000))

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if not isinstance(item, PostItem | MentionItem):
            raise QuarantineReason("unknown_item", f"unexpected item type {type(item).__name__}")
        if not item.platform or not str(item.external_id or "").strip():
            raise QuarantineReason("missing_id", "platform and external_id are required")
        if isinstance(item, MentionItem):
            if not isinstance(item.text, str) or not item.text.strip():
                raise QuarantineReason("empty_text", "mention has no text")
            if len(item.text) > self.max_chars:
                raise QuarantineReason("text_too_long", f"{len(item.text)} characters > {self.max_chars}")
        for name in _COUNTS:
            value = getattr(item, name, None)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
                raise QuarantineReason("bad_count", f"{name}={_short(value)} is not a non-negative integer")
            if value is not None and value > count_max(name):
                raise QuarantineReason(
                    "bad_count",
                    f"{name}={value} is over {count_max(name):,}, the largest count the database stores",
                )
        for name in _KEYS:
            problem = db_text_problem(getattr(item, name, None))
            if problem:
                raise QuarantineReason("bad_value", f"{name} {problem}")
        if item.url is not None and len(str(item.url)) > MAX_URL_CHARS:
            raise QuarantineReason(
                "bad_value", f"url is {len(str(item.url)):,} characters > {MAX_URL_CHARS:,}"
            )
        for name in ("external_id", "author"):
            value = getattr(item, name, None)
            size = len(f"{item.platform}{value or ''}".encode())
            if size > MAX_KEY_BYTES:
                raise QuarantineReason(
                    "bad_value", f"platform + {name} is {size:,} bytes > {MAX_KEY_BYTES:,}"
                )
        if isinstance(item, MentionItem):
            self._labels(item)
        return item

    @staticmethod
    def _labels(item: MentionItem) -> None:
        if item.sentiment is not None and item.sentiment not in SENTIMENTS:
            raise QuarantineReason(
                "bad_label", f"sentiment {_short(item.sentiment)} is not one of {SENTIMENTS}"
            )
        spam = item.spam_score
        if spam is not None and (
            isinstance(spam, bool) or not isinstance(spam, int | float) or not 0.0 <= spam <= 1.0
        ):
            raise QuarantineReason("bad_label", f"spam_score {_short(spam)} is not a probability")


def db_text_problem(value: object) -> str | None:
    """Why ``value`` (an identifier, URL or handle) cannot be stored as given, or None when it can."""
    if value is None:
        return None
    text = str(value)
    if "\x00" in text:
        return "contains a NUL byte"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid Unicode (an unpaired surrogate)"
    return None


def utf8_safe(text: str) -> str:
    """``text`` with unpaired surrogates (broken JSON escapes) replaced by U+FFFD, so it can be stored."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _utf8_safe_json(value: Any) -> Any:
    if isinstance(value, str):
        return utf8_safe(value)
    if isinstance(value, dict):
        return {utf8_safe(str(k)): _utf8_safe_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_utf8_safe_json(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", utf8_safe(text))
    return "".join(ch for ch in text if ch not in _CONTROL).strip()


def is_visible(text: str) -> bool:
    """Whether ``text`` shows anything: not only spaces, zero-width, bidi or filler characters."""
    return _VISIBLE.search(text) is not None


def _utc(value: datetime | str | None) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value.isoformat()} (spiders must give aware times)")
    value = value.astimezone(UTC)
    if not EARLIEST_TIME <= value < LATEST_TIME:
        raise ValueError(f"{value.isoformat()} is outside {EARLIEST_TIME.year}-{LATEST_TIME.year - 1}")
    return value


class NormalisePipeline:
    """Clean text, make times aware UTC, compute duplicate keys and the low-effort flag."""

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        try:
            item.published_at = _utc(item.published_at)
        except (ValueError, TypeError, OverflowError) as exc:
            raise QuarantineReason("bad_date", str(exc)) from exc
        item.external_id = str(item.external_id).strip()
        if isinstance(item, PostItem):
            item.title = _clean(item.title) if item.title else item.title
            return item
        item.text = _clean(item.text)
        if not is_visible(item.text):
            raise QuarantineReason("empty_text", "mention text is empty after clean-up")
        if item.extra:
            item.extra = _utf8_safe_json(item.extra)
        item.text_hash = text_hash(item.text)
        item.low_effort = is_low_effort(item.text)
        return item


class MatchBrandsPipeline:
    """Attach the names of the brands whose boolean query the mention's text matches."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.queries: dict[str, BrandQuery] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MatchBrandsPipeline:
        return cls(crawler.settings.get("BRANDPULSE_DATABASE_URL"))

    def open_spider(self, spider: Spider | None = None) -> None:
        ensure_schema(self.database_url)
        with session_scope(self.database_url) as session:
            self.queries = {b.name: BrandQuery.parse(b.query) for b in repo.list_brands(session)}

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if isinstance(item, MentionItem):
            item.brands = [name for name, q in self.queries.items() if q.matches(item.text)]
        return item


class StorePipeline:
    """Write items in batches (posts before the mentions under them), keep the crawl-run row."""

    def __init__(
        self,
        crawler: Crawler,
        database_url: str,
        batch_size: int,
        health: dict[str, float] | None = None,
        flush_seconds: float = 10.0,
    ) -> None:
        self.crawler = crawler
        self.database_url = database_url
        self.batch_size = batch_size
        # A slow source also writes what it has every so often: its items reach the dashboard, and the crawl
        # run's counts (the command's progress) move, before a whole batch is in. 0: by batch size only.
        self.flush_seconds = flush_seconds
        self.last_flush = time.monotonic()
        self.health_thresholds = health or {}
        self.posts: list[PostItem] = []
        self.mentions: list[MentionItem] = []
        self.run_id: int | None = None
        self.stored = 0
        self.quarantined = 0
        self.mentions_seen = 0
        self.missing = {"published_at": 0, "author": 0}
        self.source = "unknown"

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        pipeline = cls(
            crawler,
            crawler.settings.get("BRANDPULSE_DATABASE_URL"),
            crawler.settings.getint("BRANDPULSE_BATCH_SIZE", 200),
            # Read at start: a bad BRANDPULSE_HEALTH_* value stops the crawl before it fetches anything.
            health_thresholds(crawler.settings),
            crawler.settings.getfloat("BRANDPULSE_FLUSH_SECONDS", 10.0),
        )
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider: Spider | None = None) -> None:
        spider = spider or self.crawler.spider
        self.source = spider.name if spider else "unknown"
        ensure_schema(self.database_url)
        with session_scope(self.database_url) as session:
            self.run_id = repo.start_crawl_run(session, spider=self.source)
        if spider is not None:
            spider.crawl_run_id = self.run_id  # type: ignore[attr-defined]

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if isinstance(item, PostItem):
            self.posts.append(item)
        else:
            self.mentions.append(item)
            self.mentions_seen += 1
            for name in self.missing:
                if getattr(item, name) in (None, ""):
                    self.missing[name] += 1
        due = self.flush_seconds > 0 and time.monotonic() - self.last_flush >= self.flush_seconds
        if len(self.posts) + len(self.mentions) >= self.batch_size or due:
            self.flush()
        return item

    def item_dropped(self, item: Any, response: Any, exception: BaseException, spider: Spider) -> None:
        code = getattr(exception, "code", "dropped")
        payload = dataclasses.asdict(item) if dataclasses.is_dataclass(item) else repr(item)
        with session_scope(self.database_url) as session:
            repo.quarantine(
                session, source=self.source, reason=str(exception), payload=payload, crawl_run_id=self.run_id
            )
            self.quarantined += 1
            self._progress(session)
        self.crawler.stats.inc_value(f"brandpulse/quarantined/{code}")

    def flush(self) -> None:
        posts, mentions = self.posts, self.mentions
        self.posts, self.mentions = [], []
        self.last_flush = time.monotonic()
        if not posts and not mentions:
            return
        try:
            with session_scope(self.database_url) as session:
                ids = repo.upsert_posts(session, posts=posts, crawl_run_id=self.run_id)
                repo.upsert_mentions(session, mentions=mentions, post_ids_by_key=ids, seen_by=self.run_id)
                self._progress(session, pending=len(posts) + len(mentions))
            self.stored += len(posts) + len(mentions)
        except Exception:
            # One bad row must not lose the batch: retry one by one and quarantine what still fails.
            logger.exception("batch write failed; retrying item by item")
            self._write_one_by_one(posts, mentions)
            with session_scope(self.database_url) as session:
                self._progress(session)

    def _progress(self, session: Any, pending: int = 0) -> None:
        """The run's counts so far, in the transaction that writes the ``pending`` items they include."""
        if self.run_id is not None:
            repo.record_crawl_progress(
                session, run_id=self.run_id, items=self.stored + pending, quarantined=self.quarantined
            )

    def _write_one_by_one(self, posts: list[PostItem], mentions: list[MentionItem]) -> None:
        for item in [*posts, *mentions]:
            try:
                with session_scope(self.database_url) as session:
                    if isinstance(item, PostItem):
                        repo.upsert_posts(session, posts=[item], crawl_run_id=self.run_id)
                    else:
                        repo.upsert_mentions(session, mentions=[item], seen_by=self.run_id)
                self.stored += 1
            except Exception as exc:  # noqa: BLE001 - quarantined with its reason
                with session_scope(self.database_url) as session:
                    repo.quarantine(
                        session,
                        source=self.source,
                        reason=f"store_error: {exc.__class__.__name__}: {exc}"[:500],
                        payload=dataclasses.asdict(item),
                        crawl_run_id=self.run_id,
                    )
                self.quarantined += 1
                self.crawler.stats.inc_value("brandpulse/quarantined/store_error")

    def close_spider(self, spider: Spider | None = None) -> None:
        self.flush()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Runs after every pipeline has closed, when Scrapy knows why the crawl ended."""
        stats = dict(self.crawler.stats.get_stats()) if self.crawler.stats else {}
        errors = int(stats.get("log_count/ERROR", 0))
        health = judge_crawl(
            stored=self.stored,
            quarantined=self.quarantined,
            errors=errors,
            responses=int(stats.get("response_received_count", 0)),
            mentions=self.mentions_seen,
            missing=self.missing,
            **self.health_thresholds,
        )
        stats["brandpulse/health"] = health.as_dict()
        for check in health.checks:
            if not check.ok:
                logger.warning("crawl health: %s failed: %s", check.name, check.detail)
        status = "finished" if reason == "finished" else f"stopped: {reason}"
        if self.run_id is not None:
            with session_scope(self.database_url) as session:
                repo.finish_crawl_run(
                    session,
                    run_id=self.run_id,
                    items=self.stored,
                    quarantined=self.quarantined,
                    errors=errors,
                    status=status,
                    stats=stats,
                )
        logger.info("stored %d items, quarantined %d, errors %d", self.stored, self.quarantined, errors)
