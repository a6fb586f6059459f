"""The Overview in a real browser at 1,440 × 900: period presets with their deltas, the drivers, tables that
fit, and a shared link (the URL's query parameters) that opens the same view in a new session.

`streamlit run ui/dashboard/app.py` on the seeded demo store plus three recent Glow Lab complaints about
customer service; headless Chromium (Debian's, at /usr/bin/chromium: its absence fails, never skips).
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crawler.items import MentionItem
from store import repo
from store.db import session_scope
from store.timeutil import utcnow
from tests.e2e.server import ARTIFACTS, CHROMIUM_ARGS, UI_TIMEOUT_MS, require_chromium, serve_dashboard
from tests.e2e.widgets import choose, settle
from tests.factories import GLOW, seed_demo_db

pytestmark = pytest.mark.browser

COMPLAINTS = (
    # (text, author, followers, likes)
    ("Glow Lab customer service never replied", "angry_mina", 3_000, 40),
    ("customer service của Glow Lab quá chậm", None, None, 2),
    ("Glow Lab 客服 customer service 都不回", "tw_user", 10, 0),
)
TOP_COMPLAINT = COMPLAINTS[0][0]

# Glow Lab, last 30 days: the demo's 6 mentions (4 P, 1 N, 1 U) and 2 spam plus 3 negatives = 9 (4 P, 4 N,
# 1 U), 2 spam; Aqua Veil 4; Petal Theory 0. The 30 days before: Glow Lab's one old complaint (net −100),
# Petal Theory's 2: SOV 1 / 3. So: mentions 9 (+8, +800 %), SOV 9 / 13 = 69.2 % (+35.9 pp), net sentiment 0.0
# (+100.0), spam rate 2 / 11 = 18.2 % (+18.2 pp).
DEFAULT_TILES = {
    "Mentions": ("9", "+8 (+800 %)"),
    "Share of voice": ("69.2 %", "+35.9 pp"),
    "Net sentiment": ("+0.0", "+100.0"),
    "Spam rate": ("18.2 %", "+18.2 pp"),
}
# Last 7 days: the same mentions (all newer than 7 days); nothing in the 7 days before: no share to compare.
WEEK_TILES = {"Mentions": ("9", "+9"), "Share of voice": ("69.2 %", None)}
# Aqua Veil, last 7 days: 4 of 13.
AQUA_WEEK_TILES = {"Mentions": ("4", "+4"), "Share of voice": ("30.8 %", None)}


@pytest.fixture
def dashboard(tmp_path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    facts = seed_demo_db(f"sqlite:///{tmp_path / 'overview.db'}")
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    items = [
        MentionItem(
            platform="ptt",
            external_id=f"complaint-{i}",
            text=text,
            author=author,
            author_followers=followers,
            likes=likes,
            published_at=now - timedelta(days=1 + i),
            brands=[GLOW],
        )
        for i, (text, author, followers, likes) in enumerate(COMPLAINTS)
    ]
    with session_scope(facts["url"]) as session:
        ids = repo.upsert_mentions(session, mentions=items)
        repo.write_labels(
            session,
            labels=[
                repo.MentionLabel(mid, "en", "negative", 0.9, 0.05, 0.05, 0.01, False, "test-model", "1")
                for mid in ids.values()
            ],
        )
    with serve_dashboard(facts["url"], tmp_path) as base_url:
        yield base_url, facts


def _expect_tiles(page: Any, tiles: dict[str, tuple[str, str | None]], description: str) -> None:
    from playwright.sync_api import expect

    cards = page.get_by_test_id("stMain").get_by_test_id("stMetric")
    for label, (value, delta) in tiles.items():
        card = cards.filter(has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True))
        expect(card.get_by_test_id("stMetricValue")).to_have_text(value)
        if delta is None:
            expect(card.get_by_test_id("stMetricDelta")).to_have_count(0)
        else:
            expect(card.get_by_test_id("stMetricDelta")).to_have_text(delta)
            expect(card.get_by_test_id("stMetricDeltaDescription")).to_have_text(description)


def _select_shows(page: Any, scope: Any, label: str) -> Any:
    """The input of the select box labelled ``label``: its value is the option shown."""
    return (
        scope.get_by_test_id("stSelectbox")
        .filter(has=page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True))
        .locator("input")
        .first
    )


TABLES_FIT_JS = """
() => [...document.querySelectorAll('[data-testid=stMain] [data-testid=stDataFrame]')].map(el => {
  const scroller = el.querySelector('.dvn-scroller');
  return scroller ? scroller.scrollWidth - scroller.clientWidth : -1;
})
"""

DONUT_TITLE_JS = """
(chart) => {
  // Whole across: inside the drawing (the SVG clips what is outside it), where "hare of voice" once was cut.
  const title = chart.querySelector('.role-title text');
  const s = chart.querySelector('svg.marks').getBoundingClientRect(), t = title.getBoundingClientRect();
  return {text: title.textContent, inside: t.left >= s.left && t.right <= s.right && t.bottom <= s.bottom};
}
"""


def test_overview_presets_deltas_drivers_and_a_shared_link(dashboard: tuple[str, dict[str, Any]]) -> None:
    chromium = require_chromium()
    from playwright.sync_api import expect, sync_playwright

    base_url, _ = dashboard
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900}, timezone_id="UTC")
            page.set_default_timeout(UI_TIMEOUT_MS)
            page.goto(base_url, wait_until="domcontentloaded")
            main, sidebar = page.get_by_test_id("stMain"), page.get_by_test_id("stSidebar")
            expect(main.get_by_role("heading", name="Overview", exact=True)).to_be_visible()
            expect(main.get_by_test_id("stVegaLiteChart")).to_have_count(3)
            settle(page)

            # The default view: last 30 days against the 30 before, and a bare link.
            _expect_tiles(page, DEFAULT_TILES, "vs prior 30 days")
            expect(page).to_have_url(f"{base_url}/")
            page.screenshot(path=str(ARTIFACTS / "overview_1440.png"))

            # Tables fit (no horizontal scrolling hides a column); the donut's title is whole.
            assert page.evaluate(TABLES_FIT_JS) == [0, 0, 0, 0]
            donut = main.get_by_test_id("stVegaLiteChart").first
            assert donut.evaluate(DONUT_TITLE_JS) == {"text": "Share of voice", "inside": True}

            # Drivers: the widest-reaching complaint, and "customer service" in 3 of Glow Lab's 4 negatives.
            drivers = main.get_by_role("heading", name="What moved net sentiment")
            drivers.scroll_into_view_if_needed()
            expect(drivers).to_be_visible()
            expect(main.get_by_text(TOP_COMPLAINT, exact=True)).to_be_visible()
            expect(
                main.get_by_text(re.compile(r"^reach 3,040 · 3,000 followers · 40 likes \+ replies"))
            ).to_be_visible()
            negative_terms = main.get_by_test_id("stDataFrame").first
            negative_terms.scroll_into_view_if_needed()
            # The grid draws on a canvas; its cells are also in a hidden table (unformatted values), by row.
            cells = negative_terms.locator("tbody tr").first.locator("td")
            expect(cells).to_have_text(["customer service", "3", "75", "0", "75"])
            page.screenshot(path=str(ARTIFACTS / "overview_drivers_1440.png"))

            # A preset: the sidebar's period; the cards compare with the 7 days before; the link says so.
            choose(page, sidebar, "Period", "Last 7 days")
            expect(page).to_have_url(f"{base_url}/?period=last-7-days")
            _expect_tiles(page, WEEK_TILES, "vs prior 7 days")
            today = utcnow().date()
            expect(
                sidebar.get_by_text(f"{(today - timedelta(days=6)).isoformat()} – {today.isoformat()} (UTC)")
            ).to_be_visible()

            # Another brand: into the link too. That link, opened in a new session, shows the same view.
            choose(page, main, "Brand", "Aqua Veil")
            expect(page).to_have_url(f"{base_url}/?period=last-7-days&brand=Aqua+Veil")
            _expect_tiles(page, AQUA_WEEK_TILES, "vs prior 7 days")
            shared = page.url

            other = browser.new_context(viewport={"width": 1440, "height": 900}, timezone_id="UTC").new_page()
            other.set_default_timeout(UI_TIMEOUT_MS)
            other.goto(shared, wait_until="domcontentloaded")
            other_main, other_sidebar = other.get_by_test_id("stMain"), other.get_by_test_id("stSidebar")
            expect(other_main.get_by_test_id("stVegaLiteChart")).to_have_count(3)
            settle(other)
            expect(_select_shows(other, other_main, "Brand")).to_have_value("Aqua Veil")
            expect(_select_shows(other, other_sidebar, "Period")).to_have_value("Last 7 days")
            _expect_tiles(other, AQUA_WEEK_TILES, "vs prior 7 days")
            expect(other).to_have_url(shared)
            other.screenshot(path=str(ARTIFACTS / "overview_shared_link_1440.png"))

            # A custom range in a link: its dates, and the same number of days before as the comparison.
            since, until = today - timedelta(days=13), today
            other.goto(f"{base_url}/?period=custom&from={since}&to={until}", wait_until="domcontentloaded")
            expect(other_main.get_by_test_id("stVegaLiteChart")).to_have_count(3)
            settle(other)
            expect(_select_shows(other, other_sidebar, "Period")).to_have_value("Custom range")
            expect(other_sidebar.get_by_text(f"{since} – {until} (UTC)")).to_be_visible()
            before = since - timedelta(days=14)
            expect(
                other_sidebar.get_by_text(f"Compared with {before} – {since - timedelta(days=1)}")
            ).to_be_visible()
            _expect_tiles(other, {"Mentions": ("9", "+9")}, "vs prior 14 days")
        finally:
            browser.close()
