"""triage workflow: assignee, priority, note and the triage history

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-15 09:00:00.000000

``mention`` gets ``triage_assignee`` (a free-text name), ``triage_priority`` (high / medium / low) and
``triage_note``; ``triage_event`` keeps every change of a mention's triage (field, from → to, who, when),
the history behind the response metrics (``store.kpi.response``). Existing mentions keep their status, with no
assignee, priority, note or history. Indexes: the feed's filters on assignee and priority, each mention's
events in time order, and events by time.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mention", schema=None) as batch_op:
        batch_op.add_column(sa.Column("triage_assignee", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column("triage_priority", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column("triage_note", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_mention_triage_assignee"), ["triage_assignee"], unique=False)
        batch_op.create_index(batch_op.f("ix_mention_triage_priority"), ["triage_priority"], unique=False)
    op.create_table(
        "triage_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mention_id", sa.Integer(), nullable=False),
        sa.Column("field", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("from_value", sa.Text(), nullable=True),
        sa.Column("to_value", sa.Text(), nullable=True),
        sa.Column("changed_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["mention_id"], ["mention.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("triage_event", schema=None) as batch_op:
        batch_op.create_index("ix_triage_event_mention_time", ["mention_id", "changed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_triage_event_changed_at"), ["changed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("triage_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_triage_event_changed_at"))
        batch_op.drop_index("ix_triage_event_mention_time")
    op.drop_table("triage_event")
    with op.batch_alter_table("mention", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mention_triage_priority"))
        batch_op.drop_index(batch_op.f("ix_mention_triage_assignee"))
    # Plain ALTER TABLE ... DROP COLUMN (SQLite ≥ 3.35 has it): batch mode would copy `mention` into a new
    # table and drop the old one, which the foreign keys of mention_brand, label_lease ... refuse.
    for column in ("triage_note", "triage_priority", "triage_assignee"):
        op.drop_column("mention", column)
