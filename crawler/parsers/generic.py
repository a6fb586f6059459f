"""Any site read through CSS selectors given per site: the site config, and one page's items."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from parsel import Selector

from crawler.parsing import (
    as_text,
    clean_text,
    first_text,
    html_to_text,
    parse_count,
    parse_local_date,
)

_GENERIC_SELECTORS = ("item", "text", "author", "date", "likes", "replies", "url", "id", "next_page", "title")


@dataclass
class GenericSiteConfig:
    """How to read one site: CSS selectors (``::text`` / ``::attr(x)`` allowed; a plain selector means the
    element's rendered text), relative to ``item`` except ``next_page`` and ``title``."""

    start_urls: list[str]
    item: str
    text: str
    author: str | None = None
    date: str | None = None
    date_format: str | None = None  # strptime codes, for dates the helpers cannot read
    timezone: str | None = None  # for naive dates; UTC when not given
    likes: str | None = None
    replies: str | None = None
    url: str | None = None
    id: str | None = None  # the site's own id of an item; a hash of url + text otherwise
    next_page: str | None = None
    title: str | None = "title"
    platform: str = "generic"
    max_pages: int = 1
    post_scope: str = "page"  # "page": one post per page URL; "start": pages after the first join it

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> GenericSiteConfig:
        """Build from a file's table or spider arguments; unknown or missing keys fail with their names."""
        known = {f for f in cls.__dataclass_fields__}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown site config keys: {', '.join(unknown)}")
        values = {k: v for k, v in data.items() if v not in (None, "")}
        urls = values.get("start_urls", [])
        values["start_urls"] = [
            u.strip() for u in (urls.split(",") if isinstance(urls, str) else urls) if str(u).strip()
        ]
        missing = [name for name in ("start_urls", "item", "text") if not values.get(name)]
        if missing:
            raise ValueError(f"site config needs {', '.join(missing)}")
        values["max_pages"] = int(values.get("max_pages", 1))
        if values["max_pages"] < 1:
            raise ValueError("max_pages must be at least 1")
        if values.get("post_scope", "page") not in ("page", "start"):
            raise ValueError("post_scope must be 'page' or 'start'")
        if values.get("timezone"):
            ZoneInfo(values["timezone"])  # an unknown zone fails here, not on the first date
        return cls(**values)


@dataclass
class GenericItem:
    external_id: str
    text: str
    author: str | None
    published_at: datetime | None
    likes: int | None
    replies: int | None
    url: str | None
    raw_date: str | None


@dataclass
class GenericPage:
    url: str
    title: str | None
    items: list[GenericItem]
    next_url: str | None


def _pick(sel: Selector, css: str | None) -> str | None:
    if not css:
        return None
    found = sel.css(css)
    if not found:
        return None
    if re.search(r"::(?:text|attr\([^)]*\))\s*$", css):
        return first_text(" ".join(v.strip() for v in found.getall() if v.strip()))
    return html_to_text(found[0].get()) or None


def parse_generic_page(
    body: str | bytes, url: str, config: GenericSiteConfig, now: datetime | None = None
) -> GenericPage:
    """A page of a configured site → its items (text, author, date, counts, id) and the next page URL."""
    sel = Selector(text=as_text(body))
    items: list[GenericItem] = []
    for node in sel.css(config.item):
        text = clean_text(_pick(node, config.text))
        link = _pick(node, config.url)
        item_url = urljoin(url, link) if link else None
        own_id = _pick(node, config.id)
        raw_date = _pick(node, config.date)
        items.append(
            GenericItem(
                external_id=own_id or hashlib.sha1(f"{item_url or url}\n{text}".encode()).hexdigest()[:20],
                text=text,
                author=_pick(node, config.author),
                published_at=parse_local_date(
                    raw_date, date_format=config.date_format, tz=config.timezone, now=now
                ),
                likes=parse_count(_pick(node, config.likes)),
                replies=parse_count(_pick(node, config.replies)),
                url=item_url,
                raw_date=raw_date,
            )
        )
    next_href = _pick(sel, config.next_page)
    return GenericPage(
        url=url,
        title=_pick(sel, config.title),
        items=items,
        next_url=urljoin(url, next_href) if next_href and not next_href.startswith("javascript") else None,
    )
