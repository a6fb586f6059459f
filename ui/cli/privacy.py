"""Erasure and retention: ``prune --older-than`` and ``forget --author`` (``store.privacy``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

import typer

from ui.cli.common import ConfigOpt, fail, load_config_or_exit, prepare_db

YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="do not ask for confirmation")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="say what would be erased; erase nothing")]


def cutoff_of(value: str, now: datetime | None = None) -> datetime:
    """``--older-than`` as an aware UTC time: a number of days before now, or a date (its start, UTC).

    >>> cutoff_of("2026-01-31").isoformat()
    '2026-01-31T00:00:00+00:00'
    >>> cutoff_of("30", now=datetime(2026, 3, 1, tzinfo=UTC)).isoformat()
    '2026-01-30T00:00:00+00:00'
    """
    text = value.strip()
    if text.isdigit():
        days = int(text)
        if days > 100 * 366:
            raise ValueError(f"{days} days is more than a century")
        return (now or datetime.now(UTC)) - timedelta(days=days)
    return datetime.combine(date.fromisoformat(text), time.min, tzinfo=UTC)


def prune(
    older_than: Annotated[
        str, typer.Option("--older-than", help="a number of days (e.g. 365) or a date (YYYY-MM-DD)")
    ],
    yes: YesOpt = False,
    dry_run: DryRunOpt = False,
    config: ConfigOpt = None,
) -> None:
    """Erase mentions older than DAYS days (or published before DATE), posts left with nothing under them,
    old quarantined records and authors left with nothing; every figure is recounted from what stays."""
    from store.privacy import prune_before

    try:
        cutoff = cutoff_of(older_than)
    except ValueError:
        raise fail(
            f"--older-than takes a number of days or a date like 2026-01-31, not {older_than!r}"
        ) from None
    _erase(
        f"everything from before {cutoff.isoformat(timespec='seconds')}",
        lambda session: prune_before(session, cutoff=cutoff),
        yes=yes,
        dry_run=dry_run,
        config=config,
    )


def forget(
    author: Annotated[str, typer.Option("--author", help="the author's handle, as stored (see an export)")],
    platform: Annotated[
        str | None, typer.Option(help="only on this platform (default: every platform)")
    ] = None,
    yes: YesOpt = False,
    dry_run: DryRunOpt = False,
    config: ConfigOpt = None,
) -> None:
    """Erase an author: their mentions, their posts with every comment under them, label corrections of
    those, and quarantined records naming them; every figure is recounted from what stays."""
    from store.privacy import forget_author

    if not author.strip():
        raise fail("--author must name an author")
    where = f" on {platform}" if platform else ""
    _erase(
        f"author {author!r}{where} and what they wrote",
        lambda session: forget_author(session, handle=author, platform=platform),
        yes=yes,
        dry_run=dry_run,
        config=config,
    )


def _erase(what: str, action, *, yes: bool, dry_run: bool, config) -> None:  # type: ignore[no-untyped-def]
    from store.db import describe_error, session_scope

    cfg = load_config_or_exit(config)
    prepare_db(cfg.database_url)
    if not (yes or dry_run or typer.confirm(f"Erase {what}? This cannot be undone.")):
        raise typer.Exit(1)
    try:
        with session_scope(cfg.database_url) as session:
            erased = action(session)
            if dry_run:
                session.rollback()
    except Exception as exc:  # noqa: BLE001 - nothing was erased: the transaction rolled back
        raise fail(f"nothing erased: {describe_error(exc)}", code=1) from None
    verb = "would erase" if dry_run else "erased"
    typer.echo(f"{verb} {erased.summary()}" + ("" if dry_run else "; figures recounted"))
