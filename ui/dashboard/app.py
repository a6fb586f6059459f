"""The brandpulse dashboard: ``brandpulse ui`` (or ``streamlit run ui/dashboard/app.py --server.address
127.0.0.1``: Streamlit alone listens on every interface; see ``ui/dashboard/login.py`` for the password).

This entry script sets up the page, the sidebar (period and database) and the navigation; each page lives in
``ui/dashboard/views/``. The period is in the page's link (``ui/dashboard/view_state.py``). The database URL
is ``BRANDPULSE_DATABASE_URL``, else ``brandpulse.toml``'s ``database.url``.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

# Streamlit runs this file as a script, outside the package: make `ui`, `store` ... importable from a checkout
# even when brandpulse is not installed in editable mode.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

from store.kpi.periods import CUSTOM, DEFAULT_PRESET, PRESETS  # noqa: E402
from ui.dashboard import queries, safe, view_state  # noqa: E402
from ui.dashboard.login import login_gate  # noqa: E402
from ui.urls import masked_url  # noqa: E402

# An emoji favicon is a data: URL; without one the browser fetches each page's :material/…: icon from
# fonts.gstatic.com, a request to an outside host on every page view.
st.set_page_config(page_title="brandpulse", page_icon="📊", layout="wide")
# Nothing else (not even the database's name) before the password, when one is needed.
login_gate(st.get_option("server.address"))


def _database_url() -> str:
    """The URL in force, with a readable stop on a bad configuration or an unreachable database."""
    try:
        url = queries.app_database_url()
    except ValueError as exc:  # ui.config.ConfigError: the message names the key and the problem
        # The message may quote the file (a brand query): shown as text, line by line.
        st.error("Invalid configuration:\n\n" + "\n\n".join(map(safe.md_text, str(exc).splitlines())))
        st.stop()
    try:
        queries.ensure_ready(url)
    except Exception as exc:
        st.error(safe.md_text(f"Cannot open the database {masked_url(url)}: {exc.__class__.__name__}: {exc}"))
        st.stop()
    return url


def _preset_from_link(raw: str) -> str | None:
    return raw if raw in PRESETS else None


def _range_from_link(_: str) -> tuple[date, date] | None:
    since, until = (
        view_state.parse_date(view_state.link_value(view_state.FROM)),
        view_state.parse_date(view_state.link_value(view_state.TO)),
    )
    return (min(since, until), max(since, until)) if since and until else None


def _sidebar(url: str) -> None:
    with st.sidebar:
        view_state.seed(queries.PERIOD_KEY, view_state.PERIOD, _preset_from_link, DEFAULT_PRESET)
        preset = st.selectbox(
            "Period",
            list(PRESETS),
            format_func=PRESETS.get,
            key=queries.PERIOD_KEY,
            help="Every page shows mentions published in this period (whole days, UTC). The Overview "
            "compares it with the period before: as many days just before, the calendar month or quarter "
            "before, or the same days of the month or quarter before for this month or quarter.",
        )
        if preset == CUSTOM:
            view_state.seed(queries.RANGE_KEY, view_state.FROM, _range_from_link, queries.default_range())
            st.date_input("From – to (UTC)", key=queries.RANGE_KEY, format="YYYY-MM-DD")
        preset, period, previous = queries.current_periods()
        st.caption(f"{period.label()} (UTC)")
        if previous is not None:
            st.caption(f"Compared with {previous.label()}")
        custom = preset == CUSTOM and period.since is not None
        view_state.publish(
            {
                view_state.PERIOD: None if preset == DEFAULT_PRESET else preset,
                view_state.FROM: period.since.isoformat() if custom and period.since else None,
                view_state.TO: period.until.isoformat() if custom else None,
            }
        )
        st.caption(f"Database: {safe.md_code(masked_url(url))}")


url = _database_url()
st.session_state["db_url"] = url
_sidebar(url)

page = st.navigation(
    [
        st.Page("views/overview.py", title="Overview", icon=":material/insights:", default=True),
        st.Page("views/campaigns.py", title="Influencers & campaigns", icon=":material/campaign:"),
        st.Page("views/compare.py", title="A/B comparison", icon=":material/compare_arrows:"),
        st.Page("views/discover.py", title="Discover creators", icon=":material/person_search:"),
        st.Page("views/negative_feed.py", title="Negative feed", icon=":material/report:"),
        st.Page("views/alerts.py", title="Alerts", icon=":material/notifications_active:"),
        st.Page("views/explore.py", title="Explore & export", icon=":material/table_view:"),
        st.Page("views/sources.py", title="Sources", icon=":material/dns:"),
    ]
)
page.run()
