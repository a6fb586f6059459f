"""Helpers shared by the ``brandpulse`` commands: errors, configuration, the database, and the crawl, label
and re-match runs that more than one command starts (with their progress output)."""

from __future__ import annotations

import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from ui.urls import masked_url

ConfigOpt = Annotated[
    Path | None, typer.Option("--config", "-c", help="brandpulse.toml (default: ./brandpulse.toml)")
]
# Where `brandpulse demo` stores its data (relative: the folder it runs in), and the file that points every
# other command at a database.
DEMO_DATABASE_URL = "sqlite:///brandpulse-demo.db"
DEFAULT_CONFIG_FILE = Path("brandpulse.toml")


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``message`` in red on stderr and return the exit to raise: ``raise fail("...")``."""
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code)


def load_config_or_exit(config: Path | None):  # type: ignore[no-untyped-def]
    """The validated configuration (``ui.config.load_config``); an invalid one stops with its message."""
    from ui.config import ConfigError, load_config

    try:
        return load_config(config)
    except ConfigError as exc:
        raise fail(str(exc)) from None


def prepare_db(url: str) -> None:
    """Create or upgrade the schema; a database that cannot be opened stops with the reason."""
    from store.db import describe_error, ensure_schema
    from store.models import THREAD_ATTRIBUTION_REVISION

    try:
        upgraded_from = ensure_schema(url)
    except Exception as exc:  # the message matters more than the type here
        raise fail(f"cannot open database {masked_url(url)}: {describe_error(exc)}") from None
    if upgraded_from is not None and upgraded_from < THREAD_ATTRIBUTION_REVISION:
        # The migration can only mark the old links; the brand matcher settles which comments name a brand.
        typer.secho(
            "database upgraded: comments now count for the brands they name, and only those naming none "
            "for their post's brands; run `brandpulse rematch` once to settle the comments stored before",
            fg=typer.colors.YELLOW,
            err=True,
        )


def parse_date(value: str | None, name: str) -> date | None:
    """The date of option ``name`` (``--since``, ``--until``), None when not given."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(f"{name} must be a date like 2026-01-31, not {value!r}") from None


def parse_period(since: str | None, until: str | None) -> tuple[date | None, date | None]:
    """``--since`` and ``--until`` as dates (both inclusive); a period that ends before it starts stops
    with exit code 2."""
    start, end = parse_date(since, "--since"), parse_date(until, "--until")
    if start and end and start > end:
        raise fail(f"--since {start} is after --until {end}: the period would be empty")
    return start, end


def config_path(config: Path | None) -> Path:
    """The configuration file a command reads (it may not exist): ``--config``, else ``BRANDPULSE_CONFIG``,
    else ./brandpulse.toml."""
    return Path(config or os.environ.get("BRANDPULSE_CONFIG") or DEFAULT_CONFIG_FILE)


def database_origin(config: Path | None, cfg) -> str:  # type: ignore[no-untyped-def]
    """Why a command opened the database it opened, e.g. ``from brandpulse.toml``."""
    if os.environ.get("BRANDPULSE_DATABASE_URL"):
        return "from BRANDPULSE_DATABASE_URL"
    path = config_path(config)
    if cfg.database.url:
        return f"from {path}"
    if path.exists():
        return f"the default: {path} sets no [database] url"
    return f"the default: no {path} here"


def has_mentions(url: str) -> bool:
    from store import repo
    from store.db import session_scope

    with session_scope(url) as session:
        return bool(repo.mention_texts(session, limit=1))


def empty_store_note(url: str, config: Path | None, cfg) -> str | None:  # type: ignore[no-untyped-def]
    """None when the database holds mentions; else one line saying which database was opened, why, and
    where data may be instead (the demo's database when there is one here, else how to get data)."""
    from sqlalchemy.engine import make_url

    from store.db import absolute_sqlite_url

    if has_mentions(url):
        return None
    where = f"{masked_url(url)} ({database_origin(config, cfg)}) holds no mentions"
    demo_url = absolute_sqlite_url(DEMO_DATABASE_URL)
    if demo_url != url and Path(make_url(demo_url).database or "").is_file():
        return (
            f"{where}. `brandpulse demo` stored its data in brandpulse-demo.db: point at it with "
            f'[database] url = "{DEMO_DATABASE_URL}" in {config_path(config)} or '
            f"BRANDPULSE_DATABASE_URL={DEMO_DATABASE_URL}"
        )
    return (
        f"{where}. Load sample data with `brandpulse demo`, collect with `brandpulse crawl` and `brandpulse "
        "label`, or `brandpulse import` files; for another database set [database] url in "
        f"{config_path(config)} or BRANDPULSE_DATABASE_URL"
    )


def unknown_brand(brand: str, url: str, config: Path | None, cfg) -> typer.Exit:  # type: ignore[no-untyped-def]
    """The exit (code 2) for a brand the database does not know, naming the database and its brands."""
    from store import repo
    from store.db import session_scope

    with session_scope(url) as session:
        known = [b.name for b in repo.list_brands(session)]
    empty = empty_store_note(url, config, cfg)
    if empty:
        return fail(f"unknown brand {brand!r}: {empty}")
    listed = f"brands there: {', '.join(known)}" if known else "it has no brands"
    return fail(
        f"unknown brand {brand!r} in {masked_url(url)} ({database_origin(config, cfg)}; {listed}): "
        f"configure it in {config_path(config)} or import data naming it"
    )


def sync_brands(url: str, cfg, rematch_changed: bool = True) -> None:  # type: ignore[no-untyped-def]
    """Store the configuration's brands; a brand that is new or whose query changed is matched against the
    mentions already stored, so its history counts from the start (see ``ui.jobs.rematch``)."""
    from store import repo
    from store.db import session_scope

    with session_scope(url) as session:
        before = {b.name: b.query for b in repo.list_brands(session)}
        repo.sync_brands(
            session,
            brands=[repo.BrandSpec(b.name, b.query, b.competitor_group) for b in cfg.brands],
        )
        has_mentions = bool(repo.mention_texts(session, limit=1))
    changed = [b.name for b in cfg.brands if before.get(b.name) != b.query]
    if rematch_changed and changed and has_mentions:
        # On stderr: the command's own output (e.g. `kpi --json`) stays what it was.
        typer.echo(f"new or changed brand queries: {', '.join(changed)}; matching stored mentions", err=True)
        rematch_with_progress(url, changed, err=True)


def rematch_with_progress(url: str, brands: list[str] | None, err: bool = False) -> None:
    """Run ``ui.jobs.rematch.rematch_mentions`` with a progress bar, then say what it linked."""
    from tqdm import tqdm

    from ui.jobs.rematch import rematch_mentions

    bar = tqdm(unit="mention", desc="matching", file=sys.stderr, dynamic_ncols=True)

    def progress(done: int) -> None:
        bar.n = done
        bar.refresh()

    start = time.monotonic()
    try:
        result = rematch_mentions(url, brands=brands, progress=progress)
    except ValueError as exc:
        raise fail(str(exc)) from None
    finally:
        bar.close()
    found = ", ".join(f"{name} +{n}" for name, n in sorted(result.matched.items())) or "no brands"
    typer.echo(
        f"matched {result.scanned} stored mentions in {time.monotonic() - start:.1f} s: {found}; "
        f"{result.linked} mentions newly linked (comments under newly linked posts included)",
        err=err,
    )


def crawl_and_report(
    url: str,
    jobs,  # type: ignore[no-untyped-def]
    settings: dict[str, object] | None = None,
    jobdir: str | None = None,
) -> None:
    """Crawl ``jobs`` (``crawler.run.CrawlJob``) in a subprocess, then print each spider's run. Every spider
    is crawled even when one fails (recorded as a failed run); then the command exits with code 1. A stop
    signal (Ctrl+C, SIGTERM) stops the crawl cleanly and exits with 128 + the signal's number."""
    from crawler.run import CrawlInterrupted, crawl_in_subprocess
    from store.db import session_scope
    from store.feed import source_health
    from ui.cli.crawl_progress import crawl_progress

    names = ", ".join(j.spider for j in jobs)
    typer.echo(f"crawling {names} ...")
    start = time.monotonic()
    with session_scope(url) as session:
        before = max((h.last_run_id for h in source_health(session)), default=0)
    problem = interrupted = None
    try:
        with crawl_progress(url, [j.spider for j in jobs], before):
            crawl_in_subprocess(jobs, url, settings, jobdir=jobdir)
    except CrawlInterrupted as exc:
        interrupted = exc
    except RuntimeError as exc:
        problem = str(exc)
    with session_scope(url) as session:
        health = {h.spider: h for h in source_health(session)}
    failed = []
    for job in jobs:
        h = health.get(job.spider)
        if h is None or h.last_run_id <= before:
            failed.append(job.spider)
            typer.secho(f"  {job.spider}: no crawl run recorded", fg=typer.colors.RED)
            continue
        if h.status.startswith("failed"):
            failed.append(job.spider)
        colour = typer.colors.RED if h.items == 0 or h.status.startswith("failed") else None
        typer.secho(
            f"  {job.spider}: {h.items} items, {h.quarantined} quarantined, {h.errors} errors ({h.status})",
            fg=colour,
        )
    typer.echo(f"crawl took {time.monotonic() - start:.1f} s")
    if interrupted is not None:
        raise fail(str(interrupted), code=128 + interrupted.signum)
    if problem:
        typer.secho(problem, fg=typer.colors.RED, err=True)
        failed = failed or [j.spider for j in jobs]
    if failed:
        raise fail(f"crawl failed: {', '.join(failed)}", code=1)


def label_with_progress(  # type: ignore[no-untyped-def]
    url: str,
    cfg,
    limit: int | None = None,
    *,
    batch_size: int | None = None,
    lease_seconds: float | None = None,
    as_json: bool = False,
) -> None:
    """Run the label worker (``ui.jobs.label.label_mentions``) with the configured model, with a progress
    bar; ``as_json``: print one JSON object of the run (counts, worker, seconds per step) instead."""
    import json
    from dataclasses import asdict

    from sqlalchemy.exc import SQLAlchemyError
    from tqdm import tqdm

    from store.db import describe_error
    from ui.jobs.label import label_mentions

    bar = tqdm(total=0, unit="mention", desc="labeling", file=sys.stderr, dynamic_ncols=True)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    options = {"batch_size": batch_size, "lease_seconds": lease_seconds}
    start = time.monotonic()
    try:
        result = label_mentions(
            url,
            sentiment_model=None if cfg.model.sentiment == "default" else cfg.model.sentiment,
            spam_model=None if cfg.model.spam == "default" else cfg.model.spam,
            inference_batch_size=cfg.model.batch_size,
            precision=cfg.model.precision,
            spam_threshold=cfg.model.spam_threshold,
            label_mapping=cfg.model.label_mapping,
            limit=limit,
            progress=progress,
            **{k: v for k, v in options.items() if v is not None},  # type: ignore[arg-type]
        )
    except (OSError, RuntimeError) as exc:  # a model that cannot load: package missing, unknown id, ...
        bar.close()
        raise fail(f"cannot label: {exc}", code=1) from None
    except SQLAlchemyError as exc:  # still failing after the worker's retries (store.retry)
        bar.close()
        raise fail(f"cannot label: database error: {describe_error(exc)}", code=1) from None
    bar.close()
    secs = time.monotonic() - start
    if as_json:
        typer.echo(json.dumps({**asdict(result), "elapsed_seconds": round(secs, 3)}))
        return
    typer.echo(
        f"labeled {result.labeled} mentions with {result.model} ({result.model_version}) in {secs:.1f} s"
    )
    if result.lost:
        typer.echo(
            f"{result.lost} claimed mentions were left to another worker (lease ended or text changed)"
        )
    if result.multi_brand:
        typer.echo(f"per-brand sentiment decided for {result.multi_brand} mentions naming several brands")
