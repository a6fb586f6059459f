"""Erasure and retention: forget an author (a person's right to erasure), prune what is older than a cutoff,
and pseudonyms for authors in exports.

Erasure deletes rows, never blanks them, and recounts every rollup the deleted rows counted in
(``store.rollups.refresh_after_write``), so the KPIs afterwards equal those of a store that never held them.

- ``forget_author``: the author's rows (every platform, or one) with their follower history, their mentions,
  their posts with everything under them (comments by others included: a thread without its post is not
  kept), the label corrections of those mentions, the posts' metric history, and quarantined records that
  name the author. A campaign row that pointed at a deleted post keeps its own figures and reference,
  unjoined. Authors left with nothing (a commenter whose only comment was under an erased post) go too.
- ``prune_before``: mentions whose time (published, else first seen) is before the cutoff, posts before it
  with nothing left under them and no campaign, quarantined records kept before it, and authors left with
  nothing. Crawl runs (counts only) stay.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlmodel import Session

from store.models import (
    Author,
    AuthorSignal,
    AuthorSnapshot,
    Campaign,
    LabelCorrection,
    Mention,
    MentionBrand,
    MetricSnapshot,
    Post,
    PostCommentSums,
    QuarantinedRecord,
)
from store.rollups import keys_of_mentions, lock_for_write, refresh_after_write
from store.sql import chunks, mention_time


@dataclass(frozen=True)
class Erased:
    """What an erasure deleted."""

    mentions: int = 0
    posts: int = 0
    authors: int = 0
    corrections: int = 0
    snapshots: int = 0
    quarantined: int = 0

    def summary(self) -> str:
        parts = [
            (self.mentions, "mention"),
            (self.posts, "post"),
            (self.authors, "author"),
            (self.corrections, "label correction"),
            (self.snapshots, "metric snapshot"),
            (self.quarantined, "quarantined record"),
        ]
        return ", ".join(f"{n} {what}{'' if n == 1 else 's'}" for n, what in parts)


def forget_author(session: Session, *, handle: str, platform: str | None = None) -> Erased:
    """Erase the author ``handle`` (on ``platform``, else on every platform) and what they wrote."""
    lock_for_write(session)
    where = Author.handle == handle
    if platform:
        where = and_(where, Author.platform == platform)
    author_ids = set(session.execute(select(Author.id).where(where)).scalars())
    post_ids = _ids(session, Post.id, Post.author_id, author_ids)
    mention_ids = _ids(session, Mention.id, Mention.author_id, author_ids) | _ids(
        session, Mention.id, Mention.post_id, post_ids
    )
    quarantined = _quarantined_naming(session, handle, platform)
    return _erase(
        session, mention_ids=mention_ids, post_ids=post_ids, author_ids=author_ids, quarantined=quarantined
    )


def prune_before(session: Session, *, cutoff: datetime) -> Erased:
    """Erase what is older than ``cutoff`` (aware UTC): see the module's docstring."""
    lock_for_write(session)
    mention_ids = set(session.execute(select(Mention.id).where(mention_time() < cutoff)).scalars())
    later = select(Mention.id).where(Mention.post_id == Post.id, ~(mention_time() < cutoff))
    undated = select(Mention.id).where(Mention.post_id == Post.id, mention_time().is_(None))
    in_campaign = select(Campaign.id).where(Campaign.post_id == Post.id)
    post_ids = set(
        session.execute(
            select(Post.id).where(
                func.coalesce(Post.published_at, Post.updated_at) < cutoff,
                ~exists(later),
                ~exists(undated),
                ~exists(in_campaign),
            )
        ).scalars()
    )
    mention_ids |= _ids(session, Mention.id, Mention.post_id, post_ids)
    quarantined = set(
        session.execute(select(QuarantinedRecord.id).where(QuarantinedRecord.created_at < cutoff)).scalars()
    )
    return _erase(
        session, mention_ids=mention_ids, post_ids=post_ids, author_ids=None, quarantined=quarantined
    )


def pseudonym(salt: str, platform: str | None, handle: str | None) -> str | None:
    """A stable stand-in for an author: the same (platform, handle) always gives the same pseudonym under one
    salt, and without the salt it cannot be turned back into the handle by trying likely names.

    >>> pseudonym("s3cret-salt", "ptt", "mei_chen")
    'author-b6841150d696a506'
    """
    if handle is None or handle == "":
        return handle
    digest = hmac.new(salt.encode(), f"{platform or ''}\x1f{handle}".encode(), hashlib.sha256)
    return f"author-{digest.hexdigest()[:16]}"


# ---------------------------------------------------------------- the erasure itself


def _ids(session: Session, column: object, key: object, values: Iterable[int]) -> set[int]:
    out: set[int] = set()
    for chunk in chunks(values):
        stmt = select(column).where(key.in_(chunk))  # type: ignore[attr-defined]
        out |= set(session.execute(stmt).scalars())
    return out


def _quarantined_naming(session: Session, handle: str, platform: str | None) -> set[int]:
    """Quarantined records whose payload holds ``handle`` as a JSON value (how every record is kept), on
    ``platform`` when the payload names one."""
    needle = json.dumps(handle, ensure_ascii=False)
    pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = session.execute(
        select(QuarantinedRecord.id, QuarantinedRecord.payload).where(
            QuarantinedRecord.payload.like(pattern, escape="\\")
        )
    ).all()
    found = set()
    for record_id, payload in rows:
        try:
            data = json.loads(payload)
        except ValueError:
            data = None
        named = data.get("platform") if isinstance(data, dict) else None
        if platform is None or named in (None, "", platform):
            found.add(int(record_id))
    return found


def _erase(
    session: Session,
    *,
    mention_ids: set[int],
    post_ids: set[int],
    author_ids: set[int] | None,
    quarantined: set[int],
) -> Erased:
    """Delete the rows (children first), then recount the rollups they counted in. Deleted authors:
    ``author_ids`` and those the erasure leaves with neither mentions nor posts."""
    keys = keys_of_mentions(session, mention_ids)
    touched_posts: set[int] = set()
    touched_authors: set[int] = set()
    for chunk in chunks(mention_ids):
        rows = session.execute(select(Mention.post_id, Mention.author_id).where(Mention.id.in_(chunk))).all()
        touched_posts |= {int(p) for p, _ in rows if p is not None}
        touched_authors |= {int(a) for _, a in rows if a is not None}
    for chunk in chunks(post_ids):
        touched_authors |= {
            int(a)
            for a in session.execute(select(Post.author_id).where(Post.id.in_(chunk))).scalars()
            if a is not None
        }
    corrections = snapshots = 0
    for chunk in chunks(mention_ids):
        session.execute(delete(MentionBrand).where(MentionBrand.mention_id.in_(chunk)))
        gone = session.execute(delete(LabelCorrection).where(LabelCorrection.mention_id.in_(chunk)))
        corrections += _count(gone)
        session.execute(delete(Mention).where(Mention.id.in_(chunk)))
    for chunk in chunks(post_ids):
        snapshots += _count(session.execute(delete(MetricSnapshot).where(MetricSnapshot.post_id.in_(chunk))))
        session.execute(delete(PostCommentSums).where(PostCommentSums.post_id.in_(chunk)))
        session.execute(update(Campaign).where(Campaign.post_id.in_(chunk)).values(post_id=None))
        session.execute(delete(Post).where(Post.id.in_(chunk)))
    for chunk in chunks(quarantined):
        session.execute(delete(QuarantinedRecord).where(QuarantinedRecord.id.in_(chunk)))

    # No author row outlives their data: the ones named, and any the erasure left with nothing.
    author_ids = set(author_ids or ()) | _orphans(session, touched_authors)
    remaining_authors = touched_authors - author_ids
    # Rollups: duplicate flags and comment sums of the posts that lost comments, the signals of authors who
    # lost comments (and their other comments' weight when a signal flips), and every (brand, day) the
    # deleted mentions counted in.
    refresh_after_write(session, post_ids=touched_posts - post_ids, author_ids=remaining_authors, keys=keys)
    for chunk in chunks(author_ids):
        session.execute(delete(AuthorSignal).where(AuthorSignal.author_id.in_(chunk)))
        # Their follower history goes with them (SQLite does not enforce the ON DELETE CASCADE).
        session.execute(delete(AuthorSnapshot).where(AuthorSnapshot.author_id.in_(chunk)))  # type: ignore[attr-defined]
        session.execute(delete(Author).where(Author.id.in_(chunk)))
    return Erased(
        mentions=len(mention_ids),
        posts=len(post_ids),
        authors=len(author_ids),
        corrections=corrections,
        snapshots=snapshots,
        quarantined=len(quarantined),
    )


def _orphans(session: Session, author_ids: Iterable[int]) -> set[int]:
    """Of ``author_ids``, those with neither a mention nor a post left."""
    out: set[int] = set()
    for chunk in chunks(author_ids):
        used = or_(
            exists(select(Mention.id).where(Mention.author_id == Author.id)),
            exists(select(Post.id).where(Post.author_id == Author.id)),
        )
        out |= set(session.execute(select(Author.id).where(Author.id.in_(chunk), ~used)).scalars())
    return out


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
