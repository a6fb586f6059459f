"""Helpers shared by the ``brandpulse`` commands: errors, configuration, the database, and the crawl, label
and re-match runs that more than one command starts (with their progress output)."""

from __future__ import annotations

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
    from store.db import ensure_schema

    try:
        ensure_schema(url)
    except Exception as exc:  # the message matters more than the type here
        raise fail(f"cannot open database {masked_url(url)}: {exc.__class__.__name__}: {exc}") from None


def parse_date(value: str | None, name: str) -> date | None:
    """The date of option ``name`` (``--since``, ``--until``), None when not given."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(f"{name} must be a date like 2026-01-31, not {value!r}") from None


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
    """Crawl ``jobs`` (``crawler.run.CrawlJob``) in a subprocess, then print each spider's last run."""
    from crawler.run import crawl_in_subprocess
    from store.db import session_scope
    from store.feed import source_health

    names = ", ".join(j.spider for j in jobs)
    typer.echo(f"crawling {names} ...")
    start = time.monotonic()
    try:
        crawl_in_subprocess(jobs, url, settings, jobdir=jobdir)
    except RuntimeError as exc:
        raise fail(str(exc), code=1) from None
    with session_scope(url) as session:
        health = {h.spider: h for h in source_health(session)}
    for job in jobs:
        h = health.get(job.spider)
        if h is None:
            raise fail(f"  {job.spider}: no crawl run recorded in {masked_url(url)}", code=1)
        colour = typer.colors.RED if h.items == 0 else None
        typer.secho(
            f"  {job.spider}: {h.items} items, {h.quarantined} quarantined, {h.errors} errors ({h.status})",
            fg=colour,
        )
    typer.echo(f"crawl took {time.monotonic() - start:.1f} s")


def label_with_progress(url: str, cfg, limit: int | None = None) -> None:  # type: ignore[no-untyped-def]
    """Run the label worker (``ui.jobs.label.label_mentions``) with the configured model, with a progress
    bar."""
    from tqdm import tqdm

    from ui.jobs.label import label_mentions

    bar = tqdm(total=0, unit="mention", desc="labeling", file=sys.stderr, dynamic_ncols=True)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

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
        )
    except (OSError, RuntimeError) as exc:  # a model that cannot load: package missing, unknown id, ...
        bar.close()
        raise fail(f"cannot label: {exc}", code=1) from None
    bar.close()
    secs = time.monotonic() - start
    typer.echo(
        f"labeled {result.labeled} mentions with {result.model} ({result.model_version}) in {secs:.1f} s"
    )
    if result.multi_brand:
        typer.echo(f"per-brand sentiment decided for {result.multi_brand} mentions naming several brands")
