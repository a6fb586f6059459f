"""Retries with backoff: Scrapy's retry middleware, waiting before each retry instead of asking again at once.

A source that answers 429 or 503, or a connection that drops, is usually busy or restarting: asking again
immediately (Scrapy's default) fails the same way and spends the retries in a second. Here retry n waits
``RETRY_BACKOFF_BASE`` × 2^(n − 1) seconds (at most ``RETRY_BACKOFF_MAX``), or what the server's
``Retry-After`` header says (capped the same way). A crawl being stopped does not wait: the retry goes
straight back to the scheduler (with ``--jobdir``, into the saved state).
"""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor
from twisted.internet.task import deferLater

if TYPE_CHECKING:
    from scrapy.http import Response

# The slice a wait sleeps before checking whether the crawl is being stopped.
_SLICE = 0.2


def backoff_seconds(retry: int, base: float, cap: float, retry_after: str | None = None) -> float:
    """How long to wait before retry number ``retry`` (1 for the first).

    >>> backoff_seconds(1, 1.0, 30.0), backoff_seconds(3, 1.0, 30.0), backoff_seconds(9, 1.0, 30.0)
    (1.0, 4.0, 30.0)
    >>> backoff_seconds(1, 1.0, 30.0, retry_after="7")
    7.0
    """
    wait = base * 2 ** max(0, retry - 1)
    if retry_after:
        wait = max(wait, _retry_after_seconds(retry_after.strip()))
    return max(0.0, min(cap, wait))


def _retry_after_seconds(value: str) -> float:
    """``Retry-After`` as seconds: a number of seconds or an HTTP date; 0 when unreadable."""
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, IndexError):
        return 0.0


class BackoffRetryMiddleware(RetryMiddleware):
    """``RetryMiddleware`` (same settings: ``RETRY_TIMES``, ``RETRY_HTTP_CODES``, ...) that waits before a
    retry. Settings: ``RETRY_BACKOFF_BASE`` (seconds, default 1), ``RETRY_BACKOFF_MAX`` (default 30)."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 30.0)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await self._wait(result, response.headers.get("Retry-After"))
        return result

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Any = None
    ) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await self._wait(result, None)
        return result

    async def _wait(self, retry: Request, retry_after: bytes | None) -> None:
        header = retry_after.decode("latin-1") if retry_after else None
        wait = backoff_seconds(int(retry.meta.get("retry_times", 1)), self.base, self.cap, header)
        self.crawler.stats.inc_value("retry/backoff_seconds", round(wait, 3))
        end = time.monotonic() + wait
        while self.crawler.crawling and (left := end - time.monotonic()) > 0:
            await maybe_deferred_to_future(deferLater(reactor, min(_SLICE, left)))
