"""Discover: creators whose posts talk about a brand's category (its competitor group), ranked and vetted:
relevance, quality-weighted engagement rate, inflation, audience fit with the brand's markets, follower
growth, consistency and brand-safety flags (``store.kpi.influencers``).

Every figure's tooltip gives its formula (``INFLUENCER_FORMULAS``). Handles are user-supplied: shown as
dataframe cells and plain option labels, never as Markdown or HTML.
"""

from __future__ import annotations

import streamlit as st

from store.kpi.influencers import INFLUENCER_FORMULAS, NOT_SHOWN, SORT_KEYS
from ui.dashboard import discover_queries, queries, safe

F = INFLUENCER_FORMULAS
SORT_LABELS = {
    "score": "Score",
    "relevance": "Relevance",
    "qw_er": "QW-ER",
    "er": "ER",
    "audience_fit": "Audience fit",
    "follower_growth_pct_week": "Follower growth %/week",
    "posts_per_week": "Posts per week",
    "followers": "Followers",
}
# (column, label, format, formula key): the table, left to right.
COLUMNS = [
    ("rank", "#", "%d", None),
    ("followers", "Followers", "localized", None),
    ("posts", "Posts", "%d", None),
    ("relevance", "Relevance %", "%.1f", "relevance"),
    ("qw_er", "QW-ER %", "%.2f", "qw_er"),
    ("er", "ER %", "%.2f", "er"),
    ("inflation", "Inflation ×", "%.2f", "inflation"),
    ("audience_fit", "Audience fit %", "%.1f", "audience_fit"),
    ("region_fit", "Region fit %", "%.1f", "region_fit"),
    ("follower_growth", "Follower growth", "%+d", "follower_growth"),
    ("follower_growth_pct_week", "Growth %/week", "%+.2f", "follower_growth_pct_week"),
    ("posts_per_week", "Posts/week", "%.2f", "posts_per_week"),
    ("active_weeks_pct", "Weeks active %", "%.1f", "active_weeks_pct"),
    ("negative_share", "Negative comments %", "%.1f", "negative_share"),
    ("spam_share", "Spam comments %", "%.1f", "spam_share"),
    ("score", "Score", "%.3f", "score"),
]

url = queries.current_url()
since, until = queries.current_period()

st.title("Discover creators")
st.caption(
    "Creators whose posts talk about a brand's category (the brands of its competitor group), from the posts "
    "and comments in the store, in the sidebar's period. Hover a column header or a figure for its formula."
)
st.info(NOT_SHOWN, icon=":material/visibility_off:")

brands = queries.brand_names(url)
if not brands:
    st.info(
        "No brands yet. Configure brands in `brandpulse.toml` and collect posts (`brandpulse crawl`) or "
        "import them (`brandpulse import posts FILE`, then `brandpulse import mentions FILE` for comments)."
    )
    st.stop()
home = queries.home_brand()
left, right = st.columns(2)
brand = left.selectbox(
    "Brand",
    brands,
    index=brands.index(home) if home in brands else 0,
    key="discover_brand",
    help="Creators are searched in this brand's category: every brand sharing its competitor group.",
)
sort = right.selectbox(
    "Rank by",
    SORT_KEYS,
    format_func=SORT_LABELS.get,
    key="discover_sort",
    help="Highest first; creators without the figure come last. " + F["score"],
)
category = queries.comparison_set(url, brand)
languages, regions = discover_queries.brand_markets(brand)
st.caption(f"Category: {safe.md_text(', '.join(category))}")
if languages:
    where = f"; regions: {', '.join(regions)}" if regions else ""
    st.caption(f"Target markets: languages {', '.join(languages)}{where}")
else:
    st.warning(
        f"{safe.md_text(brand)} has no target markets, so audience fit is not computed and the score is "
        'QW-ER × relevance / 100. Set them under its `[[brands]]` entry: `markets = ["vi", "en"]` and, '
        'optionally, `regions = ["VN"]`.'
    )

table = discover_queries.influencers(url, brand, since, until, languages, regions, sort)
if table.empty:
    st.info(
        "No creator posted about this category in this period. Choose a longer period in the sidebar, or "
        "collect or import more posts."
    )
    st.stop()


def _column(label: str, fmt: str, key: str | None) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(label, format=fmt, help=F[key] if key else None)


st.dataframe(
    table[["creator", *(c for c, *_ in COLUMNS), "flags"]],
    hide_index=True,
    key="discover_table",
    column_config={
        "creator": st.column_config.TextColumn("Creator", pinned=True),
        **{col: _column(label, fmt, key) for col, label, fmt, key in COLUMNS},
        "flags": st.column_config.TextColumn("Brand-safety flags", help=F["flags"]),
    },
)

# ---------------------------------------------------------------- one creator, vetted

st.subheader("Vet a creator")
rows = table.to_dict("records")
choice = st.selectbox(
    "Creator",
    range(len(rows)),
    format_func=lambda i: safe.isolate(f"{rows[i]['rank']}. {rows[i]['creator']}"),
    key="discover_creator",
)
row = rows[choice]


def _figure(value: object, fmt: str) -> str:
    """A figure as shown on a card; an empty one (a zero denominator, nothing stored to tell) is "–"."""
    if value is None or value != value:  # None or NaN
        return "–"
    return fmt.format(value)


cards = [
    ("Relevance", row["relevance"], "{:.1f} %", "relevance"),
    ("QW-ER", row["qw_er"], "{:.2f} %", "qw_er"),
    ("ER", row["er"], "{:.2f} %", "er"),
    ("Inflation", row["inflation"], "{:.2f}×", "inflation"),
    ("Audience fit", row["audience_fit"], "{:.1f} %", "audience_fit"),
    ("Region fit", row["region_fit"], "{:.1f} %", "region_fit"),
    ("Follower growth", row["follower_growth"], "{:+,.0f}", "follower_growth"),
    ("Growth per week", row["follower_growth_per_week"], "{:+,.1f}", "follower_growth_per_week"),
    ("Growth %/week", row["follower_growth_pct_week"], "{:+.2f} %", "follower_growth_pct_week"),
    ("Posts per week", row["posts_per_week"], "{:.2f}", "posts_per_week"),
    ("Weeks active", row["active_weeks_pct"], "{:.1f} %", "active_weeks_pct"),
    ("Negative comments", row["negative_share"], "{:.1f} %", "negative_share"),
    ("Spam comments", row["spam_share"], "{:.1f} %", "spam_share"),
    ("Score", row["score"], "{:.3f}", "score"),
]
for start in range(0, len(cards), 4):
    for col, (label, value, fmt, key) in zip(st.columns(4), cards[start : start + 4], strict=False):
        col.metric(label, _figure(value, fmt), help=F[key])
st.caption(
    f"{row['posts']} posts in the period ({row['category_posts']} about the category), {row['comments']} "
    f"comments by others, {row['commenters']} commenters with a known language, {row['snapshots']} "
    "follower snapshots."
)
st.text("Brand-safety flags: " + (row["flags"] or "none"))
