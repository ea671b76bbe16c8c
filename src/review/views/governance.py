"""Report sections of the social care governance exercise: they format a GovernanceResult."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from review.analyses.governance import GovernanceResult
from review.config.framework_items import GOVERNANCE
from review.protection.disclosure import DisclosurePolicy
from review.views import presentation as show

__all__ = ["axes_table", "context_questions"]


def axes_table(result: GovernanceResult, policy: DisclosurePolicy) -> HTML:
    """Each axis and level as scores: median, quartiles and the share at the mark (stated as the workbook's rule)."""
    if not result.axes:
        return show.note("No governance scores this cycle.")
    mark = result.mark
    rows = [{"Axis": "Roles & responsibilities" if a.axis == "roles" else "Communication flow", "Level": f"the {a.level}",
             "Scores": a.n, "Median (0-10)": f"{a.median:g}",
             "Middle half of scores": f"{a.lower_quartile:g} to {a.upper_quartile:g}",
             f"Share scoring {mark} or more": show.pct(a.share_at_mark, 0)} for a in result.axes]
    table = show.table(pd.DataFrame(rows), caption="The two axes, each divided in two: area managers' scores (0-10)",
                       uid="gov_axes")
    return HTML(table.data + show.note(result.rule).data)


def context_questions(result: GovernanceResult) -> HTML:
    """The context the exercise was set in (the source's words) and the question each puts to managers."""
    notes = {i.item.item_id: i.note for i in result.base.items}
    rows = [{"Context (the source's words)": i.text, "The question the exercise asks": notes.get(i.item_id, "")}
            for i in GOVERNANCE if i.group == "context"]
    return show.table(pd.DataFrame(rows), caption="The exercise was set in the context of the debate following the "
                      "Haringey case, including:", uid="gov_context")
