"""Pure parsing helpers: dates → aware UTC, counts → ints, text clean-up, and per-source page parsers.

Nothing here does I/O or knows about Scrapy: every function takes text (or bytes) and returns plain values or
the small dataclasses below, so the same code is tested on hand-made and on real recorded responses.
"""

from __future__ import annotations

import copy
import html as html_lib
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
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
