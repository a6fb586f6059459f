"""`brandpulse ui` as a real process: a stop signal to it stops its Streamlit child and frees the port, its
death by SIGKILL takes the child along, and it refuses to serve other machines without a password."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.procutil import alive, brandpulse_cmd, children, cmdline, free_port, port_open, wait_until
from ui.cli.app import app

STARTUP_S = 60
# The dashboard gets 10 s to stop before `brandpulse ui` kills it; a little more for the test's bound.
STOP_BOUND_S = 15


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False


@pytest.fixture
def start_ui(tmp_path: Path) -> Iterator:  # type: ignore[type-arg]
    started: list[subprocess.Popen[bytes]] = []

    def start(
        *extra: str, env: dict[str, str] | None = None, own_group: bool = False
    ) -> tuple[subprocess.Popen[bytes], int, int]:
        port = free_port()
        full_env = {**os.environ, "BRANDPULSE_DATABASE_URL": f"sqlite:///{tmp_path / 'ui.db'}", **(env or {})}
        full_env.pop("BRANDPULSE_CONFIG", None)
        log = (tmp_path / f"ui-{port}.log").open("wb")
        proc = subprocess.Popen(
            [*brandpulse_cmd(), "ui", "--port", str(port), "--headless", *extra],
            cwd=tmp_path,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=own_group,  # its own process group, as a terminal's foreground job is
        )
        started.append(proc)
        assert wait_until(lambda: _healthy(port) or proc.poll() is not None, STARTUP_S), "never healthy"
        assert proc.poll() is None, (tmp_path / f"ui-{port}.log").read_text(errors="replace")
        kids = children(proc.pid)
        assert len(kids) == 1, kids
        return proc, kids[0], port

    yield start
    for proc in started:
        for kid in children(proc.pid):
            os.kill(kid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_stop_signal_stops_streamlit_and_frees_the_port(start_ui, stop: signal.Signals) -> None:  # type: ignore[no-untyped-def]
    proc, streamlit, port = start_ui()
    proc.send_signal(stop)
    assert proc.wait(timeout=STOP_BOUND_S) == 0  # a requested stop is a clean exit
    assert not alive(streamlit), "the Streamlit child survived its parent"
    assert wait_until(lambda: not port_open(port), 5), f"port {port} still serves"


def test_ctrl_c_in_a_terminal_stops_streamlit_and_frees_the_port(start_ui) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+C in a terminal sends SIGINT to the whole foreground process group: `brandpulse ui` and its
    Streamlit child both get it (and the child once more, forwarded)."""
    proc, streamlit, port = start_ui(own_group=True)
    os.killpg(proc.pid, signal.SIGINT)
    assert proc.wait(timeout=STOP_BOUND_S) == 0
    assert not alive(streamlit), "the Streamlit child survived Ctrl+C"
    assert wait_until(lambda: not port_open(port), 5), f"port {port} still serves"


def test_streamlit_runs_in_viewer_mode_and_the_command_names_its_database(start_ui, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """No "Deploy" button or developer menu (`--client.toolbarMode viewer`, an option this Streamlit
    knows: an unknown one stops it at start); the command says which database it opened and that it is
    empty."""
    proc, streamlit, port = start_ui()
    assert " --client.toolbarMode viewer " in f"{cmdline(streamlit)} "
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=STOP_BOUND_S) == 0
    log = (tmp_path / f"ui-{port}.log").read_text(errors="replace")
    assert f"database sqlite:///{tmp_path / 'ui.db'} (from BRANDPULSE_DATABASE_URL)" in log
    assert f"sqlite:///{tmp_path / 'ui.db'} (from BRANDPULSE_DATABASE_URL) holds no mentions." in log


def test_sigkill_of_the_command_takes_streamlit_along(start_ui) -> None:  # type: ignore[no-untyped-def]
    proc, streamlit, port = start_ui("--host", "0.0.0.0", env={"BRANDPULSE_UI_PASSWORD": "s3cret-pass"})
    proc.kill()
    proc.wait(timeout=10)
    assert wait_until(lambda: not alive(streamlit), STOP_BOUND_S), "orphaned Streamlit still running"
    assert wait_until(lambda: not port_open(port), 5), f"port {port} still serves"


def test_a_public_address_needs_a_password(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml here
    monkeypatch.delenv("BRANDPULSE_UI_PASSWORD", raising=False)
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", f"sqlite:///{tmp_path / 'ui.db'}")
    for host in ("0.0.0.0", "::", "192.168.1.10", "brandpulse.example.com"):
        result = CliRunner().invoke(app, ["ui", "--host", host, "--port", str(free_port())])
        assert result.exit_code == 2, result.output
        assert "BRANDPULSE_UI_PASSWORD" in result.output and "reachable from other machines" in result.output
    assert not (tmp_path / "ui.db").exists()  # refused before anything else

    # A password in Streamlit's secrets file counts as much as the environment variable (asked in another
    # process: Streamlit keeps the secrets it has read for the life of the process).
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text('ui_password = "from-secrets"\n')
    code = "from ui.dashboard.login import configured_password; print(configured_password())"
    found = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == "from-secrets"
