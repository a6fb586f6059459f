"""The standing bad-input corpus through the real ``brandpulse import`` command, on SQLite and PostgreSQL:
no traceback, every good row stored exactly once (also after importing the same file again), every bad row
quarantined with its row and a reason, every bad file refused with one clear message and nothing stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus.bad_inputs import all_cases, renderings
from tests.corpus.runner import run_files, run_rows
from tests.dbutil import migrated_db

ROWS, RAW, FILES = all_cases()


@pytest.fixture(params=["sqlite", "postgresql"])
def corpus_db(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = migrated_db(request, tmp_path, "corpus.db")
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", url)
    monkeypatch.delenv("BRANDPULSE_IMPORT_MAX_BYTES", raising=False)
    monkeypatch.chdir(tmp_path)  # no brandpulse.toml here: built-in defaults
    return url


def test_the_corpus_is_large_and_covers_every_kind_of_trouble() -> None:
    assert renderings(ROWS) + len(RAW) + len(FILES) >= 500
    categories = {c.category.split("/")[0] for c in [*ROWS, *RAW, *FILES]}
    expected = {"date", "count", "text", "id", "dup", "money", "quote", "fields", "size", "json", "encoding"}
    assert expected | {"structure", "xlsx", "platform", "url", "author", "label", "brands"} <= categories
    assert sum(not c.good for c in ROWS) >= 150 and sum(c.good for c in ROWS) >= 150
    # The attribution imports (issue 21): their own rows, totals rows and GA4's file layout.
    for kind in ("traffic", "codes"):
        assert sum(not c.good for c in ROWS if c.kind == kind) >= 80, kind
        assert sum(c.good for c in ROWS if c.kind == kind) >= 25, kind
        assert sum(c.exit_code != 0 for c in FILES if c.kind == kind) >= 1, kind
    assert {"totals", "dup"} <= {c.category.split("/")[0] for c in ROWS if c.kind == "traffic"}


@pytest.mark.slow
def test_every_row_case_is_stored_once_or_quarantined_with_its_reason(corpus_db: str, tmp_path: Path) -> None:
    figures = run_rows(corpus_db, tmp_path, ROWS, RAW)
    assert figures.problems == []
    assert figures.tracebacks == 0
    assert figures.quarantined >= 150 and figures.stored >= 150


@pytest.mark.slow
def test_every_bad_file_gets_one_clear_message_and_stores_nothing(corpus_db: str, tmp_path: Path) -> None:
    figures = run_files(corpus_db, tmp_path, FILES)
    assert figures.problems == []
    assert figures.tracebacks == 0
    assert figures.file_errors >= 20
