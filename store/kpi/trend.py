"""Net sentiment by week, with each week's volume: the Overview's trend chart.

Daily net sentiment swings ±100 on two mentions, so the trend is weekly (ISO weeks, Monday to Sunday, UTC;
the first and last week of a period may be partial) and a week's net sentiment is given only when it has at
least ``MIN_WEEK_MENTIONS`` labeled, non-spam mentions (P + N + U); below that it is None, as it is for a
week with no mentions at all, so a chart leaves a gap instead of drawing a line through it. Every week of
the period is listed, empty ones included.

The daily sums come from the ``brand_day`` rollup in SQL (a few hundred rows); they are added up into weeks
here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from store.kpi.common import brand_day_period, pct
from store.kpi.periods import week_start, week_starts
from store.models import Brand, BrandDay

MIN_WEEK_MENTIONS = 5


@dataclass(frozen=True)
class WeekPoint:
    """One brand's week: ``mentions`` = non-spam mentions (the volume), P / N / U of the labeled ones, and
    net sentiment when P + N + U ≥ the minimum (else None)."""

    week: date  # the Monday
    brand: str
    mentions: int
    positive: int
    negative: int
    neutral: int
    net_sentiment: float | None


def sentiment_by_week(
    session: Session,
    *,
    brands: Sequence[str],
    since: date | None,
    until: date,
    min_mentions: int = MIN_WEEK_MENTIONS,
) -> list[WeekPoint]:
    """Weekly volume and net sentiment of each of ``brands`` over [since, until] (whole UTC days; an open
    ``since`` starts at the week of the first mention of any of them), ordered by week, then brand."""
    bd = BrandDay.__table__
    stmt = (
        select(
            bd.c.day,
            Brand.name,
            func.sum(bd.c.mentions),
            func.sum(bd.c.positive),
            func.sum(bd.c.negative),
            func.sum(bd.c.neutral),
        )
        .select_from(Brand)
        .join(bd, bd.c.brand_id == Brand.id)
        .where(brand_day_period(since, until), bd.c.day != "", Brand.name.in_(list(brands)))  # type: ignore[arg-type]
        .group_by(bd.c.day, Brand.name)
    )
    sums: dict[tuple[date, str], list[int]] = {}
    first: date | None = None
    for day, name, m, p, n, u in session.execute(stmt).all():
        d = date.fromisoformat(str(day)[:10])
        first = d if first is None else min(first, d)
        acc = sums.setdefault((week_start(d), name), [0, 0, 0, 0])
        for i, value in enumerate((m, p, n, u)):
            acc[i] += int(value or 0)
    start = since if since is not None else first
    if start is None:
        return []
    out = []
    for week in week_starts(start, until):
        for name in sorted(brands):
            m, p, n, u = sums.get((week, name), (0, 0, 0, 0))
            labeled = p + n + u
            net = pct(p - n, labeled) if labeled >= max(min_mentions, 1) else None
            out.append(WeekPoint(week, name, m, p, n, u, net))
    return out
