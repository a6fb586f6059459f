"""Writing the synthetic benchmark data (``generate.py``): rows in each backend's format, COPY /
``executemany`` inserts, rollups, planner statistics, and emptying a store.

Imported by ``generate.py`` after it has put the code under test (this checkout or ``BRANDPULSE_BENCH_TREE``)
first on ``sys.path``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
from gen_tables import Data, _ts_strings

from store import kpi
from store.db import get_engine, session_scope

try:
    from store.models import CAMPAIGN_COLUMNS  # the campaign rows below are tuples in this order
except ImportError:  # a BRANDPULSE_BENCH_TREE from before the constant: the same list, from the table
    from store.models import Campaign

    CAMPAIGN_COLUMNS = tuple(Campaign.__table__.columns.keys())

MENTION_COLS = (
    "id",
    "platform",
    "external_id",
    "kind",
    "url",
    "post_id",
    "parent_external_id",
    "author_id",
    "text",
    "text_hash",
    "low_effort",
    "published_at",
    "likes",
    "replies",
    "lang",
    "sentiment",
    "p_negative",
    "p_neutral",
    "p_positive",
    "spam_score",
    "is_spam",
    "model",
    "model_version",
    "label_source",
    "labeled_at",
    "triage_status",
    "first_seen_at",
    "updated_at",
)
POST_COLS = (
    "id",
    "platform",
    "external_id",
    "url",
    "title",
    "author_id",
    "published_at",
    "likes",
    "comments",
    "shares",
    "saves",
    "views",
    "updated_at",
)


def _mention_rows(d: Data, sqlite: bool, chunk: int = 100_000) -> Iterator[list[tuple[Any, ...]]]:
    m = d.mentions
    n = len(m["id"])
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        pub = _ts_strings(m["time"][lo:hi], sqlite)
        seen = _ts_strings(m["time"][lo:hi] + 120, sqlite)  # crawled two minutes later, labeled then too
        ids = m["id"][lo:hi].tolist()
        post = m["post_id"][lo:hi].tolist()
        kinds = m["kind"][lo:hi]
        plats = m["platform"][lo:hi]
        rows = []
        for j in range(hi - lo):
            i = lo + j
            pid = post[j] or None
            rows.append(
                (
                    ids[j],
                    plats[j],
                    f"m{ids[j]}",
                    kinds[j],
                    f"https://{plats[j]}.example/m/{ids[j]}",
                    pid,
                    f"p{pid}" if pid and kinds[j] == "reply" else None,
                    int(m["author_id"][i]),
                    m["text"][i],
                    m["text_hash"][i],
                    bool(m["low_effort"][i]),
                    pub[j],
                    int(m["likes"][i]),
                    int(m["replies"][i]),
                    m["lang"][i],
                    m["sentiment"][i],
                    float(m["p_negative"][i]),
                    float(m["p_neutral"][i]),
                    float(m["p_positive"][i]),
                    float(m["spam_score"][i]),
                    bool(m["is_spam"][i]),
                    "bench-synthetic",
                    "1",
                    "model",
                    seen[j],
                    "new",
                    seen[j],
                    seen[j],
                )
            )
        yield rows


def _with_times(rows: Sequence[tuple[Any, ...]], cols: Sequence[int], sqlite: bool) -> list[tuple[Any, ...]]:
    """Epoch-second cells at ``cols`` → stored timestamp text."""
    out = []
    for r in rows:
        r2 = list(r)
        for c in cols:
            if r2[c] is not None:
                r2[c] = _ts_strings(np.array([r2[c]]), sqlite)[0]
        out.append(tuple(r2))
    return out


def _post_rows(d: Data, sqlite: bool) -> list[tuple[Any, ...]]:
    return _with_times([(*p, p[6]) for p in d.posts], (6, 12), sqlite)


def _insert_sqlite(url: str, d: Data) -> None:
    raw = get_engine(url).raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("PRAGMA synchronous=OFF")  # a benchmark load: a crash means re-running it
        cur.execute("BEGIN")

        def put(table: str, cols: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
            sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            cur.executemany(sql, rows)

        put("brand", ("id", "name", "query", "competitor_group"), d.brands)
        put("author", ("id", "platform", "handle", "followers"), d.authors)
        put("post", POST_COLS, _post_rows(d, True))
        put("campaign", CAMPAIGN_COLUMNS, _with_times(d.campaigns, (13, 14), True))
        for rows in _mention_rows(d, True):
            put("mention", MENTION_COLS, rows)
        put("mention_brand", ("mention_id", "brand_id"), d.links.tolist())
        cur.execute("COMMIT")
        cur.execute("PRAGMA synchronous=NORMAL")
    finally:
        raw.close()


def _insert_postgres(url: str, d: Data) -> None:
    raw = get_engine(url).raw_connection()
    try:
        conn = raw.driver_connection
        with conn.cursor() as cur:

            def put(table: str, cols: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
                with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
                    for row in rows:
                        cp.write_row(row)

            put("brand", ("id", "name", "query", "competitor_group"), d.brands)
            put("author", ("id", "platform", "handle", "followers"), d.authors)
            put("post", POST_COLS, _post_rows(d, False))
            put("campaign", CAMPAIGN_COLUMNS, _with_times(d.campaigns, (13, 14), False))
            for rows in _mention_rows(d, False):
                put("mention", MENTION_COLS, rows)
            put("mention_brand", ("mention_id", "brand_id"), d.links.tolist())
            for table in ("brand", "author", "post", "campaign", "mention"):  # later inserts continue the ids
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
        conn.commit()
    finally:
        raw.close()


def _fill_rollups(url: str) -> None:
    """Fill the rollups the store keeps up to date on write (the bulk load went around the store's writes)."""
    try:  # store versions with store/rollups.py refresh every rollup at once
        from store.rollups import refresh_all
    except ImportError:
        refresh_all = getattr(kpi, "refresh_author_signals", None)  # only in versions that have the rollup
    if refresh_all is not None:
        with session_scope(url) as session:
            refresh_all(session)


def _analyze(url: str) -> None:
    """Planner statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize` (SQLite) would gather them."""
    raw = get_engine(url).raw_connection()
    try:
        if get_engine(url).dialect.name == "postgresql":
            conn = raw.driver_connection
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("VACUUM ANALYZE")  # also sets the visibility map that index-only scans need
            conn.autocommit = False
        else:
            raw.cursor().execute("ANALYZE")
    finally:
        raw.close()


def _is_empty(url: str) -> bool:
    with get_engine(url).connect() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM mention").scalar_one() == 0 and (
            conn.exec_driver_sql("SELECT count(*) FROM brand").scalar_one() == 0
        )


def _reset(url: str) -> None:
    """Delete every row of the store's tables (children first)."""
    from sqlmodel import SQLModel

    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    with get_engine(url).begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            for t in tables:
                conn.exec_driver_sql(f"DELETE FROM {t}")
