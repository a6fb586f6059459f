"""Engines, sessions and schema upgrades.

The database URL comes from ``BRANDPULSE_DATABASE_URL`` or the configuration; SQLite (WAL mode) by default,
PostgreSQL through a ``postgresql+psycopg://`` URL. The schema changes only through Alembic migrations.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

DEFAULT_DATABASE_URL = "sqlite:///brandpulse.db"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def database_url(configured: str | None = None) -> str:
    """The URL in force: the environment variable wins over the configuration, which wins over the default.

    A relative SQLite path is made absolute (from the current folder), so the crawler and dashboard
    processes, which run elsewhere, open the same file.
    """
    return absolute_sqlite_url(
        os.environ.get("BRANDPULSE_DATABASE_URL") or configured or DEFAULT_DATABASE_URL
    )


def absolute_sqlite_url(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return url
    path = Path(parsed.database).expanduser()
    if path.is_absolute():
        return url
    return parsed.set(database=str(path.resolve())).render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    # WAL lets the dashboard read while a crawl or the label worker writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@cache
def get_engine(url: str) -> Engine:
    """One engine per URL per process."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        # Sessions in UTC, so dates and day buckets mean the same as on SQLite. No JIT: compiling the KPI
        # queries' plans took longer (up to 2.5 s at 1M mentions) than running them (benchmarks/README.md).
        options = "-c timezone=UTC -c jit=off"
        engine = create_engine(url, pool_pre_ping=True, connect_args={"options": options})
    return engine


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(get_engine(url), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(url: str):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the schema at ``url`` up to ``revision`` (the newest by default)."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def current_revision(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with get_engine(url).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def script_heads() -> set[str] | None:
    """The head revisions of the migration scripts, read from their text without loading Alembic (which
    takes longer than a KPI query); None when a script does not declare its revisions as plain literals."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        declared = dict(_REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        try:
            revision = ast.literal_eval(declared["revision"])
            down = ast.literal_eval(declared["down_revision"])
        except (KeyError, ValueError, SyntaxError):
            return None
        revisions.add(revision)
        parents.update([down] if isinstance(down, str) else (down or ()))
    return revisions - parents


_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.MULTILINE)


def _stored_revisions(url: str) -> set[str] | None:
    with get_engine(url).connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}


def ensure_schema(url: str) -> None:
    """Upgrade automatically on first use (and after a brandpulse upgrade brings new migrations).

    The usual case, a database already at the newest revision, is answered from ``alembic_version`` and the
    scripts' text; Alembic is loaded only when there is something to upgrade.
    """
    heads = script_heads()
    if heads and _stored_revisions(url) == heads:
        return
    if current_revision(url) != head_revision():
        upgrade(url)


def table_names(url: str) -> list[str]:
    return sorted(inspect(get_engine(url)).get_table_names())
