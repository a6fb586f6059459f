"""Fixtures of the browser tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.server import UI_TIMEOUT_MS


@pytest.fixture(autouse=True)
def _assertion_timeout() -> Iterator[None]:
    """`page.set_default_timeout` does not reach `expect`, whose own default is 5 s: too short for a first
    page of a Streamlit app that is still importing its modules on a busy 2-core machine."""
    from playwright.sync_api import expect

    expect.set_options(timeout=UI_TIMEOUT_MS)
    yield
    expect.set_options(timeout=5_000)
