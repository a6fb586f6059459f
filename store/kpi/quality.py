"""Quality: the weight q_c of each stored comment (spam, duplicates, low effort, the author's signals), the
qualified share and quality-weighted engagement (QWE) of posts and brands, and QW net sentiment.

The author signals are read from the ``author_signal`` rollup (written by ``store.rollups``) when the windows
are its own; the low-effort weight and the author factor apply at read time, so they stay configuration.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Float, and_, case, cast, func, literal, or_, select, union_all
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session

from store.brand_sentiment import brand_sentiment
from store.kpi.common import brand_day_period, pct, ratio, whole_days
from store.models import (
    POST_KINDS,
    SIGNAL_BURST_SECONDS,
    SIGNAL_CROSS_POST_SECONDS,
    Author,
    AuthorSignal,
    Brand,
    BrandDay,
    Campaign,
    Mention,
    MentionBrand,
    Post,
    PostCommentSums,
)
from store.sql import mention_time, period_filter, time_bucket

# Weight of a low-effort comment (emoji-only, lone @mention, one generic word) in QWE.
DEFAULT_LOW_EFFORT_WEIGHT = 0.5


@dataclass(frozen=True)
class QualitySettings:
    """The configurable parts of the comment quality weight (KPI reference defaults)."""

    low_effort_weight: float = DEFAULT_LOW_EFFORT_WEIGHT
    author_factor: float = 0.5  # a(c) for an author showing any of the signals below
    repeat_text_min: int = 3  # the same text posted this many times by one author
    burst_min: int = 5  # this many comments by one author within one burst window
    burst_seconds: int = SIGNAL_BURST_SECONDS
    cross_post_min: int = 5  # comments on this many different posts by one author within one window
    cross_post_seconds: int = SIGNAL_CROSS_POST_SECONDS


DEFAULT_QUALITY = QualitySettings()


REASON_CODES = ("spam", "duplicate", "low_effort", "repeat_text", "burst", "cross_post")


def _ids(ids: Sequence[int] | Select[Any]) -> Any:
    """Ids for ``IN``: a list as given, a select as a subquery (the database never ships the ids to us)."""
    # correlate(None): the select names tables of the query it sits in, and must not be tied to them.
    return ids.correlate(None) if isinstance(ids, Select) else list(ids)


def signal_maxima(
    session: Session,
    *,
    burst_seconds: int = SIGNAL_BURST_SECONDS,
    cross_post_seconds: int = SIGNAL_CROSS_POST_SECONDS,
    author_ids: Sequence[int] | None = None,
) -> Select[Any]:
    """Per author with comments: the most copies of one text, the most comments in one burst window and the
    most distinct posts in one cross-post window (windows are fixed UTC buckets of the given length).

    An author shows a signal when its maximum reaches the threshold, so thresholds apply at read time.
    """
    t = mention_time()
    comments = and_(Mention.author_id.is_not(None), Mention.kind.not_in(POST_KINDS))
    if author_ids is not None:
        comments = and_(comments, Mention.author_id.in_(list(author_ids)))
    same = (
        select(Mention.author_id.label("author_id"), func.count().label("n"))
        .where(comments, Mention.text_hash.is_not(None), Mention.text_hash != "")
        .group_by(Mention.author_id, Mention.text_hash)
        .subquery()
    )
    burst = (
        select(Mention.author_id.label("author_id"), func.count().label("n"))
        .where(comments, t.is_not(None))
        .group_by(Mention.author_id, time_bucket(session, t, burst_seconds))
        .subquery()
    )
    cross = (
        select(Mention.author_id.label("author_id"), func.count(func.distinct(Mention.post_id)).label("n"))
        .where(comments, t.is_not(None))
        .group_by(Mention.author_id, time_bucket(session, t, cross_post_seconds))
        .subquery()
    )
    zero = literal(0)
    rows = union_all(
        select(same.c.author_id, same.c.n.label("s"), zero.label("b"), zero.label("x")),
        select(burst.c.author_id, zero, burst.c.n, zero),
        select(cross.c.author_id, zero, zero, cross.c.n),
    ).subquery("signal_counts")
    return select(
        rows.c.author_id,
        func.max(rows.c.s).label("same_text_max"),
        func.max(rows.c.b).label("burst_max"),
        func.max(rows.c.x).label("cross_post_max"),
    ).group_by(rows.c.author_id)


def author_flagged(signal: Any, qs: QualitySettings = DEFAULT_QUALITY) -> ColumnElement[bool]:
    """An ``author_signal`` row (or alias) whose maxima reach a threshold: the author factor applies."""
    return or_(
        signal.c.same_text_max >= qs.repeat_text_min,
        signal.c.burst_max >= qs.burst_min,
        signal.c.cross_post_max >= qs.cross_post_min,
    )


def _author_flags(session: Session, qs: QualitySettings) -> Any:
    """One row per author with a 0/1 column per signal (repeat_text, burst, cross_post).

    Read from the ``author_signal`` rollup when the windows are the ones it holds, else computed from every
    stored comment (slow on a large store).
    """
    if (qs.burst_seconds, qs.cross_post_seconds) == (SIGNAL_BURST_SECONDS, SIGNAL_CROSS_POST_SECONDS):
        src: Any = AuthorSignal.__table__
    else:
        src = signal_maxima(
            session, burst_seconds=qs.burst_seconds, cross_post_seconds=qs.cross_post_seconds
        ).subquery()
    flag = lambda col, least: case((col >= least, 1), else_=0)  # noqa: E731
    return select(
        src.c.author_id,
        flag(src.c.same_text_max, qs.repeat_text_min).label("repeat_text"),
        flag(src.c.burst_max, qs.burst_min).label("burst"),
        flag(src.c.cross_post_max, qs.cross_post_min).label("cross_post"),
    ).subquery("author_flags")


def comment_weights(
    session: Session,
    *,
    low_effort_weight: float = DEFAULT_LOW_EFFORT_WEIGHT,
    post_ids: Sequence[int] | Select[Any] | None = None,
    quality: QualitySettings | None = None,
) -> Any:
    """A subquery of the stored comments (of ``post_ids`` if given) with their quality weight q_c and one 0/1
    column per reason code.

    q_c = (1 − p_spam) × a × d × w: a = the author factor for an author who posts the same text many times,
    comments in bursts or across many posts in a short window; d = 0 for a repeat of an earlier comment's
    normalised text on the same post; w = the low-effort weight for emoji-only, lone-@mention or one-word
    comments.
    """
    qs = quality or QualitySettings(low_effort_weight=low_effort_weight)
    in_posts = None if post_ids is None else Mention.post_id.in_(_ids(post_ids))
    flags = _author_flags(session, qs)
    base = (
        select(
            Mention.id.label("mention_id"),
            Mention.post_id.label("post_id"),
            func.coalesce(Mention.spam_score, 0.0).label("p_spam"),
            # Kept on write (store.rollups.refresh_duplicates): rank > 1 among the post's comments with the
            # same non-empty normalised text, by time then id.
            case((Mention.duplicate.is_(True), 1), else_=0).label("duplicate"),
            case((Mention.low_effort.is_(True), 1), else_=0).label("low_effort"),
            func.coalesce(flags.c.repeat_text, 0).label("repeat_text"),
            func.coalesce(flags.c.burst, 0).label("burst"),
            func.coalesce(flags.c.cross_post, 0).label("cross_post"),
        )
        .select_from(Mention)
        .outerjoin(flags, flags.c.author_id == Mention.author_id)
        .where(Mention.post_id.is_not(None), Mention.kind.not_in(POST_KINDS))
    )
    if in_posts is not None:
        base = base.where(in_posts)
    base = base.subquery("cw_base")
    flagged_author = or_(base.c.repeat_text == 1, base.c.burst == 1, base.c.cross_post == 1)
    q = (
        (1.0 - cast(base.c.p_spam, Float))
        * case((flagged_author, qs.author_factor), else_=1.0)
        * case((base.c.duplicate == 1, 0.0), else_=1.0)
        * case((base.c.low_effort == 1, qs.low_effort_weight), else_=1.0)
    )
    spam = case((base.c.p_spam >= 0.5, 1), else_=0)
    return select(base, spam.label("spam"), q.label("q")).subquery("comment_weight")


@dataclass(frozen=True)
class CommentWeight:
    mention_id: int
    published_at: datetime | None
    author: str | None
    text: str
    sentiment: str | None
    spam_score: float | None
    weight: float
    reasons: tuple[str, ...]


def post_comment_weights(
    session: Session, *, post_id: int, quality: QualitySettings | None = None
) -> list[CommentWeight]:
    """Each stored comment of a post with its weight q_c and the reason codes of every discount."""
    cw = comment_weights(session, post_ids=[post_id], quality=quality)
    rows = session.execute(
        select(
            Mention.id,
            Mention.published_at,
            Author.handle,
            Mention.text,
            Mention.sentiment,
            Mention.spam_score,
            cw.c.q,
            *(cw.c[code] for code in REASON_CODES),
        )
        .select_from(cw)
        .join(Mention, Mention.id == cw.c.mention_id)
        .outerjoin(Author, Author.id == Mention.author_id)
        .order_by(mention_time(), Mention.id)
    ).all()
    return [
        CommentWeight(
            mention_id=r[0],
            published_at=r[1],
            author=r[2],
            text=r[3],
            sentiment=r[4],
            spam_score=r[5],
            weight=float(r[6]),
            reasons=tuple(code for code, flag in zip(REASON_CODES, r[7:], strict=True) if flag),
        )
        for r in rows
    ]


def post_quality(
    session: Session,
    *,
    low_effort_weight: float = DEFAULT_LOW_EFFORT_WEIGHT,
    post_ids: Sequence[int] | Select[Any] | None = None,
) -> Any:
    """A subquery of every post (of ``post_ids`` if given): engagement E_p, stored comments C_p, qualified
    share s_p, QWE_p = s_p × E_p.

    s_p = Σ q_c / C_p, and 1 ("unverified") when no comments are stored. Σ q_c comes from the per-post sums
    the store keeps on write (``post_comment_sums``, the author signals at their default thresholds); the
    low-effort weight and the author factor apply here.
    """
    sums = PostCommentSums.__table__
    lew, af = float(low_effort_weight), float(DEFAULT_QUALITY.author_factor)
    flagged = sums.c.q_flagged + lew * sums.c.q_flagged_low_effort
    sum_q = sums.c.q_plain + lew * sums.c.q_low_effort + af * flagged
    e_p = Post.likes + Post.comments + Post.shares + Post.saves
    c_p = func.coalesce(sums.c.comments, 0)
    s_p = case((c_p == 0, 1.0), else_=sum_q / cast(sums.c.comments, Float))
    stmt = (
        select(
            Post.id.label("post_id"),
            Post.author_id.label("author_id"),
            e_p.label("engagement"),
            c_p.label("comments_stored"),
            s_p.label("qualified_share"),
            (s_p * e_p).label("qwe"),
        )
        .select_from(Post)
        .outerjoin(sums, sums.c.post_id == Post.id)
    )
    if post_ids is not None:
        stmt = stmt.where(Post.id.in_(_ids(post_ids)))
    return stmt.subquery("post_quality")


@dataclass(frozen=True)
class BrandEngagement:
    brand: str
    posts: int
    engagement: int
    qwe: float
    inflation: float | None


def engagement_by_brand(
    session: Session,
    *,
    brands: Sequence[str] | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    low_effort_weight: float = DEFAULT_LOW_EFFORT_WEIGHT,
) -> list[BrandEngagement]:
    """Raw engagement and quality-weighted engagement (QWE) of each brand's posts."""
    in_period = period_filter(func.coalesce(Post.published_at, Post.updated_at), since, until)
    stored = {int(i): n for i, n in session.execute(select(Brand.id, Brand.name)).all()}
    names = list(brands) if brands is not None else list(stored.values())
    # Brand ids, not names, in the query: the planner then knows how many links a brand has (PostgreSQL's
    # statistics are per id) and starts from the 40k post texts instead of the brand's 300k links.
    ids = [i for i, n in stored.items() if n in set(names)]
    by_text = (
        select(Post.id.label("post_id"), MentionBrand.brand_id.label("brand_id"))
        .select_from(Post)
        .join(Mention, and_(Mention.post_id == Post.id, Mention.kind.in_(POST_KINDS)))
        .join(MentionBrand, MentionBrand.mention_id == Mention.id)
        .where(in_period, MentionBrand.brand_id.in_(ids))
    )
    by_campaign = (
        select(Post.id.label("post_id"), Campaign.brand_id.label("brand_id"))
        .select_from(Post)
        .join(Campaign, Campaign.post_id == Post.id)
        .where(in_period, Campaign.brand_id.in_(ids))
    )
    brand_posts = by_text.union(by_campaign).cte("brand_post")  # UNION also removes repeats
    pq = post_quality(session, low_effort_weight=low_effort_weight, post_ids=select(brand_posts.c.post_id))
    stmt = (
        select(
            brand_posts.c.brand_id, func.count(pq.c.post_id), func.sum(pq.c.engagement), func.sum(pq.c.qwe)
        )
        .select_from(brand_posts)
        .join(pq, pq.c.post_id == brand_posts.c.post_id)
        .group_by(brand_posts.c.brand_id)
    )
    rows = session.execute(stmt).all()
    found = {stored[int(b)]: (int(n or 0), int(e or 0), float(q or 0.0)) for b, n, e, q in rows}
    out = []
    for name in sorted(names):
        n, e, q = found.get(name, (0, 0, 0.0))
        out.append(BrandEngagement(name, n, e, q, ratio(e, q)))
    return out


def qw_net_sentiment(
    session: Session,
    *,
    brand: str,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    low_effort_weight: float = DEFAULT_LOW_EFFORT_WEIGHT,
    exclude_thread: bool = False,
) -> float | None:
    """Σ q_c × s_c / Σ q_c × 100 over the brand's labeled mentions (s_c = +1, 0, −1); ``exclude_thread``:
    without comments that count for the brand only from their thread (``mention_brand.from_thread``).

    q_c is the comment weight of ``comment_weights``; a mention outside any post's comments (a post body, an
    article) has q = (1 − p_spam) × low-effort weight.
    """
    if whole_days(since, until) and not exclude_thread:
        # From the per-brand, per-day sums: Σ q × s and Σ q by low effort and author signals.
        bd = BrandDay.__table__
        lew, af = float(low_effort_weight), float(DEFAULT_QUALITY.author_factor)

        def weighted(prefix: str) -> Any:
            c = bd.c
            plain, low = c[f"{prefix}_plain"], c[f"{prefix}_low_effort"]
            flagged, both = c[f"{prefix}_flagged"], c[f"{prefix}_flagged_low_effort"]
            return func.sum(plain + lew * low + af * (flagged + lew * both))

        row = session.execute(
            select(weighted("s"), weighted("q"))
            .select_from(bd)
            .join(Brand, Brand.id == bd.c.brand_id)
            .where(Brand.name == brand, brand_day_period(since, until))  # type: ignore[arg-type]
        ).one()
        return pct(float(row[0] or 0.0), float(row[1] or 0.0))
    in_period = period_filter(mention_time(), since, until)
    # Weights only for the comments of posts under which the brand has labeled comments (a comment's
    # duplicate rank is over its post's comments; other mentions take q_free).
    posts = (
        select(Mention.post_id)
        .join(MentionBrand, MentionBrand.mention_id == Mention.id)
        .join(Brand, Brand.id == MentionBrand.brand_id)
        .where(
            Brand.name == brand,
            Mention.post_id.is_not(None),
            Mention.kind.not_in(POST_KINDS),
            Mention.sentiment.is_not(None),
            in_period,
        )
    )
    cw = comment_weights(session, low_effort_weight=low_effort_weight, post_ids=posts)
    q_free = (1.0 - func.coalesce(Mention.spam_score, 0.0)) * case(
        (Mention.low_effort.is_(True), low_effort_weight), else_=1.0
    )
    q = func.coalesce(cw.c.q, q_free)
    label = brand_sentiment()  # the mention's sentiment for this brand
    s_c = case((label == "positive", 1.0), (label == "negative", -1.0), else_=0.0)
    row = session.execute(
        select(func.sum(q * s_c), func.sum(q))
        .select_from(Mention)
        .join(MentionBrand, MentionBrand.mention_id == Mention.id)
        .join(Brand, Brand.id == MentionBrand.brand_id)
        .outerjoin(cw, cw.c.mention_id == Mention.id)
        .where(Brand.name == brand, Mention.sentiment.is_not(None), in_period)
        .where(*([MentionBrand.from_thread.is_(False)] if exclude_thread else []))
    ).one()
    return pct(float(row[0] or 0.0), float(row[1] or 0.0))
