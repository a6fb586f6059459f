"""`brandpulse forget`, `brandpulse prune` and `brandpulse export --pseudonymise-authors` on the seeded demo
store (tests/factories.py), through the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from store.db import session_scope
from store.models import Author, Mention
from store.timeutil import as_utc
from tests.factories import seed_demo_db
from ui.cli.app import app

runner = CliRunner()
SALT = "a-long-secret-salt-for-tests-0001"


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    facts = seed_demo_db(f"sqlite:///{tmp_path / 'privacy.db'}")
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", facts["url"])
    monkeypatch.delenv("BRANDPULSE_CONFIG", raising=False)
    monkeypatch.delenv("BRANDPULSE_PSEUDONYM_SALT", raising=False)
    monkeypatch.chdir(tmp_path)
    return facts


def _handles(url: str) -> set[str]:
    with session_scope(url) as s:
        return set(s.execute(select(Author.handle)).scalars())


def _export(tmp_path: Path, *extra: str) -> pd.DataFrame:
    out = tmp_path / "export.jsonl"
    result = runner.invoke(app, ["export", "--format", "jsonl", "--out", str(out), "--include-spam", *extra])
    assert result.exit_code == 0, result.output
    return pd.read_json(out, lines=True)


def test_forget_an_author(seeded: dict[str, Any], tmp_path: Path) -> None:
    url = seeded["url"]
    assert "sensitive_skin" in _handles(url)
    assert "sensitive_skin" in set(_export(tmp_path)["author"])

    dry = runner.invoke(app, ["forget", "--author", "sensitive_skin", "--dry-run"])
    assert dry.exit_code == 0 and "would erase 1 mention," in dry.output, dry.output
    declined = runner.invoke(app, ["forget", "--author", "sensitive_skin"], input="n\n")
    assert declined.exit_code == 1 and "cannot be undone" in declined.output
    assert "sensitive_skin" in _handles(url)  # neither erased anything

    done = runner.invoke(app, ["forget", "--author", "sensitive_skin", "--yes"])
    assert done.exit_code == 0, done.output
    assert (
        done.output.startswith("erased 1 mention, 0 posts, 1 author,") and "figures recounted" in done.output
    )
    assert "sensitive_skin" not in _handles(url)
    assert "sensitive_skin" not in set(_export(tmp_path)["author"].dropna())

    unknown = runner.invoke(app, ["forget", "--author", "nobody_here", "--yes"])
    assert unknown.exit_code == 0 and unknown.output.startswith("erased 0 mentions, 0 posts, 0 authors")
    assert runner.invoke(app, ["forget", "--author", " ", "--yes"]).exit_code == 2


def test_prune_older_than_days_or_a_date(seeded: dict[str, Any]) -> None:
    url = seeded["url"]
    cutoff = datetime.now(UTC) - timedelta(days=40)
    with session_scope(url) as s:
        rows = s.execute(select(Mention.text, Mention.published_at)).all()
    old = sorted(t for t, when in rows if as_utc(when) < cutoff)
    assert len(old) == 3  # Petal Theory's two (45 and 50 days) and an old Glow Lab complaint
    result = runner.invoke(app, ["prune", "--older-than", "40", "--yes"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("erased 3 mentions, 1 post,")
    with session_scope(url) as s:
        after = sorted(s.execute(select(Mention.text)).scalars())
    assert sorted(after + old) == sorted(t for t, _ in rows)
    assert "hana" not in _handles(url)  # her old post had nothing newer under it

    assert runner.invoke(app, ["prune", "--older-than", "2000-01-01", "--yes"]).output.startswith("erased 0 ")
    for bad in ("a year", "-3", "2026-13-01", "99999999"):
        result = runner.invoke(app, ["prune", "--older-than", bad, "--yes"])
        assert result.exit_code == 2 and "--older-than takes a number of days or a date" in result.output


def test_export_with_pseudonymised_authors(seeded: dict[str, Any], tmp_path: Path, monkeypatch: Any) -> None:
    refused = runner.invoke(app, ["export", "--out", str(tmp_path / "x.jsonl"), "--pseudonymise-authors"])
    assert refused.exit_code == 2 and "BRANDPULSE_PSEUDONYM_SALT" in refused.output
    assert not (tmp_path / "x.jsonl").exists()

    plain = _export(tmp_path)
    monkeypatch.setenv("BRANDPULSE_PSEUDONYM_SALT", SALT)
    masked = _export(tmp_path, "--pseudonymise-authors")
    again = _export(tmp_path, "--pseudonymise-authors")
    monkeypatch.setenv("BRANDPULSE_PSEUDONYM_SALT", SALT + "-other")
    other_salt = _export(tmp_path, "--pseudonymise-authors")

    assert len(masked) == len(plain) and list(masked.columns) == list(plain.columns)
    real = set(plain["author"].dropna())
    assert real and not real & set(masked["author"].dropna())
    assert all(a.startswith("author-") and len(a) == 23 for a in masked["author"].dropna())
    assert masked["url"].isna().all()  # a comment's link leads to its author
    # One author, one pseudonym (the same under one salt, run after run); another salt, others.
    pairs = {(p, m) for p, m in zip(plain["author"], masked["author"], strict=True) if isinstance(p, str)}
    assert len({p for p, _ in pairs}) == len({m for _, m in pairs}) == len(pairs) == len(real)
    assert masked["author"].isna().tolist() == plain["author"].isna().tolist()
    assert masked["author"].tolist() == again["author"].tolist()
    assert not set(masked["author"].dropna()) & set(other_salt["author"].dropna())
    text = (tmp_path / "export.jsonl").read_text(encoding="utf-8")
    assert SALT not in text and not any(json.dumps(h)[1:-1] in text for h in ("mei_chen", "deal_bot_1"))
    assert masked["text"].tolist() == plain["text"].tolist()  # the rest is the same export
