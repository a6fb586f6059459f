"""Response metrics of the PR desk (store.kpi.response) against hand-computed values, on SQLite and
PostgreSQL, and the ``pr`` object of the brand report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from store import repo
from store.db import session_scope
from store.kpi import brand_report, response_report
from store.kpi.response import percentile
from store.models import Mention
from tests.store.helpers import T0, label, mention

H = timedelta(hours=1)


def test_percentile_interpolates_between_ranks() -> None:
    assert percentile([], 0.5) is None
    assert percentile([5.0], 0.9) == 5.0
    assert percentile([4, 1, 3, 2], 0.5) == 2.5
    assert percentile([1, 2, 3, 4], 0.9) == 3.7  # rank 2.7: 3 + 0.7 × (4 − 3)
    assert percentile([0, 10], 0.9) == 9.0


def test_first_action_and_resolve_times_per_brand_and_assignee(db_url: str) -> None:
    """A: five negative mentions stored at T0 (a1..a4) and T0 + 30 h (a5); B: one (b1); plus a positive and a
    spam one of A that never count. Actions (hours after T0):
      a1: assigned Mina at 1, resolved at 5          → first action 1, resolve 5
      a2: status in progress at 2, resolved at 30    → first 2, resolve 30 (after the 24 h target)
      a3: assigned Mina at 4, resolved at 10, reopened (new) at 12: not resolved now → first 4
      a4: nothing                                    → due at "now" (T0 + 40 h), not resolved
      a5: priority high at 31 (1 h after it came)    → first 1; only 10 h old at "now": not yet due
      b1: resolved by Joon at 3                      → first 3, resolve 3
    A: first actions [1, 2, 4, 1] → median 1.5, p90 rank 2.7 of [1, 1, 2, 4] → 2 + 0.7 × 2 = 3.4;
       resolves [5, 30] → median 17.5, p90 5 + 0.9 × 25 = 27.5; due: a1, a2, a3, a4 (a5 not) → 1 in time of
       4 = 25 %.
    Assignees (current): Mina a1, a3 → first [1, 4]: median 2.5, p90 3.7; resolved [5] (a3 reopened); due
       a1, a3 → 50 %. Unassigned a2, a4, a5, b1 → first [2, 1, 3]: median 2, p90 2.8; resolved [30, 3];
       due a2, a4, b1 → 1 of 3."""
    with session_scope(db_url) as s:
        repo.sync_brands(s, brands=[repo.BrandSpec("A", "alpha"), repo.BrandSpec("B", "beta")])
        keys = ["a1", "a2", "a3", "a4", "a5", "pos", "spam", "b1"]
        items = [
            mention(k, f"{k} {'beta' if k == 'b1' else 'alpha'}", brands=["B" if k == "b1" else "A"])
            for k in keys
        ]
        ids = {
            k: repo.upsert_mentions(s, mentions=[it])[f"ptt:{k}"] for k, it in zip(keys, items, strict=True)
        }
        labels = [label(ids[k], "negative") for k in ("a1", "a2", "a3", "a4", "a5", "b1")]
        labels += [label(ids["pos"], "positive"), label(ids["spam"], "negative", 0.9)]
        repo.write_labels(s, labels=labels)
        for k, mid in ids.items():
            stored = T0 + 30 * H if k == "a5" else T0
            s.execute(update(Mention).where(Mention.id == mid).values(first_seen_at=stored))
        for spam_or_pos in ("pos", "spam"):
            repo.update_triage(s, mention_ids=[ids[spam_or_pos]], status="resolved", now=T0 + H)
        t = lambda h: T0 + h * H  # noqa: E731
        repo.update_triage(s, mention_ids=[ids["a1"]], assignee="Mina", now=t(1))
        repo.update_triage(s, mention_ids=[ids["a1"]], status="resolved", now=t(5))
        repo.update_triage(s, mention_ids=[ids["a2"]], status="in_progress", now=t(2))
        repo.update_triage(s, mention_ids=[ids["a2"]], status="resolved", now=t(30))
        repo.update_triage(s, mention_ids=[ids["a3"]], assignee="Mina", now=t(4))
        repo.update_triage(s, mention_ids=[ids["a3"]], status="resolved", now=t(10))
        repo.update_triage(s, mention_ids=[ids["a3"]], status="new", now=t(12))
        repo.update_triage(s, mention_ids=[ids["a5"]], priority="high", now=t(31))
        repo.update_triage(s, mention_ids=[ids["b1"]], status="resolved", by="Joon", now=t(3))
        report = response_report(s, now=t(40))
        only_b = response_report(s, brand="B", now=t(40))
        json_pr = brand_report(s, brand="A", resolve_target_hours=24)["pr"]
        later = response_report(s, brand="A", since=(T0 + 24 * H).date(), now=t(40))
    a, b = report.by_brand["A"], report.by_brand["B"]
    assert (a.mentions, a.acted, a.resolved) == (5, 4, 2)
    assert (a.first_action_median_hours, a.first_action_p90_hours) == (1.5, 3.4)
    assert (a.resolve_median_hours, a.resolve_p90_hours) == (17.5, 27.5)
    assert a.resolved_within_target_pct == 25.0
    assert (b.mentions, b.first_action_median_hours, b.resolve_median_hours) == (1, 3.0, 3.0)
    assert b.resolved_within_target_pct == 100.0
    assert list(only_b.by_brand) == ["B"]
    mina, nobody = report.by_assignee["Mina"], report.by_assignee[None]
    assert list(report.by_assignee) == ["Mina", None]
    assert (mina.mentions, mina.first_action_median_hours, mina.first_action_p90_hours) == (2, 2.5, 3.7)
    assert (mina.resolved, mina.resolve_median_hours, mina.resolved_within_target_pct) == (1, 5.0, 50.0)
    assert (nobody.mentions, nobody.first_action_median_hours, nobody.first_action_p90_hours) == (4, 2.0, 2.8)
    assert (nobody.resolve_median_hours, nobody.resolved_within_target_pct) == (16.5, pytest.approx(100 / 3))
    assert (
        json_pr["target_hours"] == 24.0 and json_pr["mentions"] == 5 and json_pr["resolve_p90_hours"] == 27.5
    )
    assert [row["assignee"] for row in json_pr["assignees"]] == ["Mina", None]
    assert later.by_brand["A"].mentions == 1  # only a5 was stored on the second day
    with pytest.raises(ValueError, match="target_hours"), session_scope(db_url) as s:
        response_report(s, target_hours=0)
