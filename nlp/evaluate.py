"""Scoring a classifier on labeled JSONL rows ``{"text", "label", "lang"}`` (what ``brandpulse eval`` prints).

Macro-F1 is taken over the gold label set: on a binary sentiment set (negative / positive), a predicted
"neutral" counts as an error for its gold class and as no class's false positive.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support


@dataclass(frozen=True)
class LabeledText:
    text: str
    label: str
    lang: str


def read_labeled(path: Path) -> list[LabeledText]:
    """Rows of a JSONL file; a row without text or label is an error naming its line."""
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                rows.append(LabeledText(str(obj["text"]), str(obj["label"]), str(obj.get("lang") or "und")))
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{n}: expected a JSON object with text and label ({exc})") from None
    if not rows:
        raise ValueError(f"{path}: no rows")
    return rows


def score(gold: Sequence[str], predicted: Sequence[str], langs: Sequence[str]) -> dict[str, Any]:
    """macro_f1, accuracy, per_label {precision, recall, f1, support}, per_lang macro-F1, n."""
    labels = sorted(set(gold))
    p, r, f, s = precision_recall_fscore_support(gold, predicted, labels=labels, zero_division=0)
    by_lang: dict[str, list[int]] = defaultdict(list)
    for i, lang in enumerate(langs):
        by_lang[lang].append(i)
    per_lang = {}
    for lang, idx in sorted(by_lang.items()):
        g = [gold[i] for i in idx]
        per_lang[lang] = float(
            f1_score(g, [predicted[i] for i in idx], labels=sorted(set(g)), average="macro", zero_division=0)
        )
    return {
        "macro_f1": float(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0)),
        "accuracy": float(accuracy_score(gold, predicted)),
        "per_label": {
            label: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
            for i, label in enumerate(labels)
        },
        "per_lang": per_lang,
        "n": len(gold),
    }


def evaluate(classifier: Any, rows: Sequence[LabeledText]) -> dict[str, Any]:
    """Predict every row with ``classifier`` (a ``TextClassifier``) and score it, with texts per second."""
    start = time.perf_counter()
    predictions = classifier.predict([r.text for r in rows])
    seconds = time.perf_counter() - start
    result = score([r.label for r in rows], [p.label for p in predictions], [r.lang for r in rows])
    result["texts_per_s"] = len(rows) / seconds if seconds > 0 else None
    return result
