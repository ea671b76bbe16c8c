"""Which bands a report may show: the disclosure rule for judgements.

A band resting on a figure a published report withholds would narrow the hidden value, so it is
withheld too. The reports show bands by this rule, and the action plan lists as red only what a
report shows red (:func:`review.analyses.red_items.red_in`): one rule for both, here, below the
views that format it.
"""

from __future__ import annotations

from collections.abc import Sequence

from review.analyses.jar import JarResult
from review.analyses.judgement import SELF, EvidenceLine, ItemJudgement
from review.analyses.partnership import SelfAssessmentResult
from review.protection.disclosure import DisclosurePolicy

__all__ = ["NO_CHILDREN", "WITHHELD", "deciding_lines", "finding_bands", "item_bands", "line_policy", "shown_band",
           "withheld"]

WITHHELD = "withheld"
"""The band a published report shows for a judgement that rests on a withheld figure."""

NO_CHILDREN = DisclosurePolicy(audience="internal")
"""For levels that count no person and no case (organisations' ratings, returns, challenges, areas):
nothing to suppress."""


def line_policy(line: EvidenceLine, policy: DisclosurePolicy) -> DisclosurePolicy:
    """The report's policy for a line that counts people or cases, else no suppression."""
    return policy if line.counts_people else NO_CHILDREN


def withheld(line: EvidenceLine, policy: DisclosurePolicy) -> bool:
    """Whether a published report withholds the line's level (and so its band and change).

    >>> from review.analyses.judgement import Change
    >>> none = Change("no comparison", None)
    >>> pub = DisclosurePolicy()
    >>> withheld(EvidenceLine("self-assessment", "managers", 4, 5, "ratings", None, none), pub)
    True
    >>> withheld(EvidenceLine("self-assessment", "agencies", 4, 5, "agency ratings", None, none), pub)
    False
    """
    if line.forced_band or not line.n:
        return False
    return line_policy(line, policy).withhold(line.k, of=line.n) is not None


def deciding_lines(j: ItemJudgement | None, lines: Sequence[EvidenceLine]) -> list[EvidenceLine]:
    """The lines a judgement follows: the independent ones, or the self-assessment when it stands alone."""
    if j is None:
        return []
    if j.basis == "self-assessment only":
        return [ln for ln in lines if ln.kind == SELF and ln.band != "grey"]
    return [ln for ln in lines if ln.kind != SELF and ln.band != "grey"]


def shown_band(j: ItemJudgement | None, lines: Sequence[EvidenceLine], policy: DisclosurePolicy) -> str | None:
    """The judgement's band as a published report may show it, or :data:`WITHHELD`.

    A band resting on a withheld line would narrow the hidden value, so it is withheld, except a
    red judgement that a shown line is red on (red is the worst band: it then says nothing of the
    withheld lines).
    """
    if j is None:
        return None
    deciding = deciding_lines(j, lines)
    if not any(withheld(ln, policy) for ln in deciding):
        return j.band
    if j.band == "red" and any(ln.band == "red" and not withheld(ln, policy) for ln in deciding):
        return "red"
    return WITHHELD


def finding_bands(result: JarResult, policy: DisclosurePolicy) -> dict[str, str]:
    """Each finding of a JAR result with its band as the report may show it (every finding is
    judged: one without evidence is grey)."""
    return {f.item.item_id: shown_band(f.judgement, f.evidence, policy) or "grey" for f in result.findings}


def item_bands(result: SelfAssessmentResult, policy: DisclosurePolicy) -> dict[str, str | None]:
    """Each item of a self-assessment result with its band as the report may show it; a heading
    takes the worst shown band of its sub-items, and is withheld with them unless a shown sub-item
    is red."""
    bands = {i.item.item_id: shown_band(i.judgement, i.evidence, policy) for i in result.items}
    for i in result.items:
        if i.judgement is not None and i.judgement.basis == "its sub-items":
            children = [bands[c.item.item_id] for c in result.items if c.item.parent == i.item.item_id
                        and c.judgement is not None]
            if WITHHELD in children and not (i.judgement.band == "red" and "red" in children):
                bands[i.item.item_id] = WITHHELD
    return bands
