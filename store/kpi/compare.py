"""A brand's headline figures in a period and their change against the previous period (the Overview's KPI
cards and their deltas).

A change is current − previous in the figure's own unit: mentions and engagement in counts, share of voice
and spam rate in percentage points, net sentiment in points of its −100…100 scale, inflation as a ratio.
Counts (``COUNT_FIGURES``) also get a relative change, (current − previous) / previous × 100. A change is
None when either side is None (no mentions, no posts) and the relative change also when the previous count is
zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from store.kpi.common import pct
from store.kpi.periods import Period
from store.kpi.quality import engagement_by_brand
from store.kpi.voice import share_of_voice

# The KPI cards, in order; the key is also the figure's key in ``FORMULAS``.
HEADLINE_FIGURES = ("mentions", "sov", "net_sentiment", "spam_rate", "engagement", "qwe", "inflation")
COUNT_FIGURES = frozenset({"mentions", "engagement", "qwe"})


@dataclass(frozen=True)
class Headline:
    """One brand's headline figures in one period (shares within ``peers``, its comparison set)."""

    brand: str
    since: date | None
    until: date
    mentions: int
    sov: float | None
    net_sentiment: float | None
    spam_rate: float | None
    engagement: int
    qwe: float
    inflation: float | None
    positive: int
    negative: int
    neutral: int
    positive_pct: float | None
    negative_pct: float | None


@dataclass(frozen=True)
class Change:
    """A figure now and in the previous period; ``change`` = current − previous, ``relative`` in % of
    previous (counts only)."""

    current: float | None
    previous: float | None
    change: float | None
    relative: float | None


def change(current: float | None, previous: float | None, *, relative: bool = False) -> Change:
    """The change of one figure (see the module).

    >>> change(6, 4, relative=True)
    Change(current=6, previous=4, change=2, relative=50.0)
    >>> change(50.0, None).change is None
    True
    """
    if current is None or previous is None:
        return Change(current, previous, None, None)
    diff = current - previous
    return Change(current, previous, diff, pct(diff, previous) if relative else None)


def headline_changes(current: Headline, previous: Headline | None) -> dict[str, Change]:
    """Every headline figure's change, keyed as ``HEADLINE_FIGURES``; with no previous period, changes are
    None."""
    out = {}
    for key in HEADLINE_FIGURES:
        before = None if previous is None else getattr(previous, key)
        out[key] = change(getattr(current, key), before, relative=key in COUNT_FIGURES)
    return out


def brand_headline(session: Session, *, brand: str, peers: Sequence[str], period: Period) -> Headline:
    """``brand``'s headline figures in ``period`` (whole UTC days), shares within ``peers`` (which must
    include ``brand``)."""
    if brand not in peers:
        raise ValueError(f"{brand!r} is not in its comparison set {list(peers)!r}")
    voice = {
        v.brand: v for v in share_of_voice(session, brands=peers, since=period.since, until=period.until)
    }
    (eng,) = engagement_by_brand(session, brands=[brand], since=period.since, until=period.until)
    v = voice[brand]
    return Headline(
        brand=brand,
        since=period.since,
        until=period.until,
        mentions=v.mentions,
        sov=v.sov,
        net_sentiment=v.net_sentiment,
        spam_rate=v.spam_rate,
        engagement=eng.engagement,
        qwe=eng.qwe,
        inflation=eng.inflation,
        positive=v.positive,
        negative=v.negative,
        neutral=v.neutral,
        positive_pct=v.positive_pct,
        negative_pct=v.negative_pct,
    )
