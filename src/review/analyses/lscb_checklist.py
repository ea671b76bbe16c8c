"""The GOSE LSCB Quality Assurance checklist: its areas and every quality-assurance sub-item.

Member agencies rate each area and sub-item themselves: each rates the board's arrangements from its
own part in them, a self-assessment. Their ratings are a spread of self-ratings, shown as such, and no
agreement coefficient is computed: the raters do not rate the same units (``docs/evidence_map.md``).

The independent evidence is what the council's evidence map declares against each item
(:mod:`review.analyses.mapped`): for example the LSCB's own records (member agencies' attendance at
board meetings, challenges to member agencies answered; the chair's independence is a condition,
red when it fails and never green on its own), the quality found by member agencies' audits,
serious case review action plans, the use of data, and the child's voice in audits and their
learning. "Quality Assurance" itself is summarised from its six sub-items.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from review.analyses.audit_learning import section_context
from review.analyses.context import Context
from review.analyses.partnership import SelfAssessmentResult, analyse_self_assessment
from review.config.thresholds import Threshold
from review.data import Evidence

__all__ = ["analyse", "analyse_context"]


def analyse(evidence: Evidence, *, cycle: str, previous: str, confidence_level: float, green: float,
            red: float, thresholds: Mapping[tuple[str, str], Threshold] | None = None) -> SelfAssessmentResult:
    """Every area and sub-item with its ratings, triangulated evidence and judgement."""
    return analyse_self_assessment(evidence, "lscb_checklist", cycle=cycle, previous=previous,
                                   confidence_level=confidence_level, green=green, red=red, thresholds=thresholds,
                                   rater_words="member agencies", self_rated=True)


def analyse_context(ctx: Context) -> SelfAssessmentResult:
    """:func:`analyse` with a notebook's context."""
    p = ctx.params
    result = analyse(ctx.evidence, cycle=ctx.cycle, previous=ctx.previous, confidence_level=p.confidence_level,
                     green=p.rag_green, red=p.rag_red, thresholds=p.thresholds)
    return replace(result, learning=section_context(ctx))  # what the audits tell us (L4.2, L4.6)
