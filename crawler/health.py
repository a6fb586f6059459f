"""Crawl health: spidermon-style checks over a finished crawl's numbers, stored with its crawl-run row.

A collector that silently returns nothing is the most common way social listening goes wrong, so every crawl
is judged: zero items, the error rate, the share of quarantined records, and expected fields left empty.

Thresholds are shares from 0 to 1 (0.20 = 20 %), like the alert setting ``alerts.max_quarantine_share``. Each
can be changed by a Scrapy setting of the same name (a spider's ``custom_settings``, ``-s``) and, winning over
that, by the environment: ``BRANDPULSE_HEALTH_MAX_ERROR_RATE``, ``BRANDPULSE_HEALTH_MAX_QUARANTINE_SHARE``,
``BRANDPULSE_HEALTH_MAX_MISSING_SHARE``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

MAX_ERROR_RATE = 0.10  # errors per response
MAX_QUARANTINE_SHARE = 0.20  # quarantined / (stored + quarantined)
MAX_MISSING_SHARE = 0.50  # mentions without a date or an author

# judge_crawl's threshold argument → its setting / environment variable, and its default.
THRESHOLDS = {
    "max_error_rate": ("BRANDPULSE_HEALTH_MAX_ERROR_RATE", MAX_ERROR_RATE),
    "max_quarantine_share": ("BRANDPULSE_HEALTH_MAX_QUARANTINE_SHARE", MAX_QUARANTINE_SHARE),
    "max_missing_share": ("BRANDPULSE_HEALTH_MAX_MISSING_SHARE", MAX_MISSING_SHARE),
}


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class CrawlHealth:
    status: str  # ok | warning | failed
    checks: list[Check] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "checks": [asdict(c) for c in self.checks]}


def health_thresholds(
    settings: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, float]:
    """``judge_crawl``'s thresholds: the environment's ``BRANDPULSE_HEALTH_*`` wins over the crawl's settings,
    which win over the defaults. A value that is not a share from 0 to 1 raises ``ValueError`` naming it.

    >>> health_thresholds({}, {"BRANDPULSE_HEALTH_MAX_QUARANTINE_SHARE": "0.35"})["max_quarantine_share"]
    0.35
    """
    settings = settings or {}
    environ = os.environ if environ is None else environ
    thresholds: dict[str, float] = {}
    for argument, (name, default) in THRESHOLDS.items():
        raw = environ.get(name) or settings.get(name)
        message = f"{name} must be a share from 0 to 1 ({default:g} = {default:.0%}), got {raw!r}"
        try:
            value = default if raw in (None, "") else float(raw)
        except (TypeError, ValueError):
            raise ValueError(message) from None
        if not 0 <= value <= 1:
            raise ValueError(message)
        thresholds[argument] = value
    return thresholds


def judge_crawl(
    *,
    stored: int,
    quarantined: int,
    errors: int,
    responses: int,
    mentions: int,
    missing: dict[str, int],
    max_error_rate: float = MAX_ERROR_RATE,
    max_quarantine_share: float = MAX_QUARANTINE_SHARE,
    max_missing_share: float = MAX_MISSING_SHARE,
) -> CrawlHealth:
    """Run every check; zero items fails the crawl, any other failed check makes it a warning.
    The ``max_*`` thresholds are shares from 0 to 1."""
    checks = [Check("zero_items", stored > 0, f"{stored} items stored")]
    rate = errors / responses if responses else (1.0 if errors else 0.0)
    checks.append(
        Check(
            "error_rate",
            rate <= max_error_rate,
            f"{errors} errors / {responses} responses = {rate:.0%} (max {max_error_rate:.0%})",
        )
    )
    total = stored + quarantined
    share = quarantined / total if total else 0.0
    checks.append(
        Check(
            "quarantine_share",
            share <= max_quarantine_share,
            f"{quarantined} of {total} records quarantined = {share:.0%} (max {max_quarantine_share:.0%})",
        )
    )
    for name, n in sorted(missing.items()):
        miss = n / mentions if mentions else 0.0
        checks.append(
            Check(
                f"missing_{name}",
                miss <= max_missing_share,
                f"{n} of {mentions} mentions without {name} = {miss:.0%} (max {max_missing_share:.0%})",
            )
        )
    if not checks[0].ok:
        status = "failed"
    elif all(c.ok for c in checks):
        status = "ok"
    else:
        status = "warning"
    return CrawlHealth(status, checks)
