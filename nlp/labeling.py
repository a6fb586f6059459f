"""What the label worker computes for each text: language, sentiment and spam, in one pass over a batch.

Kept apart from the store so that ``brandpulse bench`` times exactly the worker's code on texts in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nlp.classifier import Prediction, TextClassifier
from nlp.encoder import release_freed_memory
from nlp.lang import detect_language


@dataclass(frozen=True)
class TextLabels:
    """One text's language, sentiment prediction and spam probability."""

    lang: str
    sentiment: Prediction
    spam_score: float


def label_texts(
    texts: Sequence[str], sentiment: TextClassifier, spam: TextClassifier | None
) -> list[TextLabels]:
    """Language id, sentiment and (when ``spam`` is given) spam probability of every text, in input order.

    Pass a few thousand texts at a time: each classifier sorts its input by length before batching, so a
    longer list means less padding.
    """
    texts = [t if isinstance(t, str) else "" for t in texts]
    sent = sentiment.predict(texts)
    spam_scores = [p.probs.get("spam", 0.0) for p in spam.predict(texts)] if spam else [0.0] * len(texts)
    out = [
        TextLabels(lang=detect_language(text), sentiment=s, spam_score=p)
        for text, s, p in zip(texts, sent, spam_scores, strict=True)
    ]
    release_freed_memory()  # a long run's batches would otherwise fragment the heap (see there)
    return out
