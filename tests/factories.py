"""A small, deterministic brandpulse database for UI and end-to-end tests, written through the store.

``seed_demo_db(url)`` creates the schema and stores three skincare brands, three posts (PTT, VnExpress),
20 mentions in Traditional Chinese, Vietnamese, Korean and English with labels, triage states, crawl runs
(one source whose last run stored zero items) and a quarantined record. Times are relative to now, so the
sidebar's default 30-day period holds the recent data; every count below is fixed.

Voice in the last 30 days (the KPIS.md worked example): Glow Lab has 6 non-spam mentions (4 P, 1 N, 1 U)
and 2 spam; Aqua Veil 4 non-spam (1 P, 2 N, 1 U) and 1 spam; Petal Theory's two mentions are 45 and 50 days
old. SOV Glow Lab = 6 / 10 = 60 %, net sentiment +50, spam rate 25 %. Over all time Glow Lab has 7 (an old,
resolved complaint), so SOV = 7 / 13.

Glow Lab's PTT post: E = 80 likes + 10 comments + 10 shares = 100; its 5 stored comments weigh
1 + 1 + 0.05 (spam p = 0.95) + 0 (duplicate of that spam) + 0.5 (low-effort "+1") = 2.55, so s = 0.51,
QWE = 51 and inflation 1.96. Aqua Veil's VnExpress article: E = 50; comments weigh 1 + 1 + 0.05 = 2.05 of 3,
QWE = 50 × 2.05 / 3 = 34.17.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from crawler.items import MentionItem, PostItem
from nlp.quality import is_low_effort, text_hash
from store import repo
from store.db import ensure_schema, session_scope

GLOW, AQUA, PETAL = "Glow Lab", "Aqua Veil", "Petal Theory"
NEGATIVE_TEXT = "Glow Lab serum gave me a rash 過敏"
HTML_LOOKING_TEXT = "Aqua Veil làm da tôi bị nổi mụn <b>tệ</b>"
UNSAFE_URL = "javascript:alert(1)"
SPAM_TEXT = "加LINE領 Glow Lab 免費試用 團購價 line.me/abc"

BRANDS = (
    repo.BrandSpec(GLOW, '"glow lab" OR glowlab OR 글로우랩 OR 光澤實驗室', "skincare"),
    repo.BrandSpec(AQUA, '"aqua veil" OR aquaveil OR 아쿠아베일 OR 水紗', "skincare"),
    repo.BrandSpec(PETAL, '"petal theory" OR 페탈띠어리 OR 花瓣理論', "skincare"),
)

# Label probabilities (negative, neutral, positive) per sentiment.
_PROBS = {"positive": (0.04, 0.11, 0.85), "negative": (0.88, 0.09, 0.03), "neutral": (0.08, 0.84, 0.08)}

PTT_POST = "M.1700000001.A.GL1"
PTT_OLD_POST = "M.1690000002.A.PT2"
VNE_ARTICLE = "4800001"


@dataclass(frozen=True)
class _M:
    """One seeded mention: what a spider would yield plus the label the worker would write."""

    key: str
    platform: str
    external_id: str
    text: str
    lang: str | None
    sentiment: str | None  # None = not labeled yet
    age: timedelta
    kind: str = "comment"
    post: str | None = None
    brands: tuple[str, ...] = ()
    author: str | None = None
    followers: int | None = None
    url: str | None = None
    likes: int = 0
    spam: bool = False
    triage: str = "new"


def _mentions() -> list[_M]:
    d, h = timedelta(days=1), timedelta(hours=1)
    ptt_url = f"https://www.ptt.cc/bbs/MakeUp/{PTT_POST}.html"
    vne_url = f"https://vnexpress.net/aqua-veil-ra-mat-kem-chong-nang-{VNE_ARTICLE}.html"
    return [
        # Glow Lab: a PTT thread and its comments (comments count for the post's brand), plus two elsewhere.
        _M(
            "gl_post",
            "ptt",
            PTT_POST,
            "[心得] Glow Lab 光澤實驗室 精華液 用了兩週很保濕",
            "zh",
            "positive",
            6 * d,
            kind="post",
            post=PTT_POST,
            brands=(GLOW,),
            author="mei_chen",
            followers=1200,
            url=ptt_url,
            likes=80,
        ),
        _M(
            "gl_c1",
            "ptt",
            f"{PTT_POST}:1",
            "推 Glow Lab 真的很保濕，會回購",
            "zh",
            "positive",
            5 * d + 20 * h,
            post=PTT_POST,
            brands=(GLOW,),
            author="lin_a",
            url=f"{ptt_url}#push-1",
            likes=3,
        ),
        _M(
            "gl_neg",
            "ptt",
            f"{PTT_POST}:2",
            NEGATIVE_TEXT,
            "en",
            "negative",
            1 * d,
            post=PTT_POST,
            brands=(GLOW,),
            author="sensitive_skin",
            url=f"{ptt_url}#push-2",
            likes=12,
        ),
        _M(
            "gl_spam1",
            "ptt",
            f"{PTT_POST}:3",
            SPAM_TEXT,
            "zh",
            "positive",
            5 * d,
            post=PTT_POST,
            brands=(GLOW,),
            author="deal_bot_1",
            spam=True,
        ),
        _M(
            "gl_spam2",
            "ptt",
            f"{PTT_POST}:4",
            SPAM_TEXT,
            "zh",
            "positive",
            5 * d - 1 * h,
            post=PTT_POST,
            brands=(GLOW,),
            author="deal_bot_2",
            spam=True,
        ),
        _M(
            "gl_plus1",
            "ptt",
            f"{PTT_POST}:5",
            "+1",
            "zh",
            "positive",
            4 * d,
            post=PTT_POST,
            author="quiet_reader",
        ),
        _M(
            "gl_ko",
            "naver",
            "0014000001:c1",
            "글로우랩 세럼 무난해요 가격은 보통",
            "ko",
            "neutral",
            3 * d,
            brands=(GLOW,),
            author="minji",
            url="https://n.news.naver.com/article/001/0014000001",
        ),
        _M(
            "gl_vi",
            "vnexpress",
            "4800002:c1",
            "Glow Lab dùng rất thích, da mịn hơn",
            "vi",
            "positive",
            2 * d,
            brands=(GLOW,),
            author="thu_ha",
            url="https://vnexpress.net/skincare-4800002.html",
            likes=5,
        ),
        _M(
            "gl_old",
            "ptt",
            "M.1690000009.A.OLD:1",
            "Glow Lab 舊版包裝會漏液",
            "zh",
            "negative",
            45 * d,
            brands=(GLOW,),
            author="old_timer",
            url="https://www.ptt.cc/bbs/MakeUp/M.1690000009.A.OLD.html",
            triage="resolved",
        ),
        # Aqua Veil: a VnExpress article and its comments, plus a Naver complaint with an unsafe URL.
        _M(
            "av_article",
            "vnexpress",
            VNE_ARTICLE,
            "Aqua Veil ra mắt kem chống nắng mới cho da dầu",
            "vi",
            "neutral",
            5 * d,
            kind="article",
            post=VNE_ARTICLE,
            brands=(AQUA,),
            author="vnexpress",
            followers=50000,
            url=vne_url,
        ),
        _M(
            "av_neg",
            "vnexpress",
            f"{VNE_ARTICLE}:c1",
            HTML_LOOKING_TEXT,
            "vi",
            "negative",
            3 * d + 6 * h,
            post=VNE_ARTICLE,
            brands=(AQUA,),
            author="ngoc_anh",
            url=f"{vne_url}#c1",
            likes=7,
            triage="in_progress",
        ),
        _M(
            "av_pos",
            "vnexpress",
            f"{VNE_ARTICLE}:c2",
            "kem này thấm nhanh, tốt lắm",
            "vi",
            "positive",
            4 * d,
            post=VNE_ARTICLE,
            author="bao_tran",
        ),
        _M(
            "av_spam",
            "vnexpress",
            f"{VNE_ARTICLE}:c3",
            "inbox shop giảm giá 50% aquaveil chính hãng",
            "vi",
            "positive",
            4 * d + 2 * h,
            post=VNE_ARTICLE,
            brands=(AQUA,),
            author="shop_sale_88",
            spam=True,
        ),
        _M(
            "av_ko",
            "naver",
            "0014000002:c1",
            "아쿠아베일 선크림 최악이에요 환불 원합니다",
            "ko",
            "negative",
            2 * d + 3 * h,
            brands=(AQUA,),
            author="sunny_k",
            url=UNSAFE_URL,
        ),
        # Petal Theory: only older than 30 days.
        _M(
            "pt_post",
            "ptt",
            PTT_OLD_POST,
            "[開箱] Petal Theory 花瓣理論 化妝水",
            "zh",
            "positive",
            45 * d,
            kind="post",
            post=PTT_OLD_POST,
            brands=(PETAL,),
            author="hana",
            followers=300,
        ),
        _M(
            "pt_en",
            "vnexpress",
            "4700001:c1",
            "Petal Theory toner arrived on time, not tried it yet",
            "en",
            "neutral",
            50 * d,
            brands=(PETAL,),
            author="expat_jane",
        ),
        # No brand: kept and exported with an empty brand, never counted for one.
        _M(
            "nb_en",
            "ptt",
            "M.1700000003.A.X:1",
            "Which sunscreen works for oily skin?",
            "en",
            "neutral",
            2 * d,
        ),
        _M(
            "nb_vi",
            "vnexpress",
            "4800003:c1",
            "Mình cần tư vấn serum cho da nhạy cảm",
            "vi",
            "neutral",
            3 * d,
        ),
        _M("nb_ko", "naver", "0014000003:c1", "요즘 수분크림 추천해 주세요", "ko", "neutral", 1 * d),
        _M("nb_unlabeled", "ptt", "M.1700000004.A.Y:1", "剛買了新的防曬", None, None, 12 * h),
    ]


def seed_demo_db(url: str) -> dict[str, Any]:
    """Create the schema at ``url`` and write the dataset; returns ids and the numbers tests expect."""
    ensure_schema(url)
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    mentions = _mentions()
    d = timedelta(days=1)
    posts = [
        PostItem(
            "ptt",
            PTT_POST,
            url=f"https://www.ptt.cc/bbs/MakeUp/{PTT_POST}.html",
            title="[心得] Glow Lab 光澤實驗室 精華液",
            author="mei_chen",
            author_followers=1200,
            published_at=now - 6 * d,
            likes=80,
            comments=10,
            shares=10,
            saves=0,
        ),
        PostItem(
            "vnexpress",
            VNE_ARTICLE,
            url=f"https://vnexpress.net/aqua-veil-{VNE_ARTICLE}.html",
            title="Aqua Veil ra mắt kem chống nắng mới",
            author="vnexpress",
            author_followers=50000,
            published_at=now - 5 * d,
            likes=40,
            comments=5,
            shares=5,
        ),
        PostItem(
            "ptt",
            PTT_OLD_POST,
            url=f"https://www.ptt.cc/bbs/MakeUp/{PTT_OLD_POST}.html",
            title="[開箱] Petal Theory 花瓣理論 化妝水",
            author="hana",
            author_followers=300,
            published_at=now - 45 * d,
            likes=12,
        ),
    ]
    with session_scope(url) as session:
        repo.sync_brands(session, brands=list(BRANDS))
        runs = {spider: repo.start_crawl_run(session, spider=spider) for spider in ("ptt", "vnexpress")}
        # naver_comments: an earlier good run, then a last run that stored nothing (the red banner case).
        naver_first = repo.start_crawl_run(session, spider="naver_comments")
        repo.finish_crawl_run(session, run_id=naver_first, items=4, quarantined=0, errors=0)
        naver_last = repo.start_crawl_run(session, spider="naver_comments")

        post_ids = repo.upsert_posts(
            session, posts=[p for p in posts if p.platform == "ptt"], crawl_run_id=runs["ptt"]
        )
        post_ids |= repo.upsert_posts(
            session, posts=[p for p in posts if p.platform == "vnexpress"], crawl_run_id=runs["vnexpress"]
        )
        items = [
            MentionItem(
                platform=m.platform,
                external_id=m.external_id,
                text=m.text,
                kind=m.kind,
                url=m.url,
                author=m.author,
                author_followers=m.followers,
                published_at=now - m.age,
                likes=m.likes,
                replies=0,
                post_external_id=m.post,
                brands=list(m.brands),
                text_hash=text_hash(m.text),
                low_effort=is_low_effort(m.text),
            )
            for m in mentions
        ]
        ids_by_key = repo.upsert_mentions(session, mentions=items, post_ids_by_key=post_ids)
        ids = {m.key: ids_by_key[f"{m.platform}:{m.external_id}"] for m in mentions}
        repo.write_labels(
            session,
            labels=[
                repo.MentionLabel(
                    mention_id=ids[m.key],
                    lang=m.lang or "und",
                    sentiment=m.sentiment,
                    p_negative=_PROBS[m.sentiment][0],
                    p_neutral=_PROBS[m.sentiment][1],
                    p_positive=_PROBS[m.sentiment][2],
                    spam_score=0.95 if m.spam else 0.0,
                    is_spam=m.spam,
                    model="factory-labels",
                    model_version="1",
                )
                for m in mentions
                if m.sentiment is not None
            ],
        )
        for m in mentions:
            if m.triage != "new":
                repo.set_triage_status(session, mention_id=ids[m.key], status=m.triage)
        repo.quarantine(
            session,
            source="ptt",
            reason="missing_text: comment had no text",
            payload={"platform": "ptt", "external_id": f"{PTT_POST}:6", "text": ""},
            crawl_run_id=runs["ptt"],
        )
        per_platform = {p: sum(1 for m in mentions if m.platform == p) for p in ("ptt", "vnexpress")}
        repo.finish_crawl_run(session, run_id=runs["ptt"], items=per_platform["ptt"], quarantined=1, errors=0)
        repo.finish_crawl_run(
            session, run_id=runs["vnexpress"], items=per_platform["vnexpress"], quarantined=0, errors=0
        )
        repo.finish_crawl_run(session, run_id=naver_last, items=0, quarantined=0, errors=2)

    return {
        "url": url,
        "brands": [b.name for b in BRANDS],
        "mention_ids": ids,
        "negative_id": ids["gl_neg"],
        "negative_text": NEGATIVE_TEXT,
        "html_looking_text": HTML_LOOKING_TEXT,
        "unsafe_url_id": ids["av_ko"],
        # Negative feed, default statuses (new + in progress), newest first.
        "feed_default_texts": [
            NEGATIVE_TEXT,
            "아쿠아베일 선크림 최악이에요 환불 원합니다",
            HTML_LOOKING_TEXT,
        ],
        "feed_default_web_links": 2,  # the javascript: URL gets no link
        "resolved_text": "Glow Lab 舊版包裝會漏液",
        # Voice in the last 30 days.
        "busiest_brand": GLOW,
        "voice_30d": {
            GLOW: {
                "mentions": 6,
                "spam": 2,
                "sov": 60.0,
                "net_sentiment": 50.0,
                "spam_rate": 25.0,
                "net_sentiment_sov": 37.5,
            },
            AQUA: {"mentions": 4, "spam": 1, "sov": 40.0, "net_sentiment": -25.0, "spam_rate": 20.0},
            PETAL: {"mentions": 0, "sov": 0.0},
        },
        "voice_all": {GLOW: {"mentions": 7, "sov": 7 / 13 * 100}},
        "engagement_30d": {
            GLOW: {"posts": 1, "engagement": 100, "qwe": 51.0, "inflation": 100 / 51},
            AQUA: {"posts": 1, "engagement": 50, "qwe": 50 * 2.05 / 3, "inflation": 3 / 2.05},
        },
        # Explore & export rows (one per mention and brand) in the last 30 days.
        "explore_30d_rows": 14,  # 6 Glow Lab + 4 Aqua Veil + 4 without a brand; spam excluded
        "explore_30d_glow_with_spam": 8,
        "explore_30d_only_spam": 3,
        "explore_30d_vi": 5,
        "zero_item_spider": "naver_comments",
        "crawl_runs": {"ptt": runs["ptt"], "vnexpress": runs["vnexpress"], "naver_comments": naver_last},
    }


def seed_mention_series(
    url: str,
    *,
    brand: str,
    platform: str,
    now: datetime,
    daily: list[tuple[int, int]],
    competitor_group: str | None = None,
) -> list[list[int]]:
    """Labeled, non-spam mentions of ``brand`` on ``platform``, a given number per 24-hour window before now.

    ``daily[i] = (mentions, negative)`` for the window (now − (i + 1) days, now − i days]: index 0 is the last
    24 h. In a window the j-th mention is published j + 5 minutes before the window's end (so a ``now`` a few
    minutes later still puts it in the same window), has j likes (the last ones are the most engaged) and is
    negative for j < negative, neutral otherwise. Returns the mention ids per window, in j order.
    """
    ensure_schema(url)
    slug = brand.lower().replace(" ", "-")
    items: list[tuple[int, MentionItem]] = []
    for i, (count, negative) in enumerate(daily):
        for j in range(count):
            item = MentionItem(
                platform=platform,
                external_id=f"{slug}-{i}-{j}",
                text=f"{brand} on {platform}, day -{i}, mention {j}",
                url=f"https://{platform}.example/{slug}/{i}/{j}",
                author=f"{slug}_fan_{i}_{j}",
                published_at=now - i * timedelta(days=1) - timedelta(minutes=j + 5),
                likes=j,
                replies=0,
                brands=[brand],
                lang="en",
                sentiment="negative" if j < negative else "neutral",
                spam_score=0.0,
            )
            items.append((i, item))
    with session_scope(url) as session:
        repo.sync_brands(session, brands=[repo.BrandSpec(brand, f'"{brand}"', competitor_group)])
        ids = repo.upsert_mentions(session, mentions=[m for _, m in items])
    out: list[list[int]] = [[] for _ in daily]
    for i, m in items:
        out[i].append(ids[f"{m.platform}:{m.external_id}"])
    return out
