"""Correcting labels on the dashboard (Negative feed and Explore), run by AppTest on a seeded SQLite store."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from store.db import session_scope
from store.models import LabelCorrection, Mention
from tests.ui.dashboard.apptest import open_app


def _corrections(url: str) -> list[tuple[Any, ...]]:
    with session_scope(url) as s:
        rows = s.execute(select(LabelCorrection).order_by(LabelCorrection.id)).scalars().all()
        return [(r.mention_id, r.task, r.label, r.previous_label, r.corrected_by) for r in rows]


def test_correcting_a_negative_mention_in_the_feed_stores_it_and_updates_every_view(
    seeded: dict[str, Any],
) -> None:
    overview = open_app()
    assert {m.label: m.value for m in overview.metric}["Net sentiment"] == "+50.0"

    at = open_app("views/negative_feed.py")
    mention_id = seeded["negative_id"]
    assert at.subheader[0].value == "3 negative mentions"
    assert at.selectbox(key=f"feed_sentiment_{mention_id}").value == "negative"
    assert at.selectbox(key=f"feed_spam_{mention_id}").value == "ham"
    at.selectbox(key=f"feed_sentiment_{mention_id}").set_value("neutral")
    at.button(key=f"feed_save_{mention_id}").click().run()
    assert not at.exception, [e.value for e in at.exception]

    assert _corrections(seeded["url"]) == [(mention_id, "sentiment", "neutral", "negative", None)]
    with session_scope(seeded["url"]) as s:
        row = s.get(Mention, mention_id)
        assert row is not None and (row.sentiment, row.label_source) == ("neutral", "corrected")
    # No longer negative: it leaves the feed, and the Overview's net sentiment counts it as neutral.
    assert at.subheader[0].value == "2 negative mentions"
    assert seeded["negative_text"] not in [t.value for t in at.text]
    at.switch_page("views/overview.py").run()
    assert {m.label: m.value for m in at.metric}["Net sentiment"] == "+66.7"  # (4 − 0) / 6


def test_saving_unchanged_labels_records_nothing(seeded: dict[str, Any]) -> None:
    at = open_app("views/negative_feed.py")
    at.button(key=f"feed_save_{seeded['negative_id']}").click().run()
    assert not at.exception
    assert _corrections(seeded["url"]) == []
    assert at.subheader[0].value == "3 negative mentions"


def test_marking_a_spam_mention_as_not_spam_on_explore(seeded: dict[str, Any]) -> None:
    at = open_app("views/explore.py")
    spam_id = seeded["mention_ids"]["av_spam"]
    at.segmented_control(key="explore_spam").set_value("only").run()
    assert at.subheader[0].value == "3 matching rows"
    at.selectbox(key="correct_mention").set_value(spam_id).run()
    assert at.selectbox(key=f"explore_spam_{spam_id}").value == "spam"
    at.selectbox(key=f"explore_spam_{spam_id}").set_value("ham")
    at.text_input(key=f"explore_by_{spam_id}").input("ana")
    at.text_input(key=f"explore_note_{spam_id}").input("a real customer asking for a discount")
    at.button(key=f"explore_save_{spam_id}").click().run()
    assert not at.exception, [e.value for e in at.exception]

    assert _corrections(seeded["url"]) == [(spam_id, "spam", "ham", "spam", "ana")]
    assert at.subheader[0].value == "2 matching rows"
    at.segmented_control(key="explore_spam").set_value("exclude").run()
    frame = at.dataframe[0].value.set_index("mention_id")
    assert len(frame) == seeded["explore_30d_rows"] + 1
    row = frame.loc[spam_id]
    assert (row["is_spam"], row["label_source"], row["corrected_spam"], row["spam_before_correction"]) == (
        False,
        "corrected",
        "ham",
        "spam",
    )
