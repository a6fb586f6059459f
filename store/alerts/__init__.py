"""Alerts: volume and negative-share spikes per brand and per source, and source-health problems.

The rules (every default lives in ``AlertSettings``):

- **Windows.** The last 24 h is (now − 24 h, now]. The baseline is the 7 preceding 24-hour windows, aligned to
  ``now`` (not calendar days) so that every day compared is as long as the last one.
- **volume**: non-spam mentions of a brand (all sources, and each source = platform) in a window.
- **negative_share**: negative / labeled non-spam mentions × 100 in a window, with the sentiment each mention
  gives the brand (``store.brand_sentiment``). A baseline window without labeled mentions has no share and is
  left out of the baseline.
- **Spike**: value > mean + k × sd over the baseline's daily values (k = 2), where sd is the sample standard
  deviation but never less than the sampling noise of the figure (√mean for a count, the binomial standard
  error at the baseline share for a share): a week that happened to be unusually even must not turn ordinary
  noise into an alert. A spike also needs at least ``min_volume`` (10) mentions in the last 24 h (labeled ones
  for the share, of which ``min_negative`` (3) negative): 1 → 3 mentions is not news.
  A per-source alert identical to its brand's all-sources alert (a brand heard on one source) is left out.
- **Source health**: the last finished crawl run of a spider (file imports excluded: their result is printed
  when they run) stored zero items, or quarantined more than ``max_quarantine_share`` (0.20: 20 %) of what it
  saw, i.e. quarantined / (stored + quarantined); or a spider's newest run has said "running" for more than
  ``max_run_hours`` (6 h): a crawler killed mid-run (out of memory, a restart) never records its finish,
  and its items are never counted.
- **negative_reach**: a non-spam mention of the last 24 h, negative for its brand, whose reach (author
  followers + likes + replies) is at least ``reach_threshold`` (10,000): one alert per mention and brand.
- **No data** (``coverage``): an empty store, or a brand without a mention in the last 24 h, is reported as
  "no data", never as "all within the usual range".

Counts per window are SQL aggregates that run on SQLite and PostgreSQL; the mean and sd of at most eight
numbers are computed here. Every evaluation is recorded in the ``alert`` table with de-duplication and a
cool-down (``history``); the new alerts are delivered through apprise (``delivery``).

Modules: ``rules`` (the settings and the ``Alert`` record), ``spikes``, ``health`` (source health),
``reach``, ``coverage`` (no data), ``history`` and ``delivery``; every public name is importable from
``store.alerts``.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from store.alerts.coverage import EMPTY_STORE, NO_BRANDS, NO_RECENT, NoData, no_data
from store.alerts.health import running_hours, source_health_alerts
from store.alerts.history import (
    ACKNOWLEDGED,
    FAILED,
    FIRED,
    HANDLED,
    MAX_DELIVERY_ATTEMPTS,
    NEW,
    NO_TARGETS,
    PARTIAL,
    PENDING,
    REMINDER,
    RESOLVED,
    RETRY,
    SENT,
    UPDATED,
    AlertEntry,
    Announcement,
    Outcome,
    Recorded,
    acknowledge_alert,
    alert_history,
    record_alerts,
    record_delivery,
    resolve_alert,
)
from store.alerts.reach import negative_reach_alerts
from store.alerts.rules import (
    DEFAULT_SETTINGS,
    IMPORT_PREFIX,
    MENTION,
    METRIC_LABELS,
    NEGATIVE_REACH,
    NEGATIVE_SHARE,
    QUARANTINE_SHARE,
    RULES,
    SOURCE_HEALTH,
    SPIKE,
    STUCK_RUN,
    VOLUME,
    ZERO_ITEMS,
    Alert,
    AlertMention,
    AlertSettings,
)
from store.alerts.spikes import spike_alerts


def current_alerts(
    session: Session, *, now: datetime | None = None, settings: AlertSettings = DEFAULT_SETTINGS
) -> list[Alert]:
    """Every alert as of ``now`` (default: the current time): spikes, high-reach negative mentions, then
    source health."""
    return (
        spike_alerts(session, now=now, settings=settings)
        + negative_reach_alerts(session, now=now, settings=settings)
        + source_health_alerts(session, now=now, settings=settings)
    )


__all__ = [
    "ACKNOWLEDGED",
    "Alert",
    "AlertEntry",
    "AlertMention",
    "AlertSettings",
    "Announcement",
    "DEFAULT_SETTINGS",
    "EMPTY_STORE",
    "FAILED",
    "FIRED",
    "HANDLED",
    "IMPORT_PREFIX",
    "MAX_DELIVERY_ATTEMPTS",
    "MENTION",
    "METRIC_LABELS",
    "NEGATIVE_REACH",
    "NEGATIVE_SHARE",
    "NEW",
    "NO_BRANDS",
    "NO_RECENT",
    "NO_TARGETS",
    "NoData",
    "Outcome",
    "PARTIAL",
    "PENDING",
    "QUARANTINE_SHARE",
    "REMINDER",
    "RESOLVED",
    "RETRY",
    "RULES",
    "Recorded",
    "SENT",
    "SOURCE_HEALTH",
    "SPIKE",
    "STUCK_RUN",
    "UPDATED",
    "VOLUME",
    "ZERO_ITEMS",
    "acknowledge_alert",
    "alert_history",
    "current_alerts",
    "negative_reach_alerts",
    "no_data",
    "record_alerts",
    "record_delivery",
    "resolve_alert",
    "running_hours",
    "source_health_alerts",
    "spike_alerts",
]
