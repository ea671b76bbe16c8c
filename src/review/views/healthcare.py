"""Report sections of the Healthcare Commission notebook beyond the shared self-assessment views."""

from __future__ import annotations

from IPython.display import HTML

from review.analyses.partnership import SelfAssessmentResult
from review.views import presentation as show

__all__ = ["lead_role"]


def lead_role(result: SelfAssessmentResult) -> HTML:
    """The Designated Nurse's lead role: the source's words and what the workbook can say about it."""
    lead = next((i for i in result.items if i.item.group == "lead role"), None)
    if lead is None:
        return show.note("")
    return HTML(f"<p>{show.item_ids(show.quoted(lead.item.text))} {show.item_ids(lead.note)}</p>")  # the source's words quoted
