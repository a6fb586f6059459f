"""Share of voice, net sentiment, quality-weighted engagement and campaign figures, computed in SQL (SQLite
and PostgreSQL).

Definitions are those of the README's "Metrics" section: spam mentions are excluded from
P / N / U and from mention counts; a mention that names two brands counts for both, with the sentiment it
gives each brand (``store.brand_sentiment.brand_sentiment``). Percentages are on a
0-100 scale; a metric whose denominator is zero is ``None``.

One module per family, every public name importable from ``store.kpi``:

- ``voice``: mentions, share of voice, P / N / U, net sentiment, spam rate; net sentiment by day.
- ``quality``: comment weights q_c and their reason codes, QWE, inflation, QW net sentiment.
- ``campaigns``: ER, QW-ER, CPE, CPM, CTR, conversion rate, ROI, ROAS per campaign and influencer.
- ``report``: every headline figure of a brand (``brandpulse kpi``).
- ``common``: the formulas' texts, ``pct`` and ``ratio``, when the daily rollup answers a period.

The rollups these queries read (``brand_day``, ``post_comment_sums``, ``author_signal``) are written by
``store.rollups``.
"""

from store.kpi.campaigns import CampaignPerformance, CampaignPost, campaign_performance, campaign_posts
from store.kpi.common import FORMULAS, pct, ratio
from store.kpi.quality import (
    DEFAULT_LOW_EFFORT_WEIGHT,
    DEFAULT_QUALITY,
    REASON_CODES,
    BrandEngagement,
    CommentWeight,
    QualitySettings,
    author_flagged,
    comment_weights,
    engagement_by_brand,
    post_comment_weights,
    post_quality,
    qw_net_sentiment,
    signal_maxima,
)
from store.kpi.report import brand_report
from store.kpi.voice import BrandVoice, SentimentPoint, comparison_set, net_sentiment_by_day, share_of_voice

__all__ = [
    "DEFAULT_LOW_EFFORT_WEIGHT",
    "DEFAULT_QUALITY",
    "FORMULAS",
    "REASON_CODES",
    "BrandEngagement",
    "BrandVoice",
    "CampaignPerformance",
    "CampaignPost",
    "CommentWeight",
    "QualitySettings",
    "SentimentPoint",
    "author_flagged",
    "brand_report",
    "campaign_performance",
    "campaign_posts",
    "comment_weights",
    "comparison_set",
    "engagement_by_brand",
    "net_sentiment_by_day",
    "pct",
    "post_comment_weights",
    "post_quality",
    "qw_net_sentiment",
    "ratio",
    "share_of_voice",
    "signal_maxima",
]
