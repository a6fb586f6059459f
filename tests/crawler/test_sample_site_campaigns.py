"""The demo's made-up business files (``crawler.sample_site.campaigns``): their campaigns sit where the sample
site's Glow Lab comments give each phase something to compare, whatever hour the demo runs at, and the real
importers load them whole, with the figures worked out by hand below."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.sample_site import data
from crawler.sample_site.campaigns import CAMPAIGNS, DEMO_BRAND, DemoData
from nlp.match import BrandQuery
from store import repo
from store.db import ensure_schema, session_scope
from store.kpi.campaigns import campaign_performance
from store.kpi.phases import CampaignSpan, phase_windows
from ui.cli.admin import DEMO_BRANDS, demo_config
from ui.cli.demo_data import import_demo_files
from ui.config import load_config

# Anchors at every few hours of a day, and at a month's end: a window's edges fall on UTC days.
ANCHORS = [datetime(2026, 3, 15, h, tzinfo=UTC) for h in range(0, 24, 3)] + [
    datetime(2026, 12, 31, 23, tzinfo=UTC)
]


def _glow_lab_comment_days(demo: DemoData) -> list:
    """UTC days of the sample comments that name Glow Lab by their own text."""
    query = BrandQuery.parse(dict((n, q) for n, q, _ in DEMO_BRANDS)[DEMO_BRAND])
    return [
        demo.pages.comment_time(post, comment).date()
        for posts in data.SITES.values()
        for post in posts
        for comment in data.flatten(post.comments)
        if query.matches(comment.text)
    ]


@pytest.mark.parametrize("now", ANCHORS, ids=lambda d: d.strftime("%m-%d_%H"))
def test_every_campaign_has_glow_lab_comments_before_during_and_after(now: datetime) -> None:
    demo = DemoData(now)
    days = _glow_lab_comment_days(demo)
    for campaign in CAMPAIGNS:
        start, end = demo.span(campaign)
        assert start <= demo.post_day(campaign) <= end
        windows = phase_windows(CampaignSpan(campaign.name, start, end))
        for phase, window in windows.items():
            assert window.since and window.until
            inside = [d for d in days if window.since <= d <= window.until]
            assert inside, f"{campaign.name}: no Glow Lab comment {phase} ({window})"


def test_the_files_point_at_the_posts_the_site_serves() -> None:
    now = datetime(2026, 3, 15, 9, tzinfo=UTC)
    demo = DemoData(now)
    posts = {(r["platform"], r["external_id"]): r for r in demo.post_rows()}
    assert len(posts) == sum(len(p) for p in data.SITES.values())  # every sample post, once
    # PTT ids embed the post time, as the site serves them (5E5 went up 12.4 days before `now`).
    sale = next(r for r in demo.campaign_rows() if r["platform"] == "ptt")
    when = now - timedelta(days=12.4)
    assert sale["post_external_id"] == f"M.{int(when.timestamp())}.A.5E5"
    assert (sale["start"], sale["end"]) == ("2026-02-26", "2026-03-04")  # posted 03-02 23:24 UTC
    for row in demo.campaign_rows():
        assert (row["platform"], row["post_external_id"]) in posts
    assert (
        posts[("ptt", sale["post_external_id"])]["author"] == "deal_hunter"
    )  # "deal_hunter (撿便宜)" on PTT
    assert posts[("ptt", sale["post_external_id"])]["likes"] == 6  # its 推 pushes


def test_the_demo_configuration_loads_with_markets_and_the_mapping(tmp_path: Path) -> None:
    path = tmp_path / "brandpulse.toml"
    path.write_text(demo_config("sqlite:///demo.db"), encoding="utf-8")
    cfg = load_config(path)
    glow = next(b for b in cfg.brands if b.name == DEMO_BRAND)
    assert (glow.markets, glow.regions) == (["zh", "vi", "ko"], ["TW", "VN", "KR"])
    rules = cfg.campaigns.rules()
    assert rules.utm_campaign == (("glowlab_vn_launch", "Vietnam launch"),)
    assert rules.utm_content == (("minhan_review", "Minh An"),)
    assert [(r.prefix, r.influencer, r.campaign) for r in rules.codes] == [
        ("DEALHUNTER", "deal_hunter", "Anniversary sale")
    ]


def test_the_real_importers_load_every_row_and_give_the_hand_worked_returns(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    ensure_schema(url)
    with session_scope(url) as s:
        repo.sync_brands(s, brands=[repo.BrandSpec(*b) for b in DEMO_BRANDS])
    results = import_demo_files(url, tmp_path / "files", datetime(2026, 3, 15, 9, tzinfo=UTC))
    assert [(r.kind, r.rows, r.stored, r.quarantined) for r in results] == [
        ("posts", 15, 15, 0),
        ("campaigns", 3, 3, 0),
        ("traffic", 4, 4, 0),
        ("codes", 3, 3, 0),
    ]
    path = tmp_path / "brandpulse.toml"
    path.write_text(demo_config(url), encoding="utf-8")
    rules = load_config(path).campaigns.rules()
    with session_scope(url) as s:
        rows = {
            (r.campaign, r.influencer): r
            for r in campaign_performance(s, brand=DEMO_BRAND, attribution=rules)
        }
    # Anniversary sale: the codes' 21 + 14 + 7 orders at 1,024 TWD replace the file's 50 and 40,000 TWD.
    sale = rows[("Anniversary sale", "deal_hunter")]
    assert (sale.currency, sale.conversions, sale.revenue) == ("TWD", 42, 43_008)
    assert sale.roi == pytest.approx((43_008 - 15_000) / 15_000 * 100)  # 186.72 %
    # Vietnam launch: Minh An's UTM link brought 900 + 600 + 300 sessions, 26 orders, 39M VND.
    launch = rows[("Vietnam launch", "Minh An")]
    assert (launch.sessions, launch.conversions, launch.revenue) == (1_800, 26, 39_000_000)
    assert launch.roi == pytest.approx(-35.0) and launch.results_source == "attributed"
    assert launch.followers == 42_600  # her latest count, from the later of her two articles
    # The search ad stays at the campaign: no cost, so no ROI.
    ad = rows[("Vietnam launch", None)]
    assert (ad.sessions, ad.conversions, ad.roi) == (400, 4, None)
    # Korea launch: nothing attributed, the file's figures.
    korea = rows[("Korea launch", "김가상 기자")]
    assert (korea.results_source, korea.conversions, korea.roi) == ("file", 160, pytest.approx(80.0))
