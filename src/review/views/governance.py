"""Report sections of the social care governance exercise: they format a GovernanceResult."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from review.analyses.actions import ActionsResult
from review.analyses.governance import AxisScores, GovernanceResult
from review.config.framework_items import GOVERNANCE
from review.protection.disclosure import DisclosurePolicy
from review.views import partners
from review.views import presentation as show

__all__ = ["CONTEXT_COLUMNS", "axes_table", "context_questions", "record"]

CONTEXT_COLUMNS = ("The context the exercise was set in (the source's words)",
                   "A question for discussion (the workbook's, not the source's)")
"""The context table's headings: the source lists the context; the questions are the workbook's own
(:data:`review.config.framework_items.GOVERNANCE_CONTEXT`), and are headed so."""


def _axis_row(a: AxisScores, mark: int | None, policy: DisclosurePolicy) -> dict[str, str]:
    """One axis and level: the area managers' scores as a group; withheld (c) for fewer managers'
    scores than the policy's smallest group, since each is a person's own."""
    row = {"Axis": "Roles & responsibilities" if a.axis == "roles" else "Communication flow", "Level": f"the {a.level}"}
    median, share = show.nocount("Median (0-10)"), show.nocount(f"Share scoring {mark} or more")  # the scale's positions
    if policy.withhold(a.n, of=a.n):
        return row | {"Scores": "c", median: "c", "Middle half of scores": "c", share: "c"}
    return row | {"Scores": str(a.n), median: show.nocount(f"{a.median:g}"),  # scale positions
                  "Middle half of scores": show.nocount(f"{a.lower_quartile:g} to {a.upper_quartile:g}"),
                  share: show.pct(a.share_at_mark, 0)}


def axes_table(result: GovernanceResult, policy: DisclosurePolicy) -> HTML:
    """Each axis and level as scores: median, quartiles and the share at the mark (stated as the workbook's rule)."""
    if not result.axes:
        return show.note("No governance scores this quarter.")
    rows = [_axis_row(a, result.mark, policy) for a in result.axes]
    table = show.table(pd.DataFrame(rows), caption=show.nocount("The two axes, each divided in two: area managers' scores (0-10)"),
                       uid="gov_axes", policy=policy)
    return HTML(table.data + show.note(show.nocount(result.rule)).data)  # the scale's mark, explained


def record(result: GovernanceResult, policy: DisclosurePolicy, plan: ActionsResult | None = None) -> object:
    """The results JSON of the exercise: the shared self-assessment record with the axes, each axis's
    scores left out where the report withholds them (and, with the report's action plan, its
    ``red_history``)."""

    axes = [a if policy.withhold(a.n, of=a.n) is None else {"axis": a.axis, "level": a.level, "withheld": True}
            for a in result.axes]
    return partners.record(result.base, policy, {"axes": axes, "mark": result.mark}, plan)


def context_questions(result: GovernanceResult) -> HTML:
    """The context the exercise was set in (the source's words) and, beside it, the workbook's own
    question for the board's discussion (the source lists the context and asks no question)."""
    notes = {i.item.item_id: i.note for i in result.base.items}
    rows = [{CONTEXT_COLUMNS[0]: show.quoted(i.text), CONTEXT_COLUMNS[1]: notes.get(i.item_id, "")}
            for i in GOVERNANCE if i.group == "context"]
    return show.table(pd.DataFrame(rows), caption="The exercise was set in the context of the debate following the "
                      "Haringey case, including:", uid="gov_context")
