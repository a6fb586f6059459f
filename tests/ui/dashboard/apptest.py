"""Running the dashboard in Streamlit's AppTest: shared by the page tests."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[3] / "ui" / "dashboard" / "app.py")
TIMEOUT = 60


def open_app(page: str | None = None) -> AppTest:
    """The app run once (its default page), then switched to ``page`` if given; fails on any exception."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    if page:
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
    return at
