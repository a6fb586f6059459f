"""Triage of negative mentions: status, assignee, priority and note, one mention or a selection at a time,
every change recorded in ``triage_event`` (field, from → to, who, when).

An unchanged value records nothing, so saving a card twice does not inflate the history or the response
metrics (``store.kpi.response``). Empty text (an assignee or note of only spaces) clears the value.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlmodel import Session

from store.models import TRIAGE_PRIORITIES, TRIAGE_STATUSES, Mention, TriageEvent
from store.sql import chunks
from store.timeutil import as_utc, utcnow

# A value that leaves its field as it is (None clears assignee, priority and note).
KEEP = object()
MAX_NAME_CHARS = 200
MAX_NOTE_CHARS = 10_000


@dataclass(frozen=True)
class TriageChange:
    """One recorded change of a mention's triage."""

    mention_id: int
    field: str
    from_value: str | None
    to_value: str | None
    changed_by: str | None
    changed_at: datetime


def _text(value: object, field: str, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{field} must be text, not {type(value).__name__}")
    value = value.strip()
    if len(value) > limit:
        raise ValueError(f"{field} is longer than {limit:,} characters")
    return value or None


def update_triage(
    session: Session,
    *,
    mention_ids: Iterable[int],
    status: object = KEEP,
    assignee: object = KEEP,
    priority: object = KEEP,
    note: object = KEEP,
    by: str | None = None,
    now: datetime | None = None,
) -> list[TriageChange]:
    """Set the given fields of every mention in ``mention_ids`` (a bulk action, or one card) and record each
    value that changed; ``KEEP`` (the default) leaves a field alone, None clears assignee, priority or note.
    Returns the recorded changes. Raises ValueError for an unknown status or priority, KeyError when a
    mention does not exist (nothing is written then).

    >>> update_triage(session, mention_ids=[7, 9], status="resolved", by="Mina")  # doctest: +SKIP
    """
    wanted: dict[str, str | None] = {}
    if status is not KEEP:
        if status not in TRIAGE_STATUSES:
            raise ValueError(f"triage status must be one of {', '.join(TRIAGE_STATUSES)}, not {status!r}")
        wanted["status"] = str(status)
    if assignee is not KEEP:
        wanted["assignee"] = _text(assignee, "assignee", MAX_NAME_CHARS)
    if priority is not KEEP:
        if priority is not None and priority not in TRIAGE_PRIORITIES:
            raise ValueError(f"priority must be one of {', '.join(TRIAGE_PRIORITIES)}, not {priority!r}")
        wanted["priority"] = None if priority is None else str(priority)
    if note is not KEEP:
        wanted["note"] = _text(note, "note", MAX_NOTE_CHARS)
    who = _text(by, "who", MAX_NAME_CHARS)
    at = as_utc(now) or utcnow()
    ids = sorted(set(mention_ids))
    columns = {f: getattr(Mention, f"triage_{f}") for f in wanted}
    changes: list[TriageChange] = []
    found: set[int] = set()
    for chunk in chunks(ids):
        # Locked (PostgreSQL) so two people changing one mention record a consistent from → to.
        rows = session.execute(
            select(Mention.id, *columns.values()).where(Mention.id.in_(chunk)).with_for_update()
        ).all()
        for row in rows:
            found.add(int(row[0]))
            for (field, value), current in zip(wanted.items(), row[1:], strict=True):
                if current != value:
                    changes.append(TriageChange(int(row[0]), field, current, value, who, at))
    missing = set(ids) - found
    if missing:
        raise KeyError(f"no mention with id {', '.join(map(str, sorted(missing)))}")
    _write(session, changes, at)
    return changes


def _write(session: Session, changes: Sequence[TriageChange], at: datetime) -> None:
    by_values: dict[tuple[tuple[str, str | None], ...], list[int]] = {}
    per_mention: dict[int, dict[str, str | None]] = {}
    for c in changes:
        per_mention.setdefault(c.mention_id, {})[c.field] = c.to_value
    for mention_id, values in per_mention.items():
        by_values.setdefault(tuple(sorted(values.items())), []).append(mention_id)
    # One UPDATE per distinct set of new values: a bulk action is one statement per chunk of ids.
    for values, mids in by_values.items():
        new = {f"triage_{field}": value for field, value in values}
        if "triage_status" in new:
            new["triage_updated_at"] = at
        for chunk in chunks(mids):
            session.execute(update(Mention).where(Mention.id.in_(chunk)).values(**new))
    if changes:
        session.execute(
            insert(TriageEvent),
            [
                {
                    "mention_id": c.mention_id,
                    "field": c.field,
                    "from_value": c.from_value,
                    "to_value": c.to_value,
                    "changed_by": c.changed_by,
                    "changed_at": c.changed_at,
                }
                for c in changes
            ],
        )


def set_triage_status(
    session: Session, *, mention_id: int, status: str, by: str | None = None, now: datetime | None = None
) -> None:
    """Set one mention's triage status (recorded in the history when it changes)."""
    update_triage(session, mention_ids=[mention_id], status=status, by=by, now=now)


def triage_history(session: Session, *, mention_ids: Iterable[int]) -> dict[int, list[TriageChange]]:
    """Mention id → its recorded triage changes, oldest first."""
    out: dict[int, list[TriageChange]] = {}
    for chunk in chunks(mention_ids):
        rows = session.execute(
            select(TriageEvent)
            .where(TriageEvent.mention_id.in_(chunk))
            .order_by(TriageEvent.mention_id, TriageEvent.changed_at, TriageEvent.id)
        ).scalars()
        for e in rows:
            out.setdefault(e.mention_id, []).append(
                TriageChange(
                    e.mention_id,
                    e.field,
                    e.from_value,
                    e.to_value,
                    e.changed_by,
                    as_utc(e.changed_at) or e.changed_at,
                )
            )
    return out
