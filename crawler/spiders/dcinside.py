"""DC Inside galleries (Korean forums): list pages → article pages → comments by form POST.

    scrapy crawl dcinside -a galleries=cosmetic -a max_pages=2
    scrapy crawl dcinside -a galleries=skincare -a gallery_type=minor -a keywords=글로우랩

Comments are not in the article HTML: the page's script POSTs a form to ``/board/comment/`` with the article's
per-page ``e_s_n_o`` token, ``X-Requested-With: XMLHttpRequest`` and the cookies the article page set; the
spider does the same (the cookie middleware keeps the cookies).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlencode

from scrapy import FormRequest, Request
from scrapy.http import Response

from crawler.items import MentionItem, PostItem
from crawler.parsers.dcinside import (
    DCINSIDE_GALLERY_TYPES,
    DcinsideArticle,
    DcinsideComment,
    DcinsideRow,
    parse_dcinside_article,
    parse_dcinside_comments,
    parse_dcinside_list,
)
from crawler.spiders._base import (
    BAD_RESPONSE,
    MaxPagesArgument,
    SinceArgument,
    SourceSpider,
    inc_stat,
    is_fresh,
    positive_int,
    split_list,
)


class DcinsideSpider(SinceArgument, MaxPagesArgument, SourceSpider):
    name = "dcinside"
    platform = "dcinside"
    default_max_pages = 2

    def __init__(
        self,
        galleries: str = "",
        gallery_type: str = "major",
        base_url: str = "https://gall.dcinside.com",
        keywords: str = "",
        max_comment_pages: str | int = 5,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.galleries = split_list(galleries)
        if not self.galleries:
            raise ValueError("dcinside: name at least one gallery id, e.g. -a galleries=cosmetic")
        if gallery_type not in DCINSIDE_GALLERY_TYPES:
            raise ValueError(f"dcinside: gallery_type must be one of {', '.join(DCINSIDE_GALLERY_TYPES)}")
        self.gallery_type = gallery_type
        self.base_url = base_url.rstrip("/")
        self.keywords = split_list(keywords)
        self.max_comment_pages = positive_int(max_comment_pages, "max_comment_pages")

    async def start(self) -> AsyncIterator[Request]:
        for gallery in self.galleries:
            for keyword in self.keywords or [""]:
                yield self._list_request(gallery, keyword, page=1)

    def _list_request(self, gallery: str, keyword: str, page: int) -> Request:
        prefix = DCINSIDE_GALLERY_TYPES[self.gallery_type][1]
        params: dict[str, Any] = {"id": gallery, "page": page}
        if keyword:
            params.update({"s_type": "search_subject_memo", "s_keyword": keyword})
        return Request(
            f"{self.base_url}{prefix}/board/lists/?{urlencode(params)}",
            callback=self.parse_list,
            errback=self.failed,
            cb_kwargs={"gallery": gallery, "keyword": keyword, "page": page},
        )

    def parse_list(self, response: Response, gallery: str, keyword: str, page: int) -> Iterator[Request]:
        rows = parse_dcinside_list(response.text, response.url)
        regular = [row for row in rows if not row.notice]
        inc_stat(self, "brandpulse/dcinside/skipped_notice", len(rows) - len(regular))
        for row in regular:
            if row.url:
                yield Request(
                    row.url,
                    callback=self.parse_article,
                    errback=self.failed,
                    cb_kwargs={"gallery": gallery, "row": row},
                )
        if not regular:
            return
        if self.since and all(r.published_at and r.published_at <= self.since for r in regular):
            return  # newest first: older pages hold nothing new
        if page < self.max_pages:
            yield self._list_request(gallery, keyword, page + 1)

    def parse_article(
        self, response: Response, gallery: str, row: DcinsideRow
    ) -> Iterator[PostItem | MentionItem | Request]:
        article = parse_dcinside_article(response.text, response.url)
        article.gallery_id = article.gallery_id or gallery
        article.number = article.number or row.number
        if not article.number:
            self.logger.warning("no article number in %s", response.url)
            inc_stat(self, BAD_RESPONSE)
            return
        post_id = self._post_id(article)
        views = article.views if article.views is not None else row.views
        likes = article.recommends if article.recommends is not None else row.recommends
        comments = article.comments if article.comments is not None else row.replies
        published_at = article.published_at or row.published_at
        author = article.author or row.author
        yield PostItem(
            platform=self.platform,
            external_id=post_id,
            url=response.url,
            title=article.title or row.title or None,
            text=article.text or None,
            author=author,
            published_at=published_at,
            likes=likes,
            comments=comments,
            views=views,
        )
        if is_fresh(self, published_at, self.since):
            extra = self._author_extra(article.author_id or row.author_id, article.author_ip or row.author_ip)
            yield MentionItem(
                platform=self.platform,
                external_id=post_id,
                text="\n\n".join(part for part in (article.title or row.title, article.text) if part),
                kind="post",
                url=response.url,
                author=author,
                published_at=published_at,
                likes=likes,
                replies=comments,
                post_external_id=post_id,
                extra=extra | {"gallery": article.gallery_id, "downvotes": article.downvotes},
            )
        if comments == 0:
            return
        if not article.esno:
            # Without the token the form is refused: count it, so a changed page shows up in the stats.
            self.logger.warning("no e_s_n_o token in %s; comments skipped", response.url)
            inc_stat(self, "brandpulse/dcinside/no_token")
            return
        yield self._comments_request(article, page=1, seen=0)

    @staticmethod
    def _post_id(article: DcinsideArticle) -> str:
        return f"{article.gallery_id}/{article.number}"

    @staticmethod
    def _author_extra(uid: str | None, ip: str | None) -> dict[str, Any]:
        # A fixed nickname has a user id; a floating one ("ㅇㅇ") only the first two octets of its IP.
        return {k: v for k, v in (("user_id", uid), ("ip", ip)) if v}

    def _comments_request(self, article: DcinsideArticle, page: int, seen: int) -> FormRequest:
        gall_type = article.gallery_type or DCINSIDE_GALLERY_TYPES[self.gallery_type][0]
        return self.api_request(
            f"{self.base_url}/board/comment/",
            request_class=FormRequest,
            formdata={
                "id": article.gallery_id or "",
                "no": article.number or "",
                "cmt_id": article.gallery_id or "",
                "cmt_no": article.number or "",
                "e_s_n_o": article.esno or "",
                "comment_page": str(page),
                "sort": "",
                "_GALLTYPE_": gall_type,
            },
            headers={"X-Requested-With": "XMLHttpRequest", "Referer": article.url},
            callback=self.parse_comments,
            cb_kwargs={"article": article, "page": page, "seen": seen},
            dont_filter=True,  # same URL for every article and page: only the form differs
        )

    def parse_comments(
        self, response: Response, article: DcinsideArticle, page: int, seen: int
    ) -> Iterator[MentionItem | FormRequest]:
        data = self.read_api(
            response, lambda body: parse_dcinside_comments(body, article.number, article.published_at)
        )
        if data is None:
            return
        # DC lists a comment's replies right under it: count them per comment on the page.
        replies = Counter(c.parent for c in data.comments if c.parent and not c.deleted)
        for comment in data.comments:
            if comment.ad:
                inc_stat(self, "brandpulse/dcinside/skipped_ad")
            elif comment.deleted:
                inc_stat(self, "brandpulse/dcinside/skipped_deleted")
            elif is_fresh(self, comment.published_at, self.since):
                yield self._mention(article, comment, replies[comment.number])
        seen += sum(not c.ad for c in data.comments)  # total_cnt does not count the promotion row
        if data.comments and data.total is not None and seen < data.total:
            if page < self.max_comment_pages:
                yield self._comments_request(article, page + 1, seen)
            else:
                inc_stat(self, "brandpulse/dcinside/comment_pages_capped")

    def _mention(self, article: DcinsideArticle, comment: DcinsideComment, replies: int) -> MentionItem:
        post_id = self._post_id(article)
        extra = self._author_extra(comment.author_id, comment.author_ip)
        if comment.dccon:
            extra["dccon"] = True
        return MentionItem(
            platform=self.platform,
            external_id=f"{post_id}#c{comment.number}",
            text=comment.text,
            kind="reply" if comment.parent else "comment",
            url=article.url,
            author=comment.author,
            published_at=comment.published_at,
            replies=None if comment.parent else replies,
            post_external_id=post_id,
            parent_external_id=f"{post_id}#c{comment.parent}" if comment.parent else None,
            extra=extra,
        )
