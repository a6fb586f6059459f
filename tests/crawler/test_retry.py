"""Retries with backoff (crawler/retry.py): the waits, and a real crawl of a page that answers 503 twice
before it works, the retries spaced out as the server's Retry-After and the backoff say."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import select

from crawler.retry import backoff_seconds
from crawler.run import CrawlJob, crawl_in_subprocess
from store.db import ensure_schema, session_scope
from store.models import Mention


def test_backoff_grows_is_capped_and_follows_retry_after() -> None:
    assert [backoff_seconds(n, 1.0, 30.0) for n in (1, 2, 3, 4, 5, 6)] == [1, 2, 4, 8, 16, 30]
    assert backoff_seconds(1, 0.5, 30.0) == 0.5
    assert backoff_seconds(1, 1.0, 30.0, retry_after="7") == 7
    assert backoff_seconds(1, 1.0, 30.0, retry_after="3600") == 30  # never more than the cap
    assert backoff_seconds(3, 1.0, 30.0, retry_after="1") == 4  # never less than the backoff
    in_5_s = formatdate(time.time() + 5, usegmt=True)
    assert 3.5 <= backoff_seconds(1, 1.0, 30.0, retry_after=in_5_s) <= 5
    assert backoff_seconds(1, 1.0, 30.0, retry_after="soon") == 1


@contextmanager
def flaky_page(failures: int) -> Iterator[tuple[str, list[float]]]:
    """A page that answers 503 (Retry-After: 1) ``failures`` times, then a comment."""
    hits: list[float] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            if self.path == "/robots.txt":
                body, status = b"User-agent: *\nAllow: /\n", 200
            else:
                hits.append(time.monotonic())
                status = 503 if len(hits) <= failures else 200
                body = (
                    b'<div class="c" id="c1"><p class="t">Glow Lab works</p></div>'
                    if status == 200
                    else b"busy"
                )
            self.send_response(status)
            if status == 503:
                self.send_header("Retry-After", "1")
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/page.html", hits
    finally:
        server.shutdown()
        server.server_close()


def test_a_busy_page_is_retried_after_growing_waits_and_then_stored(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'retry.db'}"
    ensure_schema(url)
    args = {"start_urls": "", "item": "div.c", "text": "p.t", "id": "::attr(id)", "platform": "forum"}
    settings = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "RETRY_TIMES": 2}
    with flaky_page(failures=2) as (page, hits):
        crawl_in_subprocess([CrawlJob("generic", {**args, "start_urls": page})], url, settings)
    assert len(hits) == 3
    gaps = [b - a for a, b in zip(hits, hits[1:], strict=False)]
    assert gaps[0] >= 0.9 and gaps[1] >= 1.9, gaps  # Retry-After 1 s, then the backoff's 2 s
    with session_scope(url) as s:
        assert s.execute(select(Mention.text)).scalars().all() == ["Glow Lab works"]
