"""SQL building blocks shared by the store's reads and writes, the same on SQLite and PostgreSQL: the time a
mention counts at, periods of whole UTC days, a time's UTC day and fixed windows, the spam filter, upserts and
id lists cut to the size both backends accept.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Float, Integer, and_, cast, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from store.models import Author, Mention

CHUNK = 5000  # ids per IN list (SQLite and PostgreSQL both bound the number of parameters)


def chunks(values: Iterable[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    """The distinct ``values`` in sorted order, ``size`` at a time (for ``IN`` lists)."""
    items = sorted(set(values))
    for lo in range(0, len(items), size):
        yield items[lo : lo + size]


def dialect_insert(session: Session, table: Any) -> Any:
    """An ``INSERT`` of the session's dialect, so ``on_conflict_do_update`` / ``do_nothing`` upserts work."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"upserts are written for SQLite and PostgreSQL, not {dialect}")


def mention_time() -> Any:
    """When a mention counts: its published time, else when it was first seen."""
    return func.coalesce(Mention.published_at, Mention.first_seen_at)


def mention_reach() -> Any:
    """How many people a mention reached: its author's followers (0 when unknown) + its likes + replies. The
    one formula of reach shared by the drivers, the reach alert and the Negative feed's sorts; the statement
    must outer-join ``author`` on ``mention.author_id``."""
    return func.coalesce(Author.followers, 0) + Mention.likes + Mention.replies


def not_spam() -> ColumnElement[bool]:
    """A mention not labeled spam (an unlabeled one counts as not spam)."""
    return func.coalesce(Mention.is_spam, False).is_(False)


def _bounds(since: date | datetime | None, until: date | datetime | None) -> tuple[Any, Any]:
    """Dates are whole days: ``until`` is inclusive of its whole day."""
    lo: Any = since
    hi: Any = until
    if isinstance(since, date) and not isinstance(since, datetime):
        lo = datetime.combine(since, time.min, tzinfo=UTC)
    if isinstance(until, date) and not isinstance(until, datetime):
        hi = datetime.combine(until, time.max, tzinfo=UTC)
    return lo, hi


def period_filter(col: Any, since: Any, until: Any) -> ColumnElement[bool]:
    """``col`` within [since, until]; dates are whole UTC days, None leaves that side open."""
    lo, hi = _bounds(since, until)
    conds = []
    if lo is not None:
        conds.append(col >= lo)
    if hi is not None:
        conds.append(col <= hi)
    return and_(True, *conds)


def day_of(session: Session, col: Any) -> Any:
    """The UTC day of a time column as YYYY-MM-DD text, the same on both backends."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", col), "YYYY-MM-DD")
    return func.strftime("%Y-%m-%d", col)


def time_bucket(session: Session, col: Any, seconds: int) -> Any:
    """floor(epoch seconds of ``col`` / ``seconds``): the same integer window number on both backends.

    PostgreSQL: ``date_part`` (a double; ``extract`` gives a slower numeric) and ``floor`` (a cast to integer
    would round, putting a time in the second half of a window into the next one). SQLite: integer division
    of whole epoch seconds, which floors for times after 1970.
    """
    if session.get_bind().dialect.name == "postgresql":
        return func.floor(func.date_part("epoch", col, type_=Float) / float(seconds))
    return cast(func.strftime("%s", col), Integer) // seconds
