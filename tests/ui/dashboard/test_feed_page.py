"""The Negative feed page in AppTest on a seeded SQLite store: pages with a true total, a status change in one
card, a bulk action on selected cards, the ``?brand=`` of a link, and the response-time tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from store import repo
from store.db import session_scope
from store.models import Mention, TriageEvent
from tests.store.helpers import label, mention
from tests.ui.dashboard.apptest import APP, TIMEOUT, open_app

EXTRA = 30  # negative Aqua Veil mentions added to the demo's 3 negatives in the default statuses


@pytest.fixture
def crowded(seeded: dict[str, Any]) -> dict[str, Any]:
    """The demo store plus EXTRA negative mentions of Aqua Veil from the last day, one per minute."""
    now = datetime.now(UTC)
    with session_scope(seeded["url"]) as s:
        items = [
            mention(
                f"x{i}",
                f"aqua veil complaint number {i}",
                brands=["Aqua Veil"],
                published_at=now - timedelta(minutes=i + 1),
            )
            for i in range(EXTRA)
        ]
        ids = repo.upsert_mentions(s, mentions=items)
        extra = [ids[f"ptt:x{i}"] for i in range(EXTRA)]
        repo.write_labels(s, labels=[label(mid, "negative") for mid in extra])
    return {**seeded, "extra_ids": extra}


def _card_ids(at: AppTest) -> list[int]:
    return [
        int(box.key.removeprefix("triage_"))
        for box in at.selectbox
        if box.key and box.key.startswith("triage_")
    ]


def test_pages_of_25_with_the_true_total(crowded: dict[str, Any]) -> None:
    at = open_app("views/negative_feed.py")
    assert at.subheader[0].value == "33 negative mentions"
    first = _card_ids(at)
    assert len(first) == 25
    assert "Page 1 of 2: mentions 1–25" in [c.value for c in at.caption]
    assert at.button(key="feed_prev").disabled
    at.button(key="feed_next").click().run()
    assert not at.exception
    second = _card_ids(at)
    assert len(second) == 8 and not set(first) & set(second)
    assert at.subheader[0].value == "33 negative mentions"
    assert at.button(key="feed_next").disabled
    # Together the pages are every negative mention in the default statuses, newest first.
    with session_scope(crowded["url"]) as s:
        assert set(first + second) == set(crowded["extra_ids"]) | {
            s.execute(select(Mention.id).where(Mention.text == t)).scalar_one()
            for t in crowded["feed_default_texts"]
        }
    at.button(key="feed_prev").click().run()
    assert _card_ids(at) == first
    # A filter change starts again at page 1: searching narrows the total.
    at.button(key="feed_next").click().run()
    at.text_input(key="feed_search").set_value("NUMBER 1").run()
    assert at.subheader[0].value == "11 negative mentions"  # 1, 10..19
    assert len(_card_ids(at)) == 11


def test_a_status_change_in_one_card_is_saved_with_who(crowded: dict[str, Any]) -> None:
    at = open_app("views/negative_feed.py")
    mid = crowded["extra_ids"][0]
    at.text_input(key="feed_user").set_value("Mina").run()
    at.selectbox(key=f"triage_{mid}").set_value("in_progress").run()
    assert not at.exception
    at.selectbox(key=f"feed_priority_{mid}").set_value("high").run()
    with session_scope(crowded["url"]) as s:
        m = s.get(Mention, mid)
        assert (m.triage_status, m.triage_priority) == ("in_progress", "high")
        events = [
            (e.field, e.from_value, e.to_value, e.changed_by)
            for e in s.execute(select(TriageEvent).where(TriageEvent.mention_id == mid)).scalars()
        ]
    assert events == [("status", "new", "in_progress", "Mina"), ("priority", None, "high", "Mina")]
    history = [t.value for t in at.text if "Status new → in_progress" in t.value]
    assert len(history) == 1 and " by Mina: " in history[0]


def test_a_bulk_action_resolves_and_assigns_the_selected_cards(crowded: dict[str, Any]) -> None:
    at = open_app("views/negative_feed.py")
    a, b, c = crowded["extra_ids"][:3]
    at.checkbox(key=f"feed_pick_{a}").check().run()
    at.checkbox(key=f"feed_pick_{b}").check().run()
    at.selectbox(key="feed_bulk_status").set_value("resolved")
    at.text_input(key="feed_bulk_assignee").set_value("Joon")
    at.button(key="feed_bulk_apply").click().run()
    assert not at.exception
    with session_scope(crowded["url"]) as s:
        rows = {
            m.id: (m.triage_status, m.triage_assignee)
            for m in s.execute(select(Mention).where(Mention.id.in_([a, b, c]))).scalars()
        }
    assert rows == {a: ("resolved", "Joon"), b: ("resolved", "Joon"), c: ("new", None)}
    # Resolved leaves the default filter; the total says so at once.
    assert at.subheader[0].value == "31 negative mentions"
    assert a not in _card_ids(at) and c in _card_ids(at)
    # The assignee filter now offers Joon; filtering by it with "resolved" shows the two.
    at.multiselect(key="feed_statuses").set_value(["resolved"]).run()
    at.multiselect(key="feed_assignees").set_value(["Joon"]).run()
    assert sorted(_card_ids(at)) == sorted([a, b])
    # Response times: both resolved within the 24 h target.
    (brands, assignees) = [d.value for d in at.dataframe][:2]
    joon = assignees.set_index("Assignee").loc["Joon"]
    assert (joon["Resolved"], joon["Resolved within target (%)"]) == (2, 100.0)
    assert "Aqua Veil" in list(brands["Brand"])


def test_the_brand_of_the_link_opens_the_feed_on_that_brand(crowded: dict[str, Any]) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["brand"] = "Glow Lab"
    at.run()
    at.switch_page("views/negative_feed.py").run()
    assert not at.exception
    assert at.selectbox(key="feed_brand").value == "Glow Lab"
    assert at.subheader[0].value == "1 negative mention"
    # An unknown brand in a link is ignored: every brand.
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["brand"] = "No Such Brand"
    at.run()
    at.switch_page("views/negative_feed.py").run()
    assert at.selectbox(key="feed_brand").value == "All brands"
    assert at.subheader[0].value == "33 negative mentions"
