"""Intraclass correlation coefficients (Shrout and Fleiss 1979) for interval-scale ratings.

References
----------
.. [1] P. E. Shrout and J. L. Fleiss, "Intraclass correlations: uses in assessing rater
   reliability", *Psychol. Bull.* 86, 420-428, 1979. :doi:`10.1037/0033-2909.86.2.420`
.. [2] K. O. McGraw and S. P. Wong, "Forming inferences about some intraclass correlation
   coefficients", *Psychol. Methods* 1, 30-46, 1996. :doi:`10.1037/1082-989X.1.1.30`
.. [3] W. Revelle, *psych: Procedures for Psychological, Psychometric, and Personality
   Research*, function ``ICC`` (the intervals computed here).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from review.exceptions import DegenerateDataWarning, ParameterError
from review.stats._validation import check_confidence_level
from review.stats.agreement.results import ConfidenceInterval

__all__ = ["ICC_FORMS", "ICCResult", "icc"]

ICC_FORMS = ("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k")
_DESCRIPTIONS = {
    "ICC1": "one-way random, single rater",
    "ICC2": "two-way random, absolute agreement, single rater",
    "ICC3": "two-way mixed, consistency, single rater",
    "ICC1k": "one-way random, mean of k raters",
    "ICC2k": "two-way random, absolute agreement, mean of k raters",
    "ICC3k": "two-way mixed, consistency, mean of k raters",
}


@dataclass(frozen=True)
class ICCResult:
    """An intraclass correlation with its F test and interval. Nothing is rounded.

    Attributes
    ----------
    method : str
        E.g. ``"ICC2 (two-way random, absolute agreement, single rater)"``.
    form : str
        One of ``ICC_FORMS``.
    statistic : float
        The coefficient.
    standard_error : float
        NaN: the interval comes from the F distribution (exact under the ANOVA model), not
        from a standard error.
    confidence_interval : ConfidenceInterval
        From the F distribution as in R psych ``ICC`` [3]_ (McGraw and Wong's
        Satterthwaite interval for ICC2 and ICC2k).
    confidence_level : float
    f_statistic, df1, df2, pvalue : float
        The F test of no rater reliability (ICC = 0).
    observed_agreement, chance_agreement : float
        NaN (not defined for ICC); present so every agreement result can share a table.
    n_units, n_raters : int
        Units with every rating present, and raters.
    """

    method: str
    form: str
    statistic: float
    standard_error: float
    confidence_interval: ConfidenceInterval
    confidence_level: float
    f_statistic: float
    df1: float
    df2: float
    pvalue: float
    observed_agreement: float
    chance_agreement: float
    n_units: int
    n_raters: int


def _mean_squares(x: np.ndarray) -> tuple[float, float, float, float]:
    n, k = x.shape
    grand = x.mean()
    ss_rows = k * ((x.mean(axis=1) - grand) ** 2).sum()
    ss_cols = n * ((x.mean(axis=0) - grand) ** 2).sum()
    ss_total = ((x - grand) ** 2).sum()
    ss_error = ss_total - ss_rows - ss_cols
    msr = ss_rows / (n - 1)
    msc = ss_cols / (k - 1)
    mse = ss_error / ((n - 1) * (k - 1))
    msw = (ss_cols + ss_error) / (n * (k - 1))
    return float(msr), float(msc), float(mse), float(msw)


def icc(ratings: Any, *, form: str, confidence_level: float = 0.95) -> ICCResult:
    """Intraclass correlation of numeric ratings, in one of Shrout and Fleiss's six forms.

    Parameters
    ----------
    ratings : array_like or pandas.DataFrame, shape (n_units, n_raters)
        Numeric ratings (e.g. 0-10 scaling scores); units with a missing rating are left
        out (listwise), as in R psych and pingouin.
    form : {"ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"}
        Shrout-Fleiss form: 1 one-way random; 2 two-way random, absolute agreement (McGraw-Wong
        "A"); 3 two-way mixed, consistency ("C"); ``k`` for the mean of the raters.
        Required: the forms answer different questions. For moderation, where each file
        could have been audited by any manager of the tier, ICC2 is usual.
    confidence_level : float, default: ``0.95``
        Confidence level of the interval.

    Returns
    -------
    ICCResult

    Notes
    -----
    From the two-way ANOVA mean squares (rows MSR, columns MSC, error MSE, within MSW):
    ICC1 :math:`=(MSR-MSW)/(MSR+(k-1)MSW)`, ICC2 :math:`=(MSR-MSE)/(MSR+(k-1)MSE+k(MSC-MSE)/n)`,
    ICC3 :math:`=(MSR-MSE)/(MSR+(k-1)MSE)`, and the average-measure forms
    :math:`(MSR-MSW)/MSR`, :math:`(MSR-MSE)/(MSR+(MSC-MSE)/n)`, :math:`(MSR-MSE)/MSR` [1]_ [2]_.
    Matches R psych ``ICC`` and pingouin ``intraclass_corr`` (values, F and intervals); R irr
    ``icc`` gives a slightly different ICC2k interval (another Satterthwaite variant).
    """
    if form not in ICC_FORMS:
        raise ParameterError(f"`form` must be one of {list(ICC_FORMS)}; got {form!r}")
    level = check_confidence_level(confidence_level)
    frame = ratings if isinstance(ratings, pd.DataFrame) else pd.DataFrame(np.asarray(ratings, dtype=object))
    try:
        x = frame.apply(pd.to_numeric, errors="raise").to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"`ratings` must be numeric for an ICC: {exc}") from exc
    x = x[~np.isnan(x).any(axis=1)]
    n, k = x.shape if x.ndim == 2 else (0, 0)
    if k < 2 or n < 2:
        raise ParameterError(
            f"an ICC needs at least 2 raters and 2 fully rated units; got {k} raters and {n} complete units"
        )
    msr, msc, mse, msw = _mean_squares(x)
    nan = float("nan")
    if msr <= 0:
        warnings.warn(
            f"{form} is undefined for these ratings: every unit has the same mean rating, so there "
            "is no between-unit variance to attribute to the units.",
            DegenerateDataWarning,
            stacklevel=2,
        )
        return ICCResult(f"{form} ({_DESCRIPTIONS[form]})", form, nan, nan, ConfidenceInterval(nan, nan),
                         level, nan, float(n - 1), nan, nan, nan, nan, int(n), int(k))
    if (mse if form.rstrip("k") != "ICC1" else msw) <= 1e-15 * msr:
        # Perfect agreement: the coefficient is 1 and F is infinite; the interval collapses to 1.
        df2 = n * (k - 1) if form.rstrip("k") == "ICC1" else (n - 1) * (k - 1)
        return ICCResult(f"{form} ({_DESCRIPTIONS[form]})", form, 1.0, nan, ConfidenceInterval(1.0, 1.0),
                         level, float("inf"), float(n - 1), float(df2), 0.0, nan, nan, int(n), int(k))
    a = 1 - level
    base = form.rstrip("k")
    average = form.endswith("k")
    if base == "ICC1":
        f, df1, df2, denom = msr / msw, n - 1, n * (k - 1), msw
    else:
        f, df1, df2, denom = msr / mse, n - 1, (n - 1) * (k - 1), mse
    pvalue = float(special.fdtrc(df1, df2, f))
    if base == "ICC2":
        single = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
        fj = msc / mse
        vn = (k - 1) * (n - 1) * (k * single * fj + n * (1 + (k - 1) * single) - k * single) ** 2
        vd = (n - 1) * k**2 * single**2 * fj**2 + (n * (1 + (k - 1) * single) - k * single) ** 2
        v = vn / vd
        fl, fu = special.fdtri(n - 1, v, 1 - a / 2), special.fdtri(v, n - 1, 1 - a / 2)
        low = n * (msr - fl * mse) / (fl * (k * msc + (k * n - k - n) * mse) + n * msr)
        high = n * (fu * msr - mse) / (k * msc + (k * n - k - n) * mse + n * fu * msr)
        if average:
            statistic = (msr - mse) / (msr + (msc - mse) / n)
            low, high = low * k / (1 + low * (k - 1)), high * k / (1 + high * (k - 1))
        else:
            statistic = single
    else:
        fl = f / special.fdtri(df1, df2, 1 - a / 2)
        fu = f * special.fdtri(df2, df1, 1 - a / 2)
        if average:
            statistic = (msr - denom) / msr
            low, high = 1 - 1 / fl, 1 - 1 / fu
        else:
            statistic = (msr - denom) / (msr + (k - 1) * denom)
            low, high = (fl - 1) / (fl + k - 1), (fu - 1) / (fu + k - 1)
    return ICCResult(
        method=f"{form} ({_DESCRIPTIONS[form]})",
        form=form,
        statistic=float(statistic),
        standard_error=nan,
        confidence_interval=ConfidenceInterval(float(low), float(high)),
        confidence_level=level,
        f_statistic=float(f) if math.isfinite(f) else nan,
        df1=float(df1),
        df2=float(df2),
        pvalue=pvalue,
        observed_agreement=nan,
        chance_agreement=nan,
        n_units=int(n),
        n_raters=int(k),
    )
