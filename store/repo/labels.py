"""Labels: the label worker's reads and writes, and analysts' label corrections (triage: ``repo.triage``).

Labels given with imported data are kept unless asked otherwise; an analyst's correction is always kept.

Label workers claim batches with leases (``claim_unlabeled``): a ``label_lease`` row per mention names the
worker and until when (the database's clock, so machines need not agree on the time) it is its own. A
worker renews its leases while it labels (``renew_claims``) and writes only the mentions it still holds
(``write_claimed_labels``), so a mention is labelled once even when a lease ended and another worker took
the batch over.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, bindparam, case, delete, func, literal, or_, select, update
from sqlalchemy.sql.expression import ClauseElement
from sqlmodel import Session

from store import rollups
from store.brand_sentiment import BrandLabel, set_brand_labels
from store.models import (
    CORRECTED,
    CORRECTION_LABELS,
    CORRECTION_TASKS,
    IMPORTED,
    MODEL,
    LabelCorrection,
    LabelLease,
    Mention,
)
from store.sql import dialect_insert
from store.timeutil import as_utc, utcnow


@dataclass(frozen=True)
class MentionLabel:
    mention_id: int
    lang: str
    sentiment: str
    p_negative: float
    p_neutral: float
    p_positive: float
    spam_score: float
    is_spam: bool
    model: str
    model_version: str


def unlabeled_mentions(session: Session, *, limit: int, after_id: int = 0) -> list[tuple[int, str]]:
    """The next unlabeled mentions in id order (so an interrupted worker resumes where it stopped)."""
    rows = session.execute(
        select(Mention.id, Mention.text)
        .where(Mention.labeled_at.is_(None), Mention.id > after_id)
        .order_by(Mention.id)
        .limit(limit)
    ).all()
    return [(id_, text) for id_, text in rows]


def count_unlabeled(session: Session) -> int:
    return session.execute(
        select(func.count()).select_from(Mention).where(Mention.labeled_at.is_(None))
    ).scalar_one()


def _db_now(session: Session) -> Any:
    """Now: the database's clock on PostgreSQL (``now()``, shared by every machine), this process's on SQLite
    (one file, one machine), as a value to compare with or add a ``timedelta`` to."""
    return func.now() if session.get_bind().dialect.name == "postgresql" else utcnow()


def claim_unlabeled(
    session: Session, *, worker: str, limit: int, lease_seconds: float
) -> list[tuple[int, str]]:
    """Claim up to ``limit`` unlabeled mentions for ``worker`` for ``lease_seconds``: the lowest ids that no
    worker holds or whose lease has ended. Returns their (id, text) in id order; the claim holds once the
    session commits.

    On PostgreSQL the mentions are picked with ``FOR UPDATE SKIP LOCKED``: workers claiming at the same
    moment never wait for each other and never get the same row (a mention another transaction is claiming
    or writing is skipped), and a lease is taken over only if it has ended when the claim writes it. SQLite
    takes one writer at a time anyway.
    """
    m, lease = Mention.__table__, LabelLease.__table__
    now = _db_now(session)
    until = now + timedelta(seconds=lease_seconds)
    if not isinstance(until, ClauseElement):
        until = literal(until, lease.c.lease_until.type)
    held = select(lease.c.mention_id).where(lease.c.mention_id == m.c.id, lease.c.lease_until >= now)
    free = (
        select(m.c.id, literal(worker).label("worker"), until.label("until"))
        .where(m.c.labeled_at.is_(None), ~held.exists())
        .order_by(m.c.id)
        .limit(limit)
        .with_for_update(of=m, skip_locked=True)
    )
    insert = dialect_insert(session, lease).from_select(["mention_id", "worker", "lease_until"], free)
    stmt = insert.on_conflict_do_update(
        index_elements=["mention_id"],
        set_={"worker": insert.excluded.worker, "lease_until": insert.excluded.lease_until},
        where=lease.c.lease_until < now,
    ).returning(lease.c.mention_id)
    if session.get_bind().dialect.name == "postgresql":  # the texts in the same statement
        claimed = stmt.cte("claimed")
        query = select(m.c.id, m.c.text).join(claimed, claimed.c.mention_id == m.c.id)
    else:
        ids = [int(i) for i in session.execute(stmt).scalars()]
        query = select(m.c.id, m.c.text).where(m.c.id.in_(ids))
    return [(int(id_), text or "") for id_, text in session.execute(query.order_by(m.c.id)).all()]


def renew_claims(session: Session, *, worker: str, ids: Iterable[int], lease_seconds: float) -> int:
    """Extend ``worker``'s leases on ``ids`` to ``lease_seconds`` from now; how many it still holds."""
    lease = LabelLease.__table__
    stmt = (
        update(lease)
        .where(lease.c.mention_id.in_(list(ids)), lease.c.worker == worker)
        .values(lease_until=_db_now(session) + timedelta(seconds=lease_seconds))
    )
    return int(session.execute(stmt).rowcount)  # type: ignore[attr-defined]


def release_claims(session: Session, *, worker: str, ids: Iterable[int]) -> int:
    """Give ``worker``'s leases on ``ids`` back at once (a worker stopping midway) rather than when they
    end; how many were given back."""
    lease = LabelLease.__table__
    stmt = delete(lease).where(lease.c.mention_id.in_(list(ids)), lease.c.worker == worker)
    return int(session.execute(stmt).rowcount)  # type: ignore[attr-defined]


def release_all_claims(session: Session) -> int:
    """Drop every lease: for a worker that knows it is the only one (SQLite, under its file lock), so that a
    batch of a killed run is not kept waiting for its lease to end."""
    return int(session.execute(delete(LabelLease.__table__)).rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ClaimState:
    """The unlabeled mentions left, and in how many seconds the first lease on one of them ends (None: no
    lease; 0 or less: one has ended, its mentions can be claimed now)."""

    unlabeled: int
    next_lease_end_in: float | None


def claim_state(session: Session) -> ClaimState:
    m, lease = Mention.__table__, LabelLease.__table__
    count = session.execute(select(func.count()).select_from(m).where(m.c.labeled_at.is_(None))).scalar_one()
    first_end = session.execute(
        select(func.min(lease.c.lease_until))
        .select_from(lease.join(m, m.c.id == lease.c.mention_id))
        .where(m.c.labeled_at.is_(None))
    ).scalar_one()
    if first_end is None:
        return ClaimState(int(count), None)
    if session.get_bind().dialect.name == "postgresql":
        now = session.execute(select(func.now())).scalar_one()
    else:
        now, first_end = utcnow(), as_utc(first_end)
    return ClaimState(int(count), (first_end - now).total_seconds())


def write_claimed_labels(
    session: Session,
    *,
    worker: str,
    texts: Mapping[int, str],
    labels: Sequence[MentionLabel],
    brand_labels: Sequence[BrandLabel] = (),
) -> list[int]:
    """Write the labels of a batch claimed by ``worker`` (``claim_unlabeled``) for the mentions it still
    holds, still unlabeled and with the text it labelled (``texts``: id → text); returns their ids, whose
    leases end here.

    A mention another worker took over after this one's lease ended, or already labelled, is left alone, so
    none is labelled twice; one whose text a crawl changed meanwhile is given back unlabelled, to be claimed
    again with its new text. The batch's mentions are locked first, in id order, as claims lock them.
    """
    if not labels:
        return []
    rollups.lock_for_write(session)  # first, as every writer does (no deadlock with row locks)
    m, lease = Mention.__table__, LabelLease.__table__
    ids = sorted(texts)
    current = dict(
        session.execute(
            select(m.c.id, m.c.text)
            .where(m.c.id.in_(ids), m.c.labeled_at.is_(None))
            .order_by(m.c.id)
            .with_for_update(of=m)
        ).all()
    )
    # With the mentions locked no claim can take their leases over: what this worker holds now stays its own.
    held = set(
        session.execute(
            select(lease.c.mention_id).where(lease.c.mention_id.in_(ids), lease.c.worker == worker)
        ).scalars()
    )
    keep = {i for i in held if i in current and (current[i] or "") == texts[i]}
    write_labels(
        session,
        labels=[lab for lab in labels if lab.mention_id in keep],
        brand_labels=[lab for lab in brand_labels if lab.mention_id in keep],
    )
    session.execute(delete(lease).where(lease.c.mention_id.in_(sorted(held)), lease.c.worker == worker))
    return sorted(keep)


def write_labels(
    session: Session,
    *,
    labels: Sequence[MentionLabel],
    brand_labels: Sequence[BrandLabel] = (),
    overwrite_imported: bool = False,
) -> None:
    """Write the worker's labels, and its per-brand labels of multi-brand mentions' links
    (``store.brand_sentiment``). Labels given with imported data are kept unless ``overwrite_imported``;
    the labels of a mention an analyst corrected (``record_correction``) are always kept.
    """
    if not labels:
        return
    rollups.lock_for_write(session)
    now = utcnow()
    set_brand_labels(session, labels=brand_labels, now=now)
    t = Mention.__table__
    imported = or_(
        and_(t.c.label_source == IMPORTED, literal(not overwrite_imported)), t.c.label_source == CORRECTED
    )

    def keep_sentiment(col: Any, new: Any) -> Any:
        return case((and_(imported, t.c.sentiment.is_not(None)), col), else_=new)

    def keep_spam(col: Any, new: Any) -> Any:
        return case((and_(imported, t.c.spam_score.is_not(None)), col), else_=new)

    session.connection().execute(
        update(t)
        .where(t.c.id == bindparam("b_id"))
        .values(
            lang=func.coalesce(t.c.lang, bindparam("b_lang")),
            sentiment=keep_sentiment(t.c.sentiment, bindparam("b_sentiment")),
            p_negative=keep_sentiment(t.c.p_negative, bindparam("b_pn")),
            p_neutral=keep_sentiment(t.c.p_neutral, bindparam("b_pu")),
            p_positive=keep_sentiment(t.c.p_positive, bindparam("b_pp")),
            spam_score=keep_spam(t.c.spam_score, bindparam("b_spam")),
            is_spam=keep_spam(t.c.is_spam, bindparam("b_is_spam")),
            model=bindparam("b_model"),
            model_version=bindparam("b_version"),
            label_source=case((imported, t.c.label_source), else_=MODEL),
            labeled_at=now,
        ),
        [
            {
                "b_id": lab.mention_id,
                "b_lang": lab.lang,
                "b_sentiment": lab.sentiment,
                "b_pn": lab.p_negative,
                "b_pu": lab.p_neutral,
                "b_pp": lab.p_positive,
                "b_spam": lab.spam_score,
                "b_is_spam": lab.is_spam,
                "b_model": lab.model,
                "b_version": lab.model_version,
            }
            for lab in labels
        ],
    )
    # Sentiment and spam score feed the per-brand daily sums and the posts' comment sums.
    written = {lab.mention_id for lab in labels} | {lab.mention_id for lab in brand_labels}
    rollups.refresh_after_write(session, mention_ids=written)


def write_brand_labels(session: Session, *, labels: Sequence[BrandLabel]) -> None:
    """Write per-brand labels of links (``store.brand_sentiment``) of already labeled mentions, e.g. links a
    re-match added later, and recount the rollups."""
    if not labels:
        return
    rollups.lock_for_write(session)
    set_brand_labels(session, labels=labels, now=utcnow())
    rollups.refresh_after_write(session, mention_ids={lab.mention_id for lab in labels})


def _current_label(mention: Mention, task: str) -> str | None:
    if task == "sentiment":
        return mention.sentiment
    return None if mention.is_spam is None else ("spam" if mention.is_spam else "ham")


def record_correction(
    session: Session,
    *,
    mention_id: int,
    task: str,
    label: str,
    corrected_by: str | None = None,
    note: str | None = None,
) -> LabelCorrection:
    """Store an analyst's correction of a mention's sentiment or spam label and show it at once.

    The mention's own label is overwritten (sentiment with one-hot probabilities; spam as ``is_spam`` with
    ``spam_score`` 1.0 or 0.0) and marked ``corrected``, so every KPI reflects it and the label worker keeps
    it. What the mention showed before stays in the correction row (``previous_*``).

    >>> record_correction(session, mention_id=7, task="spam", label="ham")  # doctest: +SKIP
    """
    if task not in CORRECTION_TASKS:
        raise ValueError(f"task must be one of {', '.join(CORRECTION_TASKS)}, not {task!r}")
    allowed = CORRECTION_LABELS[task]
    if label not in allowed:
        raise ValueError(f"a {task} correction must be one of {', '.join(allowed)}, not {label!r}")
    rollups.lock_for_write(session)
    mention = session.get(Mention, mention_id)
    if mention is None:
        raise KeyError(f"no mention with id {mention_id}")
    correction = LabelCorrection(
        mention_id=mention_id,
        task=task,
        label=label,
        previous_label=_current_label(mention, task),
        previous_label_source=mention.label_source,
        previous_model=mention.model,
        previous_model_version=mention.model_version,
        corrected_by=(corrected_by or "").strip() or None,
        note=(note or "").strip() or None,
        created_at=utcnow(),
    )
    session.add(correction)
    if task == "sentiment":
        values: dict[str, Any] = {
            "sentiment": label,
            **{f"p_{name}": 1.0 if name == label else 0.0 for name in CORRECTION_LABELS["sentiment"]},
        }
    else:
        values = {"is_spam": label == "spam", "spam_score": 1.0 if label == "spam" else 0.0}
    session.execute(update(Mention).where(Mention.id == mention_id).values(**values, label_source=CORRECTED))
    rollups.refresh_after_write(session, mention_ids=[mention_id])
    session.flush()
    return correction


def _latest_correction_ids(task: str | None = None, mention_ids: Iterable[int] | None = None) -> Any:
    """Ids of the latest correction of each (mention, task), a subquery; of one task or some mentions."""
    lc = LabelCorrection.__table__
    latest = select(func.max(lc.c.id)).group_by(lc.c.mention_id, lc.c.task)
    if task is not None:
        latest = latest.where(lc.c.task == task)
    if mention_ids is not None:
        latest = latest.where(lc.c.mention_id.in_(list(mention_ids)))
    return latest


def latest_corrections(
    session: Session, *, task: str | None = None, mention_ids: Iterable[int] | None = None
) -> list[LabelCorrection]:
    """The latest correction of each (mention, task) by mention id; of one task or some mentions if given."""
    stmt = (
        select(LabelCorrection)
        .where(LabelCorrection.id.in_(_latest_correction_ids(task, mention_ids)))  # type: ignore[union-attr]
        .order_by(LabelCorrection.mention_id, LabelCorrection.task)
    )
    return list(session.execute(stmt).scalars())


@dataclass(frozen=True)
class CorrectedText:
    """A corrected mention's text and stored language (None if unknown) with its latest label for one task."""

    mention_id: int
    text: str
    label: str
    lang: str | None


def corrected_texts(session: Session, *, task: str) -> list[CorrectedText]:
    """Every mention corrected for ``task`` with its latest corrected label, by mention id: what
    ``brandpulse train --include-corrections`` adds to the training rows.

    >>> corrected_texts(session, task="spam")  # doctest: +SKIP
    [CorrectedText(mention_id=2, text='ib mình nhé', label='spam', lang=None)]
    """
    if task not in CORRECTION_TASKS:
        raise ValueError(f"task must be one of {', '.join(CORRECTION_TASKS)}, not {task!r}")
    stmt = (
        select(Mention.id, Mention.text, LabelCorrection.label, Mention.lang)
        .join(LabelCorrection, LabelCorrection.mention_id == Mention.id)  # type: ignore[arg-type]
        .where(LabelCorrection.id.in_(_latest_correction_ids(task)))  # type: ignore[union-attr]
        .order_by(Mention.id)
    )
    return [CorrectedText(*row) for row in session.execute(stmt)]
