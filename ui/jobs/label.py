"""The label worker: unlabeled mentions → language, sentiment, spam, written back with the model's id.

It pulls mentions in id order and commits each batch, so an interrupted run resumes where it stopped and a run
over a growing table keeps up with new rows. Crawling never waits for it. Memory is bounded by one batch
(``batch_size`` rows, 2,048 by default) whatever the size of the table; within a batch the classifiers sort
the texts by length and run them ``inference_batch_size`` at a time, so a larger batch means less padding.

Sentiment per brand (``store.brand_sentiment``): a mention of a batch linked to two or more brands gets, on
each link, the label of the sentences about that brand (``nlp.brand_sentiment``; one more sentiment batch
of those segments per mention batch), or none where the mention's own label is the brand's. After the
unlabeled mentions, a second pass does the same for labeled mentions that gained a link since (a re-match, a
re-crawl naming another brand) and for mentions labeled before per-brand labels existed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlmodel import Session

from nlp import load_classifier
from nlp.brand_sentiment import brand_segments
from nlp.classifier import TextClassifier
from nlp.labeling import label_texts
from nlp.match import BrandQuery, QueryError
from store import repo
from store.brand_sentiment import BrandLabel, mentions_awaiting_brand_labels, multi_brand_links
from store.db import ensure_schema, session_scope


@dataclass(frozen=True)
class LabelRunResult:
    labeled: int
    model: str
    model_version: str
    multi_brand: int = 0  # mentions linked to 2+ brands whose per-brand labels were decided


def _brand_queries(session: Session) -> dict[int, tuple[str, BrandQuery]]:
    """Brand id → (name, parsed query) of every stored brand whose query parses."""
    out: dict[int, tuple[str, BrandQuery]] = {}
    for b in repo.list_brands(session):
        try:
            if b.id is not None:
                out[b.id] = (b.name, BrandQuery.parse(b.query))
        except QueryError:
            continue  # its links keep the mention's label (the configuration check reports the query)
    return out


def _brand_labels(
    session: Session,
    rows: Sequence[tuple[int, str]],
    queries: dict[int, tuple[str, BrandQuery]],
    sentiment: TextClassifier,
) -> tuple[list[BrandLabel], int]:
    """Per-brand labels of every link of the ``rows`` (id, text) linked to two or more brands: the label of
    the brand's sentences, or None (the mention's label applies); and how many mentions that covers."""
    links = multi_brand_links(session, mention_ids=[m for m, _ in rows])
    texts = {m: text or "" for m, text in rows}
    out: list[BrandLabel] = []
    segments: list[tuple[int, int, str]] = []  # (mention, brand, text about the brand)
    for mention_id, brand_ids in links.items():
        named = {queries[b][0]: queries[b][1] for b in brand_ids if b in queries}
        found = brand_segments(texts[mention_id], named)
        for b in brand_ids:
            segment = found.get(queries[b][0]) if b in queries else None
            if segment is None:
                out.append(BrandLabel(mention_id=mention_id, brand_id=b))
            else:
                segments.append((mention_id, b, segment))
    predictions = sentiment.predict([text for _, _, text in segments]) if segments else []
    for (mention_id, b, _), p in zip(segments, predictions, strict=True):
        out.append(
            BrandLabel(
                mention_id=mention_id,
                brand_id=b,
                sentiment=p.label,
                p_negative=p.probs.get("negative", 0.0),
                p_neutral=p.probs.get("neutral", 0.0),
                p_positive=p.probs.get("positive", 0.0),
            )
        )
    return out, len(links)


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
    ``progress(done, total)`` after each batch. ``precision``: see ``nlp.load_classifier``. Then decide the
    per-brand labels of labeled multi-brand mentions whose links are undecided (see the module docstring)."""
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
        queries = _brand_queries(session)
    if limit is not None:
        total = min(total, limit)
    done, last_id, multi = 0, 0, 0
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
            brand_labels, n = _brand_labels(session, rows, queries, sentiment)
            repo.write_labels(session, labels=labels, brand_labels=brand_labels)
        multi += n
        done += len(rows)
        last_id = rows[-1][0]
        if progress:
            progress(done, total)
    last_id = 0
    while True:  # links added to labeled mentions since (their per-brand label is still undecided)
        with session_scope(database_url) as session:
            rows = mentions_awaiting_brand_labels(session, after_id=last_id, limit=batch_size)
            if not rows:
                break
            brand_labels, n = _brand_labels(session, rows, queries, sentiment)
            repo.write_brand_labels(session, labels=brand_labels)
        multi += n
        last_id = rows[-1][0]
    return LabelRunResult(labeled=done, model=model, model_version=version, multi_brand=multi)
