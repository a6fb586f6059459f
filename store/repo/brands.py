"""Brands and the links of mentions to them: brands from the configuration, re-matched links, and the links a
post passes on to the comments under it and a campaign to its posts.

Attribution: a mention counts for the brands it names (its text matches their query: "own" links). A comment
that names no brand counts for its post's brands (those its post's own text names, and its campaigns'
brands), on links marked ``from_thread``. A comment never has both kinds: once it has an own link, its links
from the thread go (:func:`link_comments_to_post_brands` keeps this true for the posts it is given).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, or_, select, true, tuple_, union
from sqlalchemy.sql import Select
from sqlmodel import Session

from store import rollups
from store.models import POST_KINDS, Brand, Campaign, Mention, MentionBrand
from store.sql import CHUNK, chunks, dialect_insert


@dataclass(frozen=True)
class BrandSpec:
    """A configured brand: its name, boolean query and share-of-voice comparison set."""

    name: str
    query: str
    competitor_group: str | None = None


def sync_brands(session: Session, *, brands: Sequence[BrandSpec]) -> dict[str, int]:
    """Create or update brands from the configuration; returns name → id for all brands in the store."""
    for spec in brands:
        stmt = dialect_insert(session, Brand.__table__).values(
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


def insert_brand_links(session: Session, *, links: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    """Store (mention id, brand id) links the mentions' own texts (or a campaign, an import) give them.

    A link the mention had only from its thread becomes its own; its per-brand label is cleared so the label
    worker decides it again. Returns the pairs that are new or became own. Does not recount the rollups.
    """
    mb = MentionBrand.__table__
    out: set[tuple[int, int]] = set()
    for chunk in chunks(links, CHUNK // 3):  # three parameters a row
        stmt = dialect_insert(session, mb).values(
            [{"mention_id": m, "brand_id": b, "from_thread": False} for m, b in chunk]
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["mention_id", "brand_id"],
            set_={"from_thread": False, **dict.fromkeys(BRAND_LABEL_COLUMNS)},
            where=mb.c.from_thread.is_(True),
        )
        out |= {(int(m), int(b)) for m, b in session.execute(stmt.returning(mb.c.mention_id, mb.c.brand_id))}
    return out


BRAND_LABEL_COLUMNS = ("sentiment", "p_negative", "p_neutral", "p_positive", "labeled_at")


def add_brand_links(
    session: Session, *, links: Iterable[tuple[int, int]], recheck: Iterable[int] = ()
) -> tuple[set[tuple[int, int]], set[int]]:
    """Link mentions to the brands they name ((mention id, brand id) pairs), keeping every existing link.

    The threads of the newly linked mentions are settled (``link_comments_to_post_brands``): comments under a
    newly linked post follow it, a comment that now names a brand loses its links from the thread. So are the
    threads of the ``recheck`` mentions (``brandpulse rematch`` passes every mention it scans, which settles
    what migration 0012 marked). The rollups are recounted. Returns the pairs that were new (or had been only
    from the thread), and every mention whose links changed.
    """
    pairs = set(links)
    recheck = set(recheck)
    if not pairs and not recheck:
        return set(), set()
    rollups.lock_for_write(session)
    added = insert_brand_links(session, links=pairs)
    new = {m for m, _ in added}
    posts: set[int] = set()
    for chunk in chunks(new | recheck):
        stmt = select(Mention.post_id).where(Mention.id.in_(chunk), Mention.post_id.is_not(None)).distinct()
        posts |= {int(p) for (p,) in session.execute(stmt).all()}
    linked = link_comments_to_post_brands(session, post_ids=posts) if posts else set()
    rollups.refresh_after_write(session, mention_ids=new | linked)
    return added, new | linked


def post_brands(post_ids: Sequence[int]) -> Select[Any]:
    """(post_id, brand_id) of the posts' brands: those their own text links to, and their campaigns'."""
    text = Mention.__table__.alias("post_text")
    mb = MentionBrand.__table__.alias("post_link")
    by_text = (
        select(text.c.post_id.label("post_id"), mb.c.brand_id.label("brand_id"))
        .select_from(text.join(mb, mb.c.mention_id == text.c.id))
        .where(text.c.post_id.in_(post_ids), text.c.kind.in_(POST_KINDS))
    )
    camp = Campaign.__table__
    by_campaign = select(camp.c.post_id, camp.c.brand_id).where(camp.c.post_id.in_(post_ids))
    return union(by_text, by_campaign)


def link_comments_to_post_brands(session: Session, *, post_ids: Iterable[int]) -> set[int]:
    """Settle the brand links of the posts and of the comments under them.

    A post's own text is linked to its campaigns' brands. A comment that names a brand keeps only its own
    links; a comment that names none gets its post's brands, marked from thread (the audience's reaction to
    the post), and loses thread links to brands the post no longer has. Returns the mentions that got a new
    link; the caller recounts them in the rollups (``rollups.refresh_after_write``), as the upserts do. The
    keys where a removed link counted are recounted here.
    """
    ids = sorted({int(p) for p in post_ids})
    linked = _link_post_texts_to_campaign_brands(session, post_ids=ids)
    for chunk in chunks(ids):
        linked |= _settle_threads(session, post_ids=chunk)
    return linked


def _settle_threads(session: Session, *, post_ids: list[int]) -> set[int]:
    mb = MentionBrand.__table__
    comment = Mention.__table__.alias("c")
    link = mb.alias("l")
    own = mb.alias("own")
    pb = post_brands(post_ids).subquery("pb")
    has_own = exists().where(own.c.mention_id == comment.c.id, own.c.from_thread.is_(False))
    in_thread = (comment.c.post_id.in_(post_ids), comment.c.kind.not_in(POST_KINDS))
    of_post = exists().where(pb.c.post_id == comment.c.post_id, pb.c.brand_id == link.c.brand_id)
    stale = [
        (int(m), int(b))
        for m, b in session.execute(
            select(link.c.mention_id, link.c.brand_id)
            .select_from(link.join(comment, comment.c.id == link.c.mention_id))
            .where(*in_thread, link.c.from_thread.is_(True), or_(has_own, ~of_post))
        ).all()
    ]
    if stale:
        # Recount where the removed links counted (their mentions' keys no longer include those brands).
        gone = rollups.keys_of_mentions(session, {m for m, _ in stale})
        for chunk in chunks(stale, CHUNK // 2):
            session.execute(mb.delete().where(tuple_(mb.c.mention_id, mb.c.brand_id).in_(chunk)))
        rollups.refresh_brand_days(session, keys=gone)
    inherit = (
        select(comment.c.id, pb.c.brand_id, true())
        .select_from(comment.join(pb, pb.c.post_id == comment.c.post_id))
        .where(*in_thread, ~has_own)
    )
    stmt = (
        dialect_insert(session, mb)
        .from_select(["mention_id", "brand_id", "from_thread"], inherit)
        .on_conflict_do_nothing()
    )
    return set(session.execute(stmt.returning(mb.c.mention_id)).scalars())


def _link_post_texts_to_campaign_brands(session: Session, *, post_ids: list[int]) -> set[int]:
    """Link the own text of every campaign post to the campaign's brand; returns the mentions newly linked."""
    camp = Campaign.__table__
    m = Mention.__table__
    added: set[int] = set()
    for chunk in chunks(post_ids):
        sel = (
            select(m.c.id, camp.c.brand_id)
            .select_from(m.join(camp, camp.c.post_id == m.c.post_id))
            .where(m.c.post_id.in_(chunk), m.c.kind.in_(POST_KINDS))
        )
        pairs = [(int(a), int(b)) for a, b in session.execute(sel).all()]
        added |= {a for a, _ in insert_brand_links(session, links=pairs)}
    return added


def link_posts_to_campaign_brands(session: Session, *, post_ids: Iterable[int]) -> set[int]:
    """A post that is part of a brand's campaign belongs to that brand: its own text is linked to it, and
    the comments under it that name no brand count for it from the thread.

    Returns the mentions that got a new link; the caller recounts them in the rollups
    (``rollups.refresh_after_write``), as the upserts do.
    """
    return link_comments_to_post_brands(session, post_ids=post_ids)
