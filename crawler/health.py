"""Crawl health: spidermon-style checks over a finished crawl's numbers, stored with its crawl-run row.

A collector that silently returns nothing is the most common way social listening goes wrong, so every crawl
is judged: zero items, the error rate, the share of quarantined records, and expected fields left empty.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Defaults; spiders' settings can override them (BRANDPULSE_HEALTH_*).
MAX_ERROR_RATE = 0.10  # errors per response
MAX_QUARANTINE_SHARE = 0.20  # quarantined / (stored + quarantined)
MAX_MISSING_SHARE = 0.50  # mentions without a date or an author


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
    """Run every check; zero items fails the crawl, any other failed check makes it a warning."""
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
