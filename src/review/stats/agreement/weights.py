"""Agreement weight matrices (1 on the diagonal), Gwet's set.

Numeric categories are weighted by their values; labelled categories (text) by their position
(1, 2, ..., q) in the declared order. The formulas are those of Gwet's Handbook [1]_, chapter 3,
as implemented in R irrCAC's ``weights.gen.r``.

References
----------
.. [1] K. L. Gwet, *Handbook of Inter-Rater Reliability*, 4th ed., Advanced Analytics, 2014.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from review.config.numbers import is_number
from review.exceptions import ParameterError

__all__ = ["WEIGHT_NAMES", "category_scores", "weight_matrix"]

WEIGHT_NAMES = ("unweighted", "linear", "quadratic", "ordinal", "radical", "ratio", "circular", "bipolar")


def category_scores(categories: Sequence[Any]) -> np.ndarray:
    """Return the numeric score of each category: its value if all are numbers, else 1..q.

    Parameters
    ----------
    categories : sequence
        The ordered categories (numbers, or labels such as grades).

    Returns
    -------
    numpy.ndarray of float, shape (q,)
        The categories' own values when every one is a number, else their positions 1, 2, ..., q
        in the given order (Gwet's Handbook, chapter 3).

    Examples
    --------
    >>> category_scores([0, 2, 5]).tolist()
    [0.0, 2.0, 5.0]
    >>> category_scores(["Outstanding", "Good", "Adequate", "Inadequate"]).tolist()
    [1.0, 2.0, 3.0, 4.0]
    >>> category_scores([1, "Good"]).tolist()  # one label: every category by its position
    [1.0, 2.0]
    """
    if all(is_number(c) for c in categories):
        return np.asarray(categories, dtype=float)
    return np.arange(1, len(categories) + 1, dtype=float)


def weight_matrix(weights: str | Any, categories: Sequence[Any]) -> np.ndarray:
    """Build the q x q agreement-weight matrix.

    Parameters
    ----------
    weights : str or array_like
        One of ``WEIGHT_NAMES`` or a square matrix of agreement weights (1 on the diagonal,
        values in [0, 1]) in the order of ``categories``.
    categories : sequence
        The ordered categories.

    Returns
    -------
    numpy.ndarray, shape (q, q)
        ``w[k, l]``: credit given when one rater says category k and another says l.

    Raises
    ------
    ParameterError
        For an unknown name, a matrix of the wrong shape or with values outside [0, 1] or a
        diagonal other than 1, and ratio weights with a category score that is not positive.

    Notes
    -----
    With scores :math:`x_k`, range :math:`x_{max}-x_{min}` and q categories:

    - linear :math:`1-|x_k-x_l|/(x_{max}-x_{min})`; quadratic :math:`1-(x_k-x_l)^2/(x_{max}-x_{min})^2`;
    - radical :math:`1-\\sqrt{|x_k-x_l|}/\\sqrt{x_{max}-x_{min}}`;
    - ratio :math:`1-[(x_k-x_l)/(x_k+x_l)]^2 / [(x_{max}-x_{min})/(x_{max}+x_{min})]^2`;
    - circular :math:`1-\\sin^2(\\pi(x_k-x_l)/U)/\\max`, with :math:`U=x_{max}-x_{min}+1`;
    - bipolar :math:`1-d_{kl}/\\max d` with
      :math:`d_{kl}=(x_k-x_l)^2/[(x_k+x_l-2x_{min})(2x_{max}-x_k-x_l)]`;
    - ordinal (positions only) :math:`1-M_{kl}/\\max M` with :math:`M_{kl}=n_{kl}(n_{kl}-1)/2`,
      :math:`n_{kl}=|k-l|+1`.

    Gwet's "ordinal" weights are not Krippendorff's ordinal metric, which depends on how often
    each category is used; ``krippendorff_alpha(level="ordinal")`` uses the latter.
    """
    q = len(categories)
    if not isinstance(weights, str):
        return _given_matrix(weights, q)
    if weights not in WEIGHT_NAMES:
        raise ParameterError(f"`weights` must be one of {list(WEIGHT_NAMES)} or a square matrix; got {weights!r}")
    if weights == "unweighted" or q == 1:
        return np.eye(q)
    x = category_scores(categories) if weights != "ordinal" else np.arange(1, q + 1, dtype=float)
    if x.max() == x.min():
        return np.eye(q)
    if weights == "ratio" and x.min() <= 0:
        raise ParameterError(f"ratio weights need positive category values; the smallest is {x.min()}")
    return _named_weights(weights, x[:, None], x[None, :], x.min(), x.max())


def _given_matrix(weights: Any, q: int) -> np.ndarray:
    """A matrix of agreement weights given by the caller, checked."""
    w = np.asarray(weights, dtype=float)
    if w.shape != (q, q):
        raise ParameterError(f"`weights` matrix must be {q} x {q} (one row per category); got shape {w.shape}")
    if not np.allclose(np.diag(w), 1.0) or (w < 0).any() or (w > 1).any():
        raise ParameterError("`weights` matrix must hold agreement weights in [0, 1] with 1 on the diagonal")
    return w


def _named_weights(weights: str, xk: np.ndarray, xl: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """The named weights (see :func:`weight_matrix`'s notes) on scores ``xk`` (a column) against ``xl``
    (a row), which span ``lo`` to ``hi`` (``hi > lo``)."""
    span = hi - lo
    if weights == "linear":
        return 1 - np.abs(xk - xl) / span
    if weights == "quadratic":
        return 1 - (xk - xl) ** 2 / span**2
    if weights == "radical":
        return 1 - np.sqrt(np.abs(xk - xl)) / np.sqrt(span)
    if weights == "ratio":
        return 1 - ((xk - xl) / (xk + xl)) ** 2 / (span / (hi + lo)) ** 2
    if weights == "circular":
        d = np.sin(np.pi * (xk - xl) / (span + 1)) ** 2
        return 1 - d / d.max()
    if weights == "bipolar":
        with np.errstate(divide="ignore", invalid="ignore"):
            d = (xk - xl) ** 2 / ((xk + xl - 2 * lo) * (2 * hi - xk - xl))
        d[np.eye(len(d), dtype=bool)] = 0.0
        return 1 - d / d.max()
    # ordinal
    n_kl = np.abs(xk - xl) + 1
    m = n_kl * (n_kl - 1) / 2
    return 1 - m / m.max()
