"""What a crawl has stored so far, per source, while it runs: a live display on a terminal.

The crawler is a child process; its store pipeline writes each run's counts with every batch it writes (and
at least every ``BRANDPULSE_FLUSH_SECONDS``), so this reads them from the crawl-run rows, the same numbers
the Sources page shows. Off a terminal (a log, a pipe, a service) nothing is drawn: the summary lines after
the crawl say it all.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

POLL_SECONDS = 1.0


@dataclass(frozen=True)
class RunProgress:
    spider: str
    items: int
    quarantined: int
    status: str


def runs_since(url: str, after_run_id: int) -> list[RunProgress]:
    """The crawl runs started after ``after_run_id`` (this crawl's), with their counts so far."""
    from sqlalchemy import select

    from store.db import session_scope
    from store.models import CrawlRun

    with session_scope(url) as session:
        rows = session.execute(
            select(CrawlRun.spider, CrawlRun.items, CrawlRun.quarantined, CrawlRun.status)
            .where(CrawlRun.id > after_run_id)
            .order_by(CrawlRun.id)
        ).all()
    return [RunProgress(s, int(i or 0), int(q or 0), st or "") for s, i, q, st in rows]


def describe(spiders: Sequence[str], runs: Sequence[RunProgress]) -> list[str]:
    """One line per source: waiting, its counts so far, or how it ended.

    >>> describe(["ptt", "vnexpress"], [RunProgress("ptt", 120, 2, "running")])
    ['ptt: 120 items, 2 quarantined (crawling)', 'vnexpress: waiting']
    """
    latest = {r.spider: r for r in runs}
    lines = []
    for spider in spiders:
        run = latest.get(spider)
        if run is None:
            lines.append(f"{spider}: waiting")
            continue
        state = "crawling" if run.status == "running" else run.status
        lines.append(f"{spider}: {run.items} items, {run.quarantined} quarantined ({state})")
    return lines


@contextmanager
def crawl_progress(url: str, spiders: Sequence[str], after_run_id: int) -> Iterator[None]:
    """Show ``describe``'s lines on stderr, refreshed every second, while the block runs (a terminal only)."""
    from rich.console import Console
    from rich.live import Live
    from rich.text import Text

    console = Console(stderr=True)
    if not console.is_terminal:
        yield
        return
    stop = threading.Event()

    def render() -> Text:
        try:
            lines = describe(spiders, runs_since(url, after_run_id))
        except Exception as exc:  # noqa: BLE001 - a display must never stop the crawl
            lines = [f"progress unavailable: {exc.__class__.__name__}"]
        return Text("\n".join(lines))  # source names as plain text, never markup

    with Live(render(), console=console, transient=True, auto_refresh=False) as live:

        def poll() -> None:
            while not stop.wait(POLL_SECONDS):
                live.update(render(), refresh=True)

        thread = threading.Thread(target=poll, name="crawl-progress", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(timeout=5)
