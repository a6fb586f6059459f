"""Influencer discovery and vetting: the authors whose posts talk about a brand's category (the brands of its
competitor group), with what their stored posts, comments and follower snapshots say about them.

Per author, over their posts published in the period (``coalesce(published_at, updated_at)``, whole UTC
days) and the comments stored under those posts (the author's own replies left out):

- relevance: their posts that belong to a category brand (the post's text matches its query, or it is one of
  its campaign posts) / their posts × 100;
- ER and QW-ER: mean over their posts of E_p / F × 100 and QWE_p / F × 100 (F: the author's latest follower
  count, as for campaigns); inflation: Σ E_p / Σ QWE_p;
- audience fit: of their commenters (distinct comment authors, spam comments left out) whose language is
  known, those writing in one of the brand's target languages × 100; likewise for regions, from the
  ``country`` a source gives a comment (App Store reviews, an import's ``country`` column);
- follower growth: between the first and the last author snapshot in the period: F_last − F_first, per week,
  and as % of F_first per week;
- consistency: posts per week of the period, and the share of the period's ISO weeks with a post;
- brand safety: negative comments / labelled non-spam comments × 100, spam comments / comments × 100, and
  flags when these or the inflation pass their thresholds.

The ranking score is QW-ER × relevance / 100 × language fit / 100 (without target languages, QW-ER ×
relevance / 100): the quality-weighted engagement a creator's post can be expected to get from the category's
audience. Public data cannot tell an audience's age or gender; nothing here guesses them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, and_, case, cast, func, or_, select, union
from sqlmodel import Session

from store.kpi.common import pct, rate_per_follower_sql, ratio
from store.kpi.quality import DEFAULT_LOW_EFFORT_WEIGHT, post_quality
from store.kpi.voice import comparison_set
from store.models import POST_KINDS, Author, AuthorSnapshot, Brand, Campaign, Mention, MentionBrand, Post
from store.sql import day_of, period_filter
from store.timeutil import as_utc

INFLUENCER_FORMULAS = {
    "relevance": "posts that match a brand of the category (its competitor group) / all their posts × 100",
    "er": "mean over their posts of E / F × 100; E = likes + comments + shares + saves, F = followers",
    "qw_er": "mean over their posts of QWE / F × 100; QWE = E × the post's qualified comment share",
    "inflation": "Σ E / Σ QWE over their posts: how much raw engagement overstates real engagement",
    "audience_fit": "commenters writing in the brand's target languages / commenters whose language is "
    "known × 100 (distinct commenters, spam left out)",
    "region_fit": "commenters in the brand's target regions / commenters whose region a source gives × 100",
    "follower_growth": "F_last − F_first, between the first and last follower snapshots in the period",
    "follower_growth_per_week": "(F_last − F_first) / weeks between the two snapshots",
    "follower_growth_pct_week": "(F_last − F_first) / F_first × 100 / weeks between the two snapshots "
    "(only from snapshots 7 days apart or more)",
    "posts_per_week": "their posts in the period / (days in the period / 7)",
    "active_weeks_pct": "ISO weeks (Mon–Sun) of the period with at least one post / ISO weeks of the period "
    "× 100",
    "negative_share": "negative comments / non-spam comments with a sentiment label × 100",
    "spam_share": "spam comments / all stored comments under their posts × 100",
    "score": "QW-ER × relevance / 100 × audience fit / 100 (audience fit left out when the brand has no "
    "target languages)",
}


@dataclass(frozen=True)
class SafetyThresholds:
    """When a brand-safety flag is raised: a share of negative or spam comments (0–100), an inflation."""

    negative_share: float = 20.0
    spam_share: float = 20.0
    inflation: float = 1.5


DEFAULT_SAFETY = SafetyThresholds()
INFLUENCER_FORMULAS["flags"] = (
    f"negative_comments: negative share ≥ {DEFAULT_SAFETY.negative_share:g} %; spam_comments: spam share ≥ "
    f"{DEFAULT_SAFETY.spam_share:g} %; inflated_engagement: inflation ≥ {DEFAULT_SAFETY.inflation:g}"
)

# What public posts and comments cannot show, said on the page and in the CLI.
NOT_SHOWN = (
    "Public posts and comments do not show an audience's age, gender or other demographics, nor "
    "private reach, impressions or follower lists; brandpulse does not guess them."
)

SORT_KEYS = (
    "score",
    "relevance",
    "qw_er",
    "er",
    "audience_fit",
    "follower_growth_pct_week",
    "posts_per_week",
    "followers",
)


@dataclass(frozen=True)
class InfluencerScore:
    """One author's figures (None: a zero denominator or nothing stored to tell)."""

    rank: int
    platform: str
    author: str
    followers: int | None
    posts: int
    category_posts: int
    relevance: float | None
    engagement: int
    qwe: float
    er: float | None
    qw_er: float | None
    inflation: float | None
    commenters: int
    audience_fit: float | None
    commenters_with_region: int
    region_fit: float | None
    snapshots: int
    followers_first: int | None
    followers_last: int | None
    follower_growth: int | None
    follower_growth_per_week: float | None
    follower_growth_pct_week: float | None
    posts_per_week: float | None
    active_weeks: int
    weeks: int
    active_weeks_pct: float | None
    comments: int
    negative_share: float | None
    spam_share: float | None
    flags: list[str] = field(default_factory=list)
    score: float | None = None


def discover_influencers(
    session: Session,
    *,
    brand: str,
    since: date | None = None,
    until: date | None = None,
    languages: Sequence[str] = (),
    regions: Sequence[str] = (),
    sort: str = "score",
    limit: int | None = None,
    safety: SafetyThresholds = DEFAULT_SAFETY,
    low_effort_weight: float = DEFAULT_LOW_EFFORT_WEIGHT,
) -> list[InfluencerScore]:
    """The authors with at least one post about ``brand``'s category in the period, ranked by ``sort``
    (descending; empty figures last; ties by platform and handle). Raises KeyError for an unknown brand.

    ``languages`` / ``regions``: the brand's target markets (ISO 639 / ISO 3166 alpha-2 codes).
    """
    if sort not in SORT_KEYS:
        raise ValueError(f"sort must be one of {', '.join(SORT_KEYS)}, not {sort!r}")
    category = comparison_set(session, brand)
    langs = sorted({code.lower() for code in languages})
    regs = sorted({code.upper() for code in regions})
    in_period = period_filter(func.coalesce(Post.published_at, Post.updated_at), since, until)
    brand_ids = select(Brand.id).where(Brand.name.in_(category))
    by_text = (
        select(Post.id.label("post_id"))
        .join(Mention, and_(Mention.post_id == Post.id, Mention.kind.in_(POST_KINDS)))
        .join(MentionBrand, MentionBrand.mention_id == Mention.id)
        .where(in_period, Post.author_id.is_not(None), MentionBrand.brand_id.in_(brand_ids))
    )
    by_campaign = (
        select(Post.id.label("post_id"))
        .join(Campaign, Campaign.post_id == Post.id)
        .where(in_period, Post.author_id.is_not(None), Campaign.brand_id.in_(brand_ids))
    )
    category_posts = union(by_text, by_campaign).subquery("category_post")  # UNION: each post once
    candidates = (
        select(Post.author_id)
        .where(Post.id.in_(select(category_posts.c.post_id)))
        .distinct()
        .scalar_subquery()
    )
    their_posts = select(Post.id).where(in_period, Post.author_id.in_(candidates))

    posts = _post_figures(session, their_posts, category_posts, low_effort_weight)
    if not posts:
        return []
    comments = _comment_figures(session, their_posts)
    fit = _audience(session, their_posts, langs, regs)
    growth = _snapshots(session, list(posts), since, until)
    days = _post_days(session, their_posts)
    start, end = _span(since, until, days)

    out = []
    for author_id, p in posts.items():
        c = comments.get(author_id, (0, 0, 0, 0))
        f = fit.get(author_id, (0, 0, 0, 0))
        g = growth.get(author_id)
        active = {d - timedelta(days=d.weekday()) for d in days.get(author_id, ())}
        weeks = _iso_weeks(start, end)
        item = InfluencerScore(
            rank=0,
            platform=p["platform"],
            author=p["handle"],
            followers=p["followers"],
            posts=p["posts"],
            category_posts=p["category_posts"],
            relevance=pct(p["category_posts"], p["posts"]),
            engagement=p["engagement"],
            qwe=p["qwe"],
            er=p["er"],
            qw_er=p["qw_er"],
            inflation=ratio(p["engagement"], p["qwe"]),
            commenters=f[0],
            audience_fit=pct(f[1], f[0]) if langs else None,
            commenters_with_region=f[2],
            region_fit=pct(f[3], f[2]) if regs else None,
            **_growth(g),
            posts_per_week=ratio(p["posts"] * 7.0, ((end - start).days + 1)) if start and end else None,
            active_weeks=len(active),
            weeks=weeks,
            active_weeks_pct=pct(len(active), weeks),
            comments=c[0],
            negative_share=pct(c[3], c[2]),
            spam_share=pct(c[1], c[0]),
        )
        out.append(_scored(item, bool(langs), safety))
    out.sort(key=lambda s: _sort_key(s, sort))
    ranked = [_with_rank(s, i + 1) for i, s in enumerate(out)]
    return ranked[:limit] if limit is not None else ranked


def _sort_key(s: InfluencerScore, sort: str) -> tuple[Any, ...]:
    """Highest first, empty figures last, ties by platform and handle."""
    value = getattr(s, sort)
    return (value is None, -(value or 0), s.platform, s.author)


def _with_rank(s: InfluencerScore, rank: int) -> InfluencerScore:
    return InfluencerScore(**{**s.__dict__, "rank": rank})


def _scored(s: InfluencerScore, has_languages: bool, safety: SafetyThresholds) -> InfluencerScore:
    """The ranking score and the brand-safety flags of ``s``."""
    score = None
    if s.qw_er is not None and s.relevance is not None:
        score = s.qw_er * s.relevance / 100.0
        if has_languages:  # no commenter language known: the fit, and so the score, cannot be told
            score = None if s.audience_fit is None else score * s.audience_fit / 100.0
    flags = []
    if s.negative_share is not None and s.negative_share >= safety.negative_share:
        flags.append("negative_comments")
    if s.spam_share is not None and s.spam_share >= safety.spam_share:
        flags.append("spam_comments")
    if s.inflation is not None and s.inflation >= safety.inflation:
        flags.append("inflated_engagement")
    return InfluencerScore(**{**s.__dict__, "score": score, "flags": flags})


def _post_figures(
    session: Session, their_posts: Any, category_posts: Any, low_effort_weight: float
) -> dict[int, dict[str, Any]]:
    """Per author: posts, category posts, Σ E, Σ QWE, mean ER and QW-ER over their posts in the period."""
    pq = post_quality(session, low_effort_weight=low_effort_weight, post_ids=their_posts)
    followers = Author.followers
    is_category = case((category_posts.c.post_id.is_not(None), 1), else_=0)
    rows = session.execute(
        select(
            Author.id,
            Author.platform,
            Author.handle,
            followers,
            func.count(pq.c.post_id),
            func.sum(is_category),
            func.sum(pq.c.engagement),
            func.sum(pq.c.qwe),
            func.avg(rate_per_follower_sql(pq.c.engagement, followers)),
            func.avg(rate_per_follower_sql(pq.c.qwe, followers)),
        )
        .select_from(pq)
        .join(Author, Author.id == pq.c.author_id)
        .outerjoin(category_posts, category_posts.c.post_id == pq.c.post_id)
        .group_by(Author.id, Author.platform, Author.handle, followers)
    ).all()
    return {
        int(a): {
            "platform": platform,
            "handle": handle,
            "followers": int(fol) if fol is not None else None,
            "posts": int(n or 0),
            "category_posts": int(cat or 0),
            "engagement": int(e or 0),
            "qwe": float(q or 0.0),
            "er": float(er) if er is not None else None,
            "qw_er": float(qwer) if qwer is not None else None,
        }
        for a, platform, handle, fol, n, cat, e, q, er, qwer in rows
    }


def _comments_under(their_posts: Any) -> Any:
    """The conditions of the comments under ``their_posts`` that are not the post author's own."""
    return and_(
        Mention.post_id.in_(their_posts),
        Mention.kind.not_in(POST_KINDS),
        or_(Mention.author_id.is_(None), Mention.author_id != Post.author_id),
    )


def _comment_figures(session: Session, their_posts: Any) -> dict[int, tuple[int, int, int, int]]:
    """Per post author: comments, spam ones, non-spam ones with a sentiment, the negative ones of those."""
    spam = func.coalesce(Mention.is_spam, False).is_(True)
    labelled = and_(~spam, Mention.sentiment.is_not(None))
    rows = session.execute(
        select(
            Post.author_id,
            func.count(Mention.id),
            func.sum(case((spam, 1), else_=0)),
            func.sum(case((labelled, 1), else_=0)),
            func.sum(case((and_(labelled, Mention.sentiment == "negative"), 1), else_=0)),
        )
        .select_from(Mention)
        .join(Post, Post.id == Mention.post_id)
        .where(_comments_under(their_posts))
        .group_by(Post.author_id)
    ).all()
    return {int(a): (int(n or 0), int(s or 0), int(lab or 0), int(neg or 0)) for a, n, s, lab, neg in rows}


def _region(session: Session) -> Any:
    """A comment's region as the source gave it (``extra`` JSON's ``country``), upper case; else NULL."""
    has_it = Mention.extra.like('%"country"%')  # only rows that may hold it are parsed
    if session.get_bind().dialect.name == "postgresql":
        value = func.json_extract_path_text(cast(Mention.extra, JSON), "country")
    else:
        value = func.json_extract(Mention.extra, "$.country")
    return case((has_it, func.upper(cast(value, Mention.extra.type))), else_=None)


def _audience(
    session: Session, their_posts: Any, langs: list[str], regs: list[str]
) -> dict[int, tuple[int, int, int, int]]:
    """Per post author, over distinct non-spam commenters: with a known language, in a target language, with
    a known region, in a target region (a commenter counts once, in a target when any comment is)."""
    lang = func.lower(Mention.lang)
    region = _region(session)
    lang_known = and_(Mention.lang.is_not(None), Mention.lang != "", Mention.lang != "und")
    in_lang = and_(lang_known, lang.in_(langs)) if langs else None
    in_region = and_(region.is_not(None), region.in_(regs)) if regs else None
    flag = lambda cond: func.max(case((cond, 1), else_=0)) if cond is not None else func.max(0)  # noqa: E731
    per_commenter = (
        select(
            Post.author_id.label("author_id"),
            flag(lang_known).label("lang_known"),
            flag(in_lang).label("in_lang"),
            flag(region.is_not(None)).label("region_known"),
            flag(in_region).label("in_region"),
        )
        .select_from(Mention)
        .join(Post, Post.id == Mention.post_id)
        .where(
            _comments_under(their_posts),
            Mention.author_id.is_not(None),  # a comment without an author is nobody we can count once
            func.coalesce(Mention.is_spam, False).is_(False),
        )
        .group_by(Post.author_id, Mention.author_id)
        .subquery("commenter")
    )
    c = per_commenter.c
    rows = session.execute(
        select(
            c.author_id,
            func.sum(c.lang_known),
            func.sum(c.in_lang),
            func.sum(c.region_known),
            func.sum(c.in_region),
        ).group_by(c.author_id)
    ).all()
    return {int(a): (int(k or 0), int(i or 0), int(rk or 0), int(ri or 0)) for a, k, i, rk, ri in rows}


def _snapshots(
    session: Session, author_ids: list[int], since: date | None, until: date | None
) -> dict[int, tuple[int, datetime, int, datetime, int]]:
    """Per author with snapshots in the period: (count, first time, first followers, last time, last)."""
    s = AuthorSnapshot.__table__
    order = (s.c.taken_at, s.c.id)
    ranked = (
        select(
            s.c.author_id,
            s.c.taken_at,
            s.c.followers,
            func.row_number().over(partition_by=s.c.author_id, order_by=order).label("up"),
            func.row_number()
            .over(partition_by=s.c.author_id, order_by=tuple(col.desc() for col in order))
            .label("down"),
            func.count().over(partition_by=s.c.author_id).label("n"),
        )
        .where(s.c.author_id.in_(author_ids), period_filter(s.c.taken_at, since, until))
        .subquery()
    )
    rows = session.execute(
        select(ranked.c.author_id, ranked.c.n, ranked.c.up, ranked.c.taken_at, ranked.c.followers).where(
            or_(ranked.c.up == 1, ranked.c.down == 1)
        )
    ).all()
    found: dict[int, dict[str, Any]] = defaultdict(dict)
    for a, n, up, when, followers in rows:
        found[int(a)]["n"] = int(n)
        # One snapshot is both first and last.
        if up == 1:
            found[int(a)]["first"] = (as_utc(when), int(followers))
        if up == int(n):
            found[int(a)]["last"] = (as_utc(when), int(followers))
    return {a: (v["n"], *v["first"], *v["last"]) for a, v in found.items()}


MIN_GROWTH_DAYS = 7  # snapshots this far apart, at least, for growth per week


def _growth(g: tuple[int, datetime, int, datetime, int] | None) -> dict[str, Any]:
    """Follower growth between the first and last snapshot (None without two snapshots); per week only from
    snapshots ``MIN_GROWTH_DAYS`` apart: +6,000 in one day is not "+42,000 a week"."""
    if g is None:
        empty = ("followers_first", "followers_last", "follower_growth", "follower_growth_per_week")
        return {"snapshots": 0, "follower_growth_pct_week": None, **dict.fromkeys(empty)}
    n, t0, f0, t1, f1 = g
    weeks = (t1 - t0).total_seconds() / (7 * 86400)
    growth = f1 - f0 if n > 1 else None
    if weeks < MIN_GROWTH_DAYS / 7:
        weeks = 0.0  # too short a span to make a weekly rate of
    return {
        "snapshots": n,
        "followers_first": f0,
        "followers_last": f1,
        "follower_growth": growth,
        "follower_growth_per_week": growth / weeks if growth is not None and weeks > 0 else None,
        "follower_growth_pct_week": (
            growth / f0 * 100.0 / weeks if growth is not None and weeks > 0 and f0 > 0 else None
        ),
    }


def _post_days(session: Session, their_posts: Any) -> dict[int, set[date]]:
    """Per author, the UTC days with a post in the period."""
    day = day_of(session, func.coalesce(Post.published_at, Post.updated_at))
    rows = session.execute(select(Post.author_id, day).where(Post.id.in_(their_posts)).distinct()).all()
    out: dict[int, set[date]] = defaultdict(set)
    for a, d in rows:
        out[int(a)].add(date.fromisoformat(d))
    return out


def _span(
    since: date | None, until: date | None, days: dict[int, set[date]]
) -> tuple[date | None, date | None]:
    """The period as days; an open side ends at the first (last) post day of the authors ranked."""
    every = [d for ds in days.values() for d in ds]
    start = since or (min(every) if every else None)
    end = until or (max(every) if every else None)
    return start, end


def _iso_weeks(start: date | None, end: date | None) -> int:
    """ISO weeks (Monday to Sunday) that [start, end] touches."""
    if start is None or end is None or end < start:
        return 0
    monday = lambda d: d - timedelta(days=d.weekday())  # noqa: E731
    return (monday(end) - monday(start)).days // 7 + 1
