"""`brandpulse export` rows carry the PR desk's handling of each mention (assignee, priority, first action,
resolution and the hours to each, from ``triage_event``), on SQLite and PostgreSQL, against hand-computed
values."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from store import repo
from store.db import session_scope
from store.export import COLUMNS
from store.models import Mention
from tests.dbutil import migrated_db
from tests.store.helpers import T0, label, mention
from ui.cli.app import app

H = timedelta(hours=1)
TRIAGE_COLUMNS = [
    "triage_status",
    "triage_assignee",
    "triage_priority",
    "first_action_at",
    "resolved_at",
    "hours_to_first_action",
    "hours_to_resolve",
]
runner = CliRunner()


@pytest.fixture(params=["sqlite", "postgresql"])
def seeded(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Negative mentions (hours after T0 = 2026-03-01 12:00 UTC):
    a1 (brands A and B): stored at 0; assigned Mina with priority high at 0.5, resolved at 3.25
        → first action 0.5 h, resolved 3.25 h, on both of its rows
    a2: stored at 1; in progress at 2, resolved at 5, reopened (new) at 6
        → first action 1 h after it was stored; not resolved now: no resolution
    a3: stored at 0, never touched → every triage cell empty, status new
    a4: no first-seen time, published at −2; resolved by Joon at 10 → 12 h to both (from its published time)
    """
    url = migrated_db(request, tmp_path, "export.db")
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)  # no brandpulse.toml here
    with session_scope(url) as s:
        repo.sync_brands(s, brands=[repo.BrandSpec("A", "alpha"), repo.BrandSpec("B", "beta")])
        items = [
            mention("a1", "alpha beta", brands=["A", "B"]),
            mention("a2", "alpha two", brands=["A"]),
            mention("a3", "alpha three", brands=["A"]),
            mention("a4", "alpha four", brands=["A"], published_at=T0 - 2 * H),
        ]
        ids = {k.removeprefix("ptt:"): v for k, v in repo.upsert_mentions(s, mentions=items).items()}
        repo.write_labels(s, labels=[label(mid, "negative") for mid in ids.values()])
        for key, stored in (("a1", T0), ("a2", T0 + H), ("a3", T0), ("a4", None)):
            s.execute(update(Mention).where(Mention.id == ids[key]).values(first_seen_at=stored))
        for key, hours, change in (
            ("a1", 0.5, {"assignee": "Mina", "priority": "high"}),
            ("a1", 3.25, {"status": "resolved"}),
            ("a2", 2, {"status": "in_progress"}),
            ("a2", 5, {"status": "resolved"}),
            ("a2", 6, {"status": "new"}),
            ("a4", 10, {"status": "resolved"}),
        ):
            repo.update_triage(s, mention_ids=[ids[key]], now=T0 + hours * H, by="Joon", **change)
    return url


def _export(tmp_path: Path, name: str) -> bytes:
    out = tmp_path / name
    result = runner.invoke(app, ["export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_export_rows_carry_each_mentions_triage_and_response_hours(seeded: str, tmp_path: Path) -> None:
    rows = [json.loads(line) for line in _export(tmp_path, "mentions.jsonl").decode("utf-8").splitlines()]
    assert list(rows[0]) == COLUMNS
    got = sorted((r["external_id"], r["brand"], *(r[c] for c in TRIAGE_COLUMNS)) for r in rows)
    assert got == [
        (
            "a1",
            "A",
            "resolved",
            "Mina",
            "high",
            "2026-03-01T12:30:00.000Z",
            "2026-03-01T15:15:00.000Z",
            0.5,
            3.25,
        ),
        (
            "a1",
            "B",
            "resolved",
            "Mina",
            "high",
            "2026-03-01T12:30:00.000Z",
            "2026-03-01T15:15:00.000Z",
            0.5,
            3.25,
        ),
        ("a2", "A", "new", None, None, "2026-03-01T14:00:00.000Z", None, 1.0, None),
        ("a3", "A", "new", None, None, None, None, None, None),
        (
            "a4",
            "A",
            "resolved",
            None,
            None,
            "2026-03-01T22:00:00.000Z",
            "2026-03-01T22:00:00.000Z",
            12.0,
            12.0,
        ),
    ]


def test_csv_export_has_the_triage_columns_with_empty_cells_where_nothing_happened(
    seeded: str, tmp_path: Path
) -> None:
    text = _export(tmp_path, "mentions.csv").decode("utf-8-sig")
    rows = {(r["external_id"], r["brand"]): r for r in csv.DictReader(io.StringIO(text, newline=""))}
    assert len(rows) == 5
    a1, a3 = rows[("a1", "B")], rows[("a3", "A")]
    assert (a1["triage_assignee"], a1["hours_to_first_action"], a1["hours_to_resolve"]) == (
        "Mina",
        "0.5",
        "3.25",
    )
    assert a1["resolved_at"] == "2026-03-01 15:15:00+00:00"
    assert [a3[c] for c in TRIAGE_COLUMNS[1:]] == [""] * 6
