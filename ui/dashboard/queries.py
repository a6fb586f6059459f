"""Cached reads behind the dashboard pages: thin wrappers over the store's query functions.

Every function takes the database URL first so that caches of two databases never mix. Results are
DataFrames or small frozen records (pickled by ``st.cache_data``); no SQL and no metric formulas live here.
``clear_caches()`` runs after every write so the next render shows it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Literal

import pandas as pd
import streamlit as st

from store import alerts as alert_rules
from store import export, feed, feed_pages, kpi, repo
from store.db import database_url, ensure_schema, session_scope
from store.kpi.periods import CUSTOM
from store.models import TRIAGE_STATUSES
from store.timeutil import utcnow

TTL_SECONDS = 60

# Session-state keys of the sidebar's period: a preset of ``store.kpi.PRESETS`` and, for "custom", a range.
PERIOD_KEY = "period"
RANGE_KEY = "period_range"

SpamMode = Literal["exclude", "include", "only"]
SPAM_MODES: tuple[SpamMode, ...] = ("exclude", "include", "only")


def _records_frame(rows: Sequence[Any], record: type) -> pd.DataFrame:
    """Dataclass records as a frame, one column per field of ``record`` (the columns exist with no rows)."""
    columns = [f.name for f in dataclasses.fields(record)]
    return pd.DataFrame([dataclasses.asdict(r) for r in rows], columns=columns)


# ---------------------------------------------------------------- configuration and period


def app_database_url() -> str:
    """The URL in force: ``BRANDPULSE_DATABASE_URL``, else ``brandpulse.toml``, else the default.

    Raises ``ui.config.ConfigError`` for an invalid configuration file.
    """
    cfg = app_config()
    return database_url() if cfg is None else cfg.database_url


def app_config():  # type: ignore[no-untyped-def]
    """``brandpulse.toml`` as ``ui.config.load_config`` reads it, or None where that module cannot load."""
    try:
        from ui.config import load_config
    except ImportError:
        # ui.config needs nlp.match for brand-query validation; the dashboard still starts without it, with
        # the environment's or the default URL and the default alert thresholds.
        return None
    return load_config()


def current_url() -> str:
    """The URL the app resolved at the start of this run (``ui/dashboard/app.py`` keeps it in session
    state)."""
    return st.session_state.get("db_url") or app_database_url()


@st.cache_resource(show_spinner=False)
def ensure_ready(url: str) -> bool:
    """Create or upgrade the schema once per URL per server process."""
    ensure_schema(url)
    return True


def default_range(today: date | None = None) -> tuple[date, date]:
    """A custom range's first value: the last 30 days."""
    period = kpi.preset_period(kpi.DEFAULT_PRESET, today or utcnow().date())
    return period.since or period.until, period.until


def current_periods(today: date | None = None) -> tuple[str, kpi.Period, kpi.Period | None]:
    """The sidebar's preset, its period and the previous period it is compared with (None for all time);
    kept in session state by ``ui/dashboard/app.py``."""
    today = today or utcnow().date()
    preset = st.session_state.get(PERIOD_KEY, kpi.DEFAULT_PRESET)
    if preset not in kpi.PRESETS:
        preset = kpi.DEFAULT_PRESET
    since = until = None
    if preset == CUSTOM:
        # A range picker holds one date while the second is being chosen: a one-day range until then.
        dates = tuple(st.session_state.get(RANGE_KEY) or default_range(today))
        since, until = dates[0], dates[-1]
    period = kpi.preset_period(preset, today, since=since, until=until)
    return preset, period, kpi.previous_period(preset, period)


def current_period() -> tuple[date | None, date]:
    """The period chosen in the sidebar as (since, until) whole UTC days; ``since`` None = all time."""
    _, period, _ = current_periods()
    return period.since, period.until


def home_brand() -> str | None:
    """``home_brand`` of ``brandpulse.toml``: the brand the Overview opens on (None: the busiest)."""
    cfg = app_config()
    return None if cfg is None else cfg.home_brand


# ---------------------------------------------------------------- voice and engagement


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def brand_names(url: str) -> list[str]:
    """All stored brands, by name."""
    with session_scope(url) as session:
        return [b.name for b in repo.list_brands(session)]


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def comparison_set(url: str, brand: str) -> list[str]:
    """The brand and its competitors (its share-of-voice comparison set)."""
    with session_scope(url) as session:
        return kpi.comparison_set(session, brand)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def share_of_voice(
    url: str, brands: tuple[str, ...] | None, since: date | None, until: date | None
) -> pd.DataFrame:
    """``share_of_voice`` as a frame, one row per brand (columns = ``kpi.BrandVoice`` fields)."""
    with session_scope(url) as session:
        rows = kpi.share_of_voice(session, brands=brands, since=since, until=until)
    return _records_frame(rows, kpi.BrandVoice)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def engagement_by_brand(
    url: str, brands: tuple[str, ...] | None, since: date | None, until: date | None
) -> pd.DataFrame:
    """``engagement_by_brand`` as a frame (columns = ``kpi.BrandEngagement`` fields)."""
    with session_scope(url) as session:
        rows = kpi.engagement_by_brand(session, brands=brands, since=since, until=until)
    return _records_frame(rows, kpi.BrandEngagement)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def brand_groups(url: str) -> dict[str, str | None]:
    """Each stored brand's competitor group (None: none)."""
    with session_scope(url) as session:
        return kpi.brand_groups(session)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def group_comparison_set(url: str, brand: str, group: str | None) -> list[str]:
    """``brand`` and the brands of ``group`` (every brand for None)."""
    with session_scope(url) as session:
        return kpi.group_comparison_set(session, brand, group)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def headline(
    url: str, brand: str, peers: tuple[str, ...], period: kpi.Period, previous: kpi.Period | None
) -> tuple[kpi.Headline, kpi.Headline | None, dict[str, kpi.Change]]:
    """The brand's headline figures in ``period`` and ``previous`` (None without one), and their changes."""
    with session_scope(url) as session:
        now = kpi.brand_headline(session, brand=brand, peers=peers, period=period)
        before = kpi.brand_headline(session, brand=brand, peers=peers, period=previous) if previous else None
    return now, before, kpi.headline_changes(now, before)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def sentiment_by_week(url: str, brands: tuple[str, ...], period: kpi.Period) -> pd.DataFrame:
    """``sentiment_by_week`` as a frame (columns = ``kpi.WeekPoint`` fields, ``week`` as YYYY-MM-DD)."""
    with session_scope(url) as session:
        rows = kpi.sentiment_by_week(session, brands=brands, since=period.since, until=period.until)
    frame = _records_frame(rows, kpi.WeekPoint)
    frame["week"] = frame["week"].map(lambda d: d.isoformat())
    return frame


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def top_mentions(url: str, brand: str, sentiment: str, period: kpi.Period) -> list[kpi.DriverMention]:
    """The brand's ``sentiment`` mentions in the period with the widest reach."""
    with session_scope(url) as session:
        return kpi.top_mentions_by_reach(session, brand=brand, sentiment=sentiment, period=period)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def term_drivers(
    url: str, brand: str, sentiment: str, period: kpi.Period, previous: kpi.Period | None
) -> kpi.TermDrivers:
    """The top terms of the brand's ``sentiment`` mentions in the period, against the previous one."""
    with session_scope(url) as session:
        return kpi.term_drivers(session, brand=brand, sentiment=sentiment, period=period, previous=previous)


# ---------------------------------------------------------------- negative feed and triage


FEED_LIMIT = 200


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def negative_mentions(
    url: str,
    brand: str | None,
    statuses: tuple[str, ...],
    since: date | None = None,
    until: date | None = None,
    limit: int = FEED_LIMIT,
    order: str = "newest",
) -> list[feed.FeedMention]:
    """Non-spam negative mentions published in [since, until] (whole UTC days), the first ``limit`` in
    ``order`` (``feed.FEED_ORDERS``: newest first, or by the model's confidence)."""
    with session_scope(url) as session:
        return feed.negative_feed(
            session, brand=brand, statuses=statuses, since=since, until=until, limit=limit, order=order
        )


def save_triage_status(url: str, mention_id: int, status: str) -> None:
    """Write a triage status, then drop cached reads so every page shows it."""
    if status not in TRIAGE_STATUSES:
        raise ValueError(f"unknown triage status {status!r}")
    with session_scope(url) as session:
        repo.set_triage_status(session, mention_id=mention_id, status=status)
    clear_caches()


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def feed_page(
    url: str, flt: feed_pages.FeedFilter, sort: str, after: feed_pages.FeedCursor | None
) -> feed_pages.FeedPage:
    """One page of the Negative feed (``store.feed_pages``) with its true total."""
    with session_scope(url) as session:
        return feed_pages.feed_page(session, flt, sort=sort, after=after)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def feed_options(url: str) -> feed_pages.FeedOptions:
    """The sources, languages and assignees the feed's filters offer."""
    with session_scope(url) as session:
        return feed_pages.feed_options(session)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def triage_history(url: str, mention_ids: tuple[int, ...]) -> dict[int, list[repo.TriageChange]]:
    """The recorded triage changes of a page's mentions, oldest first."""
    with session_scope(url) as session:
        return repo.triage_history(session, mention_ids=mention_ids)


def save_triage(url: str, mention_ids: Sequence[int], by: str | None = None, **fields: Any) -> int:
    """Write triage fields (status, assignee, priority, note) of one card or a selection; returns how many
    changes were recorded. Drops cached reads so every page shows them."""
    with session_scope(url) as session:
        changes = repo.update_triage(session, mention_ids=mention_ids, by=by, **fields)
    clear_caches()
    return len(changes)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def response_report(
    url: str, brand: str | None, since: date | None, until: date | None, target_hours: float
) -> kpi.ResponseReport:
    """Response times of the PR desk (``store.kpi.response``)."""
    with session_scope(url) as session:
        return kpi.response_report(session, brand=brand, since=since, until=until, target_hours=target_hours)


def resolve_target_hours() -> float:
    """``[pr] resolve_target_hours`` of the configuration (the default without one)."""
    cfg = app_config()
    return kpi.DEFAULT_TARGET_HOURS if cfg is None else cfg.pr.resolve_target_hours


def save_correction(
    url: str,
    mention_id: int,
    task: str,
    label: str,
    corrected_by: str | None = None,
    note: str | None = None,
) -> None:
    """Record an analyst's label correction (``repo.record_correction``), then drop cached reads."""
    with session_scope(url) as session:
        repo.record_correction(
            session, mention_id=mention_id, task=task, label=label, corrected_by=corrected_by, note=note
        )
    clear_caches()


# ---------------------------------------------------------------- sources


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def sources(url: str, stuck_after_hours: float = feed.STUCK_RUN_HOURS) -> list[feed.SourceHealth]:
    """The last crawl run of each spider with its quarantine reasons."""
    with session_scope(url) as session:
        return feed.source_health(session, stuck_after_hours=stuck_after_hours)


# ---------------------------------------------------------------- explore and export


@dataclasses.dataclass(frozen=True)
class FilterOptions:
    platforms: tuple[str, ...]
    languages: tuple[str, ...]


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def filter_options(url: str) -> FilterOptions:
    """Platforms and languages present in the store, for the Explore filters."""
    with session_scope(url) as session:
        platforms, languages = export.facets(session)
    return FilterOptions(platforms=tuple(platforms), languages=tuple(languages))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def explore_frame(url: str, flt: export.ExportFilter, spam: SpamMode = "exclude") -> pd.DataFrame:
    """The export rows for ``flt``; ``spam`` = exclude / include / only spam mentions."""
    if spam not in SPAM_MODES:
        raise ValueError(f"spam must be one of {SPAM_MODES}, not {spam!r}")
    flt = dataclasses.replace(flt, include_spam=spam != "exclude", only_spam=spam == "only")
    with session_scope(url) as session:
        return export.export_frame(session, flt)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=12)
def export_file(url: str, flt: export.ExportFilter, spam: SpamMode, fmt: str) -> bytes:
    """The bytes of a download: ``explore_frame`` written by ``store.export.export_bytes``."""
    return export.export_bytes(explore_frame(url, flt, spam), fmt)


# ---------------------------------------------------------------- influencers & campaigns


# Tooltips of the campaign table and the post drill-down (KPIS.md: "Influencer and campaign performance").
CAMPAIGN_FORMULAS = {
    "posts": "campaign posts of this influencer published in the period (by post date, else campaign start)",
    "followers": "F = followers of the posting account (latest stored count)",
    "engagement": "E = Σ over the campaign's posts of likes + comments + shares + saves (raw)",
    "qwe": "QWE = Σ over posts of s_p × E_p; s_p = Σ comment weights q_c / stored comments C_p "
    "(1, unverified, when none are stored); q_c = (1 − p_spam) × author factor × duplicate (0/1) "
    "× low-effort weight",
    "er": "ER = E / F × 100 per post; the mean of per-post rates for the period",
    "qw_er": "QW-ER = QWE / F × 100 per post; the mean of per-post rates for the period",
    "cost": "Σ cost of the campaign rows; one row per currency, never added across currencies",
    "currency": "the currency of cost and revenue, as imported",
    "cpe": "CPE = cost / E",
    "cpe_qwe": "CPE on QWE = cost / QWE: what one real engagement cost (the honest CPE)",
    "cpm": "CPM = cost / impressions × 1000",
    "ctr": "CTR = clicks / impressions × 100 (per views where impressions are unknown)",
    "conversions": "conversions from attributed traffic and promo codes where [campaigns] maps them (UTM "
    "conversions + code orders), else the campaign file's",
    "conversion_rate": "conversion rate = conversions / clicks × 100 (per session on a campaign-level row)",
    "revenue": "revenue from attributed traffic and promo codes where [campaigns] maps them, else the "
    "campaign file's",
    "roi": "ROI = (revenue − cost) / cost × 100",
    "roas": "ROAS = revenue / cost",
    "post_engagement": "E_p = the post's likes + comments + shares + saves",
    "comments_stored": "C_p = comments of the post stored by brandpulse (a crawl may store only some)",
    "qualified_share": "s_p = Σ q_c / C_p: the share of the post's comments that look real "
    "(1, unverified, when none are stored)",
    "post_qwe": "QWE_p = s_p × E_p",
    "inflation": "inflation = raw E / QWE: how much the raw number overstates real engagement",
    "weight": "q_c = (1 − p_spam) × a × d × w: a = author factor (repeat text, bursts, cross-posting), "
    "d = 0 for a near-duplicate of an earlier comment on the post, w = low-effort weight",
    "reasons": "why a comment's weight is below 1: spam (p_spam ≥ 0.5), duplicate (repeat of an earlier "
    "comment on the post), low_effort (emoji-only, lone @mention, one word), repeat_text / burst / "
    "cross_post (the author posts the same text many times, in bursts, or across many posts)",
}


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def campaigns(url: str, brand: str, since: date | None, until: date | None) -> pd.DataFrame:
    """``campaign_performance`` as a frame, one row per (campaign, influencer): ``CampaignPerformance``;
    conversions and revenue from attributed traffic and codes where ``[campaigns]`` maps them."""
    cfg = app_config()
    rules = None if cfg is None else cfg.campaigns.rules()
    with session_scope(url) as session:
        rows = kpi.campaign_performance(session, brand=brand, since=since, until=until, attribution=rules)
    return _records_frame(rows, kpi.CampaignPerformance)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def campaign_posts(
    url: str, brand: str | None, since: date | None, until: date | None
) -> list[kpi.CampaignPost]:
    """The campaign rows of a brand (every brand for None) in the period, each with its post's figures."""
    with session_scope(url) as session:
        return kpi.campaign_posts(session, brand=brand, since=since, until=until)


def campaign_brands(url: str, since: date | None, until: date | None) -> list[str]:
    """Brands with campaign rows in the period, by name."""
    return sorted({p.brand for p in campaign_posts(url, None, since, until)})


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def comment_weights(url: str, post_id: int) -> pd.DataFrame:
    """``post_comment_weights`` as a frame; ``reasons`` joined with commas ("" = no discount)."""
    with session_scope(url) as session:
        rows = kpi.post_comment_weights(session, post_id=post_id)
    frame = _records_frame(rows, kpi.CommentWeight)
    frame["reasons"] = frame["reasons"].map(", ".join)
    return frame


# ---------------------------------------------------------------- alerts


def alert_settings() -> alert_rules.AlertSettings:
    """The thresholds of ``brandpulse.toml``'s [alerts] section (the defaults without one)."""
    cfg = app_config()
    return alert_rules.DEFAULT_SETTINGS if cfg is None else cfg.alerts.settings()


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def current_alerts(
    url: str,
    now: datetime,
    k: float | None = None,
    rules: tuple | None = None,  # type: ignore[type-arg]
) -> list[alert_rules.Alert]:
    """Every alert as of ``now`` (spikes, then source health) under ``rules`` (an ``AlertSettings`` as a
    tuple, hashable for the cache; default: the defaults), with ``k`` in place of its k when given."""
    settings = alert_rules.AlertSettings(*rules) if rules else alert_rules.DEFAULT_SETTINGS
    if k is not None:
        settings = dataclasses.replace(settings, k=k)
    with session_scope(url) as session:
        return alert_rules.current_alerts(session, now=now, settings=settings)


# ---------------------------------------------------------------- cache control


def clear_caches() -> None:
    """Drop every cached read (after a write). The schema flag in ``st.cache_resource`` stays."""
    st.cache_data.clear()
