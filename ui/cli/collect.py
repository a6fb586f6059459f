"""Commands that bring data in and label it: ``crawl``, ``rematch``, ``label``, ``run`` and
``import mentions|posts|campaigns|traffic|codes`` (the last two's commands: ``ui/cli/campaigns.py``)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crawler.import_presets import DateOrder, PresetName
from ui.cli.common import (
    ConfigOpt,
    crawl_and_report,
    fail,
    label_with_progress,
    load_config_or_exit,
    prepare_db,
    rematch_with_progress,
    sync_brands,
)

if TYPE_CHECKING:
    from crawler.import_presets import Progress
    from crawler.imports import ImportResult


def crawl(
    config: ConfigOpt = None,
    source: Annotated[list[str] | None, typer.Option("--source", "-s", help="only these spiders")] = None,
    jobdir: Annotated[
        Path | None, typer.Option(help="keep crawl state here; a stopped crawl resumes when run again")
    ] = None,
    full: Annotated[bool, typer.Option("--full", help="crawl everything, not only what is new")] = False,
) -> None:
    """Crawl the sources listed in the configuration (incrementally: what is new since the last crawl).

    Every source is crawled even when one fails (a failed source is recorded as a failed crawl run); the exit
    code is 1 when any failed. Ctrl+C or SIGTERM stops the crawl cleanly (items stored, runs recorded)."""
    cfg = load_config_or_exit(config)
    url = cfg.database_url
    prepare_db(url)
    sync_brands(url, cfg)
    crawl_and_report(url, _crawl_jobs(cfg, url, source, full), jobdir=str(jobdir) if jobdir else None)


def _crawl_jobs(cfg, url: str, source: list[str] | None, full: bool) -> list:  # type: ignore[no-untyped-def]
    """The configuration's enabled sources (of ``source`` when given) as crawl jobs, with their ``since``."""
    from crawler.run import CrawlJob

    last = {} if full else _last_crawl_starts(url)
    jobs = []
    for s in cfg.sources:
        if s.enabled and (not source or s.spider in source):
            args = s.spider_args()
            if s.spider in last and "since" not in args:
                # An hour of overlap: comments posted while the last crawl ran are not missed.
                args["since"] = (last[s.spider] - timedelta(hours=1)).isoformat()
            jobs.append(CrawlJob(s.spider, args))
    if not jobs:
        raise fail("no sources to crawl: add [[sources]] to the configuration (see `brandpulse init`)")
    return jobs


def rematch(
    config: ConfigOpt = None,
    brand: Annotated[
        list[str] | None, typer.Option("--brand", "-b", help="only these brands (default: every brand)")
    ] = None,
) -> None:
    """Match every stored mention against the brands' current queries and add the links found.

    Brands that are new or whose query changed are matched this way whenever a command reads the
    configuration; this command does it on demand. Links are only added: a narrowed query leaves the mentions
    it matched before linked (a link may also come from an import or from the post a comment is under).
    """
    cfg = load_config_or_exit(config)
    url = cfg.database_url
    prepare_db(url)
    sync_brands(url, cfg, rematch_changed=False)
    rematch_with_progress(url, brand)


def _last_crawl_starts(url: str) -> dict[str, datetime]:
    """When each spider's last finished crawl started (the incremental crawl's ``since``)."""
    from store.db import session_scope
    from store.feed import source_health

    with session_scope(url) as session:
        return {
            h.spider: h.started_at for h in source_health(session) if h.status == "finished" and h.started_at
        }


def label(
    config: ConfigOpt = None,
    limit: Annotated[int | None, typer.Option(help="label at most this many")] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="mentions claimed and committed at a time")] = 2048,
    lease: Annotated[
        float,
        typer.Option(
            min=1, help="seconds a claimed batch stays this worker's without renewal (PostgreSQL workers)"
        ),
    ] = 60.0,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object of the run")] = False,
) -> None:
    """Label unlabeled mentions (language, sentiment, spam). Interrupted, it resumes where it stopped.

    On PostgreSQL, run as many workers as you like, on any machines: each claims --batch-size mentions at
    a time with a lease, and a killed worker's batch is labelled by another once its lease ends. On SQLite
    one worker runs at a time."""
    cfg = load_config_or_exit(config)
    prepare_db(cfg.database_url)
    label_with_progress(
        cfg.database_url, cfg, limit, batch_size=batch_size, lease_seconds=lease, as_json=as_json
    )


def _interval(value: str) -> float:
    """'30m' → 1800 seconds (s, m, h, d)."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    try:
        number, unit = float(value[:-1]), value[-1].lower()
        if unit not in units or number <= 0:
            raise ValueError
    except (ValueError, IndexError):
        raise fail(f"--every takes a duration like 30m, 2h or 1d, not {value!r}") from None
    return number * units[unit]


def run(
    config: ConfigOpt = None,
    every: Annotated[str | None, typer.Option(help="repeat at this interval, e.g. 30m, 2h")] = None,
    jobdir: Annotated[Path | None, typer.Option(help="keep crawl state here (resumable)")] = None,
    webhook: Annotated[
        str | None,
        typer.Option(
            envvar="BRANDPULSE_ALERT_WEBHOOK",
            help="deliver new alerts here too, besides \\[alerts] notify (an apprise URL or an http(s) "
            "webhook)",
        ),
    ] = None,
) -> None:
    """Crawl the configured sources, label what is new, then check the alerts; with --every, again and again.

    Every cycle records its alerts in the alert history and delivers only the new ones (an alert already
    announced within the cool-down, \\[alerts] cooldown_hours, is not sent again).

    A source that fails is recorded (a failed crawl run, shown on Sources and in the alerts) and the others
    go on; with --every, a failed cycle is reported and the next one comes at its time. One run at a time
    per database: a run that finds another in progress exits (with --every: skips that cycle)."""
    from store.db import RunLocked, run_lock
    from ui.urls import masked_url

    pause = _interval(every) if every else None
    url = load_config_or_exit(config).database_url
    prepare_db(url)
    while True:
        started = time.monotonic()
        ok = False
        try:
            with run_lock(url):
                ok = _run_cycle(config, jobdir, webhook)
        except RunLocked as exc:
            message = f"another brandpulse run is in progress on {masked_url(url)} ({exc})"
            if pause is None:
                raise fail(message, code=1) from None
            typer.secho(f"{message}: this cycle is skipped", fg=typer.colors.YELLOW, err=True)
        if pause is None:
            if not ok:
                raise typer.Exit(1)
            return
        wait = max(0.0, pause - (time.monotonic() - started))
        typer.echo(f"next run in {wait / 60:.1f} min (Ctrl+C to stop)")
        try:
            time.sleep(wait)
        except KeyboardInterrupt:
            return


def _run_cycle(config: Path | None, jobdir: Path | None, webhook: str | None) -> bool:
    """One crawl → label → alerts cycle; whether every step succeeded. A step that fails is reported and the
    next steps still run; a stop signal ends the cycle (and the loop)."""
    from ui.cli.report import alerts

    def step(name: str, action) -> bool:  # type: ignore[no-untyped-def]
        try:
            action()
        except typer.Exit as exc:
            if exc.exit_code >= 128:  # stopped by a signal: stop everything
                raise
            if exc.exit_code:
                typer.secho(f"{name} failed (exit code {exc.exit_code})", fg=typer.colors.RED, err=True)
                return False
        return True

    def crawl_step() -> None:
        cfg = load_config_or_exit(config)
        sync_brands(cfg.database_url, cfg)
        jobs = _crawl_jobs(cfg, cfg.database_url, None, False)
        crawl_and_report(cfg.database_url, jobs, jobdir=str(jobdir) if jobdir else None)

    crawled = step("crawl", crawl_step)
    labelled = step("label", lambda: label(config=config, limit=None))
    checked = step("alerts", lambda: alerts(now=None, k=None, webhook=webhook, as_json=False, config=config))
    return crawled and labelled and checked


# ---------------------------------------------------------------- brandpulse import ...


MapOpt = Annotated[
    list[str] | None,
    typer.Option("--map", "-m", help="rename a column: --map 'Comment ID=external_id' (repeatable)"),
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="a constant column: --set platform=instagram fills it in every row where the file has no such "
        "column or a blank cell (a value in the file wins; repeatable)",
    ),
]
EncodingOpt = Annotated[
    str | None,
    typer.Option(
        help="the file's text encoding, e.g. cp949 or big5 (default: as its byte-order mark says, else "
        "UTF-8, else detected among UTF-16, CP949, Big5 and GB18030 for a CSV)"
    ),
]
PresetOpt = Annotated[
    PresetName | None,
    typer.Option(
        help="the columns and platform of a post export: instagram, facebook (Meta Business Suite), tiktok "
        "(TikTok Studio), youtube-studio; --map, --set and --date-order override it"
    ),
]
TzOpt = Annotated[
    str | None,
    typer.Option(
        "--tz",
        help="the time zone of times written without one, e.g. Asia/Seoul or +09:00 (default: UTC); a zone "
        "in the value wins",
    ),
]
DateOrderOpt = Annotated[
    DateOrder | None,
    typer.Option(
        "--date-order",
        help="a numeric date that reads both ways (01/03/2026): dmy is 1 March (the default), mdy is 3 "
        "January (the default with --preset); a day over 12 settles the order either way",
    ),
]
MAX_REASONS = 5  # quarantine reasons listed after an import


def _pairs(pairs: list[str] | None, option: str, shape: str) -> list[tuple[str, str]]:
    """``A=B`` option values split at their first ``=``; anything else stops with the option's shape."""
    out = []
    for pair in pairs or []:
        if "=" not in pair:
            raise fail(f"{option} takes {shape}, not {pair!r}")
        left, right = pair.split("=", 1)
        out.append((left, right))
    return out


def _column_map(pairs: list[str] | None) -> dict[str, str]:
    return {src.strip(): dst.strip() for src, dst in _pairs(pairs, "--map", "FILE_COLUMN=OUR_COLUMN")}


def _constants(pairs: list[str] | None) -> dict[str, str]:
    from crawler.import_reading import column_name

    return {column_name(column, {}): value for column, value in _pairs(pairs, "--set", "COLUMN=VALUE")}


def _zone(text: str | None) -> tzinfo | None:
    """``--tz``: an IANA zone name (Asia/Seoul) or a fixed offset (+09:00, UTC+9)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if text is None:
        return None
    offset = re.fullmatch(r"(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?", text.strip(), re.IGNORECASE)
    if offset:
        sign = -1 if offset.group(1) == "-" else 1
        hours, minutes = int(offset.group(2)), int(offset.group(3) or 0)
        if hours < 24 and minutes < 60:
            return timezone(sign * timedelta(hours=hours, minutes=minutes))
    try:
        return ZoneInfo(text.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Asia" is a folder of zones
        raise fail(
            f"--tz: unknown time zone {text!r}; give a name like Asia/Seoul or an offset like +09:00"
        ) from None


@contextmanager
def _progress(file: Path) -> Iterator[Progress | None]:
    """A progress bar on stderr when it is a terminal (none in scripts and logs): the file read so far."""
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    from rich.markup import escape
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn())
    columns += (TextColumn("{task.fields[rows]:,} rows"), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(f"importing {escape(file.name)}", total=None, rows=0)

        def report(rows: int, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None, rows=rows)

        yield report


def run_import(
    kind: str,
    file: Path,
    pairs: list[str] | None,
    config: Path | None,
    encoding: str | None = None,
    *,
    sets: list[str] | None = None,
    preset: PresetName | None = None,
    tz: str | None = None,
    date_order: DateOrder | None = None,
) -> None:
    """``brandpulse import KIND FILE`` (mentions, posts, campaigns, traffic, codes): read, validate and store
    ``file`` with a progress bar, quarantine its bad rows, print the summary; problems exit with a message."""
    from crawler import import_attribution, imports
    from crawler.import_presets import import_options

    if not file.is_file():
        raise fail(f"{file}: no such file")
    columns = {
        "mentions": imports.MENTION_COLUMNS,
        "posts": imports.POST_COLUMNS,
        "campaigns": imports.CAMPAIGN_COLUMNS,
        "traffic": import_attribution.TRAFFIC_COLUMNS,
        "codes": import_attribution.CODE_COLUMNS,
    }[kind]
    try:
        options = import_options(
            kind,
            columns,
            preset=preset.value if preset else None,
            column_map=_column_map(pairs),
            constants=_constants(sets),
            encoding=encoding,
            tz=_zone(tz),
            date_order=date_order.value if date_order else None,
        )
    except ValueError as exc:
        raise fail(str(exc)) from None
    cfg = load_config_or_exit(config)
    prepare_db(cfg.database_url)
    sync_brands(cfg.database_url, cfg)
    func = {
        "mentions": imports.import_mentions,
        "posts": imports.import_posts,
        "campaigns": imports.import_campaigns,
        "traffic": import_attribution.import_traffic,
        "codes": import_attribution.import_codes,
    }[kind]
    with _progress(file) as report:
        options.progress = report
        try:
            result = func(cfg.database_url, file, options=options)
        except ValueError as exc:  # the file as a whole: one message, nothing imported
            raise fail(str(exc)) from None
        except imports.ImportStopped as exc:
            raise fail(str(exc), code=1) from None
    _summary(file, result)


def _summary(file: Path, result: ImportResult) -> None:
    """What the import did; exit code 1 when the file had rows and none was stored."""
    read = f" ({result.encoding})" if result.encoding else ""
    typer.echo(
        f"{file.name}{read}: {result.rows} rows, {result.stored} stored, {result.quarantined} quarantined"
    )
    if result.skipped:
        typer.echo(f"  skipped {result.skipped} total row(s) that sum the others")
    top = result.reasons.most_common(MAX_REASONS)
    for reason, n in top:
        typer.secho(f"  quarantined {n} × {reason}", fg=typer.colors.YELLOW)
    if len(result.reasons) > len(top):
        others = sum(result.reasons.values()) - sum(n for _, n in top)
        typer.secho(f"  quarantined {others} × {len(result.reasons) - len(top)} other reasons", fg="yellow")
    for warning in result.warnings:
        typer.secho(f"  {warning}", fg=typer.colors.YELLOW)
    if result.brands_created:
        typer.echo(f"  new brands: {', '.join(result.brands_created)}")
    if result.rows and not result.stored:
        what = f"all {result.rows} rows were" if result.rows > 1 else "its one row was"
        raise fail(
            f"nothing imported from {file.name}: {what} quarantined (reasons above; each row's row, column "
            "and reason are kept, and the dashboard's Sources page shows them)",
            code=1,
        )


def import_mentions(
    file: Path,
    mapping: MapOpt = None,
    config: ConfigOpt = None,
    encoding: EncodingOpt = None,
    preset: PresetOpt = None,
    sets: SetOpt = None,
    tz: TzOpt = None,
    date_order: DateOrderOpt = None,
) -> None:
    """Comments and mentions: platform, external_id, text; optional url, author, author_followers,
    published_at, likes, replies, shares, views, post_url, post_external_id, lang, sentiment, spam, brands.
    With --preset, each row of a post export is a post's own text (kind post)."""
    run_import(
        "mentions", file, mapping, config, encoding, sets=sets, preset=preset, tz=tz, date_order=date_order
    )


def import_posts(
    file: Path,
    mapping: MapOpt = None,
    config: ConfigOpt = None,
    encoding: EncodingOpt = None,
    preset: PresetOpt = None,
    sets: SetOpt = None,
    tz: TzOpt = None,
    date_order: DateOrderOpt = None,
) -> None:
    """Posts: platform, external_id, url, author, author_followers, published_at, text, likes, comments,
    shares, saves, views, impressions, reach; optional brands (';'-separated)."""
    run_import(
        "posts", file, mapping, config, encoding, sets=sets, preset=preset, tz=tz, date_order=date_order
    )


def file_import(kind: str, doc: str) -> Callable[..., None]:
    """The ``brandpulse import KIND FILE`` command of a kind without presets (campaigns, traffic, codes):
    one declaration of their shared options; ``doc`` is the command's help."""

    def command(
        file: Path,
        mapping: MapOpt = None,
        config: ConfigOpt = None,
        encoding: EncodingOpt = None,
        sets: SetOpt = None,
        tz: TzOpt = None,
        date_order: DateOrderOpt = None,
    ) -> None:
        run_import(kind, file, mapping, config, encoding, sets=sets, tz=tz, date_order=date_order)

    command.__name__ = f"import_{kind}"
    command.__doc__ = doc
    return command


import_campaigns = file_import(
    "campaigns",
    """Campaign results: campaign, brand, influencer, platform, post_url or post_external_id, cost, currency,
    impressions, clicks, conversions, revenue, start, end.""",
)
