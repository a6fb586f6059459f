"""Mapping of model label names onto our labels."""

from __future__ import annotations

import pytest

from nlp import Sentiment, Spam
from nlp.labels import LabelMappingError, map_id2label


def test_enums() -> None:
    assert [s.value for s in Sentiment] == ["negative", "neutral", "positive"]
    assert [s.value for s in Spam] == ["spam", "ham"]
    assert Sentiment.positive == "positive"


@pytest.mark.parametrize(
    ("id2label", "expected"),
    [
        ({0: "NEGATIVE", 1: "POSITIVE"}, {0: "negative", 1: "positive"}),
        ({0: "Negative", 1: "Neutral", 2: "Positive"}, {0: "negative", 1: "neutral", 2: "positive"}),
        ({0: "neg", 1: "neu", 2: "pos"}, {0: "negative", 1: "neutral", 2: "positive"}),
        (
            {0: "1 star", 1: "2 stars", 2: "3 stars", 3: "4 stars", 4: "5 stars"},
            {0: "negative", 1: "negative", 2: "neutral", 3: "positive", 4: "positive"},
        ),
    ],
)
def test_sentiment_synonyms(id2label: dict[int, str], expected: dict[int, str]) -> None:
    assert map_id2label(id2label, "sentiment") == expected


def test_spam_synonyms() -> None:
    assert map_id2label({0: "ham", 1: "spam"}, "spam") == {0: "ham", 1: "spam"}
    assert map_id2label({0: "not_spam", 1: "SPAM"}, "spam") == {0: "ham", 1: "spam"}


def test_generic_labels_need_a_mapping() -> None:
    with pytest.raises(LabelMappingError, match="LABEL_0"):
        map_id2label({0: "LABEL_0", 1: "LABEL_1"}, "sentiment")
    mapping = {"LABEL_0": "negative", "LABEL_1": "positive", "unused": "neutral"}
    assert map_id2label({0: "LABEL_0", 1: "LABEL_1"}, "sentiment", mapping) == {0: "negative", 1: "positive"}


def test_bad_mapping_values_and_tasks() -> None:
    with pytest.raises(LabelMappingError, match="not spam labels"):
        map_id2label({0: "LABEL_0", 1: "LABEL_1"}, "spam", {"LABEL_0": "negative", "LABEL_1": "positive"})
    with pytest.raises(LabelMappingError):
        map_id2label({0: "joy", 1: "anger"}, "sentiment")
    with pytest.raises(ValueError):
        map_id2label({0: "spam"}, "emotion")
