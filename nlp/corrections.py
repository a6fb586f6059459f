"""Analysts' label corrections as training rows.

The dashboard stores each correction of a mention's sentiment or spam label in the ``label_correction``
table (the latest per mention and task wins). ``load_corrections`` reads them straight from the database
with SQL, so ``nlp`` still imports nothing else of brandpulse:

    >>> load_corrections("sqlite:///brandpulse.db", "spam")  # doctest: +SKIP
    [{"text": "ib mình nhé", "label": "spam", "lang": "vi"}, ...]
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from nlp.labels import TASK_LABELS

_LATEST = text(
    """
    SELECT m.id, m.text, c.label, m.lang
    FROM label_correction c JOIN mention m ON m.id = c.mention_id
    WHERE c.task = :task AND c.id = (
        SELECT max(c2.id) FROM label_correction c2 WHERE c2.mention_id = c.mention_id AND c2.task = :task
    )
    ORDER BY m.id
    """
)


def load_corrections(database_url: str, task: str) -> list[dict]:
    """Rows ``{"text", "label", "lang"}`` of the latest correction of each corrected mention for ``task``.

    Labels are as in the training data: negative / neutral / positive, or spam / ham. A mention without a
    stored language gets one from ``nlp.lang.detect_language``; empty texts are left out.
    """
    if task not in TASK_LABELS:
        raise ValueError(f"task must be one of {', '.join(TASK_LABELS)}, not {task!r}")
    url = make_url(database_url)
    masked = url.render_as_string(hide_password=True)
    sqlite_file = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
    if sqlite_file and not Path(str(url.database)).expanduser().is_file():
        raise FileNotFoundError(f"no SQLite database at {url.database}")
    engine = create_engine(url)
    try:
        if not inspect(engine).has_table("label_correction"):
            raise ValueError(
                f"{masked} has no label_correction table: run `brandpulse db upgrade` (schema 0005 or later)"
            )
        with engine.connect() as conn:
            rows = conn.execute(_LATEST, {"task": task}).all()
    finally:
        engine.dispose()

    from nlp.lang import detect_language

    allowed = TASK_LABELS[task]
    out = []
    for _, body, label, lang in rows:
        if not body or not body.strip():
            continue
        if label not in allowed:  # the store validates labels; a hand-edited row must not poison training
            raise ValueError(f"correction label {label!r} is not a {task} label ({', '.join(allowed)})")
        out.append({"text": body, "label": label, "lang": lang or detect_language(body)})
    return out
