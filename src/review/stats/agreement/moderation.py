"""Moderation across tiers: how far auditors and the managers who re-audit their files agree.

For every pair of tiers that graded the same case files in a cycle (for example team managers'
audits moderated by service managers), :func:`tier_agreement` reports the number of pairs,
exact agreement, agreement within one grade, the signed difference in grade steps (is the
auditor more generous than the moderator?) with a test of marginal homogeneity, the confusion
matrix, weighted kappa and AC1/AC2 with their intervals. :func:`auditor_leniency` gives each
auditor's mean difference from the moderators with its uncertainty. Kappa is never reported
without observed agreement and n beside it: with grades skewed towards Good and Adequate, a
high observed agreement can come with a low kappa (the prevalence paradox).

References
----------
.. [1] A. Stuart, "A test for homogeneity of the marginal distributions in a two-way
   classification", *Biometrika* 42, 412-416, 1955. :doi:`10.1093/biomet/42.3-4.412`
.. [2] A. E. Maxwell, "Comparing the classification of subjects by two independent judges",
   *Br. J. Psychiatry* 116, 651-655, 1970. :doi:`10.1192/bjp.116.535.651`
.. [3] A. R. Feinstein and D. V. Cicchetti, "High agreement but low kappa: I. The problems of
   two paradoxes", *J. Clin. Epidemiol.* 43, 543-549, 1990. :doi:`10.1016/0895-4356(90)90158-L`
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from review.exceptions import DegenerateDataWarning, ParameterError
from review.stats._validation import check_confidence_level
from review.stats.agreement.coefficients import cohen_kappa, gwet_ac
from review.stats.agreement.results import AgreementResult, ConfidenceInterval
from review.stats.agreement.tables import contingency_table

__all__ = [
    "MarginalHomogeneity",
    "TierAgreement",
    "agreement_table",
    "auditor_leniency",
    "criterion_agreement",
    "moderation_pairs",
    "stuart_maxwell",
    "tier_agreement",
]


@dataclass(frozen=True)
class MarginalHomogeneity:
    """Stuart-Maxwell test that two raters use the grades equally often.

    Attributes
    ----------
    statistic : float
        Chi-square statistic.
    df : int
        Degrees of freedom (categories used, minus one).
    pvalue : float
    """

    statistic: float
    df: int
    pvalue: float


@dataclass(frozen=True)
class TierAgreement:
    """Agreement between one auditing tier and the tier that moderated its audits.

    Attributes
    ----------
    auditor_tier, moderator_tier : str
    n_pairs : int
        Case files graded by both tiers.
    exact_agreement : float
        Share of pairs with the same grade.
    within_one : float
        Share of pairs at most one grade apart.
    mean_difference : float
        Mean signed difference in grade steps, positive when the auditor's grade is *better*
        than the moderator's (the auditor is more generous).
    difference_ci : ConfidenceInterval
        t interval of the mean difference.
    marginal_homogeneity : MarginalHomogeneity
        Stuart-Maxwell test of equal grade distributions.
    confusion : pandas.DataFrame
        Counts; rows the auditor's grade, columns the moderator's, in scale order.
    weighted_kappa : AgreementResult
        Cohen's kappa with the chosen weights.
    ac : AgreementResult
        Gwet's AC1 (AC2 when weighted), robust to skewed grades.
    confidence_level : float
    """

    auditor_tier: str
    moderator_tier: str
    n_pairs: int
    exact_agreement: float
    within_one: float
    mean_difference: float
    difference_ci: ConfidenceInterval
    marginal_homogeneity: MarginalHomogeneity
    confusion: pd.DataFrame
    weighted_kappa: AgreementResult
    ac: AgreementResult
    confidence_level: float


def stuart_maxwell(table: Any) -> MarginalHomogeneity:
    """Stuart-Maxwell test of marginal homogeneity of a square table.

    Parameters
    ----------
    table : array_like, shape (q, q)
        Counts; rows one rater, columns the other.

    Returns
    -------
    MarginalHomogeneity
        NaN statistic when fewer than two categories are used.

    Notes
    -----
    :math:`\\chi^2 = d^\\top S^{-1} d` with :math:`d_i = n_{i+} - n_{+i}`,
    :math:`S_{ii} = n_{i+} + n_{+i} - 2n_{ii}`, :math:`S_{ij} = -(n_{ij}+n_{ji})`, over the
    categories used, dropping one; df = used categories - 1 [1]_ [2]_. Matches statsmodels
    ``SquareTable.homogeneity(method="stuart_maxwell")``.
    """
    t = np.asarray(table, dtype=float)
    used = (t.sum(axis=0) + t.sum(axis=1)) > 0
    t = t[np.ix_(used, used)]
    q = t.shape[0]
    if q < 2:
        return MarginalHomogeneity(float("nan"), 0, float("nan"))
    d = (t.sum(axis=1) - t.sum(axis=0))[:-1]
    s = -(t + t.T)
    np.fill_diagonal(s, t.sum(axis=1) + t.sum(axis=0) - 2 * np.diag(t))
    s = s[:-1, :-1]
    stat = float(d @ np.linalg.pinv(s) @ d)
    df = int(np.linalg.matrix_rank(s))
    return MarginalHomogeneity(stat, df, float(special.chdtrc(df, stat)) if df else float("nan"))


def moderation_pairs(
    records: pd.DataFrame,
    *,
    unit: str,
    tier: str,
    grade: str,
    tiers: Sequence[str],
    auditor: str | None = None,
) -> pd.DataFrame:
    """Pair each audit with its moderation: the same unit graded by two different tiers.

    Parameters
    ----------
    records : pandas.DataFrame
        One row per audit.
    unit, tier, grade : str
        Columns: the case (or case-and-cycle key), the auditor's tier, the grade.
    tiers : sequence of str
        Tiers from most junior to most senior (e.g. ``("ATM", "TM", "SM", "AD", "DCS")``);
        in each pair the more senior tier is the moderator. Records of other tiers are ignored.
    auditor : str, optional
        Column of the auditor's id, carried into the pairs for leniency analysis.

    Returns
    -------
    pandas.DataFrame
        Columns ``unit``, ``auditor_tier``, ``moderator_tier``, ``auditor_grade``,
        ``moderator_grade`` and, when ``auditor`` is given, ``auditor`` and ``moderator``.
        A unit graded by three tiers gives three pairs.

    Raises
    ------
    ParameterError
        If a column is missing or a unit has two audits by the same tier.
    """
    needed = [unit, tier, grade] + ([auditor] if auditor else [])
    missing = [c for c in needed if c not in records.columns]
    if missing:
        raise ParameterError(f"`records` has no column {missing}; its columns are {list(records.columns)}")
    rank = {t: i for i, t in enumerate(tiers)}
    kept = records[records[tier].isin(rank)]
    dup = kept.duplicated(subset=[unit, tier], keep=False)
    if dup.any():
        shown = kept.loc[dup, [unit, tier]].drop_duplicates().head(5).to_dict("records")
        raise ParameterError(f"a unit has two audits by the same tier, so which one was moderated is unclear: {shown}")
    cols = {unit: "unit", tier: "tier", grade: "grade"} | ({auditor: "who"} if auditor else {})
    k = kept[list(cols)].rename(columns=cols)
    merged = k.merge(k, on="unit", suffixes=("_a", "_m"))
    merged = merged[merged["tier_a"].map(rank) < merged["tier_m"].map(rank)]
    out = pd.DataFrame({
        "unit": merged["unit"].to_numpy(),
        "auditor_tier": merged["tier_a"].to_numpy(),
        "moderator_tier": merged["tier_m"].to_numpy(),
        "auditor_grade": merged["grade_a"].to_numpy(),
        "moderator_grade": merged["grade_m"].to_numpy(),
    })
    if auditor:
        out["auditor"] = merged["who_a"].to_numpy()
        out["moderator"] = merged["who_m"].to_numpy()
    order = np.lexsort((out["unit"].astype(str), out["moderator_tier"].map(rank), out["auditor_tier"].map(rank)))
    return out.iloc[order].reset_index(drop=True)


def _steps(pairs: pd.DataFrame, scale: Sequence[Any]) -> np.ndarray:
    """Signed steps, positive when the auditor's grade is better (earlier in ``scale``)."""
    pos = {g: i for i, g in enumerate(scale)}
    bad = sorted({g for g in pd.concat([pairs["auditor_grade"], pairs["moderator_grade"]]).dropna()} - set(pos),
                 key=str)
    if bad:
        raise ParameterError(f"grades {bad} are not on the scale {list(scale)}")
    return (pairs["moderator_grade"].map(pos) - pairs["auditor_grade"].map(pos)).to_numpy(dtype=float)


def _mean_ci(x: np.ndarray, level: float) -> tuple[float, ConfidenceInterval]:
    n = x.size
    if n == 0:
        return float("nan"), ConfidenceInterval(float("nan"), float("nan"))
    mean = float(x.mean())
    if n < 2:
        return mean, ConfidenceInterval(float("nan"), float("nan"))
    half = float(special.stdtrit(n - 1, 1 - (1 - level) / 2) * x.std(ddof=1) / np.sqrt(n))
    return mean, ConfidenceInterval(mean - half, mean + half)


def tier_agreement(
    pairs: pd.DataFrame,
    *,
    scale: Sequence[Any],
    weights: str = "quadratic",
    confidence_level: float = 0.95,
) -> list[TierAgreement]:
    """Agreement for every pair of tiers in :func:`moderation_pairs` output.

    Parameters
    ----------
    pairs : pandas.DataFrame
        From :func:`moderation_pairs` (dropping pairs with a missing grade first).
    scale : sequence
        The grade scale from best to worst (e.g. Outstanding, Good, Adequate, Inadequate).
    weights : str, default: ``"quadratic"``
        Weights of the kappa and AC2 (``"unweighted"`` for AC1 and plain kappa).
    confidence_level : float, default: ``0.95``

    Returns
    -------
    list of TierAgreement
        One per (auditor tier, moderator tier) present, in the order of ``pairs``.
    """
    level = check_confidence_level(confidence_level)
    pairs = pairs.dropna(subset=["auditor_grade", "moderator_grade"])
    out = []
    for (a_tier, m_tier), group in pairs.groupby(["auditor_tier", "moderator_tier"], sort=False):
        steps = _steps(group, scale)
        ratings = group[["auditor_grade", "moderator_grade"]]
        mean, ci = _mean_ci(steps, level)
        table = contingency_table(ratings, categories=list(scale))
        table.index.name, table.columns.name = f"{a_tier} grade", f"{m_tier} grade"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DegenerateDataWarning)
            kappa = cohen_kappa(ratings, categories=list(scale), weights=weights, confidence_level=level)
            ac = gwet_ac(ratings, categories=list(scale), weights=weights, confidence_level=level)
        out.append(TierAgreement(
            auditor_tier=str(a_tier),
            moderator_tier=str(m_tier),
            n_pairs=int(len(group)),
            exact_agreement=float((steps == 0).mean()),
            within_one=float((np.abs(steps) <= 1).mean()),
            mean_difference=mean,
            difference_ci=ci,
            marginal_homogeneity=stuart_maxwell(table.to_numpy()),
            confusion=table,
            weighted_kappa=kappa,
            ac=ac,
            confidence_level=level,
        ))
    return out


def auditor_leniency(
    pairs: pd.DataFrame, *, scale: Sequence[Any], confidence_level: float = 0.95
) -> pd.DataFrame:
    """Each auditor's mean grade difference from their moderators, with a t interval.

    Parameters
    ----------
    pairs : pandas.DataFrame
        From :func:`moderation_pairs` with ``auditor`` given.
    scale : sequence
        Grades from best to worst.
    confidence_level : float, default: ``0.95``

    Returns
    -------
    pandas.DataFrame
        One row per auditor: ``auditor``, ``auditor_tier``, ``n_pairs``, ``mean_difference``
        (positive: more generous than the moderators), ``ci_low``, ``ci_high``; the interval
        is NaN with fewer than two pairs. Sorted by mean difference, most generous first.
    """
    if "auditor" not in pairs.columns:
        raise ParameterError("`pairs` has no `auditor` column; build it with moderation_pairs(..., auditor=...)")
    level = check_confidence_level(confidence_level)
    pairs = pairs.dropna(subset=["auditor_grade", "moderator_grade"]).assign(step=lambda d: _steps(d, scale))
    rows = []
    for (who, a_tier), group in pairs.groupby(["auditor", "auditor_tier"], sort=True):
        mean, ci = _mean_ci(group["step"].to_numpy(), level)
        rows.append({"auditor": who, "auditor_tier": a_tier, "n_pairs": len(group),
                     "mean_difference": mean, "ci_low": ci.low, "ci_high": ci.high})
    frame = pd.DataFrame(rows, columns=["auditor", "auditor_tier", "n_pairs", "mean_difference", "ci_low", "ci_high"])
    return frame.sort_values(["mean_difference", "auditor"], ascending=[False, True], kind="stable").reset_index(drop=True)


def agreement_table(results: Sequence[TierAgreement]) -> pd.DataFrame:
    """One row per tier pair: n, observed agreement and kappa always side by side (unrounded).

    Parameters
    ----------
    results : sequence of TierAgreement
        From :func:`tier_agreement`.

    Returns
    -------
    pandas.DataFrame
        Columns ``auditor_tier``, ``moderator_tier``, ``n_pairs``, ``exact_agreement``,
        ``within_one``, ``mean_difference``, ``difference_low``, ``difference_high``,
        ``homogeneity_pvalue``, ``observed_agreement`` (weighted), ``kappa``, ``kappa_low``,
        ``kappa_high``, ``ac``, ``ac_low``, ``ac_high``. Kappa is never given without the
        observed agreement and n, because skewed grades make a low kappa beside high agreement
        common (the prevalence paradox [3]_).
    """
    rows = [
        {
            "auditor_tier": r.auditor_tier,
            "moderator_tier": r.moderator_tier,
            "n_pairs": r.n_pairs,
            "exact_agreement": r.exact_agreement,
            "within_one": r.within_one,
            "mean_difference": r.mean_difference,
            "difference_low": r.difference_ci.low,
            "difference_high": r.difference_ci.high,
            "homogeneity_pvalue": r.marginal_homogeneity.pvalue,
            "observed_agreement": r.weighted_kappa.observed_agreement,
            "kappa": r.weighted_kappa.statistic,
            "kappa_low": r.weighted_kappa.confidence_interval.low,
            "kappa_high": r.weighted_kappa.confidence_interval.high,
            "ac": r.ac.statistic,
            "ac_low": r.ac.confidence_interval.low,
            "ac_high": r.ac.confidence_interval.high,
        }
        for r in results
    ]
    return pd.DataFrame(rows, columns=[
        "auditor_tier", "moderator_tier", "n_pairs", "exact_agreement", "within_one", "mean_difference",
        "difference_low", "difference_high", "homogeneity_pvalue", "observed_agreement", "kappa",
        "kappa_low", "kappa_high", "ac", "ac_low", "ac_high",
    ])


def criterion_agreement(
    records: pd.DataFrame,
    *,
    unit: str,
    tier: str,
    tiers: Sequence[str],
    scales: dict[str, Sequence[Any]],
    weights: str = "unweighted",
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """:func:`agreement_table` for each criterion (child seen alone, risk identified, ...).

    Parameters
    ----------
    records : pandas.DataFrame
        One row per audit, with one column per criterion.
    unit, tier : str
        Columns of the case and the auditor's tier.
    tiers : sequence of str
        Tiers from most junior to most senior.
    scales : dict
        Criterion column to its ordered answers (e.g. ``["Yes", "No"]``; "not applicable"
        answers should be missing, so they do not count as agreement).
    weights : str, default: ``"unweighted"``
        Weights of kappa and AC (yes/no items are nominal).
    confidence_level : float, default: ``0.95``

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`agreement_table` with a leading ``criterion`` column.
    """
    frames = []
    for criterion, scale in scales.items():
        pairs = moderation_pairs(records, unit=unit, tier=tier, grade=criterion, tiers=tiers)
        table = agreement_table(tier_agreement(pairs, scale=scale, weights=weights,
                                               confidence_level=confidence_level))
        frames.append(table.assign(criterion=criterion))
    if not frames:
        return pd.DataFrame(columns=["criterion", *agreement_table([]).columns])
    out = pd.concat(frames, ignore_index=True)
    return out[["criterion", *[c for c in out.columns if c != "criterion"]]]
