"""The reach rule: a new negative mention that many people saw.

A mention alerts when, in the last 24 h (its published time, else when it was first seen), it is not spam,
gives the brand a negative sentiment (``store.brand_sentiment``) and its reach, author followers + likes +
replies (as the drivers and the Negative feed rank mentions), is at least ``AlertSettings.reach_threshold``.
Each (mention, brand) is one alert, about that mention: it is announced once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from store.alerts.rules import (
    DAY,
    DEFAULT_SETTINGS,
    MENTION,
    NEGATIVE_REACH,
    Alert,
    AlertMention,
    AlertSettings,
)
from store.brand_sentiment import brand_sentiment
from store.models import Author, Brand, Mention, MentionBrand
from store.sql import mention_reach, mention_time, not_spam
from store.timeutil import as_utc, utcnow

# At most this many reach alerts per evaluation, the widest first: in a crisis the cool-down folds the rest
# into their brand's open alert anyway.
MAX_REACH_ALERTS = 100


def negative_reach_alerts(
    session: Session, *, now: datetime | None = None, settings: AlertSettings = DEFAULT_SETTINGS
) -> list[Alert]:
    """Negative non-spam mentions of the last 24 h (up to ``now``) whose reach is at least
    ``settings.reach_threshold``, one alert per mention and brand, the widest reach first."""
    now = as_utc(now) or utcnow()
    start = now - DAY
    t = mention_time()
    followers = func.coalesce(Author.followers, 0)
    engagement = Mention.likes + Mention.replies
    reach = mention_reach()
    stmt = (
        select(Brand.name, Mention.id, Mention.platform, t, Mention.text, Mention.url, followers, engagement)
        .select_from(Mention)
        .join(MentionBrand, MentionBrand.mention_id == Mention.id)
        .join(Brand, Brand.id == MentionBrand.brand_id)
        .outerjoin(Author, Author.id == Mention.author_id)
        .where(not_spam(), brand_sentiment() == "negative", t > start, t <= now)
        .where(reach >= settings.reach_threshold)
        .order_by(reach.desc(), t.desc(), Mention.id, Brand.name)
        .limit(MAX_REACH_ALERTS)
    )
    alerts = []
    for brand, mention_id, platform, at, text, url, n_followers, n_engagement in session.execute(stmt).all():
        published = as_utc(at)
        total = int(n_followers) + int(n_engagement)
        when = published.strftime("%Y-%m-%d %H:%M UTC") if published else "at an unknown time"
        alerts.append(
            Alert(
                kind=MENTION,
                metric=NEGATIVE_REACH,
                brand=brand,
                source=platform,
                value=float(total),
                threshold=float(settings.reach_threshold),
                window_start=start,
                window_end=now,
                drivers=(
                    AlertMention(
                        mention_id=int(mention_id),
                        platform=platform,
                        published_at=published,
                        text=text or "",
                        url=url,
                        engagement=int(n_engagement),
                        sentiment="negative",
                        followers=int(n_followers),
                    ),
                ),
                # No mention text or author here: this sentence is kept in the alert history.
                detail=f"A negative mention (#{mention_id}) on {platform}, {when}, reached {total:,} "
                f"({int(n_followers):,} author followers + {int(n_engagement):,} likes and replies; alert at "
                f"{settings.reach_threshold:,}).",
                about=f"mention {mention_id}",
            )
        )
    return alerts
