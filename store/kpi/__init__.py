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
- ``periods``: the dashboard's period presets, the previous period each is compared with, ISO weeks.
- ``compare``: a brand's headline figures in a period and their change against the previous one.
- ``trend``: weekly volume and net sentiment, with a minimum count per week.
- ``drivers``: the mentions with the widest reach and the terms (``terms``) behind net sentiment.
- ``common``: the formulas' texts, ``pct`` and ``ratio``, when the daily rollup answers a period.

The rollups these queries read (``brand_day``, ``post_comment_sums``, ``author_signal``) are written by
``store.rollups``.
"""

from store.kpi.campaigns import CampaignPerformance, CampaignPost, campaign_performance, campaign_posts
from store.kpi.common import FORMULAS, pct, ratio
from store.kpi.compare import HEADLINE_FIGURES, Change, Headline, brand_headline, change, headline_changes
from store.kpi.drivers import DriverMention, TermDrivers, term_drivers, top_mentions_by_reach
from store.kpi.periods import DEFAULT_PRESET, PRESETS, Period, preset_period, previous_label, previous_period
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
from store.kpi.response import DEFAULT_TARGET_HOURS, ResponseReport, ResponseStats, response_report
from store.kpi.terms import TermTrend, mention_terms, term_trends
from store.kpi.trend import MIN_WEEK_MENTIONS, WeekPoint, sentiment_by_week
from store.kpi.voice import (
    BrandVoice,
    SentimentPoint,
    brand_groups,
    comparison_set,
    group_comparison_set,
    net_sentiment_by_day,
    share_of_voice,
)

__all__ = [
    "DEFAULT_LOW_EFFORT_WEIGHT",
    "DEFAULT_PRESET",
    "DEFAULT_QUALITY",
    "DEFAULT_TARGET_HOURS",
    "FORMULAS",
    "HEADLINE_FIGURES",
    "MIN_WEEK_MENTIONS",
    "PRESETS",
    "REASON_CODES",
    "BrandEngagement",
    "BrandVoice",
    "CampaignPerformance",
    "CampaignPost",
    "Change",
    "CommentWeight",
    "DriverMention",
    "Headline",
    "Period",
    "QualitySettings",
    "ResponseReport",
    "ResponseStats",
    "SentimentPoint",
    "TermDrivers",
    "TermTrend",
    "WeekPoint",
    "author_flagged",
    "brand_groups",
    "brand_headline",
    "brand_report",
    "campaign_performance",
    "campaign_posts",
    "change",
    "comment_weights",
    "comparison_set",
    "engagement_by_brand",
    "group_comparison_set",
    "headline_changes",
    "mention_terms",
    "net_sentiment_by_day",
    "pct",
    "post_comment_weights",
    "post_quality",
    "preset_period",
    "previous_label",
    "previous_period",
    "qw_net_sentiment",
    "ratio",
    "response_report",
    "sentiment_by_week",
    "share_of_voice",
    "signal_maxima",
    "term_drivers",
    "term_trends",
    "top_mentions_by_reach",
]
