"""The blend of the fine-tuned e5 with the previous default (moe) that ``BlendClassifier`` applies: a weight
per language group and a temperature, chosen on the dev rows at the end of an e5 training run.

w (e5's share) is the largest on a 0.1 grid whose mean dev macro-F1 over the group's sets (20+ rows of the
group) is within BLEND_TOLERANCE of the best, since e5 carries over to unseen domains (leave-one-domain-out,
model card) and the dev sets are the moe experts' own domains. English sentiment is fixed at 0.5: moe's
English expert learned XLM-T's English train split, which holds most TweetEval dev tweets, so dev favours it.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from nlp.evaluate import score
from nlp.labels import TASK_LABELS
from nlp.mixture import softmax
from nlp.training.calibration import expected_calibration_error, fit_temperature
from nlp.training.data import handwritten_set

BLEND_GRID = [round(0.1 * i, 1) for i in range(11)]
BLEND_TOLERANCE = 0.003
BLEND_FIXED = {"sentiment": {"en": 0.5}}


def _group_f1(
    task: str, names: list[str], gold: list[str], groups: list[str], probs: np.ndarray, g: str
) -> float:
    labels = TASK_LABELS[task]
    scores = []
    for name in sorted(set(names)):
        idx = [i for i, n in enumerate(names) if n == name and groups[i] == g]
        if len(idx) >= 20:
            pred = [labels[int(k)] for k in probs[idx].argmax(1)]
            scores.append(score([gold[i] for i in idx], pred, ["x"] * len(idx))["macro_f1"])
    return float(np.mean(scores)) if scores else float("nan")


def binary_groups(names: list[str], gold: list[str], groups: list[str]) -> list[str]:
    """Language groups whose every dev set (20+ rows of the group) is binary: moe never saw their neutral.

    The hand-written rows do not count: a few dozen neutral comments beside a corpus of 100k+ binary ones
    leave moe's p(neutral) near zero in that language (about 0.04 on neutral Korean and Chinese comments)."""
    made_here = {handwritten_set(t) for t in TASK_LABELS}
    out = []
    for g in sorted(set(groups)):
        rows = Counter(n for n, x in zip(names, groups, strict=True) if x == g and n not in made_here)
        sets = [n for n, k in rows.items() if k >= 20]
        if sets and all("neutral" not in {gold[i] for i, x in enumerate(names) if x == n} for n in sets):
            out.append(g)
    return out


def fit_blend(task: str, names: list[str], gold: list[str], texts: list[str], e5_probs: np.ndarray) -> dict:
    """Weights per language group and a temperature for ``BlendClassifier``, chosen on the dev rows."""
    from nlp.blend_math import BLEND_GROUPS, blend_log_probs, lang_group
    from nlp.classifier import load_classifier
    from nlp.lang import detect_language

    moe = load_classifier(task, "moe").predict_proba(texts)
    groups = [lang_group(detect_language(t)) for t in texts]
    la, lb = np.log(np.clip(e5_probs, 1e-6, 1)), np.log(np.clip(moe, 1e-6, 1))
    neutral = TASK_LABELS[task].index("neutral") if "neutral" in TASK_LABELS[task] else None
    polarity_only = binary_groups(names, gold, groups) if neutral is not None else []
    is_po = np.array([g in polarity_only for g in groups], dtype=bool)
    weights: dict[str, float] = {}
    curves: dict[str, dict[str, float]] = {}

    def blended(w: np.ndarray | float) -> np.ndarray:
        w = np.broadcast_to(np.asarray(w, float), (len(groups), 1))
        return blend_log_probs(la, lb, w, is_po, neutral)

    for g in (*BLEND_GROUPS, "other"):
        curve = {w: _group_f1(task, names, gold, groups, blended(w), g) for w in BLEND_GRID}
        curves[g] = {str(w): round(f, 4) for w, f in curve.items()}
        if g in BLEND_FIXED.get(task, {}):
            weights[g] = BLEND_FIXED[task][g]
        elif not all(np.isnan(f) for f in curve.values()):
            best = max(f for f in curve.values() if not np.isnan(f))
            weights[g] = max(w for w, f in curve.items() if not np.isnan(f) and f >= best - BLEND_TOLERANCE)
        else:
            weights[g] = 0.5  # no dev rows of this group: an even blend
    z = blended(np.array([weights[g] for g in groups])[:, None])
    y = np.array([TASK_LABELS[task].index(x) for x in gold])
    temperature = fit_temperature(z, y)
    probs = softmax(z / temperature)
    per_set = {}
    for name in sorted(set(names)):
        idx = [i for i, n in enumerate(names) if n == name]
        labels = TASK_LABELS[task]
        pred = [labels[int(k)] for k in probs[idx].argmax(1)]
        res = score([gold[i] for i in idx], pred, ["x"] * len(idx))
        per_set[name] = {
            "macro_f1": round(res["macro_f1"], 4),
            "recall": {k: round(v["recall"], 3) for k, v in res["per_label"].items()},
        }
    return {
        "weights": weights,
        "polarity_only": polarity_only,
        "temperature": temperature,
        "ece": round(expected_calibration_error(probs, y), 4),
        "dev_scores": per_set,
        "dev_curves": curves,
    }
