"""The neutral head of the blend's polarity-only languages (Korean, Chinese): a logistic regression on the
fine-tuned e5's pooled output and its lower layers' (``HEAD_INPUT``) that tells a neutral text from a polar
one, fitted after training.

Why: every Korean and Chinese sentiment set is binary, so fine-tuning teaches e5 (and moe) that a text in
those languages is never neutral, and questions, asides and plain facts about a product land in the Negative
feed. The head learns "neutral or not" from the 3-class sets of the other languages (2,000 train rows each),
the binary sets as polar (2,000 each: the head should not call a review neutral), and hand-written Korean,
Chinese, Vietnamese and English brand comments: the train split of ``nlp/sentiment_patterns.jsonl`` as e5
learned it, 80 % of ``nlp/sentiment_patterns_head.jsonl`` and analysts' corrections (weight 3 a row). The
other 20 % of the head file is the head's dev set.

In the polarity-only groups ``BlendClassifier`` takes p(neutral) = sigmoid(head logit + bias of the text's
group) and splits the rest between negative and positive as before. Each group's bias is chosen on dev, on
that group's rows only (the groups' binary sets bind differently: NSMC sits just above its baseline, the
Chinese sets do not): the best macro-F1 on the head's dev rows of the group, provided no binary dev set of
the group loses more than ``MAX_BINARY_LOSS`` of macro-F1 (a neutral label on a binary set is an error) or
falls below its character baseline's dev score where it was above it; a group where no bias qualifies keeps
e5's p(neutral), and no head is kept if none qualifies.
"""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path

import numpy as np

from nlp.evaluate import score
from nlp.features import DEFAULT_DIR, preprocess
from nlp.labels import TASK_LABELS
from nlp.mixture import softmax
from nlp.training.data import AUGMENT_COPIES, NLP_DIR, augment_rows, read_jsonl, task_of

log = logging.getLogger(__name__)

HEAD_FILE = NLP_DIR / "sentiment_patterns_head.jsonl"
HEAD_CAP = 2000  # train rows per data set
HANDWRITTEN_WEIGHT = 3.0
HEAD_C = 0.3
# What the head reads: e5's pooled output and, beside it, the mean-pooled output of the lower layers, which
# fine-tuning left as multilingual-e5 made them (cross-lingual; the top layers learned on the binary Korean
# and Chinese sets that those languages are polar). Dev, Chinese / Korean head rows: 0.849 / 0.837 with
# "top" alone, 0.893 / 0.857 with both (each group's bias chosen by the same rule).
HEAD_INPUT = "top+lower"
BIAS_GRID = [round(-3 + 0.25 * i, 2) for i in range(15)]  # -3 … 0.5
MAX_BINARY_LOSS = 0.005
DEV_SHARE = 0.2


def split_head_file(seed: int, path: Path = HEAD_FILE) -> tuple[list[dict], list[dict]]:
    """(train, dev) of the hand-written head rows: ``DEV_SHARE`` of each (language, label) held out."""
    strata: dict[tuple[str, str], list[dict]] = {}
    for r in read_jsonl(path):
        strata.setdefault((r.get("lang", ""), r["label"]), []).append(r)
    rng = random.Random(f"{seed}-neutral-head")
    train, dev = [], []
    for key in sorted(strata):
        rows = strata[key][:]
        rng.shuffle(rows)
        k = max(1, round(len(rows) * DEV_SHARE))
        dev += rows[:k]
        train += rows[k:]
    return train, dev


def head_train_rows(
    data_dir: Path, seed: int, exclude: set[str], corrections: list[dict] | None = None
) -> tuple[list[dict], list[float]]:
    """The head's train rows and their weights: texts whose preprocessed form is in ``exclude`` (the dev
    texts) left out; ``corrections``, analysts' sentiment corrections, weigh as the hand-written rows."""

    def fresh(rows: list[dict]) -> list[dict]:
        return [r for r in rows if preprocess(r["text"]) not in exclude]

    rows: list[dict] = []
    weights: list[float] = []
    for folder in sorted(p for p in data_dir.iterdir() if (p / "train.jsonl").is_file()):
        train = read_jsonl(folder / "train.jsonl")
        if task_of(train) != "sentiment":
            continue
        train = fresh(train)
        random.Random(f"{seed}-{folder.name}-head").shuffle(train)
        rows += train[:HEAD_CAP]
        weights += [1.0] * len(train[:HEAD_CAP])
    # The pattern file's train split as e5 learned it (each row filled in AUGMENT_COPIES ways; its dev split
    # stays out), the head file's train split and the corrections.
    filled = fresh(augment_rows("sentiment", seed)["train"])
    rows += filled
    weights += [HANDWRITTEN_WEIGHT / AUGMENT_COPIES] * len(filled)
    made = fresh(
        split_head_file(seed)[0] + [r for r in corrections or [] if r["label"] in TASK_LABELS["sentiment"]]
    )
    rows += made
    weights += [HANDWRITTEN_WEIGHT] * len(made)
    return rows, weights


def char_baselines() -> dict[str, float]:
    """Dev macro-F1 of the per-set character TF-IDF baselines, as the moe trainer recorded them."""
    config = json.loads((DEFAULT_DIR / "sentiment.json").read_text(encoding="utf-8"))
    scores = config.get("dev_scores", {}).get("baseline_char_tfidf_lr", {})
    return {name: float(s["macro_f1"]) for name, s in scores.items()}


def choose_bias(
    curve: dict[float, dict[str, float]], without: dict[str, float], baselines: dict[str, float]
) -> float | None:
    """The bias with the best mean macro-F1 on the head's dev rows (``head_dev_*``; ties: the lower bias)
    among those that keep every binary set within ``MAX_BINARY_LOSS`` of its score without the head and,
    where it was at or above its character baseline, at or above it still. None if no bias qualifies."""

    def allowed(s: dict[str, float]) -> bool:
        for name, f1 in without.items():
            if name.startswith("head_dev"):
                continue
            floor = f1 - MAX_BINARY_LOSS
            if name in baselines and f1 >= baselines[name]:
                floor = max(floor, baselines[name])
            if s[name] < floor:
                return False
        return True

    def head_mean(s: dict[str, float]) -> float:
        return round(float(np.mean([v for k, v in s.items() if k.startswith("head_dev")])), 4)

    if not any(k.startswith("head_dev") for s in curve.values() for k in s):
        return None  # nothing to choose on: no head dev rows of these groups
    ok = [b for b, s in curve.items() if allowed(s)]
    return max(ok, key=lambda b: (head_mean(curve[b]), -b)) if ok else None


def choose_biases(
    curve: dict[float, dict[str, float]],
    without: dict[str, float],
    baselines: dict[str, float],
    set_groups: dict[str, str],
) -> dict[str, float]:
    """Each group's bias by ``choose_bias`` on that group's sets only: its head dev rows
    (``head_dev_<group>``) and the binary sets whose rows are mostly in it (``set_groups``). Groups where
    none qualifies are left out."""
    groups = sorted({k[len("head_dev_") :] for s in curve.values() for k in s if k.startswith("head_dev_")})
    out = {}
    for g in groups:
        keys = {f"head_dev_{g}"} | {name for name, sg in set_groups.items() if sg == g}
        bias = choose_bias(
            {b: {k: v for k, v in s.items() if k in keys} for b, s in curve.items()},
            {k: v for k, v in without.items() if k in keys},
            baselines,
        )
        if bias is not None:
            out[g] = bias
    return out


def fit_neutral_head(
    folder: Path,
    data_dir: Path,
    seed: int,
    dev: list[tuple[str, dict]],
    corrections: list[dict] | None = None,
) -> dict:
    """Fit the head for the model in ``folder`` (whose ``e5.json`` has its sentiment blend) and choose its
    bias per language group on ``dev`` (the training run's ``(dataset, row)`` dev pairs) and the head's own
    dev rows. Returns the ``neutral_head`` entry for the blend ({} when none is kept); writes nothing."""
    from sklearn.linear_model import LogisticRegression

    from nlp.blend_math import blend_log_probs, lang_group, sigmoid
    from nlp.classifier import E5Classifier, load_classifier
    from nlp.e5_model import forget_runner, get_runner
    from nlp.lang import detect_language

    config = json.loads((folder / "e5.json").read_text(encoding="utf-8"))
    blend = config.get("blend", {}).get("sentiment")
    if not blend or not blend.get("polarity_only"):
        return {}
    po = set(blend["polarity_only"])
    labels = TASK_LABELS["sentiment"]
    sets = {name for name, r in dev if r["label"] in labels}
    # The rows of the polarity-only groups in the binary dev sets, and the head's own dev rows.
    rows: list[tuple[str, str, str]] = []
    for name in sorted(sets):
        texts = [r for n, r in dev if n == name]
        if {r["label"] for r in texts} <= {"negative", "positive"}:
            rows += [(name, r["text"], r["label"]) for r in texts]
    head_dev = split_head_file(seed)[1]
    rows += [("head_dev", r["text"], r["label"]) for r in head_dev]
    groups = np.array([lang_group(detect_language(t)) for _, t, _ in rows])
    keep = np.array([g in po for g in groups])
    rows = [r for r, k in zip(rows, keep, strict=True) if k]
    groups = groups[keep]
    names = np.array([str(n) for n, _, _ in rows])
    gold = [g for _, _, g in rows]
    texts = [t for _, t, _ in rows]

    exclude = {preprocess(t) for t in texts} | {preprocess(r["text"]) for _, r in dev}
    train, weights = head_train_rows(data_dir, seed, exclude, corrections)
    forget_runner(folder)  # the layers just saved there, not those of an earlier load in this process
    runner = get_runner(folder)
    lower = HEAD_INPUT == "top+lower"
    x = runner.pooled([preprocess(r["text"]) for r in train], lower=lower)
    y = np.array([r["label"] == "neutral" for r in train])
    model = LogisticRegression(C=HEAD_C, max_iter=3000, class_weight="balanced")
    model.fit(x, y, sample_weight=np.array(weights))
    logit = runner.pooled([preprocess(t) for t in texts], lower=lower) @ model.coef_[0] + model.intercept_[0]

    w = np.array([blend["weights"].get(g, 1.0) for g in groups])[:, None]
    log_e5 = np.log(np.clip(E5Classifier("sentiment", folder).predict_proba(texts), 1e-6, 1))
    log_moe = np.log(np.clip(load_classifier("sentiment", "moe").predict_proba(texts), 1e-6, 1))
    is_po = np.ones(len(rows), dtype=bool)
    temperature = float(blend.get("temperature", 1.0))

    def scores(p_neutral: np.ndarray | None) -> dict[str, float]:
        z = blend_log_probs(log_e5, log_moe, w, is_po, labels.index("neutral"), p_neutral)
        pred = [labels[int(k)] for k in softmax(z / temperature).argmax(1)]
        out = {}
        for name in sorted(set(names.tolist())):
            for g in sorted(set(groups[names == name].tolist())) if name == "head_dev" else [None]:
                m = (names == name) if g is None else (names == name) & (groups == g)
                if m.sum() >= 20:
                    idx = np.flatnonzero(m)
                    key = name if g is None else f"{name}_{g}"
                    res = score([gold[i] for i in idx], [pred[i] for i in idx], ["x"] * len(idx))
                    out[key] = round(res["macro_f1"], 4)
        return out

    without = scores(None)
    curve = {b: scores(sigmoid(logit + b)) for b in BIAS_GRID}
    set_groups = {
        name: max(set(sg), key=sg.count)
        for name in set(names.tolist()) - {"head_dev"}
        for sg in [groups[names == name].tolist()]
    }
    bias = choose_biases(curve, without, char_baselines(), set_groups)
    if not bias:
        log.info("neutral head: no bias keeps the binary sets within bounds; none kept")
        return {}
    # Rows of a group without a bias keep e5's p(neutral) (NaN tells blend_log_probs so).
    row_bias = np.array([bias.get(g, np.nan) for g in groups])
    with_head = scores(sigmoid(logit + row_bias))
    log.info("neutral head: bias %s, dev %s (without: %s)", bias, with_head, without)
    return {
        "input": HEAD_INPUT,
        "coef": [round(float(v), 6) for v in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6),
        "bias": bias,
        "C": HEAD_C,
        "train_rows": len(train),
        "dev_without_head": without,
        "dev_with_head": with_head,
        "bias_curve": {str(b): s for b, s in curve.items()},
    }
