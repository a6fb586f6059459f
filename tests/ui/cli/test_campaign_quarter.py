"""Issue 21's hand-written quarter (tests/fixtures/campaign_quarter/): posts, comments, a campaign, GA4-style
traffic and promo codes over January-March 2026, through the real import commands and the ``--json`` outputs
of ``kpi`` (ROI per influencer), ``phases`` and ``compare``, on SQLite and PostgreSQL. Every expected number
is worked out by hand below.

The quarter: Glow Lab's "Spring Glow" runs 1-14 February 2026 (14 days) with @minji (10,000 followers) and
@hana (5,000). Posts (E = likes + comments + shares + saves) and their stored comments (q_c):

    P1 @minji 2 Feb  E = 450 + 40 + 10 = 500; c1 +, c2 +, c3 − (q 1 each), c4 spam (q 0) → s = 3/4, QWE 375
    P2 @minji 9 Feb  E = 280 + 15 + 5 = 300;  c5 +, c6 a duplicate of c5 (q 0)         → s = 1/2, QWE 150
    P3 @hana  3 Feb  E = 180 + 15 + 5 = 200;  c7 +, c8 neutral                          → s = 1,   QWE 200
    P4 @hana 10 Feb  E = 90 + 8 + 2 = 100;    c9 −, c10 "😍😍" low effort (q 0.5)        → s = 3/4, QWE 75
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from store.db import session_scope
from store.models import CodeRedemption, QuarantinedRecord, WebTraffic
from tests.dbutil import migrated_db
from ui.cli.app import app

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "campaign_quarter"
runner = CliRunner()
Z = 1.959963984540054  # the 97.5th percentile of the standard normal


@pytest.fixture(params=["sqlite", "postgresql"])
def quarter(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The fixture imported through the real commands, in this order: posts, comments, campaigns, traffic,
    codes; returns the database URL."""
    url = migrated_db(request, tmp_path, "quarter.db")
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    shutil.copytree(FIXTURE, tmp_path / "q")
    for kind, name in [
        ("posts", "posts.csv"),
        ("mentions", "comments.csv"),
        ("campaigns", "campaigns.csv"),
        ("traffic", "traffic.csv"),
        ("codes", "codes.csv"),
    ]:
        _invoke("import", kind, str(tmp_path / "q" / name))
    return url


def _invoke(*args: str) -> str:
    result = runner.invoke(app, [*args, "--config", str(Path("q") / "campaign_quarter.toml")])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.output


def _json(*args: str) -> dict:  # type: ignore[type-arg]
    return json.loads(_invoke(*args, "--json").strip().splitlines()[-1])


def _wilson(s: int, n: int) -> tuple[float, float]:
    """Wilson's interval written out again, in %: (p + z²/2n ± z √(p(1−p)/n + z²/4n²)) / (1 + z²/n)."""
    p = s / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return (centre - half) * 100, (centre + half) * 100


def test_attribution_imports_quarantine_and_are_idempotent(quarter: str) -> None:
    """traffic.csv: 6 rows, the one with Sessions "lots" quarantined (row 7, column sessions); codes.csv: 6
    rows, "not a date" quarantined (row 7, column date). A second import changes nothing."""
    with session_scope(quarter) as session:
        assert session.execute(select(func.count()).select_from(WebTraffic)).scalar_one() == 5
        assert session.execute(select(func.count()).select_from(CodeRedemption)).scalar_one() == 5
        reasons = sorted(r.reason for r in session.execute(select(QuarantinedRecord)).scalars())
        codes = {c for (c,) in session.execute(select(CodeRedemption.code))}
    assert any(r.startswith("row 7: column sessions") for r in reasons), reasons
    assert any(r.startswith("row 7: column date") for r in reasons), reasons
    assert codes == {"MINJI10", "HANA15", "ZZZ1"}  # minji10 and MINJI10 are one code, upper-cased
    out = _invoke("import", "traffic", str(Path("q") / "traffic.csv"))
    assert "6 rows, 5 stored, 1 quarantined" in out and "sessions" in out
    with session_scope(quarter) as session:
        assert session.execute(select(func.count()).select_from(WebTraffic)).scalar_one() == 5


def test_roi_per_influencer_from_traffic_and_codes(quarter: str) -> None:
    """Traffic (utm_campaign glow_spring_26 → Spring Glow; utm_content minji_reel → @minji, "hana" is @hana's
    handle): @minji 120 + 80 = 200 sessions, 6 + 4 = 10 conversions, 300 + 200 = 500 revenue; @hana 50
    sessions, 2 conversions, 90.50. The google/cpc row has no content: campaign only; other_campaign maps to
    nothing. Codes (MINJI → @minji in Spring Glow, HANA → @hana): MINJI10 3 + 2 orders, 150 + 130 = 280;
    HANA15 4 + 1 orders, 220 + 50 = 270 (its only campaign, though 20 March is after it); ZZZ1 no rule.

    @minji: conversions 10 + 5 = 15, revenue 500 + 280 = 780, cost 600 + 400 = 1000
            → ROI (780 − 1000) / 1000 × 100 = −22 %, ROAS 0.78; conversion rate 15 / (400 + 100) = 3 %
    @hana:  conversions 2 + 5 = 7, revenue 90.5 + 270 = 360.5, cost 300 + 200 = 500
            → ROI (360.5 − 500) / 500 × 100 = −27.9 %, ROAS 0.721; conversion rate 7 / 300 = 2.33 %
    (The campaign file's own conversions and revenue, 14 / 750 and 15 / 500, give way to these.)"""
    report = _json("kpi", "--brand", "Glow Lab")
    rows = {c["influencer"]: c for c in report["campaigns"]}
    minji, hana = rows["@minji"], rows["@hana"]
    assert minji["results_source"] == hana["results_source"] == "attributed"
    assert (minji["sessions"], minji["conversions"], minji["revenue"]) == (200, 15, pytest.approx(780.0))
    assert minji["roi"] == pytest.approx(-22.0) and minji["roas"] == pytest.approx(0.78)
    assert minji["conversion_rate"] == pytest.approx(3.0)
    assert (hana["sessions"], hana["conversions"], hana["revenue"]) == (50, 7, pytest.approx(360.5))
    assert hana["roi"] == pytest.approx(-27.9) and hana["roas"] == pytest.approx(0.721)
    assert hana["conversion_rate"] == pytest.approx(7 / 300 * 100)
    # QWE per influencer: 375 + 150 = 525 and 200 + 75 = 275.
    assert minji["qwe"] == pytest.approx(525.0) and hana["qwe"] == pytest.approx(275.0)
    # The google/cpc row tags the campaign only: a campaign-level row after the influencers', 30 sessions,
    # 1 conversion (1 / 30 = 3.33 % per session), 40.00 revenue, no cost and so no ROI or ROAS.
    assert [c["influencer"] for c in report["campaigns"]] == ["@hana", "@minji", None]
    level = report["campaigns"][-1]
    assert level["campaign_level"] is True and not minji["campaign_level"]
    assert (level["campaign"], level["sessions"], level["conversions"]) == ("Spring Glow", 30, 1)
    assert level["revenue"] == pytest.approx(40.0) and level["conversion_rate"] == pytest.approx(100 / 30)
    assert (level["cost"], level["roi"], level["roas"], level["cpe"]) == (0.0, None, None, None)
    table = _invoke("kpi", "--brand", "Glow Lab")
    assert "— (campaign-level traffic)" in table and "None" not in table
    # A period that leaves out 20 March drops HANA15's last redemption: 220 + 90.5 = 310.5.
    march = _json("kpi", "--brand", "Glow Lab", "--until", "2026-03-19")
    assert {c["influencer"]: c for c in march["campaigns"]}["@hana"]["revenue"] == pytest.approx(310.5)


def test_campaign_phases(quarter: str) -> None:
    """Windows as long as the campaign (14 days): before 18-31 Jan, during 1-14 Feb, after 15-28 Feb.

    before: Glow Lab 4 mentions (P 1, N 2, U 1), Aqua Veil 4 → SOV 4/8 = 50 %, net (1 − 2)/4 = −25,
            QW net −25 (every q = 1), QWE 0 (no posts).
    during: Glow Lab 9 non-spam comments + 1 forum mention = 10 (P 7, N 2, U 1; c4 is spam), Aqua Veil 2
            → SOV 10/12 = 83.33 %, net (7 − 2)/10 = 50;
            QW: Σq = 1+1+1+0 (spam) +1+0 (duplicate) +1+1+1+0.5 (low effort) +1 = 8.5,
                Σq·s = 1+1−1+1+1+0−1+0.5+1 = 3.5 → 3.5/8.5 × 100 = 41.18;
            QWE 375 + 150 + 200 + 75 = 800.
    after:  Glow Lab 6 (P 3, N 1, U 2), Aqua Veil 3 → SOV 6/9 = 66.67 %, net (3 − 1)/6 = 33.33, QW net 33.33.
    during − before: mentions +6 (+150 %), SOV +33.33 points, net +75, QW net +66.18, QWE +800.
    after − before:  mentions +2 (+50 %), SOV +16.67, net +58.33, QW net +58.33, QWE 0."""
    (result,) = _json("phases", "--brand", "Glow Lab")["campaigns"]
    assert (result["campaign"], result["starts_on"], result["ends_on"]) == (
        "Spring Glow",
        "2026-02-01",
        "2026-02-14",
    )
    phases = result["phases"]
    assert (phases["before"]["since"], phases["before"]["until"]) == ("2026-01-18", "2026-01-31")
    assert (phases["after"]["since"], phases["after"]["until"]) == ("2026-02-15", "2026-02-28")
    expected = {
        "before": (4, 50.0, -25.0, -25.0, 0.0),
        "during": (10, 1000 / 12, 50.0, 3.5 / 8.5 * 100, 800.0),
        "after": (6, 600 / 9, 100 / 3, 100 / 3, 0.0),
    }
    for name, (m, sov, ns, qwns, qwe) in expected.items():
        p = phases[name]
        got = (p["mentions"], p["sov"], p["net_sentiment"], p["qw_net_sentiment"], p["qwe"])
        assert got == pytest.approx((m, sov, ns, qwns, qwe)), name
    during = result["during_vs_before"]
    assert during["mentions"]["change"] == 6 and during["mentions"]["relative"] == pytest.approx(150.0)
    assert during["sov"]["change"] == pytest.approx(1000 / 12 - 50)
    assert during["net_sentiment"]["change"] == pytest.approx(75.0)
    assert during["qw_net_sentiment"]["change"] == pytest.approx(3.5 / 8.5 * 100 + 25)
    assert during["qwe"]["change"] == pytest.approx(800.0) and during["qwe"]["relative"] is None  # from 0
    after = result["after_vs_before"]
    assert after["mentions"]["relative"] == pytest.approx(50.0)
    assert after["net_sentiment"]["change"] == pytest.approx(100 / 3 + 25)
    # Fixed 7-day windows: before 25-31 Jan holds only g05 (U, 28 Jan; g04 is on the 24th): net 0 / 1 = 0.
    (short,) = _json("phases", "--brand", "Glow Lab", "--before-days", "7", "--after-days", "7")["campaigns"]
    assert short["phases"]["before"]["since"] == "2026-01-25"
    assert (short["phases"]["before"]["mentions"], short["phases"]["before"]["net_sentiment"]) == (1, 0.0)
    assert short["phases"]["after"]["until"] == "2026-02-21"


def test_ab_influencers_intervals_and_verdicts(quarter: str) -> None:
    """@minji (baseline) against @hana, 2 posts each.

    ER per post: P1 500/10,000 = 5 %, P2 300/10,000 = 3 % → mean 4; P3 200/5,000 = 4 %, P4 100/5,000 = 2 %
    → mean 3. QW-ER: minji 3.75, 1.5 (mean 2.625); hana 4, 1.5 (2.75). CPE = Σ cost / Σ E: minji 1000/800 =
    1.25, hana 500/300 = 1.667. These three are bootstrapped over posts, and 2 posts are too few (8 per
    group): a bootstrap of two posts only ever sees their two values and their mean, so its interval would
    be the two posts' values ([3, 5] and [2, 4] for ER) and it would call CPE's difference [0.167, 0.8]
    "significant" from 2 posts a side. No interval; the verdict says so, with the counts.
    CTR: minji 500 / 30,000, hana 300 / 12,000 (Wilson); conversion rate as kpi counts it (attributed
    conversions over the file's clicks, see test_roi_per_influencer_from_traffic_and_codes): minji 15 / 500,
    hana 7 / 300 (the file's own 14 / 500 and 15 / 300 give way)."""
    ab = _json("compare", "--brand", "Glow Lab", "--by", "influencer", "-g", "@minji", "-g", "@hana")
    assert (ab["seed"], ab["resamples"], ab["confidence"]) == (21, 2000, 0.95)
    groups = {g["group"]: g["estimates"] for g in ab["groups"]}
    minji, hana = groups["@minji"], groups["@hana"]
    assert (minji["er"]["value"], minji["er"]["low"], minji["er"]["high"]) == (pytest.approx(4.0), None, None)
    assert (hana["er"]["value"], hana["er"]["low"], hana["er"]["high"]) == (pytest.approx(3.0), None, None)
    assert (minji["qw_er"]["value"], hana["qw_er"]["value"]) == pytest.approx((2.625, 2.75))
    assert (minji["cpe"]["value"], hana["cpe"]["value"]) == pytest.approx((1.25, 500 / 300))
    assert minji["cpe"]["low"] is None and hana["qw_er"]["high"] is None and minji["er"]["n"] == 2
    # Wilson, by hand: CTR minji p = 500/30,000 = 1.667 %:
    # centre (0.016667 + 3.8415/60,000)/(1 + 3.8415/30,000) = 0.016729,
    # half 1.95971 × √(0.016389/30,000 + 1.07e-9) = 0.0014499 → [1.528, 1.818] %.
    assert (minji["ctr"]["low"], minji["ctr"]["high"]) == pytest.approx((1.528, 1.818), abs=5e-4)
    assert (minji["ctr"]["low"], minji["ctr"]["high"]) == pytest.approx(_wilson(500, 30_000))
    assert (hana["ctr"]["low"], hana["ctr"]["high"]) == pytest.approx(_wilson(300, 12_000))
    assert (minji["conversion_rate"]["value"], hana["conversion_rate"]["value"]) == pytest.approx(
        (3.0, 7 / 300 * 100)
    )
    assert (hana["conversion_rate"]["low"], hana["conversion_rate"]["high"]) == pytest.approx(_wilson(7, 300))
    comp = {c["metric"]: c for c in ab["comparisons"]}
    too_few = "too few posts to tell whether the difference is significant at 95 % (@minji 2, @hana 2; 8 per "
    assert comp["er"]["verdict"] == f"@minji's ER is higher; {too_few}group needed)."
    assert comp["qw_er"]["verdict"] == f"@hana's QW-ER is higher; {too_few}group needed)."
    assert comp["cpe"]["verdict"] == f"@hana's CPE is higher; {too_few}group needed)."
    for metric in ("er", "qw_er", "cpe"):
        assert (comp[metric]["low"], comp[metric]["high"], comp[metric]["significant"]) == (None, None, None)
    assert comp["er"]["difference"] == pytest.approx(-1.0)  # 3 − 4: the figures are still given
    # Newcombe for CTR hana − minji, from the two Wilson intervals: d = 2.5 − 1.667 = 0.833 points.
    (lm, um), (lh, uh) = _wilson(500, 30_000), _wilson(300, 12_000)
    pm, ph = 500 / 30_000 * 100, 300 / 12_000 * 100
    low = (ph - pm) - math.sqrt((ph - lh) ** 2 + (um - pm) ** 2)
    high = (ph - pm) + math.sqrt((uh - ph) ** 2 + (pm - lm) ** 2)
    assert (comp["ctr"]["low"], comp["ctr"]["high"]) == pytest.approx((low, high))
    assert (
        low > 0 and comp["ctr"]["verdict"] == "@hana's CTR is higher; the difference is significant at 95 %."
    )
    # The same seed gives the same intervals; the posting-time buckets are the influencers here (minji posts
    # at 10:00 UTC, hana at 18:30 and 19:00).
    again = _json("compare", "--brand", "Glow Lab", "--by", "influencer", "-g", "@minji", "-g", "@hana")
    assert again == ab
    hours = _json("compare", "--brand", "Glow Lab", "--by", "hour")
    assert [g["group"] for g in hours["groups"]] == ["06–12", "18–24"]
    assert (
        hours["comparisons"][0]["low"] is None and "(06–12 2, 18–24 2;" in hours["comparisons"][0]["verdict"]
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An empty database and the fixture's configuration, no data imported."""
    url = migrated_db(request, tmp_path, "tz.db")
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    shutil.copytree(FIXTURE, tmp_path / "q")
    return url


def test_campaign_dates_east_of_utc_stay_their_calendar_days(empty_db: str, tmp_path: Path) -> None:
    """Imported with --tz Asia/Ho_Chi_Minh (UTC+7). "Spring Glow" gives dates alone, 2026-02-01 to
    2026-02-14: those calendar days, not 2026-01-31T17:00Z (local midnight in UTC, whose UTC date is the day
    before). "Night Launch" gives times: 2026-03-01 06:00 +07 = 2026-02-28 23:00Z and 2026-03-03 23:00 +07 =
    2026-03-03 16:00Z: a time keeps its zone conversion, so it runs 28 February - 3 March (4 days).

    Windows as long as the campaign: Spring Glow 14 days → before 18-31 Jan, after 15-28 Feb;
    Night Launch 4 days → before 24-27 Feb, after 4-7 Mar."""
    (tmp_path / "c.csv").write_text(
        "campaign,brand,influencer,platform,post_external_id,cost,currency,start,end\n"
        "Spring Glow,Glow Lab,@minji,instagram,P1,600,USD,2026-02-01,2026-02-14\n"
        "Night Launch,Glow Lab,@hana,instagram,P9,100,USD,2026-03-01 06:00,2026-03-03 23:00\n",
        encoding="utf-8",
    )
    _invoke("import", "campaigns", str(tmp_path / "c.csv"), "--tz", "Asia/Ho_Chi_Minh")
    found = {c["campaign"]: c for c in _json("phases", "--brand", "Glow Lab")["campaigns"]}
    spring, night = found["Spring Glow"], found["Night Launch"]
    assert (spring["starts_on"], spring["ends_on"]) == ("2026-02-01", "2026-02-14")
    assert (spring["phases"]["before"]["since"], spring["phases"]["before"]["until"]) == (
        "2026-01-18",
        "2026-01-31",
    )
    assert (spring["phases"]["after"]["since"], spring["phases"]["after"]["until"]) == (
        "2026-02-15",
        "2026-02-28",
    )
    assert (night["starts_on"], night["ends_on"]) == ("2026-02-28", "2026-03-03")
    assert night["phases"]["before"]["since"] == "2026-02-24"
    assert night["phases"]["after"]["until"] == "2026-03-07"


def test_ab_hour_buckets_wrap_past_midnight(quarter: str) -> None:
    """--hours 6,12,18: the buckets are 06-12, 12-18 and 18-06 (18:00 to 06:00 the next morning, so it holds
    03:00 too). minji posts at 10:00 UTC (06–12), hana at 18:30 and 19:00 (18–06), [ui] timezone UTC."""
    from store.kpi.ab import hour_bucket

    assert [hour_bucket(h, [6, 12, 18]) for h in (3, 6, 13, 18, 23)] == [
        "18–06",
        "06–12",
        "12–18",
        "18–06",
        "18–06",
    ]
    assert hour_bucket(23) == "18–24"  # a 0 start: the last bucket ends at midnight
    hours = _json("compare", "--brand", "Glow Lab", "--by", "hour", "--hours", "6,12,18")
    assert [(g["group"], g["posts"]) for g in hours["groups"]] == [("06–12", 2), ("18–06", 2)]


def test_phases_of_an_unknown_brand_fails_like_compare(empty_db: str) -> None:
    """A misspelt brand is an error (exit 2, naming the known brands), not "no campaign"."""
    for command in ("phases", "compare"):
        extra = ["--by", "influencer"] if command == "compare" else []
        result = runner.invoke(
            app, [command, "--brand", "Nope", *extra, "--config", str(Path("q") / "campaign_quarter.toml")]
        )
        assert result.exit_code == 2, (command, result.output)
        assert "unknown brand 'Nope'" in result.output and "no campaign" not in result.output


def test_phases_table_shows_markup_in_a_campaign_name_as_written(empty_db: str, tmp_path: Path) -> None:
    """A campaign named "Spring [bold]Sale[/bold]": Rich would read the brackets as markup and print
    "Spring Sale"; the table's title shows the name as the file gives it."""
    (tmp_path / "c.csv").write_text(
        "campaign,brand,influencer,platform,post_external_id,cost,currency,start,end\n"
        "Spring [bold]Sale[/bold],Glow Lab,@minji,instagram,P1,600,USD,2026-02-01,2026-02-14\n",
        encoding="utf-8",
    )
    _invoke("import", "campaigns", str(tmp_path / "c.csv"))
    out = _invoke("phases", "--brand", "Glow Lab")
    assert "Spring [bold]Sale[/bold] (2026-02-01 – 2026-02-14)" in out, out


def test_ab_cpe_never_adds_or_compares_costs_in_different_currencies(quarter: str, tmp_path: Path) -> None:
    """A second campaign, "Autumn Glow", paid in KRW: @yuna on P3 (E 200) for 150,000 KRW, and @minji on P1
    (E 500) for 700,000 KRW. @minji's posts are then paid in USD (P1 600, P2 400) and KRW (P1 700,000):
    Σ cost 701,000 / Σ E 1,300 would mix dollars and won, so @minji has no CPE. @hana (USD, 1.667) against
    @yuna (KRW, 150,000 / 200 = 750): each has a CPE, but they are not compared."""
    (tmp_path / "autumn.csv").write_text(
        "campaign,brand,influencer,platform,post_external_id,cost,currency\n"
        "Autumn Glow,Glow Lab,@yuna,instagram,P3,150000,KRW\n"
        "Autumn Glow,Glow Lab,@minji,instagram,P1,700000,KRW\n",
        encoding="utf-8",
    )
    _invoke("import", "campaigns", str(tmp_path / "autumn.csv"))
    ab = _json("compare", "--brand", "Glow Lab", "--by", "influencer", "-g", "@hana", "-g", "@yuna")
    groups = {g["group"]: g for g in ab["groups"]}
    assert groups["@hana"]["estimates"]["cpe"]["value"] == pytest.approx(500 / 300)
    assert groups["@yuna"]["estimates"]["cpe"]["value"] == pytest.approx(750.0)
    assert (groups["@hana"]["currency"], groups["@yuna"]["currency"]) == ("USD", "KRW")
    (cpe,) = [c for c in ab["comparisons"] if c["metric"] == "cpe"]
    assert (cpe["difference"], cpe["low"], cpe["significant"]) == (None, None, None)
    assert cpe["verdict"] == "No CPE comparison: costs are in different currencies (@hana USD, @yuna KRW)."
    mixed = _json("compare", "--brand", "Glow Lab", "--by", "influencer", "-g", "@minji", "-g", "@hana")
    minji = next(g for g in mixed["groups"] if g["group"] == "@minji")
    assert (minji["posts"], minji["currency"], minji["estimates"]["cpe"]["value"]) == (3, None, None)
    (cpe,) = [c for c in mixed["comparisons"] if c["metric"] == "cpe"]
    assert cpe["verdict"] == "No CPE for @minji: costs are in different currencies (KRW, USD)."


def test_ab_conversion_rate_is_kpis(quarter: str) -> None:
    """One conversion rate per influencer: compare --by influencer gives kpi's (attributed conversions over
    the file's clicks: @minji 15 / 500 = 3 %, @hana 7 / 300 = 2.33 %), source "attributed". Attribution is per
    (campaign, influencer), not per post: by post each group holds one of a pair's two posts, so the file's
    per-post counts stay (P1 10 / 400 = 2.5 %, P4 3 / 60 = 5 %), source "file"."""
    kpi = {c["influencer"]: c for c in _json("kpi", "--brand", "Glow Lab")["campaigns"]}
    ab = _json("compare", "--brand", "Glow Lab", "--by", "influencer")
    for g in ab["groups"]:
        assert g["estimates"]["conversion_rate"]["value"] == pytest.approx(kpi[g["group"]]["conversion_rate"])
        assert g["conversions_source"] == "attributed"
    assert [g["estimates"]["conversion_rate"]["n"] for g in ab["groups"]] == [300, 500]  # @hana, @minji
    posts = {g["group"]: g for g in _json("compare", "--brand", "Glow Lab", "--by", "post")["groups"]}
    assert posts["P1"]["estimates"]["conversion_rate"]["value"] == pytest.approx(2.5)
    assert posts["P4"]["estimates"]["conversion_rate"]["value"] == pytest.approx(5.0)
    assert {g["conversions_source"] for g in posts.values()} == {"file"}
