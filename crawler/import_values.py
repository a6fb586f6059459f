"""Cell values of imported files → typed values, or a ``RowError`` naming the column and the problem.

Numbers and dates are read in the notations of the markets brandpulse serves (Korean, Traditional Chinese,
Vietnamese, English): "1,234", "1.234" and "1 234" (thousands), "1.2K", "1.2만", "3萬", "2 nghìn",
"1,2 N", "1.2w", "₩1,200", "1.234,56 ₫"; ISO dates, "2026. 3. 1.", "2026년 3월 1일 오후 3:20",
"2026年3月1日 下午3:20", "01/03/2026" (day first unless told otherwise), "11/28/2026 3:15 PM" (a day over 12
settles the order), "1 thg 3, 2026", "March 1, 2026", "3 days ago", unix seconds or milliseconds. How a
file writes its times (their zone, the moment relative times count back from, the order of ambiguous
dates) is its ``Notation``. What cannot be read, or cannot be stored (a NUL byte in an id, a count over
the database's INTEGER, ``NaN``, a date in year 9999), is a ``RowError``: the row is quarantined with its
reason and the rest of the file goes on.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any

from crawler.parsing import from_unix, parse_count, parse_local_date, parse_relative
from crawler.pipelines import EARLIEST_TIME, LATEST_TIME, count_max, db_text_problem, utf8_safe
from store.timeutil import as_utc, utcnow

# Identifiers and other short columns; text columns may be longer (the validate stage's limit).
MAX_VALUE_CHARS = 10_000
MAX_BRAND_CHARS = 200
# Spreadsheets keep numbers as doubles: integers beyond 2**53 (Excel: 15 digits) are already rounded.
EXACT_FLOAT_LIMIT = 2**53
SENTIMENTS = ("negative", "neutral", "positive")
SPAM_WORDS = {"spam": 1.0, "ham": 0.0, "true": 1.0, "false": 0.0, "yes": 1.0, "no": 0.0}
# Currencies without minor units: "1.234" is one thousand two hundred thirty-four of them.
ZERO_DECIMAL_CURRENCIES = {"KRW", "VND", "JPY", "IDR", "CLP", "ISK", "UGX", "PYG"}

_INVISIBLE = re.compile(
    r"[\s\u00ad\u034f\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff]+"
)
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f']+")
_CURRENCY_MARKS = re.compile(
    r"^(?:[A-Z]{3}|US\$|NT\$|HK\$|[$€£¥₩₫])\s*|\s*(?:[A-Z]{3}|[$€£¥₩₫]|원|元|圓|đ|đồng|dong)$", re.IGNORECASE
)
_UNITS = {
    "k": 1e3, "m": 1e6, "b": 1e9, "천": 1e3, "千": 1e3, "만": 1e4, "萬": 1e4, "万": 1e4,
    "억": 1e8, "億": 1e8, "亿": 1e8, "nghìn": 1e3, "ngàn": 1e3, "tr": 1e6, "triệu": 1e6, "tỷ": 1e9,
}  # fmt: skip
_UNIT_SUFFIX = re.compile(
    r"^(?P<num>.*?\d)\s*(?P<unit>" + "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True)) + r")$",
    re.IGNORECASE,
)
_GROUPED = {
    ",": re.compile(r"\d{1,3}(?:,\d{3})+"),
    ".": re.compile(r"\d{1,3}(?:\.\d{3})+"),
}
_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:[eE][+-]?\d{1,3})?")
# Abbreviations the crawler's parse_count does not know: Vietnamese "1,2 N" (nghìn), Chinese "1.2w" (万).
_SHORT_UNITS = {"n": "nghìn", "w": "万"}
# A numeric date with its year last: 28/11/2026, 11/28/2026, 28.11.2026, 1-3-2026.
_NUMERIC_DATE = re.compile(r"(?<![\d./-])(\d{1,2})([./-])(\d{1,2})\2(\d{4})(?!\d)")
# The value a message quotes: its repr (or a number) at the start of what the message says.
_QUOTED_VALUE = re.compile(
    r"""^(?:['"].*?… \([\d,]+ characters\)|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|-?\d[\d.,e+-]*) ?"""
)


@dataclass
class Notation:
    """How a file writes its times: the zone of a time that gives none (``tz``), the moment relative times
    ("3 days ago") count back from (``now``: the import's start), and the order of a numeric date that
    reads both ways (``month_first``: 01/03/2026 is 3 January; else 1 March). A date whose day is over 12
    settles its own order; one that contradicts ``month_first`` is kept in ``contrary`` (the first per
    column) and the ambiguous ones read are counted, so the import can say the order looks wrong."""

    tz: tzinfo = UTC
    now: datetime = field(default_factory=utcnow)
    month_first: bool = False
    contrary: dict[str, str] = field(default_factory=dict)
    ambiguous: Counter[str] = field(default_factory=Counter)

    def warnings(self) -> list[str]:
        """A line per column whose unambiguous dates contradict the order its ambiguous ones were read in."""
        chosen, other = ("month", "day") if self.month_first else ("day", "month")
        flag = "dmy" if self.month_first else "mdy"
        return [
            f"{col}: {example!r} is written {other} first, but {self.ambiguous[col]} ambiguous "
            f"{'date was' if self.ambiguous[col] == 1 else 'dates were'} read {chosen} first; if wrong, "
            f"import the file again with --date-order {flag}"
            for col, example in self.contrary.items()
            if self.ambiguous[col]
        ]

    def ordered(self, text: str, col: str) -> str:
        """``text`` with a numeric date (28/11/2026, 11/28/2026) rewritten as ISO (2026-11-28), the rest
        (a clock, AM/PM words, a zone) kept."""
        match = _NUMERIC_DATE.search(text)
        if not match:
            return text
        first, second, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
        if first > 12 and second > 12:
            return text  # no month: the date parser refuses it
        if first > 12 or second > 12:
            month_first = second > 12
            if month_first != self.month_first:
                self.contrary.setdefault(col, match.group(0))
        else:
            month_first = self.month_first
            if first != second:
                self.ambiguous[col] += 1
        month, day = (first, second) if month_first else (second, first)
        return f"{text[: match.start()]}{year:04d}-{month:02d}-{day:02d}{text[match.end() :]}"


def reason_summary(reason: str) -> str:
    """A quarantine reason without the value it quotes, for counting reasons: "column likes: 'many' is not
    a number" → "column likes: … is not a number"; other reasons by their kind ("duplicate")."""
    if not reason.startswith("column "):
        return reason.split(":", 1)[0]
    column, _, message = reason.partition(": ")
    without = _QUOTED_VALUE.sub("", message, count=1)
    return f"{column}: … {without}" if without != message else reason


class RowError(ValueError):
    """A value that cannot be imported; the message names the column."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(f"column {column}: {message}")
        self.column = column


def show(value: Any, limit: int = 60) -> str:
    """A value for a message: its repr, cut to ``limit`` characters (a 20 MB cell stays out of the reason)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def blank(value: Any) -> bool:
    """None, or text with nothing visible in it (spaces, zero-width and bidi marks only)."""
    return value is None or (isinstance(value, str) and not _INVISIBLE.sub("", value))


def _not_scalar(col: str, value: Any) -> RowError | None:
    if isinstance(value, bool):
        return RowError(col, f"{value!r} is true/false, not a value for this column")
    if isinstance(value, dict | list | tuple):
        return RowError(col, f"is a JSON {'object' if isinstance(value, dict) else 'array'}, not a value")
    if isinstance(value, float) and not math.isfinite(value):
        return RowError(col, f"{value!r} is not a finite number")
    return None


def string(
    row: dict[str, Any], col: str, required: bool = False, max_chars: int = MAX_VALUE_CHARS
) -> str | None:
    """A short text value (an id, a handle, a URL): stripped; NUL bytes and broken Unicode are errors.

    Whole numbers from spreadsheets and JSON become their digits (1001.0 → "1001"), unless the number is
    too large to be exact there (more than 15–16 digits: the id was already rounded, so it is refused).
    """
    value = row.get(col)
    if blank(value):
        if required:
            raise RowError(col, "is required")
        return None
    problem = _not_scalar(col, value)
    if problem:
        raise problem
    if isinstance(value, float):
        if value.is_integer() and abs(value) >= EXACT_FLOAT_LIMIT:
            raise RowError(
                col, f"the number {value!r} has more digits than a spreadsheet keeps; store it as text"
            )
        if value.is_integer():
            value = int(value)
    text = str(value).strip()
    trouble = db_text_problem(text)
    if trouble:
        raise RowError(col, trouble)
    if len(text) > max_chars:
        raise RowError(col, f"is {len(text):,} characters > {max_chars:,}")
    return text


def free_text(row: dict[str, Any], col: str) -> str:
    """A mention's text as given (the normalise stage cleans it: NUL bytes and controls are stripped,
    broken Unicode replaced); numbers become their text; objects, arrays and true/false are errors."""
    value = row.get(col)
    if value is None:
        return ""
    problem = _not_scalar(col, value)
    if problem:
        raise problem
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return utf8_safe(value if isinstance(value, str) else str(value))


def _digits(value: Any, col: str) -> str:
    text = unicodedata.normalize("NFKC", str(value)).strip()
    text = _SPACES.sub(" ", text).strip()
    if text.startswith(("-", "−")) and any(ch.isdigit() for ch in text):
        raise RowError(col, f"{show(value)} is negative")
    return text.lstrip("+")


def count(row: dict[str, Any], col: str) -> int | None:
    """A count (likes, views, ...): a whole number from 0 to 2,147,483,647; blank is None.

    "1,234", "1.234", "1 234", "12.0", "1.2K", "1.2만", "3萬", "2 nghìn", "１２３" (full width) are read.
    """
    value = row.get(col)
    if blank(value):
        return None
    problem = _not_scalar(col, value)
    if problem:
        raise problem
    if isinstance(value, int):
        number: float | int = value
    elif isinstance(value, float):
        number = value
    else:
        text = _digits(value, col).replace(" ", "")
        number = _count_text(text, value, col)
    if isinstance(number, float):
        if not math.isfinite(number):
            raise RowError(col, f"{show(value)} is not a finite number")
        if not number.is_integer():
            raise RowError(col, f"{show(value)} is not a whole number")
        if abs(number) > count_max(col):
            raise RowError(
                col, f"{show(value)} is over {count_max(col):,}, the largest count the database stores"
            )
        number = int(number)
    if number < 0:
        raise RowError(col, f"{show(value)} is negative")
    if number > count_max(col):
        raise RowError(
            col, f"{show(value)} is over {count_max(col):,}, the largest count the database stores"
        )
    return number


def _count_text(text: str, raw: Any, col: str) -> float | int:
    if len(text) > 40:
        raise RowError(col, f"{show(raw)} is not a number")
    if text.isdigit():
        return int(text)
    for sep, pattern in _GROUPED.items():
        if pattern.fullmatch(text):
            return int(text.replace(sep, ""))
    if re.fullmatch(r"\d+\.0+", text):  # "12.0": a count written by a tool that made it a float
        return int(text.split(".")[0])
    if _PLAIN_NUMBER.fullmatch(text):
        return float(text)
    if re.search(r"\d", text) and re.search(r"[^\d.,]", text):
        if text[-1:].lower() in _SHORT_UNITS and text[-2:-1].isdigit():
            text = text[:-1] + _SHORT_UNITS[text[-1].lower()]
        parsed = parse_count(text)  # display notation with a unit: "1.2K", "1.2만", "3萬"
        if parsed is not None:
            return parsed
    raise RowError(col, f"{show(raw)} is not a number")


# The largest cost or revenue taken (10^15: 40 billion US dollars in dong). A larger figure is a typo
# or a test value, and a few of them summed would overflow to infinity in the reports.
MAX_AMOUNT = 1e15


def amount(row: dict[str, Any], col: str, currency: str | None = None) -> float | None:
    """Money (cost, revenue): a finite, non-negative number; blank is None.

    Both decimal marks are read: "1,234.56" and "1.234,56" and "1 234,56" are 1234.56. A lone "." or ","
    followed by three digits is a thousands separator, except that "12.345" with a currency that has
    minor units (or none given) is ambiguous and refused. Currency marks ("₩", "US$", "đ", "원", "VND")
    and units ("1.2만", "3K", "2 triệu") are read.
    """
    value = row.get(col)
    if blank(value):
        return None
    problem = _not_scalar(col, value)
    if problem:
        raise problem
    if isinstance(value, int | float):
        number = float(value)
    else:
        number = _amount_text(_digits(value, col), value, col, (currency or "").upper())
    if not math.isfinite(number):
        raise RowError(col, f"{show(value)} is not a finite number")
    if number < 0:
        raise RowError(col, f"{show(value)} is negative")
    if number > MAX_AMOUNT:
        raise RowError(col, f"{show(value)} is over {MAX_AMOUNT:,.0f}, more than any real amount")
    return number


def _amount_text(text: str, raw: Any, col: str, currency: str) -> float:
    if len(text) > 60:
        raise RowError(col, f"{show(raw)} is not a number")
    for _ in range(2):
        text = _CURRENCY_MARKS.sub("", text).strip()
    scale = 1.0
    unit = _UNIT_SUFFIX.match(text)
    if unit and not re.fullmatch(r"[\d.,\s]*\d[eE]", unit.group("num")):
        scale, text = _UNITS[unit.group("unit").lower()], unit.group("num").strip()
    text = text.replace(" ", "")
    if not re.fullmatch(r"[\d.,]+(?:[eE][+-]?\d{1,3})?", text) or not text[0].isdigit():
        raise RowError(col, f"{show(raw)} is not a number")
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        whole, _, fraction = text.rpartition(decimal)
        if not (_GROUPED[thousands].fullmatch(whole) or whole.isdigit()) or not fraction.isdigit():
            raise RowError(col, f"{show(raw)} is not a number")
        text = whole.replace(thousands, "") + "." + fraction
    elif text.count(",") > 1 or text.count(".") > 1:
        sep = "," if "," in text else "."
        if not _GROUPED[sep].fullmatch(text):
            raise RowError(col, f"{show(raw)} is not a number")
        text = text.replace(sep, "")
    elif re.fullmatch(r"\d{1,3}[.,]\d{3}", text):
        if "," in text or currency in ZERO_DECIMAL_CURRENCIES:
            text = text.replace(",", "").replace(".", "")
        elif scale == 1.0:
            raise RowError(
                col,
                f"{show(raw)} is ambiguous (thousands or decimals?); write 12345 or 12.35, or give a "
                "currency without minor units (KRW, VND)",
            )
    else:
        text = text.replace(",", ".")
    try:
        return float(text) * scale
    except ValueError:
        raise RowError(col, f"{show(raw)} is not a number") from None


def when(row: dict[str, Any], col: str, notation: Notation | None = None) -> datetime | None:
    """A date or date-time → aware UTC; blank is None. A time without a zone is in ``notation.tz`` (UTC
    when not given); a zone in the value wins. Relative times ("3 days ago", "어제") count back from
    ``notation.now``; numeric dates are read as ``Notation.ordered`` says; ISO dates are never ambiguous.
    """
    notation = notation or Notation()
    value = row.get(col)
    if blank(value):
        return None
    problem = _not_scalar(col, value)
    if problem:
        raise problem
    try:
        parsed = as_utc(_parse_when(value, col, notation), notation.tz)
    except RowError:
        raise
    except (OverflowError, OSError, ValueError):  # beyond what datetime holds, in UTC or in the zone
        raise RowError(col, f"{show(value)} is out of range") from None
    if parsed is None or not EARLIEST_TIME <= parsed < LATEST_TIME:
        raise RowError(col, f"{show(value)} is outside {EARLIEST_TIME.year}-{LATEST_TIME.year - 1}")
    return parsed


def day_or_when(row: dict[str, Any], col: str, notation: Notation | None = None) -> datetime | None:
    """``when`` for a start or end that is usually a date alone: a value at midnight in the import's zone
    (a date, "2026-03-01") is that calendar day, stored as midnight UTC of it, as traffic days are
    (``store.repo.traffic.day_start``); a value with another time keeps its zone conversion.

    Without this, ``--tz Asia/Ho_Chi_Minh`` would store 2026-03-01 as 2026-02-28T17:00Z, and every reader
    that takes the UTC date would start the campaign a day early.
    """
    notation = notation or Notation()
    parsed = when(row, col, notation)
    if parsed is None:
        return None
    local = parsed.astimezone(notation.tz)
    if local.time() != time(0):
        return parsed
    return datetime(local.year, local.month, local.day, tzinfo=UTC)


def _parse_when(value: Any, col: str, notation: Notation) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, int | float):
        if not 1e9 <= abs(value) < 1e14:
            raise RowError(col, f"{show(value)} is a number, not a date (unix seconds are read)")
        return from_unix(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    hint = "is not a date like 2026-03-01 or 2026-03-01T12:00:00Z"
    if len(text) > 100:
        raise RowError(col, f"{show(value)} {hint}")
    relative = parse_relative(text, notation.now)
    if relative is not None:
        return relative
    text = notation.ordered(text, col)
    try:
        return datetime.fromisoformat(re.sub(r"[Zz]$", "+00:00", text))
    except ValueError:
        pass
    parsed = parse_local_date(text, tz=notation.tz, now=notation.now)
    if parsed is None:
        raise RowError(col, f"{show(value)} {hint}")
    return parsed


def sentiment(row: dict[str, Any]) -> str | None:
    value = string(row, "sentiment")
    if value is None:
        return None
    if value.lower() not in SENTIMENTS:
        raise RowError("sentiment", f"{show(value)} is not one of {', '.join(SENTIMENTS)}")
    return value.lower()


def spam(row: dict[str, Any]) -> float | None:
    """spam/ham, true/false, yes/no or a probability between 0 and 1 ("0,8" too)."""
    value = row.get("spam")
    if blank(value):
        return None
    if isinstance(value, bool):
        return float(value)
    problem = _not_scalar("spam", value)
    if problem:
        raise problem
    text = str(value).strip().lower()
    if text in SPAM_WORDS:
        return SPAM_WORDS[text]
    try:
        number = float(text.replace(",", ".") if text.count(",") == 1 and "." not in text else text)
    except ValueError:
        raise RowError("spam", f"{show(value)} is not spam/ham, true/false or a probability") from None
    if not 0.0 <= number <= 1.0:  # NaN fails this too
        raise RowError("spam", f"{show(value)} is not a probability between 0 and 1")
    return number


def brand_names(row: dict[str, Any]) -> list[str] | None:
    """The ``brands`` column: names separated by ";" (each at most 200 characters, with a letter or digit)."""
    value = string(row, "brands")
    if value is None:
        return None
    names = [name.strip() for name in value.split(";") if not blank(name)]
    for name in names:
        if len(name) > MAX_BRAND_CHARS:
            raise RowError("brands", f"brand name {show(name)} is longer than {MAX_BRAND_CHARS} characters")
        if any(unicodedata.category(ch) == "Cc" for ch in name):
            raise RowError("brands", f"brand name {show(name)} contains control characters")
        if not any(ch.isalnum() for ch in name):
            raise RowError("brands", f"brand name {show(name)} has no letter or digit")
    return names
