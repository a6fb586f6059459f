"""The label worker: unlabeled mentions → language, sentiment, spam, written back with the model's id.

It pulls mentions in id order and commits each batch, so an interrupted run resumes where it stopped and a run
over a growing table keeps up with new rows. Crawling never waits for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nlp import detect_language, load_classifier
from nlp.classifier import TextClassifier
from store import repo
from store.db import ensure_schema, session_scope


@dataclass(frozen=True)
class LabelRunResult:
    labeled: int
    model: str
    model_version: str


def _model_name(sentiment: TextClassifier, spam: TextClassifier, attr: str) -> str:
    a, b = getattr(sentiment, attr), getattr(spam, attr)
    return a if a == b else f"sentiment:{a}; spam:{b}"


def label_mentions(
    database_url: str,
    *,
    sentiment_model: str | None = None,
    spam_model: str | None = None,
    batch_size: int = 256,
    spam_threshold: float = 0.5,
    label_mapping: dict[str, str] | None = None,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> LabelRunResult:
    """Label every unlabeled mention (at most ``limit``); ``progress(done, total)`` after each batch."""
    ensure_schema(database_url)
    sentiment = load_classifier("sentiment", sentiment_model, label_mapping=label_mapping or None)
    spam = load_classifier("spam", spam_model, label_mapping=label_mapping or None)
    model = _model_name(sentiment, spam, "model_id")
    version = _model_name(sentiment, spam, "version")
    with session_scope(database_url) as session:
        total = repo.count_unlabeled(session)
    if limit is not None:
        total = min(total, limit)
    done, last_id = 0, 0
    while done < total:
        with session_scope(database_url) as session:
            rows = repo.unlabeled_mentions(session, limit=min(batch_size, total - done), after_id=last_id)
            if not rows:
                break
            texts = [text for _, text in rows]
            sent = sentiment.predict(texts)
            spam_pred = spam.predict(texts)
            labels = []
            for (mention_id, text), s, p in zip(rows, sent, spam_pred, strict=True):
                p_spam = p.probs.get("spam", 0.0)
                labels.append(
                    repo.MentionLabel(
                        mention_id=mention_id,
                        lang=detect_language(text),
                        sentiment=s.label,
                        p_negative=s.probs.get("negative", 0.0),
                        p_neutral=s.probs.get("neutral", 0.0),
                        p_positive=s.probs.get("positive", 0.0),
                        spam_score=p_spam,
                        is_spam=p_spam >= spam_threshold,
                        model=model,
                        model_version=version,
                    )
                )
            repo.write_labels(session, labels=labels)
        done += len(rows)
        last_id = rows[-1][0]
        if progress:
            progress(done, total)
    return LabelRunResult(labeled=done, model=model, model_version=version)
