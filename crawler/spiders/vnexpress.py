"""VnExpress: search (or given article URLs) → article page → comments JSON with offset paging → replies.

    scrapy crawl vnexpress -a keywords="glow lab,aqua veil" -a max_pages=2
    scrapy crawl vnexpress -a article_urls=https://vnexpress.net/some-title-4800001.html

Comments come from the usi-saas API: ``index/get`` pages of top-level comments (``offset`` until
``data.total``), the first replies inline in ``replys.items``, the rest of a thread from ``index/getreplay``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlencode

from scrapy import Request
from scrapy.http import Response
from twisted.python.failure import Failure
from w3lib.url import add_or_replace_parameters

from crawler.items import MentionItem, PostItem
from crawler.parsers.vnexpress import (
    VnexpressArticle,
    VnexpressComment,
    parse_vnexpress_article,
    parse_vnexpress_comments,
    parse_vnexpress_search,
)
from crawler.spiders._base import (
    BAD_RESPONSE,
    MaxPagesArgument,
    SourceSpider,
    inc_stat,
    positive_int,
    split_list,
)


class VnexpressSpider(MaxPagesArgument, SourceSpider):
    name = "vnexpress"
    platform = "vnexpress"
    default_max_pages = 2

    def __init__(
        self,
        keywords: str = "",
        search_url: str = "https://timkiem.vnexpress.net/",
        comments_api: str = "https://usi-saas.vnexpress.net",
        article_urls: str = "",
        comments_limit: str | int = 24,
        max_comment_pages: str | int = 20,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.keywords = split_list(keywords)
        self.article_urls = split_list(article_urls)
        if not self.keywords and not self.article_urls:
            raise ValueError("vnexpress: give -a keywords=... (search) or -a article_urls=...")
        self.search_url = search_url
        self.comments_api = comments_api.rstrip("/")
        self.comments_limit = positive_int(comments_limit, "comments_limit")
        self.max_comment_pages = positive_int(max_comment_pages, "max_comment_pages")

    async def start(self) -> AsyncIterator[Request]:
        for url in self.article_urls:
            yield Request(url, callback=self.parse_article)
        for keyword in self.keywords:
            url = add_or_replace_parameters(self.search_url, {"q": keyword, "media_type": "article"})
            yield Request(url, callback=self.parse_search, cb_kwargs={"page": 1})

    def parse_search(self, response: Response, page: int) -> Iterator[Request]:
        urls, next_url = parse_vnexpress_search(response.text, response.url)
        for url in urls:
            yield Request(url, callback=self.parse_article)
        if next_url and page < self.max_pages:
            yield Request(next_url, callback=self.parse_search, cb_kwargs={"page": page + 1})

    def parse_article(self, response: Response) -> Iterator[Request]:
        article = parse_vnexpress_article(response.text, response.url)
        if not article.article_id:
            self.logger.warning("no VnExpress article id in %s", response.url)
            inc_stat(self, BAD_RESPONSE)
            return
        yield self._comments_request(article, offset=0, page=1)

    # -- comments ----------------------------------------------------------------------------------------

    def _api_params(self, article: VnexpressArticle) -> dict[str, str]:
        # The page's own comment box says which object type and site its comments live under.
        return {
            "objectid": article.article_id or "",
            "objecttype": article.object_type or "1",
            "siteid": article.site_id or "1000000",
        }

    def _comments_request(self, article: VnexpressArticle, offset: int, page: int) -> Request:
        params = {**self._api_params(article), "offset": offset, "limit": self.comments_limit, "sort": "like"}
        return self.api_request(
            f"{self.comments_api}/index/get?{urlencode(params)}",
            self.parse_comments,
            errback=self.comments_failed,
            cb_kwargs={"article": article, "offset": offset, "page": page},
        )

    def parse_comments(
        self, response: Response, article: VnexpressArticle, offset: int, page: int
    ) -> Iterator[PostItem | MentionItem | Request]:
        data = self.read_api(response, parse_vnexpress_comments)
        if offset == 0:
            # The post goes first, even when its comments cannot be read.
            yield from self._post_items(article, data.total if data else None)
        if data is None:
            return
        for comment in data.comments:
            yield from self._comment_items(article, comment)
        next_offset = offset + len(data.comments)
        if data.comments and data.total is not None and next_offset < data.total:
            if page < self.max_comment_pages:
                yield self._comments_request(article, next_offset, page + 1)
            else:
                inc_stat(self, "brandpulse/vnexpress/comment_pages_capped")

    def comments_failed(self, failure: Failure) -> Iterator[PostItem | MentionItem]:
        self.failed(failure)
        request = failure.request  # type: ignore[attr-defined]
        if request.callback == self.parse_comments and request.cb_kwargs.get("offset") == 0:
            yield from self._post_items(request.cb_kwargs["article"], None)

    def _post_items(self, article: VnexpressArticle, total: int | None) -> Iterator[PostItem | MentionItem]:
        aid = article.article_id or ""
        yield PostItem(
            platform=self.platform,
            external_id=aid,
            url=article.url,
            title=article.title,
            text=article.description,
            published_at=article.published_at,
            likes=0,
            comments=total,
        )
        yield MentionItem(
            platform=self.platform,
            external_id=aid,
            text="\n\n".join(part for part in (article.title, article.description) if part),
            kind="article",
            url=article.url,
            published_at=article.published_at,
            replies=total,
            post_external_id=aid,
        )

    def _mention(
        self, article: VnexpressArticle, comment: VnexpressComment, parent_id: str | None = None
    ) -> MentionItem:
        extra: dict[str, Any] = {}
        if comment.reactions:
            extra["reactions"] = comment.reactions
        if comment.userid:
            extra["userid"] = comment.userid
        return MentionItem(
            platform=self.platform,
            external_id=comment.comment_id,
            text=comment.text,
            kind="reply" if parent_id else "comment",
            url=article.url,
            author=comment.author,
            published_at=comment.published_at,
            likes=comment.likes,
            replies=None if parent_id else comment.reply_total,
            post_external_id=article.article_id,
            parent_external_id=parent_id,
            extra=extra,
        )

    def _comment_items(
        self, article: VnexpressArticle, comment: VnexpressComment
    ) -> Iterator[MentionItem | Request]:
        yield self._mention(article, comment)
        seen: set[str] = set()
        for reply in comment.replies:
            seen.add(reply.comment_id)
            yield self._mention(article, reply, parent_id=comment.comment_id)
        if comment.reply_total > len(comment.replies):
            yield self._replies_request(
                article, comment.comment_id, comment.reply_total, offset=0, page=1, seen=frozenset(seen)
            )

    # -- replies -----------------------------------------------------------------------------------------

    def _replies_request(
        self,
        article: VnexpressArticle,
        parent_id: str,
        expected: int,
        offset: int,
        page: int,
        seen: frozenset[str],
    ) -> Request:
        params = {
            "id": parent_id,
            **self._api_params(article),
            "offset": offset,
            "limit": self.comments_limit,
        }
        return self.api_request(
            f"{self.comments_api}/index/getreplay?{urlencode(params)}",
            self.parse_replies,
            errback=self.comments_failed,
            cb_kwargs={
                "article": article,
                "parent_id": parent_id,
                "expected": expected,
                "offset": offset,
                "page": page,
                "seen": seen,
            },
        )

    def parse_replies(
        self,
        response: Response,
        article: VnexpressArticle,
        parent_id: str,
        expected: int,
        offset: int,
        page: int,
        seen: frozenset[str],
    ) -> Iterator[MentionItem | Request]:
        data = self.read_api(response, parse_vnexpress_comments)
        if data is None:
            return
        for reply in data.comments:
            if reply.comment_id in seen:  # already yielded from the inline replys.items
                continue
            seen = seen | {reply.comment_id}
            yield self._mention(article, reply, parent_id=parent_id)
        next_offset = offset + len(data.comments)
        if data.comments and next_offset < expected and page < self.max_comment_pages:
            yield self._replies_request(article, parent_id, expected, next_offset, page + 1, seen)
