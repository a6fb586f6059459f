"""Time the KPI queries against a naive pandas baseline on the same database, and check they agree.

    python benchmarks/bench_kpi.py --url sqlite:///bench-1m.db --repeat 3
    python benchmarks/bench_kpi.py --url postgresql+psycopg://postgres@127.0.0.1:5432/brandpulse_bench --json

Timed, each as the median of ``--repeat`` runs after one warm-up run:
  overview  the Overview page's data for one brand's comparison set over the last 30 days:
            share_of_voice + net_sentiment_by_day + engagement_by_brand (store/kpi/)
  report    brand_report for the brand over all time (what ``brandpulse kpi --json`` computes)
  cli       the real ``brandpulse kpi --brand B --json`` as a subprocess (start-up and schema check included)
and for overview and report the baseline: ``pd.read_sql`` of the rows the figures need (the set's mention
rows of the period, every comment for the author signals, posts, links, campaigns), the same figures
computed in pandas. Ours and the baseline must agree (counts exactly, shares and QWE to 1e-6 relative).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import text

# The code under test: this checkout, or another tree given by BRANDPULSE_BENCH_TREE (a worktree with a
# candidate patch applied, to time before and after on the same data).
TREE = Path(os.environ.get("BRANDPULSE_BENCH_TREE") or Path(__file__).resolve().parents[1]).resolve()
sys.path.insert(0, str(TREE))

from kpi_baseline import overview_baseline, report_baseline  # noqa: E402  (sibling module)

from store import kpi  # noqa: E402
from store.db import ensure_schema, get_engine, session_scope  # noqa: E402

REL_TOL = 1e-6

# ------------------------------------------------------------------------------------------- ours


def overview_ours(url: str, peers: Sequence[str], since: date, until: date) -> dict[str, Any]:
    """The three store calls behind the Overview page (ui/dashboard/queries.py: share_of_voice,
    net_sentiment_by_day, engagement_by_brand)."""
    with session_scope(url) as s:
        voice = kpi.share_of_voice(s, brands=peers, since=since, until=until)
        points = kpi.net_sentiment_by_day(s, brands=peers, since=since, until=until)
        eng = kpi.engagement_by_brand(s, brands=peers, since=since, until=until)
    return {
        "voice": {v.brand: asdict(v) for v in voice},
        "days": sorted((p.day, p.brand, p.positive, p.negative, p.neutral) for p in points),
        "engagement": {e.brand: asdict(e) for e in eng},
    }


def report_ours(url: str, brand: str) -> dict[str, Any]:
    with session_scope(url) as s:
        return kpi.brand_report(s, brand=brand)


def report_cli(url: str, brand: str) -> dict[str, Any]:
    """``brandpulse kpi --brand B --json`` run where no brandpulse.toml is (the URL comes from the env)."""
    exe = Path(sys.executable).with_name("brandpulse")
    env = {**os.environ, "BRANDPULSE_DATABASE_URL": url, "PYTHONPATH": str(TREE)}
    with tempfile.TemporaryDirectory() as cwd:
        out = subprocess.run(
            [str(exe), "kpi", "--brand", brand, "--json"], env=env, cwd=cwd, capture_output=True, text=True
        )
    if out.returncode != 0:
        raise RuntimeError(f"brandpulse kpi failed: {out.stderr or out.stdout}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------------------- checks


def _close(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return bool(np.isclose(float(a), float(b), rtol=REL_TOL, atol=1e-9))


def check_overview(ours: dict[str, Any], base: dict[str, Any]) -> list[str]:
    bad = []
    for b, v in base["voice"].items():
        o = ours["voice"][b]
        for k in ("mentions", "spam_mentions", "engagement", "reach"):
            if o[k] != v[k]:
                bad.append(f"overview {b} {k}: ours {o[k]} baseline {v[k]}")
        for k in ("sov", "net_sentiment", "net_sentiment_sov"):
            if not _close(o[k], v[k]):
                bad.append(f"overview {b} {k}: ours {o[k]} baseline {v[k]}")
    if ours["days"] != base["days"]:
        bad.append(
            f"overview: net sentiment by day differs ({len(ours['days'])} vs {len(base['days'])} points)"
        )
    for b, e in base["engagement"].items():
        o = ours["engagement"][b]
        if o["engagement"] != e["engagement"] or not _close(o["qwe"], e["qwe"]):
            bad.append(f"overview {b} engagement/qwe: ours {o['engagement']}/{o['qwe']} baseline {e}")
    return bad


def check_report(ours: dict[str, Any], base: dict[str, Any], label: str) -> list[str]:
    bad = []
    for k in ("mentions", "spam_mentions", "engagement"):
        if ours[k] != base[k]:
            bad.append(f"{label} {k}: ours {ours[k]} baseline {base[k]}")
    for k in ("sov", "net_sentiment", "net_sentiment_sov", "qwe", "qw_net_sentiment"):
        if not _close(ours[k], base[k]):
            bad.append(f"{label} {k}: ours {ours[k]} baseline {base[k]}")
    camps = {f"{c['campaign']}/{c['influencer']}": c for c in ours["campaigns"]}
    if set(camps) != set(base["campaigns"]):
        bad.append(f"{label} campaigns: ours {sorted(camps)} baseline {sorted(base['campaigns'])}")
    for key, b in base["campaigns"].items():
        o = camps.get(key)
        if o is not None and not all(
            _close(o[k], b[k]) for k in ("posts", "engagement", "qwe", "er", "cost")
        ):
            bad.append(f"{label} campaign {key}: ours {o} baseline {b}")
    return bad


# ------------------------------------------------------------------------------------------- timing


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median wall time of ``repeat`` runs after one warm-up run, and the last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def _facts(url: str) -> dict[str, Any]:
    with get_engine(url).connect() as conn:
        counts = {
            t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()  # noqa: S608
            for t in ("mention", "post", "author", "mention_brand", "campaign")
        }
        pg = conn.dialect.name == "postgresql"
        version = conn.execute(text("SHOW server_version" if pg else "SELECT sqlite_version()")).scalar_one()
        # JIT as the store's sessions see it (server default, or what store.db sets per connection).
        jit = conn.execute(text("SHOW jit")).scalar_one() if pg else None
    return {
        "backend": get_engine(url).dialect.name,
        "server": version,
        "jit": jit,
        "tree": str(TREE),
        "rows": counts,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }


def breakdown(
    url: str, brand: str, peers: Sequence[str], since: date, until: date, repeat: int
) -> dict[str, float]:
    """Median seconds of each store call behind overview and report, for finding what is slow."""
    calls: dict[str, Callable[[Any], Any]] = {
        "overview.share_of_voice": lambda s: kpi.share_of_voice(s, brands=peers, since=since, until=until),
        "overview.net_sentiment_by_day": lambda s: kpi.net_sentiment_by_day(
            s, brands=peers, since=since, until=until
        ),
        "overview.engagement_by_brand": lambda s: kpi.engagement_by_brand(
            s, brands=peers, since=since, until=until
        ),
        "report.share_of_voice": lambda s: kpi.share_of_voice(s, brands=peers),
        "report.engagement_by_brand": lambda s: kpi.engagement_by_brand(s, brands=[brand]),
        "report.qw_net_sentiment": lambda s: kpi.qw_net_sentiment(s, brand=brand),
        "report.campaign_performance": lambda s: kpi.campaign_performance(s, brand=brand),
    }
    out = {}
    for name, call in calls.items():

        def run(call: Callable[[Any], Any] = call) -> Any:
            with session_scope(url) as s:
                return call(s)

        out[name] = timed(run, repeat)[0]
    return out


def _busiest_brand(url: str) -> str:
    with get_engine(url).connect() as conn:
        return conn.execute(
            text(
                "SELECT b.name FROM brand b JOIN mention_brand mb ON mb.brand_id = b.id "
                "GROUP BY b.name ORDER BY count(*) DESC, b.name LIMIT 1"
            )
        ).scalar_one()


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--brand", help="the brand (default: the one with most mentions, as the Overview picks)")
    ap.add_argument("--days", type=int, default=30, help="the Overview's period: the last N whole UTC days")
    ap.add_argument("--until", type=date.fromisoformat, help="last day of the period (default: today, UTC)")
    ap.add_argument("--skip-baseline", action="store_true", help="time ours only")
    ap.add_argument("--breakdown", action="store_true", help="also time each store call on its own")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = ap.parse_args(argv)

    ensure_schema(args.url)
    facts = _facts(args.url)
    brand = args.brand or _busiest_brand(args.url)
    until = args.until or datetime.now(UTC).date()
    since = until - timedelta(days=args.days - 1)
    with session_scope(args.url) as s:
        peers = kpi.comparison_set(s, brand)

    results: dict[str, dict[str, float | None]] = {}
    problems: list[str] = []
    t, ov = timed(lambda: overview_ours(args.url, peers, since, until), args.repeat)
    results["overview"] = {"ours": t}
    t, rep = timed(lambda: report_ours(args.url, brand), args.repeat)
    results["report"] = {"ours": t}
    t, cli = timed(lambda: report_cli(args.url, brand), args.repeat)
    results["cli"] = {"ours": t}
    if not args.skip_baseline:
        t, ov_b = timed(lambda: overview_baseline(args.url, peers, since, until), args.repeat)
        results["overview"]["baseline"] = t
        problems += check_overview(ov, ov_b)
        t, rep_b = timed(lambda: report_baseline(args.url, brand), args.repeat)
        results["report"]["baseline"] = t
        results["cli"]["baseline"] = t
        problems += check_report(rep, rep_b, "report")
        problems += check_report(cli, rep_b, "cli")
    for r in results.values():
        r["ratio"] = r["baseline"] / r["ours"] if r.get("baseline") else None
    parts = breakdown(args.url, brand, peers, since, until, args.repeat) if args.breakdown else {}

    out = {
        **facts,
        "brand": brand,
        "peers": peers,
        "period": [since.isoformat(), until.isoformat()],
        "repeat": args.repeat,
        "seconds": results,
        "breakdown": parts,
        "agree": not problems,
        "problems": problems,
        "headline": {
            k: rep[k] for k in ("mentions", "sov", "net_sentiment", "engagement", "qwe", "qw_net_sentiment")
        },
    }
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        jit = f"  jit {facts['jit']}" if facts["jit"] else ""
        print(
            f"{facts['backend']} {facts['server']}{jit}  {facts['rows']['mention']:,} mentions  "
            f"brand {brand!r}  overview period {since} .. {until}  median of {args.repeat}  code {TREE}"
        )
        print(f"{'query':<10}{'ours s':>10}{'baseline s':>12}{'ratio':>8}")
        for name, r in results.items():
            base = f"{r['baseline']:.3f}" if r.get("baseline") else "-"
            ratio = f"{r['ratio']:.1f}x" if r.get("ratio") else "-"
            print(f"{name:<10}{r['ours']:>10.3f}{base:>12}{ratio:>8}")
        for name, t in parts.items():
            print(f"  {name:<32}{t:>8.3f}")
        print("ours and baseline agree" if not problems else "DISAGREE:\n  " + "\n  ".join(problems))
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
