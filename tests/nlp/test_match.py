"""Boolean brand query grammar and matching."""

from __future__ import annotations

import pytest

from nlp import BrandQuery, QueryError, match_brands

EXAMPLE = '"glow lab" OR 글로우랩 OR 光澤 NOT job'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I love Glow Lab!", True),
        ("GLOW  LAB serum", True),  # case and whitespace
        ("ｇｌｏｗ ｌａｂ", True),  # full-width letters (NFKC)
        ("글로우랩은 최고예요", True),  # Korean particle attached
        ("글로우랩이랑 비교하면", True),
        ("這個光澤很好看", True),  # CJK substring
        ("Glow Lab은 좋아요", True),  # Hangul next to a Latin term is a boundary
        ("glow labs is a different brand", False),  # whole word
        ("my glowlab", False),
        ("Glow Lab job opening in Seoul", False),  # NOT applies to the whole OR chain
        ("글로우랩 채용 job", False),
        ("光澤 job", False),
        ("jobs at glow lab", True),  # "job" is whole-word too
        ("nothing to see here", False),
    ],
)
def test_example_query(text: str, expected: bool) -> None:
    assert BrandQuery.parse(EXAMPLE).matches(text) is expected


def test_precedence_and_implicit_and() -> None:
    q = BrandQuery.parse("acme serum OR acme cream")  # AND binds tighter than OR
    assert q.matches("acme serum")
    assert q.matches("the cream by acme")
    assert not q.matches("acme lipstick")
    q = BrandQuery.parse("acme AND (serum OR cream)")
    assert q.matches("ACME cream")
    assert not q.matches("serum")


def test_not_forms() -> None:
    # Explicit AND NOT binds to one alternative only.
    q = BrandQuery.parse("acme OR beta AND NOT job")
    assert q.matches("acme job")
    assert not q.matches("beta job")
    # A NOT right after an operand excludes from the whole group it is in.
    q = BrandQuery.parse("acme OR beta NOT job")
    assert not q.matches("acme job") and not q.matches("beta job")
    q = BrandQuery.parse("(acme NOT job) OR beta")
    assert not q.matches("acme job") and q.matches("beta job")
    q = BrandQuery.parse("acme NOT (job OR hiring)")
    assert q.matches("acme is great") and not q.matches("acme hiring now")
    assert BrandQuery.parse("NOT spam").matches("hello")
    assert BrandQuery.parse("acme AND NOT NOT serum").matches("acme serum")


def test_lowercase_keywords_are_words() -> None:
    q = BrandQuery.parse("salt or pepper")  # three terms, implicitly ANDed
    assert q.matches("salt or pepper")
    assert not q.matches("salt")


def test_near() -> None:
    q = BrandQuery.parse('serum NEAR/2 "glow lab"')
    assert q.matches("the glow lab new serum")
    assert not q.matches("glow lab is a company that also sells a serum")


def test_hashtags_and_punctuation() -> None:
    q = BrandQuery.parse("glowlab")
    assert q.matches("#glowlab is trending")
    assert q.matches("(glowlab)")
    assert not q.matches("#glowlabs")


@pytest.mark.parametrize(
    ("query", "position"),
    [
        ("", 0),
        ("   ", 3),
        ("acme OR", 7),
        ("OR acme", 0),
        ("(acme", 0),
        ("acme)", 4),
        ('"glow lab', 0),
        ('acme ""', 5),
        ("acme NOT", 8),
        ("()", 1),
        ("acme OR OR beta", 8),
        ("acme NEAR beta", 5),
        ("(acme OR beta) NEAR/3 serum", 15),
    ],
)
def test_invalid_queries(query: str, position: int) -> None:
    with pytest.raises(QueryError) as info:
        BrandQuery.parse(query)
    assert info.value.position == position
    assert "position" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_match_brands() -> None:
    queries = {
        "glow": BrandQuery.parse(EXAMPLE),
        "acme": BrandQuery.parse("acme NOT (job OR hiring)"),
        "beta": BrandQuery.parse("beta"),
    }
    assert match_brands("Glow Lab vs ACME, which is better?", queries) == ["glow", "acme"]
    assert match_brands("acme hiring", queries) == []
    assert match_brands("", queries) == []
