"""Scrapy settings: polite defaults, the brandpulse pipelines, BRANDPULSE_* options."""

from __future__ import annotations

import os

from store.db import env_seconds

BOT_NAME = "brandpulse"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Polite by default: obey robots.txt, adapt the rate to the server, say who we are.
ROBOTSTXT_OBEY = True
USER_AGENT = "brandpulse/0.1 (open-source social listening; +https://github.com/brandpulse/brandpulse)"
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
# Transient failures (429, 5xx, dropped connections) are retried after a growing wait, or the server's
# Retry-After (crawler/retry.py): 1 s, then 2 s (4 s, 8 s ... with more RETRY_TIMES), at most 30 s a wait.
RETRY_TIMES = 2
RETRY_BACKOFF_BASE = 1.0
RETRY_BACKOFF_MAX = 30.0
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.retry.BackoffRetryMiddleware": 550,
}
# No listening debug consoles: Scrapy's telnet console (127.0.0.1:6023) and, since Scrapy 2.19, its remote
# control (an HTTP server on a random local port per spider that runs Python code sent to it, its token in a
# file under the user's profile) would listen during every crawl.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
DOWNLOAD_TIMEOUT = 30
COOKIES_ENABLED = True
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = os.environ.get("BRANDPULSE_LOG_LEVEL", "INFO")

ITEM_PIPELINES = {
    "crawler.pipelines.ValidatePipeline": 100,
    "crawler.pipelines.NormalisePipeline": 200,
    "crawler.pipelines.MatchBrandsPipeline": 300,
    "crawler.pipelines.StorePipeline": 400,
}

# Where items go; the environment variable wins, as everywhere in brandpulse.
BRANDPULSE_DATABASE_URL = os.environ.get("BRANDPULSE_DATABASE_URL", "sqlite:///brandpulse.db")
# Rows written per transaction.
BRANDPULSE_BATCH_SIZE = 200
# ... or every this many seconds, whichever comes first (0: by batch size only); the run's counts follow.
BRANDPULSE_FLUSH_SECONDS = env_seconds("BRANDPULSE_FLUSH_SECONDS", 10.0)
# Longer texts are quarantined rather than stored (50 KB comments are fine; megabytes are a broken page).
BRANDPULSE_MAX_TEXT_CHARS = 200_000
# Crawl health thresholds (shares from 0 to 1; defaults in crawler/health.py) change with
# BRANDPULSE_HEALTH_MAX_ERROR_RATE, BRANDPULSE_HEALTH_MAX_QUARANTINE_SHARE and
# BRANDPULSE_HEALTH_MAX_MISSING_SHARE: set here, in custom_settings or (winning) in the environment.

# Distributed crawling: with BRANDPULSE_REDIS_URL set, every crawler process shares one Redis scheduler
# queue and duplicate filter (scrapy-redis), so several machines work through one job, each page fetched
# once. BRANDPULSE_CRAWL_JOB names the job (its Redis keys); the state persists so workers can join later.
BRANDPULSE_REDIS_URL = os.environ.get("BRANDPULSE_REDIS_URL")
if BRANDPULSE_REDIS_URL:
    _job = os.environ.get("BRANDPULSE_CRAWL_JOB", "default")
    SCHEDULER = "scrapy_redis.scheduler.Scheduler"
    DUPEFILTER_CLASS = "scrapy_redis.dupefilter.RFPDupeFilter"
    SCHEDULER_PERSIST = True
    SCHEDULER_QUEUE_KEY = f"brandpulse:{_job}:%(spider)s:requests"
    SCHEDULER_DUPEFILTER_KEY = f"brandpulse:{_job}:%(spider)s:dupefilter"
    REDIS_URL = BRANDPULSE_REDIS_URL


# Scrapy's cookie middleware splits domains with tldextract, whose default first tries to download the public
# suffix list. brandpulse never fetches data at run time: use the snapshot bundled with tldextract instead.
def _offline_public_suffixes() -> None:
    from scrapy.downloadermiddlewares import cookies
    from tldextract import TLDExtract

    cookies._split_domain = TLDExtract(suffix_list_urls=(), include_psl_private_domains=True)


_offline_public_suffixes()
