"""``brandpulse train``: its checks, what it hands to ``nlp.training``, and the corrections round trip
(an analyst corrects a label on the dashboard → stored → exported → used by training)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from store.db import session_scope
from store.models import LabelCorrection
from tests.factories import NEGATIVE_TEXT, seed_demo_db
from ui.cli.app import app

ROOT = Path(__file__).resolve().parents[3]
TINY_DATA = ROOT / "tests" / "fixtures" / "train_tiny"
APP = str(ROOT / "ui" / "dashboard" / "app.py")


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BRANDPULSE_CONFIG", raising=False)
    facts = seed_demo_db(f"sqlite:///{tmp_path / 'train.db'}")
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", facts["url"])
    return facts


def test_train_explains_a_missing_or_empty_data_folder(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(app, ["train", "--data", str(tmp_path / "nope")])
    assert missing.exit_code == 2
    assert "no such folder" in missing.output and "train.jsonl and dev.jsonl" in missing.output
    (tmp_path / "empty" / "notes").mkdir(parents=True)
    empty = runner.invoke(app, ["train", "--data", str(tmp_path / "empty")])
    assert empty.exit_code == 2 and "no dataset folders" in empty.output
    bad_task = runner.invoke(app, ["train", "--data", str(TINY_DATA), "--task", "topic"])
    assert bad_task.exit_code == 2 and "'topic' is not one of" in bad_task.output


def test_train_hands_its_options_and_the_configured_database_corrections_to_nlp_training(
    seeded: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nlp.training.e5
    import nlp.training.moe

    calls: list[list[str]] = []
    e5_calls: list[list[str]] = []
    handed: list[dict | None] = []

    def record(into: list[list[str]]) -> Any:
        return lambda argv, corrections=None: (into.append(list(argv)), handed.append(corrections))

    monkeypatch.setattr(nlp.training.moe, "main", record(calls))
    monkeypatch.setattr(nlp.training.e5, "main", record(e5_calls))
    with session_scope(seeded["url"]) as s:
        s.add(
            LabelCorrection(
                mention_id=seeded["negative_id"],
                task="sentiment",
                label="neutral",
                created_at=pd.Timestamp.now(tz="UTC").to_pydatetime(),
            )
        )
    out = tmp_path / "model"
    result = CliRunner().invoke(
        app,
        [
            "train",
            "--data",
            str(TINY_DATA),
            "--model",
            "moe",
            "--task",
            "sentiment",
            "--out",
            str(out),
            "--seed",
            "7",
            "--include-corrections",
            "--quick",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "9 dataset folders" in result.output
    assert f"1 sentiment correction in {seeded['url']}" in result.output
    assert calls == [
        [
            "--data",
            str(TINY_DATA),
            "--seed",
            "7",
            "--task",
            "sentiment",
            "--out",
            str(out),
            "--quick",
        ]
    ]
    # The corrections are read through the store and handed over as training rows, not as a database URL.
    assert handed == [{"sentiment": [{"text": NEGATIVE_TEXT, "label": "neutral", "lang": "en"}]}]
    calls.clear()
    assert CliRunner().invoke(app, ["train", "--data", str(TINY_DATA), "--model", "moe"]).exit_code == 0
    assert calls == [["--data", str(TINY_DATA), "--seed", "13"]]
    # The default model is the fine-tuned e5, both tasks in one run.
    assert CliRunner().invoke(app, ["train", "--data", str(TINY_DATA)]).exit_code == 0
    assert e5_calls == [["--data", str(TINY_DATA), "--seed", "13"]]
    one_task = CliRunner().invoke(app, ["train", "--data", str(TINY_DATA), "--task", "spam"])
    assert one_task.exit_code == 2 and "apply to --model moe" in one_task.output
    bad_model = CliRunner().invoke(app, ["train", "--data", str(TINY_DATA), "--model", "bert"])
    assert bad_model.exit_code == 2 and "'bert' is not one of" in bad_model.output
    assert len(e5_calls) == 1 and len(calls) == 1


def test_corrections_round_trip_dashboard_export_train(
    seeded: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Needs ``nlp.training.e5`` taking correction rows and ``--quick``; the written ``e5.json`` reports the
    correction rows used under ``training.corrections``."""
    # 1. An analyst corrects a sentiment on the dashboard (Negative feed).
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/negative_feed.py").run()
    mention_id = seeded["negative_id"]
    at.selectbox(key=f"feed_sentiment_{mention_id}").set_value("neutral")
    at.button(key=f"feed_save_{mention_id}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    st.cache_data.clear()
    st.cache_resource.clear()

    # 2. It is stored.
    with session_scope(seeded["url"]) as s:
        stored = s.query(LabelCorrection).all()
        assert [(c.mention_id, c.task, c.label, c.previous_label) for c in stored] == [
            (mention_id, "sentiment", "neutral", "negative")
        ]

    # 3. `brandpulse export` shows it.
    runner = CliRunner()
    exported = tmp_path / "export.csv"
    result = runner.invoke(app, ["export", "--format", "csv", "--out", str(exported), "--include-spam"])
    assert result.exit_code == 0, result.output
    rows = pd.read_csv(exported).set_index("mention_id")
    row = rows.loc[mention_id]
    assert (row["sentiment"], row["label_source"], row["corrected_sentiment"]) == (
        "neutral",
        "corrected",
        "neutral",
    )
    assert row["sentiment_before_correction"] == "negative"

    # 4. `brandpulse train --include-corrections` trains the default model (e5) with it.
    import nlp.training.e5_layers

    monkeypatch.setattr(nlp.training.e5_layers, "CACHE_DIR", tmp_path / "cache")  # not the user's cache
    out = tmp_path / "model"
    result = runner.invoke(
        app, ["train", "--data", str(TINY_DATA), "--out", str(out), "--include-corrections", "--quick"]
    )
    assert result.exit_code == 0, result.output
    assert "1 sentiment correction in" in result.output
    config = json.loads((out / "e5.json").read_text(encoding="utf-8"))
    assert config["training"]["corrections"] == {"sentiment": 1, "spam": 0}
    assert config["training"]["quick"] is True


def test_train_baselines_only_explains_a_folder_without_a_model(tmp_path: Path) -> None:
    """``--baselines-only`` reaches ``nlp.training.moe`` and, with no trained model in --out, says so."""
    result = CliRunner().invoke(
        app,
        [
            "train",
            "--data",
            str(TINY_DATA),
            "--model",
            "moe",
            "--task",
            "spam",
            "--out",
            str(tmp_path),
            "--baselines-only",
        ],
    )
    assert result.exit_code == 2
    assert "no trained spam model" in result.output and "spam.json is missing" in result.output
    mixed = CliRunner().invoke(
        app, ["train", "--data", str(TINY_DATA), "--model", "moe", "--baselines-only", "--quick"]
    )
    assert mixed.exit_code == 2 and "drop --include-corrections and --quick" in mixed.output
