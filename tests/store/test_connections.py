"""Connections that fail fast: a PostgreSQL server that never answers is a clear error within seconds (not
a hang), statements time out, and the run lock (one `brandpulse run` at a time per database) holds across
processes and is freed when its holder dies, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from store.db import (
    DEFAULT_CONNECT_TIMEOUT,
    RunLocked,
    describe_error,
    postgres_connect_args,
    run_lock,
)
from tests.dbutil import migrated_db
from tests.procutil import brandpulse_cmd

ROOT = Path(__file__).resolve().parents[2]
# The done-when bound: an unreachable database is a clear error within 10 s (the connect timeout is 5 s).
CLEAR_ERROR_WITHIN_S = 10


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts TCP connections and never says a word: a hung or firewalled PostgreSQL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)  # never accept(): the kernel completes handshakes, nobody answers
        yield int(sock.getsockname()[1])


@pytest.mark.parametrize(
    "command", [["db", "current"], ["db", "upgrade"], ["label"], ["export", "-o", "x.csv"]]
)
def test_a_server_that_never_answers_is_a_clear_error_within_10_s(
    silent_server: int, tmp_path: Path, command: list[str]
) -> None:
    url = f"postgresql+psycopg://brandpulse:pw-secret@127.0.0.1:{silent_server}/brandpulse"
    env = {**os.environ, "BRANDPULSE_DATABASE_URL": url}
    env.pop("BRANDPULSE_PG_CONNECT_TIMEOUT", None)

    def timed(env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
        start = time.monotonic()
        done = subprocess.run(
            [*brandpulse_cmd(), *command], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )
        return time.monotonic() - start, done

    # Same-run baseline: the same command against a closed port (refused at once) costs the start-up,
    # which a loaded CI machine can stretch; the bound is on the wait for the silent server.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = int(sock.getsockname()[1])
    startup, refused = timed({**env, "BRANDPULSE_DATABASE_URL": url.replace(str(silent_server), str(closed))})
    assert "Connection refused" in refused.stderr, refused.stdout + refused.stderr
    elapsed, done = timed(env)
    waited = elapsed - startup
    assert waited < CLEAR_ERROR_WITHIN_S, f"{command}: {elapsed:.1f} s, of which start-up {startup:.1f} s"
    assert done.returncode in (1, 2), done.stdout + done.stderr
    message = done.stderr.strip()
    assert f"postgresql+psycopg://brandpulse:***@127.0.0.1:{silent_server}/brandpulse" in message
    assert "ConnectionTimeout: connection timeout expired" in message
    assert "Traceback" not in done.stderr and "pw-secret" not in done.stdout + done.stderr
    assert len(message.splitlines()) == 1, message


def test_connect_arguments_and_their_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BRANDPULSE_PG_CONNECT_TIMEOUT", raising=False)
    monkeypatch.delenv("BRANDPULSE_PG_STATEMENT_TIMEOUT", raising=False)
    args = postgres_connect_args()
    assert args["connect_timeout"] == DEFAULT_CONNECT_TIMEOUT == 5
    assert "statement_timeout=600000" in str(args["options"]) and "timezone=UTC" in str(args["options"])
    assert args["keepalives"] == 1 and args["tcp_user_timeout"] == 60_000
    monkeypatch.setenv("BRANDPULSE_PG_STATEMENT_TIMEOUT", "0")
    monkeypatch.setenv("BRANDPULSE_PG_CONNECT_TIMEOUT", "2")
    args = postgres_connect_args(make_url("postgresql+psycopg://h/db?keepalives=0").query)
    assert "statement_timeout=0" in str(args["options"]) and args["connect_timeout"] == 2
    assert "keepalives" not in args  # the URL's own value is kept
    monkeypatch.setenv("BRANDPULSE_PG_CONNECT_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="BRANDPULSE_PG_CONNECT_TIMEOUT must be a whole number"):
        postgres_connect_args()


def test_a_statement_over_the_timeout_is_cancelled(
    postgres_server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRANDPULSE_PG_STATEMENT_TIMEOUT", "1")
    engine = create_engine(postgres_server_url, connect_args=postgres_connect_args())
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "1s"
            start = time.monotonic()
            with pytest.raises(OperationalError) as info:
                conn.execute(text("SELECT pg_sleep(5)"))
            assert time.monotonic() - start < 3
            assert describe_error(info.value).startswith(
                "QueryCanceled: canceling statement due to statement"
            )
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return migrated_db(request, tmp_path, "lock.db")


def test_the_run_lock_is_held_across_processes_and_freed_when_its_holder_dies(db_url: str) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from store.db import run_lock\n"
            "with run_lock(sys.argv[1]):\n    print('held', flush=True); time.sleep(120)",
            db_url,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(RunLocked), run_lock(db_url):
            pass
        holder.kill()  # no chance to release it: the server or the kernel must
        holder.wait(timeout=10)
        deadline = time.monotonic() + 10
        while True:
            try:
                with run_lock(db_url):
                    break
            except RunLocked:
                assert time.monotonic() < deadline, "the lock outlived its holder"
                time.sleep(0.2)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    # In one process: taken, refused to a second taker, free again after the block.
    with run_lock(db_url), pytest.raises(RunLocked), run_lock(db_url):
        pass
    with run_lock(db_url):
        pass
