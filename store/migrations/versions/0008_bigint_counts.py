"""counts that can pass 2**31 are BIGINT

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 02:20:00.000000

Views, impressions and reach of a popular video pass 2,147,483,647 (the largest PostgreSQL INTEGER); they were
quarantined rather than stored. On PostgreSQL those columns become BIGINT. SQLite stores every INTEGER in up
to 8 bytes already, and a batch copy of ``post`` cannot reflect its expression index, so SQLite only records
the revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COLUMNS = {
    "post": ("views", "impressions", "reach"),
    "metric_snapshot": ("views",),
    "campaign": ("impressions",),
}


def _alter(to: type[sa.types.TypeEngine]) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in COLUMNS.items():
        for column in columns:
            op.alter_column(table, column, type_=to(), existing_nullable=True)


def upgrade() -> None:
    _alter(sa.BigInteger)


def downgrade() -> None:
    _alter(sa.Integer)
