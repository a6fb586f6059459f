"""The naver_search spider crawls a local replay of the Naver Search API (blog and news), through the Scrapy
engine with robots.txt obeyed: headers, start/display paging, ``since``, error JSON and a missing key."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crawler.replay import (
    NAVER_CLIENT,
    ReplayServer,
    assert_posts_first,
    naver_search_route,
    run_crawl,
    serve,
)

NO_KEYS = {"NAVER_CLIENT_ID": None, "NAVER_CLIENT_SECRET": None}


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with serve(naver_search_route) as running:
        yield running


def test_blog_and_news_pages_dates_and_errors(server: ReplayServer, tmp_path: Path) -> None:
    result = run_crawl(
        "naver_search",
        {
            "keywords": "글로우랩,아쿠아베일",
            "kinds": "blog,news",
            "api_url": f"{server.base_url}/v1/search",
            "display": "2",
            "max_pages": "2",
            "since": "2024-05-01T00:00:00Z",
        },
        tmp_path,
        env={"NAVER_CLIENT_ID": NAVER_CLIENT[0], "NAVER_CLIENT_SECRET": NAVER_CLIENT[1]},
    )
    assert_posts_first(result)

    # blog: 2 pages (the second reaches past `since`, so no third); news: 2 pages, then max_pages.
    posts = {p["external_id"]: p for p in result.posts}
    assert len(posts) == len(result.posts) == 8
    articles = {m["external_id"]: m for m in result.mentions("article")}
    assert len(result.mentions()) == len(articles) == 7
    old_blog = "https://blog.naver.com/emptybottle/223430000404"
    assert old_blog in posts and old_blog not in articles  # refreshed, not stored again as a mention
    assert result.stat("brandpulse/skipped_old") == 1
    assert result.stat("brandpulse/naver_search/pages_capped") == 1

    blog = articles["https://blog.naver.com/dewy_days/223450000101"]
    assert blog["text"] == (
        '글로우랩 비타민C 세럼 한 달 사용 후기 "톤업 확실"\n\n'
        "요즘 제일 자주 손이 가는 글로우랩 세럼이에요. 끈적임 없이 흡수되고 아침에 바르면 화장이 잘 먹어요..."
    )
    assert blog["author"] == "촉촉한 하루"
    assert blog["published_at"] == "2024-05-11T15:00:00+00:00"  # postdate 20240512 is a Seoul day
    assert blog["extra"] == {"kind": "blog", "keyword": "글로우랩", "author_link": "blog.naver.com/dewy_days"}
    # A day-only postdate on since's own day is still new.
    assert "https://blog.naver.com/mayshopper/223440000303" in articles

    news = articles["https://n.news.naver.com/mnews/article/001/0014000001?sid=101"]
    assert news["published_at"] == "2024-05-12T00:30:00+00:00"  # RFC 822 pubDate, +0900
    assert news["extra"]["naver_article"] == "001/0014000001"
    assert news["extra"]["original_link"] == "https://www.example-news.co.kr/article/20240512000101"
    assert "<b>" not in news["text"] and news["text"].startswith("'글로우랩' 비타민C 세럼")
    post = posts["https://n.news.naver.com/mnews/article/001/0014000001?sid=101"]
    assert post["title"] == "'글로우랩' 비타민C 세럼, 출시 한 달 만에 10만 개 판매"
    assert post["likes"] is None and post["comments"] is None  # discovery only

    # The rate-limit error JSON for one query is counted, not a crash; the empty result ends its query.
    assert result.stat("brandpulse/bad_response") == 1
    api = [s for s in server.seen if s.path.startswith("/v1/")]
    asked = Counter((s.path, s.params["query"], s.params["start"]) for s in api)
    assert asked == {
        ("/v1/search/blog.json", "글로우랩", "1"): 1,
        ("/v1/search/blog.json", "글로우랩", "3"): 1,
        ("/v1/search/blog.json", "아쿠아베일", "1"): 1,
        ("/v1/search/news.json", "글로우랩", "1"): 1,
        ("/v1/search/news.json", "글로우랩", "3"): 1,
        ("/v1/search/news.json", "아쿠아베일", "1"): 3,  # 429 is retried (RETRY_TIMES=2), then given up
    }
    assert all(s.headers["x-naver-client-id"] == NAVER_CLIENT[0] for s in api)
    assert "/robots.txt" in server.paths()


def test_missing_key_closes_the_spider_at_start(server: ReplayServer, tmp_path: Path) -> None:
    result = run_crawl(
        "naver_search",
        {"keywords": "글로우랩", "api_url": f"{server.base_url}/v1/search"},
        tmp_path,
        env=NO_KEYS,
    )
    assert result.items == []
    assert result.finish_reason == "missing_config"
    for name in ("client_id", "client_secret", "NAVER_CLIENT_ID", "NAVER_CLIENT_SECRET"):
        assert name in result.log
    assert server.paths("/v1/") == []
