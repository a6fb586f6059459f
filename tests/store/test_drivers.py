"""Drivers of net sentiment on SQLite and PostgreSQL: the mentions with the widest reach, and the terms of a
brand's positive and negative mentions this period against the previous one (hand-computed)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from store import repo
from store.brand_sentiment import BrandLabel
from store.db import session_scope
from store.kpi import Period, TermTrend, term_drivers, top_mentions_by_reach
from tests.store.helpers import label, mention

CURRENT = Period(date(2026, 3, 8), date(2026, 3, 14))
PREVIOUS = Period(date(2026, 3, 1), date(2026, 3, 7))
NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
BEFORE = datetime(2026, 3, 3, 12, tzinfo=UTC)


def _seed(s) -> dict[str, int]:  # type: ignore[no-untyped-def]
    brand_ids = repo.sync_brands(
        s, brands=[repo.BrandSpec("A", "alpha OR 글로우", "g"), repo.BrandSpec("B", "beta", "g")]
    )
    specs = [
        # (id, text, brands, author, followers, likes, replies, time, sentiment, spam)
        ("n_big", "bad rash after serum", ["A"], "big", 50_000, 0, 0, NOW, "negative", 0.0),
        ("n_talked", "rash again", ["A"], "small", 10, 300, 20, NOW, "negative", 0.0),
        ("n_anon", "customer service slow", ["A"], None, None, 5, 0, NOW, "negative", 0.0),
        ("n_quiet", "customer service never replied", ["A"], "quiet", 0, 0, 0, NOW, "negative", 0.0),
        # Not drivers of A's negative side: spam, B's, last week's, neutral.
        ("n_spam", "rash rash buy now", ["A"], "bot", 900_000, 0, 0, NOW, "negative", 1.0),
        ("n_b", "beta rash", ["B"], "big", 50_000, 0, 0, NOW, "negative", 0.0),
        ("n_old", "customer service rude", ["A"], "big", 50_000, 0, 0, BEFORE, "negative", 0.0),
        ("n_old2", "leaked bottle", ["A"], None, None, 0, 0, BEFORE, "negative", 0.0),
        ("u_big", "alpha news", ["A"], "press", 1_000_000, 0, 0, NOW, "neutral", 0.0),
        # Positive side, in Chinese and Korean.
        ("p_zh1", "保濕效果很好", ["A"], "mei", 1_200, 3, 0, NOW, "positive", 0.0),
        ("p_zh2", "真的很保濕", ["A"], None, None, 0, 0, NOW, "positive", 0.0),
        ("p_ko1", "글로우 세럼이 촉촉해요", ["A"], "minji", 300, 0, 1, NOW, "positive", 0.0),
        ("p_ko2", "세럼 촉촉해요 최고", ["A"], None, None, 0, 0, NOW, "positive", 0.0),
        ("p_old", "保濕 普通", ["A"], None, None, 0, 0, BEFORE, "positive", 0.0),
        # A comparison: positive overall, negative for A by the worker's per-brand label.
        ("cmp", "beta is milder. alpha stung", ["A", "B"], "critic", 20_000, 0, 0, NOW, "positive", 0.0),
    ]
    items = [
        mention(
            ext,
            text,
            brands=brands,
            author=author,
            author_followers=fol,
            likes=likes,
            replies=rep,
            published_at=t,
        )
        for ext, text, brands, author, fol, likes, rep, t, _, _ in specs
    ]
    ids = {k.split(":", 1)[1]: v for k, v in repo.upsert_mentions(s, mentions=items).items()}
    repo.write_labels(s, labels=[label(ids[ext], sent, spam) for ext, *_, sent, spam in specs])
    repo.write_brand_labels(s, labels=[BrandLabel(ids["cmp"], brand_ids["A"], "negative", 0.9, 0.05, 0.05)])
    return ids


def test_top_mentions_by_reach_of_each_side(db_url: str) -> None:
    with session_scope(db_url) as s:
        ids = _seed(s)
    with session_scope(db_url) as s:
        negative = top_mentions_by_reach(s, brand="A", sentiment="negative", period=CURRENT, limit=4)
        positive = top_mentions_by_reach(s, brand="A", sentiment="positive", period=CURRENT)
        b_positive = top_mentions_by_reach(s, brand="B", sentiment="positive", period=CURRENT)
        with pytest.raises(ValueError, match="sentiment"):
            top_mentions_by_reach(s, brand="A", sentiment="neutral", period=CURRENT)
    # reach = followers + likes + replies: 50,000; the comparison's 20,000; 10 + 300 + 20 = 330; 0 + 5 = 5.
    assert [(m.mention_id, m.reach) for m in negative] == [
        (ids["n_big"], 50_000),
        (ids["cmp"], 20_000),
        (ids["n_talked"], 330),
        (ids["n_anon"], 5),
    ]
    top = negative[0]
    assert (top.text, top.author, top.followers, top.engagement, top.platform) == (
        "bad rash after serum",
        "big",
        50_000,
        0,
        "ptt",
    )
    assert negative[3].author is None and negative[3].followers == 0
    # Positive: 1,200 + 3; 300 + 1; then the unknown authors, newest first (same time: by id).
    assert [(m.mention_id, m.reach) for m in positive] == [
        (ids["p_zh1"], 1_203),
        (ids["p_ko1"], 301),
        (ids["p_zh2"], 0),
    ]
    # The comparison is positive for B (its own label; no per-brand label for B).
    assert [m.mention_id for m in b_positive] == [ids["cmp"]]


def test_terms_of_negative_and_positive_mentions_against_the_previous_period(db_url: str) -> None:
    with session_scope(db_url) as s:
        _seed(s)
    with session_scope(db_url) as s:
        negative = term_drivers(s, brand="A", sentiment="negative", period=CURRENT, previous=PREVIOUS)
        positive = term_drivers(s, brand="A", sentiment="positive", period=CURRENT, previous=PREVIOUS)
        no_previous = term_drivers(s, brand="A", sentiment="positive", period=CURRENT, previous=None)
    # Negative now: 4 texts + the comparison ("beta is milder. alpha stung") = 5; before: 2.
    assert (negative.mentions, negative.previous_mentions, negative.sampled) == (5, 2, False)
    assert negative.terms == [
        TermTrend("rash", 2, 40.0, 0, 0.0, 40.0),
        TermTrend("customer service", 2, 40.0, 1, 50.0, -10.0),
    ]
    # Positive now: 4 texts; before: 1 ("保濕 普通"). 글로우 is A's query word, so "글로우 세럼" is left out.
    assert (positive.mentions, positive.previous_mentions) == (4, 1)
    assert positive.terms == [
        TermTrend("세럼 촉촉해", 2, 50.0, 0, 0.0, 50.0),
        TermTrend("保濕", 2, 50.0, 1, 100.0, -50.0),
    ]
    assert no_previous.previous_mentions is None
    assert no_previous.terms == [
        TermTrend("保濕", 2, 50.0, None, None, None),
        TermTrend("세럼 촉촉해", 2, 50.0, None, None, None),
    ]


def test_terms_of_many_mentions_come_from_the_newest(db_url: str) -> None:
    with session_scope(db_url) as s:
        _seed(s)
    with session_scope(db_url) as s:
        cut = term_drivers(
            s, brand="A", sentiment="negative", period=CURRENT, previous=None, text_limit=2, min_mentions=1
        )
    # Five negatives at the same time: the two newest by id are the comparison and "customer service never
    # replied"; "rash" (in the first two) is not among their terms.
    assert (cut.mentions, cut.sampled) == (5, True)
    terms = {t.term for t in cut.terms}
    assert "never replied" in terms and "stung" in terms and "rash" not in terms
    assert all(t.share == 50.0 for t in cut.terms)  # each in 1 of the 2 texts read
