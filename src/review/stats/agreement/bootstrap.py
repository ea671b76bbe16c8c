"""Bootstrap confidence intervals for any agreement coefficient, resampling units.

Resampling n units with replacement is the same as drawing, for each distinct pattern of
ratings a unit can carry, how many times it appears: a multinomial draw over the patterns.
Two-rater coefficients depend only on the contingency table, so their resamples are drawn as
multinomial tables and computed for all resamples at once; other coefficients are recomputed
on each resample.

References
----------
.. [1] B. Efron and R. J. Tibshirani, *An Introduction to the Bootstrap*, Chapman & Hall, 1993.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from review.config.numbers import is_whole_number
from review.exceptions import DegenerateDataWarning, ParameterError
from review.stats._validation import check_confidence_level
from review.stats.agreement import coefficients as co
from review.stats.agreement._estimators import chance_corrected_tables
from review.stats.agreement._input import prepare
from review.stats.agreement.results import ConfidenceInterval
from review.stats.agreement.tables import two_rater_counts
from review.stats.agreement.weights import weight_matrix

__all__ = ["BootstrapResult", "bootstrap_ci"]


@dataclass(frozen=True)
class BootstrapResult:
    """A percentile bootstrap interval. Nothing is rounded.

    Attributes
    ----------
    method : str
        The coefficient's name.
    statistic : float
        The coefficient on the data.
    standard_error : float
        Standard deviation of the bootstrap distribution.
    confidence_interval : ConfidenceInterval
        Percentile interval.
    confidence_level : float
    n_resamples : int
    n_undefined : int
        Resamples on which the coefficient was undefined (left out of the interval).
    n_units : int
    """

    method: str
    statistic: float
    standard_error: float
    confidence_interval: ConfidenceInterval
    confidence_level: float
    n_resamples: int
    n_undefined: int
    n_units: int


def bootstrap_ci(
    ratings: Any,
    coefficient: Callable[..., Any],
    *,
    n_resamples: int = 2000,
    confidence_level: float = 0.95,
    rng: np.random.Generator | int | None = None,
    **options: Any,
) -> BootstrapResult:
    """Percentile bootstrap interval of an agreement coefficient, resampling units.

    Parameters
    ----------
    ratings : array_like or pandas.DataFrame, shape (n_units, n_raters)
        As for the coefficient.
    coefficient : callable
        One of this package's coefficients (``cohen_kappa``, ``gwet_ac``, ...).
    n_resamples : int, default: ``2000``
        Bootstrap resamples.
    confidence_level : float, default: ``0.95``
        Confidence level of the interval.
    rng : numpy.random.Generator or int, optional
        Random generator or seed; record the seed to make the interval reproducible.
    **options
        Passed to ``coefficient`` (``categories``, ``weights``, ``level``, ``form``).

    Returns
    -------
    BootstrapResult

    Raises
    ------
    ParameterError
        If ``n_resamples`` is not a positive whole number or ``confidence_level`` is outside (0, 1).

    Warns
    -----
    DegenerateDataWarning
        When the coefficient is undefined on some resamples (they are left out and counted).

    Notes
    -----
    Units are resampled with replacement, keeping each unit's ratings together. For
    ``cohen_kappa`` and ``scott_pi`` the resampled contingency tables are multinomial draws
    from the observed one, computed in one vectorised step.
    """
    if not is_whole_number(n_resamples) or n_resamples < 1:
        raise ParameterError(f"`n_resamples` must be a positive whole number; got {n_resamples!r}")
    level = check_confidence_level(confidence_level)
    gen = np.random.default_rng(rng)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        point = coefficient(ratings, **options)
    if coefficient in (co.cohen_kappa, co.scott_pi):
        categories, table = two_rater_counts(ratings, options.get("categories"))
        w = weight_matrix(options.get("weights", "unweighted"), categories)
        q = len(categories)
        n = int(table.sum())
        cells = table.ravel() / max(n, 1)
        tables = gen.multinomial(n, cells, size=n_resamples).reshape(n_resamples, q, q).astype(float)
        draws = chance_corrected_tables(tables, w, scott=coefficient is co.scott_pi)[2]
    else:
        prepared = prepare(ratings, options.get("categories"))
        patterns, inverse = np.unique(prepared.codes, axis=0, return_inverse=True)
        inverse = inverse.ravel()
        n = prepared.n_units
        shares = np.bincount(inverse, minlength=len(patterns)) / n
        cats = np.asarray(prepared.categories, dtype=object)
        draws = np.empty(n_resamples)
        opts = dict(options)
        if "form" not in options:  # every coefficient but icc takes the categories
            opts["categories"] = prepared.categories
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DegenerateDataWarning)
            for b, counts in enumerate(gen.multinomial(n, shares, size=n_resamples)):
                sample = np.repeat(patterns, counts, axis=0)
                values = np.where(sample >= 0, cats[np.maximum(sample, 0)], None)
                draws[b] = coefficient(values, **opts).statistic
    finite = draws[np.isfinite(draws)]
    undefined = int(n_resamples - finite.size)
    if undefined:
        warnings.warn(
            f"{point.method} was undefined on {undefined} of {n_resamples} resamples; they are left out "
            "of the interval, which is then less trustworthy.",
            DegenerateDataWarning,
            stacklevel=2,
        )
    a = (1 - level) / 2
    if finite.size:
        low, high = np.quantile(finite, [a, 1 - a])
        se = float(finite.std(ddof=1)) if finite.size > 1 else float("nan")
    else:
        low = high = se = float("nan")
    return BootstrapResult(
        method=point.method,
        statistic=float(point.statistic),
        standard_error=se,
        confidence_interval=ConfidenceInterval(float(low), float(high)),
        confidence_level=level,
        n_resamples=int(n_resamples),
        n_undefined=undefined,
        n_units=int(point.n_units),
    )
