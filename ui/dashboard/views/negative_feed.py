"""Negative feed: non-spam negative mentions, 25 to a page, with their true total, filters, sorts (newest,
reach, severity, the model's confidence), triage on each card (``ui.dashboard.feed_card``, a fragment: a
change reruns that card only), bulk actions on selected cards, and the desk's response times.

The brand filter opens on the link's ``?brand=`` (the Alerts page links here with it). Pages are keyset
pages (``store.feed_pages``): the cursors of the pages seen so far are kept in session state, and any change
of a filter or the sort starts again from page 1.

Mention text is user-supplied: shown with ``st.text`` (never as markdown or HTML), capped at
``safe.CARD_TEXT_CHARS`` with a toggle for the rest; a link is shown only for an http(s) URL.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from store.feed_pages import FEED_SORTS, NO_PRIORITY, PAGE_SIZE, UNASSIGNED, FeedFilter
from store.models import TRIAGE_PRIORITIES, TRIAGE_STATUSES
from ui.dashboard import queries, safe, view_state
from ui.dashboard.display_time import display_zone
from ui.dashboard.feed_card import PRIORITY_LABELS, STATUS_LABELS, USER_KEY, current_user, feed_card

ALL_BRANDS = "All brands"
THREAD_CHOICES = {"both": "Show", "only": "Only these (from thread)", "exclude": "Leave out"}
ORDER_LABELS = {
    "newest": "Newest first",
    "reach": "Widest reach first",
    "severity": "Most severe first",
    "confidence_desc": "Highest confidence first",
    "confidence_asc": "Lowest confidence first",
}
SORT_HELP = (
    "Reach is the author's followers + likes + replies; severity is the model's probability of negative × "
    "reach. Confidence is the model's probability that a mention is negative; lowest first puts the labels "
    "it was unsure of on top, to review them."
)
CURSORS, SIGNATURE = "feed_cursors", "feed_signature"
KEEP = "(keep)"

url = queries.current_url()
since, until = queries.current_period()
brands = queries.brand_names(url)
options = queries.feed_options(url)

st.title("Negative feed")

view_state.seed("feed_brand", view_state.BRAND, lambda raw: raw if raw in brands else None, ALL_BRANDS)
if st.session_state["feed_brand"] not in (ALL_BRANDS, *brands):  # a brand gone from the store
    st.session_state["feed_brand"] = ALL_BRANDS
filters = st.columns([1, 2, 1])
brand_choice = filters[0].selectbox("Brand", [ALL_BRANDS, *brands], key="feed_brand")
statuses = filters[1].multiselect(
    "Triage status",
    list(TRIAGE_STATUSES),
    default=["new", "in_progress"],
    format_func=STATUS_LABELS.get,
    key="feed_statuses",
)
order = filters[2].selectbox(
    "Sort by", FEED_SORTS, format_func=ORDER_LABELS.get, key="feed_order", help=SORT_HELP
)
brand = None if brand_choice == ALL_BRANDS else brand_choice
view_state.publish({view_state.BRAND: brand})

with st.expander("More filters and search"):
    row = st.columns(3)
    sources = row[0].multiselect("Source", options.sources, key="feed_sources")
    langs = row[1].multiselect("Language", options.langs, key="feed_langs")
    search = row[2].text_input("Search text and author", key="feed_search", max_chars=200)
    row = st.columns(3)
    assignees = row[0].multiselect(
        "Assignee",
        [UNASSIGNED, *options.assignees],
        format_func=lambda a: a or "Unassigned",
        key="feed_assignees",
    )
    priorities = row[1].multiselect(
        "Priority",
        [*TRIAGE_PRIORITIES, NO_PRIORITY],
        format_func=lambda p: PRIORITY_LABELS.get(p or None, p),
        key="feed_priorities",
    )
    low, high = row[2].slider(
        "Confidence (probability of negative)", 0.0, 1.0, (0.0, 1.0), 0.05, key="feed_conf"
    )
    thread = st.radio(
        "Comments that name no brand (counted for their post's brands)",
        list(THREAD_CHOICES),
        format_func=THREAD_CHOICES.get,
        horizontal=True,
        key="feed_thread",
    )

flt = FeedFilter(
    brand=brand,
    statuses=tuple(statuses),
    sources=tuple(sources),
    langs=tuple(langs),
    assignees=tuple(assignees),
    priorities=tuple(priorities),
    since=since,
    until=until,
    min_confidence=low if low > 0 else None,
    max_confidence=high if high < 1 else None,
    search=search.strip() or None,
    from_thread={"only": True, "exclude": False}.get(thread),
)
# Another filter or sort: back to page 1 (the cursors belong to the old one).
if st.session_state.get(SIGNATURE) != (flt, order):
    st.session_state[SIGNATURE] = (flt, order)
    st.session_state[CURSORS] = [None]
cursors: list[Any] = st.session_state[CURSORS]
page = queries.feed_page(url, flt, order, cursors[-1])

total = page.total
st.subheader(f"{total:,} negative mention{'' if total == 1 else 's'}")
if not statuses:
    st.caption("Choose at least one triage status.")
elif total:
    first = (len(cursors) - 1) * PAGE_SIZE + 1
    pages = -(-total // PAGE_SIZE)
    st.caption(f"Page {len(cursors)} of {pages:,}: mentions {first:,}–{first + len(page.mentions) - 1:,}")

st.text_input("Your name", key=USER_KEY, max_chars=200, help="Recorded with every triage change you make.")


def _bulk(page_ids: tuple[int, ...]) -> None:
    """on_click of "Apply to selected": one write for the whole selection (read now: ticking a card's box
    reruns only that card)."""
    ids = [mid for mid in page_ids if st.session_state.get(f"feed_pick_{mid}")]
    fields: dict[str, Any] = {}
    if st.session_state.get("feed_bulk_status") != KEEP:
        fields["status"] = st.session_state["feed_bulk_status"]
    if st.session_state.get("feed_bulk_priority") != KEEP:
        fields["priority"] = st.session_state["feed_bulk_priority"]
    assignee = (st.session_state.get("feed_bulk_assignee") or "").strip()
    if assignee:
        fields["assignee"] = assignee
    if not ids or not fields:
        st.toast("Select mentions and choose what to change.")
        return
    try:
        changes = queries.save_triage(url, ids, by=current_user(), **fields)
    except KeyError:  # one of them erased (forget, prune) since the page was drawn
        st.toast("Not saved: a selected mention is no longer stored; the page is reloaded")
        st.session_state.pop(SIGNATURE, None)  # back to page 1 on the rerun
        return
    except ValueError as exc:
        st.toast(safe.md_text(f"Not saved: {exc}"))
        return
    for mid in ids:  # the cards' own widgets show the new values after the rerun
        for key in (f"triage_{mid}", f"feed_priority_{mid}", f"feed_assignee_{mid}", f"feed_pick_{mid}"):
            st.session_state.pop(key, None)
    st.toast(f"{len(ids)} mention{'' if len(ids) == 1 else 's'} updated ({changes} changes)")


page_ids = tuple(m.mention_id for m in page.mentions)
with st.container(border=True):
    st.caption("Bulk action: tick Select on cards of this page, then apply.")
    bulk = st.columns([1, 1, 1, 1])
    bulk[0].selectbox(
        "Set status",
        [KEEP, *TRIAGE_STATUSES],
        format_func=lambda s: STATUS_LABELS.get(s, s),
        key="feed_bulk_status",
    )
    bulk[1].text_input("Assign to", key="feed_bulk_assignee", max_chars=200)
    bulk[2].selectbox(
        "Set priority",
        [KEEP, *TRIAGE_PRIORITIES],
        format_func=lambda p: PRIORITY_LABELS.get(p, p),
        key="feed_bulk_priority",
    )
    bulk[3].button("Apply to selected", key="feed_bulk_apply", on_click=_bulk, args=(page_ids,))

zone = display_zone()  # [ui] timezone, UTC by default
for m in page.mentions:
    feed_card(url, m, page_ids, zone)


def _next(cursor: Any) -> None:
    st.session_state[CURSORS] = [*st.session_state[CURSORS], cursor]


def _previous() -> None:
    st.session_state[CURSORS] = st.session_state[CURSORS][:-1] or [None]


nav = st.columns(2)
nav[0].button("Previous page", key="feed_prev", on_click=_previous, disabled=len(cursors) == 1)
nav[1].button(
    "Next page", key="feed_next", on_click=_next, args=(page.next_cursor,), disabled=page.next_cursor is None
)

# ---------------------------------------------------------------- response times

target = queries.resolve_target_hours()
report = queries.response_report(url, brand, since, until, target)
st.subheader("Response times")
st.caption(
    "From when a mention was stored to its first triage change (first action) and to the change that "
    f"resolved it, in hours; resolved within target: of the mentions resolved or older than {target:g} h "
    "([pr] resolve_target_hours), the share resolved in time."
)
COLUMNS = {
    "mentions": "Mentions",
    "acted": "Acted on",
    "resolved": "Resolved",
    "first_action_median_hours": "First action, median (h)",
    "first_action_p90_hours": "First action, p90 (h)",
    "resolve_median_hours": "Resolve, median (h)",
    "resolve_p90_hours": "Resolve, p90 (h)",
    "resolved_within_target_pct": "Resolved within target (%)",
}


def _table(rows: dict[Any, Any], name: str) -> pd.DataFrame:
    frame = pd.DataFrame([{name: k if k is not None else "Unassigned", **vars(v)} for k, v in rows.items()])
    return frame.rename(columns=COLUMNS) if not frame.empty else frame


if report.by_brand:
    st.dataframe(_table(report.by_brand, "Brand"), hide_index=True, key="feed_response_brands")
    st.dataframe(_table(report.by_assignee, "Assignee"), hide_index=True, key="feed_response_assignees")
else:
    st.caption("No negative mentions stored in this period.")
