"""The Negative feed's pages (store.feed_pages) on SQLite and PostgreSQL: keyset pagination without duplicates
or gaps in every sort, a true total under every filter, search, and the parent post of a comment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from crawler.items import PostItem
from store import repo
from store.db import session_scope
from store.feed_pages import (
    FEED_SORTS,
    NO_PRIORITY,
    UNASSIGNED,
    FeedFilter,
    feed_count,
    feed_options,
    feed_page,
)
from tests.store.helpers import T0, label, mention


@dataclass(frozen=True)
class Spec:
    key: str
    brand: str
    minutes: int  # after T0; shared by some, so the id breaks ties
    followers: int
    likes: int
    replies: int
    p_negative: float
    platform: str = "ptt"
    lang: str = "en"
    sentiment: str = "negative"
    spam: bool = False
    author: str = "someone"

    @property
    def reach(self) -> int:
        return self.followers + self.likes + self.replies


def _specs() -> list[Spec]:
    """23 negative non-spam mentions (A: 15, B: 8) with tied times and reaches, plus 3 that are not in the
    feed (a positive, a spam, a neutral)."""
    specs = []
    for i in range(23):
        specs.append(
            Spec(
                key=f"n{i:02d}",
                brand="A" if i % 3 else "B",
                minutes=(i // 2) * 10,  # pairs share a time
                followers=(i % 4) * 100,  # reaches tie across mentions
                likes=i % 2,
                replies=0,
                p_negative=(0.5, 0.75, 1.0)[i % 3],
                platform="dcard" if i % 5 == 0 else "ptt",
                lang="ko" if i % 4 == 0 else "en",
                author=f"user{i % 6}",
            )
        )
    specs += [
        Spec("pos", "A", 500, 9_999, 9, 9, 0.0, sentiment="positive"),
        Spec("spam", "A", 510, 9_999, 9, 9, 0.9, spam=True),
        Spec("neu", "B", 520, 9_999, 9, 9, 0.1, sentiment="neutral"),
    ]
    return specs


def _seed(url: str) -> dict[str, Any]:
    specs = _specs()
    with session_scope(url) as s:
        repo.sync_brands(s, brands=[repo.BrandSpec("A", "alpha"), repo.BrandSpec("B", "beta")])
        repo.upsert_posts(
            s, posts=[PostItem("ptt", "P1", url="https://ptt.example/P1", title="Thread about A")]
        )
        items = []
        for sp in specs:
            # Each author's followers differ per mention: one author per distinct follower count.
            items.append(
                mention(
                    sp.key,
                    f"{sp.key} {'alpha' if sp.brand == 'A' else 'beta'} 100% bad_thing",
                    brands=[sp.brand],
                    published_at=T0 + timedelta(minutes=sp.minutes),
                    author=f"{sp.author}-{sp.followers}",
                    author_followers=sp.followers,
                    likes=sp.likes,
                    replies=sp.replies,
                    lang=sp.lang,
                    post="P1" if sp.key == "n01" else None,
                )
            )
            items[-1].platform = sp.platform
        ids = repo.upsert_mentions(s, mentions=items)
        by_key = {sp.key: ids[f"{sp.platform}:{sp.key}"] for sp in specs}
        labels = []
        for sp in specs:
            p = sp.p_negative
            lab = label(by_key[sp.key], sp.sentiment, 1.0 if sp.spam else 0.0)
            if sp.sentiment == "negative" and not sp.spam:
                lab = repo.MentionLabel(
                    by_key[sp.key], sp.lang, "negative", p, 1 - p, 0.0, 0.0, False, "m", "1"
                )
            labels.append(lab)
        repo.write_labels(s, labels=labels)
    return {"ids": by_key, "specs": {sp.key: sp for sp in specs}}


@pytest.fixture
def seeded(db_url: str) -> dict[str, Any]:
    return {"url": db_url, **_seed(db_url)}


def _expected(seeded: dict[str, Any], sort: str, keep: Any = lambda sp: True) -> list[str]:
    ids = seeded["ids"]
    feed = [sp for sp in seeded["specs"].values() if sp.sentiment == "negative" and not sp.spam and keep(sp)]
    key = {
        "newest": lambda sp: (-sp.minutes, -ids[sp.key]),
        "reach": lambda sp: (-sp.reach, -ids[sp.key]),
        "severity": lambda sp: (-sp.p_negative * sp.reach, -ids[sp.key]),
        "confidence_desc": lambda sp: (-sp.p_negative, -sp.minutes, -ids[sp.key]),
        "confidence_asc": lambda sp: (sp.p_negative, -sp.minutes, -ids[sp.key]),
    }[sort]
    return [sp.key for sp in sorted(feed, key=key)]


def _all_pages(url: str, flt: FeedFilter, sort: str, size: int) -> tuple[list[list[int]], list[int]]:
    """Every page's mention ids, and each page's total."""
    pages, totals, cursor = [], [], None
    with session_scope(url) as s:
        while True:
            page = feed_page(s, flt, sort=sort, after=cursor, page_size=size)
            pages.append([m.mention_id for m in page.mentions])
            totals.append(page.total)
            cursor = page.next_cursor
            if cursor is None:
                return pages, totals


@pytest.mark.parametrize("sort", FEED_SORTS)
def test_pages_cover_the_feed_once_in_each_sort(seeded: dict[str, Any], sort: str) -> None:
    names = {mid: k for k, mid in seeded["ids"].items()}
    pages, totals = _all_pages(seeded["url"], FeedFilter(), sort, size=4)
    assert [len(p) for p in pages] == [4, 4, 4, 4, 4, 3]
    assert totals == [23] * 6
    assert [names[mid] for page in pages for mid in page] == _expected(seeded, sort)


def test_a_page_exactly_full_has_no_empty_next_page(seeded: dict[str, Any]) -> None:
    pages, _ = _all_pages(seeded["url"], FeedFilter(brand="B"), "reach", size=4)
    assert [len(p) for p in pages] == [4, 4]


def test_reach_and_severity_are_followers_plus_likes_plus_replies(seeded: dict[str, Any]) -> None:
    with session_scope(seeded["url"]) as s:
        first = feed_page(s, FeedFilter(), sort="severity", page_size=1).mentions[0]
    sp = seeded["specs"][_expected(seeded, "severity")[0]]
    # n11: 300 followers + 1 like at p 1.0; n03, n07 reach 301 too but at p 0.5 and 0.75.
    assert sp.key == "n11" and first.mention_id == seeded["ids"]["n11"]
    assert (first.reach, first.severity) == (301, 301.0)


def test_a_triage_change_between_pages_neither_repeats_nor_skips(seeded: dict[str, Any]) -> None:
    url, names = seeded["url"], {mid: k for k, mid in seeded["ids"].items()}
    flt = FeedFilter(statuses=("new",))
    with session_scope(url) as s:
        first = feed_page(s, flt, sort="newest", page_size=5)
        # Someone resolves a card of the first page: it leaves the filter, the next page is unaffected.
        repo.set_triage_status(s, mention_id=first.mentions[0].mention_id, status="resolved")
        second = feed_page(s, flt, sort="newest", after=first.next_cursor, page_size=5)
    expected = _expected(seeded, "newest")
    assert [names[m.mention_id] for m in first.mentions + second.mentions] == expected[:10]
    assert (first.total, second.total) == (23, 22)


def test_filters_narrow_the_pages_and_the_total(seeded: dict[str, Any]) -> None:
    url, ids = seeded["url"], seeded["ids"]
    with session_scope(url) as s:
        repo.update_triage(
            s, mention_ids=[ids["n02"], ids["n04"]], assignee="Mina", priority="high", by="lead"
        )
        repo.update_triage(s, mention_ids=[ids["n05"]], assignee="Joon", priority="low", status="in_progress")
    cases: list[tuple[FeedFilter, Any]] = [
        (FeedFilter(brand="A"), lambda sp: sp.brand == "A"),
        (FeedFilter(brand="B", sources=("dcard",)), lambda sp: sp.brand == "B" and sp.platform == "dcard"),
        (FeedFilter(langs=("ko",)), lambda sp: sp.lang == "ko"),
        (FeedFilter(statuses=("in_progress",)), lambda sp: sp.key == "n05"),
        (FeedFilter(assignees=("Mina",)), lambda sp: sp.key in {"n02", "n04"}),
        (FeedFilter(assignees=(UNASSIGNED, "Joon")), lambda sp: sp.key not in {"n02", "n04"}),
        (FeedFilter(priorities=("high", "low")), lambda sp: sp.key in {"n02", "n04", "n05"}),
        (FeedFilter(priorities=(NO_PRIORITY,)), lambda sp: sp.key not in {"n02", "n04", "n05"}),
        (
            FeedFilter(since=T0 + timedelta(minutes=30), until=T0 + timedelta(minutes=60)),
            lambda sp: 30 <= sp.minutes <= 60,
        ),
        (FeedFilter(min_confidence=0.7), lambda sp: sp.p_negative >= 0.7),
        (FeedFilter(min_confidence=0.6, max_confidence=0.8), lambda sp: sp.p_negative == 0.75),
        (FeedFilter(search="N1"), lambda sp: sp.key.startswith("n1")),  # case-insensitive, in the text
        (FeedFilter(search="USER5-"), lambda sp: sp.author == "user5"),  # in the author's handle
        (FeedFilter(search="100%"), lambda sp: True),  # % is literal
        (FeedFilter(search="0% "), lambda sp: True),
        (FeedFilter(search="0%b"), lambda sp: False),  # as a wildcard, % would match "0% b"
        (FeedFilter(search="b_d"), lambda sp: False),  # as a wildcard, _ would match "bad"
        (FeedFilter(statuses=()), lambda sp: False),
    ]
    names = {mid: k for k, mid in ids.items()}
    for flt, keep in cases:
        expected = _expected(seeded, "severity", keep)
        pages, totals = _all_pages(url, flt, "severity", size=3)
        assert [names[mid] for page in pages for mid in page] == expected, flt
        assert set(totals) == {len(expected)}, flt
        with session_scope(url) as s:
            assert feed_count(s, flt) == len(expected), flt


def test_cards_carry_triage_fields_and_the_parent_post(seeded: dict[str, Any]) -> None:
    url, ids = seeded["url"], seeded["ids"]
    with session_scope(url) as s:
        repo.update_triage(
            s, mention_ids=[ids["n01"]], assignee=" Mina ", priority="medium", note="call back"
        )
        page = feed_page(s, FeedFilter(search="n01 "), page_size=5)
        options = feed_options(s)
    (card,) = page.mentions
    assert (card.triage_assignee, card.triage_priority, card.triage_note) == ("Mina", "medium", "call back")
    assert (card.post_title, card.post_url, card.kind) == (
        "Thread about A",
        "https://ptt.example/P1",
        "comment",
    )
    assert card.brands == ("A",) and card.author == "user1-100"
    assert (options.sources, options.langs, options.assignees) == (["dcard", "ptt"], ["en", "ko"], ["Mina"])


def test_bad_arguments_are_refused(seeded: dict[str, Any]) -> None:
    with session_scope(seeded["url"]) as s:
        with pytest.raises(ValueError, match="sort must be one of"):
            feed_page(s, FeedFilter(), sort="loudest")
        with pytest.raises(ValueError, match="page_size"):
            feed_page(s, FeedFilter(), page_size=0)
        cursor = feed_page(s, FeedFilter(), sort="reach", page_size=2).next_cursor
        with pytest.raises(ValueError, match="another sort"):
            feed_page(s, FeedFilter(), sort="confidence_desc", after=cursor)


def test_search_folds_case_beyond_ascii(db_url: str) -> None:
    """Vietnamese capitals (Đ, Á) match their small letters on SQLite too, whose own lower() is ASCII-only."""
    with session_scope(db_url) as s:
        repo.sync_brands(s, brands=[repo.BrandSpec("A", "alpha")])
        ids = repo.upsert_mentions(
            s,
            mentions=[
                mention("vi1", "ĐÁNH GIÁ alpha: quá tệ", brands=["A"], author="Đức"),
                mention("vi2", "alpha ổn", brands=["A"], author="lan"),
            ],
        )
        repo.write_labels(s, labels=[label(i, "negative") for i in ids.values()])
        found = {
            needle: [m.text for m in feed_page(s, FeedFilter(search=needle)).mentions]
            for needle in ("đánh giá", "Đánh", "QUÁ TỆ", "đức", "ỔN")
        }
    assert found == {
        "đánh giá": ["ĐÁNH GIÁ alpha: quá tệ"],
        "Đánh": ["ĐÁNH GIÁ alpha: quá tệ"],
        "QUÁ TỆ": ["ĐÁNH GIÁ alpha: quá tệ"],
        "đức": ["ĐÁNH GIÁ alpha: quá tệ"],  # the author's handle
        "ỔN": ["alpha ổn"],
    }
