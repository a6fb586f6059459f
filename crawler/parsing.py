"""Pure parsing helpers shared by the sources: dates → aware UTC, counts → ints, text clean-up, JSON bodies
and ``Link`` headers. Each source's records and ``parse_*`` functions live in ``crawler/parsers/<source>.py``.

Nothing here does I/O or knows about Scrapy: every function takes text (or bytes) and returns plain values, so
the same code is tested on hand-made and on real recorded responses.
"""

from __future__ import annotations

import html as html_lib
import json
import math
import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from typing import Any
from zoneinfo import ZoneInfo

from parsel import Selector

from store.timeutil import as_utc, utcnow

TAIPEI = ZoneInfo("Asia/Taipei")
SEOUL = ZoneInfo("Asia/Seoul")
HO_CHI_MINH = ZoneInfo("Asia/Ho_Chi_Minh")


class BadResponse(ValueError):
    """A response body that is not what the source promises (error code, HTML instead of JSON, ...)."""


# ----------------------------------------------------------------------------------------------------
# Dates
# ----------------------------------------------------------------------------------------------------


def from_unix(seconds: int | float | str) -> datetime:
    """Unix time (seconds, or milliseconds when it is that large) → aware UTC; ValueError when out of range.

    >>> from_unix(1428359140).isoformat()
    '2015-04-06T22:25:40+00:00'
    """
    value = float(seconds)
    if abs(value) > 1e11:  # milliseconds: a seconds value this large would be beyond year 5000
        value /= 1000.0
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError) as exc:
        raise ValueError(f"unix time {seconds!r} is out of range") from exc


def parse_iso(text: str, default_tz: tzinfo | str | None = None) -> datetime:
    """ISO 8601 in the forms sources use ("…Z", "…+0900", "… 23:17:13", a bare date) → aware UTC.

    Naive values are taken in ``default_tz`` (UTC when not given).
    """
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    return as_utc(datetime.fromisoformat(value), default_tz)


_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
    )
}
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


# Relative, localised times: number + unit + "ago" in en / vi / ko / zh. The word tables below keep one
# language group a line ("fmt: off"), which the formatter would spread over a line per word.
# fmt: off
_UNIT_SECONDS = {
    "second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 7 * 86400,
    "month": 30 * 86400, "year": 365 * 86400,
}
# fmt: on
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
# fmt: off
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "một": 1, "한": 1, "一": 1, "兩": 2, "两": 2, "二": 2, "三": 3,
                 "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "半": 0.5}
# fmt: on
_UNIT_ALTERNATION = "|".join(sorted(map(re.escape, _UNIT_WORDS), key=len, reverse=True))
_RELATIVE = re.compile(
    rf"^(?P<n>\d+(?:[.,]\d+)?|an?|one|một|한|[一兩两二三四五六七八九十半])\s*(?P<unit>{_UNIT_ALTERNATION})\s*"
    r"(?:ago|trước|전|前|以前)$"
)
# fmt: off
_DAY_WORDS = {
    "just now": 0, "now": 0, "moments ago": 0, "a moment ago": 0, "vừa xong": 0, "vừa mới": 0, "vừa nãy": 0,
    "방금": 0, "방금 전": 0, "剛剛": 0, "刚刚": 0, "剛才": 0, "刚才": 0,
    "today": 0, "hôm nay": 0, "오늘": 0, "今天": 0,
    "yesterday": 1, "hôm qua": 1, "어제": 1, "昨天": 1, "昨日": 1,
    "hôm kia": 2, "그제": 2, "그저께": 2, "前天": 2,
}
# fmt: on


def parse_relative(text: str, now: datetime | None = None) -> datetime | None:
    """A relative, localised time ("2 giờ trước", "3일 전", "5 minutes ago", "昨天", "7h trước") → aware UTC.

    Months count as 30 days and years as 365. "Yesterday" and friends mean exactly one day before ``now``
    (the source gives no clock time). Returns None when ``text`` is not a relative time.

    >>> now = datetime(2024, 5, 12, 12, 0, tzinfo=UTC)
    >>> parse_relative("3일 전", now).isoformat()
    '2024-05-09T12:00:00+00:00'
    """
    now = as_utc(now) if now is not None else utcnow()
    value = unicodedata.normalize("NFC", text).strip().lower()
    value = re.sub(r"\s+", " ", value)
    if value in _DAY_WORDS:
        return now - timedelta(days=_DAY_WORDS[value])
    match = _RELATIVE.match(value)
    if not match:
        return None
    raw = match.group("n")
    amount = _NUMBER_WORDS[raw] if raw in _NUMBER_WORDS else float(raw.replace(",", "."))
    try:
        return now - timedelta(seconds=amount * _UNIT_SECONDS[_UNIT_WORDS[match.group("unit")]])
    except OverflowError:  # "99999999 years ago": no such time
        return None


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
        return as_utc(value, tz)
    if isinstance(value, bool):
        raise ValueError(f"not a time: {value!r}")
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"not a time: {value!r}")
        return from_unix(value)
    text = value.strip()
    if re.fullmatch(r"\d{8}", text):  # Naver blog postdate: YYYYMMDD
        return as_utc(datetime.strptime(text, "%Y%m%d"), tz)
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
        return as_utc(parsedate_to_datetime(text), tz)
    except (TypeError, ValueError, IndexError):
        pass
    match = _DOTTED_DATE.fullmatch(text)
    if match:
        parts = [int(p) if p else 0 for p in match.groups()]
        return as_utc(datetime(*parts), tz)  # type: ignore[arg-type]
    raise ValueError(f"unrecognised time: {text!r}")


def to_utc_or_none(value: Any, **kwargs: Any) -> datetime | None:
    """``to_utc`` for parsers: a missing or broken time is None rather than a lost record."""
    try:
        return to_utc(value, **kwargs)
    except (ValueError, OverflowError, OSError):
        return None


_LOCAL_YMD = re.compile(r"(\d{4})\s*(?:년|年|[./-])\s*(\d{1,2})\s*(?:월|月|[./-])\s*(\d{1,2})\s*(?:일|日)?")
_LOCAL_DMY = re.compile(
    r"(?<!\d)(\d{1,2})\s*(?:[./-]|\s+(?:thg|tháng)\s+)(\d{1,2})"
    r"(?:\s*,\s*|\s*[./-]\s*|\s+năm\s+)(\d{4})"
)
_LOCAL_MONTH_NAME = re.compile(
    r"(?:([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})"
    r"|(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4}))"
)
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
            return as_utc(datetime.strptime(text.strip(), date_format), tz)
        except ValueError:
            return None
    # email.utils reads "May 2, 2024 7:05 PM" as 07:05: with a 12-hour clock, only the patterns below.
    if not (_PM_WORDS.search(text) or _AM_WORDS.search(text)):
        found = to_utc_or_none(text, tz=tz, now=now)
        if found is not None:
            return found
    value = unicodedata.normalize("NFKC", text).strip()
    # "(GMT+7)" as VnExpress writes it: an offset in the text beats the site's default zone.
    offset = re.search(r"\(?(?:GMT|UTC)\s*([+-])(\d{1,2})(?::?(\d{2}))?\)?", value)
    if offset:
        sign = -1 if offset.group(1) == "-" else 1
        try:
            tz = timezone(sign * timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3) or 0)))
        except ValueError:  # "(GMT+99)": no such zone, so no readable time
            return None
        value = f"{value[: offset.start()]} {value[offset.end() :]}"
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
            name, number, year_text = (
                (groups[0], groups[1], groups[2]) if groups[0] else (groups[4], groups[3], groups[5])
            )
            month = _MONTHS.get((name or "")[:3].lower())
            if month is None:
                continue
            day, year = int(number), int(year_text)
        before, rest = value[: match.start()], value[match.end() :]
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
        return as_utc(datetime(year, month, day, hour, minute, second), tz)
    except ValueError:
        return None


# ----------------------------------------------------------------------------------------------------
# Counts
# ----------------------------------------------------------------------------------------------------

# fmt: off
_COUNT_UNITS = {
    "k": 1_000, "m": 1_000_000, "b": 1_000_000_000,
    "千": 1_000, "천": 1_000, "萬": 10_000, "万": 10_000, "만": 10_000,
    "億": 100_000_000, "亿": 100_000_000, "억": 100_000_000,
    "nghìn": 1_000, "ngàn": 1_000, "tr": 1_000_000, "triệu": 1_000_000, "tỷ": 1_000_000_000,
}
# fmt: on
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


def int_or(value: Any, default: int | None = None) -> int | None:
    """A count from any JSON value (``parse_count`` on numbers and text), else ``default``."""
    parsed = parse_count(value if isinstance(value, int | float | str) else None)
    return default if parsed is None else parsed


def json_count(value: Any) -> int | None:
    """A count from JSON (int, or digits as text as YouTube sends them); None when absent or hidden."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    return parse_count(value)


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


def as_text(body: str | bytes) -> str:
    """A response body as text (bytes are UTF-8; broken bytes become U+FFFD)."""
    return body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body


def first_text(*values: str | None) -> str | None:
    """The first value that is not empty or blank, stripped; None when there is none."""
    for value in values:
        if value and value.strip():
            return value.strip()
    return None


def node_text(sel: Selector) -> str:
    """All the text inside a selected node, tags left out."""
    return sel.xpath("string(.)").get() or ""


# ----------------------------------------------------------------------------------------------------
# JSON and HTTP headers
# ----------------------------------------------------------------------------------------------------


def load_json(body: str | bytes) -> Any:
    """A JSON body → value. An HTML error page, an empty body or a truncated answer → ``BadResponse``."""
    text = as_text(body).strip().lstrip("\ufeff")
    try:
        return json.loads(text)
    except ValueError as exc:
        raise BadResponse(f"not JSON: {text[:80]!r}") from exc


def str_id(value: Any) -> str | None:
    """Ids come as JSON numbers (Mastodon 1.x, HN ``story_id``) or strings: always compare them as text."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one: a missing or odd field never raises."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """``value`` when it is a JSON array, else an empty one."""
    return value if isinstance(value, list) else []


def parse_link_header(value: str | bytes | None) -> dict[str, str]:
    """An HTTP ``Link`` header → {rel: url} (Mastodon pages its timelines with it).

    >>> parse_link_header('<https://m.example/api/v1/timelines/tag/x?max_id=9>; rel="next", <https://m.example/a>; rel="prev"')
    {'next': 'https://m.example/api/v1/timelines/tag/x?max_id=9', 'prev': 'https://m.example/a'}
    """  # noqa: E501
    text = as_text(value or "")
    links: dict[str, str] = {}
    for url, params in re.findall(r"<([^>]*)>\s*((?:;\s*[^,;<]+)*)", text):
        rel = re.search(r"""rel\s*=\s*"?([^";,]+)"?""", params)
        if rel:
            for name in rel.group(1).split():
                links.setdefault(name.lower(), url.strip())
    return links
