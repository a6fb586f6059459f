"""The App Store reviews parser (crawler/parsers/appstore.py): the feed's entry shapes and app ids."""

from __future__ import annotations

import pytest

from crawler.parsers.appstore import appstore_app_id, parse_appstore_reviews
from crawler.parsing import BadResponse
from tests.crawler.replay import FIXTURES


def test_appstore_entry_shapes() -> None:
    single = parse_appstore_reviews((FIXTURES / "appstore" / "us_page2.json").read_bytes())
    assert [r.review_id for r in single.reviews] == ["11055400009"] and single.last_page == 2
    first = parse_appstore_reviews((FIXTURES / "appstore" / "us_page1.json").read_bytes())
    assert (
        first.app_name == "Glow Lab: Skin Diary" and len(first.reviews) == 3
    )  # the app entry is not a review
    empty = parse_appstore_reviews((FIXTURES / "appstore" / "kr_page2.json").read_bytes())
    assert empty.reviews == [] and empty.last_page is None
    with pytest.raises(BadResponse):
        parse_appstore_reviews(b"<html><body>Bad Request</body></html>")
    assert appstore_app_id("https://apps.apple.com/us/app/glow-lab/id1234567890?l=en") == "1234567890"
    assert appstore_app_id("id1234567890") == appstore_app_id("1234567890") == "1234567890"
    assert appstore_app_id("glowlab") is None
