"""Schema, upserts, brand links, quarantine and the KPI worked examples, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, update
from sqlmodel import SQLModel

from crawler.items import MentionItem, PostItem
from nlp.quality import is_low_effort, text_hash
from store import repo
from store.db import current_revision, get_engine, head_revision, session_scope, table_names
from store.export import COLUMNS, ExportFilter, export_bytes, export_frame
from store.feed import LOW_CONFIDENCE, negative_feed
from store.kpi import engagement_by_brand, share_of_voice
from store.models import Mention, MentionBrand, MetricSnapshot, Post

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def mention(
    ext: str, text: str, *, post: str | None = None, brands: list[str] | None = None, **kw
) -> MentionItem:  # type: ignore[no-untyped-def]
    m = MentionItem(
        platform="ptt",
        external_id=ext,
        text=text,
        post_external_id=post,
        brands=brands or [],
        published_at=kw.pop("published_at", T0),
        **kw,
    )
    m.text_hash = text_hash(text)
    m.low_effort = is_low_effort(text)
    return m


def label(mention_id: int, sentiment: str, spam: float = 0.0) -> repo.MentionLabel:
    probs = {"negative": 0.0, "neutral": 0.0, "positive": 0.0, sentiment: 1.0}
    return repo.MentionLabel(
        mention_id,
        "en",
        sentiment,
        probs["negative"],
        probs["neutral"],
        probs["positive"],
        spam,
        spam >= 0.5,
        "test-model",
        "1",
    )


def test_migrations_create_every_table_and_match_the_models(db_url: str) -> None:
    assert current_revision(db_url) == head_revision()
    assert {
        "brand",
        "author",
        "post",
        "mention",
        "mention_brand",
        "metric_snapshot",
        "crawl_run",
        "quarantined_record",
        "label_correction",
        "alembic_version",
    } <= set(table_names(db_url))
    with get_engine(db_url).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_sqlite_runs_in_wal_mode(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'wal.db'}"
    with get_engine(url).connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


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
            select(Mention.external_id, MentionBrand.brand_id)
            .join(MentionBrand)
            .order_by(Mention.external_id)
        ).all()
        names = {v: k for k, v in repo.brand_ids(s).items()}
        assert sorted((e, names[b]) for e, b in links) == sorted(
            [("P1", "Glow Lab"), ("P1#1", "Glow Lab"), ("P1#2", "Glow Lab"), ("P1#2", "Aqua Veil")]
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


def _voice_example(s) -> None:  # type: ignore[no-untyped-def]
    """KPIS.md: A has 6 non-spam mentions (4 P, 1 N, 1 U) and 2 spam; B has 4 non-spam (1 P, 2 N, 1 U)."""
    repo.sync_brands(s, brands=[repo.BrandSpec("A", "alpha", "g"), repo.BrandSpec("B", "beta", "g")])
    specs = (
        [("A", "positive", 0)] * 4 + [("A", "negative", 0), ("A", "neutral", 0)] + [("A", "positive", 1)] * 2
    )
    specs += [("B", "positive", 0), ("B", "negative", 0), ("B", "negative", 0), ("B", "neutral", 0)]
    items = [mention(f"m{i}", f"text {i}", brands=[b]) for i, (b, _, _) in enumerate(specs)]
    ids = repo.upsert_mentions(s, mentions=items)
    repo.write_labels(
        s, labels=[label(ids[f"ptt:m{i}"], sent, float(sp)) for i, (_, sent, sp) in enumerate(specs)]
    )


def test_share_of_voice_worked_example(db_url: str) -> None:
    with session_scope(db_url) as s:
        _voice_example(s)
    with session_scope(db_url) as s:
        a, b = share_of_voice(s, brands=["A", "B"])
    assert (a.brand, a.mentions, a.spam_mentions) == ("A", 6, 2)
    assert a.sov == pytest.approx(60.0)
    assert a.net_sentiment == pytest.approx(50.0)
    assert a.net_sentiment_sov == pytest.approx(37.5)
    assert a.spam_rate == pytest.approx(25.0)
    assert b.sov == pytest.approx(40.0)
    assert b.net_sentiment == pytest.approx(-25.0)


def test_quality_weighted_engagement_worked_example(db_url: str) -> None:
    """KPIS.md: 80 likes, 10 shares, 10 comments (2 spam, 1 duplicate, 7 clean) → QWE 70, inflation 1.43."""
    with session_scope(db_url) as s:
        repo.sync_brands(s, brands=[repo.BrandSpec("A", "alpha")])
        ids = repo.upsert_posts(
            s,
            posts=[
                PostItem(
                    platform="ptt",
                    external_id="P",
                    likes=80,
                    shares=10,
                    comments=10,
                    published_at=T0,
                    author="inf",
                    author_followers=1000,
                )
            ],
        )
        texts = [f"clean comment number {i}" for i in range(7)] + ["clean comment number 0!!"]
        texts += ["win a prize here", "follow me for free gifts"]
        items = [mention("P", "alpha launch", post="P", kind="post", brands=["A"])]
        items += [
            mention(f"c{i}", t, post="P", published_at=T0 + timedelta(minutes=i)) for i, t in enumerate(texts)
        ]
        mids = repo.upsert_mentions(s, mentions=items, post_ids_by_key=ids)
        repo.write_labels(
            s, labels=[label(mids[f"ptt:c{i}"], "positive", 1.0 if i >= 8 else 0.0) for i in range(10)]
        )
    with session_scope(db_url) as s:
        (e,) = engagement_by_brand(s, brands=["A"])
    assert (e.posts, e.engagement) == (1, 100)
    assert e.qwe == pytest.approx(70.0)
    assert e.inflation == pytest.approx(100 / 70)


def test_negative_feed_and_export(db_url: str) -> None:
    with session_scope(db_url) as s:
        _voice_example(s)
    with session_scope(db_url) as s:
        feed = negative_feed(s)
        assert sorted(m.brands for m in feed) == [("A",), ("B",), ("B",)]
        frame = export_frame(s, ExportFilter(brand="A"))
        assert list(frame.columns) == COLUMNS
        assert len(frame) == 6  # spam excluded by default
        assert len(export_frame(s, ExportFilter(brand="A", include_spam=True))) == 8
        assert set(export_frame(s, ExportFilter(sentiment="negative"))["brand"]) == {"A", "B"}
        for fmt in ("csv", "parquet", "jsonl"):
            assert len(export_bytes(frame, fmt)) > 100


def test_negative_feed_orders_by_confidence_in_sql_and_flags_low_confidence(db_url: str) -> None:
    """Newest first by default; by p_negative highest or lowest first (ties newest first, no probability
    last, the limit applied after the ordering); below LOW_CONFIDENCE a model label is flagged, a corrected
    one never."""
    # name: (minutes after T0, p_negative); n6's label is stored without a probability, n5 is corrected.
    model_labels = {"n1": (60, 0.90), "n2": (120, 0.45), "n3": (180, LOW_CONFIDENCE), "n4": (240, 0.45)}
    with session_scope(db_url) as s:
        repo.sync_brands(s, brands=[repo.BrandSpec("A", "alpha")])
        minutes = {**{k: m for k, (m, _) in model_labels.items()}, "n5": 300, "n6": 360}
        items = [
            mention(k, f"alpha {k}", brands=["A"], published_at=T0 + timedelta(minutes=m))
            for k, m in minutes.items()
        ]
        ids = {key.split(":")[1]: mid for key, mid in repo.upsert_mentions(s, mentions=items).items()}
        labels = [
            repo.MentionLabel(ids[k], "en", "negative", p, 0.0, 1 - p, 0.0, False, "test-model", "1")
            for k, (_, p) in model_labels.items()
        ]
        labels += [label(ids["n5"], "neutral"), label(ids["n6"], "negative")]
        repo.write_labels(s, labels=labels)
        s.execute(update(Mention).where(Mention.id == ids["n6"]).values(p_negative=None))
        # An analyst turns the neutral n5 into a negative: one-hot probabilities, label source "corrected".
        repo.record_correction(s, mention_id=ids["n5"], task="sentiment", label="negative")
    names = {mid: k for k, mid in ids.items()}

    def feed_names(order: str, limit: int = 200) -> list[str]:
        with session_scope(db_url) as s:
            return [names[m.mention_id] for m in negative_feed(s, order=order, limit=limit)]

    with session_scope(db_url) as s:
        feed = negative_feed(s)
    assert [names[m.mention_id] for m in feed] == feed_names("newest") == ["n6", "n5", "n4", "n3", "n2", "n1"]
    assert feed_names("confidence_desc") == ["n5", "n1", "n3", "n4", "n2", "n6"]
    assert feed_names("confidence_asc") == ["n4", "n2", "n3", "n1", "n5", "n6"]
    # The limit is SQL's: the two least confident of all six, not the least confident of the newest two.
    assert feed_names("confidence_asc", limit=2) == ["n4", "n2"]
    assert feed_names("confidence_desc", limit=2) == ["n5", "n1"]
    with pytest.raises(ValueError, match="order must be one of newest, confidence_desc, confidence_asc"):
        feed_names("oldest")

    by_name = {names[m.mention_id]: m for m in feed}
    assert {k for k, m in by_name.items() if m.low_confidence} == {"n2", "n4"}  # n3 is at the threshold
    assert by_name["n2"].model_confidence == pytest.approx(0.45)
    assert by_name["n3"].model_confidence == pytest.approx(LOW_CONFIDENCE)
    assert (by_name["n5"].label_source, by_name["n5"].p_negative) == ("corrected", 1.0)
    assert by_name["n5"].model_confidence is None  # an analyst's label, not the model's
    assert {by_name[k].label_source for k in ("n1", "n2", "n3", "n4", "n6")} == {"model"}
    assert by_name["n6"].model_confidence is None


def test_comment_weights_carry_reason_codes(db_url: str) -> None:
    """Author signals (bursts, the same text many times), duplicates, low effort and spam discount q_c."""
    from store.kpi import post_comment_weights

    with session_scope(db_url) as s:
        ids = repo.upsert_posts(s, posts=[PostItem(platform="ptt", external_id=f"P{i}") for i in range(3)])
        items = [
            mention(
                f"b{i}",
                f"burst comment {i} about serum",
                post="P0",
                author="burster",
                published_at=T0 + timedelta(minutes=i),
            )
            for i in range(5)
        ]
        items += [
            mention(
                f"r{i}",
                "cheap serum link in bio",
                post=f"P{i}",
                author="repeater",
                published_at=T0 + timedelta(days=i),
            )
            for i in range(3)
        ]
        items += [
            mention("e1", "😍😍", post="P0", author="fan", published_at=T0 + timedelta(hours=5)),
            mention(
                "s1",
                "great texture honestly",
                post="P0",
                author="other",
                published_at=T0 + timedelta(hours=6),
            ),
            mention(
                "d1",
                "Great texture, honestly!",
                post="P0",
                author="third",
                published_at=T0 + timedelta(hours=7),
            ),
        ]
        mids = repo.upsert_mentions(s, mentions=items, post_ids_by_key=ids)
        repo.write_labels(s, labels=[label(mids["ptt:s1"], "positive", 0.9)])
        post0 = ids["ptt:P0"]
    with session_scope(db_url) as s:
        weights = {w.text: w for w in post_comment_weights(s, post_id=post0)}
    assert weights["burst comment 0 about serum"].reasons == ("burst",)
    assert weights["burst comment 0 about serum"].weight == pytest.approx(0.5)
    assert weights["cheap serum link in bio"].reasons == ("repeat_text",)
    assert weights["😍😍"].reasons == ("low_effort",)
    assert weights["😍😍"].weight == pytest.approx(0.5)
    assert weights["great texture honestly"].reasons == ("spam",)
    assert weights["great texture honestly"].weight == pytest.approx(0.1)
    assert weights["Great texture, honestly!"].reasons == ("duplicate",)
    assert weights["Great texture, honestly!"].weight == 0.0
