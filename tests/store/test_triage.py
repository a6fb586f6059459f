"""Triage writes (store.repo.triage) on SQLite and PostgreSQL: one card, bulk actions on a selection, and the
history of every change (field, from → to, who, when)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from store import repo
from store.db import session_scope
from store.models import Mention, TriageEvent
from tests.store.helpers import T0, mention


def _seed(url: str) -> list[int]:
    with session_scope(url) as s:
        ids = repo.upsert_mentions(s, mentions=[mention(f"m{i}", f"bad {i}") for i in range(3)])
    return [ids[f"ptt:m{i}"] for i in range(3)]


def test_changes_are_written_and_recorded_once(db_url: str) -> None:
    a, b, c = _seed(db_url)
    t1, t2 = T0 + timedelta(hours=1), T0 + timedelta(hours=2)
    with session_scope(db_url) as s:
        first = repo.update_triage(
            s, mention_ids=[a], status="in_progress", assignee="Mina", by="Joon", now=t1
        )
        # The same values again record nothing; a bulk action records only what changed per mention.
        assert repo.update_triage(s, mention_ids=[a], status="in_progress", assignee=" Mina ", now=t2) == []
        bulk = repo.update_triage(
            s, mention_ids=[a, b], status="resolved", priority="high", by="Mina", now=t2
        )
        repo.update_triage(s, mention_ids=[a], assignee="   ", note="  refunded  ", now=t2)
    assert [(x.field, x.from_value, x.to_value, x.changed_by) for x in first] == [
        ("status", "new", "in_progress", "Joon"),
        ("assignee", None, "Mina", "Joon"),
    ]
    assert sorted((x.mention_id, x.field, x.from_value, x.to_value) for x in bulk) == [
        (a, "priority", None, "high"),
        (a, "status", "in_progress", "resolved"),
        (b, "priority", None, "high"),
        (b, "status", "new", "resolved"),
    ]
    with session_scope(db_url) as s:
        rows = {m.id: m for m in s.execute(select(Mention)).scalars()}
        history = repo.triage_history(s, mention_ids=[a, b, c])
    assert (rows[a].triage_status, rows[a].triage_assignee, rows[a].triage_priority) == (
        "resolved",
        None,
        "high",
    )
    assert rows[a].triage_note == "refunded"
    assert (rows[b].triage_status, rows[b].triage_priority, rows[c].triage_status) == (
        "resolved",
        "high",
        "new",
    )
    assert [(e.field, e.to_value, e.changed_at) for e in history[a]] == [
        ("status", "in_progress", t1),
        ("assignee", "Mina", t1),
        ("status", "resolved", t2),
        ("priority", "high", t2),
        ("assignee", None, t2),
        ("note", "refunded", t2),
    ]
    assert c not in history


def test_bad_values_and_unknown_mentions_write_nothing(db_url: str) -> None:
    (a, *_) = _seed(db_url)
    with session_scope(db_url) as s:
        with pytest.raises(ValueError, match="triage status must be one of new, in_progress, resolved"):
            repo.update_triage(s, mention_ids=[a], status="done")
        with pytest.raises(ValueError, match="priority must be one of high, medium, low"):
            repo.update_triage(s, mention_ids=[a], priority="urgent")
        with pytest.raises(ValueError, match="assignee is longer"):
            repo.update_triage(s, mention_ids=[a], assignee="x" * 201)
    with pytest.raises(KeyError, match="no mention with id 999"), session_scope(db_url) as s:
        repo.update_triage(s, mention_ids=[a, 999], status="resolved")
    with session_scope(db_url) as s:
        assert s.get(Mention, a).triage_status == "new"
        assert s.execute(select(TriageEvent)).all() == []


def test_erasing_a_mention_erases_its_history(db_url: str) -> None:
    (a, b, _) = _seed(db_url)
    with session_scope(db_url) as s:
        repo.update_triage(s, mention_ids=[a, b], status="resolved", by="Mina")
    with session_scope(db_url) as s:
        s.execute(delete(Mention).where(Mention.id == a))
    with session_scope(db_url) as s:
        assert [e.mention_id for e in s.execute(select(TriageEvent)).scalars()] == [b]
