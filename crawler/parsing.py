"""Pure parsing helpers: dates → aware UTC, counts → ints, text clean-up, and per-source page parsers.

Nothing here does I/O or knows about Scrapy: every function takes text (or bytes) and returns plain values or
the small dataclasses below, so the same code is tested on hand-made and on real recorded responses.
"""

from __future__ import annotations

import copy
import hashlib
import html as html_lib
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import lxml.html
from parsel import Selector

TAIPEI = ZoneInfo("Asia/Taipei")
SEOUL = ZoneInfo("Asia/Seoul")
HO_CHI_MINH = ZoneInfo("Asia/Ho_Chi_Minh")


class BadResponse(ValueError):
    """A response body that is not what the source promises (error code, HTML instead of JSON, ...)."""


# ----------------------------------------------------------------------------------------------------
# Dates
# ----------------------------------------------------------------------------------------------------


def _zone(tz: tzinfo | str | None) -> tzinfo:
    if tz is None:
        return UTC
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def _aware(value: datetime, tz: tzinfo | str | None = None) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=_zone(tz))
    return value.astimezone(UTC)


def from_unix(seconds: int | float | str) -> datetime:
    """Unix time (seconds, or milliseconds when it is that large) → aware UTC.

    >>> from_unix(1428359140).isoformat()
    '2015-04-06T22:25:40+00:00'
    """
    value = float(seconds)
    if abs(value) > 1e11:  # milliseconds: a seconds value this large would be beyond year 5000
        value /= 1000.0
    return datetime.fromtimestamp(value, tz=UTC)


def parse_iso(text: str, default_tz: tzinfo | str | None = None) -> datetime:
    """ISO 8601 in the forms sources use ("…Z", "…+0900", "… 23:17:13", a bare date) → aware UTC.

    Naive values are taken in ``default_tz`` (UTC when not given).
    """
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    return _aware(datetime.fromisoformat(value), default_tz)


_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_PTT_TIME = re.compile(
    r"^(?:[A-Za-z]{3}\s+)?([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s+(\d{4})$"
)


def parse_ptt_time(text: str) -> datetime:
    """PTT's article time ("Sun Mar  3 12:00:00 2024", Taipei local time, C-locale names) → aware UTC.

    >>> parse_ptt_time("Tue Apr  7 06:25:38 2015").isoformat()
    '2015-04-06T22:25:38+00:00'
    """
    match = _PTT_TIME.match(text.strip())
    if not match or match.group(1).lower() not in _MONTHS:
        raise ValueError(f"not a PTT article time: {text!r}")
    month = _MONTHS[match.group(1).lower()]
    day, hour, minute = int(match.group(2)), int(match.group(3)), int(match.group(4))
    second, year = int(match.group(5) or 0), int(match.group(6))
    return datetime(year, month, day, hour, minute, second, tzinfo=TAIPEI).astimezone(UTC)


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
    local = _aware(article_time).astimezone(TAIPEI)
    for year in (local.year, local.year + 1):
        try:
            candidate = datetime(year, month, day, hour, minute, tzinfo=TAIPEI)
        except ValueError:  # 02/29 in a non-leap year, 13/40 in a broken page
            continue
        # One day of slack: article clocks and push clocks are not the same machine.
        if candidate >= local - timedelta(days=1) or year > local.year:
            return candidate.astimezone(UTC)
    return None


# Relative, localised times: number + unit + "ago" in en / vi / ko / zh.
_UNIT_SECONDS = {
    "second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 7 * 86400,
    "month": 30 * 86400, "year": 365 * 86400,
}
_UNIT_WORDS: dict[str, str] = {}
for _unit, _words in {
    "second": "s sec secs second seconds giây 초 秒 秒鐘 秒钟",
    "minute": "m min mins minute minutes phút 분 分 分鐘 分钟",
    "hour": "h hr hrs hour hours giờ tiếng 시간 小時 小时 時 个小时 個小時",
    "day": "d day days ngày 일 天 日",
    "week": "w wk wks week weeks tuần 주 주일 週 周 星期 個星期 个星期",
    "month": "mo mos month months tháng 개월 달 個月 个月 月",
    "year": "y yr yrs year years năm 년 年",
}.items():
    for _word in _words.split():
        _UNIT_WORDS[_word] = _unit
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "một": 1, "한": 1, "一": 1, "兩": 2, "两": 2, "二": 2, "三": 3,
                 "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "半": 0.5}
_UNIT_ALTERNATION = "|".join(sorted(map(re.escape, _UNIT_WORDS), key=len, reverse=True))
_RELATIVE = re.compile(
    rf"^(?P<n>\d+(?:[.,]\d+)?|an?|one|một|한|[一兩两二三四五六七八九十半])\s*(?P<unit>{_UNIT_ALTERNATION})\s*"
    r"(?:ago|trước|전|前|以前)$"
)
_DAY_WORDS = {
    "just now": 0, "now": 0, "moments ago": 0, "a moment ago": 0, "vừa xong": 0, "vừa mới": 0, "vừa nãy": 0,
    "방금": 0, "방금 전": 0, "剛剛": 0, "刚刚": 0, "剛才": 0, "刚才": 0,
    "today": 0, "hôm nay": 0, "오늘": 0, "今天": 0,
    "yesterday": 1, "hôm qua": 1, "어제": 1, "昨天": 1, "昨日": 1,
    "hôm kia": 2, "그제": 2, "그저께": 2, "前天": 2,
}


def parse_relative(text: str, now: datetime | None = None) -> datetime | None:
    """A relative, localised time ("2 giờ trước", "3일 전", "5 minutes ago", "昨天", "7h trước") → aware UTC.

    Months count as 30 days and years as 365. "Yesterday" and friends mean exactly one day before ``now``
    (the source gives no clock time). Returns None when ``text`` is not a relative time.

    >>> now = datetime(2024, 5, 12, 12, 0, tzinfo=UTC)
    >>> parse_relative("3일 전", now).isoformat()
    '2024-05-09T12:00:00+00:00'
    """
    now = _aware(now) if now is not None else datetime.now(UTC)
    value = unicodedata.normalize("NFC", text).strip().lower()
    value = re.sub(r"\s+", " ", value)
    if value in _DAY_WORDS:
        return now - timedelta(days=_DAY_WORDS[value])
    match = _RELATIVE.match(value)
    if not match:
        return None
    raw = match.group("n")
    amount = _NUMBER_WORDS[raw] if raw in _NUMBER_WORDS else float(raw.replace(",", "."))
    return now - timedelta(seconds=amount * _UNIT_SECONDS[_UNIT_WORDS[match.group("unit")]])


_DOTTED_DATE = re.compile(r"(\d{4})[./-](\d{1,2})[./-](\d{1,2})\.?(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def to_utc(
    value: datetime | str | int | float | None,
    *,
    tz: tzinfo | str | None = None,
    now: datetime | None = None,
) -> datetime | None:
    """Any time a source gives → aware UTC datetime (None for None or an empty string).

    Accepts aware or naive datetimes (naive ones are in ``tz``, UTC by default), unix seconds (int, float or
    digit strings), ISO 8601, RFC 2822 ("Sun, 12 May 2024 23:17:13 +0900"), PTT article times (always Taipei),
    compact dates ("20240512"), and relative localised times ("2 giờ trước", "3일 전", "昨天"), which are
    relative to ``now``. Raises ``ValueError`` for anything else.

    >>> to_utc("2024-05-12T23:17:13+0900").isoformat()
    '2024-05-12T14:17:13+00:00'
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return _aware(value, tz)
    if isinstance(value, bool):
        raise ValueError(f"not a time: {value!r}")
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"not a time: {value!r}")
        return from_unix(value)
    text = value.strip()
    if re.fullmatch(r"\d{8}", text):  # Naver blog postdate: YYYYMMDD
        return _aware(datetime.strptime(text, "%Y%m%d"), tz)
    if re.fullmatch(r"\d{9,13}(?:\.\d+)?", text):
        return from_unix(text)
    relative = parse_relative(text, now)
    if relative is not None:
        return relative
    if _PTT_TIME.match(text):
        return parse_ptt_time(text)
    try:
        return parse_iso(text, tz)
    except ValueError:
        pass
    try:
        return _aware(parsedate_to_datetime(text), tz)
    except (TypeError, ValueError, IndexError):
        pass
    match = _DOTTED_DATE.fullmatch(text)
    if match:
        parts = [int(p) if p else 0 for p in match.groups()]
        return _aware(datetime(*parts), tz)  # type: ignore[arg-type]
    raise ValueError(f"unrecognised time: {text!r}")


def _safe_time(value: Any, **kwargs: Any) -> datetime | None:
    """``to_utc`` for parsers: a missing or broken time is None rather than a lost record."""
    try:
        return to_utc(value, **kwargs)
    except (ValueError, OverflowError, OSError):
        return None


# ----------------------------------------------------------------------------------------------------
# Counts
# ----------------------------------------------------------------------------------------------------

_COUNT_UNITS = {
    "k": 1_000, "m": 1_000_000, "b": 1_000_000_000,
    "千": 1_000, "천": 1_000, "萬": 10_000, "万": 10_000, "만": 10_000,
    "億": 100_000_000, "亿": 100_000_000, "억": 100_000_000,
    "nghìn": 1_000, "ngàn": 1_000, "tr": 1_000_000, "triệu": 1_000_000, "tỷ": 1_000_000_000,
}
_COUNT = re.compile(
    r"^(?P<sign>[-+−])?(?P<num>\d[\d.,]*)\s*(?P<unit>"
    + "|".join(sorted(map(re.escape, _COUNT_UNITS), key=len, reverse=True))
    + r")?\+?$",
    re.IGNORECASE,
)


def parse_count(value: str | int | float | None) -> int | None:
    """A displayed count → int, or None when there is no number.

    Handles "1,234", "1.2K", "3M", "1.2만", "3萬", "2천", Vietnamese "1.234" (dot thousands), "1,2K",
    and PTT's recommend score: "爆" → 100, "X1".."X9" → -10..-90, "XX" → -100.

    >>> [parse_count(v) for v in ("1.2K", "爆", "X1", "1,234", "1.2만", "3萬", "")]
    [1200, 100, -10, 1234, 12000, 30000, None]
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return round(value) if math.isfinite(value) else None
    text = unicodedata.normalize("NFKC", value).strip().replace(" ", "")
    if not text:
        return None
    if text == "爆":
        return 100
    ptt_negative = re.fullmatch(r"[Xx]([1-9X])", text)
    if ptt_negative:
        digit = ptt_negative.group(1)
        return -100 if digit == "X" else -10 * int(digit)
    match = _COUNT.match(text)
    if not match:
        return None
    number, unit = match.group("num"), (match.group("unit") or "").lower()
    if unit:
        # With a unit a comma is a decimal mark in "1,2K"; otherwise a thousands separator.
        number = number.replace(",", ".") if re.fullmatch(r"\d+,\d{1,2}", number) else number.replace(",", "")
    else:
        number = number.replace(",", "")
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", number):  # "1.234" / "12.345.678": dots as thousands
            number = number.replace(".", "")
    try:
        amount = float(number)
    except ValueError:
        return None
    result = round(amount * _COUNT_UNITS.get(unit, 1))
    return -result if match.group("sign") in ("-", "−") else result


# ----------------------------------------------------------------------------------------------------
# Text
# ----------------------------------------------------------------------------------------------------

_BREAK_TAGS = re.compile(r"<\s*(?:br\s*/?|/p|/div|/li)\s*>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")  # a real tag starts with a letter, so "<3" and "a < b" survive
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b\ufeff]")
_HSPACE = re.compile(r"[^\S\n]+")


def clean_text(text: str | None, *, strip_html: bool = True) -> str:
    """Tidy one text item: drop HTML tags (Naver's ``<b>``, VnExpress's reply-name spans, ``<br>`` →
    newline) and entities, NFC-normalise, collapse spaces within lines but keep line breaks (at most one blank
    line in a row), and drop PTT's ": " push prefix.

    >>> clean_text(": <b>Glow</b>  Lab&nbsp;rocks <br/>  second   line")
    'Glow Lab rocks\\nsecond line'
    """
    if not text:
        return ""
    value = text
    if strip_html:
        value = _TAG.sub("", _BREAK_TAGS.sub("\n", value))
        value = html_lib.unescape(value)
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    value = _CONTROL.sub("", value)
    lines = [_HSPACE.sub(" ", line).strip() for line in value.split("\n")]
    value = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return re.sub(r"^:(?:\s+|$)", "", value)


def html_to_text(fragment: str | None) -> str:
    """Rendered text of an HTML fragment: source line breaks are just spaces, ``<br>`` and block ends are
    line breaks (unlike ``clean_text``, which keeps the newlines a plain-text source typed).

    >>> html_to_text("<p>Glow\\n   Lab</p><p>is <b>good</b></p>")
    'Glow Lab\\nis good'
    """
    if not fragment:
        return ""
    fragment = re.sub(r"<(script|style)\b.*?</\1\s*>", "", fragment, flags=re.DOTALL | re.IGNORECASE)
    fragment = re.sub(r"\s+", " ", fragment)
    return clean_text(fragment)


def _as_text(body: str | bytes) -> str:
    return body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body


def _first(*values: str | None) -> str | None:
    for value in values:
        if value and value.strip():
            return value.strip()
    return None


# ----------------------------------------------------------------------------------------------------
# PTT
# ----------------------------------------------------------------------------------------------------


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


def is_ptt_over18_page(body: str | bytes) -> bool:
    """True for PTT's adult-board gate (``div.over18-notice`` / the ``/ask/over18`` form)."""
    sel = Selector(text=_as_text(body))
    return bool(sel.css("div.over18-notice") or sel.css('form[action$="/ask/over18"]'))


def _node_text(sel: Selector) -> str:
    return sel.xpath("string(.)").get() or ""


def parse_ptt_index(body: str | bytes, base_url: str) -> tuple[list[PttIndexRow], str | None]:
    """A board index page → (rows in page order, absolute URL of the older page via "‹ 上頁", or None)."""
    sel = Selector(text=_as_text(body))
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
        rows.append(PttIndexRow(
            title=title,
            url=url,
            article_id=ptt_article_id(href or ""),
            author=author if author and author != "-" else None,
            date=clean_text(entry.css("div.date::text").get()) or None,
            score=parse_count(score_text) or 0,
            deleted=href is None or "刪除" in title,
            pinned=pinned,
        ))
    prev_url = None
    for anchor in sel.css("div.btn-group a.btn"):
        if "上頁" in _node_text(anchor) and anchor.attrib.get("href"):
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
    text = _as_text(body)
    sel = Selector(text=text)
    meta: dict[str, str] = {}
    for line in sel.css("div.article-metaline, div.article-metaline-right"):
        tag = clean_text(line.css("span.article-meta-tag::text").get())
        value = line.css("span.article-meta-value::text").get()
        if tag and value is not None:
            meta[tag] = value.strip()
    page_url = _first(sel.css('meta[property="og:url"]::attr(content)').get(),
                      sel.css('a[href*="/bbs/"][href$=".html"]::attr(href)').re_first(r".*M\.\d+\.A\.\w+\.html"))
    article_id = ptt_article_id(url) or ptt_article_id(page_url or "")
    meta_time = meta.get("時間")
    published_at = _safe_time(meta_time) if meta_time else None
    id_time = ptt_article_time(article_id) if article_id else None
    raw_author = meta.get("作者", "")
    author_match = re.match(r"^\s*([^\s(]+)\s*(?:\((.*)\))?\s*$", raw_author)
    title = _first(meta.get("標題"), sel.css('meta[property="og:title"]::attr(content)').get())
    board = _first(meta.get("看板"), (re.search(r"/bbs/([^/]+)/", url) or [None, None])[1])
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
        pushes.append(PttPush(
            n=n,
            tag=(push.css("span.push-tag").xpath("string(.)").get() or "").strip(),
            userid=userid or None,
            content=clean_text(push.css("span.push-content").xpath("string(.)").get(), strip_html=False),
            ip=ip.group(0) if ip else None,
            raw_time=raw_time.strip(),
            published_at=parse_ptt_push_time(raw_time, anchor_time) if anchor_time else None,
        ))
    return article, pushes


# ----------------------------------------------------------------------------------------------------
# VnExpress
# ----------------------------------------------------------------------------------------------------

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
    sel = Selector(text=_as_text(body))
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
    sel = Selector(text=_as_text(body))

    def meta(name: str) -> str | None:
        return sel.css(f'meta[name="{name}"]::attr(content), meta[property="{name}"]::attr(content)').get()

    url_match = _VNE_ID.search(url)
    og_match = _VNE_ID.search(meta("og:url") or "")
    article_id = _first(url_match.group(1) if url_match else None, meta("tt_article_id"), meta("its_id"),
                        og_match.group(1) if og_match else None)
    published_at = None
    for raw in (meta("its_publication"), meta("article:published_time"),
                sel.css('meta[itemprop="datePublished"]::attr(content)').get(), meta("pubdate")):
        published_at = _safe_time(raw, tz=HO_CHI_MINH) if raw else None
        if published_at:
            break
    title = _first(html_to_text(sel.css("h1.title-detail").get()), meta("og:title"), meta("its_title"))
    # The location stamp ("Hà Giang") is a span glued to the first word: leave it out.
    description = _first(html_to_text(re.sub(r'<span class="location-stamp">.*?</span>', "",
                                             sel.css("p.description").get() or "")),
                         meta("og:description"), meta("description"))
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


def _int_or(value: Any, default: int | None = None) -> int | None:
    parsed = parse_count(value if isinstance(value, int | float | str) else None)
    return default if parsed is None else parsed


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
        published_at=_safe_time(created) if created not in (None, "", 0) else _safe_time(raw.get("time")),
        likes=_int_or(raw.get("userlike")),
        reply_total=_int_or(replys.get("total"), 0) or 0,
        reactions={k: v for k in ("t_r_1", "t_r_2", "t_r_3", "t_r_4")
                   if (v := _int_or(raw.get(k))) is not None},
        replies=[_vnexpress_comment(r) for r in replys.get("items") or [] if isinstance(r, dict)],
    )


def parse_vnexpress_comments(body: str | bytes) -> VnexpressCommentPage:
    """A comments (``index/get``) or replies (``index/getreplay``) JSON body → typed page.

    Raises ``BadResponse`` for a non-JSON body or ``error != 0``.
    """
    try:
        payload = json.loads(_as_text(body))
    except ValueError as exc:
        raise BadResponse(f"not JSON: {_as_text(body)[:80]!r}") from exc
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
        total=_int_or(data.get("total")),
        total_items=_int_or(data.get("totalitem")),
        offset=_int_or(data.get("offset"), 0) or 0,
        comments=[_vnexpress_comment(item) for item in items if isinstance(item, dict)],
    )


# ----------------------------------------------------------------------------------------------------
# Naver news
# ----------------------------------------------------------------------------------------------------


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
    text = _as_text(body).strip().lstrip("\ufeff")
    if text.startswith(("{", "[")):
        return text
    match = re.match(r"^(?:/\*.*?\*/\s*)?[\w$.]+\s*\((.*)\)\s*;?\s*$", text, re.DOTALL)
    if not match:
        raise BadResponse(f"not JSONP: {text[:80]!r}")
    return match.group(1)


def parse_naver_article(body: str | bytes, url: str, oid: str, aid: str) -> NaverArticle:
    """A news article page (n.news.naver.com) → title (``h2#title_area`` / og:title), body text, time."""
    sel = Selector(text=_as_text(body))
    title = _first(html_to_text(sel.css("h2#title_area").get()),
                   sel.css('meta[property="og:title"]::attr(content)').get())
    published_at = None
    for raw in (
        sel.css("span._ARTICLE_DATE_TIME::attr(data-date-time)").get(),
        sel.css("[data-date-time]::attr(data-date-time)").get(),
        sel.css('meta[property="article:published_time"]::attr(content)').get(),
    ):
        published_at = _safe_time(raw, tz=SEOUL) if raw else None
        if published_at:
            break
    area = sel.css("#dic_area, #newsct_article, #articleBodyContents")
    return NaverArticle(oid=oid, aid=aid, url=url, title=html_to_text(title) or None,
                        text=html_to_text(area[0].get()) if area else "", published_at=published_at)


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
    page = _int_or(model.get("page") or model.get("current"), 1) or 1
    total_pages = _int_or(model.get("totalPages") or model.get("lastPage"), page) or page
    count = result.get("count") if isinstance(result.get("count"), dict) else {}
    total = _int_or(count.get("comment"), None)
    if total is None:
        total = _int_or(model.get("totalRows"), None)
    comments: list[NaverComment] = []
    for raw in result.get("commentList") or []:
        if not isinstance(raw, dict):
            continue
        number = str(raw.get("commentNo") or "").strip()
        parent = str(raw.get("parentCommentNo") or "").strip()
        comments.append(NaverComment(
            comment_no=number,
            parent_comment_no=parent if parent and parent != number else None,
            text=clean_text(raw.get("contents") if isinstance(raw.get("contents"), str) else ""),
            author=_first(raw.get("userName"), raw.get("maskedUserId")),
            published_at=_safe_time(raw.get("regTime"), tz=SEOUL),
            likes=_int_or(raw.get("sympathyCount")),
            dislikes=_int_or(raw.get("antipathyCount")),
            replies=_int_or(raw.get("replyCount")),
            deleted=bool(raw.get("deleted")),
        ))
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


# ----------------------------------------------------------------------------------------------------
# Shared by the API sources
# ----------------------------------------------------------------------------------------------------


def load_json(body: str | bytes) -> Any:
    """A JSON body → value. An HTML error page, an empty body or a truncated answer → ``BadResponse``."""
    text = _as_text(body).strip().lstrip("\ufeff")
    try:
        return json.loads(text)
    except ValueError as exc:
        raise BadResponse(f"not JSON: {text[:80]!r}") from exc


def _str_id(value: Any) -> str | None:
    """Ids come as JSON numbers (Mastodon 1.x, HN ``story_id``) or strings: always compare them as text."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _count(value: Any) -> int | None:
    """A count from JSON (int, or digits as text as YouTube sends them); None when absent or hidden."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    return parse_count(value)


def parse_link_header(value: str | bytes | None) -> dict[str, str]:
    """An HTTP ``Link`` header → {rel: url} (Mastodon pages its timelines with it).

    >>> parse_link_header('<https://m.example/api/v1/timelines/tag/x?max_id=9>; rel="next", <https://m.example/a>; rel="prev"')
    {'next': 'https://m.example/api/v1/timelines/tag/x?max_id=9', 'prev': 'https://m.example/a'}
    """  # noqa: E501
    text = _as_text(value or "")
    links: dict[str, str] = {}
    for url, params in re.findall(r"<([^>]*)>\s*((?:;\s*[^,;<]+)*)", text):
        rel = re.search(r"""rel\s*=\s*"?([^";,]+)"?""", params)
        if rel:
            for name in rel.group(1).split():
                links.setdefault(name.lower(), url.strip())
    return links


_LOCAL_YMD = re.compile(r"(\d{4})\s*(?:년|年|[./-])\s*(\d{1,2})\s*(?:월|月|[./-])\s*(\d{1,2})\s*(?:일|日)?")
_LOCAL_DMY = re.compile(r"(?<!\d)(\d{1,2})\s*(?:[./-]|\s+(?:thg|tháng)\s+)(\d{1,2})"
                        r"(?:\s*,\s*|\s*[./-]\s*|\s+năm\s+)(\d{4})")
_LOCAL_MONTH_NAME = re.compile(r"(?:([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})"
                               r"|(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4}))")
_LOCAL_CLOCK = re.compile(r"(\d{1,2})\s*(?::|시|時|点|點|h(?=\d))\s*(\d{1,2})?\s*(?:분|分)?(?::(\d{2}))?")
_PM_WORDS = re.compile(r"오후|下午|晚上|\bpm\b|\bp\.m\.|\bchiều\b|\btối\b|\bch\b", re.IGNORECASE)
_AM_WORDS = re.compile(r"오전|上午|早上|凌晨|\bam\b|\ba\.m\.|\bsáng\b|\bsa\b", re.IGNORECASE)


def parse_local_date(
    text: str | None,
    *,
    date_format: str | None = None,
    tz: tzinfo | str | None = None,
    now: datetime | None = None,
) -> datetime | None:
    """A date as pages show it → aware UTC, or None when unreadable.

    With ``date_format`` (``strptime`` codes) only that format is tried. Otherwise everything ``to_utc`` reads
    (ISO, RFC 2822, unix, relative "3일 전" / "2 giờ trước" / "昨天"), then localised absolute dates:
    "2024년 5월 12일 오후 3:20", "2024. 5. 12. 15:20", "2024年5月12日 下午3:20",
    "12/05/2024 15:20" (day first), "12 thg 5, 2024", "May 12, 2024 3:20 PM", "12 May 2024".
    Naive values are in ``tz`` (UTC by default).

    >>> parse_local_date("2024년 5월 12일 오후 3:20", tz="Asia/Seoul").isoformat()
    '2024-05-12T06:20:00+00:00'
    """
    if not text or not text.strip():
        return None
    if date_format:
        try:
            return _aware(datetime.strptime(text.strip(), date_format), tz)
        except ValueError:
            return None
    # email.utils reads "May 2, 2024 7:05 PM" as 07:05: with a 12-hour clock, only the patterns below.
    if not (_PM_WORDS.search(text) or _AM_WORDS.search(text)):
        found = _safe_time(text, tz=tz, now=now)
        if found is not None:
            return found
    value = unicodedata.normalize("NFKC", text).strip()
    # "(GMT+7)" as VnExpress writes it: an offset in the text beats the site's default zone.
    offset = re.search(r"\(?(?:GMT|UTC)\s*([+-])(\d{1,2})(?::?(\d{2}))?\)?", value)
    if offset:
        sign = -1 if offset.group(1) == "-" else 1
        tz = timezone(sign * timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3) or 0)))
        value = f"{value[:offset.start()]} {value[offset.end():]}"
    year = month = day = None
    rest = before = ""
    for pattern in (_LOCAL_YMD, _LOCAL_DMY, _LOCAL_MONTH_NAME):
        match = pattern.search(value)
        if not match:
            continue
        groups = match.groups()
        if pattern is _LOCAL_YMD:
            year, month, day = int(groups[0]), int(groups[1]), int(groups[2])
        elif pattern is _LOCAL_DMY:
            day, month, year = int(groups[0]), int(groups[1]), int(groups[2])
        else:
            name, number, year_text = (groups[0], groups[1], groups[2]) if groups[0] else (
                groups[4], groups[3], groups[5])
            month = _MONTHS.get((name or "")[:3].lower())
            if month is None:
                continue
            day, year = int(number), int(year_text)
        before, rest = value[:match.start()], value[match.end():]
        break
    if year is None or month is None or day is None:
        return None
    hour = minute = second = 0
    clock = _LOCAL_CLOCK.search(rest) or _LOCAL_CLOCK.search(before)  # "오전 9:30 2024년 5월 12일" too
    if clock:
        hour, minute, second = int(clock.group(1)), int(clock.group(2) or 0), int(clock.group(3) or 0)
        if _PM_WORDS.search(value) and hour < 12:
            hour += 12
        elif _AM_WORDS.search(value) and hour == 12:
            hour = 0
    try:
        return _aware(datetime(year, month, day, hour, minute, second), tz)
    except ValueError:
        return None


# ----------------------------------------------------------------------------------------------------
# Naver Search API (blog, news, cafearticle)
# ----------------------------------------------------------------------------------------------------

NAVER_SEARCH_KINDS = ("blog", "news", "cafearticle")
_NAVER_NEWS_ARTICLE = re.compile(r"n\.news\.naver\.com/(?:mnews/)?article/(\d{3})/(\d{10})")


@dataclass
class NaverSearchResult:
    kind: str  # blog | news | cafearticle
    link: str
    title: str
    description: str
    original_link: str | None
    author: str | None  # bloggername / cafename; news results name no author
    author_link: str | None  # bloggerlink / cafeurl
    published_at: datetime | None
    date_only: bool  # blog postdate is a day (YYYYMMDD, Seoul), not a time

    @property
    def naver_article(self) -> str | None:
        """``oid/aid`` when the link is a Naver news article page (what ``naver_comments`` crawls)."""
        match = _NAVER_NEWS_ARTICLE.search(self.link)
        return f"{match.group(1)}/{match.group(2)}" if match else None


@dataclass
class NaverSearchPage:
    total: int
    start: int
    display: int
    items: list[NaverSearchResult]


def parse_naver_search(body: str | bytes, kind: str) -> NaverSearchPage:
    """A Search API answer (``{total, start, display, items[]}``) → typed page, ``<b>`` highlights stripped.

    Error answers (``{"errorMessage": ..., "errorCode": "024"}``) raise ``BadResponse`` naming the code.
    """
    payload = load_json(body)
    if not isinstance(payload, dict):
        raise BadResponse("Naver search answer is not an object")
    if "errorCode" in payload or "errorMessage" in payload:
        raise BadResponse(f"Naver API error {payload.get('errorCode')}: {payload.get('errorMessage') or ''}")
    if not isinstance(payload.get("items"), list):
        raise BadResponse("no items list")
    items: list[NaverSearchResult] = []
    for raw in payload["items"]:
        if not isinstance(raw, dict) or not raw.get("link"):
            continue
        postdate = raw.get("postdate")
        published = _safe_time(postdate, tz=SEOUL) if postdate else _safe_time(raw.get("pubDate"), tz=SEOUL)
        items.append(NaverSearchResult(
            kind=kind,
            link=str(raw["link"]).strip(),
            title=clean_text(raw.get("title")),
            description=clean_text(raw.get("description")),
            original_link=_first(raw.get("originallink")),
            author=_first(raw.get("bloggername"), raw.get("cafename")),
            author_link=_first(raw.get("bloggerlink"), raw.get("cafeurl")),
            published_at=published,
            date_only=bool(postdate),
        ))
    return NaverSearchPage(
        total=_int_or(payload.get("total"), 0) or 0,
        start=_int_or(payload.get("start"), 1) or 1,
        display=_int_or(payload.get("display"), len(items)) or len(items),
        items=items,
    )


# ----------------------------------------------------------------------------------------------------
# DC Inside
# ----------------------------------------------------------------------------------------------------

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
    sel = Selector(text=_as_text(body))
    rows: list[DcinsideRow] = []
    for tr in sel.css("tr.ub-content"):
        number_text = clean_text(_node_text(tr.css("td.gall_num")[0]) if tr.css("td.gall_num") else "")
        kind = tr.attrib.get("data-type", "")
        number = number_text if number_text.isdigit() and kind != "icon_notice" else None
        link = tr.css("td.gall_tit a:not(.reply_numbox)")
        href = link[0].attrib.get("href") if link else None
        writer = tr.css("td.gall_writer")
        attrs = writer[0].attrib if writer else {}
        date = tr.css("td.gall_date")
        raw_date = (date[0].attrib.get("title") or _node_text(date[0])) if date else ""
        rows.append(DcinsideRow(
            number=number,
            title=clean_text(_node_text(link[0])) if link else "",
            url=urljoin(base_url, href) if href and not href.startswith("javascript") else None,
            author=_first(attrs.get("data-nick")),
            author_id=_first(attrs.get("data-uid")),
            author_ip=_first(attrs.get("data-ip")),
            published_at=parse_local_date(raw_date, tz=SEOUL),
            views=_first_int(_node_text(tr.css("td.gall_count")[0]) if tr.css("td.gall_count") else None),
            recommends=_first_int(
                _node_text(tr.css("td.gall_recommend")[0]) if tr.css("td.gall_recommend") else None),
            replies=_first_int(_node_text(tr.css("span.reply_num")[0]) if tr.css("span.reply_num") else "0"),
        ))
    return rows


def parse_dcinside_article(body: str | bytes, url: str) -> DcinsideArticle:
    """An article (``board/view``) page → title, body, counts and the comment form's hidden values."""
    sel = Selector(text=_as_text(body))

    def hidden(name: str) -> str | None:
        return _first(sel.css(f'input#{name}::attr(value), input[name="{name}"]::attr(value)').get())

    def text_of(css: str) -> str | None:
        found = sel.css(css)
        return _node_text(found[0]) if found else None

    writer = sel.css("div.gall_writer, span.gall_writer")
    attrs = writer[0].attrib if writer else {}
    date = sel.css("span.gall_date")
    raw_date = (date[0].attrib.get("title") or _node_text(date[0])) if date else ""
    recommends = _first_int(text_of("p.up_num"))
    if recommends is None:
        recommends = _first_int(text_of("span.gall_reply_num"))
    return DcinsideArticle(
        gallery_id=_first(hidden("gallery_id"), _query_param(url, "id")),
        number=_first(hidden("no"), _query_param(url, "no")),
        url=url,
        title=clean_text(text_of("span.title_subject")) or None,
        text=html_to_text(sel.css("div.write_div").get()),
        author=_first(attrs.get("data-nick")),
        author_id=_first(attrs.get("data-uid")),
        author_ip=_first(attrs.get("data-ip")),
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
    local = _aware(anchor or datetime.now(UTC)).astimezone(SEOUL)
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
    for raw in _list(payload.get("comments")):
        if not isinstance(raw, dict):
            continue
        number = _str_id(raw.get("no")) or ""
        depth = _int_or(raw.get("depth"), 0) or 0
        parent = None
        candidates = (raw.get("c_no"), raw.get("parent")) if depth > 0 else (raw.get("parent"),)
        for value in candidates:
            value = _str_id(value)
            if value and value not in ("0", number, article_number):
                parent = value
                break
        memo = raw.get("memo") if isinstance(raw.get("memo"), str) else ""
        comments.append(DcinsideComment(
            number=number,
            parent=parent,
            text=html_to_text(memo),
            author=_first(raw.get("name")),
            author_id=_first(raw.get("user_id")),
            author_ip=_first(raw.get("ip")),
            published_at=parse_dcinside_time(raw.get("reg_date"), anchor),
            deleted=str(raw.get("is_delete") or "0") not in ("0", "") or str(raw.get("del_yn") or "N") == "Y",
            ad=number in ("", "0") or raw.get("nicktype") == "COMMENT_BOY",
            dccon="written_dccon" in memo,
        ))
    return DcinsideCommentPage(total=_int_or(payload.get("total_cnt")), comments=comments)


# ----------------------------------------------------------------------------------------------------
# YouTube Data API v3
# ----------------------------------------------------------------------------------------------------


class YoutubeApiError(BadResponse):
    """``{"error": {"code": 403, "errors": [{"reason": "commentsDisabled"}]}}``; ``reason`` says why."""

    def __init__(self, code: int | None, reason: str, message: str) -> None:
        super().__init__(f"YouTube API error {code} {reason}: {message}")
        self.code = code
        self.reason = reason


@dataclass
class YoutubeVideo:
    video_id: str
    channel_id: str | None
    channel_title: str | None
    title: str | None
    description: str
    published_at: datetime | None
    views: int | None  # absent when the owner hides them
    likes: int | None
    comments: int | None  # absent when comments are disabled
    lang: str | None


@dataclass
class YoutubeChannel:
    channel_id: str
    title: str | None
    subscribers: int | None  # None when hidden (hiddenSubscriberCount)
    uploads_playlist: str | None


@dataclass
class YoutubeComment:
    comment_id: str
    parent_id: str | None  # the thread's top-level comment, for a reply
    text: str
    author: str | None
    author_channel_id: str | None
    likes: int | None
    published_at: datetime | None


@dataclass
class YoutubeThread:
    comment: YoutubeComment
    reply_total: int
    replies: list[YoutubeComment]  # the few that come inline (``replies.comments``)


@dataclass
class YoutubeThreadPage:
    threads: list[YoutubeThread]
    next_token: str | None


def _youtube_payload(body: str | bytes) -> dict[str, Any]:
    payload = load_json(body)
    if not isinstance(payload, dict):
        raise BadResponse("YouTube answer is not an object")
    error = payload.get("error")
    if error is not None:
        error = _dict(error)
        first = _dict(_list(error.get("errors"))[0]) if _list(error.get("errors")) else {}
        reason = str(first.get("reason") or error.get("status") or "unknown")
        # A bad key says "badRequest" in errors[] and API_KEY_INVALID only in the newer details[].
        if any(_dict(d).get("reason") == "API_KEY_INVALID" for d in _list(error.get("details"))):
            reason = "keyInvalid"
        message = html_to_text(str(error.get("message") or first.get("message") or ""))
        raise YoutubeApiError(_int_or(error.get("code")), reason, message)
    if not isinstance(payload.get("items", []), list):
        raise BadResponse("items is not a list")
    return payload


_YOUTUBE_ID = re.compile(r"(?:v=|youtu\.be/|/shorts/|/embed/|/live/)([\w-]{11})")


def youtube_video_id(value: str) -> str | None:
    """A video id from an id or a watch / youtu.be / shorts URL."""
    value = (value or "").strip()
    if re.fullmatch(r"[\w-]{11}", value):
        return value
    match = _YOUTUBE_ID.search(value)
    return match.group(1) if match else None


def parse_youtube_videos(body: str | bytes) -> list[YoutubeVideo]:
    """``videos?part=snippet,statistics`` → one record per video (statistics come as digit strings)."""
    videos: list[YoutubeVideo] = []
    for raw in _youtube_payload(body).get("items") or []:
        snippet, stats = _dict(_dict(raw).get("snippet")), _dict(_dict(raw).get("statistics"))
        video_id = _str_id(_dict(raw).get("id"))
        if not video_id:
            continue
        videos.append(YoutubeVideo(
            video_id=video_id,
            channel_id=_first(snippet.get("channelId")),
            channel_title=_first(snippet.get("channelTitle")),
            title=clean_text(snippet.get("title"), strip_html=False) or None,
            description=clean_text(snippet.get("description"), strip_html=False),
            published_at=_safe_time(snippet.get("publishedAt")),
            views=_count(stats.get("viewCount")),
            likes=_count(stats.get("likeCount")),
            comments=_count(stats.get("commentCount")),
            lang=_first(snippet.get("defaultAudioLanguage"), snippet.get("defaultLanguage")),
        ))
    return videos


def parse_youtube_channels(body: str | bytes) -> dict[str, YoutubeChannel]:
    """``channels?part=statistics,contentDetails`` → {channel id: channel}."""
    channels: dict[str, YoutubeChannel] = {}
    for raw in _youtube_payload(body).get("items") or []:
        raw = _dict(raw)
        channel_id = _str_id(raw.get("id"))
        if not channel_id:
            continue
        stats = _dict(raw.get("statistics"))
        playlist = _dict(_dict(raw.get("contentDetails")).get("relatedPlaylists")).get("uploads")
        channels[channel_id] = YoutubeChannel(
            channel_id=channel_id,
            title=_first(_dict(raw.get("snippet")).get("title")),
            subscribers=None if stats.get("hiddenSubscriberCount") else _count(stats.get("subscriberCount")),
            uploads_playlist=playlist if isinstance(playlist, str) and playlist else None,
        )
    return channels


def parse_youtube_video_ids(body: str | bytes) -> tuple[list[str], str | None]:
    """Video ids of a ``playlistItems`` or ``search`` page, and its ``nextPageToken``."""
    payload = _youtube_payload(body)
    ids: list[str] = []
    for raw in payload.get("items") or []:
        raw = _dict(raw)
        found = (_dict(raw.get("contentDetails")).get("videoId")
                 or _dict(_dict(raw.get("snippet")).get("resourceId")).get("videoId")
                 or (_dict(raw.get("id")).get("videoId") if isinstance(raw.get("id"), dict) else None))
        video_id = _str_id(found)
        if video_id and video_id not in ids:
            ids.append(video_id)
    return ids, _first(payload.get("nextPageToken"))


def _youtube_comment(raw: Any) -> YoutubeComment | None:
    raw = _dict(raw)
    snippet = _dict(raw.get("snippet"))
    comment_id = _str_id(raw.get("id"))
    if not comment_id:
        return None
    text = snippet.get("textOriginal")
    return YoutubeComment(
        comment_id=comment_id,
        parent_id=_first(snippet.get("parentId")),
        # textOriginal is what the author typed; textDisplay (HTML) is the fallback when it is withheld.
        text=clean_text(text, strip_html=False) if isinstance(text, str) else html_to_text(
            snippet.get("textDisplay") if isinstance(snippet.get("textDisplay"), str) else ""),
        author=_first(snippet.get("authorDisplayName")),
        author_channel_id=_first(_dict(snippet.get("authorChannelId")).get("value")),
        likes=_count(snippet.get("likeCount")),
        published_at=_safe_time(snippet.get("publishedAt")),
    )


def parse_youtube_comment_threads(body: str | bytes) -> YoutubeThreadPage:
    """``commentThreads?part=snippet,replies`` → threads (top-level comment, reply total, inline replies)."""
    payload = _youtube_payload(body)
    threads: list[YoutubeThread] = []
    for raw in payload.get("items") or []:
        snippet = _dict(_dict(raw).get("snippet"))
        comment = _youtube_comment(snippet.get("topLevelComment"))
        if comment is None:
            continue
        inline = _list(_dict(_dict(raw).get("replies")).get("comments"))
        replies = [r for r in map(_youtube_comment, inline) if r]
        for reply in replies:
            reply.parent_id = reply.parent_id or comment.comment_id
        threads.append(YoutubeThread(
            comment=comment,
            reply_total=_int_or(snippet.get("totalReplyCount"), len(replies)) or 0,
            replies=replies,
        ))
    return YoutubeThreadPage(threads=threads, next_token=_first(payload.get("nextPageToken")))


def parse_youtube_comments(body: str | bytes) -> tuple[list[YoutubeComment], str | None]:
    """``comments?parentId=`` (the rest of a thread) → replies and the ``nextPageToken``."""
    payload = _youtube_payload(body)
    comments = [c for c in map(_youtube_comment, payload.get("items") or []) if c]
    return comments, _first(payload.get("nextPageToken"))


# ----------------------------------------------------------------------------------------------------
# App Store customer reviews (RSS JSON)
# ----------------------------------------------------------------------------------------------------


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
    for raw in _list(entries):
        raw = _dict(raw)
        if "im:rating" not in raw:
            app_name = app_name or _label(raw.get("im:name"))
            continue
        review_id = _label(raw.get("id"))
        if not review_id:
            continue
        reviews.append(AppStoreReview(
            review_id=review_id,
            title=clean_text(_label(raw.get("title")), strip_html=False) or None,
            text=clean_text(_label(raw.get("content")), strip_html=False),
            author=_label(_dict(raw.get("author")).get("name")),
            rating=_count(_label(raw.get("im:rating"))),
            version=_label(raw.get("im:version")),
            vote_sum=_count(_label(raw.get("im:voteSum"))),
            vote_count=_count(_label(raw.get("im:voteCount"))),
            published_at=_safe_time(_label(raw.get("updated"))),
        ))
    last_page = None
    links = feed.get("link")
    for link in [links] if isinstance(links, dict) else _list(links):
        attributes = _dict(_dict(link).get("attributes"))
        if attributes.get("rel") == "last":
            match = re.search(r"/page=(\d+)/", str(attributes.get("href") or ""))
            last_page = int(match.group(1)) if match else None
    return AppStorePage(app_name=app_name, reviews=reviews, last_page=last_page)


# ----------------------------------------------------------------------------------------------------
# Google Play reviews (batchexecute, undocumented)
# ----------------------------------------------------------------------------------------------------

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
    inner = json.dumps([None, None, [2, GOOGLEPLAY_SORTS[sort], [count, None, token], None, []], [app_id, 7]],
                       separators=(",", ":"))
    return json.dumps([[[GOOGLEPLAY_RPC, inner, None, "generic"]]])


def strip_xssi(body: str | bytes) -> str:
    """Drop Google's anti-JSON-hijacking prefix ``)]}'`` (and the blank line after it)."""
    text = _as_text(body).lstrip("\ufeff").lstrip()
    return text[4:].lstrip() if text.startswith(")]}'") else text


def _unix_or_none(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return _safe_time(value)


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
    for raw in _list(_at(payload, GOOGLEPLAY_REVIEWS_PATH)):
        fields = {name: _at(raw, path) for name, path in GOOGLEPLAY_REVIEW_PATHS.items()}
        review_id = _str_id(fields["review_id"])
        if not review_id:
            continue
        reply_text = fields["reply_text"] if isinstance(fields["reply_text"], str) else None
        reviews.append(GooglePlayReview(
            review_id=review_id,
            user=_first(fields["user"]) if isinstance(fields["user"], str) else None,
            score=_count(fields["score"]),
            text=clean_text(fields["text"], strip_html=False) if isinstance(fields["text"], str) else "",
            published_at=_unix_or_none(fields["time"]),
            thumbs_up=_count(fields["thumbs_up"]),
            version=fields["version"] if isinstance(fields["version"], str) else None,
            reply_author=fields["reply_author"] if isinstance(fields["reply_author"], str) else None,
            reply_text=clean_text(reply_text, strip_html=False) if reply_text else None,
            reply_at=_unix_or_none(fields["reply_time"]),
        ))
    token = _at(payload, GOOGLEPLAY_TOKEN_PATH)
    return GooglePlayPage(reviews=reviews, next_token=token if isinstance(token, str) and token else None)


# ----------------------------------------------------------------------------------------------------
# Google News RSS
# ----------------------------------------------------------------------------------------------------

# hl, gl, ceid per edition (what news.google.com itself uses for each market).
GOOGLE_NEWS_EDITIONS: dict[str, tuple[str, str, str]] = {
    "ko": ("ko", "KR", "KR:ko"),
    "zh-tw": ("zh-TW", "TW", "TW:zh-Hant"),
    "vi": ("vi", "VN", "VN:vi"),
    "en": ("en-US", "US", "US:en"),
    "en-us": ("en-US", "US", "US:en"),
}


def google_news_edition(code: str) -> tuple[str, str, str]:
    """"ko" | "zh-TW" | "vi" | "en" → (hl, gl, ceid). Raises ``ValueError`` naming the known editions."""
    found = GOOGLE_NEWS_EDITIONS.get(code.strip().lower())
    if found is None:
        raise ValueError(f"unknown Google News edition {code!r}; known: ko, zh-TW, vi, en")
    return found


@dataclass
class GoogleNewsItem:
    guid: str
    title: str
    link: str | None
    published_at: datetime | None
    source: str | None
    source_url: str | None


def parse_google_news_rss(body: str | bytes) -> list[GoogleNewsItem]:
    """An RSS 2.0 feed (search or topic) → items; the " - Source" that Google appends to titles is removed."""
    raw = body if isinstance(body, bytes) else body.encode("utf-8")
    try:
        sel = Selector(body=raw, type="xml")
    except (ValueError, TypeError) as exc:
        raise BadResponse(f"not XML: {exc}") from exc
    if not sel.xpath("/rss/channel"):
        raise BadResponse("not an RSS feed")
    items: list[GoogleNewsItem] = []
    for item in sel.xpath("/rss/channel/item"):
        title = clean_text(item.xpath("string(title)").get(), strip_html=False)
        link = _first(item.xpath("string(link)").get())
        guid = _first(item.xpath("string(guid)").get(), link)
        if not guid:
            continue
        source = _first(item.xpath("string(source)").get())
        if source and title.endswith(f" - {source}"):
            title = title[: -len(source) - 3].rstrip()
        items.append(GoogleNewsItem(
            guid=guid,
            title=title,
            link=link,
            published_at=_safe_time(item.xpath("string(pubDate)").get()),
            source=source,
            source_url=_first(item.xpath("source/@url").get()),
        ))
    return items


# ----------------------------------------------------------------------------------------------------
# Hacker News (Algolia search API)
# ----------------------------------------------------------------------------------------------------


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
        raw = _dict(raw)
        object_id = _str_id(raw.get("objectID"))
        created = _int_or(raw.get("created_at_i"))
        if not object_id or created is None:
            continue
        tags = [t for t in _list(raw.get("_tags")) if isinstance(t, str)]
        kind = next((k for k in ("comment", "story") if k in tags), tags[0] if tags else "other")
        hits.append(HnHit(
            object_id=object_id,
            kind=kind,
            created_at_i=created,
            published_at=from_unix(created),
            author=_first(raw.get("author")),
            title=clean_text(raw.get("title"), strip_html=False) or None,
            url=_first(raw.get("url")),
            text=_hn_text(raw.get("comment_text") if kind == "comment" else raw.get("story_text")),
            points=_count(raw.get("points")),
            num_comments=_count(raw.get("num_comments")),
            story_id=_str_id(raw.get("story_id")) or (object_id if kind == "story" else None),
            parent_id=_str_id(raw.get("parent_id")),
        ))
    return HnPage(
        hits=hits,
        nb_hits=_int_or(payload.get("nbHits"), len(hits)) or 0,
        page=_int_or(payload.get("page"), 0) or 0,
        nb_pages=_int_or(payload.get("nbPages"), 1) or 0,
        hits_per_page=_int_or(payload.get("hitsPerPage"), len(hits)) or 0,
    )


# ----------------------------------------------------------------------------------------------------
# Mastodon
# ----------------------------------------------------------------------------------------------------


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
    raw = _dict(raw)
    if isinstance(raw.get("reblog"), dict):  # a boost: the boosted status is what was said
        raw = raw["reblog"]
    status_id = _str_id(raw.get("id"))
    if not status_id:
        return None
    account = _dict(raw.get("account"))
    return MastodonStatus(
        status_id=status_id,
        url=_first(raw.get("url"), raw.get("uri")),
        created_at=_safe_time(raw.get("created_at")),
        text=html_to_text(raw.get("content") if isinstance(raw.get("content"), str) else ""),
        spoiler=clean_text(raw.get("spoiler_text")) or None,
        lang=_first(raw.get("language")),
        author=_first(account.get("acct"), account.get("username")),
        author_followers=_count(account.get("followers_count")),
        replies=_count(raw.get("replies_count")),
        reblogs=_count(raw.get("reblogs_count")),
        favourites=_count(raw.get("favourites_count")),
        in_reply_to_id=_str_id(raw.get("in_reply_to_id")),
        tags=[str(t["name"]) for t in _list(raw.get("tags")) if isinstance(t, dict) and t.get("name")],
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
    ancestors = [s for s in map(_mastodon_status, _list(payload.get("ancestors"))) if s]
    return ancestors, [s for s in map(_mastodon_status, payload["descendants"]) if s]


# ----------------------------------------------------------------------------------------------------
# Bluesky (AT Protocol, app.bsky)
# ----------------------------------------------------------------------------------------------------

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
    raw = _dict(raw)
    uri = _first(raw.get("uri"))
    if not uri:
        return None
    record, author = _dict(raw.get("record")), _dict(raw.get("author"))
    return BlueskyPost(
        uri=uri,
        author_handle=_first(author.get("handle")),
        author_did=_first(author.get("did")),
        text=clean_text(record.get("text"), strip_html=False) if isinstance(record.get("text"), str) else "",
        published_at=_safe_time(record.get("createdAt")) or _safe_time(raw.get("indexedAt")),
        langs=[str(lang) for lang in _list(record.get("langs"))],
        replies=_count(raw.get("replyCount")),
        reposts=_count(raw.get("repostCount")),
        likes=_count(raw.get("likeCount")),
        quotes=_count(raw.get("quoteCount")),
        parent_uri=_first(_dict(_dict(record.get("reply")).get("parent")).get("uri")),
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
    stack: list[tuple[dict[str, Any], str]] = [
        (child, root.uri) for child in reversed(_list(thread.get("replies"))) if isinstance(child, dict)
    ] if root else []
    while stack:
        child, parent_uri = stack.pop()
        if not readable(child):
            continue
        post = _bluesky_post(child["post"])
        if post is None:
            continue
        post.parent_uri = parent_uri
        replies.append(post)
        stack.extend((c, post.uri) for c in reversed(_list(child.get("replies"))) if isinstance(c, dict))
    return BlueskyThread(post=root, replies=replies, skipped=skipped, parents=parents)


def parse_bluesky_search(body: str | bytes) -> tuple[list[BlueskyPost], str | None]:
    """``app.bsky.feed.searchPosts`` → posts and the ``cursor`` of the next page."""
    payload = _bluesky_payload(body)
    if not isinstance(payload.get("posts"), list):
        raise BadResponse("no posts list")
    return [p for p in map(_bluesky_post, payload["posts"]) if p], _first(payload.get("cursor"))


def parse_bluesky_profiles(body: str | bytes) -> dict[str, int | None]:
    """``getProfile`` (one profile) or ``getProfiles`` → {did: followersCount, handle: followersCount}."""
    payload = _bluesky_payload(body)
    profiles = payload["profiles"] if isinstance(payload.get("profiles"), list) else [payload]
    followers: dict[str, int | None] = {}
    for raw in profiles:
        raw = _dict(raw)
        for key in (raw.get("did"), raw.get("handle")):
            if isinstance(key, str) and key:
                followers[key] = _count(raw.get("followersCount"))
    return followers


# ----------------------------------------------------------------------------------------------------
# Generic site (CSS selectors per site)
# ----------------------------------------------------------------------------------------------------

_GENERIC_SELECTORS = ("item", "text", "author", "date", "likes", "replies", "url", "id", "next_page", "title")


@dataclass
class GenericSiteConfig:
    """How to read one site: CSS selectors (``::text`` / ``::attr(x)`` allowed; a plain selector means the
    element's rendered text), relative to ``item`` except ``next_page`` and ``title``."""

    start_urls: list[str]
    item: str
    text: str
    author: str | None = None
    date: str | None = None
    date_format: str | None = None  # strptime codes, for dates the helpers cannot read
    timezone: str | None = None  # for naive dates; UTC when not given
    likes: str | None = None
    replies: str | None = None
    url: str | None = None
    id: str | None = None  # the site's own id of an item; a hash of url + text otherwise
    next_page: str | None = None
    title: str | None = "title"
    platform: str = "generic"
    max_pages: int = 1
    post_scope: str = "page"  # "page": one post per page URL; "start": pages after the first join it

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> GenericSiteConfig:
        """Build from a file's table or spider arguments; unknown or missing keys fail with their names."""
        known = {f for f in cls.__dataclass_fields__}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown site config keys: {', '.join(unknown)}")
        values = {k: v for k, v in data.items() if v not in (None, "")}
        urls = values.get("start_urls", [])
        values["start_urls"] = [u.strip() for u in (urls.split(",") if isinstance(urls, str) else urls)
                                if str(u).strip()]
        missing = [name for name in ("start_urls", "item", "text") if not values.get(name)]
        if missing:
            raise ValueError(f"site config needs {', '.join(missing)}")
        values["max_pages"] = int(values.get("max_pages", 1))
        if values["max_pages"] < 1:
            raise ValueError("max_pages must be at least 1")
        if values.get("post_scope", "page") not in ("page", "start"):
            raise ValueError("post_scope must be 'page' or 'start'")
        if values.get("timezone"):
            ZoneInfo(values["timezone"])  # an unknown zone fails here, not on the first date
        return cls(**values)


@dataclass
class GenericItem:
    external_id: str
    text: str
    author: str | None
    published_at: datetime | None
    likes: int | None
    replies: int | None
    url: str | None
    raw_date: str | None


@dataclass
class GenericPage:
    url: str
    title: str | None
    items: list[GenericItem]
    next_url: str | None


def _pick(sel: Selector, css: str | None) -> str | None:
    if not css:
        return None
    found = sel.css(css)
    if not found:
        return None
    if re.search(r"::(?:text|attr\([^)]*\))\s*$", css):
        return _first(" ".join(v.strip() for v in found.getall() if v.strip()))
    return html_to_text(found[0].get()) or None


def parse_generic_page(
    body: str | bytes, url: str, config: GenericSiteConfig, now: datetime | None = None
) -> GenericPage:
    """A page of a configured site → its items (text, author, date, counts, id) and the next page URL."""
    sel = Selector(text=_as_text(body))
    items: list[GenericItem] = []
    for node in sel.css(config.item):
        text = clean_text(_pick(node, config.text))
        link = _pick(node, config.url)
        item_url = urljoin(url, link) if link else None
        own_id = _pick(node, config.id)
        raw_date = _pick(node, config.date)
        items.append(GenericItem(
            external_id=own_id or hashlib.sha1(f"{item_url or url}\n{text}".encode()).hexdigest()[:20],
            text=text,
            author=_pick(node, config.author),
            published_at=parse_local_date(raw_date, date_format=config.date_format, tz=config.timezone,
                                          now=now),
            likes=parse_count(_pick(node, config.likes)),
            replies=parse_count(_pick(node, config.replies)),
            url=item_url,
            raw_date=raw_date,
        ))
    next_href = _pick(sel, config.next_page)
    return GenericPage(
        url=url,
        title=_pick(sel, config.title),
        items=items,
        next_url=urljoin(url, next_href) if next_href and not next_href.startswith("javascript") else None,
    )
