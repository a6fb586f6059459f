"""The pandas baseline of ``bench_kpi.py``: ``pd.read_sql`` of the rows the KPI figures need, and the same
figures computed in pandas (``overview_baseline``, ``report_baseline``).

Imported by ``bench_kpi.py`` after it has put the code under test (this checkout or ``BRANDPULSE_BENCH_TREE``)
first on ``sys.path``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Connection

from store import kpi
from store.db import get_engine

POST_KINDS = ("post", "article")
_pct = getattr(kpi, "pct", None) or kpi._pct  # a BRANDPULSE_BENCH_TREE from before store/kpi/ calls it _pct


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
