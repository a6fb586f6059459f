"""`brandpulse bench` on a tiny corpus: the report's keys and numbers (no wall-clock thresholds)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nlp.bench import NaiveDefault, run_bench
from nlp.bench_corpus import bench_corpus
from nlp.classifier import DefaultClassifier
from nlp.lang import detect_language
from tests.nlp.test_hf_model import _tiny_bert
from ui.cli.app import app

KEYS = {"naive_texts_per_s", "worker_texts_per_s", "ratio", "peak_rss_mb"}


def test_corpus_is_fixed_and_multilingual() -> None:
    texts = bench_corpus(5000)
    assert len(texts) == 5000 and texts == bench_corpus(5000)
    assert bench_corpus(40) == texts[:40]  # the start does not depend on n
    langs = Counter(detect_language(t) for t in texts)
    for lang in ("en", "ko", "zh", "vi"):
        assert langs[lang] >= 500, langs
    assert langs["und"] >= 100  # emoji-only and punctuation
    assert sum("http" in t or "www." in t for t in texts) >= 100
    words = [len(t.split()) for t in texts]
    assert min(words) == 1 and max(words) >= 60


@pytest.mark.parametrize("model", [None, "moe"])
def test_bench_reports_every_side(model: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BRANDPULSE_PRECISION", raising=False)
    result = run_bench(40, model=model, naive_n=12, precision="fp32").to_dict()
    assert set(result) >= KEYS
    for key in KEYS:
        assert result[key] > 0, key
    assert result["ratio"] == pytest.approx(
        result["worker_texts_per_s"] / result["naive_texts_per_s"], rel=0.02
    )
    assert result["n"] == 40 and result["naive_n"] == 12
    assert result["tasks"] == ["sentiment", "spam"] and result["precision"] == "fp32"
    # In fp32 both sides compute the same labels: the naive side is the same model, one text at a time.
    assert result["agreement"] == {"sentiment": 1.0, "spam": 1.0}
    if model is None:  # the default (e5 blended with moe): the previous default is timed beside it
        assert result["model_version"].startswith("bp-e5-")
        assert result["previous_texts_per_s"] > 0
        assert result["previous"]["model"] == "bp-moe-char-minilm-0.6"
        assert set(result["previous"]["agreement_with_worker"]) == {"sentiment", "spam"}
    else:
        assert result["model_version"] == "bp-moe-char-minilm-0.6" and result["previous"] == {}


def test_bench_command_prints_one_json_object(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no brandpulse.toml here: defaults
    out = CliRunner().invoke(app, ["bench", "--n", "40", "--naive-n", "8", "--json"])
    assert out.exit_code == 0, out.output
    result = json.loads(out.stdout)
    assert set(result) >= KEYS and all(result[k] > 0 for k in KEYS)
    assert result["n"] == 40 and result["naive_n"] == 8


def test_bench_with_a_hugging_face_model(tmp_path: Path) -> None:
    path = _tiny_bert(tmp_path / "tiny", {0: "NEGATIVE", 1: "POSITIVE"})
    result = run_bench(30, model=str(path), naive_n=10, precision="fp32")
    assert result.tasks == ["sentiment"] and result.model == str(path)
    assert result.naive_texts_per_s > 0 and result.worker_texts_per_s > 0
    assert result.agreement["sentiment"] >= 0.9


def test_bench_rejects_a_bad_precision() -> None:
    out = CliRunner().invoke(app, ["bench", "--n", "10", "--precision", "fp8"])
    assert out.exit_code == 2 and "--precision" in out.output


def test_naive_side_of_a_model_with_fine_tuned_top_layers(monkeypatch: pytest.MonkeyPatch) -> None:
    # The naive side gets the fine-tuned top's input from the feature-extraction pipeline's own model (a
    # forward hook on the layer below), one text at a time, and must label as the fp32 classifiers do.
    monkeypatch.delenv("BRANDPULSE_PRECISION", raising=False)
    sentiment = DefaultClassifier("sentiment", precision="fp32")
    spam = DefaultClassifier("spam", precision="fp32")
    assert sentiment.top_name is not None  # the bundled sentiment model has a fine-tuned top layer
    naive = NaiveDefault(sentiment, spam)
    assert "forward hook" in naive.description and naive.tops
    texts = bench_corpus(12)
    got = [naive.label(t) for t in texts]
    assert [g["sentiment"] for g in got] == [p.label for p in sentiment.predict(texts)]
    assert [g["spam"] for g in got] == [p.label for p in spam.predict(texts)]
