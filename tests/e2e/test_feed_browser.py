"""The Negative feed in a real browser: a PR person triages one card, assigns another, bulk-resolves a
selection and filters by status, brand and search; the page and the database agree at every step.

`streamlit run ui/dashboard/app.py` on a store of 40 negative mentions of two brands; headless Chromium
(Debian's, at /usr/bin/chromium: its absence fails, never skips). Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from crawler.items import MentionItem
from store import repo
from store.db import ensure_schema, session_scope
from store.models import Mention, TriageEvent
from tests.e2e.server import ARTIFACTS, CHROMIUM_ARGS, UI_TIMEOUT_MS, require_chromium, serve_dashboard
from tests.e2e.widgets import pick, settle
from tests.factories import AQUA, GLOW
from tests.store.helpers import label

pytestmark = pytest.mark.browser

N = 40
USER = "Mina"
# Mention i (0 newest, one minute apart): Aqua Veil when i % 3 == 0 (14), else Glow Lab (26); "refund" in
# the text when i % 5 == 0 (8).
BULK = range(2, 7)  # ticked and resolved together: 2..6, of which 3 and 6 are Aqua Veil's


def _brand(i: int) -> str:
    return AQUA if i % 3 == 0 else GLOW


def _text(i: int) -> str:
    return f"{_brand(i)} complaint {i:02d}" + (": still no refund" if i % 5 == 0 else ": broke me out")


@pytest.fixture
def feed(tmp_path: Path) -> Iterator[tuple[str, str, list[int]]]:
    """The dashboard on a store of N negative mentions; (base URL, database URL, ids newest first)."""
    url = f"sqlite:///{tmp_path / 'feed.db'}"
    ensure_schema(url)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    with session_scope(url) as s:
        repo.sync_brands(
            s, brands=[repo.BrandSpec(GLOW, '"glow lab" OR glowlab'), repo.BrandSpec(AQUA, '"aqua veil"')]
        )
        items = [
            MentionItem(
                platform="ptt",
                external_id=f"n{i}",
                text=_text(i),
                author=f"user{i}",
                published_at=now - timedelta(minutes=i + 1),
                brands=[_brand(i)],
            )
            for i in range(N)
        ]
        by_key = repo.upsert_mentions(s, mentions=items)
        ids = [by_key[f"ptt:n{i}"] for i in range(N)]
        repo.write_labels(s, labels=[label(mid, "negative") for mid in ids])
    with serve_dashboard(url, tmp_path) as base_url:
        yield base_url, url, ids


def _labelled(page: Any, test_id: str, label: str) -> Any:
    return (
        page.get_by_test_id("stMain")
        .get_by_test_id(test_id)
        .filter(has=page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True))
    )


def _type(page: Any, widget: Any, text: str) -> None:
    """Replace a text input's value and commit it (Enter), as a user does."""
    box = widget.locator("input").first
    box.fill(text)
    box.press("Enter")
    settle(page)


def _card_ids(page: Any) -> list[int]:
    """The mentions whose cards the page shows, top to bottom (each card's status box is keyed by its id)."""
    classes = page.locator("[class*='st-key-triage_']").evaluate_all(
        "els => els.map(e => [...e.classList].find(c => c.startsWith('st-key-triage_')))"
    )
    return [int(c.removeprefix("st-key-triage_")) for c in classes]


def _cards_once(page: Any, done: Callable[[list[int]], bool]) -> list[int]:
    """The card ids once ``done`` holds for them, or as they are after UI_TIMEOUT_MS.

    A rerun replaces the page's elements one by one, and the status widget can vanish for a moment between
    a button's run and the rerun it asks for: the heading may already be new while older cards still show.
    """
    deadline = time.monotonic() + UI_TIMEOUT_MS / 1000
    while True:
        shown = _card_ids(page)
        if done(shown) or time.monotonic() > deadline:
            return shown
        page.wait_for_timeout(250)


def _db(url: str) -> tuple[dict[int, tuple[str, str | None, str | None]], list[tuple[Any, ...]]]:
    """Each mention's (status, assignee, priority) and every triage event (mention, field, from, to, by)."""
    with session_scope(url) as s:
        rows = s.execute(
            select(Mention.id, Mention.triage_status, Mention.triage_assignee, Mention.triage_priority)
        ).all()
        events = s.execute(
            select(
                TriageEvent.mention_id,
                TriageEvent.field,
                TriageEvent.from_value,
                TriageEvent.to_value,
                TriageEvent.changed_by,
            ).order_by(TriageEvent.id)
        ).all()
    return {r[0]: tuple(r[1:]) for r in rows}, [tuple(e) for e in events]


def _negatives(url: str, statuses: tuple[str, ...]) -> int:
    with session_scope(url) as s:
        return int(s.execute(select(func.count()).where(Mention.triage_status.in_(statuses))).scalar_one())


def test_triage_assign_bulk_resolve_and_filter_in_chromium(feed: tuple[str, str, list[int]]) -> None:
    chromium = require_chromium()
    from playwright.sync_api import expect, sync_playwright

    base_url, url, ids = feed
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000}, timezone_id="UTC")
            page.set_default_timeout(UI_TIMEOUT_MS)
            page.goto(f"{base_url}/negative_feed", wait_until="domcontentloaded")
            main = page.get_by_test_id("stMain")
            heading = main.get_by_role("heading", level=3)

            # The true total, pages of 25, newest first; each card names its brand's query.
            expect(main.get_by_text(f"{N} negative mentions", exact=True)).to_be_visible()
            expect(main.get_by_text("Page 1 of 2: mentions 1–25")).to_be_visible()
            settle(page)
            assert _cards_once(page, lambda c: c == ids[:25]) == ids[:25]
            expect(main.get_by_text(f'{AQUA} query: "aqua veil"').first).to_be_visible()
            main.get_by_role("button", name="Next page").click()
            expect(main.get_by_text("Page 2 of 2: mentions 26–40")).to_be_visible()
            settle(page)
            assert _cards_once(page, lambda c: c == ids[25:]) == ids[25:]
            main.get_by_role("button", name="Previous page").click()
            expect(main.get_by_text("Page 1 of 2: mentions 1–25")).to_be_visible()
            settle(page)

            _type(page, page.locator(".st-key-feed_user"), USER)

            # Triage one card: its status, saved at once with who.
            first = ids[0]
            pick(page, page.locator(f".st-key-triage_{first}"), "In progress")
            card_history = main.get_by_text(f"by {USER}: Status new → in_progress")
            expect(card_history).to_have_count(1)
            states, events = _db(url)
            assert states[first] == ("in_progress", None, None)
            assert events == [(first, "status", "new", "in_progress", USER)]

            # Assign another: its Triage section's assignee and priority.
            second = ids[1]
            expander = main.get_by_test_id("stExpander").filter(
                has=page.locator(f".st-key-feed_assignee_{second}")
            )
            expander.locator("summary").click()
            _type(page, page.locator(f".st-key-feed_assignee_{second}"), "Joon")
            pick(page, page.locator(f".st-key-feed_priority_{second}"), "High")
            expect(expander.get_by_text(f"by {USER}: Assignee — → Joon")).to_be_visible()
            expect(expander.get_by_text(f"by {USER}: Priority — → high")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "negative_feed_triage.png"))
            states, events = _db(url)
            assert states[second] == ("new", "Joon", "high")
            assert events[1:] == [
                (second, "assignee", None, "Joon", USER),
                (second, "priority", None, "high", USER),
            ]

            # Tick five cards and resolve them together: they leave the default statuses, the total says so.
            bulk_ids = [ids[i] for i in BULK]
            for mid in bulk_ids:
                page.locator(f".st-key-feed_pick_{mid} label").click()
                expect(page.locator(f".st-key-feed_pick_{mid} input")).to_be_checked()
            settle(page)
            pick(page, _labelled(page, "stSelectbox", "Set status"), "Resolved")
            main.get_by_role("button", name="Apply to selected").click()
            expect(heading.filter(has_text="negative mention")).to_have_text(
                f"{N - len(BULK)} negative mentions"
            )
            settle(page)
            assert not set(bulk_ids) & set(_cards_once(page, lambda c: not set(bulk_ids) & set(c)))
            states, events = _db(url)
            assert {mid for mid, st in states.items() if st[0] == "resolved"} == set(bulk_ids)
            assert sorted(events[3:]) == [
                (mid, "status", "new", "resolved", USER) for mid in sorted(bulk_ids)
            ]
            assert _negatives(url, ("new", "in_progress")) == N - len(BULK)

            # Filter by status: only the resolved ones.
            statuses = _labelled(page, "stMultiSelect", "Triage status")
            statuses.locator("input").first.click()
            page.keyboard.press("Backspace")  # removes "In progress"
            page.keyboard.press("Backspace")  # removes "New"
            page.keyboard.press("Escape")
            settle(page)
            expect(main.get_by_text("Choose at least one triage status.")).to_be_visible()
            pick(page, statuses, "Resolved", multi=True)
            expect(heading.filter(has_text="negative mention")).to_have_text(f"{len(BULK)} negative mentions")
            assert sorted(_cards_once(page, lambda c: sorted(c) == sorted(bulk_ids))) == sorted(bulk_ids)
            assert _negatives(url, ("resolved",)) == len(BULK)

            # And by brand: Aqua Veil's resolved ones (3 and 6); the link carries the brand.
            pick(page, _labelled(page, "stSelectbox", "Brand"), AQUA)
            expect(heading.filter(has_text="negative mention")).to_have_text("2 negative mentions")
            aqua = sorted([ids[3], ids[6]])
            assert sorted(_cards_once(page, lambda c: sorted(c) == aqua)) == aqua
            expect(page).to_have_url(f"{base_url}/negative_feed?brand=Aqua+Veil")

            # Back to the open ones of Aqua Veil (14 − 2), then a search, in any case, of the text.
            statuses.locator("input").first.click()
            page.keyboard.press("Backspace")
            page.keyboard.press("Escape")
            settle(page)
            pick(page, statuses, "New", multi=True)
            pick(page, statuses, "In progress", multi=True)
            expect(heading.filter(has_text="negative mention")).to_have_text("12 negative mentions")
            main.get_by_test_id("stExpander").filter(has_text="More filters and search").locator(
                "summary"
            ).click()
            _type(page, _labelled(page, "stTextInput", "Search text and author"), "REFUND")
            # Aqua Veil and "refund": 0, 15, 30 (none resolved).
            expect(heading.filter(has_text="negative mention")).to_have_text("3 negative mentions")
            refunds = [ids[0], ids[15], ids[30]]
            assert _cards_once(page, lambda c: c == refunds) == refunds
            pick(page, _labelled(page, "stSelectbox", "Brand"), "All brands")
            # Every brand's open "refund" mentions: 0, 5, ..., 35 less 5 (resolved) = 7.
            expect(heading.filter(has_text="negative mention")).to_have_text("7 negative mentions")
            searched = [ids[i] for i in range(0, N, 5) if i != 5]
            assert _cards_once(page, lambda c: c == searched) == searched
            page.screenshot(path=str(ARTIFACTS / "negative_feed_filtered.png"))
        finally:
            browser.close()

    # Nothing else was written: eight changes, every one by the name given.
    states, events = _db(url)
    assert len(events) == 8 and {e[4] for e in events} == {USER}
    assert sorted(st[0] for st in states.values()) == ["in_progress"] + ["new"] * 34 + ["resolved"] * 5
