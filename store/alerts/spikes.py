"""Spike alerts: volume and negative-share spikes per brand, over all sources and per source."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, literal, select
from sqlmodel import Session

from store.alerts.rules import (
    DAY,
    DEFAULT_SETTINGS,
    NEGATIVE_SHARE,
    SPIKE,
    VOLUME,
    Alert,
    AlertMention,
    AlertSettings,
)
from store.brand_sentiment import brand_sentiment
from store.models import Brand, Mention, MentionBrand
from store.sql import mention_time, not_spam
from store.timeutil import as_utc, utcnow


@dataclass
class _Window:
    mentions: int = 0
    labeled: int = 0
    negative: int = 0


def _window_counts(session: Session, now: datetime, days: int) -> dict[tuple[str, str], list[_Window]]:
    """(brand, platform) → one ``_Window`` per 24-hour window back from ``now`` (index 0 = the last 24 h)."""
    t = mention_time()
    # Bucket in SQL with plain comparisons against bound times: the same SQL on SQLite and PostgreSQL.
    bucket = case(*((t > now - (i + 1) * DAY, literal(i)) for i in range(days + 1)))
    rows = (
        select(
            Brand.name.label("brand"),
            Mention.platform.label("source"),
            bucket.label("day"),
            case((Mention.sentiment.is_not(None), 1), else_=0).label("labeled"),
            case((brand_sentiment() == "negative", 1), else_=0).label("negative"),
        )
        .select_from(Brand)
        .join(MentionBrand, MentionBrand.brand_id == Brand.id)
        .join(Mention, Mention.id == MentionBrand.mention_id)
        .where(not_spam(), t > now - (days + 1) * DAY, t <= now)
        .subquery("windowed")
    )
    # Grouping the outer query by the subquery's column (not the CASE itself) keeps PostgreSQL from seeing the
    # SELECT and GROUP BY expressions as different because their bound parameters differ.
    keys = (rows.c.brand, rows.c.source, rows.c.day)
    stmt = select(*keys, func.count(), func.sum(rows.c.labeled), func.sum(rows.c.negative)).group_by(*keys)
    out: dict[tuple[str, str], list[_Window]] = {}
    for brand, source, day, n, labeled, negative in session.execute(stmt).all():
        windows = out.setdefault((brand, source), [_Window() for _ in range(days + 1)])
        windows[int(day)] = _Window(int(n), int(labeled or 0), int(negative or 0))
    return out


@dataclass(frozen=True)
class _Verdict:
    value: float
    mean: float
    sd: float
    threshold: float
    baseline: tuple[float, ...]


def _spread(values: Sequence[float]) -> tuple[float, float]:
    mean = statistics.fmean(values)
    return mean, statistics.stdev(values) if len(values) > 1 else 0.0


def _volume_verdict(windows: Sequence[_Window], s: AlertSettings) -> _Verdict | None:
    value = windows[0].mentions
    baseline = tuple(float(w.mentions) for w in reversed(windows[1:]))
    mean, sd = _spread(baseline)
    threshold = mean + s.k * max(sd, math.sqrt(mean))  # Poisson noise of a daily count
    if value >= s.min_volume and value > threshold:
        return _Verdict(float(value), mean, sd, threshold, baseline)
    return None


def _negative_share_verdict(windows: Sequence[_Window], s: AlertSettings) -> _Verdict | None:
    last = windows[0]
    if last.labeled < s.min_volume or last.negative < s.min_negative:
        return None
    value = last.negative / last.labeled * 100.0
    baseline = tuple(w.negative / w.labeled * 100.0 for w in reversed(windows[1:]) if w.labeled)
    if not baseline:
        return None  # nothing to compare with
    mean, sd = _spread(baseline)
    p = mean / 100.0
    noise = math.sqrt(p * (1.0 - p) / last.labeled) * 100.0  # binomial standard error of today's share
    threshold = mean + s.k * max(sd, noise)
    if value > threshold:
        return _Verdict(value, mean, sd, threshold, baseline)
    return None


def _drivers(
    session: Session,
    *,
    brand: str,
    source: str | None,
    negative_only: bool,
    start: datetime,
    end: datetime,
    limit: int,
) -> tuple[AlertMention, ...]:
    """The most engaged non-spam mentions of the brand in (start, end]; newest first among equals."""
    t = mention_time()
    engagement = Mention.likes + Mention.replies
    stmt = (
        select(Mention.id, Mention.platform, t, Mention.text, Mention.url, engagement, brand_sentiment())
        .select_from(Mention)
        .join(MentionBrand, MentionBrand.mention_id == Mention.id)
        .join(Brand, Brand.id == MentionBrand.brand_id)
        .where(Brand.name == brand, not_spam(), t > start, t <= end)
        .order_by(engagement.desc(), t.desc(), Mention.id.desc())
        .limit(limit)
    )
    if source is not None:
        stmt = stmt.where(Mention.platform == source)
    if negative_only:
        stmt = stmt.where(brand_sentiment() == "negative")
    return tuple(
        AlertMention(
            mention_id=r[0],
            platform=r[1],
            published_at=as_utc(r[2]),
            text=r[3],
            url=r[4],
            engagement=int(r[5] or 0),
            sentiment=r[6],
        )
        for r in session.execute(stmt).all()
    )


def spike_alerts(
    session: Session, *, now: datetime | None = None, settings: AlertSettings = DEFAULT_SETTINGS
) -> list[Alert]:
    """Volume and negative-share spikes of every brand, over all sources and per source, as of ``now``."""
    now = as_utc(now) or utcnow()
    start = now - DAY
    per_source = _window_counts(session, now, settings.baseline_days)
    per_brand: dict[str, list[_Window]] = {}
    for (brand, _source), windows in per_source.items():
        total = per_brand.setdefault(brand, [_Window() for _ in windows])
        for acc, w in zip(total, windows, strict=True):
            acc.mentions += w.mentions
            acc.labeled += w.labeled
            acc.negative += w.negative

    sources = sorted(per_source.items())
    alerts: list[Alert] = []
    for metric, judge in ((VOLUME, _volume_verdict), (NEGATIVE_SHARE, _negative_share_verdict)):
        for brand in sorted(per_brand):
            overall = judge(per_brand[brand], settings)
            candidates: list[tuple[str | None, _Verdict | None]] = [(None, overall)]
            candidates += [(src, judge(w, settings)) for (b, src), w in sources if b == brand]
            for source, verdict in candidates:
                if verdict is None or (source is not None and verdict == overall):
                    continue
                alerts.append(
                    Alert(
                        kind=SPIKE,
                        metric=metric,
                        brand=brand,
                        source=source,
                        value=verdict.value,
                        threshold=verdict.threshold,
                        window_start=start,
                        window_end=now,
                        baseline_mean=verdict.mean,
                        sd=verdict.sd,
                        k=settings.k,
                        baseline=verdict.baseline,
                        about=now.date().isoformat(),  # one alert per rule, brand and source a UTC day
                        drivers=_drivers(
                            session,
                            brand=brand,
                            source=source,
                            negative_only=metric == NEGATIVE_SHARE,
                            start=start,
                            end=now,
                            limit=settings.drivers,
                        ),
                    )
                )
    return sorted(alerts, key=lambda a: (a.brand or "", a.source or "", a.metric))
