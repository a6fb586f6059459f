"""The generic site parser (crawler/parsers/generic.py): selectors, ids, paging and config errors."""

from __future__ import annotations

import pytest

from crawler.parsers.generic import GenericSiteConfig, parse_generic_page


def test_generic_page_selectors() -> None:
    config = GenericSiteConfig.from_mapping(
        {
            "start_urls": "https://forum.example/t/1",
            "item": "li.c",
            "text": "p",
            "author": "b::text",
            "id": "::attr(data-id)",
            "likes": ".n::text",
            "next_page": "a.more::attr(href)",
        }
    )
    body = (
        '<title>T</title><ul><li class="c" data-id="9"><b>ann</b><p>Hi <i>there</i></p>'
        '<span class="n">2천</span></li>'
        '<li class="c"><p>no id</p></li></ul><a class="more" href="?p=2">more</a>'
    )
    page = parse_generic_page(body, "https://forum.example/t/1", config)
    assert [(i.external_id, i.text, i.author, i.likes) for i in page.items][0] == (
        "9",
        "Hi there",
        "ann",
        2000,
    )
    assert len(page.items[1].external_id) == 20 and page.items[1].author is None  # a hash of url + text
    assert (page.title, page.next_url) == ("T", "https://forum.example/t/1?p=2")
    with pytest.raises(ValueError, match="max_pages"):
        GenericSiteConfig.from_mapping({"start_urls": ["x"], "item": "li", "text": "p", "max_pages": 0})
    with pytest.raises(Exception, match="Mars"):
        GenericSiteConfig.from_mapping(
            {"start_urls": ["x"], "item": "li", "text": "p", "timezone": "Mars/Base"}
        )
