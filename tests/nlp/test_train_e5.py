"""Pieces of the e5 fine-tuning recipe (``nlp.train_e5``) that decide what the shipped model reports."""

from __future__ import annotations

import random

import numpy as np
import pytest

from nlp.e5_model import length_batches
from nlp.mixture import softmax
from nlp.train_e5 import _cap, expected_calibration_error, fit_temperature


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
    capped = _cap(rows, 100, random.Random(1))
    assert len(capped) == 100
    assert sum(r["label"] == "negative" for r in capped) == 30
    assert _cap(rows[:50], 100, random.Random(1)) == rows[:50]


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
