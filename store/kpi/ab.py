"""A/B comparisons of a brand's campaign posts grouped by influencer, post, format (platform / kind) or
posting-time bucket, on ER, QW-ER, CPE, CTR and conversion rate, with confidence intervals and a verdict.

The posts are the brand's campaign rows with a stored post, in the period by the rule of
``campaign_performance``; each post's E, QWE and followers are those of ``post_quality`` (the same QWE as
everywhere). Per group:

- ER and QW-ER: the mean over posts of E / F × 100 and QWE / F × 100 (posts whose account has followers),
  with a percentile bootstrap interval over posts (from ``store.stats.MIN_BOOTSTRAP_POSTS`` = 8 posts per
  group; below that no interval, and the verdict says too few posts, with the counts);
- CPE: Σ cost / Σ E over the group's posts, bootstrap interval (likewise). Costs in different currencies
  are never added or compared: a group whose posts are paid in several currencies has no CPE, nor has a
  comparison of groups paid in different ones, and the verdict says so;
- CTR: Σ clicks / Σ impressions × 100 (views where a row has no impressions), conversion rate:
  Σ conversions / Σ clicks × 100, over the rows that give both, with Wilson intervals. Conversions follow
  ``campaign_performance``'s precedence, so ``kpi`` and ``compare`` give one conversion rate: traffic and
  codes attributed to a (campaign, influencer) replace the file's conversions of that pair. Attribution is
  per pair, not per post, so it counts only in a group that holds all the pair's posts (always, by
  influencer; by post, format or hour, a pair whose posts fall in several groups keeps the file's per-post
  conversions). Its clicks are the pair's file clicks, else the attributed sessions.
  ``GroupFigures.conversions_source`` says which ("attributed", "file" or "attributed and file").

Each group after the first (the baseline) is compared with it: the difference group − baseline with a
bootstrap interval (rates over posts) or Newcombe's interval (proportions), and ``store.stats.verdict``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, tzinfo
from typing import Any

from sqlalchemy import and_, select
from sqlmodel import Session

from store import stats
from store.kpi.attributed import AttributedResult, AttributionRules, attributed_results
from store.kpi.campaigns import brand_campaign_posts, campaign_in_period
from store.kpi.common import ctr_base, rate_per_follower
from store.kpi.quality import DEFAULT_LOW_EFFORT_WEIGHT, post_quality
from store.models import POST_KINDS, Author, Brand, Campaign, Mention, Post
from store.timeutil import as_utc

DIMENSIONS = ("influencer", "post", "format", "hour")
DEFAULT_HOUR_BUCKETS = (0, 6, 12, 18)  # posting-time buckets start at these hours (local time)
METRICS = ("er", "qw_er", "cpe", "ctr", "conversion_rate")
LABELS = {"er": "ER", "qw_er": "QW-ER", "cpe": "CPE", "ctr": "CTR", "conversion_rate": "conversion rate"}
WILSON_METRICS = {"ctr": ("clicks", "views_or_impressions"), "conversion_rate": ("conversions", "clicks")}
WILSON_WORDS = {"ctr": ("clicks", "impressions"), "conversion_rate": ("conversions", "clicks")}


@dataclass(frozen=True)
class CampaignUnit:
    """One campaign post with what the comparison reads."""

    campaign: str
    influencer: str
    post_ref: str
    platform: str
    kind: str
    published_at: datetime | None
    engagement: int
    qwe: float
    followers: int | None
    cost: float
    currency: str | None
    impressions: int | None
    views: int | None
    clicks: int | None
    conversions: int | None
    # The pair's attributed traffic and codes (None: none, or the pair pays in several currencies, as in
    # campaign_performance), and how many posts the pair has in the period.
    attributed: AttributedResult | None = None
    pair_posts: int = 1

    @property
    def views_or_impressions(self) -> int | None:
        """CTR's denominator: impressions, else views (``store.kpi.common.ctr_base``)."""
        base = ctr_base(self.impressions, self.views)
        return int(base) if base is not None else None


def campaign_units(
    session: Session,
    *,
    brand: str,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    low_effort_weight: float = DEFAULT_LOW_EFFORT_WEIGHT,
    attribution: AttributionRules | None = None,
) -> list[CampaignUnit]:
    """The brand's campaign rows with a stored post, in the period, with each post's figures and, with
    ``attribution``, their (campaign, influencer)'s attributed results."""
    pq = post_quality(session, low_effort_weight=low_effort_weight, post_ids=brand_campaign_posts(brand))
    body = and_(
        Mention.post_id == Post.id, Mention.kind.in_(POST_KINDS), Mention.external_id == Post.external_id
    )
    stmt = (
        select(
            Campaign.name,
            Campaign.influencer,
            Campaign.post_ref,
            Post.platform,
            Mention.kind,
            Post.published_at,
            pq.c.engagement,
            pq.c.qwe,
            Author.followers,
            Campaign.cost,
            Campaign.currency,
            Campaign.impressions,
            Post.views,
            Campaign.clicks,
            Campaign.conversions,
        )
        .select_from(Campaign)
        .join(Brand, Brand.id == Campaign.brand_id)
        .join(Post, Post.id == Campaign.post_id)
        .join(pq, pq.c.post_id == Post.id)
        .outerjoin(Author, Author.id == Post.author_id)
        .outerjoin(Mention, body)
        .where(Brand.name == brand, campaign_in_period(since, until))
        .order_by(Campaign.name, Campaign.influencer, Campaign.post_ref)
    )
    units = [
        CampaignUnit(
            campaign=r[0],
            influencer=r[1],
            post_ref=r[2],
            platform=r[3],
            kind=r[4] or "post",
            published_at=as_utc(r[5]),
            engagement=int(r[6] or 0),
            qwe=float(r[7] or 0.0),
            followers=int(r[8]) if r[8] is not None else None,
            cost=float(r[9] or 0.0),
            currency=r[10],
            impressions=r[11],
            views=r[12],
            clicks=r[13],
            conversions=r[14],
        )
        for r in session.execute(stmt).all()
    ]
    pairs: dict[tuple[str, str], list[CampaignUnit]] = {}
    for u in units:
        pairs.setdefault((u.campaign, u.influencer), []).append(u)
    found: dict[tuple[str, str | None], AttributedResult] = {}
    if attribution is not None:
        found = {
            (r.campaign, r.influencer): r
            for r in attributed_results(session, brand=brand, rules=attribution, since=since, until=until)
        }
    out = []
    for key, members in pairs.items():
        got = found.get(key) if len({u.currency for u in members}) == 1 else None
        out += [replace(u, attributed=got, pair_posts=len(members)) for u in members]
    return out


def hour_bucket(hour: int, starts: Sequence[int] = DEFAULT_HOUR_BUCKETS) -> str:
    """The bucket of an hour: ``hour_bucket(7)`` → "06–12". The last bucket runs to the first start, past
    midnight when that is not 0: ``hour_bucket(3, [6, 12, 18])`` → "18–06" (with a 0 start, "18–24")."""
    ordered = sorted(starts)
    start = max((s for s in ordered if s <= hour), default=ordered[-1])
    i = ordered.index(start)
    end = ordered[i + 1] if i + 1 < len(ordered) else ordered[0] or 24
    return f"{start:02d}–{end:02d}"


def group_of(
    unit: CampaignUnit, by: str, tz: tzinfo | None = None, buckets: Sequence[int] = DEFAULT_HOUR_BUCKETS
) -> str | None:
    """The group a post falls in (None: a post with no time, for the hour dimension)."""
    if by == "influencer":
        return unit.influencer
    if by == "post":
        return unit.post_ref
    if by == "format":
        return f"{unit.platform}/{unit.kind}"
    if by == "hour":
        if unit.published_at is None:
            return None
        return hour_bucket((unit.published_at.astimezone(tz) if tz else unit.published_at).hour, buckets)
    raise ValueError(f"unknown dimension {by!r}; one of {', '.join(DIMENSIONS)}")


@dataclass(frozen=True)
class Estimate:
    """A group's figure with its interval (same unit), over ``n`` posts (bootstrap) or trials (Wilson)."""

    value: float | None
    low: float | None
    high: float | None
    n: int
    method: str


@dataclass(frozen=True)
class GroupFigures:
    group: str
    posts: int
    estimates: dict[str, Estimate]
    currency: str | None = None  # the costs' currency (CPE's unit); None: none given, or several
    conversions_source: str = "file"  # "attributed", "file" or "attributed and file" (see the module)


@dataclass(frozen=True)
class Comparison:
    metric: str
    baseline: str
    group: str
    difference: float | None
    low: float | None
    high: float | None
    significant: bool | None
    verdict: str


@dataclass(frozen=True)
class ABResult:
    brand: str
    by: str
    confidence: float
    seed: int
    resamples: int
    groups: list[GroupFigures] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (``brandpulse compare --json``)."""
        return asdict(self)


def _rows(units: Sequence[CampaignUnit], metric: str) -> list[list[float]]:
    """The per-post rows a bootstrap statistic reads."""
    if metric in ("er", "qw_er"):
        rates = [rate_per_follower(u.engagement if metric == "er" else u.qwe, u.followers) for u in units]
        return [[r] for r in rates if r is not None]
    return [[u.cost, float(u.engagement)] for u in units]  # cpe


def _conversion_pairs(units: Sequence[CampaignUnit]) -> tuple[list[tuple[int | None, int | None]], set[str]]:
    """(conversions, clicks) per post, or per (campaign, influencer) where its attributed results count
    (see the module), and where they came from."""
    pairs: dict[tuple[str, str], list[CampaignUnit]] = {}
    for u in units:
        pairs.setdefault((u.campaign, u.influencer), []).append(u)
    out: list[tuple[int | None, int | None]] = []
    sources = set()
    for members in pairs.values():
        got = members[0].attributed
        if got is not None and len(members) == members[0].pair_posts:
            clicks = [u.clicks for u in members if u.clicks is not None]
            out.append((got.conversions, sum(clicks) if clicks else got.sessions or None))
            sources.add("attributed")
        else:
            out += [(u.conversions, u.clicks) for u in members]
            sources.add("file")
    return out, sources


def _conversions_source(units: Sequence[CampaignUnit]) -> str:
    sources = _conversion_pairs(units)[1] or {"file"}
    return " and ".join(sorted(sources))


def _counts(units: Sequence[CampaignUnit], metric: str) -> tuple[int, int]:
    """(successes, trials) of a proportion over the rows that give both."""
    if metric == "conversion_rate":
        pairs = _conversion_pairs(units)[0]
    else:
        s_attr, n_attr = WILSON_METRICS[metric]
        pairs = [(getattr(u, s_attr), getattr(u, n_attr)) for u in units]
    both = [(s, n) for s, n in pairs if s is not None and n is not None]
    return sum(s for s, _ in both), sum(n for _, n in both)


def _statistic(metric: str) -> stats.Statistic:
    return stats.ratio_of_sums if metric == "cpe" else stats.mean_of_first


def _currencies(units: Sequence[CampaignUnit]) -> set[str | None]:
    return {u.currency for u in units}


def _currency_text(currencies: set[str | None]) -> str:
    return ", ".join(sorted(c or "none given" for c in currencies))


def _estimate(units: Sequence[CampaignUnit], metric: str, opts: dict[str, Any]) -> Estimate:
    if metric == "cpe" and len(_currencies(units)) > 1:
        return Estimate(None, None, None, len(units), "bootstrap")  # costs in different currencies
    if metric in WILSON_METRICS:
        s, n = _counts(units, metric)
        ci = stats.wilson(s, n, opts["confidence"])
        # More successes than trials (code orders can outnumber clicks): a rate, but not a proportion.
        value = s * 100.0 / n if n > 0 else None
        lo, hi = (ci.low * 100.0, ci.high * 100.0) if ci else (None, None)
        return Estimate(value, lo, hi, n, "wilson")
    rows = _rows(units, metric)
    value = stats.point(rows, _statistic(metric))
    ci = stats.bootstrap_interval(rows, _statistic(metric), **opts)
    return Estimate(value, ci.low if ci else None, ci.high if ci else None, len(rows), "bootstrap")


def _compare(
    metric: str,
    a: tuple[str, Sequence[CampaignUnit]],
    b: tuple[str, Sequence[CampaignUnit]],
    opts: dict[str, Any],
) -> Comparison:
    (name_a, units_a), (name_b, units_b) = a, b
    ea, eb = _estimate(units_a, metric, opts), _estimate(units_b, metric, opts)
    why_not = None
    if metric == "cpe":
        ca, cb = _currencies(units_a), _currencies(units_b)
        for name, cs in ((name_a, ca), (name_b, cb)):
            if len(cs) > 1:
                why_not = f"costs are in different currencies ({_currency_text(cs)})"
                return Comparison(
                    metric, name_a, name_b, None, None, None, None, f"No CPE for {name}: {why_not}."
                )
        if ca and cb and ca != cb:
            why_not = (
                f"costs are in different currencies ({name_a} {_currency_text(ca)}, {name_b} "
                f"{_currency_text(cb)})"
            )
            return Comparison(
                metric, name_a, name_b, None, None, None, None, f"No CPE comparison: {why_not}."
            )
    if metric in WILSON_METRICS:
        (sa, na), (sb, nb) = _counts(units_a, metric), _counts(units_b, metric)
        ci = stats.newcombe_difference(sb, nb, sa, na, opts["confidence"])
        ci = stats.Interval(ci.low * 100.0, ci.high * 100.0) if ci else None
        over = [f"{name} {s:,} of {n:,}" for name, s, n in ((name_a, sa, na), (name_b, sb, nb)) if s > n > 0]
        if over:
            more, fewer = WILSON_WORDS[metric]
            why_not = (
                f"more {more} than {fewer} ({'; '.join(over)}): the rate is not a proportion, so no interval"
            )
    else:
        rows_a, rows_b = _rows(units_a, metric), _rows(units_b, metric)
        ci = stats.bootstrap_difference(rows_a, rows_b, _statistic(metric), **opts)
        if min(len(rows_a), len(rows_b)) < stats.MIN_BOOTSTRAP_POSTS:
            why_not = (
                f"too few posts to tell whether the difference is significant at "
                f"{opts['confidence'] * 100:g} % ({name_a} {len(rows_a)}, {name_b} {len(rows_b)}; "
                f"{stats.MIN_BOOTSTRAP_POSTS} per group needed)"
            )
    diff = eb.value - ea.value if ea.value is not None and eb.value is not None else None
    return Comparison(
        metric=metric,
        baseline=name_a,
        group=name_b,
        difference=diff,
        low=ci.low if ci else None,
        high=ci.high if ci else None,
        significant=ci.excludes_zero() if ci and diff is not None else None,
        verdict=stats.verdict(
            LABELS[metric], name_a, ea.value, name_b, eb.value, ci, opts["confidence"], why_not=why_not
        ),
    )


def compare_groups(
    units: Sequence[CampaignUnit],
    *,
    brand: str,
    by: str,
    groups: Sequence[str] | None = None,
    tz: tzinfo | None = None,
    buckets: Sequence[int] = DEFAULT_HOUR_BUCKETS,
    confidence: float = stats.DEFAULT_CONFIDENCE,
    resamples: int = stats.BOOTSTRAP_RESAMPLES,
    seed: int = stats.BOOTSTRAP_SEED,
) -> ABResult:
    """Group ``units`` by ``by`` and compare every group with the first (``groups`` in that order, else
    every group found, sorted by name). A named group with no posts is kept, empty."""
    found: dict[str, list[CampaignUnit]] = {}
    for u in units:
        key = group_of(u, by, tz, buckets)
        if key is not None:
            found.setdefault(key, []).append(u)
    names = list(groups) if groups else sorted(found)
    opts = {"confidence": confidence, "resamples": resamples, "seed": seed}
    result = ABResult(brand, by, confidence, seed, resamples)
    for name in names:
        members = found.get(name, [])
        estimates = {m: _estimate(members, m, opts) for m in METRICS}
        currencies = _currencies(members)
        currency = next(iter(currencies)) if len(currencies) == 1 else None
        source = _conversions_source(members)
        result.groups.append(GroupFigures(name, len(members), estimates, currency, source))
    for other in names[1:]:
        for m in METRICS:
            base = (names[0], found.get(names[0], []))
            result.comparisons.append(_compare(m, base, (other, found.get(other, [])), opts))
    return result
