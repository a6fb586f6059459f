"""Commands that read the stored data out: ``export``, ``kpi`` and ``alerts``."""

from __future__ import annotations

import json
import math
import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from store.timeutil import utcnow
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


class ExportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    parquet = "parquet"
    jsonl = "jsonl"


class SentimentChoice(StrEnum):
    negative = "negative"
    neutral = "neutral"
    positive = "positive"


def export(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="output file; its suffix names the format unless --format")
    ],
    fmt: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format", "-f", case_sensitive=False, help="default: from the --out suffix (.csv, .xlsx, ...)"
        ),
    ] = None,
    brand: Annotated[str | None, typer.Option(help="only this brand")] = None,
    since: Annotated[str | None, typer.Option(help="YYYY-MM-DD, inclusive")] = None,
    until: Annotated[str | None, typer.Option(help="YYYY-MM-DD, inclusive")] = None,
    sentiment: Annotated[SentimentChoice | None, typer.Option(case_sensitive=False)] = None,
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
    """Export labeled mentions, one row per (mention, brand): CSV (UTF-8 with a byte-order mark, formulas
    neutralised) and XLSX for spreadsheets, Parquet and JSONL for programs."""
    from store.db import session_scope
    from store.export import ExportFilter, export_frame, write_export

    chosen = export_format(out, fmt)
    check_out_path(out)
    salt = pseudonym_salt() if pseudonymise_authors else None
    d_since, d_until = parse_period(since, until)
    cfg = load_config_or_exit(config)
    url = cfg.database_url
    prepare_db(url)
    if brand and not _brand_known(url, brand, cfg):
        raise unknown_brand(brand, url, config, cfg)
    flt = ExportFilter(
        brand=brand,
        since=d_since,
        until=d_until,
        sentiment=sentiment.value if sentiment else None,
        include_spam=include_spam,
    )
    with _export_progress() as bar:
        reading = bar.add_task("reading mentions", total=None)
        with session_scope(url) as session:
            frame = export_frame(session, flt, pseudonym_salt=salt)
        bar.update(reading, total=len(frame), completed=len(frame))
        writing = bar.add_task(f"writing {chosen}", total=len(frame))
        try:
            written = write_export(frame, chosen, out, lambda n: bar.update(writing, completed=n))
        except ValueError as exc:  # more rows than an XLSX sheet holds
            raise fail(str(exc)) from None
        except OSError as exc:  # disk full, a file system that refuses the name, ...
            raise fail(f"cannot write {out}: {exc.strerror or exc}", code=1) from None
    typer.echo(f"wrote {written.rows} rows to {out} ({chosen})")
    if written.cut_cells:
        typer.secho(
            f"{written.cut_cells} texts were cut to Excel's limit of 32,767 characters a cell; CSV, Parquet "
            "and JSONL keep them whole",
            fg=typer.colors.YELLOW,
            err=True,
        )
    if not written.rows:
        typer.echo(empty_store_note(url, config, cfg) or "no mentions match the filters", err=True)


def export_format(out: Path, fmt: ExportFormat | None) -> str:
    """The format to write: ``--format``, else the one ``--out``'s suffix names; a suffix naming another
    format than ``--format``, or no format at all, stops with exit code 2."""
    from store.export import SUFFIX_FORMATS, format_for_path

    by_name = format_for_path(out)
    if fmt is None:
        if by_name is None:
            raise fail(
                f"cannot tell the format from the file name {out.name!r}: end it in "
                f"{', '.join(SUFFIX_FORMATS)}, or give --format"
            )
        return by_name
    if by_name is not None and by_name != fmt.value:
        raise fail(f"--format {fmt.value} but --out {out.name} names a {by_name} file: change one of them")
    return fmt.value


def check_out_path(out: Path) -> None:
    """Stop (exit code 2) before any work when ``out`` cannot be written: a missing folder, a folder given
    as the file, a folder this user may not write in."""
    folder = out.parent
    if out.is_dir():
        raise fail(f"cannot write {out}: it is a folder; name a file in it, e.g. {out / 'mentions.csv'}")
    if not folder.exists():
        raise fail(f"cannot write {out}: the folder {folder} does not exist")
    if not folder.is_dir():
        raise fail(f"cannot write {out}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise fail(f"cannot write {out}: no permission to write in {folder}")


def _brand_known(url: str, brand: str, cfg) -> bool:  # type: ignore[no-untyped-def]
    from store import repo
    from store.db import session_scope

    with session_scope(url) as session:
        stored = {b.name for b in repo.list_brands(session)}
    return brand in stored or brand in {b.name for b in cfg.brands}


def _export_progress():  # type: ignore[no-untyped-def]
    """A progress display on stderr, shown only on a terminal (a log or a pipe gets the summary line)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
    )


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


def kpi(
    brand: Annotated[str, typer.Option(help="the brand")],
    since: Annotated[str | None, typer.Option(help="YYYY-MM-DD, inclusive")] = None,
    until: Annotated[str | None, typer.Option(help="YYYY-MM-DD, inclusive")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object")] = False,
    exclude_thread: Annotated[
        bool,
        typer.Option(
            "--exclude-thread",
            help="count only mentions that name the brand, not comments that count for it from their thread",
        ),
    ] = False,
    config: ConfigOpt = None,
) -> None:
    """Share of voice, sentiment, raw and quality-weighted engagement and campaign results of a brand."""
    from store.db import session_scope
    from store.kpi import brand_report
    from store.kpi.attribution import named_only_figures

    d_since, d_until = parse_period(since, until)
    cfg = load_config_or_exit(config)
    url = cfg.database_url
    prepare_db(url)
    sync_brands(url, cfg)
    try:
        with session_scope(url) as session:
            report = brand_report(
                session,
                brand=brand,
                since=d_since,
                until=d_until,
                resolve_target_hours=cfg.pr.resolve_target_hours,
                attribution=cfg.campaigns.rules(),
            )
            if exclude_thread:  # the voice figures of the mentions that name the brand
                report.update(named_only_figures(session, brand=brand, since=d_since, until=d_until))
                report["exclude_thread"] = True
    except KeyError:
        raise unknown_brand(brand, url, config, cfg) from None
    note = empty_store_note(url, config, cfg) if not report["mentions"] else None
    if note:  # on stderr: `kpi --json` stays one JSON object
        typer.echo(note, err=True)
    if as_json:
        typer.echo(json_text(report))
        return
    print_kpi_report(report)


# How each figure of the report reads: a share on the 0-100 scale, a signed index, a ratio.
PERCENT_FIGURES = {"spam_rate", "sov", "sov_engagement", "sov_reach", "positive_pct", "negative_pct"}
PERCENT_FIGURES |= {"er", "qw_er", "ctr", "conversion_rate", "roi"}
SIGNED_FIGURES = {"net_sentiment", "net_sentiment_sov", "qw_net_sentiment"}
RATIO_FIGURES = {"inflation", "roas"}
# The PR desk's figures (report["pr"]): durations in hours, the share resolved in time, counts of mentions.
PERCENT_FIGURES |= {"resolved_within_target_pct"}
HOUR_FIGURES = {"target_hours", "first_action_median_hours", "first_action_p90_hours"}
HOUR_FIGURES |= {"resolve_median_hours", "resolve_p90_hours"}
COUNT_FIGURES = {"acted", "resolved"}
MONEY_FIGURES = {"cost", "cpe", "cpe_qwe", "cpm"}  # in the campaign row's currency
CAMPAIGN_TABLES = (
    ("campaigns: engagement", ("posts", "followers", "engagement", "qwe", "er", "qw_er")),
    (
        "campaigns: cost and returns",
        ("cost", "cpe", "cpe_qwe", "cpm", "ctr", "conversions", "conversion_rate", "revenue", "roi", "roas"),
    ),
)


def figure_text(key: str, value: object, currency: str | None = None) -> str:
    """One figure of ``brandpulse kpi`` as shown: ``12.50 %``, ``+25.00``, ``1.43×``, ``1,200,000 KRW``;
    an empty figure (a zero denominator) is ``-``.

    >>> figure_text("cpe", 150.0, "KRW"), figure_text("sov", 41.666), figure_text("net_sentiment", 25)
    ('150 KRW', '41.67 %', '+25.00')
    >>> figure_text("resolve_p90_hours", 27.5), figure_text("target_hours", 24.0), figure_text("acted", 4.0)
    ('27.5 h', '24 h', '4')
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    if not isinstance(value, int | float) or isinstance(value, bool):
        return str(value)
    if key in MONEY_FIGURES:
        digits = 0 if float(value).is_integer() else 2
        return f"{value:,.{digits}f}" + (f" {currency}" if currency else "")
    if key in PERCENT_FIGURES:
        return f"{value:,.2f} %"
    if key in SIGNED_FIGURES:
        return f"{value:+,.2f}"
    if key in RATIO_FIGURES:
        return f"{value:,.2f}×"
    if key in HOUR_FIGURES:
        # At most two decimals, no trailing zeros: "3.5 h", "24 h", "0.25 h".
        return f"{value:,.2f}".rstrip("0").rstrip(".") + " h"
    if key in COUNT_FIGURES:
        return f"{round(value):,}"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"


def print_kpi_report(report: dict) -> None:  # type: ignore[type-arg]
    """The report as rich tables on stdout: the headline figures, then the campaigns (costs with their
    currency: a brand's campaigns may pay in KRW and VND). No value is ever cut: a file or a pipe gets the
    tables at their full width, and a terminal too narrow for the campaign tables gets one short table per
    campaign instead."""
    from rich.console import Console
    from rich.measure import Measurement
    from rich.table import Table
    from rich.text import Text

    def two_columns(title: Text) -> Table:
        table = Table(title=title, title_justify="left")
        table.add_column("figure", overflow="fold")
        table.add_column("value", justify="right", overflow="fold")
        return table

    period = f"{report['since'] or 'start'} .. {report['until'] or 'now'}"
    headline = two_columns(Text(f"{report['brand']}  ({period})"))
    for key, value in report.items():
        if key not in ("brand", "since", "until", "campaigns", "pr"):
            headline.add_row(key, figure_text(key, value))
    # The PR desk's response times for the brand (hours; the per-assignee rows are in --json).
    for key, value in report.get("pr", {}).items():
        if key != "assignees":
            headline.add_row(f"pr.{key}", figure_text(key, value))
    wide = []
    for title, columns in CAMPAIGN_TABLES if report["campaigns"] else ():
        table = Table(title=title, title_justify="left")
        for column in ("campaign", "influencer", *columns):
            numeric = column in columns
            table.add_column(column, justify="right" if numeric else "left", overflow="fold")
        for row in report["campaigns"]:
            # Names are user data: Text, so "[bold]" or "[link=...]" in a name is shown, never rendered.
            who = "— (campaign-level traffic)" if row.get("campaign_level") else str(row["influencer"])
            cells = [Text(str(row["campaign"])), Text(who)]
            table.add_row(*cells, *(figure_text(c, row[c], row.get("currency")) for c in columns))
        wide.append(table)
    console = Console(highlight=False)
    unbounded = console.options.update_width(1_000_000)
    needed = max(Measurement.get(console, unbounded, t).maximum for t in [headline, *wide])
    if not console.is_terminal:
        console.width = max(console.width, needed)  # a file has no width to fit: every value on its line
    tables = [headline]
    if needed <= console.width:
        tables += wide
    else:
        for row in report["campaigns"]:
            table = two_columns(Text(f"{row['campaign']} · {row['influencer']}"))
            for _title, columns in CAMPAIGN_TABLES:
                for column in columns:
                    table.add_row(column, figure_text(column, row[column], row.get("currency")))
            tables.append(table)
    for table in tables:
        console.print(table)


def alerts(
    now: Annotated[
        str | None, typer.Option(help="as of this ISO time, e.g. 2026-03-10T12:00:00Z (default: now)")
    ] = None,
    k: Annotated[
        float | None,
        typer.Option(help="standard deviations above the baseline mean (default: \\[alerts] k, else 2)"),
    ] = None,
    webhook: Annotated[
        str | None,
        typer.Option(
            envvar="BRANDPULSE_ALERT_WEBHOOK",
            help="one more delivery target besides \\[alerts] notify: an apprise URL or an http(s) webhook "
            '(Slack\'s, or any receiver of Slack-style {"text": ...} JSON)',
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object")] = False,
    replay_days: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=366,
            help="first record in the history what the rules would have found every 6 h of the last N days "
            "(nothing delivered for those): after an import of old data",
        ),
    ] = None,
    config: ConfigOpt = None,
) -> None:
    """Volume and negative-share spikes per brand and source, high-reach negative mentions, and sources that
    stored nothing, quarantined too much or whose crawl never finished. Each is recorded in the alert
    history; only new ones (and reminders after the cool-down) are delivered to \\[alerts] notify and
    --webhook (exit code 1 when a delivery fails). A brand without mentions in the last 24 h is "no data",
    not "all quiet". Thresholds come from the configuration's \\[alerts] section."""
    # "\\[" in the help texts: without it, rich (typer's --help) takes "[alerts]" for markup and drops it.
    import dataclasses
    from datetime import UTC, datetime

    from ui.jobs.alerts import delivery_targets, evaluate_alerts, replay_alerts

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
    try:
        targets = delivery_targets(cfg.alerts.notify, webhook)
    except ValueError as exc:  # the message shows the URL masked
        raise fail(f"--webhook: {exc}") from None
    prepare_db(cfg.database_url)
    if replay_days:
        replayed = replay_alerts(cfg.database_url, until=at, days=replay_days, settings=settings)
        typer.echo(f"replayed {replay_days} days: {replayed} alert(s) recorded in the history", err=True)
    run = evaluate_alerts(cfg.database_url, now=at, settings=settings, targets=targets)
    if as_json:
        typer.echo(json_text(run.to_dict()))
    else:
        print_alerts(run)
    if run.status == "no_data" and any(g.brand is None for g in run.no_data):
        note = empty_store_note(cfg.database_url, config, cfg)
        if note:  # on stderr: `alerts --json` stays one JSON object
            typer.echo(note, err=True)
    if run.announced and not targets:
        typer.echo(
            f"{run.announced} alert(s) recorded, none delivered: no [alerts] notify URLs or --webhook",
            err=True,
        )
    for r in run.deliveries:
        what = f"{len(r.alert_ids)} alert{'' if len(r.alert_ids) == 1 else 's'}"
        if r.ok:
            typer.echo(f"delivered {what} to {r.target}", err=True)
        else:
            message = (
                f"delivery to {r.target} failed: {r.error} ({what} not delivered; tried again next time)"
            )
            typer.secho(message, fg=typer.colors.RED, err=True)
    if run.failed:
        raise typer.Exit(1)


ACTION_NOTES = {
    "new": "new",
    "reminder": "reminder: not acknowledged",
    "retry": "delivery tried again",
    "updated": "announced before",
    "handled": "resolved before",
}


def print_alerts(run) -> None:  # type: ignore[no-untyped-def]
    """The evaluation as text: each alert (with its history id and whether it is new), then what had no data;
    "No alerts" only when every brand had data to judge."""
    at, k = run.now.isoformat(), run.settings.k
    if run.found:
        count = f"{len(run.found)} alert{'' if len(run.found) == 1 else 's'}"
        typer.secho(f"{count} as of {at} (k = {k:g})", bold=True)
    elif not run.no_data:
        typer.echo(f"No alerts as of {at} (k = {k:g}): every brand's figures are within their usual range.")
    elif run.nothing_checked:
        typer.secho(f"No data as of {at}: nothing to check.", fg=typer.colors.YELLOW, bold=True)
    else:
        typer.echo(f"No alerts as of {at} (k = {k:g}) for the brands with data; some had none:")
    for o in run.outcomes:
        alert = o.alert
        ref = f"#{o.alert_id}, " if o.alert_id is not None else ""
        typer.secho(f"  {alert.title} ({ref}{ACTION_NOTES[o.action]})", fg=typer.colors.RED, bold=True)
        typer.echo(f"    {alert.summary}")
        for m in alert.drivers:
            text = " ".join(m.text.split())[:100]
            line = f"    - [{m.mention_id}] {text} ({m.engagement} engagements) {m.url or ''}"
            typer.echo(line.rstrip())
    for gap in run.no_data:
        typer.secho(f"  {gap.message}", fg=typer.colors.YELLOW)
