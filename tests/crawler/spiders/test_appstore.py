"""The appstore spider crawls a local replay of the App Store customer-review feed (RSS as JSON): the app
entry first, a one-review page whose ``entry`` is an object, a page past the end with no ``entry``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crawler.replay import ReplayServer, appstore_route, assert_posts_first, run_crawl, serve


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with serve(appstore_route) as running:
        yield running


def test_reviews_per_country_and_page_quirks(server: ReplayServer, tmp_path: Path) -> None:
    args = {"apps": "id1234567890", "countries": "us,KR", "base_url": server.base_url}
    result = run_crawl("appstore", args, tmp_path)
    assert_posts_first(result)
    posts = {p["external_id"]: p for p in result.posts}
    reviews = {m["external_id"]: m for m in result.mentions("review")}
    # us: 3 on page 1 (after the app entry) + page 2's single-object entry (rel="last"); kr: 2, then no entry.
    assert len(posts) == len(reviews) == len(result.items) / 2 == 6
    assert set(posts) == set(reviews)

    crash = reviews["11055500002"]
    assert crash["text"] == (
        "Crashes on launch\n\n"
        "Since the last update the app crashes every time I open the diary tab.\nPlease fix."
    )
    assert (crash["likes"], crash["author"]) == (12, "annoyed_in_ohio")
    assert crash["published_at"] == "2024-05-10T04:03:10+00:00"  # -07:00 → UTC
    assert crash["extra"] == {
        "app_id": "1234567890",
        "country": "us",
        "rating": 1,
        "version": "3.2.1",
        "vote_count": 13,
        "app_name": "Glow Lab: Skin Diary",
    }
    assert crash["url"] == "https://apps.apple.com/us/app/id1234567890"
    single = reviews["11055400009"]
    assert single["text"] == "Okay\n\nDoes the job."
    assert (single["extra"]["rating"], single["extra"]["country"]) == (3, "us")
    korean = reviews["11055600001"]
    assert korean["text"] == "알림이 너무 많아요\n\n하루에 알림이 다섯 번은 와요 ㅠ"
    assert korean["extra"]["rating"] == 2
    assert posts["11055500002"]["likes"] == 12 and posts["11055500002"]["title"] == "Crashes on launch"

    pages = sorted(s.path for s in server.seen if "/rss/" in s.path)
    assert pages == [
        "/kr/rss/customerreviews/page=1/id=1234567890/sortBy=mostRecent/json",
        "/kr/rss/customerreviews/page=2/id=1234567890/sortBy=mostRecent/json",
        "/us/rss/customerreviews/page=1/id=1234567890/sortBy=mostRecent/json",
        "/us/rss/customerreviews/page=2/id=1234567890/sortBy=mostRecent/json",
    ]
    assert result.stat("brandpulse/bad_response") == 0
