"""Sources: the last crawl run of each spider, its items, errors and quarantine reasons.

A source whose last run stored nothing gets a red banner: a changed page layout or a block looks exactly
like that.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import charts, queries

url = queries.current_url()

st.title("Sources")

runs = queries.sources(url)
if not runs:
    st.info("No crawl has run yet. Run `brandpulse crawl` (or `brandpulse demo` for a sample dataset).")
    st.stop()

for run in runs:
    if run.items == 0:
        st.error(
            f"{run.spider}: the last run (#{run.last_run_id}, {run.status}) stored zero items. "
            "The source may have changed its layout, blocked the crawler, or had nothing new; check its "
            "errors and quarantine reasons below.",
            icon=":material/error:",
        )
    elif run.health == "warning":
        st.warning(
            f"{run.spider}: the last run's health checks failed: " + "; ".join(run.failed_checks),
            icon=":material/warning:",
        )

tz_name = st.context.timezone
table = pd.DataFrame(
    [
        {
            "source": run.spider,
            "last run": run.last_run_id,
            "started": charts.fmt_time(run.started_at, tz_name),
            "finished": charts.fmt_time(run.finished_at, tz_name),
            "status": run.status,
            "health": run.health,
            "items": run.items,
            "quarantined": run.quarantined,
            "errors": run.errors,
            "quarantine reasons": ", ".join(
                f"{reason} ({n})" for reason, n in sorted(run.quarantine_reasons.items())
            )
            or "—",
        }
        for run in runs
    ]
)
st.dataframe(table, hide_index=True)
st.caption("Quarantined records are kept with their reason in the `quarantined_record` table, never dropped.")
