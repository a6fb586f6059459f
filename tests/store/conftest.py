"""Store tests run on SQLite and on the PostgreSQL server named by --postgres-url.

An unreachable PostgreSQL fails these tests: it is part of what CI proves, never silently skipped.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from store.db import ensure_schema
from tests.dbutil import empty_postgres_tables


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """An empty, migrated database of each kind."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
        ensure_schema(url)
        yield url
        return
    url = request.getfixturevalue("postgres_server_url")
    ensure_schema(url)
    yield url
    empty_postgres_tables(url)
