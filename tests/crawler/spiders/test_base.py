"""What the spiders share (crawler/spiders/_base.py): since and freshness, keys from the environment, a
clean close for missing configuration, and spider arguments that fail clearly."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from scrapy.exceptions import CloseSpider

from crawler.spiders._base import config_value, is_fresh, missing_config, parse_since


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def test_since_and_freshness(monkeypatch: pytest.MonkeyPatch) -> None:
    assert parse_since("2024-05-01") == utc(2024, 5, 1)
    assert parse_since("2024-05-01T09:00:00+09:00") == utc(2024, 5, 1)
    assert parse_since("") is None and parse_since(None) is None
    with pytest.raises(ValueError, match="since"):
        parse_since("last week-ish")

    class Quiet:
        name, crawler = "t", None

    since = utc(2024, 5, 1, 12)
    assert is_fresh(Quiet(), utc(2024, 5, 1, 13), since)  # type: ignore[arg-type]
    assert not is_fresh(Quiet(), utc(2024, 5, 1, 11), since)  # type: ignore[arg-type]
    assert is_fresh(Quiet(), None, since) and is_fresh(Quiet(), utc(2000, 1, 1), None)  # type: ignore[arg-type]
    # A day-only date (Naver's postdate) counts until the end of its day.
    assert is_fresh(Quiet(), utc(2024, 5, 1, 0), since, date_only=True)  # type: ignore[arg-type]
    assert not is_fresh(Quiet(), utc(2024, 4, 30, 0), since, date_only=True)  # type: ignore[arg-type]

    monkeypatch.setenv("BRANDPULSE_TEST_KEY", " from-env ")
    assert config_value("", "BRANDPULSE_TEST_KEY") == "from-env"
    assert config_value("from-arg", "BRANDPULSE_TEST_KEY") == "from-arg"


def test_missing_config_is_a_clean_close() -> None:
    from crawler.spiders.youtube import YoutubeSpider

    spider = YoutubeSpider(videos="dQw4w9WgXcQ", api_key="k")
    error = missing_config(spider, "no key: give -a api_key=... or set YOUTUBE_API_KEY")
    assert isinstance(error, CloseSpider) and error.reason == "missing_config"


def test_api_spider_arguments_fail_clearly() -> None:
    from crawler.spiders.appstore import AppStoreSpider
    from crawler.spiders.bluesky import BlueskySpider
    from crawler.spiders.dcinside import DcinsideSpider
    from crawler.spiders.googlenews import GoogleNewsSpider
    from crawler.spiders.googleplay import GooglePlaySpider
    from crawler.spiders.hackernews import HackerNewsSpider
    from crawler.spiders.mastodon import MastodonSpider
    from crawler.spiders.naver_search import NaverSearchSpider
    from crawler.spiders.youtube import YoutubeSpider

    cases = [
        (lambda: NaverSearchSpider(), "keywords"),
        (lambda: NaverSearchSpider(keywords="a", kinds="blog,images"), "kinds"),
        (lambda: DcinsideSpider(), "gallery id"),
        (lambda: DcinsideSpider(galleries="a", gallery_type="huge"), "gallery_type"),
        (lambda: YoutubeSpider(), "videos"),
        (lambda: YoutubeSpider(videos="not a video"), "not a video id"),
        (lambda: AppStoreSpider(apps="glowlab"), "numeric"),
        (lambda: AppStoreSpider(apps="123456", countries="usa"), "two-letter"),
        (lambda: GooglePlaySpider(apps="glowlab"), "package names"),
        (lambda: GooglePlaySpider(apps="com.a.b", locales="english"), "locales"),
        (lambda: GoogleNewsSpider(keywords="a", editions="fr"), "edition"),
        (lambda: GoogleNewsSpider(keywords="a", when="a week"), "when"),
        (lambda: HackerNewsSpider(keywords="a", tags="poll"), "tags"),
        (lambda: HackerNewsSpider(keywords="a", since="yesterday-ish"), "since"),
        (lambda: MastodonSpider(tags=""), "tags"),
        (lambda: BlueskySpider(), "posts"),
        (lambda: BlueskySpider(posts="https://example.com/x"), "at://"),
        (lambda: HackerNewsSpider(keywords="a", max_pages="0"), "max_pages"),
    ]
    for build, message in cases:
        with pytest.raises(ValueError, match=message):
            build()
    spider = MastodonSpider(instance="mastodon.example/", tags="#kbeauty, skincare", limit="80")
    assert (spider.instance, spider.host, spider.tags, spider.limit) == (
        "https://mastodon.example",
        "mastodon.example",
        ["kbeauty", "skincare"],
        40,
    )
    assert GooglePlaySpider(apps="com.a.b", locales="ko_KR, en-us").locales == [("ko", "kr"), ("en", "us")]


def test_page_spider_arguments_fail_clearly(tmp_path: Any) -> None:
    import pytest

    from crawler.spiders.naver_comments import NaverCommentsSpider
    from crawler.spiders.ptt import PttSpider
    from crawler.spiders.vnexpress import VnexpressSpider

    with pytest.raises(ValueError, match="keywords"):
        VnexpressSpider()
    with pytest.raises(ValueError, match="oid"):
        NaverCommentsSpider(articles="not an id")
    with pytest.raises(ValueError, match="max_pages"):
        PttSpider(boards="MakeUp", max_pages="0")
    spider = PttSpider(boards=" MakeUp, ,Gossiping,MakeUp", base_url="http://127.0.0.1:9/")
    assert spider.boards == ["MakeUp", "Gossiping"]
    assert (spider.base_url, spider.max_pages) == ("http://127.0.0.1:9", 3)
