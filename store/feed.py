"""Reads behind the dashboard's mention lists: the negative feed (PR triage) and crawl health.

``negative_feed`` is the first ``limit`` mentions in one order (the export-like list the first dashboard
used); the Negative feed page reads ``store.feed_pages``: pages of 25 with a true total, filters and sorts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from store.alerts import DEFAULT_SETTINGS, running_hours
from store.brand_sentiment import has_brand_sentiment
from store.models import (
    CORRECTED,
    IMPORTED,
    TRIAGE_STATUSES,
    Author,
    Brand,
    CrawlRun,
    Mention,
    MentionBrand,
    QuarantinedRecord,
)
from store.sql import mention_time, not_spam, period_filter
from store.timeutil import as_utc, utcnow

STUCK_RUN_HOURS = DEFAULT_SETTINGS.max_run_hours  # as the "Crawl run never finished" alert

# A model label whose probability of "negative" is below this is flagged "low confidence" in the feed: the
# model was unsure (with three classes the top label can have p just over 1/3), so an analyst should check it.
LOW_CONFIDENCE = 0.6

# negative_feed's orderings: newest first (the default), most confident first, least confident first.
FEED_ORDERS = ("newest", "confidence_desc", "confidence_asc")


@dataclass(frozen=True)
class FeedMention:
    mention_id: int
    published_at: datetime | None
    platform: str
    url: str | None
    author: str | None
    text: str
    lang: str | None
    brands: tuple[str, ...]
    p_negative: float | None
    likes: int
    replies: int
    triage_status: str
    label_source: str | None = None  # model | imported | corrected
    kind: str = "comment"
    # The post a comment is under (None for a post's own text, or a comment whose post is not stored).
    post_title: str | None = None
    post_url: str | None = None
    followers: int = 0  # its author's, 0 when unknown
    triage_assignee: str | None = None
    triage_priority: str | None = None
    triage_note: str | None = None
    # The brands it counts for only from its thread: a comment naming no brand counts for its post's brands.
    thread_brands: tuple[str, ...] = ()

    @property
    def reach(self) -> int:
        """Author followers + likes + replies (``store.sql.mention_reach``)."""
        return self.followers + self.likes + self.replies

    @property
    def severity(self) -> float:
        """p_negative × reach: how bad and how widely seen (the feed's "severity" sort)."""
        return (self.p_negative or 0.0) * self.reach

    @property
    def model_confidence(self) -> float | None:
        """The model's probability of "negative", or None where no model decided the label (an analyst's
        correction or a label imported with the data, whose probabilities are one-hot)."""
        if self.label_source in (CORRECTED, IMPORTED):
            return None
        return self.p_negative

    @property
    def low_confidence(self) -> bool:
        """The model labeled this negative with a probability below ``LOW_CONFIDENCE``."""
        confidence = self.model_confidence
        return confidence is not None and confidence < LOW_CONFIDENCE


def negative_feed(
    session: Session,
    *,
    brand: str | None = None,
    statuses: tuple[str, ...] = TRIAGE_STATUSES,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    limit: int = 200,
    order: str = "newest",
) -> list[FeedMention]:
    """Non-spam negative mentions of a brand published in [since, until] (whole UTC days), the first
    ``limit`` in ``order`` (one of ``FEED_ORDERS``): "newest" first (the default), or by ``p_negative``,
    "confidence_desc" (highest first) or "confidence_asc" (lowest first: the unsure ones to review). Within
    the same confidence the newest comes first; a mention without a probability comes last either way.

    >>> negative_feed(session, order="confidence_asc", limit=20)  # doctest: +SKIP
    """
    if order not in FEED_ORDERS:
        raise ValueError(f"order must be one of {', '.join(FEED_ORDERS)}, not {order!r}")
    newest = (mention_time().desc(), Mention.id.desc())
    by_confidence = {
        "newest": (),
        "confidence_desc": (Mention.p_negative.desc().nulls_last(),),
        "confidence_asc": (Mention.p_negative.asc().nulls_last(),),
    }[order]
    stmt = (
        select(
            Mention.id,
            Mention.published_at,
            Mention.platform,
            Mention.url,
            Author.handle,
            Mention.text,
            Mention.lang,
            Mention.p_negative,
            Mention.likes,
            Mention.replies,
            Mention.triage_status,
            Mention.label_source,
        )
        .select_from(Mention)
        .outerjoin(Author, Author.id == Mention.author_id)
        .where(
            # Negative for the brand (for any of its brands when None): a comparison of two brands can be
            # negative about one of them only (store.brand_sentiment).
            has_brand_sentiment("negative", brand),
            not_spam(),
            Mention.triage_status.in_(statuses),
            period_filter(mention_time(), since, until),
        )
        .order_by(*by_confidence, *newest)
        .limit(limit)
    )
    rows = session.execute(stmt).all()
    names = brand_names_of(session, [r[0] for r in rows])
    return [
        FeedMention(
            mention_id=r[0],
            published_at=as_utc(r[1]),
            platform=r[2],
            url=r[3],
            author=r[4],
            text=r[5],
            lang=r[6],
            brands=names.get(r[0], ()),
            p_negative=r[7],
            likes=r[8],
            replies=r[9],
            triage_status=r[10],
            label_source=r[11],
        )
        for r in rows
    ]


def brand_names_of(session: Session, mention_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """Mention id → the names of its brands, sorted."""
    names: dict[int, list[str]] = {}
    if mention_ids:
        for mid, name in session.execute(
            select(MentionBrand.mention_id, Brand.name)
            .join(Brand, Brand.id == MentionBrand.brand_id)
            .where(MentionBrand.mention_id.in_(mention_ids))
        ).all():
            names.setdefault(mid, []).append(name)
    return {mid: tuple(sorted(n)) for mid, n in names.items()}


@dataclass(frozen=True)
class SourceHealth:
    spider: str
    last_run_id: int
    started_at: datetime | None
    finished_at: datetime | None
    status: str
    items: int
    quarantined: int
    errors: int
    quarantine_reasons: dict[str, int]
    health: str = "unknown"  # ok | warning | failed, from the crawl's health checks
    failed_checks: tuple[str, ...] = ()
    stuck: bool = False  # still "running" long after its start: the crawler was probably killed


def _health(stats_json: str | None) -> dict[str, Any]:
    """The health verdict the crawl stored in its stats (see crawler.health)."""
    try:
        health = json.loads(stats_json or "{}").get("brandpulse/health") or {}
    except (ValueError, AttributeError):
        return {}
    failed = tuple(f"{c['name']}: {c['detail']}" for c in health.get("checks", []) if not c.get("ok"))
    return {"health": health.get("status", "unknown"), "failed_checks": failed}


def source_health(
    session: Session, *, now: datetime | None = None, stuck_after_hours: float = STUCK_RUN_HOURS
) -> list[SourceHealth]:
    """The last crawl run of each spider, with its quarantine reasons; ``stuck`` where it has said "running"
    for more than ``stuck_after_hours`` before ``now`` (default: the current time)."""
    now = now or utcnow()
    last = select(CrawlRun.spider, func.max(CrawlRun.id).label("id")).group_by(CrawlRun.spider).subquery()
    runs = session.execute(
        select(CrawlRun).join(last, last.c.id == CrawlRun.id).order_by(CrawlRun.spider)
    ).scalars()
    out = []
    for run in runs:
        reasons: dict[str, int] = {}
        for reason, n in session.execute(
            select(QuarantinedRecord.reason, func.count())
            .where(QuarantinedRecord.crawl_run_id == run.id)
            .group_by(QuarantinedRecord.reason)
        ).all():
            reasons[reason.split(":", 1)[0]] = reasons.get(reason.split(":", 1)[0], 0) + n
        out.append(
            SourceHealth(
                spider=run.spider,
                last_run_id=run.id or 0,
                started_at=as_utc(run.started_at),
                finished_at=as_utc(run.finished_at),
                status=run.status,
                items=run.items,
                quarantined=run.quarantined,
                errors=run.errors,
                quarantine_reasons=reasons,
                stuck=(running_hours(run, now) or 0.0) > stuck_after_hours,
                **_health(run.stats),
            )
        )
    return out
