"""A brand's headline figures without the mentions it gets only from a thread (``brandpulse kpi
--exclude-thread``).

A comment that names no brand counts for its post's brands, marked from thread (``mention_brand.from_thread``,
``store/repo/brands.py``). A PR person may want the figures of what people said about the brand by name only:
these are the report's voice figures (``store.kpi.report.brand_report``) counted that way. Raw engagement,
QWE and campaigns are figures of the brand's posts, which no thread link changes.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from store.kpi.quality import DEFAULT_LOW_EFFORT_WEIGHT, qw_net_sentiment
from store.kpi.voice import comparison_set, share_of_voice

# The report's keys these figures replace.
THREAD_SENSITIVE_FIGURES = (
    "mentions",
    "spam_mentions",
    "spam_rate",
    "sov",
    "sov_engagement",
    "sov_reach",
    "positive_pct",
    "negative_pct",
    "net_sentiment",
    "net_sentiment_sov",
    "qw_net_sentiment",
)


def named_only_figures(
    session: Session,
    *,
    brand: str,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    low_effort_weight: float = DEFAULT_LOW_EFFORT_WEIGHT,
) -> dict[str, Any]:
    """The brand's voice figures (``THREAD_SENSITIVE_FIGURES``) over the mentions that name it, its
    comparison set counted the same way; raises KeyError for an unknown brand."""
    group = comparison_set(session, brand)
    voices = share_of_voice(session, brands=group, since=since, until=until, exclude_thread=True)
    voice = {v.brand: v for v in voices}[brand]
    figures = {key: getattr(voice, key) for key in THREAD_SENSITIVE_FIGURES if key != "qw_net_sentiment"}
    figures["qw_net_sentiment"] = qw_net_sentiment(
        session,
        brand=brand,
        since=since,
        until=until,
        low_effort_weight=low_effort_weight,
        exclude_thread=True,
    )
    return figures
