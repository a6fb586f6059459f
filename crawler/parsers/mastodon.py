"""Mastodon: timelines (JSON arrays of statuses) and a status's context."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crawler.parsing import (
    BadResponse,
    as_dict,
    as_list,
    clean_text,
    first_text,
    html_to_text,
    json_count,
    load_json,
    str_id,
    to_utc_or_none,
)


@dataclass
class MastodonStatus:
    status_id: str
    url: str | None
    created_at: datetime | None
    text: str
    spoiler: str | None  # the content warning shown before the text
    lang: str | None
    author: str | None  # acct: "user" on its own instance, "user@host" elsewhere
    author_followers: int | None
    replies: int | None  # replies_count: absent before Mastodon 2.5
    reblogs: int | None
    favourites: int | None
    in_reply_to_id: str | None
    tags: list[str] = field(default_factory=list)


def _mastodon_status(raw: Any) -> MastodonStatus | None:
    raw = as_dict(raw)
    if isinstance(raw.get("reblog"), dict):  # a boost: the boosted status is what was said
        raw = raw["reblog"]
    status_id = str_id(raw.get("id"))
    if not status_id:
        return None
    account = as_dict(raw.get("account"))
    return MastodonStatus(
        status_id=status_id,
        url=first_text(raw.get("url"), raw.get("uri")),
        created_at=to_utc_or_none(raw.get("created_at")),
        text=html_to_text(raw.get("content") if isinstance(raw.get("content"), str) else ""),
        spoiler=clean_text(raw.get("spoiler_text")) or None,
        lang=first_text(raw.get("language")),
        author=first_text(account.get("acct"), account.get("username")),
        author_followers=json_count(account.get("followers_count")),
        replies=json_count(raw.get("replies_count")),
        reblogs=json_count(raw.get("reblogs_count")),
        favourites=json_count(raw.get("favourites_count")),
        in_reply_to_id=str_id(raw.get("in_reply_to_id")),
        tags=[str(t["name"]) for t in as_list(raw.get("tags")) if isinstance(t, dict) and t.get("name")],
    )


def _mastodon_error(payload: Any) -> None:
    if isinstance(payload, dict) and "error" in payload:
        raise BadResponse(f"Mastodon API error: {payload.get('error')}")


def parse_mastodon_statuses(body: str | bytes) -> list[MastodonStatus]:
    """A timeline (JSON array of statuses) → statuses; ids normalised to text, boosts unwrapped."""
    payload = load_json(body)
    _mastodon_error(payload)
    if not isinstance(payload, list):
        raise BadResponse("timeline is not a list")
    return [s for s in map(_mastodon_status, payload) if s]


def parse_mastodon_context(body: str | bytes) -> tuple[list[MastodonStatus], list[MastodonStatus]]:
    """``statuses/{id}/context`` → (ancestors, descendants)."""
    payload = load_json(body)
    _mastodon_error(payload)
    if not isinstance(payload, dict) or not isinstance(payload.get("descendants"), list):
        raise BadResponse("no descendants list")
    ancestors = [s for s in map(_mastodon_status, as_list(payload.get("ancestors"))) if s]
    return ancestors, [s for s in map(_mastodon_status, payload["descendants"]) if s]
