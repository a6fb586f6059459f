"""Voice: mentions, share of voice (by mentions, engagement and reach), P / N / U, net sentiment and spam rate
per brand, and net sentiment by day. Whole days are read from the ``brand_day`` rollup; other periods are
counted from the mentions, with the same result. ``exclude_thread``: without the comments that name no brand
and count for their post's brands only from the thread (``mention_brand.from_thread``), counted from the
mentions (the rollup does not split them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from store.brand_sentiment import brand_sentiment
from store.kpi.common import brand_day_period, pct, whole_days
from store.models import Author, Brand, BrandDay, Mention, MentionBrand
from store.sql import day_of, mention_time, not_spam, period_filter


def comparison_set(session: Session, brand: str) -> list[str]:
    """The brand and its competitors (same competitor group); every stored brand when it has no group."""
    row = session.execute(select(Brand.competitor_group).where(Brand.name == brand)).first()
    if row is None:
        raise KeyError(f"unknown brand {brand!r}")
    group = row[0]
    stmt = select(Brand.name).order_by(Brand.name)
    if group:
        stmt = stmt.where(Brand.competitor_group == group)
    return [name for (name,) in session.execute(stmt).all()]


def brand_groups(session: Session) -> dict[str, str | None]:
    """Every stored brand's competitor group (None: none), by brand name."""
    return {name: group for name, group in session.execute(select(Brand.name, Brand.competitor_group)).all()}


def group_comparison_set(session: Session, brand: str, group: str | None) -> list[str]:
    """``brand`` compared with the brands of ``group`` (every stored brand for None), by name."""
    stmt = select(Brand.name).order_by(Brand.name)
    if group is not None:
        stmt = stmt.where(Brand.competitor_group == group)
    names = [name for (name,) in session.execute(stmt).all()]
    return sorted({*names, brand})


def _own_links(exclude_thread: bool) -> list[ColumnElement[bool]]:
    """The condition that keeps a brand's own links only, when thread links are excluded."""
    return [MentionBrand.from_thread.is_(False)] if exclude_thread else []


@dataclass(frozen=True)
class BrandVoice:
    brand: str
    mentions: int
    spam_mentions: int
    spam_rate: float | None
    positive: int
    negative: int
    neutral: int
    positive_pct: float | None
    negative_pct: float | None
    net_sentiment: float | None
    engagement: int
    reach: int
    sov: float | None
    sov_engagement: float | None
    sov_reach: float | None
    net_sentiment_sov: float | None


def share_of_voice(
    session: Session,
    *,
    brands: Sequence[str] | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    exclude_thread: bool = False,
) -> list[BrandVoice]:
    """Voice figures of each brand of a comparison set (all brands by default), shares within that set;
    ``exclude_thread``: of the mentions that name the brand only (no links from a thread)."""
    if whole_days(since, until) and not exclude_thread:
        # Whole days: from the per-brand, per-day rollup (a few hundred rows instead of every mention).
        bd = BrandDay.__table__
        sums = (bd.c[c] for c in ("mentions", "spam_mentions", "positive", "negative", "neutral"))
        stmt = (
            select(Brand.name, *(func.sum(c) for c in sums), func.sum(bd.c.engagement), func.sum(bd.c.reach))
            .select_from(Brand)
            .join(bd, bd.c.brand_id == Brand.id)
            .where(brand_day_period(since, until))  # type: ignore[arg-type]
            .group_by(Brand.name)
        )
    else:
        ham = not_spam()
        ns = lambda expr: func.sum(case((ham, expr), else_=0))  # noqa: E731
        label = brand_sentiment()
        stmt = (
            select(
                Brand.name,
                ns(1).label("mentions"),
                func.sum(case((ham, 0), else_=1)).label("spam"),
                ns(case((label == "positive", 1), else_=0)).label("p"),
                ns(case((label == "negative", 1), else_=0)).label("n"),
                ns(case((label == "neutral", 1), else_=0)).label("u"),
                ns(Mention.likes + Mention.replies).label("engagement"),
                ns(func.coalesce(Author.followers, 0)).label("reach"),
            )
            .select_from(Brand)
            .join(MentionBrand, MentionBrand.brand_id == Brand.id)
            .join(Mention, Mention.id == MentionBrand.mention_id)
            .outerjoin(Author, Author.id == Mention.author_id)
            .where(period_filter(mention_time(), since, until), *_own_links(exclude_thread))
            .group_by(Brand.name)
        )
    if brands is not None:
        stmt = stmt.where(Brand.name.in_(list(brands)))
    rows = {r[0]: r for r in session.execute(stmt).all()}
    names = list(brands) if brands is not None else [n for (n,) in session.execute(select(Brand.name)).all()]
    data = {n: tuple(int(x or 0) for x in rows[n][1:]) if n in rows else (0,) * 7 for n in names}
    tot_m = sum(v[0] for v in data.values())
    tot_e = sum(v[5] for v in data.values())
    tot_r = sum(v[6] for v in data.values())
    tot_pn = sum(v[2] + v[3] for v in data.values())
    out = []
    for name in sorted(names):
        m, spam, p, n, u, e, r = data[name]
        out.append(
            BrandVoice(
                brand=name,
                mentions=m,
                spam_mentions=spam,
                spam_rate=pct(spam, m + spam),
                positive=p,
                negative=n,
                neutral=u,
                positive_pct=pct(p, p + n + u),
                negative_pct=pct(n, p + n + u),
                net_sentiment=pct(p - n, p + n + u),
                engagement=e,
                reach=r,
                sov=pct(m, tot_m),
                sov_engagement=pct(e, tot_e),
                sov_reach=pct(r, tot_r),
                net_sentiment_sov=pct(p - n, tot_pn),
            )
        )
    return out


@dataclass(frozen=True)
class SentimentPoint:
    day: str  # YYYY-MM-DD (UTC)
    brand: str
    positive: int
    negative: int
    neutral: int
    net_sentiment: float | None


def net_sentiment_by_day(
    session: Session,
    *,
    brands: Sequence[str] | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    exclude_thread: bool = False,
) -> list[SentimentPoint]:
    """Daily P / N / U counts and net sentiment per brand (labeled, non-spam mentions; ``exclude_thread``:
    without links from a thread)."""
    if whole_days(since, until) and not exclude_thread:
        bd = BrandDay.__table__
        stmt = (
            select(bd.c.day, Brand.name, bd.c.positive, bd.c.negative, bd.c.neutral)
            .select_from(Brand)
            .join(bd, bd.c.brand_id == Brand.id)
            .where(
                brand_day_period(since, until),  # type: ignore[arg-type]
                bd.c.day != "",
                bd.c.positive + bd.c.negative + bd.c.neutral > 0,
            )
            .order_by(bd.c.day, Brand.name)
        )
        if brands is not None:
            stmt = stmt.where(Brand.name.in_(list(brands)))
        return [
            SentimentPoint(d, name, int(p), int(n), int(u), pct(p - n, p + n + u))
            for d, name, p, n, u in session.execute(stmt).all()
        ]
    day = day_of(session, mention_time())
    label = brand_sentiment()
    stmt = (
        select(
            day.label("day"),
            Brand.name,
            func.sum(case((label == "positive", 1), else_=0)),
            func.sum(case((label == "negative", 1), else_=0)),
            func.sum(case((label == "neutral", 1), else_=0)),
        )
        .select_from(Brand)
        .join(MentionBrand, MentionBrand.brand_id == Brand.id)
        .join(Mention, Mention.id == MentionBrand.mention_id)
        .where(
            not_spam(),
            Mention.sentiment.is_not(None),
            period_filter(mention_time(), since, until),
            *_own_links(exclude_thread),
        )
        .group_by(day, Brand.name)
        .order_by(day, Brand.name)
    )
    if brands is not None:
        stmt = stmt.where(Brand.name.in_(list(brands)))
    out = []
    for d, name, p, n, u in session.execute(stmt).all():
        p, n, u = int(p or 0), int(n or 0), int(u or 0)
        out.append(SentimentPoint(str(d)[:10], name, p, n, u, pct(p - n, p + n + u)))
    return out
