"""An API key given as a source argument stays secret: a real `brandpulse crawl` with a (fake) YouTube key
next to the sample site's sources, and the key looked for everywhere it could leak: the crawler child's
command line and environment as `ps` reads them, the command's output, every stored row (crawl runs and
their stats, quarantine), the exports, and the crawler's own log at DEBUG level."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from crawler.sample_site.server import SampleSite, serve_sample_site
from store.db import ensure_schema, get_engine
from tests.procutil import children, cmdline, environ, free_port, wait_until
from tests.ui.cli.crawl_setup import crawl_runs, run_cli, start_cli, write_config

KEY = "AIzaFAKE-brandpulse-test-key-7f3a91"
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def site() -> Iterator[SampleSite]:
    with serve_sample_site() as running:
        yield running


def _youtube(api_url: str) -> tuple[str, dict[str, str]]:
    return ("youtube", {"videos": "dQw4w9WgXcQ", "api_key": KEY, "api_url": api_url})


def _every_stored_text(url: str) -> str:
    """Every value of every row of every table, as text."""
    engine = get_engine(url)
    parts = []
    with engine.connect() as conn:
        for table in inspect(engine).get_table_names():
            parts += [repr(tuple(row)) for row in conn.execute(text(f'SELECT * FROM "{table}"'))]
    return "\n".join(parts)


def test_an_api_key_appears_in_no_process_argument_log_row_or_export(
    site: SampleSite, tmp_path: Path
) -> None:
    closed = f"http://127.0.0.1:{free_port()}/youtube/v3"  # nothing listens: every call fails and is logged
    write_config(tmp_path, site, extra_sources=[_youtube(closed)])
    url = f"sqlite:///{tmp_path / 'secrets.db'}"
    ensure_schema(url)
    proc = start_cli(tmp_path, url, "crawl")
    assert wait_until(lambda: len(children(proc.pid)) == 1 or proc.poll() is not None, 30)
    (crawler,) = children(proc.pid)
    seen_args, seen_env = cmdline(crawler), environ(crawler)
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0, out

    assert "crawler.run" in seen_args and KEY not in seen_args
    assert KEY not in seen_env
    assert KEY not in cmdline(os.getpid())  # (nor did the test put it on its own)
    assert KEY not in out
    runs = {r.spider: r for r in crawl_runs(url)}
    assert set(runs) == {"ptt", "vnexpress", "naver_comments", "youtube"}
    stats = json.loads(runs["youtube"].stats or "{}")
    assert stats.get("brandpulse/bad_response", 0) >= 1, stats  # the keyed calls were made, and failed
    assert KEY not in _every_stored_text(url)

    for fmt in ("csv", "jsonl", "parquet"):
        export = tmp_path / f"export.{fmt}"
        done = run_cli(tmp_path, url, "export", "--format", fmt, "--out", str(export), "--include-spam")
        assert done.returncode == 0, done.stdout + done.stderr
        assert export.stat().st_size > 1000
        assert KEY.encode() not in export.read_bytes()


def test_a_source_that_cannot_start_is_reported_without_its_key(site: SampleSite, tmp_path: Path) -> None:
    """A bad argument next to a key: the crawl fails with the child's log tail shown, the key hidden."""
    bad = ("youtube", {"videos": "not a video id!", "api_key": KEY, "api_url": f"{site.base_url}/yt"})
    write_config(tmp_path, site, extra_sources=[bad])
    url = f"sqlite:///{tmp_path / 'bad.db'}"
    done = run_cli(tmp_path, url, "crawl")
    assert done.returncode == 1, done.stdout
    assert "youtube" in done.stderr and "not a video id or URL" in done.stderr
    assert KEY not in done.stdout + done.stderr
    runs = {r.spider: r for r in crawl_runs(url)}
    assert runs["youtube"].status == "failed" and runs["ptt"].status == "finished"  # the others went on
    assert "not a video id or URL" in json.loads(runs["youtube"].stats or "{}")["error"]
    assert KEY not in _every_stored_text(url)


def test_the_crawler_log_masks_the_key_even_at_debug_level(site: SampleSite, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'debug.db'}"
    ensure_schema(url)
    name, args = _youtube(f"{site.base_url}/youtube/v3")  # the sample site answers 404: logged with its URL
    spec = {"database_url": url, "jobs": [{"spider": name, "args": args}], "settings": {"RETRY_TIMES": 0}}
    done = subprocess.run(
        [sys.executable, "-m", "crawler.run", "--jobs-from-stdin"],
        input=json.dumps(spec),
        cwd=ROOT,
        env={**os.environ, "BRANDPULSE_LOG_LEVEL": "DEBUG"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    log = done.stdout + done.stderr
    assert done.returncode == 0, log[-3000:]
    assert "key=***" in log  # the keyed URLs were logged, masked
    assert KEY not in log
