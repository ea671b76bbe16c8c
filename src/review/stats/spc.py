"""Statistical process control: XmR and P charts with the NHS "Making Data Count" rules.

Quarterly data take three years to reach the 12 points after which limits stop being "trial",
so the charts say when their limits are trial, and which rule fired on which point, so a report
neither over-reads noise nor misses a real shift.

Rules (NHS England, *Making Data Count*; NHSRplotthedots), each reported per point:

- ``outside``: a point beyond a process limit;
- ``run``: 7 or more consecutive points on one side of the centre line (points on it break the run);
- ``trend``: 7 or more consecutive points each higher (or each lower) than the one before;
- ``two_of_three``: 2 of 3 consecutive points beyond two thirds of the distance to the same limit.

A flagged point is labelled ``improvement`` or ``concern`` by the measure's improvement direction
(``neutral`` when neither).

References
----------
.. [1] NHS England and NHS Improvement, *Making Data Count: Getting started*, 2019.
.. [2] D. J. Wheeler, *Understanding Variation*, SPC Press, 2000 (XmR limits: mean +/- 2.66
   times the average moving range).
.. [3] D. C. Montgomery, *Introduction to Statistical Quality Control*, 7th ed., Wiley, 2013,
   section 7.2 (the P chart with varying sample sizes).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from review.exceptions import ParameterError

__all__ = ["ControlChart", "TRIAL_BELOW", "p_chart", "xmr_chart"]

TRIAL_BELOW = 12
RUN_LENGTH = 7
_DIRECTIONS = ("increase", "decrease", "neutral")


@dataclass(frozen=True)
class ControlChart:
    """A control chart's centre, limits and signals. Nothing is rounded.

    Attributes
    ----------
    kind : str
        ``"XmR"`` or ``"P"``.
    points : pandas.DataFrame
        One row per point: ``label``, ``value``, ``centre``, ``lower``, ``upper`` (limits, per
        point for a P chart), ``outside``, ``run``, ``trend``, ``two_of_three`` (bool),
        ``signal`` (``improvement``, ``concern``, ``neutral`` or empty).
    centre : float
    trial : bool
        True while fewer than 12 points set the limits (of the latest segment).
    improvement : str
        ``increase``, ``decrease`` or ``neutral``.
    change_points : tuple of str
        Labels of the first points of later segments (empty: one segment). Each segment's centre
        and limits come from its own points only and the rules run within it, as Making Data
        Count's ``rebase`` does; ``centre`` and ``trial`` are the latest segment's.
    """

    kind: str
    points: pd.DataFrame
    centre: float
    trial: bool
    improvement: str
    change_points: tuple[str, ...] = ()
    """Labels of the points where a declared change starts a new segment with its own limits."""

    @property
    def signals(self) -> pd.DataFrame:
        """Only the points where a rule fired, with the rules that did."""
        rules = ["outside", "run", "trend", "two_of_three"]
        flagged = self.points[self.points[rules].any(axis=1)]
        return flagged.assign(rules=flagged[rules].apply(lambda r: ", ".join(c for c in rules if r[c]), axis=1))


def _check(values: np.ndarray, labels: Sequence[str] | None, improvement: str) -> list[str]:
    if improvement not in _DIRECTIONS:
        raise ParameterError(f"`improvement` must be one of {list(_DIRECTIONS)}; got {improvement!r}")
    if values.ndim != 1 or values.size < 2 or not np.isfinite(values).all():
        raise ParameterError(f"a control chart needs at least 2 finite values; got {values.tolist()}")
    if labels is not None and len(labels) != values.size:
        raise ParameterError(f"`labels` has {len(labels)} entries for {values.size} values")
    return [str(x) for x in labels] if labels is not None else [str(i + 1) for i in range(values.size)]


def _runs(flags: np.ndarray, length: int) -> np.ndarray:
    """Mark every point belonging to a run of at least ``length`` consecutive True flags."""
    out = np.zeros(flags.size, dtype=bool)
    start = None
    for i, f in enumerate(np.append(flags, False)):
        if f and start is None:
            start = i
        elif not f and start is not None:
            if i - start >= length:
                out[start:i] = True
            start = None
    return out


def _rules(values: np.ndarray, centre: np.ndarray, lower: np.ndarray, upper: np.ndarray,
           improvement: str) -> pd.DataFrame:
    above, below = values > centre, values < centre
    outside = (values > upper) | (values < lower)
    run = _runs(above, RUN_LENGTH) | _runs(below, RUN_LENGTH)
    step = np.diff(values)
    rising, falling = np.zeros(values.size, dtype=bool), np.zeros(values.size, dtype=bool)
    up, down = _runs(step > 0, RUN_LENGTH - 1), _runs(step < 0, RUN_LENGTH - 1)
    rising[1:] |= up
    rising[:-1] |= up
    falling[1:] |= down
    falling[:-1] |= down
    trend = rising | falling
    near_up = values > centre + 2 / 3 * (upper - centre)
    near_down = values < centre - 2 / 3 * (centre - lower)
    two = np.zeros(values.size, dtype=bool)
    for i in range(values.size - 2):
        for near in (near_up, near_down):
            window = near[i:i + 3]
            if window.sum() >= 2:
                two[i:i + 3] |= window
    flagged = outside | run | trend | two
    high_side = (values > centre) | rising
    if improvement == "neutral":
        signal = np.where(flagged, "neutral", "")
    else:
        good = high_side if improvement == "increase" else ~high_side
        signal = np.where(flagged, np.where(good, "improvement", "concern"), "")
    return pd.DataFrame({"outside": outside, "run": run, "trend": trend, "two_of_three": two, "signal": signal})


def xmr_chart(values: Sequence[float], *, labels: Sequence[str] | None = None, improvement: str,
              baseline: int | None = None) -> ControlChart:
    """XmR (individuals) chart: limits at the mean +/- 2.66 times the average moving range.

    Parameters
    ----------
    values : sequence of float
        One value per period (e.g. a quarterly rate), oldest first.
    labels : sequence of str, optional
        Period labels (cycles).
    improvement : {"increase", "decrease", "neutral"}
        Which direction is better; required.
    baseline : int, optional
        Number of leading points that set the limits (default all); limits are trial while that
        number is below 12.

    Returns
    -------
    ControlChart
    """
    v = np.asarray(values, dtype=float)
    names = _check(v, labels, improvement)
    n_base = v.size if baseline is None else int(baseline)
    if not 2 <= n_base <= v.size:
        raise ParameterError(f"`baseline` must be between 2 and {v.size}; got {baseline}")
    base = v[:n_base]
    centre = float(base.mean())
    mr_bar = float(np.abs(np.diff(base)).mean())
    lower, upper = centre - 2.66 * mr_bar, centre + 2.66 * mr_bar
    c = np.full(v.size, centre)
    lo, hi = np.full(v.size, lower), np.full(v.size, upper)
    points = pd.DataFrame({"label": names, "value": v, "centre": c, "lower": lo, "upper": hi})
    points = pd.concat([points, _rules(v, c, lo, hi, improvement)], axis=1)
    return ControlChart("XmR", points, centre, n_base < TRIAL_BELOW, improvement)


def p_chart(k: Sequence[int] | np.ndarray, n: Sequence[int] | np.ndarray, *, labels: Sequence[str] | None = None, improvement: str,
            baseline: int | None = None, change_points: Sequence[int] = ()) -> ControlChart:
    """P chart for a proportion with a varying denominator (audit % Good, % within timescale).

    Parameters
    ----------
    k, n : sequence of int
        Per period: numerator and denominator.
    labels : sequence of str, optional
    improvement : {"increase", "decrease", "neutral"}
    baseline : int, optional
        Leading points that set the centre (default all); not combined with ``change_points``.
    change_points : sequence of int, optional
        Positions (0-based) of the first point of each new segment after a declared change in
        the process; each segment gets its own centre and limits from its own points.

    Returns
    -------
    ControlChart
        Centre :math:`\\bar p = \\sum k/\\sum n`; limits
        :math:`\\bar p \\pm 3\\sqrt{\\bar p(1-\\bar p)/n_i}`, clipped to [0, 1] [3]_.

    Examples
    --------
    >>> chart = p_chart([10, 12, 11, 30, 31, 29], [40] * 6, improvement="increase", change_points=[3])
    >>> [round(c, 4) for c in chart.points["centre"]]
    [0.275, 0.275, 0.275, 0.75, 0.75, 0.75]
    >>> chart.change_points, chart.trial
    (('4',), True)
    """
    k_, n_ = np.asarray(k, dtype=float), np.asarray(n, dtype=float)
    if k_.shape != n_.shape or (n_ <= 0).any() or (k_ < 0).any() or (k_ > n_).any():
        raise ParameterError("`k` and `n` must be equal-length counts with 0 <= k <= n and n >= 1 in every period")
    p = k_ / n_
    names = _check(p, labels, improvement)
    if len(change_points):
        return _segmented(k_, n_, names, improvement, change_points)
    n_base = p.size if baseline is None else int(baseline)
    if not 2 <= n_base <= p.size:
        raise ParameterError(f"`baseline` must be between 2 and {p.size}; got {baseline}")
    centre = float(k_[:n_base].sum() / n_[:n_base].sum())
    sigma = np.sqrt(centre * (1 - centre) / n_)
    c = np.full(p.size, centre)
    lo, hi = np.clip(centre - 3 * sigma, 0, 1), np.clip(centre + 3 * sigma, 0, 1)
    points = pd.DataFrame({"label": names, "value": p, "centre": c, "lower": lo, "upper": hi})
    points = pd.concat([points, _rules(p, c, lo, hi, improvement)], axis=1)
    points["k"], points["n"] = k_.astype(int), n_.astype(int)  # so a report can withhold small counts
    return ControlChart("P", points, centre, n_base < TRIAL_BELOW, improvement)


def _segmented(k: np.ndarray, n: np.ndarray, names: list[str], improvement: str,
               change_points: Sequence[int]) -> ControlChart:
    """A P chart whose limits restart at each declared change point."""
    cuts = sorted({int(c) for c in change_points})
    bounds = [0, *cuts, k.size]
    if any(b - a < 2 for a, b in zip(bounds[:-1], bounds[1:], strict=True)):
        raise ParameterError(f"`change_points` must leave at least 2 points in every segment; got "
                             f"{list(change_points)} for {k.size} points")
    parts = [p_chart(k[a:b], n[a:b], improvement=improvement).points for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    points = pd.concat(parts, ignore_index=True).assign(label=names)
    last = bounds[-1] - bounds[-2]
    return ControlChart("P", points, float(points["centre"].iloc[-1]), last < TRIAL_BELOW, improvement,
                        tuple(names[c] for c in cuts))
