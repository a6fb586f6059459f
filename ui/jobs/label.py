"""The label worker: unlabeled mentions → language, sentiment, spam, written back with the model's id.

Scale-out: any number of workers, on any machines, share one PostgreSQL. Each claims a batch of unlabeled
mentions at a time with a lease (``store.repo.claim_unlabeled``: ``FOR UPDATE SKIP LOCKED``, lowest ids
first), renews the lease from a background thread while the model runs (every third of ``lease_seconds``),
and writes only the rows it still holds (``store.repo.write_claimed_labels``). A killed worker's batch is
claimed again once its lease ends (60 s by default); a worker with nothing left to claim waits while other
workers still hold unlabeled rows, so a run ends only when every mention is labelled. SQLite is the
single-worker default: a second worker on the same file stops at once (``LabelWorkerBusy``).

Each batch is committed, so an interrupted run resumes where it stopped and a run over a growing table keeps
up with new rows; crawling never waits for it. Every database step is retried with backoff on a transient
error (``store.retry``: a PostgreSQL restart, a dropped connection), and the model never runs inside a
transaction. Memory is bounded by one batch (``batch_size`` rows, 2,048 by default) whatever the size of the
table; within a batch the classifiers sort the texts by length and run them ``inference_batch_size`` at a
time, so a larger batch means less padding.

Sentiment per brand (``store.brand_sentiment``): a mention of a batch linked to two or more brands gets, on
each link, the label of the sentences about that brand (``nlp.brand_sentiment``; one more sentiment batch
of those segments per mention batch), or none where the mention's own label is the brand's. After the
unlabeled mentions, a second pass (one worker at a time) does the same for labeled mentions that gained a link
since (a re-match, a re-crawl naming another brand) and for mentions labeled before per-brand labels existed.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from sqlmodel import Session

from nlp import load_classifier
from nlp.brand_sentiment import brand_segments
from nlp.classifier import TextClassifier
from nlp.labeling import label_texts
from nlp.match import BrandQuery, QueryError
from store import repo
from store.brand_sentiment import BrandLabel, mentions_awaiting_brand_labels, multi_brand_links
from store.db import RunLocked, ensure_schema, get_engine, run_lock, session_scope
from store.retry import with_retries

T = TypeVar("T")
log = logging.getLogger("brandpulse.label")

DEFAULT_LEASE_SECONDS = 60.0
MAX_WAIT_SECONDS = 5.0  # how long a worker with nothing to claim sleeps before it looks again


class LabelWorkerBusy(RuntimeError):
    """Another label worker is running on this SQLite database (SQLite runs one at a time)."""


@dataclass
class LabelRunResult:
    labeled: int
    model: str
    model_version: str
    multi_brand: int = 0  # mentions linked to 2+ brands whose per-brand labels were decided
    worker: str = ""
    batches: int = 0  # batches claimed
    lost: int = 0  # claimed, but labelled by another worker after this one's lease ended, or text changed
    seconds: dict[str, float] = field(default_factory=dict)  # time in claim, model, write, renew, wait


def worker_id() -> str:
    """This process's name in ``label_lease.worker``: host, process id and a random suffix (unique even
    when a process id is reused)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(3)}"


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
    links: dict[int, list[int]],
    rows: Sequence[tuple[int, str]],
    queries: dict[int, tuple[str, BrandQuery]],
    sentiment: TextClassifier,
) -> list[BrandLabel]:
    """Per-brand labels of every link of the ``rows`` (id, text) linked to two or more brands (``links``:
    mention id → brand ids): the label of the brand's sentences, or None (the mention's label applies)."""
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
    return out


def _model_name(sentiment: TextClassifier, spam: TextClassifier, attr: str) -> str:
    a, b = getattr(sentiment, attr), getattr(spam, attr)
    return a if a == b else f"sentiment:{a}; spam:{b}"


class _Clock:
    """Seconds spent per step of the run."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._lock = threading.Lock()

    def add(self, step: str, seconds: float) -> None:
        with self._lock:
            self.seconds[step] = self.seconds.get(step, 0.0) + seconds

    def timed(self, step: str, action: Callable[[], T]) -> T:
        start = time.perf_counter()
        try:
            return action()
        finally:
            self.add(step, time.perf_counter() - start)


def _in_transaction(url: str, what: str, action: Callable[[Session], T]) -> T:
    """``action(session)`` in one transaction, the whole transaction retried on a transient error."""

    def attempt() -> T:
        with session_scope(url) as session:
            return action(session)

    return with_retries(attempt, what=what)


@contextmanager
def _lease_kept(url: str, worker: str, ids: list[int], lease_seconds: float, clock: _Clock) -> Iterator[None]:
    """Renew ``worker``'s lease on ``ids`` every third of ``lease_seconds`` while the block runs (a thread;
    the model releases the GIL). A renewal that fails is logged and tried at the next tick: the lease
    outlasts two missed renewals."""
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(lease_seconds / 3):
            start = time.perf_counter()
            try:
                with session_scope(url) as session:
                    repo.renew_claims(session, worker=worker, ids=ids, lease_seconds=lease_seconds)
            except Exception as exc:  # noqa: BLE001 (the write checks the lease; a renewal is best effort)
                log.warning("renewing the lease of %d mentions failed: %s", len(ids), exc)
            clock.add("renew", time.perf_counter() - start)

    thread = threading.Thread(target=renew, name="label-lease", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _give_back(url: str, worker: str, ids: list[int]) -> None:
    """Release a batch this worker will not finish (stopped, or the model failed), once, best effort: if
    the database does not answer, the lease ends by itself."""
    try:
        with session_scope(url) as session:
            repo.release_claims(session, worker=worker, ids=ids)
    except Exception as exc:  # noqa: BLE001
        log.warning("could not give back %d claimed mentions (their lease will end): %s", len(ids), exc)


@contextmanager
def _only_worker(url: str) -> Iterator[None]:
    """SQLite: hold the database's ``label`` file lock (one worker at a time). PostgreSQL: nothing."""
    if get_engine(url).dialect.name == "postgresql":
        yield
        return
    try:
        with run_lock(url, "label"):
            yield
    except RunLocked:
        raise LabelWorkerBusy(
            "another label worker is running on this SQLite database; SQLite runs one at a time "
            "(use PostgreSQL to run several)"
        ) from None


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
    lease_seconds: float = DEFAULT_LEASE_SECONDS,
    worker: str | None = None,
) -> LabelRunResult:
    """Label every unlabeled mention (this worker at most ``limit``), claiming ``batch_size`` rows at a time
    with a lease of ``lease_seconds``; ``progress(done, total)`` after each batch (total: this worker's done
    plus the unlabeled left). ``precision``: see ``nlp.load_classifier``. Then decide the per-brand labels of
    labeled multi-brand mentions whose links are undecided (see the module docstring). Raises
    ``LabelWorkerBusy`` when another worker runs on the same SQLite database."""
    if batch_size < 1 or lease_seconds <= 0:
        raise ValueError("batch_size must be 1 or more and lease_seconds above 0")
    start = time.perf_counter()
    ensure_schema(database_url)
    shared = get_engine(database_url).dialect.name == "postgresql"
    worker = worker or worker_id()
    clock = _Clock()
    with _only_worker(database_url):
        if not shared:  # the only worker: a killed run's leases are stale
            _in_transaction(database_url, "releasing old leases", repo.release_all_claims)
        mapping = label_mapping or None
        sentiment, spam = (
            load_classifier(
                task, name, batch_size=inference_batch_size, precision=precision, label_mapping=mapping
            )
            for task, name in (("sentiment", sentiment_model), ("spam", spam_model))
        )
        model = _model_name(sentiment, spam, "model_id")
        version = _model_name(sentiment, spam, "version")
        queries = _in_transaction(database_url, "reading the brands", _brand_queries)
        result = LabelRunResult(labeled=0, model=model, model_version=version, worker=worker)

        while limit is None or result.labeled < limit:
            want = batch_size if limit is None else min(batch_size, limit - result.labeled)
            rows, links = clock.timed("claim", partial(_claim, database_url, worker, want, lease_seconds))
            if not rows:
                if not shared or not _wait_for_others(database_url, clock):
                    break
                continue
            result.batches += 1
            ids = [m for m, _ in rows]
            try:
                with (
                    _lease_kept(database_url, worker, ids, lease_seconds, clock) if shared else nullcontext()
                ):
                    labels = clock.timed(
                        "model", partial(_label_rows, rows, sentiment, spam, spam_threshold, model, version)
                    )
                    brand_labels = clock.timed(
                        "model", partial(_brand_labels, links, rows, queries, sentiment)
                    )
            except BaseException:
                _give_back(database_url, worker, ids)
                raise
            written, left = clock.timed(
                "write", partial(_write, database_url, worker, rows, labels, brand_labels)
            )
            kept = set(written)
            result.labeled += len(written)
            result.lost += len(rows) - len(written)
            result.multi_brand += sum(1 for m in links if m in kept)
            if progress:
                total = result.labeled + left
                progress(result.labeled, total if limit is None else min(limit, total))
        result.multi_brand += clock.timed(
            "brand pass", lambda: _label_new_brand_links(database_url, batch_size, queries, sentiment)
        )
    result.seconds = {k: round(v, 3) for k, v in clock.seconds.items()}
    result.seconds["total"] = round(time.perf_counter() - start, 3)
    return result


def _claim(
    url: str, worker: str, want: int, lease_seconds: float
) -> tuple[list[tuple[int, str]], dict[int, list[int]]]:
    """Claim the next batch, with the brand links of its mentions (one transaction)."""

    def claim(session: Session) -> tuple[list[tuple[int, str]], dict[int, list[int]]]:
        rows = repo.claim_unlabeled(session, worker=worker, limit=want, lease_seconds=lease_seconds)
        return rows, multi_brand_links(session, mention_ids=[m for m, _ in rows])

    return _in_transaction(url, "claiming mentions", claim)


def _write(
    url: str,
    worker: str,
    rows: Sequence[tuple[int, str]],
    labels: Sequence[repo.MentionLabel],
    brand_labels: Sequence[BrandLabel],
) -> tuple[list[int], int]:
    """Write a batch's labels (the rows still held); the ids written and the unlabeled mentions left."""

    def write(session: Session) -> tuple[list[int], int]:
        written = repo.write_claimed_labels(
            session, worker=worker, texts=dict(rows), labels=labels, brand_labels=brand_labels
        )
        return written, repo.count_unlabeled(session)

    return _in_transaction(url, "writing labels", write)


def _label_rows(
    rows: Sequence[tuple[int, str]],
    sentiment: TextClassifier,
    spam: TextClassifier,
    spam_threshold: float,
    model: str,
    version: str,
) -> list[repo.MentionLabel]:
    results = label_texts([text for _, text in rows], sentiment, spam)
    return [
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


def _wait_for_others(url: str, clock: _Clock) -> bool:
    """Nothing to claim: whether unlabeled mentions are left (held by other workers, or by a killed one
    whose lease has yet to end); if so, sleep until the first lease ends (at most ``MAX_WAIT_SECONDS``)."""
    state = _in_transaction(url, "reading the claims", repo.claim_state)
    if state.unlabeled == 0:
        return False
    ends_in = MAX_WAIT_SECONDS if state.next_lease_end_in is None else state.next_lease_end_in
    wait = min(MAX_WAIT_SECONDS, max(0.2, ends_in))
    time.sleep(wait)
    clock.add("wait", wait)
    return True


def _label_new_brand_links(
    url: str, batch_size: int, queries: dict[int, tuple[str, BrandQuery]], sentiment: TextClassifier
) -> int:
    """The per-brand labels of labeled mentions with undecided links (one worker at a time: the others skip
    it); how many mentions that covered."""
    try:
        shared = get_engine(url).dialect.name == "postgresql"
        with run_lock(url, "label-brand-links") if shared else nullcontext():
            last_id, multi = 0, 0
            while True:
                read = partial(_awaiting, after_id=last_id, limit=batch_size)
                rows, links = _in_transaction(url, "reading brand links", read)
                if not rows:
                    return multi
                labels = _brand_labels(links, rows, queries, sentiment)
                _in_transaction(url, "writing brand labels", partial(_write_brand_labels, labels=labels))
                multi += len(links)
                last_id = rows[-1][0]
    except RunLocked:
        return 0  # another worker is doing it


def _write_brand_labels(session: Session, *, labels: Sequence[BrandLabel]) -> None:
    repo.write_brand_labels(session, labels=labels)


def _awaiting(
    session: Session, *, after_id: int, limit: int
) -> tuple[list[tuple[int, str]], dict[int, list[int]]]:
    rows = mentions_awaiting_brand_labels(session, after_id=after_id, limit=limit)
    return rows, multi_brand_links(session, mention_ids=[m for m, _ in rows])
