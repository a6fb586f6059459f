"""Google News RSS: editions and search / topic feeds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from parsel import Selector

from crawler.parsing import (
    BadResponse,
    clean_text,
    first_text,
    to_utc_or_none,
)

# hl, gl, ceid per edition (what news.google.com itself uses for each market).
GOOGLE_NEWS_EDITIONS: dict[str, tuple[str, str, str]] = {
    "ko": ("ko", "KR", "KR:ko"),
    "zh-tw": ("zh-TW", "TW", "TW:zh-Hant"),
    "vi": ("vi", "VN", "VN:vi"),
    "en": ("en-US", "US", "US:en"),
    "en-us": ("en-US", "US", "US:en"),
}


@dataclass
class GoogleNewsItem:
    guid: str
    title: str
    link: str | None
    published_at: datetime | None
    source: str | None
    source_url: str | None


def google_news_edition(code: str) -> tuple[str, str, str]:
    """ "ko" | "zh-TW" | "vi" | "en" → (hl, gl, ceid). Raises ``ValueError`` naming the known editions."""
    found = GOOGLE_NEWS_EDITIONS.get(code.strip().lower())
    if found is None:
        raise ValueError(f"unknown Google News edition {code!r}; known: ko, zh-TW, vi, en")
    return found


def parse_google_news_rss(body: str | bytes) -> list[GoogleNewsItem]:
    """An RSS 2.0 feed (search or topic) → items; the " - Source" that Google appends to titles is removed."""
    raw = body if isinstance(body, bytes) else body.encode("utf-8")
    try:
        sel = Selector(body=raw, type="xml")
    except (ValueError, TypeError) as exc:
        raise BadResponse(f"not XML: {exc}") from exc
    if not sel.xpath("/rss/channel"):
        raise BadResponse("not an RSS feed")
    items: list[GoogleNewsItem] = []
    for item in sel.xpath("/rss/channel/item"):
        title = clean_text(item.xpath("string(title)").get(), strip_html=False)
        link = first_text(item.xpath("string(link)").get())
        guid = first_text(item.xpath("string(guid)").get(), link)
        if not guid:
            continue
        source = first_text(item.xpath("string(source)").get())
        if source and title.endswith(f" - {source}"):
            title = title[: -len(source) - 3].rstrip()
        items.append(
            GoogleNewsItem(
                guid=guid,
                title=title,
                link=link,
                published_at=to_utc_or_none(item.xpath("string(pubDate)").get()),
                source=source,
                source_url=first_text(item.xpath("source/@url").get()),
            )
        )
    return items
