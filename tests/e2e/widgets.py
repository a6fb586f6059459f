"""Acting on Streamlit widgets in Chromium as a user does, shared by the browser tests."""

from __future__ import annotations

from typing import Any

from tests.e2e.server import UI_TIMEOUT_MS


def settle(page: Any) -> None:
    """Wait until the script run is over (Streamlit shows its status widget while running)."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=UI_TIMEOUT_MS
    )
    page.wait_for_timeout(500)


def pick(page: Any, widget: Any, option: str, *, multi: bool = False) -> None:
    """Pick ``option`` in a select box or multiselect (``widget``: its element), as a user does."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    wanted = page.get_by_role("option", name=option, exact=True)
    for _ in range(3):
        # Right after another list closed, a click may only focus this one: click until it opens.
        widget.locator("input").first.click()
        try:
            wanted.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    wanted.click()
    if multi:
        # A multiselect stays open after a pick. Not on a select box: Escape there clears its value.
        page.keyboard.press("Escape")
    settle(page)


def choose(page: Any, scope: Any, label: str, option: str) -> None:
    """Pick ``option`` in the select box labelled ``label`` inside ``scope`` (the page's main part or the
    sidebar)."""
    box = scope.get_by_test_id("stSelectbox").filter(
        has=page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True)
    )
    pick(page, box, option)
