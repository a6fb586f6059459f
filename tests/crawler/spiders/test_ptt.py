"""The PTT spider crawls, through the Scrapy engine and real HTTP, a local server replaying hand-made
recordings (robots.txt obeyed as in production); the tests check the items and what the server was asked
for."""

from __future__ import annotations

from collections.abc import Callable

from tests.crawler.replay import CrawlResult, ReplayServer, assert_post_first


def test_ptt_walks_index_pages_with_the_over18_cookie(
    ptt_server: ReplayServer, crawl: Callable[..., CrawlResult]
) -> None:
    result = crawl("ptt", {"boards": "MakeUp,Adult", "base_url": ptt_server.base_url, "max_pages": "2"})

    # Two index pages → four live articles; the deleted row and the pinned rules are skipped, with stats.
    assert sorted(p["external_id"] for p in result.posts) == [
        "M.1735000000.A.3D5",
        "M.1735500000.A.4E6",
        "M.1735603200.A.1C3",
        "M.1736236800.A.2F4",
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
    result = crawl(
        "ptt", {"boards": "MakeUp", "keywords": "水紗", "base_url": ptt_server.base_url, "max_pages": "1"}
    )
    assert [p["external_id"] for p in result.posts] == ["M.1736236800.A.2F4"]
    assert len(result.mentions("comment")) == 5
    searches = [s for s in ptt_server.seen if s.path == "/bbs/MakeUp/search"]
    assert [s.params for s in searches] == [{"q": "水紗"}]  # page 2 not followed with max_pages=1
