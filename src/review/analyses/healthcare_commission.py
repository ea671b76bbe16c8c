"""The Healthcare Commission's 7 headline issues and the Designated Nurse's lead role.

Health agencies rate each issue themselves: a spread of self-ratings, shown as such. The independent
evidence is whatever the council's evidence map declares against each issue (:mod:`review.analyses.mapped`):
typically the health agencies' own multi-agency audits of child protection files (record keeping,
information sharing, sharing expertise, communication, partnership working), their safeguarding
training and staffing, and records of governance. An issue with no mapped evidence is judged on the
agencies' ratings alone: "self-assessed, not evidenced", never a band.
"""

from __future__ import annotations

from collections.abc import Mapping

from review.analyses.context import Context
from review.analyses.partnership import SelfAssessmentResult, analyse_self_assessment
from review.config.thresholds import Threshold
from review.data import Evidence

__all__ = ["LEAD_NOTE", "analyse", "analyse_context"]

LEAD_NOTE = ("Not one of the 7 headline issues: the source says the Nurse Consultant/Designated Nurse for "
             "Safeguarding will lead the local review. The data hold no record of the review's progress, so the "
             "workbook makes no judgement on it.")


def analyse(evidence: Evidence, *, cycle: str, previous: str, confidence_level: float, green: float,
            red: float, thresholds: Mapping[tuple[str, str], Threshold] | None = None) -> SelfAssessmentResult:
    """Every issue with its ratings, triangulated evidence and judgement."""
    return analyse_self_assessment(evidence, "healthcare_commission", cycle=cycle, previous=previous,
                                   confidence_level=confidence_level, green=green, red=red, thresholds=thresholds,
                                   notes={"HLEAD": LEAD_NOTE}, rater_words="health agencies",
                                   self_rated=True)


def analyse_context(ctx: Context) -> SelfAssessmentResult:
    """:func:`analyse` with a notebook's context."""
    p = ctx.params
    return analyse(ctx.evidence, cycle=ctx.cycle, previous=ctx.previous, confidence_level=p.confidence_level,
                   green=p.rag_green, red=p.rag_red, thresholds=p.thresholds)
