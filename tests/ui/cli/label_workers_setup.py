"""What the label-worker process tests share: a store of short unlabeled comments, a count of every label
write (an audit trigger the test installs), ``brandpulse label`` processes on the fast bundled model, and a
private PostgreSQL server that a test may restart."""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, insert, text

from store.db import ensure_schema, get_engine
from store.models import Mention
from tests.procutil import brandpulse_cmd, free_port

# Short comments in the four languages (distinct texts: the model sees each one).
PHRASES = [
    "Glow Lab serum made my skin so soft, buying again",
    "worst purchase this year, it broke me out",
    "ok I guess, nothing special",
    "글로우랩 세럼 너무 좋아요 재구매 의사 있어요",
    "피부 트러블 났어요 환불하고 싶어요",
    "光澤實驗室的精華液真的很好用",
    "用了以後皮膚過敏，很失望",
    "Serum dùng rất thích, da mịn hẳn",
    "ib mình giá sỉ nhé, inbox zalo",
    "Tag 3 friends to WIN a free set!!! http://bit.ly/xx",
]

AUDIT_SQL = [
    "CREATE TABLE label_write_audit (mention_id bigint NOT NULL, worker text, at timestamptz NOT NULL "
    "DEFAULT clock_timestamp())",
    # The worker is the one whose lease the write ends (a schema from before leases has none).
    """CREATE FUNCTION label_write_audit() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE holder text;
    BEGIN
        IF to_regclass('label_lease') IS NOT NULL THEN
            EXECUTE 'SELECT worker FROM label_lease WHERE mention_id = $1' INTO holder USING NEW.id;
        END IF;
        INSERT INTO label_write_audit (mention_id, worker) VALUES (NEW.id, holder);
        RETURN NEW;
    END $$""",
    # Every UPDATE that gives a mention labels (a new labeled_at), whoever runs it and however.
    "CREATE TRIGGER label_write_audit AFTER UPDATE ON mention FOR EACH ROW WHEN "
    "(NEW.labeled_at IS NOT NULL AND NEW.labeled_at IS DISTINCT FROM OLD.labeled_at) "
    "EXECUTE FUNCTION label_write_audit()",
]
DROP_AUDIT_SQL = [
    "DROP TRIGGER IF EXISTS label_write_audit ON mention",
    "DROP FUNCTION IF EXISTS label_write_audit()",
    "DROP TABLE IF EXISTS label_write_audit",
]


def fill(url: str, n: int) -> None:
    """``n`` unlabeled comments (external ids 0 .. n-1), straight into the table."""
    ensure_schema(url)
    rows = [
        {"platform": "test", "external_id": str(i), "kind": "comment", "text": f"{PHRASES[i % 10]} #{i}"}
        for i in range(n)
    ]
    with get_engine(url).begin() as conn:
        conn.execute(insert(Mention.__table__), rows)


def install_audit(url: str) -> None:
    with get_engine(url).begin() as conn:
        for statement in DROP_AUDIT_SQL + AUDIT_SQL:
            conn.execute(text(statement))


def drop_audit(url: str) -> None:
    with get_engine(url).begin() as conn:
        for statement in DROP_AUDIT_SQL:
            conn.execute(text(statement))


@dataclass(frozen=True)
class Outcome:
    """What the store says after a run."""

    mentions: int
    unlabeled: int
    leases_left: int
    writes_per_mention: dict[int, int]  # how many label writes the audit counted (0: none)
    writes_by_worker: dict[str, int]
    labeled_by: dict[int, str]  # mention → the worker of its (last) label write


def outcome(url: str) -> Outcome:
    with get_engine(url).connect() as conn:
        ids = list(conn.execute(text("SELECT id FROM mention")).scalars())
        unlabeled = conn.execute(text("SELECT count(*) FROM mention WHERE labeled_at IS NULL")).scalar_one()
        leases = conn.execute(text("SELECT count(*) FROM label_lease")).scalar_one()
        audit = conn.execute(text("SELECT mention_id, worker FROM label_write_audit ORDER BY at")).all()
    writes: dict[int, int] = {}
    by_worker: dict[str, int] = {}
    labeled_by: dict[int, str] = {}
    for mention_id, worker in audit:
        writes[mention_id] = writes.get(mention_id, 0) + 1
        by_worker[str(worker)] = by_worker.get(str(worker), 0) + 1
        labeled_by[mention_id] = str(worker)
    return Outcome(
        mentions=len(ids),
        unlabeled=int(unlabeled),
        leases_left=int(leases),
        writes_per_mention={m: writes.get(m, 0) for m in ids},
        writes_by_worker=by_worker,
        labeled_by=labeled_by,
    )


def worker_rows(url: str, pid: int) -> tuple[int, int]:
    """(mentions labelled, unlabeled mentions held under a running lease) of the worker of process ``pid``."""
    like = {"w": f"%:{pid}:%"}
    with get_engine(url).connect() as conn:
        done = conn.execute(text("SELECT count(*) FROM label_write_audit WHERE worker LIKE :w"), like)
        held = conn.execute(
            text(
                "SELECT count(*) FROM label_lease l JOIN mention m ON m.id = l.mention_id "
                "WHERE l.worker LIKE :w AND l.lease_until > now() AND m.labeled_at IS NULL"
            ),
            like,
        )
        return int(done.scalar_one()), int(held.scalar_one())


def held_by(url: str, pid: int) -> set[int]:
    """The unlabeled mentions the worker of process ``pid`` holds a lease on (ended or not)."""
    with get_engine(url).connect() as conn:
        rows = conn.execute(
            text(
                "SELECT l.mention_id FROM label_lease l JOIN mention m ON m.id = l.mention_id "
                "WHERE l.worker LIKE :w AND m.labeled_at IS NULL"
            ),
            {"w": f"%:{pid}:%"},
        )
        return {int(m) for m in rows.scalars()}


def start_worker(folder: Path, url: str, *options: str) -> subprocess.Popen[str]:
    """``brandpulse label --json`` in ``folder`` with the fast bundled model (``moe``)."""
    config = folder / "brandpulse.toml"
    if not config.exists():
        config.write_text(f'[database]\nurl = "{url}"\n\n[model]\nsentiment = "moe"\nspam = "moe"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRANDPULSE_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", BRANDPULSE_THREADS="1")
    return subprocess.Popen(
        [*brandpulse_cmd(), "label", "--json", *options],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen[str], timeout: float) -> tuple[dict, str]:
    """Wait for a worker; its JSON report and its stderr (the retries' warnings)."""
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, f"worker exited {proc.returncode}: {err[-3000:]}"
    return json.loads(out.strip().splitlines()[-1]), err


@dataclass
class PrivateServer:
    """A PostgreSQL server of its own (initdb in a temporary folder), so a test can restart it without
    disturbing the shared one."""

    bindir: Path
    folder: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*as_postgres, *args], check=True, capture_output=True, timeout=120)

    def pg_ctl(self, action: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        data, log = str(self.folder / "data"), str(self.folder / "server.log")
        self._run(str(self.bindir / "pg_ctl"), "-D", data, "-l", log, "-w", "-t", "60", "-m", "fast",
                  "-o", options, action)  # fmt: skip


def private_server() -> Iterator[PrivateServer]:
    """Start a private server (``initdb`` as the ``postgres`` user when run as root); stop and remove it
    afterwards. PostgreSQL's binaries are required: the test fails without them."""
    bindir = Path(
        subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
    )
    assert (bindir / "initdb").exists(), f"PostgreSQL server binaries not found in {bindir}"
    folder = Path(tempfile.mkdtemp(prefix="brandpulse-pg-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
    server = PrivateServer(bindir, folder, free_port())
    try:
        server._run(str(bindir / "initdb"), "-D", str(folder / "data"), "-A", "trust", "-U", "postgres",
                    "-E", "UTF8", "--no-sync")  # fmt: skip
        server.pg_ctl("start")
        yield server
    finally:
        get_engine(server.url).dispose()
        with contextlib.suppress(subprocess.CalledProcessError):  # not running
            server.pg_ctl("stop")
        shutil.rmtree(folder, ignore_errors=True)


def server_is_up(url: str) -> bool:
    engine = create_engine(url, connect_args={"connect_timeout": 2})
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT 1")).scalar_one() == 1
    except Exception:  # noqa: BLE001
        return False
    finally:
        engine.dispose()
