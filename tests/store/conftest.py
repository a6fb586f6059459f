"""Store tests run on SQLite and on the PostgreSQL server named by --postgres-url.

An unreachable PostgreSQL fails these tests: it is part of what CI proves, never silently skipped.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dbutil import migrated_db


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty, migrated database of each kind."""
    return migrated_db(request, tmp_path, "store.db")
