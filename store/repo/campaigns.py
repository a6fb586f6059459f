"""Campaign results from the user's files: one row per influencer post, joined to the stored post, whose
mentions then belong to the campaign's brand."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from store import rollups
from store.models import CAMPAIGN_COLUMNS, CAMPAIGN_KEY, Campaign, Post
from store.repo.brands import brand_ids, link_posts_to_campaign_brands
from store.sql import dialect_insert
from store.timeutil import aware_as_utc

# Columns a re-import refreshes: all but the id and the key a row is unique on.
REFRESHED_COLUMNS = tuple(c for c in CAMPAIGN_COLUMNS if c != "id" and c not in CAMPAIGN_KEY)


@dataclass(frozen=True)
class CampaignRow:
    """One influencer post of a campaign as the user's file gives it."""

    name: str
    brand: str
    influencer: str
    platform: str
    post_external_id: str | None
    post_url: str | None
    cost: float
    currency: str | None = None
    impressions: int | None = None
    clicks: int | None = None
    conversions: int | None = None
    revenue: float | None = None
    starts_on: datetime | None = None
    ends_on: datetime | None = None


def upsert_campaigns(session: Session, *, rows: Sequence[CampaignRow]) -> int:
    """Store campaign rows (unique per campaign, influencer and post), joined to stored posts where found.

    The joined posts belong to the campaign's brand, and so does every mention under them.
    """
    rollups.lock_for_write(session)
    names = brand_ids(session)
    values = []
    for r in rows:
        cond = (
            Post.external_id == r.post_external_id
            if r.post_external_id is not None
            else Post.url == r.post_url
        )
        found = session.execute(select(Post.id).where(Post.platform == r.platform, cond)).first()
        values.append(
            {
                "name": r.name,
                "brand_id": names[r.brand],
                "influencer": r.influencer,
                "platform": r.platform,
                "post_ref": r.post_external_id or r.post_url,
                "post_id": found[0] if found else None,
                "cost": r.cost,
                "currency": r.currency,
                "impressions": r.impressions,
                "clicks": r.clicks,
                "conversions": r.conversions,
                "revenue": r.revenue,
                "starts_on": aware_as_utc(r.starts_on),
                "ends_on": aware_as_utc(r.ends_on),
            }
        )
    if not values:
        return 0
    stmt = dialect_insert(session, Campaign.__table__).values(values)
    ex = stmt.excluded
    stmt = stmt.on_conflict_do_update(
        index_elements=list(CAMPAIGN_KEY), set_={c: getattr(ex, c) for c in REFRESHED_COLUMNS}
    )
    session.execute(stmt)
    post_ids_found = {v["post_id"] for v in values if v["post_id"] is not None}
    if post_ids_found:
        linked = link_posts_to_campaign_brands(session, post_ids=post_ids_found)
        rollups.refresh_after_write(session, mention_ids=linked)
    return len(values)
