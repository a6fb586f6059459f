"""An import that cannot finish is recorded as failed, never left "running", and a rerun completes it; a
value the database refuses costs its row, not the batch."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DataError, OperationalError
from typer.testing import CliRunner

from crawler import imports
from store import repo
from store.db import session_scope
from store.models import CrawlRun, Mention, QuarantinedRecord
from tests.dbutil import migrated_db
from ui.cli.app import app

runner = CliRunner()


@pytest.fixture(params=["sqlite", "postgresql"])
def cli_db(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = migrated_db(request, tmp_path, "failures.db")
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    return url


def _file(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "rows.csv"
    path.write_text("platform,external_id,text\n" + "".join(f"ig,r{i},comment {i}\n" for i in range(n)))
    return path


def _runs(url: str) -> list[tuple[str, int]]:
    with session_scope(url) as s:
        return [(r.status, r.items) for r in s.execute(select(CrawlRun).order_by(CrawlRun.id)).scalars()]


def _mentions(url: str) -> int:
    with session_scope(url) as s:
        return repo.counts(s)["mentions"]


def test_a_file_that_does_not_decode_fails_before_any_row_and_its_run_says_failed(
    cli_db: str, tmp_path: Path
) -> None:
    path = tmp_path / "korean.csv"
    rows = "".join(f"ig,k{i},글로우랩 좋아요\n" for i in range(1500))
    # CP949 for 1,500 rows, then bytes that are text in no encoding it could be read in.
    path.write_bytes(("platform,external_id,text\n" + rows).encode("cp949") + b"ig,x,\xff\xfe\xff\n")
    result = runner.invoke(app, ["import", "mentions", str(path)])
    assert result.exit_code == 2 and "--encoding" in result.output and "nothing was imported" in result.output
    assert _runs(cli_db) == [("failed", 0)] and _mentions(cli_db) == 0
    path.write_bytes(("platform,external_id,text\n" + rows).encode("cp949"))  # CP949 all the way: detected
    result = runner.invoke(app, ["import", "mentions", str(path)])
    assert result.exit_code == 0 and "korean.csv (cp949, detected): 1500 rows, 1500 stored" in result.output
    assert _mentions(cli_db) == 1500


def test_a_database_failure_midway_fails_the_run_and_a_rerun_completes_it(
    cli_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _file(tmp_path, 1200)
    real, calls = repo.upsert_mentions, []

    def flaky(session, **kw):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))
        return real(session, **kw)

    monkeypatch.setattr(imports.repo, "upsert_mentions", flaky)
    result = runner.invoke(app, ["import", "mentions", str(path)])
    assert result.exit_code == 1 and "import stopped after" in result.output, result.output
    assert "Traceback" not in result.output
    assert _runs(cli_db) == [("failed", imports.BATCH)] and _mentions(cli_db) == imports.BATCH
    monkeypatch.setattr(imports.repo, "upsert_mentions", real)
    assert runner.invoke(app, ["import", "mentions", str(path)]).exit_code == 0
    assert _runs(cli_db)[-1] == ("finished", 1200) and _mentions(cli_db) == 1200


def test_an_interrupted_import_is_recorded_as_failed(
    cli_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(session, **kw):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(imports.repo, "upsert_mentions", interrupted)
    with pytest.raises(KeyboardInterrupt):
        imports.import_mentions(cli_db, _file(tmp_path, 10))
    assert _runs(cli_db) == [("failed", 0)]


def test_a_value_the_database_refuses_costs_its_row_not_the_batch(
    cli_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = repo.upsert_mentions

    def picky(session, *, mentions, **kw):  # type: ignore[no-untyped-def]
        if any(m.external_id == "r7" for m in mentions):
            raise DataError("INSERT", {}, Exception("value out of range"))
        return real(session, mentions=mentions, **kw)

    monkeypatch.setattr(imports.repo, "upsert_mentions", picky)
    result = imports.import_mentions(cli_db, _file(tmp_path, 20))
    assert (result.stored, result.quarantined) == (19, 1)
    with session_scope(cli_db) as s:
        assert (
            s.execute(select(QuarantinedRecord.reason))
            .scalar_one()
            .startswith("row 9: store_error: DataError")
        )
        assert "r7" not in set(s.execute(select(Mention.external_id)).scalars())
    assert _runs(cli_db) == [("finished", 19)]
