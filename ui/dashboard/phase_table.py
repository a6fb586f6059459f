"""The campaign-phase table of the Campaigns page: one row per figure, its value in each window and the
changes against the window before."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from store.kpi.phases import PHASE_FIGURES, CampaignPhases

FIGURE_LABELS = {
    "mentions": "Mentions",
    "sov": "Share of voice %",
    "net_sentiment": "Net sentiment",
    "qw_net_sentiment": "QW net sentiment",
    "qwe": "QWE",
}
PHASE_COLUMNS = {
    "figure": st.column_config.TextColumn("Figure", pinned=True),
    "before": st.column_config.NumberColumn("Before", format="%.1f"),
    "during": st.column_config.NumberColumn("During", format="%.1f"),
    "after": st.column_config.NumberColumn("After", format="%.1f"),
    "during_change": st.column_config.NumberColumn(
        "During − before", format="%+.1f", help="points for shares and sentiment, counts otherwise"
    ),
    "after_change": st.column_config.NumberColumn("After − before", format="%+.1f"),
}


def phase_table(result: CampaignPhases) -> pd.DataFrame:
    """The figures of ``PHASE_FIGURES`` by window, with both changes (None: no figure)."""
    rows = []
    for key in PHASE_FIGURES:
        rows.append(
            {
                "figure": FIGURE_LABELS[key],
                **{p.phase: getattr(p, key) for p in result.phases},
                "during_change": result.during_vs_before[key].change,
                "after_change": result.after_vs_before[key].change,
            }
        )
    return pd.DataFrame(rows, columns=list(PHASE_COLUMNS))
