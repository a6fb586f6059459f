"""Argument parsing and crawl-stat helpers shared by the spiders (every ``-a`` value arrives as text)."""

from __future__ import annotations

from scrapy import Spider

BAD_RESPONSE = "brandpulse/bad_response"


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
