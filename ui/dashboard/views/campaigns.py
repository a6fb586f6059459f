"""Influencers & campaigns: each (campaign, influencer) of a brand with raw and quality-weighted figures side
by side, a drill-down into one campaign post's comments with their quality weights and reason codes, and the
brand's figures before, during and after a campaign with a chart marking the windows (``store.kpi.phases``).

The figures come from ``store.kpi.campaign_performance`` and ``store.kpi.post_comment_weights`` (the same
QWE as the Overview); every column's tooltip gives its formula (``ui.dashboard.queries.CAMPAIGN_FORMULAS``).
Comment text, handles and URLs are user-supplied: they are shown as dataframe cells and plain option labels,
never as markdown or HTML.
"""

from __future__ import annotations

import streamlit as st

from store import kpi
from ui.dashboard import campaign_charts, campaign_queries, charts, queries, safe
from ui.dashboard.phase_table import PHASE_COLUMNS, phase_table

F = queries.CAMPAIGN_FORMULAS
HOW_TO_IMPORT = (
    "No campaign results in this period. Import them with `brandpulse import campaigns FILE` (CSV, JSONL "
    "or XLSX with campaign, brand, influencer, platform, post_url or post_external_id, cost, impressions, "
    "clicks, conversions, revenue, start, end), after the campaign posts (`brandpulse import posts FILE`) "
    "and their comments (`brandpulse import mentions FILE`). Or choose a longer period in the sidebar."
)
TABLE_COLUMNS = [
    "campaign",
    "influencer",
    "posts",
    "followers",
    "engagement",
    "qwe",
    "er",
    "qw_er",
    "cost",
    "currency",
    "cpe",
    "cpe_qwe",
    "cpm",
    "ctr",
    "conversions",
    "conversion_rate",
    "revenue",
    "roi",
    "roas",
]

url = queries.current_url()
since, until = queries.current_period()

st.title("Influencers & campaigns")

brands = queries.campaign_brands(url, since, until)
if not brands:
    st.info(HOW_TO_IMPORT)
    st.stop()

brand = st.selectbox(
    "Brand", brands, key="campaigns_brand", help="Brands with campaign results in this period."
)
table = queries.campaigns(url, brand, since, until)
# Traffic tagged with a campaign but no influencer: its own row, with no cost (store.kpi.campaigns).
table.loc[table["campaign_level"].astype(bool), "influencer"] = "— (campaign-level traffic)"
st.caption(
    "One row per campaign and influencer (and one per campaign for traffic tagged with the campaign only: no "
    "cost, so no CPE or ROI). Raw and quality-weighted (QW) figures side by side; hover a column header for "
    "its formula, click it to sort."
)


def _num(label: str, key: str, fmt: str) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(label, format=fmt, help=F[key])


st.dataframe(
    table[TABLE_COLUMNS],
    hide_index=True,
    key="campaigns_table",
    column_config={
        "campaign": st.column_config.TextColumn("Campaign", pinned=True),
        "influencer": st.column_config.TextColumn("Influencer", pinned=True),
        "posts": _num("Posts", "posts", "%d"),
        "followers": _num("Followers", "followers", "localized"),
        "engagement": _num("Engagement", "engagement", "localized"),
        "qwe": _num("QWE", "qwe", "%.1f"),
        "er": _num("ER %", "er", "%.2f"),
        "qw_er": _num("QW-ER %", "qw_er", "%.2f"),
        "cost": _num("Cost", "cost", "%.2f"),
        "currency": st.column_config.TextColumn("Currency", help=F["currency"]),
        "cpe": _num("CPE", "cpe", "%.2f"),
        "cpe_qwe": _num("CPE on QWE", "cpe_qwe", "%.2f"),
        "cpm": _num("CPM", "cpm", "%.2f"),
        "ctr": _num("CTR %", "ctr", "%.2f"),
        "conversions": _num("Conversions", "conversions", "localized"),
        "conversion_rate": _num("Conversion %", "conversion_rate", "%.2f"),
        "revenue": _num("Revenue", "revenue", "%.2f"),
        "roi": _num("ROI %", "roi", "%.1f"),
        "roas": _num("ROAS", "roas", "%.2f"),
    },
)

# ---------------------------------------------------------------- drill-down: one post's comments

st.subheader("Comments behind a campaign post")
rows = queries.campaign_posts(url, brand, since, until)
posts: dict[int, kpi.CampaignPost] = {}
for row in rows:
    if row.post_id is not None:
        posts.setdefault(row.post_id, row)  # a post in two campaigns is listed once
unmatched = sum(1 for row in rows if row.post_id is None)
if unmatched:
    st.caption(
        f"{unmatched} campaign row{'' if unmatched == 1 else 's'} name a post that is not stored (they count "
        "in cost, clicks and revenue, not in engagement): import it with `brandpulse import posts FILE`."
    )
if not posts:
    st.info("No stored campaign post to drill into for this brand and period.")
else:

    def _label(post_id: int) -> str:
        p = posts[post_id]
        day = p.published_at.date().isoformat() if p.published_at else "no date"
        parts = (p.campaign, p.influencer, day, p.title or p.url or p.post_ref or "")
        return " · ".join(safe.isolate(part) for part in parts)

    post_id = st.selectbox("Campaign post", list(posts), format_func=_label, key="campaigns_post")
    post = posts[post_id]

    tiles = st.columns(5)
    for tile, (label, value, key) in zip(
        tiles,
        [
            ("Raw engagement", charts.fmt_int(post.engagement), "post_engagement"),
            ("QWE", charts.fmt_int(post.qwe), "post_qwe"),
            ("Qualified share", charts.fmt_share(post.qualified_share), "qualified_share"),
            ("Inflation", charts.fmt_ratio(post.inflation), "inflation"),
            ("Comments stored", charts.fmt_int(post.comments_stored), "comments_stored"),
        ],
        strict=True,
    ):
        tile.metric(label, value, help=F[key], border=True)

    if post.comments_stored == 0:
        st.caption(
            "No comments stored for this post: s_p = 1, so its QWE is its raw engagement (unverified)."
        )
    else:
        comments = queries.comment_weights(url, post_id)
        st.dataframe(
            comments[["published_at", "author", "text", "sentiment", "spam_score", "weight", "reasons"]],
            hide_index=True,
            key="campaigns_comments",
            column_config={
                "published_at": st.column_config.DatetimeColumn("Published (UTC)", format="YYYY-MM-DD HH:mm"),
                "author": st.column_config.TextColumn("Author"),
                "text": st.column_config.TextColumn("Comment", width="large"),
                "sentiment": st.column_config.TextColumn("Sentiment"),
                "spam_score": st.column_config.NumberColumn("p_spam", format="%.2f"),
                "weight": _num("Weight q_c", "weight", "%.2f"),
                "reasons": st.column_config.TextColumn("Reason codes", help=F["reasons"]),
            },
        )

# ---------------------------------------------------------------- before, during and after a campaign

st.subheader("Before, during and after", help=campaign_queries.PHASE_HELP)
spans = {s.campaign: s for s in campaign_queries.campaign_spans(url, brand)}
if not spans:
    st.caption("No campaign of this brand has a start date or a stored post: no windows to compare.")
else:
    chosen = st.selectbox("Campaign", list(spans), key="campaigns_phase_campaign", format_func=safe.isolate)
    before_days, after_days = campaign_queries.phase_settings()
    phased = campaign_queries.campaign_phases(url, brand, spans[chosen], before_days, after_days)
    st.dataframe(
        phase_table(phased), hide_index=True, key="campaigns_phase_table", column_config=PHASE_COLUMNS
    )
    first, last = phased.phase("before").since, phased.phase("after").until
    days = campaign_queries.daily_mentions(url, brand, first, last)
    st.altair_chart(campaign_charts.phase_chart(days, phased), key="campaigns_phase_chart")
