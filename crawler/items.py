"""Typed items that spiders yield and pipelines consume.

A spider yields a ``PostItem`` for each parent thing (an article, a forum thread, a video) and a
``MentionItem`` for each text item: the post's own text (``kind="post"``) and every comment or reply under
it. Items carry raw values as the source gave them; the normalise pipeline turns them into clean,
timezone-aware values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class PostItem:
    """A parent post with its engagement counts (what the audience reacted to)."""

    platform: str
    external_id: str
    url: str | None = None
    title: str | None = None
    text: str | None = None
    author: str | None = None
    author_followers: int | None = None
    published_at: datetime | str | None = None
    likes: int | None = None
    comments: int | None = None
    shares: int | None = None
    saves: int | None = None
    views: int | None = None
    impressions: int | None = None
    reach: int | None = None


@dataclass
class MentionItem:
    """One stored text item: a post body, a comment, a reply, a review or an article."""

    platform: str
    external_id: str
    text: str
    kind: str = "comment"  # post | comment | reply | review | article
    url: str | None = None
    author: str | None = None
    author_followers: int | None = None
    published_at: datetime | str | None = None
    likes: int | None = None
    replies: int | None = None
    post_external_id: str | None = None
    parent_external_id: str | None = None
    lang: str | None = None
    # Labels that came with the data (file imports); kept as given, marked "imported".
    sentiment: str | None = None
    spam_score: float | None = None
    # Extra source fields worth keeping (e.g. PTT push tag, VnExpress reactions).
    extra: dict[str, Any] = field(default_factory=dict)
    # Set by pipelines, not by spiders.
    brands: list[str] = field(default_factory=list)
    text_hash: str | None = None
    low_effort: bool = False
