"""Argument parsing and crawl-stat helpers shared by the spiders (every ``-a`` value arrives as text)."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from scrapy import Spider
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.parsing import BadResponse, to_utc

BAD_RESPONSE = "brandpulse/bad_response"
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


def inc_stat(spider: Spider, key: str, count: int = 1) -> None:
    """Count something worth seeing in the crawl stats (stored with the crawl run, shown in the UI)."""
    crawler = getattr(spider, "crawler", None)
    if crawler is not None and crawler.stats is not None:
        crawler.stats.inc_value(key, count)


# -- shared by the API spiders ---------------------------------------------------------------------------

# Error statuses still reach the callback, which reads the source's error JSON, logs it and counts it.
API_ERROR_STATUSES = [400, 401, 403, 404, 429, 500, 502, 503, 504]
MISSING_CONFIG = "missing_config"
SKIPPED_OLD = "brandpulse/skipped_old"


def config_value(value: str | None, env: str) -> str:
    """A secret or setting from its spider argument, else from the environment variable ``env``."""
    return (value or os.environ.get(env) or "").strip()


def missing_config(spider: Spider, message: str) -> CloseSpider:
    """Log why the spider cannot run and return the ``CloseSpider`` for ``start()`` to raise: the crawl then
    ends cleanly with finish reason ``missing_config`` and no items, instead of a traceback."""
    spider.logger.error("%s: %s", spider.name, message)
    inc_stat(spider, f"brandpulse/{MISSING_CONFIG}")
    return CloseSpider(MISSING_CONFIG)


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


def read_api(spider: Spider, response: Response, parse: Callable[[bytes], T]) -> T | None:
    """Parse an API answer; an error answer (HTTP status or the source's error JSON) is logged, counted under
    ``brandpulse/bad_response`` and gives None, so one failing request never stops the crawl."""
    try:
        parsed = parse(response.body)
        if response.status >= 400:
            raise BadResponse(f"HTTP {response.status}")
        return parsed
    except BadResponse as exc:
        spider.logger.warning("bad response from %s (HTTP %s): %s", response.url, response.status, exc)
        inc_stat(spider, BAD_RESPONSE)
        return None


def request_failed(spider: Spider, failure: Failure) -> None:
    """Errback: a request that failed below HTTP (refused, timed out after retries) is logged and counted."""
    request = getattr(failure, "request", None)
    spider.logger.warning("request failed: %s (%s)", getattr(request, "url", "?"), failure.getErrorMessage())
    inc_stat(spider, BAD_RESPONSE)
