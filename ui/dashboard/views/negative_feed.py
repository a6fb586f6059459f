"""Negative feed: non-spam negative mentions, newest first or by the model's confidence, with a triage status
that saves on change and a "Correct labels" box to fix a wrong sentiment or spam label (a mention corrected
away leaves the feed).

Each card says how sure the model was (its probability of "negative") or that an analyst corrected the label,
and flags a model label below ``store.feed.LOW_CONFIDENCE`` as "Low confidence".

Mention text is user-supplied: it is rendered with ``st.text`` (never as markdown or HTML), a long one
capped at ``safe.CARD_TEXT_CHARS`` with a toggle for the rest, and a source link is shown only for an
http(s) URL.
"""

from __future__ import annotations

import math

import streamlit as st

from store.feed import FEED_ORDERS, LOW_CONFIDENCE, FeedMention
from store.models import TRIAGE_STATUSES
from store.repo import CORRECTED, IMPORTED
from ui.dashboard import charts, queries, safe
from ui.dashboard.correction_form import correction_controls

STATUS_LABELS = {"new": "New", "in_progress": "In progress", "resolved": "Resolved"}
ALL_BRANDS = "All brands"
ORDER_LABELS = {
    "newest": "Newest first",
    "confidence_desc": "Highest confidence first",
    "confidence_asc": "Lowest confidence first",
}
CONFIDENCE_HELP = "The model's probability that this mention is negative."
LOW_CONFIDENCE_HELP = (
    f"The model was unsure: its probability of negative is below {LOW_CONFIDENCE * 100:.0f} %. "
    "Check the label and correct it below if it is wrong."
)

url = queries.current_url()
since, until = queries.current_period()


def _confidence_text(m: FeedMention) -> str:
    """The card's label line: the model's confidence ("confidence 83 %"), or who labeled it instead."""
    if m.label_source == CORRECTED:
        return "corrected by an analyst"
    if m.label_source == IMPORTED:
        return "label imported with the data"
    if m.model_confidence is None:
        return "confidence unknown"
    # Truncated, not rounded, so a label just below the threshold never reads as the threshold itself.
    return f"confidence {math.floor(round(m.model_confidence * 100, 6))} %"


def _save_status(mention_id: int, key: str) -> None:
    """on_change of a status box: write it at once, so a rerun or another page sees the new status."""
    status = st.session_state[key]
    queries.save_triage_status(url, mention_id, status)
    st.toast(f"Mention {mention_id}: {STATUS_LABELS[status]}")


st.title("Negative feed")

filters = st.columns([1, 2, 1])
brand_choice = filters[0].selectbox("Brand", [ALL_BRANDS, *queries.brand_names(url)], key="feed_brand")
statuses = filters[1].multiselect(
    "Triage status",
    list(TRIAGE_STATUSES),
    default=["new", "in_progress"],
    format_func=STATUS_LABELS.get,
    key="feed_statuses",
)
order = filters[2].selectbox(
    "Sort by",
    FEED_ORDERS,
    format_func=ORDER_LABELS.get,
    key="feed_order",
    help="Confidence is the model's probability that a mention is negative; lowest first puts the labels it "
    "was unsure of on top, to review them.",
)

brand = None if brand_choice == ALL_BRANDS else brand_choice
mentions = (
    queries.negative_mentions(url, brand, tuple(statuses), since, until, order=order) if statuses else []
)
count = len(mentions)
st.subheader(f"{count} negative mention{'' if count == 1 else 's'}")
if not statuses:
    st.caption("Choose at least one triage status.")
elif count >= queries.FEED_LIMIT and order == "newest":
    st.caption(
        f"Showing the newest {queries.FEED_LIMIT}; narrow the brand, status or period to see older ones."
    )
elif count >= queries.FEED_LIMIT:
    st.caption(
        f"Showing the first {queries.FEED_LIMIT} in this order; narrow the brand, status or period for more."
    )

tz_name = st.context.timezone
for m in mentions:
    with st.container(border=True):
        body, actions = st.columns([5, 1])
        with body:
            meta = charts.meta_line(
                charts.fmt_time(m.published_at, tz_name),
                m.platform,
                ", ".join(safe.isolate(b) for b in m.brands),
                f"by {m.author}" if m.author else None,
                m.lang,
            )
            st.text(meta)
            safe.show_text(m.text, key=f"feed_full_{m.mention_id}")
            if m.low_confidence:
                st.badge("Low confidence", icon=":material/help:", color="orange", help=LOW_CONFIDENCE_HELP)
            st.caption(_confidence_text(m), help=None if m.model_confidence is None else CONFIDENCE_HELP)
        with actions:
            key = f"triage_{m.mention_id}"
            st.selectbox(
                "Status",
                list(TRIAGE_STATUSES),
                index=TRIAGE_STATUSES.index(m.triage_status),
                format_func=STATUS_LABELS.get,
                key=key,
                on_change=_save_status,
                args=(m.mention_id, key),
            )
            link = safe.web_link(m.url)
            if link:
                st.link_button("Open source", link)
            with st.expander("Correct labels"):
                # Every mention in this feed is labeled negative and not spam.
                correction_controls(url, m.mention_id, "negative", False, key="feed")
