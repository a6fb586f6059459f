"""Re-match stored mentions against the brands' current queries.

The crawler matches a mention when it stores it, so a brand added to the configuration (a new competitor) or
a widened query would otherwise count only what is crawled from then on, and share of voice would compare a
brand's full history with another's last few hours. This scan reads every stored mention in id order, one
page at a time (memory bounded by ``page_size``), and adds the links the current queries find.

A mention's own links are only added, never removed: they also come from imports that name their brands and
from the campaign a post belongs to, and the store does not record which of those a link came from. A narrowed
query therefore leaves the mentions it matched before linked. Links a comment has from its thread (it names
no brand, so it counts for its post's brands) are settled for every scanned mention's thread: a comment the
current queries find naming a brand keeps only its own links. That is also how links stored before migration
0012, which the migration could only mark as from the thread, get their final attribution.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from nlp.match import BrandQuery
from store import repo
from store.db import session_scope


@dataclass(frozen=True)
class RematchResult:
    scanned: int
    matched: dict[str, int] = field(default_factory=dict)  # brand -> mentions its query newly matched
    linked: int = 0  # mentions whose links changed, comments whose thread was settled included


def rematch_mentions(
    database_url: str,
    *,
    brands: Sequence[str] | None = None,
    page_size: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> RematchResult:
    """Link stored mentions to the brands (all, or those named) whose query matches their text now.

    Each page is its own transaction, so an interrupted scan keeps what it linked; running it again is
    harmless (existing links are kept as they are). ``progress`` gets the number of mentions scanned so far.
    """
    with session_scope(database_url) as session:
        stored = repo.list_brands(session)
    unknown = sorted(set(brands or ()) - {b.name for b in stored})
    if unknown:
        known = ", ".join(b.name for b in stored) or "none"
        raise ValueError(f"unknown brand(s): {', '.join(unknown)} (known: {known})")
    queries = {
        b.name: (b.id, BrandQuery.parse(b.query))
        for b in stored
        if b.id is not None and (brands is None or b.name in brands)
    }
    matched = dict.fromkeys(queries, 0)
    names = {bid: name for name, (bid, _) in queries.items()}
    scanned = linked = last = 0
    while queries:
        with session_scope(database_url) as session:
            page = repo.mention_texts(session, after_id=last, limit=page_size)
            if not page:
                break
            links = [(m, bid) for m, text in page for bid, q in queries.values() if q.matches(text)]
            added, new = repo.add_brand_links(session, links=links, recheck=[m for m, _ in page])
            for _, bid in added:
                matched[names[bid]] += 1
            linked += len(new)
        scanned += len(page)
        last = page[-1][0]
        if progress is not None:
            progress(scanned)
    return RematchResult(scanned=scanned, matched=matched, linked=linked)
