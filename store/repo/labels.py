"""Labels: the label worker's reads and writes, triage of negative mentions, and analysts' label corrections.

Labels given with imported data are kept unless asked otherwise; an analyst's correction is always kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, case, func, literal, or_, select, update
from sqlmodel import Session

from store import rollups
from store.brand_sentiment import BrandLabel, set_brand_labels
from store.models import (
    CORRECTED,
    CORRECTION_LABELS,
    CORRECTION_TASKS,
    IMPORTED,
    MODEL,
    TRIAGE_STATUSES,
    LabelCorrection,
    Mention,
)
from store.timeutil import utcnow


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


def set_triage_status(session: Session, *, mention_id: int, status: str) -> None:
    if status not in TRIAGE_STATUSES:
        raise ValueError(f"triage status must be one of {', '.join(TRIAGE_STATUSES)}, not {status!r}")
    result = session.execute(
        update(Mention)
        .where(Mention.id == mention_id)
        .values(triage_status=status, triage_updated_at=utcnow())
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise KeyError(f"no mention with id {mention_id}")


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


def latest_corrections(
    session: Session, *, task: str | None = None, mention_ids: Iterable[int] | None = None
) -> list[LabelCorrection]:
    """The latest correction of each (mention, task) by mention id; of one task or some mentions if given."""
    lc = LabelCorrection.__table__
    latest = select(func.max(lc.c.id)).group_by(lc.c.mention_id, lc.c.task)
    if task is not None:
        latest = latest.where(lc.c.task == task)
    if mention_ids is not None:
        latest = latest.where(lc.c.mention_id.in_(list(mention_ids)))
    stmt = (
        select(LabelCorrection)
        .where(LabelCorrection.id.in_(latest))  # type: ignore[union-attr]
        .order_by(LabelCorrection.mention_id, LabelCorrection.task)
    )
    return list(session.execute(stmt).scalars())
