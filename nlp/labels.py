"""Our label vocabularies and the mapping of any model's ``id2label`` onto them."""

from __future__ import annotations

import re
from enum import StrEnum


class Sentiment(StrEnum):
    negative = "negative"
    neutral = "neutral"
    positive = "positive"


class Spam(StrEnum):
    spam = "spam"
    ham = "ham"


TASK_LABELS: dict[str, tuple[str, ...]] = {
    "sentiment": tuple(s.value for s in Sentiment),
    "spam": tuple(s.value for s in Spam),
}


class LabelMappingError(ValueError):
    """A model's labels cannot be mapped onto the task's labels."""


# Normalised label name -> our label. Keys are lower-case with separators removed (see _norm).
_SYNONYMS: dict[str, dict[str, str]] = {
    "sentiment": {
        **dict.fromkeys(["negative", "neg", "negativ", "negatif", "negativo", "bad", "n"], "negative"),
        **dict.fromkeys(["neutral", "neu", "neut", "neutre", "neutro", "mixed", "objective"], "neutral"),
        **dict.fromkeys(["positive", "pos", "positiv", "positif", "positivo", "good", "p"], "positive"),
        # review-star models (e.g. "1 star" .. "5 stars")
        "1star": "negative",
        "2stars": "negative",
        "2star": "negative",
        "3stars": "neutral",
        "3star": "neutral",
        "4stars": "positive",
        "4star": "positive",
        "5stars": "positive",
        "5star": "positive",
        "verynegative": "negative",
        "verypositive": "positive",
        "stronglynegative": "negative",
        "stronglypositive": "positive",
    },
    "spam": {
        **dict.fromkeys(["spam", "isspam", "junk", "scam", "promotional", "ad", "advertisement"], "spam"),
        **dict.fromkeys(["ham", "notspam", "nonspam", "legit", "legitimate", "normal", "clean"], "ham"),
    },
}


def _norm(label: str) -> str:
    return re.sub(r"[\s_\-]+", "", str(label).strip().casefold())


def map_id2label(
    id2label: dict[int, str], task: str, mapping: dict[str, str] | None = None
) -> dict[int, str]:
    """Map a model's ``{id: label}`` onto the task's labels (negative/neutral/positive or spam/ham).

    ``mapping`` (model label -> our label) wins over the built-in synonyms; entries for labels the model does
    not have are ignored, so one mapping can serve several models. Generic names such as ``LABEL_0`` are only
    accepted through ``mapping``. Raises LabelMappingError naming the labels that cannot be mapped.
    """
    if task not in TASK_LABELS:
        raise ValueError(f"unknown task {task!r}; expected one of {sorted(TASK_LABELS)}")
    ours = TASK_LABELS[task]
    explicit = {_norm(k): v for k, v in (mapping or {}).items()}
    bad_values = {v for v in explicit.values() if v not in ours}
    model_norms = {_norm(v) for v in id2label.values()}
    if any(k in model_norms and explicit[k] in bad_values for k in explicit):
        raise LabelMappingError(
            f"label_mapping maps onto {sorted(bad_values)}, which are not {task} labels {list(ours)}"
        )
    result: dict[int, str] = {}
    unmapped: list[str] = []
    for idx, label in id2label.items():
        key = _norm(label)
        target = explicit.get(key) or _SYNONYMS[task].get(key)
        if target is None:
            unmapped.append(str(label))
        else:
            result[int(idx)] = target
    if unmapped:
        raise LabelMappingError(
            f"cannot map the model's labels {unmapped} (all: {list(id2label.values())}) onto the {task} "
            f"labels {list(ours)}; pass label_mapping, e.g. {{{unmapped[0]!r}: {ours[0]!r}, ...}}"
        )
    if len(set(result.values())) < 2:
        raise LabelMappingError(
            f"the model's labels {list(id2label.values())} map onto fewer than two {task} labels: {result}"
        )
    return result


# The e5 runner's name for the blend's neutral head (one logit; nlp.training.neutral_head), beside the tasks.
NEUTRAL_HEAD = "sentiment_neutral"
