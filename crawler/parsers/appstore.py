"""App Store customer reviews (the iTunes RSS feed as JSON)."""

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
    json_count,
    load_json,
    to_utc_or_none,
)


@dataclass
class AppStoreReview:
    review_id: str
    title: str | None
    text: str
    author: str | None
    rating: int | None
    version: str | None
    vote_sum: int | None  # "helpful" votes
    vote_count: int | None  # all votes
    published_at: datetime | None


@dataclass
class AppStorePage:
    app_name: str | None
    reviews: list[AppStoreReview]
    last_page: int | None  # from the feed's rel="last" link


def _label(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("label")
    return value.strip() if isinstance(value, str) and value.strip() else None


def appstore_app_id(value: str) -> str | None:
    """``1234567890``, ``id1234567890`` or an apps.apple.com URL → ``1234567890``."""
    match = re.search(r"(?:^|id)(\d{5,})(?:\D|$)", (value or "").strip())
    return match.group(1) if match else None


def parse_appstore_reviews(body: str | bytes) -> AppStorePage:
    """A ``customerreviews/.../json`` page → reviews.

    Quirks: a page with one review has ``feed.entry`` as an object, not a list; a page past the end has no
    ``entry`` at all; older feeds put the app itself (``im:name``, no rating) first.
    """
    payload = load_json(body)
    feed = payload.get("feed") if isinstance(payload, dict) else None
    if not isinstance(feed, dict):
        raise BadResponse("no feed object")
    entries = feed.get("entry")
    if isinstance(entries, dict):
        entries = [entries]
    app_name = None
    reviews: list[AppStoreReview] = []
    for raw in as_list(entries):
        raw = as_dict(raw)
        if "im:rating" not in raw:
            app_name = app_name or _label(raw.get("im:name"))
            continue
        review_id = _label(raw.get("id"))
        if not review_id:
            continue
        reviews.append(
            AppStoreReview(
                review_id=review_id,
                title=clean_text(_label(raw.get("title")), strip_html=False) or None,
                text=clean_text(_label(raw.get("content")), strip_html=False),
                author=_label(as_dict(raw.get("author")).get("name")),
                rating=json_count(_label(raw.get("im:rating"))),
                version=_label(raw.get("im:version")),
                vote_sum=json_count(_label(raw.get("im:voteSum"))),
                vote_count=json_count(_label(raw.get("im:voteCount"))),
                published_at=to_utc_or_none(_label(raw.get("updated"))),
            )
        )
    last_page = None
    links = feed.get("link")
    for link in [links] if isinstance(links, dict) else as_list(links):
        attributes = as_dict(as_dict(link).get("attributes"))
        if attributes.get("rel") == "last":
            match = re.search(r"/page=(\d+)/", str(attributes.get("href") or ""))
            last_page = int(match.group(1)) if match else None
    return AppStorePage(app_name=app_name, reviews=reviews, last_page=last_page)
