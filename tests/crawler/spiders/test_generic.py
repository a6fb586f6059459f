"""The generic spider crawls a local forum thread with a TOML site config: CSS selectors for items, text,
author, dates (ISO, relative Vietnamese, Korean, day-first, English), counts, ids or hashes, next pages up to
robots.txt; and the config's validation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.spiders.generic import GenericSpider
from tests.crawler.replay import ReplayServer, assert_posts_first, generic_route, run_crawl, serve

SITE = """
platform = "examplebeauty"
start_urls = ["{base}/t/123"]
item = "div.comment"
text = "div.body"
author = ".user::text"
date = "time::attr(datetime), span.when::text"
timezone = "Asia/Seoul"
likes = "span.likes::text"
replies = "span.replies::text"
url = "a.permalink::attr(href)"
id = "::attr(data-id)"
next_page = "a.next::attr(href)"
title = "title::text"
max_pages = 3
"""


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with serve(generic_route) as running:
        yield running


def test_thread_pages_with_a_toml_config(server: ReplayServer, tmp_path: Path) -> None:
    config = tmp_path / "site.toml"
    config.write_text(SITE.format(base=server.base_url), encoding="utf-8")
    started = datetime.now(UTC)
    result = run_crawl("generic", {"site_config": str(config), "since": "2024-05-01T00:00:00Z"}, tmp_path)
    assert_posts_first(result)
    base = server.base_url

    # One post per page URL, its comment count the items on that page.
    posts = {p["external_id"]: p for p in result.posts}
    assert sorted(posts) == [f"{base}/t/123", f"{base}/t/123?page=2"]
    first_page = posts[f"{base}/t/123"]
    assert (first_page["platform"], first_page["url"], first_page["comments"]) == (
        "examplebeauty",
        f"{base}/t/123",
        3,
    )
    assert first_page["title"] == "Glow Lab serum – review thread | Example Beauty Forum"
    assert posts[f"{base}/t/123?page=2"]["comments"] == 3

    comments = {m["external_id"]: m for m in result.mentions("comment")}
    assert len(comments) == 5 and result.stat("brandpulse/skipped_old") == 1  # the April comment
    first = comments["127.0.0.1/c101"]
    assert first["text"] == "Used Glow Lab for 2 weeks.\nBrighter skin, no irritation!"
    assert (first["author"], first["likes"], first["replies"]) == ("mina_k", 1200, 3)
    assert first["published_at"] == "2024-05-12T00:30:00+00:00"
    assert first["url"] == f"{base}/t/123#c101" and first["post_external_id"] == f"{base}/t/123"
    relative = datetime.fromisoformat(comments["127.0.0.1/c102"]["published_at"])
    assert timedelta(hours=3) - timedelta(minutes=5) < started - relative < timedelta(hours=3, minutes=5)
    korean = comments["127.0.0.1/c103"]
    assert korean["published_at"] == "2024-05-11T06:20:00+00:00"
    assert (korean["likes"], korean["replies"]) == (1024, None)
    assert korean["extra"] == {"raw_date": "2024년 5월 11일 오후 3:20"}

    page2 = [m for m in comments.values() if m["post_external_id"] == f"{base}/t/123?page=2"]
    assert len(page2) == 2 and all(len(m["external_id"]) == len("127.0.0.1/") + 20 for m in page2)
    by_author = {m["author"]: m for m in page2}
    assert by_author["Leo"]["published_at"] == "2024-05-11T23:15:00+00:00"  # 12/05 is 12 May, Seoul time
    assert by_author["Leo"]["likes"] is None and by_author["Leo"]["url"] == f"{base}/t/123?page=2"
    assert by_author["guest"]["published_at"] == "2024-05-02T10:05:00+00:00"

    # The third page is under /private/, which robots.txt disallows: never fetched.
    assert server.paths("/private/") == []
    assert result.stat("robotstxt/forbidden") == 1
    assert [s.params.get("page") for s in server.seen if s.path == "/t/123"] == [None, "2"]


def test_config_from_arguments_files_and_errors(tmp_path: Path) -> None:
    spider = GenericSpider(
        start_urls="https://a.example/t/1, https://a.example/t/2",
        item="li",
        text="p",
        post_scope="start",
        max_pages="2",
    )
    (site,) = spider.sites
    assert site.start_urls == ["https://a.example/t/1", "https://a.example/t/2"]
    assert (site.platform, site.post_scope, site.max_pages, site.title) == ("generic", "start", 2, "title")

    many = tmp_path / "sites.json"
    many.write_text(
        json.dumps(
            {
                "sites": [
                    {"start_urls": ["https://a.example/"], "item": "li", "text": "p", "platform": "a"},
                    {
                        "start_urls": ["https://b.example/"],
                        "item": "div.c",
                        "text": ".t::text",
                        "platform": "b",
                    },
                ]
            }
        )
    )
    assert [s.platform for s in GenericSpider(site_config=str(many)).sites] == ["a", "b"]
    one = tmp_path / "one.toml"
    one.write_text('start_urls = ["https://a.example/"]\nitem = "li"\ntext = "p"\n')
    assert GenericSpider(site_config=str(one), platform="override").sites[0].platform == "override"

    with pytest.raises(ValueError, match="one-site"):
        GenericSpider(site_config=str(many), item="li")
    with pytest.raises(ValueError, match="needs item"):
        GenericSpider(start_urls="https://a.example/", text="p")
    with pytest.raises(ValueError, match="unknown site config keys: colour"):
        GenericSpider(
            site_config=str(
                _write(
                    tmp_path / "bad.json", {"start_urls": ["x"], "item": "li", "text": "p", "colour": "red"}
                )
            )
        )
    with pytest.raises(ValueError, match="post_scope"):
        GenericSpider(start_urls="https://a.example/", item="li", text="p", post_scope="thread")
    with pytest.raises(ValueError, match="not a file"):
        GenericSpider(site_config=str(tmp_path / "missing.toml"))
    with pytest.raises(ValueError, match="site_config"):
        GenericSpider()


def _write(path: Path, data: dict[str, object]) -> Path:
    path.write_text(json.dumps(data))
    return path
