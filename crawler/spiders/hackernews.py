"""Hacker News through the Algolia search API: stories and comments matching keywords, newest first.

    scrapy crawl hackernews -a keywords="glow lab,skincare" -a since=2024-05-01T00:00:00Z -a max_pages=10

``search_by_date`` with ``numericFilters=created_at_i>T`` pages with ``page``; Algolia serves at most 1,000
hits per query, so when ``nbHits`` is larger the spider starts a new query whose window ends at the oldest hit
seen (``created_at_i<=oldest``) and walks on. Comments name their story; stories not among the hits are
fetched in one call per page (``tags=story,(story_1,story_2)``) so every comment's post comes before it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from scrapy import Request
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.items import MentionItem, PostItem
from crawler.parsers.hackernews import HnHit, parse_hn_search
from crawler.spiders._base import (
    MaxPagesArgument,
    SinceArgument,
    SourceSpider,
    inc_stat,
    is_fresh,
    positive_int,
    split_list,
)
from store.timeutil import utcnow

HN_ITEM = "https://news.ycombinator.com/item?id="
TAGS = ("story", "comment")


class HackerNewsSpider(SinceArgument, MaxPagesArgument, SourceSpider):
    name = "hackernews"
    platform = "hackernews"
    default_max_pages = 10

    def __init__(
        self,
        keywords: str = "",
        tags: str = "story,comment",
        api_url: str = "https://hn.algolia.com/api/v1",
        hits_per_page: str | int = 100,
        days: str | int = 7,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.keywords = split_list(keywords)
        if not self.keywords:
            raise ValueError("hackernews: give -a keywords=... (comma separated)")
        self.tags = split_list(tags)
        if not self.tags or any(t not in TAGS for t in self.tags):
            raise ValueError("hackernews: tags are story and/or comment")
        self.api_url = api_url.rstrip("/")
        self.hits_per_page = min(positive_int(hits_per_page, "hits_per_page"), 1000)
        # Without `since` the crawl looks back `days`: search_by_date needs a lower bound to walk windows.
        lookback = timedelta(days=positive_int(days, "days"))
        self.after = int((self.since or utcnow() - lookback).timestamp())
        self.seen: set[str] = set()
        self.stories: set[str] = set()  # stories whose PostItem went out (or could not be had)
        self.waiting: dict[str, list[HnHit]] = {}  # comments held back until their story is fetched

    async def start(self) -> AsyncIterator[Request]:
        for keyword in self.keywords:
            yield self._search(keyword, upper=None, page=0, requests=1)

    def _search(self, keyword: str, upper: int | None, page: int, requests: int) -> Request:
        numeric = f"created_at_i>{self.after}" + (f",created_at_i<={upper}" if upper is not None else "")
        tags = self.tags[0] if len(self.tags) == 1 else f"({','.join(self.tags)})"
        params = {
            "query": keyword,
            "tags": tags,
            "numericFilters": numeric,
            "page": page,
            "hitsPerPage": self.hits_per_page,
        }
        return self.api_request(
            f"{self.api_url}/search_by_date?{urlencode(params)}",
            callback=self.parse_hits,
            cb_kwargs={"keyword": keyword, "upper": upper, "page": page, "requests": requests},
        )

    def parse_hits(
        self, response: Response, keyword: str, upper: int | None, page: int, requests: int
    ) -> Iterator[PostItem | MentionItem | Request]:
        data = self.read_api(response, parse_hn_search)
        if data is None:
            return
        new = [hit for hit in data.hits if hit.object_id not in self.seen]
        self.seen.update(hit.object_id for hit in new)
        for story in (h for h in new if h.kind == "story"):
            yield from self._story_items(story)
        ready: list[HnHit] = []
        missing: list[str] = []
        for comment in (h for h in new if h.kind == "comment"):
            story_id = comment.story_id
            if not story_id or story_id in self.stories:
                ready.append(comment)
            else:
                # Hold the comment until its story's PostItem is out, so the post always comes first.
                if story_id not in self.waiting:
                    missing.append(story_id)
                self.waiting.setdefault(story_id, []).append(comment)
        yield from self._comment_items(ready)
        if missing:
            story_tags = ",".join(f"story_{s}" for s in missing)
            params = {"tags": f"story,({story_tags})", "hitsPerPage": len(missing)}
            yield self.api_request(
                f"{self.api_url}/search?{urlencode(params)}",
                callback=self.parse_stories,
                errback=self.stories_failed,
                cb_kwargs={"story_ids": missing},
            )
        yield from self._next(data.hits, new, data.nb_pages, data.nb_hits, keyword, upper, page, requests)

    def _next(
        self,
        hits: list[HnHit],
        new: list[HnHit],
        nb_pages: int,
        nb_hits: int,
        keyword: str,
        upper: int | None,
        page: int,
        requests: int,
    ) -> Iterator[Request]:
        if not hits or not new:
            return
        reachable = nb_pages * self.hits_per_page
        if page + 1 < nb_pages:
            following = (upper, page + 1)
        elif nb_hits > reachable:
            # Past Algolia's 1,000-hit cap: a new window ending at the oldest hit so far.
            inc_stat(self, "brandpulse/hackernews/windows")
            following = (min(h.created_at_i for h in hits), 0)
        else:
            return
        if requests >= self.max_pages:
            inc_stat(self, "brandpulse/hackernews/pages_capped")
            return
        yield self._search(keyword, upper=following[0], page=following[1], requests=requests + 1)

    def parse_stories(self, response: Response, story_ids: list[str]) -> Iterator[PostItem | MentionItem]:
        data = self.read_api(response, parse_hn_search)
        for story in data.hits if data else []:
            # A story the search stream brought meanwhile was yielded there already.
            if story.kind == "story" and story.object_id not in self.seen:
                self.seen.add(story.object_id)
                yield from self._story_items(story)
        yield from self._release(story_ids)

    def stories_failed(self, failure: Failure) -> Iterator[MentionItem]:
        self.failed(failure)
        yield from self._release(failure.request.cb_kwargs["story_ids"])  # type: ignore[attr-defined]

    def _release(self, story_ids: list[str]) -> Iterator[MentionItem]:
        # Found or not, the held comments go out now (a story that cannot be had is not asked for again).
        self.stories.update(story_ids)
        for story_id in story_ids:
            yield from self._comment_items(self.waiting.pop(story_id, []))

    def _story_items(self, story: HnHit) -> Iterator[PostItem | MentionItem]:
        self.stories.add(story.object_id)
        url = f"{HN_ITEM}{story.object_id}"
        yield PostItem(
            platform=self.platform,
            external_id=story.object_id,
            url=url,
            title=story.title,
            text=story.text or None,
            author=story.author,
            published_at=story.published_at,
            likes=story.points,
            comments=story.num_comments,
        )
        if is_fresh(self, story.published_at, self.since):
            yield MentionItem(
                platform=self.platform,
                external_id=story.object_id,
                text="\n\n".join(part for part in (story.title, story.text) if part),
                kind="post",
                url=url,
                author=story.author,
                published_at=story.published_at,
                likes=story.points,
                replies=story.num_comments,
                post_external_id=story.object_id,
                extra={"link": story.url} if story.url else {},
            )

    def _comment_items(self, comments: list[HnHit]) -> Iterator[MentionItem]:
        for comment in comments:
            # A comment right under the story is a comment; one under another comment is a reply to it.
            nested = comment.parent_id is not None and comment.parent_id != comment.story_id
            yield MentionItem(
                platform=self.platform,
                external_id=comment.object_id,
                text=comment.text,
                kind="reply" if nested else "comment",
                url=f"{HN_ITEM}{comment.object_id}",
                author=comment.author,
                published_at=comment.published_at,
                likes=comment.points,
                post_external_id=comment.story_id,
                parent_external_id=comment.parent_id if nested else None,
            )
