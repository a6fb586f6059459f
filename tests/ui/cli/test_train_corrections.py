"""``brandpulse train --include-corrections``: the latest corrections as training rows (``correction_rows``,
read through ``store.repo.corrected_texts``), on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.items import MentionItem
from store import repo
from store.db import ensure_schema, session_scope
from tests.dbutil import migrated_db
from ui.cli.model import correction_rows


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return migrated_db(request, tmp_path, "corrections.db")


def _corrected_store(url: str) -> dict[str, int]:
    with session_scope(url) as s:
        ids = repo.upsert_mentions(
            s,
            mentions=[
                MentionItem(platform="t", external_id="1", text="so-so serum, nothing special", lang="en"),
                MentionItem(platform="t", external_id="2", text="ib mình giá sỉ nhé"),  # no stored language
                MentionItem(platform="t", external_id="3", text="정말 좋아요", lang="ko"),
            ],
        )
        one, two, three = ids["t:1"], ids["t:2"], ids["t:3"]
        repo.record_correction(s, mention_id=one, task="sentiment", label="negative")
        repo.record_correction(s, mention_id=one, task="sentiment", label="neutral")  # the latest wins
        repo.record_correction(s, mention_id=two, task="spam", label="spam")
        repo.record_correction(s, mention_id=three, task="spam", label="ham")
        repo.record_correction(s, mention_id=three, task="sentiment", label="positive")
    return {"1": one, "2": two, "3": three}


def test_latest_corrections_become_training_rows(db_url: str) -> None:
    _corrected_store(db_url)
    assert correction_rows(db_url, "sentiment") == [
        {"text": "so-so serum, nothing special", "label": "neutral", "lang": "en"},
        {"text": "정말 좋아요", "label": "positive", "lang": "ko"},
    ]
    assert correction_rows(db_url, "spam") == [
        {"text": "ib mình giá sỉ nhé", "label": "spam", "lang": "vi"},
        {"text": "정말 좋아요", "label": "ham", "lang": "ko"},
    ]


def test_no_corrections_no_rows_and_clear_errors(tmp_path: Path) -> None:
    # (A missing database or an old schema no longer reaches here: `brandpulse train` creates or upgrades it
    # first, with `prepare_db`, as every command does.)
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    ensure_schema(url)
    assert correction_rows(url, "sentiment") == []
    with pytest.raises(ValueError, match="task must be one of sentiment, spam, not 'topic'"):
        correction_rows(url, "topic")
