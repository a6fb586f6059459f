"""The Overview's "why": what moved a brand's net sentiment in the period (``store.kpi.drivers``).

For each side (negative, positive): the mentions that reached the most people, as cards (their text through
``safe.show_text``, never Markdown), and the terms its mentions use this period against the previous one, as
a table (cells are drawn as text).
"""

from __future__ import annotations

from datetime import tzinfo

import pandas as pd
import streamlit as st

from store.kpi import DriverMention, Headline, Period, TermDrivers
from store.kpi.drivers import MIN_TERM_MENTIONS, TEXT_LIMIT
from ui.dashboard import charts, queries, safe
from ui.dashboard.display_time import display_zone, fmt_time

DRIVER_TEXT_CHARS = 400
# Term + four small (75 px) columns fit half of the page at 1440 px.
TERM_WIDTH = 140
REACH_HELP = (
    "Reach = the author's followers + the mention's likes + replies. Spam is left out; a mention naming "
    "several brands counts with the sentiment it gives this brand."
)
TERMS_HELP = (
    "Terms and two-word phrases (character pairs in Chinese and Japanese) used by at least "
    f"{MIN_TERM_MENTIONS} of the period's mentions on this side, with how many used them in the previous "
    "period. Share = mentions using the term / all mentions on this side × 100; change in percentage points. "
    "The brand's own name and query words are left out."
)


def _counts(h: Headline) -> str:
    return (
        f"{charts.fmt_signed(h.net_sentiment)} ({h.positive:,} positive, {h.negative:,} negative, "
        f"{h.neutral:,} neutral)"
    )


def summary_line(now: Headline, before: Headline | None) -> str:
    """Net sentiment now and before, with the counts behind it (numbers only, safe as Markdown)."""
    text = f"Net sentiment {_counts(now)}"
    if before is None:
        return text + "."
    return text + f"; previous period {_counts(before)}."


def _mention_card(m: DriverMention, zone: tzinfo) -> None:
    with st.container(border=True):
        st.text(
            charts.meta_line(
                f"reach {m.reach:,}",
                f"{m.followers:,} followers",
                f"{m.engagement:,} likes + replies",
                m.platform,
                f"by {m.author}" if m.author else None,
                fmt_time(m.published_at, zone),
            )
        )
        safe.show_text(m.text, key=f"driver_full_{m.sentiment}_{m.mention_id}", limit=DRIVER_TEXT_CHARS)
        link = safe.web_link(m.url)
        if link:
            st.link_button("Open source", link)


def _terms_table(drivers: TermDrivers, has_previous: bool) -> None:
    frame = pd.DataFrame(
        [
            {
                "term": t.term,
                "mentions": t.mentions,
                "share": t.share,
                "previous_mentions": t.previous_mentions,
                "share_change": t.share_change,
            }
            for t in drivers.terms
        ],
        columns=["term", "mentions", "share", "previous_mentions", "share_change"],
    )
    columns = ["term", "mentions", "share"] + (["previous_mentions", "share_change"] if has_previous else [])
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        column_order=columns,
        column_config={
            "term": st.column_config.TextColumn("Term", width=TERM_WIDTH),
            "mentions": st.column_config.NumberColumn("Mentions", width="small"),
            "share": st.column_config.NumberColumn("Share %", format="%.1f", width="small"),
            "previous_mentions": st.column_config.NumberColumn("Before", width="small"),
            "share_change": st.column_config.NumberColumn(
                "Change", format="%+.1f", width="small", help="share now − share before, percentage points"
            ),
        },
        placeholder="—",
        key=f"driver_terms_{drivers.sentiment}",
    )


def show_drivers(
    url: str, brand: str, period: Period, previous: Period | None, now: Headline, before: Headline | None
) -> None:
    """The drivers section of ``brand`` in ``period``."""
    st.subheader("What moved net sentiment")
    st.caption(summary_line(now, before))
    zone = display_zone()  # [ui] timezone, UTC by default
    for col, side in zip(st.columns(2), ("negative", "positive"), strict=True):
        with col:
            st.markdown(f"**Widest-reaching {side} mentions**", help=REACH_HELP)
            mentions = queries.top_mentions(url, brand, side, period)
            if not mentions:
                st.caption(f"No {side} mentions in this period.")
            for m in mentions:
                _mention_card(m, zone)
            st.markdown(f"**Terms in {side} mentions**", help=TERMS_HELP)
            drivers = queries.term_drivers(url, brand, side, period, previous)
            before = (
                ""
                if drivers.previous_mentions is None
                else f"; previous period {drivers.previous_mentions:,}"
            )
            st.caption(f"{side.capitalize()} mentions: {drivers.mentions:,}{before}.")
            if drivers.sampled:
                st.caption(f"Terms counted over the newest {TEXT_LIMIT:,} mentions of each period.")
            if drivers.terms:
                _terms_table(drivers, previous is not None)
            elif drivers.mentions:
                st.caption(f"No term is used by {MIN_TERM_MENTIONS} or more of them.")
