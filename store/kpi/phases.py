"""Campaign phases: a brand's mentions, share of voice, net sentiment, QW net sentiment and QWE in the windows
before, during and after a campaign, and the changes between them.

A campaign runs from its first row's start to its last row's end (``campaign.starts_on`` / ``ends_on``;
without them, from its first to its last stored post), whole UTC days. The window before ends the day before
it starts and the window after starts the day after it ends; each is ``before_days`` / ``after_days`` long,
and by default (None) as long as the campaign, so counts (mentions, QWE) compare like with like without a
per-day rate. Every figure is the same function as the Overview's (``store.kpi.compare.brand_headline``,
``store.kpi.quality.qw_net_sentiment``); changes follow ``store.kpi.compare.change`` (counts also relative).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from store.kpi.compare import COUNT_FIGURES, Change, brand_headline, change
from store.kpi.periods import Period
from store.kpi.quality import DEFAULT_LOW_EFFORT_WEIGHT, qw_net_sentiment
from store.kpi.voice import comparison_set
from store.models import Brand, Campaign, Post
from store.timeutil import as_utc

DEFAULT_PHASE_DAYS: int | None = None  # None: as long as the campaign
PHASES = ("before", "during", "after")
PHASE_FIGURES = ("mentions", "sov", "net_sentiment", "qw_net_sentiment", "qwe")


@dataclass(frozen=True)
class CampaignSpan:
    """A campaign of a brand and the days it ran (both included)."""

    campaign: str
    starts_on: date
    ends_on: date

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


def campaign_spans(session: Session, *, brand: str) -> list[CampaignSpan]:
    """The brand's campaigns with their start and end days, by start; campaigns with neither dates nor
    stored posts are left out (they have no window)."""
    stmt = (
        select(
            Campaign.name,
            func.min(Campaign.starts_on),
            func.max(Campaign.ends_on),
            func.min(Post.published_at),
            func.max(Post.published_at),
        )
        .join(Brand, Brand.id == Campaign.brand_id)
        .outerjoin(Post, Post.id == Campaign.post_id)
        .where(Brand.name == brand)
        .group_by(Campaign.name)
    )
    out = []
    for name, start, end, first_post, last_post in session.execute(stmt).all():
        s = as_utc(start) or as_utc(first_post)
        e = as_utc(end) or as_utc(last_post) or s
        if s is None or e is None:
            continue
        out.append(CampaignSpan(name, s.date(), max(e.date(), s.date())))
    return sorted(out, key=lambda c: (c.starts_on, c.campaign))


def phase_windows(
    span: CampaignSpan, *, before_days: int | None = None, after_days: int | None = None
) -> dict[str, Period]:
    """The before / during / after windows of ``span`` (see the module).

    >>> w = phase_windows(CampaignSpan("c", date(2026, 3, 1), date(2026, 3, 10)), after_days=5)
    >>> w["before"], w["after"]
    (Period(since=datetime.date(2026, 2, 19), until=datetime.date(2026, 2, 28)), \
Period(since=datetime.date(2026, 3, 11), until=datetime.date(2026, 3, 15)))
    """
    b = before_days or span.days
    a = after_days or span.days
    one = timedelta(days=1)
    return {
        "before": Period(span.starts_on - timedelta(days=b), span.starts_on - one),
        "during": Period(span.starts_on, span.ends_on),
        "after": Period(span.ends_on + one, span.ends_on + timedelta(days=a)),
    }


@dataclass(frozen=True)
class PhaseFigures:
    """The brand's figures in one window."""

    phase: str
    since: date
    until: date
    days: int
    mentions: int
    sov: float | None
    net_sentiment: float | None
    qw_net_sentiment: float | None
    qwe: float
    engagement: int


@dataclass(frozen=True)
class CampaignPhases:
    """A campaign's three windows and the changes during − before and after − before."""

    brand: str
    campaign: str
    starts_on: date
    ends_on: date
    phases: tuple[PhaseFigures, ...]
    during_vs_before: dict[str, Change]
    after_vs_before: dict[str, Change]

    def phase(self, name: str) -> PhaseFigures:
        return {p.phase: p for p in self.phases}[name]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (``brandpulse phases --json``): dates as ISO text."""
        return {
            "brand": self.brand,
            "campaign": self.campaign,
            "starts_on": self.starts_on.isoformat(),
            "ends_on": self.ends_on.isoformat(),
            "phases": {
                p.phase: {**asdict(p), "since": p.since.isoformat(), "until": p.until.isoformat()}
                for p in self.phases
            },
            "during_vs_before": {k: asdict(v) for k, v in self.during_vs_before.items()},
            "after_vs_before": {k: asdict(v) for k, v in self.after_vs_before.items()},
        }


def _changes(now: PhaseFigures, before: PhaseFigures) -> dict[str, Change]:
    return {
        key: change(getattr(now, key), getattr(before, key), relative=key in COUNT_FIGURES)
        for key in PHASE_FIGURES
    }


def campaign_phases(
    session: Session,
    *,
    brand: str,
    span: CampaignSpan,
    before_days: int | None = None,
    after_days: int | None = None,
    low_effort_weight: float = DEFAULT_LOW_EFFORT_WEIGHT,
) -> CampaignPhases:
    """The brand's figures before, during and after ``span`` (share of voice within its comparison set);
    raises KeyError for an unknown brand."""
    peers = comparison_set(session, brand)
    figures = []
    for name, period in phase_windows(span, before_days=before_days, after_days=after_days).items():
        head = brand_headline(session, brand=brand, peers=peers, period=period)
        qw_ns = qw_net_sentiment(
            session, brand=brand, since=period.since, until=period.until, low_effort_weight=low_effort_weight
        )
        assert period.since is not None and period.days is not None  # windows are closed
        figures.append(
            PhaseFigures(
                phase=name,
                since=period.since,
                until=period.until,
                days=period.days,
                mentions=head.mentions,
                sov=head.sov,
                net_sentiment=head.net_sentiment,
                qw_net_sentiment=qw_ns,
                qwe=head.qwe,
                engagement=head.engagement,
            )
        )
    before, during, after = figures
    return CampaignPhases(
        brand=brand,
        campaign=span.campaign,
        starts_on=span.starts_on,
        ends_on=span.ends_on,
        phases=tuple(figures),
        during_vs_before=_changes(during, before),
        after_vs_before=_changes(after, before),
    )
