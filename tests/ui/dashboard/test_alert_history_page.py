"""The Alerts page's history, run by Streamlit's AppTest on a SQLite store whose alerts were recorded by a
real evaluation: open alerts listed with status, rule, brand, first and last seen in the configured time zone,
acknowledge and resolve buttons that write who and when, a link into the Negative feed for the brand, and
"no data" shown apart from "all quiet"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from store.alerts import AlertSettings, resolve_alert
from store.db import session_scope
from store.models import AlertRecord
from tests.factories import seed_mention_series
from tests.ui.dashboard.apptest import open_app
from ui.dashboard import safe
from ui.jobs.alerts import evaluate_alerts

STEADY = [(4, 0), (5, 0), (4, 0), (5, 0), (4, 0), (5, 0), (4, 0)]
FIRED_AT = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # 21:00 in Seoul


@pytest.fixture
def history_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Two spikes recorded as of FIRED_AT (one seen again an hour later); times shown in Asia/Seoul."""
    url = f"sqlite:///{tmp_path / 'history.db'}"
    seed_mention_series(url, brand="Glow <Lab>", platform="ptt", now=FIRED_AT, daily=[(20, 0), *STEADY])
    seed_mention_series(url, brand="Aqua Veil", platform="threads", now=FIRED_AT, daily=[(24, 0), *STEADY])
    for at in (FIRED_AT, FIRED_AT + timedelta(hours=1)):
        evaluate_alerts(url, now=at, settings=AlertSettings())
    config = tmp_path / "brandpulse.toml"
    config.write_text('[ui]\ntimezone = "Asia/Seoul"\n', encoding="utf-8")
    monkeypatch.setenv("BRANDPULSE_CONFIG", str(config))
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", url)
    return url


def _rows(url: str) -> dict[str, AlertRecord]:
    with session_scope(url) as session:
        return {r.brand or "": r for r in session.execute(select(AlertRecord)).scalars()}


def _cards(at: Any) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("**")]


def test_the_history_lists_open_alerts_with_buttons_and_a_link_into_the_feed(history_db: str) -> None:
    at = open_app("views/alerts.py")

    assert [h.value for h in at.header] == ["Alert history", "Now"]
    assert _cards(at)[:2] == [  # seen last at the same time: the newer first
        f"**{safe.md_text('Volume spike: Glow <Lab>, all sources')}**",
        f"**{safe.md_text('Volume spike: Aqua Veil, all sources')}**",
    ]
    rows = _rows(history_db)
    aqua = rows["Aqua Veil"]
    captions = [c.value for c in at.caption]
    expected = (
        f"#{aqua.id} · Fired · Volume spike · first fired 2026-03-10 21:00 KST · "
        "last seen 2026-03-10 22:00 KST (2 evaluations) · not delivered: no [alerts] notify URLs"
    )
    assert safe.md_text(expected) in captions
    assert aqua.summary in [t.value for t in at.text]
    links = at.get("page_link")
    assert [(link.proto.page, link.proto.query_string) for link in links] == [
        ("negative_feed", "brand=Glow+%3CLab%3E"),
        ("negative_feed", "brand=Aqua+Veil"),
    ]
    assert [b.label for b in at.button] == ["Acknowledge", "Resolve", "Acknowledge", "Resolve"]

    at.text_input(key="alert_user").set_value("Mina Park").run()
    at.button(key=f"alert_ack_{aqua.id}").click().run()
    assert not at.exception
    acked = _rows(history_db)["Aqua Veil"]
    assert (acked.status, acked.acknowledged_by) == ("acknowledged", "Mina Park")
    assert any(c.value.startswith(safe.md_text("Acknowledged by Mina Park, ")) for c in at.caption)
    assert [b.label for b in at.button] == [
        "Acknowledge",
        "Resolve",
        "Resolve",
    ]  # acknowledged: no second ack

    glow = rows["Glow <Lab>"]
    at.button(key=f"alert_resolve_{glow.id}").click().run()
    assert _rows(history_db)["Glow <Lab>"].resolved_by == "Mina Park"
    assert _cards(at)[:1] == [
        f"**{safe.md_text('Volume spike: Aqua Veil, all sources')}**"
    ]  # resolved: hidden

    at.multiselect(key="alert_history_statuses").set_value(["resolved"]).run()
    assert _cards(at)[:1] == [f"**{safe.md_text('Volume spike: Glow <Lab>, all sources')}**"]
    assert any(c.value.startswith(safe.md_text("Resolved by Mina Park, ")) for c in at.caption)
    assert not at.button  # nothing left to do with a resolved alert


def test_a_button_on_an_alert_resolved_meanwhile_says_so(history_db: str) -> None:
    at = open_app("views/alerts.py")
    aqua = _rows(history_db)["Aqua Veil"]
    with session_scope(history_db) as session:  # someone else resolves it while this page is open
        resolve_alert(session, alert_id=aqua.id, by="Ana")
    at.button(key=f"alert_ack_{aqua.id}").click().run()
    assert not at.exception
    assert [t.value for t in at.toast] == [f"Alert {aqua.id}: alert #{aqua.id} is already resolved"]


def test_no_data_is_not_shown_as_all_quiet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", url)
    at = open_app("views/alerts.py")
    assert not at.success
    assert [i.value for i in at.info] == [
        safe.md_text("No data: the database holds no mentions yet, so nothing can be checked.")
    ]

    # A brand heard days ago, none since: no data for it, still no green.
    now = datetime.now(UTC)
    seed_mention_series(url, brand="Gone", platform="ptt", now=now - timedelta(days=3), daily=[(5, 0)] * 3)
    at = open_app("views/alerts.py")
    assert not at.success
    (info,) = at.info
    assert info.value.startswith(safe.md_text("No data for Gone: no mentions in the last 24 h (newest "))
    assert "No alerts recorded with these statuses." in [c.value for c in at.caption]
