"""What a label worker's claim costs, by design, on PostgreSQL: the database work per batch without the model.

    .venv/bin/python benchmarks/bench_lease_designs.py [--mentions 100000] [--batches 48] [--batch-size 2048]
        [--server postgresql+psycopg://postgres@127.0.0.1:5432/test]
    # with Procrastinate importable (a throwaway venv: pip install procrastinate psycopg[binary]), also its
    # cost per job: <venv>/bin/python benchmarks/bench_lease_designs.py --queue-only

For each design, a fresh database with N unlabeled mentions (``bench_label_workers.fill``), then ``--batches``
rounds of: **claim** ``--batch-size`` mentions (committed), **renew** their lease once, **write** (the
write's lease check with the batch's mentions locked, ``labeled_at`` set, the lease ended): the label write
itself is the same in every design and not included beyond ``labeled_at``.

- ``table`` (what brandpulse does, ``store.repo``): a row per claimed mention in ``label_lease``
  (``INSERT ... SELECT ... FOR UPDATE SKIP LOCKED ... ON CONFLICT DO UPDATE WHERE ended``);
- ``columns``: the lease as two columns of ``mention`` (``UPDATE mention ... WHERE id IN (SELECT ... FOR
  UPDATE SKIP LOCKED)``), which rewrites the wide, much-indexed mention rows at every claim and renewal;
- ``queue`` (``--queue-only``): Procrastinate 3's defer of a job carrying the batch's ids, and a worker
  fetching and finishing it with a task that does nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

DB_NAME = "brandpulse_bench_leases"


def _url(server: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{DB_NAME}"'))
    admin.dispose()
    return make_url(server).set(database=DB_NAME).render_as_string(hide_password=False)


def _store(server: str, n: int) -> str:
    from bench_label_workers import fill

    from nlp.bench_corpus import bench_corpus
    from store.db import ensure_schema

    url = _url(server)
    ensure_schema(url)
    fill(url, n, bench_corpus(n, seed=13), audit=False)
    return url


LOCK_BATCH = "SELECT id FROM mention WHERE id = ANY(:ids) AND labeled_at IS NULL ORDER BY id FOR UPDATE"
COLUMNS_CLAIM = """
    WITH free AS (SELECT id FROM mention WHERE labeled_at IS NULL
                  AND (lease_until IS NULL OR lease_until < now())
                  ORDER BY id LIMIT :n FOR UPDATE SKIP LOCKED)
    UPDATE mention SET worker = 'w', lease_until = now() + interval '60 seconds'
    FROM free WHERE mention.id = free.id RETURNING mention.id, mention.text"""


def run_design(design: str, url: str, batches: int, size: int) -> dict[str, Any]:
    from sqlalchemy import text

    from store import repo
    from store.db import get_engine, session_scope

    engine = get_engine(url)
    if design == "columns":
        with engine.begin() as conn:
            conn.execute(
                text("ALTER TABLE mention ADD COLUMN worker varchar, ADD COLUMN lease_until timestamptz")
            )
    spent = {"claim": 0.0, "renew": 0.0, "write": 0.0}
    for _ in range(batches):
        start = time.perf_counter()
        if design == "table":
            with session_scope(url) as s:
                ids = [m for m, _ in repo.claim_unlabeled(s, worker="w", limit=size, lease_seconds=60)]
        else:
            with engine.begin() as conn:
                ids = [m for m, _ in conn.execute(text(COLUMNS_CLAIM), {"n": size}).all()]
        spent["claim"] += time.perf_counter() - start
        start = time.perf_counter()
        with engine.begin() as conn:
            if design == "table":
                conn.execute(
                    text("UPDATE label_lease SET lease_until = now() + interval '60 seconds' "
                         "WHERE worker = 'w' AND mention_id = ANY(:ids)"), {"ids": ids})  # fmt: skip
            else:
                conn.execute(
                    text("UPDATE mention SET lease_until = now() + interval '60 seconds' "
                         "WHERE worker = 'w' AND id = ANY(:ids)"), {"ids": ids})  # fmt: skip
        spent["renew"] += time.perf_counter() - start
        start = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(
                text(LOCK_BATCH),
                {"ids": ids},
            ).all()
            if design == "table":
                conn.execute(
                    text("SELECT mention_id FROM label_lease WHERE mention_id = ANY(:ids)"), {"ids": ids}
                )
                conn.execute(text("UPDATE mention SET labeled_at = now() WHERE id = ANY(:ids)"), {"ids": ids})
                conn.execute(text("DELETE FROM label_lease WHERE mention_id = ANY(:ids)"), {"ids": ids})
            else:
                conn.execute(
                    text("UPDATE mention SET labeled_at = now(), lease_until = NULL WHERE id = ANY(:ids)"),
                    {"ids": ids},
                )
        spent["write"] += time.perf_counter() - start
    engine.dispose()
    return {f"{k}_ms_per_batch": round(1000 * v / batches, 1) for k, v in spent.items()}


def run_queue(server: str, jobs: int, size: int) -> dict[str, Any]:
    """Procrastinate's cost per job: defer ``jobs`` jobs of ``size`` ids, then one worker runs them all.
    Needs only procrastinate and psycopg (a throwaway venv), not brandpulse's dependencies."""
    import procrastinate
    import psycopg

    conninfo = server.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=conninfo.rsplit("/", 1)[0] + f"/{DB_NAME}")
    )
    done: list[int] = []

    @app.task(name="label_batch")
    def label_batch(ids: list[int]) -> None:
        done.append(len(ids))

    with app.open():
        app.schema_manager.apply_schema()
        start = time.perf_counter()
        for j in range(jobs):
            label_batch.defer(ids=list(range(j * size, (j + 1) * size)))
        defer = time.perf_counter() - start
        start = time.perf_counter()
        app.run_worker(wait=False, concurrency=1, install_signal_handlers=False, listen_notify=False)
        work = time.perf_counter() - start
    assert sum(done) == jobs * size
    return {
        "defer_ms_per_job": round(1000 * defer / jobs, 1),
        "worker_ms_per_job": round(1000 * work / jobs, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--mentions", type=int, default=100_000)
    parser.add_argument("--batches", type=int, default=48)
    parser.add_argument("--batch-size", type=int, default=2048)
    parser.add_argument("--queue-only", action="store_true", help="only Procrastinate (needs it importable)")
    args = parser.parse_args(argv)
    if args.queue_only:
        results = {"queue": run_queue(args.server, args.batches, args.batch_size)}
    else:
        results = {
            design: run_design(design, _store(args.server, args.mentions), args.batches, args.batch_size)
            for design in ("table", "columns")
        }
    print(json.dumps({"mentions": args.mentions, "batch_size": args.batch_size, **results}))


if __name__ == "__main__":
    main()
