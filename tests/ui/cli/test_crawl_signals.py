"""`brandpulse crawl` stopped midway, as a service manager, a user or the kernel would stop it: the real CLI
crawling the bundled sample site over HTTP (with its polite delays: about 15 s, time to stop it midway).

- SIGTERM to the command, or straight to its crawler child: the crawl stops, the items buffered for the
  next batch are stored (every spider's batch is bigger than the sample site, so without that nothing would
  be), and every run is recorded as stopped, never left "running".
- SIGKILL of the command: the crawler child stops too (it gets SIGTERM when its parent dies).
- SIGKILL of the crawler child: its runs are recorded as failed, and crawling again gives exactly the rows of
  a clean crawl.

While it crawls, the crawler listens on no port (Scrapy's telnet console is off).
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.sample_site.server import SampleSite, serve_sample_site
from store.db import ensure_schema
from tests.procutil import alive, children, listening_ports, wait_until
from tests.ui.cli.crawl_setup import crawl_runs, run_cli, start_cli, stored_rows, wait_for_runs, write_config

SPIDERS = 3
STOP_BOUND_S = 60  # a graceful stop waits for requests in flight (the sample site answers at once)


@pytest.fixture(scope="module")
def site() -> Iterator[SampleSite]:
    with serve_sample_site() as running:
        yield running


@pytest.fixture(scope="module")
def clean(site: SampleSite, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The rows of one complete, undisturbed crawl."""
    folder = tmp_path_factory.mktemp("clean")
    write_config(folder, site)
    url = f"sqlite:///{folder / 'clean.db'}"
    done = run_cli(folder, url, "crawl")
    assert done.returncode == 0, done.stdout + done.stderr
    assert [r.status for r in crawl_runs(url)] == ["finished"] * SPIDERS
    return stored_rows(url)


def _start_crawl(tmp_path: Path, site: SampleSite):  # type: ignore[no-untyped-def]
    write_config(tmp_path, site)
    url = f"sqlite:///{tmp_path / 'crawl.db'}"
    ensure_schema(url)
    proc = start_cli(tmp_path, url, "crawl")
    assert wait_until(lambda: len(children(proc.pid)) == 1, 30), "no crawler child"
    (crawler,) = children(proc.pid)
    wait_for_runs(url, SPIDERS)
    time.sleep(2)  # under way: items scraped and buffered, none of the spiders done
    assert listening_ports(crawler) == set()  # no telnet console (Scrapy's would be on 6023)
    return proc, crawler, url


def _assert_stopped_with_every_item_stored(url: str, clean: dict[str, object]) -> None:
    runs = crawl_runs(url)
    assert len(runs) == SPIDERS
    assert "running" not in [r.status for r in runs]
    assert "stopped: shutdown" in [r.status for r in runs], [r.status for r in runs]
    for run in runs:
        stats = json.loads(run.stats or "{}")
        # Every item that passed the pipelines was written, the last partial batch included.
        assert run.items == stats.get("item_scraped_count", 0), (run.spider, run.items, stats)
    rows = stored_rows(url)
    assert sum(r.items for r in runs) == len(rows["posts"]) + len(rows["mentions"]) > 0
    assert len(rows["mentions"]) < len(clean["mentions"]), "not stopped midway"  # type: ignore[arg-type]
    assert set(rows["mentions"]) <= set(clean["mentions"])  # type: ignore[call-overload]


def test_sigterm_to_the_command_stops_the_crawl_and_stores_its_items(
    site: SampleSite, clean: dict[str, object], tmp_path: Path
) -> None:
    proc, crawler, url = _start_crawl(tmp_path, site)
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=STOP_BOUND_S)
    assert proc.returncode == 128 + signal.SIGTERM, out
    assert "crawl stopped by SIGTERM" in out
    assert not alive(crawler)
    _assert_stopped_with_every_item_stored(url, clean)


def test_sigterm_to_the_crawler_child_stores_its_items(
    site: SampleSite, clean: dict[str, object], tmp_path: Path
) -> None:
    proc, crawler, url = _start_crawl(tmp_path, site)
    os.kill(crawler, signal.SIGTERM)  # the child, not the command
    out, _ = proc.communicate(timeout=STOP_BOUND_S)
    assert proc.returncode == 1, out  # the command did not ask for it: the crawl failed
    assert "crawl process stopped by SIGTERM" in out
    _assert_stopped_with_every_item_stored(url, clean)


def test_sigkill_of_the_command_stops_its_crawler(
    site: SampleSite, clean: dict[str, object], tmp_path: Path
) -> None:
    proc, crawler, url = _start_crawl(tmp_path, site)
    proc.kill()
    proc.wait(timeout=10)
    assert wait_until(lambda: not alive(crawler), STOP_BOUND_S), "the crawler outlived its command"
    _assert_stopped_with_every_item_stored(url, clean)


def test_sigkill_of_the_crawler_then_a_rerun_gives_the_rows_of_a_clean_crawl(
    site: SampleSite, clean: dict[str, object], tmp_path: Path
) -> None:
    proc, crawler, url = _start_crawl(tmp_path, site)
    os.kill(crawler, signal.SIGKILL)
    out, _ = proc.communicate(timeout=STOP_BOUND_S)
    assert proc.returncode == 1, out
    assert "crawl process killed by SIGKILL" in out
    statuses = [r.status for r in crawl_runs(url)]
    assert statuses == ["failed: crawler process killed by SIGKILL"] * SPIDERS, statuses

    again = run_cli(tmp_path, url, "crawl")
    assert again.returncode == 0, again.stdout + again.stderr
    assert [r.status for r in crawl_runs(url)][SPIDERS:] == ["finished"] * SPIDERS
    assert stored_rows(url) == clean
