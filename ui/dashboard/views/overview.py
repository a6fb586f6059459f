"""Overview: a brand's voice, sentiment and engagement in the sidebar's period against its comparison set,
each KPI with its change against the previous period, the weekly trend, and what moved net sentiment.

The brand opens on ``home_brand`` of ``brandpulse.toml`` (else the busiest brand of the period); the brand,
its comparison group and the period are in the page's link (``ui/dashboard/view_state.py``).
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from store.kpi import FORMULAS, MIN_WEEK_MENTIONS, Change, previous_label
from ui.dashboard import charts, queries, safe, view_state
from ui.dashboard.drivers_panel import show_drivers
from ui.urls import masked_url

ALL_GROUPS_LABEL = "All brands"

url = queries.current_url()
preset, period, previous = queries.current_periods()

st.title("Overview")

brands = queries.brand_names(url)
if not brands:
    st.info(
        f"No data yet in {safe.md_code(masked_url(url))}. `brandpulse demo` loads a sample dataset and, in a "
        "folder without a `brandpulse.toml`, writes one pointing at it: start `brandpulse ui` again in that "
        "folder. Or configure brands in `brandpulse.toml` and run `brandpulse crawl` (then "
        "`brandpulse label`) to collect your own mentions, or `brandpulse import` a platform export."
    )
    st.stop()

all_voice = queries.share_of_voice(url, None, period.since, period.until)
if int(all_voice["mentions"].sum()) == 0:
    st.info(
        "No mentions in this period. Choose a longer period in the sidebar, or run `brandpulse crawl` "
        "and `brandpulse label` (or `brandpulse demo` for a sample dataset)."
    )
    st.stop()

# ---------------------------------------------------------------- brand and comparison set

# Our own brand first (home_brand), else the most talked-about; ties go to the first by name.
home = queries.home_brand()
busiest = all_voice.sort_values("mentions", ascending=False, kind="stable").iloc[0]["brand"]
default_brand = home if home in brands else busiest
groups = queries.brand_groups(url)
group_options = [*sorted({g for g in groups.values() if g}), view_state.ALL_GROUPS]


def _own_group(name: str) -> str:
    return groups.get(name) or view_state.ALL_GROUPS


view_state.seed("overview_brand", view_state.BRAND, lambda raw: raw if raw in brands else None, default_brand)
if st.session_state["overview_brand"] not in brands:  # a brand gone from the store
    st.session_state["overview_brand"] = default_brand
picker = st.columns([2, 2, 3])
brand = picker[0].selectbox("Brand", brands, key="overview_brand")
view_state.seed(
    "overview_group", view_state.GROUP, lambda raw: raw if raw in group_options else None, _own_group(brand)
)
# Another brand picked (or a group gone from the store): compare the brand with its own group again.
if st.session_state.get("overview_group_of") not in (None, brand) or (
    st.session_state["overview_group"] not in group_options
):
    st.session_state["overview_group"] = _own_group(brand)
st.session_state["overview_group_of"] = brand
group = picker[1].selectbox(
    "Compared with",
    group_options,
    format_func=lambda g: ALL_GROUPS_LABEL if g == view_state.ALL_GROUPS else f"Group: {safe.isolate(g)}",
    key="overview_group",
    help="The comparison set of share of voice: the brands of a competitor group, or every brand.",
)
view_state.publish(
    {
        view_state.BRAND: None if brand == default_brand else brand,
        view_state.GROUP: None if group == _own_group(brand) else group,
    }
)
peers = tuple(queries.group_comparison_set(url, brand, None if group == view_state.ALL_GROUPS else group))
# Brand names are user data: escaped, so a name never renders as a link, an image or markup.
st.caption("Comparison set: " + ", ".join(safe.md_text(p) for p in peers))

# ---------------------------------------------------------------- KPI cards with their changes

now, before, changes = queries.headline(url, brand, peers, period, previous)
versus = previous_label(preset, period) if previous is not None else None


def _count_delta(c: Change) -> str | int | None:
    if c.change is None:
        return None
    if round(c.change) == 0:
        return 0  # a grey "0", no arrow
    text = f"{c.change:+,.0f}"
    return text if c.relative is None else f"{text} ({c.relative:+,.0f} %)"


def _point_delta(c: Change, unit: str = "", digits: int = 1) -> str | int | None:
    if c.change is None:
        return None
    if round(c.change, digits) == 0:
        return 0
    return f"{c.change:+.{digits}f}{unit}"


def _tile(
    col: DeltaGenerator, label: str, value: str, delta: str | int | None, *, help: str, inverse: bool = False
) -> None:
    col.metric(
        label,
        value,
        delta=delta,
        delta_color="inverse" if inverse else "normal",
        delta_description=versus if delta is not None else None,
        help=help,
        border=True,
    )


tiles = st.columns(4)
_tile(
    tiles[0],
    "Mentions",
    charts.fmt_int(now.mentions),
    _count_delta(changes["mentions"]),
    help=FORMULAS["mentions"],
)
_tile(
    tiles[1],
    "Share of voice",
    charts.fmt_pct(now.sov),
    _point_delta(changes["sov"], " pp"),
    help=FORMULAS["sov"],
)
_tile(
    tiles[2],
    "Net sentiment",
    charts.fmt_signed(now.net_sentiment),
    _point_delta(changes["net_sentiment"]),
    help=f"{FORMULAS['net_sentiment']}. Positive {charts.fmt_pct(now.positive_pct)}, "
    f"negative {charts.fmt_pct(now.negative_pct)}.",
)
_tile(
    tiles[3],
    "Spam rate",
    charts.fmt_pct(now.spam_rate),
    _point_delta(changes["spam_rate"], " pp"),
    help=FORMULAS["spam_rate"],
    inverse=True,
)
tiles = st.columns(3)
_tile(
    tiles[0],
    "Raw engagement",
    charts.fmt_int(now.engagement),
    _count_delta(changes["engagement"]),
    help=FORMULAS["engagement"],
)
_tile(
    tiles[1],
    "Quality-weighted engagement",
    charts.fmt_int(now.qwe),
    _count_delta(changes["qwe"]),
    help=FORMULAS["qwe"],
)
_tile(
    tiles[2],
    "Inflation",
    charts.fmt_ratio(now.inflation),
    _point_delta(changes["inflation"], "×", 2),
    help=FORMULAS["inflation"],
    inverse=True,
)
if previous is None:
    st.caption("All time has no previous period to compare with.")
else:
    st.caption(
        f"Changes against {previous.label()} ({(versus or '').removeprefix('vs ')}): counts with their "
        "relative change, shares in percentage points (pp). No change shown: no figure in one of the periods."
    )

# ---------------------------------------------------------------- charts

voice = queries.share_of_voice(url, peers, period.since, period.until)
engagement = queries.engagement_by_brand(url, peers, period.since, period.until)

left, right = st.columns([2, 3])
with left:
    st.altair_chart(charts.sov_chart(voice), width="stretch")
with right:
    weeks = queries.sentiment_by_week(url, peers, period)
    if weeks.empty or int(weeks["mentions"].sum()) == 0:
        st.caption("Net sentiment by week: no mentions in this period.")
    else:
        st.altair_chart(
            charts.weekly_sentiment_chart(weeks, brand, list(peers), MIN_WEEK_MENTIONS), width="stretch"
        )
        st.caption(
            f"Bars: {safe.md_text(brand)}'s mentions per week. Lines: net sentiment of weeks with at least "
            f"{MIN_WEEK_MENTIONS} labeled mentions; a gap where a week has fewer."
        )

show_drivers(url, brand, period, previous, now, before)

# ---------------------------------------------------------------- comparison set

st.subheader("Comparison set")
pct = "%.1f"
small = "small"
st.dataframe(
    voice[
        [
            "brand",
            "mentions",
            "sov",
            "net_sentiment",
            "positive",
            "negative",
            "neutral",
            "net_sentiment_sov",
            "sov_engagement",
            "sov_reach",
            "spam_rate",
        ]
    ],
    hide_index=True,
    width="stretch",
    placeholder=charts.MISSING,
    column_config={
        # Widths in pixels: every header whole, and the table within the page at 1,440 px (960 px in all).
        "brand": st.column_config.TextColumn("Brand", width=140, pinned=True),
        "mentions": st.column_config.NumberColumn("Mentions", help=FORMULAS["mentions"], width=75),
        "sov": st.column_config.NumberColumn("SOV %", format=pct, help=FORMULAS["sov"], width=70),
        "net_sentiment": st.column_config.NumberColumn(
            "Net sentiment", format="%+.1f", help=FORMULAS["net_sentiment"], width=105
        ),
        "positive": st.column_config.NumberColumn("P", help="positive mentions (spam excluded)", width=45),
        "negative": st.column_config.NumberColumn("N", help="negative mentions (spam excluded)", width=45),
        "neutral": st.column_config.NumberColumn("U", help="neutral mentions (spam excluded)", width=45),
        "net_sentiment_sov": st.column_config.NumberColumn(
            "Net-sentiment SOV %", format=pct, help=FORMULAS["net_sentiment_sov"], width=145
        ),
        "sov_engagement": st.column_config.NumberColumn(
            "Engagement SOV %", format=pct, help=FORMULAS["sov_engagement"], width=135
        ),
        "sov_reach": st.column_config.NumberColumn(
            "Reach SOV %", format=pct, help=FORMULAS["sov_reach"], width=100
        ),
        "spam_rate": st.column_config.NumberColumn(
            "Spam %", format=pct, help=FORMULAS["spam_rate"], width=70
        ),
    },
    key="overview_voice_table",
)

left, right = st.columns(2)
with left:
    st.altair_chart(charts.engagement_chart(engagement), width="stretch")
with right:
    st.dataframe(
        engagement[["brand", "posts", "engagement", "qwe", "inflation"]],
        hide_index=True,
        width="stretch",
        placeholder=charts.MISSING,
        column_config={
            "brand": st.column_config.TextColumn("Brand", width=140, pinned=True),
            "posts": st.column_config.NumberColumn("Posts", width=small),
            "engagement": st.column_config.NumberColumn("Raw E", help=FORMULAS["engagement"], width=small),
            "qwe": st.column_config.NumberColumn("QWE", format="%.1f", help=FORMULAS["qwe"], width=small),
            "inflation": st.column_config.NumberColumn(
                "Inflation", format="%.2f", help=FORMULAS["inflation"], width=small
            ),
        },
        key="overview_engagement_table",
    )
