""" "No data" as its own answer: the rules found nothing to judge, which is not the same as all quiet.

An empty store, a store without brands, or a brand with no non-spam mention in the last 24 h cannot have a
spike, so "no alerts" would claim a calm the data does not show (a crawler that stopped looks exactly like
a quiet week). ``no_data`` lists those cases; the CLI and the Alerts page report them instead of "within the
usual range".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from store.alerts.rules import DAY
from store.models import Brand, Mention, MentionBrand
from store.sql import mention_time, not_spam
from store.timeutil import as_utc, utcnow

EMPTY_STORE, NO_BRANDS, NO_RECENT = "empty_store", "no_brands", "no_recent_mentions"


@dataclass(frozen=True)
class NoData:
    """Something the alert rules had no data for: the whole store (``brand`` None) or one brand."""

    reason: str  # empty_store | no_brands | no_recent_mentions
    brand: str | None = None
    newest: datetime | None = None  # the brand's newest non-spam mention up to now (None: never one)

    @property
    def message(self) -> str:
        """One sentence for people: ``"No data for Aqua Veil: no mentions in the last 24 h (newest ...)"``."""
        if self.reason == EMPTY_STORE:
            return "No data: the database holds no mentions yet, so nothing can be checked."
        if self.reason == NO_BRANDS:
            return "No data: no brands are configured, so no brand can be checked."
        newest = f"newest {self.newest:%Y-%m-%d %H:%M} UTC" if self.newest else "none ever stored"
        return f"No data for {self.brand}: no mentions in the last 24 h ({newest})."

    def to_dict(self) -> dict[str, str | None]:
        """A JSON-ready dict (the time as ISO 8601)."""
        newest = self.newest.isoformat() if self.newest else None
        return {"reason": self.reason, "brand": self.brand, "newest": newest, "message": self.message}


def no_data(session: Session, *, now: datetime | None = None) -> list[NoData]:
    """What the rules could not judge as of ``now``: the whole store when it holds no mentions or no brands,
    else each brand without a non-spam mention in the last 24 h (by name)."""
    now = as_utc(now) or utcnow()
    if session.execute(select(Mention.id).limit(1)).first() is None:
        return [NoData(EMPTY_STORE)]
    brands = list(session.execute(select(Brand.name).order_by(Brand.name)).scalars())
    if not brands:
        return [NoData(NO_BRANDS)]
    t = mention_time()
    linked = (
        select(Brand.name)
        .select_from(Brand)
        .join(MentionBrand, MentionBrand.brand_id == Brand.id)
        .join(Mention, Mention.id == MentionBrand.mention_id)
        .where(not_spam())
    )
    # The last 24 h first (a range on the mention-time index); the newest time only for the brands without.
    recent = set(session.execute(linked.where(t > now - DAY, t <= now).distinct()).scalars())
    out = []
    for name in brands:
        if name not in recent:
            newest = session.execute(
                linked.with_only_columns(func.max(t)).where(Brand.name == name, t <= now)
            )
            out.append(NoData(NO_RECENT, name, as_utc(newest.scalar())))
    return out
