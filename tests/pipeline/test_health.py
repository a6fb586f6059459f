"""Crawl health verdicts: zero items fails a crawl; error rate, quarantine share, missing fields warn."""

from __future__ import annotations

from crawler.health import judge_crawl


def _judge(**kw):  # type: ignore[no-untyped-def]
    args = {
        "stored": 100,
        "quarantined": 2,
        "errors": 0,
        "responses": 40,
        "mentions": 90,
        "missing": {"published_at": 0, "author": 3},
    }
    return judge_crawl(**{**args, **kw})


def test_healthy_crawl() -> None:
    health = _judge()
    assert health.status == "ok"
    assert [c.name for c in health.checks] == [
        "zero_items",
        "error_rate",
        "quarantine_share",
        "missing_author",
        "missing_published_at",
    ]


def test_zero_items_fails() -> None:
    health = _judge(stored=0, quarantined=0, mentions=0, responses=3)
    assert health.status == "failed"
    assert not health.checks[0].ok and health.checks[0].detail == "0 items stored"


def test_other_failures_warn_with_details() -> None:
    health = _judge(errors=10, quarantined=60, missing={"published_at": 80, "author": 0})
    assert health.status == "warning"
    failed = {c.name: c.detail for c in health.checks if not c.ok}
    assert failed == {
        "error_rate": "10 errors / 40 responses = 25% (max 10%)",
        "quarantine_share": "60 of 160 records quarantined = 38% (max 20%)",
        "missing_published_at": "80 of 90 mentions without published_at = 89% (max 50%)",
    }
    assert health.as_dict()["status"] == "warning"
