"""Naver news comments (Korean): article page → comment-list JSONP, page by page.

    scrapy crawl naver_comments -a articles=001/0014000001,421/0007000002 -a max_pages=5

The comment API answers only with a ``Referer`` naming the article page, and wraps its JSON in a callback
(``_callback(...)`` or a jQuery name): ``crawler.parsers.naver_comments.strip_jsonp`` removes any wrapper.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlencode

from scrapy import Request
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.items import MentionItem, PostItem
from crawler.parsers.naver_comments import (
    NaverArticle,
    naver_article_keys,
    parse_naver_article,
    parse_naver_comments,
)
from crawler.spiders._base import MaxPagesArgument, SourceSpider, inc_stat, positive_int


class NaverCommentsSpider(MaxPagesArgument, SourceSpider):
    name = "naver_comments"
    platform = "naver_news"
    default_max_pages = 10

    def __init__(
        self,
        articles: str = "",
        api_url: str = "https://apis.naver.com/commentBox/cbox/web_naver_list_jsonp.json",
        article_base: str = "https://n.news.naver.com/article",
        page_size: str | int = 100,
        template_id: str = "default_society",
        **kwargs: Any,
    ) -> None:
        if kwargs.pop("keywords", None):
            # The comment API has no search: articles are found elsewhere (e.g. the Naver Search API).
            logging.getLogger(self.name).warning("naver_comments ignores keywords; give articles=oid/aid,...")
        super().__init__(**kwargs)
        self.articles = naver_article_keys(articles)
        if not self.articles:
            raise ValueError('naver_comments: give -a articles="oid,aid" or "oid/aid" (e.g. 001/0014000001)')
        self.api_url = api_url
        self.article_base = article_base.rstrip("/")
        self.page_size = positive_int(page_size, "page_size")
        self.template_id = template_id

    async def start(self) -> AsyncIterator[Request]:
        for oid, aid in self.articles:
            yield Request(
                f"{self.article_base}/{oid}/{aid}",
                callback=self.parse_article,
                cb_kwargs={"oid": oid, "aid": aid},
            )

    def parse_article(self, response: Response, oid: str, aid: str) -> Iterator[Request]:
        article = parse_naver_article(response.text, response.url, oid, aid)
        yield self._comments_request(article, page=1)

    def _comments_request(self, article: NaverArticle, page: int) -> Request:
        params = {
            "ticket": "news",
            "templateId": self.template_id,
            "pool": "cbox5",
            "lang": "ko",
            "country": "KR",
            "objectId": f"news{article.oid},{article.aid}",
            "pageSize": self.page_size,
            "indexSize": 10,
            "page": page,
        }
        return self.api_request(
            f"{self.api_url}?{urlencode(params)}",
            self.parse_comments,
            errback=self.comments_failed,
            # Without the article page as Referer the API refuses to answer.
            headers={"Referer": f"{self.article_base}/{article.oid}/{article.aid}"},
            cb_kwargs={"article": article, "page": page},
        )

    def parse_comments(
        self, response: Response, article: NaverArticle, page: int
    ) -> Iterator[PostItem | MentionItem | Request]:
        data = self.read_api(response, parse_naver_comments)
        if page == 1:
            yield from self._post_items(article, data.total if data else None)
        if data is None:
            return
        for comment in data.comments:
            if comment.deleted:
                # A deleted comment has no text left: counted, not stored.
                inc_stat(self, "brandpulse/naver_news/skipped_deleted")
                continue
            yield MentionItem(
                platform=self.platform,
                external_id=comment.comment_no,
                text=comment.text,
                kind="reply" if comment.parent_comment_no else "comment",
                url=article.url,
                author=comment.author,
                published_at=comment.published_at,
                likes=comment.likes,
                replies=comment.replies,
                post_external_id=self._post_id(article),
                parent_external_id=comment.parent_comment_no,
                extra={"antipathy": comment.dislikes} if comment.dislikes is not None else {},
            )
        if data.comments and data.page < data.total_pages:
            if page < self.max_pages:
                yield self._comments_request(article, page=data.page + 1)
            else:
                inc_stat(self, "brandpulse/naver_news/comment_pages_capped")

    def comments_failed(self, failure: Failure) -> Iterator[PostItem | MentionItem]:
        self.failed(failure)
        request = failure.request  # type: ignore[attr-defined]
        if request.cb_kwargs.get("page") == 1:
            yield from self._post_items(request.cb_kwargs["article"], None)

    @staticmethod
    def _post_id(article: NaverArticle) -> str:
        return f"{article.oid}/{article.aid}"

    def _post_items(self, article: NaverArticle, total: int | None) -> Iterator[PostItem | MentionItem]:
        post_id = self._post_id(article)
        yield PostItem(
            platform=self.platform,
            external_id=post_id,
            url=article.url,
            title=article.title,
            text=article.text or None,
            published_at=article.published_at,
            comments=total,
        )
        yield MentionItem(
            platform=self.platform,
            external_id=post_id,
            text="\n\n".join(part for part in (article.title, article.text) if part),
            kind="article",
            url=article.url,
            published_at=article.published_at,
            replies=total,
            post_external_id=post_id,
        )
