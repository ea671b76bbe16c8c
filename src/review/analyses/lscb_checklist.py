"""The GOSE LSCB Quality Assurance checklist: its areas and every quality-assurance sub-item.

Member agencies rate each area and sub-item. Independent evidence, where the data hold it: the
LSCB's own records for its organisation and operation (is the chair independent) and its functions
(were the challenges it raised with member agencies answered); member agencies' multi-agency
audits for case file audit; whether the areas measured by indicators are also audited for the use
of data; and the child's voice in case-file audits for listening to service users. "Quality
Assurance" itself is summarised from its six sub-items.
"""

from __future__ import annotations

from review.analyses._evidence import agency_of, criterion_line, first_audits, lscb_lines
from review.analyses.jar import indicator_coverage
from review.analyses.judgement import EvidenceLine, Rates
from review.analyses.partnership import SelfAssessmentResult, analyse_self_assessment
from review.config.framework_items import SourceItem
from review.data import Evidence

__all__ = ["analyse", "analyse_context"]


def _agencies_auditing(evidence: Evidence, cycle: str) -> tuple[int, int]:
    agency = agency_of(evidence)
    audits = first_audits(evidence, cycle)
    audits = audits[audits["audit_type"] == "multi-agency"]
    active = {agency[a] for a in audits["auditor_id"] if a in agency}
    return len(active), len(set(agency.values()))


def analyse(evidence: Evidence, *, cycle: str, previous: str, confidence_level: float, green: float,
            red: float) -> SelfAssessmentResult:
    """Every area and sub-item with its ratings, triangulated evidence and judgement."""

    def independent(item: SourceItem, rates: Rates) -> list[EvidenceLine]:
        if item.item_id == "L1":
            return lscb_lines(evidence, rates, cycle=cycle, previous=previous, challenges=False)
        if item.item_id == "L3":
            return lscb_lines(evidence, rates, cycle=cycle, previous=previous, chair=False)
        if item.item_id == "L4.1":
            now = _agencies_auditing(evidence, cycle)
            return [rates.line("multi-agency audit", "partner agencies that audited case files this cycle", now,
                               _agencies_auditing(evidence, previous), "agencies", census=True)] if now[1] else []
        if item.item_id == "L4.2":
            cover = indicator_coverage(evidence, cycle)
            return [rates.line("coverage", "areas measured by an indicator that audits also examined",
                               (sum(ok for _, _, ok in cover), len(cover)), None, "areas", census=True)] if cover else []
        if item.item_id == "L4.6":
            lines = [criterion_line(evidence, rates, "childs_voice", cycle=cycle, previous=previous,
                                    audit_type="case file")]
            return [ln for ln in lines if ln]
        return []

    return analyse_self_assessment(evidence, "lscb_checklist", cycle=cycle, previous=previous,
                                   confidence_level=confidence_level, green=green, red=red, independent=independent,
                                   rater_words="member agencies")


def analyse_context(ctx) -> SelfAssessmentResult:  # noqa: ANN001 - a Context
    """:func:`analyse` with a notebook's context."""
    p = ctx.params
    return analyse(ctx.evidence, cycle=ctx.cycle, previous=ctx.previous, confidence_level=p.confidence_level,
                   green=p.rag_green, red=p.rag_red)
