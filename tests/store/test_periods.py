"""Period presets, the previous period each is compared with, headline deltas and the weekly trend: pure date
arithmetic, then hand-computed figures on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from crawler.items import PostItem
from store import repo
from store.db import session_scope
from store.kpi import (
    Period,
    brand_headline,
    change,
    group_comparison_set,
    headline_changes,
    preset_period,
    previous_label,
    previous_period,
    sentiment_by_week,
)
from store.kpi.periods import PRESETS, week_starts
from tests.store.helpers import label, mention

D = date.fromisoformat


# ---------------------------------------------------------------- presets and previous periods


@pytest.mark.parametrize(
    ("preset", "today", "period", "previous"),
    [
        ("last-7-days", "2026-03-14", ("2026-03-08", "2026-03-14"), ("2026-03-01", "2026-03-07")),
        ("last-30-days", "2026-03-14", ("2026-02-13", "2026-03-14"), ("2026-01-14", "2026-02-12")),
        ("last-90-days", "2026-03-31", ("2026-01-01", "2026-03-31"), ("2025-10-03", "2025-12-31")),
        # Month to date against the same days of the month before.
        ("this-month", "2026-03-14", ("2026-03-01", "2026-03-14"), ("2026-02-01", "2026-02-14")),
        # ... cut at that month's end: 31 days of March against February's 28 (29 in a leap year).
        ("this-month", "2026-03-31", ("2026-03-01", "2026-03-31"), ("2026-02-01", "2026-02-28")),
        ("this-month", "2024-03-30", ("2024-03-01", "2024-03-30"), ("2024-02-01", "2024-02-29")),
        ("this-month", "2026-01-01", ("2026-01-01", "2026-01-01"), ("2025-12-01", "2025-12-01")),
        # Calendar month and quarter against the one before, across a year's end.
        ("last-month", "2026-03-14", ("2026-02-01", "2026-02-28"), ("2026-01-01", "2026-01-31")),
        ("last-month", "2026-01-05", ("2025-12-01", "2025-12-31"), ("2025-11-01", "2025-11-30")),
        ("this-quarter", "2026-05-20", ("2026-04-01", "2026-05-20"), ("2026-01-01", "2026-02-19")),
        ("this-quarter", "2026-06-30", ("2026-04-01", "2026-06-30"), ("2026-01-01", "2026-03-31")),
        ("last-quarter", "2026-01-10", ("2025-10-01", "2025-12-31"), ("2025-07-01", "2025-09-30")),
        ("last-quarter", "2026-08-31", ("2026-04-01", "2026-06-30"), ("2026-01-01", "2026-03-31")),
    ],
)
def test_presets_and_their_previous_period(
    preset: str, today: str, period: tuple[str, str], previous: tuple[str, str]
) -> None:
    got = preset_period(preset, D(today))
    assert got == Period(D(period[0]), D(period[1]))
    assert previous_period(preset, got) == Period(D(previous[0]), D(previous[1]))


def test_rolling_and_custom_periods_compare_with_as_many_days_just_before() -> None:
    custom = preset_period("custom", D("2026-03-14"), since=D("2026-03-20"), until=D("2026-03-11"))
    assert custom == Period(D("2026-03-11"), D("2026-03-20"))  # reversed bounds are put in order
    assert custom.days == 10
    assert previous_period("custom", custom) == Period(D("2026-03-01"), D("2026-03-10"))
    one_day = preset_period("custom", D("2026-03-14"), since=D("2026-03-01"), until=D("2026-03-01"))
    assert previous_period("custom", one_day) == Period(D("2026-02-28"), D("2026-02-28"))
    assert previous_label("custom", one_day) == "vs prior 1 day"
    assert previous_label("last-30-days", preset_period("last-30-days", D("2026-03-14"))) == (
        "vs prior 30 days"
    )
    assert previous_label("last-month", preset_period("last-month", D("2026-03-14"))) == "vs prior month"


def test_all_time_has_no_previous_period_and_bad_presets_fail() -> None:
    everything = preset_period("all-time", D("2026-03-14"))
    assert everything == Period(None, D("2026-03-14"))
    assert everything.days is None and everything.label() == "first mention – 2026-03-14"
    assert previous_period("all-time", everything) is None
    with pytest.raises(ValueError, match="unknown period preset"):
        preset_period("last-week", D("2026-03-14"))
    with pytest.raises(ValueError, match="since and until"):
        preset_period("custom", D("2026-03-14"), since=D("2026-03-01"))
    assert list(PRESETS)[:3] == ["last-7-days", "last-30-days", "last-90-days"]


def test_every_day_of_a_long_span_gets_a_period_and_a_previous_one_before_it() -> None:
    """Over two years of todays: each preset's period ends on or before today; its previous period ends
    before it starts, the day before for rolling and calendar periods; a to-date period is compared with as
    many days or fewer (a shorter month), a calendar one with a unit at most 3 days longer or shorter."""
    day = D("2024-01-01")
    for _ in range(800):
        for preset in PRESETS:
            if preset in ("custom", "all-time"):
                continue
            got = preset_period(preset, day)
            assert got.since is not None and got.since <= got.until <= day
            before = previous_period(preset, got)
            assert before is not None and before.since is not None and before.since <= before.until
            if preset.startswith("this-"):
                assert before.until < got.since and before.since.day == 1
                assert (before.days or 0) <= (got.days or 0)
            else:
                assert before.until == got.since - timedelta(days=1)
                assert abs((before.days or 0) - (got.days or 0)) <= 3
        day += timedelta(days=1)


def test_weeks_start_on_monday_and_cover_partial_weeks() -> None:
    # 2026-03-01 is a Sunday: its week starts on Monday 2026-02-23.
    assert week_starts(D("2026-03-01"), D("2026-03-14")) == [
        D("2026-02-23"),
        D("2026-03-02"),
        D("2026-03-09"),
    ]
    assert week_starts(D("2026-03-02"), D("2026-03-02")) == [D("2026-03-02")]


# ---------------------------------------------------------------- deltas


def test_change_in_the_figures_own_unit_and_relative_for_counts() -> None:
    assert change(6, 4, relative=True).relative == pytest.approx(50.0)
    assert change(50.0, 37.5).change == pytest.approx(12.5) and change(50.0, 37.5).relative is None
    assert change(3, 0, relative=True).change == 3 and change(3, 0, relative=True).relative is None
    assert change(None, 4).change is None and change(4, None).change is None


T_PREV = datetime(2026, 3, 3, 12, tzinfo=UTC)
T_CUR = datetime(2026, 3, 10, 12, tzinfo=UTC)
CURRENT = preset_period("last-7-days", D("2026-03-14"))  # 2026-03-08 … 2026-03-14
PREVIOUS = Period(D("2026-03-01"), D("2026-03-07"))


def _seed_two_periods(s) -> None:  # type: ignore[no-untyped-def]
    """Brand A (query "alpha") and B ("beta") in group g, C alone in group h.

    Previous period (1-7 March): A's post P1 (E = 38 likes + 2 comments = 40) with its body (positive), a
    clean neutral comment and a spam comment (s = 1/2, QWE = 20, inflation 2.0); a negative mention at
    23:59:59 on 7 March. A: 3 non-spam (1 P, 1 N, 1 U) + 1 spam. B: 5 neutral.
    Current period (8-14 March): A's post P2 (E = 90 likes + 10 shares = 100, no comments stored: QWE = 100,
    inflation 1.0) with its body (positive), two positives, a negative at 00:00 on 8 March and a spam one.
    A: 4 non-spam (3 P, 1 N) + 1 spam. B: 4 (1 P, 1 N, 2 U). And a neutral A mention on 20 February.
    """
    repo.sync_brands(
        s,
        brands=[
            repo.BrandSpec("A", "alpha", "g"),
            repo.BrandSpec("B", "beta", "g"),
            repo.BrandSpec("C", "gamma", "h"),
        ],
    )
    posts = repo.upsert_posts(
        s,
        posts=[
            PostItem(platform="ptt", external_id="P1", likes=38, comments=2, published_at=T_PREV),
            PostItem(platform="ptt", external_id="P2", likes=90, shares=10, published_at=T_CUR),
        ],
    )
    specs = [
        # (external id, text, brands, post, kind, time, sentiment, spam)
        ("p1", "alpha serum launch", ["A"], "P1", "post", T_PREV, "positive", 0.0),
        (
            "c1",
            "lovely texture on my cheeks",
            [],
            "P1",
            "comment",
            T_PREV + timedelta(hours=1),
            "neutral",
            0.0,
        ),
        ("c2", "win free gifts here now", [], "P1", "comment", T_PREV + timedelta(hours=2), "positive", 1.0),
        (
            "a_neg",
            "alpha itchy",
            ["A"],
            None,
            "comment",
            datetime(2026, 3, 7, 23, 59, 59, tzinfo=UTC),
            "negative",
            0.0,
        ),
        ("p2", "alpha new toner", ["A"], "P2", "post", T_CUR, "positive", 0.0),
        ("a1", "alpha love it", ["A"], None, "comment", T_CUR, "positive", 0.0),
        ("a2", "alpha great", ["A"], None, "comment", T_CUR, "positive", 0.0),
        ("a3", "alpha stings", ["A"], None, "comment", datetime(2026, 3, 8, tzinfo=UTC), "negative", 0.0),
        ("a_spam", "alpha cheap deal", ["A"], None, "comment", T_CUR, "positive", 1.0),
        ("a_old", "alpha old", ["A"], None, "comment", datetime(2026, 2, 20, 9, tzinfo=UTC), "neutral", 0.0),
    ]
    specs += [(f"bp{i}", f"beta {i}", ["B"], None, "comment", T_PREV, "neutral", 0.0) for i in range(5)]
    specs += [
        (f"bc{i}", f"beta now {i}", ["B"], None, "comment", T_CUR, sent, 0.0)
        for i, sent in enumerate(["positive", "negative", "neutral", "neutral"])
    ]
    items = [
        mention(ext, text, brands=brands, post=post, kind=kind, published_at=when)
        for ext, text, brands, post, kind, when, _, _ in specs
    ]
    ids = repo.upsert_mentions(s, mentions=items, post_ids_by_key=posts)
    repo.write_labels(s, labels=[label(ids[f"ptt:{ext}"], sent, spam) for ext, *_, sent, spam in specs])


def test_headline_figures_and_their_deltas_against_the_previous_period(db_url: str) -> None:
    with session_scope(db_url) as s:
        _seed_two_periods(s)
    with session_scope(db_url) as s:
        peers = group_comparison_set(s, "A", "g")
        now = brand_headline(s, brand="A", peers=peers, period=CURRENT)
        before = brand_headline(s, brand="A", peers=peers, period=PREVIOUS)
    assert peers == ["A", "B"]
    assert (now.mentions, now.positive, now.negative, now.neutral) == (4, 3, 1, 0)
    assert (before.mentions, before.positive, before.negative, before.neutral) == (3, 1, 1, 1)
    changes = headline_changes(now, before)
    expected = {
        # figure: (current, previous, change, relative)
        "mentions": (4, 3, 1, 100 / 3),
        "sov": (50.0, 37.5, 12.5, None),  # 4 / 8 against 3 / 8
        "net_sentiment": (50.0, 0.0, 50.0, None),  # (3 − 1) / 4 against (1 − 1) / 3
        "spam_rate": (20.0, 25.0, -5.0, None),  # 1 / 5 against 1 / 4
        "engagement": (100, 40, 60, 150.0),
        "qwe": (100.0, 20.0, 80.0, 400.0),
        "inflation": (1.0, 2.0, -1.0, None),
    }
    for key, (cur, prev, diff, rel) in expected.items():
        got = changes[key]
        assert got.current == pytest.approx(cur), key
        assert got.previous == pytest.approx(prev), key
        assert got.change == pytest.approx(diff), key
        assert got.relative == (None if rel is None else pytest.approx(rel)), key
    # No previous period (all time): every figure without a change.
    assert all(c.change is None for c in headline_changes(now, None).values())


def test_comparison_set_of_a_chosen_group(db_url: str) -> None:
    with session_scope(db_url) as s:
        _seed_two_periods(s)
    with session_scope(db_url) as s:
        assert group_comparison_set(s, "A", "h") == ["A", "C"]  # A against another group's brands
        assert group_comparison_set(s, "A", None) == ["A", "B", "C"]  # against every brand
        with pytest.raises(ValueError, match="comparison set"):
            brand_headline(s, brand="A", peers=["B"], period=CURRENT)


# ---------------------------------------------------------------- weekly trend


def test_weekly_volume_and_net_sentiment_with_a_minimum_count_and_gaps(db_url: str) -> None:
    with session_scope(db_url) as s:
        _seed_two_periods(s)
    with session_scope(db_url) as s:
        weeks = sentiment_by_week(
            s, brands=["A", "B"], since=D("2026-03-01"), until=D("2026-03-14"), min_mentions=4
        )
        everything = sentiment_by_week(s, brands=["A"], since=None, until=D("2026-03-14"))
    got = [
        (p.week.isoformat(), p.brand, p.mentions, p.positive, p.negative, p.neutral, p.net_sentiment)
        for p in weeks
    ]
    assert got == [
        # 1 March is a Sunday: the first week is 23 February's, holding that one day (no data: a gap).
        ("2026-02-23", "A", 0, 0, 0, 0, None),
        ("2026-02-23", "B", 0, 0, 0, 0, None),
        # A: P1's body (P), its clean comment (U), 7 March's negative and 8 March's (a Sunday) negative.
        ("2026-03-02", "A", 4, 1, 2, 1, -25.0),
        ("2026-03-02", "B", 5, 0, 0, 5, 0.0),
        # A: three positives, under the minimum of 4: no net sentiment.
        ("2026-03-09", "A", 3, 3, 0, 0, None),
        ("2026-03-09", "B", 4, 1, 1, 2, 0.0),
    ]
    # All time starts at the week of the first mention (20 February); the default minimum is 5.
    assert [(p.week.isoformat(), p.mentions, p.net_sentiment) for p in everything] == [
        ("2026-02-16", 1, None),
        ("2026-02-23", 0, None),
        ("2026-03-02", 4, None),
        ("2026-03-09", 3, None),
    ]
