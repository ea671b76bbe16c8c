"""The difference between two independent proportions, with Newcombe's hybrid score interval.

Used to say whether a rate changed since last cycle: a change is called improved or worse only
when the interval for the difference excludes 0.

References
----------
.. [1] R. G. Newcombe, "Interval estimation for the difference between independent proportions:
   comparison of eleven methods", *Stat. Med.* 17, 873-890, 1998 (method 10, the hybrid score
   interval built from the two Wilson intervals).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from review.stats._results import ConfidenceInterval
from review.stats.sampling import proportion_ci

__all__ = ["DifferenceResult", "newcombe_difference"]


@dataclass(frozen=True)
class DifferenceResult:
    """``p1 - p2`` with its interval. Nothing is rounded.

    Attributes
    ----------
    statistic : float
        ``k1/n1 - k2/n2``.
    confidence_interval : ConfidenceInterval
    confidence_level : float
    method : str
    """

    statistic: float
    confidence_interval: ConfidenceInterval
    confidence_level: float
    method: str


def newcombe_difference(k1: int, n1: int, k2: int, n2: int, *, confidence_level: float = 0.95) -> DifferenceResult:
    """Newcombe's hybrid score interval (method 10) for ``k1/n1 - k2/n2``.

    Parameters
    ----------
    k1, n1 : int
        Successes and trials of the first sample (this cycle).
    k2, n2 : int
        Successes and trials of the second sample (last cycle).
    confidence_level : float, default: ``0.95``

    Returns
    -------
    DifferenceResult
        :math:`\\hat\\delta - \\sqrt{(p_1-l_1)^2 + (u_2-p_2)^2}` to
        :math:`\\hat\\delta + \\sqrt{(u_1-p_1)^2 + (p_2-l_2)^2}`, with :math:`(l_i, u_i)` the
        Wilson interval of :math:`p_i` [1]_.

    Examples
    --------
    Newcombe (1998), Table II, example (a): 56/70 - 48/80 gives 0.0524 to 0.3339.

    >>> r = newcombe_difference(56, 70, 48, 80)
    >>> round(r.statistic, 4), round(r.confidence_interval.low, 4), round(r.confidence_interval.high, 4)
    (0.2, 0.0524, 0.3339)
    """
    a = proportion_ci(k1, n1, method="wilson", confidence_level=confidence_level)
    b = proportion_ci(k2, n2, method="wilson", confidence_level=confidence_level)
    p1, p2 = a.statistic, b.statistic
    l1, u1 = a.confidence_interval.low, a.confidence_interval.high
    l2, u2 = b.confidence_interval.low, b.confidence_interval.high
    delta = p1 - p2
    low = delta - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = delta + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return DifferenceResult(delta, ConfidenceInterval(low, high), confidence_level, "Newcombe hybrid score (method 10)")
