"""Writes and simple reads of the store: keyword-only functions that take a session.

Upserts work on SQLite and PostgreSQL alike (``INSERT ... ON CONFLICT``); every write recounts the rollups
it touches (``store.rollups.refresh_after_write``). One module per subject, every public name importable
from ``store.repo``:

- ``crawl``: crawl runs, quarantined records, upserts of authors, posts and mentions, row counts.
- ``brands``: brands from the configuration and the links of mentions to them.
- ``campaigns``: campaign rows from the user's files, joined to stored posts.
- ``labels``: the label worker's reads and writes, analysts' label corrections.
- ``triage``: triage of negative mentions (status, assignee, priority, note) and its history.
"""

from store.models import CORRECTED, IMPORTED
from store.repo.brands import (
    BrandSpec,
    add_brand_links,
    brand_ids,
    insert_brand_links,
    link_comments_to_post_brands,
    link_posts_to_campaign_brands,
    list_brands,
    mention_texts,
    sync_brands,
)
from store.repo.campaigns import CampaignRow, upsert_campaigns
from store.repo.crawl import (
    MentionLike,
    PostLike,
    counts,
    fail_unfinished_runs,
    finish_crawl_run,
    post_external_ids_by_url,
    post_ids,
    quarantine,
    record_crawl_progress,
    start_crawl_run,
    upsert_mentions,
    upsert_posts,
)
from store.repo.labels import (
    ClaimState,
    CorrectedText,
    MentionLabel,
    claim_state,
    claim_unlabeled,
    corrected_texts,
    count_unlabeled,
    latest_corrections,
    record_correction,
    release_all_claims,
    release_claims,
    renew_claims,
    unlabeled_mentions,
    write_brand_labels,
    write_claimed_labels,
    write_labels,
)
from store.repo.triage import KEEP, TriageChange, set_triage_status, triage_history, update_triage

__all__ = [
    "CORRECTED",
    "IMPORTED",
    "KEEP",
    "BrandSpec",
    "CampaignRow",
    "ClaimState",
    "CorrectedText",
    "MentionLabel",
    "MentionLike",
    "PostLike",
    "TriageChange",
    "add_brand_links",
    "brand_ids",
    "claim_state",
    "claim_unlabeled",
    "corrected_texts",
    "count_unlabeled",
    "counts",
    "fail_unfinished_runs",
    "finish_crawl_run",
    "record_crawl_progress",
    "latest_corrections",
    "insert_brand_links",
    "link_comments_to_post_brands",
    "link_posts_to_campaign_brands",
    "list_brands",
    "mention_texts",
    "post_external_ids_by_url",
    "post_ids",
    "quarantine",
    "record_correction",
    "release_all_claims",
    "release_claims",
    "renew_claims",
    "set_triage_status",
    "start_crawl_run",
    "sync_brands",
    "triage_history",
    "unlabeled_mentions",
    "upsert_campaigns",
    "upsert_mentions",
    "update_triage",
    "upsert_posts",
    "write_brand_labels",
    "write_claimed_labels",
    "write_labels",
]
