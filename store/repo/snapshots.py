"""Author snapshots: each follower count a crawl or an import sees, kept with when it held
(``author_snapshot``), so follower growth has a history (``author.followers`` keeps only the latest).

When a count held:
- a crawl: the start of its run, so an author seen in several batches of one run has one snapshot, holding
  the last count seen (no run: the time of the write);
- an import: the row's published time (an export's follower count is the account's as of that post, like
  CrowdTangle's "Followers at Posting"), else the start of the import. Importing the same file again writes
  nothing new: a snapshot of the same author, time and source is updated in place, and a row without a time
  adds none when the author's latest snapshot already holds its count.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Literal

from sqlalchemy import and_, func, select, update
from sqlmodel import Session

from store.models import AuthorSnapshot, CrawlRun
from store.sql import chunks
from store.timeutil import as_utc, aware_as_utc, utcnow

SnapshotSource = Literal["crawl", "import"]
SNAPSHOT_SOURCES: tuple[str, ...] = ("crawl", "import")


def record_author_snapshots(
    session: Session,
    *,
    seen: Iterable[tuple[int, int, datetime | None]],
    source: SnapshotSource = "crawl",
    run_id: int | None = None,
) -> int:
    """Record the follower counts in ``seen`` ((author id, followers, the row's published time)); returns how
    many snapshots were added or changed. See the module's docstring for the time each count is kept at."""
    if source not in SNAPSHOT_SOURCES:
        raise ValueError(f"snapshot source must be one of {SNAPSHOT_SOURCES}, not {source!r}")
    started = _run_start(session, run_id) or utcnow()
    timed: dict[tuple[int, datetime], int] = {}
    untimed: dict[int, int] = {}
    for author_id, followers, published in seen:
        if followers is None or followers < 0:
            continue
        if source == "import" and published is not None:
            timed[(author_id, aware_as_utc(published))] = int(followers)  # type: ignore[index]
        elif source == "import":
            untimed[author_id] = int(followers)
        else:
            timed[(author_id, started)] = int(followers)  # the last count seen in the run wins
    if untimed:
        latest = _latest(session, untimed)
        timed.update({(a, started): f for a, f in untimed.items() if latest.get(a) != f})
    return _upsert(session, timed, source)


def _run_start(session: Session, run_id: int | None) -> datetime | None:
    if run_id is None:
        return None
    started = session.execute(select(CrawlRun.started_at).where(CrawlRun.id == run_id)).scalar_one_or_none()
    return as_utc(started)


def _latest(session: Session, author_ids: Iterable[int]) -> dict[int, int]:
    """Each author's follower count in their latest snapshot (by time, then id)."""
    out: dict[int, int] = {}
    for chunk in chunks(author_ids):
        ranked = (
            select(
                AuthorSnapshot.author_id,
                AuthorSnapshot.followers,
                func.row_number()
                .over(
                    partition_by=AuthorSnapshot.author_id,
                    order_by=(AuthorSnapshot.taken_at.desc(), AuthorSnapshot.id.desc()),  # type: ignore[union-attr]
                )
                .label("rn"),
            )
            .where(AuthorSnapshot.author_id.in_(chunk))  # type: ignore[attr-defined]
            .subquery()
        )
        rows = session.execute(select(ranked.c.author_id, ranked.c.followers).where(ranked.c.rn == 1)).all()
        out.update({int(a): int(f) for a, f in rows})
    return out


def _upsert(session: Session, counts: dict[tuple[int, datetime], int], source: str) -> int:
    """Insert each (author, time) count of ``source``, or update the stored one (no unique key on the table:
    looked up first; the writers hold the store's write lock, ``rollups.lock_for_write``)."""
    if not counts:
        return 0
    t = AuthorSnapshot.__table__
    stored: dict[tuple[int, datetime], tuple[int, int]] = {}
    for chunk in chunks({a for a, _ in counts}):
        rows = session.execute(
            select(t.c.id, t.c.author_id, t.c.taken_at, t.c.followers).where(
                t.c.author_id.in_(chunk),
                t.c.source == source,
                t.c.taken_at.in_(sorted({when for a, when in counts if a in set(chunk)})),
            )
        ).all()
        stored.update({(int(a), as_utc(when)): (int(id_), int(f)) for id_, a, when, f in rows})  # type: ignore[misc]
    added = [
        {"author_id": a, "taken_at": when, "followers": f, "source": source}
        for (a, when), f in counts.items()
        if (a, when) not in stored
    ]
    if added:
        session.execute(t.insert(), added)
    changed = 0
    for key, followers in counts.items():
        if key in stored and stored[key][1] != followers:
            session.execute(update(t).where(and_(t.c.id == stored[key][0])).values(followers=followers))
            changed += 1
    return len(added) + changed
