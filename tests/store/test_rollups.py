"""The rollups behind the KPI queries (duplicate flags, per-post comment sums, per-brand daily sums) equal a
recomputation from the base tables after every kind of write, and the KPIs read from them equal the live
computation, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, inspect, select, text
from sqlmodel import Session

from crawler import imports
from crawler.items import PostItem
from store import kpi, repo, rollups
from store.db import alembic_config, session_scope, upgrade
from store.models import BrandDay, Mention, PostCommentSums
from tests.store.helpers import T0, label, mention

DAY0, DAY1 = T0.date() - timedelta(days=1), T0.date() + timedelta(days=3)


def _norm(rows: Any) -> list[tuple[Any, ...]]:
    out = []
    for row in rows:
        cells = []
        for x in row:
            if isinstance(x, Decimal):
                x = float(x)
            cells.append(round(x, 9) if isinstance(x, float) else x)
        out.append(tuple(cells))
    return sorted(out)


def assert_rollups_current(s: Session) -> None:
    """Each rollup row equals its recomputation from the base tables, and nothing is missing or extra."""
    r = rollups.duplicate_ranks()
    expected = {m for m, d in s.execute(select(r.c.mention_id, r.c.duplicate)).all() if d}
    assert set(s.execute(select(Mention.id).where(Mention.duplicate.is_(True))).scalars()) == expected
    sums = PostCommentSums.__table__
    stored = s.execute(select(*(sums.c[c] for c in rollups.POST_SUM_COLUMNS))).all()
    assert _norm(stored) == _norm(s.execute(rollups.post_comment_sums_select()).all())
    days = BrandDay.__table__
    stored = s.execute(select(*(days.c[c] for c in rollups.BRAND_DAY_COLUMNS))).all()
    assert _norm(stored) == _norm(s.execute(rollups.brand_day_select(s)).all())


def assert_kpis_match_live(s: Session) -> None:
    """Whole days are read from the rollups; the same period as datetimes is computed from every mention."""
    lo, hi = datetime.combine(DAY0, time.min, tzinfo=UTC), datetime.combine(DAY1, time.max, tzinfo=UTC)
    for since, until, live_since, live_until in ((DAY0, DAY1, lo, hi), (None, DAY1, None, hi)):
        assert kpi.share_of_voice(s, since=since, until=until) == kpi.share_of_voice(
            s, since=live_since, until=live_until
        )
        assert kpi.net_sentiment_by_day(s, since=since, until=until) == kpi.net_sentiment_by_day(
            s, since=live_since, until=live_until
        )
        for brand in repo.brand_ids(s):
            rolled = kpi.qw_net_sentiment(s, brand=brand, since=since, until=until)
            live = kpi.qw_net_sentiment(s, brand=brand, since=live_since, until=live_until)
            assert rolled == pytest.approx(live, rel=1e-9, abs=1e-9)
    cw = kpi.comment_weights(s)
    live_share = {
        p: q / n
        for p, q, n in s.execute(select(cw.c.post_id, func.sum(cw.c.q), func.count()).group_by(cw.c.post_id))
    }
    pq = kpi.post_quality(s)
    for post_id, share in s.execute(select(pq.c.post_id, pq.c.qualified_share)).all():
        assert share == pytest.approx(live_share.get(post_id, 1.0), rel=1e-9)


def check(url: str) -> None:
    with session_scope(url) as s:
        assert_rollups_current(s)
        assert_kpis_match_live(s)


def _labels(s: Session, spam: dict[str, float] | None = None) -> None:
    """Label every mention: sentiment from the text, spam score as given (0 by default)."""
    spam = spam or {}
    rows = s.execute(select(Mention.id, Mention.external_id, Mention.text)).all()
    out = []
    for id_, ext, body in rows:
        sentiment = "negative" if "hate" in body else "positive" if "love" in body else "neutral"
        out.append(label(id_, sentiment, spam.get(ext, 0.0)))
    repo.write_labels(s, labels=out)


def _ids(s: Session) -> dict[str, int]:
    return dict(s.execute(select(Mention.external_id, Mention.id)).all())


def test_rollups_follow_recrawls_links_followers_labels_and_corrections(db_url: str) -> None:
    day = timedelta(days=1)
    with session_scope(db_url) as s:
        repo.sync_brands(
            s,
            brands=[
                repo.BrandSpec("Glow Lab", '"glow lab"', "skincare"),
                repo.BrandSpec("Aqua Veil", "aqua", "skincare"),
            ],
        )
        posts = [
            PostItem(platform="ptt", external_id="P1", author="alice", author_followers=100, published_at=T0),
            PostItem(
                platform="ptt", external_id="P2", author="bob", author_followers=10, published_at=T0 + day
            ),
            PostItem(platform="ptt", external_id="P3", author="carol", published_at=T0 + day, likes=7),
        ]
        ids = repo.upsert_posts(s, posts=posts)
        repo.upsert_mentions(
            s,
            mentions=[
                mention("P1", "Glow Lab serum", post="P1", kind="post", author="alice", brands=["Glow Lab"]),
                mention("c1", "love it", post="P1", author="u1", published_at=T0 + timedelta(minutes=1)),
                mention("c2", "love it", post="P1", author="u2", published_at=T0 + timedelta(minutes=2)),
                mention("c3", "👍", post="P1", author="u3", published_at=T0 + timedelta(minutes=3)),
                mention("c4", "aqua is better", post="P1", author="u4", brands=["Aqua Veil"], likes=3),
                mention(
                    "c5", "hate the smell", post="P1", author="spammy", published_at=T0 + timedelta(hours=5)
                ),
                mention("r1", "Glow Lab love", author="u5", author_followers=50, brands=["Glow Lab"]),
                mention("P2", "Aqua review", post="P2", kind="post", author="bob", brands=["Aqua Veil"]),
                mention(
                    "d1", "love aqua", post="P2", author="u1", published_at=T0 + day, brands=["Aqua Veil"]
                ),
                # Comments under P3 before its body is stored: linked to a brand only when the body comes.
                mention("e1", "hate it", post="P3", author="u2", published_at=T0 + 2 * day),
            ],
            post_ids_by_key=ids,
        )
        _labels(s, spam={"c5": 0.9, "c4": 0.2})
    check(db_url)

    with session_scope(db_url) as s:  # a re-crawl: the first "love it" changed, c4 moved a day, counts moved
        repo.upsert_mentions(
            s,
            mentions=[
                mention("c1", "hate it now", post="P1", author="u1", published_at=T0 + timedelta(minutes=1)),
                mention("c4", "aqua is better", post="P1", author="u4", published_at=T0 + day, likes=8),
            ],
        )
    check(db_url)
    with session_scope(db_url) as s:
        assert s.execute(select(Mention.duplicate).where(Mention.external_id == "c2")).scalar_one() is False

    with session_scope(db_url) as s:  # followers change (reach), P3's body names a brand, P2 joins a campaign
        repo.upsert_posts(
            s, posts=[PostItem(platform="ptt", external_id="P1", author="alice", author_followers=900)]
        )
        repo.upsert_mentions(
            s,
            mentions=[
                mention("P3", "aqua haul", post="P3", kind="post", author="carol", brands=["Aqua Veil"])
            ],
        )
        repo.upsert_campaigns(
            s,
            rows=[
                repo.CampaignRow(
                    name="Spring",
                    brand="Glow Lab",
                    influencer="bob",
                    platform="ptt",
                    post_external_id="P2",
                    post_url=None,
                    cost=100.0,
                )
            ],
        )
    check(db_url)

    with session_scope(db_url) as s:  # five comments in one burst window flag "spammy" on every post
        burst = [
            mention(
                f"b{i}",
                f"buy now {i}",
                post="P2",
                author="spammy",
                published_at=T0 + day + timedelta(minutes=i),
            )
            for i in range(5)
        ]
        repo.upsert_mentions(s, mentions=burst)
        _labels(s, spam={"c5": 0.9, "c4": 0.2, "b0": 0.7})
    with session_scope(db_url) as s:
        ids = _ids(s)
        p1 = repo.post_ids(s, keys=[("ptt", "P1")])["ptt:P1"]
        reasons = {w.text: w.reasons for w in kpi.post_comment_weights(s, post_id=p1)}
        assert "burst" in reasons["hate the smell"]
    check(db_url)

    with session_scope(db_url) as s:  # analyst corrections and a relabel by the worker
        repo.record_correction(s, mention_id=ids["c5"], task="spam", label="ham")
        repo.record_correction(s, mention_id=ids["r1"], task="sentiment", label="negative")
        repo.write_labels(s, labels=[label(ids["d1"], "neutral", 0.6)])
    check(db_url)


def test_rollups_follow_imports_and_reimports(db_url: str, tmp_path: Path) -> None:
    with session_scope(db_url) as s:
        repo.sync_brands(s, brands=[repo.BrandSpec("Glow Lab", '"glow lab"', "skincare")])
        ids = repo.upsert_posts(s, posts=[PostItem(platform="ptt", external_id="IG1", published_at=T0)])
        repo.upsert_mentions(
            s,
            mentions=[mention("IG1", "Glow Lab drop", post="IG1", kind="post", brands=["Glow Lab"])],
            post_ids_by_key=ids,
        )
    path = tmp_path / "comments.csv"
    fields = [
        "platform",
        "external_id",
        "text",
        "author",
        "published_at",
        "post_external_id",
        "sentiment",
        "spam",
        "brands",
    ]

    def write(rows: list[dict[str, Any]]) -> None:
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=fields)
            w.writeheader()
            w.writerows(rows)

    rows = [
        {
            "platform": "ptt",
            "external_id": "k1",
            "text": "so good",
            "author": "a1",
            "published_at": "2026-03-01T13:00:00Z",
            "post_external_id": "IG1",
            "sentiment": "positive",
            "spam": "0.1",
        },
        {
            "platform": "ptt",
            "external_id": "k2",
            "text": "so good",
            "author": "a2",
            "published_at": "2026-03-01T14:00:00Z",
            "post_external_id": "IG1",
            "sentiment": "positive",
            "spam": "0",
        },
        {
            "platform": "ptt",
            "external_id": "k3",
            "text": "new brand here",
            "author": "a3",
            "published_at": "2026-03-02T09:00:00Z",
            "sentiment": "negative",
            "spam": "0.8",
            "brands": "Nova",
        },
    ]
    write(rows)
    imports.import_mentions(db_url, path)
    check(db_url)
    rows[1]["spam"] = "0.95"  # the re-imported file changed a label and moved a comment a day later
    rows[0]["published_at"] = "2026-03-02T13:00:00Z"
    write(rows)
    imports.import_mentions(db_url, path)
    check(db_url)
    with session_scope(db_url) as s:
        duplicate = dict(s.execute(select(Mention.external_id, Mention.duplicate)).all())
        assert duplicate["k1"] is True and duplicate["k2"] is False  # k2 is now the earlier "so good"


def test_migration_fills_the_rollups_from_the_stored_mentions(db_url: str) -> None:
    test_rollups_follow_recrawls_links_followers_labels_and_corrections(db_url)
    from alembic import command

    command.downgrade(alembic_config(db_url), "0005")
    with session_scope(db_url) as s:
        assert "duplicate" not in {c["name"] for c in inspect(s.connection()).get_columns("mention")}
    upgrade(db_url)
    with session_scope(db_url) as s:  # the downgrade kept the mention table's other indexes
        sqlite = s.get_bind().dialect.name == "sqlite"
        names = (
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'mention'"
            if sqlite
            else "SELECT indexname FROM pg_indexes WHERE tablename = 'mention'"
        )
        indexes = set(s.execute(text(names)).scalars())
        assert {"ix_mention_post_rank", "ix_mention_time", "ix_mention_kind_post"} <= indexes
    check(db_url)
