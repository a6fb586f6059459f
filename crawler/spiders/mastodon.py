"""Mastodon hashtag timelines on one instance, paged by the ``Link`` header, with each status's replies.

    scrapy crawl mastodon -a instance=https://mastodon.social -a tags=skincare,kbeauty -a max_pages=3

``/api/v1/timelines/tag/{tag}`` answers 20-40 statuses and a ``Link: <...?max_id=...>; rel="next"`` header;
``/api/v1/statuses/{id}/context`` gives the replies below a status (``descendants``). Ids are local to the
instance, and Mastodon 1.x sends them as JSON numbers: items carry ``host/id`` as text. Instances that close
their public timelines need ``-a access_token=...`` (or MASTODON_ACCESS_TOKEN); the API allows 300 calls per
5 minutes per IP, which AutoThrottle keeps well under.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from scrapy import Request
from scrapy.http import Response

from crawler.items import MentionItem, PostItem
from crawler.parsers.mastodon import MastodonStatus, parse_mastodon_context, parse_mastodon_statuses
from crawler.parsing import parse_link_header
from crawler.spiders._base import (
    MaxPagesArgument,
    SinceArgument,
    SourceSpider,
    config_value,
    inc_stat,
    is_fresh,
    positive_int,
    split_list,
)


class MastodonSpider(SinceArgument, MaxPagesArgument, SourceSpider):
    name = "mastodon"
    platform = "mastodon"
    default_max_pages = 3

    def __init__(
        self,
        instance: str = "https://mastodon.social",
        tags: str = "",
        limit: str | int = 40,
        replies: str = "true",
        access_token: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.tags = [t.lstrip("#") for t in split_list(tags) if t.lstrip("#")]
        if not self.tags:
            raise ValueError("mastodon: give -a tags=skincare,kbeauty (without #)")
        split = urlsplit(instance if "://" in instance else f"https://{instance}")
        if not split.netloc:
            raise ValueError(f"mastodon: instance is a URL like https://mastodon.social, got {instance!r}")
        self.instance = f"{split.scheme}://{split.netloc}{split.path.rstrip('/')}"
        # Ids are per instance: the host keeps two instances' "109876" apart.
        self.host = split.hostname or split.netloc
        self.limit = min(positive_int(limit, "limit"), 40)
        self.fetch_replies = replies.strip().lower() not in ("false", "0", "no", "")
        self.access_token = config_value(access_token, "MASTODON_ACCESS_TOKEN")
        self.seen: set[str] = set()

    def _key(self, status_id: str) -> str:
        return f"{self.host}/{status_id}"

    def _request(self, url: str, callback: Any, **cb_kwargs: Any) -> Request:
        headers = {"Authorization": f"Bearer {self.access_token}"} if self.access_token else {}
        return self.api_request(url, callback=callback, headers=headers, cb_kwargs=cb_kwargs)

    async def start(self) -> AsyncIterator[Request]:
        for tag in self.tags:
            url = f"{self.instance}/api/v1/timelines/tag/{quote(tag)}?{urlencode({'limit': self.limit})}"
            yield self._request(url, self.parse_timeline, tag=tag, page=1)

    def parse_timeline(
        self, response: Response, tag: str, page: int
    ) -> Iterator[PostItem | MentionItem | Request]:
        statuses = self.read_api(response, parse_mastodon_statuses)
        if statuses is None:
            return
        for status in statuses:
            if status.status_id in self.seen:  # the same status under two tags
                continue
            self.seen.add(status.status_id)
            yield from self._status_items(status, tag)
            if self.fetch_replies and status.replies != 0:  # None: Mastodon < 2.5 does not say
                yield self._request(
                    f"{self.instance}/api/v1/statuses/{status.status_id}/context",
                    self.parse_context,
                    status=status,
                )
        next_url = parse_link_header(response.headers.get("Link")).get("next")
        if not statuses or not next_url:
            return
        if self.since and all(s.created_at and s.created_at <= self.since for s in statuses):
            return  # newest first: the next page is older still
        if page < self.max_pages:
            yield self._request(response.urljoin(next_url), self.parse_timeline, tag=tag, page=page + 1)
        else:
            inc_stat(self, "brandpulse/mastodon/pages_capped")

    def _status_items(self, status: MastodonStatus, tag: str) -> Iterator[PostItem | MentionItem]:
        key = self._key(status.status_id)
        yield PostItem(
            platform=self.platform,
            external_id=key,
            url=status.url,
            text=status.text or None,
            author=status.author,
            author_followers=status.author_followers,
            published_at=status.created_at,
            likes=status.favourites,
            comments=status.replies,
            shares=status.reblogs,
        )
        if not is_fresh(self, status.created_at, self.since):
            return
        extra: dict[str, Any] = {"tag": tag, "tags": status.tags}
        if status.spoiler:
            extra["spoiler_text"] = status.spoiler
        if status.in_reply_to_id:
            extra["in_reply_to"] = self._key(status.in_reply_to_id)
        yield MentionItem(
            platform=self.platform,
            external_id=key,
            text=status.text,
            kind="post",
            url=status.url,
            author=status.author,
            author_followers=status.author_followers,
            published_at=status.created_at,
            likes=status.favourites,
            replies=status.replies,
            post_external_id=key,
            lang=status.lang,
            extra=extra | {"reblogs": status.reblogs},
        )

    def parse_context(self, response: Response, status: MastodonStatus) -> Iterator[MentionItem]:
        context = self.read_api(response, parse_mastodon_context)
        if context is None:
            return
        post_key = self._key(status.status_id)
        for reply in context[1]:
            if reply.status_id in self.seen or not is_fresh(self, reply.created_at, self.since):
                continue
            self.seen.add(reply.status_id)
            # A direct answer to the status is a comment; an answer to an answer is a reply to that one.
            parent = reply.in_reply_to_id if reply.in_reply_to_id != status.status_id else None
            yield MentionItem(
                platform=self.platform,
                external_id=self._key(reply.status_id),
                text=reply.text,
                kind="reply" if parent else "comment",
                url=reply.url,
                author=reply.author,
                author_followers=reply.author_followers,
                published_at=reply.created_at,
                likes=reply.favourites,
                replies=reply.replies,
                post_external_id=post_key,
                parent_external_id=self._key(parent) if parent else None,
                lang=reply.lang,
                extra={"reblogs": reply.reblogs},
            )
