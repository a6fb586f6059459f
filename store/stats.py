"""Statistics for comparisons, in one place: Wilson score intervals for proportions, Newcombe's interval for
the difference of two proportions, percentile bootstrap intervals (fixed seed) for rates over posts and their
differences, and the plain-language verdict. Pure: numbers in, numbers out (stdlib and numpy, no database).

- Wilson (proportion p̂ = s / n, z the normal quantile of the confidence):
  centre = (p̂ + z²/2n) / (1 + z²/n), half-width = z / (1 + z²/n) × √(p̂(1 − p̂)/n + z²/4n²).
- Newcombe (hybrid score, "method 10") for p_b − p_a with Wilson limits (l, u) of each:
  low = d − √((p_b − l_b)² + (u_a − p_a)²), high = d + √((u_b − p_b)² + (p_a − l_a)²).
- Percentile bootstrap: ``resamples`` resamplings of the posts with replacement (each group on its own), the
  statistic of each, and its (1 − c)/2 and (1 + c)/2 percentiles (linear interpolation); a difference
  resamples both groups and takes the percentiles of statistic(b) − statistic(a). numpy's PCG64 generator
  with ``seed``: the same data always gives the same interval. Fewer than ``MIN_BOOTSTRAP_POSTS`` (8) posts
  in a group: no interval. With 2 posts a percentile bootstrap only ever sees 3 means, and its "interval" is
  the two posts' values: it would call differences significant that no one could tell from 2 posts.
- A difference is significant when its interval excludes 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

DEFAULT_CONFIDENCE = 0.95
BOOTSTRAP_SEED = 21  # any fixed number: results are reproducible run to run
BOOTSTRAP_RESAMPLES = 2000
MIN_BOOTSTRAP_POSTS = 8  # posts per group for a bootstrap interval (and so a verdict)

Statistic = Callable[[np.ndarray], np.ndarray]  # (..., n, k) rows → (...) statistic


@dataclass(frozen=True)
class Interval:
    low: float
    high: float

    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0


def z_value(confidence: float = DEFAULT_CONFIDENCE) -> float:
    """The two-sided normal quantile: 1.959964 for 95 %."""
    return NormalDist().inv_cdf((1 + confidence) / 2)


def wilson(successes: int, trials: int, confidence: float = DEFAULT_CONFIDENCE) -> Interval | None:
    """Wilson score interval of successes / trials (as proportions 0…1); None for no trials or s > n.

    >>> i = wilson(5, 50); round(i.low, 4), round(i.high, 4)
    (0.0435, 0.2136)
    """
    if trials <= 0 or not 0 <= successes <= trials:
        return None
    z = z_value(confidence)
    p = successes / trials
    den = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / den
    half = z / den * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    return Interval(max(0.0, centre - half), min(1.0, centre + half))


def newcombe_difference(
    s_b: int, n_b: int, s_a: int, n_a: int, confidence: float = DEFAULT_CONFIDENCE
) -> Interval | None:
    """Newcombe's hybrid score interval of p_b − p_a (proportions 0…1)."""
    wa, wb = wilson(s_a, n_a, confidence), wilson(s_b, n_b, confidence)
    if wa is None or wb is None:
        return None
    pa, pb = s_a / n_a, s_b / n_b
    d = pb - pa
    low = d - math.sqrt((pb - wb.low) ** 2 + (wa.high - pa) ** 2)
    high = d + math.sqrt((wb.high - pb) ** 2 + (pa - wa.low) ** 2)
    return Interval(low, high)


def mean_of_first(rows: np.ndarray) -> np.ndarray:
    """The mean of column 0 (a rate per post: ER, QW-ER)."""
    return rows[..., 0].mean(axis=-1)


def ratio_of_sums(rows: np.ndarray) -> np.ndarray:
    """Σ column 0 / Σ column 1 (CPE = Σ cost / Σ E); NaN where the denominator is 0."""
    num, den = rows[..., 0].sum(axis=-1), rows[..., 1].sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den != 0, num / np.where(den != 0, den, 1), np.nan)


def _percentiles(stats: np.ndarray, confidence: float) -> Interval | None:
    finite = stats[np.isfinite(stats)]
    if finite.size == 0:
        return None
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(finite, [tail, 100 - tail])
    return Interval(float(low), float(high))


def _resample(rows: np.ndarray, rng: np.random.Generator, resamples: int) -> np.ndarray:
    return rows[rng.integers(0, len(rows), size=(resamples, len(rows)))]


def bootstrap_interval(
    rows: Sequence[Sequence[float]],
    statistic: Statistic = mean_of_first,
    *,
    confidence: float = DEFAULT_CONFIDENCE,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
    min_posts: int = MIN_BOOTSTRAP_POSTS,
) -> Interval | None:
    """Percentile bootstrap interval of ``statistic`` over ``rows`` (one row per post); None for fewer than
    ``min_posts`` rows.

    >>> bootstrap_interval([[0.0], [10.0]], min_posts=2)
    Interval(low=0.0, high=10.0)
    """
    data = np.asarray(rows, dtype=float)
    if len(data) < max(min_posts, 1):
        return None
    rng = np.random.default_rng(seed)
    return _percentiles(statistic(_resample(data, rng, resamples)), confidence)


def bootstrap_difference(
    rows_a: Sequence[Sequence[float]],
    rows_b: Sequence[Sequence[float]],
    statistic: Statistic = mean_of_first,
    *,
    confidence: float = DEFAULT_CONFIDENCE,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
    min_posts: int = MIN_BOOTSTRAP_POSTS,
) -> Interval | None:
    """Percentile bootstrap interval of statistic(b) − statistic(a), each group resampled on its own; None
    when either group has fewer than ``min_posts`` rows."""
    a, b = np.asarray(rows_a, dtype=float), np.asarray(rows_b, dtype=float)
    if min(len(a), len(b)) < max(min_posts, 1):
        return None
    rng = np.random.default_rng(seed)
    diff = statistic(_resample(b, rng, resamples)) - statistic(_resample(a, rng, resamples))
    return _percentiles(diff, confidence)


def point(rows: Sequence[Sequence[float]], statistic: Statistic = mean_of_first) -> float | None:
    """``statistic`` of all the rows (None for no rows or a zero denominator)."""
    data = np.asarray(rows, dtype=float)
    if len(data) == 0:
        return None
    value = float(statistic(data))
    return value if math.isfinite(value) else None


def verdict(
    label: str,
    name_a: str,
    value_a: float | None,
    name_b: str,
    value_b: float | None,
    interval: Interval | None,
    confidence: float = DEFAULT_CONFIDENCE,
    *,
    why_not: str | None = None,
) -> str:
    """The comparison in one sentence; ``why_not`` says why there is no figure or no interval (default:
    "nothing to compare" / "too few data to tell ...").

    >>> verdict("QW-ER", "A", 2.0, "B", 4.1, Interval(-0.5, 4.6))
    "B's QW-ER is higher; the difference is not significant at 95 %."
    """
    level = f"{confidence * 100:g} %"
    if value_a is None or value_b is None:
        missing = name_a if value_a is None else name_b
        return f"No {label} for {missing}: {why_not or 'nothing to compare'}."
    if value_a == value_b:
        head = f"{name_a} and {name_b} have the same {label}"
    else:
        higher = name_b if value_b > value_a else name_a
        head = f"{higher}'s {label} is higher"
    if interval is None:
        why_not = why_not or f"too few data to tell whether the difference is significant at {level}"
        return f"{head}; {why_not}."
    if interval.excludes_zero():
        return f"{head}; the difference is significant at {level}."
    return f"{head}; the difference is not significant at {level}."
