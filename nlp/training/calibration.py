"""Calibration: the temperature that minimises a model's dev NLL, and the expected calibration error.

Two temperature fitters live here and stay two: the moe trainer's (``fit_temperature_bounded``, a bounded
scalar search, unrounded) chose the shipped moe temperature; the e5 trainer's and the blend's
(``fit_temperature``, a 0.05 grid on [0.5, 3], rounded to 2 places) chose e5's and the blend's. Unified,
one of the two trainers would no longer rebuild its shipped model.
"""

from __future__ import annotations

import numpy as np

from nlp.mixture import softmax


def fit_temperature_bounded(logits: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Temperature minimising dev NLL (bounded search on [0.05, 20]; the moe trainer's); returns
    (T, nll at T=1, nll at T)."""
    from scipy.optimize import minimize_scalar

    def nll(t: float) -> float:
        p = softmax(logits / t)
        return float(-np.mean(np.log(np.clip(p[np.arange(len(y)), y], 1e-12, None))))

    res = minimize_scalar(nll, bounds=(0.05, 20.0), method="bounded")
    return float(res.x), nll(1.0), nll(float(res.x))


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """The temperature minimising the NLL of ``y`` (a grid; it changes no argmax; the e5 trainer's and the
    blend's)."""
    best, best_t = np.inf, 1.0
    for t in np.arange(0.5, 3.01, 0.05):
        z = logits / t
        z = z - z.max(1, keepdims=True)
        nll = -(z[np.arange(len(y)), y] - np.log(np.exp(z).sum(1))).mean()
        if nll < best:
            best, best_t = nll, float(t)
    return round(best_t, 2)


def expected_calibration_error(probs: np.ndarray, y: np.ndarray, bins: int = 15) -> float:
    """ECE of the top label, equal-width confidence bins."""
    conf, pred = probs.max(1), probs.argmax(1)
    edges = np.linspace(0, 1, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        sel = (conf > lo) & (conf <= hi)
        if sel.any():
            ece += sel.mean() * abs((pred[sel] == y[sel]).mean() - conf[sel].mean())
    return float(ece)
