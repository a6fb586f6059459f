"""Naver news (n.news.naver.com): article pages, the comment-list JSONP and article keys."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from parsel import Selector

from crawler.parsing import (
    SEOUL,
    BadResponse,
    as_text,
    clean_text,
    first_text,
    html_to_text,
    int_or,
    to_utc_or_none,
)


@dataclass
class NaverArticle:
    oid: str
    aid: str
    url: str
    title: str | None
    text: str
    published_at: datetime | None


@dataclass
class NaverComment:
    comment_no: str
    parent_comment_no: str | None  # None for a top-level comment
    text: str
    author: str | None
    published_at: datetime | None
    likes: int | None  # sympathyCount
    dislikes: int | None  # antipathyCount
    replies: int | None  # replyCount
    deleted: bool = False


@dataclass
class NaverCommentPage:
    page: int
    total_pages: int
    total: int | None
    comments: list[NaverComment]


def strip_jsonp(body: str | bytes) -> str:
    """``anyCallback( {...} );`` → ``{...}``; a body that is already JSON passes through.

    >>> strip_jsonp('jQuery123_456({"a": 1});')
    '{"a": 1}'
    """
    text = as_text(body).strip().lstrip("\ufeff")
    if text.startswith(("{", "[")):
        return text
    match = re.match(r"^(?:/\*.*?\*/\s*)?[\w$.]+\s*\((.*)\)\s*;?\s*$", text, re.DOTALL)
    if not match:
        raise BadResponse(f"not JSONP: {text[:80]!r}")
    return match.group(1)


def parse_naver_article(body: str | bytes, url: str, oid: str, aid: str) -> NaverArticle:
    """A news article page (n.news.naver.com) → title (``h2#title_area`` / og:title), body text, time."""
    sel = Selector(text=as_text(body))
    title = first_text(
        html_to_text(sel.css("h2#title_area").get()),
        sel.css('meta[property="og:title"]::attr(content)').get(),
    )
    published_at = None
    for raw in (
        sel.css("span._ARTICLE_DATE_TIME::attr(data-date-time)").get(),
        sel.css("[data-date-time]::attr(data-date-time)").get(),
        sel.css('meta[property="article:published_time"]::attr(content)').get(),
    ):
        published_at = to_utc_or_none(raw, tz=SEOUL) if raw else None
        if published_at:
            break
    area = sel.css("#dic_area, #newsct_article, #articleBodyContents")
    return NaverArticle(
        oid=oid,
        aid=aid,
        url=url,
        title=html_to_text(title) or None,
        text=html_to_text(area[0].get()) if area else "",
        published_at=published_at,
    )


def parse_naver_comments(body: str | bytes) -> NaverCommentPage:
    """A comment-list JSONP body → typed page. Raises ``BadResponse`` for errors and broken bodies."""
    try:
        payload = json.loads(strip_jsonp(body))
    except ValueError as exc:
        if isinstance(exc, BadResponse):
            raise
        raise BadResponse(f"not JSON inside the callback: {exc}") from exc
    if not isinstance(payload, dict) or payload.get("success") is False:
        code = payload.get("code") if isinstance(payload, dict) else None
        message = payload.get("message") if isinstance(payload, dict) else None
        raise BadResponse(f"comment API error {code}: {message or ''}".strip())
    result = payload.get("result")
    if not isinstance(result, dict) or not isinstance(result.get("commentList", []), list):
        raise BadResponse("no result.commentList")
    model = result.get("pageModel") if isinstance(result.get("pageModel"), dict) else {}
    page = int_or(model.get("page") or model.get("current"), 1) or 1
    total_pages = int_or(model.get("totalPages") or model.get("lastPage"), page) or page
    count = result.get("count") if isinstance(result.get("count"), dict) else {}
    total = int_or(count.get("comment"), None)
    if total is None:
        total = int_or(model.get("totalRows"), None)
    comments: list[NaverComment] = []
    for raw in result.get("commentList") or []:
        if not isinstance(raw, dict):
            continue
        number = str(raw.get("commentNo") or "").strip()
        parent = str(raw.get("parentCommentNo") or "").strip()
        comments.append(
            NaverComment(
                comment_no=number,
                parent_comment_no=parent if parent and parent != number else None,
                text=clean_text(raw.get("contents") if isinstance(raw.get("contents"), str) else ""),
                author=first_text(raw.get("userName"), raw.get("maskedUserId")),
                published_at=to_utc_or_none(raw.get("regTime"), tz=SEOUL),
                likes=int_or(raw.get("sympathyCount")),
                dislikes=int_or(raw.get("antipathyCount")),
                replies=int_or(raw.get("replyCount")),
                deleted=bool(raw.get("deleted")),
            )
        )
    return NaverCommentPage(page=page, total_pages=max(total_pages, page), total=total, comments=comments)


def naver_article_keys(value: str) -> list[tuple[str, str]]:
    """Article keys from a spider argument: "001,0014000001", "001/0014000001", article URLs, several of them
    separated by commas, spaces or semicolons. Naver's office id has 3 digits and the article id 10.

    >>> naver_article_keys("001,0014000001,421/0007000002")
    [('001', '0014000001'), ('421', '0007000002')]
    """
    keys: list[tuple[str, str]] = []
    for oid, aid in re.findall(r"(?<!\d)(\d{3})\s*[,/]\s*(\d{10})(?!\d)", value or ""):
        if (oid, aid) not in keys:
            keys.append((oid, aid))
    return keys
