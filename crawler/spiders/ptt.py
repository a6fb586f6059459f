"""PTT (www.ptt.cc web front end): board index pages → articles → pushes.

    scrapy crawl ptt -a boards=MakeUp,Gossiping -a max_pages=3
    scrapy crawl ptt -a boards=MakeUp -a keywords="glow lab,光澤實驗室"   # the board's search pages instead

Adult boards show an over-18 gate unless the ``over18=1`` cookie is sent, so every request carries it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote

from scrapy import Request
from scrapy.http import Response

from crawler.items import MentionItem, PostItem
from crawler.parsers.ptt import is_ptt_over18_page, parse_ptt_article, parse_ptt_index
from crawler.spiders._base import BAD_RESPONSE, MaxPagesArgument, SourceSpider, inc_stat, split_list

OVER18_COOKIE = {"over18": "1"}


class PttSpider(MaxPagesArgument, SourceSpider):
    name = "ptt"
    platform = "ptt"
    default_max_pages = 3

    def __init__(
        self,
        boards: str = "MakeUp",
        base_url: str = "https://www.ptt.cc",
        keywords: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.boards = split_list(boards)
        if not self.boards:
            raise ValueError("ptt: name at least one board, e.g. -a boards=MakeUp")
        self.base_url = base_url.rstrip("/")
        self.keywords = split_list(keywords)

    async def start(self) -> AsyncIterator[Request]:
        for board in self.boards:
            board_url = f"{self.base_url}/bbs/{quote(board)}"
            # Search result pages have the index markup, so the same callback walks both.
            urls = [f"{board_url}/search?q={quote(k)}" for k in self.keywords] or [f"{board_url}/index.html"]
            for url in urls:
                yield self._request(url, self.parse_index, board=board, page=1)

    def _request(self, url: str, callback: Any, **cb_kwargs: Any) -> Request:
        return Request(url, callback=callback, cookies=dict(OVER18_COOKIE), cb_kwargs=cb_kwargs)

    def _gated(self, response: Response) -> bool:
        if not is_ptt_over18_page(response.text):
            return False
        # The cookie was not honoured: retrying would only loop on the gate.
        self.logger.warning("over18 gate still shown for %s (cookie not accepted); skipping", response.url)
        inc_stat(self, "brandpulse/ptt/over18_gate")
        return True

    def parse_index(self, response: Response, board: str, page: int) -> Iterator[Request]:
        if self._gated(response):
            return
        rows, prev_url = parse_ptt_index(response.text, response.url)
        for row in rows:
            if row.deleted or not row.url:
                inc_stat(self, "brandpulse/ptt/skipped_deleted")
                continue
            if row.pinned:
                # Pinned notices (board rules) reappear on every crawl and are not audience talk.
                inc_stat(self, "brandpulse/ptt/skipped_pinned")
                continue
            yield self._request(row.url, self.parse_article, board=board)
        if prev_url and page < self.max_pages:
            yield self._request(prev_url, self.parse_index, board=board, page=page + 1)

    def parse_article(self, response: Response, board: str) -> Iterator[PostItem | MentionItem]:
        if self._gated(response):
            return
        article, pushes = parse_ptt_article(response.text, response.url)
        if not article.article_id:
            self.logger.warning("no PTT article id in %s", response.url)
            inc_stat(self, BAD_RESPONSE)
            return
        aid = article.article_id
        up = sum(1 for p in pushes if p.tag == "推")
        down = sum(1 for p in pushes if p.tag == "噓")
        yield PostItem(
            platform=self.platform,
            external_id=aid,
            url=response.url,
            title=article.title,
            text=article.text,
            author=article.author,
            published_at=article.published_at,
            likes=up,
            comments=len(pushes),
            shares=0,
        )
        yield MentionItem(
            platform=self.platform,
            external_id=aid,
            text="\n\n".join(part for part in (article.title, article.text) if part),
            kind="post",
            url=response.url,
            author=article.author,
            published_at=article.published_at,
            likes=up,
            replies=len(pushes),
            post_external_id=aid,
            extra={"board": article.board or board, "boos": down},
        )
        for push in pushes:
            yield MentionItem(
                platform=self.platform,
                external_id=f"{aid}#push{push.n}",
                text=push.content,
                kind="comment",
                url=response.url,
                author=push.userid,
                published_at=push.published_at,
                post_external_id=aid,
                extra={"push_tag": push.tag},
            )
