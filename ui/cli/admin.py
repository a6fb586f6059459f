"""Setting up and showing: ``init``, ``db upgrade``, ``db current``, ``ui`` (the dashboard) and ``demo``
(the whole pipeline on the bundled sample site)."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from ui.cli.common import (
    DEMO_DATABASE_URL,
    ConfigOpt,
    config_path,
    crawl_and_report,
    database_origin,
    empty_store_note,
    fail,
    label_with_progress,
    load_config_or_exit,
    prepare_db,
)
from ui.urls import masked_url

DASHBOARD_APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
# How long the dashboard gets to stop after a stop signal before it is killed.
UI_STOP_GRACE_SECONDS = 10.0
DEMO_ALERT_DAYS = 30  # the sample site's comments span about this many days before now


def init(
    path: Annotated[Path, typer.Argument(help="where to write the example")] = Path("brandpulse.toml"),
    force: Annotated[bool, typer.Option(help="overwrite an existing file")] = False,
) -> None:
    """Write a commented example configuration."""
    from ui.config import EXAMPLE_CONFIG

    if path.exists() and not force:
        raise fail(f"{path} exists; use --force to overwrite")
    path.write_text(EXAMPLE_CONFIG, encoding="utf-8")
    typer.echo(f"wrote {path}")


def db_upgrade(config: ConfigOpt = None, revision: str = "head") -> None:
    """Apply schema migrations (the CLI also does this automatically on first use)."""
    from store.db import current_revision, describe_error, upgrade

    cfg = load_config_or_exit(config)
    url = cfg.database_url
    try:
        upgrade(url, revision)
        now = current_revision(url)
    except Exception as exc:  # noqa: BLE001 - one line, not a traceback: unreachable, refused, bad revision
        raise fail(f"cannot upgrade {masked_url(url)}: {describe_error(exc)}", code=1) from None
    typer.echo(f"{masked_url(url)} at revision {now}")


def db_current(config: ConfigOpt = None) -> None:
    """Show the schema revision of the database."""
    from store.db import current_revision, describe_error, head_revision

    url = load_config_or_exit(config).database_url
    try:
        revision = current_revision(url)
    except Exception as exc:  # noqa: BLE001 - one line, not a traceback
        raise fail(f"cannot open database {masked_url(url)}: {describe_error(exc)}", code=1) from None
    typer.echo(f"{masked_url(url)}: revision {revision} (newest {head_revision()})")


def _serve_ui(url: str, host: str, port: int, headless: bool | None = None) -> None:
    """Run Streamlit in a child process until it ends or this process is told to stop: Ctrl+C, SIGTERM or
    SIGHUP is passed on to it, and a child still running 10 s later is killed, so the port is free again."""
    from crawler.processes import forwarding_stop_signals, start_child, wait_for_child
    from ui.dashboard.login import configured_password

    _refuse_open_dashboard(host)
    env = {**os.environ, "BRANDPULSE_DATABASE_URL": url}
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(DASHBOARD_APP),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        # Viewer mode: no "Deploy" button or developer menu for the people reading the dashboard; and no
        # watching of the app's source files, which only a developer editing them needs.
        "--client.toolbarMode",
        "viewer",
        "--server.fileWatcherType",
        "none",
    ]
    if headless is not None:
        cmd += ["--server.headless", str(headless).lower()]
    login = "" if configured_password() is None else ", password required"
    typer.echo(f"dashboard on http://{host}:{port}{login}  (Ctrl+C to stop)")
    child = start_child(cmd, env=env)
    with forwarding_stop_signals(child) as received:
        code = wait_for_child(child, received, grace=UI_STOP_GRACE_SECONDS)
    if code != 0 and not received:
        raise fail(f"the dashboard stopped with exit code {code}", code=1)


def _refuse_open_dashboard(host: str) -> None:
    """Stop unless the dashboard stays on this machine or has a password."""
    from ui.dashboard.login import PASSWORD_ENV, SECRET_KEY, configured_password, is_loopback

    if not is_loopback(host) and configured_password() is None:
        raise fail(
            f"--host {host} makes the dashboard (triage, label corrections) reachable from other machines: "
            f"set a password in {PASSWORD_ENV} or as {SECRET_KEY} in .streamlit/secrets.toml, or use "
            "--host 127.0.0.1"
        )


def ui(
    config: ConfigOpt = None,
    host: Annotated[str, typer.Option(help="bind address")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8501,
    headless: Annotated[bool | None, typer.Option(help="do not open a browser")] = None,
) -> None:
    """Start the dashboard (bound to 127.0.0.1 by default; any other address needs a password, see
    BRANDPULSE_UI_PASSWORD). Ctrl+C or SIGTERM stops it, Streamlit included."""
    _refuse_open_dashboard(host)
    cfg = load_config_or_exit(config)
    prepare_db(cfg.database_url)
    typer.echo(f"database {masked_url(cfg.database_url)} ({database_origin(config, cfg)})")
    note = empty_store_note(cfg.database_url, config, cfg)
    if note:
        typer.secho(note, fg=typer.colors.YELLOW, err=True)
    _serve_ui(cfg.database_url, host, port, headless)


DEMO_BRANDS = (
    ("Glow Lab", '"glow lab" OR glowlab OR 글로우랩 OR 光澤實驗室 NOT job', "skincare"),
    ("Aqua Veil", '"aqua veil" OR aquaveil OR 아쿠아베일 OR 水紗', "skincare"),
    ("Petal Theory", '"petal theory" OR 페탈띠어리 OR 花瓣理論', "skincare"),
)


def demo(
    no_ui: Annotated[bool, typer.Option("--no-ui", help="stop after the summary")] = False,
    database_url: Annotated[str, typer.Option(help="where the demo data goes")] = DEMO_DATABASE_URL,
    port: Annotated[int, typer.Option(help="dashboard port")] = 8501,
    keep: Annotated[
        bool, typer.Option(help="keep an existing demo database instead of starting fresh")
    ] = False,
) -> None:
    """Crawl a bundled sample site over local HTTP, import made-up follower, campaign, traffic and promo-code
    files about it, label it, print a summary, open the dashboard. When this folder has no brandpulse.toml,
    writes one pointing at the demo's database (with the demo brands' markets and campaign mapping), so every
    other command reads the demo's data."""
    from sqlalchemy.engine import make_url

    from crawler.run import CrawlJob
    from crawler.sample_site.server import serve_sample_site
    from store import repo
    from store.alerts import AlertSettings
    from store.db import absolute_sqlite_url, session_scope
    from store.timeutil import utcnow
    from ui.config import Config, ModelConfig
    from ui.jobs.alerts import replay_alerts

    given = os.environ.get("BRANDPULSE_DEMO_DATABASE_URL", database_url)
    url = absolute_sqlite_url(given)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and not keep:
        for suffix in ("", "-wal", "-shm"):
            Path(parsed.database + suffix).unlink(missing_ok=True)
    prepare_db(url)
    with session_scope(url) as session:
        repo.sync_brands(session, brands=[repo.BrandSpec(*b) for b in DEMO_BRANDS])
    with serve_sample_site() as site:
        typer.echo(f"sample site on {site.base_url}")
        jobs = [CrawlJob(name, args) for name, args in site.spider_args()]
        # A local server needs no politeness delay; robots.txt is still obeyed.
        crawl_and_report(url, jobs, {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0})
    _import_demo_files(url, parsed.database if parsed.get_backend_name() == "sqlite" else None, site.now)
    label_with_progress(url, Config(model=ModelConfig()))
    # The sample site's weeks of comments arrive in one crawl: replay the rules over them so the Alerts
    # page's history holds what a scheduled `run` would have recorded (Glow Lab's spike); nothing is sent.
    recorded = replay_alerts(url, until=utcnow(), days=DEMO_ALERT_DAYS, settings=AlertSettings())
    _print_summary(url)
    typer.echo(f"  alert history: {recorded} alerts over the last {DEMO_ALERT_DAYS} days (Alerts page)")
    point_config_at_demo(given, url)
    if not no_ui:
        _serve_ui(url, "127.0.0.1", port)


def _import_demo_files(url: str, database: str | None, now: datetime) -> None:
    """Import the demo's made-up posts (followers), campaigns, traffic and codes files, kept next to a SQLite
    database for the user to read and re-import (elsewhere: in a temporary folder)."""
    import tempfile

    from ui.cli.demo_data import DEMO_FILES_FOLDER, import_demo_files

    with tempfile.TemporaryDirectory(prefix="brandpulse-demo-") as scratch:
        folder = Path(database).resolve().parent / DEMO_FILES_FOLDER if database else Path(scratch)
        results = import_demo_files(url, folder, now)
        where = f" from {folder}" if database else ""
    stored = ", ".join(f"{r.kind} {r.stored}" for r in results)
    quarantined = sum(r.quarantined for r in results)
    left_out = f" ({quarantined} rows quarantined)" if quarantined else ""
    typer.echo(f"imported the demo's made-up files{where}: {stored} rows{left_out}")


def _print_summary(url: str) -> None:
    from store import repo
    from store.db import session_scope
    from store.kpi import share_of_voice
    from store.summary import mention_breakdown

    with session_scope(url) as session:
        counts = repo.counts(session)
        voice = share_of_voice(session)
        mentions = mention_breakdown(session)
    typer.echo("")
    typer.secho("summary", bold=True)
    typer.echo(
        f"  posts {counts['posts']}, mentions {counts['mentions']} (spam {mentions.spam}), "
        f"quarantined {counts['quarantined']}, crawl runs {counts['crawl_runs']}"
    )
    typer.echo("  by platform: " + ", ".join(f"{p} {n}" for p, n in sorted(mentions.by_platform)))
    by_lang = sorted(mentions.by_lang, key=lambda r: -r[1])
    typer.echo("  by language: " + ", ".join(f"{lang} {n}" for lang, n in by_lang))
    typer.echo(
        f"  {'brand':<14}{'mentions':>9}{'SOV %':>8}{'pos':>5}{'neg':>5}{'neu':>5}{'net':>7}{'spam':>6}"
    )
    for v in voice:
        sov = f"{v.sov:.1f}" if v.sov is not None else "-"
        net = f"{v.net_sentiment:+.0f}" if v.net_sentiment is not None else "-"
        typer.echo(
            f"  {v.brand:<14}{v.mentions:>9}{sov:>8}{v.positive:>5}{v.negative:>5}{v.neutral:>5}"
            f"{net:>7}{v.spam_mentions:>6}"
        )


def demo_config(database_url: str) -> str:
    """A brandpulse.toml for the demo's database and brands (``brandpulse demo`` writes it when there is
    none), so every other command finds the demo's data."""
    import json

    from ui.cli.demo_data import brand_market_lines, campaigns_section

    def toml(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string

    lines = [
        "# Written by `brandpulse demo`: every brandpulse command in this folder reads the demo's data.",
        "# For your own data, change [database] url (or delete this file), list your brands and add",
        "# [[sources]]; `brandpulse init --force` writes a commented example of every key.",
        "",
        "[database]",
        f"url = {toml(database_url)}",
    ]
    for name, query, group in DEMO_BRANDS:
        lines += ["", "[[brands]]", f"name = {toml(name)}", f"query = {toml(query)}"]
        lines.append(f"competitor_group = {toml(group)}")
        lines += brand_market_lines(name)
    lines += campaigns_section()
    return "\n".join(lines) + "\n"


def point_config_at_demo(given_url: str, url: str) -> None:
    """Make the other commands find the demo's data: write a brandpulse.toml pointing at ``url`` when there
    is none here, and say so; else say whether the existing one points there and how to point it there."""
    from sqlalchemy.engine import make_url

    from store.db import DEFAULT_DATABASE_URL, absolute_sqlite_url
    from ui.config import ConfigError, load_config

    path = config_path(None)
    shown = masked_url(given_url)
    typer.echo("")
    if not path.exists() and make_url(given_url).password is None:
        # The demo's relative SQLite path is relative to this folder: a config elsewhere (BRANDPULSE_CONFIG)
        # gets the absolute one.
        here = path.resolve().parent == Path.cwd().resolve()
        try:
            path.write_text(demo_config(given_url if here else url), encoding="utf-8")
        except OSError as exc:  # a read-only folder: the demo's data is fine, only the pointer is missing
            typer.secho(f"could not write {path} ({exc.strerror or exc}); ", fg=typer.colors.YELLOW, nl=False)
            typer.echo(f"to read the demo's data, set BRANDPULSE_DATABASE_URL to {shown}")
            return
        typer.echo(
            f"wrote {path} pointing at {masked_url(url)}: `brandpulse ui`, `kpi`, `export` and the other "
            "commands in this folder now read the demo's data"
        )
    elif not path.exists():  # a password is written into no file: the environment is the place for it
        typer.echo(f"to read the demo's data, set BRANDPULSE_DATABASE_URL to {shown} (with its password)")
        return
    else:
        try:
            configured = absolute_sqlite_url(load_config(path).database.url or DEFAULT_DATABASE_URL)
        except ConfigError as exc:
            configured = None
            typer.secho(str(exc), fg=typer.colors.RED, err=True)
        if configured == url:
            typer.echo(f"{path} points at the demo's database {masked_url(url)}")
        else:
            typer.echo(
                f"{path} points at another database, so the other commands do not read the demo's data: "
                f'set [database] url = "{shown}" there, or run them with BRANDPULSE_DATABASE_URL={shown}'
            )
    env_url = os.environ.get("BRANDPULSE_DATABASE_URL")
    if env_url and absolute_sqlite_url(env_url) != url:
        typer.echo(f"BRANDPULSE_DATABASE_URL is set and wins over {path}: unset it to read the demo's data")
