"""Analyst label corrections: stored, shown at once in the KPIs, kept by the worker and imports, exported."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import select

from store import repo
from store.db import session_scope
from store.export import COLUMNS, ExportFilter, export_frame
from store.kpi import share_of_voice
from store.models import LabelCorrection, Mention
from tests.store.helpers import label, mention


def _seed(url: str) -> dict[str, int]:
    """Brand A with three labeled mentions: negative, positive, and a positive one the model calls spam."""
    with session_scope(url) as s:
        repo.sync_brands(s, brands=[repo.BrandSpec("A", "alpha")])
        ids = repo.upsert_mentions(
            s,
            mentions=[
                mention("N", "alpha broke my phone", brands=["A"]),
                mention("P", "alpha is lovely", brands=["A"]),
                mention("S", "alpha giveaway tag 3 friends", brands=["A"]),
            ],
        )
        repo.write_labels(
            s,
            labels=[
                label(ids["ptt:N"], "negative"),
                label(ids["ptt:P"], "positive"),
                label(ids["ptt:S"], "positive", spam=0.9),
            ],
        )
    return {k.split(":")[1]: v for k, v in ids.items()}


def _row(url: str, mention_id: int) -> Mention:
    with session_scope(url) as s:
        row = s.get(Mention, mention_id)
        assert row is not None
        s.expunge(row)
        return row


def test_a_correction_is_stored_with_what_it_replaced_and_overwrites_the_label(db_url: str) -> None:
    ids = _seed(db_url)
    with session_scope(db_url) as s:
        before = share_of_voice(s, brands=["A"])[0]
        assert (before.mentions, before.positive, before.negative, before.spam_mentions) == (2, 1, 1, 1)
        repo.record_correction(
            s, mention_id=ids["N"], task="sentiment", label="neutral", corrected_by="ana", note="sarcasm"
        )
        repo.record_correction(s, mention_id=ids["S"], task="spam", label="ham")
    with session_scope(db_url) as s:
        after = share_of_voice(s, brands=["A"])[0]
        # The KPIs show the corrections at once: one negative fewer, the un-spammed mention counts.
        shown = (after.mentions, after.positive, after.negative, after.neutral, after.spam_mentions)
        assert shown == (3, 2, 0, 1, 0)
        rows = s.execute(select(LabelCorrection).order_by(LabelCorrection.id)).scalars().all()
        assert [(r.mention_id, r.task, r.label, r.previous_label) for r in rows] == [
            (ids["N"], "sentiment", "neutral", "negative"),
            (ids["S"], "spam", "ham", "spam"),
        ]
        first = rows[0]
        assert (first.previous_label_source, first.previous_model, first.previous_model_version) == (
            "model",
            "test-model",
            "1",
        )
        assert (first.corrected_by, first.note) == ("ana", "sarcasm")
        assert first.created_at is not None
    n = _row(db_url, ids["N"])
    assert (n.sentiment, n.p_negative, n.p_neutral, n.p_positive, n.label_source) == (
        "neutral",
        0.0,
        1.0,
        0.0,
        "corrected",
    )
    sp = _row(db_url, ids["S"])
    assert (sp.is_spam, sp.spam_score, sp.sentiment, sp.label_source) == (False, 0.0, "positive", "corrected")


def test_the_latest_correction_wins(db_url: str) -> None:
    ids = _seed(db_url)
    with session_scope(db_url) as s:
        repo.record_correction(s, mention_id=ids["N"], task="sentiment", label="neutral")
        repo.record_correction(s, mention_id=ids["N"], task="sentiment", label="positive")
        repo.record_correction(s, mention_id=ids["N"], task="spam", label="spam")
        repo.record_correction(s, mention_id=ids["P"], task="sentiment", label="negative")
    with session_scope(db_url) as s:
        latest = repo.latest_corrections(s)
        assert [(c.mention_id, c.task, c.label) for c in latest] == [
            (ids["N"], "sentiment", "positive"),
            (ids["N"], "spam", "spam"),
            (ids["P"], "sentiment", "negative"),
        ]
        assert latest[0].previous_label == "neutral"  # what the earlier correction had set
        assert [c.label for c in repo.latest_corrections(s, task="spam")] == ["spam"]
        assert [c.label for c in repo.latest_corrections(s, mention_ids=[ids["P"]])] == ["negative"]
    assert _row(db_url, ids["N"]).sentiment == "positive"


def test_invalid_corrections_fail_with_a_clear_message(db_url: str) -> None:
    ids = _seed(db_url)
    with session_scope(db_url) as s:
        with pytest.raises(ValueError, match="task must be one of sentiment, spam, not 'topic'"):
            repo.record_correction(s, mention_id=ids["N"], task="topic", label="neutral")
        with pytest.raises(ValueError, match="sentiment correction must be one of negative, neutral, pos"):
            repo.record_correction(s, mention_id=ids["N"], task="sentiment", label="spam")
        with pytest.raises(ValueError, match="spam correction must be one of spam, ham, not 'yes'"):
            repo.record_correction(s, mention_id=ids["N"], task="spam", label="yes")
        with pytest.raises(KeyError, match="no mention with id 999"):
            repo.record_correction(s, mention_id=999, task="spam", label="ham")
        assert repo.latest_corrections(s) == []


def test_corrected_labels_survive_the_worker_a_recrawl_and_a_reimport(db_url: str) -> None:
    ids = _seed(db_url)
    with session_scope(db_url) as s:
        repo.record_correction(s, mention_id=ids["N"], task="sentiment", label="positive")
    with session_scope(db_url) as s:
        # A new model labels everything again, even with overwrite_imported.
        repo.write_labels(s, labels=[label(ids["N"], "negative", spam=0.8)], overwrite_imported=True)
    n = _row(db_url, ids["N"])
    assert (n.sentiment, n.is_spam, n.label_source, n.model) == ("positive", False, "corrected", "test-model")
    with session_scope(db_url) as s:
        # The text changes on a re-crawl (edited comment): the correction stays, nothing to relabel.
        repo.upsert_mentions(s, mentions=[mention("N", "alpha broke my phone (edited)", brands=["A"])])
        assert repo.count_unlabeled(s) == 0
        # A file import that carries labels does not undo an analyst's correction.
        repo.upsert_mentions(
            s, mentions=[mention("N", "alpha broke my phone (edited)", sentiment="negative", spam_score=0.9)]
        )
    n = _row(db_url, ids["N"])
    assert (n.sentiment, n.is_spam, n.p_positive, n.label_source) == ("positive", False, 1.0, "corrected")


def test_an_unlabeled_mention_can_be_corrected_and_the_worker_fills_in_the_rest(db_url: str) -> None:
    with session_scope(db_url) as s:
        ids = repo.upsert_mentions(s, mentions=[mention("U", "new comment")])
        repo.record_correction(s, mention_id=ids["ptt:U"], task="sentiment", label="neutral")
        assert repo.count_unlabeled(s) == 1
        repo.write_labels(s, labels=[label(ids["ptt:U"], "negative", spam=0.7)])
    u = _row(db_url, ids["ptt:U"])
    assert (u.sentiment, u.is_spam, u.spam_score, u.lang, u.label_source) == (
        "neutral",
        True,
        0.7,
        "en",
        "corrected",
    )


def test_the_export_carries_the_corrections(db_url: str) -> None:
    ids = _seed(db_url)
    with session_scope(db_url) as s:
        repo.record_correction(s, mention_id=ids["N"], task="sentiment", label="neutral")
        repo.record_correction(s, mention_id=ids["N"], task="sentiment", label="positive")
        repo.record_correction(s, mention_id=ids["S"], task="spam", label="ham")
    with session_scope(db_url) as s:
        frame = export_frame(s, ExportFilter(include_spam=True)).set_index("mention_id")
    assert list(frame.reset_index().columns) == COLUMNS
    n, p, sp = frame.loc[ids["N"]], frame.loc[ids["P"]], frame.loc[ids["S"]]
    assert (n["sentiment"], n["label_source"]) == ("positive", "corrected")
    assert (n["corrected_sentiment"], n["sentiment_before_correction"]) == ("positive", "negative")
    assert pd.isna(n["corrected_spam"]) and n["corrected_at"].tzinfo is not None
    assert (sp["is_spam"], sp["corrected_spam"], sp["spam_before_correction"]) == (False, "ham", "spam")
    assert pd.isna(sp["corrected_sentiment"])
    assert p["label_source"] == "model" and pd.isna(p["corrected_sentiment"])
    assert pd.isna(p["corrected_at"])
