"""Time and peak memory of ``brandpulse label`` over N unlabeled multilingual mentions stored in a database.

    .venv/bin/python benchmarks/bench_label.py [--mentions 200000] [--url URL] [--json]

Fills an empty database (SQLite file by default, created fresh) with N unlabeled mentions whose texts are the
fixed corpus of ``brandpulse bench`` (``nlp.bench_corpus``: English, Korean, Traditional Chinese, Vietnamese,
emoji, links, short and long texts), then runs the real CLI, ``brandpulse label``, as a subprocess with the
URL in ``BRANDPULSE_DATABASE_URL`` and no configuration file (the defaults). Peak memory is the child's
``ru_maxrss``; its resident set is also sampled every second from /proc to show whether it grows with the
number of mentions done (it should not: the worker streams fixed-size batches).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

from nlp.bench_corpus import bench_corpus  # noqa: E402
from store.db import ensure_schema, session_scope  # noqa: E402
from store.models import Mention  # noqa: E402


def fill(url: str, n: int, seed: int, chunk: int = 20_000) -> None:
    """``n`` unlabeled comments on platform ``bench`` (external ids 0 .. n-1)."""
    ensure_schema(url)
    texts = bench_corpus(n, seed=seed)
    table = Mention.__table__
    with session_scope(url) as session:
        if session.execute(select(func.count()).select_from(table)).scalar_one():
            raise SystemExit(f"{url} already holds mentions: give an empty database")
        for start in range(0, n, chunk):
            rows = [
                {"platform": "bench", "external_id": str(i), "kind": "comment", "text": texts[i]}
                for i in range(start, min(n, start + chunk))
            ]
            session.connection().execute(insert(table), rows)


def _rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def run_label(url: str) -> dict[str, object]:
    env = {**os.environ, "BRANDPULSE_DATABASE_URL": url}
    env.pop("BRANDPULSE_CONFIG", None)
    samples: list[tuple[float, float]] = []
    start = time.monotonic()
    with tempfile.TemporaryDirectory() as cwd:  # no brandpulse.toml here: the defaults
        proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "brandpulse"), "label"],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # the progress bar
            text=True,
        )

        def sample() -> None:
            while proc.poll() is None:
                rss = _rss_mb(proc.pid)
                if rss is not None:
                    samples.append((time.monotonic() - start, rss))
                time.sleep(1.0)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        out, _ = proc.communicate()
        sampler.join()
    seconds = time.monotonic() - start
    if proc.returncode:
        raise SystemExit(f"brandpulse label failed with exit code {proc.returncode}: {out}")
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    quarter = max(1, len(samples) // 4)
    # "labeled N mentions with M (V) in S s": the labelling alone, without start-up and model loading.
    words = out.split()
    label_seconds = float(words[-2]) if len(words) > 2 and words[-1] == "s" else seconds
    return {
        "seconds": round(seconds, 1),
        "label_seconds": label_seconds,
        "peak_rss_mb": round(peak_kib / 1024, 1),
        "rss_first_quarter_max_mb": round(max((r for _, r in samples[:quarter]), default=0.0), 1),
        "rss_last_quarter_max_mb": round(max((r for _, r in samples[-quarter:]), default=0.0), 1),
        "output": out.strip(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mentions", type=int, default=200_000)
    parser.add_argument("--url", default=None, help="empty database (default: a new SQLite file in /tmp)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    url = args.url
    if url is None:
        path = Path(tempfile.gettempdir()) / f"brandpulse-bench-label-{args.mentions}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    load_start = [round(x, 2) for x in os.getloadavg()]
    t0 = time.monotonic()
    fill(url, args.mentions, args.seed)
    fill_seconds = time.monotonic() - t0
    result = run_label(url)
    with session_scope(url) as session:
        left = session.execute(
            select(func.count()).select_from(Mention).where(Mention.labeled_at.is_(None))
        ).scalar_one()
        by_lang = dict(session.execute(select(Mention.lang, func.count()).group_by(Mention.lang)).all())
    report = {
        "mentions": args.mentions,
        "fill_seconds": round(fill_seconds, 1),
        **result,
        "mentions_per_s": round(args.mentions / float(result["label_seconds"]), 1),  # type: ignore[arg-type]
        "unlabeled_left": left,
        "lang_counts": by_lang,
        "load_avg_start": load_start,
        "load_avg_end": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return
    for key, value in report.items():
        print(f"{key:<26}{value}")


if __name__ == "__main__":
    main()
