"""Campaigns: per campaign and influencer, raw and quality-weighted engagement side by side with cost, reach
and revenue figures (ER, QW-ER, CPE, CPM, CTR, conversion rate, ROI, ROAS), and the posts behind them.

Conversions and revenue come from the campaign file's columns, unless traffic or promo-code rows are
attributed to the (campaign, influencer) in the period (``store.kpi.attributed``): then conversions = UTM
conversions + code orders and revenue = UTM revenue + code revenue, in place of the file's (which may be a
copy of the same figures: adding both would count them twice). Clicks stay the file's; where the file gives
none, the attributed UTM sessions are the clicks. ROI and ROAS follow from that revenue and the file's cost.

Traffic tagged with a campaign but no influencer (utm_content missing or unmapped, e.g. a search ad) gets a
campaign-level row of its own (``influencer`` None, ``campaign_level`` True) after the campaign's influencer
rows, so its sessions, conversions and revenue are not lost. It has no cost, so no CPE, ROI or ROAS: the
campaign file's costs are the influencers' fees, which did not buy that traffic, and charging it to one of
them (or to all) would make up a return; its conversion rate is per session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session

from store.kpi.attributed import AttributedResult, AttributionRules, attributed_results
from store.kpi.common import ctr_base, pct, rate_per_follower_sql, ratio
from store.kpi.quality import DEFAULT_LOW_EFFORT_WEIGHT, post_quality
from store.models import Author, Brand, Campaign, Post
from store.sql import period_filter
from store.timeutil import as_utc


def campaign_in_period(since: date | datetime | None, until: date | datetime | None) -> ColumnElement[bool]:
    """A campaign row counts when its post was published in the period, or, with no post date, when its start
    date is in the period (with neither, always)."""
    when = func.coalesce(Post.published_at, Campaign.starts_on)
    return or_(when.is_(None), period_filter(when, since, until))


def brand_campaign_posts(brand: str) -> Select[Any]:
    """Ids of the stored posts of ``brand``'s campaign rows, for an ``IN`` filter."""
    return (
        select(Campaign.post_id)
        .join(Brand, Brand.id == Campaign.brand_id)
        .where(Brand.name == brand, Campaign.post_id.is_not(None))
    )


@dataclass(frozen=True)
class CampaignPerformance:
    campaign: str
    influencer: str | None  # None: the campaign-level row (traffic tagged with the campaign only)
    currency: str | None
    posts: int
    followers: int | None
    engagement: int
    qwe: float
    er: float | None
    qw_er: float | None
    cost: float
    cpe: float | None
    cpe_qwe: float | None
    cpm: float | None
    ctr: float | None
    conversion_rate: float | None
    roi: float | None
    roas: float | None
    clicks: int | None = None
    conversions: int | None = None
    revenue: float | None = None
    sessions: int | None = None  # attributed UTM sessions (None: no traffic attributed)
    results_source: str = "file"  # where conversions and revenue come from: "file" or "attributed"
    campaign_level: bool = False  # traffic tagged with the campaign but no influencer (see the module)


def campaign_performance(
    session: Session,
    *,
    brand: str,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    low_effort_weight: float = DEFAULT_LOW_EFFORT_WEIGHT,
    attribution: AttributionRules | None = None,
) -> list[CampaignPerformance]:
    """One row per (campaign, influencer) of the brand, raw and quality-weighted side by side.

    ER by followers is the mean of per-post E / F × 100 (QW-ER likewise with QWE); cost, impressions, clicks,
    conversions and revenue are summed over the campaign's rows. A campaign row counts when its post was
    published in the period, or, with no post date, when its start date is in the period. With
    ``attribution``, attributed traffic and codes take precedence (see the module).
    """
    own_posts = brand_campaign_posts(brand)
    pq = post_quality(session, low_effort_weight=low_effort_weight, post_ids=own_posts)
    followers = Author.followers
    per_post_er = rate_per_follower_sql(pq.c.engagement, followers)
    per_post_qwer = rate_per_follower_sql(pq.c.qwe, followers)
    stmt = (
        select(
            Campaign.name,
            Campaign.influencer,
            Campaign.currency,
            func.count(func.distinct(Campaign.post_id)),
            func.max(followers),
            func.sum(func.coalesce(pq.c.engagement, 0)),
            func.sum(func.coalesce(pq.c.qwe, 0.0)),
            func.avg(per_post_er),
            func.avg(per_post_qwer),
            func.sum(Campaign.cost),
            func.sum(Campaign.impressions),
            func.sum(Campaign.clicks),
            func.sum(Campaign.conversions),
            func.sum(Campaign.revenue),
            func.sum(Post.views),
        )
        .select_from(Campaign)
        .join(Brand, Brand.id == Campaign.brand_id)
        .outerjoin(Post, Post.id == Campaign.post_id)
        .outerjoin(pq, pq.c.post_id == Campaign.post_id)
        .outerjoin(Author, Author.id == Post.author_id)
        .where(Brand.name == brand, campaign_in_period(since, until))
        # Costs in different currencies are never added up: one row per currency.
        .group_by(Campaign.name, Campaign.influencer, Campaign.currency)
        .order_by(Campaign.name, Campaign.influencer, Campaign.currency)
    )
    rows = session.execute(stmt).all()
    found: dict[tuple[str, str | None], AttributedResult] = {}
    if attribution is not None:
        found = {
            (r.campaign, r.influencer): r
            for r in attributed_results(session, brand=brand, rules=attribution, since=since, until=until)
        }
    currencies: dict[tuple[str, str], int] = {}
    for row in rows:
        currencies[(row[0], row[1])] = currencies.get((row[0], row[1]), 0) + 1
    out = []
    for row in rows:
        name, infl, currency, posts, fol, e, qwe, er, qwer, cost, imp, clicks, conv, rev, views = row
        e, qwe, cost = int(e or 0), float(qwe or 0.0), float(cost or 0.0)
        got = found.get((name, infl))
        sessions = None
        source = "file"
        # Attributed money has no currency: it joins a pair that pays in one currency only.
        if got is not None and currencies[(name, infl)] == 1:
            sessions, conv, rev, source = got.sessions, got.conversions, got.revenue, "attributed"
            if clicks is None and got.sessions:
                clicks = got.sessions
        views_or_impressions = float(ctr_base(imp, views) or 0)
        out.append(
            CampaignPerformance(
                campaign=name,
                influencer=infl,
                currency=currency,
                posts=int(posts or 0),
                followers=int(fol) if fol is not None else None,
                engagement=e,
                qwe=qwe,
                er=float(er) if er is not None else None,
                qw_er=float(qwer) if qwer is not None else None,
                cost=cost,
                cpe=ratio(cost, e),
                cpe_qwe=ratio(cost, qwe),
                cpm=ratio(cost * 1000.0, float(imp or 0)),
                ctr=pct(float(clicks or 0), views_or_impressions) if clicks is not None else None,
                conversion_rate=pct(float(conv or 0), float(clicks or 0)),
                roi=pct(float(rev or 0.0) - cost, cost) if rev is not None else None,
                roas=ratio(float(rev), cost) if rev is not None else None,
                clicks=int(clicks) if clicks is not None else None,
                conversions=int(conv) if conv is not None else None,
                revenue=float(rev) if rev is not None else None,
                sessions=sessions,
                results_source=source,
            )
        )
    return _with_campaign_level(out, found)


def _with_campaign_level(
    rows: list[CampaignPerformance], found: dict[tuple[str, str | None], AttributedResult]
) -> list[CampaignPerformance]:
    """``rows`` with a campaign-level row after each campaign's rows (at the end for a campaign with no
    row in the period) for its traffic attributed to no influencer."""
    extra = {camp: got for (camp, infl), got in found.items() if infl is None}
    out: list[CampaignPerformance] = []
    for i, row in enumerate(rows):
        out.append(row)
        last_of_campaign = i + 1 == len(rows) or rows[i + 1].campaign != row.campaign
        if last_of_campaign and row.campaign in extra:
            out.append(_campaign_level_row(extra.pop(row.campaign)))
    out += [_campaign_level_row(got) for _, got in sorted(extra.items())]
    return out


def _campaign_level_row(got: AttributedResult) -> CampaignPerformance:
    """Traffic of a campaign with no influencer: its results, no cost (see the module)."""
    return CampaignPerformance(
        campaign=got.campaign,
        influencer=None,
        currency=None,
        posts=0,
        followers=None,
        engagement=0,
        qwe=0.0,
        er=None,
        qw_er=None,
        cost=0.0,
        cpe=None,
        cpe_qwe=None,
        cpm=None,
        ctr=None,
        conversion_rate=pct(float(got.conversions), float(got.sessions)),
        roi=None,
        roas=None,
        clicks=got.sessions or None,
        conversions=got.conversions,
        revenue=got.revenue,
        sessions=got.sessions,
        results_source="attributed",
        campaign_level=True,
    )


@dataclass(frozen=True)
class CampaignPost:
    """One campaign row with its post (None when the post is not stored) and the post's raw and QW figures."""

    brand: str
    campaign: str
    influencer: str
    platform: str
    post_ref: str
    post_id: int | None
    url: str | None
    title: str | None
    published_at: datetime | None
    engagement: int | None
    comments_stored: int
    qualified_share: float | None
    qwe: float | None
    inflation: float | None


def campaign_posts(
    session: Session, *, brand: str | None, since: date | None, until: date | None
) -> list[CampaignPost]:
    """The campaign rows behind ``campaign_performance`` with their posts (same period rule) and each post's
    raw and quality-weighted figures, for the drill-down."""
    rows = select(Campaign.post_id).where(Campaign.post_id.is_not(None))
    if brand is not None:
        rows = rows.join(Brand, Brand.id == Campaign.brand_id).where(Brand.name == brand)
    pq = post_quality(session, post_ids=rows)  # the campaign posts' comments only
    stmt = (
        select(
            Brand.name,
            Campaign.name,
            Campaign.influencer,
            Campaign.platform,
            Campaign.post_ref,
            Campaign.post_id,
            Post.url,
            Post.title,
            Post.published_at,
            pq.c.engagement,
            pq.c.comments_stored,
            pq.c.qualified_share,
            pq.c.qwe,
        )
        .select_from(Campaign)
        .join(Brand, Brand.id == Campaign.brand_id)
        .outerjoin(Post, Post.id == Campaign.post_id)
        .outerjoin(pq, pq.c.post_id == Campaign.post_id)
        .where(campaign_in_period(since, until))
        .order_by(Brand.name, Campaign.name, Campaign.influencer, Post.published_at, Campaign.id)
    )
    if brand is not None:
        stmt = stmt.where(Brand.name == brand)
    out = []
    for row in session.execute(stmt).all():
        b, name, infl, platform, ref, post_id, link, title, published, e, c, s_p, qwe = row
        out.append(
            CampaignPost(
                brand=b,
                campaign=name,
                influencer=infl,
                platform=platform,
                post_ref=ref,
                post_id=post_id,
                url=link,
                title=title,
                published_at=as_utc(published),
                engagement=int(e) if e is not None else None,
                comments_stored=int(c or 0),
                qualified_share=float(s_p) if s_p is not None else None,
                qwe=float(qwe) if qwe is not None else None,
                inflation=(e / qwe) if e is not None and qwe else None,
            )
        )
    return out
