"""Real exports through `brandpulse import ... --preset`, on SQLite and PostgreSQL: made-up files with the
headers of Instagram and Facebook (Meta Business Suite), TikTok Studio and YouTube Studio exports, dates and
counts in every market's notation, in CP949, Big5, GB18030 and UTF-16 as well as UTF-8. Every row loads,
with UTC times worked out by hand below (a time without a zone is in --tz; a zone in the value wins)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner, Result

from store.db import session_scope
from store.models import Author, Mention, Post
from store.timeutil import as_utc, utcnow
from tests.dbutil import migrated_db
from ui.cli.app import app

runner = CliRunner()


@pytest.fixture(params=["sqlite", "postgresql"])
def cli_db(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = migrated_db(request, tmp_path, "presets.db")
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)  # no brandpulse.toml here: built-in defaults
    return url


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def _csv(path: Path, header: list[str], rows: list[list[str]], encoding: str) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _import(*args: str, code: int = 0) -> tuple[str, datetime, datetime]:
    """Run the command; its output and the times around it (relative dates count back from its start)."""
    before = utcnow()
    result: Result = runner.invoke(app, ["import", *args])
    after = utcnow()
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert code or result.exception is None, result.exception
    return result.output, before, after


def _posts(url: str, platform: str) -> dict[str, dict[str, Any]]:
    with session_scope(url) as s:
        rows = s.execute(
            select(Post, Author.handle)
            .outerjoin(Author, Post.author_id == Author.id)
            .where(Post.platform == platform)
        ).all()
        return {
            p.external_id: {**p.model_dump(), "author": handle, "published_at": as_utc(p.published_at)}
            for p, handle in rows
        }


def _mentions(url: str, platform: str) -> dict[str, dict[str, Any]]:
    with session_scope(url) as s:
        rows = s.execute(
            select(Mention, Author.handle)
            .outerjoin(Author, Mention.author_id == Author.id)
            .where(Mention.platform == platform)
        ).all()
        return {
            m.external_id: {
                **m.model_dump(),
                "author": handle,
                "published_at": as_utc(m.published_at),
                "extra": json.loads(m.extra or "{}"),
            }
            for m, handle in rows
        }


def _relative(stored: datetime, before: datetime, after: datetime, ago: timedelta) -> bool:
    return before - ago <= stored <= after - ago


# ---------------------------------------------------------------- Instagram (Meta Business Suite)

IG_HEADER = ["Post ID", "Account ID", "Account username", "Account name", "Description", "Duration (sec)",
             "Publish time", "Permalink", "Post type", "Data comment", "Date", "Views", "Reach", "Likes",
             "Shares", "Follows", "Comments", "Saves"]  # fmt: skip
# Publish time as every market's tools write it, in Seoul (UTC+9) unless it says otherwise; likes; views.
IG_ROWS = [
    ("11/28/2026 3:15 PM", utc(2026, 11, 28, 6, 15), "1.2K", 1200, "3.4M", 3_400_000),
    ("2026. 11. 27. 오후 3:15", utc(2026, 11, 27, 6, 15), "3만", 30_000, "12.5만", 125_000),
    ("2026년 11월 26일 오전 12:05", utc(2026, 11, 25, 15, 5), "2천", 2000, "1억", 100_000_000),
    ("2026年11月26日 下午3:20", utc(2026, 11, 26, 6, 20), "1.2萬", 12_000, "3億", 300_000_000),
    ("2026/11/26 上午 09:20:00", utc(2026, 11, 26, 0, 20), "1.2w", 12_000, "45,678", 45_678),
    ("28 thg 11, 2026 3:20 CH", utc(2026, 11, 28, 6, 20), "1,2 N", 1200, "1,5 tr", 1_500_000),
    ("Thứ Bảy, 28 tháng 11, 2026 lúc 09:05 SA", utc(2026, 11, 28, 0, 5), "1.234", 1234, "2 nghìn", 2000),
    ("Nov 27, 2026 11:45 PM", utc(2026, 11, 27, 14, 45), "2.5k", 2500, "1,234,567", 1_234_567),
    ("2026-11-28T08:00:00+07:00", utc(2026, 11, 28, 1, 0), "12", 12, "１２３", 123),
    ("1795879800", utc(2026, 11, 28, 15, 30), "7", 7, "1e3", 1000),  # unix seconds: UTC
    ("1795879800000", utc(2026, 11, 28, 15, 30), "8", 8, "12.0", 12),  # unix milliseconds
    ("3 days ago", None, "9", 9, "10", 10),
]


def _instagram(path: Path, encoding: str = "utf-8-sig") -> Path:
    rows = [
        [f"1790000000000000{i:02d}", "17841400000000001", "glowlab.official", "Glow Lab",
         f"Glow Lab sunscreen post {i} 글로우랩 光澤 rất tốt", "0", when, f"https://www.instagram.com/p/DA{i:02d}x/",
         "IG image", "", "Lifetime", views, "5,000", likes, "3", "1", str(i), "2"]
        for i, (when, _, likes, _, views, _) in enumerate(IG_ROWS)
    ]  # fmt: skip
    return _csv(path, IG_HEADER, rows, encoding)


def test_an_instagram_export_loads_every_row_as_posts_and_as_mentions(cli_db: str, tmp_path: Path) -> None:
    path = _instagram(tmp_path / "instagram.csv")
    out, before, after = _import("posts", str(path), "--preset", "instagram", "--tz", "Asia/Seoul")
    assert "instagram.csv (utf-8-sig): 12 rows, 12 stored, 0 quarantined" in out
    posts = _posts(cli_db, "instagram")
    assert len(posts) == 12
    for i, (when, expected, _, likes, _, views) in enumerate(IG_ROWS):
        post = posts[f"1790000000000000{i:02d}"]
        if expected is None:
            assert _relative(post["published_at"], before, after, timedelta(days=3)), when
        else:
            assert post["published_at"] == expected, when
        assert (post["likes"], post["views"], post["comments"], post["saves"]) == (likes, views, i, 2)
        assert (post["reach"], post["shares"], post["author"]) == (5000, 3, "glowlab.official")
        assert post["url"] == f"https://www.instagram.com/p/DA{i:02d}x/"

    # The same file as mentions: each row a post's own text; --set wins over the preset's platform.
    out, before, after = _import(
        "mentions", str(path), "--preset", "instagram", "--tz", "Asia/Seoul", "--set", "platform=ig-texts"
    )
    assert "12 rows, 12 stored, 0 quarantined" in out
    mentions = _mentions(cli_db, "ig-texts")
    for i, (when, expected, _, likes, _, views) in enumerate(IG_ROWS):
        mention = mentions[f"1790000000000000{i:02d}"]
        assert mention["kind"] == "post" and mention["text"].startswith(f"Glow Lab sunscreen post {i} ")
        assert (mention["likes"], mention["replies"], mention["extra"]) == (
            likes,
            i,
            {"shares": 3, "views": views},
        )
        if expected is not None:
            assert mention["published_at"] == expected, when


def test_a_gb18030_instagram_export_in_simplified_chinese_loads_as_mentions(
    cli_db: str, tmp_path: Path
) -> None:
    rows = [
        [
            "17900000000000101",
            "glowlab.cn",
            "光泽实验室的防晒很好用",
            "2026年11月26日 下午3:20",
            "1.2万",
            "3",
        ],
        ["17900000000000102", "glowlab.cn", "推荐给大家，质地清爽", "11/27/2026 9:00 PM", "3万", "1,234"],
        ["17900000000000103", "glowlab.cn", "今天刚买的", "5分钟前", "45", "0"],
    ]
    header = ["Post ID", "Account username", "Description", "Publish time", "Likes", "Comments"]
    path = _csv(tmp_path / "ig-cn.csv", header, rows, "gb18030")
    out, before, after = _import("mentions", str(path), "--preset", "instagram", "--tz", "Asia/Shanghai")
    assert "ig-cn.csv (gb18030, detected): 3 rows, 3 stored, 0 quarantined" in out
    m = _mentions(cli_db, "instagram")
    assert m["17900000000000101"]["published_at"] == utc(2026, 11, 26, 7, 20)  # 15:20 in Shanghai (UTC+8)
    assert m["17900000000000102"]["published_at"] == utc(2026, 11, 27, 13, 0)
    assert _relative(m["17900000000000103"]["published_at"], before, after, timedelta(minutes=5))
    assert [m[k]["likes"] for k in sorted(m)] == [12_000, 30_000, 45]
    assert [m[k]["replies"] for k in sorted(m)] == [3, 1234, 0]
    assert m["17900000000000102"]["text"] == "推荐给大家，质地清爽"
    assert {x["author"] for x in m.values()} == {"glowlab.cn"}


# ---------------------------------------------------------------- TikTok Studio (a Korean analyst: CP949)

TT_HEADER = ["Video title", "Video link", "Post time", "Total likes", "Total comments", "Total shares",
             "Total views"]  # fmt: skip
TT_LINK = "https://www.tiktok.com/@{}/video/74412345678901234{}"
TT_ROWS = [
    ["글로우랩 선크림 리뷰 #광고", TT_LINK.format("glowlab.kr", 51), "2026-11-27 오후 3:15:00", "3.2만",
     "1,234", "56", "120만"],
    ["수분크림 추천해요", TT_LINK.format("beauty_jin", 52) + "?lang=ko", "2026. 11. 26. 15:15", "1.2천",
     "12", "3", "4.5만"],
    ["광택 진짜 좋아요", TT_LINK.format("glowlab.kr", 53), "어제", "980", "7", "0", "1.1만"],
    ["선크림 비교 Glow Lab vs Aqua Veil", TT_LINK.format("glowlab.kr", 54), "2시간 전", "1.5K", "40", "2",
     "3M"],
    ["Glow Lab 신제품", TT_LINK.format("glowlab.kr", 55), "11/25/2026 9:00 AM", "15", "1", "0", "300"],
]  # fmt: skip


def test_a_cp949_tiktok_studio_export_takes_its_ids_and_authors_from_the_links(
    cli_db: str, tmp_path: Path
) -> None:
    path = _csv(tmp_path / "tiktok.csv", TT_HEADER, TT_ROWS, "cp949")
    out, before, after = _import("mentions", str(path), "--preset", "tiktok", "--tz", "Asia/Seoul")
    assert "tiktok.csv (cp949, detected): 5 rows, 5 stored, 0 quarantined" in out
    m = _mentions(cli_db, "tiktok")
    assert sorted(m) == [f"74412345678901234{n}" for n in range(51, 56)]
    first = m["7441234567890123451"]
    assert first["published_at"] == utc(2026, 11, 27, 6, 15)  # 오후 3:15 in Seoul
    assert (first["likes"], first["replies"], first["extra"]) == (
        32_000,
        1234,
        {"shares": 56, "views": 1_200_000},
    )
    assert (first["author"], first["kind"], first["text"]) == (
        "glowlab.kr",
        "post",
        "글로우랩 선크림 리뷰 #광고",
    )
    second = m["7441234567890123452"]
    assert second["published_at"] == utc(2026, 11, 26, 6, 15) and second["author"] == "beauty_jin"
    assert (second["likes"], second["extra"]["views"]) == (1200, 45_000)
    assert _relative(m["7441234567890123453"]["published_at"], before, after, timedelta(days=1))
    assert _relative(m["7441234567890123454"]["published_at"], before, after, timedelta(hours=2))
    assert m["7441234567890123454"]["extra"]["views"] == 3_000_000
    assert m["7441234567890123455"]["published_at"] == utc(2026, 11, 25, 0, 0)

    out, before, after = _import("posts", str(path), "--preset", "tiktok", "--tz", "Asia/Seoul")
    assert "5 rows, 5 stored, 0 quarantined" in out
    posts = _posts(cli_db, "tiktok")
    assert (
        posts["7441234567890123451"]["comments"] == 1234
        and posts["7441234567890123451"]["views"] == 1_200_000
    )
    assert posts["7441234567890123452"]["url"] == TT_LINK.format("beauty_jin", 52) + "?lang=ko"
    assert posts["7441234567890123455"]["published_at"] == utc(2026, 11, 25, 0, 0)


# ---------------------------------------------------------------- Facebook (a Taiwanese analyst: Big5)

FB_HEADER = ["Post ID", "Page ID", "Page name", "Title", "Description", "Duration (sec)", "Publish time",
             "Caption type", "Permalink", "Is crosspost", "Is share", "Post type", "Languages",
             "Custom labels", "Funded content status", "Data comment", "Date", "Reactions", "Comments",
             "Shares", "Reach", "Impressions"]  # fmt: skip
# Post, title, description, publish time (Taipei, UTC+8), reactions, comments, reach → expected.
FB_ROWS = [
    ("1001", "", "防曬乳好用推薦", "11/28/2026 15:15", "1.2萬", "345", "3.4萬",
     utc(2026, 11, 28, 7, 15), 12_000, 34_000),
    ("1002", "", "保濕精華開箱", "2026/11/27 下午 03:15", "2,345", "12", "5000",
     utc(2026, 11, 27, 7, 15), 2345, 5000),
    # No description: a video's title is its text. 11/05 reads both ways: Meta writes month first.
    ("1003", "新品發表會直播", "", "11/05/2026 20:00", "1.5K", "0", "1萬",
     utc(2026, 11, 5, 12, 0), 1500, 10_000),
    ("1004", "", "光澤很好", "2026年11月26日 上午10:30", "88", "1", "900", utc(2026, 11, 26, 2, 30), 88, 900),
    ("1005", "", "三天前的貼文", "3天前", "5", "0", "50", None, 5, 50),
]  # fmt: skip


def test_a_big5_facebook_export_loads_with_taipei_times_and_titles_for_videos(
    cli_db: str, tmp_path: Path
) -> None:
    rows = [
        [f"1234567890_{post}", "1234567890", "光澤實驗室 Glow Lab TW", title, text, "0", when, "", "", "No",
         "No", "Photos", "zh_TW", "", "", "", "Lifetime", reactions, comments, "2", reach, "60000"]
        for post, title, text, when, reactions, comments, reach, *_ in FB_ROWS
    ]  # fmt: skip
    path = _csv(tmp_path / "facebook.csv", FB_HEADER, rows, "big5")
    out, before, after = _import("posts", str(path), "--preset", "facebook", "--tz", "Asia/Taipei")
    assert "facebook.csv (big5, detected): 5 rows, 5 stored, 0 quarantined" in out
    posts, bodies = _posts(cli_db, "facebook"), _mentions(cli_db, "facebook")
    for post_id, title, text, when, _, comments, _, expected, likes, reach in FB_ROWS:
        post, body = posts[f"1234567890_{post_id}"], bodies[f"1234567890_{post_id}"]
        if expected is None:
            assert _relative(post["published_at"], before, after, timedelta(days=3))
        else:
            assert post["published_at"] == expected, when
        assert (post["likes"], post["comments"], post["reach"], post["impressions"]) == (
            likes, int(comments), reach, 60_000
        )  # fmt: skip
        assert post["author"] == "光澤實驗室 Glow Lab TW"
        assert body["text"] == (text or title) and body["kind"] == "post"


# ---------------------------------------------------------------- YouTube Studio (UTF-16, no byte-order mark)

YT_HEADER = ["Content", "Video title", "Video publish time", "Duration", "Views", "Watch time (hours)",
             "Subscribers", "Impressions", "Impressions click-through rate (%)", "Likes",
             "Comments added"]  # fmt: skip
YT_ROWS = [
    ["Total", "", "", "", "1,290,000", "12345.6", "321", "2,000,000", "5.1", "20,000", "1,500"],
    ["dQw4w9WgXcQ", "Review kem chống nắng Glow Lab", "Nov 28, 2026", "612", "1,234,567", "5000.5", "120",
     "1,500,000", "4.2", "15,000", "1,200"],
    ["a1B2c3D4e5F", "So sánh Glow Lab và Aqua Veil", "28 thg 11, 2026", "480", "55.4K", "300.1", "-3",
     "90,000", "3.9", "1.2K", "250"],
    ["Zz9_-Yy8Xx7", "Mở hộp Petal Theory", "2026-11-20", "301", "433", "2.5", "0", "10,000", "1.1", "40",
     "5"],
]  # fmt: skip


def test_a_youtube_studio_export_skips_its_total_row_and_links_each_video(
    cli_db: str, tmp_path: Path
) -> None:
    path = _csv(tmp_path / "Table data.csv", YT_HEADER, YT_ROWS, "utf-16-le")
    out, _, _ = _import("posts", str(path), "--preset", "youtube-studio", "--tz", "Asia/Ho_Chi_Minh")
    assert "Table data.csv (utf-16-le, detected): 3 rows, 3 stored, 0 quarantined" in out
    assert "skipped 1 total row" in out
    posts = _posts(cli_db, "youtube")
    assert sorted(posts) == ["Zz9_-Yy8Xx7", "a1B2c3D4e5F", "dQw4w9WgXcQ"]
    video = posts["dQw4w9WgXcQ"]
    assert video["published_at"] == utc(2026, 11, 27, 17, 0)  # midnight in Ho Chi Minh City (UTC+7)
    assert (video["views"], video["impressions"], video["likes"], video["comments"]) == (
        1_234_567, 1_500_000, 15_000, 1200
    )  # fmt: skip
    assert video["url"] == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert posts["a1B2c3D4e5F"]["published_at"] == utc(2026, 11, 27, 17, 0)
    assert (posts["a1B2c3D4e5F"]["views"], posts["a1B2c3D4e5F"]["likes"]) == (55_400, 1200)
    assert posts["Zz9_-Yy8Xx7"]["published_at"] == utc(2026, 11, 19, 17, 0)
    assert _mentions(cli_db, "youtube")["Zz9_-Yy8Xx7"]["text"] == "Mở hộp Petal Theory"


# ---------------------------------------------------------------- constants, overrides, exit codes, progress


def test_a_file_without_platforms_fails_with_its_reasons_and_loads_with_a_constant(
    cli_db: str, tmp_path: Path
) -> None:
    path = tmp_path / "comments.csv"
    path.write_text(
        "platform,external_id,text,published_at\n,c1,좋아요,2026-11-28 09:00\n,c2,rất tốt,\n"
        "facebook,c3,光澤很好,2026-11-28 09:00\n,c4,bad date,someday\n",
        encoding="utf-8",
    )
    out, _, _ = _import("mentions", str(path), "--set", "published_at=2026-11-01")
    assert "comments.csv (utf-8): 4 rows, 1 stored, 3 quarantined" in out  # c3 names its platform
    assert "quarantined 3 × column platform: is required" in out

    path.write_text(path.read_text(encoding="utf-8").replace("facebook,c3", ",c3"), encoding="utf-8")
    out, _, _ = _import("mentions", str(path), code=1)
    assert "4 rows, 0 stored, 4 quarantined" in out
    assert "nothing imported from comments.csv: all 4 rows were quarantined" in out

    out, _, _ = _import("mentions", str(path), "--set", "platform=instagram", "--tz", "+09:00")
    assert "4 rows, 3 stored, 1 quarantined" in out
    assert "quarantined 1 × column published_at: … is not a date" in out
    m = _mentions(cli_db, "instagram")
    assert m["c1"]["published_at"] == utc(2026, 11, 28, 0, 0) and m["c2"]["published_at"] is None

    # A constant fills blanks only: a value in the file wins.
    path.write_text("platform,external_id,text\nfacebook,c5,hello\n,c6,world\n", encoding="utf-8")
    _import("mentions", str(path), "--set", "platform=instagram")
    assert "c5" in _mentions(cli_db, "facebook") and "c6" in _mentions(cli_db, "instagram")


def test_map_wins_over_the_preset_and_a_wrong_option_is_one_clear_message(
    cli_db: str, tmp_path: Path
) -> None:
    path = _instagram(tmp_path / "instagram.csv")
    _import("posts", str(path), "--preset", "instagram", "--map", "Account name=author", "--tz", "Asia/Seoul")
    assert {p["author"] for p in _posts(cli_db, "instagram").values()} == {"Glow Lab"}
    for args, message in [
        (("--set", "colour=red"), "--set: posts have no column 'colour'"),
        (("--tz", "Mars/Olympus"), "--tz: unknown time zone 'Mars/Olympus'"),
        (("--preset", "myspace"), "Invalid value for '--preset'"),
        (("--date-order", "ymd"), "Invalid value for '--date-order'"),
    ]:
        out, _, _ = _import("posts", str(path), *args, code=2)
        assert message in out, out


def test_ambiguous_dates_follow_the_date_order_and_a_contradicting_file_is_flagged(
    cli_db: str, tmp_path: Path
) -> None:
    header = ["Post ID", "Account username", "Description", "Publish time"]
    rows = [
        ["p1", "vn.glow", "Kem chống nắng", "05/11/2026 08:00"],
        ["p2", "vn.glow", "Tốt", "28/11/2026 08:00"],
    ]
    path = _csv(tmp_path / "vn.csv", header, rows, "utf-8")
    out, _, _ = _import("posts", str(path), "--preset", "instagram", "--tz", "Asia/Ho_Chi_Minh")
    assert "published_at: '28/11/2026' is written day first, but 1 ambiguous date was read month first" in out
    assert _posts(cli_db, "instagram")["p1"]["published_at"] == utc(2026, 5, 11, 1, 0)
    out, _, _ = _import(
        "posts", str(path), "--preset", "instagram", "--tz", "Asia/Ho_Chi_Minh", "--date-order", "dmy"
    )
    assert "ambiguous" not in out
    posts = _posts(cli_db, "instagram")
    assert (posts["p1"]["published_at"], posts["p2"]["published_at"]) == (
        utc(2026, 11, 5, 1),
        utc(2026, 11, 28, 1),
    )


def test_a_terminal_sees_a_progress_bar_and_a_pipe_does_not(cli_db: str, tmp_path: Path) -> None:
    path = _instagram(tmp_path / "instagram.csv")
    args = ["import", "posts", str(path), "--preset", "instagram"]
    piped = runner.invoke(app, args)
    terminal = runner.invoke(app, args, env={"TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1"})
    assert piped.exit_code == terminal.exit_code == 0
    assert "importing instagram.csv" not in piped.output
    assert "importing instagram.csv" in terminal.output and "12 rows" in terminal.output
