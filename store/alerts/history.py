"""The alert history: every alert an evaluation finds is recorded in ``alert``; only new ones are announced.

For each alert found (its subject is rule + brand + source; its ``dedup_key`` adds what it is about: the
UTC day of a spike, the crawl run of a health alert, the mention of a reach alert):

- **No open alert of the subject** (none, or every one resolved): a new row, status ``fired``, announced.
  So a spike or health problem that is still there after someone resolved it fires again: resolving says
  it is over. A reach alert is about one mention and is announced once: after it is resolved, that
  mention never fires again.
- **An open alert of the subject announced within the cool-down** (``AlertSettings.cooldown_hours``,
  counted from its last announcement): the open row is updated (last seen, times seen; its numbers too when
  it is the same key), nothing is announced. Two evaluations in a row give one message.
- **Cool-down over, same key**: the row is updated and announced again as a reminder. **Cool-down over,
  another key** (the next day's spike, another crawl run, another mention): a new row, announced.
- **An acknowledged open spike or health alert of the subject** (someone is on it) takes every later
  finding of the subject (updated, never announced) until it is resolved. Acknowledging a reach alert
  stops its reminders only: another mention after the cool-down is announced.
- **A delivery that failed** is tried again at every evaluation that still finds the alert, cool-down or
  not, up to ``MAX_DELIVERY_ATTEMPTS`` attempts.
- **A replay** (``replaying=True``: evaluations as of past times, to fill the history after an import or
  for the demo) records the same way but announces nothing; a live evaluation that finds a replayed alert
  still open announces it then.

Status: fired → acknowledged → resolved, each with who and when (``acknowledge_alert``, ``resolve_alert``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from store.alerts.rules import MENTION, Alert, AlertSettings
from store.models import ALERT_STATUSES, DELIVERY_STATUSES, AlertRecord
from store.timeutil import as_utc, utcnow

FIRED, ACKNOWLEDGED, RESOLVED = ALERT_STATUSES
PENDING, SENT, PARTIAL, FAILED, NO_TARGETS, REPLAYED = DELIVERY_STATUSES
# What an evaluation did with each alert found: announced it (new, reminder, retry), only updated its row
# (within the cool-down, acknowledged, or announced already in this evaluation), or nothing (handled: a
# reach alert about a mention someone resolved).
NEW, REMINDER, RETRY, UPDATED, HANDLED = "new", "reminder", "retry", "updated", "handled"
MAX_DELIVERY_ATTEMPTS = 5
MAX_NAME_CHARS = 200


@dataclass(frozen=True)
class Announcement:
    """An alert to deliver now: ``reason`` is new, reminder (cool-down over, nobody acknowledged it) or
    retry (its last delivery failed)."""

    alert_id: int
    alert: Alert
    reason: str
    first_fired_at: datetime


@dataclass(frozen=True)
class Outcome:
    """What recording did with one alert found: ``action`` (new, reminder, retry, updated, handled) and the
    row it went to (None when handled)."""

    alert: Alert
    action: str
    alert_id: int | None


@dataclass
class Recorded:
    """What recording one evaluation did: one outcome per alert found (in order), and what to announce."""

    outcomes: list[Outcome] = field(default_factory=list)
    announce: list[Announcement] = field(default_factory=list)

    def count(self, action: str) -> int:
        """How many alerts found had this outcome."""
        return sum(o.action == action for o in self.outcomes)


@dataclass(frozen=True)
class AlertEntry:
    """One row of the alert history, detached from the session (times aware UTC)."""

    id: int
    kind: str
    rule: str
    brand: str | None
    source: str | None
    mention_id: int | None
    title: str
    summary: str
    value: float | None
    threshold: float | None
    status: str
    first_fired_at: datetime
    last_seen_at: datetime
    times_seen: int
    notified_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    resolved_at: datetime | None
    resolved_by: str | None
    delivery_status: str
    delivery_attempts: int
    delivered_at: datetime | None
    delivery_error: str | None
    dedup_key: str

    @classmethod
    def of(cls, row: AlertRecord) -> AlertEntry:
        values = {name: getattr(row, name) for name in cls.__dataclass_fields__}
        for name, value in values.items():
            if isinstance(value, datetime):
                values[name] = as_utc(value)
        return cls(**values)


def _subject(alert: Alert) -> list:  # type: ignore[type-arg]
    """WHERE conditions selecting the rows of the alert's rule, brand and source (NULL-safe)."""
    conds = [AlertRecord.rule == alert.metric]
    for column, value in ((AlertRecord.brand, alert.brand), (AlertRecord.source, alert.source)):
        conds.append(column.is_(None) if value is None else column == value)
    return conds


def _newest(session: Session, *conds) -> AlertRecord | None:  # type: ignore[no-untyped-def]
    stmt = select(AlertRecord).where(*conds).order_by(AlertRecord.id.desc()).limit(1)
    return session.execute(stmt).scalars().first()


def _refresh(row: AlertRecord, alert: Alert) -> None:
    """The row's text and numbers as of the latest evaluation of the same key."""
    row.title, row.summary = alert.title, alert.summary
    row.value, row.threshold = alert.value, alert.threshold


def record_alerts(
    session: Session,
    alerts: Iterable[Alert],
    *,
    now: datetime | None = None,
    settings: AlertSettings,
    replaying: bool = False,
) -> Recorded:
    """Record one evaluation's alerts in the history (see the module docstring) and return what to announce
    (a replay's new rows, marked ``replayed``, are never announced). Call ``record_delivery`` with the
    outcome once delivered."""
    now = as_utc(now) or utcnow()
    cooldown = timedelta(hours=settings.cooldown_hours)
    out = Recorded()
    announced: set[int] = set()

    def announce(row_id: int, alert: Alert, reason: str, first: datetime) -> None:
        announced.add(row_id)
        out.announce.append(Announcement(row_id, alert, reason, first))
        out.outcomes.append(Outcome(alert, reason, row_id))

    for alert in alerts:
        key = alert.dedup_key
        same = _newest(session, AlertRecord.dedup_key == key)
        if alert.kind == MENTION and same is not None and same.status == RESOLVED:
            out.outcomes.append(Outcome(alert, HANDLED, None))
            continue
        if same is not None and same.status != RESOLVED:
            open_row: AlertRecord | None = same  # the same alert: its own row, even if a newer one is open
        else:
            open_row = _newest(session, *_subject(alert), AlertRecord.status != RESOLVED)
        # A replayed row was never announced: it holds back nothing in a live evaluation.
        cooling = (
            open_row is not None
            and (replaying or open_row.delivery_status != REPLAYED)
            and now - (as_utc(open_row.notified_at) or now) < cooldown
        )
        # Someone on an acknowledged spike or source problem hears nothing more of it; a mention is news.
        absorbs = open_row is not None and open_row.status == ACKNOWLEDGED and alert.kind != MENTION
        # Another mention is another alert (its own row, announced): a cool-down holds back repeats of one
        # spike or source problem, never a second high-reach complaint.
        another_mention = alert.kind == MENTION and open_row is not None and open_row.dedup_key != key
        if open_row is None or another_mention or (open_row.dedup_key != key and not cooling and not absorbs):
            row = AlertRecord(
                dedup_key=key,
                kind=alert.kind,
                rule=alert.metric,
                brand=alert.brand,
                source=alert.source,
                mention_id=alert.drivers[0].mention_id if alert.kind == MENTION and alert.drivers else None,
                title=alert.title,
                summary=alert.summary,
                value=alert.value,
                threshold=alert.threshold,
                status=FIRED,
                first_fired_at=now,
                last_seen_at=now,
                notified_at=now,
            )
            if replaying:
                row.delivery_status = REPLAYED
            session.add(row)
            session.flush()  # its id, and the next alert of this subject finds it open
            assert row.id is not None
            if replaying:
                out.outcomes.append(Outcome(alert, NEW, row.id))
            else:
                announce(row.id, alert, NEW, now)
            continue
        row = open_row
        assert row.id is not None
        row.last_seen_at, row.times_seen = now, row.times_seen + 1
        if row.dedup_key == key:
            _refresh(row, alert)
        first = as_utc(row.first_fired_at) or now
        if row.id in announced or replaying:  # announced in this evaluation already, or a replay
            out.outcomes.append(Outcome(alert, UPDATED, row.id))
        elif row.delivery_status == REPLAYED and row.status == FIRED:  # found live: announced now, first time
            row.notified_at = now
            announce(row.id, alert, NEW, first)
        elif row.delivery_status == FAILED and row.delivery_attempts < MAX_DELIVERY_ATTEMPTS:
            announce(row.id, alert, RETRY, first)
        elif not cooling and row.dedup_key == key and row.status == FIRED:
            row.notified_at = now
            announce(row.id, alert, REMINDER, first)
        else:
            out.outcomes.append(Outcome(alert, UPDATED, row.id))
    session.flush()
    return out


def record_delivery(
    session: Session,
    alert_ids: Sequence[int],
    *,
    status: str,
    error: str | None = None,
    now: datetime | None = None,
) -> None:
    """Write how the delivery of these alerts went: ``status`` one of ``DELIVERY_STATUSES``, ``error`` what
    failed (no secrets: the caller masks target URLs)."""
    if status not in DELIVERY_STATUSES:
        raise ValueError(f"delivery status must be one of {DELIVERY_STATUSES}, not {status!r}")
    now = as_utc(now) or utcnow()
    for row in _rows(session, alert_ids):
        if status != NO_TARGETS:
            row.delivery_attempts += 1
        row.delivery_status, row.delivery_error = status, error
        if status in (SENT, PARTIAL):
            row.delivered_at = now


def _rows(session: Session, alert_ids: Sequence[int]) -> list[AlertRecord]:
    if not alert_ids:
        return []
    stmt = select(AlertRecord).where(AlertRecord.id.in_(list(alert_ids)))
    return list(session.execute(stmt).scalars())


def _clean_name(by: str | None) -> str | None:
    name = " ".join((by or "").split())[:MAX_NAME_CHARS]
    return name or None


def _get(session: Session, alert_id: int) -> AlertRecord:
    row = session.get(AlertRecord, alert_id)
    if row is None:
        raise KeyError(f"no alert #{alert_id}")
    return row


def acknowledge_alert(
    session: Session, *, alert_id: int, by: str | None = None, now: datetime | None = None
) -> AlertEntry:
    """fired → acknowledged (by whom, when): no more reminders. An acknowledged alert stays as it was; a
    resolved one cannot be acknowledged (ValueError). Unknown id: KeyError."""
    row = _get(session, alert_id)
    if row.status == RESOLVED:
        raise ValueError(f"alert #{alert_id} is already resolved")
    if row.status == FIRED:
        row.status = ACKNOWLEDGED
        row.acknowledged_at, row.acknowledged_by = as_utc(now) or utcnow(), _clean_name(by)
    session.flush()
    return AlertEntry.of(row)


def resolve_alert(
    session: Session, *, alert_id: int, by: str | None = None, now: datetime | None = None
) -> AlertEntry:
    """fired or acknowledged → resolved (by whom, when): the alert is over; found again, it fires anew (a
    reach alert's mention never does). Resolving a resolved alert changes nothing. Unknown id: KeyError."""
    row = _get(session, alert_id)
    if row.status != RESOLVED:
        row.status = RESOLVED
        row.resolved_at, row.resolved_by = as_utc(now) or utcnow(), _clean_name(by)
    session.flush()
    return AlertEntry.of(row)


def alert_history(
    session: Session, *, statuses: Sequence[str] | None = None, limit: int = 100
) -> list[AlertEntry]:
    """The newest ``limit`` alerts (by last seen, then newest first), of ``statuses`` when given."""
    stmt = select(AlertRecord).order_by(AlertRecord.last_seen_at.desc(), AlertRecord.id.desc()).limit(limit)
    if statuses is not None:
        stmt = stmt.where(AlertRecord.status.in_(list(statuses)))
    return [AlertEntry.of(row) for row in session.execute(stmt).scalars()]
