"""Property tests of every source's parser: fed arbitrary JSON or HTML (keys and class names drawn from the
parser's own source, so the input gets past the first check), each returns its records or raises
``BadResponse`` (its documented error), and never anything else."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.parsers import (
    appstore,
    bluesky,
    dcinside,
    generic,
    googlenews,
    googleplay,
    hackernews,
    mastodon,
    naver_comments,
    naver_search,
    ptt,
    vnexpress,
    youtube,
)
from crawler.parsing import BadResponse
from tests.fuzzing import FUZZ, hostile_text, json_bodies, vocabulary

ANCHOR = datetime(2026, 3, 1, tzinfo=UTC)
JSON_PARSERS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "appstore": ("appstore", appstore.parse_appstore_reviews),
    "bluesky_thread": ("bluesky", bluesky.parse_bluesky_thread),
    "bluesky_search": ("bluesky", bluesky.parse_bluesky_search),
    "bluesky_profiles": ("bluesky", bluesky.parse_bluesky_profiles),
    "dcinside_comments": ("dcinside", lambda b: dcinside.parse_dcinside_comments(b, "1", ANCHOR)),
    "hackernews": ("hackernews", hackernews.parse_hn_search),
    "mastodon_statuses": ("mastodon", mastodon.parse_mastodon_statuses),
    "mastodon_context": ("mastodon", mastodon.parse_mastodon_context),
    "naver_comments": ("naver_comments", lambda b: naver_comments.parse_naver_comments(f"cb({b});")),
    "naver_search": ("naver_search", lambda b: naver_search.parse_naver_search(b, "blog")),
    "vnexpress_comments": ("vnexpress", vnexpress.parse_vnexpress_comments),
    "youtube_videos": ("youtube", youtube.parse_youtube_videos),
    "youtube_channels": ("youtube", youtube.parse_youtube_channels),
    "youtube_video_ids": ("youtube", youtube.parse_youtube_video_ids),
    "youtube_threads": ("youtube", youtube.parse_youtube_comment_threads),
    "youtube_comments": ("youtube", youtube.parse_youtube_comments),
    "googleplay": ("googleplay", lambda b: googleplay.parse_googleplay_reviews(_batchexecute(b))),
}
SITE = generic.GenericSiteConfig.from_mapping(
    {"start_urls": ["https://site.example/"], "item": "div.c", "text": "p", "author": ".a", "date": ".d",
     "likes": ".l", "url": "a::attr(href)", "next_page": "a.next::attr(href)"}
)  # fmt: skip
HTML_PARSERS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "ptt_index": ("ptt", lambda b: ptt.parse_ptt_index(b, "https://www.ptt.cc/bbs/MakeUp/index.html")),
    "ptt_article": ("ptt", lambda b: ptt.parse_ptt_article(b, "https://www.ptt.cc/bbs/MakeUp/M.1.A.1.html")),
    "dcinside_list": ("dcinside", lambda b: dcinside.parse_dcinside_list(b, "https://gall.dcinside.com/")),
    "dcinside_article": ("dcinside", lambda b: dcinside.parse_dcinside_article(b, "https://gall.dcinside.com/x")),
    "vnexpress_search": ("vnexpress", lambda b: vnexpress.parse_vnexpress_search(b, "https://vnexpress.net/")),
    "vnexpress_article": ("vnexpress", lambda b: vnexpress.parse_vnexpress_article(b, "https://vnexpress.net/a")),
    "naver_article": ("naver_comments", lambda b: naver_comments.parse_naver_article(b, "u", "1", "2")),
    "generic": ("generic", lambda b: generic.parse_generic_page(b, "https://site.example/", SITE, ANCHOR)),
    "google_news": ("googlenews", googlenews.parse_google_news_rss),
}  # fmt: skip


def _batchexecute(payload: str) -> str:
    import json

    return ")]}'\n" + json.dumps([["wrb.fr", "UsvDTd", payload, None]])


def _html(words: list[str]) -> st.SearchStrategy[str]:
    """HTML-ish text: tags and classes the parser looks for, with hostile text between them."""
    tag = st.sampled_from(["div", "span", "a", "p", "li", "article", "item", "title", "pubDate", "link", "b"])
    word = st.sampled_from(words)
    piece = st.one_of(
        hostile_text,
        st.builds('<{} class="{}" id="{}" href="{}">'.format, tag, word, word, word),
        st.builds("</{}>".format, tag),
        st.builds("<{}>{}</{}>".format, tag, hostile_text, tag),
        word,
    )
    return st.lists(piece, max_size=40).map("".join).map(lambda s: f"<html><body>{s}</body></html>")


@pytest.mark.parametrize("name", sorted(JSON_PARSERS))
def test_json_parsers_return_records_or_raise_bad_response(name: str) -> None:
    module, parse = JSON_PARSERS[name]

    @FUZZ
    @given(json_bodies(vocabulary(f"crawler/parsers/{module}.py")))
    def check(body: str) -> None:
        with contextlib.suppress(BadResponse):
            parse(body)

    check()


@pytest.mark.parametrize("name", sorted(HTML_PARSERS))
def test_html_parsers_return_records_or_raise_bad_response(name: str) -> None:
    module, parse = HTML_PARSERS[name]

    @FUZZ
    @given(st.one_of(_html(vocabulary(f"crawler/parsers/{module}.py")), hostile_text, st.binary(max_size=80)))
    def check(body: str | bytes) -> None:
        with contextlib.suppress(BadResponse):
            parse(body)

    check()


@FUZZ
@given(hostile_text, st.one_of(st.none(), st.datetimes(timezones=st.just(UTC))))
def test_time_helpers_of_sources_return_a_time_or_none(text: str, anchor: datetime | None) -> None:
    for value in (dcinside.parse_dcinside_time(text, anchor), ptt.parse_ptt_push_time(text, ANCHOR)):
        assert value is None or value.tzinfo is not None
