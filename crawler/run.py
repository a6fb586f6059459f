"""Run one or more spiders in one Scrapy process.

Twisted's reactor runs once per process, so the CLI starts crawls through ``python -m crawler.run`` in a child
process (``crawl_in_subprocess``) and stays free to label and serve afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class CrawlJob:
    spider: str
    args: dict[str, str] = field(default_factory=dict)


@cache
def available_spiders() -> tuple[str, ...]:
    """Names of every spider of the project (what ``scrapy list`` prints)."""
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    return tuple(sorted(SpiderLoader.from_settings(get_project_settings()).list()))


def run_crawls(
    jobs: Sequence[CrawlJob],
    database_url: str,
    settings: dict[str, object] | None = None,
    jobdir: str | None = None,
) -> list[str]:
    """Crawl every job in this process (blocks until all finish); returns the crawls that could not run.

    With ``jobdir``, each spider keeps its state in ``jobdir/<spider>`` (Scrapy's JOBDIR): a crawl stopped
    midway (Ctrl+C once, or SIGTERM) resumes where it stopped when started again with the same folder.
    """
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    project = get_project_settings()
    project.set("BRANDPULSE_DATABASE_URL", database_url, priority="cmdline")
    for key, value in (settings or {}).items():
        project.set(key, value, priority="cmdline")
    process = CrawlerProcess(project)
    failures: list[str] = []
    for job in jobs:
        crawler = process.create_crawler(job.spider)
        if jobdir:
            crawler.settings.set("JOBDIR", str(Path(jobdir) / job.spider), priority="cmdline")
        deferred = process.crawl(crawler, **job.args)
        deferred.addErrback(lambda failure, name=job.spider: failures.append(f"{name}: {failure.value!r}"))
    process.start()
    return failures


def crawl_in_subprocess(
    jobs: Sequence[CrawlJob],
    database_url: str,
    settings: dict[str, object] | None = None,
    *,
    quiet: bool = True,
    jobdir: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``run_crawls`` in a child process; raises ``RuntimeError`` with its log tail when it fails."""
    payload = json.dumps(
        {
            "jobs": [{"spider": j.spider, "args": j.args} for j in jobs],
            "settings": settings or {},
            "jobdir": jobdir,
        }
    )
    from store.db import absolute_sqlite_url

    # The child runs in the project folder: a relative SQLite path must not change meaning.
    database_url = absolute_sqlite_url(database_url)
    env = {**os.environ, "BRANDPULSE_DATABASE_URL": database_url}
    if quiet:
        env.setdefault("BRANDPULSE_LOG_LEVEL", "WARNING")
    proc = subprocess.run(
        [sys.executable, "-m", "crawler.run", "--database-url", database_url, "--jobs-json", payload],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or "").splitlines()[-30:])
        raise RuntimeError(f"crawl process exited with {proc.returncode}:\n{tail}")
    return proc


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run brandpulse spiders into a database.")
    parser.add_argument("--database-url", required=True)
    parser.add_argument(
        "--jobs-json", required=True, help='{"jobs": [{"spider": ..., "args": {...}}], "settings": {}}'
    )
    ns = parser.parse_args(argv)
    spec = json.loads(ns.jobs_json)
    jobs = [CrawlJob(j["spider"], {k: str(v) for k, v in j.get("args", {}).items()}) for j in spec["jobs"]]
    failures = run_crawls(jobs, ns.database_url, spec.get("settings"), spec.get("jobdir"))
    if failures:
        # A spider that cannot start (bad arguments, missing key) must fail the command, not pass silently.
        sys.exit("crawls that could not run: " + "; ".join(failures))


if __name__ == "__main__":
    main()
