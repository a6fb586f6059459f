"""What the recorded pages (PTT, VnExpress) are known to contain: always the hand-made recordings in
tests/fixtures, and also the real recorded responses when pytest gets ``--real-fixtures DIR`` (files as
listed in FIXTURES.md). Test modules parametrise their ``recorded`` argument over these sets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.crawler.replay import FIXTURES, read_recorded


@dataclass(frozen=True)
class RecordedSet:
    """Where one set of recordings lives and what its pages are known to contain."""

    folder: Path
    ptt_index: str
    ptt_index_url: str
    index_regular: int  # rows above the r-list-sep (deleted ones included)
    index_pinned: int
    index_prev: str
    ptt_article: str
    ptt_article_url: str
    ptt_title: str
    push_tags: dict[str, int]
    push_months: set[str]  # UTC year-month of every push
    empty_pushes: int  # a bare ":" push: an up-vote without words
    ptt_over18: str
    vnexpress_article: str
    vnexpress_url: str
    vnexpress_id: str
    vnexpress_title: str
    vnexpress_published: str
    sha256_prefixes: dict[str, str]  # to notice an edited or different file


HANDMADE = RecordedSet(
    folder=FIXTURES,
    ptt_index="ptt/index.html",
    ptt_index_url="https://www.ptt.cc/bbs/MakeUp/index.html",
    index_regular=3,
    index_pinned=1,
    index_prev="https://www.ptt.cc/bbs/MakeUp/index3104.html",
    ptt_article="ptt/M.1735603200.A.1C3.html",
    ptt_article_url="https://www.ptt.cc/bbs/MakeUp/M.1735603200.A.1C3.html",
    ptt_title="[心得] 光澤實驗室 維C精華 用了一個月",
    push_tags={"推": 4, "噓": 1, "→": 1},
    push_months={"2024-12", "2025-01"},
    empty_pushes=0,
    ptt_over18="ptt/over18.html",
    vnexpress_article="vnexpress/article_4800001.html",
    vnexpress_url="https://vnexpress.net/serum-vitamin-c-glow-lab-gay-sot-gioi-tre-4800001.html",
    vnexpress_id="4800001",
    vnexpress_title="Serum vitamin C Glow Lab gây sốt giới trẻ",
    vnexpress_published="2024-05-11T23:30:00+00:00",
    sha256_prefixes={},
)


def real_set(folder: Path) -> RecordedSet:
    return RecordedSet(
        folder=folder,
        ptt_index="ptt/board_index_Gossiping_2016-03-03.html",
        ptt_index_url="https://www.ptt.cc/bbs/Gossiping/index.html",
        index_regular=1,
        index_pinned=5,
        index_prev="https://www.ptt.cc/bbs/Gossiping/index12800.html",
        ptt_article="ptt/article_Gossiping_2015-04-07_401_pushes.html",
        ptt_article_url="https://www.ptt.cc/bbs/Gossiping/M.1428359140.A.34B.html",
        ptt_title="[新聞] 柯下令 跑公文8天縮至1天",  # the full-width space is collapsed by clean_text
        push_tags={"推": 230, "噓": 39, "→": 132},
        push_months={"2015-04"},
        empty_pushes=8,
        ptt_over18="ptt/over18_notice_Gossiping_2016-03.html",
        vnexpress_article="vnexpress/article_4220047_2021-01.html",
        vnexpress_url="https://vnexpress.net/tuan-tra-trong-dem-am-2-do-c-4220047.html",
        vnexpress_id="4220047",
        vnexpress_title="Tuần tra trong đêm âm 2 độ C",
        vnexpress_published="2021-01-12T17:00:00+00:00",
        sha256_prefixes={
            "ptt/article_Gossiping_2015-04-07_401_pushes.html": "aad8da6d235860ec",
            "ptt/board_index_Gossiping_2016-03-03.html": "53b3e9afb1e2b6f6",
            "ptt/over18_notice_Gossiping_2016-03.html": "f41f54fc6cb0fa04",
            "vnexpress/article_4220047_2021-01.html": "4da26c6ca70bfd05",
        },
    )


def read(recorded: RecordedSet, name: str) -> bytes:
    return read_recorded(recorded.folder, name)
