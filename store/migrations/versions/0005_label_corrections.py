"""label corrections

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 09:00:00.000000

``label_correction`` keeps every analyst correction of a mention's sentiment or spam label (the latest per
mention and task wins) with the label it replaced, so corrected labels can feed training and exports.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "label_correction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mention_id", sa.Integer(), nullable=False),
        sa.Column("task", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("previous_label", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("previous_label_source", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("previous_model", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("previous_model_version", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("corrected_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["mention_id"], ["mention.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("label_correction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_label_correction_created_at"), ["created_at"], unique=False)
        batch_op.create_index("ix_label_correction_mention_task", ["mention_id", "task", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("label_correction", schema=None) as batch_op:
        batch_op.drop_index("ix_label_correction_mention_task")
        batch_op.drop_index(batch_op.f("ix_label_correction_created_at"))
    op.drop_table("label_correction")
