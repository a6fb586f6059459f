"""UTC time: the store keeps every time as timezone-aware UTC.

- :func:`utcnow`: the current time, aware UTC.
- :func:`as_utc`: a time read back (SQLite returns naive datetimes, and everything stored is UTC), or a time
  given without a zone, as aware UTC.
- :func:`aware_as_utc`: a time about to be written; it must carry its zone (SQLite would keep a non-UTC
  wall-clock time as it is), so a naive one is an error, not a guess.

>>> as_utc(datetime(2026, 3, 1, 12, 0))
datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.timezone.utc)
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """The current time as aware UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime | None, tz: tzinfo | str | None = None) -> datetime | None:
    """``value`` as aware UTC; a naive time is taken in ``tz`` (a zone or its IANA name; UTC when not
    given). None stays None."""
    if value is None:
        return None
    if value.tzinfo is None:
        zone = UTC if tz is None else ZoneInfo(tz) if isinstance(tz, str) else tz
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def aware_as_utc(value: datetime | None) -> datetime | None:
    """An aware ``value`` converted to UTC, for storing; a naive time or a non-datetime raises ValueError."""
    if value is None:
        return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValueError(f"published_at must be an aware datetime, not {value!r}")
    return value.astimezone(UTC)
