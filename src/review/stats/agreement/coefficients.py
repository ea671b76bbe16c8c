"""Inter-rater agreement coefficients with standard errors and confidence intervals.

Ratings are a table with units (case files) in rows and raters (auditors) in columns; a
missing rating is NaN/None. Every function returns an :class:`AgreementResult` with the
coefficient, its standard error and interval, and the observed and chance agreement it used.

Conventions chosen where the references disagree
-------------------------------------------------
- **Missing ratings** (irrCAC's rule): units nobody rated are dropped; a unit rated by one
  rater adds nothing to observed agreement but still counts in the chance term of AC1,
  Fleiss and Conger; Krippendorff's alpha uses only units with two or more ratings.
  ``cohen_kappa`` and ``scott_pi`` use the units both raters rated (listwise, as sklearn,
  statsmodels and R irr do).
- **Degenerate data**: when chance agreement is 1 (every rating in one category) a
  chance-corrected coefficient is 0/0. It is returned as NaN with a ``DegenerateDataWarning``
  saying why, never as a silent 0 or 1; ``observed_agreement`` still reports.
- **Unused categories** count when declared in ``categories``: they change weights and, for
  AC1 and Brennan-Prediger, chance agreement (q is the number of declared categories).
- **Weights** follow the declared categories' values (numbers) or positions (labels), as in
  irrCAC and statsmodels; R irr's ``kappa2`` and sklearn use the ranks of the *observed*
  levels instead, which differs when a category is unused.
- **Percent agreement** is pairwise (irrCAC): the mean over units rated at least twice of the
  share of agreeing rater pairs; ``unanimous`` gives R irr's ``agree`` (all raters agree).
- **Interval**: :math:`\\hat\\kappa \\pm t_{1-(1-c)/2,\\,n-1}\\,SE`, upper bound capped at 1
  (irrCAC). It is a Wald-type interval: for few units or values near 1 prefer
  :func:`review.stats.agreement.bootstrap_ci`.

References
----------
.. [1] K. L. Gwet, *Handbook of Inter-Rater Reliability*, 4th ed., Advanced Analytics, 2014.
.. [2] K. L. Gwet, "Computing inter-rater reliability and its variance in the presence of high
   agreement", *Br. J. Math. Stat. Psychol.* 61, 29-48, 2008. :doi:`10.1348/000711006X126600`
.. [3] J. Cohen, "A coefficient of agreement for nominal scales", *Educ. Psychol. Meas.* 20,
   37-46, 1960. :doi:`10.1177/001316446002000104`
.. [4] J. L. Fleiss, "Measuring nominal scale agreement among many raters", *Psychol. Bull.*
   76, 378-382, 1971. :doi:`10.1037/h0031619`
.. [5] A. J. Conger, "Integration and generalization of kappas for multiple raters",
   *Psychol. Bull.* 88, 322-328, 1980. :doi:`10.1037/0033-2909.88.2.322`
.. [6] R. L. Brennan and D. J. Prediger, "Coefficient kappa: some uses, misuses, and
   alternatives", *Educ. Psychol. Meas.* 41, 687-699, 1981.
   :doi:`10.1177/001316448104100307`
.. [7] W. A. Scott, "Reliability of content analysis: the case of nominal scale coding",
   *Public Opin. Q.* 19, 321-325, 1955. :doi:`10.1086/266577`
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import special

from review.exceptions import DegenerateDataWarning
from review.stats._validation import check_confidence_level
from review.stats.agreement import _estimators as est
from review.stats.agreement._input import Prepared, category_counts, prepare
from review.stats.agreement.results import AgreementResult, ConfidenceInterval
from review.stats.agreement.tables import two_rater_counts
from review.stats.agreement.weights import weight_matrix

__all__ = [
    "brennan_prediger",
    "cohen_kappa",
    "conger_kappa",
    "fleiss_kappa",
    "gwet_ac",
    "percent_agreement",
    "scott_pi",
]

_NAN = float("nan")


def weights_name(weights: Any) -> str:
    """A printable name for ``weights``."""
    return weights if isinstance(weights, str) else "custom"


def finish(
    method: str,
    estimate: est.Estimate,
    *,
    confidence_level: float,
    n_raters: int,
    weights: str,
    undefined_because: str | None = None,
) -> AgreementResult:
    """Build the result: interval from the t quantile, NaN with a warning when undefined."""
    stat, var = estimate.statistic, estimate.variance
    if undefined_because is None and not math.isfinite(stat):
        undefined_because = "chance agreement is 1"
    if undefined_because is not None:
        warnings.warn(
            f"{method} is undefined for these ratings: {undefined_because}. Observed agreement "
            f"is {estimate.pa!r} over {estimate.n_units} units; report it instead.",
            DegenerateDataWarning,
            stacklevel=3,
        )
        stat = var = _NAN
    se = math.sqrt(var) if math.isfinite(var) and var >= 0 else _NAN
    if estimate.df >= 1 and math.isfinite(se):
        half = float(special.stdtrit(estimate.df, 1 - (1 - confidence_level) / 2)) * se
        ci = ConfidenceInterval(stat - half, min(1.0, stat + half))
    else:
        ci = ConfidenceInterval(_NAN, _NAN)
    return AgreementResult(
        method=method,
        statistic=float(stat),
        standard_error=se,
        confidence_interval=ci,
        confidence_level=confidence_level,
        observed_agreement=float(estimate.pa),
        chance_agreement=float(estimate.pe),
        n_units=int(estimate.n_units),
        n_raters=int(n_raters),
        weights=weights,
        df=int(estimate.df),
    )


def _setup(ratings: Any, categories: Sequence[Any] | None, weights: Any, confidence_level: float,
           ) -> tuple[Prepared, np.ndarray, np.ndarray, float]:
    level = check_confidence_level(confidence_level)
    prepared = prepare(ratings, categories)
    w = weight_matrix(weights, prepared.categories)
    return prepared, category_counts(prepared), w, level


def _degeneracy(counts: np.ndarray, pe: float) -> str | None:
    if not (counts.sum(axis=1) >= 2).any():
        return "no unit was rated by two or more raters"
    if abs(1.0 - pe) < 1e-12:
        return "chance agreement is 1 (every rating falls in one category)"
    return None


def _multi(method: str, estimator: Any, ratings: Any, categories: Any, weights: Any,
           confidence_level: float) -> AgreementResult:
    prepared, counts, w, level = _setup(ratings, categories, weights, confidence_level)
    if estimator is est.percent and (counts.sum(axis=1) >= 2).any():
        return finish(method, estimator(counts, w), confidence_level=level, n_raters=prepared.n_raters,
                      weights=weights_name(weights))
    if prepared.n_categories < 2 or not (counts.sum(axis=1) >= 2).any():
        estimate = est.Estimate(_NAN, est.percent(counts, w).pa, 1.0, _NAN, prepared.n_units,
                                prepared.n_units - 1)
        reason = "only one category is possible" if prepared.n_categories < 2 else _degeneracy(counts, 0.0)
        return finish(method, estimate, confidence_level=level, n_raters=prepared.n_raters,
                      weights=weights_name(weights), undefined_because=reason)
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate = estimator(counts, w)
    return finish(method, estimate, confidence_level=level, n_raters=prepared.n_raters,
                  weights=weights_name(weights), undefined_because=_degeneracy(counts, estimate.pe))


def percent_agreement(
    ratings: Any,
    *,
    categories: Sequence[Any] | None = None,
    weights: str | Any = "unweighted",
    unanimous: bool = False,
    confidence_level: float = 0.95,
) -> AgreementResult:
    """Percent agreement among two or more raters.

    Parameters
    ----------
    ratings : array_like or pandas.DataFrame, shape (n_units, n_raters)
        Units in rows, raters in columns; NaN/None for a missing rating.
    categories : sequence, optional
        The ordered categories (default: those seen, sorted).
    weights : str or array_like, default: ``"unweighted"``
        Agreement weights (see :func:`review.stats.agreement.weight_matrix`).
    unanimous : bool, default: ``False``
        If True, the share of units rated at least twice on which *all* raters agree (R irr
        ``agree``); no standard error is given for it. If False, the pairwise definition.
    confidence_level : float, default: ``0.95``
        Confidence level of the interval.

    Returns
    -------
    AgreementResult
        ``statistic`` equals ``observed_agreement``; ``chance_agreement`` is 0.

    Notes
    -----
    Pairwise agreement (irrCAC ``pa.coeff.raw``) is
    :math:`p_a = \\frac{1}{n'}\\sum_{i: r_i\\ge 2}\\sum_k \\frac{r_{ik}(r^\\star_{ik}-1)}{r_i(r_i-1)}`
    with :math:`r^\\star_{ik}=\\sum_l w_{kl} r_{il}`, over the :math:`n'` units rated at least
    twice; its variance is Gwet's [1]_. Matches irrCAC 1.3 to 1e-9.
    """
    if not unanimous:
        return _multi("Percent agreement", est.percent, ratings, categories, weights, confidence_level)
    prepared, counts, _, level = _setup(ratings, categories, weights, confidence_level)
    two = counts.sum(axis=1) >= 2
    share = float((counts[two].max(axis=1) == counts[two].sum(axis=1)).mean()) if two.any() else _NAN
    estimate = est.Estimate(share, share, 0.0, _NAN, int(two.sum()), int(two.sum()) - 1)
    return finish("Percent agreement (unanimous)", estimate, confidence_level=level,
                  n_raters=prepared.n_raters, weights="unweighted",
                  undefined_because=None if two.any() else "no unit was rated by two or more raters")


def gwet_ac(
    ratings: Any,
    *,
    categories: Sequence[Any] | None = None,
    weights: str | Any = "unweighted",
    confidence_level: float = 0.95,
) -> AgreementResult:
    """Gwet's AC1 (unweighted) or AC2 (weighted) for two or more raters.

    Parameters
    ----------
    ratings, categories, weights, confidence_level
        As for :func:`percent_agreement`.

    Returns
    -------
    AgreementResult
        ``method`` is ``"Gwet's AC1"`` or ``"Gwet's AC2"``.

    Notes
    -----
    :math:`p_e = \\frac{T_w}{q(q-1)}\\sum_k \\pi_k(1-\\pi_k)`, with :math:`T_w` the sum of
    the weights and :math:`\\pi_k` the mean over units of the share of their ratings in k [2]_.
    AC1 is robust to the prevalence paradox that depresses kappa when one grade dominates.
    Matches irrCAC ``gwet.ac1.raw`` (value and standard error).
    """
    name = "Gwet's AC1" if weights_name(weights) == "unweighted" else "Gwet's AC2"
    return _multi(name, est.gwet, ratings, categories, weights, confidence_level)


def fleiss_kappa(
    ratings: Any,
    *,
    categories: Sequence[Any] | None = None,
    weights: str | Any = "unweighted",
    confidence_level: float = 0.95,
) -> AgreementResult:
    """Fleiss' (generalised) kappa for two or more raters.

    Parameters
    ----------
    ratings, categories, weights, confidence_level
        As for :func:`percent_agreement`.

    Returns
    -------
    AgreementResult

    Notes
    -----
    :math:`p_e=\\sum_{k,l} w_{kl}\\pi_k\\pi_l` [4]_. With two raters and complete data it equals
    Scott's pi, not Cohen's kappa (Conger's kappa reduces to Cohen's). Matches irrCAC
    ``fleiss.kappa.raw`` and statsmodels ``fleiss_kappa`` (complete data, unweighted).
    """
    return _multi("Fleiss' kappa", est.fleiss, ratings, categories, weights, confidence_level)


def brennan_prediger(
    ratings: Any,
    *,
    categories: Sequence[Any] | None = None,
    weights: str | Any = "unweighted",
    confidence_level: float = 0.95,
) -> AgreementResult:
    """Brennan and Prediger's coefficient (Randolph's free-marginal kappa when unweighted).

    Parameters
    ----------
    ratings, categories, weights, confidence_level
        As for :func:`percent_agreement`.

    Returns
    -------
    AgreementResult

    Notes
    -----
    :math:`p_e = T_w/q^2` with q the number of (declared) categories [6]_. Matches irrCAC
    ``bp.coeff.raw``.
    """
    return _multi("Brennan-Prediger", est.brennan_prediger, ratings, categories, weights, confidence_level)


def conger_kappa(
    ratings: Any,
    *,
    categories: Sequence[Any] | None = None,
    weights: str | Any = "unweighted",
    confidence_level: float = 0.95,
) -> AgreementResult:
    """Conger's kappa: Cohen's kappa generalised to two or more raters.

    Parameters
    ----------
    ratings, categories, weights, confidence_level
        As for :func:`percent_agreement`. A rater with no rating at all is left out.

    Returns
    -------
    AgreementResult

    Notes
    -----
    Chance agreement uses each rater's own distribution of ratings [5]_; with two raters and
    complete data it equals Cohen's kappa. This is R irr's ``kappam.fleiss(exact=TRUE)``.
    Matches irrCAC ``conger.kappa.raw`` (value and standard error).
    """
    prepared, counts, w, level = _setup(ratings, categories, weights, confidence_level)
    active = (prepared.codes >= 0).any(axis=0)
    codes = prepared.codes[:, active]
    if codes.shape[1] < 2 or prepared.n_categories < 2 or not (counts.sum(axis=1) >= 2).any():
        return _multi("Conger's kappa", est.fleiss, ratings, categories, weights, confidence_level)
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate = est.conger(codes, counts, w)
    return finish("Conger's kappa", estimate, confidence_level=level, n_raters=int(codes.shape[1]),
                  weights=weights_name(weights), undefined_because=_degeneracy(counts, estimate.pe))


def _two_rater(method: str, estimator: Any, ratings: Any, categories: Any, weights: Any,
               confidence_level: float) -> AgreementResult:
    level = check_confidence_level(confidence_level)
    cats, table = two_rater_counts(ratings, categories)
    w = weight_matrix(weights, cats)
    n = int(table.sum())
    if n == 0:
        estimate = est.Estimate(_NAN, _NAN, _NAN, _NAN, 0, -1)
        return finish(method, estimate, confidence_level=level, n_raters=2, weights=weights_name(weights),
                      undefined_because="no unit was rated by both raters")
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate = estimator(table, w)
    reason = "chance agreement is 1 (every rating falls in one category)" if abs(1 - estimate.pe) < 1e-12 else None
    return finish(method, estimate, confidence_level=level, n_raters=2, weights=weights_name(weights),
                  undefined_because=reason)


def cohen_kappa(
    ratings: Any,
    *,
    categories: Sequence[Any] | None = None,
    weights: str | Any = "unweighted",
    confidence_level: float = 0.95,
) -> AgreementResult:
    """Cohen's kappa (weighted when ``weights`` is given) for exactly two raters.

    Parameters
    ----------
    ratings : array_like or pandas.DataFrame, shape (n_units, 2)
        Two raters' ratings; units missing either rating are left out (listwise).
    categories, weights, confidence_level
        As for :func:`percent_agreement`.

    Returns
    -------
    AgreementResult

    Notes
    -----
    :math:`\\kappa_w = (p_a - p_e)/(1-p_e)` with :math:`p_a=\\sum w_{kl}p_{kl}` and
    :math:`p_e=\\sum w_{kl}p_{k+}p_{+l}` [3]_; the standard error is Gwet's (irrCAC
    ``kappa2.table``), which equals Fleiss, Cohen and Everitt's (1969) large-sample variance.
    Matches irrCAC ``kappa2.table``, statsmodels ``cohens_kappa`` and sklearn
    ``cohen_kappa_score`` (value). Linear and quadratic weights follow the declared categories,
    where R irr ``kappa2`` and sklearn use observed levels (see the module notes).
    """
    return _two_rater("Cohen's kappa", est.cohen_table, ratings, categories, weights, confidence_level)


def scott_pi(
    ratings: Any,
    *,
    categories: Sequence[Any] | None = None,
    weights: str | Any = "unweighted",
    confidence_level: float = 0.95,
) -> AgreementResult:
    """Scott's pi for exactly two raters.

    Parameters
    ----------
    ratings : array_like or pandas.DataFrame, shape (n_units, 2)
        Two raters' ratings; units missing either rating are left out (listwise).
    categories, weights, confidence_level
        As for :func:`percent_agreement`.

    Returns
    -------
    AgreementResult

    Notes
    -----
    Chance agreement from the raters' pooled distribution [7]_; matches irrCAC
    ``scott2.table`` (value and standard error).
    """
    return _two_rater("Scott's pi", est.scott_table, ratings, categories, weights, confidence_level)
