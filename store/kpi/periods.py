"""Reporting periods of whole UTC days: the dashboard's presets, the previous period each is compared with,
and the weeks a trend is bucketed into. Pure date arithmetic, no database.

Presets (``PRESETS``, by slug): the last 7, 30 or 90 days (today included), this month or quarter to date,
last calendar month or quarter, all time, or a custom range. The previous period a figure is compared with
(``previous_period``):

- rolling days and custom ranges: the same number of days just before;
- last month / last quarter: the calendar month / quarter before;
- this month / this quarter (to date): the same days of the month / quarter before (day 1 to day n, cut at
  its end: 1–31 March is compared with 1–28 February);
- all time: none.

>>> preset_period("last-month", date(2026, 3, 15))
Period(since=datetime.date(2026, 2, 1), until=datetime.date(2026, 2, 28))
>>> previous_period("last-month", preset_period("last-month", date(2026, 3, 15)))
Period(since=datetime.date(2026, 1, 1), until=datetime.date(2026, 1, 31))
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

PRESETS: dict[str, str] = {
    "last-7-days": "Last 7 days",
    "last-30-days": "Last 30 days",
    "last-90-days": "Last 90 days",
    "this-month": "This month",
    "last-month": "Last month",
    "this-quarter": "This quarter",
    "last-quarter": "Last quarter",
    "all-time": "All time",
    "custom": "Custom range",
}
DEFAULT_PRESET = "last-30-days"
CUSTOM = "custom"
ALL_TIME = "all-time"
_ROLLING_DAYS = {"last-7-days": 7, "last-30-days": 30, "last-90-days": 90}


@dataclass(frozen=True)
class Period:
    """Whole UTC days ``since`` … ``until``, both included; ``since`` None = from the first mention."""

    since: date | None
    until: date

    @property
    def days(self) -> int | None:
        """How many days it spans (None for an open start)."""
        return None if self.since is None else (self.until - self.since).days + 1

    def label(self) -> str:
        """``2026-02-01 – 2026-02-28``; an open start reads "first mention"."""
        start = self.since.isoformat() if self.since else "first mention"
        return f"{start} – {self.until.isoformat()}"


def month_start(day: date) -> date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after ``day``'s month (negative: before)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def quarter_start(day: date) -> date:
    """The first day of ``day``'s calendar quarter (January, April, July, October)."""
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def preset_period(
    preset: str, today: date, *, since: date | None = None, until: date | None = None
) -> Period:
    """The period a preset names on ``today`` (UTC); ``custom`` takes ``since`` and ``until`` (swapped if
    reversed).

    >>> preset_period("last-7-days", date(2026, 1, 31))
    Period(since=datetime.date(2026, 1, 25), until=datetime.date(2026, 1, 31))
    >>> preset_period("this-quarter", date(2026, 5, 20))
    Period(since=datetime.date(2026, 4, 1), until=datetime.date(2026, 5, 20))
    """
    if preset in _ROLLING_DAYS:
        return Period(today - timedelta(days=_ROLLING_DAYS[preset] - 1), today)
    if preset == "this-month":
        return Period(month_start(today), today)
    if preset == "last-month":
        start = add_months(today, -1)
        return Period(start, month_start(today) - timedelta(days=1))
    if preset == "this-quarter":
        return Period(quarter_start(today), today)
    if preset == "last-quarter":
        start = add_months(quarter_start(today), -3)
        return Period(start, quarter_start(today) - timedelta(days=1))
    if preset == ALL_TIME:
        return Period(None, today)
    if preset == CUSTOM:
        if since is None or until is None:
            raise ValueError("a custom period needs both since and until")
        return Period(min(since, until), max(since, until))
    raise ValueError(f"unknown period preset {preset!r}; known: {', '.join(PRESETS)}")


def previous_period(preset: str, period: Period) -> Period | None:
    """The period ``period`` (of ``preset``) is compared with; None for all time (see the module's rules).

    >>> previous_period("last-7-days", Period(date(2026, 1, 25), date(2026, 1, 31)))
    Period(since=datetime.date(2026, 1, 18), until=datetime.date(2026, 1, 24))
    >>> previous_period("this-month", Period(date(2026, 3, 1), date(2026, 3, 31)))
    Period(since=datetime.date(2026, 2, 1), until=datetime.date(2026, 2, 28))
    """
    if period.since is None or preset == ALL_TIME:
        return None
    if preset == "last-month":
        return Period(add_months(period.since, -1), period.since - timedelta(days=1))
    if preset == "last-quarter":
        return Period(add_months(period.since, -3), period.since - timedelta(days=1))
    if preset in ("this-month", "this-quarter"):
        months = 1 if preset == "this-month" else 3
        start = add_months(period.since, -months)
        elapsed = (period.until - period.since).days
        return Period(start, min(start + timedelta(days=elapsed), period.since - timedelta(days=1)))
    days = (period.until - period.since).days + 1
    return Period(period.since - timedelta(days=days), period.since - timedelta(days=1))


def previous_label(preset: str, period: Period) -> str:
    """How the comparison reads next to a figure, short enough for a KPI card: "vs prior 30 days" …"""
    labels = {
        "last-month": "vs prior month",
        "last-quarter": "vs prior quarter",
        "this-month": "vs same days last month",
        "this-quarter": "vs same days last quarter",
    }
    if preset in labels:
        return labels[preset]
    days = period.days
    return "" if days is None else f"vs prior {days} day{'' if days == 1 else 's'}"


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def week_starts(since: date, until: date) -> list[date]:
    """The Mondays of every week that has a day in [since, until], in order.

    >>> week_starts(date(2026, 3, 4), date(2026, 3, 16))
    [datetime.date(2026, 3, 2), datetime.date(2026, 3, 9), datetime.date(2026, 3, 16)]
    """
    first, last = week_start(min(since, until)), week_start(max(since, until))
    return [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]
