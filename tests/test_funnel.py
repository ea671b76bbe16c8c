"""Funnel-plot limits (Spiegelhalter 2005, Stat Med 24:1185) against hand-worked values and scipy.stats.binom."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from review.exceptions import ParameterError
from review.stats.funnel import binomial_limits, funnel, normal_limits


def test_normal_limits_worked_by_hand():
    # p0 = 0.2, n = 400: sd = sqrt(0.2 * 0.8 / 400) = sqrt(0.0004) = 0.02.
    # 95%: z = 1.959964 -> 0.2 -/+ 0.0391993 = 0.1608007, 0.2391993.
    low, high = normal_limits(0.2, [400], 0.95)
    assert low[0] == pytest.approx(0.1608007, abs=1e-6)
    assert high[0] == pytest.approx(0.2391993, abs=1e-6)
    # 99.8%: z = 3.090232 -> 0.2 -/+ 0.0618046 = 0.1381954, 0.2618046.
    low, high = normal_limits(0.2, [400], 0.998)
    assert low[0] == pytest.approx(0.1381954, abs=1e-6)
    assert high[0] == pytest.approx(0.2618046, abs=1e-6)


def _scipy_interpolated(p: float, n: int, p0: float) -> float:
    """Second implementation through scipy.stats.binom: r_p = ppf(p), alpha = (F(r_p) - p) / f(r_p)."""
    r_p = stats.binom.ppf(p, n, p0)
    alpha = (stats.binom.cdf(r_p, n, p0) - p) / stats.binom.pmf(r_p, n, p0)
    return (r_p - alpha) / n


@pytest.mark.parametrize("p0", [0.1, 0.5, 0.73])
@pytest.mark.parametrize("n", [12, 50, 137, 800])
@pytest.mark.parametrize("level", [0.95, 0.998])
def test_binomial_limits_match_scipy_binom(p0, n, level):
    low, high = binomial_limits(p0, [n], level)
    tail = (1 - level) / 2
    # Where the quantile is 0 events the interpolation steps below zero (-alpha / n); a proportion's
    # limit is then 0 (e.g. p0 = 0.1, n = 12, 99.8%).
    assert low[0] == pytest.approx(max(0.0, _scipy_interpolated(tail, n, p0)), abs=1e-9)
    assert low[0] >= 0
    assert high[0] == pytest.approx(_scipy_interpolated(1 - tail, n, p0), abs=1e-9)


def test_binomial_limits_worked_by_hand_small_n():
    # Binomial(10, 0.5): F(1) = 11/1024 = 0.0107422, F(2) = 56/1024 = 0.0546875.
    # 2.5% quantile: r_p = 2, alpha = (0.0546875 - 0.025) / (45/1024) = 30.4/45 = 0.6755556 -> (2 - 0.6755556)/10 = 0.1324444.
    # Upper by symmetry: F(7) = 968/1024 = 0.9453125 < 0.975 <= F(8) = 1013/1024 = 0.9892578;
    # alpha = (0.9892578 - 0.975) / (45/1024) = 0.3244444 -> (8 - 0.3244444)/10 = 0.7675556.
    low, high = binomial_limits(0.5, [10], 0.95)
    assert low[0] == pytest.approx(0.1324444, abs=1e-6)
    assert high[0] == pytest.approx(0.7675556, abs=1e-6)


def test_binomial_close_to_normal_for_large_n():
    # Spiegelhalter (2005) section 3: the normal approximation is adequate for large denominators.
    lo_b, hi_b = binomial_limits(0.3, [20000], 0.998)
    lo_n, hi_n = normal_limits(0.3, [20000], 0.998)
    assert abs(lo_b[0] - lo_n[0]) < 5e-4
    assert abs(hi_b[0] - hi_n[0]) < 5e-4


def test_funnel_positions_hand_built():
    # Target = (50 + 45 + 90 + 62) / 400 = 0.6175. At n = 100 the normal limits are
    # 95%: 0.6175 -/+ 1.96 * sqrt(0.6175 * 0.3825 / 100) = -/+ 1.96 * 0.04860 = -/+ 0.0953 -> 0.522, 0.713;
    # 99.8%: -/+ 3.09 * 0.04860 = -/+ 0.150 -> 0.467, 0.768 (the exact limits differ by under 0.01).
    # A = 0.50: below 0.522, above 0.467 -> low alert; B = 0.45 < 0.467 -> low alarm;
    # C = 0.90 > 0.768 -> high alarm; D = 0.62 -> within.
    result = funnel("compliance", ["A", "B", "C", "D"], [50, 45, 90, 62], [100, 100, 100, 100])
    assert result.target == pytest.approx(0.6175)
    assert [p.position for p in result.points] == ["low alert", "low alarm", "high alarm", "within"]
    assert [p.unit for p in result.outliers] == ["A", "B", "C"]


def test_funnel_rejects_bad_counts():
    with pytest.raises(ParameterError, match="between 0 and its denominator"):
        funnel("x", ["A"], [5], [4])
    with pytest.raises(ParameterError, match="positive"):
        binomial_limits(0.5, [0], 0.95)
    with pytest.raises(ParameterError, match="strictly between 0 and 1"):
        normal_limits(1.0, [10], 0.95)
    assert np.all(np.diff(normal_limits(0.5, [10, 100, 1000], 0.95)[1]) < 0)  # the funnel narrows
