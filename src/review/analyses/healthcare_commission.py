"""The Healthcare Commission's 7 headline issues and the Designated Nurse's lead role.

Health agencies rate each issue; the independent evidence is their own multi-agency audits of
child protection files (record keeping, information sharing, sharing expertise) and safeguarding
training compliance (training and staffing). Governance, communication and partnership working
have no independent evidence in the data contract, so they are judged on self-assessment only,
which never makes an item green.
"""

from __future__ import annotations

from review.analyses._evidence import agency_of, criterion_line, training_line
from review.analyses.judgement import EvidenceLine, Rates
from review.analyses.partnership import SelfAssessmentResult, analyse_self_assessment
from review.config.framework_items import SourceItem
from review.data import Evidence

__all__ = ["ISSUE_CRITERIA", "LEAD_NOTE", "NOT_HEALTH", "analyse", "analyse_context", "health_agencies"]

ISSUE_CRITERIA = {"H4": "health_records_complete", "H5": "concerns_shared", "H6": "named_professional_advice"}
"""The multi-agency audit criterion that evidences an issue."""

NOT_HEALTH = frozenset({"Police", "Children's social care", "Schools", "Education", "Probation", "Voluntary sector"})
"""Partner agencies and staff groups that are not health agencies."""

LEAD_NOTE = ("Not one of the 7 headline issues: the source says the Nurse Consultant/Designated Nurse for "
             "Safeguarding will lead the local review. The data hold no record of the review's progress, so the "
             "workbook makes no judgement on it.")


def health_agencies(evidence: Evidence, cycle: str) -> set[str]:
    """Health agencies: partner-agency auditors' agencies and the Healthcare Commission raters, less non-health ones."""
    sa = evidence.table("self_assessments")
    raters = set(sa[(sa["framework"] == "healthcare_commission") & (sa["cycle"] == cycle)]["rater"])
    return (set(agency_of(evidence).values()) | raters) - NOT_HEALTH


def analyse(evidence: Evidence, *, cycle: str, previous: str, confidence_level: float, green: float,
            red: float) -> SelfAssessmentResult:
    """Every issue with its ratings, triangulated evidence and judgement."""
    health = health_agencies(evidence, cycle)

    def independent(item: SourceItem, rates: Rates) -> list[EvidenceLine]:
        lines = []
        if item.item_id in ISSUE_CRITERIA:
            line = criterion_line(evidence, rates, ISSUE_CRITERIA[item.item_id], cycle=cycle, previous=previous,
                                  audit_type="multi-agency", agencies=health, kind="multi-agency audit",
                                  who="health agencies' audits")
            lines += [line] if line else []
        if item.item_id == "H7":
            line = training_line(evidence, rates, health, cycle=cycle, previous=previous)
            lines += [line] if line else []
        return lines

    return analyse_self_assessment(evidence, "healthcare_commission", cycle=cycle, previous=previous,
                                   confidence_level=confidence_level, green=green, red=red, independent=independent,
                                   notes={"HLEAD": LEAD_NOTE}, rater_words="health agencies")


def analyse_context(ctx) -> SelfAssessmentResult:  # noqa: ANN001 - a Context
    """:func:`analyse` with a notebook's context."""
    p = ctx.params
    return analyse(ctx.evidence, cycle=ctx.cycle, previous=ctx.previous, confidence_level=p.confidence_level,
                   green=p.rag_green, red=p.rag_red)
