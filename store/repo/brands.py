"""Brands and the links of mentions to them: brands from the configuration, re-matched links, and the links a
post passes on to the comments under it and a campaign to its posts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import and_, select
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
    for chunk in chunks(pairs, CHUNK // 2):  # two parameters a row
        stmt = dialect_insert(session, mb).values([{"mention_id": m, "brand_id": b} for m, b in chunk])
        returning = stmt.on_conflict_do_nothing().returning(mb.c.mention_id, mb.c.brand_id)
        added |= {(int(m), int(b)) for m, b in session.execute(returning).all()}
    new = {m for m, _ in added}
    posts: set[int] = set()
    for chunk in chunks(new):
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
    stmt = dialect_insert(session, mb).from_select(["mention_id", "brand_id"], sel).on_conflict_do_nothing()
    linked = set(session.execute(stmt.returning(mb.c.mention_id)).scalars())
    # A post that is part of a brand's campaign belongs to that brand, with every mention under it.
    return linked | link_posts_to_campaign_brands(session, post_ids=ids)


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
    stmt = dialect_insert(session, mb).from_select(["mention_id", "brand_id"], sel).on_conflict_do_nothing()
    return set(session.execute(stmt.returning(mb.c.mention_id)).scalars())
