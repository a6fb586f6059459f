"""The bluesky spider crawls a local replay of the AT Protocol APIs: public getPostThread (replies walked
recursively, blocked and deleted nodes counted), getProfile(s) for followers, and searchPosts behind a
createSession bearer token with cursor paging; without a login, keyword search closes the spider."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crawler.replay import (
    BLUESKY_LOGIN,
    ReplayServer,
    assert_posts_first,
    bluesky_route,
    run_crawl,
    serve,
)

GLOW = "at://did:plc:g7lwlab4offcl2xq5mz3ktr6a/app.bsky.feed.post/"
DEWY = "at://did:plc:d3wyd4ys7kq2mz5xw4rtn8cb/app.bsky.feed.post/"
FAN = "at://did:plc:f4nfr0mtq9xw2rm5zl8kd3vb/app.bsky.feed.post/"
SEOUL = "at://did:plc:s3oulsk1nq4rx7vt2mz9kpla/app.bsky.feed.post/"
ROOT = f"{GLOW}3ksxq2glow2a2"
NO_LOGIN = {"BLUESKY_IDENTIFIER": None, "BLUESKY_APP_PASSWORD": None}


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with serve(bluesky_route) as running:
        yield running


def test_threads_profiles_and_search(server: ReplayServer, tmp_path: Path) -> None:
    result = run_crawl(
        "bluesky",
        {
            "posts": f"{ROOT},https://bsky.app/profile/gone.bsky.social/post/3ksgone0000a2",
            "keywords": "glow lab",
            "public_api": f"{server.base_url}/public",
            "pds_url": f"{server.base_url}/pds",
            "limit": "2",
            "since": "2024-05-01T00:00:00Z",
        },
        tmp_path,
        env={"BLUESKY_IDENTIFIER": BLUESKY_LOGIN[0], "BLUESKY_APP_PASSWORD": BLUESKY_LOGIN[1]},
    )
    assert_posts_first(result)

    root = result.by_id(ROOT, "post")
    assert (root["likes"], root["replies"], root["author"], root["author_followers"]) == (
        42,
        4,
        "glowlab.bsky.social",
        5120,
    )
    assert root["url"] == "https://bsky.app/profile/glowlab.bsky.social/post/3ksxq2glow2a2"
    assert root["published_at"] == "2024-05-11T10:00:00+00:00"
    assert root["extra"]["reposts"] == 6 and root["extra"]["quotes"] == 1
    post = next(p for p in result.posts if p["external_id"] == ROOT)
    assert (post["shares"], post["comments"]) == (6, 4)

    # Replies walked recursively; the blocked and the deleted node are counted, not stored.
    comments = {m["external_id"]: m for m in result.mentions("comment")}
    replies = {m["external_id"]: m for m in result.mentions("reply")}
    assert set(comments) == {f"{DEWY}3ksxq3dewy1b2", f"{SEOUL}3ksxq5seou4d2", f"{DEWY}3kt2abdewy2i2"}
    assert set(replies) == {f"{GLOW}3ksxq4glow3c2"}
    assert replies[f"{GLOW}3ksxq4glow3c2"]["parent_external_id"] == f"{DEWY}3ksxq3dewy1b2"
    assert replies[f"{GLOW}3ksxq4glow3c2"]["post_external_id"] == ROOT
    korean = comments[f"{SEOUL}3ksxq5seou4d2"]
    assert (korean["text"], korean["lang"]) == ("한국 배송도 되나요?", "ko")
    assert result.stat("brandpulse/bluesky/skipped_blocked") == 1
    assert result.stat("brandpulse/bluesky/skipped_not_found") == 1
    assert result.stat("brandpulse/bad_response") == 1  # the deleted configured post: 400 NotFound

    # Search: two pages by cursor; the root post found again is not stored twice; followers from getProfiles;
    # the hit with a reply gets its thread (the reply under the search hit's post).
    own = [m["external_id"] for m in result.mentions("post")]
    assert sorted(own) == sorted([ROOT, f"{FAN}3kt2aafan11g2", f"{FAN}3kt1zzfan09h2"])
    hit = result.by_id(f"{FAN}3kt2aafan11g2", "post")
    assert hit["author_followers"] == 233
    assert comments[f"{DEWY}3kt2abdewy2i2"]["post_external_id"] == f"{FAN}3kt2aafan11g2"

    login = [s for s in server.seen if s.path.endswith("createSession")]
    assert len(login) == 1 and login[0].method == "POST"
    searches = [s for s in server.seen if s.path.endswith("searchPosts")]
    assert [s.params.get("cursor") for s in searches] == [None, "2"]
    assert all(s.params["since"] == "2024-05-01T00:00:00.000Z" for s in searches)
    threads = sorted(
        s.params["uri"].rsplit("/", 1)[-1] for s in server.seen if s.path.endswith("getPostThread")
    )
    assert threads == ["3ksgone0000a2", "3ksxq2glow2a2", "3kt2aafan11g2"]


def test_search_without_login_closes_the_spider(server: ReplayServer, tmp_path: Path) -> None:
    args = {
        "keywords": "glow lab",
        "posts": ROOT,
        "public_api": f"{server.base_url}/public",
        "pds_url": f"{server.base_url}/pds",
    }
    result = run_crawl("bluesky", args, tmp_path, env=NO_LOGIN)
    assert result.items == [] and result.finish_reason == "missing_config"
    for name in ("identifier", "app_password", "BLUESKY_IDENTIFIER", "BLUESKY_APP_PASSWORD"):
        assert name in result.log
    assert server.paths("/public/") == server.paths("/pds/") == []
