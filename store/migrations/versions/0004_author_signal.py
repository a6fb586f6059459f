"""author signal rollup

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 10:00:00.000000

QWE's author factor needs, per author, counts over all of the author's comments; computing them on every
KPI query scanned the whole mention table. ``author_signal`` keeps them (``store.kpi.refresh_author_signals``
on every mention write); this migration fills it for the mentions already stored.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COMMENTS = "author_id IS NOT NULL AND kind NOT IN ('post', 'article')"
T = "coalesce(published_at, first_seen_at)"


def _bucket(dialect: str, seconds: int) -> str:
    # The window numbers of store.kpi._bucket, the same on both backends.
    if dialect == "postgresql":
        return f"floor(date_part('epoch', {T}) / {float(seconds)})"
    return f"CAST(strftime('%s', {T}) AS INTEGER) / {seconds}"


def upgrade() -> None:
    op.create_table(
        "author_signal",
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("same_text_max", sa.Integer(), nullable=False),
        sa.Column("burst_max", sa.Integer(), nullable=False),
        sa.Column("cross_post_max", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["author.id"]),
        sa.PrimaryKeyConstraint("author_id"),
    )
    dialect = op.get_bind().dialect.name
    op.execute(
        f"""
        INSERT INTO author_signal (author_id, same_text_max, burst_max, cross_post_max)
        SELECT author_id, max(s), max(b), max(x) FROM (
            SELECT author_id, count(*) AS s, 0 AS b, 0 AS x FROM mention
            WHERE {COMMENTS} AND text_hash IS NOT NULL AND text_hash != '' GROUP BY author_id, text_hash
            UNION ALL
            SELECT author_id, 0, count(*), 0 FROM mention
            WHERE {COMMENTS} AND {T} IS NOT NULL GROUP BY author_id, {_bucket(dialect, 600)}
            UNION ALL
            SELECT author_id, 0, 0, count(DISTINCT post_id) FROM mention
            WHERE {COMMENTS} AND {T} IS NOT NULL GROUP BY author_id, {_bucket(dialect, 3600)}
        ) AS counts GROUP BY author_id
        """
    )


def downgrade() -> None:
    op.drop_table("author_signal")
