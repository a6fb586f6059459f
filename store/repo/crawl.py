"""What a crawl or a file import writes: crawl runs, quarantined records, and upserts of authors, posts (with
a metric snapshot each) and mentions on their natural key (platform, external_id)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import and_, case, func, literal, select, tuple_, update
from sqlmodel import Session

from store import rollups
from store.models import (
    CORRECTED,
    IMPORTED,
    Author,
    Brand,
    CrawlRun,
    LabelCorrection,
    Mention,
    MentionBrand,
    MetricSnapshot,
    Post,
    QuarantinedRecord,
)
from store.repo.brands import brand_ids, insert_brand_links, link_comments_to_post_brands
from store.repo.snapshots import SnapshotSource, record_author_snapshots
from store.sql import CHUNK, dialect_insert
from store.timeutil import aware_as_utc, utcnow


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


def start_crawl_run(session: Session, *, spider: str) -> int:
    run = CrawlRun(spider=spider, started_at=utcnow())
    session.add(run)
    session.flush()
    assert run.id is not None
    return run.id


def record_crawl_progress(session: Session, *, run_id: int, items: int, quarantined: int) -> None:
    """The counts so far of a run still going, so a command or the dashboard can show progress (the
    finished run's counts are written by ``finish_crawl_run``)."""
    session.execute(
        update(CrawlRun)
        .where(CrawlRun.id == run_id, CrawlRun.finished_at.is_(None))  # type: ignore[union-attr]
        .values(items=items, quarantined=quarantined)
    )


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


def fail_unfinished_runs(session: Session, *, run_ids: Iterable[int], status: str = "failed") -> int:
    """Record the runs of ``run_ids`` that still say "running" (their crawler died) as ``status``, finished
    now; returns how many there were."""
    ids = sorted({int(i) for i in run_ids})
    if not ids:
        return 0
    result = session.execute(
        update(CrawlRun)
        .where(CrawlRun.id.in_(ids), CrawlRun.status == "running")
        .values(finished_at=utcnow(), status=status)
    )
    return int(result.rowcount or 0)


def quarantine(session: Session, *, source: str, reason: str, payload: Any, crawl_run_id: int | None) -> None:
    """Keep a record that could not be stored, with why. Whatever the record holds, this write succeeds: NUL
    bytes and unpaired surrogates, which no database text column takes, are escaped."""
    text = payload if isinstance(payload, str) else json.dumps(payload, default=str, ensure_ascii=False)
    session.add(
        QuarantinedRecord(
            crawl_run_id=crawl_run_id,
            source=source,
            reason=_storable(reason),
            payload=_storable(text),
            created_at=utcnow(),
        )
    )


def _storable(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text.replace("\x00", "\\x00")


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
    for lo in range(0, len(reported), CHUNK // 2):
        chunk = reported[lo : lo + CHUNK // 2]
        stmt = select(t.c.id, t.c.platform, t.c.handle, t.c.followers).where(
            tuple_(t.c.platform, t.c.handle).in_(chunk)
        )
        changed |= {id_ for id_, p, h, f in session.execute(stmt).all() if f != unique[(p, h)]}
    now = utcnow()
    values = [{"platform": p, "handle": h, "followers": f, "updated_at": now} for (p, h), f in unique.items()]
    stmt = dialect_insert(session, Author.__table__).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["platform", "handle"],
        set_={
            "followers": func.coalesce(stmt.excluded.followers, Author.__table__.c.followers),
            "updated_at": stmt.excluded.updated_at,
        },
    ).returning(t.c.id, t.c.platform, t.c.handle)
    return {(p, h): id_ for id_, p, h in session.execute(stmt).all()}, changed


def upsert_posts(
    session: Session,
    *,
    posts: Sequence[PostLike],
    crawl_run_id: int | None = None,
    snapshot: str = "always",
    followers_source: SnapshotSource = "crawl",
    seen_by: int | None = None,
) -> dict[str, int]:
    """Insert or refresh posts (latest counts) and record a metric snapshot of each; returns key → id.

    Keys are ``"platform:external_id"``. ``snapshot="changed"`` records a snapshot only for new posts and
    changed counts (file imports: importing the same file again changes nothing). Every follower count seen
    is kept as an author snapshot of ``followers_source`` (``store.repo.snapshots``); ``seen_by`` is the run
    (crawl or import) that saw it, ``crawl_run_id`` when not given.
    """
    if not posts:
        return {}
    rollups.lock_for_write(session)
    authors, followers_changed = _upsert_authors(
        session, ((p.platform, p.author, p.author_followers) for p in posts if p.author)
    )
    if followers_changed:
        rollups.refresh_after_write(session, follower_author_ids=followers_changed)
    _snapshot_followers(session, posts, authors, followers_source, seen_by or crawl_run_id)
    now = utcnow()
    by_key: dict[tuple[str, str], dict[str, Any]] = {}
    for p in posts:  # the last item of a key wins within one batch
        by_key[(p.platform, p.external_id)] = {
            "platform": p.platform,
            "external_id": p.external_id,
            "url": p.url,
            "title": p.title,
            "author_id": authors.get((p.platform, p.author)) if p.author else None,
            "published_at": aware_as_utc(p.published_at),
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
    stmt = dialect_insert(session, table).values(list(by_key.values()))
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
        dialect_insert(session, MetricSnapshot.__table__).values(
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


def _snapshot_followers(
    session: Session,
    items: Sequence[PostLike] | Sequence[MentionLike],
    authors: dict[tuple[str, str], int],
    source: SnapshotSource,
    run_id: int | None,
) -> None:
    """An author snapshot of every follower count the items carry."""
    seen = [
        (authors[(i.platform, i.author)], i.author_followers, aware_as_utc(i.published_at))
        for i in items
        if i.author and i.author_followers is not None and (i.platform, i.author) in authors
    ]
    if seen:
        record_author_snapshots(session, seen=seen, source=source, run_id=run_id)


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


def post_external_ids_by_url(session: Session, *, platform: str, urls: Iterable[str]) -> dict[str, str]:
    """External ids of stored posts of ``platform`` by their URL (for rows that name their post by URL)."""
    wanted = sorted(set(urls))
    out: dict[str, str] = {}
    for i in range(0, len(wanted), CHUNK):
        rows = session.execute(
            select(Post.url, Post.external_id).where(
                Post.platform == platform, Post.url.in_(wanted[i : i + CHUNK])
            )
        ).all()
        for url, ext in rows:
            out.setdefault(url, ext)
    return out


def upsert_mentions(
    session: Session,
    *,
    mentions: Sequence[MentionLike],
    post_ids_by_key: dict[str, int] | None = None,
    followers_source: SnapshotSource = "crawl",
    seen_by: int | None = None,
) -> dict[str, int]:
    """Insert or refresh mentions; link brands; returns ``"platform:external_id"`` → id.

    Counts (likes, replies) are refreshed. A changed text clears the labels so the worker labels it again;
    labels given by an import are kept. Follower counts become author snapshots as in ``upsert_posts``.
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
    _snapshot_followers(session, mentions, authors, followers_source, seen_by)
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
            "published_at": aware_as_utc(m.published_at),
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
    stmt = dialect_insert(session, table).values(list(by_key.values()))
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
    insert_brand_links(session, links=links)  # own links: a comment's link from its thread becomes its own
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
