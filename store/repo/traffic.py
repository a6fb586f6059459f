"""Attribution data from the user's files: web-analytics rows (UTM-tagged sessions, conversions, revenue per
day) and promo-code redemptions per day. Stored as given; they are mapped to campaigns and influencers at
query time (``store.kpi.attributed``), so a changed mapping needs no re-import."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlmodel import Session

from store.models import CodeRedemption, WebTraffic
from store.sql import dialect_insert


@dataclass(frozen=True)
class TrafficRow:
    """One day of one source / medium / campaign / content of a web-analytics export ('' when not given)."""

    day: date
    source: str
    medium: str
    campaign: str
    content: str
    sessions: int
    conversions: int
    revenue: float


@dataclass(frozen=True)
class CodeRow:
    """One promo code's orders and revenue on one day."""

    code: str
    day: date
    orders: int
    revenue: float


def day_start(day: date) -> datetime:
    """Midnight UTC of ``day``: how a day is stored in ``web_traffic`` and ``code_redemption``."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def upsert_web_traffic(session: Session, *, rows: Sequence[TrafficRow]) -> int:
    """Store traffic rows, unique on day + source + medium + campaign + content; a re-import replaces the
    figures (a corrected export wins) and never duplicates."""
    if not rows:
        return 0
    values = [
        {
            "day": day_start(r.day),
            "source": r.source,
            "medium": r.medium,
            "campaign": r.campaign,
            "content": r.content,
            "sessions": r.sessions,
            "conversions": r.conversions,
            "revenue": r.revenue,
        }
        for r in rows
    ]
    stmt = dialect_insert(session, WebTraffic.__table__).values(values)
    ex = stmt.excluded
    stmt = stmt.on_conflict_do_update(
        index_elements=["day", "source", "medium", "campaign", "content"],
        set_={"sessions": ex.sessions, "conversions": ex.conversions, "revenue": ex.revenue},
    )
    session.execute(stmt)
    return len(values)


def upsert_code_redemptions(session: Session, *, rows: Sequence[CodeRow]) -> int:
    """Store redemption rows, unique on code + day; a re-import replaces the figures."""
    if not rows:
        return 0
    values = [
        {"code": r.code, "day": day_start(r.day), "orders": r.orders, "revenue": r.revenue} for r in rows
    ]
    stmt = dialect_insert(session, CodeRedemption.__table__).values(values)
    ex = stmt.excluded
    stmt = stmt.on_conflict_do_update(
        index_elements=["code", "day"], set_={"orders": ex.orders, "revenue": ex.revenue}
    )
    session.execute(stmt)
    return len(values)
