"""The hackernews spider crawls a local replay of the HN Algolia API: search_by_date with created_at_i
filters, page paging, a new time window past the hit cap, and the stories of comments fetched before them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crawler.replay import ReplayServer, assert_posts_first, hackernews_route, run_crawl, serve


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with serve(hackernews_route) as running:
        yield running


def test_pages_windows_and_comment_stories(server: ReplayServer, tmp_path: Path) -> None:
    result = run_crawl(
        "hackernews",
        {
            "keywords": "glow lab",
            "api_url": f"{server.base_url}/api/v1",
            "hits_per_page": "4",
            "max_pages": "4",
            "since": "2024-05-10T00:00:00Z",
        },
        tmp_path,
    )
    assert_posts_first(result)

    posts = {p["external_id"]: p for p in result.posts}
    assert sorted(posts) == ["39990001", "40000001", "40000002", "40000003"]
    show = posts["40000001"]
    assert (show["likes"], show["comments"], show["author"]) == (87, 4, "glowfounder")
    assert show["url"] == "https://news.ycombinator.com/item?id=40000001"
    assert show["published_at"] == "2024-05-12T02:13:20+00:00"
    assert result.by_id("40000001", "post")["extra"] == {"link": "https://github.com/example/glowlab"}
    ask = result.by_id("40000002", "post")
    assert ask["text"] == (
        "Ask HN: Anyone using Glow Lab at work?\n\nWe are evaluating it for our team.\n\nExperiences?"
    )
    # The story of two comments was not among the hits: fetched (counts refreshed) but older than `since`,
    # so it has no mention of its own.
    assert (posts["39990001"]["likes"], posts["39990001"]["comments"]) == (240, 131)
    assert [m["external_id"] for m in result.mentions("post")].count("39990001") == 0

    comments = {m["external_id"]: m for m in result.mentions() if m["kind"] in ("comment", "reply")}
    assert len(comments) == 7  # 8 comment hits, one of them seen again at the window boundary
    assert len([m for m in result.mentions() if m["kind"] in ("comment", "reply")]) == 7
    top = comments["40000012"]
    assert (top["kind"], top["post_external_id"], top["parent_external_id"]) == ("comment", "40000001", None)
    assert top["text"] == "Love that it's local-first.\n\nAny plans for an Android app?"
    reply = comments["40000015"]
    assert (reply["kind"], reply["post_external_id"], reply["parent_external_id"]) == (
        "reply",
        "40000001",
        "40000012",
    )
    assert reply["text"] == 'Exactly, the "glow lab" name is a bit generic though.'
    assert comments["40000011"]["text"] == (
        "Tried it last week. See https://example.com/review\n\nSync is slow."
    )
    assert comments["39990050"]["parent_external_id"] == "39990040"
    assert {c["post_external_id"] for c in comments.values()} == {"40000001", "39990001"}

    searches = [
        (s.params["numericFilters"], s.params["page"])
        for s in server.seen
        if s.path == "/api/v1/search_by_date"
    ]
    assert searches == [
        ("created_at_i>1715299200", "0"),
        ("created_at_i>1715299200", "1"),
        ("created_at_i>1715299200,created_at_i<=1715430000", "0"),
    ]
    assert result.stat("brandpulse/hackernews/windows") == 1
    assert [s.params["tags"] for s in server.seen if s.path == "/api/v1/search"] == ["story,(story_39990001)"]
    assert result.stat("brandpulse/bad_response") == 0
