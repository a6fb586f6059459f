"""brandpulse NLP: language id, boolean brand queries, sentiment and spam classifiers.

Names are imported lazily, so ``import nlp.quality`` or ``nlp.match`` (used by the crawler) does not pull in
torch, transformers or scikit-learn.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "load_classifier": "nlp.classifier",
    "Prediction": "nlp.classifier",
    "TextClassifier": "nlp.classifier",
    "detect_language": "nlp.lang",
    "BrandQuery": "nlp.match",
    "match_brands": "nlp.match",
    "QueryError": "nlp.match",
    "Sentiment": "nlp.labels",
    "Spam": "nlp.labels",
}

__all__ = [
    "BrandQuery",
    "Prediction",
    "QueryError",
    "Sentiment",
    "Spam",
    "TextClassifier",
    "detect_language",
    "load_classifier",
    "match_brands",
]

if TYPE_CHECKING:
    from nlp.classifier import Prediction, TextClassifier, load_classifier
    from nlp.labels import Sentiment, Spam
    from nlp.lang import detect_language
    from nlp.match import BrandQuery, QueryError, match_brands


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'nlp' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
