"""The Negative feed one page at a time: filters, sorts and keyset pagination in SQL, with a true total.

A page is the next ``page_size`` mentions after a cursor (the sort key and id of the last card shown), never
an OFFSET: page 500 costs what page 1 costs, and a mention triaged while someone reads does not shift the
next page into duplicates or gaps. The total is a COUNT under the same filters.

Sorts (``FEED_SORTS``), each ending in the id so the order is total:

- ``newest``: the mention's time (published, else first seen), newest first;
- ``reach``: author followers + likes + replies (``store.sql.mention_reach``), widest first;
- ``severity``: p_negative × reach, first the mentions that are surely negative and widely seen;
- ``confidence_desc`` / ``confidence_asc``: the model's p_negative, ties newest first, none last.

>>> page = feed_page(session, FeedFilter(), sort="severity")  # doctest: +SKIP
>>> feed_page(session, FeedFilter(), sort="severity", after=page.next_cursor)  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, false, func, literal, or_, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from store.brand_sentiment import has_brand_sentiment
from store.feed import FeedMention, brand_names_of
from store.models import POST_KINDS, TRIAGE_STATUSES, Author, Brand, Mention, MentionBrand, Post
from store.sql import mention_reach, mention_time, not_spam, period_filter
from store.timeutil import as_utc

FEED_SORTS = ("newest", "reach", "severity", "confidence_desc", "confidence_asc")
PAGE_SIZE = 25
MAX_PAGE_SIZE = 500
# The assignee / priority filter's value for "nobody" / "no priority".
UNASSIGNED = ""
NO_PRIORITY = ""

# A cursor: the last shown mention's sort key values, then its id (as read from the database).
FeedCursor = tuple[Any, ...]


@dataclass(frozen=True)
class FeedFilter:
    """What the feed shows: non-spam mentions negative for ``brand`` (any brand when None), narrowed by every
    field that is set. Empty tuples mean "any". ``assignees`` / ``priorities`` may hold ``UNASSIGNED`` /
    ``NO_PRIORITY``. ``search`` is a case-insensitive substring of the text or the author's handle."""

    brand: str | None = None
    statuses: tuple[str, ...] = TRIAGE_STATUSES
    sources: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    since: date | datetime | None = None
    until: date | datetime | None = None
    min_confidence: float | None = None
    max_confidence: float | None = None
    search: str | None = None
    # True: only comments that count for the brand from their thread (they name no brand); False: only
    # mentions that name it; None: both.
    from_thread: bool | None = None


@dataclass(frozen=True)
class FeedPage:
    mentions: list[FeedMention]
    total: int  # every mention under the filter, not only this page's
    next_cursor: FeedCursor | None  # None: this is the last page


def severity() -> Any:
    """p_negative × reach, as SQL (0 for a mention without a probability)."""
    return func.coalesce(Mention.p_negative, 0.0) * mention_reach()


def _sort_keys(sort: str) -> list[tuple[Any, bool, bool]]:
    """(expression, descending, nulls first) per key of ``sort``, the id last."""
    t = mention_time()
    newest = [(t, True, True), (Mention.id, True, False)]
    keys = {
        "newest": newest,
        "reach": [(mention_reach(), True, False), (Mention.id, True, False)],
        "severity": [(severity(), True, False), (Mention.id, True, False)],
        "confidence_desc": [(Mention.p_negative, True, False), *newest],
        "confidence_asc": [(Mention.p_negative, False, False), *newest],
    }
    if sort not in keys:
        raise ValueError(f"sort must be one of {', '.join(FEED_SORTS)}, not {sort!r}")
    return keys[sort]


def _order(expr: Any, descending: bool, nulls_first: bool) -> Any:
    ordered = expr.desc() if descending else expr.asc()
    return ordered.nulls_first() if nulls_first else ordered.nulls_last()


def _beyond(expr: Any, descending: bool, nulls_first: bool, value: Any) -> ColumnElement[bool] | None:
    """Rows strictly after ``value`` on this key alone (None: no row can be)."""
    if value is None:
        return expr.is_not(None) if nulls_first else None
    step = expr < value if descending else expr > value
    return step if nulls_first else or_(step, expr.is_(None))


def _after(keys: list[tuple[Any, bool, bool]], cursor: FeedCursor) -> ColumnElement[bool]:
    """The keyset condition: rows after ``cursor`` in the order of ``keys`` (lexicographic, NULL-aware)."""
    if len(cursor) != len(keys):
        raise ValueError("the cursor belongs to another sort")
    conds = []
    for i, (expr, descending, nulls_first) in enumerate(keys):
        step = _beyond(expr, descending, nulls_first, cursor[i])
        if step is None:
            continue
        same = [k[0].is_(None) if v is None else k[0] == v for k, v in zip(keys[:i], cursor[:i], strict=True)]
        conds.append(and_(*same, step))
    return or_(false(), *conds)


def _like(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, its wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(flt: FeedFilter) -> tuple[list[ColumnElement[bool]], bool]:
    """The WHERE conditions of ``flt`` and whether they need ``author`` joined."""
    conds: list[ColumnElement[bool]] = [
        # Negative for the brand (for any of its brands when None): a comparison of two brands can be
        # negative about one of them only (store.brand_sentiment).
        has_brand_sentiment("negative", flt.brand),
        not_spam(),
        Mention.triage_status.in_(flt.statuses),
        period_filter(mention_time(), flt.since, flt.until),
    ]
    if flt.from_thread is not None:
        conds.append(Mention.id.in_(thread_links(flt.from_thread, flt.brand)))
    if flt.sources:
        conds.append(Mention.platform.in_(flt.sources))
    if flt.langs:
        conds.append(Mention.lang.in_(flt.langs))
    for column, values, empty in (
        (Mention.triage_assignee, flt.assignees, UNASSIGNED),
        (Mention.triage_priority, flt.priorities, NO_PRIORITY),
    ):
        if values:
            named = [v for v in values if v != empty]
            either = [column.in_(named)] if named else []
            if empty in values:
                either.append(column.is_(None))
            conds.append(or_(*either))
    if flt.min_confidence is not None:
        conds.append(Mention.p_negative >= flt.min_confidence)
    if flt.max_confidence is not None:
        conds.append(Mention.p_negative <= flt.max_confidence)
    needle = (flt.search or "").strip()
    if needle:
        pattern = _like(needle)
        conds.append(or_(Mention.text.ilike(pattern, escape="\\"), Author.handle.ilike(pattern, escape="\\")))
    return conds, bool(needle)


def thread_links(from_thread: bool, brand: str | None) -> Any:
    """Ids of the mentions linked to ``brand`` (any brand when None) from their thread, or by name."""
    stmt = select(MentionBrand.mention_id).where(MentionBrand.from_thread.is_(from_thread))
    if brand is not None:
        stmt = stmt.join(Brand, Brand.id == MentionBrand.brand_id).where(Brand.name == brand)
    return stmt


def thread_brand_names_of(session: Session, mention_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """Mention id → the names of the brands it counts for only from its thread, sorted."""
    names: dict[int, list[str]] = {}
    if mention_ids:
        for mid, name in session.execute(
            select(MentionBrand.mention_id, Brand.name)
            .join(Brand, Brand.id == MentionBrand.brand_id)
            .where(MentionBrand.mention_id.in_(mention_ids), MentionBrand.from_thread.is_(True))
        ).all():
            names.setdefault(mid, []).append(name)
    return {mid: tuple(sorted(n)) for mid, n in names.items()}


def feed_count(session: Session, flt: FeedFilter) -> int:
    """How many mentions ``flt`` selects (the feed's true total)."""
    if not flt.statuses:
        return 0
    conds, needs_author = _conditions(flt)
    stmt = select(func.count()).select_from(Mention)
    if needs_author:
        stmt = stmt.outerjoin(Author, Author.id == Mention.author_id)
    return int(session.execute(stmt.where(*conds)).scalar_one())


def feed_page(
    session: Session,
    flt: FeedFilter,
    *,
    sort: str = "newest",
    after: FeedCursor | None = None,
    page_size: int = PAGE_SIZE,
    with_total: bool = True,
) -> FeedPage:
    """The ``page_size`` mentions of ``flt`` in ``sort`` order after ``after`` (None: the first page), the
    total under ``flt`` (0 when ``with_total`` is False) and the cursor of the next page."""
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be 1 to {MAX_PAGE_SIZE}, not {page_size}")
    keys = _sort_keys(sort)
    if not flt.statuses:
        return FeedPage([], 0, None)
    conds, _ = _conditions(flt)
    # The filter runs once, into a materialised set of ids and sort keys; the page and the total are both
    # read from it. Left to itself, PostgreSQL walks a sort order and tests each row's brand links until the
    # page is full, which for a sort whose first rows are rarely in the feed (least confident first) visits
    # most of the store; the set costs what the filter costs, whatever the sort (benchmarks/bench_feed.py).
    found = (
        select(Mention.id.label("id"), *(k[0].label(f"k{i}") for i, k in enumerate(keys[:-1])))
        .select_from(Mention)
        .outerjoin(Author, Author.id == Mention.author_id)
        .where(*conds)
        .cte("feed_found")
        .prefix_with("MATERIALIZED", dialect="postgresql")  # SQLite before 3.35 has no such keyword
    )
    cols = [found.c[f"k{i}"] for i in range(len(keys) - 1)] + [found.c.id]
    found_keys = [(col, desc, nulls) for col, (_, desc, nulls) in zip(cols, keys, strict=True)]
    total_col = select(func.count()).select_from(found).scalar_subquery() if with_total else literal(0)
    stmt = select(*cols, total_col).order_by(*(_order(*k) for k in found_keys)).limit(page_size + 1)
    if after is not None:
        stmt = stmt.where(_after(found_keys, after))
    rows = session.execute(stmt).all()
    total = int(rows[0][-1]) if rows else 0
    if not rows and with_total and after is not None:  # past the last page: the total is asked for alone
        total = feed_count(session, flt)
    more = len(rows) > page_size
    rows = rows[:page_size]
    ids = [r[-2] for r in rows]
    cards = _cards(session, ids)
    names = brand_names_of(session, ids)
    thread = thread_brand_names_of(session, ids)
    mentions = [replace(_feed_mention(cards[i], names), thread_brands=thread.get(i, ())) for i in ids]
    next_cursor = tuple(rows[-1][:-1]) if more and rows else None
    return FeedPage(mentions, total, next_cursor)


def _cards(session: Session, ids: list[int]) -> dict[int, Any]:
    """Mention id → (mention, author handle, followers, parent post title, parent post URL)."""
    if not ids:
        return {}
    parent = Post.__table__.alias("parent")
    stmt = (
        select(Mention, Author.handle, func.coalesce(Author.followers, 0), parent.c.title, parent.c.url)
        .select_from(Mention)
        .outerjoin(Author, Author.id == Mention.author_id)
        .outerjoin(parent, parent.c.id == Mention.post_id)
        .where(Mention.id.in_(ids))
    )
    return {row[0].id: row for row in session.execute(stmt).all()}


def _feed_mention(row: Any, names: dict[int, tuple[str, ...]]) -> FeedMention:
    m, handle, followers, post_title, post_url = row[:5]
    comment = m.kind not in POST_KINDS
    return FeedMention(
        mention_id=m.id,
        published_at=as_utc(m.published_at),
        platform=m.platform,
        url=m.url,
        author=handle,
        text=m.text,
        lang=m.lang,
        brands=names.get(m.id, ()),
        p_negative=m.p_negative,
        likes=m.likes,
        replies=m.replies,
        triage_status=m.triage_status,
        label_source=m.label_source,
        kind=m.kind,
        post_title=post_title if comment else None,
        post_url=post_url if comment else None,
        followers=int(followers or 0),
        triage_assignee=m.triage_assignee,
        triage_priority=m.triage_priority,
        triage_note=m.triage_note,
    )


@dataclass(frozen=True)
class FeedOptions:
    """The values the feed's filters offer: sources, languages and assignees in the store."""

    sources: list[str]
    langs: list[str]
    assignees: list[str]


def feed_options(session: Session) -> FeedOptions:
    """Distinct sources, languages and assignees (each read from its own index)."""

    def distinct(column: Any) -> list[str]:
        return [v for (v,) in session.execute(select(column).where(column.is_not(None)).distinct()) if v]

    return FeedOptions(
        sorted(distinct(Mention.platform)),
        sorted(distinct(Mention.lang)),
        sorted(distinct(Mention.triage_assignee), key=str.casefold),
    )


def brand_queries(session: Session) -> dict[str, str]:
    """Brand name → its query, so a card can show which query brought each of its brands in (a handful of
    rows: read once and cached by the dashboard, not joined into every page)."""
    return {name: query for name, query in session.execute(select(Brand.name, Brand.query))}
