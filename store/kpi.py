"""Share of voice, net sentiment and quality-weighted engagement, computed in SQL (SQLite and PostgreSQL).

Definitions are those of the README's "Metrics" section: spam mentions are excluded from
P / N / U and from mention counts; a mention that names two brands counts for both, with the sentiment it
gives each brand (``store.brand_sentiment.brand_sentiment``). Percentages are on a
0-100 scale; a metric whose denominator is zero is ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Float, Integer, and_, case, cast, func, literal, or_, select, union_all
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session

from store.brand_sentiment import brand_sentiment
from store.db import as_utc
from store.models import (
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

POST_KINDS = ("post", "article")

# Weight of a low-effort comment (emoji-only, lone @mention, one generic word) in QWE.
DEFAULT_LOW_EFFORT_WEIGHT = 0.5

FORMULAS = {
    "mentions": "count of non-spam mentions matching the brand query",
    "sov": "mentions of the brand / mentions of all brands in its comparison set × 100",
    "sov_engagement": "Σ engagement (likes + replies) of the brand's mentions / same over the set × 100",
    "sov_reach": "Σ author followers of the brand's mentions / same over the set × 100",
    "net_sentiment": "(positive − negative) / (positive + negative + neutral) × 100, spam excluded",
    "net_sentiment_sov": "(P − N) of the brand / Σ over the set of (P + N) × 100",
    "spam_rate": "spam mentions / all mentions of the brand × 100",
    "engagement": "Σ over the brand's posts of likes + comments + shares + saves",
    "qwe": "Σ over posts of s_p × E_p; s_p = Σ comment weights q_c / stored comments (1 when none stored); "
    "q_c = (1 − p_spam) × duplicate (0/1) × low-effort weight",
    "inflation": "raw engagement / quality-weighted engagement",
}


def _ids(ids: Sequence[int] | Select[Any]) -> Any:
    """Ids for ``IN``: a list as given, a select as a subquery (the database never ships the ids to us)."""
    # correlate(None): the select names tables of the query it sits in, and must not be tied to them.
    return ids.correlate(None) if isinstance(ids, Select) else list(ids)


def _pct(num: float, den: float) -> float | None:
    return None if not den else num / den * 100.0


def _ratio(num: float, den: float) -> float | None:
    return None if not den else num / den


def _bounds(since: date | datetime | None, until: date | datetime | None) -> tuple[Any, Any]:
    """Dates are whole days: ``until`` is inclusive of its whole day."""
    lo: Any = since
    hi: Any = until
    if isinstance(since, date) and not isinstance(since, datetime):
        lo = datetime.combine(since, time.min, tzinfo=UTC)
    if isinstance(until, date) and not isinstance(until, datetime):
        hi = datetime.combine(until, time.max, tzinfo=UTC)
    return lo, hi


def period_filter(col: Any, since: Any, until: Any) -> ColumnElement[bool]:
    """``col`` within [since, until]; dates are whole UTC days, None leaves that side open."""
    lo, hi = _bounds(since, until)
    conds = []
    if lo is not None:
        conds.append(col >= lo)
    if hi is not None:
        conds.append(col <= hi)
    return and_(True, *conds)


def _mention_time() -> Any:
    return func.coalesce(Mention.published_at, Mention.first_seen_at)


def _not_spam() -> ColumnElement[bool]:
    return func.coalesce(Mention.is_spam, False).is_(False)


def _whole_days(since: Any, until: Any) -> bool:
    """Bounds the ``brand_day`` rollup can answer: whole days (dates) or open."""
    return all(v is None or (isinstance(v, date) and not isinstance(v, datetime)) for v in (since, until))


def _brand_day_period(since: date | None, until: date | None) -> ColumnElement[bool]:
    bd = BrandDay.__table__
    conds = []
    if since is not None:
        conds.append(bd.c.day >= since.isoformat())
    if until is not None:
        conds.append(bd.c.day <= until.isoformat())
    if conds:  # a mention with no time is in no period ('' sorts before every day)
        conds.append(bd.c.day != "")
    return and_(True, *conds)


def comparison_set(session: Session, brand: str) -> list[str]:
    """The brand and its competitors (same competitor group); every stored brand when it has no group."""
    row = session.execute(select(Brand.competitor_group).where(Brand.name == brand)).first()
    if row is None:
        raise KeyError(f"unknown brand {brand!r}")
    group = row[0]
    stmt = select(Brand.name).order_by(Brand.name)
    if group:
        stmt = stmt.where(Brand.competitor_group == group)
    return [name for (name,) in session.execute(stmt).all()]


@dataclass(frozen=True)
class BrandVoice:
    brand: str
    mentions: int
    spam_mentions: int
    spam_rate: float | None
    positive: int
    negative: int
    neutral: int
    positive_pct: float | None
    negative_pct: float | None
    net_sentiment: float | None
    engagement: int
    reach: int
    sov: float | None
    sov_engagement: float | None
    sov_reach: float | None
    net_sentiment_sov: float | None


def share_of_voice(
    session: Session,
    *,
    brands: Sequence[str] | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
) -> list[BrandVoice]:
    """Voice figures of each brand of a comparison set (all brands by default), shares within that set."""
    if _whole_days(since, until):
        # Whole days: from the per-brand, per-day rollup (a few hundred rows instead of every mention).
        bd = BrandDay.__table__
        sums = (bd.c[c] for c in ("mentions", "spam_mentions", "positive", "negative", "neutral"))
        stmt = (
            select(Brand.name, *(func.sum(c) for c in sums), func.sum(bd.c.engagement), func.sum(bd.c.reach))
            .select_from(Brand)
            .join(bd, bd.c.brand_id == Brand.id)
            .where(_brand_day_period(since, until))  # type: ignore[arg-type]
            .group_by(Brand.name)
        )
    else:
        not_spam = _not_spam()
        ns = lambda expr: func.sum(case((not_spam, expr), else_=0))  # noqa: E731
        label = brand_sentiment()
        stmt = (
            select(
                Brand.name,
                ns(1).label("mentions"),
                func.sum(case((not_spam, 0), else_=1)).label("spam"),
                ns(case((label == "positive", 1), else_=0)).label("p"),
                ns(case((label == "negative", 1), else_=0)).label("n"),
                ns(case((label == "neutral", 1), else_=0)).label("u"),
                ns(Mention.likes + Mention.replies).label("engagement"),
                ns(func.coalesce(Author.followers, 0)).label("reach"),
            )
            .select_from(Brand)
            .join(MentionBrand, MentionBrand.brand_id == Brand.id)
            .join(Mention, Mention.id == MentionBrand.mention_id)
            .outerjoin(Author, Author.id == Mention.author_id)
            .where(period_filter(_mention_time(), since, until))
            .group_by(Brand.name)
        )
    if brands is not None:
        stmt = stmt.where(Brand.name.in_(list(brands)))
    rows = {r[0]: r for r in session.execute(stmt).all()}
    names = list(brands) if brands is not None else [n for (n,) in session.execute(select(Brand.name)).all()]
    data = {n: tuple(int(x or 0) for x in rows[n][1:]) if n in rows else (0,) * 7 for n in names}
    tot_m = sum(v[0] for v in data.values())
    tot_e = sum(v[5] for v in data.values())
    tot_r = sum(v[6] for v in data.values())
    tot_pn = sum(v[2] + v[3] for v in data.values())
    out = []
    for name in sorted(names):
        m, spam, p, n, u, e, r = data[name]
        out.append(
            BrandVoice(
                brand=name,
                mentions=m,
                spam_mentions=spam,
                spam_rate=_pct(spam, m + spam),
                positive=p,
                negative=n,
                neutral=u,
                positive_pct=_pct(p, p + n + u),
                negative_pct=_pct(n, p + n + u),
                net_sentiment=_pct(p - n, p + n + u),
                engagement=e,
                reach=r,
                sov=_pct(m, tot_m),
                sov_engagement=_pct(e, tot_e),
                sov_reach=_pct(r, tot_r),
                net_sentiment_sov=_pct(p - n, tot_pn),
            )
        )
    return out


@dataclass(frozen=True)
class SentimentPoint:
    day: str  # YYYY-MM-DD (UTC)
    brand: str
    positive: int
    negative: int
    neutral: int
    net_sentiment: float | None


def net_sentiment_by_day(
    session: Session,
    *,
    brands: Sequence[str] | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
) -> list[SentimentPoint]:
    """Daily P / N / U counts and net sentiment per brand (labeled, non-spam mentions)."""
    if _whole_days(since, until):
        bd = BrandDay.__table__
        stmt = (
            select(bd.c.day, Brand.name, bd.c.positive, bd.c.negative, bd.c.neutral)
            .select_from(Brand)
            .join(bd, bd.c.brand_id == Brand.id)
            .where(
                _brand_day_period(since, until),  # type: ignore[arg-type]
                bd.c.day != "",
                bd.c.positive + bd.c.negative + bd.c.neutral > 0,
            )
            .order_by(bd.c.day, Brand.name)
        )
        if brands is not None:
            stmt = stmt.where(Brand.name.in_(list(brands)))
        return [
            SentimentPoint(d, name, int(p), int(n), int(u), _pct(p - n, p + n + u))
            for d, name, p, n, u in session.execute(stmt).all()
        ]
    day = day_of(session, _mention_time())
    label = brand_sentiment()
    stmt = (
        select(
            day.label("day"),
            Brand.name,
            func.sum(case((label == "positive", 1), else_=0)),
            func.sum(case((label == "negative", 1), else_=0)),
            func.sum(case((label == "neutral", 1), else_=0)),
        )
        .select_from(Brand)
        .join(MentionBrand, MentionBrand.brand_id == Brand.id)
        .join(Mention, Mention.id == MentionBrand.mention_id)
        .where(_not_spam(), Mention.sentiment.is_not(None), period_filter(_mention_time(), since, until))
        .group_by(day, Brand.name)
        .order_by(day, Brand.name)
    )
    if brands is not None:
        stmt = stmt.where(Brand.name.in_(list(brands)))
    out = []
    for d, name, p, n, u in session.execute(stmt).all():
        p, n, u = int(p or 0), int(n or 0), int(u or 0)
        out.append(SentimentPoint(str(d)[:10], name, p, n, u, _pct(p - n, p + n + u)))
    return out


def day_of(session: Session, col: Any) -> Any:
    """The UTC day of a time column as YYYY-MM-DD text, the same on both backends."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", col), "YYYY-MM-DD")
    return func.strftime("%Y-%m-%d", col)


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


def _bucket(session: Session, col: Any, seconds: int) -> Any:
    """floor(epoch seconds of ``col`` / ``seconds``): the same integer window number on both backends.

    PostgreSQL: ``date_part`` (a double; ``extract`` gives a slower numeric) and ``floor`` (a cast to integer
    would round, putting a time in the second half of a window into the next one). SQLite: integer division
    of whole epoch seconds, which floors for times after 1970.
    """
    if session.get_bind().dialect.name == "postgresql":
        return func.floor(func.date_part("epoch", col, type_=Float) / float(seconds))
    return cast(func.strftime("%s", col), Integer) // seconds


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
    t = func.coalesce(Mention.published_at, Mention.first_seen_at)
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
        .group_by(Mention.author_id, _bucket(session, t, burst_seconds))
        .subquery()
    )
    cross = (
        select(Mention.author_id.label("author_id"), func.count(func.distinct(Mention.post_id)).label("n"))
        .where(comments, t.is_not(None))
        .group_by(Mention.author_id, _bucket(session, t, cross_post_seconds))
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


def refresh_author_signals(session: Session, *, author_ids: Iterable[int] | None = None) -> set[int]:
    """Recompute the ``author_signal`` rollup for these authors (every author when None).

    The store calls it after every write of mentions, for the authors written; QWE then reads an author's
    signals from one row instead of aggregating all stored comments on every query. Returns the authors
    (of ``author_ids``) whose author factor under the default thresholds changed: the weight of each of
    their comments changed with it.
    """
    table = AuthorSignal.__table__
    ids = None if author_ids is None else sorted({int(a) for a in author_ids if a is not None})
    if ids is not None and not ids:
        return set()

    def flagged() -> set[int]:
        if ids is None:
            return set()
        stmt = select(table.c.author_id).where(table.c.author_id.in_(ids), author_flagged(table))
        return {int(a) for (a,) in session.execute(stmt).all()}

    before = flagged()
    delete = table.delete()
    session.execute(delete if ids is None else delete.where(table.c.author_id.in_(ids)))
    src = signal_maxima(session, author_ids=ids).subquery()
    session.execute(
        table.insert().from_select(
            ["author_id", "same_text_max", "burst_max", "cross_post_max"],
            select(src.c.author_id, src.c.same_text_max, src.c.burst_max, src.c.cross_post_max),
        )
    )
    return before ^ flagged()


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
        .order_by(func.coalesce(Mention.published_at, Mention.first_seen_at), Mention.id)
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
        out.append(BrandEngagement(name, n, e, q, _ratio(e, q)))
    return out


def qw_net_sentiment(
    session: Session,
    *,
    brand: str,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    low_effort_weight: float = DEFAULT_LOW_EFFORT_WEIGHT,
) -> float | None:
    """Σ q_c × s_c / Σ q_c × 100 over the brand's labeled mentions (s_c = +1, 0, −1).

    q_c is the comment weight of ``comment_weights``; a mention outside any post's comments (a post body, an
    article) has q = (1 − p_spam) × low-effort weight.
    """
    if _whole_days(since, until):
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
            .where(Brand.name == brand, _brand_day_period(since, until))  # type: ignore[arg-type]
        ).one()
        return _pct(float(row[0] or 0.0), float(row[1] or 0.0))
    in_period = period_filter(_mention_time(), since, until)
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
    ).one()
    return _pct(float(row[0] or 0.0), float(row[1] or 0.0))


@dataclass(frozen=True)
class CampaignPerformance:
    campaign: str
    influencer: str
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


def campaign_performance(
    session: Session,
    *,
    brand: str,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    low_effort_weight: float = DEFAULT_LOW_EFFORT_WEIGHT,
) -> list[CampaignPerformance]:
    """One row per (campaign, influencer) of the brand, raw and quality-weighted side by side.

    ER by followers is the mean of per-post E / F × 100 (QW-ER likewise with QWE); cost, impressions, clicks,
    conversions and revenue are summed over the campaign's rows. A campaign row counts when its post was
    published in the period, or, with no post date, when its start date is in the period.
    """
    own_posts = (
        select(Campaign.post_id)
        .join(Brand, Brand.id == Campaign.brand_id)
        .where(Brand.name == brand, Campaign.post_id.is_not(None))
    )
    pq = post_quality(session, low_effort_weight=low_effort_weight, post_ids=own_posts)
    followers = Author.followers
    per_post_er = case((followers > 0, pq.c.engagement * 100.0 / followers), else_=None)
    per_post_qwer = case((followers > 0, pq.c.qwe * 100.0 / followers), else_=None)
    when = func.coalesce(Post.published_at, Campaign.starts_on)
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
        .where(Brand.name == brand, or_(when.is_(None), period_filter(when, since, until)))
        # Costs in different currencies are never added up: one row per currency.
        .group_by(Campaign.name, Campaign.influencer, Campaign.currency)
        .order_by(Campaign.name, Campaign.influencer, Campaign.currency)
    )
    out = []
    for row in session.execute(stmt).all():
        name, infl, currency, posts, fol, e, qwe, er, qwer, cost, imp, clicks, conv, rev, views = row
        e, qwe, cost = int(e or 0), float(qwe or 0.0), float(cost or 0.0)
        # CTR per impressions, or per views where the campaign file gives no impressions.
        ctr_base = float(imp) if imp else float(views or 0)
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
                cpe=_ratio(cost, e),
                cpe_qwe=_ratio(cost, qwe),
                cpm=_ratio(cost * 1000.0, float(imp or 0)),
                ctr=_pct(float(clicks or 0), ctr_base) if clicks is not None else None,
                conversion_rate=_pct(float(conv or 0), float(clicks or 0)),
                roi=_pct(float(rev or 0.0) - cost, cost) if rev is not None else None,
                roas=_ratio(float(rev), cost) if rev is not None else None,
            )
        )
    return out


def brand_report(
    session: Session,
    *,
    brand: str,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    low_effort_weight: float = DEFAULT_LOW_EFFORT_WEIGHT,
) -> dict[str, Any]:
    """Every headline figure of a brand for a period (what ``brandpulse kpi --json`` prints)."""
    group = comparison_set(session, brand)
    voice = {v.brand: v for v in share_of_voice(session, brands=group, since=since, until=until)}[brand]
    (eng,) = engagement_by_brand(
        session, brands=[brand], since=since, until=until, low_effort_weight=low_effort_weight
    )
    return {
        "brand": brand,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "mentions": voice.mentions,
        "spam_mentions": voice.spam_mentions,
        "spam_rate": voice.spam_rate,
        "sov": voice.sov,
        "sov_engagement": voice.sov_engagement,
        "sov_reach": voice.sov_reach,
        "positive_pct": voice.positive_pct,
        "negative_pct": voice.negative_pct,
        "net_sentiment": voice.net_sentiment,
        "net_sentiment_sov": voice.net_sentiment_sov,
        "engagement": eng.engagement,
        "qwe": eng.qwe,
        "inflation": eng.inflation,
        "qw_net_sentiment": qw_net_sentiment(
            session, brand=brand, since=since, until=until, low_effort_weight=low_effort_weight
        ),
        "campaigns": [
            asdict(c)
            for c in campaign_performance(
                session, brand=brand, since=since, until=until, low_effort_weight=low_effort_weight
            )
        ],
    }


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
    when = func.coalesce(Post.published_at, Campaign.starts_on)
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
        .where(or_(when.is_(None), period_filter(when, since, until)))
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
