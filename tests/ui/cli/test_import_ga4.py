"""``brandpulse import traffic`` on a file as GA4's "Download CSV" writes it (tests/fixtures/ga4_export/):
nine ``#`` comment lines and a blank line before the header (line 11), a "Grand total" row, then a second
table (the chart's "Nth day" data) after a blank line and more comments. Through the real command, on
SQLite and PostgreSQL.

Lines 12-15 are stored (4 rows); line 16 (Sessions "lots"), line 17 (the totals) and lines 22-24 (the
second table: its header and two rows) are quarantined with their real line numbers: 9 rows, 4 stored,
5 quarantined."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from store.db import session_scope
from store.models import QuarantinedRecord, WebTraffic
from tests.dbutil import migrated_db
from ui.cli.app import app

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "ga4_export" / "traffic_acquisition.csv"
runner = CliRunner()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = migrated_db(request, tmp_path, "ga4.db")
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)  # no brandpulse.toml here: built-in defaults
    return url


def _import(path: Path) -> str:
    result = runner.invoke(app, ["import", "traffic", str(path)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.output
    return result.output


def test_a_ga4_download_is_read_as_exported(db: str, tmp_path: Path) -> None:
    path = tmp_path / FIXTURE.name
    shutil.copy(FIXTURE, path)
    out = _import(path)
    assert "9 rows, 4 stored, 5 quarantined" in out, out
    with session_scope(db) as session:
        stored = sorted(
            (t.day.strftime("%Y-%m-%d"), t.source, t.medium, t.campaign, t.content, t.sessions, t.conversions,
             t.revenue)
            for t in session.execute(select(WebTraffic)).scalars()
        )  # fmt: skip
        reasons = sorted(r.reason for r in session.execute(select(QuarantinedRecord)).scalars())
    assert stored == [
        ("2026-03-02", "instagram", "social", "glow_spring_26", "hana", 50, 2, 90.5),
        ("2026-03-02", "instagram", "social", "glow_spring_26", "minji_reel", 120, 6, 300.0),
        ("2026-03-03", "(direct)", "(none)", "(direct)", "(not set)", 200, 3, 75.25),
        ("2026-03-03", "google", "cpc", "glow_spring_26", "", 30, 1, 40.0),
    ]
    # The totals row would have doubled every figure: 400 sessions on top of the 400 of the rows.
    assert sum(s[5] for s in stored) == 400
    assert reasons[0].startswith("row 16: column sessions: 'lots'"), reasons
    assert reasons[1].startswith("row 17: column date: 'Grand total' marks a totals row"), reasons
    assert [r.split(":", 1)[0] for r in reasons[2:]] == ["row 22", "row 23", "row 24"]
    assert all("part of a second table (from line 19)" in r for r in reasons[2:]), reasons
    # Importing the same export again stores nothing twice.
    assert "9 rows, 4 stored, 5 quarantined" in _import(path)
    with session_scope(db) as session:
        assert len(session.execute(select(WebTraffic)).all()) == 4


def test_a_ga4_download_without_the_needed_columns_says_which_line_was_the_header(
    db: str, tmp_path: Path
) -> None:
    path = tmp_path / "channels.csv"
    path.write_text(
        "# ----------------------------------------\n# Traffic acquisition: Session primary channel group\n"
        "# Start date: 20260301\n\nSession primary channel group,Users\nDirect,10\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import", "traffic", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "no column date" in result.output and "after 3 comment lines" in result.output, result.output
    with session_scope(db) as session:
        assert session.execute(select(WebTraffic)).first() is None


def test_only_comments_is_one_clear_message(db: str, tmp_path: Path) -> None:
    path = tmp_path / "comments.csv"
    path.write_text("# Account: Glow Lab\n# Start date: 20260301\n\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "traffic", str(path)])
    assert result.exit_code == 2 and "has only 2 comment lines" in result.output, result.output
