"""Term extraction behind the drivers, without a database: each market's script, stopwords, negations, the
brand's own words, and the ranking against the previous period."""

from __future__ import annotations

import pytest

from store.kpi.terms import TermTrend, brand_terms, is_brand_term, mention_terms, term_trends


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # English: words and adjacent pairs; stopwords end a phrase; a negation only starts one.
        (
            "Customer service never replied after 5 days!!",
            {
                "customer",
                "service",
                "customer service",
                "never replied",
                "replied",
                "replied after",
                "after",
                "days",
            },
        ),
        ("The serum is NOT good", {"serum", "not good", "good"}),
        # Vietnamese: syllables and syllable pairs (words are often two syllables).
        (
            "kem chống nắng không tốt, da bị nổi mụn",
            {
                "kem",
                "chống",
                "nắng",
                "kem chống",
                "chống nắng",
                "không tốt",
                "tốt",
                "da",
                "nổi",
                "mụn",
                "nổi mụn",
            },
        ),
        # Traditional Chinese: character bigrams; those with a function character (真的, 很保) are dropped.
        ("真的很保濕，會回購", {"保濕", "會回", "回購"}),
        ("用了會過敏", {"會過", "過敏"}),
        # Japanese: bigrams, none with a particle or of two hiragana.
        ("肌が荒れたので返品したいです", {"荒れ", "返品", "品し"}),
        # Korean: words without particles / copula / polite 요, and word pairs; 안 starts a phrase.
        (
            "선크림이 최악이에요 환불 원합니다",
            {"선크림", "최악", "환불", "원합니다", "선크림 최악", "최악 환불", "환불 원합니다"},
        ),
        ("ㅋㅋㅋ 세럼이 안 맞아요", {"세럼", "맞아", "안 맞아"}),
        # Links, e-mail addresses, handles and bare numbers are no terms; full-width letters are folded.
        ("ＳＰＦ50 @shop_bot https://x.example/a mail@x.example 2026", {"spf50"}),
        ("", set()),
    ],
)
def test_terms_of_each_script(text: str, expected: set[str]) -> None:
    assert mention_terms(text) == expected


def test_mixed_scripts_keep_their_own_rules_in_one_text() -> None:
    assert mention_terms("Glow Lab 精華液 dùng thích") == {
        "glow",
        "lab",
        "glow lab",
        "精華",
        "華液",
        "dùng",
        "thích",
        "dùng thích",
    }


def test_brand_words_are_left_out_with_every_phrase_holding_one() -> None:
    excluded = brand_terms("Glow Lab", '"glow lab" OR glowlab OR 글로우랩 OR 光澤實驗室 NOT job')
    assert excluded == {"glow", "lab", "glowlab", "글로우랩", "光澤", "澤實", "實驗", "驗室", "job"}
    assert is_brand_term("lab serum", excluded) and is_brand_term("글로우랩", excluded)
    assert not is_brand_term("serum", excluded)
    trends = term_trends(["글로우랩은 세럼 좋아요", "글로우랩 세럼 최고"], exclude=excluded)
    assert [t.term for t in trends] == ["세럼"]  # 글로우랩은 loses its particle and is the brand


def test_trends_count_mentions_now_and_before_with_shares() -> None:
    now = [
        "bad rash after serum",
        "rash again",
        "customer service slow",
        "customer service never replied",
    ]
    before = ["customer service rude", "leaked bottle"]
    assert term_trends(now, before) == [
        # Both in 2 of 4 mentions; the larger rise first. customer / service alone are covered by the phrase.
        TermTrend("rash", 2, 50.0, 0, 0.0, 50.0),
        TermTrend("customer service", 2, 50.0, 1, 50.0, 0.0),
    ]
    assert term_trends(now, before, min_mentions=1, limit=3)[2].mentions == 1
    # No previous period: no previous figures; a term counts once per mention however often it is used.
    assert term_trends(["rash rash rash", "rash"], None) == [TermTrend("rash", 2, 100.0, None, None, None)]
    assert term_trends([], []) == []
