"""Scale-out of the label worker: 1, 2, 4 ... ``brandpulse label`` processes over N mentions on PostgreSQL.

    .venv/bin/python benchmarks/bench_label_workers.py [--mentions 100000] [--workers 1 2 4] [--model moe]
        [--server postgresql+psycopg://postgres@127.0.0.1:5432/test] [--fault] [--baseline-tree DIR] [--json]

For each number of workers: a fresh database ``brandpulse_bench_workers`` on the server, N unlabeled mentions
whose texts are ``brandpulse bench``'s corpus (``nlp.bench_corpus``, seed 13, as ``bench_label.py``), an audit
trigger counting every label write (as ``tests/ui/cli/test_label_workers.py``), then W real ``brandpulse
label --json`` processes started at once (``BRANDPULSE_THREADS`` = the CPUs / W, at least 1). Reported:
wall time from the start of the processes to the end of the last (model loading included) and texts/s over
it; each worker's seconds per step from its ``--json`` (claim, model, write, renew, wait); **lease overhead**
= the workers' time claiming and renewing leases over their total; and whether every mention was written
exactly once (audit) with none left.

``--fault``: one more run with 4 workers where one is killed with SIGKILL mid-batch (when about a quarter of
the mentions are done and it holds a claimed batch); reports when the killed batch was taken over, and checks
exactly once as above. ``--baseline-tree DIR``: before the others, one worker of the code in DIR (e.g. the
commit before leases: ``git archive <commit> | tar -x -C DIR``) on the same data, its schema made by its own
``brandpulse db upgrade``: the lease-free worker measured in the same run, for the 1-worker ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from nlp.bench_corpus import bench_corpus  # noqa: E402
from store.db import ensure_schema, get_engine  # noqa: E402
from store.models import Mention  # noqa: E402
from tests.ui.cli.label_workers_setup import AUDIT_SQL  # noqa: E402

DB_NAME = "brandpulse_bench_workers"
EXE = Path(sys.executable).with_name("brandpulse")


def fresh_database(server: str) -> str:
    base = make_url(server)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{DB_NAME}"'))
    admin.dispose()
    return base.set(database=DB_NAME).render_as_string(hide_password=False)


def fill(url: str, n: int, texts: list[str], chunk: int = 20_000, audit: bool = True) -> None:
    """``n`` unlabeled comments, the audit trigger, then ``VACUUM ANALYZE`` (as autovacuum would)."""
    engine = create_engine(url)
    table = Mention.__table__
    with engine.begin() as conn:
        for start in range(0, n, chunk):
            rows = [
                {"platform": "bench", "external_id": str(i), "kind": "comment", "text": texts[i]}
                for i in range(start, min(n, start + chunk))
            ]
            conn.execute(insert(table), rows)
        for statement in AUDIT_SQL if audit else []:
            conn.execute(text(statement))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE mention"))
    engine.dispose()


def _env(threads: int, tree: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRANDPULSE_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", BRANDPULSE_THREADS=str(threads))
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    return env


def _config(folder: Path, url: str, model: str) -> None:
    (folder / "brandpulse.toml").write_text(
        f'[database]\nurl = "{url}"\n\n[model]\nsentiment = "{model}"\nspam = "{model}"\n'
    )


def audit(url: str) -> dict[str, Any]:
    with get_engine(url).connect() as conn:
        unlabeled = conn.execute(text("SELECT count(*) FROM mention WHERE labeled_at IS NULL")).scalar_one()
        writes = conn.execute(
            text("SELECT count(*), count(DISTINCT mention_id) FROM label_write_audit")
        ).one()
        multi = conn.execute(
            text(
                "SELECT count(*) FROM (SELECT mention_id FROM label_write_audit "
                "GROUP BY mention_id HAVING count(*) > 1) AS twice"
            )
        ).scalar_one()
        by_worker = dict(
            conn.execute(text("SELECT worker, count(*) FROM label_write_audit GROUP BY 1")).all()
        )
    get_engine(url).dispose()
    return {
        "unlabeled_left": int(unlabeled),
        "label_writes": int(writes[0]),
        "mentions_written": int(writes[1]),
        "mentions_written_twice_or_more": int(multi),
        "writes_by_worker": {str(k): int(v) for k, v in by_worker.items()},
    }


def run_workers(
    url: str,
    *,
    n: int,
    workers: int,
    model: str,
    batch: int,
    lease: float,
    tree: Path | None = None,
    kill_at: float | None = None,
) -> dict[str, Any]:
    """Start ``workers`` processes at once and wait for them; with ``kill_at`` (a share of ``n``), SIGKILL
    the first one once that share is labelled and it holds a claimed batch."""
    threads = max(1, (os.cpu_count() or 1) // workers)
    options = [] if tree is not None else ["--json", "--batch-size", str(batch), "--lease", str(lease)]
    fault: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        _config(Path(folder), url, model)
        load = os.getloadavg()[0]
        start = time.monotonic()
        procs = [
            subprocess.Popen(
                [str(EXE), "label", *options],
                cwd=folder,
                env=_env(threads, tree),
                stdout=subprocess.PIPE,
                stderr=open(Path(folder) / f"worker-{i}.log", "w"),  # noqa: SIM115 (closed with the folder)
                text=True,
            )
            for i in range(workers)
        ]
        if kill_at is not None:
            fault = _kill_mid_batch(url, procs[0], int(n * kill_at), start)
        outs = [p.communicate()[0] for p in procs]
        wall = time.monotonic() - start
        logs = [
            (Path(folder) / f"worker-{i}.log").read_text(errors="replace")[-2000:] for i in range(workers)
        ]
    reports = []
    for p, out in zip(procs, outs, strict=True):
        if p.returncode == 0 and out.strip():
            last = out.strip().splitlines()[-1]
            reports.append(json.loads(last) if last.startswith("{") else {"output": last})
        elif not fault or p is not procs[0]:
            log = logs[procs.index(p)]
            raise SystemExit(f"a worker failed with exit code {p.returncode}: {out}\n{log}")
    result: dict[str, Any] = {
        "workers": workers,
        "threads_per_worker": threads,
        "load_avg_start": round(load, 2),
        "wall_seconds": round(wall, 1),
        "texts_per_s": round(n / wall, 1),
        **audit(url),
    }
    if tree is None:
        result.update(_lease_figures(reports))
    result["reports"] = reports
    if fault:
        result["fault"] = {**fault, **_takeover(url, fault["held_ids"])}
        del result["fault"]["held_ids"]
    return result


def _lease_figures(reports: list[dict[str, Any]]) -> dict[str, Any]:
    def total(step: str) -> float:
        return sum(float(r["seconds"].get(step, 0.0)) for r in reports)

    batches = sum(int(r["batches"]) for r in reports)
    spent = total("total")
    lease = total("claim") + total("renew")
    return {
        "batches": batches,
        "lost": sum(int(r["lost"]) for r in reports),
        "seconds": {s: round(total(s), 1) for s in ("claim", "renew", "model", "write", "wait", "total")},
        "claim_ms_per_batch": round(1000 * total("claim") / max(1, batches), 1),
        "renew_ms_per_batch": round(1000 * total("renew") / max(1, batches), 1),
        "write_ms_per_batch": round(1000 * total("write") / max(1, batches), 1),
        "lease_overhead_pct": round(100 * lease / spent, 2) if spent else None,
    }


def _kill_mid_batch(url: str, victim: subprocess.Popen[str], after: int, start: float) -> dict[str, Any]:
    """SIGKILL ``victim`` once ``after`` mentions are labelled, it has written a batch and holds a claimed
    one (checked again with the victim stopped, so that it cannot finish that batch in between)."""
    like = {"w": f"%:{victim.pid}:%"}
    state = text(
        "SELECT (SELECT count(*) FROM mention WHERE labeled_at IS NOT NULL), "
        "(SELECT count(*) FROM label_write_audit WHERE worker LIKE :w), "
        "(SELECT count(*) FROM label_lease l JOIN mention m ON m.id = l.mention_id "
        " WHERE l.worker LIKE :w AND l.lease_until > now() AND m.labeled_at IS NULL)"
    )

    def ready() -> tuple[int, int, int] | None:
        with get_engine(url).connect() as conn:
            done, mine, held = conn.execute(state, like).one()
        return (int(done), int(mine), int(held)) if done >= after and mine > 0 and held > 0 else None

    while True:
        if victim.poll() is not None:
            raise SystemExit("the worker to kill ended first")
        if ready():
            victim.send_signal(signal.SIGSTOP)
            found = ready()
            if found:
                break
            victim.send_signal(signal.SIGCONT)
        time.sleep(0.05)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    killed_at = time.monotonic() - start
    with get_engine(url).connect() as conn:
        held_ids = list(
            conn.execute(
                text(
                    "SELECT l.mention_id FROM label_lease l JOIN mention m ON m.id = l.mention_id "
                    "WHERE l.worker LIKE :w AND m.labeled_at IS NULL"
                ),
                like,
            ).scalars()
        )
        lease_end = conn.execute(
            text("SELECT max(lease_until) - now() FROM label_lease WHERE mention_id = ANY(:ids)"),
            {"ids": held_ids},
        ).scalar_one()
    return {
        "killed_after_seconds": round(killed_at, 1),
        "labelled_when_killed": found[0],
        "killed_worker_had_written": found[1],
        "held_by_killed_worker": len(held_ids),
        "its_lease_ended_in_seconds": round(lease_end.total_seconds(), 1),
        "held_ids": held_ids,
    }


def _takeover(url: str, ids: list[int]) -> dict[str, Any]:
    """Who wrote the labels of the killed worker's batch (from the audit)."""
    get_engine(url).dispose()
    with get_engine(url).connect() as conn:
        workers = dict(
            conn.execute(
                text(
                    "SELECT worker, count(*) FROM label_write_audit WHERE mention_id = ANY(:ids) GROUP BY 1"
                ),
                {"ids": ids},
            ).all()
        )
    return {"killed_batch_labelled_by": {str(k): int(v) for k, v in workers.items()}}


def baseline_schema(url: str, tree: Path) -> None:
    out = subprocess.run(
        [str(EXE), "db", "upgrade"],
        env={**_env(1, tree), "BRANDPULSE_DATABASE_URL": url},
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(f"baseline tree's db upgrade failed: {out.stderr or out.stdout}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--mentions", type=int, default=100_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--model", default="moe", help="model.sentiment and model.spam (default: moe)")
    parser.add_argument("--batch-size", type=int, default=2048)
    parser.add_argument("--lease", type=float, default=60.0)
    parser.add_argument("--fault", action="store_true", help="also 4 workers with one killed mid-batch")
    parser.add_argument("--baseline-tree", type=Path, default=None)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    texts = bench_corpus(args.mentions, seed=13)
    runs: list[dict[str, Any]] = []

    def record(name: str, result: dict[str, Any]) -> None:
        runs.append({"run": name, **result})
        shown = {k: v for k, v in result.items() if k not in ("reports", "writes_by_worker")}
        print(name, json.dumps(shown), file=sys.stderr if args.json else sys.stdout, flush=True)

    common = {"n": args.mentions, "model": args.model, "batch": args.batch_size, "lease": args.lease}

    def database(tree: Path | None = None) -> str:
        url = fresh_database(args.server)
        if tree is None:
            ensure_schema(url)
        else:
            baseline_schema(url, tree)
        fill(url, args.mentions, texts)
        return url

    if args.baseline_tree is not None:
        url = database(args.baseline_tree)
        record("baseline (lease-free worker)", run_workers(url, workers=1, tree=args.baseline_tree, **common))
    for workers in args.workers:
        record(f"{workers} worker(s)", run_workers(database(), workers=workers, **common))
    if args.fault:
        record("4 workers, one killed", run_workers(database(), workers=4, kill_at=0.25, **common))
    admin = create_engine(args.server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'))
    admin.dispose()
    summary = {"mentions": args.mentions, "model": args.model, "cpus": os.cpu_count(), "runs": runs}
    if args.json:
        print(json.dumps(summary))


if __name__ == "__main__":
    main()
