"""The dashboard's view in its link: the period (``period``, and ``from`` / ``to`` for a custom range), the
Overview's brand (``brand``) and comparison group (``group``) are query parameters, so a copied link opens
the same view.

A widget takes its value from the link on the session's first run of its page (``seed``); after that the
widget rules and every run writes the view back (``publish``), leaving out values that are the defaults, so
the default view's link stays bare. Values in a link are checked like any input: an unknown brand, preset or
date is ignored and the default is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import streamlit as st

PERIOD, FROM, TO, BRAND, GROUP = "period", "from", "to", "brand", "group"
# The Overview's "compared with every brand" choice in a link (a group name cannot be empty, so "*" is taken
# to mean all).
ALL_GROUPS = "*"


MIN_YEAR, MAX_YEAR = 1970, 2099


def parse_date(raw: str | None) -> date | None:
    """An ISO date from a link within the years data can have (as imports accept), or None.

    >>> parse_date("2026-03-01"), parse_date("yesterday"), parse_date("0001-01-01")
    (datetime.date(2026, 3, 1), None, None)
    """
    try:
        parsed = date.fromisoformat(raw) if raw else None
    except ValueError:
        return None
    # A year like 0001 would overflow the previous period's arithmetic: such a link opens the default view.
    return parsed if parsed is not None and MIN_YEAR <= parsed.year <= MAX_YEAR else None


def link_value(param: str) -> str | None:
    """The link's value of ``param`` (the last one when repeated), or None."""
    value = st.query_params.get(param)
    return value if isinstance(value, str) and value else None


def seed(key: str, param: str, parse: Callable[[str], Any | None], default: Any) -> None:
    """Give widget ``key`` its first value: from the link's ``param`` when ``parse`` accepts it (returns
    non-None), else ``default``. Does nothing once the widget has a value this session."""
    if key in st.session_state:
        return
    raw = link_value(param)
    parsed = parse(raw) if raw is not None else None
    st.session_state[key] = default if parsed is None else parsed


def publish(params: Mapping[str, str | None]) -> None:
    """Write the view into the link: a value sets its parameter, None (the default) removes it."""
    for name, value in params.items():
        if value is None:
            if name in st.query_params:
                del st.query_params[name]
        elif st.query_params.get(name) != value:
            st.query_params[name] = value
