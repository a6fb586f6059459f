"""VnExpress: search results, article pages and the usi-saas comments / replies JSON."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from parsel import Selector

from crawler.parsing import (
    HO_CHI_MINH,
    BadResponse,
    as_text,
    clean_text,
    first_text,
    html_to_text,
    int_or,
    to_utc_or_none,
)

_VNE_ID = re.compile(r"-(\d{7,})\.html(?:[?#].*)?$")


@dataclass
class VnexpressArticle:
    article_id: str | None
    url: str
    title: str | None
    description: str | None
    published_at: datetime | None
    # What the page's own comment box asks the comments API for (objecttype = article_type, siteid).
    object_type: str | None = None
    site_id: str | None = None


@dataclass
class VnexpressComment:
    comment_id: str
    parent_id: str | None  # None for a top-level comment
    article_id: str | None
    text: str
    author: str | None
    userid: str | None
    published_at: datetime | None
    likes: int | None
    reply_total: int
    reactions: dict[str, int] = field(default_factory=dict)
    replies: list[VnexpressComment] = field(default_factory=list)


@dataclass
class VnexpressCommentPage:
    total: int | None  # top-level comments of the article (data.total); None on reply pages
    total_items: int | None  # comments + replies (data.totalitem) when given
    offset: int
    comments: list[VnexpressComment]


def parse_vnexpress_search(body: str | bytes, base_url: str) -> tuple[list[str], str | None]:
    """A search results page → (absolute article URLs in order, the next results page or None)."""
    sel = Selector(text=as_text(body))
    urls: list[str] = []
    for href in sel.css("article.item-news h3.title-news a::attr(href)").getall():
        absolute = urljoin(base_url, href.strip())
        if absolute not in urls:
            urls.append(absolute)
    next_href = sel.css("a.next-page::attr(href), a.btn-page.next-page::attr(href)").get()
    if not next_href or next_href.startswith("javascript"):
        return urls, None
    return urls, urljoin(base_url, next_href)


def parse_vnexpress_article(body: str | bytes, url: str) -> VnexpressArticle:
    """An article page → id (from the URL or meta ``tt_article_id``), title, description, publish time."""
    sel = Selector(text=as_text(body))

    def meta(name: str) -> str | None:
        return sel.css(f'meta[name="{name}"]::attr(content), meta[property="{name}"]::attr(content)').get()

    url_match = _VNE_ID.search(url)
    og_match = _VNE_ID.search(meta("og:url") or "")
    article_id = first_text(
        url_match.group(1) if url_match else None,
        meta("tt_article_id"),
        meta("its_id"),
        og_match.group(1) if og_match else None,
    )
    published_at = None
    for raw in (
        meta("its_publication"),
        meta("article:published_time"),
        sel.css('meta[itemprop="datePublished"]::attr(content)').get(),
        meta("pubdate"),
    ):
        published_at = to_utc_or_none(raw, tz=HO_CHI_MINH) if raw else None
        if published_at:
            break
    title = first_text(html_to_text(sel.css("h1.title-detail").get()), meta("og:title"), meta("its_title"))
    # The location stamp ("Hà Giang") is a span glued to the first word: leave it out.
    description = first_text(
        html_to_text(
            re.sub(r'<span class="location-stamp">.*?</span>', "", sel.css("p.description").get() or "")
        ),
        meta("og:description"),
        meta("description"),
    )
    box = sel.css("#box_comment_vne::attr(data-component-input)").get()
    object_type = site_id = None
    if box:
        try:
            config = json.loads(box)
            object_type = str(config.get("article_type") or "") or None
            site_id = str(config.get("site_id") or "") or None
        except (ValueError, AttributeError):
            pass
    return VnexpressArticle(
        article_id=article_id,
        url=url,
        title=html_to_text(title) or None,
        description=html_to_text(description) or None,
        published_at=published_at,
        object_type=object_type,
        site_id=site_id,
    )


def _vnexpress_comment(raw: dict[str, Any]) -> VnexpressComment:
    comment_id = str(raw.get("comment_id") or "").strip()
    parent = str(raw.get("parent_id") or "").strip()
    replys = raw.get("replys") if isinstance(raw.get("replys"), dict) else {}
    userid = raw.get("userid")
    created = raw.get("creation_time")
    return VnexpressComment(
        comment_id=comment_id,
        parent_id=parent if parent and parent not in (comment_id, "0") else None,
        article_id=str(raw["article_id"]) if raw.get("article_id") is not None else None,
        text=clean_text(raw.get("content") if isinstance(raw.get("content"), str) else ""),
        author=clean_text(raw.get("full_name")) or None,
        userid=str(userid) if userid not in (None, "", 0) else None,
        published_at=to_utc_or_none(created)
        if created not in (None, "", 0)
        else to_utc_or_none(raw.get("time")),
        likes=int_or(raw.get("userlike")),
        reply_total=int_or(replys.get("total"), 0) or 0,
        reactions={
            k: v for k in ("t_r_1", "t_r_2", "t_r_3", "t_r_4") if (v := int_or(raw.get(k))) is not None
        },
        replies=[_vnexpress_comment(r) for r in replys.get("items") or [] if isinstance(r, dict)],
    )


def parse_vnexpress_comments(body: str | bytes) -> VnexpressCommentPage:
    """A comments (``index/get``) or replies (``index/getreplay``) JSON body → typed page.

    Raises ``BadResponse`` for a non-JSON body or ``error != 0``.
    """
    try:
        payload = json.loads(as_text(body))
    except ValueError as exc:
        raise BadResponse(f"not JSON: {as_text(body)[:80]!r}") from exc
    if not isinstance(payload, dict):
        raise BadResponse("JSON body is not an object")
    if payload.get("error") not in (0, "0", None):
        raise BadResponse(f"error {payload.get('error')}: {payload.get('errorDescription') or ''}".strip())
    data = payload.get("data")
    if not isinstance(data, dict):
        raise BadResponse("no data object")
    items = data.get("items")
    if items is None and isinstance(data.get("data"), dict):  # getreplay nests the list one level deeper
        items = data["data"].get("items")
    if not isinstance(items, list):
        raise BadResponse("no data.items list")
    return VnexpressCommentPage(
        total=int_or(data.get("total")),
        total_items=int_or(data.get("totalitem")),
        offset=int_or(data.get("offset"), 0) or 0,
        comments=[_vnexpress_comment(item) for item in items if isinstance(item, dict)],
    )
