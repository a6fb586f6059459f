"""Drivers of a brand's net sentiment in a period: the positive and negative mentions that reached the most
people, and the terms its positive and negative mentions use, this period against the previous one.

A mention's reach here is its author's followers (the store's potential reach, as in reach-weighted share of
voice) plus its engagement (likes + replies, as in engagement-weighted share of voice): a complaint from an
account with 50,000 followers, or one with hundreds of replies, moved more opinion than one nobody saw.
Spam is left out, and a mention's sentiment is the one it gives the brand (``store.brand_sentiment``).

Terms are counted by ``store.kpi.terms`` over the texts of the period's positive (or negative) mentions, the
newest ``TEXT_LIMIT`` of them at most, leaving out the brand's own name and query words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from store.brand_sentiment import brand_sentiment
from store.kpi.periods import Period
from store.kpi.terms import TermTrend, brand_terms, term_trends
from store.models import Author, Brand, Mention, MentionBrand
from store.sql import mention_reach, mention_time, not_spam, period_filter

DRIVER_SENTIMENTS = ("negative", "positive")
TEXT_LIMIT = 2000  # newest texts per side and period: about 0.3 s of term counting each
TOP_MENTIONS = 3
TOP_TERMS = 10
MIN_TERM_MENTIONS = 2


@dataclass(frozen=True)
class DriverMention:
    """A mention that moved net sentiment, with what made it reach people."""

    mention_id: int
    sentiment: str
    text: str
    platform: str
    url: str | None
    author: str | None
    published_at: datetime | None
    followers: int  # its author's, 0 when unknown
    engagement: int  # likes + replies
    reach: int  # followers + engagement


@dataclass(frozen=True)
class TermDrivers:
    """The terms of a brand's mentions of one sentiment: how many mentions there were (now and before; None
    without a previous period), whether the texts were cut to ``TEXT_LIMIT``, and the top terms."""

    sentiment: str
    mentions: int
    previous_mentions: int | None
    sampled: bool
    terms: list[TermTrend]


def _brand_mentions(brand: str, sentiment: str, period: Period) -> Any:
    """The brand's non-spam mentions giving it ``sentiment`` in ``period`` (a statement without columns)."""
    return (
        select()
        .select_from(Mention)
        .join(MentionBrand, MentionBrand.mention_id == Mention.id)
        .join(Brand, Brand.id == MentionBrand.brand_id)
        .where(
            Brand.name == brand,
            not_spam(),
            brand_sentiment() == sentiment,
            period_filter(mention_time(), period.since, period.until),
        )
    )


def top_mentions_by_reach(
    session: Session, *, brand: str, sentiment: str, period: Period, limit: int = TOP_MENTIONS
) -> list[DriverMention]:
    """The ``limit`` mentions of ``brand`` with ``sentiment`` in ``period`` that reached the most people
    (followers + likes + replies; ties: newest first)."""
    if sentiment not in DRIVER_SENTIMENTS:
        raise ValueError(f"sentiment must be one of {DRIVER_SENTIMENTS}, not {sentiment!r}")
    followers = func.coalesce(Author.followers, 0)
    engagement = Mention.likes + Mention.replies
    stmt = (
        _brand_mentions(brand, sentiment, period)
        .add_columns(
            Mention.id,
            Mention.text,
            Mention.platform,
            Mention.url,
            Author.handle,
            Mention.published_at,
            followers,
            engagement,
        )
        .outerjoin(Author, Author.id == Mention.author_id)
        .order_by(mention_reach().desc(), mention_time().desc(), Mention.id)
        .limit(limit)
    )
    return [
        DriverMention(
            int(i), sentiment, text or "", platform, url, handle, published, int(f), int(e), int(f) + int(e)
        )
        for i, text, platform, url, handle, published, f, e in session.execute(stmt).all()
    ]


def _texts(session: Session, brand: str, sentiment: str, period: Period, limit: int) -> tuple[list[str], int]:
    """The texts of the newest ``limit`` mentions and how many there are in all."""
    base = _brand_mentions(brand, sentiment, period)
    total = session.execute(base.add_columns(func.count())).scalar_one()
    rows = session.execute(
        base.add_columns(Mention.text).order_by(mention_time().desc(), Mention.id.desc()).limit(limit)
    ).all()
    return [text or "" for (text,) in rows], int(total or 0)


def term_drivers(
    session: Session,
    *,
    brand: str,
    sentiment: str,
    period: Period,
    previous: Period | None,
    limit: int = TOP_TERMS,
    min_mentions: int = MIN_TERM_MENTIONS,
    text_limit: int = TEXT_LIMIT,
) -> TermDrivers:
    """The top terms of ``brand``'s mentions with ``sentiment`` in ``period``, each with its count in the
    ``previous`` period (``store.kpi.terms.term_trends``), over the newest ``text_limit`` texts of each."""
    if sentiment not in DRIVER_SENTIMENTS:
        raise ValueError(f"sentiment must be one of {DRIVER_SENTIMENTS}, not {sentiment!r}")
    row = session.execute(select(Brand.name, Brand.query).where(Brand.name == brand)).first()
    if row is None:
        raise KeyError(f"unknown brand {brand!r}")
    texts, total = _texts(session, brand, sentiment, period, text_limit)
    before, before_total = (
        _texts(session, brand, sentiment, previous, text_limit) if previous else (None, None)
    )
    trends = term_trends(
        texts, before, exclude=brand_terms(row[0], row[1]), limit=limit, min_mentions=min_mentions
    )
    sampled = total > len(texts) or (
        before_total is not None and before is not None and before_total > len(before)
    )
    return TermDrivers(sentiment, total, before_total, sampled, trends)
