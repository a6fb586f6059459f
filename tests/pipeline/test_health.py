"""Crawl health verdicts: zero items fails a crawl; error rate, quarantine share, missing fields warn;
settings and the environment can change the thresholds."""

from __future__ import annotations

import pytest

from crawler.health import health_thresholds, judge_crawl


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


def test_settings_and_the_environment_change_the_thresholds() -> None:
    assert health_thresholds({}, {}) == {
        "max_error_rate": 0.10,
        "max_quarantine_share": 0.20,
        "max_missing_share": 0.50,
    }
    settings = {"BRANDPULSE_HEALTH_MAX_QUARANTINE_SHARE": 0.3}
    assert health_thresholds(settings, {})["max_quarantine_share"] == 0.3
    env = {"BRANDPULSE_HEALTH_MAX_QUARANTINE_SHARE": "0.4", "BRANDPULSE_HEALTH_MAX_ERROR_RATE": "0.25"}
    tolerant = health_thresholds(settings, env)  # the environment wins
    assert tolerant == {"max_error_rate": 0.25, "max_quarantine_share": 0.4, "max_missing_share": 0.5}
    health = _judge(errors=10, quarantined=60, missing={"published_at": 80, "author": 0}, **tolerant)
    assert {c.name: c.detail for c in health.checks if not c.ok} == {
        "missing_published_at": "80 of 90 mentions without published_at = 89% (max 50%)",
    }
    with pytest.raises(ValueError, match="BRANDPULSE_HEALTH_MAX_ERROR_RATE must be a share from 0 to 1"):
        health_thresholds({}, {"BRANDPULSE_HEALTH_MAX_ERROR_RATE": "ten"})
    with pytest.raises(ValueError, match=r"from 0 to 1 \(0.5 = 50%\), got '50'"):
        health_thresholds({}, {"BRANDPULSE_HEALTH_MAX_MISSING_SHARE": "50"})  # a percentage by mistake


def test_the_store_pipeline_reads_the_thresholds_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    from scrapy.utils.test import get_crawler

    from crawler.pipelines import StorePipeline

    monkeypatch.setenv("BRANDPULSE_HEALTH_MAX_ERROR_RATE", "0.3")
    crawler = get_crawler(settings_dict={"BRANDPULSE_HEALTH_MAX_QUARANTINE_SHARE": 0.4})
    assert StorePipeline.from_crawler(crawler).health_thresholds == {
        "max_error_rate": 0.3,
        "max_quarantine_share": 0.4,
        "max_missing_share": 0.5,
    }
