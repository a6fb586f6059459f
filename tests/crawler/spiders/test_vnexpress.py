"""The VnExpress spider crawls, through the Scrapy engine and real HTTP, a local server replaying hand-made
recordings (robots.txt obeyed as in production); the tests check the items and what the server was asked
for."""

from __future__ import annotations

from collections.abc import Callable

from tests.crawler.replay import CrawlResult, ReplayServer, assert_post_first


def test_vnexpress_search_comments_offsets_and_replies(
    vnexpress_server: ReplayServer, crawl: Callable[..., CrawlResult]
) -> None:
    base = vnexpress_server.base_url
    result = crawl(
        "vnexpress",
        {
            "keywords": "glow lab",
            "article_urls": f"{base}/nuoc-hoa-hong-petal-theory-review-4800003.html",
            "search_url": f"{base}/search/",
            "comments_api": f"{base}/api",
            "max_pages": "1",
            "comments_limit": "3",
        },
    )
    assert_post_first(result)
    posts = {p["external_id"]: p for p in result.posts}
    assert set(posts) == {"4800001", "4800002", "4800003"}
    assert posts["4800001"]["comments"] == 5 and posts["4800001"]["likes"] == 0
    assert posts["4800001"]["title"] == "Serum vitamin C Glow Lab gây sốt giới trẻ"
    assert posts["4800001"]["published_at"] == "2024-05-11T23:30:00+00:00"
    # error != 0 and an HTML body where JSON was due: counted, logged, the post still stored.
    assert posts["4800002"]["comments"] is None and posts["4800003"]["comments"] is None
    assert result.stat("brandpulse/bad_response") == 2

    article = result.by_id("4800001", "article")
    assert article["text"].startswith("Serum vitamin C Glow Lab gây sốt giới trẻ\n\nDòng serum")
    comments = {m["external_id"]: m for m in result.mentions("comment")}
    assert set(comments) == {"52000001", "52000002", "52000003", "52000004", "52000005"}
    first = comments["52000001"]
    assert (first["likes"], first["replies"], first["author"]) == (41, 3, "Thu Trang")
    assert first["extra"]["reactions"] == {"t_r_1": 12, "t_r_2": 3, "t_r_3": 0, "t_r_4": 1}
    assert first["published_at"] == "2024-05-12T00:50:00+00:00"
    assert comments["52000002"]["text"] == (
        "Dùng xong bị nổi mụn ẩn khắp trán, ai bị giống mình không?\nDa mình thuộc loại dầu."  # <br/> → \n
    )
    assert comments["52000005"]["text"] == ""  # left for the validate pipeline to quarantine

    replies = {m["external_id"]: m for m in result.mentions("reply")}
    assert len(result.mentions("reply")) == len(replies)  # no reply twice
    assert len(result.mentions("comment")) == len(comments)
    # Inline replies plus the rest of the thread from getreplay, without repeating the inline one.
    assert set(replies) == {"52000101", "52000102", "52000103", "52000104"}
    assert {r["parent_external_id"] for k, r in replies.items() if k != "52000102"} == {"52000001"}
    assert replies["52000102"]["parent_external_id"] == "52000002"
    assert replies["52000103"]["text"] == "@Thu Trang: Bạn mua ở đâu vậy?"
    assert all(r["post_external_id"] == "4800001" for r in replies.values())

    api = [
        s for s in vnexpress_server.seen if s.path == "/api/index/get" and s.params["objectid"] == "4800001"
    ]
    assert [s.params["offset"] for s in api] == ["0", "3"]
    replay = [s.params["id"] for s in vnexpress_server.seen if s.path == "/api/index/getreplay"]
    assert replay == ["52000001"]  # 52000002's single reply was inline already
    searched = [s.params.get("page", "1") for s in vnexpress_server.seen if s.path == "/search/"]
    assert searched == ["1"] and "/robots.txt" in vnexpress_server.paths()
