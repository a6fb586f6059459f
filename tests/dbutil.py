"""Database helpers shared by tests."""

from __future__ import annotations

from sqlalchemy import text

from store.db import get_engine


def empty_postgres_tables(url: str) -> None:
    """Remove every row (cheaper than a database per test); the schema stays."""
    from sqlmodel import SQLModel

    import store.models  # noqa: F401  (registers the tables)

    names = ", ".join(t.name for t in SQLModel.metadata.sorted_tables)
    with get_engine(url).begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
