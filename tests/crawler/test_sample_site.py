"""The bundled demo site, served over local HTTP and crawled by the three real spiders: every item arrives."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from crawler.sample_site import data
from crawler.sample_site.server import SampleSite, serve_sample_site
from tests.crawler.replay import CrawlResult, run_crawl

HAN = re.compile(r"[\u4e00-\u9fff]")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)
PLATFORMS = {"ptt": "ptt", "vnexpress": "vnexpress", "naver_comments": "naver_news"}


@pytest.fixture(scope="module")
def site() -> Iterator[SampleSite]:
    with serve_sample_site() as running:
        yield running


@pytest.fixture(scope="module")
def crawled(site: SampleSite, tmp_path_factory: pytest.TempPathFactory) -> dict[str, CrawlResult]:
    out = tmp_path_factory.mktemp("sample-crawl")
    return {PLATFORMS[name]: run_crawl(name, args, out) for name, args in site.spider_args()}


def fetch(url: str, cookie: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def test_spider_args_point_every_spider_at_the_server(site: SampleSite) -> None:
    args = dict(site.spider_args())
    assert list(args) == ["ptt", "vnexpress", "naver_comments"]
    assert args["ptt"]["base_url"] == f"{site.base_url}/ptt"
    assert args["vnexpress"]["comments_api"].startswith(site.base_url)
    assert args["naver_comments"]["api_url"].startswith(site.base_url)
    status, robots = fetch(f"{site.base_url}/robots.txt")
    assert status == 200 and "Allow: /ptt/" in robots
    # PTT's gate without the cookie, the board with it; Naver refuses a request without Referer.
    board = f"{site.base_url}/ptt/bbs/{data.PTT_BOARD}/index.html"
    assert "over18-notice" in fetch(board)[1]
    assert "r-ent" in fetch(board, cookie="over18=1")[1]
    status, body = fetch(f"{args['naver_comments']['api_url']}?objectId=news015,0004900001&page=1")
    assert status == 200 and body.startswith("_callback(") and '"success": false' in body
    assert fetch(f"{site.base_url}/nowhere")[0] == 404


def test_all_spiders_crawl_every_sample_item(site: SampleSite, crawled: dict[str, CrawlResult]) -> None:
    for platform, posts in data.SITES.items():
        result = crawled[platform]
        comments = [c for post in posts for c in data.flatten(post.comments)]
        assert len(result.posts) == len(posts), platform
        # Each post's own mention plus every comment and reply, malformed ones included (the pipelines judge).
        assert len(result.mentions()) == len(posts) + len(comments), platform
        texts = Counter(m["text"] for m in result.mentions())
        expected = Counter(c.text for c in comments)
        assert not expected - texts, f"{platform}: comments missing or altered: {expected - texts}"
        # Dates spread over the last month, none in the future.
        times = [datetime.fromisoformat(i["published_at"]) for i in result.items]
        assert min(times) >= site.now - timedelta(days=31) and max(times) <= site.now
        assert max(times) - min(times) > timedelta(days=14)


def test_languages_spam_and_malformed_records(crawled: dict[str, CrawlResult]) -> None:
    def share(platform: str, pattern: re.Pattern[str]) -> float:
        texts = [m["text"] for m in crawled[platform].mentions() if m["text"]]
        return sum(bool(pattern.search(t)) for t in texts) / len(texts)

    assert share("ptt", HAN) > 0.75
    assert share("vnexpress", VIETNAMESE) > 0.75
    assert share("naver_news", HANGUL) > 0.75

    labelled = data.labelled_comments()
    spam = [t for t in labelled if t.spam]
    assert 0.15 <= len(spam) / len(labelled) <= 0.25
    # Copy-pasted praise: the same text under several posts of each site.
    for praise in (data.SEEDED_PRAISE_ZH, data.SEEDED_PRAISE_VI, data.SEEDED_PRAISE_KO):
        assert len({t.post_key for t in spam if t.text == praise}) >= 3

    every = [m for result in crawled.values() for m in result.mentions()]
    assert sum(1 for m in every if m["text"] == "") == 3  # one per site, for the quarantine
    assert any(len(m["text"]) == 50_000 for m in every)
    assert any(m["author"] is None for m in crawled["ptt"].mentions("comment"))

    vnexpress = crawled["vnexpress"]
    replies = sum(len(c.replies) for p in data.VNEXPRESS_ARTICLES for c in p.comments)
    assert len(vnexpress.mentions("reply")) == replies
    assert vnexpress.stat("brandpulse/bad_response") == 0
    assert crawled["ptt"].stat("brandpulse/ptt/skipped_deleted") == 1


def test_pages_render_deterministically_for_a_given_now() -> None:
    now = datetime.fromisoformat("2025-01-01T00:00:00+00:00")
    with serve_sample_site(now=now) as first, serve_sample_site(now=now) as second:
        page = f"/ptt/bbs/{data.PTT_BOARD}/index.html"
        html = fetch(first.base_url + page, "over18=1")[1]
        assert html == fetch(second.base_url + page, "over18=1")[1]
        # PTT ids embed the post time: the newest thread is 2.1 days before ``now``.
        newest = int((now - timedelta(days=data.PTT_THREADS[-1].days_ago)).timestamp())
        assert f"M.{newest}.A.{data.PTT_THREADS[-1].key}.html" in html
