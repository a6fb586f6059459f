"""The ``brandpulse`` command line: the one place that wires crawler, nlp, store and ui together."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="brandpulse: social listening with honest numbers.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema commands.", no_args_is_help=True)
app.add_typer(db_app, name="db")
import_app = typer.Typer(
    help="Import platform exports, posts and campaign results (CSV, JSONL, XLSX).", no_args_is_help=True
)
app.add_typer(import_app, name="import")

ConfigOpt = Annotated[
    Path | None, typer.Option("--config", "-c", help="brandpulse.toml (default: ./brandpulse.toml)")
]
UI_APP = Path(__file__).resolve().parent / "app.py"


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code)


def _load(config: Path | None):  # type: ignore[no-untyped-def]
    from ui.config import ConfigError, load_config

    try:
        return load_config(config)
    except ConfigError as exc:
        raise _fail(str(exc)) from None


def _prepare_db(url: str) -> None:
    from store.db import ensure_schema

    try:
        ensure_schema(url)
    except Exception as exc:  # the message matters more than the type here
        raise _fail(f"cannot open database {_mask(url)}: {exc.__class__.__name__}: {exc}") from None


def _mask(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _sync_brands(url: str, cfg, rematch_changed: bool = True) -> None:  # type: ignore[no-untyped-def]
    """Store the configuration's brands; a brand that is new or whose query changed is matched against the
    mentions already stored, so its history counts from the start (see ``ui.rematch``)."""
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
        _rematch(url, changed, err=True)


def _rematch(url: str, brands: list[str] | None, err: bool = False) -> None:
    from tqdm import tqdm

    from ui.rematch import rematch_mentions

    bar = tqdm(unit="mention", desc="matching", file=sys.stderr, dynamic_ncols=True)

    def progress(done: int) -> None:
        bar.n = done
        bar.refresh()

    start = time.monotonic()
    try:
        result = rematch_mentions(url, brands=brands, progress=progress)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    finally:
        bar.close()
    found = ", ".join(f"{name} +{n}" for name, n in sorted(result.matched.items())) or "no brands"
    typer.echo(
        f"matched {result.scanned} stored mentions in {time.monotonic() - start:.1f} s: {found}; "
        f"{result.linked} mentions newly linked (comments under newly linked posts included)",
        err=err,
    )


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="where to write the example")] = Path("brandpulse.toml"),
    force: Annotated[bool, typer.Option(help="overwrite an existing file")] = False,
) -> None:
    """Write a commented example configuration."""
    from ui.config import EXAMPLE_CONFIG

    if path.exists() and not force:
        raise _fail(f"{path} exists; use --force to overwrite")
    path.write_text(EXAMPLE_CONFIG, encoding="utf-8")
    typer.echo(f"wrote {path}")


@db_app.command("upgrade")
def db_upgrade(config: ConfigOpt = None, revision: str = "head") -> None:
    """Apply schema migrations (the CLI also does this automatically on first use)."""
    from store.db import current_revision, upgrade

    cfg = _load(config)
    url = cfg.database_url
    upgrade(url, revision)
    typer.echo(f"{_mask(url)} at revision {current_revision(url)}")


@db_app.command("current")
def db_current(config: ConfigOpt = None) -> None:
    """Show the schema revision of the database."""
    from store.db import current_revision, head_revision

    url = _load(config).database_url
    typer.echo(f"{_mask(url)}: revision {current_revision(url)} (newest {head_revision()})")


def _crawl(url: str, jobs, settings: dict[str, object] | None = None, jobdir: str | None = None) -> None:  # type: ignore[no-untyped-def]
    from crawler.run import crawl_in_subprocess
    from store.db import session_scope
    from store.feed import source_health

    names = ", ".join(j.spider for j in jobs)
    typer.echo(f"crawling {names} ...")
    start = time.monotonic()
    try:
        crawl_in_subprocess(jobs, url, settings, jobdir=jobdir)
    except RuntimeError as exc:
        raise _fail(str(exc), code=1) from None
    with session_scope(url) as session:
        health = {h.spider: h for h in source_health(session)}
    for job in jobs:
        h = health.get(job.spider)
        if h is None:
            raise _fail(f"  {job.spider}: no crawl run recorded in {_mask(url)}", code=1)
        colour = typer.colors.RED if h.items == 0 else None
        typer.secho(
            f"  {job.spider}: {h.items} items, {h.quarantined} quarantined, {h.errors} errors ({h.status})",
            fg=colour,
        )
    typer.echo(f"crawl took {time.monotonic() - start:.1f} s")


@app.command()
def crawl(
    config: ConfigOpt = None,
    source: Annotated[list[str] | None, typer.Option("--source", "-s", help="only these spiders")] = None,
    jobdir: Annotated[
        Path | None, typer.Option(help="keep crawl state here; a stopped crawl resumes when run again")
    ] = None,
    full: Annotated[bool, typer.Option("--full", help="crawl everything, not only what is new")] = False,
) -> None:
    """Crawl the sources listed in the configuration (incrementally: what is new since the last crawl)."""
    from crawler.run import CrawlJob

    cfg = _load(config)
    url = cfg.database_url
    _prepare_db(url)
    _sync_brands(url, cfg)
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
        raise _fail("no sources to crawl: add [[sources]] to the configuration (see `brandpulse init`)")
    _crawl(url, jobs, jobdir=str(jobdir) if jobdir else None)


@app.command()
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
    cfg = _load(config)
    url = cfg.database_url
    _prepare_db(url)
    _sync_brands(url, cfg, rematch_changed=False)
    _rematch(url, brand)


def _last_crawl_starts(url: str) -> dict[str, datetime]:
    """When each spider's last finished crawl started (the incremental crawl's ``since``)."""
    from store.db import session_scope
    from store.feed import source_health

    with session_scope(url) as session:
        return {
            h.spider: h.started_at for h in source_health(session) if h.status == "finished" and h.started_at
        }


def _label(url: str, cfg, limit: int | None = None) -> None:  # type: ignore[no-untyped-def]
    from tqdm import tqdm

    from ui.worker import label_mentions

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
        raise _fail(f"cannot label: {exc}", code=1) from None
    bar.close()
    secs = time.monotonic() - start
    typer.echo(
        f"labeled {result.labeled} mentions with {result.model} ({result.model_version}) in {secs:.1f} s"
    )
    if result.multi_brand:
        typer.echo(f"per-brand sentiment decided for {result.multi_brand} mentions naming several brands")


@app.command()
def label(
    config: ConfigOpt = None,
    limit: Annotated[int | None, typer.Option(help="label at most this many")] = None,
) -> None:
    """Label unlabeled mentions (language, sentiment, spam). Interrupted, it resumes where it stopped."""
    cfg = _load(config)
    _prepare_db(cfg.database_url)
    _label(cfg.database_url, cfg, limit)


def _interval(value: str) -> float:
    """'30m' → 1800 seconds (s, m, h, d)."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    try:
        number, unit = float(value[:-1]), value[-1].lower()
        if unit not in units or number <= 0:
            raise ValueError
    except (ValueError, IndexError):
        raise _fail(f"--every takes a duration like 30m, 2h or 1d, not {value!r}") from None
    return number * units[unit]


@app.command()
def run(
    config: ConfigOpt = None,
    every: Annotated[str | None, typer.Option(help="repeat at this interval, e.g. 30m, 2h")] = None,
    jobdir: Annotated[Path | None, typer.Option(help="keep crawl state here (resumable)")] = None,
) -> None:
    """Crawl the configured sources, then label what is new; with --every, again and again."""
    pause = _interval(every) if every else None
    while True:
        started = time.monotonic()
        crawl(config=config, source=None, jobdir=jobdir, full=False)
        label(config=config, limit=None)
        if pause is None:
            return
        wait = max(0.0, pause - (time.monotonic() - started))
        typer.echo(f"next run in {wait / 60:.1f} min (Ctrl+C to stop)")
        try:
            time.sleep(wait)
        except KeyboardInterrupt:
            return


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", "-o", help="output file")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv, parquet or jsonl")] = "jsonl",
    brand: Annotated[str | None, typer.Option(help="only this brand")] = None,
    since: Annotated[str | None, typer.Option(help="YYYY-MM-DD, inclusive")] = None,
    until: Annotated[str | None, typer.Option(help="YYYY-MM-DD, inclusive")] = None,
    sentiment: Annotated[str | None, typer.Option(help="negative, neutral or positive")] = None,
    include_spam: Annotated[bool, typer.Option("--include-spam", help="keep spam mentions")] = False,
    config: ConfigOpt = None,
) -> None:
    """Export labeled mentions, one row per (mention, brand)."""
    from store.db import session_scope
    from store.export import FORMATS, ExportFilter, export_frame, write_export

    if fmt not in FORMATS:
        raise _fail(f"--format must be one of {', '.join(FORMATS)}")
    if sentiment and sentiment not in ("negative", "neutral", "positive"):
        raise _fail("--sentiment must be negative, neutral or positive")
    cfg = _load(config)
    _prepare_db(cfg.database_url)
    flt = ExportFilter(
        brand=brand,
        since=_date(since, "--since"),
        until=_date(until, "--until"),
        sentiment=sentiment,
        include_spam=include_spam,
    )
    with session_scope(cfg.database_url) as session:
        frame = export_frame(session, flt)
    write_export(frame, fmt, out)
    typer.echo(f"wrote {len(frame)} rows to {out}")


def _date(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _fail(f"{name} must be a date like 2026-01-31, not {value!r}") from None


def _serve_ui(url: str, host: str, port: int, headless: bool | None = None) -> None:
    env = {**os.environ, "BRANDPULSE_DATABASE_URL": url}
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(UI_APP),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
    ]
    if headless is not None:
        cmd += ["--server.headless", str(headless).lower()]
    typer.echo(f"dashboard on http://{host}:{port}  (Ctrl+C to stop)")
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C stops the dashboard, not with a traceback
        subprocess.run(cmd, env=env, check=False)


@app.command()
def ui(
    config: ConfigOpt = None,
    host: Annotated[str, typer.Option(help="bind address")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8501,
    headless: Annotated[bool | None, typer.Option(help="do not open a browser")] = None,
) -> None:
    """Start the dashboard (bound to 127.0.0.1 by default)."""
    cfg = _load(config)
    _prepare_db(cfg.database_url)
    _serve_ui(cfg.database_url, host, port, headless)


DEMO_BRANDS = (
    ("Glow Lab", '"glow lab" OR glowlab OR 글로우랩 OR 光澤實驗室 NOT job', "skincare"),
    ("Aqua Veil", '"aqua veil" OR aquaveil OR 아쿠아베일 OR 水紗', "skincare"),
    ("Petal Theory", '"petal theory" OR 페탈띠어리 OR 花瓣理論', "skincare"),
)


@app.command()
def demo(
    no_ui: Annotated[bool, typer.Option("--no-ui", help="stop after the summary")] = False,
    database_url: Annotated[
        str, typer.Option(help="where the demo data goes")
    ] = "sqlite:///brandpulse-demo.db",
    port: Annotated[int, typer.Option(help="dashboard port")] = 8501,
    keep: Annotated[
        bool, typer.Option(help="keep an existing demo database instead of starting fresh")
    ] = False,
) -> None:
    """Crawl a bundled sample site over local HTTP, label it, print a summary, open the dashboard."""
    from sqlalchemy.engine import make_url

    from crawler.run import CrawlJob
    from crawler.sample_site.server import serve_sample_site
    from store import repo
    from store.db import absolute_sqlite_url, session_scope
    from ui.config import Config, ModelConfig

    url = absolute_sqlite_url(os.environ.get("BRANDPULSE_DEMO_DATABASE_URL", database_url))
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and not keep:
        for suffix in ("", "-wal", "-shm"):
            Path(parsed.database + suffix).unlink(missing_ok=True)
    _prepare_db(url)
    with session_scope(url) as session:
        repo.sync_brands(session, brands=[repo.BrandSpec(*b) for b in DEMO_BRANDS])
    with serve_sample_site() as site:
        typer.echo(f"sample site on {site.base_url}")
        jobs = [CrawlJob(name, args) for name, args in site.spider_args()]
        # A local server needs no politeness delay; robots.txt is still obeyed.
        _crawl(url, jobs, {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0})
    _label(url, Config(model=ModelConfig()))
    _print_summary(url)
    if not no_ui:
        _serve_ui(url, "127.0.0.1", port)


def _print_summary(url: str) -> None:
    from sqlalchemy import func, select

    from store import repo
    from store.db import session_scope
    from store.kpi import share_of_voice
    from store.models import Mention

    with session_scope(url) as session:
        counts = repo.counts(session)
        voice = share_of_voice(session)
        by_platform = session.execute(select(Mention.platform, func.count()).group_by(Mention.platform)).all()
        by_lang = session.execute(select(Mention.lang, func.count()).group_by(Mention.lang)).all()
        spam = session.execute(select(func.count()).where(Mention.is_spam.is_(True))).scalar_one()
    typer.echo("")
    typer.secho("summary", bold=True)
    typer.echo(
        f"  posts {counts['posts']}, mentions {counts['mentions']} (spam {spam}), "
        f"quarantined {counts['quarantined']}, crawl runs {counts['crawl_runs']}"
    )
    typer.echo("  by platform: " + ", ".join(f"{p} {n}" for p, n in sorted(by_platform)))
    typer.echo(
        "  by language: " + ", ".join(f"{lang} {n}" for lang, n in sorted(by_lang, key=lambda r: -r[1]))
    )
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


MapOpt = Annotated[
    list[str] | None,
    typer.Option("--map", "-m", help="rename a column: --map 'Comment ID=external_id' (repeatable)"),
]


def _column_map(pairs: list[str] | None) -> dict[str, str]:
    out = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise _fail(f"--map takes FILE_COLUMN=OUR_COLUMN, not {pair!r}")
        src, dst = pair.split("=", 1)
        out[src.strip()] = dst.strip()
    return out


def _run_import(kind: str, file: Path, pairs: list[str] | None, config: Path | None) -> None:
    from ui import imports

    if not file.is_file():
        raise _fail(f"{file}: no such file")
    cfg = _load(config)
    _prepare_db(cfg.database_url)
    _sync_brands(cfg.database_url, cfg)
    func = {
        "mentions": imports.import_mentions,
        "posts": imports.import_posts,
        "campaigns": imports.import_campaigns,
    }[kind]
    try:
        result = func(cfg.database_url, file, _column_map(pairs))
    except ValueError as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"{file.name}: {result.rows} rows, {result.stored} stored, {result.quarantined} quarantined")
    for reason, n in result.reasons.most_common(10):
        typer.secho(f"  quarantined {n} × {reason}", fg=typer.colors.YELLOW)
    if result.brands_created:
        typer.echo(f"  new brands: {', '.join(result.brands_created)}")


@import_app.command("mentions")
def import_mentions(file: Path, mapping: MapOpt = None, config: ConfigOpt = None) -> None:
    """Comments and mentions: platform, external_id, text; optional url, author, author_followers,
    published_at, likes, replies, shares, views, post_url, post_external_id, lang, sentiment, spam, brands."""
    _run_import("mentions", file, mapping, config)


@import_app.command("posts")
def import_posts(file: Path, mapping: MapOpt = None, config: ConfigOpt = None) -> None:
    """Posts: platform, external_id, url, author, author_followers, published_at, text, likes, comments,
    shares, saves, views, impressions, reach; optional brands (';'-separated)."""
    _run_import("posts", file, mapping, config)


@import_app.command("campaigns")
def import_campaigns(file: Path, mapping: MapOpt = None, config: ConfigOpt = None) -> None:
    """Campaign results: campaign, brand, influencer, platform, post_url or post_external_id, cost, currency,
    impressions, clicks, conversions, revenue, start, end."""
    _run_import("campaigns", file, mapping, config)


def _fmt(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


@app.command()
def kpi(
    brand: Annotated[str, typer.Option(help="the brand")],
    since: Annotated[str | None, typer.Option(help="YYYY-MM-DD, inclusive")] = None,
    until: Annotated[str | None, typer.Option(help="YYYY-MM-DD, inclusive")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object")] = False,
    config: ConfigOpt = None,
) -> None:
    """Share of voice, sentiment, raw and quality-weighted engagement and campaign results of a brand."""
    import json

    from store.db import session_scope
    from store.kpi import brand_report

    cfg = _load(config)
    _prepare_db(cfg.database_url)
    _sync_brands(cfg.database_url, cfg)
    d_since, d_until = _date(since, "--since"), _date(until, "--until")
    try:
        with session_scope(cfg.database_url) as session:
            report = brand_report(session, brand=brand, since=d_since, until=d_until)
    except KeyError:
        raise _fail(
            f"unknown brand {brand!r}: configure it in brandpulse.toml or import data naming it"
        ) from None
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False))
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


@app.command()
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
    import json
    from datetime import UTC, datetime
    from urllib.parse import urlsplit

    from store.alerts import current_alerts, send_webhook
    from store.db import session_scope

    try:
        at = datetime.fromisoformat(now) if now else datetime.now(UTC)
    except ValueError:
        raise _fail(f"--now: {now!r} is not an ISO time like 2026-03-10T12:00:00Z") from None
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    if k is not None and k <= 0:
        raise _fail("--k must be positive")
    cfg = _load(config)
    settings = cfg.alerts.settings()
    if k is not None:
        settings = dataclasses.replace(settings, k=k)
    k = settings.k
    _prepare_db(cfg.database_url)
    with session_scope(cfg.database_url) as session:
        found = current_alerts(session, now=at, settings=settings)
    if as_json:
        typer.echo(json.dumps([a.to_dict() for a in found], ensure_ascii=False))
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
        raise _fail(f"--webhook: {exc}") from None
    for r in results:
        what = f"{r.alerts} alert{'' if r.alerts == 1 else 's'}"
        if r.ok:
            typer.echo(f"webhook {host}: {r.status} ({what})", err=True)
        else:
            message = f"webhook {host} failed: {r.error} ({what} not delivered)"
            typer.secho(message, fg=typer.colors.RED, err=True)
    if not all(r.ok for r in results):
        raise typer.Exit(1)


@app.command(name="eval")
def eval_model(
    data: Annotated[Path, typer.Option("--data", help='JSONL rows {"text", "label", "lang"}')],
    task: Annotated[str, typer.Option(help="sentiment or spam")] = "sentiment",
    model: Annotated[
        str | None,
        typer.Option(
            help="default (the bundled fine-tuned e5), moe (the previous default), a Hugging Face model id "
            "or local path"
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object")] = False,
) -> None:
    """Score a classifier on labeled data: macro-F1, accuracy, per label and language, texts per second."""
    import json

    from nlp import load_classifier
    from nlp.evaluate import evaluate, read_labeled

    if task not in ("sentiment", "spam"):
        raise _fail("--task must be sentiment or spam")
    try:
        rows = read_labeled(data)
        classifier = load_classifier(task, model)
    except (OSError, RuntimeError, ValueError) as exc:
        raise _fail(str(exc)) from None
    result = evaluate(classifier, rows)
    if as_json:
        typer.echo(json.dumps(result))
        return
    typer.echo(
        f"{data.name}: n={result['n']}  macro-F1 {result['macro_f1']:.3f}  accuracy {result['accuracy']:.3f}"
        f"  {result['texts_per_s']:.0f} texts/s  ({classifier.model_id} {classifier.version})"
    )
    for label, m in result["per_label"].items():
        typer.echo(
            f"  {label:<10} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}  n {m['support']}"
        )
    for lang, f1 in result["per_lang"].items():
        typer.echo(f"  lang {lang:<5} macro-F1 {f1:.3f}")


from ui.train_cmd import train as train_command  # noqa: E402  (`brandpulse train`, in its own module)

app.command(name="train")(train_command)

from ui.bench_cmd import bench as bench_command  # noqa: E402  (`brandpulse bench`, in its own module)

app.command(name="bench")(bench_command)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
