"""Charts of the campaign phases and the A/B comparison. Presentation only: every number comes from the
store (``ui/dashboard/campaign_queries.py``)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from store.kpi.ab import ABResult
from store.kpi.phases import CampaignPhases

PHASE_COLORS = {"before": "#9e9e9e", "during": "#1f77b4", "after": "#2ca02c"}
PHASE_TITLE = "Mentions per day before, during and after the campaign"


def phase_windows_frame(result: CampaignPhases) -> pd.DataFrame:
    """One row per window: its name, first day and the day after its last (a band covers whole days)."""
    return pd.DataFrame(
        [
            {
                "phase": p.phase,
                "start": pd.Timestamp(p.since),
                "end": pd.Timestamp(p.until) + pd.Timedelta(days=1),
                "label": f"{p.phase} ({p.since:%d %b} – {p.until:%d %b})",
            }
            for p in result.phases
        ]
    )


def phase_chart(days: pd.DataFrame, result: CampaignPhases) -> alt.LayerChart:
    """Daily labelled mentions as bars over shaded bands marking the before / during / after windows."""
    windows = phase_windows_frame(result)
    color = alt.Color(
        "phase:N",
        scale=alt.Scale(domain=list(PHASE_COLORS), range=list(PHASE_COLORS.values())),
        legend=alt.Legend(title="Window"),
    )
    bands = (
        alt.Chart(windows)
        .mark_rect(opacity=0.15)
        .encode(x="start:T", x2="end:T", color=color, tooltip=[alt.Tooltip("label:N", title="Window")])
    )
    frame = days.assign(day=pd.to_datetime(days["day"]))
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("day:T", title="Day (UTC)"),
            y=alt.Y("mentions:Q", title="Labelled mentions"),
            tooltip=[
                alt.Tooltip("day:T", title="Day"),
                alt.Tooltip("mentions:Q", title="Mentions"),
                alt.Tooltip("net_sentiment:Q", title="Net sentiment", format="+.1f"),
            ],
        )
    )
    return alt.layer(bands, bars).properties(title=PHASE_TITLE, height=260)


def ab_frame(result: ABResult, metric: str) -> pd.DataFrame:
    """Per group: the metric's value and interval, for the interval chart."""
    rows = []
    for g in result.groups:
        e = g.estimates[metric]
        rows.append({"group": g.group, "value": e.value, "low": e.low, "high": e.high, "n": e.n})
    return pd.DataFrame(rows, columns=["group", "value", "low", "high", "n"])


def ab_chart(result: ABResult, metric: str, label: str) -> alt.LayerChart:
    """Each group's value as a point with its confidence interval as a rule."""
    frame = ab_frame(result, metric)
    y = alt.Y("group:N", title=None, sort=list(frame["group"]))
    rule = alt.Chart(frame).mark_rule(strokeWidth=2).encode(x=alt.X("low:Q", title=label), x2="high:Q", y=y)
    dot = (
        alt.Chart(frame)
        .mark_point(filled=True, size=80)
        .encode(x="value:Q", y=y, tooltip=["group:N", "value:Q", "low:Q", "high:Q", "n:Q"])
    )
    return alt.layer(rule, dot).properties(title=f"{label} with its interval", height=40 + 30 * len(frame))
