"""Label workers' batch leases (store.repo.claim_unlabeled and friends) on SQLite and PostgreSQL, claims that
never wait for each other on PostgreSQL (FOR UPDATE SKIP LOCKED), and the retries of transient database
errors (store.retry)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import psycopg
import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError

from store import repo
from store.db import get_engine, session_scope
from store.models import LabelLease, Mention
from store.retry import is_transient, with_retries
from store.timeutil import utcnow
from tests.store.helpers import label, mention


def _store(url: str, n: int) -> list[int]:
    with session_scope(url) as s:
        ids = repo.upsert_mentions(s, mentions=[mention(f"m{i}", f"text number {i}") for i in range(n)])
    return sorted(ids.values())


def _claim(url: str, worker: str, n: int, lease: float = 60.0) -> list[int]:
    with session_scope(url) as s:
        return [m for m, _ in repo.claim_unlabeled(s, worker=worker, limit=n, lease_seconds=lease)]


def _write(url: str, worker: str, ids: list[int], texts: dict[int, str] | None = None) -> list[int]:
    """``worker`` writes labels of ``ids`` (labelled from ``texts``, by default their stored texts)."""
    with session_scope(url) as s:
        if texts is None:
            texts = dict(s.execute(select(Mention.id, Mention.text).where(Mention.id.in_(ids))).all())  # type: ignore[union-attr]
        return repo.write_claimed_labels(
            s, worker=worker, texts=texts, labels=[label(m, "positive") for m in ids]
        )


def _expire(url: str, ids: list[int]) -> None:
    """Make the leases on ``ids`` end in the past (as if their worker died a while ago)."""
    with session_scope(url) as s:
        s.execute(
            update(LabelLease)
            .where(LabelLease.mention_id.in_(ids))  # type: ignore[attr-defined]
            .values(lease_until=utcnow() - timedelta(seconds=1))
        )


def _leases(url: str) -> dict[int, tuple[str, datetime]]:
    with session_scope(url) as s:
        rows = s.execute(select(LabelLease.mention_id, LabelLease.worker, LabelLease.lease_until)).all()
    return {m: (w, until) for m, w, until in rows}


def test_claims_are_disjoint_lowest_ids_first_and_return_texts(db_url: str) -> None:
    ids = _store(db_url, 10)
    with session_scope(db_url) as s:
        rows = repo.claim_unlabeled(s, worker="a", limit=4, lease_seconds=60)
    assert rows == [(m, f"text number {i}") for i, m in enumerate(ids[:4])]
    assert _claim(db_url, "b", 4) == ids[4:8]
    assert _claim(db_url, "c", 4) == ids[8:]
    assert _claim(db_url, "d", 4) == []  # everything is held
    with session_scope(db_url) as s:
        state = repo.claim_state(s)
    held = {m: w for m, (w, _) in _leases(db_url).items()}
    assert held == {m: "a" if i < 4 else "b" if i < 8 else "c" for i, m in enumerate(ids)}
    assert state.unlabeled == 10
    assert state.next_lease_end_in is not None and 55 < state.next_lease_end_in <= 60


def test_a_batch_whose_lease_ended_is_claimed_again_and_written_once(db_url: str) -> None:
    ids = _store(db_url, 6)
    first = _claim(db_url, "dead", 3)
    assert first == ids[:3]
    _expire(db_url, first)
    with session_scope(db_url) as s:
        state = repo.claim_state(s)
    assert state.next_lease_end_in is not None and state.next_lease_end_in <= 0
    assert _claim(db_url, "live", 10) == ids  # the dead worker's rows first, then the free ones
    assert _write(db_url, "dead", first) == []  # came back too late: the rows are no longer its own
    assert _write(db_url, "live", ids) == ids
    assert _write(db_url, "live", ids) == []  # labelled already: nothing is written twice
    with session_scope(db_url) as s:
        assert repo.count_unlabeled(s) == 0
        assert {m.model for m in s.execute(select(Mention)).scalars()} == {"test-model"}
    assert _leases(db_url) == {}  # written: the leases ended with the write
    assert _claim(db_url, "other", 10) == []


def test_a_worker_writes_only_what_it_holds_and_gives_back_changed_texts(db_url: str) -> None:
    ids = _store(db_url, 4)
    assert _claim(db_url, "a", 4) == ids
    texts = {m: f"text number {i}" for i, m in enumerate(ids)}
    with session_scope(db_url) as s:  # a re-crawl changes one text while the worker runs its model
        repo.upsert_mentions(s, mentions=[mention("m1", "an edited text")])
    assert _write(db_url, "b", ids, texts) == []  # not b's
    assert _write(db_url, "a", ids, texts) == [ids[0], ids[2], ids[3]]
    with session_scope(db_url) as s:
        edited = s.get(Mention, ids[1])
        assert edited is not None and edited.labeled_at is None
    assert _leases(db_url) == {}
    with session_scope(db_url) as s:  # claimed again at once, with its new text
        assert repo.claim_unlabeled(s, worker="b", limit=5, lease_seconds=60) == [(ids[1], "an edited text")]


def test_renew_release_and_release_all(db_url: str) -> None:
    ids = _store(db_url, 6)
    a, b = _claim(db_url, "a", 3, lease=5), _claim(db_url, "b", 3, lease=5)
    with session_scope(db_url) as s:
        assert repo.renew_claims(s, worker="a", ids=a + b, lease_seconds=600) == 3  # only its own
    ends = {m: until for m, (_, until) in _leases(db_url).items()}
    assert min(ends[m] for m in a) - max(ends[m] for m in b) > timedelta(seconds=500)
    with session_scope(db_url) as s:
        assert repo.release_claims(s, worker="b", ids=a + b) == 3
    assert _claim(db_url, "c", 10) == b  # given back: claimable at once
    with session_scope(db_url) as s:
        assert repo.release_all_claims(s) == 6  # a's 3 and c's 3
        assert repo.claim_state(s).next_lease_end_in is None
    assert _claim(db_url, "d", 10) == ids


def test_postgresql_claims_skip_rows_another_claim_is_taking(postgres_server_url: str) -> None:
    """A claim still in its transaction holds its rows; a second worker claims the next ones at once
    instead of waiting (lock_timeout would fail it if it waited)."""
    from tests.dbutil import empty_postgres_tables

    url = postgres_server_url
    empty_postgres_tables(url)
    ids = _store(url, 6)
    engine = get_engine(url)
    with engine.connect() as first, engine.connect() as second:
        from sqlmodel import Session

        s1, s2 = Session(bind=first), Session(bind=second)
        taken = repo.claim_unlabeled(s1, worker="a", limit=3, lease_seconds=60)  # not committed yet
        s2.execute(text("SET LOCAL lock_timeout = '2s'"))
        started = time.monotonic()
        other = repo.claim_unlabeled(s2, worker="b", limit=6, lease_seconds=60)
        assert time.monotonic() - started < 1.5
        assert [m for m, _ in taken] == ids[:3] and [m for m, _ in other] == ids[3:]
        s2.commit()
        s1.rollback()  # the first claim never happened: its rows are free again
    assert _claim(url, "c", 6) == ids[:3]


def _pg_error(exc: Exception) -> OperationalError:
    return OperationalError("SELECT 1", {}, exc)


def test_transient_errors_are_told_apart() -> None:
    assert is_transient(_pg_error(psycopg.errors.AdminShutdown("terminating connection")))
    assert is_transient(_pg_error(psycopg.errors.CannotConnectNow("the database system is starting up")))
    assert is_transient(_pg_error(psycopg.errors.DeadlockDetected("deadlock detected")))
    assert is_transient(_pg_error(psycopg.OperationalError("connection refused")))
    assert not is_transient(IntegrityError("INSERT", {}, psycopg.errors.UniqueViolation("duplicate key")))
    assert not is_transient(ValueError("not a database error"))
    import sqlite3

    assert is_transient(OperationalError("UPDATE", {}, sqlite3.OperationalError("database is locked")))
    assert not is_transient(OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: x")))


def test_retries_back_off_then_succeed_or_give_up(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    def clock() -> float:
        return now[0]

    calls = {"n": 0}

    def flaky() -> str:
        calls["n"] += 1
        if calls["n"] < 4:
            raise _pg_error(
                psycopg.errors.AdminShutdown("terminating connection due to administrator command")
            )
        return "done"

    assert with_retries(flaky, what="test", sleep=sleep, clock=clock) == "done"
    assert calls["n"] == 4 and len(waits) == 3
    assert 0.3 <= waits[0] <= 0.7 and waits[1] > waits[0] and waits[2] > waits[1]  # 0.5, 1, 2 s ± 25 %

    def broken() -> None:
        raise IntegrityError("INSERT", {}, psycopg.errors.UniqueViolation("duplicate key"))

    with pytest.raises(IntegrityError):  # not transient: raised at once
        with_retries(broken, what="test", sleep=sleep, clock=clock)
    assert len(waits) == 3

    def down() -> None:
        raise _pg_error(psycopg.OperationalError("connection refused"))

    with pytest.raises(OperationalError):
        with_retries(down, what="test", give_up_after=30.0, sleep=sleep, clock=clock)
    assert 15.0 <= sum(waits[3:]) <= 30.0  # backed off up to the limit, then gave up
    assert max(waits) <= 12.5  # each wait at most 10 s (+ jitter)
    monkeypatch.setenv("BRANDPULSE_DB_RETRY_SECONDS", "0")
    before = len(waits)
    with pytest.raises(OperationalError):
        with_retries(down, what="test", sleep=sleep, clock=clock)
    assert len(waits) == before  # 0: one try, no wait
