"""Engines, sessions and schema upgrades.

The database URL comes from ``BRANDPULSE_DATABASE_URL`` or the configuration; SQLite (WAL mode) by default,
PostgreSQL through a ``postgresql+psycopg://`` URL. The schema changes only through Alembic migrations.
"""

from __future__ import annotations

import ast
import os
import re
import zlib
from collections.abc import Iterator, Mapping
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
    # SQLite's own lower() (and so ILIKE, which SQLAlchemy renders as lower() LIKE lower()) folds ASCII only:
    # a search for "đánh giá" would miss "ĐÁNH GIÁ". Python's is Unicode's; no index uses lower().
    dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)


def _unicode_lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


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
        engine = create_engine(url, pool_pre_ping=True, connect_args=postgres_connect_args(parsed.query))
    return engine


CONNECT_TIMEOUT_ENV = "BRANDPULSE_PG_CONNECT_TIMEOUT"
STATEMENT_TIMEOUT_ENV = "BRANDPULSE_PG_STATEMENT_TIMEOUT"
DEFAULT_CONNECT_TIMEOUT = 5  # seconds
DEFAULT_STATEMENT_TIMEOUT = 600  # seconds; a migration adding an index to millions of rows still fits


def env_seconds(env: str, default: float, *, whole: bool = False) -> float:
    """A duration from the environment variable ``env`` (``default`` when unset or blank); a clear
    ``ValueError`` naming the variable for anything but a number ≥ 0 (a whole number when ``whole``)."""
    raw = os.environ.get(env, "").strip()
    if not raw:
        return default
    kind = "a whole number" if whole else "a number"
    try:
        value = int(raw) if whole else float(raw)
    except ValueError:
        raise ValueError(f"{env} must be {kind} of seconds, not {raw!r}") from None
    if not value >= 0:  # also false for NaN
        raise ValueError(f"{env} must be 0 or more seconds, not {raw!r}")
    return value


def postgres_connect_args(query: Mapping[str, object] | None = None) -> dict[str, object]:
    """libpq settings of every PostgreSQL connection, so that a database that does not answer fails fast.

    - ``connect_timeout`` (``BRANDPULSE_PG_CONNECT_TIMEOUT``, 5 s): a host that drops packets or a server
      that accepts and never answers is an error within seconds, not after the system's two minutes;
    - ``statement_timeout`` (``BRANDPULSE_PG_STATEMENT_TIMEOUT``, 600 s; 0 turns it off): no query or lock
      wait holds a command forever;
    - TCP keepalives and ``tcp_user_timeout``: a server that vanishes mid-query is noticed in about a minute;
    - sessions in UTC, so dates and day buckets mean the same as on SQLite, and no JIT: compiling the KPI
      queries' plans took longer (up to 2.5 s at 1M mentions) than running them (benchmarks/README.md).

    A value given in the URL's query (``?connect_timeout=20``) wins over these defaults.
    """
    connect = int(env_seconds(CONNECT_TIMEOUT_ENV, DEFAULT_CONNECT_TIMEOUT, whole=True))
    statement = int(env_seconds(STATEMENT_TIMEOUT_ENV, DEFAULT_STATEMENT_TIMEOUT, whole=True))
    args: dict[str, object] = {
        "options": f"-c timezone=UTC -c jit=off -c statement_timeout={statement * 1000}",
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 10,
        "keepalives_count": 3,
        "tcp_user_timeout": 60_000,
    }
    if connect:
        args["connect_timeout"] = connect
    return {k: v for k, v in args.items() if k not in (query or {})}


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


def ensure_schema(url: str) -> str | None:
    """Upgrade automatically on first use (and after a brandpulse upgrade brings new migrations). Returns
    the revision an existing schema was upgraded from (None: nothing to upgrade, or a new database), so a
    command can say what an upgrade asks of the user.

    The usual case, a database already at the newest revision, is answered from ``alembic_version`` and the
    scripts' text; Alembic is loaded only when there is something to upgrade.
    """
    heads = script_heads()
    if heads and _stored_revisions(url) == heads:
        return None
    before = current_revision(url)
    if before != head_revision():
        upgrade(url)
        return before
    return None


def describe_error(exc: BaseException) -> str:
    """A database error in one line for people: the driver's own message, without SQLAlchemy's wrapping
    (statement, parameters, background link), e.g. ``ConnectionTimeout: connection timeout expired``."""
    orig = getattr(exc, "orig", None) or exc
    first = (str(orig).strip().splitlines() or [""])[0]
    return f"{orig.__class__.__name__}: {first}" if first else orig.__class__.__name__


class RunLocked(RuntimeError):
    """Another process holds the run lock of this database."""


@contextmanager
def run_lock(url: str, name: str = "run") -> Iterator[None]:
    """Hold the ``name`` lock of the database at ``url`` for the ``with`` block; raises ``RunLocked`` at once
    when another process holds it (one ``brandpulse run`` at a time per database).

    PostgreSQL: a session advisory lock on a connection kept for the block (the server drops it with the
    connection if the process dies). SQLite: ``flock`` on ``<database file>.<name>.lock`` next to the file
    (the kernel drops it with the process).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        key = zlib.crc32(f"brandpulse:{name}".encode()) - 2**31  # a signed 32-bit key
        conn = get_engine(url).connect()
        try:
            if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
                raise RunLocked(f"another process holds the {name} lock of this database")
            conn.commit()
            try:
                yield
            finally:
                try:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    conn.commit()
                except Exception:  # a pooled connection must not keep the lock: drop it instead
                    conn.invalidate()
        finally:
            conn.close()
        return
    if not parsed.database or parsed.database == ":memory:":
        yield  # a private in-memory database: nothing to share
        return
    import fcntl

    path = Path(parsed.database).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(f"{path.name}.{name}.lock"), "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunLocked(f"another process holds {handle.name}") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def table_names(url: str) -> list[str]:
    return sorted(inspect(get_engine(url)).get_table_names())
