"""Audit-based measures shared by the framework notebooks: rates, grade distributions, moderation."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from review.data import Evidence
from review.stats import agreement as ag
from review.stats.sample_draw import MANAGEMENT_TIERS
from review.stats.sampling import ProportionResult, proportion_ci

__all__ = ["CriterionRate", "criterion_rates", "cycle_audits", "good_or_better", "grade_counts", "moderation"]


def cycle_audits(evidence: Evidence, cycle: str, *, audit_type: str = "case file", first_only: bool = True) -> pd.DataFrame:
    """The cycle's audits of one type; moderations (re-audits) left out when ``first_only``."""
    audits = evidence.table("audits")
    audits = audits[(audits["cycle"] == cycle) & (audits["audit_type"] == audit_type)]
    if first_only:
        audits = audits[audits["moderation_of"].isna()]
    return audits.reset_index(drop=True)


def grade_counts(audits: pd.DataFrame, labels: tuple[str, ...], *, by: str = "auditor_tier",
                 order: tuple[str, ...] = MANAGEMENT_TIERS) -> pd.DataFrame:
    """Counts of overall grades by tier (rows in programme order, columns in scale order)."""
    table = pd.crosstab(audits[by], pd.Categorical(audits["overall_grade"], categories=list(labels)), dropna=False)
    rows = [t for t in order if t in table.index] + [t for t in table.index if t not in order]
    table = table.reindex(rows).fillna(0).astype(int)
    table.columns = list(labels)
    table.index.name = None
    return table


def good_or_better(audits: pd.DataFrame, evidence: Evidence, *, population: int | None,
                   confidence_level: float) -> ProportionResult | None:
    """Share of audited files graded Good or better, with a Wilson interval (finite population when known)."""
    if audits.empty:
        return None
    good = set().union(*(evidence.scales[s].good_or_better for s in audits["grade_scale"].unique()))
    k = int(audits["overall_grade"].isin(good).sum())
    n = len(audits)
    return proportion_ci(k, n, method="wilson", confidence_level=confidence_level,
                         population=population if population and population >= n else None)


@dataclass(frozen=True)
class CriterionRate:
    """One criterion's compliance: answers "Yes" among the files where it applied."""

    criterion: str
    label: str
    k: int
    n: int
    result: ProportionResult | None


def criterion_rates(audits: pd.DataFrame, evidence: Evidence, criteria: list[str], *,
                    confidence_level: float) -> list[CriterionRate]:
    """Compliance rate of each criterion (not-applicable answers left out), with Wilson intervals."""
    labels = evidence.table("criteria").set_index("criterion")
    out = []
    for criterion in criteria:
        scale = evidence.scales[labels.loc[criterion, "scale_id"]]
        answers = audits[criterion].dropna()
        answers = answers[~answers.isin(scale.not_applicable)]
        k, n = int(answers.isin(scale.good_or_better).sum()), int(answers.size)
        result = proportion_ci(k, n, method="wilson", confidence_level=confidence_level) if n else None
        out.append(CriterionRate(criterion, str(labels.loc[criterion, "label"]), k, n, result))
    return out


def moderation(evidence: Evidence, cycle: str, *, confidence_level: float,
               grade: str = "overall_grade") -> tuple[pd.DataFrame, list[ag.TierAgreement]]:
    """Pairs of audits and moderations of the cycle's case files, and agreement per tier pair."""
    audits = evidence.table("audits")
    audits = audits[(audits["cycle"] == cycle) & (audits["audit_type"] == "case file")]
    pairs = ag.moderation_pairs(audits, unit="case_ref", tier="auditor_tier", grade=grade,
                                tiers=MANAGEMENT_TIERS, auditor="auditor_id")
    scale = evidence.scales[audits["grade_scale"].iloc[0]].rated if len(audits) else ()
    return pairs, ag.tier_agreement(pairs, scale=scale, confidence_level=confidence_level)
