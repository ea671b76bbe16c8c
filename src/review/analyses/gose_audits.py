"""The GOSE case-file audit programme by tier: quotas, final (moderated) grades, boundary agreement.

A file's **final** grade is the grade of its most senior moderation (a re-audit by a more senior
tier), or its first grade when nobody moderated it. The headline rate is of final grades on the
**random** sample only, with a finite-population interval against the frame it was drawn from
(the cycle's open cases); themed audits are chosen for a theme, not at random, so they are
reported apart. Moderation is reported overall (exact agreement, unweighted kappa) and at the
Adequate/Inadequate boundary, the line that decides whether a file needs action: there
agreement is of "Adequate or better" against "Inadequate", with no partial credit for near misses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from review.stats import agreement as ag
from review.stats.agreement.results import AgreementResult
from review.stats.sample_draw import MANAGEMENT_TIERS
from review.stats.sampling import ProportionResult, proportion_ci

__all__ = ["TIER_NAMES", "AuditProgramme", "BoundaryAgreement", "CriterionCounts", "TierResult",
           "audit_programme", "criterion_counts", "final_grades"]

TIER_NAMES = {"ATM": "Assistant Team Manager", "TM": "Team Manager", "SM": "Service Manager",
              "AD": "Assistant Director", "DCS": "Director of Children's Services"}
"""The GOSE programme's management tiers, spelled out at first use."""


@dataclass(frozen=True)
class TierResult:
    """One tier's quota, audits done and Good-or-better rates on first and final grades."""

    tier: str
    name: str
    auditors: int
    planned: int
    done: int
    first_good: int
    final_good: int
    changed: int
    """Files whose final grade differs from the tier's first grade."""
    below_quota: tuple[str, ...] = ()
    """Pseudonyms of the tier's auditors below their quota (for the internal report only)."""


@dataclass(frozen=True)
class BoundaryAgreement:
    """Agreement between auditor and moderator, overall and at the Adequate/Inadequate line.

    Attributes
    ----------
    n_pairs : int
    exact : float
        Share of pairs with the same grade.
    kappa : AgreementResult or None
        Unweighted Cohen's kappa on the full scale (None below 2 pairs).
    boundary_agreement : float
        Share of pairs on the same side of the line (Adequate or better / Inadequate).
    boundary_kappa : AgreementResult or None
        Cohen's kappa on the two sides (NaN when one side is empty: no basis for chance).
    raised_above, lowered_below : int
        Pairs where the moderator lifted an Inadequate to Adequate or better, and where the
        moderator found Inadequate a file the auditor passed.
    """

    n_pairs: int
    exact: float
    kappa: AgreementResult | None
    boundary_agreement: float
    boundary_kappa: AgreementResult | None
    raised_above: int
    lowered_below: int


@dataclass(frozen=True)
class CriterionCounts:
    """One criterion's answers in a cycle's audits: Yes, No and not applicable (n/a)."""

    criterion: str
    label: str
    yes: int
    no: int
    not_applicable: int
    rate: ProportionResult | None
    """Yes among the files where the criterion applied (n/a left out)."""


@dataclass(frozen=True)
class AuditProgramme:
    """The case-file audit programme of one cycle."""

    tiers: tuple[TierResult, ...]
    frame_size: int
    random_first: ProportionResult | None
    random_final: ProportionResult | None
    themed: tuple[tuple[str, int, int], ...]
    """Per theme: (theme, files Good or better on final grades, files)."""
    moderation: BoundaryAgreement | None
    criteria: tuple[CriterionCounts, ...]


def final_grades(audits: pd.DataFrame, *, tiers: tuple[str, ...] = MANAGEMENT_TIERS) -> pd.DataFrame:
    """First audits with their final grade: that of the most senior moderation of the file.

    Parameters
    ----------
    audits : pandas.DataFrame
        One cycle's audits of one type: ``audit_id``, ``moderation_of``, ``auditor_tier``,
        ``overall_grade`` (and any other columns, kept).

    Returns
    -------
    pandas.DataFrame
        The first audits (``moderation_of`` empty) with ``first_grade``, ``final_grade`` and
        ``final_tier`` (the tier whose grade is final).

    Examples
    --------
    >>> a = pd.DataFrame({"audit_id": ["A1", "A2", "A3", "A4"], "moderation_of": [None, "A1", "A2", None],
    ...                   "auditor_tier": ["TM", "SM", "AD", "TM"],
    ...                   "overall_grade": ["Good", "Adequate", "Inadequate", "Good"]})
    >>> final_grades(a)[["audit_id", "first_grade", "final_grade", "final_tier"]].values.tolist()
    [['A1', 'Good', 'Inadequate', 'AD'], ['A4', 'Good', 'Good', 'TM']]
    """
    rank = {t: i for i, t in enumerate(tiers)}
    parent = dict(zip(audits["audit_id"], audits["moderation_of"], strict=True))

    def root(audit_id: str) -> str:
        seen = set()
        while isinstance(parent.get(audit_id), str) and audit_id not in seen:
            seen.add(audit_id)
            audit_id = parent[audit_id]
        return audit_id

    first = audits[audits["moderation_of"].isna()].copy()
    final = {r: (rank.get(t, -1), g, t) for r, t, g in zip(first["audit_id"], first["auditor_tier"],
                                                           first["overall_grade"], strict=True)}
    mods = audits[audits["moderation_of"].notna()]
    for a, t, g in zip(mods["audit_id"], mods["auditor_tier"], mods["overall_grade"], strict=True):
        r = root(a)
        if r in final and rank.get(t, -1) > final[r][0]:
            final[r] = (rank.get(t, -1), g, t)
    first["first_grade"] = first["overall_grade"]
    first["final_grade"] = [final[r][1] for r in first["audit_id"]]
    first["final_tier"] = [final[r][2] for r in first["audit_id"]]
    return first.reset_index(drop=True)


def _boundary(pairs: pd.DataFrame, rated: tuple[str, ...], fail: str, level: float) -> BoundaryAgreement | None:
    if pairs.empty:
        return None
    a, m = pairs["auditor_grade"], pairs["moderator_grade"]
    exact = float((a == m).mean())
    a_fail, m_fail = a == fail, m == fail
    two = len(pairs) >= 2
    kappa = ag.cohen_kappa(pairs[["auditor_grade", "moderator_grade"]], categories=list(rated),
                           confidence_level=level) if two else None
    sides = pd.DataFrame({"a": a_fail.map({True: "fail", False: "pass"}), "m": m_fail.map({True: "fail", False: "pass"})})
    bkappa = ag.cohen_kappa(sides, categories=["pass", "fail"], confidence_level=level) if two and (
        a_fail.any() or m_fail.any()) and not (a_fail.all() and m_fail.all()) else None
    return BoundaryAgreement(len(pairs), exact, kappa, float((a_fail == m_fail).mean()), bkappa,
                             int((a_fail & ~m_fail).sum()), int((~a_fail & m_fail).sum()))


def criterion_counts(audits: pd.DataFrame, criteria: pd.DataFrame, scales: Mapping[str, Any], names: list[str], *,
                     confidence_level: float) -> tuple[CriterionCounts, ...]:
    """Yes, No and not-applicable answers of each criterion, with the rate among applicable files."""
    labels = criteria.set_index("criterion")
    out = []
    for name in names:
        if name not in audits.columns or name not in labels.index:
            continue
        scale = scales[labels.loc[name, "scale_id"]]
        answers = audits[name].dropna()
        na = int(answers.isin(scale.not_applicable).sum())
        applicable = answers[~answers.isin(scale.not_applicable)]
        yes = int(applicable.isin(scale.good_or_better).sum())
        n = int(applicable.size)
        rate = proportion_ci(yes, n, method="wilson", confidence_level=confidence_level) if n else None
        out.append(CriterionCounts(name, str(labels.loc[name, "label"]), yes, n - yes, na, rate))
    return tuple(out)


def audit_programme(audits: pd.DataFrame, coverage: pd.DataFrame, *, frame_size: int, scale,
                    criteria: pd.DataFrame, scales: Mapping[str, Any], criterion_names: list[str],
                    confidence_level: float) -> AuditProgramme:
    """The cycle's case-file audit programme by tier.

    Parameters
    ----------
    audits : pandas.DataFrame
        The cycle's case-file audits, first audits and moderations.
    coverage : pandas.DataFrame
        :func:`review.stats.sample_draw.tier_coverage` rows for case files.
    frame_size : int
        Open cases in the frame the random sample was drawn from.
    scale : GradeScale
        The overall grade's scale (its worst rated label is the Inadequate side of the boundary).
    criteria, scales, criterion_names, confidence_level
        The criteria table, the scales, the criteria to count, the interval's level.
    """
    files = final_grades(audits)
    good = set(scale.good_or_better)
    tiers = []
    for tier in MANAGEMENT_TIERS:
        mine = files[files["auditor_tier"] == tier]
        cov = coverage[coverage["tier"] == tier]
        tiers.append(TierResult(tier, TIER_NAMES[tier], int(cov["auditors"].sum()), int(cov["planned"].sum()),
                                len(mine), int(mine["first_grade"].isin(good).sum()),
                                int(mine["final_grade"].isin(good).sum()),
                                int((mine["first_grade"] != mine["final_grade"]).sum()),
                                tuple(x for o in cov["overdue"].dropna() for x in str(o).split(";") if x)))
    random = files[files["selection"] == "random"]
    pop = frame_size if frame_size >= len(random) else None

    def rate(column: str) -> ProportionResult | None:
        if random.empty:
            return None
        return proportion_ci(int(random[column].isin(good).sum()), len(random), method="wilson",
                             confidence_level=confidence_level, population=pop)

    themed = files[files["selection"] == "themed"]
    by_theme = tuple((str(t), int(g["final_grade"].isin(good).sum()), len(g))
                     for t, g in themed.groupby(themed["theme"].fillna("unnamed theme"), sort=True))
    pairs = ag.moderation_pairs(audits, unit="case_ref", tier="auditor_tier", grade="overall_grade",
                                tiers=MANAGEMENT_TIERS)
    rated = scale.rated
    return AuditProgramme(tuple(tiers), frame_size, rate("first_grade"), rate("final_grade"), by_theme,
                          _boundary(pairs, rated, rated[-1], confidence_level),
                          criterion_counts(files, criteria, scales, criterion_names, confidence_level=confidence_level))
