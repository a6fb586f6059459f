"""Fixtures of the spider tests: a replay server per source and a crawl runner (tests/crawler/replay.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.crawler.replay import (
    CrawlResult,
    ReplayServer,
    naver_route,
    ptt_route,
    run_crawl,
    serve,
    vnexpress_route,
)


@pytest.fixture
def ptt_server() -> Iterator[ReplayServer]:
    with serve(ptt_route) as server:
        yield server


@pytest.fixture
def vnexpress_server() -> Iterator[ReplayServer]:
    with serve(vnexpress_route) as server:
        yield server


@pytest.fixture
def naver_server() -> Iterator[ReplayServer]:
    with serve(naver_route) as server:
        yield server


@pytest.fixture
def crawl(tmp_path: Path) -> Callable[..., CrawlResult]:
    def _crawl(spider: str, args: dict[str, str], settings: dict[str, str] | None = None) -> CrawlResult:
        return run_crawl(spider, args, tmp_path, settings)

    return _crawl
