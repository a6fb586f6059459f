"""`brandpulse eval`: metrics of the bundled model on a small labeled file, and the scoring rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nlp.evaluate import score
from ui.cli.app import app

ROWS = [
    {"text": "This serum is wonderful, my skin has never looked better", "label": "positive", "lang": "en"},
    {
        "text": "Worst purchase ever, it burned my skin and support ignored me",
        "label": "negative",
        "lang": "en",
    },
    {"text": "글로우랩 세럼 최고예요 촉촉하고 좋아요", "label": "positive", "lang": "ko"},
    {"text": "글로우랩 쓰고 트러블 나서 환불했어요 최악", "label": "negative", "lang": "ko"},
    {"text": "光澤實驗室的精華很好用，皮膚變亮了", "label": "positive", "lang": "zh"},
    {"text": "用了兩天就過敏，客服態度又很差", "label": "negative", "lang": "zh"},
    {"text": "Serum này dùng thích lắm, da mịn hẳn", "label": "positive", "lang": "vi"},
    {"text": "Dùng xong nổi mụn khắp mặt, rất thất vọng", "label": "negative", "lang": "vi"},
]


def test_scoring_counts_a_neutral_prediction_on_a_binary_set_as_an_error() -> None:
    gold = ["negative", "positive", "positive", "negative"]
    pred = ["negative", "neutral", "positive", "negative"]
    result = score(gold, pred, ["en", "en", "ko", "ko"])
    assert result["accuracy"] == pytest.approx(0.75)
    assert set(result["per_label"]) == {"negative", "positive"}
    assert result["per_label"]["positive"] == {
        "precision": 1.0,
        "recall": 0.5,
        "f1": pytest.approx(2 / 3),
        "support": 2,
    }
    assert result["macro_f1"] == pytest.approx((1.0 + 2 / 3) / 2)
    assert result["per_lang"] == {"en": pytest.approx(0.5), "ko": 1.0}
    assert result["n"] == 4


def test_eval_command_prints_the_json_keys(tmp_path: Path) -> None:
    data = tmp_path / "dev.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS), encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "--task", "sentiment", "--data", str(data), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output.strip().splitlines()[-1])
    assert set(out) == {"macro_f1", "accuracy", "per_label", "per_lang", "n", "texts_per_s"}
    assert out["n"] == 8 and set(out["per_lang"]) == {"en", "ko", "zh", "vi"}
    assert out["accuracy"] >= 0.75  # clear-cut comments in our four languages
    table = CliRunner().invoke(app, ["eval", "--data", str(data)])
    assert table.exit_code == 0 and "macro-F1" in table.output and "lang ko" in table.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"label": "positive"}\n', encoding="utf-8")
    broken = CliRunner().invoke(app, ["eval", "--data", str(bad)])
    assert broken.exit_code == 2 and "bad.jsonl:1" in broken.output
