"""Bluesky (AT Protocol, app.bsky): post threads, search pages and profiles."""

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
    json_count,
    load_json,
    to_utc_or_none,
)

BLUESKY_THREAD_POST = "app.bsky.feed.defs#threadViewPost"
BLUESKY_SKIPPED = {
    "app.bsky.feed.defs#blockedPost": "blocked",
    "app.bsky.feed.defs#notFoundPost": "not_found",
}


@dataclass
class BlueskyPost:
    uri: str
    author_handle: str | None
    author_did: str | None
    text: str
    published_at: datetime | None  # record.createdAt (what the author's client said), else indexedAt
    langs: list[str]
    replies: int | None
    reposts: int | None
    likes: int | None
    quotes: int | None  # quoteCount: absent in older answers
    parent_uri: str | None = None  # the post this one answers (set by the thread walk for replies)

    @property
    def url(self) -> str | None:
        """The bsky.app page of the post."""
        match = re.fullmatch(r"at://([^/]+)/app\.bsky\.feed\.post/([^/]+)", self.uri)
        if not match:
            return None
        return f"https://bsky.app/profile/{self.author_handle or match.group(1)}/post/{match.group(2)}"


@dataclass
class BlueskyThread:
    post: BlueskyPost | None  # None when the root itself is blocked or gone
    replies: list[BlueskyPost]  # depth first, each with ``parent_uri``
    skipped: dict[str, int]  # blocked / not_found nodes met in the replies and the parent chain
    parents: int  # how many posts above the root were readable


def bluesky_at_uri(value: str) -> str | None:
    """``at://did/app.bsky.feed.post/rkey`` as is, or a ``https://bsky.app/profile/{who}/post/{rkey}`` URL."""
    value = (value or "").strip()
    if value.startswith("at://"):
        return value
    match = re.search(r"bsky\.app/profile/([^/]+)/post/([^/?#]+)", value)
    return f"at://{match.group(1)}/app.bsky.feed.post/{match.group(2)}" if match else None


def _bluesky_post(raw: Any) -> BlueskyPost | None:
    raw = as_dict(raw)
    uri = first_text(raw.get("uri"))
    if not uri:
        return None
    record, author = as_dict(raw.get("record")), as_dict(raw.get("author"))
    return BlueskyPost(
        uri=uri,
        author_handle=first_text(author.get("handle")),
        author_did=first_text(author.get("did")),
        text=clean_text(record.get("text"), strip_html=False) if isinstance(record.get("text"), str) else "",
        published_at=to_utc_or_none(record.get("createdAt")) or to_utc_or_none(raw.get("indexedAt")),
        langs=[str(lang) for lang in as_list(record.get("langs"))],
        replies=json_count(raw.get("replyCount")),
        reposts=json_count(raw.get("repostCount")),
        likes=json_count(raw.get("likeCount")),
        quotes=json_count(raw.get("quoteCount")),
        parent_uri=first_text(as_dict(as_dict(record.get("reply")).get("parent")).get("uri")),
    )


def _bluesky_payload(body: str | bytes) -> dict[str, Any]:
    payload = load_json(body)
    if not isinstance(payload, dict):
        raise BadResponse("Bluesky answer is not an object")
    if "error" in payload and isinstance(payload.get("error"), str):
        raise BadResponse(f"Bluesky API error {payload['error']}: {payload.get('message') or ''}".strip())
    return payload


def parse_bluesky_thread(body: str | bytes) -> BlueskyThread:
    """``app.bsky.feed.getPostThread`` → the post, its replies (walked recursively) and what was skipped."""
    thread = _bluesky_payload(body).get("thread")
    if not isinstance(thread, dict):
        raise BadResponse("no thread object")
    skipped: dict[str, int] = {}

    def readable(node: dict[str, Any]) -> bool:
        kind = str(node.get("$type") or "")
        if kind in BLUESKY_SKIPPED or node.get("blocked") or node.get("notFound"):
            reason = BLUESKY_SKIPPED.get(kind) or ("blocked" if node.get("blocked") else "not_found")
            skipped[reason] = skipped.get(reason, 0) + 1
            return False
        return isinstance(node.get("post"), dict)

    parents = 0
    node = thread.get("parent")
    while isinstance(node, dict):
        if not readable(node):
            break
        parents += 1
        node = node.get("parent")
    if not readable(thread):
        return BlueskyThread(post=None, replies=[], skipped=skipped, parents=parents)
    root = _bluesky_post(thread["post"])
    replies: list[BlueskyPost] = []
    # An explicit stack: deep threads would overflow recursion; reversed keeps the answer's reply order.
    stack: list[tuple[dict[str, Any], str]] = (
        [(child, root.uri) for child in reversed(as_list(thread.get("replies"))) if isinstance(child, dict)]
        if root
        else []
    )
    while stack:
        child, parent_uri = stack.pop()
        if not readable(child):
            continue
        post = _bluesky_post(child["post"])
        if post is None:
            continue
        post.parent_uri = parent_uri
        replies.append(post)
        stack.extend((c, post.uri) for c in reversed(as_list(child.get("replies"))) if isinstance(c, dict))
    return BlueskyThread(post=root, replies=replies, skipped=skipped, parents=parents)


def parse_bluesky_search(body: str | bytes) -> tuple[list[BlueskyPost], str | None]:
    """``app.bsky.feed.searchPosts`` → posts and the ``cursor`` of the next page."""
    payload = _bluesky_payload(body)
    if not isinstance(payload.get("posts"), list):
        raise BadResponse("no posts list")
    return [p for p in map(_bluesky_post, payload["posts"]) if p], first_text(payload.get("cursor"))


def parse_bluesky_profiles(body: str | bytes) -> dict[str, int | None]:
    """``getProfile`` (one profile) or ``getProfiles`` → {did: followersCount, handle: followersCount}."""
    payload = _bluesky_payload(body)
    profiles = payload["profiles"] if isinstance(payload.get("profiles"), list) else [payload]
    followers: dict[str, int | None] = {}
    for raw in profiles:
        raw = as_dict(raw)
        for key in (raw.get("did"), raw.get("handle")):
            if isinstance(key, str) and key:
                followers[key] = json_count(raw.get("followersCount"))
    return followers
