"""The A/B comparison page in a real browser: an analyst compares @minji and @hana of the campaign_quarter
fixture (tests/fixtures/campaign_quarter/, imported through the real commands), reads the verdicts, then
compares by posting time. Headless Chromium at /usr/bin/chromium (its absence fails, never skips).

The numbers are those worked out by hand in tests/ui/cli/test_campaign_quarter.py: @hana's QW-ER is higher
(2.75 vs 2.625 %), @minji's ER is higher (4 vs 3 %) and @hana's CPE (1.67 vs 1.25), but with 2 posts a side
(8 per group needed) the bootstrap gives no verdict on them; @hana's CTR (2.5 vs 1.67 %) is higher,
significantly.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.e2e.server import ARTIFACTS, CHROMIUM_ARGS, UI_TIMEOUT_MS, require_chromium, serve_dashboard
from tests.e2e.widgets import settle
from ui.cli.app import app

pytestmark = pytest.mark.browser
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "campaign_quarter"


@pytest.fixture
def quarter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'quarter.db'}"
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", url)
    runner = CliRunner()
    config = str(FIXTURE / "campaign_quarter.toml")
    for kind, name in [("posts", "posts.csv"), ("mentions", "comments.csv"), ("campaigns", "campaigns.csv")]:
        result = runner.invoke(app, ["import", kind, str(FIXTURE / name), "--config", config])
        assert result.exit_code == 0, result.output
    with serve_dashboard(url, tmp_path) as base_url:
        yield base_url


def test_ab_comparison_in_chromium(quarter: str) -> None:
    chromium = require_chromium()
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1200}, timezone_id="UTC")
            page.set_default_timeout(UI_TIMEOUT_MS)
            page.goto(f"{quarter}/compare?period=all-time", wait_until="domcontentloaded")
            main = page.get_by_test_id("stMain")
            expect(main.get_by_role("heading", name="A/B comparison")).to_be_visible()
            settle(page)
            # By influencer, the first two groups in name order: @hana is the baseline.
            too_few = (
                "too few posts to tell whether the difference is significant at 95 % (@hana 2, @minji 2; "
                "8 per group needed)."
            )
            for verdict in (
                f"@hana's QW-ER is higher; {too_few}",
                f"@minji's ER is higher; {too_few}",
                f"@hana's CPE is higher; {too_few}",
                "@hana's CTR is higher; the difference is significant at 95 %.",
            ):
                expect(main.get_by_text(verdict, exact=True)).to_be_visible()
            expect(main.get_by_test_id("stVegaLiteChart")).to_have_count(5)
            page.screenshot(path=str(ARTIFACTS / "ab_comparison.png"), full_page=True)

            # By posting time: minji posts at 10:00 UTC, hana at 18:30 and 19:00.
            main.get_by_text("Posting time ([ui] timezone)", exact=True).click()
            settle(page)
            expect(
                main.get_by_text(
                    "06–12's ER is higher; too few posts to tell whether the difference is significant at "
                    "95 % (06–12 2, 18–24 2; 8 per group needed).",
                    exact=True,
                )
            ).to_be_visible()
        finally:
            browser.close()
