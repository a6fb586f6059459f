"""Cached reads behind the campaign phases and the A/B comparison (``views/campaigns.py``,
``views/compare.py``): thin wrappers over ``store.kpi.phases`` and ``store.kpi.ab``, with the ``[campaigns]``
settings of brandpulse.toml. No SQL and no formulas here."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from store.db import session_scope
from store.kpi import ab, attributed, phases, voice
from ui.dashboard.queries import TTL_SECONDS, app_config

# Tooltips: the formulas behind the phase table and the comparison (README "Metrics").
PHASE_HELP = (
    "Windows of whole UTC days: before ends the day before the campaign's first start, after starts the day "
    "after its last end; each as long as the campaign unless [campaigns] before_days / after_days say "
    "otherwise. Figures as on the Overview: mentions, share of voice within the comparison set, net "
    "sentiment (P − N) / (P + N + U) × 100, QW net sentiment Σ q_c·s_c / Σ q_c × 100, QWE Σ s_p × E_p of the "
    "brand's posts published in the window. Change = window − before (points for shares and sentiment)."
)
AB_HELP = (
    "ER and QW-ER: mean over posts of E / F × 100 and QWE / F × 100, with a percentile bootstrap interval "
    "(2,000 resamples of the posts, fixed seed). CPE: Σ cost / Σ E, bootstrap. CTR: Σ clicks / Σ impressions "
    "× 100 and conversion rate: Σ conversions / Σ clicks × 100, Wilson intervals; their differences, "
    "Newcombe's interval. A difference is significant when its interval excludes 0."
)


def phase_settings() -> tuple[int | None, int | None]:
    """``[campaigns] before_days`` and ``after_days`` (None: as long as the campaign)."""
    cfg = app_config()
    return (None, None) if cfg is None else (cfg.campaigns.before_days, cfg.campaigns.after_days)


def attribution_rules() -> attributed.AttributionRules:
    """The traffic and code mapping of ``[campaigns]`` (none without a configuration)."""
    cfg = app_config()
    return attributed.NO_RULES if cfg is None else cfg.campaigns.rules()


def _zone() -> ZoneInfo:
    """``[ui] timezone``: posting-time buckets are hours there, as in ``brandpulse compare``."""
    cfg = app_config()
    return ZoneInfo("UTC" if cfg is None else cfg.ui.timezone)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def campaign_spans(url: str, brand: str) -> list[phases.CampaignSpan]:
    with session_scope(url) as session:
        return phases.campaign_spans(session, brand=brand)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def campaign_phases(
    url: str, brand: str, span: phases.CampaignSpan, before_days: int | None, after_days: int | None
) -> phases.CampaignPhases:
    with session_scope(url) as session:
        return phases.campaign_phases(
            session, brand=brand, span=span, before_days=before_days, after_days=after_days
        )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def daily_mentions(url: str, brand: str, since: date, until: date) -> pd.DataFrame:
    """Per day of [since, until]: the brand's labelled non-spam mentions and net sentiment (every day, 0 when
    none)."""
    with session_scope(url) as session:
        points = voice.net_sentiment_by_day(session, brands=[brand], since=since, until=until)
    days = pd.DataFrame({"day": pd.date_range(since, until, freq="D").strftime("%Y-%m-%d")})
    got = pd.DataFrame(
        [(p.day, p.positive + p.negative + p.neutral, p.net_sentiment) for p in points],
        columns=["day", "mentions", "net_sentiment"],
    )
    out = days.merge(got, on="day", how="left")
    out["mentions"] = out["mentions"].fillna(0).astype(int)
    return out


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def ab_groups(url: str, brand: str, by: str, since: date | None, until: date | None) -> list[str]:
    """Every group of ``by`` among the brand's campaign posts in the period."""
    with session_scope(url) as session:
        units = ab.campaign_units(session, brand=brand, since=since, until=until)
    return sorted({g for u in units if (g := ab.group_of(u, by, _zone())) is not None})


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def ab_compare(
    url: str, brand: str, by: str, groups: tuple[str, ...], since: date | None, until: date | None
) -> ab.ABResult:
    rules = attribution_rules()  # conversions as the Campaigns page counts them
    with session_scope(url) as session:
        units = ab.campaign_units(session, brand=brand, since=since, until=until, attribution=rules)
    return ab.compare_groups(units, brand=brand, by=by, groups=list(groups), tz=_zone())
