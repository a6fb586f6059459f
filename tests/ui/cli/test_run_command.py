"""`brandpulse run`: crawl → label → alerts in cycles, where a failing source is recorded and the others go
on, the loop outlives a failed cycle, SIGTERM ends it cleanly, and only one run at a time works on a
database. Real processes, a real forum over HTTP and the bundled model."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from store.db import ensure_schema, run_lock, session_scope
from store.models import Mention
from tests.distributed.forum import serve_forum
from tests.procutil import brandpulse_cmd, wait_until
from tests.ui.cli.crawl_setup import cli_env, crawl_runs
from ui.cli.app import app


def _config(folder: Path, forum_args: dict[str, str]) -> None:
    args = ", ".join(f"{k} = {json.dumps(v)}" for k, v in forum_args.items())
    broken = 'videos = "not a video", api_key = "AIzaFAKE-run-loop-key"'
    (folder / "brandpulse.toml").write_text(
        '[[brands]]\nname = "Glow Lab"\nquery = "\\"glow lab\\""\n\n'
        f'[[sources]]\nspider = "generic"\nargs = {{ {args} }}\n\n'
        f'[[sources]]\nspider = "youtube"\nargs = {{ {broken} }}\n',
        encoding="utf-8",
    )


def test_a_failing_source_does_not_end_the_loop(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'run.db'}"
    ensure_schema(url)
    with serve_forum(pages=3) as forum:
        _config(tmp_path, forum.generic_args())
        proc = subprocess.Popen(
            # A cycle takes longer than 1 s, so the next starts at once and the stop below lands as the
            # third cycle starts its crawl: the moment that once hung the command (a stop while the spider
            # opened, or while the crawler child was started: test_stop_while_crawl_starts.py).
            [*brandpulse_cmd(), "run", "--every", "1s"],
            cwd=tmp_path,
            env=cli_env(url),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)  # type: ignore[arg-type]
        reader.start()
        try:
            # Two whole cycles (each ends by announcing the next), then a service manager's stop.
            done = lambda: sum("next run in" in line for line in lines) >= 2  # noqa: E731
            assert wait_until(lambda: done() or proc.poll() is not None, 300, step=0.5)
            assert proc.poll() is None, "".join(lines)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=120)
            reader.join(timeout=10)
    out = "".join(lines)
    assert proc.returncode == 128 + signal.SIGTERM, out
    assert "Traceback" not in out
    runs = crawl_runs(url)
    by_spider = {s: [r.status for r in runs if r.spider == s] for s in ("generic", "youtube")}
    assert by_spider["generic"][:2] == ["finished", "finished"], by_spider
    assert by_spider["youtube"][:2] == ["failed", "failed"], by_spider
    assert out.count("crawl failed: youtube") >= 2
    assert "labeled 15 mentions" in out  # the first cycle labeled what it crawled
    assert len(re.findall(r"alerts? as of", out)) >= 2  # the alerts ran every cycle
    assert "Source stored zero items: youtube" in out  # and they see the failed source
    assert "AIzaFAKE-run-loop-key" not in out
    with session_scope(url) as s:
        unlabeled = s.execute(select(func.count()).where(Mention.labeled_at.is_(None))).scalar_one()
    assert unlabeled == 0


def test_one_run_at_a_time_per_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'locked.db'}"
    ensure_schema(url)
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "brandpulse.toml").write_text(
        '[[sources]]\nspider = "generic"\nargs = { start_urls = "x" }\n'
    )
    runner = CliRunner()
    with run_lock(url):  # another `brandpulse run` is working on this database
        result = runner.invoke(app, ["run"])
        assert result.exit_code == 1
        assert "another brandpulse run is in progress" in result.output

        # With --every, the cycle is skipped and the loop waits for the next one (stopped here by Ctrl+C).
        def interrupt(_seconds: float) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr("ui.cli.collect.time.sleep", interrupt)
        result = runner.invoke(app, ["run", "--every", "1h"])
        assert result.exit_code == 0, result.output
        assert "this cycle is skipped" in result.output and "next run in" in result.output
    assert crawl_runs(url) == []  # nothing ran under someone else's lock
