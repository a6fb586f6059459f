"""What every KPI family shares: the formulas shown next to the figures, percentages and ratios that are
``None`` when their denominator is zero, and when the per-brand daily rollup can answer a period."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case
from sqlalchemy.sql import ColumnElement

from store.models import BrandDay

FORMULAS = {
    "mentions": "count of non-spam mentions matching the brand query",
    "sov": "mentions of the brand / mentions of all brands in its comparison set × 100",
    "sov_engagement": "Σ engagement (likes + replies) of the brand's mentions / same over the set × 100",
    "sov_reach": "Σ author followers of the brand's mentions / same over the set × 100",
    "net_sentiment": "(positive − negative) / (positive + negative + neutral) × 100, spam excluded",
    "net_sentiment_sov": "(P − N) of the brand / Σ over the set of (P + N) × 100",
    "spam_rate": "spam mentions / all mentions of the brand × 100",
    "engagement": "Σ over the brand's posts of likes + comments + shares + saves",
    "qwe": "Σ over posts of s_p × E_p; s_p = Σ comment weights q_c / stored comments (1 when none stored); "
    "q_c = (1 − p_spam) × duplicate (0/1) × low-effort weight",
    "inflation": "raw engagement / quality-weighted engagement",
}


def pct(num: float, den: float) -> float | None:
    """num / den × 100, None when den is zero (``pct(1, 4)`` → 25.0)."""
    return None if not den else num / den * 100.0


def ctr_base(impressions: float | None, views: float | None) -> float | None:
    """What CTR divides clicks by: impressions, or views where there are none (None or 0) — one rule for
    ``campaign_performance`` and the A/B comparison. ``ctr_base(0, 900)`` → 900."""
    return impressions if impressions else views


def rate_per_follower(value: float, followers: int | None) -> float | None:
    """A post's rate by followers: value / F × 100 (ER from E, QW-ER from QWE); None for an account with no
    followers known. ``rate_per_follower(500, 10_000)`` → 5.0; ``rate_per_follower_sql`` is its SQL twin."""
    return value * 100.0 / followers if followers is not None and followers > 0 else None


def rate_per_follower_sql(value: Any, followers: Any) -> ColumnElement[float]:
    """``rate_per_follower`` as an SQL expression (per post, to average over posts)."""
    return case((followers > 0, value * 100.0 / followers), else_=None)


def ratio(num: float, den: float) -> float | None:
    """num / den, None when den is zero."""
    return None if not den else num / den


def whole_days(since: Any, until: Any) -> bool:
    """Bounds the ``brand_day`` rollup can answer: whole days (dates) or open."""
    return all(v is None or (isinstance(v, date) and not isinstance(v, datetime)) for v in (since, until))


def brand_day_period(since: date | None, until: date | None) -> ColumnElement[bool]:
    """The ``brand_day`` rows of the days in [since, until] (None leaves that side open)."""
    bd = BrandDay.__table__
    conds = []
    if since is not None:
        conds.append(bd.c.day >= since.isoformat())
    if until is not None:
        conds.append(bd.c.day <= until.isoformat())
    if conds:  # a mention with no time is in no period ('' sorts before every day)
        conds.append(bd.c.day != "")
    return and_(True, *conds)
