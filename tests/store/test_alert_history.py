"""The alert history on SQLite and PostgreSQL: de-duplication and the cool-down (evaluations delivered to a
real HTTP receiver through apprise), fired → acknowledged → resolved with who and when, failed deliveries
recorded and tried again, "no data" apart from "all quiet", the reach rule, and a replay of past days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from crawler.items import MentionItem
from store import repo
from store.alerts import (
    EMPTY_STORE,
    NO_BRANDS,
    NO_RECENT,
    SPIKE,
    Alert,
    AlertSettings,
    NoData,
    acknowledge_alert,
    alert_history,
    negative_reach_alerts,
    no_data,
    record_alerts,
    resolve_alert,
)
from store.db import session_scope
from store.models import AlertRecord
from tests.factories import seed_mention_series
from tests.store.test_alert_delivery import Receiver, alert_receiver
from ui.jobs.alerts import AlertRun, delivery_targets, evaluate_alerts, replay_alerts

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
STEADY = [(4, 0), (5, 0), (4, 0), (5, 0), (4, 0), (5, 0), (4, 0)]
SETTINGS = AlertSettings()  # cool-down 6 h


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Any:
    with alert_receiver(monkeypatch) as r:
        yield r


def _rows(url: str) -> list[AlertRecord]:
    with session_scope(url) as session:
        return list(session.query(AlertRecord).order_by(AlertRecord.id))


def _evaluate(url: str, at: datetime, receiver: Receiver | None, path: str = "hook") -> AlertRun:
    targets = delivery_targets([f"json://{receiver.base}/{path}"]) if receiver else []
    return evaluate_alerts(url, now=at, settings=SETTINGS, targets=targets)


def _titles(receiver: Receiver) -> list[str]:
    return [r.json()["title"] for r in receiver.received]


def test_an_alert_is_delivered_once_then_again_after_the_cool_down_or_a_resolve(
    db_url: str, receiver: Receiver
) -> None:
    seed_mention_series(db_url, brand="Spiky", platform="ptt", now=NOW, daily=[(20, 0), *STEADY])

    first = _evaluate(db_url, NOW, receiver)
    again = _evaluate(db_url, NOW + HOUR, receiver)  # the same spike, an hour later: recorded, not sent

    assert [o.action for o in first.outcomes] == ["new"] and [o.action for o in again.outcomes] == ["updated"]
    assert _titles(receiver) == ["brandpulse: 1 new alert"]
    (row,) = _rows(db_url)
    assert (row.rule, row.brand, row.source, row.status) == ("volume", "Spiky", None, "fired")
    assert row.dedup_key == "volume|Spiky||2026-03-10" and row.times_seen == 2
    assert (row.delivery_status, row.delivery_attempts) == ("sent", 1)
    assert [t.replace(tzinfo=UTC) for t in (row.first_fired_at, row.last_seen_at)] == [NOW, NOW + HOUR]

    # Past the cool-down (6 h after it was announced) and still unacknowledged: a reminder, same row.
    late = _evaluate(db_url, NOW + 7 * HOUR, receiver)
    assert [o.action for o in late.outcomes] == ["reminder"] and len(_rows(db_url)) == 1
    assert _titles(receiver)[1] == "brandpulse: 1 reminder"
    assert "firing since 2026-03-10 12:00 UTC" in receiver.received[1].json()["message"]

    # Acknowledged: someone is on it. The next day's finding of the same spike is folded in, not sent.
    with session_scope(db_url) as session:
        acknowledge_alert(session, alert_id=row.id, by="Mina", now=NOW + 8 * HOUR)
    next_day = _evaluate(db_url, NOW + 20 * HOUR, receiver)
    assert [o.action for o in next_day.outcomes] == ["updated"] and len(receiver.received) == 2

    # Resolved while the spike is still there: it fires anew, as a new row of the history.
    with session_scope(db_url) as session:
        resolve_alert(session, alert_id=row.id, by="Mina", now=NOW + 21 * HOUR)
    anew = _evaluate(db_url, NOW + 22 * HOUR, receiver)
    assert [o.action for o in anew.outcomes] == ["new"] and _titles(receiver)[2] == "brandpulse: 1 new alert"
    assert [(r.status, r.dedup_key) for r in _rows(db_url)] == [
        ("resolved", "volume|Spiky||2026-03-10"),
        ("fired", "volume|Spiky||2026-03-11"),
    ]


def test_without_a_cool_down_a_new_day_of_the_spike_is_a_new_alert(db_url: str, receiver: Receiver) -> None:
    seed_mention_series(db_url, brand="Spiky", platform="ptt", now=NOW, daily=[(20, 0), *STEADY])
    _evaluate(db_url, NOW + 11 * HOUR, receiver)  # 23:00
    _evaluate(db_url, NOW + 13 * HOUR, receiver)  # 01:00 the next day: another key, but within the cool-down
    _evaluate(db_url, NOW + 18 * HOUR, receiver)  # 06:00: the cool-down is over
    assert [(r.dedup_key, r.times_seen) for r in _rows(db_url)] == [
        ("volume|Spiky||2026-03-10", 2),
        ("volume|Spiky||2026-03-11", 1),
    ]
    assert _titles(receiver) == ["brandpulse: 1 new alert"] * 2


def test_fired_acknowledged_resolved_with_who_and_when(db_url: str) -> None:
    alerts = [_alert("Glow Lab"), _alert("Aqua Veil")]
    with session_scope(db_url) as session:
        recorded = record_alerts(session, alerts, now=NOW, settings=SETTINGS)
    glow, aqua = (a.alert_id for a in recorded.announce)

    with session_scope(db_url) as session:
        acked = acknowledge_alert(session, alert_id=glow, by="  Mina \n Park ", now=NOW + HOUR)
        again = acknowledge_alert(session, alert_id=glow, by="someone else", now=NOW + 2 * HOUR)
        resolved = resolve_alert(session, alert_id=aqua, now=NOW + 3 * HOUR)  # no name given
    assert (acked.status, acked.acknowledged_by, acked.acknowledged_at) == (
        "acknowledged",
        "Mina Park",
        NOW + HOUR,
    )
    assert again == acked  # acknowledging twice keeps the first
    assert (resolved.status, resolved.resolved_by, resolved.resolved_at) == ("resolved", None, NOW + 3 * HOUR)
    assert resolved.acknowledged_at is None

    with session_scope(db_url) as session:
        with pytest.raises(ValueError, match="already resolved"):
            acknowledge_alert(session, alert_id=aqua, by="late")
        with pytest.raises(KeyError):
            resolve_alert(session, alert_id=9999)
        done = resolve_alert(session, alert_id=glow, by="Mina Park", now=NOW + 4 * HOUR)
        assert (done.acknowledged_by, done.resolved_by, done.resolved_at) == (
            "Mina Park",
            "Mina Park",
            NOW + 4 * HOUR,
        )
        assert [e.id for e in alert_history(session, statuses=["fired", "acknowledged"])] == []
        history = alert_history(session)
    assert [(e.brand, e.status) for e in history] == [("Aqua Veil", "resolved"), ("Glow Lab", "resolved")]
    assert history[0].first_fired_at == NOW and history[0].summary == alerts[1].summary


def _alert(brand: str, about: str = "2026-03-10") -> Alert:
    return Alert(
        kind=SPIKE,
        metric="volume",
        brand=brand,
        source=None,
        value=20.0,
        threshold=8.0,
        window_start=NOW - DAY,
        window_end=NOW,
        baseline_mean=4.0,
        sd=1.0,
        k=2.0,
        baseline=(4.0,) * 7,
        about=about,
    )


def test_a_failed_delivery_is_recorded_and_tried_again(db_url: str, receiver: Receiver) -> None:
    seed_mention_series(db_url, brand="Spiky", platform="ptt", now=NOW, daily=[(20, 0), *STEADY])

    failed = _evaluate(db_url, NOW, receiver, path="fail/t0ken")
    assert failed.failed and [o.action for o in failed.outcomes] == ["new"]
    (row,) = _rows(db_url)
    assert (row.delivery_status, row.delivery_attempts, row.delivered_at) == ("failed", 1, None)
    assert row.delivery_error and "500" in row.delivery_error and "t0ken" not in row.delivery_error

    # Within the cool-down, but never delivered: tried again (here the receiver takes it).
    retried = _evaluate(db_url, NOW + HOUR, receiver)
    assert [o.action for o in retried.outcomes] == ["retry"] and not retried.failed
    assert _titles(receiver) == ["brandpulse: 1 new alert", "brandpulse: 1 alert sent again"]
    (row,) = _rows(db_url)
    assert (row.delivery_status, row.delivery_attempts, row.delivery_error) == ("sent", 2, None)
    assert row.delivered_at and row.delivered_at.replace(tzinfo=UTC) == NOW + HOUR

    assert [o.action for o in _evaluate(db_url, NOW + 2 * HOUR, receiver).outcomes] == ["updated"]
    assert len(receiver.received) == 2  # the failed try and the retry: nothing more


def test_with_nowhere_to_deliver_alerts_are_recorded_as_such(db_url: str) -> None:
    seed_mention_series(db_url, brand="Spiky", platform="ptt", now=NOW, daily=[(20, 0), *STEADY])
    run = _evaluate(db_url, NOW, None)
    assert run.announced == 1 and run.deliveries == [] and not run.failed
    (row,) = _rows(db_url)
    assert (row.delivery_status, row.delivery_attempts) == ("no_targets", 0)


# ---------------------------------------------------------------- no data vs all quiet


def test_no_data_is_told_apart_from_all_quiet(db_url: str) -> None:
    with session_scope(db_url) as session:
        assert no_data(session, now=NOW) == [NoData(EMPTY_STORE)]
    assert _evaluate(db_url, NOW, None).status == "no_data"

    with session_scope(db_url) as session:  # mentions, but no brand to judge
        repo.upsert_mentions(session, mentions=[MentionItem("ptt", "x", "no brand here", published_at=NOW)])
        assert no_data(session, now=NOW) == [NoData(NO_BRANDS)]

    seed_mention_series(db_url, brand="Calm", platform="ptt", now=NOW, daily=[(5, 1)] * 8)
    seed_mention_series(db_url, brand="Gone", platform="ptt", now=NOW - 3 * DAY, daily=[(5, 1)] * 5)
    spam = MentionItem("ptt", "spam", "Gone spam", published_at=NOW - HOUR, brands=["Gone"], spam_score=1.0)
    with session_scope(db_url) as session:
        repo.upsert_mentions(session, mentions=[spam])  # spam does not count as data

    with session_scope(db_url) as session:
        (gone,) = no_data(session, now=NOW)
    assert (gone.reason, gone.brand) == (NO_RECENT, "Gone")
    assert gone.newest == NOW - 3 * DAY - timedelta(minutes=5)  # its newest mention, 3 days before
    assert gone.message == "No data for Gone: no mentions in the last 24 h (newest 2026-03-07 11:55 UTC)."
    run = _evaluate(db_url, NOW, None)
    assert (run.status, run.found, run.nothing_checked) == ("no_data", [], False)
    assert run.to_dict()["no_data"][0]["brand"] == "Gone"

    # As of three days ago both brands had data, and neither was unusual: all quiet.
    quiet = _evaluate(db_url, NOW - 3 * DAY, None)
    assert (quiet.status, quiet.no_data) == ("quiet", [])
    # As of a time before any mention: every brand without data, nothing checked.
    assert _evaluate(db_url, NOW - 30 * DAY, None).nothing_checked


# ---------------------------------------------------------------- reach


def _glow_lab(session: Any) -> None:
    repo.sync_brands(session, brands=[repo.BrandSpec("Glow Lab", '"glow lab"', None)])


def _negative(ext: str, *, followers: int, likes: int, at: datetime = NOW - HOUR, **kw: Any) -> MentionItem:
    fields: dict[str, Any] = {"lang": "en", "sentiment": "negative", "spam_score": 0.0, "platform": "ptt"}
    return MentionItem(
        external_id=ext,
        text=f"Glow Lab broke me out ({ext})",
        author=f"author_{ext}",
        author_followers=followers,
        likes=likes,
        replies=5,
        published_at=at,
        brands=["Glow Lab"],
        **fields | kw,
    )


def test_a_negative_mention_above_the_reach_threshold_alerts_once(db_url: str) -> None:
    with session_scope(db_url) as session:
        _glow_lab(session)
        ids = repo.upsert_mentions(
            session,
            mentions=[
                _negative("big", followers=9_000, likes=995),  # 9,000 + 995 + 5 = 10,000: at the threshold
                _negative("small", followers=9_000, likes=994),  # 9,999
                _negative("happy", followers=90_000, likes=0, sentiment="positive"),
                _negative("spam", followers=90_000, likes=0, spam_score=1.0),
                _negative("old", followers=90_000, likes=0, at=NOW - 2 * DAY),
                _negative("other", followers=50_000, likes=0, platform="threads"),
            ],
        )
        found = negative_reach_alerts(session, now=NOW)

    assert [(a.source, a.value, a.drivers[0].mention_id) for a in found] == [
        ("threads", 50_005.0, ids["threads:other"]),
        ("ptt", 10_000.0, ids["ptt:big"]),
    ]
    big = found[1]
    assert (big.kind, big.metric, big.brand, big.threshold) == (
        "mention",
        "negative_reach",
        "Glow Lab",
        10_000,
    )
    assert big.title == "High-reach negative mention: Glow Lab, ptt"
    assert big.summary == (
        f"A negative mention (#{ids['ptt:big']}) on ptt, 2026-03-10 11:00 UTC, reached 10,000 (9,000 author "
        "followers + 1,000 likes and replies; alert at 10,000)."
    )
    assert "broke me out" not in big.summary  # the history keeps no mention text
    assert (big.drivers[0].followers, big.drivers[0].engagement) == (9_000, 1_000)
    with session_scope(db_url) as session:
        higher = negative_reach_alerts(session, now=NOW, settings=AlertSettings(reach_threshold=10_001))
    assert (
        [a.dedup_key for a in higher]
        == [found[0].dedup_key]
        == [f"negative_reach|Glow Lab|threads|mention {ids['threads:other']}"]
    )

    with session_scope(db_url) as session:
        first = record_alerts(session, found, now=NOW, settings=SETTINGS)
        assert [a.reason for a in first.announce] == ["new", "new"]
        resolve_alert(session, alert_id=first.announce[1].alert_id, by="Mina")
    # A mention is news once: resolved, it never fires again; unresolved, it is only updated.
    with session_scope(db_url) as session:
        later = record_alerts(session, found, now=NOW + HOUR, settings=SETTINGS)
    assert [o.action for o in later.outcomes] == ["updated", "handled"]
    assert {r.mention_id for r in _rows(db_url)} == {ids["threads:other"], ids["ptt:big"]}


def test_a_second_big_mention_within_the_cool_down_is_its_own_alert(db_url: str) -> None:
    with session_scope(db_url) as session:
        _glow_lab(session)
        repo.upsert_mentions(session, mentions=[_negative("first", followers=20_000, likes=0)])
        first = record_alerts(session, negative_reach_alerts(session, now=NOW), now=NOW, settings=SETTINGS)
        repo.upsert_mentions(session, mentions=[_negative("second", followers=30_000, likes=0, at=NOW)])
        soon = record_alerts(
            session, negative_reach_alerts(session, now=NOW + HOUR), now=NOW + HOUR, settings=SETTINGS
        )
        later = record_alerts(
            session, negative_reach_alerts(session, now=NOW + 7 * HOUR), now=NOW + 7 * HOUR, settings=SETTINGS
        )
    assert [a.reason for a in first.announce] == ["new"]
    # A second complaint an hour later is news at once (a cool-down holds back repeats, not other mentions);
    # the first, announced an hour ago, is only updated.
    (second,) = soon.announce
    assert second.reason == "new" and second.alert.about != first.announce[0].alert.about
    assert sorted(o.action for o in soon.outcomes) == ["new", "updated"]
    # After the cool-down both, unacknowledged, are reminded of.
    assert sorted((a.reason, a.alert.about) for a in later.announce) == sorted(
        [("reminder", first.announce[0].alert.about), ("reminder", second.alert.about)]
    )
    assert len(_rows(db_url)) == 2


# ---------------------------------------------------------------- replay


def test_a_replay_fills_the_history_without_delivering_and_the_live_run_announces(
    db_url: str, receiver: Receiver
) -> None:
    seed_mention_series(db_url, brand="Spiky", platform="ptt", now=NOW, daily=[(20, 0), *STEADY])
    recorded = replay_alerts(
        db_url, until=NOW + 6 * HOUR, days=1, settings=SETTINGS
    )  # 18:00, 00:00 ... 12:00

    assert recorded == 1 and receiver.received == []
    (row,) = _rows(db_url)
    assert (row.delivery_status, row.first_fired_at.replace(tzinfo=UTC)) == ("replayed", NOW)
    assert row.times_seen == 1  # 12:00 only: 06:00 had no spike yet, and the replay stops before 18:00

    live = _evaluate(db_url, NOW + 6 * HOUR, receiver)  # never announced: announced now
    assert [o.action for o in live.outcomes] == ["new"] and len(receiver.received) == 1
    (row,) = _rows(db_url)
    assert (row.delivery_status, row.first_fired_at.replace(tzinfo=UTC)) == ("sent", NOW)
