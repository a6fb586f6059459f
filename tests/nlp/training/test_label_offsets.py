"""The blend's label offsets: choosing them on dev, and the blend applying them to its group only."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from nlp.classifier import BlendClassifier
from nlp.features import DEFAULT_DIR
from nlp.training.label_offsets import fit_label_offsets


def _rows(n: int, rng: np.random.Generator, group: str, name: str, shy_neutral: bool, signal: float = 1.5):
    """Made-up dev rows of one set: the model's probabilities lean to the gold label, but where
    ``shy_neutral`` its p(neutral) is a third of what it should be (as e5's is in Vietnamese)."""
    gold = rng.integers(0, 3, n)
    logits = rng.normal(0, 1, (n, 3))
    logits[np.arange(n), gold] += signal
    if shy_neutral:
        logits[:, 1] -= np.log(3)
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    labels = ["negative", "neutral", "positive"]
    return [name] * n, [labels[k] for k in gold], [group] * n, p


def test_offsets_are_kept_where_they_help_the_group_and_left_out_elsewhere() -> None:
    rng = np.random.default_rng(0)
    parts = [
        _rows(600, rng, "vi", "vi_a", True),
        _rows(600, rng, "vi", "vi_b", True),
        _rows(600, rng, "other", "xx", False, 4.0),  # nearly always right: no shift gains a point
        _rows(600, rng, "en", "en_a", True),  # English is left alone (its dev favours moe)
        _rows(600, rng, "ko", "ko_binary", False),  # no 3-class set: nothing to choose on
    ]
    parts[4][1][:] = [g if g != "neutral" else "positive" for g in parts[4][1]]
    names, gold, groups = (sum((p[i] for p in parts), []) for i in range(3))
    probs = np.vstack([p[3] for p in parts])
    res = fit_label_offsets(names, gold, groups, probs)
    assert set(res["by_group"]) == {"vi"}
    neg, neu, pos = res["by_group"]["vi"]
    assert neu > 0.5 and pos == 0.0  # the shy neutral is pulled up
    vi = res["groups"]["vi"]
    for name in ("vi_a", "vi_b"):
        assert vi["dev_with"][name] > vi["dev_without"][name] + 0.01
    assert not res["groups"]["other"]["kept"] and "en" not in res["groups"] and "ko" not in res["groups"]


def test_the_blend_shifts_only_the_group_it_has_offsets_for(tmp_path: Path) -> None:
    texts = ["Máy dùng ổn, pin tạm được.", "Battery is okay I guess.", "배송은 보통이에요"]
    plain = BlendClassifier("sentiment").predict_proba(texts)
    folder = tmp_path / "model"
    shutil.copytree(DEFAULT_DIR, folder)
    path = folder / "e5.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    config["blend"]["sentiment"]["label_offsets"] = {"by_group": {"vi": [0.0, 5.0, 0.0]}}
    path.write_text(json.dumps(config), encoding="utf-8")
    shifted = BlendClassifier("sentiment", folder).predict_proba(texts)
    assert shifted[0].argmax() == 1 and shifted[0, 1] > plain[0, 1]
    assert np.allclose(shifted[1:], plain[1:], atol=1e-5)
