"""Google Play reviews through the store web app's own batchexecute RPC (``UsvDTd``; undocumented).

    scrapy crawl googleplay -a apps=com.example.app -a locales=en-US,ko-KR -a max_pages=3

One POST per page with the form field ``f.req``; the answer starts with ``)]}'`` and nests the reviews as
arrays inside a JSON string. ``crawler.parsers.googleplay`` keeps the array index map in one place
(``GOOGLEPLAY_REVIEW_PATHS``). Each review is a post (its thumbs-up are its likes) with a mention of kind
"review"; the developer's answer is a reply under it.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlencode

from scrapy import FormRequest
from scrapy.http import Response

from crawler.items import MentionItem, PostItem
from crawler.parsers.googleplay import (
    GOOGLEPLAY_SORTS,
    GooglePlayReview,
    googleplay_reviews_form,
    parse_googleplay_reviews,
)
from crawler.spiders._base import (
    MaxPagesArgument,
    SinceArgument,
    SourceSpider,
    inc_stat,
    is_fresh,
    positive_int,
    split_list,
)

MAX_COUNT = 199  # the RPC refuses bigger pages


class GooglePlaySpider(SinceArgument, MaxPagesArgument, SourceSpider):
    name = "googleplay"
    platform = "googleplay"
    default_max_pages = 5

    def __init__(
        self,
        apps: str = "",
        locales: str = "en-US",
        base_url: str = "https://play.google.com",
        sort: str = "newest",
        count: str | int = 150,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.apps = split_list(apps)
        if not self.apps or not all(re.fullmatch(r"[A-Za-z][\w]*(\.[\w]+)+", a) for a in self.apps):
            raise ValueError("googleplay: give package names, e.g. -a apps=com.example.app")
        self.locales: list[tuple[str, str]] = []
        for locale in split_list(locales):
            match = re.fullmatch(r"([a-zA-Z]{2,3})[-_]([a-zA-Z]{2})", locale)
            if not match:
                raise ValueError(f"googleplay: locales look like en-US or ko-KR, got {locale!r}")
            self.locales.append((match.group(1).lower(), match.group(2).lower()))
        if not self.locales:
            raise ValueError("googleplay: give at least one locale, e.g. -a locales=en-US")
        if sort not in GOOGLEPLAY_SORTS:
            raise ValueError(f"googleplay: sort must be one of {', '.join(GOOGLEPLAY_SORTS)}")
        self.base_url = base_url.rstrip("/")
        self.sort = sort
        self.count = min(positive_int(count, "count"), MAX_COUNT)

    async def start(self) -> AsyncIterator[FormRequest]:
        for app in self.apps:
            for hl, gl in self.locales:
                yield self._page(app, hl, gl, token=None, page=1)

    def _page(self, app: str, hl: str, gl: str, token: str | None, page: int) -> FormRequest:
        return self.api_request(
            f"{self.base_url}/_/PlayStoreUi/data/batchexecute?{urlencode({'hl': hl, 'gl': gl})}",
            request_class=FormRequest,
            formdata={"f.req": googleplay_reviews_form(app, count=self.count, sort=self.sort, token=token)},
            callback=self.parse_reviews,
            cb_kwargs={"app": app, "hl": hl, "gl": gl, "page": page},
        )

    def parse_reviews(
        self, response: Response, app: str, hl: str, gl: str, page: int
    ) -> Iterator[PostItem | MentionItem | FormRequest]:
        data = self.read_api(response, parse_googleplay_reviews)
        if data is None:
            return
        reached_old = False
        for review in data.reviews:
            fresh = is_fresh(self, review.published_at, self.since)
            reached_old = reached_old or not fresh
            yield from self._items(review, app, hl, gl, fresh)
        if not data.next_token or not data.reviews:
            return
        if reached_old and self.sort == "newest":
            return
        if page < self.max_pages:
            yield self._page(app, hl, gl, data.next_token, page + 1)
        else:
            inc_stat(self, "brandpulse/googleplay/pages_capped")

    def _items(
        self, review: GooglePlayReview, app: str, hl: str, gl: str, fresh: bool
    ) -> Iterator[PostItem | MentionItem]:
        query = urlencode({"id": app, "reviewId": review.review_id})
        url = f"https://play.google.com/store/apps/details?{query}"
        yield PostItem(
            platform=self.platform,
            external_id=review.review_id,
            url=url,
            text=review.text or None,
            author=review.user,
            published_at=review.published_at,
            likes=review.thumbs_up,
            comments=1 if review.reply_text else 0,
        )
        if fresh:
            extra: dict[str, Any] = {"app_id": app, "rating": review.score, "hl": hl, "gl": gl}
            if review.version:
                extra["version"] = review.version
            yield MentionItem(
                platform=self.platform,
                external_id=review.review_id,
                text=review.text,
                kind="review",
                url=url,
                author=review.user,
                published_at=review.published_at,
                likes=review.thumbs_up,
                replies=1 if review.reply_text else 0,
                post_external_id=review.review_id,
                lang=hl,
                extra=extra,
            )
        if review.reply_text and is_fresh(self, review.reply_at, self.since):
            yield MentionItem(
                platform=self.platform,
                external_id=f"{review.review_id}:reply",
                text=review.reply_text,
                kind="reply",
                url=url,
                author=review.reply_author,
                published_at=review.reply_at,
                post_external_id=review.review_id,
                parent_external_id=review.review_id,
                extra={"app_id": app, "developer_reply": True},
            )
