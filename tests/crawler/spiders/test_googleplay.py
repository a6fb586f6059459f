"""The googleplay spider crawls a local replay of the Play Store's batchexecute RPC: the f.req form POST, the
)]}' prefix, reviews nested in a JSON string, next-page token paging, developer replies, an error envelope."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crawler.replay import (
    PLAY_TOKEN_PAGE2,
    ReplayServer,
    assert_posts_first,
    googleplay_route,
    run_crawl,
    serve,
)

R = "a1f3c2d4-000{}-4b6e-9a7c-1e2f3a4b5c6{}"


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with serve(googleplay_route) as running:
        yield running


def test_review_pages_replies_and_error_envelope(server: ReplayServer, tmp_path: Path) -> None:
    result = run_crawl(
        "googleplay",
        {
            "apps": "com.glowlab.app,com.unknown.app",
            "locales": "vi-VN",
            "count": "3",
            "max_pages": "3",
            "base_url": server.base_url,
        },
        tmp_path,
    )
    assert_posts_first(result)

    ids = [R.format(n, n) for n in range(1, 6)]
    posts = {p["external_id"]: p for p in result.posts}
    reviews = {m["external_id"]: m for m in result.mentions("review")}
    assert sorted(posts) == sorted(reviews) == sorted(ids)  # 3 on page 1 + 2 on the token's page 2

    crash = reviews[ids[1]]
    assert crash["text"] == "App bị treo khi mở nhật ký. Sửa giúp với!"
    assert (crash["likes"], crash["replies"], crash["author"], crash["lang"]) == (3, 1, "Tran Minh", "vi")
    assert crash["published_at"] == "2024-05-10T00:13:20+00:00"  # unix 1715300000
    assert crash["extra"] == {
        "app_id": "com.glowlab.app",
        "rating": 1,
        "hl": "vi",
        "gl": "vn",
        "version": "3.2.1",
    }
    assert posts[ids[1]]["comments"] == 1 and posts[ids[0]]["comments"] == 0
    assert posts[ids[0]]["likes"] == 14

    reply = result.by_id(f"{ids[1]}:reply", "reply")
    assert reply["text"] == "Sorry about that! Version 3.2.2 fixes the diary crash. Please update."
    assert (reply["author"], reply["post_external_id"], reply["parent_external_id"]) == (
        "Glow Lab Inc.",
        ids[1],
        ids[1],
    )
    assert reply["published_at"] == "2024-05-10T14:06:40+00:00"
    # A rating without words: kept with empty text for the validate pipeline to quarantine, version unknown.
    silent = reviews[ids[2]]
    assert silent["text"] == "" and "version" not in silent["extra"] and silent["extra"]["rating"] == 4

    # The error envelope (no payload) for the unknown app is counted, not a crash.
    assert result.stat("brandpulse/bad_response") == 1
    posted = [s for s in server.seen if s.method == "POST"]
    assert len(posted) == 3 and all(s.params == {"hl": "vi", "gl": "vn"} for s in posted)
    assert sum(PLAY_TOKEN_PAGE2 in s.form["f.req"] for s in posted) == 1
    assert "/robots.txt" in server.paths()
