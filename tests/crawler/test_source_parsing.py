"""Unit tests of the parsers and helpers behind the API and forum spiders, on small inputs: localised dates,
Link headers, each source's quirks and error answers, spider arguments and the shared since/key helpers."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from scrapy.exceptions import CloseSpider

from crawler.parsing import (
    BadResponse,
    GenericSiteConfig,
    YoutubeApiError,
    appstore_app_id,
    bluesky_at_uri,
    google_news_edition,
    googleplay_reviews_form,
    parse_appstore_reviews,
    parse_bluesky_profiles,
    parse_bluesky_thread,
    parse_dcinside_comments,
    parse_dcinside_list,
    parse_dcinside_time,
    parse_generic_page,
    parse_google_news_rss,
    parse_googleplay_reviews,
    parse_hn_search,
    parse_link_header,
    parse_local_date,
    parse_mastodon_statuses,
    parse_naver_search,
    parse_youtube_channels,
    parse_youtube_comment_threads,
    parse_youtube_videos,
    strip_xssi,
    youtube_video_id,
)
from crawler.spiders._common import config_value, is_fresh, missing_config, parse_since
from tests.crawler.replay import FIXTURES

NOW = datetime(2024, 5, 12, 12, 0, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


# -- dates and headers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tz", "expected"),
    [
        ("2024년 5월 12일 오후 3:20", "Asia/Seoul", utc(2024, 5, 12, 6, 20)),
        ("2024. 5. 12. 오전 9:05", "Asia/Seoul", utc(2024, 5, 12, 0, 5)),
        ("오전 12:30 2024년 5월 12일", "Asia/Seoul", utc(2024, 5, 11, 15, 30)),  # the clock before the date
        ("2024年5月12日 下午3:20", "Asia/Taipei", utc(2024, 5, 12, 7, 20)),
        ("2024年5月12日", "Asia/Taipei", utc(2024, 5, 11, 16, 0)),
        (
            "Chủ nhật, 12/5/2024, 15:20 (GMT+7)",
            "Asia/Seoul",
            utc(2024, 5, 12, 8, 20),
        ),  # the text's offset wins
        ("12/05/2024 08:15", None, utc(2024, 5, 12, 8, 15)),  # day first
        ("12 thg 5, 2024 lúc 14:30", "Asia/Ho_Chi_Minh", utc(2024, 5, 12, 7, 30)),
        ("May 2, 2024 7:05 PM", None, utc(2024, 5, 2, 19, 5)),  # not email.utils' 07:05
        ("12:00 AM May 3, 2024", None, utc(2024, 5, 3, 0, 0)),
        ("2 May 2024", None, utc(2024, 5, 2)),
        (
            "Sun, 12 May 2024 23:17:13 +0900",
            "Asia/Taipei",
            utc(2024, 5, 12, 14, 17, 13),
        ),  # explicit zone wins
        ("2024-05-12T09:30:00+09:00", None, utc(2024, 5, 12, 0, 30)),
        ("3일 전", None, utc(2024, 5, 9, 12, 0)),
        ("2 giờ trước", None, utc(2024, 5, 12, 10, 0)),
    ],
)
def test_parse_local_date(text: str, tz: str | None, expected: datetime) -> None:
    result = parse_local_date(text, tz=tz, now=NOW)
    assert result == expected and result is not None and result.utcoffset() == timedelta(0)


def test_parse_local_date_with_a_format_and_garbage() -> None:
    assert parse_local_date("12-05-24 8h15", date_format="%d-%m-%y %Hh%M", tz="Asia/Seoul") == utc(
        2024, 5, 11, 23, 15
    )
    assert parse_local_date("2024-05-12", date_format="%d/%m/%Y") is None  # only the given format is tried
    for garbage in ("", "   ", None, "tháng 5", "soon", "31/31/2024"):
        assert parse_local_date(garbage) is None


def test_parse_link_header() -> None:
    header = (
        '<https://m.example/api/v1/timelines/tag/x?max_id=109>; rel="next", '
        '<https://m.example/api/v1/timelines/tag/x?min_id=120>; rel="prev"'
    )
    assert parse_link_header(header) == {
        "next": "https://m.example/api/v1/timelines/tag/x?max_id=109",
        "prev": "https://m.example/api/v1/timelines/tag/x?min_id=120",
    }
    assert parse_link_header(b"<https://a.example/2>; rel=next") == {"next": "https://a.example/2"}
    assert parse_link_header(None) == parse_link_header("") == parse_link_header("<https://a/>") == {}


# -- Naver Search ----------------------------------------------------------------------------------


def test_naver_search_errors_and_cafe_items() -> None:
    with pytest.raises(BadResponse, match="024"):
        parse_naver_search((FIXTURES / "naver_search" / "error_auth.json").read_bytes(), "blog")
    with pytest.raises(BadResponse, match="not JSON"):
        parse_naver_search(b"<html>502 Bad Gateway</html>", "news")
    cafe = json.dumps(
        {
            "total": 1,
            "start": 1,
            "display": 1,
            "items": [
                {
                    "title": "<b>글로우랩</b> 공구 후기",
                    "link": "https://cafe.naver.com/skinlove/123456",
                    "description": "공구로 산 <b>글로우랩</b>",
                    "cafename": "피부사랑",
                    "cafeurl": "https://cafe.naver.com/skinlove",
                },
                {"title": "no link"},
            ],
        }
    )
    (item,) = parse_naver_search(cafe, "cafearticle").items
    assert (item.title, item.author, item.author_link) == (
        "글로우랩 공구 후기",
        "피부사랑",
        "https://cafe.naver.com/skinlove",
    )
    assert item.published_at is None and item.naver_article is None


# -- DC Inside -------------------------------------------------------------------------------------


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


# -- YouTube ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("error_commentsDisabled.json", "commentsDisabled"),
        ("error_quotaExceeded.json", "quotaExceeded"),
        ("error_keyInvalid.json", "keyInvalid"),
    ],  # badRequest in errors[], API_KEY_INVALID in details[]
)
def test_youtube_error_reasons(name: str, reason: str) -> None:
    with pytest.raises(YoutubeApiError) as caught:
        parse_youtube_comment_threads((FIXTURES / "youtube" / name).read_bytes())
    assert caught.value.reason == reason and "<" not in str(caught.value)


def test_youtube_videos_channels_and_ids() -> None:
    videos = {
        v.video_id: v for v in parse_youtube_videos((FIXTURES / "youtube" / "videos.json").read_bytes())
    }
    hidden = videos["NoComments1"]
    assert (hidden.views, hidden.likes, hidden.comments, hidden.description) == (8800, None, None, "")
    channels = parse_youtube_channels((FIXTURES / "youtube" / "channels.json").read_bytes())
    assert channels["UCgl0wLabOfficialChann01"].subscribers == 125000
    assert channels["UCgl0wLabOfficialChann01"].uploads_playlist == "UUgl0wLabOfficialChann01"
    assert channels["UCbeautyReviewerKim00001"].subscribers is None  # hiddenSubscriberCount
    for value in (
        "dQw4w9WgXcQ",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1s",
        "https://youtu.be/dQw4w9WgXcQ",
        "https://www.youtube.com/shorts/dQw4w9WgXcQ",
    ):
        assert youtube_video_id(value) == "dQw4w9WgXcQ"
    assert youtube_video_id("https://example.com/v") is None


# -- App Store -------------------------------------------------------------------------------------


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


# -- Google Play -----------------------------------------------------------------------------------


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


# -- Google News, Hacker News, Mastodon, Bluesky ----------------------------------------------------


def test_google_news_editions_and_bad_feeds() -> None:
    assert google_news_edition("zh-TW") == ("zh-TW", "TW", "TW:zh-Hant")
    assert google_news_edition("KO") == ("ko", "KR", "KR:ko")
    with pytest.raises(ValueError, match="known: ko, zh-TW, vi, en"):
        google_news_edition("fr")
    with pytest.raises(BadResponse):
        parse_google_news_rss(b"<html><body>Sorry...</body></html>")


def test_hn_error_answer() -> None:
    with pytest.raises(BadResponse, match="invalid numericFilters"):
        parse_hn_search(b'{"message":"invalid numericFilters","status":400}')


def test_mastodon_ids_boosts_and_errors() -> None:
    statuses = parse_mastodon_statuses((FIXTURES / "mastodon" / "timeline_kbeauty_page1.json").read_bytes())
    assert [s.status_id for s in statuses] == ["112233445566778801", "112233445566778790"]  # boost unwrapped
    assert parse_mastodon_statuses(b'[{"id": 7, "content": "<p>hi</p>"}]')[0].status_id == "7"
    with pytest.raises(BadResponse, match="Record not found"):
        parse_mastodon_statuses(b'{"error": "Record not found"}')


def test_bluesky_uris_missing_roots_and_profiles() -> None:
    assert bluesky_at_uri("https://bsky.app/profile/a.bsky.social/post/3kabc?x=1") == (
        "at://a.bsky.social/app.bsky.feed.post/3kabc"
    )
    assert bluesky_at_uri("at://did:plc:x/app.bsky.feed.post/3k") == "at://did:plc:x/app.bsky.feed.post/3k"
    assert bluesky_at_uri("https://example.com/") is None
    gone = parse_bluesky_thread(
        b'{"thread": {"$type": "app.bsky.feed.defs#notFoundPost", "uri": "at://x", "notFound": true}}'
    )
    assert gone.post is None and gone.skipped == {"not_found": 1}
    with pytest.raises(BadResponse, match="NotFound"):
        parse_bluesky_thread((FIXTURES / "bluesky" / "error_not_found.json").read_bytes())
    followers = parse_bluesky_profiles((FIXTURES / "bluesky" / "profile_glowlab.json").read_bytes())
    assert followers == {"did:plc:g7lwlab4offcl2xq5mz3ktr6a": 5120, "glowlab.bsky.social": 5120}


# -- generic ---------------------------------------------------------------------------------------


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


# -- shared spider helpers and arguments -----------------------------------------------------------


def test_since_and_freshness(monkeypatch: pytest.MonkeyPatch) -> None:
    assert parse_since("2024-05-01") == utc(2024, 5, 1)
    assert parse_since("2024-05-01T09:00:00+09:00") == utc(2024, 5, 1)
    assert parse_since("") is None and parse_since(None) is None
    with pytest.raises(ValueError, match="since"):
        parse_since("last week-ish")

    class Quiet:
        name, crawler = "t", None

    since = utc(2024, 5, 1, 12)
    assert is_fresh(Quiet(), utc(2024, 5, 1, 13), since)  # type: ignore[arg-type]
    assert not is_fresh(Quiet(), utc(2024, 5, 1, 11), since)  # type: ignore[arg-type]
    assert is_fresh(Quiet(), None, since) and is_fresh(Quiet(), utc(2000, 1, 1), None)  # type: ignore[arg-type]
    # A day-only date (Naver's postdate) counts until the end of its day.
    assert is_fresh(Quiet(), utc(2024, 5, 1, 0), since, date_only=True)  # type: ignore[arg-type]
    assert not is_fresh(Quiet(), utc(2024, 4, 30, 0), since, date_only=True)  # type: ignore[arg-type]

    monkeypatch.setenv("BRANDPULSE_TEST_KEY", " from-env ")
    assert config_value("", "BRANDPULSE_TEST_KEY") == "from-env"
    assert config_value("from-arg", "BRANDPULSE_TEST_KEY") == "from-arg"


def test_missing_config_is_a_clean_close() -> None:
    from crawler.spiders.youtube import YoutubeSpider

    spider = YoutubeSpider(videos="dQw4w9WgXcQ", api_key="k")
    error = missing_config(spider, "no key: give -a api_key=... or set YOUTUBE_API_KEY")
    assert isinstance(error, CloseSpider) and error.reason == "missing_config"


def test_spider_arguments_fail_clearly() -> None:
    from crawler.spiders.appstore import AppStoreSpider
    from crawler.spiders.bluesky import BlueskySpider
    from crawler.spiders.dcinside import DcinsideSpider
    from crawler.spiders.googlenews import GoogleNewsSpider
    from crawler.spiders.googleplay import GooglePlaySpider
    from crawler.spiders.hackernews import HackerNewsSpider
    from crawler.spiders.mastodon import MastodonSpider
    from crawler.spiders.naver_search import NaverSearchSpider
    from crawler.spiders.youtube import YoutubeSpider

    cases = [
        (lambda: NaverSearchSpider(), "keywords"),
        (lambda: NaverSearchSpider(keywords="a", kinds="blog,images"), "kinds"),
        (lambda: DcinsideSpider(), "gallery id"),
        (lambda: DcinsideSpider(galleries="a", gallery_type="huge"), "gallery_type"),
        (lambda: YoutubeSpider(), "videos"),
        (lambda: YoutubeSpider(videos="not a video"), "not a video id"),
        (lambda: AppStoreSpider(apps="glowlab"), "numeric"),
        (lambda: AppStoreSpider(apps="123456", countries="usa"), "two-letter"),
        (lambda: GooglePlaySpider(apps="glowlab"), "package names"),
        (lambda: GooglePlaySpider(apps="com.a.b", locales="english"), "locales"),
        (lambda: GoogleNewsSpider(keywords="a", editions="fr"), "edition"),
        (lambda: GoogleNewsSpider(keywords="a", when="a week"), "when"),
        (lambda: HackerNewsSpider(keywords="a", tags="poll"), "tags"),
        (lambda: HackerNewsSpider(keywords="a", since="yesterday-ish"), "since"),
        (lambda: MastodonSpider(tags=""), "tags"),
        (lambda: BlueskySpider(), "posts"),
        (lambda: BlueskySpider(posts="https://example.com/x"), "at://"),
        (lambda: HackerNewsSpider(keywords="a", max_pages="0"), "max_pages"),
    ]
    for build, message in cases:
        with pytest.raises(ValueError, match=message):
            build()
    spider = MastodonSpider(instance="mastodon.example/", tags="#kbeauty, skincare", limit="80")
    assert (spider.instance, spider.host, spider.tags, spider.limit) == (
        "https://mastodon.example",
        "mastodon.example",
        ["kbeauty", "skincare"],
        40,
    )
    assert GooglePlaySpider(apps="com.a.b", locales="ko_KR, en-us").locales == [("ko", "kr"), ("en", "us")]
