"""The negative feed (with the export of the same mentions) and its ordering by the model's confidence, on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from store import repo
from store.db import session_scope
from store.export import COLUMNS, ExportFilter, export_bytes, export_frame
from store.feed import LOW_CONFIDENCE, negative_feed
from store.models import Mention
from tests.store.helpers import T0, label, mention, voice_example


def test_negative_feed_and_export(db_url: str) -> None:
    with session_scope(db_url) as s:
        voice_example(s)
    with session_scope(db_url) as s:
        feed = negative_feed(s)
        assert sorted(m.brands for m in feed) == [("A",), ("B",), ("B",)]
        frame = export_frame(s, ExportFilter(brand="A"))
        assert list(frame.columns) == COLUMNS
        assert len(frame) == 6  # spam excluded by default
        assert len(export_frame(s, ExportFilter(brand="A", include_spam=True))) == 8
        assert set(export_frame(s, ExportFilter(sentiment="negative"))["brand"]) == {"A", "B"}
        for fmt in ("csv", "parquet", "jsonl"):
            assert len(export_bytes(frame, fmt)) > 100


def test_negative_feed_orders_by_confidence_in_sql_and_flags_low_confidence(db_url: str) -> None:
    """Newest first by default; by p_negative highest or lowest first (ties newest first, no probability
    last, the limit applied after the ordering); below LOW_CONFIDENCE a model label is flagged, a corrected
    one never."""
    # name: (minutes after T0, p_negative); n6's label is stored without a probability, n5 is corrected.
    model_labels = {"n1": (60, 0.90), "n2": (120, 0.45), "n3": (180, LOW_CONFIDENCE), "n4": (240, 0.45)}
    with session_scope(db_url) as s:
        repo.sync_brands(s, brands=[repo.BrandSpec("A", "alpha")])
        minutes = {**{k: m for k, (m, _) in model_labels.items()}, "n5": 300, "n6": 360}
        items = [
            mention(k, f"alpha {k}", brands=["A"], published_at=T0 + timedelta(minutes=m))
            for k, m in minutes.items()
        ]
        ids = {key.split(":")[1]: mid for key, mid in repo.upsert_mentions(s, mentions=items).items()}
        labels = [
            repo.MentionLabel(ids[k], "en", "negative", p, 0.0, 1 - p, 0.0, False, "test-model", "1")
            for k, (_, p) in model_labels.items()
        ]
        labels += [label(ids["n5"], "neutral"), label(ids["n6"], "negative")]
        repo.write_labels(s, labels=labels)
        s.execute(update(Mention).where(Mention.id == ids["n6"]).values(p_negative=None))
        # An analyst turns the neutral n5 into a negative: one-hot probabilities, label source "corrected".
        repo.record_correction(s, mention_id=ids["n5"], task="sentiment", label="negative")
    names = {mid: k for k, mid in ids.items()}

    def feed_names(order: str, limit: int = 200) -> list[str]:
        with session_scope(db_url) as s:
            return [names[m.mention_id] for m in negative_feed(s, order=order, limit=limit)]

    with session_scope(db_url) as s:
        feed = negative_feed(s)
    assert [names[m.mention_id] for m in feed] == feed_names("newest") == ["n6", "n5", "n4", "n3", "n2", "n1"]
    assert feed_names("confidence_desc") == ["n5", "n1", "n3", "n4", "n2", "n6"]
    assert feed_names("confidence_asc") == ["n4", "n2", "n3", "n1", "n5", "n6"]
    # The limit is SQL's: the two least confident of all six, not the least confident of the newest two.
    assert feed_names("confidence_asc", limit=2) == ["n4", "n2"]
    assert feed_names("confidence_desc", limit=2) == ["n5", "n1"]
    with pytest.raises(ValueError, match="order must be one of newest, confidence_desc, confidence_asc"):
        feed_names("oldest")

    by_name = {names[m.mention_id]: m for m in feed}
    assert {k for k, m in by_name.items() if m.low_confidence} == {"n2", "n4"}  # n3 is at the threshold
    assert by_name["n2"].model_confidence == pytest.approx(0.45)
    assert by_name["n3"].model_confidence == pytest.approx(LOW_CONFIDENCE)
    assert (by_name["n5"].label_source, by_name["n5"].p_negative) == ("corrected", 1.0)
    assert by_name["n5"].model_confidence is None  # an analyst's label, not the model's
    assert {by_name[k].label_source for k in ("n1", "n2", "n3", "n4", "n6")} == {"model"}
    assert by_name["n6"].model_confidence is None
