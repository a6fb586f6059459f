"""The youtube spider crawls a local replay of the YouTube Data API v3: videos (given and a channel's
uploads), channel subscribers, comment threads with nextPageToken paging, inline and fetched replies, error
JSON (commentsDisabled counted, quotaExceeded ending the crawl) and a missing key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crawler.replay import (
    YOUTUBE_KEY,
    ReplayServer,
    assert_posts_first,
    run_crawl,
    serve,
    youtube_route,
)

T1 = "Ugw1GlowThreadAAAA4AaABAg"
T2 = "Ugx2GlowThreadBBBB4AaABAg"


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with serve(youtube_route) as running:
        yield running


def test_videos_channel_threads_and_replies(server: ReplayServer, tmp_path: Path) -> None:
    result = run_crawl(
        "youtube",
        {
            "videos": "GlowLabVid1,https://www.youtube.com/watch?v=NoComments1",
            "channel": "UCgl0wLabOfficialChann01,@glowlabofficial",  # the same channel by id and by handle
            "keywords": "glow lab",
            "since": "2024-05-01T00:00:00Z",
            "api_url": f"{server.base_url}/youtube/v3",
            "api_key": YOUTUBE_KEY,
        },
        tmp_path,
        env={"YOUTUBE_API_KEY": None},
    )
    assert_posts_first(result)

    posts = {p["external_id"]: p for p in result.posts}
    # The given videos, the channel's uploads (GlowLabVid2) and the search hits, each fetched once.
    assert sorted(posts) == ["GlowLabVid1", "GlowLabVid2", "NoComments1"]
    assert len(result.posts) == 3
    vid = posts["GlowLabVid1"]
    assert (vid["views"], vid["likes"], vid["comments"]) == (52310, 1804, 9)
    assert (vid["author"], vid["author_followers"]) == ("Glow Lab Official", 125000)
    assert vid["published_at"] == "2024-05-01T03:00:00+00:00"
    # Hidden likes, comments off and a hidden subscriber count are unknown, not zero.
    off = posts["NoComments1"]
    assert (off["views"], off["likes"], off["comments"], off["author_followers"]) == (8800, None, None, None)
    # NoComments1 is older than `since`: its counts are refreshed, its text not stored again.
    assert sorted(m["external_id"] for m in result.mentions("post")) == ["GlowLabVid1", "GlowLabVid2"]
    own = result.by_id("GlowLabVid1", "post")
    assert own["text"].startswith("Glow Lab Vitamin C Serum | How to use\n\nMorning routine")
    assert own["lang"] == "en" and own["author_followers"] == 125000

    comments = {m["external_id"]: m for m in result.mentions("comment")}
    assert sorted(comments) == sorted([T1, T2, "Ugy3GlowThreadCCCC4AaABAg", "Ugz4GlowThreadDDDD4AaABAg"])
    top = comments[T1]
    assert (top["likes"], top["replies"], top["author"]) == (12, 4, "Mina Park")
    assert top["text"] == "Used it for a month.\nMy dark spots faded a bit!"
    assert top["published_at"] == "2024-05-11T09:15:00+00:00"
    assert top["extra"] == {"author_channel_id": "UCminaParkSkincare000001"}
    replies = {m["external_id"]: m for m in result.mentions("reply")}
    # 2 inline + the 2 more that comments?parentId= brings (the inline two are not repeated), + 1 inline.
    assert len(result.mentions("reply")) == len(replies) == 5
    assert {r["parent_external_id"] for r in replies.values()} == {T1, T2}
    assert replies[f"{T1}.9xRa1Glow004"]["text"] == "我也想買，台灣有賣嗎？"
    assert all(m["post_external_id"] == "GlowLabVid1" for m in result.mentions() if m["kind"] != "post")

    # commentsDisabled is logged and counted; the video itself is kept.
    assert result.stat("brandpulse/youtube/api_error/commentsDisabled") == 1
    assert result.stat("brandpulse/bad_response") == 0
    api = [s for s in server.seen if s.path.startswith("/youtube/v3/")]
    assert all(s.params["key"] == YOUTUBE_KEY for s in api)
    threads = [
        s.params for s in api if s.path.endswith("/commentThreads") and s.params["videoId"] == "GlowLabVid1"
    ]
    assert [t.get("pageToken", "")[:12] for t in threads] == ["", "QURTSl9pM0ds"]
    assert [s.params["parentId"] for s in api if s.path.endswith("/comments")] == [T1]
    # commentCount "0" → no commentThreads call for GlowLabVid2.
    assert not any(s.params.get("videoId") == "GlowLabVid2" for s in api)
    search = [s.params for s in api if s.path.endswith("/search")]
    assert [(p["q"], p["publishedAfter"]) for p in search] == [("glow lab", "2024-05-01T00:00:00Z")]
    videos = sorted(s.params["id"] for s in api if s.path.endswith("/videos"))
    assert sorted(",".join(videos).split(",")) == ["GlowLabVid1", "GlowLabVid2", "NoComments1"]
    uploads = [s.params["playlistId"] for s in api if s.path.endswith("/playlistItems")]
    assert uploads == ["UUgl0wLabOfficialChann01"]  # the handle's same channel: the same call, filtered
    assert "/robots.txt" in server.paths()


def test_quota_exceeded_ends_the_crawl(server: ReplayServer, tmp_path: Path) -> None:
    result = run_crawl(
        "youtube",
        {"videos": "GlowLabVid1", "api_url": f"{server.base_url}/youtube/v3", "api_key": "exhausted"},
        tmp_path,
    )
    assert result.items == []
    assert result.finish_reason == "youtube_quota_exceeded"
    assert result.stat("brandpulse/youtube/api_error/quotaExceeded") == 1


def test_missing_key_closes_the_spider_at_start(server: ReplayServer, tmp_path: Path) -> None:
    result = run_crawl(
        "youtube",
        {"videos": "GlowLabVid1", "api_url": f"{server.base_url}/youtube/v3"},
        tmp_path,
        env={"YOUTUBE_API_KEY": None},
    )
    assert result.items == [] and result.finish_reason == "missing_config"
    assert "api_key" in result.log and "YOUTUBE_API_KEY" in result.log
    assert server.paths("/youtube/") == []
