"""Alert rules on SQLite and PostgreSQL (spikes, source health), and ``brandpulse alerts`` end to end with
its deliveries to a local receiver (the history and delivery themselves: test_alert_history.py,
test_alert_delivery.py)."""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from crawler.items import MentionItem
from store import feed, repo
from store.alerts import (
    SOURCE_HEALTH,
    SPIKE,
    STUCK_RUN,
    Alert,
    AlertSettings,
    current_alerts,
    source_health_alerts,
    spike_alerts,
)
from store.db import session_scope
from store.models import CrawlRun
from tests.factories import seed_mention_series
from tests.store.test_alert_delivery import Receiver, alert_receiver
from ui.cli.app import app

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
STEADY = [(4, 0), (5, 0), (4, 0), (5, 0), (4, 0), (5, 0), (4, 0)]  # the 7 days before the last 24 h


def _alerts(url: str, **settings: Any) -> list[Alert]:
    with session_scope(url) as session:
        return spike_alerts(session, now=NOW, settings=AlertSettings(**settings))


def _add(url: str, *items: MentionItem) -> dict[str, int]:
    with session_scope(url) as session:
        return repo.upsert_mentions(session, mentions=list(items))


def _mention(ext: str, brand: str, at: datetime, **kw: Any) -> MentionItem:
    fields: dict[str, Any] = {"platform": "ptt", "lang": "en", "sentiment": "neutral", "spam_score": 0.0}
    return MentionItem(external_id=ext, text=f"{brand} {ext}", published_at=at, brands=[brand], **fields | kw)


# ---------------------------------------------------------------- spikes


def test_a_volume_spike_over_a_steady_week_is_one_alert_with_its_driving_mentions(db_url: str) -> None:
    ids = seed_mention_series(db_url, brand="Spiky", platform="ptt", now=NOW, daily=[(20, 0), *STEADY])
    _add(
        db_url,
        # Spam never counts and never drives an alert, however engaged.
        _mention("spam", "Spiky", NOW - timedelta(hours=2), likes=1000, spam_score=1.0),
        # Outside both windows: older than 8 days, and later than `now`.
        _mention("old", "Spiky", NOW - 8 * DAY - timedelta(hours=1), likes=500),
        _mention("future", "Spiky", NOW + timedelta(hours=1), likes=500),
    )

    (alert,) = _alerts(db_url)

    baseline = (4.0, 5.0, 4.0, 5.0, 4.0, 5.0, 4.0)
    mean, sd = statistics.fmean(baseline), statistics.stdev(baseline)
    assert (alert.kind, alert.metric, alert.brand, alert.source) == (SPIKE, "volume", "Spiky", None)
    assert alert.value == 20 and alert.baseline == baseline
    assert alert.baseline_mean == pytest.approx(31 / 7) and alert.sd == pytest.approx(sd)
    # sd (0.53) is below the count's Poisson noise √4.43 = 2.10, which sets the bar.
    assert alert.threshold == pytest.approx(mean + 2 * mean**0.5) and alert.k == 2
    assert (alert.window_start, alert.window_end) == (NOW - DAY, NOW)
    assert [d.mention_id for d in alert.drivers] == ids[0][::-1][:5]  # the most liked of the last 24 h
    assert [d.engagement for d in alert.drivers] == [19, 18, 17, 16, 15]
    top = alert.drivers[0]
    assert top.text == "Spiky on ptt, day -0, mention 19" and top.url == "https://ptt.example/spiky/0/19"
    assert top.published_at == NOW - timedelta(minutes=24)
    assert alert.title == "Volume spike: Spiky, all sources"
    assert alert.summary.startswith("20 mentions in the last 24 h vs a 7-day daily mean of 4.43 (sd 0.53)")

    # k is a setting: at k = 10 the bar is 4.43 + 10 × 2.10 = 25.5, above 20.
    assert _alerts(db_url, k=10) == []


def test_a_negative_share_spike_alerts_with_the_negative_mentions_that_drove_it(db_url: str) -> None:
    daily = [(10, 6)] + [(10, 1)] * 7  # 10 mentions a day, 1 negative; then 6 in the last 24 h
    ids = seed_mention_series(db_url, brand="Sour", platform="naver", now=NOW, daily=daily)

    (alert,) = _alerts(db_url)  # volume is flat (10 a day): no volume alert

    assert (alert.metric, alert.brand, alert.source) == ("negative_share", "Sour", None)
    assert alert.value == pytest.approx(60.0)
    assert alert.baseline == (10.0,) * 7 and alert.baseline_mean == pytest.approx(10.0) and alert.sd == 0
    # A perfectly even week (sd 0) is held to the binomial noise of 10 labeled mentions at 10 %: 9.5 points.
    assert alert.threshold == pytest.approx(10 + 2 * (0.1 * 0.9 / 10) ** 0.5 * 100)
    assert [d.mention_id for d in alert.drivers] == [ids[0][j] for j in (5, 4, 3, 2, 1)]
    assert {d.sentiment for d in alert.drivers} == {"negative"}
    assert alert.summary.startswith("60.0 % negative share in the last 24 h vs a 7-day daily mean of 10.0 %")


def test_a_flat_series_and_a_tiny_one_raise_nothing(db_url: str) -> None:
    seed_mention_series(db_url, brand="Flat", platform="ptt", now=NOW, daily=[(5, 1)] * 8)
    # 1 a day, then 9 in the last 24 h, all negative: far above the mean, but below the 10-mention minimum.
    seed_mention_series(db_url, brand="Tiny", platform="ptt", now=NOW, daily=[(9, 9)] + [(1, 0)] * 7)

    assert _alerts(db_url) == []

    lowered = _alerts(db_url, min_volume=5)
    assert [(a.brand, a.metric) for a in lowered] == [("Tiny", "negative_share"), ("Tiny", "volume")]


def test_spikes_are_reported_per_brand_and_per_source(db_url: str) -> None:
    seed_mention_series(db_url, brand="Duo", platform="ptt", now=NOW, daily=[(18, 0)] + [(3, 0)] * 7)
    seed_mention_series(db_url, brand="Duo", platform="naver", now=NOW, daily=[(2, 0)] * 8)

    alerts = _alerts(db_url)

    assert [(a.brand, a.source, a.metric, a.value) for a in alerts] == [
        ("Duo", None, "volume", 20.0),
        ("Duo", "ptt", "volume", 18.0),
    ]
    assert alerts[0].baseline == (5.0,) * 7 and alerts[1].baseline == (3.0,) * 7
    assert {d.platform for d in alerts[1].drivers} == {"ptt"}


# ---------------------------------------------------------------- source health


def _run(session: Any, spider: str, started: datetime, items: int, quarantined: int = 0, **kw: Any) -> int:
    run = CrawlRun(
        spider=spider,
        started_at=started,
        finished_at=kw.pop("finished_at", started + timedelta(minutes=5)),
        status=kw.pop("status", "finished"),
        items=items,
        quarantined=quarantined,
        **kw,
    )
    session.add(run)
    session.flush()
    assert run.id is not None
    return run.id


def test_source_health_flags_zero_items_and_a_high_quarantine_share(db_url: str) -> None:
    t = NOW - timedelta(hours=6)
    with session_scope(db_url) as session:
        _run(session, "ptt", t - DAY, items=10)
        ptt_last = _run(session, "ptt", t, items=0, errors=3)
        vne = _run(session, "vnexpress", t, items=6, quarantined=4)
        for reason in ("missing_text: no text", "missing_text: empty", "missing_text: x", "bad_date: 31/02"):
            repo.quarantine(session, source="vnexpress", reason=reason, payload={}, crawl_run_id=vne)
        _run(session, "naver_comments", t, items=9, quarantined=1)  # 10 %: fine
        _run(session, "bluesky", t - DAY, items=5)
        _run(session, "bluesky", t, items=0, status="running")  # in progress: not counted yet
        _run(session, "mastodon", t, items=7)
        _run(session, "mastodon", NOW + DAY, items=0)  # after `now`: not part of the picture as of now
        _run(session, "import:mentions", t, items=0, quarantined=3)  # a file import reports for itself

    with session_scope(db_url) as session:
        alerts = source_health_alerts(session, now=NOW)

    assert [(a.kind, a.source, a.metric) for a in alerts] == [
        (SOURCE_HEALTH, "ptt", "zero_items"),
        (SOURCE_HEALTH, "vnexpress", "quarantine_share"),
    ]
    zero, quarantine = alerts
    assert zero.value == 0 and f"#{ptt_last}" in zero.detail and "3 errors" in zero.detail
    assert zero.window_start == t and zero.window_end == t + timedelta(minutes=5)
    assert quarantine.value == pytest.approx(40.0) and quarantine.threshold == 20.0
    assert quarantine.detail.endswith("4 of 10 records (40.0 % > 20 %): bad_date (1), missing_text (3).")
    tolerant = AlertSettings(max_quarantine_share=0.5)
    with session_scope(db_url) as session:
        assert source_health_alerts(session, now=NOW, settings=tolerant) == [zero]


def test_source_health_flags_a_newest_run_that_never_finished(db_url: str) -> None:
    with session_scope(db_url) as session:
        _run(session, "ptt", NOW - DAY, items=10)
        unfinished = {"items": 0, "status": "running", "finished_at": None}
        ptt_stuck = _run(session, "ptt", NOW - timedelta(hours=7), **unfinished)
        _run(session, "bluesky", NOW - timedelta(hours=1), **unfinished)  # still plausibly at work
        # killed long ago, but a newer run finished since: history, not news
        _run(session, "mastodon", NOW - 3 * DAY, **unfinished)
        _run(session, "mastodon", NOW - DAY, items=4)
        _run(session, "import:mentions", NOW - DAY, **unfinished)

    with session_scope(db_url) as session:
        alerts = source_health_alerts(session, now=NOW)
    assert [(a.source, a.metric) for a in alerts] == [("ptt", STUCK_RUN)]
    (stuck,) = alerts
    assert stuck.value == pytest.approx(7.0) and stuck.threshold == 6.0
    assert stuck.window_start == NOW - timedelta(hours=7) and stuck.window_end == NOW
    assert f"#{ptt_stuck}" in stuck.detail and "7.0 h ago" in stuck.detail
    assert stuck.title.startswith("Crawl run never finished")
    with session_scope(db_url) as session:
        assert source_health_alerts(session, now=NOW, settings=AlertSettings(max_run_hours=8)) == []
        health = {h.spider: h for h in feed.source_health(session, now=NOW)}
    assert health["ptt"].stuck and health["ptt"].last_run_id == ptt_stuck
    assert not health["bluesky"].stuck and health["bluesky"].status == "running"
    assert not health["mastodon"].stuck


def test_current_alerts_lists_spikes_then_source_health(db_url: str) -> None:
    seed_mention_series(db_url, brand="Spiky", platform="ptt", now=NOW, daily=[(20, 0), *STEADY])
    with session_scope(db_url) as session:
        _run(session, "ptt", NOW - timedelta(hours=1), items=0)
    with session_scope(db_url) as session:
        alerts = current_alerts(session, now=NOW)
    assert [(a.kind, a.metric) for a in alerts] == [(SPIKE, "volume"), (SOURCE_HEALTH, "zero_items")]
    assert json.loads(json.dumps([a.to_dict() for a in alerts]))[0]["window_end"] == NOW.isoformat()


# ---------------------------------------------------------------- brandpulse alerts


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    with alert_receiver(monkeypatch) as r:
        yield r


def test_the_alerts_command_prints_json_and_delivers_new_alerts_once(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, receiver: Receiver
) -> None:
    seed_mention_series(db_url, brand="Spiky", platform="ptt", now=NOW, daily=[(20, 0), *STEADY])
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", db_url)
    monkeypatch.delenv("BRANDPULSE_CONFIG", raising=False)
    monkeypatch.delenv("BRANDPULSE_ALERT_WEBHOOK", raising=False)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    at = ["alerts", "--now", "2026-03-10T12:00:00Z"]
    webhook = f"http://{receiver.base}/hook/s3cret-t0ken"  # a Slack-style webhook: its path is the secret

    result = runner.invoke(app, [*at, "--json", "--webhook", webhook])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["status"], report["as_of"], report["k"], report["no_data"]) == (
        "alerts",
        "2026-03-10T12:00:00+00:00",
        2.0,
        [],
    )
    (alert,) = report["alerts"]
    assert (alert["metric"], alert["brand"], alert["source"], alert["action"]) == (
        "volume",
        "Spiky",
        None,
        "new",
    )
    assert alert["value"] == 20.0 and alert["window_start"] == "2026-03-09T12:00:00+00:00"
    assert alert["dedup_key"] == "volume|Spiky||2026-03-10" and isinstance(alert["alert_id"], int)
    assert len(alert["drivers"]) == 5 and alert["drivers"][0]["text"] == "Spiky on ptt, day -0, mention 19"
    target = f"http://{receiver.base}/***"
    assert report["deliveries"] == [
        {"target": target, "ok": True, "alert_ids": [alert["alert_id"]], "error": None}
    ]
    assert f"delivered 1 alert to {target}" in result.stderr
    (got,) = receiver.received
    assert got.path == "/hook/s3cret-t0ken" and got.json()["text"].startswith(
        "Volume spike: Spiky, all sources"
    )

    # Run again (the environment names the webhook too): recorded as seen, not delivered again.
    monkeypatch.setenv("BRANDPULSE_ALERT_WEBHOOK", webhook)
    again = runner.invoke(app, at)
    assert again.exit_code == 0, again.output
    assert (
        "Volume spike: Spiky, all sources (#1, announced before)" in again.stdout
        and len(receiver.received) == 1
    )
    table = runner.invoke(app, [*at, "--k", "10"])
    assert table.exit_code == 0 and "No alerts" in table.stdout and len(receiver.received) == 1

    # A failing receiver, an hour after the cool-down: the reminder fails, exit code 1, no secret shown.
    monkeypatch.setenv("BRANDPULSE_ALERT_WEBHOOK", f"http://{receiver.base}/fail/s3cret-t0ken")
    failed = runner.invoke(app, ["alerts", "--now", "2026-03-10T19:00:00Z"])
    assert "Volume spike: Spiky, all sources (#1, reminder: not acknowledged)" in failed.stdout
    assert failed.exit_code == 1 and f"delivery to {target} failed: " in failed.stderr
    assert "500" in failed.stderr and "s3cret" not in failed.output and "Traceback" not in failed.output

    bad = runner.invoke(app, ["alerts", "--now", "yesterday"])
    assert bad.exit_code == 2 and "--now" in bad.stderr
    unknown = runner.invoke(app, [*at, "--webhook", "ftp://files.example/s3cret-t0ken"])
    assert (
        unknown.exit_code == 2
        and "--webhook: ftp://files.example/*** is not a notification URL" in unknown.stderr
    )
    assert "s3cret" not in unknown.output


def test_an_empty_store_is_no_data_not_all_quiet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    monkeypatch.delenv("BRANDPULSE_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    text = runner.invoke(app, ["alerts", "--now", "2026-03-10T12:00:00Z"])
    assert text.exit_code == 0, text.output
    assert text.stdout.splitlines() == [
        "No data as of 2026-03-10T12:00:00+00:00: nothing to check.",
        "  No data: the database holds no mentions yet, so nothing can be checked.",
    ]
    assert "holds no mentions" in text.stderr and "No alerts" not in text.output
    report = json.loads(runner.invoke(app, ["alerts", "--json"]).stdout)
    assert (report["status"], report["alerts"]) == ("no_data", [])
    assert [g["reason"] for g in report["no_data"]] == ["empty_store"]


def test_the_alerts_command_takes_its_thresholds_from_the_configuration(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_mention_series(db_url, brand="Spiky", platform="ptt", now=NOW, daily=[(20, 0), *STEADY])
    with session_scope(db_url) as session:
        _run(session, "ptt", NOW - timedelta(hours=3), items=0, status="running", finished_at=None)
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", db_url)
    monkeypatch.delenv("BRANDPULSE_ALERT_WEBHOOK", raising=False)
    config = tmp_path / "brandpulse.toml"
    monkeypatch.setenv("BRANDPULSE_CONFIG", str(config))
    runner = CliRunner()
    at = ["alerts", "--now", "2026-03-10T12:00:00Z", "--json"]

    def metrics(*extra: str) -> list[tuple[str, str | None]]:
        result = runner.invoke(app, [*at, *extra])
        assert result.exit_code == 0, result.output
        return [(a["metric"], a["brand"] or a["source"]) for a in json.loads(result.stdout)["alerts"]]

    config.write_text("[alerts]\n", encoding="utf-8")
    assert metrics() == [("volume", "Spiky")]  # the defaults: k = 2, a 3-hour-old run is still at work
    config.write_text("[alerts]\nk = 10\nmax_run_hours = 2\ndrivers = 1\n", encoding="utf-8")
    assert metrics() == [("stuck_run", "ptt")]
    assert metrics("--k", "2") == [("volume", "Spiky"), ("stuck_run", "ptt")]  # the option wins
    (spike, _) = json.loads(runner.invoke(app, [*at, "--k", "2"]).stdout)["alerts"]
    assert len(spike["drivers"]) == 1
    config.write_text("[alerts]\nmin_volume = 25\n", encoding="utf-8")
    assert metrics() == []  # 20 mentions in the last 24 h: too few to call a spike

    config.write_text("[alerts]\nk = 0\n", encoding="utf-8")
    bad = runner.invoke(app, at)
    assert bad.exit_code == 2 and "alerts.k: Input should be greater than 0" in bad.stderr
