"""What the recorded API answers (hn_algolia, mastodon, bluesky, youtube, googlenews, googleplay, naver) are
known to contain: always the hand-made recordings in tests/fixtures, and also the real recorded responses
when pytest gets ``--real-fixtures DIR`` (the files of FIXTURES.md). Test modules parametrise their
``recorded`` argument over these sets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from tests.crawler.replay import FIXTURES, read_recorded


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


def read(recorded: SourceSet, name: str) -> bytes:
    return read_recorded(recorded.folder, name)


def is_utc(value: object) -> bool:
    return getattr(value, "utcoffset", lambda: None)() == timedelta(0)
