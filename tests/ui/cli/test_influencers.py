"""Discover and vet creators: the hand-made fixture in tests/fixtures/discover/ (ten posts by five authors
over twelve weeks, 22 comments in Vietnamese, English and Korean) goes through `brandpulse import posts` and
`import mentions`, then `brandpulse influencers --json` is compared with figures worked out by hand below,
on SQLite and PostgreSQL.

The fixture, in short (E = likes + comments + shares + saves; every comment is multi-word, unique and from an
author with no burst, repeat or cross-post signal, so q_c = 1 for ham and 0 for spam, and s_p = ham / stored):

linh.beauty (instagram; followers per post 8,000 → 9,000 → 9,500 → 10,000, so F = 10,000)
  A1 2026-01-05 Glow Lab   E 400; comments mai.ng vi+ (VN), tuan.vo vi=, promo_bot_1 spam, linh.beauty vi+
                            (her own reply: in QWE, not among her audience) → s = 3/4, QWE 300
  A2 2026-02-02 Aqua Veil  E 200; jenny.k en+ (US), mai.ng vi− (VN) → s = 1, QWE 200
  A3 2026-03-02 Zen Tea    E 100; no comments → s = 1 (unverified), QWE 100
  A4 2026-03-23 both       E 300; minji.lee ko=, tuan.vo vi+ → QWE 300
hana.glow (followers 5,000 twice)
  B1 2026-01-12 글로우랩     E 250; minji.lee ko+, soo.park ko+, jenny.k en= (US) → QWE 250
  B2 2026-02-16 아쿠아베일   E 150; soo.park ko−, minji.lee ko−, mai.ng vi= (VN), promo_bot_1 spam → QWE 112.5
deal.hunter.vn (followers 20,000 then 26,000 a day later)
  C1 2026-01-20 Glow Lab   E 800; 3 spam bots, tuan.vo vi=, mai.ng vi− (VN) → s = 2/5, QWE 320
  C2 2026-01-21 Glow Lab   E 400; promo_bot_2 spam, tuan.vo vi− → s = 1/2, QWE 200
tea.time.tom (youtube) D1 2026-02-10 Zen Tea only: not in the skincare category.
quiet.reviewer (no follower count) E1 2026-03-10 aquaveil, E 10, no comments → QWE 10.

Glow Lab's category is skincare (Glow Lab, Aqua Veil); its markets are vi and en, its region VN. The period
2026-01-05 (Mon) .. 2026-03-29 (Sun) is 84 days, 12 ISO weeks.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from store.db import session_scope
from store.models import Author, AuthorSnapshot
from tests.dbutil import migrated_db
from ui.cli.app import app

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "discover"
PERIOD = ("--since", "2026-01-05", "--until", "2026-03-29")
runner = CliRunner()


@pytest.fixture(params=["sqlite", "postgresql"])
def discover_db(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The fixture imported through the real commands, the config in the working folder."""
    url = migrated_db(request, tmp_path, "discover.db")
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", url)
    monkeypatch.delenv("BRANDPULSE_CONFIG", raising=False)
    shutil.copy(FIXTURE / "discover.toml", tmp_path / "brandpulse.toml")
    monkeypatch.chdir(tmp_path)
    assert "10 rows, 10 stored, 0 quarantined" in _invoke("import", "posts", str(FIXTURE / "posts.csv"))
    assert "22 rows, 22 stored, 0 quarantined" in _invoke(
        "import", "mentions", str(FIXTURE / "comments.jsonl")
    )
    return url


def _invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _influencers(brand: str, *extra: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, ["influencers", "--brand", brand, "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


def _by_author(report: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {row["author"]: row for row in report["influencers"]}


def test_ranking_and_every_score_worked_out_by_hand(discover_db: str) -> None:
    report = _influencers("Glow Lab", *PERIOD)
    assert report["category"] == ["Aqua Veil", "Glow Lab"]
    assert report["markets"] == {"languages": ["vi", "en"], "regions": ["VN"]}
    assert "age, gender" in report["not_shown"]
    # score = QW-ER × relevance / 100 × audience fit / 100:
    # hana 3.625 × 1 × 0.5 = 1.8125 > linh 2.25 × 0.75 × 0.75 = 1.265625 > deal 1.0 × 1 × 1 = 1.0
    # > quiet.reviewer (no score: no follower count).
    # tea.time.tom posts about Zen Tea only: not listed.
    assert [(r["rank"], r["author"]) for r in report["influencers"]] == [
        (1, "hana.glow"),
        (2, "linh.beauty"),
        (3, "deal.hunter.vn"),
        (4, "quiet.reviewer"),
    ]
    rows = _by_author(report)
    approx = pytest.approx

    linh = rows["linh.beauty"]
    assert (linh["platform"], linh["followers"], linh["posts"], linh["category_posts"]) == (
        "instagram", 10000, 4, 3,
    )  # fmt: skip
    assert linh["relevance"] == approx(75.0)  # 3 of 4 posts (A3 is about tea)
    assert (linh["engagement"], linh["qwe"]) == (1000, approx(900.0))  # 400+200+100+300; 300+200+100+300
    assert linh["er"] == approx(2.5)  # mean(400, 200, 100, 300) / 10,000 × 100 = mean(4, 2, 1, 3)
    assert linh["qw_er"] == approx(2.25)  # mean(3, 2, 1, 3)
    assert linh["inflation"] == approx(1000 / 900)  # 1.111
    # Commenters (spam and her own reply left out): mai.ng vi, tuan.vo vi, jenny.k en, minji.lee ko → 3 / 4.
    assert (linh["commenters"], linh["audience_fit"]) == (4, approx(75.0))
    # Regions given: mai.ng VN, jenny.k US → 1 / 2.
    assert (linh["commenters_with_region"], linh["region_fit"]) == (2, approx(50.0))
    # Snapshots at each post: 8,000 on 01-05 10:00 … 10,000 on 03-23 10:00, 77 days = 11 weeks apart.
    assert (linh["snapshots"], linh["followers_first"], linh["followers_last"]) == (4, 8000, 10000)
    assert linh["follower_growth"] == 2000
    assert linh["follower_growth_per_week"] == approx(2000 / 11)  # 181.8
    assert linh["follower_growth_pct_week"] == approx(25 / 11)  # 2,000 / 8,000 × 100 / 11 = 2.27
    assert linh["posts_per_week"] == approx(4 / 12)  # 4 posts / (84 days / 7)
    assert (linh["active_weeks"], linh["weeks"]) == (4, 12)  # the weeks of 01-05, 02-02, 03-02, 03-23
    assert linh["active_weeks_pct"] == approx(100 / 3)
    # 7 comments by others: 1 spam → 1 / 7; 6 labelled non-spam, 1 negative (mai.ng on A2) → 1 / 6.
    assert linh["comments"] == 7
    assert linh["spam_share"] == approx(100 / 7)
    assert linh["negative_share"] == approx(100 / 6)
    assert linh["flags"] == []
    assert linh["score"] == approx(1.265625)

    hana = rows["hana.glow"]
    assert (hana["followers"], hana["posts"], hana["category_posts"], hana["relevance"]) == (
        5000, 2, 2, approx(100.0),
    )  # fmt: skip
    assert (hana["engagement"], hana["qwe"]) == (400, approx(362.5))  # 250 + 150; 250 + 150 × 3/4
    assert hana["er"] == approx(4.0)  # mean(250, 150) / 5,000 × 100 = mean(5, 3)
    assert hana["qw_er"] == approx(3.625)  # mean(5, 2.25)
    assert hana["inflation"] == approx(400 / 362.5)  # 1.103
    # minji.lee ko, soo.park ko, jenny.k en, mai.ng vi → 2 / 4; regions: jenny.k US, mai.ng VN → 1 / 2.
    assert (hana["commenters"], hana["audience_fit"], hana["region_fit"]) == (4, approx(50.0), approx(50.0))
    # 5,000 on 01-12 and 02-16 (5 weeks apart): no growth.
    assert (hana["snapshots"], hana["follower_growth"]) == (2, 0)
    assert (hana["follower_growth_per_week"], hana["follower_growth_pct_week"]) == (approx(0.0), approx(0.0))
    assert hana["posts_per_week"] == approx(2 / 12)
    assert (hana["active_weeks"], hana["active_weeks_pct"]) == (2, approx(100 / 6))
    # 7 comments, 1 spam; 6 labelled non-spam of which 2 negative (B2) → 33.3 %: over the 20 % line.
    assert (hana["spam_share"], hana["negative_share"]) == (approx(100 / 7), approx(100 / 3))
    assert hana["flags"] == ["negative_comments"]
    assert hana["score"] == approx(1.8125)

    deal = rows["deal.hunter.vn"]
    assert (deal["followers"], deal["posts"], deal["relevance"]) == (26000, 2, approx(100.0))
    assert (deal["engagement"], deal["qwe"]) == (1200, approx(520.0))  # 800 + 400; 320 + 200
    assert deal["er"] == approx(600 / 260)  # mean(800, 400) / 26,000 × 100 = 2.31
    assert deal["qw_er"] == approx(1.0)  # mean(320, 200) / 26,000 × 100
    assert deal["inflation"] == approx(1200 / 520)  # 2.31: over 1.5
    # Non-spam commenters tuan.vo vi and mai.ng vi (VN) → 2 / 2; region 1 / 1.
    assert (deal["commenters"], deal["audience_fit"], deal["region_fit"]) == (2, approx(100.0), approx(100.0))
    # 20,000 → 26,000 in one day: +6,000, but one day is too short for a weekly rate (it would be 42,000,
    # 210 % a week): per-week figures need snapshots 7 days apart.
    assert deal["follower_growth"] == 6000
    assert (deal["follower_growth_per_week"], deal["follower_growth_pct_week"]) == (None, None)
    assert (deal["active_weeks"], deal["active_weeks_pct"]) == (1, approx(100 / 12))  # both in one week
    # 7 comments, 4 spam → 57.1 %; 3 labelled non-spam, 2 negative → 66.7 %.
    assert (deal["spam_share"], deal["negative_share"]) == (approx(400 / 7), approx(200 / 3))
    assert deal["flags"] == ["negative_comments", "spam_comments", "inflated_engagement"]
    assert deal["score"] == approx(1.0)

    quiet = rows["quiet.reviewer"]
    # No follower count: no ER, no QW-ER, no score; no comments: no fit, no safety shares; no snapshots.
    assert (quiet["followers"], quiet["er"], quiet["qw_er"], quiet["score"]) == (None, None, None, None)
    assert (quiet["engagement"], quiet["inflation"], quiet["relevance"]) == (10, approx(1.0), approx(100.0))
    assert (quiet["audience_fit"], quiet["negative_share"], quiet["spam_share"]) == (None, None, None)
    assert (quiet["snapshots"], quiet["follower_growth"]) == (0, None)


def test_sorting_periods_other_categories_and_reimports(discover_db: str) -> None:
    # By relevance: three at 100 % (ties by handle), then linh.beauty at 75 %.
    by_relevance = _influencers("Glow Lab", *PERIOD, "--sort", "relevance")["influencers"]
    assert [r["author"] for r in by_relevance] == [
        "deal.hunter.vn", "hana.glow", "quiet.reviewer", "linh.beauty",
    ]  # fmt: skip
    assert len(_influencers("Glow Lab", *PERIOD, "--limit", "2")["influencers"]) == 2

    # February and March only: deal.hunter.vn (January) drops out; linh.beauty has A2, A3, A4 (2 of 3 about
    # skincare) and snapshots 9,000 (02-02) → 10,000 (03-23): +1,000 over 7 weeks = 1,000 / 9,000 × 100 / 7.
    spring = _by_author(_influencers("Aqua Veil", "--since", "2026-02-01", "--until", "2026-03-29"))
    assert sorted(spring) == ["hana.glow", "linh.beauty", "quiet.reviewer"]
    linh = spring["linh.beauty"]
    assert (linh["posts"], linh["category_posts"], linh["relevance"]) == (3, 2, pytest.approx(200 / 3))
    assert (linh["follower_growth"], linh["follower_growth_pct_week"]) == (1000, pytest.approx(100 / 63))
    # Aqua Veil has no markets configured: no audience fit; the score is QW-ER × relevance / 100.
    assert linh["audience_fit"] is None
    # QW-ER over A2, A3, A4 = mean(2, 1, 3) = 2 → score 2 × 2/3.
    assert linh["score"] == pytest.approx(4 / 3)

    # Zen Tea's category (drinks): linh.beauty (A3, 1 of 4) and tea.time.tom (D1 on youtube, 1 of 1).
    tea = _by_author(_influencers("Zen Tea", *PERIOD))
    assert sorted(tea) == ["linh.beauty", "tea.time.tom"]
    assert tea["tea.time.tom"]["platform"] == "youtube"
    assert (tea["linh.beauty"]["relevance"], tea["tea.time.tom"]["relevance"]) == (25.0, 100.0)

    # Importing the same files again adds no snapshot: one per author and post time (nine with a count).
    with session_scope(discover_db) as s:
        before = s.execute(select(func.count()).select_from(AuthorSnapshot)).scalar_one()
    _invoke("import", "posts", str(FIXTURE / "posts.csv"))
    _invoke("import", "mentions", str(FIXTURE / "comments.jsonl"))
    with session_scope(discover_db) as s:
        after = s.execute(select(func.count()).select_from(AuthorSnapshot)).scalar_one()
        sources = set(s.execute(select(AuthorSnapshot.source)).scalars())
        handles = set(s.execute(select(Author.handle).join(AuthorSnapshot)).scalars())
    assert before == after == 9
    assert sources == {"import"}
    assert handles == {"linh.beauty", "hana.glow", "deal.hunter.vn", "tea.time.tom"}
    assert _influencers("Glow Lab", *PERIOD)["influencers"][1]["follower_growth"] == 2000


def test_clear_errors_never_tracebacks(discover_db: str) -> None:
    unknown = runner.invoke(app, ["influencers", "--brand", "Nope"])
    assert unknown.exit_code == 2
    assert "unknown brand 'Nope'" in unknown.output
    assert "Glow Lab" in unknown.output  # the brands there
    backwards = runner.invoke(
        app, ["influencers", "--brand", "Glow Lab", "--since", "2026-03-01", "--until", "2026-01-01"]
    )
    assert backwards.exit_code == 2 and "is after --until" in backwards.output
    bad_sort = runner.invoke(app, ["influencers", "--brand", "Glow Lab", "--sort", "followers_bought"])
    assert bad_sort.exit_code == 2
    for result in (unknown, backwards, bad_sort):
        assert "Traceback" not in result.output
    # The table: every creator and what public data cannot show.
    table = _invoke("influencers", "--brand", "Glow Lab", *PERIOD)
    for handle in ("hana.glow", "linh.beauty", "deal.hunter.vn", "quiet.reviewer"):
        assert handle in table
    assert "inflated_engagement" in table and "age, gender" in table
