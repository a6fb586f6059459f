"""Rollups the store keeps current on every write, so KPI queries read a few rows instead of every mention.

- ``mention.duplicate``: a comment that repeats an earlier comment's normalised text on the same post (QWE's
  d = 0), recomputed for every post whose comments are written.
- ``post_comment_sums``: per post, the stored comments and Σ (1 − p_spam) × d split by low effort and by the
  author factor's signals: QWE's qualified share s_p.
- ``brand_day``: per brand and UTC day, the voice counts and the sums of QW net sentiment, with the
  sentiment each mention gives that brand (``store.brand_sentiment``).
- ``author_signal`` (:func:`refresh_author_signals`): per author, the counts behind the author factor.

Every refresh recomputes whole rows from the base tables (never adds deltas), for a set of posts or of
(brand, day) keys, so a refresh that covers more than what changed is still exact. ``store.repo`` calls
:func:`refresh_after_write` after each write; any other code that changes mentions, their labels, brand
links or author followers must call it too (or :func:`refresh_all`).

The author-signal split uses the default thresholds (``store.kpi.DEFAULT_QUALITY``); the low-effort weight and
the author factor are applied when reading (``store.kpi.quality``), so they stay configuration.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Float, and_, case, cast, func, or_, select, tuple_, update
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from store.brand_sentiment import brand_sentiment
from store.kpi.quality import author_flagged, signal_maxima
from store.models import POST_KINDS, Author, AuthorSignal, BrandDay, Mention, MentionBrand, PostCommentSums
from store.sql import CHUNK, chunks, day_of, mention_time, period_filter

UNDATED = ""  # brand_day.day of mentions with neither a published nor a first-seen time

BrandDayKey = tuple[int, str]


def _comment() -> ColumnElement[bool]:
    return and_(Mention.post_id.is_not(None), Mention.kind.not_in(POST_KINDS))


# ---------------------------------------------------------------- duplicate flags


def duplicate_ranks(post_ids: Sequence[int] | None = None) -> Any:
    """The comments (of ``post_ids``) with their duplicate flag as defined: rank > 1 among the post's comments
    with the same non-empty text hash, in order of time, then id."""
    rank = func.row_number().over(
        partition_by=(Mention.post_id, Mention.text_hash),
        order_by=(mention_time(), Mention.id),
    )
    dup = case((and_(Mention.text_hash.is_not(None), Mention.text_hash != "", rank > 1), True), else_=False)
    stmt = select(Mention.id.label("mention_id"), dup.label("duplicate")).where(_comment())
    if post_ids is not None:
        stmt = stmt.where(Mention.post_id.in_(list(post_ids)))
    return stmt.subquery("duplicate_rank")


def refresh_duplicates(session: Session, *, post_ids: Iterable[int] | None = None) -> set[int]:
    """Recompute ``mention.duplicate`` for the comments of these posts (all posts when None); returns the
    comments whose flag changed."""
    t = Mention.__table__
    changed: set[int] = set()
    for ids in [None] if post_ids is None else chunks(post_ids):
        r = duplicate_ranks(ids)
        stmt = (
            update(t)
            .where(t.c.id == r.c.mention_id, t.c.duplicate != r.c.duplicate)
            .values(duplicate=r.c.duplicate)
        )
        if ids is None:
            session.execute(stmt)
        else:
            changed |= set(session.execute(stmt.returning(t.c.id)).scalars())
    return changed


# ---------------------------------------------------------------- author signals


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


# ---------------------------------------------------------------- per-post comment sums


def _weight_parts(signal: Any) -> tuple[Any, Any, Any]:
    """(1 − p_spam) × d, the low-effort test and the author-signal test of a mention."""
    base = (1.0 - cast(func.coalesce(Mention.spam_score, 0.0), Float)) * case(
        (and_(_comment(), Mention.duplicate.is_(True)), 0.0), else_=1.0
    )
    low = Mention.low_effort.is_(True)
    flagged = and_(_comment(), func.coalesce(author_flagged(signal), False))
    return base, low, flagged


def _split_sum(value: Any, low: Any, flagged: Any) -> list[Any]:
    """Σ value in the four cells (plain, low effort, flagged author, both)."""
    return [
        func.coalesce(func.sum(case((and_(f, lo), value), else_=0.0)), 0.0)
        for f, lo in ((~flagged, ~low), (~flagged, low), (flagged, ~low), (flagged, low))
    ]


def post_comment_sums_select(post_ids: Sequence[int] | None = None) -> Any:
    """The ``post_comment_sums`` rows recomputed from the base tables (for ``post_ids``, else every post)."""
    signal = AuthorSignal.__table__
    base, low, flagged = _weight_parts(signal)
    stmt = (
        select(Mention.post_id, func.count(), *_split_sum(base, low, flagged))
        .select_from(Mention)
        .outerjoin(signal, signal.c.author_id == Mention.author_id)
        .where(_comment())
        .group_by(Mention.post_id)
    )
    if post_ids is not None:
        stmt = stmt.where(Mention.post_id.in_(list(post_ids)))
    return stmt


POST_SUM_COLUMNS = ["post_id", "comments", "q_plain", "q_low_effort", "q_flagged", "q_flagged_low_effort"]


def refresh_post_comment_sums(session: Session, *, post_ids: Iterable[int] | None = None) -> None:
    """Recompute ``post_comment_sums`` for these posts (every post when None)."""
    t = PostCommentSums.__table__
    for ids in [None] if post_ids is None else chunks(post_ids):
        session.execute(t.delete() if ids is None else t.delete().where(t.c.post_id.in_(ids)))
        session.execute(t.insert().from_select(POST_SUM_COLUMNS, post_comment_sums_select(ids)))


# ---------------------------------------------------------------- per-brand, per-day sums


def mention_day(session: Session) -> Any:
    """A mention's UTC day as YYYY-MM-DD ('' without any time), as ``brand_day.day`` holds it."""
    return func.coalesce(day_of(session, mention_time()), UNDATED)


BRAND_DAY_COLUMNS = [
    "brand_id",
    "day",
    "mentions",
    "spam_mentions",
    "positive",
    "negative",
    "neutral",
    "engagement",
    "reach",
    "q_plain",
    "q_low_effort",
    "q_flagged",
    "q_flagged_low_effort",
    "s_plain",
    "s_low_effort",
    "s_flagged",
    "s_flagged_low_effort",
]


def brand_day_select(session: Session, where: ColumnElement[bool] | None = None) -> Any:
    """The ``brand_day`` rows recomputed from the base tables, for the (mention, brand) links ``where``
    keeps (every link when None)."""
    signal = AuthorSignal.__table__
    day = mention_day(session)
    spam = func.coalesce(Mention.is_spam, False).is_(True)
    ham = lambda expr: func.coalesce(func.sum(case((~spam, expr), else_=0)), 0)  # noqa: E731
    labeled = Mention.sentiment.is_not(None)
    label = brand_sentiment()  # the sentiment the mention gives this link's brand
    base, low, flagged = _weight_parts(signal)
    s_c = case((label == "positive", 1.0), (label == "negative", -1.0), else_=0.0)
    q = case((labeled, base), else_=0.0)
    stmt = (
        select(
            MentionBrand.brand_id,
            day,
            ham(1),
            func.coalesce(func.sum(case((spam, 1), else_=0)), 0),
            ham(case((label == "positive", 1), else_=0)),
            ham(case((label == "negative", 1), else_=0)),
            ham(case((label == "neutral", 1), else_=0)),
            ham(Mention.likes + Mention.replies),
            ham(func.coalesce(Author.followers, 0)),
            *_split_sum(q, low, flagged),
            *_split_sum(q * s_c, low, flagged),
        )
        .select_from(MentionBrand)
        .join(Mention, Mention.id == MentionBrand.mention_id)
        .outerjoin(Author, Author.id == Mention.author_id)
        .outerjoin(signal, signal.c.author_id == Mention.author_id)
        .group_by(MentionBrand.brand_id, day)
    )
    return stmt if where is None else stmt.where(where)


def _day_ranges(days: Iterable[str]) -> list[tuple[date, date]]:
    """Consecutive days merged into (first, last) ranges."""
    out: list[tuple[date, date]] = []
    for d in sorted(date.fromisoformat(x) for x in set(days)):
        if out and d - out[-1][1] == timedelta(days=1):
            out[-1] = (out[-1][0], d)
        else:
            out.append((d, d))
    return out


def refresh_brand_days(session: Session, *, keys: Iterable[BrandDayKey] | None = None) -> None:
    """Recompute ``brand_day`` for these (brand id, day) keys (everything when None).

    The brands × days of the keys are recomputed: a superset, and as exact.
    """
    t = BrandDay.__table__
    if keys is None:
        session.execute(t.delete())
        session.execute(t.insert().from_select(BRAND_DAY_COLUMNS, brand_day_select(session)))
        return
    keys = set(keys)
    if not keys:
        return
    brands = sorted({b for b, _ in keys})
    days = sorted({d for _, d in keys})
    when = [period_filter(mention_time(), lo, hi) for lo, hi in _day_ranges(d for d in days if d != UNDATED)]
    if UNDATED in days:
        when.append(and_(Mention.published_at.is_(None), Mention.first_seen_at.is_(None)))
    session.execute(t.delete().where(t.c.brand_id.in_(brands), t.c.day.in_(days)))
    where = and_(MentionBrand.brand_id.in_(brands), or_(*when))
    session.execute(t.insert().from_select(BRAND_DAY_COLUMNS, brand_day_select(session, where)))


def brand_day_keys(session: Session, where: ColumnElement[bool]) -> set[BrandDayKey]:
    """The (brand id, day) keys of the mentions ``where`` selects."""
    day = mention_day(session)
    stmt = (
        select(MentionBrand.brand_id, day)
        .select_from(Mention)
        .join(MentionBrand, MentionBrand.mention_id == Mention.id)
        .where(where)
        .distinct()
    )
    return {(int(b), str(d)) for b, d in session.execute(stmt).all()}


def keys_of_mentions(session: Session, mention_ids: Iterable[int]) -> set[BrandDayKey]:
    out: set[BrandDayKey] = set()
    for ids in chunks(mention_ids):
        out |= brand_day_keys(session, Mention.id.in_(ids))
    return out


# ---------------------------------------------------------------- after a write

# pg_advisory_xact_lock key of the store's writes ("bp" "rl" in ASCII).
WRITE_LOCK = 0x6270_726C


def lock_for_write(session: Session) -> None:
    """Serialise the store's writing transactions on PostgreSQL until commit (SQLite serialises every writer).

    The rollups are recomputed from what a transaction sees; two writers recounting the same key at once
    would each miss the other's rows. Taken before the transaction's first write, so it cannot deadlock
    with row locks; taking it again in the same transaction returns at once.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(WRITE_LOCK)))


def prior_state(
    session: Session, *, keys: Iterable[tuple[str, str]]
) -> tuple[set[int], set[int], set[BrandDayKey]]:
    """Before mentions are upserted: the posts, authors and (brand, day) keys the stored ones (by platform,
    external id) count under now, which the write may move them out of."""
    posts: set[int] = set()
    authors: set[int] = set()
    found: set[BrandDayKey] = set()
    day = mention_day(session)
    for chunk in chunks(keys, CHUNK // 2):
        rows = session.execute(
            select(Mention.post_id, Mention.author_id, MentionBrand.brand_id, day)
            .select_from(Mention)
            .outerjoin(MentionBrand, MentionBrand.mention_id == Mention.id)
            .where(tuple_(Mention.platform, Mention.external_id).in_(chunk))
        ).all()
        for post_id, author_id, brand_id, d in rows:
            if post_id is not None:
                posts.add(int(post_id))
            if author_id is not None:
                authors.add(int(author_id))
            if brand_id is not None:
                found.add((int(brand_id), str(d)))
    return posts, authors, found


def refresh_after_write(
    session: Session,
    *,
    mention_ids: Iterable[int] = (),
    post_ids: Iterable[int] = (),
    author_ids: Iterable[int] = (),
    follower_author_ids: Iterable[int] = (),
    keys: Iterable[BrandDayKey] = (),
) -> None:
    """Bring every rollup up to date after a write.

    ``mention_ids``: mentions written, relabeled or newly linked to a brand (their (brand, day) keys are
    recounted, and the comment sums of their posts); ``post_ids``: posts whose set of comments changed
    (duplicate flags and comment sums recomputed; comments whose flag changed are recounted);
    ``author_ids``: authors whose comments were written (their signals are recomputed; a change of their
    author factor recounts all their comments); ``follower_author_ids``: authors whose follower count
    changed (reach of their mentions); ``keys``: (brand id, day) keys to recount besides (e.g. where the
    written mentions counted before the write).
    """
    touched = {int(p) for p in post_ids}
    mentions = {int(m) for m in mention_ids}
    if touched:
        mentions |= refresh_duplicates(session, post_ids=touched)
    flipped = refresh_author_signals(session, author_ids=author_ids)
    # Comment sums change under the posts written, under those of relabeled comments, and, for an author
    # whose signals now cross (or no longer cross) a threshold, under every post the author commented on.
    sums = set(touched)
    for col, values in ((Mention.author_id, flipped), (Mention.id, mentions)):
        for ids in chunks(values):
            stmt = select(Mention.post_id).where(col.in_(ids), _comment()).distinct()
            sums |= {int(p) for (p,) in session.execute(stmt).all()}
    if sums:
        refresh_post_comment_sums(session, post_ids=sums)
    found = set(keys) | keys_of_mentions(session, mentions)
    for ids in chunks(set(flipped) | {int(a) for a in follower_author_ids}):
        found |= brand_day_keys(session, Mention.author_id.in_(ids))
    refresh_brand_days(session, keys=found)


def refresh_all(session: Session) -> None:
    """Recompute every rollup from the base tables (after a bulk load that went around ``store.repo``)."""
    refresh_author_signals(session)
    refresh_duplicates(session)
    refresh_post_comment_sums(session)
    refresh_brand_days(session)
