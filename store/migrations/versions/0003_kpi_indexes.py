"""kpi indexes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 09:30:00.000000

Indexes behind the KPI queries at a million mentions (see benchmarks/README.md for the plans they fix).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

MENTION_TIME = "coalesce(published_at, first_seen_at)"
POST_TIME = "coalesce(published_at, updated_at)"


def upgrade() -> None:
    with op.batch_alter_table("mention", schema=None) as batch_op:
        batch_op.create_index("ix_mention_kind_post", ["kind", "post_id"], unique=False)
        batch_op.create_index("ix_mention_time", [sa.text(MENTION_TIME)], unique=False)
        batch_op.create_index(
            "ix_mention_post_rank", ["post_id", "text_hash", sa.text(MENTION_TIME), "id"], unique=False
        )
    with op.batch_alter_table("mention_brand", schema=None) as batch_op:
        batch_op.create_index("ix_mention_brand_brand_mention", ["brand_id", "mention_id"], unique=False)
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.create_index("ix_post_time", [sa.text(POST_TIME)], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.drop_index("ix_post_time")
    with op.batch_alter_table("mention_brand", schema=None) as batch_op:
        batch_op.drop_index("ix_mention_brand_brand_mention")
    with op.batch_alter_table("mention", schema=None) as batch_op:
        batch_op.drop_index("ix_mention_post_rank")
        batch_op.drop_index("ix_mention_time")
        batch_op.drop_index("ix_mention_kind_post")
