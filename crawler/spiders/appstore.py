"""App Store customer reviews (the iTunes RSS feed as JSON), per app and storefront country, pages 1..10.

    scrapy crawl appstore -a apps=1234567890,id987654321 -a countries=us,kr,tw,vn -a max_pages=10

Each review is a post of its own (its helpful votes are its engagement) with one mention of kind "review".
The feed serves at most 10 pages of 50 reviews, newest first with ``sortBy=mostRecent``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy import Request
from scrapy.http import Response

from crawler.items import MentionItem, PostItem
from crawler.parsers.appstore import appstore_app_id, parse_appstore_reviews
from crawler.spiders._base import (
    MaxPagesArgument,
    SinceArgument,
    SourceSpider,
    inc_stat,
    is_fresh,
    split_list,
)

FEED_PAGES = 10  # the feed has no page 11


class AppStoreSpider(SinceArgument, MaxPagesArgument, SourceSpider):
    name = "appstore"
    platform = "appstore"
    default_max_pages = FEED_PAGES

    def __init__(
        self,
        apps: str = "",
        countries: str = "us",
        base_url: str = "https://itunes.apple.com",
        sort: str = "mostRecent",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        raw_apps = split_list(apps)
        self.apps = [a for a in map(appstore_app_id, raw_apps) if a]
        if not self.apps or len(self.apps) != len(raw_apps):
            raise ValueError("appstore: give numeric App Store ids, e.g. -a apps=1234567890,id987654321")
        self.countries = [c.lower() for c in split_list(countries)]
        if not self.countries or not all(len(c) == 2 and c.isalpha() for c in self.countries):
            raise ValueError("appstore: countries are two-letter storefront codes, e.g. -a countries=us,kr")
        if sort not in ("mostRecent", "mostHelpful"):
            raise ValueError("appstore: sort must be mostRecent or mostHelpful")
        self.base_url = base_url.rstrip("/")
        self.sort = sort
        self.max_pages = min(self.max_pages, FEED_PAGES)

    async def start(self) -> AsyncIterator[Request]:
        for app in self.apps:
            for country in self.countries:
                yield self._page(app, country, 1)

    def _page(self, app: str, country: str, page: int) -> Request:
        return self.api_request(
            f"{self.base_url}/{country}/rss/customerreviews/page={page}/id={app}/sortBy={self.sort}/json",
            callback=self.parse_reviews,
            cb_kwargs={"app": app, "country": country, "page": page},
        )

    def parse_reviews(
        self, response: Response, app: str, country: str, page: int
    ) -> Iterator[PostItem | MentionItem | Request]:
        data = self.read_api(response, parse_appstore_reviews)
        if data is None:
            return
        url = f"https://apps.apple.com/{country}/app/id{app}"
        reached_old = False
        for review in data.reviews:
            extra: dict[str, Any] = {"app_id": app, "country": country, "rating": review.rating}
            if review.version:
                extra["version"] = review.version
            if review.vote_count is not None:
                extra["vote_count"] = review.vote_count
            if data.app_name:
                extra["app_name"] = data.app_name
            # The review's helpful votes are refreshed every crawl; its text is stored once.
            yield PostItem(
                platform=self.platform,
                external_id=review.review_id,
                url=url,
                title=review.title,
                text=review.text or None,
                author=review.author,
                published_at=review.published_at,
                likes=review.vote_sum,
            )
            if not is_fresh(self, review.published_at, self.since):
                reached_old = True
                continue
            yield MentionItem(
                platform=self.platform,
                external_id=review.review_id,
                text="\n\n".join(part for part in (review.title, review.text) if part),
                kind="review",
                url=url,
                author=review.author,
                published_at=review.published_at,
                likes=review.vote_sum,
                post_external_id=review.review_id,
                extra=extra,
            )
        last = data.last_page or FEED_PAGES
        if not data.reviews or page >= last:
            return
        if reached_old and self.sort == "mostRecent":
            return
        if page < self.max_pages:
            yield self._page(app, country, page + 1)
        else:
            inc_stat(self, "brandpulse/appstore/pages_capped")
