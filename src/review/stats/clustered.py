"""A proportion of criteria met when each audited file answers several criteria.

An item of a framework ("Child Protection plans are generally poor") is often judged on several
criteria of the same case-file audit. The answers of one audit are not independent (the same
worker, the same plan, the same child), so the binomial interval on "answers met / answers
applicable" is too narrow. Here the audit is the unit of sampling (the cluster): the estimate is
the ratio of criteria met to criteria applicable over all audits, its variance is the
between-audit (Taylor-linearised) variance of that ratio, and the interval is the Korn-Graubard
interval, which the R package survey gives as ``svyciprop(method = "beta")`` [1]_ [2]_.
:func:`share_meeting_all` is the other common summary: the share of audits meeting every
criterion that applies to them, a plain proportion of audits.

References
----------
.. [1] E. L. Korn and B. I. Graubard, "Confidence intervals for proportions with small expected
   number of positive counts estimated from survey data", *Survey Methodology* 24, 193-201,
   1998.
.. [2] T. Lumley, *survey: analysis of complex survey samples*, R package, version 4.1-1
   (``svyratio``, ``svymean``, ``svyciprop``); T. Lumley, *Complex Surveys: A Guide to Analysis
   Using R*, Wiley, 2010, sections 2.2 and 2.3.1.
.. [3] W. G. Cochran, *Sampling Techniques*, 3rd ed., Wiley, 1977, section 6.4 (the variance of
   a ratio estimate) and chapter 9A (cluster samples of unequal size).
.. [4] J. D. Parker et al., "National Center for Health Statistics data presentation standards
   for proportions", *Vital Health Stat.* 2(175), 2017 (the effective sample size when the
   estimate is 0 or 1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special

from review.config.numbers import is_whole_number
from review.exceptions import ParameterError
from review.stats._results import ConfidenceInterval
from review.stats._validation import check_confidence_level
from review.stats.sampling import ProportionResult, proportion_ci

__all__ = ["CLUSTERED_METHODS", "ClusteredProportionResult", "clustered_proportion", "share_meeting_all"]

CLUSTERED_METHODS = ("beta", "logit")


@dataclass(frozen=True)
class ClusteredProportionResult:
    """A proportion of answers met, with an interval that treats the audit as the unit. Unrounded.

    Attributes
    ----------
    statistic : float
        Criteria met over criteria applicable, summed over the audits (the ratio estimator).
    standard_error : float
        Between-audit (linearised) standard error of the ratio; 0 for a census, NaN when only one
        audit has an applicable criterion.
    confidence_interval : ConfidenceInterval
        By ``method``; NaN bounds when undefined (one audit; see the function for the logit
        interval at 0 and 1).
    confidence_level : float
    method : str
        ``"beta"`` (Korn-Graubard) or ``"logit"``.
    k : int
        Answers met (criteria met, summed over the audits).
    n_answers : int
        Answers applicable (criteria applicable, summed over the audits).
    n_audits : int
        Audits with at least one applicable criterion: the clusters.
    n_excluded : int
        Audits given with no applicable criterion, left out.
    df : int
        Degrees of freedom of the design, ``n_audits - 1``.
    design_effect : float
        The variance over that of as many independent answers drawn with replacement,
        :math:`\\hat p(1-\\hat p)/(n_{answers}-1)` (R survey's ``deff = "replace"``); NaN at
        :math:`\\hat p` = 0 or 1.
    effective_n : float
        Kish's effective number of answers, :math:`\\hat p(1-\\hat p)/\\widehat V`; taken as
        ``n_answers`` when the variance is 0 outside a census (see the function); infinite for a
        census.
    population : int or None
        Files in the frame when the finite population correction was applied.
    """

    statistic: float
    standard_error: float
    confidence_interval: ConfidenceInterval
    confidence_level: float
    method: str
    k: int
    n_answers: int
    n_audits: int
    n_excluded: int
    df: int
    design_effect: float
    effective_n: float
    population: int | None


def _counts(met: Sequence[int], applicable: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Both sequences as int arrays, checked: whole numbers, equal length, 0 <= met <= applicable."""
    met_list, app_list = list(met), list(applicable)
    if len(met_list) != len(app_list):
        raise ParameterError(
            f"`met` and `applicable` must have one entry per audit; got {len(met_list)} and {len(app_list)} entries")
    for name, values in (("met", met_list), ("applicable", app_list)):
        for i, value in enumerate(values):
            if not is_whole_number(value) or value < 0:
                raise ParameterError(f"`{name}[{i}]` must be a whole number >= 0 (a count of criteria); got {value!r}")
    met_arr, app_arr = np.asarray(met_list, dtype=np.int64), np.asarray(app_list, dtype=np.int64)
    over = np.flatnonzero(met_arr > app_arr)
    if over.size:
        i = int(over[0])
        raise ParameterError(f"audit {i}: `met[{i}]` ({met_arr[i]}) cannot be larger than `applicable[{i}]` "
                             f"({app_arr[i]})")
    if not (app_arr > 0).any():
        raise ParameterError("no audit has an applicable criterion (`applicable` is all 0): there is no proportion")
    return met_arr, app_arr


def _population(population: int | None, audits: int) -> int | None:
    """The frame size as an int, at least the number of audits given (excluded ones included)."""
    if population is None:
        return None
    if not is_whole_number(population) or population < audits:
        raise ParameterError(f"`population` (files in the frame) must be a whole number >= the {audits} audits "
                             f"given; got {population!r}")
    return int(population)


def _t(q: float, df: float) -> float:
    return float(special.stdtrit(df, q))


def clustered_proportion(
    met: Sequence[int],
    applicable: Sequence[int],
    *,
    confidence_level: float = 0.95,
    population: int | None = None,
    method: str = "beta",
) -> ClusteredProportionResult:
    """Proportion of criteria met over several audits, with an interval that counts audits, not answers.

    Parameters
    ----------
    met : sequence of int
        Per audit: the criteria met.
    applicable : sequence of int
        Per audit: the criteria that applied. Audits with none are left out (and counted in
        ``n_excluded``).
    confidence_level : float, default: ``0.95``
    population : int, optional
        Files in the frame the audits were drawn from. When given, the variance carries the finite
        population correction :math:`1 - m/N` (``m`` the audits with an applicable criterion);
        otherwise the audits are taken as drawn with replacement.
    method : {"beta", "logit"}, default: ``"beta"``
        ``"beta"``: Korn and Graubard's interval [1]_, R survey's ``svyciprop(method = "beta")``;
        ``"logit"``: the t interval on the log-odds scale, R survey's
        ``svyciprop(method = "logit")``. See Notes for why beta is the default.

    Returns
    -------
    ClusteredProportionResult

    Raises
    ------
    ParameterError
        If the counts are not whole numbers >= 0, the lengths differ, an audit meets more
        criteria than apply, no audit has an applicable criterion, the method or level is
        unknown, or the population is smaller than the audits given.

    Notes
    -----
    With :math:`m` audits, :math:`a_i` criteria applicable and :math:`y_i` met in audit
    :math:`i`, :math:`A=\\sum a_i`: the estimate is :math:`\\hat p=\\sum y_i/A` and its
    linearised variance, the audit as primary sampling unit [3]_,

    .. math:: \\widehat V = (1-f)\\,\\frac{m}{m-1}\\sum_i (z_i-\\bar z)^2,\\qquad
              z_i=\\frac{y_i-\\hat p\\,a_i}{A}

    (:math:`\\bar z = 0`; :math:`f=m/N` with a population, else 0). This is R survey's
    ``svyratio(~met, ~applicable, svydesign(ids = ~audit, fpc = ...))`` on one row per audit,
    and ``svymean(~y, ...)`` on one 0/1 row per answer with the same design [2]_.

    Beta (Korn-Graubard) interval, as ``svyciprop(method = "beta")`` computes it: the effective
    number of answers :math:`n^* = \\hat p(1-\\hat p)/\\widehat V` is scaled by
    :math:`(t_{A-1}/t_{m-1})^2` (quantiles at :math:`\\alpha/2`) for the few degrees of freedom,
    giving :math:`n^*_{df}`, and the bounds are the Clopper-Pearson beta quantiles
    :math:`B(\\alpha/2;\\ n^*_{df}\\hat p,\\ n^*_{df}(1-\\hat p)+1)` and
    :math:`B(1-\\alpha/2;\\ n^*_{df}\\hat p+1,\\ n^*_{df}(1-\\hat p))`. No truncation of
    :math:`n^*` at :math:`A`, as in R. Where R gives no usable interval this function follows
    Korn and Graubard [1]_ and NCHS [4]_: when the variance is 0 without a census (every audit
    met none, or all, or exactly the same share of its criteria), the design effect cannot be
    estimated and is taken as 1, :math:`n^* = A` (R gives NaN at 0 and 1, and the point 0.5
    to 0.5 otherwise); the lower bound is 0 when :math:`\\hat p=0` and the upper 1 when
    :math:`\\hat p=1`, as for Clopper-Pearson.

    Logit interval: :math:`\\operatorname{expit}(\\operatorname{logit}\\hat p \\pm
    t_{m-1}\\,\\widehat{SE}/(\\hat p(1-\\hat p)))`, the delta method that R's intercept-only
    ``svyglm(family = quasibinomial)`` reduces to. It is undefined (NaN) when the variance is
    0 outside a census.

    Why beta is the default: audit samples are small (a few to a few dozen audits) and
    compliance rates sit near 0 or 1. There the logit interval, a Wald interval on another scale,
    is undefined (at 0 and 1) or leans on a normal approximation that a few audits do not
    support; Korn and Graubard's interval keeps Clopper-Pearson's conservative coverage, is
    defined at 0 and 1, and comes down to (nearly) Clopper-Pearson's when answers are
    independent.

    Every audit with one applicable criterion (without a frame): the design effect is 1 and
    :math:`n^*=n-1` (the with-replacement variance is :math:`\\hat p(1-\\hat p)/(n-1)`), so the
    beta interval is Clopper-Pearson's for :math:`(n-1)\\hat p` events in :math:`n-1` trials:
    with none or all met, exactly ``proportion_ci(k, n, method="clopper-pearson")``; otherwise
    slightly wider than it, never narrower (tested for every k of every n up to 40). A census (population equal to the audits) gives standard
    error 0 and the interval the estimate itself, as :func:`~review.stats.sampling.proportion_ci`.
    With one audit there is no between-audit variance: standard error and interval are NaN.

    Examples
    --------
    Three audits, 2 of 2, 1 of 2 and 0 of 1 criteria met: p = 3/5; z = (0.16, -0.04, -0.12),
    V = 3/2 * 0.0416 = 0.0624; design effect 0.0624 / (0.24 / 4) = 1.04.

    >>> r = clustered_proportion([2, 1, 0], [2, 2, 1])
    >>> r.statistic, round(r.standard_error ** 2, 12), round(r.design_effect, 12)
    (0.6, 0.0624, 1.04)
    >>> r.n_audits, r.n_answers, r.df
    (3, 5, 2)
    """
    met_arr, app_arr = _counts(met, applicable)
    if method not in CLUSTERED_METHODS:
        raise ParameterError(f"`method` must be one of {list(CLUSTERED_METHODS)}; got {method!r}")
    level = check_confidence_level(confidence_level)
    keep = app_arr > 0
    n_excluded = int((~keep).sum())
    y, a = met_arr[keep].astype(float), app_arr[keep].astype(float)
    m = int(y.size)
    population = _population(population, len(app_arr))
    k, total = int(y.sum()), int(a.sum())
    p = k / total
    census = population is not None and population == m
    if census:
        var = 0.0
    elif m < 2:
        var = float("nan")
    else:
        z = (y - p * a) / total
        fpc = 1.0 if population is None else 1 - m / population
        var = float(fpc * m / (m - 1) * ((z - z.mean()) ** 2).sum())
    pq = p * (1 - p)
    design_effect = var / (pq / (total - 1)) if pq > 0 and total > 1 else float("nan")
    if census:
        effective_n = math.inf
    elif var > 0:
        effective_n = pq / var
    elif var == 0:  # the design effect cannot be estimated: taken as 1 [1]_ [4]_
        effective_n = float(total)
    else:
        effective_n = float("nan")

    alpha = 1 - level
    if census:
        low = high = p
    elif m < 2:
        low = high = float("nan")
    elif method == "beta":
        n_df = effective_n * (_t(alpha / 2, total - 1) / _t(alpha / 2, m - 1)) ** 2
        low = 0.0 if k == 0 else float(special.betaincinv(n_df * p, n_df * (1 - p) + 1, alpha / 2))
        high = 1.0 if k == total else float(special.betaincinv(n_df * p + 1, n_df * (1 - p), 1 - alpha / 2))
    elif var > 0:  # logit
        centre = math.log(p / (1 - p))
        half = _t(1 - alpha / 2, m - 1) * math.sqrt(var) / pq
        low, high = float(special.expit(centre - half)), float(special.expit(centre + half))
    else:
        low = high = float("nan")
    return ClusteredProportionResult(
        statistic=p, standard_error=math.sqrt(var), confidence_interval=ConfidenceInterval(low, high),
        confidence_level=level, method=method, k=k, n_answers=total, n_audits=m, n_excluded=n_excluded,
        df=m - 1, design_effect=float(design_effect), effective_n=float(effective_n), population=population)


def share_meeting_all(
    met: Sequence[int],
    applicable: Sequence[int],
    *,
    method: str,
    confidence_level: float = 0.95,
    population: int | None = None,
) -> ProportionResult:
    """Share of audits meeting every criterion that applies to them, with its interval.

    Parameters
    ----------
    met, applicable : sequence of int
        Per audit: criteria met and criteria applicable. Audits with none applicable are left out.
    method : {"wilson", "clopper-pearson", "jeffreys"}
        As :func:`~review.stats.sampling.proportion_ci` (required: no Wald default).
    confidence_level : float, default: ``0.95``
    population : int, optional
        Files in the frame, for the finite population correction.

    Returns
    -------
    ProportionResult
        ``k`` the audits meeting every applicable criterion, ``n`` the audits with at least one.
        Each audit is one independent observation, so no clustering correction is needed.

    Raises
    ------
    ParameterError
        As :func:`clustered_proportion` for the counts; as ``proportion_ci`` for the rest.

    Examples
    --------
    Audits meeting 2 of 2, 1 of 2, 0 of 1 and 3 of 3 criteria (and one with none applicable):
    2 of 4 meet all.

    >>> r = share_meeting_all([2, 1, 0, 0, 3], [2, 2, 1, 0, 3], method="wilson")
    >>> r.k, r.n, r.statistic
    (2, 4, 0.5)
    """
    met_arr, app_arr = _counts(met, applicable)
    keep = app_arr > 0
    population = _population(population, len(app_arr))
    all_met = int((met_arr[keep] == app_arr[keep]).sum())
    return proportion_ci(all_met, int(keep.sum()), method=method, confidence_level=confidence_level,
                         population=population)

