"""Run one or more spiders in one Scrapy process.

Twisted's reactor runs once per process, so the CLI starts crawls through ``python -m crawler.run`` in a child
process (``crawl_in_subprocess``) and stays free to label and serve afterwards. The child reads what to crawl
from stdin, so spider arguments (API keys) never appear on its command line, and hides their values in its
log (``crawler.redact``).

Stopping: the parent forwards a stop signal (Ctrl+C, SIGTERM, SIGHUP) to the child and waits
(``crawler.processes``). The child stops gracefully on the first one: it stops fetching, stores the items
buffered for the next batch and records each run as ``stopped: shutdown``; a second one more than a second
later forces it out, and so does the parent, with SIGKILL, when the child is still running 90 s after the
first (``BRANDPULSE_CRAWL_STOP_GRACE``). The parent then records the runs it left ``running`` as failed; a
signal delivered twice at once, by a service manager to the whole process group and by the parent, counts
once. A crawl
that finished leaves no state in ``--jobdir``, so the next crawl with the same folder starts fresh; a
stopped one resumes.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from crawler.processes import STOP_SIGNALS, forwarding_stop_signals, start_child, wait_for_child
from crawler.redact import redact, redact_logging, secret_values

ROOT = Path(__file__).resolve().parents[1]
logger = logging.getLogger(__name__)
# The child's exit code when some crawls could not run (each is recorded as a failed run).
SOME_FAILED = 1
# Two stop signals closer than this are one signal delivered twice (to the process group and by the parent).
_SAME_SIGNAL_SECONDS = 1.0
# How often a stop that found a crawl still opening its spider looks again (see _stop_every_crawl).
_STOP_RETRY_SECONDS = 0.1
# A crawler still running this long after the command forwarded it a stop signal is killed (its runs are then
# recorded as failed). A graceful stop waits for the requests in flight (DOWNLOAD_TIMEOUT, 30 s) and writes
# the last batch (SQLite may wait 30 s for a lock): ample for a healthy crawler, a bound on a stuck one.
STOP_GRACE_ENV = "BRANDPULSE_CRAWL_STOP_GRACE"
DEFAULT_STOP_GRACE_SECONDS = 90.0


@dataclass(frozen=True)
class CrawlJob:
    spider: str
    args: dict[str, str] = field(default_factory=dict)


class CrawlInterrupted(RuntimeError):
    """The crawl was stopped by a signal to the command (the child stopped cleanly, or was forced)."""

    def __init__(self, signum: int, message: str) -> None:
        super().__init__(message)
        self.signum = signum


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
    *,
    runs_file: str | None = None,
    secrets: set[str] | None = None,
) -> list[str]:
    """Crawl every job in this process (blocks until all finish); returns the crawls that could not run, each
    also recorded as a failed crawl run. Stopped by a signal (after storing what it had), raises
    ``CrawlInterrupted``.

    With ``jobdir``, each spider keeps its state in ``jobdir/<spider>`` (Scrapy's JOBDIR): a crawl stopped
    midway (Ctrl+C once, or SIGTERM) resumes where it stopped when started again with the same folder; a crawl
    that ended any other way leaves no state. ``runs_file``: each crawl run's id is appended to it as the run
    starts (for the parent to close runs a killed child leaves open).
    """
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    project = get_project_settings()
    project.set("BRANDPULSE_DATABASE_URL", database_url, priority="cmdline")
    for key, value in (settings or {}).items():
        project.set(key, value, priority="cmdline")
    redact_logging(secrets or set())  # before Scrapy logs anything
    process = CrawlerProcess(project)
    failures: list[str] = []
    reasons: dict[str, str] = {}
    for job in jobs:
        crawler = process.create_crawler(job.spider)
        if jobdir:
            crawler.settings.set("JOBDIR", str(Path(jobdir) / job.spider), priority="cmdline")
        _track_run(crawler, reasons, runs_file)
        deferred = process.crawl(crawler, **job.args)
        deferred.addErrback(_could_not_run, job.spider, failures, database_url, secrets or set())
    stopped_by = _stop_on_signals(process)
    process.start(install_signal_handlers=False)
    if jobdir:
        for job in jobs:
            # Only a crawl stopped by a signal resumes; otherwise its seen-requests file would make the next
            # crawl with this folder fetch nothing at all.
            if reasons.get(job.spider) != "shutdown":
                shutil.rmtree(Path(jobdir) / job.spider, ignore_errors=True)
    if stopped_by:
        name = signal.Signals(stopped_by[0]).name
        raise CrawlInterrupted(stopped_by[0], f"crawl stopped by {name}")
    return failures


def _track_run(crawler: Any, reasons: dict[str, str], runs_file: str | None) -> None:
    """Append each run's id to ``runs_file`` as it starts; note why each spider closed in ``reasons``."""
    from scrapy import signals

    def opened(spider: Any) -> None:
        run_id = getattr(spider, "crawl_run_id", None)
        if runs_file and run_id is not None:
            with open(runs_file, "a", encoding="utf-8") as out:
                out.write(f"{run_id}\n")
                out.flush()
                os.fsync(out.fileno())

    def closed(spider: Any, reason: str) -> None:
        reasons[spider.name] = reason

    crawler.signals.connect(opened, signal=signals.spider_opened, weak=False)
    crawler.signals.connect(closed, signal=signals.spider_closed, weak=False)


def _could_not_run(
    failure: Any, spider: str, failures: list[str], database_url: str, secrets: set[str]
) -> None:
    """A spider that cannot start (bad arguments, an unknown option): recorded as a failed run, so the Sources
    page and the alerts show it, while the other spiders go on."""
    from store import repo
    from store.db import ensure_schema, session_scope

    message = redact(f"{failure.value.__class__.__name__}: {failure.value}", secrets)
    failures.append(f"{spider}: {message}")
    logger.error("crawl of %s could not run: %s", spider, message)
    try:
        ensure_schema(database_url)
        with session_scope(database_url) as session:
            run_id = repo.start_crawl_run(session, spider=spider)
            repo.finish_crawl_run(
                session,
                run_id=run_id,
                items=0,
                quarantined=0,
                errors=1,
                status="failed",
                stats={"error": message},
            )
    except Exception:  # the database is the likelier problem then; the exit code still says it failed
        logger.exception("could not record the failed crawl of %s", spider)


def _stop_every_crawl(process: Any) -> None:
    """Stop every crawl of ``process`` gracefully, whatever its stage.

    Scrapy's ``process.stop()`` only marks a crawl whose engine is not running yet (its spider still
    opening) as stopped: the engine then starts anyway, and when the spider has finished, its end is
    skipped as "already stopped", so the reactor, the process and the command waiting for it run on
    forever. Such a crawl is stopped here as soon as its engine runs."""
    from scrapy.utils.defer import deferred_from_coro
    from twisted.internet import reactor

    starting = False
    for crawler in list(process.crawlers):
        try:
            engine = crawler.engine
        except RuntimeError:  # not created yet: the crawl is about to open its spider
            engine = None
        if engine is not None and engine.running:
            deferred_from_coro(crawler.stop_async())
        elif crawler.crawling:  # opening its spider; one that failed to start is not crawling
            starting = True
    if starting:
        reactor.callLater(_STOP_RETRY_SECONDS, _stop_every_crawl, process)


def _stop_on_signals(process: Any) -> list[int]:
    """The first stop signal stops every crawl gracefully; another one a second or more later exits at once
    (the parent then closes the runs left open). Installed before the reactor starts, so no early signal is
    lost. Returns the list that receives the first signal's number."""
    from twisted.internet import reactor

    first: list[float] = []
    received: list[int] = []

    def on_signal(signum: int, _frame: object) -> None:
        now = time.monotonic()
        if not first:
            first.append(now)
            received.append(signum)
            name = signal.Signals(signum).name
            reactor.callFromThread(logger.info, "received %s: stopping the crawl, storing what it has", name)
            reactor.callFromThread(_stop_every_crawl, process)
        elif now - first[0] >= _SAME_SIGNAL_SECONDS:
            os._exit(128 + signum)

    for s in STOP_SIGNALS:
        signal.signal(s, on_signal)
    return received


def crawl_in_subprocess(
    jobs: Sequence[CrawlJob],
    database_url: str,
    settings: dict[str, object] | None = None,
    *,
    quiet: bool = True,
    jobdir: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``run_crawls`` in a child process and wait for it.

    A stop signal to this process is forwarded to the child; once the child has stopped (or was killed,
    still running ``BRANDPULSE_CRAWL_STOP_GRACE`` seconds later, 90 by default), ``CrawlInterrupted`` is
    raised. A child that fails raises ``RuntimeError`` with its log tail (secrets hidden); crawl runs a
    killed child left ``running`` are recorded as failed first.
    """
    from store.db import absolute_sqlite_url, env_seconds

    try:
        grace = env_seconds(STOP_GRACE_ENV, DEFAULT_STOP_GRACE_SECONDS)
    except ValueError as exc:
        raise RuntimeError(str(exc)) from None
    # The child runs in the project folder: a relative SQLite path must not change meaning.
    database_url = absolute_sqlite_url(database_url)
    secrets = set().union(*(secret_values(j.args) for j in jobs), secret_values({}, database_url))
    env = {**os.environ, "BRANDPULSE_DATABASE_URL": database_url}
    if quiet:
        env.setdefault("BRANDPULSE_LOG_LEVEL", "WARNING")
    with tempfile.TemporaryDirectory(prefix="brandpulse-crawl-") as tmp:  # private: mode 0700
        runs_file = str(Path(tmp) / "runs")
        spec = {
            "database_url": database_url,
            "jobs": [{"spider": j.spider, "args": j.args} for j in jobs],
            "settings": settings or {},
            "jobdir": jobdir,
            "runs_file": runs_file,
        }
        with open(Path(tmp) / "log", "w+", encoding="utf-8", errors="replace") as log:
            child = start_child(
                [sys.executable, "-m", "crawler.run", "--jobs-from-stdin"],
                cwd=ROOT,
                env=env,
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
            )
            with forwarding_stop_signals(child) as received:
                assert child.stdin is not None
                try:
                    child.stdin.write(json.dumps(spec))
                    child.stdin.close()
                except BrokenPipeError:  # the child died at once; its exit code and log say why
                    pass
                code = wait_for_child(child, received, grace=grace)
            log.seek(0)
            output = redact(log.read(), secrets)
        unfinished = close_unfinished_runs(database_url, runs_file, code)
    tail = "\n".join(output.splitlines()[-30:])
    if received:
        name = signal.Signals(received[0]).name
        how = f"crawl stopped by {name}"
        if code == -signal.SIGKILL:
            how += f"; the crawler had not stopped {grace:g} s later and was killed"
        raise CrawlInterrupted(received[0], how + (f"; {unfinished}" if unfinished else ""))
    if code != 0:
        how = _ended(code) + (f"; {unfinished}" if unfinished else "")
        raise RuntimeError(f"crawl process {how}" + (f":\n{tail}" if tail else ""))
    return subprocess.CompletedProcess(child.args, code, output, "")


def _ended(code: int) -> str:
    """How a child process ended, from its exit code: killed by a signal, stopped by one, or exited."""
    for number, verb in ((-code, "killed by"), (code - 128, "stopped by")):
        try:
            return f"{verb} {signal.Signals(number).name}"
        except ValueError:
            continue
    return f"exited with {code}"


def close_unfinished_runs(database_url: str, runs_file: str, code: int) -> str:
    """Record the runs a finished child left ``running`` (it was killed) as failed; says how many."""
    from store import repo
    from store.db import session_scope

    try:
        ids = [int(line) for line in Path(runs_file).read_text(encoding="utf-8").split()]
    except FileNotFoundError:
        return ""
    if not ids:
        return ""
    with session_scope(database_url) as session:
        closed = repo.fail_unfinished_runs(
            session, run_ids=ids, status=f"failed: crawler process {_ended(code)}"
        )
    return f"{closed} crawl run(s) the crawler left open recorded as failed" if closed else ""


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run brandpulse spiders into a database.")
    parser.add_argument("--database-url", help="default: the spec's, else BRANDPULSE_DATABASE_URL")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--jobs-json", help='{"jobs": [{"spider": ..., "args": {...}}], "settings": {}} (visible to ps)'
    )
    source.add_argument(
        "--jobs-from-stdin", action="store_true", help="read that JSON from stdin (keeps secrets off ps)"
    )
    ns = parser.parse_args(argv)
    spec = json.loads(ns.jobs_json) if ns.jobs_json else json.loads(sys.stdin.read())
    database_url = ns.database_url or spec.get("database_url") or os.environ["BRANDPULSE_DATABASE_URL"]
    jobs = [CrawlJob(j["spider"], {k: str(v) for k, v in j.get("args", {}).items()}) for j in spec["jobs"]]
    secrets = set().union(*(secret_values(j.args) for j in jobs), secret_values({}, database_url))
    try:
        failures = run_crawls(
            jobs,
            database_url,
            spec.get("settings"),
            spec.get("jobdir"),
            runs_file=spec.get("runs_file"),
            secrets=secrets,
        )
    except CrawlInterrupted as exc:
        # Stopped cleanly, yet not complete: an exit code the parent (or whoever sent the signal) can tell.
        sys.exit(128 + exc.signum)
    if failures:
        # A spider that cannot start (bad arguments, missing key) must fail the command, not pass silently.
        print("crawls that could not run: " + "; ".join(failures), file=sys.stderr)
        sys.exit(SOME_FAILED)


if __name__ == "__main__":
    main()
