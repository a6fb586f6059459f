"""influencer intelligence: author snapshots, web traffic, promo-code redemptions

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-20 09:00:00.000000

``author_snapshot`` keeps each follower count a crawl or import saw (growth per author); ``web_traffic`` and
``code_redemption`` hold imported web-analytics rows (UTM-tagged) and promo-code redemptions, mapped to
campaigns and influencers at query time. All three start empty.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "author_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("followers", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("source", _TEXT(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["author.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_author_snapshot_author_time", "author_snapshot", ["author_id", "taken_at"])
    op.create_table(
        "web_traffic",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", _TEXT(), nullable=False),
        sa.Column("medium", _TEXT(), nullable=False),
        sa.Column("campaign", _TEXT(), nullable=False),
        sa.Column("content", _TEXT(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("conversions", sa.Integer(), nullable=False),
        sa.Column("revenue", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("day", "source", "medium", "campaign", "content", name="uq_web_traffic_row"),
    )
    op.create_index("ix_web_traffic_day", "web_traffic", ["day"])
    op.create_index("ix_web_traffic_campaign", "web_traffic", ["campaign"])
    op.create_table(
        "code_redemption",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", _TEXT(), nullable=False),
        sa.Column("day", sa.DateTime(timezone=True), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("revenue", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code", "day", name="uq_code_redemption_day"),
    )
    op.create_index("ix_code_redemption_code", "code_redemption", ["code"])
    op.create_index("ix_code_redemption_day", "code_redemption", ["day"])


def downgrade() -> None:
    op.drop_table("code_redemption")
    op.drop_table("web_traffic")
    op.drop_index("ix_author_snapshot_author_time", table_name="author_snapshot")
    op.drop_table("author_snapshot")
