"""Funnel-plot control limits for comparing authorities' proportions.

A funnel plot shows each authority's rate against its denominator, with control limits around
the regional (target) rate that narrow as the denominator grows. An authority outside the 95%
limits is a possible outlier ("alert"); outside the 99.8% limits, a likely one ("alarm").

References
----------
.. [1] Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance.
   *Statistics in Medicine* 24(8), 1185-1202. Section 3 (normal approximation,
   ``p0 +/- z * sqrt(p0 (1 - p0) / n)``) and Appendix A.1.1 (exact binomial limits with
   interpolation between the discrete quantiles).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special

from review.exceptions import ParameterError

__all__ = ["FunnelPoint", "FunnelResult", "binomial_limits", "funnel", "normal_limits"]

LEVELS = (0.95, 0.998)
"""The two-sided coverages Spiegelhalter (2005) recommends: 95% and 99.8%."""


def _check(target: float, n: np.ndarray, level: float) -> None:
    if not 0.0 < target < 1.0:
        raise ParameterError(f"the target proportion must lie strictly between 0 and 1; got {target!r}")
    if not 0.0 < level < 1.0:
        raise ParameterError(f"the level must lie strictly between 0 and 1; got {level!r}")
    if np.any(n <= 0):
        raise ParameterError("every denominator must be positive")


def normal_limits(target: float, n: Sequence[float] | float, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Normal-approximation funnel limits for a proportion, Spiegelhalter (2005) section 3.

    Parameters
    ----------
    target : float
        The target (regional) proportion ``p0``.
    n : float or sequence of float
        Denominators.
    level : float
        Two-sided coverage, e.g. 0.95 or 0.998.

    Returns
    -------
    tuple of numpy.ndarray
        ``(low, high)``: ``p0 -/+ z sqrt(p0 (1 - p0) / n)`` (not clipped to [0, 1]).

    Examples
    --------
    >>> low, high = normal_limits(0.5, [100], 0.95)
    >>> round(float(low[0]), 4), round(float(high[0]), 4)
    (0.402, 0.598)
    """
    n_arr = np.atleast_1d(np.asarray(n, dtype=float))
    _check(target, n_arr, level)
    z = -special.ndtri((1.0 - level) / 2.0)
    half = z * np.sqrt(target * (1.0 - target) / n_arr)
    return target - half, target + half


def _binom_quantile(p: float, n: int, target: float) -> float:
    """Spiegelhalter's interpolated binomial quantile, as a count (Appendix A.1.1)."""
    # r_p: smallest r with P(R <= r) >= p; then step back by the fraction alpha of the last jump.
    r = np.arange(n + 1)
    cdf = special.bdtr(r, n, target)
    r_p = int(np.searchsorted(cdf, p - 1e-12))
    r_p = min(r_p, n)
    below = cdf[r_p - 1] if r_p > 0 else 0.0
    jump = cdf[r_p] - below
    alpha = (cdf[r_p] - p) / jump if jump > 0 else 0.0
    return r_p - alpha


def binomial_limits(target: float, n: Sequence[int] | int | np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact binomial funnel limits with interpolation, Spiegelhalter (2005) Appendix A.1.1.

    For coverage ``level`` the lower limit is the interpolated ``(1 - level) / 2`` quantile of
    Binomial(n, p0) divided by n, the upper the ``(1 + level) / 2`` quantile divided by n.

    Parameters
    ----------
    target : float
        The target (regional) proportion ``p0``.
    n : int or sequence of int
        Denominators (whole numbers).
    level : float
        Two-sided coverage, e.g. 0.95 or 0.998.

    Returns
    -------
    tuple of numpy.ndarray
        ``(low, high)`` proportions. The interpolation steps back below 0 when the quantile is 0
        events (``r_p = 0``: ``-alpha / n``); a proportion cannot, so such a limit is 0.

    Examples
    --------
    >>> low, high = binomial_limits(0.01, [50], 0.95)  # F(0) = 0.99**50 = 0.605 >= 0.025: r_p = 0
    >>> # upper: F(1) = 0.9106, F(2) = 0.9862 >= 0.975, alpha = (0.9862 - 0.975) / (0.9862 - 0.9106) = 0.148
    >>> float(low[0]), round(float(high[0]), 4)  # (2 - 0.148) / 50
    (0.0, 0.037)
    >>> low, high = binomial_limits(0.5, [100], 0.95)  # r = 40, F(40) = 0.0284, F(39) = 0.0176
    >>> round(float(low[0]), 3), round(float(high[0]), 3)
    (0.397, 0.593)
    """
    n_arr = np.atleast_1d(np.asarray(n))
    _check(target, n_arr, level)
    if not np.all(np.equal(np.mod(n_arr, 1), 0)):
        raise ParameterError("binomial limits need whole-number denominators")
    tail = (1.0 - level) / 2.0
    low = np.array([max(0.0, _binom_quantile(tail, int(k), target)) / k for k in n_arr])
    high = np.array([_binom_quantile(1.0 - tail, int(k), target) / k for k in n_arr])
    return low, high


@dataclass(frozen=True)
class FunnelPoint:
    """One authority on a funnel plot.

    Attributes
    ----------
    unit : str
        The authority's id.
    events, n : int
        Numerator and denominator.
    proportion : float
        ``events / n``.
    low95, high95, low998, high998 : float
        The funnel limits at this denominator.
    position : str
        ``"high alarm"`` (above the 99.8% limit), ``"high alert"`` (above 95%), ``"within"``,
        ``"low alert"`` or ``"low alarm"``.
    """

    unit: str
    events: int
    n: int
    proportion: float
    low95: float
    high95: float
    low998: float
    high998: float
    position: str


@dataclass(frozen=True)
class FunnelResult:
    """A funnel plot of one measure across authorities.

    Attributes
    ----------
    measure : str
        What is compared.
    target : float
        The regional proportion (pooled: total events over total denominator).
    points : tuple of FunnelPoint
        One per authority, in the order given.
    """

    measure: str
    target: float
    points: tuple[FunnelPoint, ...]

    @property
    def outliers(self) -> tuple[FunnelPoint, ...]:
        """Authorities outside the 95% limits."""
        return tuple(p for p in self.points if p.position != "within")

    @property
    def alarms(self) -> tuple[FunnelPoint, ...]:
        """Authorities outside the 99.8% limits."""
        return tuple(p for p in self.points if p.position.endswith("alarm"))


def _position(x: float, lo95: float, hi95: float, lo998: float, hi998: float) -> str:
    if x > hi998:
        return "high alarm"
    if x < lo998:
        return "low alarm"
    if x > hi95:
        return "high alert"
    if x < lo95:
        return "low alert"
    return "within"


def funnel(
    measure: str, units: Sequence[str], events: Sequence[int], n: Sequence[int]
) -> FunnelResult:
    """Place authorities on a funnel plot around the pooled regional proportion.

    Limits are exact binomial with interpolation (Spiegelhalter 2005, Appendix A.1.1).

    Parameters
    ----------
    measure : str
        Name of the measure.
    units : sequence of str
        Authority ids.
    events, n : sequence of int
        Numerators and denominators (every denominator positive).

    Returns
    -------
    FunnelResult
        The target and each authority's position.

    Examples
    --------
    >>> r = funnel("compliance", ["A", "B", "C"], [50, 45, 90], [100, 100, 100])
    >>> round(r.target, 4), [p.position for p in r.points]
    (0.6167, ['low alert', 'low alarm', 'high alarm'])
    >>> [p.unit for p in r.alarms], [p.unit for p in r.outliers]
    (['B', 'C'], ['A', 'B', 'C'])
    """
    ev = np.asarray(events, dtype=int)
    den = np.asarray(n, dtype=int)
    if not (len(units) == len(ev) == len(den)) or len(units) == 0:
        raise ParameterError("funnel needs one numerator and one denominator per authority")
    if np.any(ev < 0) or np.any(ev > den):
        raise ParameterError("every numerator must lie between 0 and its denominator")
    target = float(ev.sum() / den.sum())
    lo95, hi95 = binomial_limits(target, den, LEVELS[0])
    lo998, hi998 = binomial_limits(target, den, LEVELS[1])
    points = []
    for i, unit in enumerate(units):
        prop = float(ev[i] / den[i])
        points.append(FunnelPoint(
            unit=str(unit), events=int(ev[i]), n=int(den[i]), proportion=prop,
            low95=float(lo95[i]), high95=float(hi95[i]), low998=float(lo998[i]), high998=float(hi998[i]),
            position=_position(prop, lo95[i], hi95[i], lo998[i], hi998[i]),
        ))
    return FunnelResult(measure=measure, target=target, points=tuple(points))
