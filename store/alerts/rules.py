"""The alert rules' settings and the ``Alert`` record every rule returns (the rules: ``store.alerts``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

DAY = timedelta(days=1)
SPIKE, SOURCE_HEALTH, MENTION = "spike", "source_health", "mention"
VOLUME, NEGATIVE_SHARE = "volume", "negative_share"
ZERO_ITEMS, QUARANTINE_SHARE, STUCK_RUN = "zero_items", "quarantine_share", "stuck_run"
NEGATIVE_REACH = "negative_reach"
METRIC_LABELS = {
    VOLUME: "Volume spike",
    NEGATIVE_SHARE: "Negative-share spike",
    ZERO_ITEMS: "Source stored zero items",
    QUARANTINE_SHARE: "High quarantine share",
    STUCK_RUN: "Crawl run never finished",
    NEGATIVE_REACH: "High-reach negative mention",
}
IMPORT_PREFIX = "import:"  # crawl runs of `brandpulse import ...`


@dataclass(frozen=True)
class AlertSettings:
    """Thresholds of the alert rules (see the module docstring for why each exists)."""

    k: float = 2.0  # standard deviations above the baseline mean
    baseline_days: int = 7
    min_volume: int = 10  # mentions (labeled mentions for the share) in the last 24 h
    min_negative: int = 3  # negative mentions in the last 24 h for a negative-share spike
    max_quarantine_share: float = 0.20  # share of a crawl run's records (0.20 = 20 %)
    max_run_hours: float = 6.0  # a run still "running" this long after its start is taken as dead
    drivers: int = 5  # top driving mentions kept per alert
    reach_threshold: int = 10_000  # author followers + likes + replies of a negative mention worth an alert
    cooldown_hours: float = 6.0  # an open alert announced this recently is updated, not announced again


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
    f"{DEFAULT_SETTINGS.max_quarantine_share * 100.0:g} %",
    STUCK_RUN: f"the source's newest crawl run is still 'running' {DEFAULT_SETTINGS.max_run_hours:g} h after "
    "its start",
    NEGATIVE_REACH: "a non-spam mention of the last 24 h, negative for the brand, whose reach (author "
    f"followers + likes + replies) is at least {DEFAULT_SETTINGS.reach_threshold:,}",
}


@dataclass(frozen=True)
class AlertMention:
    """A mention that drove a spike: one of the most engaged (likes + replies) in the window; for a reach
    alert, the mention itself (``followers``: its author's)."""

    mention_id: int
    platform: str
    published_at: datetime | None
    text: str
    url: str | None
    engagement: int
    sentiment: str | None
    followers: int | None = None


@dataclass(frozen=True)
class Alert:
    """One alert. ``source`` is the platform of a spike (None = all sources) or the spider of a health alert.

    For a spike, ``value`` is the last 24 h figure, ``baseline`` the daily figures of the trailing days
    (oldest first) and ``threshold`` = baseline_mean + k × max(sd, noise). For source health, ``value`` is the
    run's stored items (zero_items) or its quarantined share in % (quarantine_share); the window is the run's.
    """

    kind: str  # spike | source_health | mention
    metric: str  # volume | negative_share | zero_items | quarantine_share | stuck_run | negative_reach
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
    # What the alert is about, for its de-duplication key: the UTC day of a spike, "run 12", "mention 345".
    about: str = ""

    @property
    def dedup_key(self) -> str:
        """``rule|brand|source|about``: an evaluation finding the same key again is the same alert."""
        return "|".join((self.metric, self.brand or "", self.source or "", self.about))

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
        if self.kind in (SOURCE_HEALTH, MENTION):
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
        extra = {"title": self.title, "summary": self.summary, "dedup_key": self.dedup_key}
        return _jsonable(asdict(self)) | extra


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
