"""Made-up business data of the demo's own brand, Glow Lab, about posts the sample site serves: the files a
brand's team would import next to its crawls (no real people, brands, money or traffic).

- ``posts.csv`` (``brandpulse import posts``): the follower count of each sample post's author at posting.
  None of the three sample sources shows one to the spiders (PTT has no followers; VnExpress and Naver news
  print a byline the parsers do not read), so the followers come as a platform export would bring them. The
  rows repeat the counts the site shows (PTT's 推 pushes, the comment totals): an import replaces a post's
  counts, and the crawl's must stay as they are.
- ``campaigns.csv`` (``import campaigns``): three campaigns, one platform and one currency each, around the
  site's Glow Lab posts, so each has mentions before, during and after it.
- ``traffic.csv`` (``import traffic``, GA4-style) and ``codes.csv`` (``import codes``): what the Vietnam
  launch's UTM links and the anniversary sale's promo code brought; ``ATTRIBUTION`` maps them in the demo's
  configuration. The Korea launch keeps the conversions and revenue of the campaign file.

Like the site's content, every date is an offset from the site's clock (``SamplePages.now``), so the demo
always shows the last ~30 days.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from crawler.sample_site import data
from crawler.sample_site.data import SamplePost
from crawler.sample_site.ptt import PttPages

DEMO_BRAND = "Glow Lab"


@dataclass(frozen=True)
class DemoCampaign:
    """One campaign post with the campaign file's figures; its days are offsets from the post's UTC day."""

    name: str
    platform: str  # as the spiders name it: ptt | vnexpress | naver_news
    post_key: str  # the sample post's key (data.py)
    influencer: str
    currency: str
    cost: int
    impressions: int
    clicks: int
    conversions: int
    revenue: int
    first_day: int
    last_day: int


# Each campaign's span is placed so that the windows `brandpulse phases` compares (as long as the campaign,
# right before and right after it) each hold the site's Glow Lab mentions, whatever hour the demo runs at.
CAMPAIGNS = (
    DemoCampaign("Vietnam launch", "vnexpress", "4900001", "Minh An", "VND",
                 60_000_000, 150_000, 2_400, 30, 45_000_000, 0, 2),
    DemoCampaign("Korea launch", "naver_news", "015/0004900001", "김가상 기자", "KRW",
                 4_000_000, 320_000, 6_400, 160, 7_200_000, -3, 3),
    DemoCampaign("Anniversary sale", "ptt", "5E5", "deal_hunter", "TWD",
                 15_000, 42_000, 1_260, 50, 40_000, -4, 2),
)  # fmt: skip

# The author's followers when the post went up. Minh An and Thanh Hà wrote two articles more than a week
# apart, so their follower growth shows.
FOLLOWERS_AT_POSTING: dict[tuple[str, str], int] = {
    ("ptt", "1A3"): 2_400,
    ("ptt", "2B6"): 860,
    ("ptt", "3C9"): 5_200,
    ("ptt", "4D2"): 1_300,
    ("ptt", "5E5"): 18_500,
    ("ptt", "6F8"): 640,
    ("ptt", "7A1"): 3_100,
    ("ptt", "8B4"): 950,
    ("vnexpress", "4900001"): 41_000,
    ("vnexpress", "4900002"): 27_500,
    ("vnexpress", "4900003"): 42_600,
    ("vnexpress", "4900004"): 28_100,
    ("naver_news", "015/0004900001"): 12_800,
    ("naver_news", "009/0005300002"): 9_400,
    ("naver_news", "421/0007400003"): 15_100,
}


@dataclass(frozen=True)
class TrafficDay:
    """A GA4 row: a day (offset from the campaign's first day) of one UTM-tagged link."""

    campaign: str  # utm_campaign
    content: str  # utm_content ("": a link tagged with the campaign only)
    source: str
    medium: str
    day: int
    sessions: int
    conversions: int
    revenue: int


@dataclass(frozen=True)
class CodeDay:
    """Orders with a promo code on a day (offset from the campaign's first day)."""

    code: str
    day: int
    orders: int
    revenue: int


@dataclass(frozen=True)
class Attribution:
    """The ``[campaigns]`` mapping the traffic and codes files need (rendered into the demo's config)."""

    utm_campaign: dict[str, str]
    utm_content: dict[str, str]
    codes: tuple[tuple[str, str, str], ...]  # (prefix, influencer, campaign)


ATTRIBUTION = Attribution(
    utm_campaign={"glowlab_vn_launch": "Vietnam launch"},
    utm_content={"minhan_review": "Minh An"},
    codes=(("DEALHUNTER", "deal_hunter", "Anniversary sale"),),
)
TRAFFIC = (
    TrafficDay("glowlab_vn_launch", "minhan_review", "vnexpress", "article", 0, 900, 12, 18_000_000),
    TrafficDay("glowlab_vn_launch", "minhan_review", "vnexpress", "article", 1, 600, 9, 13_500_000),
    TrafficDay("glowlab_vn_launch", "minhan_review", "vnexpress", "article", 2, 300, 5, 7_500_000),
    # A search ad of the same campaign: no influencer's link, so it stays at the campaign.
    TrafficDay("glowlab_vn_launch", "", "google", "cpc", 1, 400, 4, 6_000_000),
)
CODES = (  # 1,024 TWD: the serum's sale price in the sale's PTT post
    CodeDay("DEALHUNTER20", 4, 21, 21_504),
    CodeDay("DEALHUNTER20", 5, 14, 14_336),
    CodeDay("DEALHUNTER20", 6, 7, 7_168),
)

# Target markets (audience fit): commenters' languages; regions only where a source gives them (none of the
# sample sources does, so region fit stays empty).
MARKETS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Glow Lab": (("zh", "vi", "ko"), ("TW", "VN", "KR")),
    "Aqua Veil": (("vi", "ko", "en"), ("VN", "KR")),
    "Petal Theory": (("zh", "en"), ("TW",)),
}


@dataclass(frozen=True)
class DemoFiles:
    posts: Path
    campaigns: Path
    traffic: Path
    codes: Path


class DemoData:
    """The demo's files for a site whose clock reads ``now``."""

    def __init__(self, now: datetime) -> None:
        self.pages = PttPages(now)

    def post(self, platform: str, key: str) -> SamplePost:
        return next(p for p in data.SITES[platform] if p.key == key)

    def external_id(self, platform: str, post: SamplePost) -> str:
        """The id the spider stores: PTT's embeds the post time; the others are the site's keys."""
        return self.pages.ptt_id(post) if platform == "ptt" else post.key

    def post_day(self, campaign: DemoCampaign) -> date:
        return self.pages.post_time(self.post(campaign.platform, campaign.post_key)).date()

    def span(self, campaign: DemoCampaign) -> tuple[date, date]:
        """The campaign's first and last day (UTC)."""
        day = self.post_day(campaign)
        return day + timedelta(days=campaign.first_day), day + timedelta(days=campaign.last_day)

    def post_rows(self) -> list[dict[str, object]]:
        """One row per sample post, oldest first (an author's latest count is the last one imported)."""
        rows = []
        for (platform, key), followers in FOLLOWERS_AT_POSTING.items():
            post = self.post(platform, key)
            pushes = sum(c.tag == "推" for c in post.comments) if platform == "ptt" else 0
            rows.append(
                {
                    "platform": platform,
                    "external_id": self.external_id(platform, post),
                    "author": author_handle(platform, post),
                    "author_followers": followers,
                    "published_at": self.pages.post_time(post).isoformat(),
                    "likes": pushes,  # PTT's likes are its 推 pushes; the news sites show none
                    "comments": len(post.comments),
                }
            )
        return sorted(rows, key=lambda r: str(r["published_at"]))

    def campaign_rows(self) -> list[dict[str, object]]:
        rows = []
        for c in CAMPAIGNS:
            start, end = self.span(c)
            rows.append(
                {
                    "campaign": c.name,
                    "brand": DEMO_BRAND,
                    "influencer": c.influencer,
                    "platform": c.platform,
                    "post_external_id": self.external_id(c.platform, self.post(c.platform, c.post_key)),
                    "cost": c.cost,
                    "currency": c.currency,
                    "impressions": c.impressions,
                    "clicks": c.clicks,
                    "conversions": c.conversions,
                    "revenue": c.revenue,
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                }
            )
        return rows

    def traffic_rows(self) -> list[dict[str, object]]:
        start = self.span(_campaign(ATTRIBUTION.utm_campaign["glowlab_vn_launch"]))[0]
        return [
            {
                "date": (start + timedelta(days=t.day)).isoformat(),
                "utm_source": t.source,
                "utm_medium": t.medium,
                "utm_campaign": t.campaign,
                "utm_content": t.content,
                "sessions": t.sessions,
                "conversions": t.conversions,
                "revenue": t.revenue,
            }
            for t in TRAFFIC
        ]

    def code_rows(self) -> list[dict[str, object]]:
        start = self.span(_campaign(ATTRIBUTION.codes[0][2]))[0]
        return [
            {"code": k.code, "date": (start + timedelta(days=k.day)).isoformat(), "orders": k.orders,
             "revenue": k.revenue}
            for k in CODES
        ]  # fmt: skip

    def write(self, folder: Path) -> DemoFiles:
        """Write the four files into ``folder`` (created if missing) as UTF-8 CSV."""
        folder.mkdir(parents=True, exist_ok=True)
        files = DemoFiles(*(folder / f"{name}.csv" for name in ("posts", "campaigns", "traffic", "codes")))
        _write_csv(files.posts, self.post_rows())
        _write_csv(files.campaigns, self.campaign_rows())
        _write_csv(files.traffic, self.traffic_rows())
        _write_csv(files.codes, self.code_rows())
        return files


def author_handle(platform: str, post: SamplePost) -> str:
    """The author as the spiders store it: PTT's "id (nickname)" is the id."""
    return post.author.split(" (")[0] if platform == "ptt" else post.author


def _campaign(name: str) -> DemoCampaign:
    return next(c for c in CAMPAIGNS if c.name == name)


def _write_csv(path: Path, rows: list[dict[str, object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
