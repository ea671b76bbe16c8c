"""The social care governance exercise: the two axes, each divided in two, and its context.

Area managers score each level of the two axes (roles and responsibilities: the organisation,
the individual; communication flow: the directorate, the team) from 0 to 10. Scores are
summarised as scores: median, range and the share at the scale's marked level or above (the
workbook's ``scaling_0_10`` grade scale marks 7 to 10; the exercise itself sets no pass mark, so
the report states that rule as the workbook's). Self-assessment alone never makes an item green.
The context items are the source's context, set beside the workbook's own questions for the
board's discussion (:data:`review.config.framework_items.GOVERNANCE_CONTEXT`; the source asks none);
they are discussed, not scored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from review.analyses import self_assessment as sa
from review.analyses.context import Context
from review.analyses.partnership import SelfAssessmentResult, analyse_self_assessment
from review.config.framework_items import GOVERNANCE_AXES, GOVERNANCE_CONTEXT
from review.config.thresholds import Threshold
from review.data import Evidence

__all__ = ["AxisScores", "GovernanceResult", "analyse", "analyse_context", "axis_scores"]


@dataclass(frozen=True)
class AxisScores:
    """All scores given on one axis level (every area manager, pooled).

    Attributes
    ----------
    axis, level : str
    n : int
        Scores given.
    median, lower_quartile, upper_quartile : float
    share_at_mark : float
        Share of scores at the marked level or above.
    """

    axis: str
    level: str
    n: int
    median: float
    lower_quartile: float
    upper_quartile: float
    share_at_mark: float


@dataclass(frozen=True)
class GovernanceResult:
    """The exercise's result: the shared self-assessment result plus the axis summaries.

    Attributes
    ----------
    base : SelfAssessmentResult
    axes : tuple of AxisScores
    mark : int or None
        The lowest score the data's scale marks as good (7 in the demo), or None.
    rule : str
        The sentence stating where the mark comes from.
    """

    base: SelfAssessmentResult
    axes: tuple[AxisScores, ...]
    mark: int | None
    rule: str


def axis_scores(r: sa.Ratings, mark: int) -> tuple[AxisScores, ...]:
    """Median, quartiles and share at ``mark`` or above per axis level.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"A": ["8", "3"], "B": ["6", "5"], "C": ["7", "4"]}, index=["G1.1", "G2.2"])
    >>> r = sa.Ratings(t, t, tuple(str(v) for v in range(10, -1, -1)), True, frozenset({"7", "8", "9", "10"}))
    >>> [(a.level, a.median, round(a.share_at_mark, 3)) for a in axis_scores(r, 7)]
    [('organisation', 7.0, 0.667), ('team', 4.0, 0.0)]
    """
    ids = {"roles": "G1", "communication": "G2"}
    out = []
    for axis, levels in GOVERNANCE_AXES.items():
        for k, level in enumerate(levels, start=1):
            item = f"{ids[axis]}.{k}"
            if item not in r.table.index:
                continue
            scores = r.table.loc[item].dropna().astype(float).to_numpy()
            if scores.size == 0:
                continue
            q1, med, q3 = np.percentile(scores, [25, 50, 75])
            out.append(AxisScores(axis, level, int(scores.size), float(med), float(q1), float(q3),
                                  float((scores >= mark).mean())))
    return tuple(out)


def analyse(evidence: Evidence, *, cycle: str, previous: str, confidence_level: float, green: float,
            red: float, thresholds: Mapping[tuple[str, str], Threshold] | None = None) -> GovernanceResult:
    """Every axis, level and context question of the exercise."""
    base = analyse_self_assessment(evidence, "governance", cycle=cycle, previous=previous,
                                   confidence_level=confidence_level, green=green, red=red, thresholds=thresholds,
                                   notes=dict(GOVERNANCE_CONTEXT), rater_words="area managers")
    r = sa.ratings(evidence, "governance", cycle)
    mark = min((int(v) for v in r.good_or_better), default=None) if r and r.numeric else None
    rule = ("The exercise sets no pass mark. The share reported is of scores at "
            f"{mark} or above, the level the workbook's 0-10 grade scale marks as good: a workbook rule, not the "
            "exercise's." if mark is not None else "The data's scale marks no score as good, so no share is reported.")
    return GovernanceResult(base, axis_scores(r, mark) if r is not None and mark is not None else (), mark, rule)


def analyse_context(ctx: Context) -> GovernanceResult:
    """:func:`analyse` with a notebook's context."""
    p = ctx.params
    return analyse(ctx.evidence, cycle=ctx.cycle, previous=ctx.previous, confidence_level=p.confidence_level,
                   green=p.rag_green, red=p.rag_red, thresholds=p.thresholds)
