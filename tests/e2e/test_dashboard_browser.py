"""The dashboard in a real browser: `streamlit run ui/dashboard/app.py` on a seeded database, headless
Chromium.

Needs Debian's chromium at /usr/bin/chromium (`make test` installs it); without it this test fails, never
skips. Screenshots go to test-artifacts/ at the repository root.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.server import ARTIFACTS, CHROMIUM_ARGS, UI_TIMEOUT_MS, require_chromium, serve_dashboard
from tests.factories import seed_demo_db

pytestmark = pytest.mark.browser


@pytest.fixture
def dashboard(tmp_path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """A seeded database and a dashboard server on a free port; the server is always stopped."""
    facts = seed_demo_db(f"sqlite:///{tmp_path / 'browser.db'}")
    with serve_dashboard(facts["url"], tmp_path) as base_url:
        yield base_url, facts


def test_overview_charts_and_negative_feed_render_in_chromium(dashboard: tuple[str, dict[str, Any]]) -> None:
    chromium = require_chromium()
    from playwright.sync_api import expect, sync_playwright

    base_url, facts = dashboard
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            # Tall enough that the whole overview (tiles, three charts, table) is in one screenshot: Streamlit
            # scrolls inside its own container, so a full-page screenshot would not show more.
            page = browser.new_page(viewport={"width": 1400, "height": 1700}, timezone_id="UTC")
            page.set_default_timeout(UI_TIMEOUT_MS)
            page.goto(base_url, wait_until="domcontentloaded")

            main = page.get_by_test_id("stMain")
            expect(main.get_by_text("Share of voice", exact=True).first).to_be_visible()
            charts = main.get_by_test_id("stVegaLiteChart")
            expect(charts).to_have_count(3)
            for i in range(3):
                # Vega draws each chart as an SVG with marks; an empty or failed chart has none.
                expect(charts.nth(i).locator("svg.marks")).to_be_visible()
                expect(charts.nth(i).locator("svg.marks path").first).to_be_attached()
            tiles = main.get_by_test_id("stMetric")
            sov_tile = tiles.filter(has_text="Share of voice").get_by_test_id("stMetricValue")
            expect(sov_tile).to_have_text("60.0 %")
            expect(tiles.filter(has_text="Mentions").get_by_test_id("stMetricValue")).to_have_text("6")
            page.wait_for_timeout(500)  # let the donut's entry finish before the picture
            page.screenshot(path=str(ARTIFACTS / "dashboard_overview.png"))

            page.get_by_test_id("stSidebarNav").get_by_role("link", name="Negative feed").click()
            expect(page).to_have_url(f"{base_url}/negative_feed")
            expect(main.get_by_text(facts["negative_text"], exact=True)).to_be_visible()
            expect(main.get_by_text("3 negative mentions")).to_be_visible()
            # A comment's markup is shown as the characters it is, never rendered as HTML.
            expect(main.get_by_text(facts["html_looking_text"], exact=True)).to_be_visible()
            expect(main.locator("b")).to_have_count(0)
            page.screenshot(path=str(ARTIFACTS / "negative_feed.png"))
        finally:
            browser.close()


def test_a_deep_link_as_the_first_request_still_gets_the_app_shell(
    dashboard: tuple[str, dict[str, Any]],
) -> None:
    """A deep link as a fresh server's first request still runs inside the app: sidebar and navigation."""
    chromium = require_chromium()
    from playwright.sync_api import expect, sync_playwright

    base_url, facts = dashboard
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(UI_TIMEOUT_MS)
            page.goto(f"{base_url}/sources", wait_until="domcontentloaded")
            expect(page.get_by_test_id("stMain").get_by_text("stored zero items")).to_be_visible()
            expect(page.get_by_test_id("stSidebar").get_by_text("Period", exact=True)).to_be_visible()
            nav = page.get_by_test_id("stSidebarNav").get_by_role("link")
            # Our st.navigation titles (each link also holds its icon's name), not the legacy file names.
            expect(nav).to_contain_text(["Overview", "Negative feed", "Explore & export", "Sources"])
        finally:
            browser.close()


def _header_tooltips(page: Any, grid: Any, wanted: str) -> list[str]:
    """Hover along a dataframe's header row (a canvas) until the column tooltip ``wanted`` shows."""
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    seen: list[str] = []
    tooltip = page.get_by_test_id("stDataFrameTooltipContent")
    # The widest columns are the ones to find, so 60 px steps are enough; a tooltip shows after ~0.6 s.
    for x in range(int(box["x"]) + 10, int(box["x"] + box["width"]), 60):
        page.mouse.move(x, box["y"] + 17)
        for _ in range(10):
            page.wait_for_timeout(100)
            if tooltip.count():
                break
        seen.extend(t for t in tooltip.all_inner_texts() if t not in seen)
        if wanted in seen:
            break
    return seen


def test_influencers_and_campaigns_renders_with_formula_tooltips(
    dashboard: tuple[str, dict[str, Any]],
) -> None:
    chromium = require_chromium()
    from playwright.sync_api import expect, sync_playwright

    from store import repo
    from store.db import session_scope
    from tests.factories import PTT_POST
    from ui.dashboard.queries import CAMPAIGN_FORMULAS

    base_url, facts = dashboard
    # Glow Lab's seeded PTT post (E = 100, QWE = 51, 1,200 followers) is now a paid one: CPE on QWE 350 / 51.
    with session_scope(facts["url"]) as session:
        repo.upsert_campaigns(
            session,
            rows=[
                repo.CampaignRow(
                    "Serum launch",
                    "Glow Lab",
                    "mei_chen",
                    "ptt",
                    PTT_POST,
                    None,
                    cost=350.0,
                    currency="USD",
                    impressions=20_000,
                    clicks=400,
                    conversions=20,
                    revenue=1050.0,
                )
            ],
        )
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100}, timezone_id="UTC")
            page.set_default_timeout(UI_TIMEOUT_MS)
            page.goto(base_url, wait_until="domcontentloaded")
            page.get_by_test_id("stSidebarNav").get_by_role("link", name="Influencers & campaigns").click()
            expect(page).to_have_url(f"{base_url}/campaigns")

            main = page.get_by_test_id("stMain")
            expect(main.get_by_role("heading", name="Influencers & campaigns")).to_be_visible()
            grids = main.get_by_test_id("stDataFrame")
            expect(grids).to_have_count(3)  # the campaign table, the post's comments, the campaign's phases
            table, comments = grids.nth(0), grids.nth(1)
            expect(table).to_be_visible()
            # The grids draw on a canvas; their accessible table carries the cell values.
            expect(table.get_by_test_id("glide-cell-0-0")).to_have_text("Serum launch")
            expect(table.get_by_test_id("glide-cell-1-0")).to_have_text("mei_chen")
            expect(comments.get_by_text("spam, duplicate", exact=True)).to_be_attached()
            tiles = main.get_by_test_id("stMetric")
            for label, value in (("Raw engagement", "100"), ("QWE", "51"), ("Qualified share", "0.51")):
                tile = tiles.filter(has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True))
                expect(tile.get_by_test_id("stMetricValue")).to_have_text(value)

            # Each column header of the campaign table shows its formula on hover (the picture keeps one).
            seen = _header_tooltips(page, table, CAMPAIGN_FORMULAS["cpe_qwe"])
            assert CAMPAIGN_FORMULAS["cpe_qwe"] in seen and set(seen) <= set(CAMPAIGN_FORMULAS.values()), seen
            expect(page.get_by_test_id("stDataFrameTooltipContent")).to_be_visible()
            page.wait_for_timeout(500)  # the tooltip fades in
            page.screenshot(path=str(ARTIFACTS / "campaigns.png"))
            # So does a tile's help icon.
            qwe_tile = tiles.filter(has=page.get_by_test_id("stMetricLabel").get_by_text("QWE", exact=True))
            qwe_tile.get_by_test_id("stTooltipHoverTarget").hover()
            expect(page.get_by_test_id("stTooltipContent")).to_have_text(CAMPAIGN_FORMULAS["post_qwe"])
        finally:
            browser.close()
