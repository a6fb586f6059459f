"""Alert delivery through apprise: one list of URLs (``[alerts] notify``) reaches Slack (``slack://`` or a
``https://hooks.slack.com/...`` webhook), Microsoft Teams (``workflows://``/``msteams://``), email
(``mailto://``), Telegram (``tgram://``), LINE (``line://``) and plain JSON webhooks (``json://``/``jsons://``).

- A URL apprise does not know that is ``http(s)://`` (the old ``--webhook`` of any Slack-compatible
  receiver: Mattermost, Rocket.Chat, a proxy) is posted as JSON ``{"text": ...}`` through apprise's
  ``json(s)://`` with its payload renamed (``:message=text``), its query kept as query.
- URLs hold secrets (tokens in the path, passwords): they are shown only as ``shown_url`` (scheme and host),
  every error text is passed through ``mask``, and apprise's own log (which prints whole URLs) is caught
  and kept from the application's log while it works.
- User text (brand names, mention texts) cannot ping a channel or become a link: ``<``, ``>`` and ``&`` are
  replaced by look-alikes before apprise formats the message for each service.
- A failure (a refused connection, an HTTP error) is returned per target, never raised.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

from store.alerts.history import FAILED, NEW, PARTIAL, REMINDER, RETRY, SENT, Announcement

log = logging.getLogger(__name__)

ALERTS_PER_MESSAGE = 10
DRIVERS_PER_ALERT = 3
MAX_DRIVER_CHARS = 200
MAX_ERROR_CHARS = 500
# apprise's own payload keys, dropped for a Slack-compatible receiver that reads only "text".
_JSON_KEYS_DROPPED = ("version", "title", "attachments", "type")
_REASON_NAMES = {
    NEW: ("new alert", "new alerts"),
    REMINDER: ("reminder", "reminders"),
    RETRY: ("alert sent again", "alerts sent again"),
}
_SAFE = str.maketrans({"<": "‹", ">": "›", "&": "＆"})


@dataclass(frozen=True)
class Target:
    """A place to deliver to: ``url`` as apprise takes it (a secret), ``shown`` as it may be printed."""

    url: str
    shown: str
    secrets: tuple[str, ...]


@dataclass(frozen=True)
class Message:
    """One notification: its title, plain-text body and the alerts it carries."""

    title: str
    body: str
    alert_ids: tuple[int, ...]


@dataclass(frozen=True)
class DeliveryResult:
    """The outcome of one message to one target (``error``: masked, None when it went through)."""

    target: str
    ok: bool
    alert_ids: tuple[int, ...]
    error: str | None = None


def shown_url(url: str) -> str:
    """The URL as it may be printed: scheme and host (an IP, a dotted name, localhost) only; a token where the
    host would be, a user, a path and a query become ``***``.

    >>> shown_url("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ"), shown_url("json://127.0.0.1:8000/h")
    ('slack://***', 'json://127.0.0.1:8000/***')
    """
    try:
        parts = urlsplit(url.strip())
        host, port = parts.hostname or "", parts.port
    except ValueError:  # a port that is not a number (tgram://bot:token/...)
        parts, host, port = urlsplit(url.strip()), "", None
    scheme = parts.scheme.lower() or "?"
    if not ("." in host or host == "localhost"):
        return f"{scheme}://***"
    user = "***@" if "@" in parts.netloc else ""
    rest = "/***" if parts.path.strip("/") or parts.query or parts.fragment else ""
    return f"{scheme}://{user}{host}{f':{port}' if port else ''}{rest}"


def _secrets(url: str) -> tuple[str, ...]:
    """The pieces of ``url`` that may be secret, longest first (for ``mask``)."""
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")
    pieces = {url, parts.netloc, netloc[0], *netloc[0].split(":")}
    pieces |= set(re.split(r"[/:]", parts.path)) | {v for _, v in parse_qsl(parts.query)}
    if shown_url(url).endswith("://***"):
        pieces |= {netloc[2], *netloc[2].split(":")}
    return tuple(sorted((p for p in pieces if len(p) >= 3), key=len, reverse=True))


def mask(text: str, targets: Sequence[Target]) -> str:
    """``text`` with every secret piece of the targets' URLs replaced by ``***``."""
    for target in targets:
        for piece in target.secrets:
            text = text.replace(piece, "***")
    return text


@contextmanager
def _apprise_log() -> Iterator[list[str]]:
    """apprise's warnings and errors while it works, kept out of the application's log (they print whole
    URLs); urllib3's debug lines (request paths) likewise."""
    caught: list[str] = []

    class _Catch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            caught.append(record.getMessage())

    handler = _Catch(logging.WARNING)
    loggers = [logging.getLogger("apprise"), logging.getLogger("urllib3")]
    saved = [lg.propagate for lg in loggers]
    loggers[0].addHandler(handler)
    for lg in loggers:
        lg.propagate = False
    try:
        yield caught
    finally:
        loggers[0].removeHandler(handler)
        for lg, propagate in zip(loggers, saved, strict=True):
            lg.propagate = propagate


def _instantiate(url: str):  # type: ignore[no-untyped-def]
    import apprise

    with _apprise_log():
        return apprise.Apprise.instantiate(url)


def _slack_compatible(url: str) -> str:
    """An http(s) webhook apprise does not know, as apprise's JSON notifier posting ``{"text": body}``."""
    parts = urlsplit(url)
    params = [(f"-{k}", v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]  # the URL's own query
    params += [(":message", "text")] + [(f":{k}", "") for k in _JSON_KEYS_DROPPED]
    scheme = "jsons" if parts.scheme.lower() == "https" else "json"
    return f"{scheme}://{parts.netloc}{parts.path or '/'}?{urlencode(params)}"


def notify_target(url: str) -> Target:
    """``url`` checked as a delivery target: any apprise URL, or an http(s) webhook (posted as
    Slack-compatible JSON). Raises ValueError naming the URL only as ``shown_url`` does."""
    url = url.strip()
    shown = shown_url(url)
    if not url:
        raise ValueError("an empty notification URL")
    if _instantiate(url) is not None:
        return Target(url, shown, _secrets(url))
    if urlsplit(url).scheme.lower() in ("http", "https") and urlsplit(url).hostname:
        mapped = _slack_compatible(url)
        if _instantiate(mapped) is not None:
            return Target(mapped, shown, _secrets(url) + _secrets(mapped))
    raise ValueError(
        f"{shown} is not a notification URL apprise knows (e.g. slack://..., mailto://..., tgram://..., "
        "json://host/path, or an https:// webhook); check its scheme and tokens"
    )


def _plain(text: str) -> str:
    return text.translate(_SAFE)


def _inert_url(url: str) -> str:
    # A link keeps its "&" (query strings) but no angle brackets or spaces: nothing to close a Slack <...>.
    return " " + url.strip().replace("<", "%3C").replace(">", "%3E").replace(" ", "%20") if url else ""


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _alert_text(item: Announcement) -> str:
    alert = item.alert
    heading = _plain(alert.title)
    if item.reason == REMINDER:
        heading += f" (reminder: firing since {item.first_fired_at:%Y-%m-%d %H:%M} UTC, not acknowledged)"
    lines = [heading, _plain(alert.summary)]
    for m in alert.drivers[:DRIVERS_PER_ALERT]:
        link = m.url if m.url and m.url.lower().startswith(("http://", "https://")) else ""
        reach = f"{m.followers:,} followers, " if m.followers is not None else ""
        text = _plain(_clip(m.text, MAX_DRIVER_CHARS))
        lines.append(
            f"• {text} ({reach}{m.engagement:,} likes and replies, {_plain(m.platform)}){_inert_url(link)}"
        )
    return "\n".join(lines)


def compose(announcements: Sequence[Announcement]) -> list[Message]:
    """The announcements as messages, ``ALERTS_PER_MESSAGE`` alerts each, user text made inert."""
    messages = []
    for i in range(0, len(announcements), ALERTS_PER_MESSAGE):
        batch = announcements[i : i + ALERTS_PER_MESSAGE]
        counts = [(sum(a.reason == reason for a in batch), names) for reason, names in _REASON_NAMES.items()]
        what = ", ".join(f"{n} {names[n != 1]}" for n, names in counts if n)
        body = "\n\n".join(_alert_text(a) for a in batch)
        messages.append(Message(f"brandpulse: {what}", body, tuple(a.alert_id for a in batch)))
    return messages


def _notify(url: str, message: Message, caught: list[str]) -> bool:
    import apprise

    instance = apprise.Apprise.instantiate(url)
    if instance is None:
        caught.append("apprise did not accept the URL")
        return False
    notifier = apprise.Apprise()
    notifier.add(instance)
    try:
        return bool(
            notifier.notify(body=message.body, title=message.title, body_format=apprise.NotifyFormat.TEXT)
        )
    except Exception as exc:  # noqa: BLE001 - a plugin's bug must not end the evaluation
        caught.append(f"{exc.__class__.__name__}: {exc}")
        return False


def send(targets: Sequence[Target], messages: Sequence[Message]) -> list[DeliveryResult]:
    """Every message to every target through apprise; one result per (target, message), failures included."""
    results = []
    for target in targets:
        for message in messages:
            with _apprise_log() as caught:
                ok = _notify(target.url, message, caught)
            error = None
            if not ok:
                said = " ".join(dict.fromkeys(caught)) or "apprise reported a failure"
                error = _clip(mask(said, [target]), MAX_ERROR_CHARS)
                log.warning("alert delivery to %s failed: %s", target.shown, error)
            results.append(DeliveryResult(target.shown, ok, message.alert_ids, error))
    return results


def delivery_status(results: Sequence[DeliveryResult]) -> dict[int, tuple[str, str | None]]:
    """Per alert id: ``sent`` (every target took its message), ``partial`` (some) or ``failed`` (none), with
    the errors."""
    per_alert: dict[int, list[DeliveryResult]] = {}
    for result in results:
        for alert_id in result.alert_ids:
            per_alert.setdefault(alert_id, []).append(result)
    out: dict[int, tuple[str, str | None]] = {}
    for alert_id, mine in per_alert.items():
        ok = sum(r.ok for r in mine)
        status = SENT if ok == len(mine) else PARTIAL if ok else FAILED
        out[alert_id] = (status, "; ".join(f"{r.target}: {r.error}" for r in mine if not r.ok) or None)
    return out
