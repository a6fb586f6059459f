"""Alert delivery through apprise to a real HTTP receiver on 127.0.0.1 (a thread of http.server): the JSON
apprise's ``json://`` posts, the Slack-compatible JSON of a plain webhook URL, failures returned with masked
errors, and URLs never shown with their secrets. ``alert_receiver`` is shared with the other alert tests."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from store.alerts import NEW, REMINDER, SPIKE, Alert, AlertMention, Announcement
from store.alerts.delivery import (
    ALERTS_PER_MESSAGE,
    DeliveryResult,
    compose,
    delivery_status,
    mask,
    notify_target,
    send,
    shown_url,
)

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
UNSAFE_TEXT = "<!channel> Spiky & <https://evil.example|click> *bold*"


@dataclass
class Received:
    path: str
    content_type: str | None
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A local HTTP server that records every POST; a path starting with /fail answers 500."""

    base: str
    port: int
    received: list[Received] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.received.append(Received(self.path, self.headers.get("Content-Type"), body))  # type: ignore[attr-defined]
        status = 500 if self.path.startswith("/fail") else 200
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"ok" if status == 200 else b"boom")

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass


@contextmanager
def alert_receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    """A receiver on an ephemeral port of 127.0.0.1, stopped on exit."""
    for name in ("no_proxy", "NO_PROXY"):  # a proxy configured in the environment must not catch 127.0.0.1
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    port = server.server_address[1]
    receiver = Receiver(f"127.0.0.1:{port}", port)
    server.received = receiver.received  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    with alert_receiver(monkeypatch) as r:
        yield r


def _spike(brand: str = "Spiky", text: str = UNSAFE_TEXT) -> Alert:
    return Alert(
        kind=SPIKE,
        metric="volume",
        brand=brand,
        source=None,
        value=20.0,
        threshold=8.64,
        window_start=NOW - timedelta(days=1),
        window_end=NOW,
        baseline_mean=4.43,
        sd=0.53,
        k=2.0,
        baseline=(4.0, 5.0, 4.0, 5.0, 4.0, 5.0, 4.0),
        drivers=(AlertMention(7, "ptt", NOW, text, "https://ptt.example/a?x=1&y=<2>", 19, "negative"),),
        about=NOW.date().isoformat(),
    )


def _announce(*alerts: Alert, reason: str = NEW) -> list[Announcement]:
    return [Announcement(i + 1, a, reason, NOW - timedelta(hours=7)) for i, a in enumerate(alerts)]


def test_apprise_posts_the_alerts_as_json_to_a_local_receiver(receiver: Receiver) -> None:
    target = notify_target(f"json://{receiver.base}/hook")
    messages = compose(_announce(_spike(), _spike("Aqua <Veil>", "fine")))

    (result,) = send([target], messages)

    assert result == DeliveryResult(f"json://{receiver.base}/***", True, (1, 2), None)
    (got,) = receiver.received
    assert got.path == "/hook" and got.content_type == "application/json"
    payload = got.json()
    assert payload["title"] == "brandpulse: 2 new alerts" and payload["type"] == "info"
    first, second = payload["message"].split("\n\n")
    assert first.splitlines()[:2] == [
        "Volume spike: Spiky, all sources",
        "20 mentions in the last 24 h vs a 7-day daily mean of 4.43 (sd 0.53); alert above 8.64 = mean + 2 × "
        "max(sd, noise)",
    ]
    # User text cannot ping a channel or make a link on any service: its <, > and & are look-alikes, and
    # the mention's link keeps its & but no angle brackets.
    assert first.splitlines()[2] == (
        "• ‹!channel› Spiky ＆ ‹https://evil.example|click› *bold* (19 likes and replies, ptt) "
        "https://ptt.example/a?x=1&y=%3C2%3E"
    )
    assert second.startswith("Volume spike: Aqua ‹Veil›, all sources\n")
    assert b"<!channel>" not in got.body and b"<https://evil" not in got.body


def test_a_plain_webhook_url_gets_slack_compatible_json(receiver: Receiver) -> None:
    url = f"http://{receiver.base}/services/T000/B000/s3cr3tT0ken?token=q-secret"
    target = notify_target(url)
    assert target.shown == f"http://{receiver.base}/***"

    (result,) = send([target], compose(_announce(_spike(), reason=REMINDER)))

    assert result.ok
    (got,) = receiver.received
    assert got.path == "/services/T000/B000/s3cr3tT0ken?token=q-secret"  # its own path and query
    payload = got.json()
    assert list(payload) == ["text"]  # what Slack, Mattermost and Rocket.Chat incoming webhooks read
    assert payload["text"].startswith(
        "Volume spike: Spiky, all sources (reminder: firing since 2026-03-10 05:00 UTC, not acknowledged)\n"
    )


def test_ten_alerts_per_message(receiver: Receiver) -> None:
    target = notify_target(f"json://{receiver.base}/hook")
    announcements = _announce(*(_spike(f"Brand {i}") for i in range(12)))
    results = send([target], compose(announcements))
    assert [len(r.alert_ids) for r in results] == [ALERTS_PER_MESSAGE, 2]
    assert [r.json()["title"] for r in receiver.received] == [
        "brandpulse: 10 new alerts",
        "brandpulse: 2 new alerts",
    ]
    assert compose([]) == []


def test_failures_come_back_as_results_with_masked_errors(
    receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    failing = notify_target(f"json://user:pa55word@{receiver.base}/fail/t0ken-in-path")
    closed = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)  # a port where nothing listens
    port = closed.server_address[1]
    closed.server_close()
    refused = notify_target(f"jsons://127.0.0.1:{port}/hook/an0ther-t0ken")
    working = notify_target(f"json://{receiver.base}/ok")
    messages = compose(_announce(_spike()))

    with caplog.at_level(logging.DEBUG):
        results = send([failing, working, refused], messages)

    assert [(r.target, r.ok) for r in results] == [
        (f"json://***@{receiver.base}/***", False),
        (f"json://{receiver.base}/***", True),
        (f"jsons://127.0.0.1:{port}/***", False),
    ]
    assert "500" in (results[0].error or "") and "connection" in (results[2].error or "").lower()
    assert len(receiver.received) == 2  # the failing one was reached, and answered 500
    # One alert, three targets, one took it: partial, with both errors named by their masked targets.
    ((alert_id, (status, errors)),) = delivery_status(results).items()
    assert (alert_id, status) == (1, "partial")
    assert errors == f"{results[0].target}: {results[0].error}; {results[2].target}: {results[2].error}"
    assert "alert delivery to json://***@" in caplog.text
    for secret in ("pa55word", "t0ken-in-path", "an0ther-t0ken", "user:"):
        assert secret not in caplog.text and secret not in str(results)  # apprise's log never leaks through


@pytest.mark.parametrize(
    ("url", "shown", "secrets"),
    [
        ("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#general", "slack://***", ["T1JJ3T3L2"]),
        (
            "https://hooks.slack.com/services/T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazk",
            "https://hooks.slack.com/***",
            ["TIiajkdnlazk"],
        ),
        ("mailto://ana:app-pa55@gmail.com", "mailto://***@gmail.com", ["app-pa55", "ana"]),
        ("tgram://123456789:AAbbCCdd_token/12315544/", "tgram://***", ["AAbbCCdd_token", "12315544"]),
        ("line://TOKEN123abc/USER1", "line://***", ["TOKEN123abc"]),
        ("json://127.0.0.1:8000/", "json://127.0.0.1:8000", []),
    ],
)
def test_targets_are_shown_without_their_secrets(url: str, shown: str, secrets: list[str]) -> None:
    target = notify_target(url)  # apprise accepts each
    assert target.shown == shown_url(url) == shown
    said = f"could not reach {url} (token {' '.join(secrets)})"
    for secret in secrets:
        assert secret not in target.shown and secret not in mask(said, [target])


def test_a_url_apprise_does_not_know_is_refused_with_the_url_masked() -> None:
    for url in ("nosuchservice://s3cret@host/x", "slack://only-one-t0ken", "ftp://example.com/s3cret", " "):
        with pytest.raises(ValueError) as err:
            notify_target(url)
        assert "s3cret" not in str(err.value) and "t0ken" not in str(err.value)
