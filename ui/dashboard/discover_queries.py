"""Cached reads behind the Discover page: the creators of a brand's category (``store.kpi.influencers``) and
the brand's target markets from ``brandpulse.toml``. No SQL and no formulas here."""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd
import streamlit as st

from store.db import session_scope
from store.kpi.influencers import InfluencerScore, discover_influencers
from ui.dashboard.queries import TTL_SECONDS, app_config


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def influencers(
    url: str,
    brand: str,
    since: date | None,
    until: date | None,
    languages: tuple[str, ...],
    regions: tuple[str, ...],
    sort: str,
) -> pd.DataFrame:
    """``discover_influencers`` as a frame, one row per creator (``InfluencerScore``'s fields); ``flags``
    joined with commas and ``creator`` = handle (platform), for display."""
    with session_scope(url) as session:
        rows = discover_influencers(
            session, brand=brand, since=since, until=until, languages=languages, regions=regions, sort=sort
        )
    columns = [f.name for f in dataclasses.fields(InfluencerScore)]
    frame = pd.DataFrame([dataclasses.asdict(r) for r in rows], columns=columns)
    frame["flags"] = frame["flags"].map(", ".join) if len(frame) else pd.Series(dtype=str)
    frame["creator"] = frame["author"] + " (" + frame["platform"] + ")"
    return frame


def brand_markets(brand: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The brand's target languages and regions from ``brandpulse.toml`` (none when it is not configured
    there, or the configuration cannot be read here)."""
    try:
        cfg = app_config()  # the dashboard's one reader of the configuration
    except ValueError:
        return (), ()
    if cfg is None:
        return (), ()
    for b in cfg.brands:
        if b.name == brand:
            return tuple(b.markets), tuple(b.regions)
    return (), ()
