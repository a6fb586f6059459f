"""The Google News parsers (crawler/parsers/googlenews.py): editions, bad feeds and a recorded feed."""

from __future__ import annotations

import pytest

from crawler.parsers.googlenews import google_news_edition, parse_google_news_rss
from crawler.parsing import BadResponse
from tests.crawler.parsers.recorded_apis import HANDMADE, SourceSet, is_utc, read, real_set
from tests.crawler.replay import parametrize_recorded


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize_recorded(metafunc, HANDMADE, real_set)


def test_google_news_editions_and_bad_feeds() -> None:
    assert google_news_edition("zh-TW") == ("zh-TW", "TW", "TW:zh-Hant")
    assert google_news_edition("KO") == ("ko", "KR", "KR:ko")
    with pytest.raises(ValueError, match="known: ko, zh-TW, vi, en"):
        google_news_edition("fr")
    with pytest.raises(BadResponse):
        parse_google_news_rss(b"<html><body>Sorry...</body></html>")


def test_google_news_feed(recorded: SourceSet) -> None:
    items = parse_google_news_rss(read(recorded, recorded.googlenews))
    assert len(items) == recorded.googlenews_items
    assert len({i.guid for i in items}) == len(items)
    assert sum(1 for i in items if i.title.endswith(f" - {i.source}")) == recorded.googlenews_self_named
    for item in items:
        assert item.title and item.source and item.source_url and is_utc(item.published_at)
        assert item.link and item.link.startswith("https://news.google.com/rss/articles/")
