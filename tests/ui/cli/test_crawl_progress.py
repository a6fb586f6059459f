"""`brandpulse crawl` on a terminal shows each source's stored items while it crawls (a pseudo-terminal
here, as a user's shell would give it), and nothing of the kind in a log or a pipe."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
from pathlib import Path

from crawler.sample_site.server import serve_sample_site
from store.db import ensure_schema
from tests.procutil import brandpulse_cmd
from tests.ui.cli.crawl_setup import cli_env, run_cli, write_config


def _run_on_a_terminal(folder: Path, url: str, *args: str, timeout: float = 300) -> tuple[int, str]:
    main, child = pty.openpty()
    # Items written every second, so the sample site's few pages give several updates.
    env = cli_env(url, BRANDPULSE_FLUSH_SECONDS="1")
    proc = subprocess.Popen(
        [*brandpulse_cmd(), *args], cwd=folder, env=env, stdin=child, stdout=child, stderr=child
    )
    os.close(child)
    out = bytearray()
    try:
        while True:
            ready, _, _ = select.select([main], [], [], timeout)
            if not ready:
                proc.kill()
                raise AssertionError(f"no output for {timeout} s: {out[-500:]!r}")
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the terminal closed: the command ended
                break
            if not chunk:
                break
            out += chunk
    finally:
        os.close(main)
    return proc.wait(timeout=60), out.decode("utf-8", "replace")


def test_crawl_shows_items_per_source_as_they_arrive_on_a_terminal_only(tmp_path: Path) -> None:
    with serve_sample_site() as site:
        write_config(tmp_path, site)
        url = f"sqlite:///{tmp_path / 'crawl.db'}"
        ensure_schema(url)
        code, shown = _run_on_a_terminal(tmp_path, url, "crawl")
        assert code == 0, shown
        # Counts above zero while the source is still crawling: progress, not just the final summary.
        assert re.search(r"[1-9][0-9]* items, [0-9]+ quarantined \(crawling\)", shown), shown[-2000:]
        assert "crawl took" in shown

        piped = run_cli(tmp_path, url, "crawl")
        assert piped.returncode == 0, piped.stdout + piped.stderr
        assert "(crawling)" not in piped.stdout + piped.stderr
