"""DC Inside galleries: list pages, article pages and the comment form's JSON answers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin

from parsel import Selector

from crawler.parsing import (
    SEOUL,
    BadResponse,
    as_list,
    as_text,
    clean_text,
    first_text,
    html_to_text,
    int_or,
    load_json,
    node_text,
    parse_count,
    parse_local_date,
    str_id,
)
from store.timeutil import as_utc, utcnow

# ``_GALLTYPE_`` of the comment form per gallery type, and the path prefix of its pages.
DCINSIDE_GALLERY_TYPES = {"major": ("G", ""), "minor": ("M", "/mgallery"), "mini": ("MI", "/mini")}


@dataclass
class DcinsideRow:
    """One ``tr.ub-content`` row of a gallery list page."""

    number: str | None  # the article ``no`` within the gallery; None for notices, surveys and ads
    title: str
    url: str | None
    author: str | None
    author_id: str | None  # data-uid: a registered (fixed) nickname
    author_ip: str | None  # data-ip: the "(118.235)" of a floating nickname
    published_at: datetime | None
    views: int | None
    recommends: int | None
    replies: int | None

    @property
    def notice(self) -> bool:
        return self.number is None


@dataclass
class DcinsideArticle:
    gallery_id: str | None
    number: str | None
    url: str
    title: str | None
    text: str
    author: str | None
    author_id: str | None
    author_ip: str | None
    published_at: datetime | None
    views: int | None
    recommends: int | None
    downvotes: int | None
    comments: int | None
    esno: str | None  # the per-page ``e_s_n_o`` token the comment form must send back
    gallery_type: str | None  # the page's own ``_GALLTYPE_`` (G, M, MI)


@dataclass
class DcinsideComment:
    number: str
    parent: str | None  # the comment a reply answers; None for a top-level comment
    text: str
    author: str | None
    author_id: str | None
    author_ip: str | None
    published_at: datetime | None
    deleted: bool = False
    ad: bool = False  # the "댓글돌이" promotion row the site mixes into the list
    dccon: bool = False  # a sticker (dccon) image instead of, or besides, words


@dataclass
class DcinsideCommentPage:
    total: int | None
    comments: list[DcinsideComment]


def _first_int(text: str | None) -> int | None:
    match = re.search(r"\d[\d,]*", text or "")
    return parse_count(match.group(0)) if match else None


def _query_param(url: str, name: str) -> str | None:
    match = re.search(rf"[?&]{re.escape(name)}=([^&#]+)", url or "")
    return match.group(1) if match else None


def parse_dcinside_list(body: str | bytes, base_url: str) -> list[DcinsideRow]:
    """A gallery list page → its rows in page order (notices and ads included, with ``number=None``)."""
    sel = Selector(text=as_text(body))
    rows: list[DcinsideRow] = []
    for tr in sel.css("tr.ub-content"):
        number_text = clean_text(node_text(tr.css("td.gall_num")[0]) if tr.css("td.gall_num") else "")
        kind = tr.attrib.get("data-type", "")
        number = number_text if number_text.isdigit() and kind != "icon_notice" else None
        link = tr.css("td.gall_tit a:not(.reply_numbox)")
        href = link[0].attrib.get("href") if link else None
        writer = tr.css("td.gall_writer")
        attrs = writer[0].attrib if writer else {}
        date = tr.css("td.gall_date")
        raw_date = (date[0].attrib.get("title") or node_text(date[0])) if date else ""
        rows.append(
            DcinsideRow(
                number=number,
                title=clean_text(node_text(link[0])) if link else "",
                url=urljoin(base_url, href) if href and not href.startswith("javascript") else None,
                author=first_text(attrs.get("data-nick")),
                author_id=first_text(attrs.get("data-uid")),
                author_ip=first_text(attrs.get("data-ip")),
                published_at=parse_local_date(raw_date, tz=SEOUL),
                views=_first_int(node_text(tr.css("td.gall_count")[0]) if tr.css("td.gall_count") else None),
                recommends=_first_int(
                    node_text(tr.css("td.gall_recommend")[0]) if tr.css("td.gall_recommend") else None
                ),
                replies=_first_int(
                    node_text(tr.css("span.reply_num")[0]) if tr.css("span.reply_num") else "0"
                ),
            )
        )
    return rows


def parse_dcinside_article(body: str | bytes, url: str) -> DcinsideArticle:
    """An article (``board/view``) page → title, body, counts and the comment form's hidden values."""
    sel = Selector(text=as_text(body))

    def hidden(name: str) -> str | None:
        return first_text(sel.css(f'input#{name}::attr(value), input[name="{name}"]::attr(value)').get())

    def text_of(css: str) -> str | None:
        found = sel.css(css)
        return node_text(found[0]) if found else None

    writer = sel.css("div.gall_writer, span.gall_writer")
    attrs = writer[0].attrib if writer else {}
    date = sel.css("span.gall_date")
    raw_date = (date[0].attrib.get("title") or node_text(date[0])) if date else ""
    recommends = _first_int(text_of("p.up_num"))
    if recommends is None:
        recommends = _first_int(text_of("span.gall_reply_num"))
    return DcinsideArticle(
        gallery_id=first_text(hidden("gallery_id"), _query_param(url, "id")),
        number=first_text(hidden("no"), _query_param(url, "no")),
        url=url,
        title=clean_text(text_of("span.title_subject")) or None,
        text=html_to_text(sel.css("div.write_div").get()),
        author=first_text(attrs.get("data-nick")),
        author_id=first_text(attrs.get("data-uid")),
        author_ip=first_text(attrs.get("data-ip")),
        published_at=parse_local_date(raw_date, tz=SEOUL),
        views=_first_int(text_of("span.gall_count")),
        recommends=recommends,
        downvotes=_first_int(text_of("p.down_num")),
        comments=_first_int(text_of("span.gall_comment")),
        esno=hidden("e_s_n_o"),
        gallery_type=hidden("_GALLTYPE_"),
    )


_DC_SHORT_TIME = re.compile(r"^(\d{1,2})\.(\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def parse_dcinside_time(text: str | None, anchor: datetime | None) -> datetime | None:
    """A comment time: "2023.12.30 22:10:05", or this year's "05.12 10:22:33" (Seoul), with the year taken
    from ``anchor`` (the article's time) and the new-year wrap handled: a comment is never older than its
    article, so a December article's "01.02" comment is from January of the next year.

    >>> parse_dcinside_time("01.02 09:00:00", datetime(2023, 12, 30, tzinfo=UTC)).isoformat()
    '2024-01-02T00:00:00+00:00'
    """
    if not text or not text.strip():
        return None
    match = _DC_SHORT_TIME.match(text.strip())
    if not match:
        return parse_local_date(text, tz=SEOUL)
    month, day, hour, minute = (int(g) for g in match.groups()[:4])
    second = int(match.group(5) or 0)
    local = as_utc(anchor or utcnow()).astimezone(SEOUL)
    for year in (local.year, local.year + 1):
        try:
            candidate = datetime(year, month, day, hour, minute, second, tzinfo=SEOUL)
        except ValueError:
            continue
        if anchor is None or candidate >= local - timedelta(days=1) or year > local.year:
            return candidate.astimezone(UTC)
    return None


def parse_dcinside_comments(
    body: str | bytes, article_number: str | None, anchor: datetime | None
) -> DcinsideCommentPage:
    """The comment form's JSON answer → typed page. ``anchor`` (the article time) supplies missing years.

    Replies have ``depth`` 1 and name their comment in ``c_no``; older answers only carry ``parent``, which
    for a top-level comment is the article itself.
    """
    payload = load_json(body)
    if not isinstance(payload, dict):
        raise BadResponse("DC Inside comments answer is not an object")
    if "comments" not in payload and "total_cnt" not in payload:
        raise BadResponse(f"no comments in the answer: {str(payload)[:80]}")
    comments: list[DcinsideComment] = []
    for raw in as_list(payload.get("comments")):
        if not isinstance(raw, dict):
            continue
        number = str_id(raw.get("no")) or ""
        depth = int_or(raw.get("depth"), 0) or 0
        parent = None
        candidates = (raw.get("c_no"), raw.get("parent")) if depth > 0 else (raw.get("parent"),)
        for value in candidates:
            value = str_id(value)
            if value and value not in ("0", number, article_number):
                parent = value
                break
        memo = raw.get("memo") if isinstance(raw.get("memo"), str) else ""
        comments.append(
            DcinsideComment(
                number=number,
                parent=parent,
                text=html_to_text(memo),
                author=first_text(raw.get("name")),
                author_id=first_text(raw.get("user_id")),
                author_ip=first_text(raw.get("ip")),
                published_at=parse_dcinside_time(raw.get("reg_date"), anchor),
                deleted=str(raw.get("is_delete") or "0") not in ("0", "")
                or str(raw.get("del_yn") or "N") == "Y",
                ad=number in ("", "0") or raw.get("nicktype") == "COMMENT_BOY",
                dccon="written_dccon" in memo,
            )
        )
    return DcinsideCommentPage(total=int_or(payload.get("total_cnt")), comments=comments)
