"""Sources: the last crawl run of each spider, its items, errors and quarantine reasons.

A source whose last run stored nothing gets a red banner: a changed page layout or a block looks exactly
like that. So does a run still "running" hours after its start: a killed crawler never records its finish.
Spider names and check details are escaped (``ui.dashboard.safe.md_text``) before they go into a banner.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.dashboard import queries, safe
from ui.dashboard.display_time import display_zone, fmt_time

url = queries.current_url()

st.title("Sources")

runs = queries.sources(url, queries.alert_settings().max_run_hours)
if not runs:
    st.info("No crawl has run yet. Run `brandpulse crawl` (or `brandpulse demo` for a sample dataset).")
    st.stop()

zone = display_zone()  # [ui] timezone, UTC by default
for run in runs:
    spider = safe.md_text(run.spider)
    if run.stuck:
        started = fmt_time(run.started_at, zone)
        st.error(
            f"{spider}: the last run (#{run.last_run_id}) started {started} and never recorded a finish. "
            "The crawler was probably killed (out of memory, a restart) or hangs, and what it fetched is not "
            "counted: check its log and run `brandpulse crawl` again.",
            icon=":material/error:",
        )
    elif run.status == "running":
        st.info(f"{spider}: a run (#{run.last_run_id}) is in progress; its counts come when it finishes.")
    elif run.items == 0:
        st.error(
            f"{spider}: the last run (#{run.last_run_id}, {safe.md_text(run.status)}) stored zero items. "
            "The source may have changed its layout, blocked the crawler, or had nothing new; check its "
            "errors and quarantine reasons below.",
            icon=":material/error:",
        )
    elif run.health == "warning":
        st.warning(
            f"{spider}: the last run's health checks failed: "
            + "; ".join(map(safe.md_text, run.failed_checks)),
            icon=":material/warning:",
        )

table = pd.DataFrame(
    [
        {
            "source": run.spider,
            "last run": run.last_run_id,
            "started": fmt_time(run.started_at, zone),
            "finished": fmt_time(run.finished_at, zone),
            "status": "stuck (no finish recorded)" if run.stuck else run.status,
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
