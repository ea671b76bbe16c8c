"""The result every agreement coefficient returns."""

from __future__ import annotations

from dataclasses import dataclass

from review.stats._results import ConfidenceInterval

__all__ = ["AgreementResult", "ConfidenceInterval"]


@dataclass(frozen=True)
class AgreementResult:
    """An agreement coefficient with its precision. Nothing is rounded.

    Attributes
    ----------
    method : str
        The coefficient's name, e.g. ``"Cohen's kappa"``.
    statistic : float
        The coefficient; NaN when it is undefined for the data (a ``DegenerateDataWarning``
        says why).
    standard_error : float
        Its standard error (Gwet's linearisation, as in R irrCAC; see each function).
    confidence_interval : ConfidenceInterval
        ``statistic -/+ t(1 - (1 - confidence_level)/2, df) * standard_error``, the upper bound
        capped at 1, as irrCAC does.
    confidence_level : float
        The interval's confidence level.
    observed_agreement : float
        Observed (weighted) agreement :math:`p_a` that the coefficient uses.
    chance_agreement : float
        Chance agreement :math:`p_e` that the coefficient uses.
    n_units : int
        Units that entered the calculation.
    n_raters : int
        Raters (columns).
    weights : str
        The weights' name (``"unweighted"``, ``"quadratic"``, ..., ``"custom"``, or the
        Krippendorff level).
    df : int
        Degrees of freedom of the t quantile of the interval.
    """

    method: str
    statistic: float
    standard_error: float
    confidence_interval: ConfidenceInterval
    confidence_level: float
    observed_agreement: float
    chance_agreement: float
    n_units: int
    n_raters: int
    weights: str
    df: int
