"""The KPI worked examples (share of voice, quality-weighted engagement) and the reason codes of comment
weights, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from crawler.items import PostItem
from store import repo
from store.db import session_scope
from store.kpi import engagement_by_brand, share_of_voice
from tests.store.helpers import T0, label, mention, voice_example


def test_share_of_voice_worked_example(db_url: str) -> None:
    with session_scope(db_url) as s:
        voice_example(s)
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


def _unit(influencer: str, **figures: object):  # type: ignore[no-untyped-def]
    from store.kpi.ab import CampaignUnit

    base = dict(campaign="C", influencer=influencer, post_ref=f"{influencer}-1", platform="instagram")
    base |= dict(kind="post", published_at=T0, engagement=100, qwe=80.0, followers=1000, cost=50.0)
    base |= dict(currency="USD", impressions=None, views=None, clicks=None, conversions=None)
    return CampaignUnit(**(base | figures))  # type: ignore[arg-type]


def test_ab_conversion_rate_over_100_percent_is_no_proportion() -> None:
    """Code orders can outnumber clicks: A 5 conversions of 100 clicks (5 %), B 12 of 10 (120 %). Wilson's
    interval is for a proportion (0-1), so B has a rate but no interval, and the verdict says why."""
    from store.kpi.ab import compare_groups

    units = [_unit("A", clicks=100, conversions=5), _unit("B", clicks=10, conversions=12)]
    result = compare_groups(units, brand="X", by="influencer")
    b = result.groups[1].estimates["conversion_rate"]
    assert (b.value, b.low, b.high) == (pytest.approx(120.0), None, None)
    (conv,) = [c for c in result.comparisons if c.metric == "conversion_rate"]
    assert conv.low is None and conv.difference == pytest.approx(115.0)
    assert conv.verdict == (
        "B's conversion rate is higher; more conversions than clicks (B 12 of 10): the rate is not a "
        "proportion, so no interval."
    )


def test_ab_ctr_base_is_campaign_performances() -> None:
    """A row with 0 impressions and 900 views: CTR divides its 9 clicks by the views, 1 %, in the A/B
    comparison as in campaign_performance (the A/B used 0 impressions and gave no CTR)."""
    from store.kpi.ab import compare_groups
    from store.kpi.common import ctr_base

    assert (ctr_base(0, 900), ctr_base(None, 900), ctr_base(500, 900), ctr_base(None, None)) == (
        900,
        900,
        500,
        None,
    )
    units = [
        _unit("A", impressions=0, views=900, clicks=9),
        _unit("B", impressions=1000, views=900, clicks=5),
    ]
    a, b = (g.estimates["ctr"] for g in compare_groups(units, brand="X", by="influencer").groups)
    assert (a.value, a.n, b.value, b.n) == (pytest.approx(1.0), 900, pytest.approx(0.5), 1000)


def test_rate_per_follower_is_one_rule_in_python_and_sql(db_url: str) -> None:
    """ER / QW-ER per post, one home (store.kpi.common) for the SQL of campaigns and Discover and the
    Python of the A/B comparison: 500 / 10,000 × 100 = 5 %; no followers (0 or unknown): no rate."""
    from sqlalchemy import literal, select

    from store.kpi.common import rate_per_follower, rate_per_follower_sql

    cases = [(500, 10_000, 5.0), (37.5, 1_000, 3.75), (500, 0, None), (500, None, None)]
    with session_scope(db_url) as session:
        for value, followers, expected in cases:
            sql = rate_per_follower_sql(literal(value), literal(followers))
            got = session.execute(select(sql)).scalar_one()
            assert rate_per_follower(value, followers) == (
                None if expected is None else pytest.approx(expected)
            )
            assert (None if got is None else float(got)) == (
                None if expected is None else pytest.approx(expected)
            )
