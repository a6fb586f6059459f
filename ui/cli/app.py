"""The ``brandpulse`` Typer app: every command, registered here in the order ``brandpulse --help`` lists them.

The console script ``brandpulse`` runs ``main``.
"""

from __future__ import annotations

import signal

import typer

from ui.cli import admin, campaigns, collect, influencers, model, privacy, report

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

app.command(name="init")(admin.init)
app.command(name="crawl")(collect.crawl)
app.command(name="rematch")(collect.rematch)
app.command(name="label")(collect.label)
app.command(name="run")(collect.run)
app.command(name="export")(report.export)
app.command(name="ui")(admin.ui)
app.command(name="demo")(admin.demo)
app.command(name="kpi")(report.kpi)
app.command(name="influencers")(influencers.influencers)
app.command(name="alerts")(report.alerts)
app.command(name="phases")(campaigns.phases)
app.command(name="compare")(campaigns.compare)
app.command(name="eval")(model.eval_model)
app.command(name="train")(model.train)
app.command(name="bench")(model.bench)
app.command(name="prune")(privacy.prune)
app.command(name="forget")(privacy.forget)

db_app.command(name="upgrade")(admin.db_upgrade)
db_app.command(name="current")(admin.db_current)

import_app.command(name="mentions")(collect.import_mentions)
import_app.command(name="posts")(collect.import_posts)
import_app.command(name="campaigns")(collect.import_campaigns)
import_app.command(name="traffic")(campaigns.import_traffic)
import_app.command(name="codes")(campaigns.import_codes)


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    # SIGTERM (a service manager's or a container's stop) unwinds like Ctrl+C: open transactions roll back,
    # children are stopped, and the exit code says why (143). Commands that run a child forward it instead.
    raise SystemExit(128 + signum)


def main() -> None:
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    app()


if __name__ == "__main__":
    main()
