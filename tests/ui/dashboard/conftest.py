"""Fixtures of the dashboard tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit as st

from tests.factories import seed_demo_db


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Fresh Streamlit caches per test (they are process-wide), no stray brandpulse.toml or password."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BRANDPULSE_CONFIG", raising=False)
    monkeypatch.delenv("BRANDPULSE_UI_PASSWORD", raising=False)  # or every page is behind the login
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The demo store (tests.factories.seed_demo_db) in a SQLite file, its URL in BRANDPULSE_DATABASE_URL."""
    facts = seed_demo_db(f"sqlite:///{tmp_path / 'ui.db'}")
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", facts["url"])
    return facts
