"""Google News RSS search: articles about the keywords in each market's edition.

    scrapy crawl googlenews -a keywords="글로우랩,glow lab" -a editions=ko,zh-TW,vi,en -a when=7d

One feed per keyword and edition (``hl``/``gl``/``ceid`` as news.google.com uses them); a feed has no pages,
so ``when`` (e.g. 1h, 7d) bounds how far back it reaches. Articles are discovery only: no engagement counts.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlencode

from scrapy import Request
from scrapy.http import Response

from crawler.items import MentionItem, PostItem
from crawler.parsers.googlenews import google_news_edition, parse_google_news_rss
from crawler.spiders._base import (
    SinceArgument,
    SourceSpider,
    inc_stat,
    is_fresh,
    split_list,
)


class GoogleNewsSpider(SinceArgument, SourceSpider):
    name = "googlenews"
    platform = "googlenews"

    def __init__(
        self,
        keywords: str = "",
        editions: str = "en",
        when: str = "7d",
        base_url: str = "https://news.google.com",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.keywords = split_list(keywords)
        if not self.keywords:
            raise ValueError("googlenews: give -a keywords=... (comma separated)")
        self.editions = {code: google_news_edition(code) for code in split_list(editions)}
        if not self.editions:
            raise ValueError("googlenews: give -a editions=ko,zh-TW,vi,en")
        if when and not re.fullmatch(r"\d+[hdmy]", when):
            raise ValueError(f"googlenews: when looks like 12h or 7d, got {when!r}")
        self.when = when
        self.base_url = base_url.rstrip("/")
        self.seen: set[str] = set()

    async def start(self) -> AsyncIterator[Request]:
        for keyword in self.keywords:
            for code, (hl, gl, ceid) in self.editions.items():
                query = f"{keyword} when:{self.when}" if self.when else keyword
                params = urlencode({"q": query, "hl": hl, "gl": gl, "ceid": ceid})
                yield self.api_request(
                    f"{self.base_url}/rss/search?{params}",
                    callback=self.parse_feed,
                    cb_kwargs={"keyword": keyword, "edition": code, "lang": hl},
                )

    def parse_feed(
        self, response: Response, keyword: str, edition: str, lang: str
    ) -> Iterator[PostItem | MentionItem]:
        items = self.read_api(response, parse_google_news_rss)
        for article in items or []:
            if article.guid in self.seen:  # the same story under two keywords or editions
                inc_stat(self, "brandpulse/googlenews/duplicates")
                continue
            self.seen.add(article.guid)
            yield PostItem(
                platform=self.platform,
                external_id=article.guid,
                url=article.link,
                title=article.title,
                author=article.source,
                published_at=article.published_at,
            )
            if not is_fresh(self, article.published_at, self.since):
                continue
            yield MentionItem(
                platform=self.platform,
                external_id=article.guid,
                text=article.title,
                kind="article",
                url=article.link,
                author=article.source,
                published_at=article.published_at,
                post_external_id=article.guid,
                lang=lang.split("-")[0],
                extra={
                    "source": article.source,
                    "source_url": article.source_url,
                    "keyword": keyword,
                    "edition": edition,
                },
            )
