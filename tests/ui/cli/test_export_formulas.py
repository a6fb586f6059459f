"""`brandpulse export` against CSV injection: the file a spreadsheet opens runs no formula from the data."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crawler.items import MentionItem
from store import repo
from store.db import ensure_schema, session_scope
from store.export import FORMULA_PREFIXES
from ui.cli.app import app

TEXTS = ['=HYPERLINK("http://outside.test/x","click")', "+1+cmd|' /C calc'!A0", "-1", "@SUM(A1)", "ok\r=1+1"]


def test_export_csv_neutralises_formulas_and_jsonl_keeps_the_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'export.db'}"
    ensure_schema(url)
    with session_scope(url) as s:
        repo.sync_brands(s, brands=[repo.BrandSpec("=Brand", '"brand"')])
        items = [
            MentionItem(
                platform="test",
                external_id=str(i),
                text=text,
                author="@me",
                brands=["=Brand"],
                lang="en",
                sentiment="negative",
                spam_score=0.0,
            )
            for i, text in enumerate(TEXTS)
        ]
        repo.upsert_mentions(s, mentions=items)
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["export", "-f", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert sorted(r["text"] for r in rows) == sorted("'" + t if t[0] in "=+-@" else t for t in TEXTS)
    assert {r["brand"] for r in rows} == {"'=Brand"} and {r["author"] for r in rows} == {"'@me"}
    assert not [cell for r in rows for cell in r.values() if cell.startswith(FORMULA_PREFIXES)]

    jsonl = tmp_path / "out.jsonl"
    assert runner.invoke(app, ["export", "-f", "jsonl", "-o", str(jsonl)]).exit_code == 0
    lines = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["text"] for r in lines) == sorted(TEXTS)
