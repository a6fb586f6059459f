"""One alert evaluation, as ``brandpulse alerts`` and every ``brandpulse run`` cycle do it: find the alerts,
say what had no data, record them in the history (de-duplicated, with the cool-down) and deliver the new
ones through apprise, recording how each delivery went.

The network calls happen outside any transaction: a slow receiver never holds the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from store import repo
from store.alerts import (
    NO_TARGETS,
    Alert,
    AlertSettings,
    Announcement,
    NoData,
    Outcome,
    current_alerts,
    no_data,
    record_alerts,
    record_delivery,
)
from store.alerts.delivery import DeliveryResult, Target, compose, delivery_status, notify_target, send
from store.db import session_scope

ALERTS, QUIET, NO_DATA = "alerts", "quiet", "no_data"
REPLAY_STEP = timedelta(hours=6)  # evaluations of a replay: as often as a `run --every 6h` would have


@dataclass(frozen=True)
class AlertRun:
    """The outcome of one evaluation: what was found, recorded and delivered."""

    now: datetime
    settings: AlertSettings
    found: list[Alert]
    no_data: list[NoData]
    outcomes: list[Outcome]
    deliveries: list[DeliveryResult] = field(default_factory=list)
    targets: int = 0
    brands: int = 0  # stored brands: "no data" for every one of them is no data at all

    @property
    def status(self) -> str:
        """``alerts`` when any fired; else ``no_data`` when something could not be checked; else ``quiet``."""
        return ALERTS if self.found else NO_DATA if self.no_data else QUIET

    @property
    def nothing_checked(self) -> bool:
        """Whether no brand had data: an empty store, no brands, or no brand heard in the last 24 h."""
        brand_gaps = [g for g in self.no_data if g.brand is not None]
        return any(g.brand is None for g in self.no_data) or len(brand_gaps) >= self.brands > 0

    @property
    def announced(self) -> int:
        """Alerts announced in this evaluation (new, reminders, retries)."""
        return sum(o.action in ("new", "reminder", "retry") for o in self.outcomes)

    @property
    def failed(self) -> bool:
        """Whether any delivery failed."""
        return any(not r.ok for r in self.deliveries)

    def to_dict(self) -> dict[str, Any]:
        """``brandpulse alerts --json``: the status, each alert with what this evaluation did with it
        (``action``: new, reminder, retry, updated, handled) and its history id, what had no data, and the
        deliveries (targets masked)."""
        return {
            "as_of": self.now.isoformat(),
            "k": self.settings.k,
            "status": self.status,
            "alerts": [
                o.alert.to_dict() | {"alert_id": o.alert_id, "action": o.action} for o in self.outcomes
            ],
            "no_data": [g.to_dict() for g in self.no_data],
            "deliveries": [
                {"target": r.target, "ok": r.ok, "alert_ids": list(r.alert_ids), "error": r.error}
                for r in self.deliveries
            ],
        }


def delivery_targets(notify: Sequence[str], webhook: str | None = None) -> list[Target]:
    """The configured apprise URLs, plus ``webhook`` (``--webhook`` / ``BRANDPULSE_ALERT_WEBHOOK``) as one
    more target. Raises ValueError (the URL masked) for one apprise cannot use."""
    urls = [*notify, *([webhook] if webhook else [])]
    return [notify_target(url) for url in dict.fromkeys(urls)]


def deliver(
    url: str, targets: Sequence[Target], announcements: Sequence[Announcement], now: datetime
) -> list[DeliveryResult]:
    """Send the announcements to every target and record on each alert how it went (``no_targets`` when
    there is nowhere to send)."""
    if not announcements:
        return []
    if not targets:
        with session_scope(url) as session:
            ids = [a.alert_id for a in announcements]
            record_delivery(session, ids, status=NO_TARGETS, now=now)
        return []
    results = send(targets, compose(announcements))
    with session_scope(url) as session:
        for alert_id, (status, error) in delivery_status(results).items():
            record_delivery(session, [alert_id], status=status, error=error, now=now)
    return results


def evaluate_alerts(
    url: str, *, now: datetime, settings: AlertSettings, targets: Sequence[Target] = ()
) -> AlertRun:
    """Find, record and deliver the alerts of the store at ``url`` as of ``now``."""
    with session_scope(url) as session:
        found = current_alerts(session, now=now, settings=settings)
        gaps = no_data(session, now=now)
        recorded = record_alerts(session, found, now=now, settings=settings)
        brands = len(repo.list_brands(session))
    deliveries = deliver(url, targets, recorded.announce, now)
    return AlertRun(now, settings, found, gaps, recorded.outcomes, deliveries, len(targets), brands)


def replay_alerts(
    url: str, *, until: datetime, days: int, settings: AlertSettings, step: timedelta = REPLAY_STEP
) -> int:
    """Record in the history what the rules would have found as of every ``step`` over the ``days`` before
    ``until`` (oldest first, ``until`` itself left to the live evaluation), delivering nothing: the history
    of data imported or crawled after the fact (the demo's). Returns the alerts recorded as new."""
    at, recorded = until - timedelta(days=days), 0
    while at < until:
        with session_scope(url) as session:
            found = current_alerts(session, now=at, settings=settings)
            outcome = record_alerts(session, found, now=at, settings=settings, replaying=True)
        recorded += outcome.count("new")
        at += step
    return recorded
