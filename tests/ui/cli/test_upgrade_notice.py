"""A store upgraded past the thread-attribution migration (0012) is told once to run rematch."""

from __future__ import annotations

from pathlib import Path

from tests.ui.cli.crawl_setup import run_cli


def test_an_upgrade_past_thread_attribution_says_to_run_rematch_once(tmp_path: Path) -> None:
    """A store made before comments were attributed by what they name gets one notice on its upgrade, and
    none afterwards (nor a new database)."""
    from store.db import upgrade

    old = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(old, "0011")
    notice = "run `brandpulse rematch` once"
    first = run_cli(tmp_path, old, "kpi", "--brand", "Nope")
    assert notice in first.stderr and "Traceback" not in first.stderr
    again = run_cli(tmp_path, old, "kpi", "--brand", "Nope")
    assert notice not in again.stderr
    fresh = run_cli(tmp_path, f"sqlite:///{tmp_path / 'new.db'}", "kpi", "--brand", "Nope")
    assert notice not in fresh.stderr
