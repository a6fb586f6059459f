"""Sentences per brand (nlp.brand_sentiment) for hand-written comparisons in our four markets' languages."""

from __future__ import annotations

import pytest

from nlp.brand_sentiment import brand_segments, split_sentences
from nlp.match import BrandQuery

QUERIES = {
    "Glow Lab": BrandQuery.parse('"glow lab" OR glowlab OR 글로우랩 OR 光澤實驗室'),
    "Aqua Veil": BrandQuery.parse('"aqua veil" OR aquaveil OR 아쿠아베일 OR 水紗'),
    "Dewdrop": BrandQuery.parse("dewdrop OR 듀드롭"),
    "Lumiere Lab": BrandQuery.parse('"lumiere lab" OR 루미에르랩'),
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Glow Lab's serum broke me out. Aqua Veil never did, love it.",
            ["Glow Lab's serum broke me out.", "Aqua Veil never did, love it."],
        ),
        (
            "Rated 4.5/5 on glowlab.com!! Would buy again?",
            ["Rated 4.5/5 on glowlab.com!!", "Would buy again?"],
        ),
        ('She said "it stings." Then she left', ['She said "it stings."', "Then she left"]),
        ("Meh... ok I guess", ["Meh...", "ok I guess"]),
        (
            "듀드롭이 더 순해요. 루미에르랩은 좀 따가웠어요",
            ["듀드롭이 더 순해요.", "루미에르랩은 좀 따가웠어요"],
        ),
        (
            "듀드롭 좋아요!루미에르랩은 별로",
            ["듀드롭 좋아요!", "루미에르랩은 별로"],
        ),  # no space before Hangul
        ("光澤實驗室很好用！水紗的乳液會過敏。推推", ["光澤實驗室很好用！", "水紗的乳液會過敏。", "推推"]),
        ("「水紗很黏。」光澤實驗室不會", ["「水紗很黏。」", "光澤實驗室不會"]),
        ("Glow Lab dùng thích\nAqua Veil thì tệ\n\n", ["Glow Lab dùng thích", "Aqua Veil thì tệ"]),
        ("   ", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # English
        (
            "Glow Lab's serum broke me out. Aqua Veil never did, love it.",
            {"Glow Lab": "Glow Lab's serum broke me out.", "Aqua Veil": "Aqua Veil never did, love it."},
        ),
        # Korean
        (
            "듀드롭이 더 순해요. 루미에르랩은 좀 따가웠어요",
            {"Dewdrop": "듀드롭이 더 순해요.", "Lumiere Lab": "루미에르랩은 좀 따가웠어요"},
        ),
        # Traditional Chinese, no spaces between sentences
        (
            "光澤實驗室的精華液超好用，皮膚變得很水潤！水紗的乳液用了就過敏長痘，超級失望。",
            {
                "Glow Lab": "光澤實驗室的精華液超好用，皮膚變得很水潤！",
                "Aqua Veil": "水紗的乳液用了就過敏長痘，超級失望。",
            },
        ),
        # Vietnamese
        (
            "Kem chống nắng Aqua Veil thấm nhanh, tốt lắm. Còn Glow Lab thì dùng bị kích ứng, rất thất vọng.",
            {
                "Aqua Veil": "Kem chống nắng Aqua Veil thấm nhanh, tốt lắm.",
                "Glow Lab": "Còn Glow Lab thì dùng bị kích ứng, rất thất vọng.",
            },
        ),
    ],
)
def test_each_brand_gets_the_sentences_that_name_it(text: str, expected: dict[str, str]) -> None:
    assert brand_segments(text, QUERIES) == expected


def test_a_sentence_naming_no_brand_continues_the_one_before() -> None:
    text = "두 개 다 써봤어요. 듀드롭은 순해요. 향도 좋고요. 루미에르랩은 따가웠어요. 다신 안 사요."
    assert brand_segments(text, QUERIES) == {
        "Dewdrop": "듀드롭은 순해요. 향도 좋고요.",  # the opening sentence is about neither
        "Lumiere Lab": "루미에르랩은 따가웠어요. 다신 안 사요.",
    }
    text = "Tried both.\nAqua Veil: gentle, no breakouts\nGlow Lab: rash after two days\nNever again"
    assert brand_segments(text, QUERIES) == {
        "Aqua Veil": "Aqua Veil: gentle, no breakouts",
        "Glow Lab": "Glow Lab: rash after two days Never again",
    }


def test_no_per_brand_text_where_the_mentions_own_label_is_the_brands() -> None:
    # One brand only.
    assert brand_segments("Glow Lab serum is great. Love it.", QUERIES) == {}
    # Both brands in the one sentence: a comparison inside a sentence keeps the mention's label.
    assert brand_segments("듀드롭이 루미에르랩보다 훨씬 순해요.", QUERIES) == {}
    assert brand_segments("Glow Lab and Aqua Veil are both fine. Both are cheap.", QUERIES) == {}
    # A brand named in every sentence keeps the mention's label; the other gets its own sentences.
    text = "Glow Lab beats Aqua Veil on texture. Glow Lab is cheaper too."
    assert brand_segments(text, QUERIES) == {"Aqua Veil": "Glow Lab beats Aqua Veil on texture."}
    # A brand whose name the sentence split cuts matches no sentence: it keeps the mention's label, and with
    # one other brand named there is nothing to split.
    queries = {"Dr. Jart": BrandQuery.parse('"dr. jart"'), "Glow Lab": QUERIES["Glow Lab"]}
    assert brand_segments("Dr. Jart cream is great. Glow Lab stung.", queries) == {}
    assert brand_segments("", QUERIES) == {}


def test_only_the_given_brands_count_in_their_order() -> None:
    text = "Aqua Veil is gentle. Glow Lab stung. 듀드롭 is ok."
    two = {name: QUERIES[name] for name in ("Glow Lab", "Aqua Veil")}
    assert list(brand_segments(text, two)) == ["Glow Lab", "Aqua Veil"]
    assert brand_segments(text, two)["Glow Lab"] == "Glow Lab stung. 듀드롭 is ok."  # 듀드롭 is not asked for
