"""Google Play reviews through the store's batchexecute RPC (``UsvDTd``; undocumented)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from crawler.parsing import (
    BadResponse,
    as_list,
    as_text,
    clean_text,
    first_text,
    json_count,
    str_id,
    to_utc_or_none,
)

GOOGLEPLAY_RPC = "UsvDTd"
GOOGLEPLAY_SORTS = {"relevant": 1, "newest": 2, "rating": 3}
# Where each value sits in one review array of the UsvDTd payload. Google moves these now and then: this map
# is the one place to change. Paths index nested lists; a missing step gives None.
GOOGLEPLAY_REVIEW_PATHS: dict[str, tuple[int, ...]] = {
    "review_id": (0,),
    "user": (1, 0),
    "score": (2,),
    "text": (4,),
    "time": (5, 0),
    "thumbs_up": (6,),
    "reply_author": (7, 0),
    "reply_text": (7, 1),
    "reply_time": (7, 2, 0),
    "version": (10,),
}
GOOGLEPLAY_REVIEWS_PATH = (0,)  # the list of reviews in the payload
GOOGLEPLAY_TOKEN_PATH = (-1, -1)  # the next-page token in the payload


@dataclass
class GooglePlayReview:
    review_id: str
    user: str | None
    score: int | None
    text: str
    published_at: datetime | None
    thumbs_up: int | None
    version: str | None
    reply_author: str | None
    reply_text: str | None
    reply_at: datetime | None


@dataclass
class GooglePlayPage:
    reviews: list[GooglePlayReview]
    next_token: str | None


def _at(value: Any, path: tuple[int, ...]) -> Any:
    for index in path:
        if not isinstance(value, list) or not -len(value) <= index < len(value):
            return None
        value = value[index]
    return value


def googleplay_reviews_form(
    app_id: str, *, count: int, sort: str = "newest", token: str | None = None
) -> str:
    """The ``f.req`` form value asking for one page of reviews (``token`` for the pages after the first).

    >>> googleplay_reviews_form("com.example", count=2)
    '[[["UsvDTd", "[null,null,[2,2,[2,null,null],null,[]],[\\\\"com.example\\\\",7]]", null, "generic"]]]'
    """
    inner = json.dumps(
        [None, None, [2, GOOGLEPLAY_SORTS[sort], [count, None, token], None, []], [app_id, 7]],
        separators=(",", ":"),
    )
    return json.dumps([[[GOOGLEPLAY_RPC, inner, None, "generic"]]])


def strip_xssi(body: str | bytes) -> str:
    """Drop Google's anti-JSON-hijacking prefix ``)]}'`` (and the blank line after it)."""
    text = as_text(body).lstrip("\ufeff").lstrip()
    return text[4:].lstrip() if text.startswith(")]}'") else text


def _unix_or_none(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return to_utc_or_none(value)


def _batchexecute_envelopes(text: str) -> list[Any]:
    try:
        parsed = json.loads(text)
        return parsed if isinstance(parsed, list) else []
    except ValueError:
        pass
    # Chunked answers (rt=c) put a byte count line before each JSON chunk.
    envelopes: list[Any] = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("["):
            try:
                envelopes.extend(json.loads(line))
            except ValueError:
                continue
    return envelopes


def parse_googleplay_reviews(body: str | bytes) -> GooglePlayPage:
    """A batchexecute answer for ``UsvDTd`` → reviews and the next-page token (None on the last page)."""
    envelopes = _batchexecute_envelopes(strip_xssi(body))
    entry = next((e for e in envelopes if isinstance(e, list) and e[:2] == ["wrb.fr", GOOGLEPLAY_RPC]), None)
    if entry is None:
        raise BadResponse("no wrb.fr UsvDTd envelope")
    if not isinstance(_at(entry, (2,)), str):
        raise BadResponse(f"UsvDTd answered without data (error {_at(entry, (5,))!r})")
    try:
        payload = json.loads(entry[2])
    except ValueError as exc:
        raise BadResponse("UsvDTd payload is not JSON") from exc
    reviews: list[GooglePlayReview] = []
    for raw in as_list(_at(payload, GOOGLEPLAY_REVIEWS_PATH)):
        fields = {name: _at(raw, path) for name, path in GOOGLEPLAY_REVIEW_PATHS.items()}
        review_id = str_id(fields["review_id"])
        if not review_id:
            continue
        reply_text = fields["reply_text"] if isinstance(fields["reply_text"], str) else None
        reviews.append(
            GooglePlayReview(
                review_id=review_id,
                user=first_text(fields["user"]) if isinstance(fields["user"], str) else None,
                score=json_count(fields["score"]),
                text=clean_text(fields["text"], strip_html=False) if isinstance(fields["text"], str) else "",
                published_at=_unix_or_none(fields["time"]),
                thumbs_up=json_count(fields["thumbs_up"]),
                version=fields["version"] if isinstance(fields["version"], str) else None,
                reply_author=fields["reply_author"] if isinstance(fields["reply_author"], str) else None,
                reply_text=clean_text(reply_text, strip_html=False) if reply_text else None,
                reply_at=_unix_or_none(fields["reply_time"]),
            )
        )
    token = _at(payload, GOOGLEPLAY_TOKEN_PATH)
    return GooglePlayPage(reviews=reviews, next_token=token if isinstance(token, str) and token else None)
