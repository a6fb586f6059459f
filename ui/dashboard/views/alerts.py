"""Alerts: volume and negative-share spikes per brand and per source, and unhealthy sources, as of now.

The rules and their defaults are those of ``store.alerts`` (the same as ``brandpulse alerts``); k can be
changed here. Mention text is user-supplied: it is rendered with ``st.text`` (never as markdown or HTML,
long texts capped), and a link is shown only for an http(s) URL. Brand and source names are escaped
(``ui.dashboard.safe.md_text``) before they go into markdown.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import streamlit as st

from store.alerts import NEGATIVE_SHARE, RULES, SOURCE_HEALTH, SPIKE, Alert
from store.timeutil import utcnow
from ui.dashboard import charts, queries, safe

url = queries.current_url()
tz_name = st.context.timezone


def _show_spike(alert: Alert, index: int) -> None:
    unit = "%" if alert.metric == NEGATIVE_SHARE else ""
    with st.container(border=True):
        st.markdown(f"**{safe.md_text(alert.title)}**")
        start, end = charts.fmt_time(alert.window_start, tz_name), charts.fmt_time(alert.window_end, tz_name)
        st.caption(f"Last 24 h: {start} → {end} · {RULES[alert.metric]}")
        numbers, chart = st.columns([3, 2])
        with numbers:
            tiles = st.columns(4)
            tiles[0].metric("Last 24 h", charts.fmt_value(alert.value, unit), help=RULES[alert.metric])
            mean = charts.fmt_value(alert.baseline_mean, unit)
            tiles[1].metric(f"{settings.baseline_days}-day mean", mean, help=RULES["baseline"])
            tiles[2].metric("SD", charts.fmt_value(alert.sd), help=RULES["baseline"])
            tiles[3].metric(
                f"Threshold (k = {charts.fmt_value(alert.k)})",
                charts.fmt_value(alert.threshold, unit),
                help=RULES["threshold"],
            )
        with chart:
            st.altair_chart(
                charts.spike_chart(list(alert.baseline), alert.value, alert.threshold, unit or "mentions"),
                width="stretch",
            )
        if not alert.drivers:
            return
        what = "negative mentions" if alert.metric == NEGATIVE_SHARE else "mentions"
        st.caption(f"The most engaged {what} of the last 24 h (likes + replies):")
        for m in alert.drivers:
            body, action = st.columns([5, 1])
            with body:
                meta = charts.meta_line(
                    charts.fmt_time(m.published_at, tz_name),
                    m.platform,
                    f"{m.engagement} engagements",
                    m.sentiment,
                )
                st.text(meta)
                safe.show_text(m.text, key=f"alert_{index}_text_{m.mention_id}")
            with action:
                link = safe.web_link(m.url)
                if link:
                    st.link_button("Open source", link, key=f"alert_{index}_link_{m.mention_id}")


st.title("Alerts")

settings = queries.alert_settings()  # brandpulse.toml's [alerts]
k = st.number_input(
    f"k: standard deviations above the {settings.baseline_days}-day mean",
    min_value=min(0.5, settings.k),
    max_value=max(10.0, settings.k),
    value=float(settings.k),
    step=0.5,
    key="alerts_k",
    help=RULES["threshold"],
)
# The next whole minute, so reruns within a minute share one cached evaluation and nothing stored in the
# current minute (a crawl run that just finished) falls after "now".
now = utcnow().replace(second=0, microsecond=0) + timedelta(minutes=1)
found = queries.current_alerts(url, now, float(k), dataclasses.astuple(settings))
spikes = [a for a in found if a.kind == SPIKE]
health = [a for a in found if a.kind == SOURCE_HEALTH]
as_of = charts.fmt_time(now, tz_name)
st.caption(f"As of {as_of}. Spikes compare the last 24 h with the {settings.baseline_days} days before it.")

if not found:
    st.success(
        "No alerts: every brand's volume and negative share are within their usual range, and every "
        "source's last crawl stored items with few quarantined."
    )

if health:
    st.subheader(f"Source health ({len(health)})")
    for alert in health:
        message = f"{safe.md_text(alert.title)}. {safe.md_text(alert.detail)}"
        st.error(message, icon=":material/error:")

if spikes:
    st.subheader(f"Spikes ({len(spikes)})")
    for i, alert in enumerate(spikes):
        _show_spike(alert, i)
