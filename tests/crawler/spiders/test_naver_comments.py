"""The Naver news comments spider crawls, through the Scrapy engine and real HTTP, a local server replaying
hand-made recordings (robots.txt obeyed as in production); the tests check the items and what the server
was asked for."""

from __future__ import annotations

from collections.abc import Callable

from tests.crawler.replay import CrawlResult, ReplayServer, assert_post_first


def test_naver_comments_jsonp_referer_and_pages(
    naver_server: ReplayServer, crawl: Callable[..., CrawlResult]
) -> None:
    base = naver_server.base_url
    result = crawl(
        "naver_comments",
        {
            "articles": "001/0014000001, 421,0007000002",
            "api_url": f"{base}/cbox/web_naver_list_jsonp.json",
            "article_base": f"{base}/article",
        },
    )
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
        ("news001,0014000001", "1"),
        ("news001,0014000001", "2"),
        ("news421,0007000002", "1"),
    ]
    for seen in api:
        oid, aid = seen.params["objectId"][4:].split(",")
        assert seen.headers["referer"] == f"{base}/article/{oid}/{aid}"
