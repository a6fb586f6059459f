"""The dcinside spider crawls a local replay of DC Inside: list pages (notices and ads skipped), article pages
and the comment form POST that needs the page's e_s_n_o token, X-Requested-With and the site's cookie."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crawler.replay import ReplayServer, assert_posts_first, dcinside_route, run_crawl, serve


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with serve(dcinside_route) as running:
        yield running


def test_major_gallery_lists_articles_and_comment_pages(server: ReplayServer, tmp_path: Path) -> None:
    result = run_crawl(
        "dcinside", {"galleries": "cosmetic", "base_url": server.base_url, "max_pages": "2"}, tmp_path
    )
    assert_posts_first(result)
    posts = {p["external_id"]: p for p in result.posts}
    assert set(posts) == {"cosmetic/700003", "cosmetic/700002", "cosmetic/700001", "cosmetic/699990"}
    assert result.stat("brandpulse/dcinside/skipped_notice") == 3  # the notice on both pages and the ad row

    post = posts["cosmetic/700003"]
    assert (post["views"], post["likes"], post["comments"]) == (1204, 17, 4)
    assert post["title"] == "글로우랩 비타민c 2주차 후기 (사진있음)"
    assert post["published_at"] == "2024-05-12T00:58:41+00:00"  # 09:58:41 in Seoul
    own = result.by_id("cosmetic/700003", "post")
    # The image paragraph and the &nbsp; one leave blank lines; <b> and <img> leave no markup.
    assert own["text"] == (
        "글로우랩 비타민c 2주차 후기 (사진있음)\n\n지성 피부고 2주 동안 아침저녁으로 발랐음\n\n"
        "톤은 확실히 밝아졌는데 각질이 좀 올라옴\n향은 귤 향\n\n- dc official App"
    )
    assert own["author"] == "ㅇㅇ"
    assert own["extra"] == {"ip": "118.235", "gallery": "cosmetic", "downvotes": 2}
    assert result.by_id("cosmetic/700002", "post")["extra"]["user_id"] == "water_full92"

    # Two comment pages: the deleted comment and the "댓글돌이" promotion row are counted, not stored.
    under = [m for m in result.mentions() if m["post_external_id"] == "cosmetic/700003"]
    comments = [m for m in under if m["kind"] != "post"]
    assert sorted(m["external_id"] for m in comments) == [
        "cosmetic/700003#c2719001",
        "cosmetic/700003#c2719002",
        "cosmetic/700003#c2719004",
    ]
    assert result.stat("brandpulse/dcinside/skipped_deleted") == 1
    assert result.stat("brandpulse/dcinside/skipped_ad") == 1
    first = result.by_id("cosmetic/700003#c2719001", "comment")
    assert first["text"] == "나도 각질 올라옴 ㅠ\n보습 꼭 해라"
    assert first["published_at"] == "2024-05-12T01:22:33+00:00"  # "05.12 10:22:33": the year from the article
    assert first["replies"] == 1 and first["extra"] == {"ip": "223.38"}
    reply = result.by_id("cosmetic/700003#c2719002", "reply")
    assert reply["parent_external_id"] == "cosmetic/700003#c2719001"
    assert reply["extra"] == {"user_id": "water_full92"}
    sticker = result.by_id("cosmetic/700003#c2719004", "comment")
    assert sticker["text"] == "인정" and sticker["extra"]["dccon"] is True
    assert sticker["published_at"] == "2024-05-12T02:05:00+00:00"

    # No comments → no form POST; no e_s_n_o token on the page → counted and skipped.
    assert result.stat("brandpulse/dcinside/no_token") == 1
    assert result.stat("brandpulse/bad_response") == 0  # every POST passed the replay's token/cookie checks
    posted = sorted((s.form["no"], s.form["comment_page"]) for s in server.seen if s.method == "POST")
    assert posted == [("699990", "1"), ("700003", "1"), ("700003", "2")]
    lists = [s.params["page"] for s in server.seen if s.path == "/board/lists/"]
    assert sorted(lists) == ["1", "2"]
    assert "/robots.txt" in server.paths()


def test_minor_gallery_search_and_since(server: ReplayServer, tmp_path: Path) -> None:
    result = run_crawl(
        "dcinside",
        {
            "galleries": "skinlab",
            "gallery_type": "minor",
            "keywords": "글로우랩",
            "base_url": server.base_url,
            "max_pages": "1",
            "since": "2024-05-01T00:00:00Z",
        },
        tmp_path,
    )
    # The old article's counts are refreshed, but it is not stored again as a mention.
    assert sorted(p["external_id"] for p in result.posts) == ["skinlab/41100", "skinlab/41234"]
    assert [m["external_id"] for m in result.mentions("post")] == ["skinlab/41234"]
    assert result.stat("brandpulse/skipped_old") == 1
    comment = result.by_id("skinlab/41234#c88001", "comment")
    assert comment["text"] == "글로우랩 패드 에센스 흥건해서 좋음"
    assert result.by_id("skinlab/41234", "post")["text"].endswith("글로우랩 토너패드 링크 어떰?")

    posted = [s.form for s in server.seen if s.method == "POST"]
    assert [(f["id"], f["no"], f["_GALLTYPE_"]) for f in posted] == [("skinlab", "41234", "M")]
    listed = [s for s in server.seen if s.path == "/mgallery/board/lists/"]
    assert [(s.params["s_type"], s.params["s_keyword"], s.params["page"]) for s in listed] == [
        ("search_subject_memo", "글로우랩", "1")
    ]
