"""Hacker News through the Algolia search API: stories and comments."""

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
    from_unix,
    html_to_text,
    int_or,
    json_count,
    load_json,
    str_id,
)


@dataclass
class HnHit:
    object_id: str
    kind: str  # story | comment | other (poll, job ...)
    created_at_i: int
    published_at: datetime
    author: str | None
    title: str | None
    url: str | None
    text: str
    points: int | None
    num_comments: int | None
    story_id: str | None
    parent_id: str | None


@dataclass
class HnPage:
    hits: list[HnHit]
    nb_hits: int
    page: int
    nb_pages: int
    hits_per_page: int


def _hn_text(fragment: Any) -> str:
    if not isinstance(fragment, str):
        return ""
    # HN separates paragraphs with a bare <p>: make each one a paragraph of the text.
    return html_to_text(re.sub(r"<p>", "<br><br>", fragment, flags=re.IGNORECASE))


def parse_hn_search(body: str | bytes) -> HnPage:
    """A ``search`` / ``search_by_date`` answer → hits (HTML text made plain, ids as text) and paging."""
    payload = load_json(body)
    if not isinstance(payload, dict) or not isinstance(payload.get("hits"), list):
        message = payload.get("message") if isinstance(payload, dict) else None
        raise BadResponse(f"no hits list{f': {message}' if message else ''}")
    hits: list[HnHit] = []
    for raw in payload["hits"]:
        raw = as_dict(raw)
        object_id = str_id(raw.get("objectID"))
        created = int_or(raw.get("created_at_i"))
        if not object_id or created is None:
            continue
        tags = [t for t in as_list(raw.get("_tags")) if isinstance(t, str)]
        kind = next((k for k in ("comment", "story") if k in tags), tags[0] if tags else "other")
        hits.append(
            HnHit(
                object_id=object_id,
                kind=kind,
                created_at_i=created,
                published_at=from_unix(created),
                author=first_text(raw.get("author")),
                title=clean_text(raw.get("title"), strip_html=False) or None,
                url=first_text(raw.get("url")),
                text=_hn_text(raw.get("comment_text") if kind == "comment" else raw.get("story_text")),
                points=json_count(raw.get("points")),
                num_comments=json_count(raw.get("num_comments")),
                story_id=str_id(raw.get("story_id")) or (object_id if kind == "story" else None),
                parent_id=str_id(raw.get("parent_id")),
            )
        )
    return HnPage(
        hits=hits,
        nb_hits=int_or(payload.get("nbHits"), len(hits)) or 0,
        page=int_or(payload.get("page"), 0) or 0,
        nb_pages=int_or(payload.get("nbPages"), 1) or 0,
        hits_per_page=int_or(payload.get("hitsPerPage"), len(hits)) or 0,
    )
