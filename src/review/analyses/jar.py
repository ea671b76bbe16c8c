"""The JAR Haringey 2008 stocktake: every finding of the source, its triangulated evidence and judgement.

For each of the 11 findings (the 11th from the DCSF summary, as the source says) the analysis
gathers the evidence the council's evidence map declares against it (:mod:`review.analyses.mapped`:
audit criteria and grades with moderated answers prevailing, multi-agency audits by agency,
indicators against their own targets, the LSCB's and scrutiny's records, the action register),
each line with its level, interval, band, firmness and change since last cycle, then judges the
finding by :mod:`review.analyses.judgement`. The managers' self-assessment is shown beside it: alone
it is "self-assessed, not evidenced", never a band. A finding the map gives no evidence is "no
evidence".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from review.analyses.audit_learning import LearningSection, section_context
from review.analyses.context import Context
from review.analyses.judgement import (
    SELF,
    EvidenceLine,
    ItemJudgement,
    Rates,
    action_sentence,
    rag_counts,
    rag_sentence,
    triangulate,
)
from review.analyses.mapped import mapped_lines, moderated_share
from review.config.framework_items import JAR_FINDINGS, SourceItem
from review.config.thresholds import Threshold, item_threshold
from review.data import Evidence
from review.protection.aggregate import sector_parents

__all__ = ["UNCERTAIN_WORDS", "FindingResult", "JarResult", "analyse", "analyse_context"]

UNCERTAIN_WORDS = ("judgements are uncertain (their evidence's interval spans a threshold or rests on "
                   "self-assessment only)")
"""What the second headline counts."""

@dataclass(frozen=True)
class FindingResult:
    """One finding of the source with its evidence and judgement.

    Attributes
    ----------
    item : SourceItem
    evidence : tuple of EvidenceLine
        Independent lines first, the self-assessment last.
    judgement : ItemJudgement
    threshold : Threshold
        The lines the finding was judged against, with their source.
    """

    item: SourceItem
    evidence: tuple[EvidenceLine, ...]
    judgement: ItemJudgement
    threshold: Threshold | None = None


@dataclass(frozen=True)
class JarResult:
    """Everything the JAR stocktake report shows.

    Attributes
    ----------
    cycle, previous : str
    confidence_level, green, red : float
    findings : tuple of FindingResult
        The 11 findings in the source's order.
    rag_counts : dict
        Findings per band (``red``, ``amber``, ``green``, ``grey``).
    needs_action : tuple of str
        Findings judged red, with their id and the reason.
    changes : tuple of str
        Evidence lines whose change since last cycle is beyond chance (improved or worse).
    headlines : tuple of str
    moderated : (int, int)
        Case-file audits this cycle whose final answers are a moderator's, and case-file audits: every
        criterion line reads the final answers.
    learning : LearningSection or None
        What the audits tell us this quarter (:func:`review.analyses.audit_learning.section`): set
        for a report (its ``analyse_context``), None otherwise.
    sectors : tuple of (str, str)
        Each agency and its sector's label, as the council's ``agencies`` dataset declares them: a
        published page shows a small agency's line within its sector first
        (:func:`review.analyses.jar_figures.published_lines`).
    """

    cycle: str
    previous: str
    confidence_level: float
    green: float
    red: float
    findings: tuple[FindingResult, ...]
    rag_counts: dict[str, int]
    needs_action: tuple[str, ...]
    changes: tuple[str, ...]
    headlines: tuple[str, ...]
    moderated: tuple[int, int] = (0, 0)
    learning: LearningSection | None = None
    sectors: tuple[tuple[str, str], ...] = ()


def _self_line(evidence: Evidence, finding: str, cycle: str, previous: str, rates: Rates) -> list[EvidenceLine]:
    sa = evidence.table("self_assessments")
    sa = sa[(sa["framework"] == "jar_haringey") & (sa["item"] == finding)]

    def counts(c: str) -> tuple[int, int] | None:
        mine = sa[sa["cycle"] == c]
        if mine.empty:
            return None
        good = set().union(*(evidence.scales[s].good_or_better for s in mine["grade_scale"].unique()))
        return int(mine["rating"].isin(good).sum()), len(mine)

    now = counts(cycle)
    if now is None:
        return []
    return [rates.line(SELF, "managers rating it Good or better", now, counts(previous), "ratings")]


def analyse(evidence: Evidence, *, cycle: str, previous: str, confidence_level: float, green: float,
            red: float, thresholds: Mapping[tuple[str, str], Threshold] | None = None) -> JarResult:
    """The stocktake of every finding this cycle.

    Parameters
    ----------
    evidence : Evidence
    cycle, previous : str
        This cycle and the one it is compared with.
    confidence_level : float
    green, red : float
        The workbook's thresholds (the ``rag_green`` and ``rag_red`` parameters).
    thresholds : mapping, optional
        ``(framework, item) -> Threshold`` declared for particular findings, with their source.

    Returns
    -------
    JarResult
    """
    findings = []
    for item in JAR_FINDINGS:
        threshold = item_threshold(thresholds or {}, "jar_haringey", item.item_id, green=green, red=red)
        rates = Rates(confidence_level=confidence_level, green=threshold.green, red=threshold.red)
        lines = mapped_lines(evidence, "jar_haringey", item.item_id, rates=rates, cycle=cycle, previous=previous)
        lines += _self_line(evidence, item.item_id, cycle, previous, rates)
        findings.append(FindingResult(item, tuple(lines), triangulate(lines), threshold))
    case_files = evidence.map.types_of_kind("case file")
    return _finish(findings, cycle=cycle, previous=previous, confidence_level=confidence_level, green=green, red=red,
                   moderated=moderated_share(evidence, cycle, case_files),
                   sectors=tuple(sector_parents(evidence.table("agencies")).items()))


def _finish(findings: Sequence[FindingResult], **meta: Any) -> JarResult:
    counts = rag_counts([f.judgement.band for f in findings])
    actions = tuple(action_sentence(f.item.item_id, f.judgement) for f in findings if f.judgement.band == "red")
    changes = tuple(ln.change_sentence(f.item.item_id)
                    for f in findings for ln in f.evidence if ln.change.label in ("improved", "worse"))
    uncertain = sum(not f.judgement.firm and f.judgement.band != "grey" for f in findings)
    headlines = (f"JAR findings: {rag_sentence(counts)}", f"{uncertain} of {len(findings)} {UNCERTAIN_WORDS}")
    return JarResult(findings=tuple(findings), rag_counts=counts, needs_action=actions, changes=changes,
                     headlines=headlines, **meta)


def analyse_context(ctx: Context) -> JarResult:
    """:func:`analyse` with a notebook's context (its evidence, cycle and parameters)."""
    p = ctx.params
    result = analyse(ctx.evidence, cycle=ctx.cycle, previous=ctx.previous, confidence_level=p.confidence_level,
                     green=p.rag_green, red=p.rag_red, thresholds=p.thresholds)
    return replace(result, learning=section_context(ctx))  # what the audits tell us: J10's evidence in words
