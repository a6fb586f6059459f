"""One card of the Negative feed: the mention, its parent post, and its triage (status, assignee, priority,
note, history), in an ``st.fragment`` so a change reruns this card only, not the page.

Every text from users or sources is shown with ``st.text`` or escaped (``ui.dashboard.safe``).
"""

from __future__ import annotations

import math
from datetime import tzinfo

import streamlit as st

from store import feed_pages
from store.db import session_scope
from store.feed import LOW_CONFIDENCE, FeedMention
from store.models import TRIAGE_PRIORITIES, TRIAGE_STATUSES
from store.repo import CORRECTED, IMPORTED
from ui.dashboard import charts, queries, safe
from ui.dashboard.correction_form import correction_controls
from ui.dashboard.display_time import fmt_time

STATUS_LABELS = {"new": "New", "in_progress": "In progress", "resolved": "Resolved"}
PRIORITY_LABELS = {None: "No priority", "high": "High", "medium": "Medium", "low": "Low"}
FIELD_LABELS = {"status": "Status", "assignee": "Assignee", "priority": "Priority", "note": "Note"}
USER_KEY = "feed_user"  # the "Your name" box: who the history records
CONFIDENCE_HELP = "The model's probability that this mention is negative."
LOW_CONFIDENCE_HELP = (
    f"The model was unsure: its probability of negative is below {LOW_CONFIDENCE * 100:.0f} %. "
    "Check the label and correct it below if it is wrong."
)

FROM_THREAD_HELP = (
    "This comment names no brand: it counts for the brands of the post it is under. "
    "Filter them out, or `brandpulse kpi --exclude-thread`, to count only mentions that name the brand."
)


def confidence_text(m: FeedMention) -> str:
    """The card's label line: the model's confidence ("confidence 83 %"), or who labeled it instead."""
    if m.label_source == CORRECTED:
        return "corrected by an analyst"
    if m.label_source == IMPORTED:
        return "label imported with the data"
    if m.model_confidence is None:
        return "confidence unknown"
    # Truncated, not rounded, so a label just below the threshold never reads as the threshold itself.
    return f"confidence {math.floor(round(m.model_confidence * 100, 6))} %"


@st.cache_data(ttl=queries.TTL_SECONDS, show_spinner=False)
def brand_queries(url: str) -> dict[str, str]:
    """Brand name → its query (a few rows, read once for every card; dropped with the other caches)."""
    with session_scope(url) as session:
        return feed_pages.brand_queries(session)


def brand_query_line(brands: tuple[str, ...], known: dict[str, str]) -> str | None:
    """Which query brought each brand in, for ``st.text`` (names and queries are user data: isolated, never
    Markdown): ``Glow Lab query: "glow lab" OR glowlab``.

    >>> brand_query_line(("A", "B"), {"A": '"alpha" OR al', "B": "beta"})
    'A query: "alpha" OR al · B query: beta'
    """
    parts = [f"{safe.isolate(b)} query: {safe.isolate(known[b])}" for b in brands if b in known]
    return " · ".join(parts) or None


def current_user() -> str | None:
    return (st.session_state.get(USER_KEY) or "").strip() or None


def _save(url: str, mention_id: int, field: str, key: str) -> None:
    """on_change of a card's triage widget: write at once (recorded in the history)."""
    value = st.session_state[key]
    try:
        queries.save_triage(url, [mention_id], by=current_user(), **{field: value})
    except KeyError:  # erased (forget, prune) since the page was drawn
        st.toast(f"Not saved: mention {mention_id} is no longer stored")
        return
    except ValueError as exc:  # e.g. a name over the length limit: said, never a traceback
        st.toast(safe.md_text(f"Not saved: {exc}"))
        return
    shown = STATUS_LABELS.get(value) if field == "status" else PRIORITY_LABELS.get(value, value)
    # A toast is Markdown: an assignee or a note is the user's own text, shown as the characters it is.
    st.toast(f"Mention {mention_id}: {FIELD_LABELS[field].lower()} {safe.md_text(shown or 'cleared')}")


def _history_line(change: object, zone: tzinfo) -> str:
    c = change  # a repo.TriageChange
    when = fmt_time(c.changed_at, zone)  # type: ignore[attr-defined]
    who = f" by {c.changed_by}" if c.changed_by else ""  # type: ignore[attr-defined]
    old, new = c.from_value or "—", c.to_value or "—"  # type: ignore[attr-defined]
    return f"{when}{who}: {FIELD_LABELS.get(c.field, c.field)} {old} → {new}"  # type: ignore[attr-defined]


@st.fragment
def feed_card(url: str, m: FeedMention, page_ids: tuple[int, ...], zone: tzinfo) -> None:
    """One mention's card; its widgets rerun only this fragment."""
    with st.container(border=True):
        body, actions = st.columns([5, 1])
        with body:
            st.checkbox("Select", key=f"feed_pick_{m.mention_id}", help="Select for a bulk action above.")
            meta = charts.meta_line(
                fmt_time(m.published_at, zone),
                m.platform,
                ", ".join(safe.isolate(b) for b in m.brands),
                f"by {m.author}" if m.author else None,
                m.lang,
                f"reach {m.reach:,}",
            )
            # The brands' queries on a second line of the meta element: which query brought each brand in.
            matched = brand_query_line(m.brands, brand_queries(url))
            st.text(f"{meta}\n{matched}" if matched else meta)
            safe.show_text(m.text, key=f"feed_full_{m.mention_id}")
            if m.post_title:
                st.text(f"Under the post: {m.post_title}")
            if m.thread_brands:
                st.badge("From thread", icon=":material/forum:", color="gray", help=FROM_THREAD_HELP)
            if m.low_confidence:
                st.badge("Low confidence", icon=":material/help:", color="orange", help=LOW_CONFIDENCE_HELP)
            st.caption(confidence_text(m), help=None if m.model_confidence is None else CONFIDENCE_HELP)
        with actions:
            key = f"triage_{m.mention_id}"
            st.selectbox(
                "Status",
                list(TRIAGE_STATUSES),
                index=TRIAGE_STATUSES.index(m.triage_status),
                format_func=STATUS_LABELS.get,
                key=key,
                on_change=_save,
                args=(url, m.mention_id, "status", key),
            )
            link = safe.web_link(m.url)
            if link:
                st.link_button("Open source", link)
            post_link = safe.web_link(m.post_url)
            if post_link and post_link != link:
                st.link_button("Open post", post_link)
        with st.expander("Triage: assignee, priority, note, history"):
            left, mid = st.columns(2)
            key = f"feed_assignee_{m.mention_id}"
            left.text_input(
                "Assignee",
                value=m.triage_assignee or "",
                key=key,
                max_chars=200,
                on_change=_save,
                args=(url, m.mention_id, "assignee", key),
            )
            key = f"feed_priority_{m.mention_id}"
            mid.selectbox(
                "Priority",
                [None, *TRIAGE_PRIORITIES],
                index=[None, *TRIAGE_PRIORITIES].index(m.triage_priority),
                format_func=PRIORITY_LABELS.get,
                key=key,
                on_change=_save,
                args=(url, m.mention_id, "priority", key),
            )
            key = f"feed_note_{m.mention_id}"
            st.text_area(
                "Note",
                value=m.triage_note or "",
                key=key,
                max_chars=10_000,
                on_change=_save,
                args=(url, m.mention_id, "note", key),
            )
            history = queries.triage_history(url, page_ids).get(m.mention_id, [])
            for change in history:
                st.text(_history_line(change, zone))
            if not history:
                st.caption("No triage changes yet.")
        with st.expander("Correct labels"):
            # Every mention in this feed is labeled negative and not spam.
            correction_controls(url, m.mention_id, "negative", False, key="feed")
