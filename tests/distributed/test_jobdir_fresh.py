"""A finished crawl leaves nothing in --jobdir that would make the next crawl with the same folder fetch
nothing (Scrapy's seen-requests file lists every page); a crawl stopped midway still resumes from it
(test_resume_and_redis.py)."""

from __future__ import annotations

from pathlib import Path

from crawler.run import CrawlJob, crawl_in_subprocess
from store.db import ensure_schema
from tests.distributed.forum import serve_forum
from tests.distributed.test_resume_and_redis import FAST, _mention_ids


def test_a_finished_crawl_starts_fresh_next_time_with_the_same_jobdir(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'jobdir.db'}"
    ensure_schema(url)
    jobdir = tmp_path / "job"
    with serve_forum(pages=12) as forum:
        job = CrawlJob("generic", forum.generic_args())
        crawl_in_subprocess([job], url, FAST, jobdir=str(jobdir))
        first = {p: n for p, n in forum.fetches.items() if p.startswith("/forum/page/")}
        assert len(first) == 12 and set(first.values()) == {1}
        assert not (jobdir / "generic").exists()  # nothing kept: the crawl is complete

        crawl_in_subprocess([job], url, FAST, jobdir=str(jobdir))
        second = {p: n for p, n in forum.fetches.items() if p.startswith("/forum/page/")}
    assert second == {p: 2 for p in first}, "the second crawl did not fetch every page again"
    assert _mention_ids(url) == forum.expected_comment_ids()
