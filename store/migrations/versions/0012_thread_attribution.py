"""attribution: links a comment inherits from its thread

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-18 09:00:00.000000

A comment that names a brand counts for the brands it names; a comment that names none counts for its post's
brands, marked ``mention_brand.from_thread`` (``store/repo/brands.py``). Before, every comment inherited every
brand of its post, and the store did not record which link came from where.

The migration cannot run the brand matcher (``store`` imports no ``nlp``), so it only marks: a comment's link
to a brand of its post (the brands its post's own text links to, and its campaigns' brands) is marked
from thread, since inheritance is the one way such a link can have been made for a comment that names none.
No link is removed, so every count and the ``brand_day`` rollup stay as they were. ``brandpulse rematch``
then settles them with the matcher: a comment whose text matches a brand gets its own link (the mark is
cleared), and its links from the thread are removed (a comment under a post about Glow Lab and Aqua Veil that
names Glow Lab counts for Glow Lab only).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

MARK_INHERITED = """
UPDATE mention_brand SET from_thread = true
WHERE mention_id IN (
    SELECT c.id FROM mention c WHERE c.post_id IS NOT NULL AND c.kind NOT IN ('post', 'article')
)
AND EXISTS (
    SELECT 1 FROM mention c
    JOIN mention p ON p.post_id = c.post_id AND p.kind IN ('post', 'article')
    JOIN mention_brand pb ON pb.mention_id = p.id
    WHERE c.id = mention_brand.mention_id AND pb.brand_id = mention_brand.brand_id
    UNION ALL
    SELECT 1 FROM mention c
    JOIN campaign k ON k.post_id = c.post_id
    WHERE c.id = mention_brand.mention_id AND k.brand_id = mention_brand.brand_id
)
"""


def upgrade() -> None:
    # In place (SQLite adds a column with a constant default without copying the table).
    op.add_column(
        "mention_brand", sa.Column("from_thread", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.execute(MARK_INHERITED)


def downgrade() -> None:
    # Dropped in place (SQLite 3.35+, as 0007 does). The links stay as they are, so the rollups still match
    # them; the earlier code makes comments inherit their post's brands again on the next write of a thread.
    op.execute("ALTER TABLE mention_brand DROP COLUMN from_thread")
