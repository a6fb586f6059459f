"""The label worker: unlabeled mentions → language, sentiment, spam, written back with the model's id.

It pulls mentions in id order and commits each batch, so an interrupted run resumes where it stopped and a run
over a growing table keeps up with new rows. Crawling never waits for it. Memory is bounded by one batch
(``batch_size`` rows, 2,048 by default) whatever the size of the table; within a batch the classifiers sort
the texts by length and run them ``inference_batch_size`` at a time, so a larger batch means less padding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nlp import load_classifier
from nlp.classifier import TextClassifier
from nlp.labeling import label_texts
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
    batch_size: int = 2048,
    inference_batch_size: int = 64,
    precision: str | None = None,
    spam_threshold: float = 0.5,
    label_mapping: dict[str, str] | None = None,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> LabelRunResult:
    """Label every unlabeled mention (at most ``limit``), ``batch_size`` rows per committed batch;
    ``progress(done, total)`` after each batch. ``precision``: see ``nlp.load_classifier``."""
    ensure_schema(database_url)
    mapping = label_mapping or None
    sentiment, spam = (
        load_classifier(
            task, name, batch_size=inference_batch_size, precision=precision, label_mapping=mapping
        )
        for task, name in (("sentiment", sentiment_model), ("spam", spam_model))
    )
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
            results = label_texts([text for _, text in rows], sentiment, spam)
            labels = [
                repo.MentionLabel(
                    mention_id=mention_id,
                    lang=lab.lang,
                    sentiment=lab.sentiment.label,
                    p_negative=lab.sentiment.probs.get("negative", 0.0),
                    p_neutral=lab.sentiment.probs.get("neutral", 0.0),
                    p_positive=lab.sentiment.probs.get("positive", 0.0),
                    spam_score=lab.spam_score,
                    is_spam=lab.spam_score >= spam_threshold,
                    model=model,
                    model_version=version,
                )
                for (mention_id, _), lab in zip(rows, results, strict=True)
            ]
            repo.write_labels(session, labels=labels)
        done += len(rows)
        last_id = rows[-1][0]
        if progress:
            progress(done, total)
    return LabelRunResult(labeled=done, model=model, model_version=version)
