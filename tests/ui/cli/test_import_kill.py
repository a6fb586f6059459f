"""`brandpulse import` killed with SIGKILL midway (the kernel's OOM killer, a container stop), then run again:
the store ends with exactly the rows of one clean import of the same file, on SQLite and PostgreSQL.

The file mixes what makes reruns risky: rows that share a post (counts recounted), repeated texts (the
duplicate flag), authors seen again in later batches, brand matches, and bad rows (quarantined).
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from store.db import ensure_schema, session_scope
from store.models import CrawlRun, Mention
from tests.dbutil import empty_postgres_tables, migrated_db
from tests.procutil import wait_until
from tests.ui.cli.crawl_setup import run_cli, start_cli, stored_rows

ROWS = 3_000
BRANDS = '[[brands]]\nname = "Glow Lab"\nquery = "\\"glow lab\\""\n'


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return migrated_db(request, tmp_path, "kill.db")


def _write_file(folder: Path) -> Path:
    lines = ["platform,external_id,text,author,author_followers,published_at,likes,post_url"]
    for i in range(ROWS):
        when = "not a date" if i % 997 == 5 else f"2026-11-{1 + i % 28:02d}T{i % 24:02d}:00:00Z"
        text = f"Glow Lab serum comment {i}" if i % 3 else f"same text again {i % 50}"
        post = f"https://ig.example/p/{i % 90}"
        lines.append(f"ig,c{i},{text},user{i % 700},{100 + i % 700},{when},{i % 40},{post}")
    path = folder / "comments.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _mentions(url: str) -> int:
    with session_scope(url) as s:
        return s.execute(select(func.count()).select_from(Mention)).scalar_one()


def _statuses(url: str) -> list[str]:
    with session_scope(url) as s:
        return list(s.execute(select(CrawlRun.status).order_by(CrawlRun.id)).scalars())


def _fresh(url: str, tmp_path: Path) -> str:
    """An empty store of the same kind: a new SQLite file, or the PostgreSQL test database emptied."""
    if url.startswith("sqlite"):
        fresh = f"sqlite:///{tmp_path / 'killed.db'}"
        ensure_schema(fresh)
        return fresh
    empty_postgres_tables(url)
    return url


def test_sigkill_mid_import_then_a_rerun_gives_the_rows_of_a_clean_import(db: str, tmp_path: Path) -> None:
    (tmp_path / "brandpulse.toml").write_text(BRANDS, encoding="utf-8")
    path = _write_file(tmp_path)

    clean = run_cli(tmp_path, db, "import", "mentions", str(path))
    assert clean.returncode == 0, clean.stdout + clean.stderr
    expected: dict[str, Any] = stored_rows(db)
    assert expected["n"] == ROWS - len(expected["quarantined"]) > 2_500

    url = _fresh(db, tmp_path)
    proc = start_cli(tmp_path, url, "import", "mentions", str(path))
    try:
        # Midway: some batches committed, most of the file still to come.
        assert wait_until(lambda: _mentions(url) >= 1_000, 120, step=0.02), "the import stored nothing"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    killed_at = _mentions(url)
    assert 1_000 <= killed_at < expected["n"], f"not killed midway: {killed_at} of {expected['n']} stored"
    assert _statuses(url) == ["running"]  # nothing could record the kill

    again = run_cli(tmp_path, url, "import", "mentions", str(path))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Traceback" not in again.stdout + again.stderr
    assert _statuses(url)[-1] == "finished"
    assert stored_rows(url) == expected
