"""Overview: a brand's voice, sentiment and engagement against its comparison set, in the sidebar's period."""

from __future__ import annotations

import streamlit as st

from store.kpi import FORMULAS
from ui.dashboard import charts, queries, safe

url = queries.current_url()
since, until = queries.current_period()

st.title("Overview")

brands = queries.brand_names(url)
if not brands:
    st.info(
        "No data yet. Run `brandpulse demo` to load a sample dataset, or configure brands in "
        "`brandpulse.toml` and run `brandpulse crawl` (then `brandpulse label`) to collect your own mentions."
    )
    st.stop()

all_voice = queries.share_of_voice(url, None, since, until)
if int(all_voice["mentions"].sum()) == 0:
    st.info(
        "No mentions in this period. Choose a longer period in the sidebar, or run `brandpulse crawl` "
        "and `brandpulse label` (or `brandpulse demo` for a sample dataset)."
    )
    st.stop()

# Default to the most talked-about brand; ties go to the first by name (the store returns names in order).
busiest = all_voice.sort_values("mentions", ascending=False, kind="stable").iloc[0]["brand"]
brand = st.selectbox("Brand", brands, index=brands.index(busiest), key="overview_brand")
peers = tuple(queries.comparison_set(url, brand))
# Brand names are user data: escaped, so a name never renders as a link, an image or markup.
st.caption("Comparison set: " + ", ".join(safe.md_text(p) for p in peers))

voice = queries.share_of_voice(url, peers, since, until)
engagement = queries.engagement_by_brand(url, peers, since, until)
v = voice.set_index("brand").loc[brand]
e = engagement.set_index("brand").loc[brand]

voice_cols = st.columns(4)
voice_cols[0].metric("Mentions", charts.fmt_int(v["mentions"]), help=FORMULAS["mentions"], border=True)
voice_cols[1].metric("Share of voice", charts.fmt_pct(v["sov"]), help=FORMULAS["sov"], border=True)
voice_cols[2].metric(
    "Net sentiment",
    charts.fmt_signed(v["net_sentiment"]),
    help=f"{FORMULAS['net_sentiment']}. Positive {charts.fmt_pct(v['positive_pct'])}, "
    f"negative {charts.fmt_pct(v['negative_pct'])}.",
    border=True,
)
voice_cols[3].metric("Spam rate", charts.fmt_pct(v["spam_rate"]), help=FORMULAS["spam_rate"], border=True)

eng_cols = st.columns(3)
eng_cols[0].metric(
    "Raw engagement", charts.fmt_int(e["engagement"]), help=FORMULAS["engagement"], border=True
)
eng_cols[1].metric("Quality-weighted engagement", charts.fmt_int(e["qwe"]), help=FORMULAS["qwe"], border=True)
eng_cols[2].metric("Inflation", charts.fmt_ratio(e["inflation"]), help=FORMULAS["inflation"], border=True)

left, right = st.columns(2)
with left:
    st.altair_chart(charts.sov_chart(voice), width="stretch")
with right:
    points = queries.net_sentiment_by_day(url, peers, since, until)
    if points.empty:
        st.caption("Net sentiment over time: no labeled, non-spam mentions in this period.")
    else:
        st.altair_chart(charts.net_sentiment_chart(points, list(peers)), width="stretch")

left, right = st.columns(2)
with left:
    st.altair_chart(charts.engagement_chart(engagement), width="stretch")
with right:
    table = voice.merge(
        engagement[["brand", "posts", "engagement", "qwe", "inflation"]],
        on="brand",
        suffixes=("_mentions", ""),
    )
    pct = "%.1f"
    st.dataframe(
        table[
            [
                "brand",
                "mentions",
                "sov",
                "spam_rate",
                "positive",
                "negative",
                "neutral",
                "net_sentiment",
                "net_sentiment_sov",
                "sov_engagement",
                "sov_reach",
                "posts",
                "engagement",
                "qwe",
                "inflation",
            ]
        ],
        hide_index=True,
        column_config={
            "brand": st.column_config.TextColumn("Brand"),
            "mentions": st.column_config.NumberColumn("Mentions", help=FORMULAS["mentions"]),
            "sov": st.column_config.NumberColumn("SOV %", format=pct, help=FORMULAS["sov"]),
            "spam_rate": st.column_config.NumberColumn("Spam %", format=pct, help=FORMULAS["spam_rate"]),
            "positive": st.column_config.NumberColumn("P"),
            "negative": st.column_config.NumberColumn("N"),
            "neutral": st.column_config.NumberColumn("U"),
            "net_sentiment": st.column_config.NumberColumn(
                "Net sentiment", format="%+.1f", help=FORMULAS["net_sentiment"]
            ),
            "net_sentiment_sov": st.column_config.NumberColumn(
                "Net-sentiment SOV %", format=pct, help=FORMULAS["net_sentiment_sov"]
            ),
            "sov_engagement": st.column_config.NumberColumn(
                "Engagement SOV %", format=pct, help=FORMULAS["sov_engagement"]
            ),
            "sov_reach": st.column_config.NumberColumn("Reach SOV %", format=pct, help=FORMULAS["sov_reach"]),
            "posts": st.column_config.NumberColumn("Posts"),
            "engagement": st.column_config.NumberColumn("Raw engagement", help=FORMULAS["engagement"]),
            "qwe": st.column_config.NumberColumn("QWE", format="%.1f", help=FORMULAS["qwe"]),
            "inflation": st.column_config.NumberColumn(
                "Inflation", format="%.2f", help=FORMULAS["inflation"]
            ),
        },
    )
