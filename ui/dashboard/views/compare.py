"""A/B comparison: a brand's campaign posts grouped by influencer, post, format or posting time, compared
on ER, QW-ER, CPE (bootstrap intervals over posts), CTR and conversion rate (Wilson intervals), each group
against the first chosen, with a plain-language verdict. Figures from ``store.kpi.ab`` (as ``brandpulse
compare``). Group names are user-supplied (handles, post ids): shown as option labels, table cells and
plain text."""

from __future__ import annotations

import streamlit as st

from store.kpi.ab import LABELS, METRICS
from ui.dashboard import campaign_charts, campaign_queries, queries, safe

DIMENSIONS = {
    "influencer": "Influencer",
    "post": "Post",
    "format": "Format (platform/kind)",
    "hour": "Posting time ([ui] timezone)",
}

url = queries.current_url()
since, until = queries.current_period()

st.title("A/B comparison")
brands = queries.campaign_brands(url, since, until)
if not brands:
    st.info(
        "No campaign posts in this period to compare. Import campaign results with `brandpulse import "
        "campaigns FILE` and their posts with `brandpulse import posts FILE`, or choose a longer period."
    )
    st.stop()

brand = st.selectbox("Brand", brands, key="ab_brand")
by = st.radio("Compare by", list(DIMENSIONS), format_func=DIMENSIONS.get, horizontal=True, key="ab_by")
options = campaign_queries.ab_groups(url, brand, by, since, until)
chosen = st.multiselect(
    "Groups (the first is the baseline)",
    options,
    default=options[:2],
    key=f"ab_groups_{by}",
    help=campaign_queries.AB_HELP,
    format_func=safe.isolate,  # group names are handles and post ids: an RTL override stays in its label
)
if len(chosen) < 2:
    st.info("Choose at least two groups to compare.")
    st.stop()

result = campaign_queries.ab_compare(url, brand, by, tuple(chosen), since, until)
st.caption(
    f"Intervals at {result.confidence * 100:g} %; bootstrap with {result.resamples:,} resamples, seed "
    f"{result.seed} (the same data always gives the same intervals)."
)

table = [
    {
        "group": g.group,
        "posts": g.posts,
        **{m: g.estimates[m].value for m in METRICS},
    }
    for g in result.groups
]
st.dataframe(
    table,
    hide_index=True,
    key="ab_table",
    column_config={
        "group": st.column_config.TextColumn("Group", pinned=True),
        "posts": st.column_config.NumberColumn("Posts", format="%d"),
        "er": st.column_config.NumberColumn("ER %", format="%.2f"),
        "qw_er": st.column_config.NumberColumn("QW-ER %", format="%.2f"),
        "cpe": st.column_config.NumberColumn("CPE", format="%.2f"),
        "ctr": st.column_config.NumberColumn("CTR %", format="%.2f"),
        "conversion_rate": st.column_config.NumberColumn("Conversion %", format="%.2f"),
    },
)

for metric in METRICS:
    st.subheader(LABELS[metric].capitalize() if metric == "conversion_rate" else LABELS[metric])
    for c in result.comparisons:
        if c.metric == metric:
            # Plain text: the verdict names user-supplied groups.
            st.text(c.verdict)
    st.altair_chart(campaign_charts.ab_chart(result, metric, LABELS[metric]), key=f"ab_chart_{metric}")
