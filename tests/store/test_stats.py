"""store.stats: Wilson and Newcombe intervals against hand arithmetic, and the bootstrap's properties that
hand arithmetic can pin (a tiny case, identical groups, determinism under the seed)."""

from __future__ import annotations

import pytest

from store import stats


def test_wilson_by_hand() -> None:
    """5 of 50: p = 0.1, z² = 3.841459, 1 + z²/n = 1.0768292; centre (0.1 + 0.0384146) / 1.0768292 =
    0.128539; half 1.959964 / 1.0768292 × √(0.0018 + 0.00038415) = 1.820126 × 0.0467349 = 0.085063
    → [0.043476, 0.213602]."""
    ci = stats.wilson(5, 50)
    assert (ci.low, ci.high) == pytest.approx((0.043476, 0.213602), abs=1e-6)
    # 0 of 10: the interval starts at 0 and ends at z² / (n + z²) = 3.841459 / 13.841459 = 0.277533.
    zero = stats.wilson(0, 10)
    assert (zero.low, zero.high) == pytest.approx((0.0, 0.277533), abs=1e-6)
    assert stats.wilson(3, 0) is None and stats.wilson(4, 3) is None


def test_newcombe_of_equal_proportions_is_symmetric_around_zero() -> None:
    ci = stats.newcombe_difference(5, 50, 5, 50)
    w = stats.wilson(5, 50)
    # d = 0; low = −√((p − l)² + (u − p)²) = −high.
    half = ((0.1 - w.low) ** 2 + (w.high - 0.1) ** 2) ** 0.5
    assert (ci.low, ci.high) == pytest.approx((-half, half))
    assert not ci.excludes_zero()


def test_bootstrap_tiny_case_identical_groups_and_seed() -> None:
    # Two posts 0 and 10 (allowed here with min_posts=2): resampled means 0, 5, 10 with chances 1/4, 1/2,
    # 1/4 → the 2.5th and 97.5th percentiles are 0 and 10: the interval is just the two posts' values.
    assert stats.bootstrap_interval([[0.0], [10.0]], min_posts=2) == stats.Interval(0.0, 10.0)
    # That is why the default asks for 8 posts per group: 2 (or 7) give no interval, 8 give one.
    assert stats.MIN_BOOTSTRAP_POSTS == 8
    assert stats.bootstrap_interval([[0.0], [10.0]]) is None
    assert stats.bootstrap_interval([[float(i)] for i in range(7)]) is None
    assert stats.bootstrap_interval([[float(i)] for i in range(8)]) is not None
    assert stats.bootstrap_difference([[1.0]] * 8, [[2.0]] * 7) is None
    # One post: no interval; every post alike: no spread.
    assert stats.bootstrap_interval([[3.0]], min_posts=1) == stats.Interval(3.0, 3.0)
    assert stats.bootstrap_interval([[3.0]]) is None
    assert stats.bootstrap_interval([[2.0]] * 8) == stats.Interval(2.0, 2.0)
    # Identical groups: the difference's interval holds 0, and the verdict says the figures are the same.
    group = [[1.0], [2.0], [4.0], [8.0]] * 2
    diff = stats.bootstrap_difference(group, group)
    assert diff.low < 0 < diff.high
    assert stats.verdict("ER", "A", 3.75, "B", 3.75, diff) == (
        "A and B have the same ER; the difference is not significant at 95 %."
    )
    # The same seed, the same interval; ratio of sums with a zero denominator in a resample is left out.
    assert stats.bootstrap_difference(group, [[3.0], [9.0]] * 4) == stats.bootstrap_difference(
        group, [[3.0], [9.0]] * 4
    )
    # Resamples {1/0, 1/0} (0/0: left out), {1/0, 2/4} = 3/4, {2/4, 2/4} = 0.5.
    assert stats.bootstrap_interval(
        [[1.0, 0.0], [2.0, 4.0]], stats.ratio_of_sums, min_posts=2
    ) == stats.Interval(0.5, 0.75)


def test_verdict_wording() -> None:
    assert stats.verdict("CTR", "A", 1.0, "B", 2.0, stats.Interval(0.2, 1.8)) == (
        "B's CTR is higher; the difference is significant at 95 %."
    )
    assert stats.verdict("CTR", "A", 1.0, "B", 2.0, None).endswith(
        "too few data to tell whether the difference is significant at 95 %."
    )
    assert stats.verdict("CPE", "A", None, "B", 2.0, None) == "No CPE for A: nothing to compare."
    assert stats.verdict("ER", "A", 1.0, "B", 2.0, None, why_not="too few posts to tell (A 2, B 3)") == (
        "B's ER is higher; too few posts to tell (A 2, B 3)."
    )
