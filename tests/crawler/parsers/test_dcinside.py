"""The DC Inside parsers (crawler/parsers/dcinside.py): list rows, comment times and parents."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from crawler.parsers.dcinside import parse_dcinside_comments, parse_dcinside_list, parse_dcinside_time
from crawler.parsing import BadResponse
from tests.crawler.replay import FIXTURES


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def test_dcinside_list_rows() -> None:
    rows = parse_dcinside_list(
        (FIXTURES / "dcinside" / "list_cosmetic_page1.html").read_bytes(),
        "https://gall.dcinside.com/board/lists/?id=cosmetic",
    )
    assert [r.number for r in rows] == [None, None, "700003", "700002", "700001"]  # notice, AD, articles
    row = rows[2]
    assert row.url == "https://gall.dcinside.com/board/view/?id=cosmetic&no=700003&page=1"
    assert (row.title, row.author, row.author_ip, row.author_id) == (
        "글로우랩 비타민c 2주차 후기 (사진있음)",
        "ㅇㅇ",
        "118.235",
        None,
    )
    assert (row.views, row.recommends, row.replies) == (1204, 17, 4)
    assert row.published_at == utc(2024, 5, 12, 0, 58, 41)
    assert rows[3].replies == 0 and rows[3].author_id == "water_full92"


def test_dcinside_comment_times_take_the_year_from_the_article() -> None:
    december = utc(2023, 12, 30, 14, 0)  # 23:00 in Seoul
    assert parse_dcinside_time("12.30 23:10:05", december) == utc(2023, 12, 30, 14, 10, 5)
    assert parse_dcinside_time("01.02 09:00:00", december) == utc(2024, 1, 2, 0, 0)  # the new-year wrap
    assert parse_dcinside_time("2023.12.31 01:00:00", december) == utc(2023, 12, 30, 16, 0)
    assert parse_dcinside_time("", december) is None and parse_dcinside_time("soon", december) is None


def test_dcinside_comment_parents_and_odd_answers() -> None:
    body = json.dumps(
        {
            "total_cnt": 3,
            "comments": [
                {
                    "no": "11",
                    "parent": "500",
                    "depth": 0,
                    "c_no": 0,
                    "memo": "top",
                    "reg_date": "05.12 10:00:00",
                },
                {
                    "no": "12",
                    "parent": "500",
                    "depth": 1,
                    "c_no": "11",
                    "memo": "answer",
                    "reg_date": "05.12 10:01:00",
                },
                {"no": "13", "parent": "11", "memo": "older shape: parent names the comment"},
                {"no": 0, "name": "댓글돌이", "nicktype": "COMMENT_BOY", "memo": "ad"},
            ],
        }
    )
    page = parse_dcinside_comments(body, "500", utc(2024, 5, 12))
    assert [(c.number, c.parent, c.ad) for c in page.comments] == [
        ("11", None, False),
        ("12", "11", False),
        ("13", "11", False),
        ("0", None, True),
    ]
    assert parse_dcinside_comments('{"total_cnt": 0, "comments": null}', "500", None).comments == []
    with pytest.raises(BadResponse):
        parse_dcinside_comments("", "500", None)  # what the site sends a request it refuses
    with pytest.raises(BadResponse):
        parse_dcinside_comments('{"result": "fail"}', "500", None)
