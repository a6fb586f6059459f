"""sentiment per brand

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 09:00:00.000000

A mention that names several brands can praise one and criticise another. ``mention_brand`` gets the label
of the sentences about its brand (``sentiment`` and its probabilities) and when the label worker decided it
(``labeled_at``); see ``store/brand_sentiment.py``. Every column starts NULL, so the KPIs and the
``brand_day`` rollup are unchanged until the worker fills them in (it does so for mentions labeled before
this migration too).
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import context, op
from alembic.script import ScriptDirectory

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

PROBABILITIES = ("p_negative", "p_neutral", "p_positive")


def upgrade() -> None:
    with op.batch_alter_table("mention_brand", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sentiment", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        for name in PROBABILITIES:
            batch_op.add_column(sa.Column(name, sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("labeled_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # Dropped in place (SQLite 3.35+, as 0006 does): a batch copy would reflect the mention table, whose
    # expression indexes SQLite cannot reflect.
    for name in ("labeled_at", *reversed(PROBABILITIES), "sentiment"):
        op.execute(f"ALTER TABLE mention_brand DROP COLUMN {name}")
    # The per-brand labels changed brand_day's sentiment sums: recount it from the mentions' own labels, as
    # 0006 defines it.
    op.execute("DELETE FROM brand_day")
    ScriptDirectory.from_config(context.config).get_revision("0006").module.fill_brand_day()
