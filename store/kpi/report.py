"""The brand report: every headline figure of a brand for a period in one dict (``brandpulse kpi --json``)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from store.kpi.attributed import AttributionRules
from store.kpi.campaigns import campaign_performance
from store.kpi.quality import DEFAULT_LOW_EFFORT_WEIGHT, engagement_by_brand, qw_net_sentiment
from store.kpi.response import DEFAULT_TARGET_HOURS, ResponseStats, response_report
from store.kpi.voice import comparison_set, share_of_voice


def brand_report(
    session: Session,
    *,
    brand: str,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    low_effort_weight: float = DEFAULT_LOW_EFFORT_WEIGHT,
    resolve_target_hours: float = DEFAULT_TARGET_HOURS,
    attribution: AttributionRules | None = None,
) -> dict[str, Any]:
    """Every headline figure of a brand for a period (what ``brandpulse kpi --json`` prints); ``pr`` holds the
    PR desk's response times (``store.kpi.response``) for the brand and per assignee; ``attribution``: the
    rules mapping web traffic and promo codes to the campaigns (``store.kpi.attributed``)."""
    group = comparison_set(session, brand)
    pr = response_report(session, brand=brand, since=since, until=until, target_hours=resolve_target_hours)
    voice = {v.brand: v for v in share_of_voice(session, brands=group, since=since, until=until)}[brand]
    (eng,) = engagement_by_brand(
        session, brands=[brand], since=since, until=until, low_effort_weight=low_effort_weight
    )
    return {
        "brand": brand,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "mentions": voice.mentions,
        "spam_mentions": voice.spam_mentions,
        "spam_rate": voice.spam_rate,
        "sov": voice.sov,
        "sov_engagement": voice.sov_engagement,
        "sov_reach": voice.sov_reach,
        "positive_pct": voice.positive_pct,
        "negative_pct": voice.negative_pct,
        "net_sentiment": voice.net_sentiment,
        "net_sentiment_sov": voice.net_sentiment_sov,
        "engagement": eng.engagement,
        "qwe": eng.qwe,
        "inflation": eng.inflation,
        "qw_net_sentiment": qw_net_sentiment(
            session, brand=brand, since=since, until=until, low_effort_weight=low_effort_weight
        ),
        "campaigns": [
            asdict(c)
            for c in campaign_performance(
                session,
                brand=brand,
                since=since,
                until=until,
                low_effort_weight=low_effort_weight,
                attribution=attribution,
            )
        ],
        "pr": {
            "target_hours": pr.target_hours,
            **asdict(pr.by_brand.get(brand) or _no_mentions()),
            "assignees": pr.as_dict()["assignees"],
        },
    }


def _no_mentions() -> ResponseStats:
    return ResponseStats(0, 0, 0, None, None, None, None, None)
