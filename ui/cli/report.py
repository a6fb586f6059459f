"""Commands that read the stored data out: ``export``, ``kpi`` and ``alerts``."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Annotated

import typer

from store.timeutil import utcnow
from ui.cli.common import ConfigOpt, fail, load_config_or_exit, parse_date, prepare_db, sync_brands

PSEUDONYM_SALT_ENV = "BRANDPULSE_PSEUDONYM_SALT"


def pseudonym_salt() -> str:
    """The secret salt of pseudonymised authors, from the environment (never written into an export)."""
    salt = os.environ.get(PSEUDONYM_SALT_ENV, "")
    if len(salt) < 16:
        raise fail(
            f"--pseudonymise-authors needs a secret salt of at least 16 characters in {PSEUDONYM_SALT_ENV} "
            "(e.g. from `python -c 'import secrets; print(secrets.token_hex(32))'`); keep it, and keep it "
            "apart from the exports: the same salt gives the same pseudonyms"
        )
    return salt


def export(
    out: Annotated[Path, typer.Option("--out", "-o", help="output file")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv, parquet or jsonl")] = "jsonl",
    brand: Annotated[str | None, typer.Option(help="only this brand")] = None,
    since: Annotated[str | None, typer.Option(help="YYYY-MM-DD, inclusive")] = None,
    until: Annotated[str | None, typer.Option(help="YYYY-MM-DD, inclusive")] = None,
    sentiment: Annotated[str | None, typer.Option(help="negative, neutral or positive")] = None,
    include_spam: Annotated[bool, typer.Option("--include-spam", help="keep spam mentions")] = False,
    pseudonymise_authors: Annotated[
        bool,
        typer.Option(
            "--pseudonymise-authors",
            help=f"authors as salted hashes (salt: ${PSEUDONYM_SALT_ENV}), urls left empty",
        ),
    ] = False,
    config: ConfigOpt = None,
) -> None:
    """Export labeled mentions, one row per (mention, brand)."""
    from store.db import session_scope
    from store.export import FORMATS, ExportFilter, export_frame, write_export

    if fmt not in FORMATS:
        raise fail(f"--format must be one of {', '.join(FORMATS)}")
    salt = pseudonym_salt() if pseudonymise_authors else None
    if sentiment and sentiment not in ("negative", "neutral", "positive"):
        raise fail("--sentiment must be negative, neutral or positive")
    cfg = load_config_or_exit(config)
    prepare_db(cfg.database_url)
    flt = ExportFilter(
        brand=brand,
        since=parse_date(since, "--since"),
        until=parse_date(until, "--until"),
        sentiment=sentiment,
        include_spam=include_spam,
    )
    with session_scope(cfg.database_url) as session:
        frame = export_frame(session, flt, pseudonym_salt=salt)
    write_export(frame, fmt, out)
    typer.echo(f"wrote {len(frame)} rows to {out}")


def json_text(value: object) -> str:
    """``value`` as JSON that every parser reads: NaN and infinities (never valid JSON) become null.

    >>> json_text({"roi": float("inf"), "cpe": [float("nan"), 1.5]})
    '{"roi": null, "cpe": [null, 1.5]}'
    """
    return json.dumps(_finite(value), ensure_ascii=False, allow_nan=False, default=str)


def _finite(value: object) -> object:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _fmt(value: object) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def kpi(
    brand: Annotated[str, typer.Option(help="the brand")],
    since: Annotated[str | None, typer.Option(help="YYYY-MM-DD, inclusive")] = None,
    until: Annotated[str | None, typer.Option(help="YYYY-MM-DD, inclusive")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object")] = False,
    config: ConfigOpt = None,
) -> None:
    """Share of voice, sentiment, raw and quality-weighted engagement and campaign results of a brand."""
    from store.db import session_scope
    from store.kpi import brand_report

    cfg = load_config_or_exit(config)
    prepare_db(cfg.database_url)
    sync_brands(cfg.database_url, cfg)
    d_since, d_until = parse_date(since, "--since"), parse_date(until, "--until")
    try:
        with session_scope(cfg.database_url) as session:
            report = brand_report(session, brand=brand, since=d_since, until=d_until)
    except KeyError:
        raise fail(
            f"unknown brand {brand!r}: configure it in brandpulse.toml or import data naming it"
        ) from None
    if as_json:
        typer.echo(json_text(report))
        return
    period = f"{since or 'start'} .. {until or 'now'}"
    typer.secho(f"{brand}  ({period})", bold=True)
    for key, value in report.items():
        if key not in ("brand", "since", "until", "campaigns"):
            typer.echo(f"  {key:<20}{_fmt(value):>14}")
    if report["campaigns"]:
        cols = [
            "campaign",
            "influencer",
            "posts",
            "engagement",
            "qwe",
            "er",
            "qw_er",
            "cost",
            "cpe",
            "cpe_qwe",
            "roi",
            "roas",
        ]
        typer.echo("")
        typer.echo("  " + "".join(f"{c:>12}" for c in cols))
        for row in report["campaigns"]:
            typer.echo("  " + "".join(f"{_fmt(row[c])[:11]:>12}" for c in cols))


def alerts(
    now: Annotated[
        str | None, typer.Option(help="as of this ISO time, e.g. 2026-03-10T12:00:00Z (default: now)")
    ] = None,
    k: Annotated[
        float | None,
        typer.Option(help="standard deviations above the baseline mean (default: [alerts] k, else 2)"),
    ] = None,
    webhook: Annotated[
        str | None,
        typer.Option(envvar="BRANDPULSE_ALERT_WEBHOOK", help="Slack-compatible incoming webhook URL"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON array")] = False,
    config: ConfigOpt = None,
) -> None:
    """Volume and negative-share spikes per brand and source, and sources that stored nothing, quarantined
    too much or whose crawl never finished; posts them to a webhook when given (exit code 1 when a post
    fails). Thresholds come from the configuration's [alerts] section."""
    import dataclasses
    from datetime import UTC, datetime
    from urllib.parse import urlsplit

    from store.alerts import current_alerts, send_webhook
    from store.db import session_scope

    try:
        at = datetime.fromisoformat(now) if now else utcnow()
    except ValueError:
        raise fail(f"--now: {now!r} is not an ISO time like 2026-03-10T12:00:00Z") from None
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    if k is not None and k <= 0:
        raise fail("--k must be positive")
    cfg = load_config_or_exit(config)
    settings = cfg.alerts.settings()
    if k is not None:
        settings = dataclasses.replace(settings, k=k)
    k = settings.k
    prepare_db(cfg.database_url)
    with session_scope(cfg.database_url) as session:
        found = current_alerts(session, now=at, settings=settings)
    if as_json:
        typer.echo(json_text([a.to_dict() for a in found]))
    elif not found:
        typer.echo(f"No alerts as of {at.isoformat()} (k = {k:g}).")
    else:
        count = f"{len(found)} alert{'' if len(found) == 1 else 's'}"
        typer.secho(f"{count} as of {at.isoformat()} (k = {k:g})", bold=True)
        for alert in found:
            typer.secho(f"  {alert.title}", fg=typer.colors.RED, bold=True)
            typer.echo(f"    {alert.summary}")
            for m in alert.drivers:
                text = " ".join(m.text.split())[:100]
                line = f"    - [{m.mention_id}] {text} ({m.engagement} engagements) {m.url or ''}"
                typer.echo(line.rstrip())
    if not (webhook and found):
        return
    host = urlsplit(webhook).hostname or "?"  # the full URL is a secret (it holds the webhook's token)
    try:
        results = send_webhook(webhook, found)
    except ValueError as exc:
        raise fail(f"--webhook: {exc}") from None
    for r in results:
        what = f"{r.alerts} alert{'' if r.alerts == 1 else 's'}"
        if r.ok:
            typer.echo(f"webhook {host}: {r.status} ({what})", err=True)
        else:
            message = f"webhook {host} failed: {r.error} ({what} not delivered)"
            typer.secho(message, fg=typer.colors.RED, err=True)
    if not all(r.ok for r in results):
        raise typer.Exit(1)
