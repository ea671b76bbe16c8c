"""Krippendorff's alpha with Krippendorff's own difference functions, missing ratings allowed.

References
----------
.. [1] K. Krippendorff, "Computing Krippendorff's alpha-reliability", University of
   Pennsylvania, 2011. https://repository.upenn.edu/asc_papers/43
.. [2] K. L. Gwet, *Handbook of Inter-Rater Reliability*, 4th ed., Advanced Analytics, 2014,
   chapter 4 (the variance).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from review.exceptions import ParameterError
from review.stats._validation import check_confidence_level
from review.stats.agreement import _estimators as est
from review.stats.agreement._input import category_counts, prepare
from review.stats.agreement.coefficients import finish
from review.stats.agreement.results import AgreementResult
from review.stats.agreement.weights import category_scores

__all__ = ["LEVELS", "difference_matrix", "krippendorff_alpha"]

LEVELS = ("nominal", "ordinal", "interval", "ratio")


def difference_matrix(level: str, categories: Sequence[Any], marginals: np.ndarray) -> np.ndarray:
    """Krippendorff's squared difference :math:`\\delta^2_{ck}` for a level of measurement.

    Parameters
    ----------
    level : {"nominal", "ordinal", "interval", "ratio"}
        Level of measurement.
    categories : sequence
        Ordered categories; numbers are used as values, labels by position (1..q).
    marginals : numpy.ndarray, shape (q,)
        :math:`n_c`, the pairable values in each category (used by the ordinal metric).

    Returns
    -------
    numpy.ndarray, shape (q, q)
    """
    q = len(categories)
    if level == "nominal":
        return 1.0 - np.eye(q)
    if level == "ordinal":
        cum = np.concatenate([[0.0], np.cumsum(marginals)])
        lo = np.minimum.outer(np.arange(q), np.arange(q))
        hi = np.maximum.outer(np.arange(q), np.arange(q))
        between = cum[hi + 1] - cum[lo]
        return (between - (marginals[:, None] + marginals[None, :]) / 2) ** 2
    x = category_scores(categories)
    if level == "interval":
        return (x[:, None] - x[None, :]) ** 2
    if (x < 0).any():
        raise ParameterError(f"the ratio level needs non-negative values; the smallest is {x.min()}")
    with np.errstate(divide="ignore", invalid="ignore"):
        d = ((x[:, None] - x[None, :]) / (x[:, None] + x[None, :])) ** 2
    return np.nan_to_num(d, nan=0.0)


def krippendorff_alpha(
    ratings: Any,
    *,
    level: str,
    categories: Sequence[Any] | None = None,
    confidence_level: float = 0.95,
) -> AgreementResult:
    """Krippendorff's alpha for any number of raters, with missing ratings.

    Parameters
    ----------
    ratings : array_like or pandas.DataFrame, shape (n_units, n_raters)
        Units in rows, raters in columns; NaN/None for a missing rating.
    level : {"nominal", "ordinal", "interval", "ratio"}
        Level of measurement: required, because alpha changes a great deal with it.
    categories : sequence, optional
        The ordered categories (default: those seen, sorted). Numbers are used as values by
        the interval and ratio metrics, labels by their position.
    confidence_level : float, default: ``0.95``
        Confidence level of the interval.

    Returns
    -------
    AgreementResult
        ``observed_agreement`` is :math:`1 - D_o/\\delta_{max}` and ``chance_agreement``
        :math:`1 - D_e/\\delta_{max}` in Gwet's scaling, so that
        :math:`\\alpha = (p_a-p_e)/(1-p_e) = 1 - D_o/D_e`.

    Notes
    -----
    :math:`\\alpha = 1 - (n-1)\\frac{\\sum_{c,k} o_{ck}\\delta^2_{ck}}{\\sum_{c,k} n_c n_k\\delta^2_{ck}}`
    over the coincidence matrix :math:`o` of pairable values (units rated at least twice) [1]_,
    with Krippendorff's metrics: nominal, ordinal (which depends on how often each category
    is used: it is not Gwet's "ordinal" weights), interval and ratio. Alpha equals Gwet's
    weighted formulation with weights :math:`1-\\delta^2/\\max\\delta^2`, which gives the
    standard error of [2]_ (irrCAC ``krippen.alpha.raw``); for the ordinal level the metric is
    held fixed in that variance. Units rated once or not at all are ignored, as Krippendorff
    prescribes. When every pairable value is in one category alpha is 0/0: NaN with a
    ``DegenerateDataWarning`` (R irr returns 1, krippendorff-py raises).
    Matches the ``krippendorff`` package and Krippendorff's worked examples.
    """
    if level not in LEVELS:
        raise ParameterError(f"`level` must be one of {list(LEVELS)}; got {level!r}")
    conf = check_confidence_level(confidence_level)
    prepared = prepare(ratings, categories)
    counts = category_counts(prepared)
    pairable = counts[counts.sum(axis=1) >= 2]
    method = f"Krippendorff's alpha ({level})"
    if pairable.shape[0] == 0:
        estimate = est.Estimate(float("nan"), float("nan"), float("nan"), float("nan"), 0, -1)
        return finish(method, estimate, confidence_level=conf, n_raters=prepared.n_raters, weights=level,
                      undefined_because="no unit was rated by two or more raters")
    delta = difference_matrix(level, prepared.categories, pairable.sum(axis=0))
    used = pairable.sum(axis=0) > 0
    top = delta[np.ix_(used, used)].max() if used.sum() > 1 else 0.0
    if top <= 0:
        estimate = est.Estimate(float("nan"), 1.0, 1.0, float("nan"), pairable.shape[0], prepared.n_units - 1)
        return finish(method, estimate, confidence_level=conf, n_raters=prepared.n_raters, weights=level,
                      undefined_because="every pairable rating falls in one category, so expected disagreement is 0")
    w = 1.0 - delta / top
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate = est.krippendorff(counts, w, prepared.n_units)
    return finish(method, estimate, confidence_level=conf, n_raters=prepared.n_raters, weights=level)
