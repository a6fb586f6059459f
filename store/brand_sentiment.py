"""Sentiment per brand: the label a mention gives each brand it is linked to.

A mention that names two or more brands ("A is milder. B stung a bit") can praise one and criticise the
other. The label worker classifies the sentences about each brand (``nlp.brand_sentiment``) and stores the
result on the brand's link (``mention_brand.sentiment`` and its probabilities). Every per-brand count
(P / N / U, net sentiment, QW net sentiment, the ``brand_day`` rollup, negative-share alerts, the negative
feed) reads :func:`brand_sentiment`:

- the link's label where the mention's label came from the model (``label_source = 'model'``) and the link
  has one;
- else the mention's own label: always for a label an analyst corrected or an import gave (a human label
  is not overridden by a model's per-brand guess), and for links without a per-brand label (single-brand
  mentions, a brand named in every sentence, a brand linked through its post or campaign).

``mention_brand.labeled_at`` says when the worker last decided a link's per-brand label (NULL: not yet, e.g.
a link added by a re-match after the mention was labeled). The worker fills those in too.

This module imports only the tables and ``store.sql``, so that ``store.kpi`` and ``store.rollups`` can use its
expressions; writes go through ``store.repo.write_labels`` / ``write_brand_labels``, which also recount the
rollups.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, func, select, update
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from store.models import MODEL, Brand, Mention, MentionBrand
from store.sql import chunks


def brand_sentiment(mention: Any = None, link: Any = None) -> ColumnElement[Any]:
    """The sentiment a mention gives the brand of a link, as an SQL expression over a ``mention`` and a
    ``mention_brand`` row (the tables, or aliases of them); NULL when the mention is unlabeled."""
    m = Mention.__table__ if mention is None else mention
    mb = MentionBrand.__table__ if link is None else link
    per_brand = and_(m.c.label_source == MODEL, m.c.sentiment.is_not(None))
    return case((per_brand, func.coalesce(mb.c.sentiment, m.c.sentiment)), else_=m.c.sentiment)


def has_brand_sentiment(label: str, brand: str | None = None) -> ColumnElement[bool]:
    """True for a mention whose sentiment for ``brand`` (for any of its brands when None) is ``label``: an
    EXISTS over its links, correlated to the ``mention`` table of the enclosing statement.

    Correlated rather than ``mention.id IN (links joined to mention)``: the IN form joins every link of the
    store to its mention before the enclosing filters (period, status) can narrow anything; at 1M mentions
    that was most of the Negative feed's first-page time (benchmarks/bench_feed.py)."""
    m = Mention.__table__
    mb = MentionBrand.__table__.alias("bs_link")
    cond = and_(mb.c.mention_id == m.c.id, brand_sentiment(m, mb) == label)
    if brand is not None:
        cond = and_(cond, mb.c.brand_id == select(Brand.id).where(Brand.name == brand).scalar_subquery())
    return select(1).select_from(mb).where(cond).exists()


@dataclass(frozen=True)
class BrandLabel:
    """The worker's per-brand label of one link; ``sentiment`` None: the mention's own label applies."""

    mention_id: int
    brand_id: int
    sentiment: str | None = None
    p_negative: float | None = None
    p_neutral: float | None = None
    p_positive: float | None = None


def multi_brand_links(session: Session, *, mention_ids: Iterable[int]) -> dict[int, list[int]]:
    """Mention id → ids of its brands, for those of ``mention_ids`` linked to two or more brands."""
    out: dict[int, list[int]] = {}
    mb = MentionBrand.__table__
    for ids in chunks(mention_ids):
        rows = session.execute(
            select(mb.c.mention_id, mb.c.brand_id)
            .where(mb.c.mention_id.in_(ids))
            .order_by(mb.c.mention_id, mb.c.brand_id)
        ).all()
        for mention_id, brand_id in rows:
            out.setdefault(int(mention_id), []).append(int(brand_id))
    return {m: brands for m, brands in out.items() if len(brands) >= 2}


def mentions_awaiting_brand_labels(
    session: Session, *, after_id: int = 0, limit: int
) -> list[tuple[int, str]]:
    """(id, text) of the next model-labeled mentions, in id order, linked to two or more brands of which one
    or more links have no per-brand decision yet (links added after the mention was labeled)."""
    mb = MentionBrand.__table__
    pending = (
        select(mb.c.mention_id)
        .where(mb.c.mention_id > after_id)
        .group_by(mb.c.mention_id)
        .having(func.count() >= 2, func.sum(case((mb.c.labeled_at.is_(None), 1), else_=0)) > 0)
    )
    stmt = (
        select(Mention.id, Mention.text)
        .where(
            Mention.id > after_id,
            Mention.labeled_at.is_not(None),
            Mention.label_source == MODEL,
            Mention.id.in_(pending),
        )
        .order_by(Mention.id)
        .limit(limit)
    )
    return [(int(i), t or "") for i, t in session.execute(stmt).all()]


def set_brand_labels(session: Session, *, labels: Sequence[BrandLabel], now: datetime) -> None:
    """Store per-brand labels on their links (a None label clears one) and mark them decided at ``now``.

    Does not recount the rollups: call ``store.repo.write_labels`` or ``write_brand_labels`` instead.
    """
    if not labels:
        return
    mb = MentionBrand.__table__
    session.connection().execute(
        update(mb)
        .where(mb.c.mention_id == bindparam("b_mention"), mb.c.brand_id == bindparam("b_brand"))
        .values(
            sentiment=bindparam("b_sentiment"),
            p_negative=bindparam("b_pn"),
            p_neutral=bindparam("b_pu"),
            p_positive=bindparam("b_pp"),
            labeled_at=now,
        ),
        [
            {
                "b_mention": lab.mention_id,
                "b_brand": lab.brand_id,
                "b_sentiment": lab.sentiment,
                "b_pn": lab.p_negative,
                "b_pu": lab.p_neutral,
                "b_pp": lab.p_positive,
            }
            for lab in labels
        ],
    )
