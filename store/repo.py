"""Writes and simple reads of the store: keyword-only functions that take a session.

Upserts work on SQLite and PostgreSQL alike (``INSERT ... ON CONFLICT``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import and_, case, func, literal, or_, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from store import rollups
from store.brand_sentiment import BrandLabel, set_brand_labels
from store.models import (
    CORRECTION_LABELS,
    CORRECTION_TASKS,
    TRIAGE_STATUSES,
    Author,
    Brand,
    Campaign,
    CrawlRun,
    LabelCorrection,
    Mention,
    MentionBrand,
    MetricSnapshot,
    Post,
    QuarantinedRecord,
    utcnow,
)

POST_KINDS = ("post", "article")


class PostLike(Protocol):
    platform: str
    external_id: str
    url: str | None
    title: str | None
    author: str | None
    author_followers: int | None
    published_at: Any
    likes: int | None
    comments: int | None
    shares: int | None
    saves: int | None
    views: int | None
    impressions: int | None
    reach: int | None


class MentionLike(Protocol):
    platform: str
    external_id: str
    text: str
    kind: str
    url: str | None
    author: str | None
    author_followers: int | None
    published_at: Any
    likes: int | None
    replies: int | None
    post_external_id: str | None
    parent_external_id: str | None
    extra: dict[str, Any]
    brands: list[str]
    text_hash: str | None
    low_effort: bool
    lang: str | None
    sentiment: str | None
    spam_score: float | None


def _insert(session: Session, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"upserts are written for SQLite and PostgreSQL, not {dialect}")


def _to_utc(value: datetime | None) -> datetime | None:
    """Aware datetimes are stored as UTC (SQLite would keep a non-UTC wall-clock time as it is)."""
    if value is None:
        return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValueError(f"published_at must be an aware datetime, not {value!r}")
    return value.astimezone(UTC)


# ---------------------------------------------------------------- brands


@dataclass(frozen=True)
class BrandSpec:
    name: str
    query: str
    competitor_group: str | None = None


def sync_brands(session: Session, *, brands: Sequence[BrandSpec]) -> dict[str, int]:
    """Create or update brands from the configuration; returns name → id for all brands in the store."""
    for spec in brands:
        stmt = _insert(session, Brand.__table__).values(
            name=spec.name, query=spec.query, competitor_group=spec.competitor_group
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["name"],
            set_={"query": stmt.excluded.query, "competitor_group": stmt.excluded.competitor_group},
        )
        session.execute(stmt)
    session.flush()
    return brand_ids(session)


def brand_ids(session: Session) -> dict[str, int]:
    return {name: id_ for id_, name in session.execute(select(Brand.id, Brand.name)).all()}


def list_brands(session: Session) -> list[Brand]:
    return list(session.exec(select(Brand).order_by(Brand.name)).scalars())  # type: ignore[call-overload]


def mention_texts(session: Session, *, after_id: int = 0, limit: int = 5000) -> list[tuple[int, str]]:
    """(id, text) of the next ``limit`` mentions after ``after_id``, in id order (one page of a scan)."""
    stmt = select(Mention.id, Mention.text).where(Mention.id > after_id).order_by(Mention.id).limit(limit)
    return [(int(i), t or "") for i, t in session.execute(stmt).all()]


def add_brand_links(
    session: Session, *, links: Iterable[tuple[int, int]]
) -> tuple[set[tuple[int, int]], set[int]]:
    """Link mentions to brands ((mention id, brand id) pairs), keeping every existing link.

    Comments under a newly linked post follow it (``link_comments_to_post_brands``), and the rollups are
    recounted. Returns the pairs that were new, and every mention that got a new link (those comments too).
    """
    pairs = sorted(set(links))
    if not pairs:
        return set(), set()
    rollups.lock_for_write(session)
    mb = MentionBrand.__table__
    added: set[tuple[int, int]] = set()
    for lo in range(0, len(pairs), rollups.CHUNK // 2):  # two parameters a row
        stmt = _insert(session, mb).values(
            [{"mention_id": m, "brand_id": b} for m, b in pairs[lo : lo + rollups.CHUNK // 2]]
        )
        returning = stmt.on_conflict_do_nothing().returning(mb.c.mention_id, mb.c.brand_id)
        added |= {(int(m), int(b)) for m, b in session.execute(returning).all()}
    new = {m for m, _ in added}
    posts: set[int] = set()
    ordered = sorted(new)
    for lo in range(0, len(ordered), rollups.CHUNK):
        chunk = ordered[lo : lo + rollups.CHUNK]
        posts |= {
            int(p)
            for (p,) in session.execute(
                select(Mention.post_id).where(
                    Mention.id.in_(chunk), Mention.kind.in_(POST_KINDS), Mention.post_id.is_not(None)
                )
            ).all()
        }
    linked = link_comments_to_post_brands(session, post_ids=posts) if posts else set()
    rollups.refresh_after_write(session, mention_ids=new | linked)
    return added, new | linked


# ---------------------------------------------------------------- crawl runs and quarantine


def start_crawl_run(session: Session, *, spider: str) -> int:
    run = CrawlRun(spider=spider, started_at=utcnow())
    session.add(run)
    session.flush()
    assert run.id is not None
    return run.id


def finish_crawl_run(
    session: Session,
    *,
    run_id: int,
    items: int,
    quarantined: int,
    errors: int,
    status: str = "finished",
    stats: dict[str, Any] | None = None,
) -> None:
    session.execute(
        update(CrawlRun)
        .where(CrawlRun.id == run_id)
        .values(
            finished_at=utcnow(),
            items=items,
            quarantined=quarantined,
            errors=errors,
            status=status,
            stats=json.dumps(stats, default=str, ensure_ascii=False) if stats else None,
        )
    )


def quarantine(session: Session, *, source: str, reason: str, payload: Any, crawl_run_id: int | None) -> None:
    """Keep a record that could not be stored, with why."""
    text = payload if isinstance(payload, str) else json.dumps(payload, default=str, ensure_ascii=False)
    session.add(
        QuarantinedRecord(
            crawl_run_id=crawl_run_id, source=source, reason=reason, payload=text, created_at=utcnow()
        )
    )


# ---------------------------------------------------------------- upserts


def _upsert_authors(
    session: Session, rows: Iterable[tuple[str, str, int | None]]
) -> tuple[dict[tuple[str, str], int], set[int]]:
    """Insert or refresh authors; returns (platform, handle) → id and the ids whose follower count changed
    (the reach of their mentions changes with it)."""
    unique: dict[tuple[str, str], int | None] = {}
    for platform, handle, followers in rows:
        key = (platform, handle)
        if followers is not None or key not in unique:
            unique[key] = followers
    if not unique:
        return {}, set()
    t = Author.__table__
    changed: set[int] = set()
    reported = [k for k, f in unique.items() if f is not None]
    for lo in range(0, len(reported), rollups.CHUNK // 2):
        chunk = reported[lo : lo + rollups.CHUNK // 2]
        stmt = select(t.c.id, t.c.platform, t.c.handle, t.c.followers).where(
            tuple_(t.c.platform, t.c.handle).in_(chunk)
        )
        changed |= {id_ for id_, p, h, f in session.execute(stmt).all() if f != unique[(p, h)]}
    now = utcnow()
    values = [{"platform": p, "handle": h, "followers": f, "updated_at": now} for (p, h), f in unique.items()]
    stmt = _insert(session, Author.__table__).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["platform", "handle"],
        set_={
            "followers": func.coalesce(stmt.excluded.followers, Author.__table__.c.followers),
            "updated_at": stmt.excluded.updated_at,
        },
    ).returning(t.c.id, t.c.platform, t.c.handle)
    return {(p, h): id_ for id_, p, h in session.execute(stmt).all()}, changed


def upsert_posts(
    session: Session, *, posts: Sequence[PostLike], crawl_run_id: int | None = None, snapshot: str = "always"
) -> dict[str, int]:
    """Insert or refresh posts (latest counts) and record a metric snapshot of each; returns key → id.

    Keys are ``"platform:external_id"``. ``snapshot="changed"`` records a snapshot only for new posts and
    changed counts (file imports: importing the same file again changes nothing).
    """
    if not posts:
        return {}
    rollups.lock_for_write(session)
    authors, followers_changed = _upsert_authors(
        session, ((p.platform, p.author, p.author_followers) for p in posts if p.author)
    )
    if followers_changed:
        rollups.refresh_after_write(session, follower_author_ids=followers_changed)
    now = utcnow()
    by_key: dict[tuple[str, str], dict[str, Any]] = {}
    for p in posts:  # the last item of a key wins within one batch
        by_key[(p.platform, p.external_id)] = {
            "platform": p.platform,
            "external_id": p.external_id,
            "url": p.url,
            "title": p.title,
            "author_id": authors.get((p.platform, p.author)) if p.author else None,
            "published_at": _to_utc(p.published_at),
            "likes": p.likes or 0,
            "comments": p.comments or 0,
            "shares": p.shares or 0,
            "saves": p.saves or 0,
            "views": p.views,
            "impressions": getattr(p, "impressions", None),
            "reach": getattr(p, "reach", None),
            "updated_at": now,
        }
    table = Post.__table__
    before: dict[tuple[str, str], tuple[Any, ...]] = {}
    if snapshot == "changed":
        counted = ("likes", "comments", "shares", "saves", "views")
        for platform in {k[0] for k in by_key}:
            exts = [k[1] for k in by_key if k[0] == platform]
            for row in session.execute(
                select(table.c.external_id, *(table.c[c] for c in counted)).where(
                    table.c.platform == platform, table.c.external_id.in_(exts)
                )
            ).all():
                before[(platform, row[0])] = tuple(row[1:])
    stmt = _insert(session, table).values(list(by_key.values()))
    ex = stmt.excluded
    stmt = stmt.on_conflict_do_update(
        index_elements=["platform", "external_id"],
        set_={
            "url": func.coalesce(ex.url, table.c.url),
            "title": func.coalesce(ex.title, table.c.title),
            "author_id": func.coalesce(ex.author_id, table.c.author_id),
            "published_at": func.coalesce(ex.published_at, table.c.published_at),
            "likes": ex.likes,
            "comments": ex.comments,
            "shares": ex.shares,
            "saves": ex.saves,
            "views": func.coalesce(ex.views, table.c.views),
            "impressions": func.coalesce(ex.impressions, table.c.impressions),
            "reach": func.coalesce(ex.reach, table.c.reach),
            "updated_at": ex.updated_at,
        },
    ).returning(table.c.id, table.c.platform, table.c.external_id)
    ids = {f"{pl}:{ext}": id_ for id_, pl, ext in session.execute(stmt).all()}
    followers = {(p.platform, p.external_id): p.author_followers for p in posts}
    if snapshot == "changed":
        by_key = {
            k: v
            for k, v in by_key.items()
            if before.get(k) != (v["likes"], v["comments"], v["shares"], v["saves"], v["views"])
        }
        if not by_key:
            return ids
    session.execute(
        _insert(session, MetricSnapshot.__table__).values(
            [
                {
                    "post_id": ids[f"{v['platform']}:{v['external_id']}"],
                    "crawl_run_id": crawl_run_id,
                    "taken_at": now,
                    "likes": v["likes"],
                    "comments": v["comments"],
                    "shares": v["shares"],
                    "saves": v["saves"],
                    "views": v["views"],
                    "author_followers": followers.get(key),
                }
                for key, v in by_key.items()
            ]
        )
    )
    return ids


def post_ids(session: Session, *, keys: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Ids of already stored posts for (platform, external_id) keys."""
    out: dict[str, int] = {}
    by_platform: dict[str, list[str]] = {}
    for platform, ext in keys:
        by_platform.setdefault(platform, []).append(ext)
    for platform, exts in by_platform.items():
        rows = session.execute(
            select(Post.id, Post.external_id).where(Post.platform == platform, Post.external_id.in_(exts))
        ).all()
        out.update({f"{platform}:{ext}": id_ for id_, ext in rows})
    return out


def upsert_mentions(
    session: Session,
    *,
    mentions: Sequence[MentionLike],
    post_ids_by_key: dict[str, int] | None = None,
) -> dict[str, int]:
    """Insert or refresh mentions; link brands; returns ``"platform:external_id"`` → id.

    Counts (likes, replies) are refreshed. A changed text clears the labels so the worker labels it again;
    labels given by an import are kept.
    """
    if not mentions:
        return {}
    post_keys = {(m.platform, m.post_external_id) for m in mentions if m.post_external_id}
    known = dict(post_ids_by_key or {})
    missing = {k for k in post_keys if f"{k[0]}:{k[1]}" not in known}
    if missing:
        known.update(post_ids(session, keys=missing))
    rollups.lock_for_write(session)
    authors, followers_changed = _upsert_authors(
        session, ((m.platform, m.author, m.author_followers) for m in mentions if m.author)
    )
    now = utcnow()
    by_key: dict[tuple[str, str], dict[str, Any]] = {}
    brands_by_key: dict[str, list[str]] = {}
    for m in mentions:
        key = f"{m.platform}:{m.external_id}"
        by_key[(m.platform, m.external_id)] = {
            "platform": m.platform,
            "external_id": m.external_id,
            "kind": m.kind,
            "url": m.url,
            "post_id": known.get(f"{m.platform}:{m.post_external_id}") if m.post_external_id else None,
            "parent_external_id": m.parent_external_id,
            "author_id": authors.get((m.platform, m.author)) if m.author else None,
            "text": m.text,
            "text_hash": m.text_hash,
            "low_effort": bool(m.low_effort),
            "published_at": _to_utc(m.published_at),
            "likes": m.likes or 0,
            "replies": m.replies or 0,
            "extra": json.dumps(m.extra, ensure_ascii=False, default=str) if m.extra else None,
            "triage_status": "new",
            "first_seen_at": now,
            "updated_at": now,
            **_imported_labels(m, now),
        }
        brands_by_key[key] = list(m.brands)
    # Where the stored ones count now (a new time or post moves them): recounted after the write too.
    prior_posts, prior_authors, prior_keys = rollups.prior_state(session, keys=by_key.keys())
    table = Mention.__table__
    stmt = _insert(session, table).values(list(by_key.values()))
    ex = stmt.excluded
    text_changed = table.c.text != ex.text
    keep_label = table.c.label_source.in_([IMPORTED, CORRECTED])
    corrected = func.coalesce(table.c.label_source == literal(CORRECTED), False)

    def unless_changed(col: Any) -> Any:
        return case((and_(text_changed, ~func.coalesce(keep_label, False)), None), else_=col)

    def unless_corrected(col: Any, new: Any) -> Any:
        # An analyst's correction outranks labels given by a (re-)import.
        return case((corrected, col), else_=new)

    stmt = stmt.on_conflict_do_update(
        index_elements=["platform", "external_id"],
        set_={
            "text": ex.text,
            "text_hash": ex.text_hash,
            "low_effort": ex.low_effort,
            "url": func.coalesce(ex.url, table.c.url),
            "post_id": func.coalesce(ex.post_id, table.c.post_id),
            "author_id": func.coalesce(ex.author_id, table.c.author_id),
            "published_at": func.coalesce(ex.published_at, table.c.published_at),
            "likes": ex.likes,
            "replies": ex.replies,
            "extra": func.coalesce(ex.extra, table.c.extra),
            "updated_at": ex.updated_at,
            "labeled_at": func.coalesce(ex.labeled_at, unless_changed(table.c.labeled_at)),
            "sentiment": unless_corrected(
                table.c.sentiment, func.coalesce(ex.sentiment, unless_changed(table.c.sentiment))
            ),
            "lang": func.coalesce(ex.lang, table.c.lang),
            **{
                col: unless_corrected(table.c[col], func.coalesce(ex[col], table.c[col]))
                for col in ("p_negative", "p_neutral", "p_positive", "spam_score", "is_spam", "label_source")
            },
        },
    ).returning(table.c.id, table.c.platform, table.c.external_id)
    ids = {f"{pl}:{ext}": id_ for id_, pl, ext in session.execute(stmt).all()}

    names = brand_ids(session)
    links = {(ids[key], names[b]) for key, brands in brands_by_key.items() for b in brands if b in names}
    if links:
        link = _insert(session, MentionBrand.__table__).values(
            [{"mention_id": m, "brand_id": b} for m, b in sorted(links)]
        )
        session.execute(link.on_conflict_do_nothing())
    touched_posts = {v["post_id"] for v in by_key.values() if v["post_id"] is not None}
    linked: set[int] = set()
    if touched_posts:
        linked = link_comments_to_post_brands(session, post_ids=touched_posts)
    rollups.refresh_after_write(
        session,
        mention_ids=set(ids.values()) | linked,
        post_ids=touched_posts | prior_posts,
        author_ids={v["author_id"] for v in by_key.values() if v["author_id"]} | prior_authors,
        follower_author_ids=followers_changed,
        keys=prior_keys,
    )
    return ids


IMPORTED = "imported"
CORRECTED = "corrected"


def _imported_labels(m: MentionLike, now: datetime) -> dict[str, Any]:
    """Columns for labels given with the data: kept as given and marked imported.

    A mention with both labels and a language is fully labeled; otherwise the worker fills in only what is
    missing.
    """
    sentiment = getattr(m, "sentiment", None)
    spam = getattr(m, "spam_score", None)
    out: dict[str, Any] = {
        "lang": getattr(m, "lang", None),
        "sentiment": None,
        "p_negative": None,
        "p_neutral": None,
        "p_positive": None,
        "spam_score": None,
        "is_spam": None,
        "label_source": None,
        "labeled_at": None,
    }
    if sentiment is not None:
        out.update(
            sentiment=sentiment,
            label_source=IMPORTED,
            **{
                f"p_{name}": 1.0 if name == sentiment else 0.0 for name in ("negative", "neutral", "positive")
            },
        )
    if spam is not None:
        out.update(spam_score=float(spam), is_spam=float(spam) >= 0.5, label_source=IMPORTED)
    if sentiment is not None and spam is not None and out["lang"]:
        out["labeled_at"] = now
    return out


def link_comments_to_post_brands(session: Session, *, post_ids: Iterable[int]) -> set[int]:
    """Every comment under a post of brand b is a mention of b (the audience's reaction to the post).

    Returns the mentions that got a new link; the caller recounts them in the rollups
    (``rollups.refresh_after_write``), as the upserts do.
    """
    ids = list(post_ids)
    comment = Mention.__table__.alias("c")
    parent = Mention.__table__.alias("p")
    mb = MentionBrand.__table__
    sel = (
        select(comment.c.id, mb.c.brand_id)
        .select_from(
            comment.join(
                parent, and_(parent.c.post_id == comment.c.post_id, parent.c.kind.in_(POST_KINDS))
            ).join(mb, mb.c.mention_id == parent.c.id)
        )
        .where(comment.c.post_id.in_(ids), comment.c.kind.not_in(POST_KINDS))
    )
    stmt = _insert(session, mb).from_select(["mention_id", "brand_id"], sel).on_conflict_do_nothing()
    linked = set(session.execute(stmt.returning(mb.c.mention_id)).scalars())
    # A post that is part of a brand's campaign belongs to that brand, with every mention under it.
    return linked | link_posts_to_campaign_brands(session, post_ids=ids)


# ---------------------------------------------------------------- campaigns


@dataclass(frozen=True)
class CampaignRow:
    """One influencer post of a campaign as the user's file gives it."""

    name: str
    brand: str
    influencer: str
    platform: str
    post_external_id: str | None
    post_url: str | None
    cost: float
    currency: str | None = None
    impressions: int | None = None
    clicks: int | None = None
    conversions: int | None = None
    revenue: float | None = None
    starts_on: datetime | None = None
    ends_on: datetime | None = None


def upsert_campaigns(session: Session, *, rows: Sequence[CampaignRow]) -> int:
    """Store campaign rows (unique per campaign, influencer and post), joined to stored posts where found.

    The joined posts belong to the campaign's brand, and so does every mention under them.
    """
    rollups.lock_for_write(session)
    names = brand_ids(session)
    values = []
    for r in rows:
        cond = (
            Post.external_id == r.post_external_id
            if r.post_external_id is not None
            else Post.url == r.post_url
        )
        found = session.execute(select(Post.id).where(Post.platform == r.platform, cond)).first()
        values.append(
            {
                "name": r.name,
                "brand_id": names[r.brand],
                "influencer": r.influencer,
                "platform": r.platform,
                "post_ref": r.post_external_id or r.post_url,
                "post_id": found[0] if found else None,
                "cost": r.cost,
                "currency": r.currency,
                "impressions": r.impressions,
                "clicks": r.clicks,
                "conversions": r.conversions,
                "revenue": r.revenue,
                "starts_on": _to_utc(r.starts_on),
                "ends_on": _to_utc(r.ends_on),
            }
        )
    if not values:
        return 0
    stmt = _insert(session, Campaign.__table__).values(values)
    ex = stmt.excluded
    stmt = stmt.on_conflict_do_update(
        index_elements=["name", "influencer", "platform", "post_ref"],
        set_={
            c: getattr(ex, c)
            for c in (
                "brand_id",
                "post_id",
                "cost",
                "currency",
                "impressions",
                "clicks",
                "conversions",
                "revenue",
                "starts_on",
                "ends_on",
            )
        },
    )
    session.execute(stmt)
    post_ids_found = {v["post_id"] for v in values if v["post_id"] is not None}
    if post_ids_found:
        linked = link_posts_to_campaign_brands(session, post_ids=post_ids_found)
        rollups.refresh_after_write(session, mention_ids=linked)
    return len(values)


def link_posts_to_campaign_brands(session: Session, *, post_ids: Iterable[int]) -> set[int]:
    """Link every mention under a campaign post (its own text included) to the campaign's brand.

    Returns the mentions that got a new link; the caller recounts them in the rollups
    (``rollups.refresh_after_write``), as the upserts do.
    """
    ids = list(post_ids)
    camp = Campaign.__table__
    m = Mention.__table__
    sel = (
        select(m.c.id, camp.c.brand_id)
        .select_from(m.join(camp, camp.c.post_id == m.c.post_id))
        .where(m.c.post_id.in_(ids))
    )
    mb = MentionBrand.__table__
    stmt = _insert(session, mb).from_select(["mention_id", "brand_id"], sel).on_conflict_do_nothing()
    return set(session.execute(stmt.returning(mb.c.mention_id)).scalars())


# ---------------------------------------------------------------- labels and triage


@dataclass(frozen=True)
class MentionLabel:
    mention_id: int
    lang: str
    sentiment: str
    p_negative: float
    p_neutral: float
    p_positive: float
    spam_score: float
    is_spam: bool
    model: str
    model_version: str


def unlabeled_mentions(session: Session, *, limit: int, after_id: int = 0) -> list[tuple[int, str]]:
    """The next unlabeled mentions in id order (so an interrupted worker resumes where it stopped)."""
    rows = session.execute(
        select(Mention.id, Mention.text)
        .where(Mention.labeled_at.is_(None), Mention.id > after_id)
        .order_by(Mention.id)
        .limit(limit)
    ).all()
    return [(id_, text) for id_, text in rows]


def count_unlabeled(session: Session) -> int:
    return session.execute(
        select(func.count()).select_from(Mention).where(Mention.labeled_at.is_(None))
    ).scalar_one()


def write_labels(
    session: Session,
    *,
    labels: Sequence[MentionLabel],
    brand_labels: Sequence[BrandLabel] = (),
    overwrite_imported: bool = False,
) -> None:
    """Write the worker's labels, and its per-brand labels of multi-brand mentions' links
    (``store.brand_sentiment``). Labels given with imported data are kept unless ``overwrite_imported``;
    the labels of a mention an analyst corrected (``record_correction``) are always kept.
    """
    if not labels:
        return
    rollups.lock_for_write(session)
    now = utcnow()
    set_brand_labels(session, labels=brand_labels, now=now)
    t = Mention.__table__
    imported = or_(
        and_(t.c.label_source == IMPORTED, literal(not overwrite_imported)), t.c.label_source == CORRECTED
    )

    def keep_sentiment(col: Any, new: Any) -> Any:
        return case((and_(imported, t.c.sentiment.is_not(None)), col), else_=new)

    def keep_spam(col: Any, new: Any) -> Any:
        return case((and_(imported, t.c.spam_score.is_not(None)), col), else_=new)

    session.connection().execute(
        update(t)
        .where(t.c.id == _bind("b_id"))
        .values(
            lang=func.coalesce(t.c.lang, _bind("b_lang")),
            sentiment=keep_sentiment(t.c.sentiment, _bind("b_sentiment")),
            p_negative=keep_sentiment(t.c.p_negative, _bind("b_pn")),
            p_neutral=keep_sentiment(t.c.p_neutral, _bind("b_pu")),
            p_positive=keep_sentiment(t.c.p_positive, _bind("b_pp")),
            spam_score=keep_spam(t.c.spam_score, _bind("b_spam")),
            is_spam=keep_spam(t.c.is_spam, _bind("b_is_spam")),
            model=_bind("b_model"),
            model_version=_bind("b_version"),
            label_source=case((imported, t.c.label_source), else_="model"),
            labeled_at=now,
        ),
        [
            {
                "b_id": lab.mention_id,
                "b_lang": lab.lang,
                "b_sentiment": lab.sentiment,
                "b_pn": lab.p_negative,
                "b_pu": lab.p_neutral,
                "b_pp": lab.p_positive,
                "b_spam": lab.spam_score,
                "b_is_spam": lab.is_spam,
                "b_model": lab.model,
                "b_version": lab.model_version,
            }
            for lab in labels
        ],
    )
    # Sentiment and spam score feed the per-brand daily sums and the posts' comment sums.
    written = {lab.mention_id for lab in labels} | {lab.mention_id for lab in brand_labels}
    rollups.refresh_after_write(session, mention_ids=written)


def write_brand_labels(session: Session, *, labels: Sequence[BrandLabel]) -> None:
    """Write per-brand labels of links (``store.brand_sentiment``) of already labeled mentions, e.g. links a
    re-match added later, and recount the rollups."""
    if not labels:
        return
    rollups.lock_for_write(session)
    set_brand_labels(session, labels=labels, now=utcnow())
    rollups.refresh_after_write(session, mention_ids={lab.mention_id for lab in labels})


def _bind(name: str) -> Any:
    from sqlalchemy import bindparam

    return bindparam(name)


def set_triage_status(session: Session, *, mention_id: int, status: str) -> None:
    if status not in TRIAGE_STATUSES:
        raise ValueError(f"triage status must be one of {', '.join(TRIAGE_STATUSES)}, not {status!r}")
    result = session.execute(
        update(Mention)
        .where(Mention.id == mention_id)
        .values(triage_status=status, triage_updated_at=utcnow())
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise KeyError(f"no mention with id {mention_id}")


# ---------------------------------------------------------------- label corrections


def _current_label(mention: Mention, task: str) -> str | None:
    if task == "sentiment":
        return mention.sentiment
    return None if mention.is_spam is None else ("spam" if mention.is_spam else "ham")


def record_correction(
    session: Session,
    *,
    mention_id: int,
    task: str,
    label: str,
    corrected_by: str | None = None,
    note: str | None = None,
) -> LabelCorrection:
    """Store an analyst's correction of a mention's sentiment or spam label and show it at once.

    The mention's own label is overwritten (sentiment with one-hot probabilities; spam as ``is_spam`` with
    ``spam_score`` 1.0 or 0.0) and marked ``corrected``, so every KPI reflects it and the label worker keeps
    it. What the mention showed before stays in the correction row (``previous_*``).

    >>> record_correction(session, mention_id=7, task="spam", label="ham")  # doctest: +SKIP
    """
    if task not in CORRECTION_TASKS:
        raise ValueError(f"task must be one of {', '.join(CORRECTION_TASKS)}, not {task!r}")
    allowed = CORRECTION_LABELS[task]
    if label not in allowed:
        raise ValueError(f"a {task} correction must be one of {', '.join(allowed)}, not {label!r}")
    rollups.lock_for_write(session)
    mention = session.get(Mention, mention_id)
    if mention is None:
        raise KeyError(f"no mention with id {mention_id}")
    correction = LabelCorrection(
        mention_id=mention_id,
        task=task,
        label=label,
        previous_label=_current_label(mention, task),
        previous_label_source=mention.label_source,
        previous_model=mention.model,
        previous_model_version=mention.model_version,
        corrected_by=(corrected_by or "").strip() or None,
        note=(note or "").strip() or None,
        created_at=utcnow(),
    )
    session.add(correction)
    if task == "sentiment":
        values: dict[str, Any] = {
            "sentiment": label,
            **{f"p_{name}": 1.0 if name == label else 0.0 for name in CORRECTION_LABELS["sentiment"]},
        }
    else:
        values = {"is_spam": label == "spam", "spam_score": 1.0 if label == "spam" else 0.0}
    session.execute(update(Mention).where(Mention.id == mention_id).values(**values, label_source=CORRECTED))
    rollups.refresh_after_write(session, mention_ids=[mention_id])
    session.flush()
    return correction


def latest_corrections(
    session: Session, *, task: str | None = None, mention_ids: Iterable[int] | None = None
) -> list[LabelCorrection]:
    """The latest correction of each (mention, task) by mention id; of one task or some mentions if given."""
    lc = LabelCorrection.__table__
    latest = select(func.max(lc.c.id)).group_by(lc.c.mention_id, lc.c.task)
    if task is not None:
        latest = latest.where(lc.c.task == task)
    if mention_ids is not None:
        latest = latest.where(lc.c.mention_id.in_(list(mention_ids)))
    stmt = (
        select(LabelCorrection)
        .where(LabelCorrection.id.in_(latest))  # type: ignore[union-attr]
        .order_by(LabelCorrection.mention_id, LabelCorrection.task)
    )
    return list(session.execute(stmt).scalars())


def counts(session: Session) -> dict[str, int]:
    """Row counts of the main tables (for summaries and health checks)."""
    out: dict[str, int] = {}
    for name, model in (
        ("brands", Brand),
        ("authors", Author),
        ("posts", Post),
        ("mentions", Mention),
        ("mention_brand_links", MentionBrand),
        ("metric_snapshots", MetricSnapshot),
        ("crawl_runs", CrawlRun),
        ("quarantined", QuarantinedRecord),
        ("label_corrections", LabelCorrection),
    ):
        out[name] = session.execute(select(func.count()).select_from(model)).scalar_one()
    return out
