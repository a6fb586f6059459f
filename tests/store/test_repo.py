"""Writes through ``store.repo``: upserts without duplicates, brand links of comments under a brand's post,
relabeling a changed text, triage, crawl runs and quarantine, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crawler.items import PostItem
from store import repo
from store.db import session_scope
from store.models import Mention, MentionBrand, MetricSnapshot, Post
from tests.store.helpers import T0, label, mention


def test_recrawl_upserts_without_duplicates_and_refreshes_counts(db_url: str) -> None:
    post = PostItem(
        platform="ptt",
        external_id="P1",
        title="Glow Lab review",
        likes=5,
        comments=2,
        published_at=T0,
        author="alice",
        author_followers=100,
    )
    items = [
        mention("P1", "Glow Lab review body", post="P1", kind="post"),
        mention("P1#1", "love it", post="P1", likes=1),
        mention("P1#2", "meh", post="P1"),
    ]
    with session_scope(db_url) as s:
        repo.sync_brands(s, brands=[repo.BrandSpec("Glow Lab", '"glow lab"', "skincare")])
        ids = repo.upsert_posts(s, posts=[post])
        repo.upsert_mentions(s, mentions=items, post_ids_by_key=ids)
    post.likes = 9
    items[1].likes = 4
    with session_scope(db_url) as s:
        ids = repo.upsert_posts(s, posts=[post])
        repo.upsert_mentions(s, mentions=items, post_ids_by_key=ids)
    with session_scope(db_url) as s:
        assert repo.counts(s)["posts"] == 1
        assert repo.counts(s)["mentions"] == 3
        assert s.execute(select(Post.likes)).scalar_one() == 9
        assert s.execute(select(Mention.likes).where(Mention.external_id == "P1#1")).scalar_one() == 4
        assert s.execute(select(MetricSnapshot.likes).order_by(MetricSnapshot.id)).scalars().all() == [5, 9]
        assert repo.counts(s)["authors"] == 1


def test_comments_under_a_brand_post_are_mentions_of_the_brand(db_url: str) -> None:
    with session_scope(db_url) as s:
        repo.sync_brands(
            s, brands=[repo.BrandSpec("Glow Lab", '"glow lab"'), repo.BrandSpec("Aqua Veil", "aqua")]
        )
        ids = repo.upsert_posts(s, posts=[PostItem(platform="ptt", external_id="P1")])
        repo.upsert_mentions(
            s,
            mentions=[mention("P1", "Glow Lab serum", post="P1", kind="post", brands=["Glow Lab"])],
            post_ids_by_key=ids,
        )
    with session_scope(db_url) as s:  # a later batch: the post is already stored
        repo.upsert_mentions(
            s,
            mentions=[
                mention("P1#1", "so good", post="P1"),
                mention("P1#2", "aqua is better", post="P1", brands=["Aqua Veil"]),
            ],
        )
    with session_scope(db_url) as s:
        links = s.execute(
            select(Mention.external_id, MentionBrand.brand_id, MentionBrand.from_thread)
            .join(MentionBrand)
            .order_by(Mention.external_id)
        ).all()
        names = {v: k for k, v in repo.brand_ids(s).items()}
        # Issue 20: a comment naming a brand counts for it alone; one naming none inherits, from thread.
        assert sorted((e, names[b], ft) for e, b, ft in links) == sorted(
            [("P1", "Glow Lab", False), ("P1#1", "Glow Lab", True), ("P1#2", "Aqua Veil", False)]
        )


def test_changed_text_is_relabeled_and_triage_is_saved(db_url: str) -> None:
    with session_scope(db_url) as s:
        ids = repo.upsert_mentions(s, mentions=[mention("M1", "bad product")])
        repo.write_labels(s, labels=[label(ids["ptt:M1"], "negative")])
    with session_scope(db_url) as s:
        assert repo.count_unlabeled(s) == 0
        repo.upsert_mentions(s, mentions=[mention("M1", "bad product")])  # same text: labels kept
        assert repo.count_unlabeled(s) == 0
        repo.upsert_mentions(s, mentions=[mention("M1", "actually fine after all")])
        assert repo.count_unlabeled(s) == 1
        repo.set_triage_status(s, mention_id=ids["ptt:M1"], status="resolved")
        with pytest.raises(ValueError, match="triage status"):
            repo.set_triage_status(s, mention_id=ids["ptt:M1"], status="done")
    with session_scope(db_url) as s:
        assert s.execute(select(Mention.triage_status)).scalar_one() == "resolved"


def test_crawl_run_and_quarantine_are_recorded(db_url: str) -> None:
    with session_scope(db_url) as s:
        run = repo.start_crawl_run(s, spider="ptt")
        repo.quarantine(
            s, source="ptt", reason="empty_text: mention has no text", payload={"x": 1}, crawl_run_id=run
        )
        repo.finish_crawl_run(s, run_id=run, items=3, quarantined=1, errors=0, stats={"a": 1})
    with session_scope(db_url) as s:
        assert repo.counts(s)["quarantined"] == 1
        from store.feed import source_health

        (h,) = source_health(s)
        assert (h.spider, h.items, h.quarantined, h.quarantine_reasons) == ("ptt", 3, 1, {"empty_text": 1})


def test_posts_are_found_by_url_within_their_platform(db_url: str) -> None:
    posts = [
        PostItem(platform="ptt", external_id="P1", url="https://example.test/p1"),
        PostItem(platform="ptt", external_id="P2", url="https://example.test/p2"),
        PostItem(platform="dcinside", external_id="D1", url="https://example.test/p1"),
    ]
    with session_scope(db_url) as s:
        repo.upsert_posts(s, posts=posts)
        found = repo.post_external_ids_by_url(
            s, platform="ptt", urls=["https://example.test/p1", "https://example.test/none"]
        )
    assert found == {"https://example.test/p1": "P1"}
