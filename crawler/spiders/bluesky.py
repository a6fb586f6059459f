"""Bluesky: threads of configured posts (public API, no account) and keyword search (needs an account).

    scrapy crawl bluesky -a posts=at://did:plc:xxx/app.bsky.feed.post/3kxyz,https://bsky.app/profile/a.bsky.social/post/3kabc
    BLUESKY_IDENTIFIER=me.bsky.social BLUESKY_APP_PASSWORD=xxxx-xxxx-xxxx-xxxx \
        scrapy crawl bluesky -a keywords="glow lab" -a since=2024-05-01T00:00:00Z

``app.bsky.feed.getPostThread`` gives a post with its replies nested (walked recursively; blocked and deleted
nodes are counted, not stored), ``app.bsky.actor.getProfile(s)`` the authors' follower counts.
``app.bsky.feed.searchPosts`` needs a session: ``com.atproto.server.createSession`` with an app password
(Settings → App passwords), then the access token as a bearer token; pages follow ``cursor``.
"""  # noqa: E501

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlencode

from scrapy import Request
from scrapy.http import JsonRequest, Response

from crawler.items import MentionItem, PostItem
from crawler.parsers.bluesky import (
    BlueskyPost,
    bluesky_at_uri,
    parse_bluesky_profiles,
    parse_bluesky_search,
    parse_bluesky_thread,
)
from crawler.parsing import load_json
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

PROFILES_BATCH = 25  # getProfiles takes at most 25 actors


class BlueskySpider(SinceArgument, MaxPagesArgument, SourceSpider):
    name = "bluesky"
    platform = "bluesky"
    default_max_pages = 3

    def __init__(
        self,
        posts: str = "",
        keywords: str = "",
        identifier: str = "",
        app_password: str = "",
        public_api: str = "https://public.api.bsky.app",
        pds_url: str = "https://bsky.social",
        depth: str | int = 10,
        limit: str | int = 25,
        replies: str = "true",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        raw_posts = split_list(posts)
        self.posts = [u for u in map(bluesky_at_uri, raw_posts) if u]
        if len(self.posts) != len(raw_posts):
            raise ValueError(f"bluesky: posts are at:// URIs or bsky.app post URLs, got {posts!r}")
        self.keywords = split_list(keywords)
        if not self.posts and not self.keywords:
            raise ValueError("bluesky: give -a posts=at://... and/or -a keywords=... (search needs a login)")
        self.identifier = config_value(identifier, "BLUESKY_IDENTIFIER")
        self.app_password = config_value(app_password, "BLUESKY_APP_PASSWORD")
        self.public_api = public_api.rstrip("/")
        self.pds_url = pds_url.rstrip("/")
        self.depth = min(positive_int(depth, "depth"), 1000)
        self.limit = min(positive_int(limit, "limit"), 100)
        self.fetch_replies = replies.strip().lower() not in ("false", "0", "no", "")
        self.token: str | None = None
        self.seen: set[str] = set()

    async def start(self) -> AsyncIterator[Request]:
        if self.keywords and not (self.identifier and self.app_password):
            raise missing_config(
                self,
                "searchPosts needs a Bluesky account: give -a identifier=... -a app_password=... or "
                "set BLUESKY_IDENTIFIER and BLUESKY_APP_PASSWORD (an app password, not the account password)",
            )
        for uri in self.posts:
            yield self._thread_request(uri, with_post=True)
        if self.keywords:
            yield self.api_request(
                f"{self.pds_url}/xrpc/com.atproto.server.createSession",
                request_class=JsonRequest,
                data={"identifier": self.identifier, "password": self.app_password},
                callback=self.parse_session,
                dont_filter=True,
            )

    def _xrpc(
        self,
        method: str,
        params: dict[str, Any] | list[tuple[str, Any]],
        callback: Any,
        authed: bool = False,
        **cb_kwargs: Any,
    ) -> Request:
        base = self.pds_url if authed else self.public_api
        headers = {"Authorization": f"Bearer {self.token}"} if authed and self.token else {}
        return self.api_request(
            f"{base}/xrpc/{method}?{urlencode(params)}",
            callback=callback,
            headers=headers,
            cb_kwargs=cb_kwargs,
        )

    # -- threads -----------------------------------------------------------------------------------------

    def _thread_request(self, uri: str, with_post: bool) -> Request:
        # parentHeight=0: the posts above are context we do not store.
        params = {"uri": uri, "depth": self.depth, "parentHeight": 0}
        return self._xrpc("app.bsky.feed.getPostThread", params, self.parse_thread, with_post=with_post)

    def parse_thread(self, response: Response, with_post: bool) -> Iterator[PostItem | MentionItem | Request]:
        thread = self.read_api(response, parse_bluesky_thread)
        if thread is None:
            return
        for reason, count in thread.skipped.items():
            inc_stat(self, f"brandpulse/bluesky/skipped_{reason}", count)
        if thread.post is None:
            self.logger.warning("thread root not readable (blocked or deleted): %s", response.url)
            return
        if not with_post:
            yield from self._reply_items(thread.post, thread.replies)
            return
        actor = thread.post.author_did or thread.post.author_handle
        if actor:
            yield self._xrpc(
                "app.bsky.actor.getProfile",
                {"actor": actor},
                self.parse_profiles,
                found=[thread.post],
                replies=thread.replies,
            )
        else:
            yield from self._post_items(thread.post, None)
            yield from self._reply_items(thread.post, thread.replies)

    def parse_profiles(
        self, response: Response, found: list[BlueskyPost], replies: list[BlueskyPost] | None = None
    ) -> Iterator[PostItem | MentionItem | Request]:
        # Without the profile the posts still go out, only without follower counts.
        followers = self.read_api(response, parse_bluesky_profiles) or {}
        for post in found:
            count = followers.get(post.author_did or "", followers.get(post.author_handle or ""))
            yield from self._post_items(post, count)
            if replies is not None:
                yield from self._reply_items(post, replies)
            elif self.fetch_replies and post.replies:
                yield self._thread_request(post.uri, with_post=False)

    def _post_items(self, post: BlueskyPost, followers: int | None) -> Iterator[PostItem | MentionItem]:
        yield PostItem(
            platform=self.platform,
            external_id=post.uri,
            url=post.url,
            text=post.text or None,
            author=post.author_handle,
            author_followers=followers,
            published_at=post.published_at,
            likes=post.likes,
            comments=post.replies,
            shares=post.reposts,
        )
        if post.uri in self.seen or not is_fresh(self, post.published_at, self.since):
            return
        self.seen.add(post.uri)
        yield MentionItem(
            platform=self.platform,
            external_id=post.uri,
            text=post.text,
            kind="post",
            url=post.url,
            author=post.author_handle,
            author_followers=followers,
            published_at=post.published_at,
            likes=post.likes,
            replies=post.replies,
            post_external_id=post.uri,
            lang=post.langs[0] if post.langs else None,
            extra={"reposts": post.reposts, "quotes": post.quotes, "author_did": post.author_did},
        )

    def _reply_items(self, root: BlueskyPost, replies: list[BlueskyPost]) -> Iterator[MentionItem]:
        for reply in replies:
            if reply.uri in self.seen or not is_fresh(self, reply.published_at, self.since):
                continue
            self.seen.add(reply.uri)
            # An answer to the post itself is a comment; an answer to an answer is a reply to that one.
            parent = reply.parent_uri if reply.parent_uri != root.uri else None
            yield MentionItem(
                platform=self.platform,
                external_id=reply.uri,
                text=reply.text,
                kind="reply" if parent else "comment",
                url=reply.url,
                author=reply.author_handle,
                published_at=reply.published_at,
                likes=reply.likes,
                replies=reply.replies,
                post_external_id=root.uri,
                parent_external_id=parent,
                lang=reply.langs[0] if reply.langs else None,
                extra={"reposts": reply.reposts, "quotes": reply.quotes},
            )

    # -- search (needs a session) ------------------------------------------------------------------------

    def parse_session(self, response: Response) -> Iterator[Request]:
        session = self.read_api(response, load_json)
        token = session.get("accessJwt") if isinstance(session, dict) else None
        if not token or response.status >= 400:
            self.logger.error("bluesky: createSession failed for %s; keyword search skipped", self.identifier)
            inc_stat(self, "brandpulse/bluesky/login_failed")
            return
        self.token = str(token)
        for keyword in self.keywords:
            yield self._search_request(keyword, cursor=None, page=1)

    def _search_request(self, keyword: str, cursor: str | None, page: int) -> Request:
        params: dict[str, Any] = {"q": keyword, "limit": self.limit, "sort": "latest"}
        if self.since:
            params["since"] = self.since.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        if cursor:
            params["cursor"] = cursor
        return self._xrpc(
            "app.bsky.feed.searchPosts", params, self.parse_search, authed=True, keyword=keyword, page=page
        )

    def parse_search(self, response: Response, keyword: str, page: int) -> Iterator[Request]:
        found = self.read_api(response, parse_bluesky_search)
        if found is None:
            return
        posts, cursor = found
        actors = list(dict.fromkeys(a for a in (p.author_did or p.author_handle for p in posts) if a))
        for start in range(0, len(actors), PROFILES_BATCH):
            batch = set(actors[start : start + PROFILES_BATCH])
            page_posts = [p for p in posts if (p.author_did or p.author_handle) in batch]
            yield self._xrpc(
                "app.bsky.actor.getProfiles",
                [("actors", a) for a in sorted(batch)],
                self.parse_profiles,
                found=page_posts,
            )
        if cursor and posts:
            if page < self.max_pages:
                yield self._search_request(keyword, cursor, page + 1)
            else:
                inc_stat(self, "brandpulse/bluesky/pages_capped")
