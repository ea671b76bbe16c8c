"""What a report shows of a judgement: the disclosure rule for judgements, below the views.

A judgement is never withheld: a board must see its reds. A band resting on a figure a published
report withholds (a small group) is shown and marked "small group"; the figure itself is ``c``.
A line's level is withheld by the report's policy when it counts people or cases, and always on
a published page when it is a single post-holder's own performance.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from review.analyses.jar import JarResult
from review.analyses.judgement import BANDS, SELF, EvidenceLine, ItemJudgement
from review.analyses.partnership import SelfAssessmentResult
from review.protection.disclosure import DisclosurePolicy
from review.protection.units import internal_only

__all__ = ["NO_CHILDREN", "SMALL_GROUP", "WITHHELD", "deciding_lines", "finding_bands", "item_bands", "line_policy",
           "rests_on_hidden", "shown_band", "small_group", "withheld"]

WITHHELD = "withheld"
"""Kept for records written before judgements were never withheld (their ``withheld`` lists)."""

SMALL_GROUP = "small group"
"""The mark beside a band or judgement that rests on figures withheld as small numbers."""

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
    if internal_only(line.unit):
        return policy.suppress
    return line_policy(line, policy).withhold(line.k, of=line.n) is not None


def _deciding(j: ItemJudgement, lines: Sequence[EvidenceLine]) -> tuple[list[EvidenceLine], list[EvidenceLine]]:
    """The lines that set a judgement's band, and those that keep it from being firm.

    The band is the worst band of the independent lines; it is set by the lines at that band which
    cannot be better (a firm line, or a rule's band), else by every line at the band. A line whose
    interval reaches a band worse than the judgement's makes it uncertain: it decides too."""
    if j.basis == "self-assessment only":
        return [ln for ln in lines if ln.kind == SELF and ln.band != "grey"], []
    judged = [ln for ln in lines if ln.kind != SELF and ln.band != "grey"]
    at_band = [ln for ln in judged if ln.band == j.band]
    anchors = [ln for ln in at_band if ln.forced_band or (ln.judgement is not None
                                                           and ln.judgement.possible[-1] == j.band)] or at_band
    order = {b: i for i, b in enumerate(BANDS)}
    below = [ln for ln in judged if ln.judgement is not None and not ln.forced_band and j.band in order
             and order[ln.judgement.possible[0]] < order[j.band]]
    return anchors, below


def deciding_lines(j: ItemJudgement | None, lines: Sequence[EvidenceLine]) -> list[EvidenceLine]:
    """The lines a judgement follows: those at its band that set it (a firm one where there is one,
    else every line at the band), and any line whose interval reaches a worse band (it keeps the
    judgement uncertain); the self-assessment when it stands alone.

    A line in a better band whose interval does not reach the judgement's band does not decide it.

    Examples
    --------
    Seen alone 58 of 105 (red, firm: its whole interval is below 65%), the child's views 66 of 105
    (red, could be amber), a review criterion 6 of 9 (amber, could be red or green): the judgement
    is red and firm, set by the first line alone.

    >>> from review.analyses.judgement import Rates, triangulate
    >>> rates = Rates(confidence_level=0.95, green=0.8, red=0.65)
    >>> lines = [rates.line("audit", "seen alone", (58, 105), None, "audits"),
    ...          rates.line("audit", "views", (66, 105), None, "audits"),
    ...          rates.line("audit", "took part", (6, 9), None, "audits")]
    >>> [ln.source for ln in deciding_lines(triangulate(lines), lines)]
    ['seen alone']
    """
    if j is None:
        return []
    anchors, below = _deciding(j, lines)
    return anchors + [ln for ln in below if all(ln is not a for a in anchors)]


def rests_on_hidden(j: ItemJudgement | None, lines: Sequence[EvidenceLine],
                    hidden: Callable[[EvidenceLine], bool]) -> bool:
    """Whether a judgement rests on lines a page hides: every line that sets its band is hidden, or a
    hidden line could fall in a worse band (:func:`deciding_lines`). A shown line that sets the band on
    its own is what the judgement follows, whatever hidden lines in other bands say.

    ``hidden`` says whether the page hides a line's figures (by the disclosure rule, or by a page's
    own decision to protect another figure).
    """
    if j is None:
        return False
    anchors, below = _deciding(j, lines)
    return (bool(anchors) and all(hidden(ln) for ln in anchors)) or any(hidden(ln) for ln in below)


def small_group(j: ItemJudgement | None, lines: Sequence[EvidenceLine], policy: DisclosurePolicy) -> bool:
    """Whether a judgement rests on a line whose figures a published report withholds (a small
    group): the judgement is still shown, marked "small group", with those figures as ``c``
    (:func:`rests_on_hidden` with the disclosure rule, :func:`withheld`)."""
    return rests_on_hidden(j, lines, lambda ln: withheld(ln, policy))


def shown_band(j: ItemJudgement | None, lines: Sequence[EvidenceLine], policy: DisclosurePolicy) -> str | None:
    """The judgement's band as every report shows it: a judgement is never withheld (a board must
    see its reds); one resting on a small group is marked so (:func:`small_group`)."""
    return None if j is None else j.band


def finding_bands(result: JarResult, policy: DisclosurePolicy) -> dict[str, str]:
    """Each finding of a JAR result with its band as the report shows it (every finding is judged:
    one without evidence is grey)."""
    return {f.item.item_id: shown_band(f.judgement, f.evidence, policy) or "grey" for f in result.findings}


def item_bands(result: SelfAssessmentResult, policy: DisclosurePolicy) -> dict[str, str | None]:
    """Each item of a self-assessment result with its band as the report shows it."""
    return {i.item.item_id: shown_band(i.judgement, i.evidence, policy) for i in result.items}
