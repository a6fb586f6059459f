"""The store pipeline writes a slow source's items every ``BRANDPULSE_FLUSH_SECONDS`` as well as by batch
size, and keeps its running crawl run's counts current (what `brandpulse crawl` shows while it runs)."""

from __future__ import annotations

from pathlib import Path

from scrapy import Spider
from scrapy.utils.test import get_crawler
from sqlalchemy import func, select

from crawler.items import MentionItem
from crawler.pipelines import StorePipeline
from store.db import ensure_schema, session_scope
from store.models import CrawlRun, Mention
from ui.cli.crawl_progress import describe, runs_since


def _mention(i: int) -> MentionItem:
    return MentionItem(platform="ptt", external_id=f"m{i}", text=f"comment {i}", text_hash=f"h{i}")


def _state(url: str) -> tuple[int, int, str]:
    with session_scope(url) as s:
        run = s.execute(select(CrawlRun)).scalar_one()
        stored = s.execute(select(func.count()).select_from(Mention)).scalar_one()
        return stored, run.items, run.status


def _pipeline(url: str, flush_seconds: float) -> StorePipeline:
    crawler = get_crawler(
        settings_dict={
            "BRANDPULSE_DATABASE_URL": url,
            "BRANDPULSE_BATCH_SIZE": 100,
            "BRANDPULSE_FLUSH_SECONDS": flush_seconds,
        }
    )
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.open_spider(Spider(name="ptt"))
    return pipeline


def test_items_are_written_when_the_flush_interval_passes_and_the_run_counts_follow(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    ensure_schema(url)
    pipeline = _pipeline(url, flush_seconds=3600)
    for i in range(5):
        pipeline.process_item(_mention(i))
    assert _state(url) == (0, 0, "running")  # under the batch size and the interval: buffered

    pipeline.last_flush -= 3600  # the interval has passed: the next item writes the buffer with it
    pipeline.process_item(_mention(5))
    assert _state(url) == (6, 6, "running")
    assert describe(["ptt", "dcard"], runs_since(url, 0)) == [
        "ptt: 6 items, 0 quarantined (crawling)",
        "dcard: waiting",
    ]

    for i in range(6, 106):  # a full batch (100) goes at once, whatever the clock says
        pipeline.process_item(_mention(i))
    assert _state(url)[:2] == (106, 106)
    pipeline.process_item(_mention(106))
    pipeline.close_spider(None)
    pipeline.spider_closed(None, "finished")  # type: ignore[arg-type]
    assert _state(url) == (107, 107, "finished")


def test_a_zero_interval_writes_by_batch_size_only(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    ensure_schema(url)
    pipeline = _pipeline(url, flush_seconds=0)
    pipeline.last_flush -= 10**6
    for i in range(99):
        pipeline.process_item(_mention(i))
    assert _state(url) == (0, 0, "running")
    pipeline.process_item(_mention(99))
    assert _state(url) == (100, 100, "running")
