"""label worker leases

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 03:00:00.000000

Several ``brandpulse label`` processes (on any number of machines) share one PostgreSQL: each claims a batch of
unlabeled mentions with a row per mention in ``label_lease`` (the worker, and until when the batch is its own;
``store.repo.claim_unlabeled``, ``FOR UPDATE SKIP LOCKED``). A lease is deleted when its labels are written;
one whose end has passed (its worker was killed) is taken over. A table of its own rather than columns on
``mention``: claiming and renewing then write narrow rows, not the wide, much-indexed mention rows
(benchmarks/README.md, "Label workers"). It starts empty: every stored mention is free to claim.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "label_lease",
        sa.Column("mention_id", sa.Integer(), nullable=False),
        sa.Column("worker", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["mention_id"], ["mention.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("mention_id"),
    )


def downgrade() -> None:
    op.drop_table("label_lease")
