"""The author-signal rollup behind QWE's author factor: kept current on write, equal to the live computation,
and the same window numbers on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from crawler.items import PostItem
from store import kpi, repo
from store.db import session_scope
from store.models import AuthorSignal
from tests.store.helpers import T0, mention


def _stored(s) -> dict[int, tuple[int, int, int]]:  # type: ignore[no-untyped-def]
    rows = s.execute(select(AuthorSignal)).scalars()
    return {r.author_id: (r.same_text_max, r.burst_max, r.cross_post_max) for r in rows}


def _live(s) -> dict[int, tuple[int, int, int]]:  # type: ignore[no-untyped-def]
    return {a: (st, b, x) for a, st, b, x in s.execute(kpi.signal_maxima(s)).all()}


def hop(i: int):  # type: ignore[no-untyped-def]
    return mention(
        f"x{i}", f"hop {i}", post=f"P{i}", author="hopper", published_at=T0 + timedelta(minutes=11 * i)
    )


def test_rollup_follows_writes_and_equals_the_live_counts(db_url: str) -> None:
    with session_scope(db_url) as s:
        ids = repo.upsert_posts(s, posts=[PostItem(platform="ptt", external_id=f"P{i}") for i in range(6)])
        # 12:03, 12:04, 12:06, 12:07, 12:08: one 10-minute window [12:00, 12:10) holds all five (a window
        # number rounded instead of floored would split them at 12:05).
        items = [
            mention(
                f"b{i}", f"burst {i}", post="P0", author="burster", published_at=T0 + timedelta(minutes=m)
            )
            for i, m in enumerate((3, 4, 6, 7, 8))
        ]
        # The hopper comments every 11 minutes on another post: no burst, one hour [12:00, 13:00).
        items += [hop(i) for i in range(4)]
        repo.upsert_mentions(s, mentions=items, post_ids_by_key=ids)
    with session_scope(db_url) as s:
        assert _stored(s) == _live(s)
        flags = {w.text: w.reasons for w in kpi.post_comment_weights(s, post_id=ids["ptt:P0"])}
        assert flags["burst 0"] == ("burst",)
        assert flags["hop 0"] == ()  # four posts in the hour: below the cross-post threshold
    with session_scope(db_url) as s:  # a fifth post in the same hour flags the hopper
        repo.upsert_mentions(s, mentions=[hop(4)], post_ids_by_key=ids)
    with session_scope(db_url) as s:
        assert _stored(s) == _live(s)
        flags = {w.text: w.reasons for w in kpi.post_comment_weights(s, post_id=ids["ptt:P0"])}
        assert flags["hop 0"] == ("cross_post",)
        # Other windows than the rollup's are computed live, with the same result for the same data.
        wide = kpi.QualitySettings(burst_seconds=1200, cross_post_seconds=7200)
        live = {w.text: w.reasons for w in kpi.post_comment_weights(s, post_id=ids["ptt:P0"], quality=wide)}
        assert live["burst 0"] == ("burst",) and live["hop 0"] == ("cross_post",)
