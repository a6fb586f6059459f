"""PTT (www.ptt.cc): board index rows, articles and their pushes (comments), and the over-18 gate."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin

import lxml.html
from parsel import Selector

from crawler.parsing import (
    TAIPEI,
    as_text,
    clean_text,
    first_text,
    from_unix,
    node_text,
    parse_count,
    to_utc_or_none,
)
from store.timeutil import as_utc


@dataclass
class PttIndexRow:
    """One ``div.r-ent`` row of a board index (or search) page."""

    title: str
    url: str | None
    article_id: str | None
    author: str | None
    date: str | None  # "M/DD" as shown; the year is in the article id
    score: int  # the nrec column: 0 when empty, 100 for "爆", negative for "X1".."XX"
    deleted: bool = False
    pinned: bool = False  # below div.r-list-sep: board rules and notices shown on the newest page


@dataclass
class PttArticle:
    article_id: str | None
    url: str
    board: str | None
    title: str | None
    author: str | None  # the user id, without the "(nickname)"
    author_nickname: str | None
    published_at: datetime | None
    text: str  # body without metalines, pushes, signature and the "※ 發信站" footer


@dataclass
class PttPush:
    """One ``div.push`` comment; ``n`` counts from 1 in page order."""

    n: int
    tag: str  # 推 | 噓 | →
    userid: str | None
    content: str
    ip: str | None
    raw_time: str
    published_at: datetime | None


_PTT_ID = re.compile(r"M\.(\d{9,11})\.A\.([0-9A-Fa-f]{1,4})")


def ptt_article_id(url_or_id: str) -> str | None:
    """The ``M.<unix>.A.<hex>`` id inside a PTT article URL (or the id itself)."""
    match = _PTT_ID.search(url_or_id or "")
    return match.group(0) if match else None


def ptt_article_time(url_or_id: str) -> datetime | None:
    """Creation time encoded in a PTT article id: ``M.1428359140.A.34B`` → 2015-04-06 22:25:40 UTC."""
    match = _PTT_ID.search(url_or_id or "")
    return from_unix(int(match.group(1))) if match else None


_PTT_PUSH_TIME = re.compile(r"(\d{1,2})/(\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?\s*$")
_IPV4 = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")


def parse_ptt_push_time(text: str, article_time: datetime | str) -> datetime | None:
    """A push's " [IP] MM/DD HH:MM" (Taipei time, no year) → aware UTC, or None when unreadable.

    The year comes from the article (its creation time, e.g. from the id). A push cannot be older than its
    article, so a date that would fall before it belongs to the next year: a December article's "01/02" push
    was written in January of the following year.

    >>> parse_ptt_push_time(" 1.2.3.4 01/02 08:00", "M.1703980800.A.000").isoformat()  # article 2023-12-31
    '2024-01-02T00:00:00+00:00'
    """
    if isinstance(article_time, str):
        found = ptt_article_time(article_time)
        if found is None:
            raise ValueError(f"not a PTT article id: {article_time!r}")
        article_time = found
    match = _PTT_PUSH_TIME.search(text or "")
    if not match:
        return None
    month, day = int(match.group(1)), int(match.group(2))
    hour, minute = int(match.group(3) or 0), int(match.group(4) or 0)
    local = as_utc(article_time).astimezone(TAIPEI)
    for year in (local.year, local.year + 1):
        try:
            candidate = datetime(year, month, day, hour, minute, tzinfo=TAIPEI)
        except ValueError:  # 02/29 in a non-leap year, 13/40 in a broken page
            continue
        # One day of slack: article clocks and push clocks are not the same machine.
        if candidate >= local - timedelta(days=1) or year > local.year:
            return candidate.astimezone(UTC)
    return None


def is_ptt_over18_page(body: str | bytes) -> bool:
    """True for PTT's adult-board gate (``div.over18-notice`` / the ``/ask/over18`` form)."""
    sel = Selector(text=as_text(body))
    return bool(sel.css("div.over18-notice") or sel.css('form[action$="/ask/over18"]'))


def parse_ptt_index(body: str | bytes, base_url: str) -> tuple[list[PttIndexRow], str | None]:
    """A board index page → (rows in page order, absolute URL of the older page via "‹ 上頁", or None)."""
    sel = Selector(text=as_text(body))
    rows: list[PttIndexRow] = []
    container = sel.css("div.r-list-container")
    entries = container.xpath("./div") if container else sel.css("div.r-ent, div.r-list-sep")
    pinned = False
    for entry in entries:
        classes = (entry.attrib.get("class") or "").split()
        if "r-list-sep" in classes:
            pinned = True  # everything after the separator is a pinned notice
            continue
        if "r-ent" not in classes:
            continue
        link = entry.css("div.title a")
        href = link.attrib.get("href") if link else None
        title = clean_text(entry.css("div.title").xpath("string(.)").get(), strip_html=False)
        score_text = clean_text(entry.css("div.nrec").xpath("string(.)").get())
        author = clean_text(entry.css("div.author::text").get())
        url = urljoin(base_url, href) if href else None
        rows.append(
            PttIndexRow(
                title=title,
                url=url,
                article_id=ptt_article_id(href or ""),
                author=author if author and author != "-" else None,
                date=clean_text(entry.css("div.date::text").get()) or None,
                score=parse_count(score_text) or 0,
                deleted=href is None or "刪除" in title,
                pinned=pinned,
            )
        )
    prev_url = None
    for anchor in sel.css("div.btn-group a.btn"):
        if "上頁" in node_text(anchor) and anchor.attrib.get("href"):
            prev_url = urljoin(base_url, anchor.attrib["href"])
            break
    return rows, prev_url


_PTT_FOOTER = ("※ 發信站", "※ 文章網址")


def _ptt_body(main: lxml.html.HtmlElement) -> str:
    main = copy.deepcopy(main)
    for el in main.xpath(
        './/div[contains(@class, "article-metaline")]'
        ' | .//div[contains(concat(" ", normalize-space(@class), " "), " push ")]'
        ' | .//div[contains(@class, "richcontent")]'
        ' | .//div[@id="article-polling"]'
    ):
        el.drop_tree()  # keeps the element's tail: the body text starts in the last metaline's tail
    lines = main.text_content().replace("\r\n", "\n").split("\n")
    footer = next((i for i, line in enumerate(lines) if line.strip().startswith(_PTT_FOOTER)), None)
    if footer is not None:
        # "--" opens the signature and closes it again before the footer: cut at the signature's start.
        seps = [i for i, line in enumerate(lines[:footer]) if line.strip() == "--"]
        end = seps[-2] if len(seps) >= 2 else seps[-1] if seps else footer
        lines = lines[:end]
    return clean_text("\n".join(lines), strip_html=False)


def parse_ptt_article(body: str | bytes, url: str) -> tuple[PttArticle, list[PttPush]]:
    """An article page → (the article, its pushes in page order).

    Push times have no year: it is taken from the article id's unix time (or the metaline time), with the
    new-year wrap handled by ``parse_ptt_push_time``.
    """
    text = as_text(body)
    sel = Selector(text=text)
    meta: dict[str, str] = {}
    for line in sel.css("div.article-metaline, div.article-metaline-right"):
        tag = clean_text(line.css("span.article-meta-tag::text").get())
        value = line.css("span.article-meta-value::text").get()
        if tag and value is not None:
            meta[tag] = value.strip()
    page_url = first_text(
        sel.css('meta[property="og:url"]::attr(content)').get(),
        sel.css('a[href*="/bbs/"][href$=".html"]::attr(href)').re_first(r".*M\.\d+\.A\.\w+\.html"),
    )
    article_id = ptt_article_id(url) or ptt_article_id(page_url or "")
    meta_time = meta.get("時間")
    published_at = to_utc_or_none(meta_time) if meta_time else None
    id_time = ptt_article_time(article_id) if article_id else None
    raw_author = meta.get("作者", "")
    author_match = re.match(r"^\s*([^\s(]+)\s*(?:\((.*)\))?\s*$", raw_author)
    title = first_text(meta.get("標題"), sel.css('meta[property="og:title"]::attr(content)').get())
    board = first_text(meta.get("看板"), (re.search(r"/bbs/([^/]+)/", url) or [None, None])[1])
    root = lxml.html.document_fromstring(text or "<html></html>")
    mains = root.xpath('//div[@id="main-content"]')
    article = PttArticle(
        article_id=article_id,
        url=url,
        board=board,
        title=clean_text(title, strip_html=False) if title else None,
        author=author_match.group(1) if author_match else None,
        author_nickname=(clean_text(author_match.group(2)) or None) if author_match else None,
        published_at=published_at or id_time,
        text=_ptt_body(mains[0]) if mains else "",
    )
    anchor_time = id_time or published_at
    pushes: list[PttPush] = []
    for n, push in enumerate(sel.css("div.push"), start=1):
        raw_time = push.css("span.push-ipdatetime").xpath("string(.)").get() or ""
        ip = _IPV4.search(raw_time)
        userid = (push.css("span.push-userid").xpath("string(.)").get() or "").strip()
        pushes.append(
            PttPush(
                n=n,
                tag=(push.css("span.push-tag").xpath("string(.)").get() or "").strip(),
                userid=userid or None,
                content=clean_text(push.css("span.push-content").xpath("string(.)").get(), strip_html=False),
                ip=ip.group(0) if ip else None,
                raw_time=raw_time.strip(),
                published_at=parse_ptt_push_time(raw_time, anchor_time) if anchor_time else None,
            )
        )
    return article, pushes
