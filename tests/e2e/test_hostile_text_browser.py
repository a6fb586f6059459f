"""Hostile names and texts on every dashboard page, in headless Chromium: shown as text, never run.

The store holds brands, authors, sources, a campaign and mention texts made of markup
(``tests/hostile.py``: HTML tags with ``onerror``/``onload``, ``<style>``, ``<meta refresh>``, Markdown
images and links to an outside host, ``javascript:`` links, RTL overrides, zero-width characters,
100,000-character comments). On each page,
reached through the sidebar as a user does, the test asserts that the browser sent no request to any host but
the dashboard's, that no dialog opened, that the page did not navigate away, and that the DOM holds no element
the payloads could have made (an outside ``src``/``href``, a ``javascript:`` link, an inline event handler, an
iframe/object/embed, a script or style carrying a payload); and that the payloads are on the page as text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.e2e.server import ARTIFACTS, CHROMIUM_ARGS, UI_TIMEOUT_MS, require_chromium, serve_dashboard
from tests.e2e.widgets import settle
from tests.factories import seed_demo_db
from tests.hostile import (
    BRAND_IMG,
    BRAND_MD,
    BRAND_RTL,
    CAMPAIGN,
    MARKER,
    OUTSIDE_HOST,
    SPIDER_ZERO,
    TEXTS,
    seed_hostile_db,
)

pytestmark = pytest.mark.browser

# (sidebar link, URL path, the page's title)
PAGES = [
    ("Overview", "", "Overview"),
    ("Explore & export", "explore", "Explore & export"),
    ("Negative feed", "negative_feed", "Negative feed"),
    ("Influencers & campaigns", "campaigns", "Influencers & campaigns"),
    ("Alerts", "alerts", "Alerts"),
    ("Sources", "sources", "Sources"),
]

# Invisible characters the dashboard adds around or inside names it escapes (word joiner, bidi isolates);
# a reader sees the name unchanged, so comparisons drop them.
INVISIBLE = dict.fromkeys(map(ord, "\u2060\u2068\u2069"))

# Everything in the DOM a payload could have created. Attribute *values* that merely hold the text (an
# input's value, a chart mark's aria-label) are fine: only URL-bearing attributes, event handlers and active
# elements count.
INJECTED_ELEMENTS_JS = """
(host) => {
  const urlAttrs = ['src', 'href', 'xlink:href', 'srcset', 'poster', 'data', 'action', 'formaction',
                    'background', 'style', 'content'];
  const found = [];
  const show = (el) => el.outerHTML.slice(0, 160);
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    for (const name of el.getAttributeNames()) {
      const value = el.getAttribute(name) || '';
      if (/^on/i.test(name)) found.push('event handler: ' + show(el));
      if (urlAttrs.includes(name.toLowerCase())
          && (value.includes(host) || /^\\s*(javascript|vbscript):/i.test(value))) {
        found.push(name + ': ' + show(el));
      }
    }
    const active = ['iframe', 'frame', 'object', 'embed', 'base', 'video'];
    if (active.includes(tag)) found.push(tag + ': ' + show(el));
    if (tag === 'meta' && el.hasAttribute('http-equiv')) found.push('meta refresh: ' + show(el));
    const code = el.textContent;
    if (['script', 'style'].includes(tag) && (code.includes(host) || code.includes('alert(')))
      found.push(tag + ': ' + show(el));
  }
  return found;
}
"""


@pytest.fixture
def hostile_dashboard(tmp_path: Path) -> Iterator[str]:
    """The demo store plus every hostile record, served on a free port."""
    url = f"sqlite:///{tmp_path / 'hostile.db'}"
    seed_demo_db(url)
    seed_hostile_db(url)
    with serve_dashboard(url, tmp_path) as base_url:
        yield base_url


def _texts(locator: Any) -> str:
    return " ".join(locator.all_inner_texts()).translate(INVISIBLE)


def _open_select(page: Any, label: str) -> str:
    """Open the select box labelled ``label``, return its options' text, and close it."""
    box = (
        page.get_by_test_id("stMain")
        .get_by_test_id("stSelectbox")
        .filter(has=page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True))
    )
    box.locator("input").first.click()
    options = page.get_by_role("option")
    options.first.wait_for()
    texts = _texts(options)
    page.keyboard.press("Escape")
    return texts


def _hover_donut(page: Any) -> str:
    """Hover the share-of-voice donut's slices; the text of the Vega tooltip(s) shown."""
    seen = []
    slices = page.get_by_test_id("stVegaLiteChart").first.locator("svg.marks path[aria-label*='Brand']")
    for i in range(slices.count()):
        slices.nth(i).hover(force=True)
        page.wait_for_timeout(300)
        tooltip = page.locator("#vg-tooltip-element.visible")
        if tooltip.count():
            seen.append(_texts(tooltip))
    page.mouse.move(0, 0)
    return " ".join(seen)


def _show_page_content(page: Any, path: str) -> str:
    """What a user looks at on the page beyond its first paint (option lists, tooltips); returns that text."""
    main = page.get_by_test_id("stMain")
    if path == "":
        from playwright.sync_api import expect

        expect(main.get_by_test_id("stVegaLiteChart")).to_have_count(3)
        for i in range(3):
            expect(main.get_by_test_id("stVegaLiteChart").nth(i).locator("svg.marks")).to_be_visible()
        options, tooltips = _open_select(page, "Brand"), _hover_donut(page)
        # Vega draws names in SVG text and escapes its HTML tooltips: the names show, as they are.
        assert BRAND_MD in tooltips and BRAND_RTL in tooltips, tooltips
        assert BRAND_IMG in options and BRAND_MD in options, options
        return options + " " + tooltips
    if path == "explore":
        return _open_select(page, "Mention")
    if path == "campaigns":
        return _open_select(page, "Campaign post")
    return ""


def _expected_text(path: str) -> list[str]:
    """Payloads each page must show as the characters they are."""
    return {
        "": [BRAND_IMG, BRAND_MD],
        "explore": [MARKER[:60]],
        "negative_feed": [MARKER, TEXTS[4], BRAND_IMG],
        "campaigns": [CAMPAIGN],
        "alerts": [MARKER, BRAND_IMG, SPIDER_ZERO],
        "sources": [SPIDER_ZERO],
    }[path]


def test_hostile_names_and_texts_stay_text_on_every_page(hostile_dashboard: str) -> None:
    chromium = require_chromium()
    from playwright.sync_api import expect, sync_playwright

    base_url = hostile_dashboard
    local = urlsplit(base_url).netloc
    requests: list[str] = []
    dialogs: list[str] = []

    def keep_local(route: Any) -> None:
        # Outside requests are recorded (by the "request" listener) and never sent: nothing waits on DNS.
        if urlsplit(route.request.url).netloc == local:
            route.continue_()
        else:
            route.abort()

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1300}, timezone_id="UTC")
            context.on("request", lambda request: requests.append(request.url))
            context.route("**/*", keep_local)
            page = context.new_page()
            page.set_default_timeout(UI_TIMEOUT_MS)
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(base_url, wait_until="domcontentloaded")
            main = page.get_by_test_id("stMain")
            for link, path, title in PAGES:
                if path:
                    page.get_by_test_id("stSidebarNav").get_by_role("link", name=link).click()
                expect(page).to_have_url(f"{base_url}/{path}")
                expect(main.get_by_role("heading", name=title, exact=True)).to_be_visible()
                settle(page)
                shown = _show_page_content(page, path)
                page.screenshot(path=str(ARTIFACTS / f"hostile_{path or 'overview'}.png"))

                outside = [
                    u
                    for u in requests
                    if urlsplit(u).scheme in ("http", "https", "ws", "wss") and urlsplit(u).netloc != local
                ]
                assert outside == [], f"{title}: the browser requested outside URLs {outside}"
                assert dialogs == [], f"{title}: a dialog opened: {dialogs}"
                injected = page.evaluate(INJECTED_ELEMENTS_JS, OUTSIDE_HOST)
                assert injected == [], f"{title}: injected elements in the DOM: {injected}"
                assert urlsplit(page.url).netloc == local, f"{title}: navigated away to {page.url}"

                # Not vacuous: the payloads are on the page, as the characters they are.
                text = _texts(main) + " " + shown
                for payload in _expected_text(path):
                    assert " ".join(payload.split()) in " ".join(text.split()), (
                        f"{title}: {payload!r} not shown"
                    )
        finally:
            browser.close()
