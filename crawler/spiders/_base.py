"""What every spider shares: the ``SourceSpider`` base (errback, API requests and answers), the ``since`` and
``max_pages`` argument mixins, and the helpers behind them (every ``-a`` value arrives as text).

A spider is ``class XSpider(SinceArgument, MaxPagesArgument, SourceSpider)`` with only what its source needs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from scrapy import Request, Spider
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.parsing import BadResponse, to_utc

BAD_RESPONSE = "brandpulse/bad_response"
MISSING_CONFIG = "missing_config"
SKIPPED_OLD = "brandpulse/skipped_old"
# Error statuses still reach the callback, which reads the source's error answer, logs it and counts it.
API_ERROR_STATUSES = [400, 401, 403, 404, 429, 500, 502, 503, 504]
T = TypeVar("T")


def split_list(value: str | list[str] | tuple[str, ...] | None) -> list[str]:
    """A comma list argument ("MakeUp, Gossiping") → ["MakeUp", "Gossiping"], without blanks or repeats."""
    if value is None:
        return []
    parts = value if isinstance(value, list | tuple) else str(value).split(",")
    result: list[str] = []
    for part in parts:
        part = str(part).strip()
        if part and part not in result:
            result.append(part)
    return result


def positive_int(value: str | int, name: str) -> int:
    """A bound such as ``max_pages``: a clear error beats a crawl that silently does nothing."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a whole number, got {value!r}") from None
    if number < 1:
        raise ValueError(f"{name} must be at least 1, got {number}")
    return number


def parse_since(value: str | datetime | None) -> datetime | None:
    """``-a since=2024-05-01T00:00:00Z`` (ISO; a naive value is UTC) → aware UTC; empty → None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        parsed = to_utc(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValueError(f"since must be an ISO date-time such as 2024-05-01T00:00:00Z, got {value!r}")
    return parsed


def config_value(value: str | None, env: str) -> str:
    """A secret or setting from its spider argument, else from the environment variable ``env``."""
    return (value or os.environ.get(env) or "").strip()


def inc_stat(spider: Spider, key: str, count: int = 1) -> None:
    """Count something worth seeing in the crawl stats (stored with the crawl run, shown in the UI)."""
    crawler = getattr(spider, "crawler", None)
    if crawler is not None and crawler.stats is not None:
        crawler.stats.inc_value(key, count)


def missing_config(spider: Spider, message: str) -> CloseSpider:
    """Log why the spider cannot run and return the ``CloseSpider`` for ``start()`` to raise: the crawl then
    ends cleanly with finish reason ``missing_config`` and no items, instead of a traceback."""
    spider.logger.error("%s: %s", spider.name, message)
    inc_stat(spider, f"brandpulse/{MISSING_CONFIG}")
    return CloseSpider(MISSING_CONFIG)


def is_fresh(
    spider: Spider, when: datetime | None, since: datetime | None, *, date_only: bool = False
) -> bool:
    """Whether an item is newer than ``since`` (always, without ``since`` or without a time). Older ones are
    counted under ``brandpulse/skipped_old``. A ``date_only`` time (a day, not a moment) counts as the end of
    that day, so an item from ``since``'s own day is kept."""
    if since is None or when is None:
        return True
    fresh = (when + timedelta(days=1) if date_only else when) > since
    if not fresh:
        inc_stat(spider, SKIPPED_OLD)
    return fresh


class SourceSpider(Spider):
    """Base of the brandpulse spiders: one errback, requests to an API, and reading its answers."""

    platform: str

    def failed(self, failure: Failure) -> None:
        """Errback: a request that failed below HTTP (refused, timed out after retries) is logged, counted."""
        url = getattr(getattr(failure, "request", None), "url", "?")
        self.logger.warning("request failed: %s (%s)", url, failure.getErrorMessage())
        inc_stat(self, BAD_RESPONSE)

    def api_request(
        self,
        url: str,
        callback: Callable[..., Any],
        *,
        errback: Callable[[Failure], Any] | None = None,
        request_class: type[Request] = Request,
        **kwargs: Any,
    ) -> Request:
        """A request whose error statuses (``API_ERROR_STATUSES``) still reach ``callback``, which reads them
        through ``read_api``; a failure below HTTP goes to ``errback`` (``failed`` by default)."""
        return request_class(
            url,
            callback=callback,
            errback=errback or self.failed,
            meta={"handle_httpstatus_list": API_ERROR_STATUSES},
            **kwargs,
        )

    def read_api(self, response: Response, parse: Callable[[bytes], T]) -> T | None:
        """Parse an API answer; an error answer (HTTP status or the source's error body) goes to
        ``bad_response`` and gives None, so one failing request never stops the crawl."""
        try:
            parsed = parse(response.body)
            if response.status >= 400:
                raise BadResponse(f"HTTP {response.status}")
            return parsed
        except BadResponse as exc:
            self.bad_response(response, exc)
            return None

    def bad_response(self, response: Response, error: BadResponse) -> None:
        """Log and count (``brandpulse/bad_response``) an answer that could not be read."""
        self.logger.warning("bad response from %s (HTTP %s): %s", response.url, response.status, error)
        inc_stat(self, BAD_RESPONSE)


class SinceArgument:
    """``-a since=2024-05-01T00:00:00Z`` → ``self.since`` (aware UTC, None when not given): older items are
    skipped (``is_fresh``), and a listing that comes newest first stops paging there."""

    since: datetime | None

    def __init__(self, *args: Any, since: str | datetime | None = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.since = parse_since(since)


class MaxPagesArgument:
    """``-a max_pages=N`` → ``self.max_pages``: how many pages of a listing the spider follows
    (``default_max_pages`` when not given)."""

    default_max_pages = 3
    max_pages: int

    def __init__(self, *args: Any, max_pages: str | int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_pages = positive_int(self.default_max_pages if max_pages is None else max_pages, "max_pages")
