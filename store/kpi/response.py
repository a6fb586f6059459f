"""Response metrics of the PR desk: how fast negative mentions get a first action and get resolved.

Over the non-spam mentions negative for a brand (``store.brand_sentiment``) that were stored in the period:

- **time to first action**: from when brandpulse stored the mention (``first_seen_at``, else its published
  time) to its first ``triage_event`` (any change: status, assignee, priority or note). The stored time, not
  the published one: nobody can act on a mention before the crawl brings it in, and an import of old posts
  would otherwise read as weeks of delay.
- **time to resolve**: from the same start to the change that set the status to "resolved", for mentions
  resolved now (the latest such change: a reopened and resolved again mention counts its final resolution).

Per brand and per (current) assignee: median and p90 in hours (linear interpolation between ranks, as
PostgreSQL's ``percentile_cont``), and the share resolved within ``target_hours``: resolved in time / the
mentions that are resolved or whose target has passed by ``now`` (a mention stored an hour ago is not late).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from store.brand_sentiment import brand_sentiment
from store.models import Brand, Mention, MentionBrand, TriageEvent
from store.sql import not_spam, period_filter
from store.timeutil import as_utc, utcnow

DEFAULT_TARGET_HOURS = 24.0
UNASSIGNED_LABEL = None  # the per-assignee row of mentions nobody is assigned to


@dataclass(frozen=True)
class ResponseStats:
    """One group's response figures (hours; None where no mention qualifies)."""

    mentions: int
    acted: int
    resolved: int
    first_action_median_hours: float | None
    first_action_p90_hours: float | None
    resolve_median_hours: float | None
    resolve_p90_hours: float | None
    resolved_within_target_pct: float | None


@dataclass(frozen=True)
class ResponseReport:
    target_hours: float
    by_brand: dict[str, ResponseStats]
    by_assignee: dict[str | None, ResponseStats]  # None: unassigned

    def as_dict(self) -> dict[str, Any]:
        """The ``pr`` object of ``brandpulse kpi --json``."""
        return {
            "target_hours": self.target_hours,
            "brands": {b: asdict(s) for b, s in self.by_brand.items()},
            "assignees": [{"assignee": a, **asdict(s)} for a, s in self.by_assignee.items()],
        }


def percentile(values: Iterable[float], q: float) -> float | None:
    """The ``q`` quantile (0..1) with linear interpolation between ranks; None for no values.

    >>> percentile([1, 2, 3, 4], 0.5), percentile([1, 2, 3, 4], 0.9)
    (2.5, 3.7)
    """
    xs = sorted(values)
    if not xs:
        return None
    rank = q * (len(xs) - 1)
    lo = math.floor(rank)
    hi = min(lo + 1, len(xs) - 1)
    return round(xs[lo] + (xs[hi] - xs[lo]) * (rank - lo), 9)


@dataclass(frozen=True)
class _Row:
    start: datetime
    first_action: datetime | None
    resolved_at: datetime | None


def _hours(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds() / 3600


def _stats(rows: list[_Row], target_hours: float, now: datetime) -> ResponseStats:
    acted = [_hours(r.start, r.first_action) for r in rows if r.first_action]
    resolve = [_hours(r.start, r.resolved_at) for r in rows if r.resolved_at]
    due = [r for r in rows if r.resolved_at or _hours(r.start, now) >= target_hours]
    in_time = sum(1 for r in due if r.resolved_at and _hours(r.start, r.resolved_at) <= target_hours)
    return ResponseStats(
        mentions=len(rows),
        acted=len(acted),
        resolved=len(resolve),
        first_action_median_hours=percentile(acted, 0.5),
        first_action_p90_hours=percentile(acted, 0.9),
        resolve_median_hours=percentile(resolve, 0.5),
        resolve_p90_hours=percentile(resolve, 0.9),
        resolved_within_target_pct=in_time / len(due) * 100 if due else None,
    )


def response_start() -> Any:
    """When a mention's response clock starts: when brandpulse stored it, else when it was published."""
    return func.coalesce(Mention.first_seen_at, Mention.published_at)


def first_action_times() -> Any:
    """Subquery ``(mention_id, at)``: each triaged mention's first triage change of any kind."""
    return (
        select(TriageEvent.mention_id, func.min(TriageEvent.changed_at).label("at"))
        .group_by(TriageEvent.mention_id)
        .subquery("first_action")
    )


def resolution_times(name: str = "resolution") -> Any:
    """Subquery ``(mention_id, at)``: the latest change of each mention's status to resolved (count it only
    for a mention resolved now: it may have been reopened)."""
    return (
        select(TriageEvent.mention_id, func.max(TriageEvent.changed_at).label("at"))
        .where(TriageEvent.field == "status", TriageEvent.to_value == "resolved")
        .group_by(TriageEvent.mention_id)
        .subquery(name)
    )


def response_report(
    session: Session,
    *,
    brand: str | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    target_hours: float = DEFAULT_TARGET_HOURS,
    now: datetime | None = None,
) -> ResponseReport:
    """Response times of the negative mentions of ``brand`` (every brand when None) stored in [since, until]
    (whole UTC days), per brand and per assignee."""
    if not target_hours > 0:
        raise ValueError("target_hours must be above 0")
    now = as_utc(now) or utcnow()
    start = response_start()
    first = first_action_times()
    resolved = resolution_times("resolved")
    stmt = (
        select(
            Brand.name,
            Mention.id,
            Mention.triage_assignee,
            Mention.triage_status,
            start,
            first.c.at,
            resolved.c.at,
        )
        .select_from(Mention)
        .join(MentionBrand, MentionBrand.mention_id == Mention.id)
        .join(Brand, Brand.id == MentionBrand.brand_id)
        .outerjoin(first, first.c.mention_id == Mention.id)
        .outerjoin(resolved, resolved.c.mention_id == Mention.id)
        .where(
            not_spam(),
            brand_sentiment() == "negative",
            start.is_not(None),
            period_filter(start, since, until),
        )
    )
    if brand is not None:
        stmt = stmt.where(Brand.name == brand)
    by_brand: dict[str, list[_Row]] = {}
    by_mention: dict[int, tuple[str | None, _Row]] = {}
    for name, mid, assignee, status, t0, t_first, t_resolved in session.execute(stmt).all():
        row = _Row(
            as_utc(t0),  # type: ignore[arg-type]
            as_utc(t_first),
            as_utc(t_resolved) if status == "resolved" else None,
        )
        by_brand.setdefault(name, []).append(row)
        by_mention[int(mid)] = (assignee, row)  # once per mention, whatever its brands
    by_assignee: dict[str | None, list[_Row]] = {}
    for assignee, row in by_mention.values():
        by_assignee.setdefault(assignee, []).append(row)
    return ResponseReport(
        target_hours=float(target_hours),
        by_brand={b: _stats(rows, target_hours, now) for b, rows in sorted(by_brand.items())},
        by_assignee={
            a: _stats(rows, target_hours, now)
            for a, rows in sorted(
                by_assignee.items(), key=lambda kv: (kv[0] is None, (kv[0] or "").casefold())
            )
        },
    )
