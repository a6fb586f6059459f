"""`brandpulse kpi`'s PR desk figures through the CLI on a seeded store, on SQLite and PostgreSQL: the ``pr``
object of ``--json`` and the formatted ``pr.*`` rows of the text output (hours with ``h``, the share with
``%``, counts as integers), against hand-computed values with ``[pr] resolve_target_hours = 10``."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from store import repo
from store.db import session_scope
from store.models import Mention
from tests.dbutil import migrated_db
from tests.store.helpers import T0, label, mention
from ui.cli.app import app

H = timedelta(hours=1)
runner = CliRunner()


@pytest.fixture(params=["sqlite", "postgresql"])
def seeded(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """Brand A: four negative mentions stored at T0 (2026-03-01 12:00 UTC), long due by now. Actions (hours
    after T0):
      a1: assigned Mina at 1, resolved at 3.5     → first action 1, resolve 3.5 (within the 10 h target)
      a2: in progress at 2, resolved at 12        → first 2, resolve 12 (late)
      a3: priority high at 6                      → first 6, not resolved
      a4: nothing
    plus a positive one of A (resolved at 1: never counts) and B's b1 (resolved at 1: another brand).
    A: first actions [1, 2, 6] → median 2, p90 rank 1.8 → 2 + 0.8 × 4 = 5.2; resolves [3.5, 12] → median 7.75,
    p90 3.5 + 0.9 × 8.5 = 11.15; all four due, one in time → 25 %.
    Assignees: Mina (a1) → 1, 3.5, 100 %; unassigned (a2, a3, a4) → first [2, 6]: median 4, p90 5.6; resolved
    [12]; due 3, in time 0 → 0 %."""
    url = migrated_db(request, tmp_path, "pr.db")
    with session_scope(url) as s:
        repo.sync_brands(s, brands=[repo.BrandSpec("A", "alpha"), repo.BrandSpec("B", "beta")])
        keys = ["a1", "a2", "a3", "a4", "pos", "b1"]
        items = [mention(k, f"{k} text", brands=["B" if k == "b1" else "A"]) for k in keys]
        ids = {
            k: repo.upsert_mentions(s, mentions=[it])[f"ptt:{k}"] for k, it in zip(keys, items, strict=True)
        }
        repo.write_labels(
            s, labels=[label(mid, "positive" if k == "pos" else "negative") for k, mid in ids.items()]
        )
        s.execute(update(Mention).where(Mention.id.in_(ids.values())).values(first_seen_at=T0))
        for key, hours, change in (
            ("a1", 1, {"assignee": "Mina"}),
            ("a1", 3.5, {"status": "resolved"}),
            ("a2", 2, {"status": "in_progress"}),
            ("a2", 12, {"status": "resolved"}),
            ("a3", 6, {"priority": "high"}),
            ("pos", 1, {"status": "resolved"}),
            ("b1", 1, {"status": "resolved"}),
        ):
            repo.update_triage(s, mention_ids=[ids[key]], now=T0 + hours * H, **change)
    config = tmp_path / "brandpulse.toml"
    config.write_text(
        f'[database]\nurl = "{url}"\n\n[pr]\nresolve_target_hours = 10\n\n'
        '[[brands]]\nname = "A"\nquery = "alpha"\n\n[[brands]]\nname = "B"\nquery = "beta"\n',
        encoding="utf-8",
    )
    return config


def _kpi(config: Path, *extra: str) -> str:
    result = runner.invoke(app, ["kpi", "--brand", "A", "--config", str(config), *extra])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_kpi_json_holds_the_pr_figures(seeded: Path) -> None:
    pr = json.loads(_kpi(seeded, "--json"))["pr"]
    assignees = pr.pop("assignees")
    assert pr == {
        "target_hours": 10.0,
        "mentions": 4,
        "acted": 3,
        "resolved": 2,
        "first_action_median_hours": 2.0,
        "first_action_p90_hours": 5.2,
        "resolve_median_hours": 7.75,
        "resolve_p90_hours": 11.15,
        "resolved_within_target_pct": 25.0,
    }
    by_name = {a.pop("assignee"): a for a in assignees}
    assert by_name["Mina"] == {
        "mentions": 1,
        "acted": 1,
        "resolved": 1,
        "first_action_median_hours": 1.0,
        "first_action_p90_hours": 1.0,
        "resolve_median_hours": 3.5,
        "resolve_p90_hours": 3.5,
        "resolved_within_target_pct": 100.0,
    }
    assert by_name[None] == {
        "mentions": 3,
        "acted": 2,
        "resolved": 1,
        "first_action_median_hours": 4.0,
        "first_action_p90_hours": 5.6,
        "resolve_median_hours": 12.0,
        "resolve_p90_hours": 12.0,
        "resolved_within_target_pct": 0.0,
    }


def test_kpi_text_formats_the_pr_figures(seeded: Path) -> None:
    out = _kpi(seeded)
    rows = {
        m.group(1): m.group(2).strip()
        for m in re.finditer(r"^\W*(pr\.\w+)\s+│\s+(.+?)\s*│\s*$", out, flags=re.MULTILINE)
    }
    assert rows == {
        "pr.target_hours": "10 h",
        "pr.mentions": "4",
        "pr.acted": "3",
        "pr.resolved": "2",
        "pr.first_action_median_hours": "2 h",
        "pr.first_action_p90_hours": "5.2 h",
        "pr.resolve_median_hours": "7.75 h",
        "pr.resolve_p90_hours": "11.15 h",
        "pr.resolved_within_target_pct": "25.00 %",
    }, out
