"""Store tests run on SQLite and on the PostgreSQL server named by --postgres-url.

An unreachable PostgreSQL fails these tests: it is part of what CI proves, never silently skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from store.db import ensure_schema, get_engine


@pytest.fixture(scope="session")
def postgres_server_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh database on the PostgreSQL server, dropped at the end of the session."""
    base = make_url(request.config.getoption("--postgres-url"))
    name = f"brandpulse_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        pytest.fail(
            f"PostgreSQL at {base.render_as_string(hide_password=True)} is required for the store tests and is "
            f"not reachable ({exc.__class__.__name__}: {exc}). Start it, or point --postgres-url / "
            "BRANDPULSE_TEST_POSTGRES_URL at a server.",
            pytrace=False,
        )
    url = base.set(database=name).render_as_string(hide_password=False)
    yield url
    get_engine(url).dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


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
        conn.execute(text(
            "TRUNCATE mention_brand, metric_snapshot, quarantined_record, mention, post, author, brand, "
            "crawl_run RESTART IDENTITY CASCADE"
        ))
