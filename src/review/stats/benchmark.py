"""Reading an agreement coefficient in words: benchmark scales and Gwet's probabilistic benchmarking.

A coefficient of 0.62 with a standard error of 0.15 is not reliably "substantial". Gwet's
approach [1]_ computes, for each band of a benchmark scale, the probability that the true
coefficient lies in it (a normal distribution centred on the estimate with the standard error as
its spread, truncated to [-1, 1]), accumulates those probabilities from the best band down, and
retains the first band whose cumulative probability reaches 0.95.

References
----------
.. [1] K. L. Gwet, *Handbook of Inter-Rater Reliability*, 4th ed., Advanced Analytics, 2014,
   chapter 6; R package irrCAC (``landis.koch.bf``, ``altman.bf``, ``fleiss.bf``).
.. [2] J. R. Landis and G. G. Koch, "The measurement of observer agreement for categorical
   data", *Biometrics* 33, 159-174, 1977.
.. [3] D. G. Altman, *Practical Statistics for Medical Research*, Chapman and Hall, 1991.
.. [4] J. L. Fleiss, *Statistical Methods for Rates and Proportions*, 2nd ed., Wiley, 1981.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.special import ndtr

__all__ = ["SCALES", "BenchmarkResult", "benchmark"]

SCALES: dict[str, tuple[tuple[float, float, str], ...]] = {
    "Landis-Koch": ((0.8, 1.0, "almost perfect"), (0.6, 0.8, "substantial"), (0.4, 0.6, "moderate"),
                    (0.2, 0.4, "fair"), (0.0, 0.2, "slight"), (-1.0, 0.0, "poor")),
    "Altman": ((0.8, 1.0, "very good"), (0.6, 0.8, "good"), (0.4, 0.6, "moderate"), (0.2, 0.4, "fair"),
               (-1.0, 0.2, "poor")),
    "Fleiss": ((0.75, 1.0, "excellent"), (0.4, 0.75, "intermediate to good"), (-1.0, 0.4, "poor")),
}
"""Each scale's bands, best first: (lower bound, upper bound, reading)."""


@dataclass(frozen=True)
class BenchmarkResult:
    """Where a coefficient lies on a benchmark scale, allowing for its standard error.

    Attributes
    ----------
    scale : str
        ``Landis-Koch``, ``Altman`` or ``Fleiss``.
    label : str
        The band retained: the best whose cumulative membership probability reaches
        ``threshold``; ``""`` when the coefficient is undefined.
    naive_label : str
        The band the point estimate falls in, ignoring its standard error.
    cumulative_probability : tuple of float
        Per band (best first), the probability that the true coefficient lies in it or a better one.
    threshold : float
    """

    scale: str
    label: str
    naive_label: str
    cumulative_probability: tuple[float, ...]
    threshold: float


def benchmark(statistic: float, standard_error: float, *, scale: str = "Landis-Koch",
              threshold: float = 0.95) -> BenchmarkResult:
    """Gwet's probabilistic benchmarking of an agreement coefficient.

    Parameters
    ----------
    statistic : float
        The coefficient.
    standard_error : float
        Its standard error (0 reads the point estimate as exact).
    scale : str, default: ``"Landis-Koch"``
        A key of :data:`SCALES`.
    threshold : float, default: ``0.95``
        Cumulative probability a band must reach to be retained (Gwet recommends 0.95).

    Returns
    -------
    BenchmarkResult

    Examples
    --------
    irrCAC's benchmarking vignette: AC1 = 0.77544 with standard error 0.14295 is "Moderate" on
    the Landis-Koch scale (cumulative probabilities 0.39674, 0.88336, 0.99542, ...), though the
    estimate itself lies in the "Substantial" band.

    >>> r = benchmark(0.77544, 0.14295)
    >>> r.label, r.naive_label, [round(p, 5) for p in r.cumulative_probability[:3]]
    ('moderate', 'substantial', [0.39674, 0.88336, 0.99542])
    """
    bands = SCALES[scale]
    if math.isnan(statistic):
        return BenchmarkResult(scale, "", "", tuple(float("nan") for _ in bands), threshold)
    naive = next((label for lo, hi, label in bands if lo < statistic <= hi or (lo == -1.0 and statistic <= hi)),
                 bands[0][2])
    if not standard_error or math.isnan(standard_error):
        probs = [1.0 if (lo < statistic <= hi or (lo == -1.0 and statistic <= lo)) else 0.0 for lo, hi, _ in bands]
    else:
        total = float(ndtr((1 - statistic) / standard_error) - ndtr((-1 - statistic) / standard_error))
        probs = [float(ndtr((hi - statistic) / standard_error) - ndtr((lo - statistic) / standard_error)) / total
                 for lo, hi, _ in bands]
    cumulative = tuple(min(1.0, sum(probs[: i + 1])) for i in range(len(probs)))
    label = next((bands[i][2] for i, c in enumerate(cumulative) if c >= threshold), bands[-1][2])
    return BenchmarkResult(scale, label, naive, cumulative, threshold)
