"""Author snapshots: a real Mastodon crawl (Scrapy engine, local replay server, the project's pipelines into
the store) records one follower snapshot per author and run; the store write path keeps one per run across
batches; imports are kept at the row's time; erasing an author erases their follower history. SQLite and
PostgreSQL."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from crawler.items import MentionItem, PostItem
from crawler.settings import ITEM_PIPELINES
from store import repo
from store.db import session_scope
from store.models import Author, AuthorSnapshot, CrawlRun
from store.privacy import forget_author
from store.repo.snapshots import record_author_snapshots
from store.timeutil import as_utc
from tests.crawler.replay import mastodon_route, run_crawl, serve


def _snapshots(url: str) -> list[tuple[str, int, str, datetime]]:
    with session_scope(url) as s:
        rows = s.execute(
            select(Author.handle, AuthorSnapshot.followers, AuthorSnapshot.source, AuthorSnapshot.taken_at)
            .join(Author, Author.id == AuthorSnapshot.author_id)
            .order_by(Author.handle, AuthorSnapshot.taken_at)
        ).all()
    return [(h, f, src, as_utc(t)) for h, f, src, t in rows]  # type: ignore[misc]


def test_a_real_crawl_records_one_snapshot_per_author_and_run(db_url: str, tmp_path: Path) -> None:
    settings = {"ITEM_PIPELINES": json.dumps(ITEM_PIPELINES), "BRANDPULSE_DATABASE_URL": db_url}
    args = {"tags": "skincare", "limit": "2", "max_pages": "2"}
    with serve(mastodon_route) as server:
        first = run_crawl("mastodon", {"instance": server.base_url, **args}, tmp_path, settings=settings)
        seen = {
            i["author"]: i["author_followers"] for i in first.items if i.get("author_followers") is not None
        }
        assert len(seen) >= 2  # the replayed instance reports several accounts' followers
        run_crawl("mastodon", {"instance": server.base_url, **args}, tmp_path, settings=settings)
    with session_scope(db_url) as s:
        starts = [as_utc(t) for t in s.execute(select(CrawlRun.started_at).order_by(CrawlRun.id)).scalars()]
        latest = dict(s.execute(select(Author.handle, Author.followers)).all())
    assert len(starts) == 2
    snaps = _snapshots(db_url)
    # Every author whose count the crawl saw: one snapshot per run, at the run's start, from the crawl.
    assert Counter(h for h, *_ in snaps) == dict.fromkeys(seen, 2)
    for handle, followers, source, _ in snaps:
        assert source == "crawl"
        assert followers == seen[handle] == latest[handle]
    assert {t for *_, t in snaps} == set(starts)


def test_the_write_path_keeps_one_snapshot_per_run_and_imports_at_the_row_time(db_url: str) -> None:
    t1 = datetime(2026, 1, 5, 10, tzinfo=UTC)
    t2 = datetime(2026, 2, 2, 10, tzinfo=UTC)
    with session_scope(db_url) as s:
        run = repo.start_crawl_run(s, spider="mastodon")
        post = PostItem("mastodon", "p1", author="mina", author_followers=100, published_at=t1)
        ids = repo.upsert_posts(s, posts=[post], crawl_run_id=run)
        # A later batch of the same run sees a newer count, and a commenter's count: still one each.
        later = MentionItem(
            "mastodon", "c1", "nice", post_external_id="p1", author="mina", author_followers=120
        )
        fan = MentionItem(
            "mastodon", "c2", "love it", post_external_id="p1", author="fan", author_followers=7
        )
        repo.upsert_mentions(s, mentions=[later, fan], post_ids_by_key=ids, seen_by=run)
        # Unknown counts record nothing.
        quiet = MentionItem("mastodon", "c3", "hmm ok", post_external_id="p1", author="lurker")
        repo.upsert_mentions(s, mentions=[quiet], post_ids_by_key=ids, seen_by=run)
        started = as_utc(s.get(CrawlRun, run).started_at)  # type: ignore[union-attr]
    assert _snapshots(db_url) == [("fan", 7, "crawl", started), ("mina", 120, "crawl", started)]

    with session_scope(db_url) as s:
        imported = [
            PostItem("instagram", "i1", author="mina", author_followers=900, published_at=t1),
            PostItem("instagram", "i2", author="mina", author_followers=950, published_at=t2),
        ]
        for _ in range(2):  # the same file twice: nothing new
            repo.upsert_posts(s, posts=imported, snapshot="changed", followers_source="import")
        author = s.execute(select(Author.id).where(Author.platform == "instagram")).scalar_one()
        # A row without a time: kept at the import's start, unless the latest snapshot holds that count.
        import_run = repo.start_crawl_run(s, spider="import:posts")
        assert record_author_snapshots(s, seen=[(author, 950, None)], source="import", run_id=import_run) == 0
        assert record_author_snapshots(s, seen=[(author, 990, None)], source="import", run_id=import_run) == 1
    insta = [row for row in _snapshots(db_url) if row[2] == "import"]
    assert [(f, t) for _, f, _, t in insta][:2] == [(900, t1), (950, t2)]
    assert [f for _, f, *_ in insta] == [900, 950, 990]


def test_forgetting_an_author_erases_their_follower_history(db_url: str) -> None:
    with session_scope(db_url) as s:
        run = repo.start_crawl_run(s, spider="mastodon")
        posts = [
            PostItem(
                "mastodon", "p1", author="mina", author_followers=100, published_at="2026-01-05T10:00:00Z"
            ),
            PostItem(
                "mastodon", "p2", author="joon", author_followers=50, published_at="2026-01-06T10:00:00Z"
            ),
        ]
        for p in posts:
            p.published_at = datetime.fromisoformat(str(p.published_at))
        repo.upsert_posts(s, posts=posts, crawl_run_id=run)
    assert [h for h, *_ in _snapshots(db_url)] == ["joon", "mina"]
    with session_scope(db_url) as s:
        forget_author(s, handle="mina")
    assert [h for h, *_ in _snapshots(db_url)] == ["joon"]
