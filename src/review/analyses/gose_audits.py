"""The GOSE case-file audit programme by tier: quotas, final (moderated) grades, boundary agreement.

A file's **final** grade and answers are those of its most senior moderation (a re-audit by a more
senior tier), or its first auditor's when nobody moderated it
(:func:`review.analyses.final_answers.final_answers`); each file counts once. The headline rate is of final grades on the
**random** sample only, with a finite-population interval against the frame it was drawn from
(the cycle's open cases); themed audits are chosen for a theme, not at random, so they are
reported apart. Moderation is reported overall (exact agreement, unweighted kappa) and at the
Adequate/Inadequate boundary, the line that decides whether a file needs action: there
agreement is of "Adequate or better" against "Inadequate", with no partial credit for near misses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from review.analyses.final_answers import final_answers
from review.analyses.kappa_reading import KappaReading, read_kappa
from review.config.glossary import TIER_NAMES
from review.data import GradeScale
from review.stats import agreement as ag
from review.stats.agreement.results import AgreementResult
from review.stats.sample_draw import MANAGEMENT_TIERS
from review.stats.sampling import ProportionResult, proportion_ci

__all__ = ["AuditProgramme", "BoundaryAgreement", "CriterionCounts", "TierResult",
           "audit_programme", "criterion_counts"]

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
    reading, boundary_reading : KappaReading or None
        Each kappa read in plain words by the declared rule (:func:`review.analyses.kappa_reading.read_kappa`),
        with the raw and the chance agreement and the paradox explained where it is at work.
    """

    n_pairs: int
    exact: float
    kappa: AgreementResult | None
    boundary_agreement: float
    boundary_kappa: AgreementResult | None
    raised_above: int
    lowered_below: int
    reading: KappaReading | None = None
    boundary_reading: KappaReading | None = None


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
                             int((a_fail & ~m_fail).sum()), int((~a_fail & m_fail).sum()),
                             _reading(kappa, pd.concat([a, m])),
                             _reading(bkappa, pd.concat([sides["a"], sides["m"]]), "the same side of the line"))


def _reading(kappa: AgreementResult | None, grades: pd.Series, what: str = "the same grade") -> KappaReading | None:
    """A kappa read in words, with the share of both raters' grades in the commonest one."""
    if kappa is None:
        return None
    return read_kappa(kappa, modal_share=float(grades.value_counts(normalize=True).iloc[0]), what=what)


def criterion_counts(audits: pd.DataFrame, criteria: pd.DataFrame, scales: Mapping[str, Any], names: list[str], *,
                     confidence_level: float,
                     population: Callable[[pd.DataFrame], int | None] | None = None) -> tuple[CriterionCounts, ...]:
    """Yes, No and not-applicable answers of each criterion, with the rate among applicable files.

    ``audits`` holds one row per audited file (its final answers), so each file counts once.
    ``population`` gives, for the files where a criterion applied, the finite population their
    interval is corrected for, or None for plain Wilson: the workbook's one rule is
    :func:`review.analyses.mapped.sample_frame` (the quarter's frame only when every file counted
    is a case file drawn at random from it), so a criterion has one interval on every page. Without
    it the interval is plain Wilson; a population smaller than the files counted is not applied.

    Examples
    --------
    7 of 10 files met the criterion, all drawn at random from a frame of 40: Wilson with z squared
    scaled by (40 - 10) / (40 - 1).

    >>> scale = type("S", (), {"not_applicable": frozenset({"N/A"}), "good_or_better": frozenset({"Yes"})})()
    >>> files = pd.DataFrame({"plan": ["Yes"] * 7 + ["No"] * 3 + ["N/A"]})
    >>> criteria = pd.DataFrame({"criterion": ["plan"], "label": ["Plan"], "scale_id": ["yn"]})
    >>> (c,) = criterion_counts(files, criteria, {"yn": scale}, ["plan"], confidence_level=0.95,
    ...                         population=lambda applicable: 40)
    >>> (c.yes, c.no, c.not_applicable, c.rate.population)
    (7, 3, 1, 40)
    """
    labels = criteria.set_index("criterion")
    out = []
    for name in names:
        if name not in audits.columns or name not in labels.index:
            continue
        scale = scales[labels.loc[name, "scale_id"]]
        answers = audits[name]
        not_applicable = answers.isin(scale.not_applicable)
        na = int(not_applicable.sum())
        applies = answers.notna() & ~not_applicable
        applicable = answers[applies]
        yes = int(applicable.isin(scale.good_or_better).sum())
        n = int(applicable.size)
        size = population(audits[applies]) if population is not None and n else None
        rate = proportion_ci(yes, n, method="wilson", confidence_level=confidence_level,
                             population=size if size and size >= n else None) if n else None
        out.append(CriterionCounts(name, str(labels.loc[name, "label"]), yes, n - yes, na, rate))
    return tuple(out)


def audit_programme(audits: pd.DataFrame, coverage: pd.DataFrame, *, frame_size: int, scale: GradeScale,
                    criteria: pd.DataFrame, scales: Mapping[str, Any], criterion_names: list[str],
                    confidence_level: float,
                    population: Callable[[pd.DataFrame], int | None] | None = None) -> AuditProgramme:
    """The cycle's case-file audit programme by tier.

    Parameters
    ----------
    audits : pandas.DataFrame
        The cycle's case-file audits, first audits and moderations (criteria and grades are read
        from each file's final answers).
    coverage : pandas.DataFrame
        :func:`review.stats.sample_draw.tier_coverage` rows for case files.
    frame_size : int
        Open cases in the frame the random sample was drawn from.
    scale : GradeScale
        The overall grade's scale (its worst rated label is the Inadequate side of the boundary).
    criteria, scales, criterion_names, confidence_level
        The criteria table, the scales, the criteria to count, the interval's level.
    population : callable, optional
        The finite population of a criterion's applicable files (:func:`criterion_counts`).
    """
    files = final_answers(audits, criterion_names)
    files = files.assign(final_grade=files["overall_grade"])
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
                          criterion_counts(files, criteria, scales, criterion_names, confidence_level=confidence_level,
                                           population=population))
