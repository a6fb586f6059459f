"""`brandpulse db upgrade` / `db current` against SQLite and the PostgreSQL server."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from store.db import head_revision, table_names
from ui.cli.app import app

runner = CliRunner()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cli.db'}"
    return request.getfixturevalue("postgres_server_url")


def test_db_upgrade_and_current(empty_db: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", empty_db)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"at revision {head_revision()}" in result.output
    assert "mention" in table_names(empty_db)
    current = runner.invoke(app, ["db", "current"])
    assert f"revision {head_revision()} (newest {head_revision()})" in current.output


def test_unreachable_database_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", "postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["export", "--out", str(tmp_path / "x.jsonl")])
    assert result.exit_code == 2
    assert "cannot open database postgresql+psycopg://nobody:***@127.0.0.1:1/none" in result.output
    assert "secret" not in result.output
