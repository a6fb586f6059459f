"""Shared test options and fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
