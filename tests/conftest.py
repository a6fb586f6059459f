"""Shared test options and fixtures."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from store.db import get_engine

# Nothing in the tests may reach a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--real-fixtures",
        default=None,
        help="folder of real recorded source responses (<source>/<file>); the parser tests also run over it",
    )
    parser.addoption(
        "--postgres-url",
        default=os.environ.get(
            "BRANDPULSE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
        help="PostgreSQL server for the store tests (they fail, not skip, when it is unreachable)",
    )


@pytest.fixture(scope="session")
def real_fixtures_dir(request: pytest.FixtureRequest) -> Path | None:
    value = request.config.getoption("--real-fixtures")
    if value is None:
        return None
    path = Path(value)
    if not path.is_dir():
        raise pytest.UsageError(f"--real-fixtures {value}: not a folder")
    return path


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
            f"PostgreSQL at {base.render_as_string(hide_password=True)} is required for the store tests "
            f"and is not reachable ({exc.__class__.__name__}: {exc}). Start it, or point --postgres-url / "
            "BRANDPULSE_TEST_POSTGRES_URL at a server.",
            pytrace=False,
        )
    url = base.set(database=name).render_as_string(hide_password=False)
    yield url
    get_engine(url).dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
