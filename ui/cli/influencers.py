"""``brandpulse influencers``: discover and vet the creators who talk about a brand's category."""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from typing import Annotated, Any

import typer

from store.kpi.influencers import SORT_KEYS
from ui.cli.common import (
    ConfigOpt,
    empty_store_note,
    fail,
    load_config_or_exit,
    parse_period,
    prepare_db,
    sync_brands,
    unknown_brand,
)

SortBy = StrEnum("SortBy", {key: key for key in SORT_KEYS})  # type: ignore[misc]

# The table's columns: (figure, header, format).
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("followers", "followers", "count"),
    ("posts", "posts", "count"),
    ("relevance", "relevance", "pct"),
    ("qw_er", "QW-ER", "pct"),
    ("er", "ER", "pct"),
    ("inflation", "inflation", "ratio"),
    ("audience_fit", "audience fit", "pct"),
    ("follower_growth_pct_week", "growth/wk", "pct"),
    ("posts_per_week", "posts/wk", "num"),
    ("active_weeks_pct", "weeks active", "pct"),
    ("negative_share", "negative", "pct"),
    ("spam_share", "spam", "pct"),
    ("score", "score", "num"),
)


def influencers(
    brand: Annotated[str, typer.Option(help="the brand whose category (competitor group) to search")],
    since: Annotated[str | None, typer.Option(help="YYYY-MM-DD, inclusive")] = None,
    until: Annotated[str | None, typer.Option(help="YYYY-MM-DD, inclusive")] = None,
    sort: Annotated[SortBy, typer.Option(case_sensitive=False, help="rank by this figure")] = SortBy("score"),  # type: ignore[assignment]
    limit: Annotated[int | None, typer.Option(min=1, help="at most this many creators")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object")] = False,
    config: ConfigOpt = None,
) -> None:
    """Creators who post about the brand's category, ranked: relevance, quality-weighted engagement rate,
    inflation, audience fit with the brand's markets, follower growth, consistency and brand safety."""
    from store.db import session_scope
    from store.kpi.influencers import INFLUENCER_FORMULAS, NOT_SHOWN, discover_influencers
    from store.kpi.voice import comparison_set
    from ui.cli.report import json_text

    d_since, d_until = parse_period(since, until)
    cfg = load_config_or_exit(config)
    url = cfg.database_url
    prepare_db(url)
    sync_brands(url, cfg)
    configured = next((b for b in cfg.brands if b.name == brand), None)
    languages = list(configured.markets) if configured else []
    regions = list(configured.regions) if configured else []
    try:
        with session_scope(url) as session:
            category = comparison_set(session, brand)
            found = discover_influencers(
                session,
                brand=brand,
                since=d_since,
                until=d_until,
                languages=languages,
                regions=regions,
                sort=str(sort.value),
                limit=limit,
            )
    except KeyError:
        raise unknown_brand(brand, url, config, cfg) from None
    except ValueError as exc:
        raise fail(str(exc)) from None
    notes = [empty_store_note(url, config, cfg)]
    if not languages:
        notes.append(
            f'{brand} has no target markets: set markets = ["vi", "en"] under its [[brands]] entry '
            "for audience fit"
        )
    for note in filter(None, notes):  # on stderr: --json stays one JSON object
        typer.echo(note, err=True)
    report: dict[str, Any] = {
        "brand": brand,
        "since": d_since.isoformat() if d_since else None,
        "until": d_until.isoformat() if d_until else None,
        "category": category,
        "markets": {"languages": languages, "regions": regions},
        "sort": str(sort.value),
        "influencers": [dataclasses.asdict(s) for s in found],
        "formulas": INFLUENCER_FORMULAS,
        "not_shown": NOT_SHOWN,
    }
    if as_json:
        typer.echo(json_text(report))
        return
    _print_table(report)


def cell(value: object, fmt: str) -> str:
    """One figure as shown: ``12.50 %``, ``1.43×``, ``1,200``; an empty figure is ``-``.

    >>> cell(12.5, "pct"), cell(1.4286, "ratio"), cell(1200, "count"), cell(None, "pct")
    ('12.50 %', '1.43×', '1,200', '-')
    """
    if value is None:
        return "-"
    if fmt == "pct":
        return f"{value:,.2f} %"
    if fmt == "ratio":
        return f"{value:,.2f}×"
    if fmt == "count":
        return f"{value:,}"
    return f"{value:,.2f}"


def _print_table(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    period = f"{report['since'] or 'start'} .. {report['until'] or 'now'}"
    title = f"Creators for {report['brand']}'s category ({', '.join(report['category'])}), {period}"
    table = Table(title=Text(title), title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("creator", overflow="fold")
    for _, header, _ in COLUMNS:
        table.add_column(header, justify="right", overflow="fold")
    table.add_column("flags", overflow="fold")
    for row in report["influencers"]:
        # Handles are user data: Text, so markup in a name is shown, never rendered.
        who = Text(f"{row['author']} ({row['platform']})")
        cells = [cell(row[key], fmt) for key, _, fmt in COLUMNS]
        table.add_row(str(row["rank"]), who, *cells, Text(", ".join(row["flags"])))
    console = Console(width=max(Console().width, 200) if not Console().is_terminal else None)
    console.print(table)
    if not report["influencers"]:
        console.print("no creator posted about this category in the period")
    console.print(Text(report["not_shown"]))
