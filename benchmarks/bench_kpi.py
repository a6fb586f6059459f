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
import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Connection

# The code under test: this checkout, or another tree given by BRANDPULSE_BENCH_TREE (a worktree with a
# candidate patch applied, to time before and after on the same data).
TREE = Path(os.environ.get("BRANDPULSE_BENCH_TREE") or Path(__file__).resolve().parents[1]).resolve()
sys.path.insert(0, str(TREE))

from store import kpi  # noqa: E402
from store.db import ensure_schema, get_engine, session_scope  # noqa: E402

POST_KINDS = ("post", "article")
REL_TOL = 1e-6
_pct = getattr(kpi, "pct", None) or kpi._pct  # a BRANDPULSE_BENCH_TREE from before store/kpi/ calls it _pct

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


# ------------------------------------------------------------------------------------------- baseline


def _bounds(since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    lo = datetime.combine(since, datetime.min.time(), tzinfo=UTC) if since else None
    hi = datetime.combine(until, datetime.max.time(), tzinfo=UTC) if until else None
    return lo, hi


def _bind_time(conn: Connection, value: datetime | None) -> Any:
    """SQLite compares the stored text, so bounds go in SQLAlchemy's storage format."""
    if value is None or conn.dialect.name == "postgresql":
        return value
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _utc(col: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(col):
        return col.dt.tz_convert("UTC") if col.dt.tz is not None else col.dt.tz_localize("UTC")
    return pd.to_datetime(col, format="ISO8601", utc=True)


def _read(conn: Connection, sql: str, **params: Any) -> pd.DataFrame:
    return pd.read_sql(text(sql), conn, params=params)


def _in_period(frame: pd.DataFrame, col: str, lo: datetime | None, hi: datetime | None) -> pd.Series:
    ok = pd.Series(True, index=frame.index)
    if lo is not None:
        ok &= frame[col] >= pd.Timestamp(lo)
    if hi is not None:
        ok &= frame[col] <= pd.Timestamp(hi)
    return ok & frame[col].notna()


def _brand_ids(conn: Connection, names: Sequence[str]) -> dict[str, int]:
    rows = conn.execute(text("SELECT name, id FROM brand")).all()
    return {n: i for n, i in rows if n in set(names)}


def _voice_rows(
    conn: Connection, ids: Sequence[int], lo: datetime | None, hi: datetime | None
) -> pd.DataFrame:
    cond = ""
    params: dict[str, Any] = {}
    if lo is not None:
        cond += " AND coalesce(m.published_at, m.first_seen_at) >= :lo"
        params["lo"] = _bind_time(conn, lo)
    if hi is not None:
        cond += " AND coalesce(m.published_at, m.first_seen_at) <= :hi"
        params["hi"] = _bind_time(conn, hi)
    frame = _read(
        conn,
        "SELECT mb.brand_id, m.id AS mention_id, m.published_at, m.first_seen_at, m.is_spam, m.sentiment, "
        "m.likes, m.replies, m.spam_score, m.low_effort, m.post_id, m.kind, a.followers "
        "FROM mention_brand mb JOIN mention m ON m.id = mb.mention_id "
        "LEFT JOIN author a ON a.id = m.author_id "
        f"WHERE mb.brand_id IN ({', '.join(str(int(i)) for i in ids)}){cond}",
        **params,
    )
    frame["t"] = _utc(frame["published_at"]).fillna(_utc(frame["first_seen_at"]))
    frame["is_spam"] = frame["is_spam"].fillna(False).astype(bool)
    return frame


def _comment_weights(conn: Connection, qs: kpi.QualitySettings) -> pd.DataFrame:
    """q_c of every stored comment under a post, as ``kpi.comment_weights`` defines it."""
    c = _read(
        conn,
        "SELECT id, post_id, author_id, text_hash, low_effort, spam_score, published_at, first_seen_at "
        f"FROM mention WHERE kind NOT IN {POST_KINDS!r}",
    )
    c["t"] = _utc(c["published_at"]).fillna(_utc(c["first_seen_at"]))
    epoch = (c["t"] - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)
    a = c[c["author_id"].notna()]
    hashed = a[a["text_hash"].notna() & (a["text_hash"] != "")]
    rep = hashed.groupby(["author_id", "text_hash"]).size()
    flagged = set(rep[rep >= qs.repeat_text_min].index.get_level_values(0))
    timed = a[a["t"].notna()]
    e = epoch[timed.index]
    burst = timed.groupby([timed["author_id"], e // qs.burst_seconds]).size()
    flagged |= set(burst[burst >= qs.burst_min].index.get_level_values(0))
    cross = timed.groupby([timed["author_id"], e // qs.cross_post_seconds])["post_id"].nunique()
    flagged |= set(cross[cross >= qs.cross_post_min].index.get_level_values(0))

    w = c[c["post_id"].notna()].copy()
    w = w.sort_values(["post_id", "text_hash", "t", "id"])
    dup = w.duplicated(["post_id", "text_hash"]) & w["text_hash"].notna() & (w["text_hash"] != "")
    w["q"] = (
        (1.0 - w["spam_score"].fillna(0.0))
        * np.where(w["author_id"].isin(flagged), qs.author_factor, 1.0)
        * np.where(dup, 0.0, 1.0)
        * np.where(w["low_effort"].astype(bool), qs.low_effort_weight, 1.0)
    )
    return w[["id", "post_id", "q"]]


def _post_quality(
    conn: Connection, cw: pd.DataFrame, lo: datetime | None, hi: datetime | None
) -> pd.DataFrame:
    posts = _read(
        conn,
        "SELECT id AS post_id, author_id, published_at, updated_at, likes, comments, shares, saves FROM post",
    )
    posts["t"] = _utc(posts["published_at"]).fillna(_utc(posts["updated_at"]))
    posts["in_period"] = _in_period(posts, "t", lo, hi)
    per = cw.groupby("post_id")["q"].agg(["sum", "count"])
    posts = posts.join(per, on="post_id")
    posts["engagement"] = posts["likes"] + posts["comments"] + posts["shares"] + posts["saves"]
    s_p = np.where(posts["count"].fillna(0) > 0, posts["sum"] / posts["count"], 1.0)
    posts["qwe"] = s_p * posts["engagement"]
    return posts


def _brand_posts(conn: Connection, ids: Sequence[int]) -> pd.DataFrame:
    """(post_id, brand_id) pairs: post texts naming the brand, and the brand's campaign posts."""
    in_ids = ", ".join(str(int(i)) for i in ids)
    by_text = _read(
        conn,
        "SELECT m.post_id, mb.brand_id FROM mention m JOIN mention_brand mb ON mb.mention_id = m.id "
        f"WHERE m.kind IN {POST_KINDS!r} AND m.post_id IS NOT NULL AND mb.brand_id IN ({in_ids})",
    )
    by_campaign = _read(
        conn, f"SELECT post_id, brand_id FROM campaign WHERE post_id IS NOT NULL AND brand_id IN ({in_ids})"
    )
    return pd.concat([by_text, by_campaign]).drop_duplicates()


def _voice_figures(v: pd.DataFrame, names: dict[int, str]) -> dict[str, dict[str, Any]]:
    v = v.assign(
        ham=~v["is_spam"],
        p=(v["sentiment"] == "positive") & ~v["is_spam"],
        n=(v["sentiment"] == "negative") & ~v["is_spam"],
        u=(v["sentiment"] == "neutral") & ~v["is_spam"],
        eng=(v["likes"] + v["replies"]).where(~v["is_spam"], 0),
        reach=v["followers"].fillna(0).where(~v["is_spam"], 0),
    )
    g = v.groupby("brand_id")[["ham", "is_spam", "p", "n", "u", "eng", "reach"]].sum()
    g = g.reindex(list(names), fill_value=0)
    tot_m, tot_pn = g["ham"].sum(), (g["p"] + g["n"]).sum()
    out = {}
    for bid, r in g.iterrows():
        m, p, n, u = int(r["ham"]), int(r["p"]), int(r["n"]), int(r["u"])
        out[names[int(bid)]] = {
            "mentions": m,
            "spam_mentions": int(r["is_spam"]),
            "sov": _pct(m, tot_m),
            "net_sentiment": _pct(p - n, p + n + u),
            "net_sentiment_sov": _pct(p - n, tot_pn),
            "engagement": int(r["eng"]),
            "reach": int(r["reach"]),
        }
    return out


def overview_baseline(url: str, peers: Sequence[str], since: date, until: date) -> dict[str, Any]:
    """The Overview's figures from rows loaded into pandas."""
    lo, hi = _bounds(since, until)
    with get_engine(url).connect() as conn:
        ids = _brand_ids(conn, peers)
        names = {i: n for n, i in ids.items()}
        v = _voice_rows(conn, list(ids.values()), lo, hi)
        cw = _comment_weights(conn, kpi.DEFAULT_QUALITY)
        pq = _post_quality(conn, cw, lo, hi)
        bp = _brand_posts(conn, list(ids.values()))
    voice = _voice_figures(v, names)
    labeled = v[~v["is_spam"] & v["sentiment"].notna()]
    day = labeled["t"].dt.strftime("%Y-%m-%d")
    counts = pd.crosstab([day, labeled["brand_id"]], labeled["sentiment"])
    days = sorted(
        (d, names[int(b)], int(r.get("positive", 0)), int(r.get("negative", 0)), int(r.get("neutral", 0)))
        for (d, b), r in counts.iterrows()
    )
    eng = bp.merge(pq[pq["in_period"]], on="post_id").groupby("brand_id")[["engagement", "qwe"]].sum()
    engagement = {
        names[b]: {
            "engagement": int(eng.loc[b, "engagement"]) if b in eng.index else 0,
            "qwe": float(eng.loc[b, "qwe"]) if b in eng.index else 0.0,
        }
        for b in names
    }
    return {"voice": voice, "days": days, "engagement": engagement}


def report_baseline(url: str, brand: str) -> dict[str, Any]:
    """brand_report's headline figures (all time) from rows loaded into pandas."""
    qs = kpi.DEFAULT_QUALITY
    with get_engine(url).connect() as conn:
        group = conn.execute(
            text("SELECT competitor_group FROM brand WHERE name = :b"), {"b": brand}
        ).scalar()
        peers = [
            n
            for (n,) in conn.execute(
                text("SELECT name FROM brand WHERE competitor_group = :g OR :g IS NULL"), {"g": group}
            )
        ]
        ids = _brand_ids(conn, peers)
        names = {i: n for n, i in ids.items()}
        bid = ids[brand]
        v = _voice_rows(conn, list(ids.values()), None, None)
        cw = _comment_weights(conn, qs)
        pq = _post_quality(conn, cw, None, None)
        bp = _brand_posts(conn, [bid])
        camp = _read(conn, "SELECT * FROM campaign WHERE brand_id = :b", b=bid)
        followers = _read(conn, "SELECT id AS author_id, followers FROM author")
    voice = _voice_figures(v, names)[brand]
    mine = bp.merge(pq, on="post_id")
    # QW net sentiment: comment weight where the mention is a stored comment, else (1 − p_spam) × low-effort
    own = v[(v["brand_id"] == bid) & v["sentiment"].notna()].merge(
        cw[["id", "q"]], left_on="mention_id", right_on="id", how="left"
    )
    q_free = (1.0 - own["spam_score"].fillna(0.0)) * np.where(
        own["low_effort"].astype(bool), qs.low_effort_weight, 1.0
    )
    q = own["q"].fillna(q_free)
    s_c = own["sentiment"].map({"positive": 1.0, "negative": -1.0}).fillna(0.0)
    # campaigns: one row per (campaign, influencer)
    c = camp.merge(pq[["post_id", "engagement", "qwe", "author_id"]], on="post_id", how="left")
    c = c.merge(followers, on="author_id", how="left")
    f = c["followers"]
    c["er"] = np.where(f > 0, c["engagement"] * 100.0 / f, np.nan)
    c["qw_er"] = np.where(f > 0, c["qwe"] * 100.0 / f, np.nan)
    per = c.groupby(["name", "influencer"]).agg(
        posts=("post_id", "nunique"),
        engagement=("engagement", "sum"),
        qwe=("qwe", "sum"),
        er=("er", "mean"),
        cost=("cost", "sum"),
    )
    return {
        **{k: voice[k] for k in ("mentions", "spam_mentions", "sov", "net_sentiment", "net_sentiment_sov")},
        "engagement": int(mine["engagement"].sum()),
        "qwe": float(mine["qwe"].sum()),
        "qw_net_sentiment": _pct(float((q * s_c).sum()), float(q.sum())),
        "campaigns": {
            f"{n}/{i}": {k: (None if pd.isna(x) else float(x)) for k, x in r.items()}
            for (n, i), r in per.iterrows()
        },
    }


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
