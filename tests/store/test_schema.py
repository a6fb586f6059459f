"""The schema: migrations create every table and match the models, SQLite's WAL mode, and the quick schema
check that reads the migration heads without loading Alembic, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from store.db import _stored_revisions, current_revision, get_engine, head_revision, script_heads, table_names


def test_migrations_create_every_table_and_match_the_models(db_url: str) -> None:
    assert current_revision(db_url) == head_revision()
    assert {
        "brand",
        "author",
        "post",
        "mention",
        "mention_brand",
        "metric_snapshot",
        "crawl_run",
        "quarantined_record",
        "label_correction",
        "alembic_version",
    } <= set(table_names(db_url))
    with get_engine(db_url).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_sqlite_runs_in_wal_mode(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'wal.db'}"
    with get_engine(url).connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_schema_check_reads_the_heads_without_alembic(db_url: str) -> None:
    assert script_heads() == {head_revision()}
    assert _stored_revisions(db_url) == {head_revision()}
