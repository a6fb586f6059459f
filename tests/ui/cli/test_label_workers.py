"""Several ``brandpulse label`` processes on one PostgreSQL: a worker killed mid-batch, a server restarted
mid-run, a lease left by a dead worker; and SQLite's one worker at a time.

"Exactly once" is counted by the database, not by the workers: the test installs an audit trigger that
records every UPDATE giving a mention a new ``labeled_at`` (whatever code runs it), so a mention written twice
shows two rows. The workers' own ``--json`` counts are checked against it too.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from store.db import ensure_schema, get_engine, run_lock, session_scope
from store.models import Mention
from tests.dbutil import empty_postgres_tables
from tests.procutil import wait_until
from tests.ui.cli import label_workers_setup as setup
from ui.cli.app import app
from ui.jobs.label import label_mentions


@pytest.fixture
def audited_pg(postgres_server_url: str) -> Iterator[str]:
    """The session's PostgreSQL test database, emptied, with the label-write audit (removed afterwards)."""
    url = postgres_server_url
    ensure_schema(url)
    empty_postgres_tables(url)
    setup.install_audit(url)
    yield url
    setup.drop_audit(url)


def _assert_each_labelled_once(url: str, n: int) -> setup.Outcome:
    out = setup.outcome(url)
    assert out.mentions == n and out.unlabeled == 0 and out.leases_left == 0
    twice = {m: c for m, c in out.writes_per_mention.items() if c != 1}
    assert twice == {}, f"mentions not written exactly once (id: writes): {dict(list(twice.items())[:10])}"
    return out


def test_sigkill_of_one_of_three_workers_mid_batch_labels_every_mention_once(
    audited_pg: str, tmp_path: Path
) -> None:
    n, batch, lease = 1500, 50, 4
    setup.fill(audited_pg, n)
    workers = [setup.start_worker(tmp_path, audited_pg, "--batch-size", str(batch), "--lease", str(lease))]
    workers += [setup.start_worker(tmp_path, audited_pg, "--batch-size", str(batch), "--lease", str(lease))
                for _ in range(2)]  # fmt: skip
    victim = workers[0]
    try:
        # Mid-batch: the victim has written a batch and holds a claimed one it has not written yet. It is
        # stopped while this is checked again, so it cannot finish the batch between the check and the kill.
        def mid_batch() -> bool:
            done, held = setup.worker_rows(audited_pg, victim.pid)
            return done >= batch and held > 0

        def stopped_mid_batch() -> bool:
            if not mid_batch():
                return False
            victim.send_signal(signal.SIGSTOP)
            if mid_batch():
                return True
            victim.send_signal(signal.SIGCONT)
            return False

        assert wait_until(stopped_mid_batch, timeout=240, step=0.05), (
            f"never mid-batch: {setup.worker_rows(audited_pg, victim.pid)}, exit code {victim.poll()}"
        )
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        held = setup.held_by(audited_pg, victim.pid)
        assert held, "the killed worker held no batch"
        reports = [setup.finish(w, timeout=240)[0] for w in workers[1:]]
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
                w.wait()
    out = _assert_each_labelled_once(audited_pg, n)
    survivors = {r["worker"] for r in reports}
    assert {out.labeled_by[m] for m in held} <= survivors  # the killed batch was taken over after its lease
    # The workers' own counts agree with the audit: a survivor counted each of its writes once.
    for r in reports:
        assert r["labeled"] == out.writes_by_worker.get(r["worker"], 0)
    killed = [w for w in out.writes_by_worker if w not in survivors]
    assert len(killed) == 1 and all(f":{victim.pid}:" in w for w in killed)
    assert sum(out.writes_by_worker.values()) == n


@pytest.fixture
def private_pg() -> Iterator[setup.PrivateServer]:
    yield from setup.private_server()


def test_postgresql_restarted_mid_run_the_run_completes(
    private_pg: setup.PrivateServer, tmp_path: Path
) -> None:
    """A real restart (stop, 3 s down, start) of a server of the test's own; two workers retry with backoff
    (store.retry) and finish, every mention labelled once."""
    url, n = private_pg.url, 800
    ensure_schema(url)
    setup.fill(url, n)
    setup.install_audit(url)
    workers = [setup.start_worker(tmp_path, url, "--batch-size", "40", "--lease", "20") for _ in range(2)]
    try:
        assert wait_until(lambda: setup.outcome(url).unlabeled <= n - 80, timeout=180, step=0.1)
        get_engine(url).dispose()
        private_pg.pg_ctl("stop")
        assert not setup.server_is_up(url)
        time.sleep(3)
        private_pg.pg_ctl("start")
        results = [setup.finish(w, timeout=240) for w in workers]
    finally:
        for w in workers:
            if w.poll() is None:
                w.kill()
                w.wait()
    assert any("trying again" in err for _, err in results), "no worker met the restart"
    _assert_each_labelled_once(url, n)
    assert sum(report["labeled"] for report, _ in results) <= n


def test_a_dead_workers_lease_is_waited_for_then_taken_over(audited_pg: str) -> None:
    setup.fill(audited_pg, 30)

    def lease_dead_batch(seconds: float) -> None:
        with get_engine(audited_pg).begin() as conn:
            conn.execute(text("DELETE FROM label_lease"))
            conn.execute(
                text(
                    "INSERT INTO label_lease (mention_id, worker, lease_until) SELECT id, 'dead:1:0', "
                    "now() + make_interval(secs => :s) FROM mention WHERE external_id::int < 10"
                ),
                {"s": seconds},
            )

    lease_dead_batch(600)  # a worker that died holding the first 10

    def progress(done: int, total: int) -> None:
        if done == 20:  # the free ones are done: the dead worker's lease ends 1.5 s from now
            lease_dead_batch(1.5)

    result = label_mentions(
        audited_pg,
        sentiment_model="moe",
        spam_model="moe",
        batch_size=10,
        lease_seconds=30,
        worker="live",
        progress=progress,
    )
    assert result.labeled == 30 and result.lost == 0
    assert 1.0 < result.seconds["wait"] < 10  # it waited for the lease rather than stopping
    out = _assert_each_labelled_once(audited_pg, 30)
    assert set(out.labeled_by.values()) == {"live"}


def test_sqlite_runs_one_label_worker_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'one.db'}"
    setup.fill(url, 3)
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    with run_lock(url, "label"):  # another worker is running
        result = CliRunner().invoke(app, ["label"])
    assert result.exit_code == 1
    assert "another label worker is running on this SQLite database" in result.output
    with session_scope(url) as s:
        assert s.query(Mention).filter(Mention.labeled_at.is_(None)).count() == 3  # type: ignore[union-attr]
