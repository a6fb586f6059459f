"""Explore & export: filter the labeled mentions, look at them, download exactly those rows, and correct a
mention's sentiment or spam label.

The table and the three downloads come from one frame (``store.export.export_frame``), written by
``store.export.export_bytes``: the same code as ``brandpulse export``.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from store.export import MIME_TYPES, ExportFilter
from ui.dashboard import queries, safe
from ui.dashboard.correction_form import correction_controls

DISPLAY_LIMIT = 1_000
ANY = "Any"
SPAM_LABELS = {"exclude": "Exclude spam", "include": "Include spam", "only": "Only spam"}
FORMAT_LABELS = {"csv": "CSV", "parquet": "Parquet", "jsonl": "JSONL"}

url = queries.current_url()
period_since, period_until = queries.current_period()
options = queries.filter_options(url)


def _any(value: str) -> str | None:
    return None if value == ANY else value


st.title("Explore & export")

row1 = st.columns(4)
brand = row1[0].selectbox("Brand", [ANY, *queries.brand_names(url)], key="explore_brand")
platform = row1[1].selectbox("Source", [ANY, *options.platforms], key="explore_platform")
lang = row1[2].selectbox("Language", [ANY, *options.languages], key="explore_lang")
sentiment = row1[3].selectbox("Sentiment", [ANY, "positive", "negative", "neutral"], key="explore_sentiment")

row2 = st.columns([2, 2])
spam = row2[0].segmented_control(
    "Spam",
    list(queries.SPAM_MODES),
    default="exclude",
    format_func=SPAM_LABELS.get,
    key="explore_spam",
    required=True,
)
# "All time" starts as an empty range: no date bound at all.
dates = row2[1].date_input(
    "Published between (UTC); empty = any time",
    value=(period_since, period_until) if period_since else (),
    key=f"explore_dates_{period_since}_{period_until}",  # a new sidebar period resets the range
)
since: date | None = dates[0] if len(dates) > 0 else None
until: date | None = dates[1] if len(dates) > 1 else None

flt = ExportFilter(
    brand=_any(brand),
    since=since,
    until=until,
    sentiment=_any(sentiment),
    platform=_any(platform),
    lang=_any(lang),
)
frame = queries.explore_frame(url, flt, spam or "exclude")
total = len(frame)
shown = min(total, DISPLAY_LIMIT)
st.subheader(f"{total:,} matching row{'' if total == 1 else 's'}")
if total > DISPLAY_LIMIT:
    st.caption(f"Showing the newest {shown:,}; the downloads hold all {total:,}.")
st.caption("One row per (mention, brand): a mention that names two brands appears twice.")

st.dataframe(
    frame.head(DISPLAY_LIMIT),
    hide_index=True,
    # url stays a text column: a crawled URL is user data and must not become a clickable javascript: link.
    column_config={
        "published_at": st.column_config.DatetimeColumn("published_at", format="YYYY-MM-DD HH:mm"),
    },
)

stem = "-".join(["brandpulse-mentions", *(d.isoformat() for d in (since, until) if d)])
buttons = st.container(horizontal=True)
for fmt, label in FORMAT_LABELS.items():
    # The bytes are built on click only (a callable), so reruns never re-encode the whole frame.
    buttons.download_button(
        f"Download {label}",
        data=lambda fmt=fmt: queries.export_file(url, flt, spam or "exclude", fmt),
        file_name=f"{stem}.{fmt}",
        mime=MIME_TYPES[fmt],
        key=f"download_{fmt}",
        disabled=total == 0,
        on_click="ignore",
        icon=":material/download:",
    )

st.subheader("Correct a label")
shown_mentions = frame.head(DISPLAY_LIMIT).drop_duplicates("mention_id").set_index("mention_id")
if shown_mentions.empty:
    st.caption("No mention matches the filters.")
else:
    st.caption(
        "Pick a mention shown above and set its right labels. The correction replaces the model's label "
        "everywhere (KPIs, feed, exports) and is kept for training "
        "(`brandpulse train --include-corrections`)."
    )
    picked = st.selectbox(
        "Mention",
        [int(i) for i in shown_mentions.index],
        format_func=lambda i: f"#{i} · {safe.isolate(shown_mentions.at[i, 'text'][:80])}",
        key="correct_mention",
    )
    if picked is not None:
        row = shown_mentions.loc[picked]
        safe.show_text(row["text"], key=f"explore_full_{picked}")
        correction_controls(
            url,
            int(picked),
            row["sentiment"] if isinstance(row["sentiment"], str) else None,
            None if pd.isna(row["is_spam"]) else bool(row["is_spam"]),
            key="explore",
            ask_who=True,
        )
