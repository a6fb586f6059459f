"""Database URLs as people see them: the one place that hides a password (CLI messages, dashboard sidebar)."""

from __future__ import annotations


def masked_url(url: str) -> str:
    """The URL with any password replaced by ``***``, for display.

    >>> masked_url("postgresql+psycopg://ana:s3cret@db:5432/bp")
    'postgresql+psycopg://ana:***@db:5432/bp'
    """
    # Imported here: every CLI command imports this module, and `--help` or `init` need no SQLAlchemy.
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL fails later with a real error; never echo it raw
        return "(invalid database URL)"
