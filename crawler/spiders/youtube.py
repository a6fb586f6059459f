"""YouTube Data API v3: videos (given, a channel's latest uploads, or a keyword search) → statistics, channel
subscribers, comment threads with ``nextPageToken`` paging, and replies.

    YOUTUBE_API_KEY=... scrapy crawl youtube -a videos=dQw4w9WgXcQ,https://youtu.be/xxxxxxxxxxx
    scrapy crawl youtube -a channel=UCxxxx,@somehandle -a max_videos=5 -a api_key=...
    scrapy crawl youtube -a keywords="glow lab serum" -a since=2024-05-01T00:00:00Z

Quota (10,000 units a day): ``videos``, ``channels``, ``playlistItems``, ``commentThreads`` and ``comments``
cost 1 unit a call, ``search`` 100. A thread brings up to 5 replies inline; ``comments?parentId=`` brings the
rest. Error answers (``commentsDisabled``, ``videoNotFound``...) are logged and counted per reason;
``quotaExceeded`` and a bad key end the crawl, since every further call would fail the same way.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any
from urllib.parse import urlencode

from scrapy import Request
from scrapy.exceptions import CloseSpider
from scrapy.http import Response

from crawler.items import MentionItem, PostItem
from crawler.parsers.youtube import (
    YoutubeApiError,
    YoutubeChannel,
    YoutubeComment,
    YoutubeVideo,
    parse_youtube_channels,
    parse_youtube_comment_threads,
    parse_youtube_comments,
    parse_youtube_video_ids,
    parse_youtube_videos,
    youtube_video_id,
)
from crawler.parsing import BadResponse
from crawler.spiders._base import (
    BAD_RESPONSE,
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

FATAL_REASONS = {
    "quotaExceeded": "youtube_quota_exceeded",
    "dailyLimitExceeded": "youtube_quota_exceeded",
    "keyInvalid": "youtube_key_invalid",
    "accessNotConfigured": "youtube_key_invalid",
}
BATCH = 50  # ids per videos / channels call


class YoutubeSpider(SinceArgument, MaxPagesArgument, SourceSpider):
    name = "youtube"
    platform = "youtube"
    default_max_pages = 5

    def __init__(
        self,
        videos: str = "",
        channel: str = "",
        keywords: str = "",
        api_key: str = "",
        api_url: str = "https://www.googleapis.com/youtube/v3",
        max_reply_pages: str | int = 3,
        max_videos: str | int = 10,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.videos = [v for v in map(youtube_video_id, split_list(videos)) if v]
        if split_list(videos) and len(self.videos) != len(split_list(videos)):
            raise ValueError(f"youtube: not a video id or URL in {videos!r}")
        self.channel_ids = split_list(channel)
        self.keywords = split_list(keywords)
        if not (self.videos or self.channel_ids or self.keywords):
            raise ValueError("youtube: give -a videos=ID,ID and/or -a channel=UC... or -a keywords=...")
        self.api_key = config_value(api_key, "YOUTUBE_API_KEY")
        self.api_url = api_url.rstrip("/")
        self.max_reply_pages = positive_int(max_reply_pages, "max_reply_pages")
        self.max_videos = positive_int(max_videos, "max_videos")
        self.channels: dict[str, YoutubeChannel] = {}
        self.queued: set[str] = set()

    async def start(self) -> AsyncIterator[Request]:
        if not self.api_key:
            raise missing_config(
                self,
                "the YouTube Data API needs a key: give -a api_key=... or set "
                "YOUTUBE_API_KEY (Google Cloud console, YouTube Data API v3)",
            )
        for request in self._videos_requests(self.videos):
            yield request
        parts = "snippet,statistics,contentDetails"
        ids = [c for c in self.channel_ids if not c.startswith("@")]
        for start in range(0, len(ids), BATCH):
            yield self._api(
                "channels",
                {"part": parts, "id": ",".join(ids[start : start + BATCH])},
                self.parse_channels_for_uploads,
            )
        for handle in (c for c in self.channel_ids if c.startswith("@")):  # one handle per call
            yield self._api("channels", {"part": parts, "forHandle": handle}, self.parse_channels_for_uploads)
        for keyword in self.keywords:
            params = {
                "part": "id",
                "type": "video",
                "order": "date",
                "q": keyword,
                "maxResults": min(self.max_videos, 50),
            }
            if self.since:
                params["publishedAfter"] = self.since.strftime("%Y-%m-%dT%H:%M:%SZ")
            yield self._api("search", params, self.parse_video_ids)

    def _api(
        self, resource: str, params: dict[str, Any], callback: Callable[..., Any], **cb_kwargs: Any
    ) -> Request:
        query = urlencode({**params, "key": self.api_key})
        return self.api_request(
            f"{self.api_url}/{resource}?{query}",
            callback=callback,
            cb_kwargs=cb_kwargs,
        )

    def bad_response(self, response: Response, error: BadResponse) -> None:
        """An error answer names its reason: counted per reason; a spent quota or a bad key ends the crawl.
        Logs leave out the query, which holds the API key."""
        if not isinstance(error, YoutubeApiError):
            url = response.url.split("?")[0]
            self.logger.warning("bad response from %s (HTTP %s): %s", url, response.status, error)
            inc_stat(self, BAD_RESPONSE)
            return
        inc_stat(self, f"brandpulse/youtube/api_error/{error.reason}")
        if error.reason in FATAL_REASONS:
            self.logger.error("%s: %s", response.url.split("?")[0], error)
            raise CloseSpider(FATAL_REASONS[error.reason]) from error
        self.logger.warning("%s (%s)", error, response.url.split("key=")[0])

    # -- which videos ------------------------------------------------------------------------------------

    def _videos_requests(self, ids: list[str]) -> Iterator[Request]:
        fresh = [i for i in ids if i not in self.queued]
        self.queued.update(fresh)
        for start in range(0, len(fresh), BATCH):
            ids = ",".join(fresh[start : start + BATCH])
            yield self._api("videos", {"part": "snippet,statistics", "id": ids}, self.parse_videos)

    def parse_channels_for_uploads(self, response: Response) -> Iterator[Request]:
        channels = self.read_api(response, parse_youtube_channels)
        for channel in (channels or {}).values():
            self.channels[channel.channel_id] = channel
            if channel.uploads_playlist:
                params = {
                    "part": "contentDetails",
                    "playlistId": channel.uploads_playlist,
                    "maxResults": min(self.max_videos, 50),
                }
                yield self._api("playlistItems", params, self.parse_video_ids)

    def parse_video_ids(self, response: Response) -> Iterator[Request]:
        found = self.read_api(response, parse_youtube_video_ids)
        if found:
            yield from self._videos_requests(found[0][: self.max_videos])

    # -- videos and their channels -----------------------------------------------------------------------

    def parse_videos(self, response: Response) -> Iterator[PostItem | MentionItem | Request]:
        videos = self.read_api(response, parse_youtube_videos)
        if not videos:
            return
        unknown = sorted({v.channel_id for v in videos if v.channel_id and v.channel_id not in self.channels})
        if unknown:
            yield self._api(
                "channels",
                {"part": "statistics", "id": ",".join(unknown)},
                self.parse_channels,
                videos=videos,
            )
        else:
            yield from self._video_items(videos)

    def parse_channels(
        self, response: Response, videos: list[YoutubeVideo]
    ) -> Iterator[PostItem | MentionItem | Request]:
        # A failed channel lookup costs the subscriber count, not the videos.
        self.channels.update(self.read_api(response, parse_youtube_channels) or {})
        yield from self._video_items(videos)

    def _video_items(self, videos: list[YoutubeVideo]) -> Iterator[PostItem | MentionItem | Request]:
        for video in videos:
            channel = self.channels.get(video.channel_id or "")
            followers = channel.subscribers if channel else None
            url = f"https://www.youtube.com/watch?v={video.video_id}"
            yield PostItem(
                platform=self.platform,
                external_id=video.video_id,
                url=url,
                title=video.title,
                text=video.description or None,
                author=video.channel_title,
                author_followers=followers,
                published_at=video.published_at,
                likes=video.likes,
                comments=video.comments,
                views=video.views,
            )
            if is_fresh(self, video.published_at, self.since):
                yield MentionItem(
                    platform=self.platform,
                    external_id=video.video_id,
                    text="\n\n".join(part for part in (video.title, video.description) if part),
                    kind="post",
                    url=url,
                    author=video.channel_title,
                    author_followers=followers,
                    published_at=video.published_at,
                    likes=video.likes,
                    replies=video.comments,
                    post_external_id=video.video_id,
                    lang=video.lang,
                    extra={"channel_id": video.channel_id, "views": video.views},
                )
            if video.comments != 0:  # None: unknown (hidden or disabled): ask, the API says which
                yield self._threads_request(video.video_id, token=None, page=1)

    # -- comments ----------------------------------------------------------------------------------------

    def _threads_request(self, video_id: str, token: str | None, page: int) -> Request:
        params = {
            "part": "snippet,replies",
            "videoId": video_id,
            "maxResults": 100,
            "order": "time",
            "textFormat": "plainText",
        }
        if token:
            params["pageToken"] = token
        return self._api("commentThreads", params, self.parse_threads, video_id=video_id, page=page)

    def parse_threads(self, response: Response, video_id: str, page: int) -> Iterator[MentionItem | Request]:
        data = self.read_api(response, parse_youtube_comment_threads)
        if data is None:
            return
        for thread in data.threads:
            top = thread.comment
            if is_fresh(self, top.published_at, self.since):
                yield self._mention(video_id, top, replies=thread.reply_total)
            for reply in thread.replies:
                if is_fresh(self, reply.published_at, self.since):
                    yield self._mention(video_id, reply)
            if thread.reply_total > len(thread.replies):
                yield self._replies_request(
                    video_id,
                    top.comment_id,
                    token=None,
                    page=1,
                    seen=frozenset(r.comment_id for r in thread.replies),
                )
        if not data.next_token:
            return
        # Threads come newest first (order=time): once a page reaches back past `since`, stop.
        if self.since and all(
            t.comment.published_at and t.comment.published_at <= self.since for t in data.threads
        ):
            return
        if page < self.max_pages:
            yield self._threads_request(video_id, data.next_token, page + 1)
        else:
            inc_stat(self, "brandpulse/youtube/comment_pages_capped")

    def _replies_request(
        self, video_id: str, parent_id: str, token: str | None, page: int, seen: frozenset[str]
    ) -> Request:
        params = {"part": "snippet", "parentId": parent_id, "maxResults": 100, "textFormat": "plainText"}
        if token:
            params["pageToken"] = token
        return self._api(
            "comments",
            params,
            self.parse_replies,
            video_id=video_id,
            parent_id=parent_id,
            page=page,
            seen=seen,
        )

    def parse_replies(
        self, response: Response, video_id: str, parent_id: str, page: int, seen: frozenset[str]
    ) -> Iterator[MentionItem | Request]:
        found = self.read_api(response, parse_youtube_comments)
        if found is None:
            return
        replies, token = found
        for reply in replies:
            if reply.comment_id in seen:  # already yielded from the thread's inline replies
                continue
            seen = seen | {reply.comment_id}
            reply.parent_id = reply.parent_id or parent_id
            if is_fresh(self, reply.published_at, self.since):
                yield self._mention(video_id, reply)
        if token and page < self.max_reply_pages:
            yield self._replies_request(video_id, parent_id, token, page + 1, seen)

    def _mention(self, video_id: str, comment: YoutubeComment, replies: int | None = None) -> MentionItem:
        return MentionItem(
            platform=self.platform,
            external_id=comment.comment_id,
            text=comment.text,
            kind="reply" if comment.parent_id else "comment",
            url=f"https://www.youtube.com/watch?v={video_id}&lc={comment.comment_id}",
            author=comment.author,
            published_at=comment.published_at,
            likes=comment.likes,
            replies=None if comment.parent_id else replies,
            post_external_id=video_id,
            parent_external_id=comment.parent_id,
            extra={"author_channel_id": comment.author_channel_id} if comment.author_channel_id else {},
        )
