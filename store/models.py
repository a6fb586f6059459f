"""Tables of the brandpulse store.

Times are stored as UTC. Natural keys: a mention is unique on (platform, external_id), a post likewise;
writes upsert on them so re-running a crawl never duplicates rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlmodel import Field, SQLModel

# A count that can pass 2**31 (a popular video's views): BIGINT on PostgreSQL (migration 0008); SQLite's
# INTEGER already holds 8 bytes.
BIG_COUNT = BigInteger().with_variant(Integer(), "sqlite")


def _ts(nullable: bool = True, index: bool = False) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable, index=index)


TRIAGE_STATUSES = ("new", "in_progress", "resolved")
TRIAGE_PRIORITIES = ("high", "medium", "low")
# triage_event.field: the mention column each change is about is "triage_" + field.
TRIAGE_FIELDS = ("status", "assignee", "priority", "note")

# mention.kind of a post's own text (a post body, an article); every other kind is a comment under a post.
POST_KINDS = ("post", "article")

# mention.label_source: who gave a mention its labels. The worker relabels only its own ("model"); a label
# imported with the data or corrected by an analyst is kept.
MODEL, IMPORTED, CORRECTED = "model", "imported", "corrected"

# The times the KPI queries filter on (a mention or post with no published time counts from when it was seen).
MENTION_TIME = "coalesce(published_at, first_seen_at)"
POST_TIME = "coalesce(published_at, updated_at)"


class Brand(SQLModel, table=True):
    """A brand we listen for; ``competitor_group`` puts it in a share-of-voice comparison set."""

    __tablename__ = "brand"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True)
    query: str
    competitor_group: str | None = Field(default=None, index=True)


class Author(SQLModel, table=True):
    __tablename__ = "author"
    __table_args__ = (UniqueConstraint("platform", "handle", name="uq_author_platform_handle"),)
    id: int | None = Field(default=None, primary_key=True)
    platform: str
    handle: str
    followers: int | None = None
    updated_at: datetime | None = Field(default=None, sa_column=_ts())


class Post(SQLModel, table=True):
    """A parent post (article, thread, video) and its latest engagement counts."""

    __tablename__ = "post"
    __table_args__ = (
        UniqueConstraint("platform", "external_id", name="uq_post_platform_external_id"),
        Index("ix_post_time", text(POST_TIME)),
    )
    id: int | None = Field(default=None, primary_key=True)
    platform: str
    external_id: str
    url: str | None = None
    title: str | None = None
    author_id: int | None = Field(default=None, foreign_key="author.id", index=True)
    published_at: datetime | None = Field(default=None, sa_column=_ts(index=True))
    likes: int = 0
    comments: int = 0
    shares: int = 0
    saves: int = 0
    views: int | None = Field(default=None, sa_type=BIG_COUNT)
    impressions: int | None = Field(default=None, sa_type=BIG_COUNT)
    reach: int | None = Field(default=None, sa_type=BIG_COUNT)
    updated_at: datetime | None = Field(default=None, sa_column=_ts())


# What a campaign row is unique on: one influencer post of a campaign.
CAMPAIGN_KEY = ("name", "influencer", "platform", "post_ref")


class Campaign(SQLModel, table=True):
    """One influencer post of a campaign with what it cost and earned (imported from the user's files)."""

    __tablename__ = "campaign"
    __table_args__ = (UniqueConstraint(*CAMPAIGN_KEY, name="uq_campaign_post"),)
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    brand_id: int = Field(foreign_key="brand.id", index=True)
    influencer: str
    platform: str
    post_ref: str  # the post's external id, else its URL, as given
    post_id: int | None = Field(default=None, foreign_key="post.id", index=True)
    cost: float = 0.0
    currency: str | None = None
    impressions: int | None = Field(default=None, sa_type=BIG_COUNT)
    clicks: int | None = None
    conversions: int | None = None
    revenue: float | None = None
    starts_on: datetime | None = Field(default=None, sa_column=_ts())
    ends_on: datetime | None = Field(default=None, sa_column=_ts())


# The campaign table's columns in table order (id first): the one list of them (upserts, bulk loads).
CAMPAIGN_COLUMNS: tuple[str, ...] = tuple(Campaign.__table__.columns.keys())


class Mention(SQLModel, table=True):
    """One text item (post body, comment, reply, review, article) with its labels."""

    __tablename__ = "mention"
    __table_args__ = (
        UniqueConstraint("platform", "external_id", name="uq_mention_platform_external_id"),
        Index("ix_mention_unlabeled", "labeled_at", "id"),
        Index("ix_mention_post_hash", "post_id", "text_hash"),
        # KPI queries (migration 0003): a post's own text, the period filter, the duplicate rank per post.
        Index("ix_mention_kind_post", "kind", "post_id"),
        Index("ix_mention_time", text(MENTION_TIME)),
        Index("ix_mention_post_rank", "post_id", "text_hash", text(MENTION_TIME), "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(index=True)
    external_id: str
    kind: str = "comment"
    url: str | None = None
    post_id: int | None = Field(default=None, foreign_key="post.id", index=True)
    parent_external_id: str | None = None
    author_id: int | None = Field(default=None, foreign_key="author.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    text_hash: str | None = None
    low_effort: bool = False
    # A repeat of an earlier comment's normalised text on the same post (QWE's d = 0); kept by the store on
    # every write of the post's comments (store/rollups.py).
    duplicate: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    published_at: datetime | None = Field(default=None, sa_column=_ts(index=True))
    likes: int = 0
    replies: int = 0
    extra: str | None = Field(default=None, sa_column=Column(Text))  # JSON of source-specific fields
    # Labels (written by the label worker, or given by an import).
    lang: str | None = Field(default=None, index=True)
    sentiment: str | None = Field(default=None, index=True)
    p_negative: float | None = None
    p_neutral: float | None = None
    p_positive: float | None = None
    spam_score: float | None = None
    is_spam: bool | None = Field(default=None, index=True)
    model: str | None = None
    model_version: str | None = None
    label_source: str | None = None  # model | imported | corrected (the worker relabels only "model")
    labeled_at: datetime | None = Field(default=None, sa_column=_ts())
    # PR triage of negative mentions.
    triage_status: str = Field(default="new", index=True)
    triage_updated_at: datetime | None = Field(default=None, sa_column=_ts())
    # Who handles it (a free-text name), how urgent (TRIAGE_PRIORITIES) and a note (migration 0011); every
    # change of these and the status is kept in ``triage_event``.
    triage_assignee: str | None = Field(default=None, index=True)
    triage_priority: str | None = Field(default=None, index=True)
    triage_note: str | None = Field(default=None, sa_column=Column(Text))
    first_seen_at: datetime | None = Field(default=None, sa_column=_ts())
    updated_at: datetime | None = Field(default=None, sa_column=_ts())


# The windows of the author signals kept in ``author_signal`` (QWE's default burst and cross-post windows).
SIGNAL_BURST_SECONDS = 600
SIGNAL_CROSS_POST_SECONDS = 3600


class AuthorSignal(SQLModel, table=True):
    """Per author, the counts behind QWE's author factor, kept up to date by the store on every mention write.

    ``same_text_max``: most comments with one normalised text; ``burst_max``: most comments in one
    ``SIGNAL_BURST_SECONDS`` window; ``cross_post_max``: most distinct posts commented in one
    ``SIGNAL_CROSS_POST_SECONDS`` window (fixed UTC windows).
    """

    __tablename__ = "author_signal"
    author_id: int = Field(foreign_key="author.id", primary_key=True)
    same_text_max: int = 0
    burst_max: int = 0
    cross_post_max: int = 0


class BrandDay(SQLModel, table=True):
    """Per brand and UTC day (``day`` = YYYY-MM-DD, '' for a mention with no time): the sums behind share
    of voice, the daily net sentiment and QW net sentiment, kept by the store on every write
    (store/rollups.py) so that the KPI queries read a few hundred rows instead of every mention.

    Voice columns count the brand's non-spam mentions (``spam_mentions`` the others); ``engagement`` is
    Σ likes + replies and ``reach`` Σ author followers of the non-spam ones. The ``q_*`` / ``s_*`` columns
    are Σ (1 − p_spam) × d and Σ (1 − p_spam) × d × s_c over the labeled mentions (spam included),
    split by low effort and by the author factor's signals (default thresholds, comments under a post only),
    so the low-effort weight and the author factor apply at read time.
    """

    __tablename__ = "brand_day"
    brand_id: int = Field(foreign_key="brand.id", primary_key=True)
    day: str = Field(primary_key=True)
    mentions: int = 0
    spam_mentions: int = 0
    positive: int = 0
    negative: int = 0
    neutral: int = 0
    engagement: int = Field(default=0, sa_type=BigInteger)
    reach: int = Field(default=0, sa_type=BigInteger)
    q_plain: float = 0.0
    q_low_effort: float = 0.0
    q_flagged: float = 0.0
    q_flagged_low_effort: float = 0.0
    s_plain: float = 0.0
    s_low_effort: float = 0.0
    s_flagged: float = 0.0
    s_flagged_low_effort: float = 0.0


class PostCommentSums(SQLModel, table=True):
    """Per post with stored comments: how many, and Σ (1 − p_spam) × d of them split by low effort and by the
    author factor's signals (default thresholds): the qualified share s_p of QWE without weighing every
    comment on every query. Kept by the store on every write (store/rollups.py)."""

    __tablename__ = "post_comment_sums"
    post_id: int = Field(foreign_key="post.id", primary_key=True)
    comments: int = 0
    q_plain: float = 0.0
    q_low_effort: float = 0.0
    q_flagged: float = 0.0
    q_flagged_low_effort: float = 0.0


# The migration that gave comment links their "from thread" mark (see MentionBrand.from_thread): a store
# upgraded past it needs `brandpulse rematch` once to settle the comments stored before.
THREAD_ATTRIBUTION_REVISION = "0012"


class MentionBrand(SQLModel, table=True):
    """A mention's link to a brand, with the sentiment the mention gives that brand when it names several
    brands and says different things about them (see store/brand_sentiment.py for when it counts)."""

    __tablename__ = "mention_brand"
    # A brand's mentions read from the index alone (KPI queries, migration 0003).
    __table_args__ = (Index("ix_mention_brand_brand_mention", "brand_id", "mention_id"),)
    mention_id: int = Field(foreign_key="mention.id", primary_key=True)
    brand_id: int = Field(foreign_key="brand.id", primary_key=True, index=True)
    # Per-brand label (migration 0007): NULL where the mention's own label is the brand's. ``labeled_at``:
    # when the label worker decided it (NULL: not yet, e.g. a link added after the mention was labeled).
    sentiment: str | None = None
    p_negative: float | None = None
    p_neutral: float | None = None
    p_positive: float | None = None
    labeled_at: datetime | None = Field(default=None, sa_column=_ts())
    # A comment naming no brand counts for its post's brands "from thread" (migration 0012); a comment that
    # names a brand has only its own links (store/repo/brands.py).
    from_thread: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class LabelLease(SQLModel, table=True):
    """An unlabeled mention claimed by a label worker (``store.repo.claim_unlabeled``, migration 0009): which
    worker holds it and until when (the database's clock). Deleted when the worker writes its labels; a
    lease whose end has passed (its worker was killed) is taken over by the next claim."""

    __tablename__ = "label_lease"
    mention_id: int = Field(
        sa_column=Column(Integer, ForeignKey("mention.id", ondelete="CASCADE"), primary_key=True)
    )
    worker: str
    lease_until: datetime = Field(sa_column=_ts(nullable=False))


class MetricSnapshot(SQLModel, table=True):
    """Counts of a post as seen by one crawl: the history behind the latest numbers on ``post``."""

    __tablename__ = "metric_snapshot"
    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="post.id", index=True)
    crawl_run_id: int | None = Field(default=None, foreign_key="crawl_run.id")
    taken_at: datetime = Field(sa_column=_ts(nullable=False))
    likes: int = 0
    comments: int = 0
    shares: int = 0
    saves: int = 0
    views: int | None = Field(default=None, sa_type=BIG_COUNT)
    author_followers: int | None = None


class CrawlRun(SQLModel, table=True):
    __tablename__ = "crawl_run"
    id: int | None = Field(default=None, primary_key=True)
    spider: str = Field(index=True)
    started_at: datetime = Field(sa_column=_ts(nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=_ts())
    status: str = "running"  # running | finished | failed
    items: int = 0
    quarantined: int = 0
    errors: int = 0
    stats: str | None = Field(default=None, sa_column=Column(Text))  # JSON of Scrapy stats


CORRECTION_TASKS = ("sentiment", "spam")
CORRECTION_LABELS = {"sentiment": ("negative", "neutral", "positive"), "spam": ("spam", "ham")}


class LabelCorrection(SQLModel, table=True):
    """An analyst's correction of one label of a mention; the latest per (mention, task) wins.

    ``previous_*`` keep what the mention showed before (the model's label, an import's, or an earlier
    correction) so the original stays known after the mention's own label is overwritten.
    """

    __tablename__ = "label_correction"
    __table_args__ = (Index("ix_label_correction_mention_task", "mention_id", "task", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    mention_id: int = Field(foreign_key="mention.id")
    task: str  # sentiment | spam
    label: str  # negative | neutral | positive, or spam | ham
    previous_label: str | None = None
    previous_label_source: str | None = None
    previous_model: str | None = None
    previous_model_version: str | None = None
    corrected_by: str | None = None
    note: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(sa_column=_ts(nullable=False, index=True))


class QuarantinedRecord(SQLModel, table=True):
    """A record that could not be stored as given, kept with the reason."""

    __tablename__ = "quarantined_record"
    id: int | None = Field(default=None, primary_key=True)
    crawl_run_id: int | None = Field(default=None, foreign_key="crawl_run.id", index=True)
    source: str
    reason: str
    payload: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=_ts(nullable=False))


# alert.status: fired (new, announced) → acknowledged (someone is on it: no reminders) → resolved (over).
ALERT_STATUSES = ("fired", "acknowledged", "resolved")
# alert.delivery_status: sent to every target, to some (partial), to none (failed; retried while the alert
# is still found), nothing to send to (no_targets), or recorded by a replay of past days (never sent).
DELIVERY_STATUSES = ("pending", "sent", "partial", "failed", "no_targets", "replayed")


class AlertRecord(SQLModel, table=True):
    """One alert in the history (``store.alerts.history``): what fired, when, who handled it, and whether
    it was delivered.

    ``dedup_key`` = rule | brand | source | what it is about (the UTC day of a spike, the crawl run of a
    health alert, the mention of a reach alert): an evaluation finding the same key again updates the row.
    ``notified_at`` is when it was last announced; the cool-down counts from there.
    """

    __tablename__ = "alert"
    __table_args__ = (Index("ix_alert_subject", "rule", "brand", "source", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    dedup_key: str = Field(index=True)
    kind: str  # spike | source_health | mention
    rule: str  # volume | negative_share | zero_items | quarantine_share | stuck_run | negative_reach
    brand: str | None = None
    source: str | None = None
    # The mention a reach alert is about (no foreign key: erasing a mention must not be blocked by its alert).
    mention_id: int | None = None
    title: str
    summary: str = Field(sa_column=Column(Text, nullable=False))
    value: float | None = None
    threshold: float | None = None
    status: str = Field(default="fired", index=True)
    first_fired_at: datetime = Field(sa_column=_ts(nullable=False))
    last_seen_at: datetime = Field(sa_column=_ts(nullable=False, index=True))
    times_seen: int = 1
    notified_at: datetime = Field(sa_column=_ts(nullable=False))
    acknowledged_at: datetime | None = Field(default=None, sa_column=_ts())
    acknowledged_by: str | None = None
    resolved_at: datetime | None = Field(default=None, sa_column=_ts())
    resolved_by: str | None = None
    delivery_status: str = "pending"
    delivery_attempts: int = 0
    delivered_at: datetime | None = Field(default=None, sa_column=_ts())
    delivery_error: str | None = Field(default=None, sa_column=Column(Text))


class TriageEvent(SQLModel, table=True):
    """One change of a mention's triage (``store.repo.triage``): which field (``TRIAGE_FIELDS``), from what to
    what (NULL: empty), who made it (free text, optional) and when (UTC). The history behind the response
    metrics (``store.kpi.response``); erasing a mention erases its events."""

    __tablename__ = "triage_event"
    __table_args__ = (Index("ix_triage_event_mention_time", "mention_id", "changed_at"),)
    id: int | None = Field(default=None, primary_key=True)
    mention_id: int = Field(
        sa_column=Column(Integer, ForeignKey("mention.id", ondelete="CASCADE"), nullable=False)
    )
    field: str
    from_value: str | None = Field(default=None, sa_column=Column(Text))
    to_value: str | None = Field(default=None, sa_column=Column(Text))
    changed_by: str | None = None
    changed_at: datetime = Field(sa_column=_ts(nullable=False, index=True))


class AuthorSnapshot(SQLModel, table=True):
    """An author's follower count as one crawl or import saw it: the history behind follower growth
    (``author.followers`` keeps only the latest). ``source`` is ``crawl`` or ``import``."""

    __tablename__ = "author_snapshot"
    __table_args__ = (Index("ix_author_snapshot_author_time", "author_id", "taken_at"),)
    id: int | None = Field(default=None, primary_key=True)
    author_id: int = Field(
        sa_column=Column(Integer, ForeignKey("author.id", ondelete="CASCADE"), nullable=False)
    )
    taken_at: datetime = Field(sa_column=_ts(nullable=False))
    followers: int = Field(sa_type=BIG_COUNT)
    source: str = "crawl"


class WebTraffic(SQLModel, table=True):
    """One row of a web-analytics export (GA4-style, UTM-tagged): a day's sessions, conversions and revenue
    for one source / medium / campaign / content. Mapped to campaigns and influencers at query time through
    the config, so a changed mapping needs no re-import."""

    __tablename__ = "web_traffic"
    __table_args__ = (
        UniqueConstraint("day", "source", "medium", "campaign", "content", name="uq_web_traffic_row"),
    )
    id: int | None = Field(default=None, primary_key=True)
    day: datetime = Field(sa_column=_ts(nullable=False, index=True))  # midnight UTC of the day
    source: str = ""
    medium: str = ""
    campaign: str = Field(default="", index=True)
    content: str = ""
    sessions: int = 0
    conversions: int = 0
    revenue: float = 0.0


class CodeRedemption(SQLModel, table=True):
    """Promo-code redemptions of one code on one day (orders and revenue), mapped to influencers through the
    code prefixes in the config."""

    __tablename__ = "code_redemption"
    __table_args__ = (UniqueConstraint("code", "day", name="uq_code_redemption_day"),)
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(index=True)
    day: datetime = Field(sa_column=_ts(nullable=False, index=True))  # midnight UTC of the day
    orders: int = 0
    revenue: float = 0.0
