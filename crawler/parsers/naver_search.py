"""Naver Search API (blog, news, cafearticle) answers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from crawler.parsing import (
    SEOUL,
    BadResponse,
    clean_text,
    first_text,
    int_or,
    load_json,
    to_utc_or_none,
)

NAVER_SEARCH_KINDS = ("blog", "news", "cafearticle")
_NAVER_NEWS_ARTICLE = re.compile(r"n\.news\.naver\.com/(?:mnews/)?article/(\d{3})/(\d{10})")


@dataclass
class NaverSearchResult:
    kind: str  # blog | news | cafearticle
    link: str
    title: str
    description: str
    original_link: str | None
    author: str | None  # bloggername / cafename; news results name no author
    author_link: str | None  # bloggerlink / cafeurl
    published_at: datetime | None
    date_only: bool  # blog postdate is a day (YYYYMMDD, Seoul), not a time

    @property
    def naver_article(self) -> str | None:
        """``oid/aid`` when the link is a Naver news article page (what ``naver_comments`` crawls)."""
        match = _NAVER_NEWS_ARTICLE.search(self.link)
        return f"{match.group(1)}/{match.group(2)}" if match else None


@dataclass
class NaverSearchPage:
    total: int
    start: int
    display: int
    items: list[NaverSearchResult]


def parse_naver_search(body: str | bytes, kind: str) -> NaverSearchPage:
    """A Search API answer (``{total, start, display, items[]}``) → typed page, ``<b>`` highlights stripped.

    Error answers (``{"errorMessage": ..., "errorCode": "024"}``) raise ``BadResponse`` naming the code.
    """
    payload = load_json(body)
    if not isinstance(payload, dict):
        raise BadResponse("Naver search answer is not an object")
    if "errorCode" in payload or "errorMessage" in payload:
        raise BadResponse(f"Naver API error {payload.get('errorCode')}: {payload.get('errorMessage') or ''}")
    if not isinstance(payload.get("items"), list):
        raise BadResponse("no items list")
    items: list[NaverSearchResult] = []
    for raw in payload["items"]:
        if not isinstance(raw, dict) or not raw.get("link"):
            continue
        postdate = raw.get("postdate")
        published = (
            to_utc_or_none(postdate, tz=SEOUL) if postdate else to_utc_or_none(raw.get("pubDate"), tz=SEOUL)
        )
        items.append(
            NaverSearchResult(
                kind=kind,
                link=str(raw["link"]).strip(),
                title=clean_text(raw.get("title")),
                description=clean_text(raw.get("description")),
                original_link=first_text(raw.get("originallink")),
                author=first_text(raw.get("bloggername"), raw.get("cafename")),
                author_link=first_text(raw.get("bloggerlink"), raw.get("cafeurl")),
                published_at=published,
                date_only=bool(postdate),
            )
        )
    return NaverSearchPage(
        total=int_or(payload.get("total"), 0) or 0,
        start=int_or(payload.get("start"), 1) or 1,
        display=int_or(payload.get("display"), len(items)) or len(items),
        items=items,
    )
