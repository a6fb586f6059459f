"""The Google Play parsers (crawler/parsers/googleplay.py): the request form, answers (chunked, cut short,
errors) and a recorded page."""

from __future__ import annotations

import json

import pytest

from crawler.parsers.googleplay import googleplay_reviews_form, parse_googleplay_reviews, strip_xssi
from crawler.parsing import BadResponse
from tests.crawler.parsers.recorded_apis import HANDMADE, SourceSet, is_utc, read, real_set
from tests.crawler.replay import FIXTURES, parametrize_recorded


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize_recorded(metafunc, HANDMADE, real_set)


def test_googleplay_request_form() -> None:
    outer = json.loads(googleplay_reviews_form("com.glowlab.app", count=150, sort="newest", token="TOK"))
    rpc, inner, _, kind = outer[0][0]
    assert (rpc, kind) == ("UsvDTd", "generic")
    assert json.loads(inner) == [None, None, [2, 2, [150, None, "TOK"], None, []], ["com.glowlab.app", 7]]
    assert (
        json.loads(json.loads(googleplay_reviews_form("a.b", count=5, sort="relevant"))[0][0][1])[2][1] == 1
    )


def test_googleplay_answers() -> None:
    assert strip_xssi(")]}'\n\n[1]") == "[1]" and strip_xssi("[1]") == "[1]"
    page = parse_googleplay_reviews(
        (FIXTURES / "googleplay" / "reviews_com.glowlab.app_page1.txt").read_text()
    )
    chunked = ")]}'\n\n" + "\n".join(
        f"{len(line)}\n{line}"
        for line in [
            json.dumps(
                [
                    json.loads(
                        strip_xssi(
                            (FIXTURES / "googleplay" / "reviews_com.glowlab.app_page1.txt").read_text()
                        )
                    )[0]
                ]
            ),
            '[["di",12]]',
        ]
    )
    assert [r.review_id for r in parse_googleplay_reviews(chunked).reviews] == [
        r.review_id for r in page.reviews
    ]
    with pytest.raises(BadResponse, match="without data"):
        parse_googleplay_reviews((FIXTURES / "googleplay" / "error_unknown_app.txt").read_bytes())
    with pytest.raises(BadResponse, match="envelope"):
        parse_googleplay_reviews(")]}'\n\n[]")
    # A review array cut short: the missing places are None, not an IndexError.
    short = json.dumps([["wrb.fr", "UsvDTd", json.dumps([[["id-1", ["Ann"], 5]], None])]])
    (review,) = parse_googleplay_reviews(")]}'\n" + short).reviews
    assert (review.user, review.score, review.text, review.published_at, review.reply_text) == (
        "Ann",
        5,
        "",
        None,
        None,
    )


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
