"""Store tests run on SQLite and on the PostgreSQL server named by --postgres-url.

An unreachable PostgreSQL fails these tests: it is part of what CI proves, never silently skipped.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from store.db import ensure_schema, get_engine


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
    # Empty the tables for the next test (cheaper than a database per test).
    engine = get_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "TRUNCATE mention_brand, metric_snapshot, quarantined_record, mention, post, author, brand, "
                "crawl_run RESTART IDENTITY CASCADE"
            )
        )
