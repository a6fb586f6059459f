"""The brandpulse dashboard: ``brandpulse ui`` (or ``streamlit run ui/dashboard/app.py --server.address
127.0.0.1``: Streamlit alone listens on every interface; see ``ui/dashboard/login.py`` for the password).

This entry script sets up the page, the sidebar (period and database) and the navigation; each page lives in
``ui/dashboard/views/``. The database URL is ``BRANDPULSE_DATABASE_URL``, else ``brandpulse.toml``'s
``database.url``.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Streamlit runs this file as a script, outside the package: make `ui`, `store` ... importable from a checkout
# even when brandpulse is not installed in editable mode.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

from ui.dashboard import queries, safe  # noqa: E402
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


def _sidebar(url: str) -> None:
    with st.sidebar:
        label = st.selectbox(
            "Period",
            list(queries.PERIODS),
            index=list(queries.PERIODS).index(queries.DEFAULT_PERIOD),
            key="period",
            help="Every page shows mentions published in this period (whole days, UTC).",
        )
        since, until = queries.period_bounds(label)
        st.caption(f"{since.isoformat() if since else 'first mention'} → {until.isoformat()} (UTC)")
        st.caption(f"Database: {safe.md_code(masked_url(url))}")


url = _database_url()
st.session_state["db_url"] = url
_sidebar(url)

page = st.navigation(
    [
        st.Page("views/overview.py", title="Overview", icon=":material/insights:", default=True),
        st.Page("views/campaigns.py", title="Influencers & campaigns", icon=":material/campaign:"),
        st.Page("views/negative_feed.py", title="Negative feed", icon=":material/report:"),
        st.Page("views/alerts.py", title="Alerts", icon=":material/notifications_active:"),
        st.Page("views/explore.py", title="Explore & export", icon=":material/table_view:"),
        st.Page("views/sources.py", title="Sources", icon=":material/dns:"),
    ]
)
page.run()
