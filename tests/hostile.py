"""Hostile names and texts for the dashboard's injection tests (AppTest and headless Chromium).

``seed_hostile_db(url)`` adds, next to whatever is stored, brands, authors, sources (platforms and crawl
spiders), a campaign, its post and mention texts made of markup: ``<img>``/``<script>``/``<iframe>``/``<svg>``
tags with ``onerror``/``onload`` handlers, ``<style>`` and ``<meta refresh>``, Markdown images and links to an
outside host, ``javascript:`` links, Streamlit's colour and LaTeX syntax, RTL overrides and zero-width
characters, and seven 100,000-character comments. Every outside URL points at ``OUTSIDE_HOST`` (a
reserved name that never resolves), so a browser that fetches one shows up in a request log. The hostile
brand also gets a volume and negative-share spike in the last 24 h, so its mentions are the Alerts page's
drivers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from crawler.items import MentionItem, PostItem
from store import repo
from store.db import ensure_schema, session_scope

OUTSIDE_HOST = "outside.test"
_O = f"http://{OUTSIDE_HOST}"

# Brand names: one HTML tag, one Markdown image + javascript: link, one with an RTL override and zero-widths.
BRAND_IMG = f"<img src={_O}/brand.png onerror=\"alert('brand')\">"
BRAND_MD = f"![logo]({_O}/brand-md.png) [gift](javascript:alert('brand-md')) **Lab**"
BRAND_RTL = "\u202eLab\u200b Glow\u200f <svg onload=alert('brand-rtl')>"
HOSTILE_BRANDS = (BRAND_IMG, BRAND_MD, BRAND_RTL)

AUTHORS = (
    f'<iframe src="{_O}/author.html" onload="alert(\'author\')"></iframe>',
    "<script>alert('author')</script>",
    f"[@support]({_O}/author-link)",
    "\u202egnp.exe\u200b\u2066admin",
)
PLATFORM = f"<style>*{{background:url({_O}/platform.png)}}</style>"
PLATFORM_MD = f"![p]({_O}/platform-md.png)"
SPIDER_ZERO = f"<img src={_O}/spider.png onerror=alert('spider')>"
SPIDER_WARN = f'<meta http-equiv="refresh" content="0;url={_O}/meta">'
FAILED_CHECK_DETAIL = f"![check]({_O}/check.png) <img src={_O}/check2.png>"
CAMPAIGN = f"<img src={_O}/campaign.png onerror=alert('campaign')> ![c]({_O}/campaign-md.png)"
INFLUENCER = f"<svg onload=alert('influencer')><image href=\"{_O}/influencer.png\"/></svg>"
POST_TITLE = f"[post]({_O}/post) <iframe src={_O}/post.html></iframe>"
POST_ID = "hostile-post-1"

TEXTS = (
    f"<img src={_O}/text.png onerror=\"alert('img')\">",
    "<script>alert('script')</script>",
    f'<iframe src="{_O}/text.html"></iframe>',
    "<svg onload=alert('svg')><circle r=9 /></svg>",
    f"![pic]({_O}/text-md.png) and ![ref][1]\n\n[1]: {_O}/text-ref.png",
    f"[click me]({_O}/text-link) [js](javascript:alert('md-link')) <{_O}/autolink> www.{OUTSIDE_HOST}/x",
    "<a href=\"javascript:alert('a')\">free gift</a>",
    f"<style>@import url({_O}/text.css); body {{ background: url({_O}/bg.png) }}</style>",
    f'<link rel="stylesheet" href="{_O}/link.css"><meta http-equiv="refresh" content="0;url={_O}/m">',
    f"<video poster={_O}/poster.png></video><object data={_O}/obj></object><embed src={_O}/embed>",
    f":red[colour] :material/warning: $\\href{{{_O}/tex}}{{x}}$ $$\\textcolor{{red}}{{y}}$$",
    f"&lt;img src={_O}/entity.png&gt; &#60;script&#62;alert('entity')&#60;/script&#62;",
    "\u202eterces\u200b\u200c\u200d\u2060\ufeff \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
)
LONG_TEXT_CHARS = 100_000
LONG_TEXTS = 7
# A mention's text as the page must show it (the first TEXT is a marker tests look for).
MARKER = TEXTS[0]


def long_text(i: int) -> str:
    """A 100,000-character comment: markup and words, so a truncation cannot hide a payload's effect."""
    unit = f"long {i} <img src={_O}/long{i}.png> ![l]({_O}/long{i}-md.png) \u202eword\u200b "
    return (unit * (LONG_TEXT_CHARS // len(unit) + 1))[:LONG_TEXT_CHARS]


def seed_hostile_db(url: str, now: datetime | None = None) -> dict[str, Any]:
    """Write the hostile records at ``url`` (schema created if needed); returns what the tests look for."""
    ensure_schema(url)
    now = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
    d, h, m = timedelta(days=1), timedelta(hours=1), timedelta(minutes=1)
    items: list[MentionItem] = []

    def add(key: str, text: str, when: datetime, **kw: Any) -> None:
        kw.setdefault("platform", PLATFORM)
        kw.setdefault("brands", [BRAND_IMG])
        kw.setdefault("sentiment", "negative")
        items.append(
            MentionItem(
                external_id=key, text=text, published_at=when, lang="en", spam_score=0.0, replies=0, **kw
            )
        )

    # Baseline: two neutral mentions a day for the 7 days before the last 24 h (for the spike).
    for day in range(1, 8):
        for j in range(2):
            add(
                f"base-{day}-{j}",
                f"baseline {day} {j}",
                now - day * d - (j + 5) * m,
                sentiment="neutral",
                author=AUTHORS[j % len(AUTHORS)],
                likes=0,
            )
    # The last 24 h: every payload (the most engaged, so they lead the alerts), by every hostile author,
    # on both hostile platforms and brands; then the long comments.
    for i, text in enumerate(TEXTS):
        add(
            f"text-{i}",
            text,
            now - (i + 5) * m,
            author=AUTHORS[i % len(AUTHORS)],
            likes=1000 - i,
            url=f"https://www.example.com/hostile/{i}" if i % 2 else "javascript:alert('url')",
            brands=[HOSTILE_BRANDS[i % 3]],
            platform=PLATFORM if i % 2 else PLATFORM_MD,
        )
    for i in range(LONG_TEXTS):
        add(f"long-{i}", long_text(i), now - (30 + i) * m, author=AUTHORS[i % len(AUTHORS)], likes=i)
    # Comments under the campaign post (the Campaigns page's drill-down), hostile too.
    for i, text in enumerate(TEXTS[:4]):
        add(f"comment-{i}", text, now - 2 * h - i * m, author=AUTHORS[i], likes=1, post_external_id=POST_ID)

    post = PostItem(
        PLATFORM,
        POST_ID,
        url="https://www.example.com/hostile-post",
        title=POST_TITLE,
        author=INFLUENCER,
        author_followers=1000,
        published_at=now - 3 * h,
        likes=100,
        comments=4,
        shares=1,
        saves=0,
    )
    health = {
        "brandpulse/health": {
            "status": "warning",
            "checks": [{"name": SPIDER_WARN, "ok": False, "detail": FAILED_CHECK_DETAIL}],
        }
    }
    with session_scope(url) as session:
        repo.sync_brands(
            session,
            brands=[repo.BrandSpec(b, f'"hostile {i}"', "skincare") for i, b in enumerate(HOSTILE_BRANDS)],
        )
        post_ids = repo.upsert_posts(session, posts=[post])
        ids = repo.upsert_mentions(session, mentions=items, post_ids_by_key=post_ids)
        repo.upsert_campaigns(
            session,
            rows=[
                repo.CampaignRow(
                    CAMPAIGN,
                    BRAND_IMG,
                    INFLUENCER,
                    PLATFORM,
                    POST_ID,
                    None,
                    cost=100.0,
                    currency="<b>USD</b>",
                    impressions=1000,
                    clicks=10,
                    conversions=1,
                    revenue=50.0,
                    starts_on=now - 2 * d,
                    ends_on=now + d,
                )
            ],
        )
        zero = repo.start_crawl_run(session, spider=SPIDER_ZERO)
        repo.finish_crawl_run(session, run_id=zero, items=0, quarantined=0, errors=1)
        warn = repo.start_crawl_run(session, spider=SPIDER_WARN)
        repo.quarantine(
            session,
            source=SPIDER_WARN,
            reason=f"{FAILED_CHECK_DETAIL}: bad",
            payload={"x": 1},
            crawl_run_id=warn,
        )
        repo.finish_crawl_run(session, run_id=warn, items=5, quarantined=1, errors=0, stats=health)
    return {
        "url": url,
        "brands": list(HOSTILE_BRANDS),
        "mention_ids": ids,
        "long_ids": [ids[f"{PLATFORM}:long-{i}"] for i in range(LONG_TEXTS)],
    }
