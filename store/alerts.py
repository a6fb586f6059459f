"""Alerts: volume and negative-share spikes per brand and per source, and source-health problems.

The rules (every default lives in ``AlertSettings``):

- **Windows.** The last 24 h is (now − 24 h, now]. The baseline is the 7 preceding 24-hour windows, aligned to
  ``now`` (not calendar days) so that every day compared is as long as the last one.
- **volume**: non-spam mentions of a brand (all sources, and each source = platform) in a window.
- **negative_share**: negative / labeled non-spam mentions × 100 in a window, with the sentiment each mention
  gives the brand (``store.brand_sentiment``). A baseline window without labeled mentions has no share and is
  left out of the baseline.
- **Spike**: value > mean + k × sd over the baseline's daily values (k = 2), where sd is the sample standard
  deviation but never less than the sampling noise of the figure (√mean for a count, the binomial standard
  error at the baseline share for a share): a week that happened to be unusually even must not turn ordinary
  noise into an alert. A spike also needs at least ``min_volume`` (10) mentions in the last 24 h (labeled ones
  for the share, of which ``min_negative`` (3) negative): 1 → 3 mentions is not news.
  A per-source alert identical to its brand's all-sources alert (a brand heard on one source) is left out.
- **Source health**: the last finished crawl run of a spider (file imports excluded: their result is printed
  when they run) stored zero items, or quarantined more than ``max_quarantine_share`` (20 %) of what it saw,
  i.e. quarantined / (stored + quarantined); or a spider's newest run has said "running" for more than
  ``max_run_hours`` (6 h): a crawler killed mid-run (out of memory, a restart) never records its finish,
  and its items are never counted.

Counts per window are SQL aggregates that run on SQLite and PostgreSQL; the mean and sd of at most eight
numbers are computed here. ``send_webhook`` posts alerts as Slack-compatible JSON.
"""

from __future__ import annotations

import json
import logging
import math
import statistics
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, literal, not_, select
from sqlmodel import Session

from store.brand_sentiment import brand_sentiment
from store.db import as_utc
from store.models import Brand, CrawlRun, Mention, MentionBrand, QuarantinedRecord

log = logging.getLogger(__name__)

DAY = timedelta(days=1)
SPIKE, SOURCE_HEALTH = "spike", "source_health"
VOLUME, NEGATIVE_SHARE = "volume", "negative_share"
ZERO_ITEMS, QUARANTINE_SHARE, STUCK_RUN = "zero_items", "quarantine_share", "stuck_run"
METRIC_LABELS = {
    VOLUME: "Volume spike",
    NEGATIVE_SHARE: "Negative-share spike",
    ZERO_ITEMS: "Source stored zero items",
    QUARANTINE_SHARE: "High quarantine share",
    STUCK_RUN: "Crawl run never finished",
}
IMPORT_PREFIX = "import:"  # crawl runs of `brandpulse import ...`


@dataclass(frozen=True)
class AlertSettings:
    """Thresholds of the alert rules (see the module docstring for why each exists)."""

    k: float = 2.0  # standard deviations above the baseline mean
    baseline_days: int = 7
    min_volume: int = 10  # mentions (labeled mentions for the share) in the last 24 h
    min_negative: int = 3  # negative mentions in the last 24 h for a negative-share spike
    max_quarantine_share: float = 20.0  # percent of a crawl run's records
    max_run_hours: float = 6.0  # a run still "running" this long after its start is taken as dead
    drivers: int = 5  # top driving mentions kept per alert


DEFAULT_SETTINGS = AlertSettings()

# The rule behind each alert (with the default thresholds), for tooltips and help texts.
RULES = {
    VOLUME: "non-spam mentions of the brand (one source, or all) in the last 24 h",
    NEGATIVE_SHARE: "negative / labeled non-spam mentions × 100 in the last 24 h",
    "baseline": f"mean and sample sd of the same figure in each of the {DEFAULT_SETTINGS.baseline_days} "
    "preceding 24-hour windows",
    "threshold": "alert when the last 24 h > mean + k × max(sd, noise); noise = √mean for a count, "
    f"√(p(1 − p) / n) for a share; needs ≥ {DEFAULT_SETTINGS.min_volume} mentions in the last 24 h "
    f"(≥ {DEFAULT_SETTINGS.min_negative} negative for the share)",
    ZERO_ITEMS: "the source's last finished crawl run stored zero items",
    QUARANTINE_SHARE: "quarantined / (stored + quarantined) records of the last finished run × 100 > "
    f"{DEFAULT_SETTINGS.max_quarantine_share:g} %",
    STUCK_RUN: f"the source's newest crawl run is still 'running' {DEFAULT_SETTINGS.max_run_hours:g} h after "
    "its start",
}


@dataclass(frozen=True)
class AlertMention:
    """A mention that drove a spike: one of the most engaged (likes + replies) in the window."""

    mention_id: int
    platform: str
    published_at: datetime | None
    text: str
    url: str | None
    engagement: int
    sentiment: str | None


@dataclass(frozen=True)
class Alert:
    """One alert. ``source`` is the platform of a spike (None = all sources) or the spider of a health alert.

    For a spike, ``value`` is the last 24 h figure, ``baseline`` the daily figures of the trailing days
    (oldest first) and ``threshold`` = baseline_mean + k × max(sd, noise). For source health, ``value`` is the
    run's stored items (zero_items) or its quarantined share in % (quarantine_share); the window is the run's.
    """

    kind: str  # spike | source_health
    metric: str  # volume | negative_share | zero_items | quarantine_share
    brand: str | None
    source: str | None
    value: float
    threshold: float
    window_start: datetime
    window_end: datetime
    baseline_mean: float | None = None
    sd: float | None = None
    k: float | None = None
    baseline: tuple[float, ...] = ()
    drivers: tuple[AlertMention, ...] = ()
    detail: str = ""

    @property
    def title(self) -> str:
        """``"Volume spike: Glow Lab, all sources"`` / ``"Source stored zero items: naver_comments"``."""
        label = METRIC_LABELS.get(self.metric, self.metric)
        if self.kind == SOURCE_HEALTH:
            return f"{label}: {self.source}"
        return f"{label}: {self.brand}, {self.source or 'all sources'}"

    @property
    def summary(self) -> str:
        """The numbers behind the alert, in one sentence."""
        if self.kind == SOURCE_HEALTH:
            return self.detail
        unit = _fmt_value(self.metric, self.value)
        what = "mentions" if self.metric == VOLUME else "negative share"
        return (
            f"{unit} {what} in the last 24 h vs a {len(self.baseline)}-day daily mean of "
            f"{_fmt_value(self.metric, self.baseline_mean)} (sd {_fmt_num(self.sd)}); alert above "
            f"{_fmt_value(self.metric, self.threshold)} = mean + {_fmt_num(self.k)} × max(sd, noise)"
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (times as ISO 8601 strings)."""
        return _jsonable(asdict(self)) | {"title": self.title, "summary": self.summary}


def _fmt_num(value: float | None) -> str:
    return "—" if value is None else f"{value:,.2f}".rstrip("0").rstrip(".")


def _fmt_value(metric: str, value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f} %" if metric in (NEGATIVE_SHARE, QUARANTINE_SHARE) else _fmt_num(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


# ---------------------------------------------------------------- spikes


@dataclass
class _Window:
    mentions: int = 0
    labeled: int = 0
    negative: int = 0


def _utc(now: datetime | None) -> datetime:
    """``now`` as aware UTC; a naive time is taken as UTC (as everything stored is)."""
    if now is None:
        return datetime.now(UTC)
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def _mention_time() -> Any:
    return func.coalesce(Mention.published_at, Mention.first_seen_at)


def _not_spam() -> Any:
    return func.coalesce(Mention.is_spam, False).is_(False)


def _window_counts(session: Session, now: datetime, days: int) -> dict[tuple[str, str], list[_Window]]:
    """(brand, platform) → one ``_Window`` per 24-hour window back from ``now`` (index 0 = the last 24 h)."""
    t = _mention_time()
    # Bucket in SQL with plain comparisons against bound times: the same SQL on SQLite and PostgreSQL.
    bucket = case(*((t > now - (i + 1) * DAY, literal(i)) for i in range(days + 1)))
    rows = (
        select(
            Brand.name.label("brand"),
            Mention.platform.label("source"),
            bucket.label("day"),
            case((Mention.sentiment.is_not(None), 1), else_=0).label("labeled"),
            case((brand_sentiment() == "negative", 1), else_=0).label("negative"),
        )
        .select_from(Brand)
        .join(MentionBrand, MentionBrand.brand_id == Brand.id)
        .join(Mention, Mention.id == MentionBrand.mention_id)
        .where(_not_spam(), t > now - (days + 1) * DAY, t <= now)
        .subquery("windowed")
    )
    # Grouping the outer query by the subquery's column (not the CASE itself) keeps PostgreSQL from seeing the
    # SELECT and GROUP BY expressions as different because their bound parameters differ.
    keys = (rows.c.brand, rows.c.source, rows.c.day)
    stmt = select(*keys, func.count(), func.sum(rows.c.labeled), func.sum(rows.c.negative)).group_by(*keys)
    out: dict[tuple[str, str], list[_Window]] = {}
    for brand, source, day, n, labeled, negative in session.execute(stmt).all():
        windows = out.setdefault((brand, source), [_Window() for _ in range(days + 1)])
        windows[int(day)] = _Window(int(n), int(labeled or 0), int(negative or 0))
    return out


@dataclass(frozen=True)
class _Verdict:
    value: float
    mean: float
    sd: float
    threshold: float
    baseline: tuple[float, ...]


def _spread(values: Sequence[float]) -> tuple[float, float]:
    mean = statistics.fmean(values)
    return mean, statistics.stdev(values) if len(values) > 1 else 0.0


def _volume_verdict(windows: Sequence[_Window], s: AlertSettings) -> _Verdict | None:
    value = windows[0].mentions
    baseline = tuple(float(w.mentions) for w in reversed(windows[1:]))
    mean, sd = _spread(baseline)
    threshold = mean + s.k * max(sd, math.sqrt(mean))  # Poisson noise of a daily count
    if value >= s.min_volume and value > threshold:
        return _Verdict(float(value), mean, sd, threshold, baseline)
    return None


def _negative_share_verdict(windows: Sequence[_Window], s: AlertSettings) -> _Verdict | None:
    last = windows[0]
    if last.labeled < s.min_volume or last.negative < s.min_negative:
        return None
    value = last.negative / last.labeled * 100.0
    baseline = tuple(w.negative / w.labeled * 100.0 for w in reversed(windows[1:]) if w.labeled)
    if not baseline:
        return None  # nothing to compare with
    mean, sd = _spread(baseline)
    p = mean / 100.0
    noise = math.sqrt(p * (1.0 - p) / last.labeled) * 100.0  # binomial standard error of today's share
    threshold = mean + s.k * max(sd, noise)
    if value > threshold:
        return _Verdict(value, mean, sd, threshold, baseline)
    return None


def _drivers(
    session: Session,
    *,
    brand: str,
    source: str | None,
    negative_only: bool,
    start: datetime,
    end: datetime,
    limit: int,
) -> tuple[AlertMention, ...]:
    """The most engaged non-spam mentions of the brand in (start, end]; newest first among equals."""
    t = _mention_time()
    engagement = Mention.likes + Mention.replies
    stmt = (
        select(Mention.id, Mention.platform, t, Mention.text, Mention.url, engagement, brand_sentiment())
        .select_from(Mention)
        .join(MentionBrand, MentionBrand.mention_id == Mention.id)
        .join(Brand, Brand.id == MentionBrand.brand_id)
        .where(Brand.name == brand, _not_spam(), t > start, t <= end)
        .order_by(engagement.desc(), t.desc(), Mention.id.desc())
        .limit(limit)
    )
    if source is not None:
        stmt = stmt.where(Mention.platform == source)
    if negative_only:
        stmt = stmt.where(brand_sentiment() == "negative")
    return tuple(
        AlertMention(
            mention_id=r[0],
            platform=r[1],
            published_at=as_utc(r[2]),
            text=r[3],
            url=r[4],
            engagement=int(r[5] or 0),
            sentiment=r[6],
        )
        for r in session.execute(stmt).all()
    )


def spike_alerts(
    session: Session, *, now: datetime | None = None, settings: AlertSettings = DEFAULT_SETTINGS
) -> list[Alert]:
    """Volume and negative-share spikes of every brand, over all sources and per source, as of ``now``."""
    now = _utc(now)
    start = now - DAY
    per_source = _window_counts(session, now, settings.baseline_days)
    per_brand: dict[str, list[_Window]] = {}
    for (brand, _source), windows in per_source.items():
        total = per_brand.setdefault(brand, [_Window() for _ in windows])
        for acc, w in zip(total, windows, strict=True):
            acc.mentions += w.mentions
            acc.labeled += w.labeled
            acc.negative += w.negative

    sources = sorted(per_source.items())
    alerts: list[Alert] = []
    for metric, judge in ((VOLUME, _volume_verdict), (NEGATIVE_SHARE, _negative_share_verdict)):
        for brand in sorted(per_brand):
            overall = judge(per_brand[brand], settings)
            candidates: list[tuple[str | None, _Verdict | None]] = [(None, overall)]
            candidates += [(src, judge(w, settings)) for (b, src), w in sources if b == brand]
            for source, verdict in candidates:
                if verdict is None or (source is not None and verdict == overall):
                    continue
                alerts.append(
                    Alert(
                        kind=SPIKE,
                        metric=metric,
                        brand=brand,
                        source=source,
                        value=verdict.value,
                        threshold=verdict.threshold,
                        window_start=start,
                        window_end=now,
                        baseline_mean=verdict.mean,
                        sd=verdict.sd,
                        k=settings.k,
                        baseline=verdict.baseline,
                        drivers=_drivers(
                            session,
                            brand=brand,
                            source=source,
                            negative_only=metric == NEGATIVE_SHARE,
                            start=start,
                            end=now,
                            limit=settings.drivers,
                        ),
                    )
                )
    return sorted(alerts, key=lambda a: (a.brand or "", a.source or "", a.metric))


# ---------------------------------------------------------------- source health


def running_hours(run: CrawlRun, now: datetime) -> float | None:
    """Hours since ``run`` started if it still says "running" (None once it ended): past
    ``AlertSettings.max_run_hours`` it is taken as dead."""
    if run.status != "running":
        return None
    return (now - (as_utc(run.started_at) or now)).total_seconds() / 3600.0


def source_health_alerts(
    session: Session, *, now: datetime | None = None, settings: AlertSettings = DEFAULT_SETTINGS
) -> list[Alert]:
    """Sources whose last finished crawl run (started by ``now``) stored nothing or quarantined too much,
    and sources whose newest run has said "running" for more than ``settings.max_run_hours``."""
    now = _utc(now)
    last = (
        select(CrawlRun.spider, func.max(CrawlRun.id).label("id"))
        .where(
            CrawlRun.status != "running",  # a run in progress has not counted its items yet
            CrawlRun.started_at <= now,
            not_(CrawlRun.spider.startswith(IMPORT_PREFIX)),
        )
        .group_by(CrawlRun.spider)
        .subquery("last_run")
    )
    runs = list(session.execute(select(CrawlRun).join(last, last.c.id == CrawlRun.id)).scalars())
    reasons: dict[int, dict[str, int]] = {}
    if runs:
        for run_id, reason, n in session.execute(
            select(QuarantinedRecord.crawl_run_id, QuarantinedRecord.reason, func.count())
            .where(QuarantinedRecord.crawl_run_id.in_([r.id for r in runs]))
            .group_by(QuarantinedRecord.crawl_run_id, QuarantinedRecord.reason)
        ).all():
            code = reason.split(":", 1)[0]
            by_code = reasons.setdefault(run_id, {})
            by_code[code] = by_code.get(code, 0) + n
    alerts = []
    for run in sorted(runs, key=lambda r: r.spider):
        started = as_utc(run.started_at) or now
        finished = as_utc(run.finished_at) or started
        common = {"kind": SOURCE_HEALTH, "brand": None, "source": run.spider}
        why = ", ".join(f"{code} ({n})" for code, n in sorted(reasons.get(run.id or 0, {}).items()))
        if run.items == 0:
            alerts.append(
                Alert(
                    **common,
                    metric=ZERO_ITEMS,
                    value=0.0,
                    threshold=0.0,
                    window_start=started,
                    window_end=finished,
                    detail=f"The last run (#{run.id}, {run.status}, {run.errors} errors) stored zero items: "
                    "the source may have changed its layout, blocked the crawler, or had nothing new.",
                )
            )
        seen = run.items + run.quarantined
        share = run.quarantined / seen * 100.0 if seen else 0.0
        if share > settings.max_quarantine_share:
            alerts.append(
                Alert(
                    **common,
                    metric=QUARANTINE_SHARE,
                    value=share,
                    threshold=settings.max_quarantine_share,
                    window_start=started,
                    window_end=finished,
                    detail=f"The last run (#{run.id}) quarantined {run.quarantined} of {seen} records "
                    f"({share:.1f} % > {settings.max_quarantine_share:g} %)" + (f": {why}." if why else "."),
                )
            )
    newest = (
        select(CrawlRun.spider, func.max(CrawlRun.id).label("id"))
        .where(CrawlRun.started_at <= now, not_(CrawlRun.spider.startswith(IMPORT_PREFIX)))
        .group_by(CrawlRun.spider)
        .subquery("newest_run")
    )
    for run in session.execute(
        select(CrawlRun).join(newest, newest.c.id == CrawlRun.id).where(CrawlRun.status == "running")
    ).scalars():
        hours = running_hours(run, now) or 0.0
        if hours <= settings.max_run_hours:
            continue  # still plausibly at work
        started = as_utc(run.started_at) or now
        alerts.append(
            Alert(
                kind=SOURCE_HEALTH,
                brand=None,
                source=run.spider,
                metric=STUCK_RUN,
                value=hours,
                threshold=settings.max_run_hours,
                window_start=started,
                window_end=now,
                detail=f"The newest run (#{run.id}) started {hours:.1f} h ago and has recorded no finish: "
                "the crawler was probably killed (out of memory, a restart) or hangs, and what it fetched is "
                "not counted. Check its log and run `brandpulse crawl` again.",
            )
        )
    return sorted(alerts, key=lambda a: a.source or "")  # stable: per source, in the order found


def current_alerts(
    session: Session, *, now: datetime | None = None, settings: AlertSettings = DEFAULT_SETTINGS
) -> list[Alert]:
    """Every alert as of ``now`` (default: the current time): spikes first, then source health."""
    return spike_alerts(session, now=now, settings=settings) + source_health_alerts(
        session, now=now, settings=settings
    )


# ---------------------------------------------------------------- webhook


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
