"""The Overview in Streamlit's AppTest on real SQLite stores: period presets and their deltas, the weekly
trend, the drivers, ``home_brand`` as the default brand, and the view in the link's query parameters."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from streamlit.testing.v1 import AppTest

from store import repo
from store.db import ensure_schema, session_scope
from store.kpi.periods import add_months
from store.timeutil import utcnow
from tests.factories import NEGATIVE_TEXT
from tests.store.helpers import label, mention
from tests.ui.dashboard.apptest import APP, open_app
from ui.dashboard import charts

GREEN, RED, GRAY = MetricProto.MetricColor.GREEN, MetricProto.MetricColor.RED, MetricProto.MetricColor.GRAY


def _deltas(at: AppTest) -> dict[str, tuple[str, str, int]]:
    """Each KPI card's (value, delta, delta colour); an empty delta = none shown."""
    return {m.label: (m.value, m.proto.delta, m.proto.color) for m in at.metric}


def _descriptions(at: AppTest) -> set[str]:
    return {m.proto.delta_description for m in at.metric if m.proto.delta}


# ---------------------------------------------------------------- the demo store (times relative to now)


def test_default_period_cards_show_their_change_against_the_30_days_before(seeded: dict[str, Any]) -> None:
    """Glow Lab, last 30 days: 6 mentions (4 P, 1 N, 1 U) + 2 spam, SOV 6 / 10, E 100, QWE 51. The 30 days
    before hold only its 45-day-old complaint (and Petal Theory's two): 1 mention, SOV 1 / 3, net −100,
    spam 0 %, no posts (so no inflation to compare)."""
    at = open_app()
    assert _deltas(at) == {
        "Mentions": ("6", "+5 (+500 %)", GREEN),
        "Share of voice": ("60.0 %", "+26.7 pp", GREEN),  # 60 − 33.3
        "Net sentiment": ("+50.0", "+150.0", GREEN),
        "Spam rate": ("25.0 %", "+25.0 pp", RED),  # more spam is worse
        "Raw engagement": ("100", "+100", GREEN),  # from 0: no relative change
        "Quality-weighted engagement": ("51", "+51", GREEN),
        "Inflation": ("1.96×", "", GRAY),
    }
    assert _descriptions(at) == {"vs prior 30 days"}
    captions = [c.value for c in at.caption]
    today = utcnow().date()
    back = today - timedelta(days=30)
    assert f"Compared with {(back - timedelta(days=29)).isoformat()} – {back.isoformat()}" in [
        c.value for c in at.sidebar.caption
    ]
    assert any(c.startswith(f"Changes against {(back - timedelta(days=29)).isoformat()}") for c in captions)


def test_all_time_has_no_deltas(seeded: dict[str, Any]) -> None:
    at = open_app()
    at.sidebar.selectbox(key="period").set_value("all-time").run()
    assert not at.exception
    assert {label: delta for label, (_, delta, _) in _deltas(at).items()} == dict.fromkeys(
        ["Mentions", "Share of voice", "Net sentiment", "Spam rate", "Raw engagement"]
        + ["Quality-weighted engagement", "Inflation"],
        "",
    )
    assert "All time has no previous period to compare with." in [c.value for c in at.caption]
    assert at.query_params == {"period": "all-time"}


def test_drivers_show_the_widest_reaching_mentions_and_terms(seeded: dict[str, Any]) -> None:
    """Glow Lab's positives by reach: the PTT post (1,200 followers + 80 likes), the VnExpress comment
    (5 likes), the PTT comment (3 likes); its one negative. 保濕 is in 2 of its 4 positive mentions."""
    at = open_app()
    texts = [t.value for t in at.text]
    shown = [
        t
        for t in texts
        if t
        in (
            NEGATIVE_TEXT,
            "[心得] Glow Lab 光澤實驗室 精華液 用了兩週很保濕",
            "Glow Lab dùng rất thích, da mịn hơn",
            "推 Glow Lab 真的很保濕，會回購",
        )
    ]
    assert shown == [
        NEGATIVE_TEXT,  # the negative column comes first
        "[心得] Glow Lab 光澤實驗室 精華液 用了兩週很保濕",
        "Glow Lab dùng rất thích, da mịn hơn",
        "推 Glow Lab 真的很保濕，會回購",
    ]
    assert any(
        t.startswith("reach 1,280 · 1,200 followers · 80 likes + replies · ptt · by mei_chen · ")
        for t in texts
    )
    (terms,) = [d.value for d in at.dataframe if "term" in d.value.columns]
    assert terms[["term", "mentions", "share", "previous_mentions"]].to_dict("records") == [
        {"term": "保濕", "mentions": 2, "share": 50.0, "previous_mentions": 0}
    ]
    assert pd.isna(terms.loc[0, "share_change"])  # no positive mention before: no share to compare
    captions = [c.value for c in at.caption]
    assert (
        "Net sentiment +50.0 (4 positive, 1 negative, 1 neutral); previous period -100.0 "
        "(0 positive, 1 negative, 0 neutral)."
    ) in captions
    assert "Negative mentions: 1; previous period 1." in captions
    assert "No term is used by 2 or more of them." in captions


def test_a_link_opens_its_view_and_the_view_goes_back_into_the_link(seeded: dict[str, Any]) -> None:
    today = utcnow().date()
    since = today - timedelta(days=59)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params = {
        "period": "custom",
        "from": since.isoformat(),
        "to": today.isoformat(),
        "brand": "Aqua Veil",
        "group": "*",
    }
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.sidebar.selectbox(key="period").value == "custom"
    assert at.sidebar.date_input(key="period_range").value == (since, today)
    assert at.selectbox(key="overview_brand").value == "Aqua Veil"
    assert at.selectbox(key="overview_group").value == "*"
    # 60 days: Aqua Veil 4 of 13 mentions (Glow Lab 7, Petal Theory 2); nothing in the 60 days before.
    tiles = _deltas(at)
    assert tiles["Mentions"] == ("4", "+4", GREEN)
    assert tiles["Share of voice"] == ("30.8 %", "", GRAY)
    assert _descriptions(at) == {"vs prior 60 days"}
    assert at.query_params == {
        "period": "custom",
        "from": since.isoformat(),
        "to": today.isoformat(),
        "brand": "Aqua Veil",
        "group": "*",
    }

    # Back to the default brand: it and its own group leave the link; the period stays.
    at.selectbox(key="overview_brand").set_value("Glow Lab").run()
    assert at.selectbox(key="overview_group").value == "skincare"
    assert at.query_params == {"period": "custom", "from": since.isoformat(), "to": today.isoformat()}
    at.sidebar.selectbox(key="period").set_value("last-month").run()
    assert at.query_params == {"period": "last-month"}


def test_a_link_with_unknown_values_opens_the_default_view(seeded: dict[str, Any]) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params = {
        "period": "fortnight",
        "brand": "<script>alert(1)</script>",
        "group": "nope",
        "from": "x",
    }
    at.run()
    assert not at.exception
    assert at.sidebar.selectbox(key="period").value == "last-30-days"
    assert at.selectbox(key="overview_brand").value == "Glow Lab"
    assert at.selectbox(key="overview_group").value == "skincare"
    assert at.query_params == {}  # cleaned: the view is the default one


BRANDS_TOML = """
[[brands]]
name = "Glow Lab"
query = "glow"
[[brands]]
name = "Aqua Veil"
query = "aqua"
[[brands]]
name = "Nova"
query = "nova"
"""


@pytest.mark.parametrize(("home", "opened"), [("aqua veil", "Aqua Veil"), ("Nova", "Glow Lab")])
def test_home_brand_is_the_default_brand(
    seeded: dict[str, Any], tmp_path: Path, home: str, opened: str
) -> None:
    """home_brand opens the Overview (Nova is configured but has nothing stored: the busiest brand opens)."""
    (tmp_path / "brandpulse.toml").write_text(f'home_brand = "{home}"\n' + BRANDS_TOML, encoding="utf-8")
    at = open_app()
    assert at.selectbox(key="overview_brand").value == opened
    assert "brand" not in at.query_params  # the default brand is not written into the link
    # A link naming a brand wins over home_brand, and stays in the link.
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params = {"brand": "Glow Lab" if opened != "Glow Lab" else "Aqua Veil"}
    at.run()
    assert at.selectbox(key="overview_brand").value == at.query_params["brand"] != opened


# ---------------------------------------------------------------- calendar presets on calendar-anchored data


def _day_one(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


@pytest.fixture
def calendar_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Mentions on the first day of this month, last month and the month before, at 00:00 UTC:

    this month: Home 3 P, 1 N, 1 U; Rival 5 U. Last month: Home 1 P, 1 N; Rival 2 U.
    The month before: Home 2 N.
    """
    url = f"sqlite:///{tmp_path / 'calendar.db'}"
    ensure_schema(url)
    today = utcnow().date()
    months = {0: today.replace(day=1), 1: add_months(today, -1), 2: add_months(today, -2)}
    specs = [(0, "Home", s) for s in ["positive"] * 3 + ["negative", "neutral"]]
    specs += [(0, "Rival", "neutral")] * 5
    specs += [
        (1, "Home", "positive"),
        (1, "Home", "negative"),
        (1, "Rival", "neutral"),
        (1, "Rival", "neutral"),
    ]
    specs += [(2, "Home", "negative")] * 2
    with session_scope(url) as s:
        repo.sync_brands(
            s, brands=[repo.BrandSpec("Home", "home", "g"), repo.BrandSpec("Rival", "rival", "g")]
        )
        items = [
            mention(f"m{i}", f"text {i}", brands=[brand], published_at=_day_one(months[ago]))
            for i, (ago, brand, _) in enumerate(specs)
        ]
        ids = repo.upsert_mentions(s, mentions=items)
        repo.write_labels(s, labels=[label(ids[f"ptt:m{i}"], sent) for i, (_, _, sent) in enumerate(specs)])
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", url)
    return url


def test_this_month_compares_with_the_same_days_of_last_month(calendar_store: str) -> None:
    at = open_app()
    at.sidebar.selectbox(key="period").set_value("this-month").run()
    assert not at.exception
    tiles = _deltas(at)
    # Home 5 of 10 mentions, (3 − 1) / 5 = +40; last month's first days: 2 of 4, (1 − 1) / 2 = 0.
    assert tiles["Mentions"] == ("5", "+3 (+150 %)", GREEN)
    assert tiles["Share of voice"] == ("50.0 %", "0", GRAY)
    assert tiles["Net sentiment"] == ("+40.0", "+40.0", GREEN)
    assert _descriptions(at) == {"vs same days last month"}
    assert at.query_params == {"period": "this-month"}


def test_last_month_compares_with_the_month_before(calendar_store: str) -> None:
    at = open_app()
    at.sidebar.selectbox(key="period").set_value("last-month").run()
    assert not at.exception
    tiles = _deltas(at)
    # Home 2 of 4, net 0; the month before: 2 of 2, net −100.
    assert tiles["Mentions"] == ("2", "0", GRAY)
    assert tiles["Share of voice"] == ("50.0 %", "-50.0 pp", RED)
    assert tiles["Net sentiment"] == ("+0.0", "+100.0", GREEN)
    assert _descriptions(at) == {"vs prior month"}
    start = add_months(utcnow().date(), -1)
    end = utcnow().date().replace(day=1) - timedelta(days=1)
    assert f"{start.isoformat()} – {end.isoformat()} (UTC)" in [c.value for c in at.sidebar.caption]


def _chart_data(at: AppTest, title: str) -> list[pd.DataFrame]:
    """The datasets of the chart titled ``title``, in the order of its layers."""
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        if spec.get("title") == title:
            names = [layer["data"]["name"] for layer in spec["layer"]]
            # Streamlit sends the data beside the spec, as Arrow.
            frames = {d.name: convert_arrow_bytes_to_pandas_df(d.data.data) for d in chart.proto.datasets}
            return [frames[name] for name in names]
    raise AssertionError(f"no chart {title!r}")


def test_weekly_trend_draws_net_sentiment_only_for_weeks_with_enough_mentions(calendar_store: str) -> None:
    at = open_app()
    at.sidebar.selectbox(key="period").set_value("last-90-days").run()
    bars, lines = _chart_data(at, "Net sentiment by week")
    # Bars: Home's volume in every week of the period, empty weeks included (sum = 5 + 2 + 2 or fewer).
    assert len(bars) == bars["week"].nunique() >= 13 and set(bars["brand"]) == {"Home"}
    assert (bars["mentions"] > 0).sum() <= 3
    # Lines: only this month's first week has 5 labeled mentions for Home (+40) and Rival (0).
    this_week = utcnow().date().replace(day=1) - timedelta(days=utcnow().date().replace(day=1).weekday())
    assert sorted(zip(lines["week"], lines["brand"], lines["net_sentiment"], strict=True)) == [
        (this_week.isoformat(), "Home", 40.0),
        (this_week.isoformat(), "Rival", 0.0),
    ]


def test_line_segments_break_at_weeks_without_a_figure() -> None:
    weeks = pd.DataFrame(
        {
            "week": ["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-02"],
            "brand": ["A", "A", "A", "A", "B"],
            "net_sentiment": [10.0, None, 20.0, 30.0, 5.0],
        }
    )
    got = charts.with_segments(weeks)
    assert got[["brand", "week", "segment"]].values.tolist() == [
        ["A", "2026-03-02", 0],
        ["A", "2026-03-16", 1],  # the empty week between starts a new segment: no line across it
        ["A", "2026-03-23", 1],
        ["B", "2026-03-02", 0],
    ]


def test_quarter_presets_name_their_calendar_quarters(calendar_store: str) -> None:
    today = utcnow().date()
    q_start = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    prev_start = date(q_start.year - (q_start.month == 1), (q_start.month - 4) % 12 + 1, 1)
    prev_prev_start = date(prev_start.year - (prev_start.month == 1), (prev_start.month - 4) % 12 + 1, 1)
    at = open_app()
    at.sidebar.selectbox(key="period").set_value("last-quarter").run()
    captions = [c.value for c in at.sidebar.caption]
    assert f"{prev_start} – {q_start - timedelta(days=1)} (UTC)" in captions
    assert f"Compared with {prev_prev_start} – {prev_start - timedelta(days=1)}" in captions
    assert _descriptions(at) <= {"vs prior quarter"}
    at.sidebar.selectbox(key="period").set_value("this-quarter").run()
    captions = [c.value for c in at.sidebar.caption]
    assert f"{q_start} – {today} (UTC)" in captions
    assert any(c.startswith(f"Compared with {prev_start} – ") for c in captions)
    assert at.query_params == {"period": "this-quarter"}
