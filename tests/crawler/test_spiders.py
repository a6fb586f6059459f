"""Each spider crawls, through the Scrapy engine and real HTTP, a local server replaying hand-made recordings
(robots.txt obeyed as in production); the tests check the items and what the server was asked for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.crawler.replay import CrawlResult, ReplayServer


def assert_post_first(result: CrawlResult) -> None:
    """Every post's PostItem comes before its own mention, which comes before the comments under it."""
    first_seen: dict[str, str] = {}
    for item in result.items:
        post_id = item.get("post_external_id") or item["external_id"]
        role = "post" if "kind" not in item else ("own" if item["external_id"] == post_id else "comment")
        previous = first_seen.get(post_id)
        if previous is None:
            assert role == "post", f"{post_id}: {role} before the PostItem"
            first_seen[post_id] = "post"
        elif previous == "post":
            assert role == "own", f"{post_id}: {role} right after the PostItem"
            first_seen[post_id] = "own"


def test_ptt_walks_index_pages_with_the_over18_cookie(
    ptt_server: ReplayServer, crawl: Callable[..., CrawlResult]
) -> None:
    result = crawl("ptt", {"boards": "MakeUp,Adult", "base_url": ptt_server.base_url, "max_pages": "2"})

    # Two index pages → four live articles; the deleted row and the pinned rules are skipped, with stats.
    assert sorted(p["external_id"] for p in result.posts) == [
        "M.1735000000.A.3D5", "M.1735500000.A.4E6", "M.1735603200.A.1C3", "M.1736236800.A.2F4",
    ]
    assert result.stat("brandpulse/ptt/skipped_deleted") == 1
    assert result.stat("brandpulse/ptt/skipped_pinned") == 1
    assert_post_first(result)

    post = result.by_id("M.1735603200.A.1C3", "post-item")
    assert (post["likes"], post["comments"], post["shares"]) == (4, 6, 0)
    assert post["title"] == "[心得] 光澤實驗室 維C精華 用了一個月"
    assert post["author"] == "mochi0312"
    assert post["published_at"] == "2024-12-31T00:00:00+00:00"
    own = result.by_id("M.1735603200.A.1C3", "post")
    assert own["text"].startswith("[心得] 光澤實驗室 維C精華 用了一個月\n\n各位早安～")
    assert "發信站" not in own["text"] and "推文" in own["text"]
    pushes = [m for m in result.mentions("comment") if m["post_external_id"] == "M.1735603200.A.1C3"]
    assert [m["external_id"] for m in pushes] == [f"M.1735603200.A.1C3#push{n}" for n in range(1, 7)]
    assert [m["extra"]["push_tag"] for m in pushes] == ["推", "推", "→", "噓", "推", "推"]
    assert pushes[1]["text"] == "心得推 附上官網 https://example.com/glowlab/vc"
    # A December article's "01/02 10:30" push (Taipei) belongs to the next year.
    assert pushes[5]["published_at"] == "2025-01-02T02:30:00+00:00"

    no_user = result.by_id("M.1736236800.A.2F4#push2", "comment")
    assert no_user["author"] is None and no_user["text"] == "先停用看看 不舒服就去看皮膚科"
    assert result.by_id("M.1736236800.A.2F4#push4", "comment")["text"] == "😂😂"
    assert result.by_id("M.1735500000.A.4E6", "post-item")["comments"] == 0

    # The gate that stays up is counted once and not retried.
    assert result.stat("brandpulse/ptt/over18_gate") == 1
    assert ptt_server.paths("/bbs/Adult/") == ["/bbs/Adult/index.html"]
    bbs = [s for s in ptt_server.seen if s.path.startswith("/bbs/")]
    assert bbs and all(s.cookies.get("over18") == "1" for s in bbs)
    # robots.txt was fetched; the max_pages bound held; the pinned article was never fetched.
    assert "/robots.txt" in ptt_server.paths()
    assert "/bbs/MakeUp/index3103.html" not in ptt_server.paths()
    assert "/bbs/MakeUp/M.1704067200.A.0AA.html" not in ptt_server.paths()


def test_ptt_keywords_use_board_search(ptt_server: ReplayServer, crawl: Callable[..., CrawlResult]) -> None:
    result = crawl("ptt", {"boards": "MakeUp", "keywords": "水紗", "base_url": ptt_server.base_url,
                           "max_pages": "1"})
    assert [p["external_id"] for p in result.posts] == ["M.1736236800.A.2F4"]
    assert len(result.mentions("comment")) == 5
    searches = [s for s in ptt_server.seen if s.path == "/bbs/MakeUp/search"]
    assert [s.params for s in searches] == [{"q": "水紗"}]  # page 2 not followed with max_pages=1


def test_vnexpress_search_comments_offsets_and_replies(
    vnexpress_server: ReplayServer, crawl: Callable[..., CrawlResult]
) -> None:
    base = vnexpress_server.base_url
    result = crawl("vnexpress", {
        "keywords": "glow lab",
        "article_urls": f"{base}/nuoc-hoa-hong-petal-theory-review-4800003.html",
        "search_url": f"{base}/search/",
        "comments_api": f"{base}/api",
        "max_pages": "1",
        "comments_limit": "3",
    })
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

    api = [s for s in vnexpress_server.seen
           if s.path == "/api/index/get" and s.params["objectid"] == "4800001"]
    assert [s.params["offset"] for s in api] == ["0", "3"]
    replay = [s.params["id"] for s in vnexpress_server.seen if s.path == "/api/index/getreplay"]
    assert replay == ["52000001"]  # 52000002's single reply was inline already
    searched = [s.params.get("page", "1") for s in vnexpress_server.seen if s.path == "/search/"]
    assert searched == ["1"] and "/robots.txt" in vnexpress_server.paths()


def test_naver_comments_jsonp_referer_and_pages(
    naver_server: ReplayServer, crawl: Callable[..., CrawlResult]
) -> None:
    base = naver_server.base_url
    result = crawl("naver_comments", {
        "articles": "001/0014000001, 421,0007000002",
        "api_url": f"{base}/cbox/web_naver_list_jsonp.json",
        "article_base": f"{base}/article",
    })
    assert_post_first(result)
    post = result.by_id("001/0014000001", "post-item")
    assert post["title"] == "'글로우랩' 비타민C 세럼, 출시 한 달 만에 10만 개 판매"
    assert post["comments"] == 5
    assert post["published_at"] == "2024-05-12T00:30:00+00:00"
    assert result.by_id("001/0014000001", "article")["text"].startswith("'글로우랩' 비타민C 세럼")

    comments = {m["external_id"]: m for m in result.mentions("comment")}
    assert len(result.mentions("comment")) == len(comments)
    # Both pages read (jQuery-named wrapper with ";" and a bare _callback without); the deleted one skipped.
    assert set(comments) == {"4000000101", "4000000103", "4000000104", "4000000105"}
    assert result.stat("brandpulse/naver_news/skipped_deleted") == 1
    top = comments["4000000101"]
    assert (top["likes"], top["replies"], top["extra"]) == (152, 2, {"antipathy": 4})
    assert top["published_at"] == "2024-05-12T00:41:07+00:00"
    assert top["text"] == "글로우랩 세럼 써봤는데 진짜 피부 톤이 밝아졌어요\n재구매 의사 있습니다"
    assert all(c["post_external_id"] == "001/0014000001" for c in comments.values())

    # The second article's API answers with an error: counted, the post kept without a count.
    assert result.by_id("421/0007000002", "post-item")["comments"] is None
    assert result.stat("brandpulse/bad_response") == 1

    api = [s for s in naver_server.seen if s.path == "/cbox/web_naver_list_jsonp.json"]
    assert sorted((s.params["objectId"], s.params["page"]) for s in api) == [
        ("news001,0014000001", "1"), ("news001,0014000001", "2"), ("news421,0007000002", "1"),
    ]
    for seen in api:
        oid, aid = seen.params["objectId"][4:].split(",")
        assert seen.headers["referer"] == f"{base}/article/{oid}/{aid}"


def test_spider_arguments_fail_clearly(tmp_path: Any) -> None:
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
