"""Alerts: the alert history (what fired, when, who acknowledged or resolved it, whether it was
delivered) with acknowledge / resolve buttons and a link into the Negative feed, then the rules evaluated
now: spikes, high-reach negative mentions, unhealthy sources, and what had no data.

The history is what ``brandpulse alerts`` and every ``brandpulse run`` cycle recorded
(``store.alerts.history``); this page records nothing by looking. The live rules and their defaults are those
of ``store.alerts``; k can be changed here. Times are shown in ``[ui] timezone``
(``ui.dashboard.display_time``). Mention texts and summaries are user-supplied: rendered with ``st.text``
(never as markdown or HTML, long texts capped), a link only for an http(s) URL; names in markdown are escaped
(``ui.dashboard.safe.md_text``).
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import streamlit as st

from store.alerts import (
    ACKNOWLEDGED,
    FIRED,
    METRIC_LABELS,
    NEGATIVE_SHARE,
    RESOLVED,
    RULES,
    SOURCE_HEALTH,
    SPIKE,
    Alert,
    AlertEntry,
    acknowledge_alert,
    alert_history,
    no_data,
    resolve_alert,
)
from store.db import session_scope
from store.models import ALERT_STATUSES
from store.timeutil import utcnow
from ui.dashboard import charts, queries, safe
from ui.dashboard.display_time import display_zone, fmt_time, zone_label

FEED_PAGE = "views/negative_feed.py"
FEED_BRAND_PARAM = "brand"  # the Negative feed's brand filter in its link (as the Overview's)
STATUS_LABELS = {FIRED: "Fired", ACKNOWLEDGED: "Acknowledged", RESOLVED: "Resolved"}
DELIVERY_LABELS = {
    "pending": "not delivered yet",
    "sent": "delivered",
    "partial": "delivered to some targets",
    "failed": "delivery failed",
    "no_targets": "not delivered: no [alerts] notify URLs",
    "replayed": "recorded by a replay, not delivered",
}
HISTORY_LIMIT = 100

url = queries.current_url()
zone = display_zone()


def _when(value) -> str:  # type: ignore[no-untyped-def]
    return fmt_time(value, zone)


def _change_status(alert_id: int, action: str) -> None:
    """on_click of a history button: write the new status at once, with the name given on the page."""
    by = st.session_state.get("alert_user") or None
    change = acknowledge_alert if action == ACKNOWLEDGED else resolve_alert
    try:
        with session_scope(url) as session:
            change(session, alert_id=alert_id, by=by)
    except (KeyError, ValueError) as exc:  # someone else resolved or erased it meanwhile
        st.toast(f"Alert {alert_id}: {exc}")
        return
    st.toast(f"Alert {alert_id}: {STATUS_LABELS[action].lower()}")


def _show_entry(entry: AlertEntry) -> None:
    with st.container(border=True):
        body, actions = st.columns([4, 1])
        with body:
            st.markdown(f"**{safe.md_text(entry.title)}**")
            seen = f"last seen {_when(entry.last_seen_at)}"
            if entry.times_seen > 1:
                seen += f" ({entry.times_seen} evaluations)"
            rule = METRIC_LABELS.get(entry.rule, entry.rule)
            st.caption(
                safe.md_text(
                    f"#{entry.id} · {STATUS_LABELS.get(entry.status, entry.status)} · {rule} · "
                    f"first fired {_when(entry.first_fired_at)} · {seen} · "
                    f"{DELIVERY_LABELS.get(entry.delivery_status, entry.delivery_status)}"
                )
            )
            st.text(entry.summary)
            if entry.acknowledged_at:
                who = entry.acknowledged_by or "someone"
                st.caption(safe.md_text(f"Acknowledged by {who}, {_when(entry.acknowledged_at)}"))
            if entry.resolved_at:
                who = entry.resolved_by or "someone"
                st.caption(safe.md_text(f"Resolved by {who}, {_when(entry.resolved_at)}"))
            if entry.delivery_error:
                tries = f"{entry.delivery_attempts} attempt{'' if entry.delivery_attempts == 1 else 's'}"
                st.caption(safe.md_text(f"Delivery ({tries}): {entry.delivery_error}"))
        with actions:
            if entry.status == FIRED:
                st.button(
                    "Acknowledge",
                    key=f"alert_ack_{entry.id}",
                    on_click=_change_status,
                    args=(entry.id, ACKNOWLEDGED),
                    help="Someone is on it: no more reminders.",
                )
            if entry.status != RESOLVED:
                st.button(
                    "Resolve",
                    key=f"alert_resolve_{entry.id}",
                    on_click=_change_status,
                    args=(entry.id, RESOLVED),
                    help="It is over; found again, it fires anew.",
                )
            if entry.brand:
                st.page_link(
                    FEED_PAGE,
                    label=f"Negative feed: {safe.md_text(entry.brand)}",
                    icon=":material/report:",
                    query_params={FEED_BRAND_PARAM: entry.brand},
                )


def _show_spike(alert: Alert, index: int) -> None:
    unit = "%" if alert.metric == NEGATIVE_SHARE else ""
    with st.container(border=True):
        st.markdown(f"**{safe.md_text(alert.title)}**")
        start, end = _when(alert.window_start), _when(alert.window_end)
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
        _show_mentions(alert, f"alert_{index}")


def _show_mentions(alert: Alert, prefix: str) -> None:
    for m in alert.drivers:
        body, action = st.columns([5, 1])
        with body:
            followers = f"{m.followers:,} followers" if m.followers is not None else None
            engagements = f"{m.engagement} engagements"
            st.text(charts.meta_line(_when(m.published_at), m.platform, followers, engagements, m.sentiment))
            safe.show_text(m.text, key=f"{prefix}_text_{m.mention_id}")
        with action:
            link = safe.web_link(m.url)
            if link:
                st.link_button("Open source", link, key=f"{prefix}_link_{m.mention_id}")


st.title("Alerts")

# ---------------------------------------------------------------- history

st.header("Alert history")
st.caption(
    "What `brandpulse alerts` and every `brandpulse run` cycle recorded. An alert fired again within the "
    "cool-down is updated (last seen), not delivered again; acknowledged ones get no reminders."
)
filters = st.columns([2, 1])
statuses = filters[0].multiselect(
    "Status",
    list(ALERT_STATUSES),
    default=[FIRED, ACKNOWLEDGED],
    format_func=STATUS_LABELS.get,
    key="alert_history_statuses",
)
filters[1].text_input(
    "Your name", key="alert_user", max_chars=200, help="Recorded with what you acknowledge or resolve."
)
with session_scope(url) as session:
    history = alert_history(session, statuses=statuses, limit=HISTORY_LIMIT)
if not history:
    st.caption("No alerts recorded with these statuses.")
for entry in history:
    _show_entry(entry)

# ---------------------------------------------------------------- now

st.header("Now")
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
with session_scope(url) as session:
    gaps = no_data(session, now=now)
spikes = [a for a in found if a.kind == SPIKE]
health = [a for a in found if a.kind == SOURCE_HEALTH]
reach = [a for a in found if a.kind not in (SPIKE, SOURCE_HEALTH)]
st.caption(
    f"As of {_when(now)} (times in {zone_label(zone)}). Spikes compare the last 24 h with the "
    f"{settings.baseline_days} days before it."
)

if not found and not gaps:
    st.success(
        "No alerts: every brand's volume and negative share are within their usual range, no negative "
        "mention reached many people, and every source's last crawl stored items with few quarantined."
    )
for gap in gaps:
    # Not green: nothing to judge is not the same as all quiet (a stopped crawler looks just like calm).
    st.info(safe.md_text(gap.message), icon=":material/help:")

if health:
    st.subheader(f"Source health ({len(health)})")
    for alert in health:
        message = f"{safe.md_text(alert.title)}. {safe.md_text(alert.detail)}"
        st.error(message, icon=":material/error:")

if reach:
    st.subheader(f"High-reach negative mentions ({len(reach)})")
    for i, alert in enumerate(reach):
        with st.container(border=True):
            st.markdown(f"**{safe.md_text(alert.title)}**")
            st.caption(RULES[alert.metric])
            st.text(alert.summary)
            _show_mentions(alert, f"reach_{i}")

if spikes:
    st.subheader(f"Spikes ({len(spikes)})")
    for i, alert in enumerate(spikes):
        _show_spike(alert, i)
