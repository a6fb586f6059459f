"""Campaign commands: ``import traffic`` and ``import codes`` (attribution data), ``phases`` (a brand's
figures before, during and after its campaigns) and ``compare`` (A/B comparisons of influencers, posts,
formats or posting times with confidence intervals)."""

from __future__ import annotations

from typing import Annotated

import typer

from ui.cli.collect import file_import
from ui.cli.common import (
    ConfigOpt,
    fail,
    load_config_or_exit,
    parse_period,
    prepare_db,
    sync_brands,
    unknown_brand,
)

import_traffic = file_import(
    "traffic",
    """Web-analytics traffic (GA4-style): date, source, medium, campaign, content, sessions, conversions,
    revenue. GA4's names ("Session source", "Session campaign", "Sessions", "Key events", "Total revenue")
    and utm_source / utm_medium / utm_campaign / utm_content are read as they are. Mapped to campaigns and
    influencers through \\[campaigns] utm_campaign and utm_content in the configuration.""",
)
import_codes = file_import(
    "codes",
    """Promo-code redemptions: code, date, orders, revenue. Mapped to influencers (and campaigns) through
    \\[\\[campaigns.codes]] prefixes in the configuration.""",
)


def _json(value: object) -> str:
    from ui.cli.report import json_text

    return json_text(value)


def phases(
    brand: Annotated[str, typer.Option(help="the brand")],
    campaign: Annotated[
        list[str] | None, typer.Option("--campaign", help="only this campaign (repeatable)")
    ] = None,
    before_days: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=366,
            help="days before the start (default: \\[campaigns] before_days, else as long as the campaign)",
        ),
    ] = None,
    after_days: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=366,
            help="days after the end (default: \\[campaigns] after_days, else as long as the campaign)",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object")] = False,
    config: ConfigOpt = None,
) -> None:
    """Mentions, share of voice, net sentiment, QW net sentiment and QWE of a brand before, during and after
    each of its campaigns, with the changes during − before and after − before."""
    from store.db import session_scope
    from store.kpi.phases import campaign_phases, campaign_spans

    cfg = load_config_or_exit(config)
    url = cfg.database_url
    prepare_db(url)
    sync_brands(url, cfg)
    before = before_days or cfg.campaigns.before_days
    after = after_days or cfg.campaigns.after_days
    try:
        with session_scope(url) as session:
            if brand not in {b for (b,) in session.execute(_brand_names())}:
                raise KeyError(brand)  # campaign_spans finds no campaign for a brand it does not know
            spans = campaign_spans(session, brand=brand)
            if campaign:
                missing = sorted(set(campaign) - {s.campaign for s in spans})
                if missing:
                    known = ", ".join(s.campaign for s in spans) or "none with dates"
                    raise fail(
                        f"brand {brand!r} has no campaign {missing[0]!r} with dates (campaigns: {known})"
                    )
                spans = [s for s in spans if s.campaign in campaign]
            results = [
                campaign_phases(session, brand=brand, span=s, before_days=before, after_days=after)
                for s in spans
            ]
    except KeyError:
        raise unknown_brand(brand, url, config, cfg) from None
    if as_json:
        typer.echo(_json({"brand": brand, "campaigns": [r.as_dict() for r in results]}))
        return
    if not results:
        typer.echo(
            f"{brand}: no campaign with a start or stored posts (import them: brandpulse import campaigns)"
        )
    for r in results:
        _print_phases(r)


def _print_phases(result) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ui.cli.report import figure_text

    # Brand and campaign names are user data: Text, so "[bold]" in a name is shown, never rendered.
    table = Table(title=Text(f"{result.brand} · {result.campaign} ({result.starts_on} – {result.ends_on})"))
    table.add_column("figure")
    for p in result.phases:
        table.add_column(f"{p.phase}\n{p.since} – {p.until}", justify="right")
    table.add_column("during − before", justify="right")
    table.add_column("after − before", justify="right")
    for key in ("mentions", "sov", "net_sentiment", "qw_net_sentiment", "qwe"):
        cells = [figure_text(key, getattr(p, key)) for p in result.phases]
        deltas = [result.during_vs_before[key].change, result.after_vs_before[key].change]
        table.add_row(key, *cells, *("-" if d is None else f"{d:+,.2f}" for d in deltas))
    Console(width=200).print(table)


def compare(
    brand: Annotated[str, typer.Option(help="the brand")],
    by: Annotated[str, typer.Option(help="influencer, post, format (platform/kind) or hour (posting time)")],
    group: Annotated[
        list[str] | None,
        typer.Option(
            "--group",
            "-g",
            help="a group to compare (repeatable; the first is the baseline); default: every group found",
        ),
    ] = None,
    since: Annotated[str | None, typer.Option(help="YYYY-MM-DD, inclusive")] = None,
    until: Annotated[str | None, typer.Option(help="YYYY-MM-DD, inclusive")] = None,
    hours: Annotated[
        str, typer.Option(help="posting-time buckets (--by hour): their start hours, in \\[ui] timezone")
    ] = "0,6,12,18",
    confidence: Annotated[float, typer.Option(min=0.5, max=0.999, help="confidence level")] = 0.95,
    seed: Annotated[int, typer.Option(help="the bootstrap's random seed")] = 21,
    resamples: Annotated[int, typer.Option(min=100, max=100_000, help="bootstrap resamples")] = 2000,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object")] = False,
    config: ConfigOpt = None,
) -> None:
    """A/B comparison of a brand's campaign posts on ER, QW-ER, CPE (bootstrap intervals over posts), CTR and
    conversion rate (Wilson intervals), each group against the first, with a verdict."""
    from zoneinfo import ZoneInfo

    from store.db import session_scope
    from store.kpi.ab import DIMENSIONS, campaign_units, compare_groups

    if by not in DIMENSIONS:
        raise fail(f"--by takes one of {', '.join(DIMENSIONS)}, not {by!r}")
    try:
        buckets = sorted({int(h) for h in hours.split(",") if h.strip()})
        if not buckets or not all(0 <= h < 24 for h in buckets):
            raise ValueError
    except ValueError:
        raise fail(
            f"--hours takes start hours 0-23 separated by commas, like 0,6,12,18, not {hours!r}"
        ) from None
    d_since, d_until = parse_period(since, until)
    cfg = load_config_or_exit(config)
    url = cfg.database_url
    prepare_db(url)
    sync_brands(url, cfg)
    with session_scope(url) as session:
        if brand not in {b for (b,) in session.execute(_brand_names())}:
            raise unknown_brand(brand, url, config, cfg)
        units = campaign_units(
            session, brand=brand, since=d_since, until=d_until, attribution=cfg.campaigns.rules()
        )
    result = compare_groups(
        units,
        brand=brand,
        by=by,
        groups=group,
        tz=ZoneInfo(cfg.ui.timezone),
        buckets=buckets,
        confidence=confidence,
        resamples=resamples,
        seed=seed,
    )
    if as_json:
        typer.echo(_json(result.as_dict()))
        return
    if not units:
        typer.echo(f"{brand}: no campaign posts stored in this period (brandpulse import campaigns / posts)")
        return
    for g in result.groups:
        parts = []
        for key, e in g.estimates.items():
            interval = "" if e.low is None else f" [{e.low:,.2f}, {e.high:,.2f}]"
            parts.append(f"{key} {'-' if e.value is None else f'{e.value:,.2f}'}{interval}")
        typer.echo(f"{g.group} ({g.posts} posts): " + "; ".join(parts))
    for c in result.comparisons:
        typer.echo(f"  {c.metric}: {c.verdict}")


def _brand_names():  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from store.models import Brand

    return select(Brand.name)
