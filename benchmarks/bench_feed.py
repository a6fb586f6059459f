"""Time the Negative feed: its first page and a status change, the paged path (``store.feed_pages``) against
today's path (``store.feed.negative_feed``: the first 200 in one list) measured in the same run.

    python benchmarks/generate.py --url $PG --mentions 1000000
    python benchmarks/bench_feed.py --url $PG --repeat 5

First page, ours: one ``feed_page`` (the page of 25 and the COUNT under the same filter) per sort; baseline:
``negative_feed(limit=200)``, what the page loaded before. Status change, ours: the write with its history
row plus the card's history read (the fragment's rerun); baseline: the write plus reloading the 200 (the
old page reran in full after every change). Targets (issue 20, 1M mentions on PostgreSQL): first page under
1 s, a status change under 0.3 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

TREE = Path(os.environ.get("BRANDPULSE_BENCH_TREE") or Path(__file__).resolve().parents[1]).resolve()
sys.path.insert(0, str(TREE))

from sqlalchemy import func, select  # noqa: E402

from store import repo  # noqa: E402
from store.db import ensure_schema, session_scope  # noqa: E402
from store.feed import negative_feed  # noqa: E402
from store.feed_pages import FEED_SORTS, FeedFilter, feed_page  # noqa: E402
from store.models import Mention  # noqa: E402

OPEN = ("new", "in_progress")  # the page's default statuses


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median wall time of ``repeat`` runs after one warm-up run, and the last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--days", type=int, default=30, help="the period: the last N whole UTC days")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = ap.parse_args(argv)
    ensure_schema(args.url)
    until = datetime.now(UTC).date()
    since = until - timedelta(days=args.days - 1)
    flt = FeedFilter(statuses=OPEN, since=since, until=until)
    with session_scope(args.url) as s:
        mentions = s.execute(select(func.count()).select_from(Mention)).scalar_one()

    def baseline_page() -> int:
        with session_scope(args.url) as s:
            return len(negative_feed(s, statuses=OPEN, since=since, until=until, limit=200))

    results: dict[str, dict[str, float]] = {}
    t_base, shown = timed(baseline_page, args.repeat)
    total = 0
    for sort in FEED_SORTS:

        def ours(sort: str = sort) -> Any:
            with session_scope(args.url) as s:
                return feed_page(s, flt, sort=sort)

        t, page = timed(ours, args.repeat)
        total = page.total
        results[f"first page ({sort})"] = {"ours": t, "baseline": t_base}

    with session_scope(args.url) as s:
        first = feed_page(s, flt, sort="newest")
    if not first.mentions:
        sys.exit("no negative mentions in the period: generate data first (benchmarks/generate.py)")
    target = first.mentions[0].mention_id
    page_ids = [m.mention_id for m in first.mentions]
    flip = iter(["in_progress", "new"] * (4 * args.repeat + 4))

    def change_ours() -> None:
        with session_scope(args.url) as s:
            repo.update_triage(s, mention_ids=[target], status=next(flip), by="bench")
        with session_scope(args.url) as s:
            repo.triage_history(s, mention_ids=page_ids)

    def change_baseline() -> None:
        with session_scope(args.url) as s:
            repo.set_triage_status(s, mention_id=target, status=next(flip))
        baseline_page()

    t, _ = timed(change_ours, args.repeat)
    tb, _ = timed(change_baseline, args.repeat)
    results["status change"] = {"ours": t, "baseline": tb}
    out = {"mentions": mentions, "feed_total": total, "baseline_shown": shown, "results": results}
    if args.json:
        print(json.dumps(out, indent=2))
        return
    print(
        f"{mentions:,} mentions; {total:,} in the feed (last {args.days} days, new + in progress); "
        f"the baseline shows {shown}"
    )
    print(f"{'step':<28}{'ours (s)':>10}{'baseline (s)':>14}{'ratio':>8}")
    for step, r in results.items():
        ratio = r["baseline"] / r["ours"] if r["ours"] else float("nan")
        print(f"{step:<28}{r['ours']:>10.3f}{r['baseline']:>14.3f}{ratio:>7.1f}×")


if __name__ == "__main__":
    main()
