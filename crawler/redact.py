"""Secrets given as spider arguments (API keys, tokens, passwords) kept out of logs and messages.

The crawler child receives its arguments on stdin (never on its command line, which every user can read with
``ps``); this module removes their values from what it writes: every log line, the messages of crawls that
could not run, and the log tail the CLI shows when a crawl fails.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, quote_plus

# An argument whose name says it holds a secret: api_key, client_secret, access_token, password, ...
SECRET_NAME = re.compile(r"key|token|secret|passw|auth|credential|cookie|session", re.IGNORECASE)
MASK = "***"
# Shorter values ("1", "on") would mask ordinary words; no real key is this short.
MIN_SECRET_CHARS = 4


def secret_values(args: Mapping[str, object], database_url: str | None = None) -> set[str]:
    """The values to hide: those of arguments named like a secret, and the database URL's password.

    >>> sorted(secret_values({"api_key": "AIzaFAKE", "channel": "UC123"}, "postgresql://u:pw12@h/db"))
    ['AIzaFAKE', 'pw12']
    """
    found = {
        str(value).strip()
        for name, value in args.items()
        if SECRET_NAME.search(name) and len(str(value).strip()) >= MIN_SECRET_CHARS
    }
    if database_url:
        from sqlalchemy.engine import make_url

        try:
            password = make_url(database_url).password
        except Exception:  # noqa: BLE001 - an unreadable URL has nothing to hide here; it fails elsewhere
            password = None
        if password and len(password) >= MIN_SECRET_CHARS:
            found.add(str(password))
    return found


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret, as given or URL-encoded (a key in a query string), replaced by ``***``.

    >>> redact("GET /v3/videos?key=AIza%2BFAKE&part=id", {"AIza+FAKE"})
    'GET /v3/videos?key=***&part=id'
    """
    forms = {form for s in secrets for form in (s, quote(s, safe=""), quote_plus(s)) if form}
    for form in sorted(forms, key=len, reverse=True):  # longest first: a secret inside another stays hidden
        text = text.replace(form, MASK)
    return text


def redact_logging(secrets: Iterable[str]) -> None:
    """From now on, every log record of this process has the secrets masked in its message, arguments and
    traceback: done where records are made (``logging.setLogRecordFactory``), so it holds whatever handlers
    Scrapy installs or replaces later."""
    secrets = set(secrets)
    if not secrets:
        return
    make_record = logging.getLogRecordFactory()

    def masked_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string: logging reports it as usual
            return record
        record.msg, record.args = redact(message, secrets), None
        if record.exc_info and not record.exc_text:
            trace = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            record.exc_text = redact(trace, secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, secrets)
        return record

    logging.setLogRecordFactory(masked_record)
