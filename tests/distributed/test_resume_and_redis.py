"""Crawls that survive a stop (Scrapy JOBDIR) and crawls shared by two processes (scrapy-redis on the
local Redis): real Scrapy processes over HTTP into real SQLite databases."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crawler.run import CrawlJob, crawl_in_subprocess
from store.db import ensure_schema, session_scope
from store.models import CrawlRun, Mention
from tests.distributed.forum import serve_forum

ROOT = Path(__file__).resolve().parents[2]
FAST = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "BRANDPULSE_BATCH_SIZE": 10}
REDIS_URL = os.environ.get("BRANDPULSE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _db(tmp_path: Path, name: str) -> str:
    url = f"sqlite:///{tmp_path / name}"
    ensure_schema(url)
    return url


def _mention_ids(url: str) -> set[str]:
    with session_scope(url) as s:
        return set(s.execute(select(Mention.external_id).where(Mention.kind == "comment")).scalars())


def _crawl_cmd(
    url: str, args: dict[str, str], settings: dict[str, object], jobdir: Path | None = None
) -> list[str]:
    spec = {
        "jobs": [{"spider": "generic", "args": args}],
        "settings": settings,
        "jobdir": str(jobdir) if jobdir else None,
    }
    return [sys.executable, "-m", "crawler.run", "--database-url", url, "--jobs-json", json.dumps(spec)]


def test_a_stopped_crawl_resumes_to_the_same_rows(tmp_path: Path) -> None:
    with serve_forum(pages=120, delay=0.01) as forum:
        whole = _db(tmp_path, "whole.db")
        crawl_in_subprocess([CrawlJob("generic", forum.generic_args())], whole, FAST)
        expected = _mention_ids(whole)
        assert expected == forum.expected_comment_ids()

        resumed = _db(tmp_path, "resumed.db")
        jobdir = tmp_path / "job"
        env = {**os.environ, "BRANDPULSE_LOG_LEVEL": "WARNING"}
        first = subprocess.Popen(
            _crawl_cmd(resumed, forum.generic_args(), FAST, jobdir),
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and first.poll() is None:
            if len(_mention_ids(resumed)) >= 150:  # about a quarter of the way
                break
            time.sleep(0.05)
        assert first.poll() is None, "the crawl finished before it could be stopped midway"
        first.send_signal(signal.SIGINT)  # a graceful stop: Scrapy writes its state to JOBDIR
        _, err = first.communicate(timeout=120)
        partial = _mention_ids(resumed)
        assert 0 < len(partial) < len(expected), err[-2000:]

        fetched_before = sum(forum.fetches.values())
        second = subprocess.run(
            _crawl_cmd(resumed, forum.generic_args(), FAST, jobdir),
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert second.returncode == 0, second.stderr[-2000:]
        fetched_after = sum(forum.fetches.values())
    assert _mention_ids(resumed) == expected
    # The second run continued: it did not fetch the pages the first run had already done.
    page_fetches = {p: n for p, n in forum.fetches.items() if p.startswith("/forum/page/")}
    assert fetched_after - fetched_before < len(page_fetches)
    with session_scope(resumed) as s:
        statuses = s.execute(select(CrawlRun.status).order_by(CrawlRun.id)).scalars().all()
    assert statuses == ["stopped: shutdown", "finished"]


def test_two_processes_share_one_crawl_through_redis(tmp_path: Path) -> None:
    """Two crawler processes with one Redis scheduler and duplicate filter: every page fetched once."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {REDIS_URL} is required for the distributed crawl test: {exc}", pytrace=False)
    job = f"test-{uuid.uuid4().hex[:8]}"
    url = _db(tmp_path, "shared.db")
    env = {
        **os.environ,
        "BRANDPULSE_REDIS_URL": REDIS_URL,
        "BRANDPULSE_CRAWL_JOB": job,
        "BRANDPULSE_LOG_LEVEL": "WARNING",
    }
    try:
        with serve_forum(pages=520, delay=0.002) as forum:
            # Every page is a start URL: each worker offers all 520, the shared duplicate filter lets each
            # through once, and both workers take requests from the one shared queue.
            every_page = ",".join(f"{forum.base_url}/forum/page/{n}.html" for n in range(1, 521))
            args = forum.generic_args(start_urls=every_page, next_page="")
            workers = [
                subprocess.Popen(
                    _crawl_cmd(url, args, FAST),
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for _ in range(2)
            ]
            outputs = [w.communicate(timeout=600) for w in workers]
            for w, (_, err) in zip(workers, outputs, strict=True):
                assert w.returncode == 0, err[-2000:]
        pages = {p: n for p, n in forum.fetches.items() if p.startswith("/forum/page/")}
        assert len(pages) == 520
        assert max(pages.values()) == 1, {p: n for p, n in pages.items() if n > 1}
        assert _mention_ids(url) == forum.expected_comment_ids()
        with session_scope(url) as s:
            per_run = s.execute(select(CrawlRun.items).order_by(CrawlRun.id)).scalars().all()
            total = s.execute(select(func.count()).select_from(Mention)).scalar_one()
        assert len(per_run) == 2 and all(n > 0 for n in per_run), per_run  # both workers did work
        assert total == 520 * 5
    finally:
        for key in client.scan_iter(f"brandpulse:{job}:*"):
            client.delete(key)


def test_crawl_command_is_incremental(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`brandpulse crawl` passes the last crawl's start as `since`; --full crawls everything again."""
    from typer.testing import CliRunner

    from ui.cli.app import app

    url = _db(tmp_path, "incremental.db")
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    with serve_forum(pages=3) as forum:
        args = ", ".join(f'{k} = "{v}"' for k, v in forum.generic_args().items())
        (tmp_path / "brandpulse.toml").write_text(f'[[sources]]\nspider = "generic"\nargs = {{ {args} }}\n')
        runner = CliRunner()
        for extra in ([], [], ["--full"]):
            result = runner.invoke(app, ["crawl", *extra])
            assert result.exit_code == 0, result.output
    with session_scope(url) as s:
        stats = [json.loads(r) for r in s.execute(select(CrawlRun.stats).order_by(CrawlRun.id)).scalars()]
    skipped = [st.get("brandpulse/skipped_old", 0) for st in stats]
    assert skipped == [0, 15, 0]  # the second crawl skipped the 15 comments it already had
    assert len(_mention_ids(url)) == 15
