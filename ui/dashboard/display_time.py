"""Times for display: the store keeps UTC; the dashboard shows times in the configured zone (``[ui] timezone``
in brandpulse.toml, an IANA name; UTC without one). Every page can use ``fmt_time`` and ``display_zone``.

>>> from datetime import UTC, datetime
>>> fmt_time(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), ZoneInfo("Asia/Seoul"))
'2026-03-10 21:00 KST'
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from store.timeutil import as_utc

MISSING = "—"


def display_zone() -> tzinfo:
    """The zone of ``[ui] timezone``; UTC when the configuration names none or cannot be read (the app shows
    a bad configuration's error itself)."""
    try:
        from ui.config import ConfigError, load_config
    except ImportError:  # ui.config needs nlp; the dashboard still starts without it
        return UTC
    try:
        name = load_config().ui.timezone
    except ConfigError:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def to_display(value: datetime, zone: tzinfo | None = None) -> datetime:
    """A stored time (aware, or naive UTC as SQLite returns it) in ``zone`` (default: ``display_zone()``)."""
    return (as_utc(value) or value).astimezone(zone or display_zone())


def fmt_time(value: datetime | None, zone: tzinfo | None = None) -> str:
    """``2026-03-10 21:00 KST``: a stored time in ``zone`` (default: ``display_zone()``), with the zone's
    abbreviation; ``—`` for None."""
    if value is None:
        return MISSING
    shown = to_display(value, zone)
    return shown.strftime("%Y-%m-%d %H:%M ") + (shown.tzname() or str(shown.tzinfo))


def zone_label(zone: tzinfo | None = None) -> str:
    """The zone's name for a caption: ``Asia/Seoul`` (``UTC`` for UTC)."""
    zone = zone or display_zone()
    return getattr(zone, "key", None) or str(zone)
