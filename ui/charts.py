"""Altair charts and value formatting for the dashboard.

Presentation only: every number comes from the store.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import altair as alt
import pandas as pd

MISSING = "—"
RAW_LABEL = "raw"
QWE_LABEL = "quality-weighted"


# ---------------------------------------------------------------- formatting


def fmt_int(value: float | None) -> str:
    """``1234`` → ``"1,234"``; None → an em dash."""
    return MISSING if value is None or pd.isna(value) else f"{round(value):,}"


def fmt_pct(value: float | None) -> str:
    """A 0-100 percentage: ``60.0`` → ``"60.0 %"``."""
    return MISSING if value is None or pd.isna(value) else f"{value:.1f} %"


def fmt_signed(value: float | None) -> str:
    """A score on −100…100 with its sign: ``50.0`` → ``"+50.0"``."""
    return MISSING if value is None or pd.isna(value) else f"{value:+.1f}"


def fmt_ratio(value: float | None) -> str:
    """An inflation factor: ``1.96`` → ``"1.96×"``."""
    return MISSING if value is None or pd.isna(value) else f"{value:.2f}×"


def fmt_time(value: datetime | None, tz_name: str | None = None) -> str:
    """A stored UTC time shown in the viewer's timezone (UTC when the browser did not say)."""
    if value is None:
        return MISSING
    try:
        tz = ZoneInfo(tz_name) if tz_name else None
    except (ZoneInfoNotFoundError, ValueError):
        tz = None
    shown = value.astimezone(tz) if tz else value
    return shown.strftime("%Y-%m-%d %H:%M ") + (shown.tzname() or "UTC")


# ---------------------------------------------------------------- charts


def _brand_color(brands: list[str]) -> alt.Color:
    # One fixed domain per page so a brand keeps its colour across the three charts.
    return alt.Color("brand:N", title="Brand", scale=alt.Scale(domain=brands))


def sov_chart(voice: pd.DataFrame) -> alt.Chart:
    """Donut of share of voice (mentions within the comparison set)."""
    data = voice[["brand", "mentions", "sov"]].fillna({"sov": 0.0})
    brands = list(data["brand"])
    base = alt.Chart(data).encode(
        theta=alt.Theta("sov:Q", stack=True),
        color=_brand_color(brands),
        tooltip=[
            alt.Tooltip("brand:N", title="Brand"),
            alt.Tooltip("mentions:Q", title="Mentions"),
            alt.Tooltip("sov:Q", title="SOV %", format=".1f"),
        ],
    )
    ring = base.mark_arc(innerRadius=60, outerRadius=110)
    labels = (
        base.transform_filter(alt.datum.sov > 0)
        .transform_calculate(label="format(datum.sov, '.1f') + ' %'")
        .mark_text(radius=135, fontSize=13)
        .encode(text=alt.Text("label:N"))
    )
    return alt.layer(ring, labels).properties(title="Share of voice", height=300)


def net_sentiment_chart(points: pd.DataFrame, brands: list[str]) -> alt.Chart:
    """Daily net sentiment (−100…100) per brand."""
    return (
        alt.Chart(points, title="Net sentiment over time")
        .mark_line(point=True)
        .encode(
            x=alt.X("day:T", title="Day (UTC)"),
            y=alt.Y("net_sentiment:Q", title="Net sentiment", scale=alt.Scale(domain=[-100, 100])),
            color=_brand_color(brands),
            tooltip=[
                alt.Tooltip("day:T", title="Day"),
                alt.Tooltip("brand:N", title="Brand"),
                alt.Tooltip("net_sentiment:Q", title="Net sentiment", format="+.1f"),
                alt.Tooltip("positive:Q", title="Positive"),
                alt.Tooltip("negative:Q", title="Negative"),
                alt.Tooltip("neutral:Q", title="Neutral"),
            ],
        )
        .properties(height=300)
    )


def engagement_chart(engagement: pd.DataFrame) -> alt.Chart:
    """Grouped bars: raw engagement next to quality-weighted engagement, per brand."""
    long = engagement.rename(columns={"engagement": RAW_LABEL, "qwe": QWE_LABEL}).melt(
        id_vars=["brand", "posts", "inflation"],
        value_vars=[RAW_LABEL, QWE_LABEL],
        var_name="measure",
        value_name="value",
    )
    return (
        alt.Chart(long, title="Engagement: raw vs quality-weighted")
        .mark_bar()
        .encode(
            x=alt.X("brand:N", title="Brand", axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("measure:N", sort=[RAW_LABEL, QWE_LABEL]),
            y=alt.Y("value:Q", title="Engagement"),
            color=alt.Color(
                "measure:N",
                title="Measure",
                sort=[RAW_LABEL, QWE_LABEL],
                scale=alt.Scale(domain=[RAW_LABEL, QWE_LABEL], range=["#9aa5b1", "#2a9d8f"]),
            ),
            tooltip=[
                alt.Tooltip("brand:N", title="Brand"),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("value:Q", title="Engagement", format=",.1f"),
                alt.Tooltip("posts:Q", title="Posts"),
                alt.Tooltip("inflation:Q", title="Inflation", format=".2f"),
            ],
        )
        .properties(height=300)
    )
