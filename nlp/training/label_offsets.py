"""Label offsets of the blend: a log-prior shift per language group, added to the blend's calibrated log
probabilities, chosen on dev after the neutral head.

Why: e5 under-calls neutral in Vietnamese (recall of neutral on the ViSFD phone reviews' dev rows 0.135).
Per 3-class group (20+ rows of a 3-class set, the hand-written set aside) the offsets (negative, neutral;
positive is 0) on a 0.1 grid with the best mean dev macro-F1 over the group's 3-class sets, among those where
no set of the group loses more than ``MAX_SET_LOSS`` of macro-F1 or ``MAX_NEGATIVE_RECALL_LOSS`` of negative
recall, are kept if that mean gains at least ``MIN_GAIN``. The polarity-only groups have the neutral head
instead; English is left alone for the reason its blend weight is fixed (``nlp.training.blend``: dev favours
moe's English expert, which learned most TweetEval dev tweets). The model card has the figures, and why the
bound on negative recall.
"""

from __future__ import annotations

import logging

import numpy as np

from nlp.evaluate import score
from nlp.labels import TASK_LABELS
from nlp.training.data import handwritten_set

log = logging.getLogger(__name__)

OFFSET_GRID = [round(-1.0 + 0.1 * i, 1) for i in range(26)]  # -1.0 … 1.5
MIN_GAIN = 0.01
MAX_SET_LOSS = 0.005
MAX_NEGATIVE_RECALL_LOSS = 0.02  # the Negative feed exists to catch complaints
SKIP_GROUPS = {"en"}


def _set_scores(gold: np.ndarray, logp: np.ndarray, offsets: np.ndarray) -> tuple[float, float]:
    """(macro-F1, recall of negative) of one set's rows with the offsets added."""
    labels = TASK_LABELS["sentiment"]
    pred = [labels[int(k)] for k in (logp + offsets).argmax(1)]
    res = score([labels[int(k)] for k in gold], pred, ["x"] * len(gold))
    return res["macro_f1"], res["per_label"]["negative"]["recall"]


def fit_label_offsets(names: list[str], gold: list[str], groups: list[str], probs: np.ndarray) -> dict:
    """Offsets per group for the sentiment blend, from its dev probabilities (without offsets): the entry
    ``label_offsets`` of ``e5.json`` ({"by_group": {group: [neg, neu, pos]}, and the dev figures})."""
    labels = TASK_LABELS["sentiment"]
    y = np.array([labels.index(g) for g in gold])
    logp = np.log(np.clip(probs, 1e-9, 1.0))
    names_a, groups_a = np.array(names), np.array(groups)
    by_group: dict[str, list[float]] = {}
    figures: dict[str, dict] = {}
    for g in sorted(set(groups) - SKIP_GROUPS):
        masks = {}
        for name in sorted(set(names_a[groups_a == g].tolist()) - {handwritten_set("sentiment")}):
            m = (names_a == name) & (groups_a == g)
            if m.sum() >= 20 and len(set(y[m])) == 3:
                masks[name] = m
        if not masks:
            continue  # a polarity-only group, or no dev rows

        def scores(off: np.ndarray, masks: dict = masks) -> dict[str, tuple[float, float]]:
            return {n: _set_scores(y[m], logp[m], off) for n, m in masks.items()}

        def mean_f1(s: dict[str, tuple[float, float]]) -> float:
            return float(np.mean([f1 for f1, _ in s.values()]))

        base = scores(np.zeros(3))

        def allowed(s: dict[str, tuple[float, float]], base: dict = base) -> bool:
            return all(
                s[n][0] >= base[n][0] - MAX_SET_LOSS and s[n][1] >= base[n][1] - MAX_NEGATIVE_RECALL_LOSS
                for n in base
            )

        best, best_mean = np.zeros(3), mean_f1(base)
        for a in OFFSET_GRID:
            for b in OFFSET_GRID:
                off = np.array([a, b, 0.0])
                s = scores(off)
                if allowed(s) and mean_f1(s) > best_mean + 1e-9:
                    best, best_mean = off, mean_f1(s)
        after = scores(best)
        kept = best_mean >= mean_f1(base) + MIN_GAIN
        figures[g] = {
            "offsets": [float(v) for v in best],
            "kept": kept,
            "dev_without": {n: round(v[0], 4) for n, v in base.items()},
            "dev_with": {n: round(v[0], 4) for n, v in after.items()},
            "negative_recall_without": {n: round(v[1], 4) for n, v in base.items()},
            "negative_recall_with": {n: round(v[1], 4) for n, v in after.items()},
        }
        if kept:
            by_group[g] = [float(v) for v in best]
        log.info("label offsets %s: %s kept=%s, dev %s -> %s", g, best.tolist(), kept, base, after)
    return {"by_group": by_group, "groups": figures} if by_group else {}
