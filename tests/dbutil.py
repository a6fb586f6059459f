"""Database helpers shared by tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text

from store.db import ensure_schema, get_engine


def empty_postgres_tables(url: str) -> None:
    """Remove every row (cheaper than a database per test); the schema stays."""
    from sqlmodel import SQLModel

    import store.models  # noqa: F401  (registers the tables)

    names = ", ".join(t.name for t in SQLModel.metadata.sorted_tables)
    with get_engine(url).begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def migrated_db(request: Any, tmp_path: Path, name: str = "test.db") -> str:
    """For a fixture parametrised over "sqlite" and "postgresql": an empty, migrated database of that kind.

    PostgreSQL is the session's test database (``postgres_server_url``), emptied first.
    """
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / name}"
    else:
        url = request.getfixturevalue("postgres_server_url")
        ensure_schema(url)
        empty_postgres_tables(url)
    ensure_schema(url)
    return url
