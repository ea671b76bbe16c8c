"""What an audit sample says about all cases: intervals, sample sizes, stratification.

Councils audit quotas of case files per manager, then report "82% of audited cases were Good
or better" as if it were true of every case. The functions here say how precise such a figure
is (with the finite population correction when the caseload is known), how many files a given
precision needs, and how a stratified estimate and the clustering of practice by team change
that. Drawing next cycle's sample is in :mod:`review.stats.sample_draw`.

References
----------
.. [1] L. D. Brown, T. T. Cai and A. DasGupta, "Interval estimation for a binomial proportion",
   *Stat. Sci.* 16, 101-133, 2001. :doi:`10.1214/ss/1009213286`
.. [2] W. G. Cochran, *Sampling Techniques*, 3rd ed., Wiley, 1977 (stratified estimation,
   Neyman allocation, the finite population correction).
.. [3] UBHT Clinical Audit Central Office, "How to: set an audit sample size", 2005: the
   clinical-audit formula :math:`n = c^2Np(1-p)/(A^2N + c^2p(1-p))`.
.. [4] J. Wright, "Exact confidence bounds when sampling from small finite universes",
   *J. Am. Stat. Assoc.* 86, 1991: hypergeometric (exact) bounds.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

from review.config.numbers import is_whole_number
from review.exceptions import ParameterError
from review.stats._results import ConfidenceInterval
from review.stats._validation import check_confidence_level

__all__ = [
    "METHODS",
    "ProportionResult",
    "StratifiedResult",
    "achieved_margin",
    "allocate",
    "design_effect",
    "proportion_ci",
    "sample_size",
    "stratified_proportion",
    "stratified_sample_size",
]

METHODS = ("wilson", "clopper-pearson", "jeffreys")


@dataclass(frozen=True)
class ProportionResult:
    """A proportion estimated from a sample, with its interval. Nothing is rounded.

    Attributes
    ----------
    statistic : float
        k / n.
    confidence_interval : ConfidenceInterval
    confidence_level : float
    method : str
    k, n : int
        Successes and sample size.
    population : int or None
        Population size when the finite population correction was applied.
    """

    statistic: float
    confidence_interval: ConfidenceInterval
    confidence_level: float
    method: str
    k: int
    n: int
    population: int | None


def _z(confidence_level: float) -> float:
    return float(special.ndtri(1 - (1 - confidence_level) / 2))


def _whole(name: str, value: Any, low: int = 0) -> int:
    if not is_whole_number(value) or value < low:
        raise ParameterError(f"`{name}` must be a whole number >= {low}; got {value!r}")
    return int(value)


def _first_true(predicate: Callable[[int], bool], lo: int, hi: int) -> int:
    """Smallest m in [lo, hi] with predicate(m) true, for a predicate false then true (hi if none)."""
    while lo < hi:
        mid = (lo + hi) // 2
        if predicate(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def _hypergeom_bounds(k: int, n: int, population: int, alpha: float) -> tuple[float, float]:
    """Exact bounds on the population count M by inverting the hypergeometric distribution [4]_.

    Lower: the smallest M with P(X >= k | M) > alpha/2; upper: the largest M with
    P(X <= k | M) > alpha/2 (both probabilities are monotone in M).
    """
    lo_m, hi_m = k, population - (n - k)
    lower = lo_m if k == 0 else _first_true(
        lambda m: stats.hypergeom.sf(k - 1, population, m, n) > alpha / 2, lo_m, hi_m)
    upper = hi_m if k == n else _first_true(
        lambda m: not stats.hypergeom.cdf(k, population, m, n) > alpha / 2, lo_m, hi_m + 1) - 1
    return lower / population, upper / population


def _betabinom_quantiles(m: int, a: float, b: float, alpha: float) -> tuple[float, float]:
    """Equal-tailed quantiles of BetaBinomial(m, a, b): exact up to m = 10^6 (pmf summed once),
    else m times the Beta(a, b) quantiles (the limit; the error is below 1/m)."""
    if m <= 1_000_000:
        cdf = np.cumsum(stats.betabinom.pmf(np.arange(m + 1), m, a, b))
        return float(np.searchsorted(cdf, alpha / 2)), float(np.searchsorted(cdf, 1 - alpha / 2))
    return m * float(special.betaincinv(a, b, alpha / 2)), m * float(special.betaincinv(a, b, 1 - alpha / 2))


def proportion_ci(
    k: int,
    n: int,
    *,
    method: str,
    confidence_level: float = 0.95,
    population: int | None = None,
) -> ProportionResult:
    """Interval for a proportion from a sample, optionally of a known finite population.

    Parameters
    ----------
    k : int
        Cases with the attribute (e.g. graded Good or better).
    n : int
        Cases audited.
    method : {"wilson", "clopper-pearson", "jeffreys"}
        Required: there is no Wald default (it fails at the small n and extreme rates of audits).
    confidence_level : float, default: ``0.95``
    population : int, optional
        Population size N (the caseload the sample came from). When given, the finite
        population correction is applied: Wilson with :math:`z^2` scaled by
        :math:`(N-n)/(N-1)`; Clopper-Pearson by exact hypergeometric bounds [4]_; Jeffreys as
        the posterior of the population proportion :math:`(k+Y)/N`,
        :math:`Y \\sim \\mathrm{BetaBinomial}(N-n, k+\\tfrac12, n-k+\\tfrac12)`.

    Returns
    -------
    ProportionResult

    Raises
    ------
    ParameterError
        If k > n, n < 1, the method is unknown, or the population is smaller than n.

    Notes
    -----
    Without a population, Wilson and Clopper-Pearson equal ``scipy.stats.binomtest(k, n)
    .proportion_ci(method="wilson"/"exact")`` and statsmodels ``proportion_confint``; Jeffreys
    is the equal-tailed Beta(k+1/2, n-k+1/2) interval with Brown, Cai and DasGupta's [1]_
    boundary rule (lower 0 when k = 0, upper 1 when k = n), so it equals statsmodels'
    ``"jeffreys"`` for 0 < k < n. When N = n the sample is a census: the interval is the
    estimate itself.

    Examples
    --------
    Newcombe (1998), Table II: 81 of 263, Wilson 0.2553 to 0.3662.

    >>> r = proportion_ci(81, 263, method="wilson")
    >>> round(r.confidence_interval.low, 4), round(r.confidence_interval.high, 4)
    (0.2553, 0.3662)
    """
    n = _whole("n", n, 1)
    k = _whole("k", k)
    if k > n:
        raise ParameterError(f"`k` ({k}) cannot be larger than `n` ({n})")
    if method not in METHODS:
        raise ParameterError(f"`method` must be one of {list(METHODS)}; got {method!r}")
    level = check_confidence_level(confidence_level)
    if population is not None:
        population = _whole("population", population, 1)
        if population < n:
            raise ParameterError(f"`population` ({population}) cannot be smaller than the sample `n` ({n})")
    p = k / n
    alpha = 1 - level
    if population is not None and population == n:
        low = high = p
    elif method == "wilson":
        z2 = _z(level) ** 2 * (1.0 if population is None else (population - n) / (population - 1))
        centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        half = math.sqrt(z2) / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
        low = 0.0 if k == 0 else max(0.0, centre - half)  # exact at the boundaries, not 1 - 1e-16
        high = 1.0 if k == n else min(1.0, centre + half)
    elif method == "clopper-pearson":
        if population is None:
            low = 0.0 if k == 0 else float(special.betaincinv(k, n - k + 1, alpha / 2))
            high = 1.0 if k == n else float(special.betaincinv(k + 1, n - k, 1 - alpha / 2))
        else:
            low, high = _hypergeom_bounds(k, n, population, alpha)
    else:  # jeffreys
        a, b = k + 0.5, n - k + 0.5
        if population is None:
            low = 0.0 if k == 0 else float(special.betaincinv(a, b, alpha / 2))
            high = 1.0 if k == n else float(special.betaincinv(a, b, 1 - alpha / 2))
        else:
            low_y, high_y = _betabinom_quantiles(population - n, a, b, alpha)
            low = 0.0 if k == 0 else (k + low_y) / population
            high = 1.0 if k == n else (k + high_y) / population
    return ProportionResult(p, ConfidenceInterval(float(low), float(high)), level, method, k, n, population)


def sample_size(
    *,
    margin: float,
    confidence_level: float,
    population: int | None = None,
    expected_proportion: float = 0.5,
) -> int:
    """Files to audit for a proportion to be within ``margin`` at ``confidence_level``.

    Parameters
    ----------
    margin : float
        Half-width wanted, as a proportion (0.05 for +/- 5 points).
    confidence_level : float
        E.g. 0.9 (which one NHS calculator calls reasonable for most audits [3]_) or 0.95.
    population : int, optional
        Caseload N; applies the clinical-audit formula with finite population built in.
    expected_proportion : float, default: ``0.5``
        Anticipated proportion; 0.5 is the safe (largest) choice.

    Returns
    -------
    int
        :math:`\\lceil c^2Np(1-p)/(A^2N + c^2p(1-p))\\rceil` (or :math:`c^2p(1-p)/A^2` without N),
        with :math:`c` the normal quantile. Worked example [3]_: N = 400, p = 0.7, A = 0.05,
        95% gives 178.6, so 179.

    Examples
    --------
    UBHT's worked example: 400 files, 70% expected, +/-5% at 95% -> 178.6, so 179.

    >>> sample_size(margin=0.05, confidence_level=0.95, population=400, expected_proportion=0.7)
    179
    """
    level = check_confidence_level(confidence_level)
    if not isinstance(margin, (int, float)) or not 0 < margin < 1:
        raise ParameterError(f"`margin` must be a proportion in (0, 1), e.g. 0.05; got {margin!r}")
    if not 0 < expected_proportion < 1:
        raise ParameterError(f"`expected_proportion` must be in (0, 1); got {expected_proportion!r}")
    c2pq = _z(level) ** 2 * expected_proportion * (1 - expected_proportion)
    if population is None:
        return math.ceil(c2pq / margin**2 - 1e-9)
    population = _whole("population", population, 1)
    return min(population, math.ceil(c2pq * population / (margin**2 * population + c2pq) - 1e-9))


def achieved_margin(n: int, *, population: int | None = None, proportion: float = 0.5,
                    confidence_level: float = 0.95) -> float:
    """Half-width (normal approximation) a sample of ``n`` achieves: the quota's precision.

    Parameters
    ----------
    n : int
        Files audited.
    population : int, optional
        Caseload, for the finite population correction.
    proportion : float, default: ``0.5``
        The proportion (0.5 gives the widest, a planning figure).
    confidence_level : float, default: ``0.95``

    Returns
    -------
    float
        :math:`c\\sqrt{p(1-p)/n\\cdot(N-n)/(N-1)}`; 0 for a census.

    Examples
    --------
    1.96 * sqrt(0.25 / 100) = 0.098:

    >>> round(achieved_margin(100), 3)
    0.098
    """
    n = _whole("n", n, 1)
    level = check_confidence_level(confidence_level)
    fpc = 1.0 if population is None else max(0.0, (_whole("population", population, n) - n) / max(population - 1, 1))
    return _z(level) * math.sqrt(proportion * (1 - proportion) / n * fpc)


@dataclass(frozen=True)
class StratifiedResult:
    """A stratified estimate of a proportion. Nothing is rounded.

    Attributes
    ----------
    statistic : float
        :math:`\\sum_h W_h p_h`.
    standard_error : float
    confidence_interval : ConfidenceInterval
        Normal interval, clipped to [0, 1].
    confidence_level : float
    strata : pandas.DataFrame
        Per stratum: ``population``, ``n``, ``k``, ``weight`` (W_h), ``proportion``.
    """

    statistic: float
    standard_error: float
    confidence_interval: ConfidenceInterval
    confidence_level: float
    strata: pd.DataFrame


def stratified_proportion(
    k: Sequence[int], n: Sequence[int], population: Sequence[int], *, labels: Sequence[str] | None = None,
    confidence_level: float = 0.95,
) -> StratifiedResult:
    """Stratified estimate of a proportion (strata = teams or case types), weights from the frame.

    Parameters
    ----------
    k, n, population : sequence of int
        Per stratum: successes, sample size, frame size (N_h).
    labels : sequence of str, optional
        Stratum names.
    confidence_level : float, default: ``0.95``

    Returns
    -------
    StratifiedResult

    Notes
    -----
    :math:`\\hat p_{st}=\\sum W_h\\hat p_h`, :math:`W_h=N_h/N`,
    :math:`\\widehat{V}=\\sum W_h^2(1-n_h/N_h)\\hat p_h(1-\\hat p_h)/(n_h-1)` [2]_ (Cochran 5.2).
    Every stratum needs n_h >= 2 (a stratum with one file has no variance estimate).

    Examples
    --------
    Teams of 600 and 400 cases, 24 of 30 and 10 of 20 Good: 0.6 * 0.8 + 0.4 * 0.5 = 0.68.

    >>> round(stratified_proportion([24, 10], [30, 20], [600, 400]).statistic, 6)
    0.68
    """
    level = check_confidence_level(confidence_level)
    k_, n_, pop = (np.asarray(v, dtype=float) for v in (k, n, population))
    if not (k_.shape == n_.shape == pop.shape) or k_.ndim != 1 or k_.size == 0:
        raise ParameterError("`k`, `n` and `population` must be equal-length sequences, one entry per stratum")
    names = list(labels) if labels is not None else [str(i + 1) for i in range(k_.size)]
    bad = [names[i] for i in range(k_.size) if pop[i] <= 0]
    if bad:
        raise ParameterError(f"strata with a population of 0 cannot be weighted: {bad}; drop them")
    small = [names[i] for i in range(k_.size) if n_[i] < 2 or n_[i] > pop[i] or k_[i] > n_[i] or k_[i] < 0]
    if small:
        raise ParameterError(f"each stratum needs 2 <= n <= population and 0 <= k <= n; these do not: {small}")
    w = pop / pop.sum()
    p = k_ / n_
    var = float((w**2 * (1 - n_ / pop) * p * (1 - p) / (n_ - 1)).sum())
    est = float((w * p).sum())
    se = math.sqrt(var)
    half = _z(level) * se
    frame = pd.DataFrame({"stratum": names, "population": pop.astype(int), "n": n_.astype(int), "k": k_.astype(int),
                          "weight": w, "proportion": p})
    return StratifiedResult(est, se, ConfidenceInterval(max(0.0, est - half), min(1.0, est + half)), level, frame)


def design_effect(k: Sequence[int], n: Sequence[int]) -> float:
    """Design effect of clustering by team: variance of the clustered estimate over simple random sampling.

    Parameters
    ----------
    k, n : sequence of int
        Per cluster (team): successes and files audited.

    Returns
    -------
    float
        :math:`\\widehat{V}_{cl}/\\widehat{V}_{srs}` with the ratio-estimator (between-cluster)
        variance :math:`\\widehat{V}_{cl}=\\frac{m}{m-1}\\sum_j (k_j-\\hat p n_j)^2/(\\sum n_j)^2`
        over m clusters and :math:`\\widehat{V}_{srs}=\\hat p(1-\\hat p)/(\\sum n_j - 1)`. Above 1,
        practice clusters by team and a sample spread over more teams is more precise [2]_.

    Examples
    --------
    Four teams of 10 with 8, 2, 6, 4 Good: (4/3 * 20/1600) / (0.25/39) = 2.6.

    >>> round(design_effect([8, 2, 6, 4], [10, 10, 10, 10]), 6)
    2.6
    """
    k_, n_ = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    if k_.shape != n_.shape or k_.size < 2 or (n_ <= 0).any() or (k_ > n_).any():
        raise ParameterError("`k` and `n` must be per-cluster counts with at least two clusters, n >= 1 and k <= n")
    total = n_.sum()
    p = k_.sum() / total
    m = k_.size
    v_cl = m / (m - 1) * ((k_ - p * n_) ** 2).sum() / total**2
    v_srs = p * (1 - p) / (total - 1)
    return float(v_cl / v_srs) if v_srs > 0 else float("nan")


def allocate(total: int, population: Sequence[int], *, method: str = "proportional",
             sd: Sequence[float] | None = None, minimum: int = 0) -> np.ndarray:
    """Allocate a total sample to strata: proportional, Neyman or equal, with a minimum per stratum.

    Parameters
    ----------
    total : int
        Files to audit in all.
    population : sequence of int
        Frame size per stratum (the most a stratum can take).
    method : {"proportional", "neyman", "equal"}, default: ``"proportional"``
    sd : sequence of float, optional
        Per-stratum standard deviation for Neyman allocation (e.g. sqrt(p(1-p)) from last cycle).
    minimum : int, default: ``0``
        Fewest files per stratum (capped at the stratum's size).

    Returns
    -------
    numpy.ndarray of int
        Files per stratum, summing to ``total`` (largest-remainder rounding, deterministic).

    Raises
    ------
    ParameterError
        If the total exceeds the population, the minimums exceed the total, or Neyman lacks ``sd``.

    Examples
    --------
    >>> allocate(100, [500, 300, 200]).tolist()
    [50, 30, 20]
    """
    pop = np.asarray(population, dtype=float)
    total = _whole("total", total)
    if method not in ("proportional", "neyman", "equal"):
        raise ParameterError(f"`method` must be one of ['proportional', 'neyman', 'equal']; got {method!r}")
    if (pop < 0).any() or total > pop.sum():
        raise ParameterError(f"cannot allocate {total} files to strata holding {int(pop.sum())} cases")
    floor = np.minimum(pop, minimum)
    if floor.sum() > total:
        raise ParameterError(f"the minimum of {minimum} per stratum needs {int(floor.sum())} files, more than the total {total}")
    if method == "neyman":
        if sd is None or len(sd) != pop.size:
            raise ParameterError("Neyman allocation needs `sd`, one value per stratum")
        size = pop * np.asarray(sd, dtype=float)
    elif method == "equal":
        size = (pop > 0).astype(float)
    else:
        size = pop.copy()
    alloc = floor.copy()
    remaining = total - int(floor.sum())
    while remaining > 0:
        room = pop - alloc
        share = np.where(room > 0, size, 0.0)
        if share.sum() <= 0:
            share = np.where(room > 0, 1.0, 0.0)
        ideal = remaining * share / share.sum()
        step = np.minimum(np.floor(ideal), room)
        if step.sum() == 0:  # hand out the last few by largest remainder
            order = np.lexsort((np.arange(pop.size), -(ideal - np.floor(ideal))))
            for i in order:
                if remaining and room[i] > 0:
                    alloc[i] += 1
                    remaining -= 1
            continue
        alloc += step
        remaining -= int(step.sum())
    return alloc.astype(int)


def stratified_sample_size(*, margin: float, confidence_level: float, population: Sequence[int],
                           expected_proportion: Sequence[float] | float = 0.5) -> int:
    """Total files for a stratified (proportional) estimate to reach ``margin``.

    Parameters
    ----------
    margin : float
        Half-width wanted.
    confidence_level : float
    population : sequence of int
        Frame size per stratum.
    expected_proportion : float or sequence of float, default: ``0.5``
        Anticipated proportion per stratum.

    Returns
    -------
    int
        :math:`n = \\frac{\\sum W_h S_h^2}{V + \\sum W_h S_h^2/N}` with :math:`V=(A/c)^2`,
        :math:`S_h^2=p_h(1-p_h)` (Cochran 5.25, proportional allocation) [2]_.

    Examples
    --------
    One stratum is the simple case (UBHT's example):

    >>> stratified_sample_size(margin=0.05, confidence_level=0.95, population=[400], expected_proportion=0.7)
    179
    """
    level = check_confidence_level(confidence_level)
    pop = np.asarray(population, dtype=float)
    p = np.broadcast_to(np.asarray(expected_proportion, dtype=float), pop.shape)
    w = pop / pop.sum()
    s2 = (w * p * (1 - p)).sum()
    v = (margin / _z(level)) ** 2
    return min(int(pop.sum()), math.ceil(s2 / (v + s2 / pop.sum()) - 1e-9))
