"""A newcomer's dashboard in headless Chromium: `brandpulse demo --no-ui` in a fresh folder, then
`brandpulse ui` with no flag pointing at a database shows the demo's data, in viewer mode (no "Deploy").

Needs Debian's chromium at /usr/bin/chromium (`make test` installs it); without it this test fails, never
skips. Screenshots go to test-artifacts/ at the repository root.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import urllib.request
from collections.abc import Iterator

import pytest

from tests.e2e.server import ARTIFACTS, CHROMIUM_ARGS, STARTUP_TIMEOUT_S, UI_TIMEOUT_MS, require_chromium
from tests.procutil import brandpulse_cmd, free_port, wait_until

pytestmark = pytest.mark.browser
DEMO_TIMEOUT_S = 1500  # crawl + the real model on a busy 2-core machine


def _healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def newcomer_dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`brandpulse demo --no-ui`, then `brandpulse ui` in the same folder, as someone who configured
    nothing; the dashboard's base URL. The dashboard is always stopped."""
    folder = tmp_path_factory.mktemp("newcomer-ui")
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    for name in ("BRANDPULSE_DATABASE_URL", "BRANDPULSE_CONFIG", "BRANDPULSE_DEMO_DATABASE_URL"):
        env.pop(name, None)
    env.pop("BRANDPULSE_UI_PASSWORD", None)  # a password would put every page behind the login form
    demo = subprocess.run(
        [*brandpulse_cmd(), "demo", "--no-ui"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=DEMO_TIMEOUT_S,
    )
    assert demo.returncode == 0, demo.stdout + demo.stderr
    port = free_port()
    log = folder / "ui.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*brandpulse_cmd(), "ui", "--port", str(port), "--headless"],
            cwd=folder,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        up = wait_until(lambda: _healthy(base_url) or proc.poll() is not None, STARTUP_TIMEOUT_S)
        assert up and proc.poll() is None, log.read_text(errors="replace")
        shown = log.read_text(errors="replace")
        assert f"database sqlite:///{folder / 'brandpulse-demo.db'} (from brandpulse.toml)" in shown
        yield base_url
    finally:
        proc.send_signal(signal.SIGTERM)  # `brandpulse ui` stops its Streamlit child too
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_brandpulse_ui_after_the_demo_shows_the_demo_data(newcomer_dashboard: str) -> None:
    chromium = require_chromium()
    from playwright.sync_api import expect, sync_playwright

    base_url = newcomer_dashboard
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900}, timezone_id="UTC")
            page.set_default_timeout(UI_TIMEOUT_MS)
            page.goto(base_url, wait_until="domcontentloaded")
            main = page.get_by_test_id("stMain")
            expect(main.get_by_test_id("stMetric").first).to_be_visible()
            expect(main.get_by_text("Glow Lab").first).to_be_visible()
            expect(main.get_by_text("No data yet")).to_have_count(0)
            # Viewer mode: the toolbar has no "Deploy" button (Streamlit shows one on localhost otherwise).
            expect(page.get_by_test_id("stToolbar")).to_be_attached()
            expect(page.get_by_test_id("stAppDeployButton")).to_have_count(0)
            page.screenshot(path=str(ARTIFACTS / "newcomer_overview.png"))

            # The demo's labelled comments: its negative ones are in the feed.
            page.get_by_test_id("stSidebarNav").get_by_role("link", name="Negative feed").click()
            expect(main.get_by_text(re.compile(r"^[1-9]\d* negative mentions$"))).to_be_visible()
        finally:
            browser.close()
