"""YouTube Data API v3: videos, channels, video ids, comment threads and replies."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from crawler.parsing import (
    BadResponse,
    as_dict,
    as_list,
    clean_text,
    first_text,
    html_to_text,
    int_or,
    json_count,
    load_json,
    str_id,
    to_utc_or_none,
)


class YoutubeApiError(BadResponse):
    """``{"error": {"code": 403, "errors": [{"reason": "commentsDisabled"}]}}``; ``reason`` says why."""

    def __init__(self, code: int | None, reason: str, message: str) -> None:
        super().__init__(f"YouTube API error {code} {reason}: {message}")
        self.code = code
        self.reason = reason


@dataclass
class YoutubeVideo:
    video_id: str
    channel_id: str | None
    channel_title: str | None
    title: str | None
    description: str
    published_at: datetime | None
    views: int | None  # absent when the owner hides them
    likes: int | None
    comments: int | None  # absent when comments are disabled
    lang: str | None


@dataclass
class YoutubeChannel:
    channel_id: str
    title: str | None
    subscribers: int | None  # None when hidden (hiddenSubscriberCount)
    uploads_playlist: str | None


@dataclass
class YoutubeComment:
    comment_id: str
    parent_id: str | None  # the thread's top-level comment, for a reply
    text: str
    author: str | None
    author_channel_id: str | None
    likes: int | None
    published_at: datetime | None


@dataclass
class YoutubeThread:
    comment: YoutubeComment
    reply_total: int
    replies: list[YoutubeComment]  # the few that come inline (``replies.comments``)


@dataclass
class YoutubeThreadPage:
    threads: list[YoutubeThread]
    next_token: str | None


def _youtube_payload(body: str | bytes) -> dict[str, Any]:
    payload = load_json(body)
    if not isinstance(payload, dict):
        raise BadResponse("YouTube answer is not an object")
    error = payload.get("error")
    if error is not None:
        error = as_dict(error)
        first = as_dict(as_list(error.get("errors"))[0]) if as_list(error.get("errors")) else {}
        reason = str(first.get("reason") or error.get("status") or "unknown")
        # A bad key says "badRequest" in errors[] and API_KEY_INVALID only in the newer details[].
        if any(as_dict(d).get("reason") == "API_KEY_INVALID" for d in as_list(error.get("details"))):
            reason = "keyInvalid"
        message = html_to_text(str(error.get("message") or first.get("message") or ""))
        raise YoutubeApiError(int_or(error.get("code")), reason, message)
    if not isinstance(payload.get("items", []), list):
        raise BadResponse("items is not a list")
    return payload


_YOUTUBE_ID = re.compile(r"(?:v=|youtu\.be/|/shorts/|/embed/|/live/)([\w-]{11})")


def youtube_video_id(value: str) -> str | None:
    """A video id from an id or a watch / youtu.be / shorts URL."""
    value = (value or "").strip()
    if re.fullmatch(r"[\w-]{11}", value):
        return value
    match = _YOUTUBE_ID.search(value)
    return match.group(1) if match else None


def parse_youtube_videos(body: str | bytes) -> list[YoutubeVideo]:
    """``videos?part=snippet,statistics`` → one record per video (statistics come as digit strings)."""
    videos: list[YoutubeVideo] = []
    for raw in _youtube_payload(body).get("items") or []:
        snippet, stats = as_dict(as_dict(raw).get("snippet")), as_dict(as_dict(raw).get("statistics"))
        video_id = str_id(as_dict(raw).get("id"))
        if not video_id:
            continue
        videos.append(
            YoutubeVideo(
                video_id=video_id,
                channel_id=first_text(snippet.get("channelId")),
                channel_title=first_text(snippet.get("channelTitle")),
                title=clean_text(snippet.get("title"), strip_html=False) or None,
                description=clean_text(snippet.get("description"), strip_html=False),
                published_at=to_utc_or_none(snippet.get("publishedAt")),
                views=json_count(stats.get("viewCount")),
                likes=json_count(stats.get("likeCount")),
                comments=json_count(stats.get("commentCount")),
                lang=first_text(snippet.get("defaultAudioLanguage"), snippet.get("defaultLanguage")),
            )
        )
    return videos


def parse_youtube_channels(body: str | bytes) -> dict[str, YoutubeChannel]:
    """``channels?part=statistics,contentDetails`` → {channel id: channel}."""
    channels: dict[str, YoutubeChannel] = {}
    for raw in _youtube_payload(body).get("items") or []:
        raw = as_dict(raw)
        channel_id = str_id(raw.get("id"))
        if not channel_id:
            continue
        stats = as_dict(raw.get("statistics"))
        playlist = as_dict(as_dict(raw.get("contentDetails")).get("relatedPlaylists")).get("uploads")
        channels[channel_id] = YoutubeChannel(
            channel_id=channel_id,
            title=first_text(as_dict(raw.get("snippet")).get("title")),
            subscribers=None
            if stats.get("hiddenSubscriberCount")
            else json_count(stats.get("subscriberCount")),
            uploads_playlist=playlist if isinstance(playlist, str) and playlist else None,
        )
    return channels


def parse_youtube_video_ids(body: str | bytes) -> tuple[list[str], str | None]:
    """Video ids of a ``playlistItems`` or ``search`` page, and its ``nextPageToken``."""
    payload = _youtube_payload(body)
    ids: list[str] = []
    for raw in payload.get("items") or []:
        raw = as_dict(raw)
        found = (
            as_dict(raw.get("contentDetails")).get("videoId")
            or as_dict(as_dict(raw.get("snippet")).get("resourceId")).get("videoId")
            or (as_dict(raw.get("id")).get("videoId") if isinstance(raw.get("id"), dict) else None)
        )
        video_id = str_id(found)
        if video_id and video_id not in ids:
            ids.append(video_id)
    return ids, first_text(payload.get("nextPageToken"))


def _youtube_comment(raw: Any) -> YoutubeComment | None:
    raw = as_dict(raw)
    snippet = as_dict(raw.get("snippet"))
    comment_id = str_id(raw.get("id"))
    if not comment_id:
        return None
    text = snippet.get("textOriginal")
    return YoutubeComment(
        comment_id=comment_id,
        parent_id=first_text(snippet.get("parentId")),
        # textOriginal is what the author typed; textDisplay (HTML) is the fallback when it is withheld.
        text=clean_text(text, strip_html=False)
        if isinstance(text, str)
        else html_to_text(snippet.get("textDisplay") if isinstance(snippet.get("textDisplay"), str) else ""),
        author=first_text(snippet.get("authorDisplayName")),
        author_channel_id=first_text(as_dict(snippet.get("authorChannelId")).get("value")),
        likes=json_count(snippet.get("likeCount")),
        published_at=to_utc_or_none(snippet.get("publishedAt")),
    )


def parse_youtube_comment_threads(body: str | bytes) -> YoutubeThreadPage:
    """``commentThreads?part=snippet,replies`` → threads (top-level comment, reply total, inline replies)."""
    payload = _youtube_payload(body)
    threads: list[YoutubeThread] = []
    for raw in payload.get("items") or []:
        snippet = as_dict(as_dict(raw).get("snippet"))
        comment = _youtube_comment(snippet.get("topLevelComment"))
        if comment is None:
            continue
        inline = as_list(as_dict(as_dict(raw).get("replies")).get("comments"))
        replies = [r for r in map(_youtube_comment, inline) if r]
        for reply in replies:
            reply.parent_id = reply.parent_id or comment.comment_id
        threads.append(
            YoutubeThread(
                comment=comment,
                reply_total=int_or(snippet.get("totalReplyCount"), len(replies)) or 0,
                replies=replies,
            )
        )
    return YoutubeThreadPage(threads=threads, next_token=first_text(payload.get("nextPageToken")))


def parse_youtube_comments(body: str | bytes) -> tuple[list[YoutubeComment], str | None]:
    """``comments?parentId=`` (the rest of a thread) → replies and the ``nextPageToken``."""
    payload = _youtube_payload(body)
    comments = [c for c in map(_youtube_comment, payload.get("items") or []) if c]
    return comments, first_text(payload.get("nextPageToken"))
