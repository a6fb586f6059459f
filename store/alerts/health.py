"""Source-health alerts: a source whose last finished crawl run stored nothing or quarantined too much, and a
crawl run that never recorded its finish."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, not_, select
from sqlmodel import Session

from store.alerts.rules import (
    DEFAULT_SETTINGS,
    IMPORT_PREFIX,
    QUARANTINE_SHARE,
    SOURCE_HEALTH,
    STUCK_RUN,
    ZERO_ITEMS,
    Alert,
    AlertSettings,
)
from store.models import CrawlRun, QuarantinedRecord
from store.timeutil import as_utc, utcnow


def running_hours(run: CrawlRun, now: datetime) -> float | None:
    """Hours since ``run`` started if it still says "running" (None once it ended): past
    ``AlertSettings.max_run_hours`` it is taken as dead."""
    if run.status != "running":
        return None
    return (now - (as_utc(run.started_at) or now)).total_seconds() / 3600.0


def source_health_alerts(
    session: Session, *, now: datetime | None = None, settings: AlertSettings = DEFAULT_SETTINGS
) -> list[Alert]:
    """Sources whose last finished crawl run (started by ``now``) stored nothing or quarantined too much,
    and sources whose newest run has said "running" for more than ``settings.max_run_hours``."""
    now = as_utc(now) or utcnow()
    last = (
        select(CrawlRun.spider, func.max(CrawlRun.id).label("id"))
        .where(
            CrawlRun.status != "running",  # a run in progress has not counted its items yet
            CrawlRun.started_at <= now,
            not_(CrawlRun.spider.startswith(IMPORT_PREFIX)),
        )
        .group_by(CrawlRun.spider)
        .subquery("last_run")
    )
    runs = list(session.execute(select(CrawlRun).join(last, last.c.id == CrawlRun.id)).scalars())
    reasons: dict[int, dict[str, int]] = {}
    if runs:
        for run_id, reason, n in session.execute(
            select(QuarantinedRecord.crawl_run_id, QuarantinedRecord.reason, func.count())
            .where(QuarantinedRecord.crawl_run_id.in_([r.id for r in runs]))
            .group_by(QuarantinedRecord.crawl_run_id, QuarantinedRecord.reason)
        ).all():
            code = reason.split(":", 1)[0]
            by_code = reasons.setdefault(run_id, {})
            by_code[code] = by_code.get(code, 0) + n
    alerts = []
    for run in sorted(runs, key=lambda r: r.spider):
        started = as_utc(run.started_at) or now
        finished = as_utc(run.finished_at) or started
        common = {"kind": SOURCE_HEALTH, "brand": None, "source": run.spider, "about": f"run {run.id}"}
        why = ", ".join(f"{code} ({n})" for code, n in sorted(reasons.get(run.id or 0, {}).items()))
        if run.items == 0:
            alerts.append(
                Alert(
                    **common,
                    metric=ZERO_ITEMS,
                    value=0.0,
                    threshold=0.0,
                    window_start=started,
                    window_end=finished,
                    detail=f"The last run (#{run.id}, {run.status}, {run.errors} errors) stored zero items: "
                    "the source may have changed its layout, blocked the crawler, or had nothing new.",
                )
            )
        seen = run.items + run.quarantined
        share = run.quarantined / seen if seen else 0.0
        if share > settings.max_quarantine_share:
            # The alert shows percentages, as every share on the dashboard.
            percent, limit = share * 100.0, settings.max_quarantine_share * 100.0
            alerts.append(
                Alert(
                    **common,
                    metric=QUARANTINE_SHARE,
                    value=percent,
                    threshold=limit,
                    window_start=started,
                    window_end=finished,
                    detail=f"The last run (#{run.id}) quarantined {run.quarantined} of {seen} records "
                    f"({percent:.1f} % > {limit:g} %)" + (f": {why}." if why else "."),
                )
            )
    newest = (
        select(CrawlRun.spider, func.max(CrawlRun.id).label("id"))
        .where(CrawlRun.started_at <= now, not_(CrawlRun.spider.startswith(IMPORT_PREFIX)))
        .group_by(CrawlRun.spider)
        .subquery("newest_run")
    )
    for run in session.execute(
        select(CrawlRun).join(newest, newest.c.id == CrawlRun.id).where(CrawlRun.status == "running")
    ).scalars():
        hours = running_hours(run, now) or 0.0
        if hours <= settings.max_run_hours:
            continue  # still plausibly at work
        started = as_utc(run.started_at) or now
        alerts.append(
            Alert(
                kind=SOURCE_HEALTH,
                brand=None,
                source=run.spider,
                metric=STUCK_RUN,
                value=hours,
                threshold=settings.max_run_hours,
                window_start=started,
                window_end=now,
                about=f"run {run.id}",
                detail=f"The newest run (#{run.id}) started {hours:.1f} h ago and has recorded no finish: "
                "the crawler was probably killed (out of memory, a restart) or hangs, and what it fetched is "
                "not counted. Check its log and run `brandpulse crawl` again.",
            )
        )
    return sorted(alerts, key=lambda a: a.source or "")  # stable: per source, in the order found
