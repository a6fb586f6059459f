"""A dashboard server and headless Chromium for the browser tests.

``serve_dashboard(db_url, workdir)`` runs ``streamlit run ui/dashboard/app.py`` on a free port against a
database and always stops it; ``require_chromium()`` is Debian's chromium (its absence fails, never skips).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
STARTUP_TIMEOUT_S = 60
UI_TIMEOUT_MS = 45_000


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(base_url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    pytest.fail(f"streamlit not healthy after {STARTUP_TIMEOUT_S}s:\n{log.read_text(errors='replace')}")


def require_chromium() -> Path:
    """Debian's chromium; its absence fails the test, so a CI without a browser cannot pass silently."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test` (it installs Debian's chromium for this test).")
    return CHROMIUM


@contextmanager
def serve_dashboard(db_url: str, workdir: Path) -> Iterator[str]:
    """The dashboard on ``db_url`` at a free local port (its base URL); the server is always stopped."""
    port = free_port()
    env = {**os.environ, "BRANDPULSE_DATABASE_URL": db_url}
    env.pop("BRANDPULSE_CONFIG", None)
    env.pop("BRANDPULSE_UI_PASSWORD", None)  # a password would put every page behind the login form
    log = workdir / "streamlit.log"
    app = str(ROOT / "ui" / "dashboard" / "app.py")
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", app, "--server.headless", "true"]
            + ["--server.address", "127.0.0.1", "--server.port", str(port)]
            + ["--browser.gatherUsageStats", "false"],
            cwd=workdir,  # no brandpulse.toml there: the environment URL is the only configuration
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base_url, proc, log)
        yield base_url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
