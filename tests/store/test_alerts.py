"""Alert rules on SQLite and PostgreSQL (spikes, source health), the Slack webhook against a local receiver,
and ``brandpulse alerts`` end to end."""

from __future__ import annotations

import json
import logging
import statistics
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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
    AlertMention,
    AlertSettings,
    WebhookResult,
    current_alerts,
    send_webhook,
    slack_payload,
    source_health_alerts,
    spike_alerts,
)
from store.db import session_scope
from store.models import CrawlRun
from tests.factories import seed_mention_series
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


# ---------------------------------------------------------------- webhook


class _Receiver(BaseHTTPRequestHandler):
    """Records every POST; a path starting with /fail answers 500."""

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.received.append((self.path, self.headers.get("Content-Type"), body))  # type: ignore[attr-defined]
        status = 500 if self.path.startswith("/fail") else 200
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"ok" if status == 200 else b"boom")

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, list[tuple[str, str, bytes]]]]:
    """A local webhook receiver on an ephemeral port: (base URL, received requests)."""
    for name in ("no_proxy", "NO_PROXY"):  # a proxy configured in the environment must not catch 127.0.0.1
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.received  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


UNSAFE_TEXT = "<!channel> Spiky & <https://evil.example|click> *bold*"


def _spike(brand: str = "Spiky", text: str = UNSAFE_TEXT) -> Alert:
    return Alert(
        kind=SPIKE,
        metric="volume",
        brand=brand,
        source=None,
        value=20.0,
        threshold=8.64,
        window_start=NOW - DAY,
        window_end=NOW,
        baseline_mean=4.43,
        sd=0.53,
        k=2.0,
        baseline=(4.0, 5.0, 4.0, 5.0, 4.0, 5.0, 4.0),
        drivers=(AlertMention(7, "ptt", NOW, text, "https://ptt.example/a?x=1&y=2", 19, "negative"),),
    )


def test_the_webhook_posts_slack_json_with_user_text_escaped(receiver: tuple[str, list[Any]]) -> None:
    base, received = receiver
    results = send_webhook(f"{base}/hook", [_spike(), _spike("Aqua <Veil>", "fine")])

    assert results == [WebhookResult(True, 200, 2, None, "ok")]
    ((path, content_type, body),) = received
    assert path == "/hook" and content_type == "application/json"
    payload = json.loads(body)
    assert payload["text"] == (
        "brandpulse: 2 alerts: Volume spike: Spiky, all sources; Volume spike: Aqua &lt;Veil&gt;, all sources"
    )
    header = {"type": "header", "text": {"type": "plain_text", "text": "brandpulse: 2 alerts"}}
    assert payload["blocks"][0] == header
    sections = [b for b in payload["blocks"] if b["type"] == "section"]
    assert len(sections) == 2 and {s["text"]["type"] for s in sections} == {"plain_text"}
    first = sections[0]["text"]["text"]
    assert first.splitlines()[0] == "Volume spike: Spiky, all sources"
    assert "20 mentions in the last 24 h" in first
    assert (
        "• &lt;!channel&gt; Spiky &amp; &lt;https://evil.example|click&gt; *bold* (19 engagements, ptt) "
        "https://ptt.example/a?x=1&amp;y=2"
    ) in first
    assert b"<!channel>" not in body and b"<https://evil" not in body
    assert payload == slack_payload([_spike(), _spike("Aqua <Veil>", "fine")])


def test_the_webhook_sends_ten_alerts_per_message(receiver: tuple[str, list[Any]]) -> None:
    base, received = receiver
    results = send_webhook(f"{base}/hook", [_spike(f"Brand {i}") for i in range(12)])
    assert [(r.ok, r.alerts) for r in results] == [(True, 10), (True, 2)]
    assert [len(json.loads(body)["blocks"]) for _, _, body in received] == [1 + 2 * 10, 1 + 2 * 2]
    assert send_webhook(f"{base}/hook", []) == [] and len(received) == 2  # nothing to say, nothing sent


def test_webhook_failures_are_reported_not_raised(
    receiver: tuple[str, list[Any]], caplog: pytest.LogCaptureFixture
) -> None:
    base, received = receiver
    with caplog.at_level(logging.WARNING, logger="store.alerts"):
        (failed,) = send_webhook(f"{base}/fail", [_spike()], timeout=5)
    assert (failed.ok, failed.status, failed.alerts) == (False, 500, 1)
    assert failed.error == "HTTP 500 Internal Server Error" and failed.response == "boom"
    assert len(received) == 1 and "alert webhook request failed: HTTP 500" in caplog.text

    # Nothing listening: no status, the reason instead.
    closed = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    port = closed.server_address[1]
    closed.server_close()
    (refused,) = send_webhook(f"http://127.0.0.1:{port}/hook", [_spike()], timeout=5)
    assert (refused.ok, refused.status) == (False, None) and "refused" in (refused.error or "").lower()

    with pytest.raises(ValueError, match="must be http"):
        send_webhook("file:///etc/passwd", [_spike()])


# ---------------------------------------------------------------- brandpulse alerts


def test_the_alerts_command_prints_json_and_posts_to_the_webhook(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, receiver: tuple[str, list[Any]]
) -> None:
    base, received = receiver
    seed_mention_series(db_url, brand="Spiky", platform="ptt", now=NOW, daily=[(20, 0), *STEADY])
    monkeypatch.setenv("BRANDPULSE_DATABASE_URL", db_url)
    monkeypatch.delenv("BRANDPULSE_CONFIG", raising=False)
    monkeypatch.delenv("BRANDPULSE_ALERT_WEBHOOK", raising=False)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    at = ["alerts", "--now", "2026-03-10T12:00:00Z"]

    result = runner.invoke(app, [*at, "--json", "--webhook", f"{base}/hook"])
    assert result.exit_code == 0, result.output
    (alert,) = json.loads(result.stdout)
    assert (alert["metric"], alert["brand"], alert["source"]) == ("volume", "Spiky", None)
    assert alert["value"] == 20.0 and alert["window_start"] == "2026-03-09T12:00:00+00:00"
    assert len(alert["drivers"]) == 5 and alert["drivers"][0]["text"] == "Spiky on ptt, day -0, mention 19"
    assert "webhook 127.0.0.1: 200 (1 alert)" in result.stderr
    assert len(received) == 1 and json.loads(received[0][2])["text"].startswith("brandpulse: 1 alert")

    monkeypatch.setenv("BRANDPULSE_ALERT_WEBHOOK", f"{base}/fail")  # the environment names the webhook too
    table = runner.invoke(app, [*at, "--k", "10"])
    assert table.exit_code == 0 and "No alerts" in table.stdout and len(received) == 1  # none: nothing sent
    failed = runner.invoke(app, at)
    assert "Volume spike: Spiky, all sources" in failed.stdout and "mention 19" in failed.stdout
    assert failed.exit_code == 1 and "webhook 127.0.0.1 failed: HTTP 500" in failed.stderr

    bad = runner.invoke(app, ["alerts", "--now", "yesterday"])
    assert bad.exit_code == 2 and "--now" in bad.stderr


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
        return [(a["metric"], a["brand"] or a["source"]) for a in json.loads(result.stdout)]

    config.write_text("[alerts]\n", encoding="utf-8")
    assert metrics() == [("volume", "Spiky")]  # the defaults: k = 2, a 3-hour-old run is still at work
    config.write_text("[alerts]\nk = 10\nmax_run_hours = 2\ndrivers = 1\n", encoding="utf-8")
    assert metrics() == [("stuck_run", "ptt")]
    assert metrics("--k", "2") == [("volume", "Spiky"), ("stuck_run", "ptt")]  # the option wins
    (spike, _) = json.loads(runner.invoke(app, [*at, "--k", "2"]).stdout)
    assert len(spike["drivers"]) == 1
    config.write_text("[alerts]\nmin_volume = 25\n", encoding="utf-8")
    assert metrics() == []  # 20 mentions in the last 24 h: too few to call a spike

    config.write_text("[alerts]\nk = 0\n", encoding="utf-8")
    bad = runner.invoke(app, at)
    assert bad.exit_code == 2 and "alerts.k: Input should be greater than 0" in bad.stderr
