"""The Discover creators page in a real browser: `streamlit run ui/dashboard/app.py` on the hand-made
fixture of tests/fixtures/discover/ (imported through the real `brandpulse import` commands; the figures are
worked out by hand in tests/ui/cli/test_influencers.py), headless Chromium (Debian's, at /usr/bin/chromium:
its absence fails, never skips). A shared link opens the period; the brand, the ranking, a column's formula
on hover, one creator vetted with a card's formula on hover. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from store.db import ensure_schema
from store.kpi.influencers import INFLUENCER_FORMULAS as F
from tests.e2e.server import ARTIFACTS, CHROMIUM_ARGS, UI_TIMEOUT_MS, require_chromium, serve_dashboard
from tests.e2e.test_dashboard_browser import _header_tooltips
from tests.e2e.widgets import choose, settle
from ui.cli.app import app

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "discover"
RANKED = ["hana.glow (instagram)", "linh.beauty (instagram)", "deal.hunter.vn (instagram)"]


@pytest.fixture
def dashboard(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'discover.db'}"
    ensure_schema(url)
    config = shutil.copy(FIXTURE / "discover.toml", tmp_path / "brandpulse.toml")  # the server's folder
    runner = CliRunner()
    for kind, name in (("posts", "posts.csv"), ("mentions", "comments.jsonl")):
        result = runner.invoke(
            app,
            ["import", kind, str(FIXTURE / name), "--config", str(config)],
            env={"BRANDPULSE_DATABASE_URL": url},
        )
        assert result.exit_code == 0, result.output
    with serve_dashboard(url, tmp_path) as base_url:
        yield base_url


def test_discover_ranks_and_vets_creators_with_formulas(dashboard: str) -> None:
    chromium = require_chromium()
    from playwright.sync_api import expect, sync_playwright

    base_url = dashboard
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000}, timezone_id="UTC")
            page.set_default_timeout(UI_TIMEOUT_MS)
            # A shared link: the page and the fixture's twelve weeks.
            page.goto(f"{base_url}/discover?period=custom&from=2026-01-05&to=2026-03-29")
            main = page.get_by_test_id("stMain")
            expect(main.get_by_role("heading", name="Discover creators")).to_be_visible()
            nav = page.get_by_test_id("stSidebarNav")
            expect(nav.get_by_role("link", name="Discover creators")).to_be_visible()
            settle(page)
            # Said plainly, on the page: what public data cannot show.
            expect(main.get_by_text("do not show an audience's age, gender", exact=False)).to_be_visible()

            # The first brand by name has no markets: the page says how to set them.
            expect(main.get_by_text("Aqua Veil has no target markets", exact=False)).to_be_visible()
            choose(page, main, "Brand", "Glow Lab")
            expect(main.get_by_text("Target markets: languages vi, en; regions: VN")).to_be_visible()

            grid = main.get_by_test_id("stDataFrame").first
            expect(grid).to_be_visible()
            # The grid draws on a canvas; its accessible table carries the cells (column 0: the creator).
            for row, creator in enumerate(RANKED):
                expect(grid.get_by_test_id(f"glide-cell-0-{row}")).to_have_text(creator)
            expect(grid.get_by_test_id("glide-cell-0-3")).to_have_text("quiet.reviewer (instagram)")
            page.screenshot(path=str(ARTIFACTS / "discover_1440.png"))

            # A column header's formula on hover.
            seen = _header_tooltips(page, grid, F["relevance"])
            assert F["relevance"] in seen and set(seen) <= set(F.values()), seen

            # Vet the third: its cards, a card's formula on hover, its brand-safety flags.
            page.mouse.move(0, 0)
            choose(page, main, "Creator", "3. deal.hunter.vn (instagram)")
            tiles = main.get_by_test_id("stMetric")
            for label, value in (("Inflation", "2.31×"), ("QW-ER", "1.00 %"), ("Spam comments", "57.1 %")):
                tile = tiles.filter(has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True))
                expect(tile.get_by_test_id("stMetricValue")).to_have_text(value)
            expect(
                main.get_by_text("Brand-safety flags: negative_comments, spam_comments, inflated_engagement")
            ).to_be_visible()
            inflation = tiles.filter(
                has=page.get_by_test_id("stMetricLabel").get_by_text("Inflation", exact=True)
            )
            inflation.get_by_test_id("stTooltipHoverTarget").hover()
            expect(page.get_by_test_id("stTooltipContent")).to_have_text(F["inflation"])
            page.screenshot(path=str(ARTIFACTS / "discover_vetted_1440.png"))
        finally:
            browser.close()
