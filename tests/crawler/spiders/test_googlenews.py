"""The googlenews spider crawls a local replay of Google News RSS search per keyword and edition (hl/gl/ceid):
titles without the " - Source" suffix, the source in extra, duplicates across feeds, ``since``, errors."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crawler.replay import ReplayServer, assert_posts_first, googlenews_route, run_crawl, serve

ARTICLE_1 = "CBMiQVVfeXFMRmFrZUFydGljbGVJZDAwMDAwMWdsb3dsYWI"


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with serve(googlenews_route) as running:
        yield running


def test_feeds_per_keyword_and_edition(server: ReplayServer, tmp_path: Path) -> None:
    result = run_crawl(
        "googlenews",
        {
            "keywords": "글로우랩,glow lab",
            "editions": "ko,en",
            "base_url": server.base_url,
            "since": "2024-05-01T00:00:00Z",
        },
        tmp_path,
        settings={"CONCURRENT_REQUESTS": "1"},
    )  # feeds in order: which copy of a shared article wins
    assert_posts_first(result)
    # ko feed: 3 items; en feed: 2, one of them the same article as in the ko feed; the other two feeds are
    # empty or failing.
    assert len(result.posts) == 4
    assert result.stat("brandpulse/googlenews/duplicates") == 1
    articles = {m["external_id"]: m for m in result.mentions("article")}
    assert len(articles) == 3  # the April article is older than `since`: post refreshed, no mention
    assert result.stat("brandpulse/skipped_old") == 1

    first = articles[ARTICLE_1]
    assert first["text"] == "'글로우랩' 비타민C 세럼, 출시 한 달 만에 10만 개 판매"
    assert first["author"] == "예시뉴스"
    assert first["published_at"] == "2024-05-12T00:30:00+00:00"
    assert first["url"] == f"https://news.google.com/rss/articles/{ARTICLE_1}?oc=5"
    assert first["extra"] == {
        "source": "예시뉴스",
        "source_url": "https://www.example-news.co.kr",
        "keyword": "글로우랩",
        "edition": "ko",
    }
    # Only the last " - Source" is Google's: a dash inside the headline stays.
    titles = {p["title"] for p in result.posts}
    assert "2030이 고른 5월의 세럼… 글로우랩·아쿠아베일 강세 - 인터뷰" in titles

    assert result.stat("brandpulse/bad_response") == 1  # the 503 for "glow lab" in the ko edition
    feeds = Counter(
        (s.params["q"], s.params["hl"], s.params["gl"], s.params["ceid"])
        for s in server.seen
        if s.path == "/rss/search"
    )
    assert feeds == {
        ("glow lab when:7d", "en-US", "US", "US:en"): 1,
        ("glow lab when:7d", "ko", "KR", "KR:ko"): 3,  # a 503 is retried twice (RETRY_TIMES), then counted
        ("글로우랩 when:7d", "en-US", "US", "US:en"): 1,
        ("글로우랩 when:7d", "ko", "KR", "KR:ko"): 1,
    }
