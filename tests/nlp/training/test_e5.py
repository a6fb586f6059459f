"""Pieces of the e5 fine-tuning recipe (``nlp.training``) that decide what the shipped model reports."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from nlp.blend_math import blend_log_probs
from nlp.e5_model import length_batches
from nlp.mixture import softmax
from nlp.training.blend import binary_groups
from nlp.training.calibration import expected_calibration_error, fit_temperature
from nlp.training.data import cap_rows, write_json
from nlp.training.e5 import class_weights

TINY_DATA = Path(__file__).resolve().parents[2] / "fixtures" / "train_tiny"


def test_length_batches_cover_every_text_once_within_the_token_budget() -> None:
    rng = random.Random(3)
    lengths = [rng.randrange(3, 129) for _ in range(500)]
    batches = length_batches(lengths, 64, budget=2048)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(500))
    for b in batches:
        assert len(b) <= 64
        assert len(b) == 1 or len(b) * max(lengths[i] for i in b) <= 2048
    # Sorted by length: a batch's longest text is no longer than the next batch's shortest.
    for a, b in zip(batches, batches[1:], strict=False):
        assert max(lengths[i] for i in a) <= min(lengths[i] for i in b)


def test_cap_keeps_label_proportions() -> None:
    rows = [{"label": "negative"}] * 300 + [{"label": "positive"}] * 700
    capped = cap_rows(rows, 100, random.Random(1))
    assert len(capped) == 100
    assert sum(r["label"] == "negative" for r in capped) == 30
    assert cap_rows(rows[:50], 100, random.Random(1)) == rows[:50]


def test_temperature_and_ece_of_overconfident_logits() -> None:
    # Logits twice too sharp: the fitted temperature undoes it and the calibration error drops.
    rng = np.random.default_rng(0)
    true_logits = rng.normal(size=(4000, 3)) * 1.5
    y = np.array([rng.choice(3, p=p) for p in softmax(true_logits)])
    sharp = true_logits * 2
    t = fit_temperature(sharp, y)
    assert t == pytest.approx(2.0, abs=0.25)
    before = expected_calibration_error(softmax(sharp), y)
    after = expected_calibration_error(softmax(sharp / t), y)
    assert after < before / 2 and after < 0.03


def test_class_weights_even_out_labels_within_each_dataset() -> None:
    rows = [("a", {"label": "x"})] * 3 + [("a", {"label": "y"})] + [("b", {"label": "x"})] * 2
    full = class_weights(rows, 1.0)
    assert full[:4] == pytest.approx([2 / 3, 2 / 3, 2 / 3, 2.0])  # each label of "a" weighs 2 in all
    assert np.mean(full[:4]) == pytest.approx(1.0) and full[4:] == pytest.approx([1.0, 1.0])
    assert class_weights(rows, 0.0) == [1.0] * 6


def test_polarity_only_blend_keeps_e5_neutral_and_blends_the_polar_split() -> None:
    e5 = np.array([[0.2, 0.6, 0.2], [0.2, 0.6, 0.2]])  # negative, neutral, positive
    moe = np.array([[0.90, 0.02, 0.08], [0.90, 0.02, 0.08]])
    w = np.full((2, 1), 0.4)
    z = blend_log_probs(np.log(e5), np.log(moe), w, np.array([True, False]), neutral=1)
    p = softmax(z)
    assert p[0, 1] == pytest.approx(0.6)  # e5's neutral stands
    assert p[0, 0] > p[0, 2] and p[0].sum() == pytest.approx(1.0)  # moe still tips the polar split
    assert p[1].argmax() == 0  # the plain blend: moe's near-zero neutral wins the row
    plain = blend_log_probs(np.log(e5), np.log(moe), w, np.array([False, False]), neutral=1)
    assert np.allclose(plain, 0.4 * np.log(e5) + 0.6 * np.log(moe))


def test_binary_groups_are_the_languages_whose_sets_lack_neutral() -> None:
    names = ["zh_set"] * 25 + ["mixed"] * 25 + ["mixed"] * 25
    groups = ["zh"] * 25 + ["en"] * 25 + ["zh"] * 25
    gold = ["negative", "positive"] * 12 + ["negative"] + ["neutral"] * 50
    assert binary_groups(names, gold, groups) == []  # zh has a set with neutral rows
    assert binary_groups(names[:25], gold[:25], groups[:25]) == ["zh"]
    # The hand-written rows (neutral included) do not teach moe a language's neutral: zh stays binary.
    hand = ["sentiment_handwritten_multilingual"] * 25
    assert binary_groups(names[:25] + hand, gold[:25] + ["neutral"] * 25, groups[:25] * 2) == ["zh"]


def test_refit_blend_rewrites_only_the_blend_of_a_trained_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--refit-blend`` refits the blend of the model in ``--out`` on the dev rows, without training."""
    import nlp.training.e5_layers
    from nlp.training import e5

    monkeypatch.setattr(nlp.training.e5_layers, "CACHE_DIR", tmp_path / "cache")  # not the user's cache
    out = tmp_path / "model"
    e5.main(["--data", str(TINY_DATA), "--out", str(out), "--quick"])
    trained = json.loads((out / "e5.json").read_text(encoding="utf-8"))
    layers = (out / "e5_top.npz").read_bytes()
    assert trained["blend"] == {}  # a quick run fits no blend
    e5.main(["--data", str(TINY_DATA), "--out", str(out), "--refit-blend", "--quick"])
    refitted = json.loads((out / "e5.json").read_text(encoding="utf-8"))
    assert (out / "e5_top.npz").read_bytes() == layers
    assert {k: v for k, v in refitted.items() if k != "blend"} == {
        k: v for k, v in trained.items() if k != "blend"
    }
    assert set(refitted["blend"]) == {"sentiment", "spam"}
    for task, blend in refitted["blend"].items():
        assert set(blend["weights"]) == {"en", "ko", "zh", "vi", "other"}, task
        assert blend["temperature"] > 0 and blend["dev_scores"], task


def test_a_failed_config_write_leaves_the_old_e5_json_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that dies half-way (disk full, a killed run) must not leave a truncated ``e5.json``: the
    classifier could no longer load. ``write_json`` writes a temporary file and renames it."""
    path = tmp_path / "e5.json"
    write_json(path, {"version": "old", "blend": {}})
    real_write = Path.write_text

    def dies_half_way(self: Path, data: str, *args, **kwargs) -> int:
        real_write(self, data[: len(data) // 2], *args, **kwargs)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", dies_half_way)
    with pytest.raises(OSError):
        write_json(path, {"version": "new", "blend": {"sentiment": {"weights": {"en": 0.5}}}})
    monkeypatch.undo()
    assert json.loads(path.read_text(encoding="utf-8")) == {"version": "old", "blend": {}}
    write_json(path, {"version": "new", "blend": {}})
    assert json.loads(path.read_text(encoding="utf-8"))["version"] == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["e5.json"]  # the half-written temporary file is replaced
