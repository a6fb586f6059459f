"""Erasure (``forget_author``) and retention (``prune_before``) on SQLite and PostgreSQL.

Forgetting an author must leave the store exactly as if the author had never been collected: the same rows,
the same rollups (duplicate flags, per-post comment sums, author signals, per-brand days) and the same KPIs
as a store loaded without them. The scenario makes that hard: a deleted comment that an other author's
comment duplicated (the survivor stops being a duplicate), an author whose repeated texts flag them, a
forgotten influencer's post with others' comments and a campaign on it, label corrections, quarantined
records naming the author, and the same handle on a second platform.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session

from crawler.items import MentionItem, PostItem
from nlp.quality import is_low_effort, text_hash
from store import kpi, repo
from store.db import ensure_schema, session_scope
from store.models import (
    Author,
    AuthorSignal,
    BrandDay,
    Campaign,
    LabelCorrection,
    Mention,
    MetricSnapshot,
    Post,
    PostCommentSums,
    QuarantinedRecord,
)
from store.privacy import Erased, forget_author, prune_before, pseudonym
from tests.store.helpers import T0, label
from tests.store.test_rollups import _norm, assert_rollups_current

M = timedelta(minutes=1)
D = timedelta(days=1)

# (platform, id, author, followers, published, brand text) of each post.
POSTS = [
    ("ptt", "P1", "influencer", 5000, T0 - 2 * D, "alpha launch party"),
    ("ptt", "P2", "newsdesk", 90000, T0 - D, "beta review"),
    ("dcard", "P3", "newsdesk", 300, T0 - D, "alpha and beta"),
]
# (platform, id, post, author, text, published, sentiment, spam score)
COMMENTS = [
    ("ptt", "c1", "P1", "fan1", "alpha love it", T0, "positive", 0.0),
    ("ptt", "c2", "P1", "victim", "alpha meh", T0 + M, "neutral", 0.0),
    ("ptt", "v1", "P2", "victim", "alpha is great", T0 + M, "positive", 0.0),
    ("ptt", "o1", "P2", "other", "alpha is great", T0 + 2 * M, "positive", 0.0),  # duplicate of v1
    ("ptt", "v2", "P2", "victim", "buy now cheap alpha", T0 + 3 * M, "neutral", 0.9),
    ("ptt", "v3", "P2", "victim", "buy now cheap alpha", T0 + 4 * M, "neutral", 0.9),
    ("ptt", "v4", "P2", "victim", "buy now cheap alpha", T0 + 5 * M, "neutral", 0.9),
    ("ptt", "v5", "P2", "victim", "beta bad", T0 + 6 * M, "negative", 0.1),
    ("ptt", "o2", "P2", "other", "beta fine", T0 + D, "neutral", 0.0),
    ("ptt", "o3", "P2", "other", "+1", T0 + D + M, "neutral", 0.0),
    ("dcard", "d1", "P3", "victim", "alpha ok", T0, "positive", 0.0),
    ("dcard", "d2", "P3", "other", "beta ok", T0 + M, "positive", 0.0),
]
BRANDS = [repo.BrandSpec("Alpha", "alpha", "g"), repo.BrandSpec("Beta", "beta", "g")]


def _item(platform: str, ext: str, text: str, **kw: Any) -> MentionItem:
    return MentionItem(
        platform=platform,
        external_id=ext,
        text=text,
        brands=[b.name for b in BRANDS if b.query in text],
        text_hash=text_hash(text),
        low_effort=is_low_effort(text),
        **kw,
    )


def load(url: str, *, without: frozenset[tuple[str, str]] = frozenset()) -> None:
    """The scenario, leaving out the (platform, handle) authors in ``without`` and everything under their
    posts: what a store that never collected them holds."""
    gone_posts = {(p, i) for p, i, a, *_ in POSTS if (p, a) in without}
    kept_posts = [row for row in POSTS if (row[0], row[1]) not in gone_posts]
    kept_comments = [c for c in COMMENTS if (c[0], c[3]) not in without and (c[0], c[2]) not in gone_posts]
    with session_scope(url) as s:
        repo.sync_brands(s, brands=BRANDS)
        run = repo.start_crawl_run(s, spider="test")
        posts = [
            PostItem(p, i, url=f"https://{p}.example/{i}", title=t, author=a, author_followers=followers,
                     published_at=when, likes=100, comments=5, shares=3)
            for p, i, a, followers, when, t in kept_posts
        ]  # fmt: skip
        post_ids = repo.upsert_posts(s, posts=posts, crawl_run_id=run)
        items = [
            _item(p, i, t, kind="post", post_external_id=i, author=a, published_at=when)
            for p, i, a, _, when, t in kept_posts
        ] + [
            _item(p, i, t, post_external_id=post, author=a, published_at=when, likes=2)
            for p, i, post, a, t, when, _, _ in kept_comments
        ]
        ids = repo.upsert_mentions(s, mentions=items, post_ids_by_key=post_ids)
        labels = {(p, i): (sent, spam) for p, i, _, _, _, _, sent, spam in COMMENTS}
        labels |= {(p, i): ("positive", 0.0) for p, i, *_ in POSTS}
        keys = [(m.platform, m.external_id) for m in items]
        repo.write_labels(s, labels=[label(ids[f"{p}:{i}"], *labels[(p, i)]) for p, i in keys])
        for key, task, value in (("ptt:v1", "sentiment", "negative"), ("ptt:o2", "spam", "spam")):
            if key in ids:
                repo.record_correction(s, mention_id=ids[key], task=task, label=value, corrected_by="ana")
        row = repo.CampaignRow("Spring", "Alpha", "influencer", "ptt", "P1", None, cost=500.0)
        repo.upsert_campaigns(s, rows=[row])
        for platform, ext, author in (
            ("ptt", "v9", "victim"),
            ("dcard", "d9", "victim"),
            ("ptt", "x9", "victim_fan"),
        ):
            if (platform, author) not in without:
                payload = {"platform": platform, "external_id": ext, "author": author, "text": ""}
                repo.quarantine(s, source=platform, reason="empty_text", payload=payload, crawl_run_id=run)
        repo.finish_crawl_run(s, run_id=run, items=len(items), quarantined=3, errors=0)


def _rows(s: Session, model: Any) -> list[Any]:
    return list(s.execute(select(model)).scalars())


def figures(s: Session) -> dict[str, Any]:
    """Everything erasure must get right, keyed by natural keys (ids differ between two stores)."""
    ext = {m.id: (m.platform, m.external_id) for m in _rows(s, Mention)}
    posts = {p.id: (p.platform, p.external_id) for p in _rows(s, Post)}
    authors = {a.id: (a.platform, a.handle) for a in _rows(s, Author)}
    brands = {b.id: b.name for b in repo.list_brands(s)}
    day_cols = [c for c in BrandDay.__table__.columns.keys() if c != "brand_id"]  # noqa: SIM118
    sum_cols = [c for c in PostCommentSums.__table__.columns.keys() if c != "post_id"]  # noqa: SIM118
    return {
        "mentions": sorted(ext.values()),
        "posts": sorted(posts.values()),
        "authors": sorted(authors.values()),
        "duplicates": sorted(ext[m.id] for m in _rows(s, Mention) if m.duplicate),
        "brand_day": _norm(
            (brands[r.brand_id], *(getattr(r, c) for c in day_cols)) for r in _rows(s, BrandDay)
        ),
        "comment_sums": _norm(
            (posts[r.post_id], *(getattr(r, c) for c in sum_cols)) for r in _rows(s, PostCommentSums)
        ),
        "author_signal": sorted(
            (authors[r.author_id], r.same_text_max, r.burst_max, r.cross_post_max)
            for r in _rows(s, AuthorSignal)
        ),
        "corrections": sorted((ext[c.mention_id], c.task, c.label) for c in _rows(s, LabelCorrection)),
        "snapshots": sorted(posts[m.post_id] for m in _rows(s, MetricSnapshot)),
        "campaigns": [(c.name, c.post_ref, posts.get(c.post_id)) for c in _rows(s, Campaign)],
        "quarantined": sorted(q.payload for q in _rows(s, QuarantinedRecord)),
        "voice": kpi.share_of_voice(s),
        "engagement": kpi.engagement_by_brand(s),
        "qw_net": [kpi.qw_net_sentiment(s, brand=b.name) for b in BRANDS],
    }


def _after_forgetting(url: str, handle: str, platform: str | None) -> tuple[Any, dict[str, Any]]:
    load(url)
    with session_scope(url) as s:
        erased = forget_author(s, handle=handle, platform=platform)
    with session_scope(url) as s:
        assert_rollups_current(s)
        return erased, figures(s)


def test_forgetting_an_author_equals_never_having_collected_them(db_url: str, tmp_path: Any) -> None:
    erased, after = _after_forgetting(db_url, "victim", None)
    assert erased == Erased(mentions=7, posts=0, authors=2, corrections=1, snapshots=0, quarantined=2)
    assert ("ptt", "o1") not in after["duplicates"]  # o1 no longer repeats anyone
    assert ("ptt", "victim") not in [a for a, *_ in after["author_signal"]]

    reference = f"sqlite:///{tmp_path / 'never.db'}"
    ensure_schema(reference)
    load(reference, without=frozenset({("ptt", "victim"), ("dcard", "victim")}))
    with session_scope(reference) as s:
        expected = figures(s)
    assert after == expected
    # Nothing left anywhere names them (the quarantined record of "victim_fan" is someone else's).
    with session_scope(db_url) as s:
        payloads = s.execute(select(QuarantinedRecord.payload)).scalars().all()
    assert [p for p in payloads if '"victim"' in p] == []


def test_forgetting_on_one_platform_keeps_the_same_handle_elsewhere(db_url: str) -> None:
    erased, after = _after_forgetting(db_url, "victim", "ptt")
    assert (erased.mentions, erased.authors, erased.quarantined) == (6, 1, 1)
    assert ("dcard", "victim") in after["authors"] and ("dcard", "d1") in after["mentions"]
    assert any('"dcard"' in q and '"victim"' in q for q in after["quarantined"])


def test_forgetting_an_influencer_erases_their_post_and_what_is_under_it(db_url: str, tmp_path: Any) -> None:
    erased, after = _after_forgetting(db_url, "influencer", None)
    assert (erased.mentions, erased.posts, erased.authors, erased.snapshots) == (3, 1, 2, 1)  # fan1 too
    assert ("ptt", "P1") not in after["posts"] and ("ptt", "c1") not in after["mentions"]
    assert after["campaigns"] == [("Spring", "P1", None)]  # the campaign's own figures stay, unjoined
    assert ("ptt", "fan1") not in after["authors"]  # left with nothing: no author row without its data
    reference = f"sqlite:///{tmp_path / 'never.db'}"
    ensure_schema(reference)
    load(reference, without=frozenset({("ptt", "influencer")}))
    with session_scope(reference) as s:
        expected = figures(s)
    # fan1's only comment was under the influencer's post: a never-collected store has no fan1 either.
    assert after == expected


def test_prune_erases_what_is_older_than_the_cutoff(db_url: str) -> None:
    load(db_url)
    cutoff = T0 + 30 * M  # after every comment of the first day, before o2 and o3
    with session_scope(db_url) as s:
        # One quarantined record kept long ago, the others recent.
        s.execute(update(QuarantinedRecord).where(QuarantinedRecord.id == 1).values(created_at=T0 - D))
        later_voice = kpi.share_of_voice(s, since=cutoff)
    with session_scope(db_url) as s:
        erased = prune_before(s, cutoff=cutoff)
    with session_scope(db_url) as s:
        assert_rollups_current(s)
        after = figures(s)
        assert kpi.share_of_voice(s, since=cutoff) == later_voice  # what stays counts the same
    assert after["mentions"] == [("ptt", "o2"), ("ptt", "o3")]
    # P2 keeps o2 and o3; P3 is older with nothing left; P1 too, but a campaign's post is never pruned.
    assert after["posts"] == [("ptt", "P1"), ("ptt", "P2")]
    assert after["campaigns"] == [("Spring", "P1", ("ptt", "P1"))]
    assert sorted(a for a in after["authors"]) == [
        ("ptt", "influencer"),
        ("ptt", "newsdesk"),
        ("ptt", "other"),
    ]
    assert (erased.mentions, erased.posts, erased.quarantined) == (13, 1, 1)
    assert after["corrections"] == [(("ptt", "o2"), "spam", "spam")]


def test_pseudonyms_are_stable_per_salt_and_platform() -> None:
    a = pseudonym("salt-one-0123456789", "ptt", "victim")
    assert a == pseudonym("salt-one-0123456789", "ptt", "victim") and a.startswith("author-")
    assert a != pseudonym("salt-two-0123456789", "ptt", "victim")
    assert a != pseudonym("salt-one-0123456789", "dcard", "victim")
    assert "victim" not in a and pseudonym("s", "ptt", None) is None
