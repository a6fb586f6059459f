"""Naver Search API (Korean): blog, news and cafe results for keywords, page by page (``start``/``display``).

    NAVER_CLIENT_ID=... NAVER_CLIENT_SECRET=... scrapy crawl naver_search -a keywords="글로우랩,아쿠아베일" \
        -a kinds=blog,news -a max_pages=3 -a since=2024-05-01T00:00:00Z

The API finds posts; it has no engagement counts. A news result that links to a Naver news article names its
``oid/aid`` in ``extra["naver_article"]``, which is what ``naver_comments`` takes to fetch the comments.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlencode

from scrapy import Request
from scrapy.http import Response

from crawler.items import MentionItem, PostItem
from crawler.parsers.naver_search import NAVER_SEARCH_KINDS, NaverSearchResult, parse_naver_search
from crawler.spiders._base import (
    MaxPagesArgument,
    SinceArgument,
    SourceSpider,
    config_value,
    inc_stat,
    is_fresh,
    missing_config,
    positive_int,
    split_list,
)

MAX_START = 1000  # the API refuses start > 1000


class NaverSearchSpider(SinceArgument, MaxPagesArgument, SourceSpider):
    name = "naver_search"
    platform = "naver_search"
    default_max_pages = 3

    def __init__(
        self,
        keywords: str = "",
        kinds: str = "blog,news",
        client_id: str = "",
        client_secret: str = "",
        api_url: str = "https://openapi.naver.com/v1/search",
        display: str | int = 100,
        sort: str = "date",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.keywords = split_list(keywords)
        if not self.keywords:
            raise ValueError("naver_search: give -a keywords=... (comma separated)")
        self.kinds = split_list(kinds)
        unknown = [k for k in self.kinds if k not in NAVER_SEARCH_KINDS]
        if unknown or not self.kinds:
            known = ", ".join(NAVER_SEARCH_KINDS)
            raise ValueError(f"naver_search: kinds must be among {known}, got {kinds!r}")
        if sort not in ("date", "sim"):
            raise ValueError("naver_search: sort must be date or sim")
        self.client_id = config_value(client_id, "NAVER_CLIENT_ID")
        self.client_secret = config_value(client_secret, "NAVER_CLIENT_SECRET")
        self.api_url = api_url.rstrip("/")
        self.display = min(positive_int(display, "display"), 100)
        self.sort = sort

    async def start(self) -> AsyncIterator[Request]:
        if not self.client_id or not self.client_secret:
            raise missing_config(
                self,
                "the Naver Search API needs a key: give -a client_id=... -a client_secret=... or set "
                "NAVER_CLIENT_ID and NAVER_CLIENT_SECRET (free at developers.naver.com)",
            )
        for kind in self.kinds:
            for keyword in self.keywords:
                yield self._search(kind, keyword, start=1, page=1)

    def _search(self, kind: str, keyword: str, start: int, page: int) -> Request:
        params = {"query": keyword, "display": self.display, "start": start, "sort": self.sort}
        return self.api_request(
            f"{self.api_url}/{kind}.json?{urlencode(params)}",
            callback=self.parse_results,
            headers={"X-Naver-Client-Id": self.client_id, "X-Naver-Client-Secret": self.client_secret},
            cb_kwargs={"kind": kind, "keyword": keyword, "page": page},
        )

    def parse_results(
        self, response: Response, kind: str, keyword: str, page: int
    ) -> Iterator[PostItem | MentionItem | Request]:
        data = self.read_api(response, lambda body: parse_naver_search(body, kind))
        if data is None:
            return
        reached_old = False
        for result in data.items:
            fresh = is_fresh(self, result.published_at, self.since, date_only=result.date_only)
            reached_old = reached_old or not fresh
            yield from self._items(result, keyword, fresh)
        next_start = data.start + data.display
        if not data.items or next_start > min(data.total, MAX_START):
            return
        if reached_old and self.sort == "date":
            return  # newest first: the next page is older still
        if page >= self.max_pages:
            inc_stat(self, "brandpulse/naver_search/pages_capped")
            return
        yield self._search(kind, keyword, start=next_start, page=page + 1)

    def _items(
        self, result: NaverSearchResult, keyword: str, fresh: bool
    ) -> Iterator[PostItem | MentionItem]:
        extra: dict[str, Any] = {"kind": result.kind, "keyword": keyword}
        if result.original_link:
            extra["original_link"] = result.original_link
        if result.naver_article:
            extra["naver_article"] = result.naver_article
        if result.author_link:
            extra["author_link"] = result.author_link
        # The post is refreshed on every crawl; the mention only when it is new.
        yield PostItem(
            platform=self.platform,
            external_id=result.link,
            url=result.link,
            title=result.title or None,
            text=result.description or None,
            author=result.author,
            published_at=result.published_at,
        )
        if not fresh:
            return
        yield MentionItem(
            platform=self.platform,
            external_id=result.link,
            text="\n\n".join(part for part in (result.title, result.description) if part),
            kind="article",
            url=result.link,
            author=result.author,
            published_at=result.published_at,
            post_external_id=result.link,
            extra=extra,
        )
