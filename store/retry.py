"""Retries with backoff for transient database errors: a PostgreSQL restart, a dropped connection, a deadlock
or serialization failure, a SQLite file locked by another writer.

Each attempt must be a whole transaction (``store.db.session_scope``): a failed one is rolled back, and the
engine's pool replaces a dead connection (``pool_pre_ping``), so trying again is safe. Anything else (a
constraint, a bad statement, a missing table) is raised at once.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from store.db import describe_error, env_seconds

T = TypeVar("T")

RETRY_SECONDS_ENV = "BRANDPULSE_DB_RETRY_SECONDS"
DEFAULT_RETRY_SECONDS = 120.0  # a server restart or a fail-over fits; an outage longer than that is an error

log = logging.getLogger("brandpulse.db")

# SQLSTATE classes worth another try: connection exceptions, transaction rollbacks (serialization failure,
# deadlock), insufficient resources (too many connections), operator intervention (shutdown, restart, cancel).
_TRANSIENT_CLASSES = ("08", "40", "53", "57")
_PERMANENT = {"57P04"}  # database dropped
_TRANSIENT_STATES = {"55P03"}  # lock not available


def is_transient(exc: BaseException) -> bool:
    """Whether trying the same transaction again may succeed.

    >>> is_transient(ValueError("no"))
    False
    """
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    orig = exc.orig
    if type(orig).__module__.startswith("sqlite3"):
        message = str(orig).lower()
        return "locked" in message or "busy" in message
    if isinstance(exc, InterfaceError):
        return True  # the driver's connection is closed
    state = getattr(orig, "sqlstate", None)
    if not state:
        return True  # no answer from the server: refused, reset, closed mid-query
    return state not in _PERMANENT and (state[:2] in _TRANSIENT_CLASSES or state in _TRANSIENT_STATES)


def retry_seconds() -> float:
    """How long to keep trying (``BRANDPULSE_DB_RETRY_SECONDS``, 120 by default; 0 tries once)."""
    return env_seconds(RETRY_SECONDS_ENV, DEFAULT_RETRY_SECONDS)


def with_retries(
    attempt: Callable[[], T],
    *,
    what: str,
    give_up_after: float | None = None,
    base: float = 0.5,
    cap: float = 10.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """``attempt()``, called again after a transient error (``is_transient``) with exponential backoff and
    jitter (``base`` × 2^n seconds, at most ``cap``) until it succeeds or ``give_up_after`` seconds
    (``retry_seconds()`` by default) have passed since the first failure; then the last error is raised.
    Each retry is logged as a warning naming ``what``.

    >>> with_retries(lambda: 42, what="answer")
    42
    """
    limit = retry_seconds() if give_up_after is None else give_up_after
    first_failure: float | None = None
    failures = 0
    while True:
        try:
            return attempt()
        except Exception as exc:
            if not is_transient(exc):
                raise
            now = clock()
            first_failure = now if first_failure is None else first_failure
            failures += 1
            wait = min(cap, base * 2 ** (failures - 1)) * random.uniform(0.75, 1.25)
            if now + wait - first_failure > limit:
                raise
            log.warning("%s: %s; trying again in %.1f s", what, describe_error(exc), wait)
            sleep(wait)
