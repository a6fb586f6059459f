"""The recorded pages are the ones their expectations describe (sha256 prefixes of the real ones)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.crawler.parsers.recorded_pages import HANDMADE, RecordedSet, read, real_set
from tests.crawler.replay import parametrize_recorded


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize_recorded(metafunc, HANDMADE, real_set)


def test_files_are_the_recorded_ones(recorded: RecordedSet, real_fixtures_dir: Path | None) -> None:
    if recorded is not HANDMADE:
        assert real_fixtures_dir == recorded.folder
    for name, prefix in recorded.sha256_prefixes.items():
        assert hashlib.sha256(read(recorded, name)).hexdigest().startswith(prefix), name
    for name in (recorded.ptt_index, recorded.ptt_article, recorded.ptt_over18, recorded.vnexpress_article):
        assert read(recorded, name)
