"""A newcomer in a fresh folder, through the real `brandpulse` console script: `brandpulse demo --no-ui`, then
`export` and `kpi` without any flag pointing at a database find the demo's data; a command that opens an
empty database says which one and where the demo's data is."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from store.db import session_scope
from store.models import Mention
from tests.procutil import brandpulse_cmd
from ui.cli.admin import DEMO_BRANDS, point_config_at_demo

DEMO_TIMEOUT_S = 1500  # crawl + the real model on a busy 2-core machine


@dataclass(frozen=True)
class Newcomer:
    folder: Path
    env: dict[str, str]
    demo_output: str

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*brandpulse_cmd(), *args],
            cwd=self.folder,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )


def newcomer_env() -> dict[str, str]:
    """The environment of someone who has configured nothing."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    for name in ("BRANDPULSE_DATABASE_URL", "BRANDPULSE_CONFIG", "BRANDPULSE_DEMO_DATABASE_URL"):
        env.pop(name, None)
    return env


@pytest.fixture(scope="module")
def newcomer(tmp_path_factory: pytest.TempPathFactory) -> Newcomer:
    folder = tmp_path_factory.mktemp("newcomer")
    env = newcomer_env()
    demo = subprocess.run(
        [*brandpulse_cmd(), "demo", "--no-ui"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=DEMO_TIMEOUT_S,
    )
    assert demo.returncode == 0, demo.stdout + demo.stderr
    return Newcomer(folder, env, demo.stdout)


def _summary(output: str) -> tuple[int, int, dict[str, tuple[int, float]]]:
    """Mentions, spam mentions and per brand (mentions, SOV %) as the demo printed them."""
    totals = re.search(r"mentions (\d+) \(spam (\d+)\)", output)
    assert totals, output
    brands = {}
    for name, _query, _group in DEMO_BRANDS:
        row = re.search(rf"^  {re.escape(name)}\s+(\d+)\s+([\d.]+)\s", output, re.MULTILINE)
        assert row, (name, output)
        brands[name] = (int(row[1]), float(row[2]))
    return int(totals[1]), int(totals[2]), brands


def test_the_demo_writes_a_configuration_pointing_at_its_data(newcomer: Newcomer) -> None:
    db = newcomer.folder / "brandpulse-demo.db"
    assert f"wrote brandpulse.toml pointing at sqlite:///{db}" in newcomer.demo_output
    cfg = tomllib.loads((newcomer.folder / "brandpulse.toml").read_text(encoding="utf-8"))
    assert cfg["database"]["url"] == "sqlite:///brandpulse-demo.db"
    assert [(b["name"], b["query"], b["competitor_group"]) for b in cfg["brands"]] == list(DEMO_BRANDS)
    assert not (newcomer.folder / "brandpulse.db").exists()  # nothing opened the empty default


def test_export_without_flags_returns_the_demo_data(newcomer: Newcomer) -> None:
    mentions, spam, _ = _summary(newcomer.demo_output)
    done = newcomer.run("export", "--format", "csv", "--out", "x.csv")
    assert done.returncode == 0, done.stderr
    rows = pd.read_csv(newcomer.folder / "x.csv", encoding="utf-8-sig")
    assert done.stdout.strip() == f"wrote {len(rows)} rows to x.csv (csv)"
    # One row per (mention, brand), spam left out: every non-spam mention the demo stored is there.
    assert rows["mention_id"].nunique() == mentions - spam
    assert {"ko", "zh", "vi", "en"} <= set(rows["lang"])
    assert set(rows["brand"].dropna()) == {name for name, _, _ in DEMO_BRANDS}
    with session_scope(f"sqlite:///{newcomer.folder / 'brandpulse-demo.db'}") as s:
        stored = dict(s.execute(select(Mention.external_id, Mention.text)).all())
        unlabeled = s.execute(select(func.count()).where(Mention.labeled_at.is_(None))).scalar_one()
    assert unlabeled == 0
    korean = rows[rows["lang"] == "ko"].iloc[0]
    assert korean["text"] in (stored[str(korean["external_id"])], "'" + stored[str(korean["external_id"])])
    assert rows["post_url"].notna().any()  # comments keep the post they are under


def test_kpi_without_flags_returns_the_demo_figures(newcomer: Newcomer) -> None:
    _, _, brands = _summary(newcomer.demo_output)
    done = newcomer.run("kpi", "--brand", "Glow Lab", "--json")
    assert done.returncode == 0, done.stderr
    assert "new or changed brand queries" not in done.stderr  # the written brands are the demo's own
    report = json.loads(done.stdout)
    mentions, sov = brands["Glow Lab"]
    assert report["mentions"] == mentions > 0
    assert round(report["sov"], 1) == sov


def test_an_empty_database_says_which_it_is_and_where_the_demo_data_is(newcomer: Newcomer) -> None:
    (newcomer.folder / "other.toml").write_text('[database]\nurl = "sqlite:///other.db"\n', encoding="utf-8")
    other = f"sqlite:///{newcomer.folder / 'other.db'}"
    where = f"{other} (from other.toml) holds no mentions. `brandpulse demo` stored its data in "
    hint = 'point at it with [database] url = "sqlite:///brandpulse-demo.db" in other.toml'
    kpi = newcomer.run("kpi", "--brand", "Glow Lab", "--config", "other.toml")
    assert kpi.returncode == 2
    assert kpi.stderr.startswith(f"unknown brand 'Glow Lab': {where}brandpulse-demo.db: {hint}")
    export = newcomer.run("export", "--out", "empty.jsonl", "--config", "other.toml")
    assert export.returncode == 0 and export.stdout.startswith("wrote 0 rows to empty.jsonl")
    assert export.stderr.startswith(where) and hint in export.stderr
    alerts = newcomer.run("alerts", "--config", "other.toml")
    assert alerts.returncode == 0 and where in alerts.stderr


def test_the_demo_leaves_an_existing_configuration_alone_and_says_how_to_point_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("BRANDPULSE_DATABASE_URL", "BRANDPULSE_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    mine = '[database]\nurl = "sqlite:///mine.db"\n'
    (tmp_path / "brandpulse.toml").write_text(mine, encoding="utf-8")
    demo_url = f"sqlite:///{tmp_path / 'brandpulse-demo.db'}"
    point_config_at_demo("sqlite:///brandpulse-demo.db", demo_url)
    said = capsys.readouterr().out
    assert (tmp_path / "brandpulse.toml").read_text(encoding="utf-8") == mine
    assert "brandpulse.toml points at another database" in said
    assert 'set [database] url = "sqlite:///brandpulse-demo.db" there' in said
    assert "BRANDPULSE_DATABASE_URL=sqlite:///brandpulse-demo.db" in said

    (tmp_path / "brandpulse.toml").write_text('[database]\nurl = "sqlite:///brandpulse-demo.db"\n')
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", "sqlite:///elsewhere.db")
    point_config_at_demo("sqlite:///brandpulse-demo.db", demo_url)
    said = capsys.readouterr().out
    assert f"brandpulse.toml points at the demo's database {demo_url}" in said
    assert "BRANDPULSE_DATABASE_URL is set and wins over brandpulse.toml" in said

    (tmp_path / "brandpulse.toml").unlink()
    point_config_at_demo("postgresql+psycopg://demo:s3cret@db.example/demo", "postgresql+psycopg://x")
    said = capsys.readouterr().out
    assert not (tmp_path / "brandpulse.toml").exists()  # a password goes into no file
    assert "s3cret" not in said and "set BRANDPULSE_DATABASE_URL to" in said
