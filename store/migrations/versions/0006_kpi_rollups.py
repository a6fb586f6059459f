"""KPI rollups: duplicate flag, per-post comment sums, per-brand daily sums

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 12:00:00.000000

QWE's duplicate test (a window over every post's comments) and the voice queries (a join of every
mention of a comparison set) ran on each KPI query. The store now keeps ``mention.duplicate``,
``post_comment_sums`` and ``brand_day`` current on every write (``store/rollups.py``); this migration
fills them for the mentions already stored, with the same definitions.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

T = "coalesce(m.published_at, m.first_seen_at)"
COMMENT = "(m.post_id IS NOT NULL AND m.kind NOT IN ('post', 'article'))"
# The author factor's signals at the default thresholds (store.kpi.QualitySettings).
FLAGGED = (
    f"({COMMENT} AND coalesce(s.same_text_max >= 3 OR s.burst_max >= 5 OR s.cross_post_max >= 5, false))"
)
BASE = f"(1.0 - coalesce(m.spam_score, 0.0)) * (CASE WHEN {COMMENT} AND m.duplicate THEN 0.0 ELSE 1.0 END)"
CELLS = (
    f"NOT {FLAGGED} AND NOT m.low_effort",
    f"NOT {FLAGGED} AND m.low_effort",
    f"{FLAGGED} AND NOT m.low_effort",
    f"{FLAGGED} AND m.low_effort",
)
SIGN = "(CASE m.sentiment WHEN 'positive' THEN 1.0 WHEN 'negative' THEN -1.0 ELSE 0.0 END)"


def _split(value: str) -> str:
    return ", ".join(f"coalesce(sum(CASE WHEN {cell} THEN {value} ELSE 0.0 END), 0.0)" for cell in CELLS)


def _sums(prefix: str) -> list[sa.Column]:
    return [
        sa.Column(f"{prefix}_{cell}", sa.Float(), nullable=False)
        for cell in ("plain", "low_effort", "flagged", "flagged_low_effort")
    ]


def fill_brand_day() -> None:
    """Count ``brand_day`` from the stored mentions and links (also run by 0007's downgrade)."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        day = f"to_char(timezone('UTC', {T}), 'YYYY-MM-DD')"
    else:
        day = f"strftime('%Y-%m-%d', {T})"
    spam = "coalesce(m.is_spam, false)"
    labeled = f"(CASE WHEN m.sentiment IS NOT NULL THEN {BASE} ELSE 0.0 END)"

    def ham(value: str) -> str:
        return f"coalesce(sum(CASE WHEN NOT {spam} THEN {value} ELSE 0 END), 0)"

    def ham_sentiment(label: str) -> str:
        return ham(f"CASE WHEN m.sentiment = '{label}' THEN 1 ELSE 0 END")

    op.execute(
        f"""
        INSERT INTO brand_day (
            brand_id, day, mentions, spam_mentions, positive, negative, neutral, engagement, reach,
            q_plain, q_low_effort, q_flagged, q_flagged_low_effort,
            s_plain, s_low_effort, s_flagged, s_flagged_low_effort
        )
        SELECT mb.brand_id, coalesce({day}, ''), {ham("1")},
            coalesce(sum(CASE WHEN {spam} THEN 1 ELSE 0 END), 0),
            {ham_sentiment("positive")}, {ham_sentiment("negative")}, {ham_sentiment("neutral")},
            {ham("m.likes + m.replies")}, {ham("coalesce(a.followers, 0)")},
            {_split(labeled)}, {_split(f"{labeled} * {SIGN}")}
        FROM mention_brand mb
        JOIN mention m ON m.id = mb.mention_id
        LEFT JOIN author a ON a.id = m.author_id
        LEFT JOIN author_signal s ON s.author_id = m.author_id
        GROUP BY mb.brand_id, coalesce({day}, '')
        """
    )


def upgrade() -> None:
    op.add_column("mention", sa.Column("duplicate", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(
        """
        UPDATE mention SET duplicate = true WHERE id IN (
            SELECT id FROM (
                SELECT id, text_hash, row_number() OVER (
                    PARTITION BY post_id, text_hash ORDER BY coalesce(published_at, first_seen_at), id
                ) AS rk
                FROM mention WHERE post_id IS NOT NULL AND kind NOT IN ('post', 'article')
            ) AS ranked
            WHERE rk > 1 AND text_hash IS NOT NULL AND text_hash != ''
        )
        """
    )
    op.create_table(
        "post_comment_sums",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("comments", sa.Integer(), nullable=False),
        *_sums("q"),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"]),
        sa.PrimaryKeyConstraint("post_id"),
    )
    op.create_table(
        "brand_day",
        sa.Column("brand_id", sa.Integer(), nullable=False),
        sa.Column("day", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("mentions", sa.Integer(), nullable=False),
        sa.Column("spam_mentions", sa.Integer(), nullable=False),
        sa.Column("positive", sa.Integer(), nullable=False),
        sa.Column("negative", sa.Integer(), nullable=False),
        sa.Column("neutral", sa.Integer(), nullable=False),
        sa.Column("engagement", sa.BigInteger(), nullable=False),
        sa.Column("reach", sa.BigInteger(), nullable=False),
        *_sums("q"),
        *_sums("s"),
        sa.ForeignKeyConstraint(["brand_id"], ["brand.id"]),
        sa.PrimaryKeyConstraint("brand_id", "day"),
    )
    op.execute(
        f"""
        INSERT INTO post_comment_sums
            (post_id, comments, q_plain, q_low_effort, q_flagged, q_flagged_low_effort)
        SELECT m.post_id, count(*), {_split(BASE)}
        FROM mention m LEFT JOIN author_signal s ON s.author_id = m.author_id
        WHERE {COMMENT}
        GROUP BY m.post_id
        """
    )
    fill_brand_day()


def downgrade() -> None:
    op.drop_table("brand_day")
    op.drop_table("post_comment_sums")
    # SQLite (3.35+) drops the column in place: a batch copy of the mention table would lose its expression
    # indexes, which SQLite cannot reflect.
    op.execute("ALTER TABLE mention DROP COLUMN duplicate")
