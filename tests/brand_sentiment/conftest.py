"""Sentiment-per-brand tests that use the store run on SQLite and on the PostgreSQL server of --postgres-url
(they fail, not skip, when it is unreachable)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dbutil import migrated_db


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty, migrated database of each kind."""
    return migrated_db(request, tmp_path, "brand_sentiment.db")
