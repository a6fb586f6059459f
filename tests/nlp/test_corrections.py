"""``nlp.corrections.load_corrections``: latest corrections as training rows, on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.items import MentionItem
from nlp.corrections import load_corrections
from store import repo
from store.db import ensure_schema, session_scope, upgrade
from tests.dbutil import migrated_db


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
    assert load_corrections(db_url, "sentiment") == [
        {"text": "so-so serum, nothing special", "label": "neutral", "lang": "en"},
        {"text": "정말 좋아요", "label": "positive", "lang": "ko"},
    ]
    assert load_corrections(db_url, "spam") == [
        {"text": "ib mình giá sỉ nhé", "label": "spam", "lang": "vi"},
        {"text": "정말 좋아요", "label": "ham", "lang": "ko"},
    ]


def test_no_corrections_no_rows_and_clear_errors(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    ensure_schema(url)
    assert load_corrections(url, "sentiment") == []
    with pytest.raises(ValueError, match="task must be one of sentiment, spam, not 'topic'"):
        load_corrections(url, "topic")
    with pytest.raises(FileNotFoundError, match="no SQLite database"):
        load_corrections(f"sqlite:///{tmp_path / 'missing.db'}", "spam")
    old = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(old, "0004")
    with pytest.raises(ValueError, match="no label_correction table: run `brandpulse db upgrade`"):
        load_corrections(old, "spam")
