"""Altair charts and value formatting for the dashboard.

Presentation only: every number comes from the store.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.dashboard.safe import isolate

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


def fmt_share(value: float | None) -> str:
    """A share on 0…1 with two decimals: ``0.7`` → ``"0.70"``."""
    return MISSING if value is None or pd.isna(value) else f"{value:.2f}"


def fmt_value(value: float | None, unit: str = "") -> str:
    """Up to two decimals and an optional unit: ``4.4286`` → ``"4.43"``; ``(60.0, "%")`` → ``"60 %"``."""
    if value is None or pd.isna(value):
        return MISSING
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text} {unit}" if unit else text


def meta_line(*parts: str | None) -> str:
    """A mention card's first line for ``st.text``: the parts given, empty ones left out, joined by " · ";
    each part bidi-isolated, so an RTL override in an author's name cannot reverse the rest of the line."""
    return " · ".join(isolate(part) for part in parts if part)


# ---------------------------------------------------------------- charts


def _brand_color(brands: list[str]) -> alt.Color:
    # One fixed domain per page so a brand keeps its colour across the three charts.
    return alt.Color("brand:N", title="Brand", scale=alt.Scale(domain=brands))


# The donut's radii follow its view (the signals ``width`` and ``height``): fixed radii overflowed a narrow
# column's view, which cut off the labels and pushed the title out of the picture.
_DONUT_OUTER = "max(min(width, height) / 2 - 46, 30)"  # room for a label beyond it


def sov_chart(voice: pd.DataFrame) -> alt.LayerChart:
    """Donut of share of voice (mentions within the comparison set), sized to the space it has."""
    data = voice[["brand", "mentions", "sov"]].fillna({"sov": 0.0})
    brands = list(data["brand"])
    base = alt.Chart(data).encode(
        theta=alt.Theta("sov:Q", stack=True),
        color=alt.Color(
            "brand:N", title="Brand", scale=alt.Scale(domain=brands), legend=alt.Legend(labelLimit=140)
        ),
        tooltip=[
            alt.Tooltip("brand:N", title="Brand"),
            alt.Tooltip("mentions:Q", title="Mentions"),
            alt.Tooltip("sov:Q", title="SOV %", format=".1f"),
        ],
    )
    ring = base.mark_arc(outerRadius=alt.expr(_DONUT_OUTER), innerRadius=alt.expr(f"({_DONUT_OUTER}) * 0.55"))
    labels = (
        base.transform_filter(alt.datum.sov > 0)
        .transform_calculate(label="format(datum.sov, '.1f') + ' %'")
        .mark_text(radius=alt.expr(f"{_DONUT_OUTER} + 24"), fontSize=12)
        .encode(text=alt.Text("label:N"))
    )
    return alt.layer(ring, labels).properties(
        title=alt.TitleParams("Share of voice", anchor="start"), height=300
    )


def with_segments(weeks: pd.DataFrame) -> pd.DataFrame:
    """The weeks that have a net sentiment, each with a ``segment`` number per brand that changes after a
    week without one, so a line drawn per segment leaves a gap there instead of bridging it."""
    rows = []
    for _, group in weeks.sort_values(["brand", "week"]).groupby("brand", sort=False):
        segment = 0
        for row in group.to_dict("records"):
            if row["net_sentiment"] is None or pd.isna(row["net_sentiment"]):
                segment += 1
                continue
            rows.append({**row, "segment": segment})  # lines are drawn per brand (colour) and segment
    return pd.DataFrame(rows, columns=[*weeks.columns, "segment"])


def weekly_sentiment_chart(
    weeks: pd.DataFrame, brand: str, brands: list[str], min_mentions: int
) -> alt.LayerChart:
    """Bars: ``brand``'s mentions per week (right axis). Lines: each brand's weekly net sentiment (−100…100),
    only for weeks with ``min_mentions`` labeled mentions or more, broken where a week has fewer."""
    week_axis = alt.X(
        "week:O", title="Week (from Monday, UTC)", axis=alt.Axis(labelAngle=-40, labelOverlap=True)
    )
    counts = [
        alt.Tooltip("positive:Q", title="Positive"),
        alt.Tooltip("negative:Q", title="Negative"),
        alt.Tooltip("neutral:Q", title="Neutral"),
    ]
    bars = (
        alt.Chart(weeks[weeks["brand"] == brand])
        .mark_bar(color="#d5dbe1")
        .encode(
            x=week_axis,
            y=alt.Y("mentions:Q", title="Mentions (bars)", axis=alt.Axis(orient="right", tickMinStep=1)),
            tooltip=[
                alt.Tooltip("week:O", title="Week of"),
                alt.Tooltip("brand:N", title="Brand"),
                alt.Tooltip("mentions:Q", title="Mentions"),
                *counts,
            ],
        )
    )
    lines = (
        alt.Chart(with_segments(weeks))
        .mark_line(point=True)
        .encode(
            x=week_axis,
            y=alt.Y("net_sentiment:Q", title="Net sentiment (lines)", scale=alt.Scale(domain=[-100, 100])),
            color=_brand_color(brands),
            detail="segment:N",
            tooltip=[
                alt.Tooltip("week:O", title="Week of"),
                alt.Tooltip("brand:N", title="Brand"),
                alt.Tooltip("net_sentiment:Q", title="Net sentiment", format="+.1f"),
                *counts,
                alt.Tooltip("mentions:Q", title=f"Mentions (≥ {min_mentions} labeled for a point)"),
            ],
        )
    )
    return (
        alt.layer(bars, lines)
        .resolve_scale(y="independent")
        .properties(title="Net sentiment by week", height=300)
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


SPIKE_LAST = "24 h"


def spike_chart(baseline: list[float], value: float, threshold: float, unit: str = "") -> alt.Chart:
    """Bars of the baseline's daily figures (oldest first) and the last 24 h, with the alert threshold."""
    n = len(baseline)
    data = pd.DataFrame(
        {
            "window": [f"−{n - i} d" for i in range(n)] + [SPIKE_LAST],
            "value": [*baseline, value],
            "part": ["baseline"] * n + [SPIKE_LAST],
        }
    )
    order = list(data["window"])
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("window:N", sort=order, title=None, axis=alt.Axis(labelAngle=0, labelOverlap=False)),
            y=alt.Y("value:Q", title=unit or "value"),
            color=alt.Color(
                "part:N",
                legend=None,
                scale=alt.Scale(domain=["baseline", SPIKE_LAST], range=["#9aa5b1", "#e76f51"]),
            ),
            tooltip=[
                alt.Tooltip("window:N", title="Window"),
                alt.Tooltip("value:Q", title=unit or "Value", format=",.2f"),
            ],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"threshold": [threshold]}))
        .mark_rule(strokeDash=[4, 4], color="#264653")
        .encode(y="threshold:Q", tooltip=[alt.Tooltip("threshold:Q", title="Alert threshold", format=",.2f")])
    )
    return alt.layer(bars, rule).properties(height=160)
