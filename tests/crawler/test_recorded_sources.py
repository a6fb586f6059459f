"""The API-source parsers over recorded responses: always over the hand-made recordings in tests/fixtures, and
also over the real recorded responses when pytest gets ``--real-fixtures DIR`` (the files of FIXTURES.md:
hn_algolia, mastodon, bluesky, youtube, googlenews, googleplay, naver)."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from crawler.parsing import (
    parse_bluesky_thread,
    parse_google_news_rss,
    parse_googleplay_reviews,
    parse_hn_search,
    parse_mastodon_context,
    parse_mastodon_statuses,
    parse_naver_search,
    parse_youtube_comment_threads,
)
from tests.crawler.replay import FIXTURES, parametrize_recorded, read_recorded


@dataclass(frozen=True)
class SourceSet:
    """Where one set of recordings lives and what its responses are known to contain."""

    folder: Path
    hn: str
    hn_kinds: dict[str, int]
    hn_nb_hits: int
    mastodon_timeline: str
    mastodon_statuses: int
    mastodon_ids: tuple[str, str]  # first and last status id, as text
    mastodon_context: str
    mastodon_family: tuple[int, int]  # ancestors, descendants
    bluesky_thread: str
    bluesky_replies: int
    bluesky_skipped: dict[str, int]
    bluesky_parents: int
    youtube_threads: str
    youtube_reply_totals: list[int]
    googlenews: str
    googlenews_items: int
    googlenews_self_named: int  # titles in which the publisher names itself again before Google's " - Source"
    googleplay: str
    googleplay_reviews: int
    googleplay_replies: int
    naver_search: str
    naver_items: int
    naver_total: int
    sha256_prefixes: dict[str, str]


HANDMADE = SourceSet(
    folder=FIXTURES,
    hn="hackernews/search_window1_page0.json",
    hn_kinds={"comment": 3, "story": 1},
    hn_nb_hits=10,
    mastodon_timeline="mastodon/timeline_skincare_page1.json",
    mastodon_statuses=2,
    mastodon_ids=("1002", "1001"),
    mastodon_context="mastodon/context_1001.json",
    mastodon_family=(0, 2),
    bluesky_thread="bluesky/thread_3ksxq2glow2a2.json",
    bluesky_replies=3,
    bluesky_skipped={"blocked": 1, "not_found": 1},
    bluesky_parents=0,
    youtube_threads="youtube/threads_GlowLabVid1_page1.json",
    youtube_reply_totals=[4, 1, 0],
    googlenews="googlenews/search_glowlab-ko_ko.xml",
    googlenews_items=3,
    googlenews_self_named=0,
    googleplay="googleplay/reviews_com.glowlab.app_page1.txt",
    googleplay_reviews=3,
    googleplay_replies=1,
    naver_search="naver_search/news_glowlab_start1.json",
    naver_items=2,
    naver_total=900,
    sha256_prefixes={},
)


def real_set(folder: Path) -> SourceSet:
    return SourceSet(
        folder=folder,
        hn="hn_algolia/search_by_date_query_nodejs_2017-09-27.json",
        hn_kinds={"comment": 16, "story": 4},
        hn_nb_hits=36255,
        mastodon_timeline="mastodon/timelines_tag_mastodon_2017-04-21.json",
        mastodon_statuses=20,
        mastodon_ids=("714859", "692622"),
        mastodon_context="mastodon/status_context_2017-05-03.json",
        mastodon_family=(2, 1),
        bluesky_thread="bluesky/getPostThread_hellthread_2023-05.json",
        bluesky_replies=4,
        bluesky_skipped={"blocked": 1},  # in the parent chain, above 53 readable parents
        bluesky_parents=53,
        youtube_threads="youtube/commentthreads_F1UP7wRCPH8_page1.json",
        youtube_reply_totals=[0, 0, 0, 0, 2],
        googlenews="googlenews/rss_topic_local_SaoCarlos_pt-BR_2025-10-08.xml",
        googlenews_items=100,
        googlenews_self_named=7,  # e.g. "... de seleção - ACidade ON - ACidade ON": only Google's copy goes
        googleplay="googleplay/reviews_batchexecute_translate_initial.txt",
        googleplay_reviews=150,
        googleplay_replies=42,
        naver_search="naver/search_api_news_2024-05-12.json",
        naver_items=10,
        naver_total=9061,
        sha256_prefixes={
            "hn_algolia/search_by_date_query_nodejs_2017-09-27.json": "482c5cf40e68f6c8",
            "mastodon/status_context_2017-05-03.json": "443dae9ecb767443",
            "mastodon/timelines_tag_mastodon_2017-04-21.json": "c9c7da5004cf0845",
            "bluesky/getPostThread_hellthread_2023-05.json": "32530368fe995784",
            "youtube/commentthreads_F1UP7wRCPH8_page1.json": "9dcc5a40ec12ad0d",
            "googlenews/rss_topic_local_SaoCarlos_pt-BR_2025-10-08.xml": "384a6434d8a22318",
            "googleplay/reviews_batchexecute_translate_initial.txt": "6680b211b020bd58",
            "naver/search_api_news_2024-05-12.json": "ed8f44d808f8af53",
        },
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize_recorded(metafunc, HANDMADE, real_set)


def read(recorded: SourceSet, name: str) -> bytes:
    return read_recorded(recorded.folder, name)


def is_utc(value: object) -> bool:
    return getattr(value, "utcoffset", lambda: None)() == timedelta(0)


def test_files_are_the_recorded_ones(recorded: SourceSet, real_fixtures_dir: Path | None) -> None:
    if recorded is not HANDMADE:
        assert real_fixtures_dir == recorded.folder
    for name, prefix in recorded.sha256_prefixes.items():
        assert hashlib.sha256(read(recorded, name)).hexdigest().startswith(prefix), name


def test_hn_search_page(recorded: SourceSet) -> None:
    page = parse_hn_search(read(recorded, recorded.hn))
    assert Counter(h.kind for h in page.hits) == recorded.hn_kinds
    assert page.nb_hits == recorded.hn_nb_hits and page.page == 0
    times = [h.created_at_i for h in page.hits]
    assert times == sorted(times, reverse=True)  # search_by_date: newest first, what window walking relies on
    for hit in page.hits:
        assert is_utc(hit.published_at) and hit.object_id.isdigit()
        if hit.kind == "comment":
            assert hit.text and hit.story_id and hit.parent_id
            assert "<p>" not in hit.text and "&#x27;" not in hit.text
        else:
            assert hit.title and hit.story_id == hit.object_id and hit.points is not None


def test_mastodon_timeline_and_context(recorded: SourceSet) -> None:
    statuses = parse_mastodon_statuses(read(recorded, recorded.mastodon_timeline))
    assert len(statuses) == recorded.mastodon_statuses
    assert (statuses[0].status_id, statuses[-1].status_id) == recorded.mastodon_ids
    for status in statuses:
        assert isinstance(status.status_id, str) and is_utc(status.created_at)
        assert status.text and "<" not in status.text.replace("<3", "")
        assert status.author and status.author_followers is not None and status.favourites is not None
    ancestors, descendants = parse_mastodon_context(read(recorded, recorded.mastodon_context))
    assert (len(ancestors), len(descendants)) == recorded.mastodon_family
    assert all(d.in_reply_to_id and isinstance(d.in_reply_to_id, str) for d in descendants)


def test_bluesky_thread(recorded: SourceSet) -> None:
    thread = parse_bluesky_thread(read(recorded, recorded.bluesky_thread))
    assert thread.post is not None and thread.post.uri.startswith("at://")
    assert thread.post.url and thread.post.url.startswith("https://bsky.app/profile/")
    assert len(thread.replies) == recorded.bluesky_replies
    assert thread.skipped == recorded.bluesky_skipped
    assert thread.parents == recorded.bluesky_parents
    known = {thread.post.uri} | {r.uri for r in thread.replies}
    for reply in thread.replies:
        assert reply.parent_uri in known and is_utc(reply.published_at) and reply.likes is not None


def test_youtube_comment_threads(recorded: SourceSet) -> None:
    page = parse_youtube_comment_threads(read(recorded, recorded.youtube_threads))
    assert [t.reply_total for t in page.threads] == recorded.youtube_reply_totals
    assert page.next_token
    for thread in page.threads:
        comment = thread.comment
        assert comment.comment_id.startswith("Ug") and comment.text and comment.author
        assert comment.likes is not None and is_utc(comment.published_at) and comment.parent_id is None
        assert all(r.parent_id == comment.comment_id for r in thread.replies)


def test_google_news_feed(recorded: SourceSet) -> None:
    items = parse_google_news_rss(read(recorded, recorded.googlenews))
    assert len(items) == recorded.googlenews_items
    assert len({i.guid for i in items}) == len(items)
    assert sum(1 for i in items if i.title.endswith(f" - {i.source}")) == recorded.googlenews_self_named
    for item in items:
        assert item.title and item.source and item.source_url and is_utc(item.published_at)
        assert item.link and item.link.startswith("https://news.google.com/rss/articles/")


def test_google_play_reviews(recorded: SourceSet) -> None:
    page = parse_googleplay_reviews(read(recorded, recorded.googleplay))
    assert len(page.reviews) == recorded.googleplay_reviews
    assert page.next_token and len(page.next_token) > 20
    assert sum(1 for r in page.reviews if r.reply_text) == recorded.googleplay_replies
    for review in page.reviews:
        assert len(review.review_id) == 36 and review.user and review.score in (1, 2, 3, 4, 5)
        assert is_utc(review.published_at) and review.thumbs_up is not None and review.thumbs_up >= 0
        if review.reply_text:  # an edited review keeps its new time, so a reply can be older than it
            assert review.reply_author and is_utc(review.reply_at)


def test_naver_search_page(recorded: SourceSet) -> None:
    page = parse_naver_search(read(recorded, recorded.naver_search), "news")
    assert (len(page.items), page.total, page.start) == (recorded.naver_items, recorded.naver_total, 1)
    for item in page.items:
        assert item.title and "<b>" not in item.title and "</b>" not in item.description
        assert item.link.startswith(("https://", "http://")) and "\\/" not in item.link
        assert is_utc(item.published_at) and not item.date_only
    assert sum(1 for i in page.items if i.naver_article) >= 1
