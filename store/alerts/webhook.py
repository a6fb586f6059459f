"""Alerts posted to a Slack-compatible incoming webhook, user text escaped."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from store.alerts.rules import Alert

log = logging.getLogger(__name__)

ALERTS_PER_MESSAGE = 10  # keeps a message well under Slack's 50-block limit
DRIVERS_PER_ALERT = 3
MAX_DRIVER_CHARS = 200


@dataclass(frozen=True)
class WebhookResult:
    """The outcome of one POST: ``status`` is the HTTP status (None when no response came back)."""

    ok: bool
    status: int | None
    alerts: int
    error: str | None = None
    response: str = field(default="", repr=False)


def slack_escape(text: str) -> str:
    """Escape the three characters Slack treats as markup (``&``, ``<``, ``>``), so user text stays text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _alert_text(alert: Alert) -> str:
    lines = [alert.title, alert.summary]
    for m in alert.drivers[:DRIVERS_PER_ALERT]:
        link = f" {m.url}" if m.url and m.url.lower().startswith(("http://", "https://")) else ""
        lines.append(f"• {_clip(m.text, MAX_DRIVER_CHARS)} ({m.engagement} engagements, {m.platform}){link}")
    return "\n".join(lines)


def slack_payload(alerts: Sequence[Alert]) -> dict[str, Any]:
    """A Slack-compatible message: ``text`` (fallback) and plain-text ``blocks``, user text escaped."""
    n = len(alerts)
    heading = f"brandpulse: {n} alert{'' if n == 1 else 's'}"
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": heading}}]
    for alert in alerts:
        text = slack_escape(_alert_text(alert))[:3000]  # Slack's limit for a section's text
        blocks.append({"type": "section", "text": {"type": "plain_text", "text": text}})
        blocks.append({"type": "divider"})
    text = heading + ": " + "; ".join(a.title for a in alerts)
    return {"text": slack_escape(text), "blocks": blocks}


def send_webhook(url: str, alerts: Sequence[Alert], timeout: float = 10) -> list[WebhookResult]:
    """POST the alerts to a Slack-compatible incoming webhook, ``ALERTS_PER_MESSAGE`` per request.

    Returns one result per request (none when there are no alerts). A failed request (an HTTP error status,
    a refused connection, a timeout) is logged and returned as ``ok=False`` with its reason, never raised.
    """
    if not url.lower().startswith(("http://", "https://")):
        raise ValueError(f"webhook URL must be http(s), not {url.split(':', 1)[0]!r}")
    results = []
    for i in range(0, len(alerts), ALERTS_PER_MESSAGE):
        batch = alerts[i : i + ALERTS_PER_MESSAGE]
        body = json.dumps(slack_payload(batch), ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "User-Agent": "brandpulse-alerts"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as resp:
                answer = resp.read(2000).decode("utf-8", "replace")
                results.append(WebhookResult(True, resp.status, len(batch), response=answer))
        except urllib.error.HTTPError as exc:
            detail = exc.read(2000).decode("utf-8", "replace")
            error = f"HTTP {exc.code} {exc.reason}"
            results.append(WebhookResult(False, exc.code, len(batch), error, detail))
        except (urllib.error.URLError, OSError) as exc:  # refused, DNS, timeout
            reason = getattr(exc, "reason", exc)
            results.append(WebhookResult(False, None, len(batch), f"{exc.__class__.__name__}: {reason}"))
        if not results[-1].ok:
            log.warning("alert webhook request failed: %s", results[-1].error)
    return results
