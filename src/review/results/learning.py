"""What a page's "what the audits tell us" section may show of an audit-learning result.

The disclosure decisions on a :class:`~review.analyses.audit_learning.AuditLearningResult` that
are the section's own, made here, once, below the view (:mod:`review.views.learning` only words
them). Theme rates count audited files (each a child's file):

- **Concerns on files graded Inadequate against the rest** are shown only when both rates may be
  (:func:`inadequate_withheld`): the two add up to the theme's concerns and files, so one withheld
  alone could be worked out from the other.
- **A breakdown** (by team, auditor tier or case type) is shown in full or not at all
  (:func:`grouping_withheld`): its groups add up to the whole, so one withheld group could be
  worked out from the others.
"""

from __future__ import annotations

from collections.abc import Sequence

from review.analyses.audit_learning import GroupThemes, ThemeResult
from review.protection.disclosure import DisclosurePolicy

__all__ = ["grouping_withheld", "inadequate_withheld"]


def inadequate_withheld(theme: ThemeResult, policy: DisclosurePolicy) -> bool:
    """Whether the page withholds a theme's concerns on Inadequate files against the rest (all four
    counts, or none: either rate withheld withholds both).

    Parameters
    ----------
    theme : ThemeResult
        Its ``concern_inadequate`` and ``concern_rest``.
    policy : DisclosurePolicy

    Returns
    -------
    bool

    Examples
    --------
    3 of 3 Inadequate files against 17 of 27 others: 3 is from 1 to 5, so both are withheld on a
    published page.

    >>> from types import SimpleNamespace as NS
    >>> t = NS(concern_inadequate=NS(k=3, n=3), concern_rest=NS(k=17, n=27))
    >>> inadequate_withheld(t, DisclosurePolicy()), inadequate_withheld(t, DisclosurePolicy(audience="internal"))
    (True, False)
    """
    a, b = theme.concern_inadequate, theme.concern_rest
    if a is None or b is None:
        return False  # no comparison (the view says ``z``): nothing to withhold
    return any(policy.withhold(k, of=n) for k, n in ((a.k, a.n), (b.k, b.n)))


def grouping_withheld(groups: Sequence[GroupThemes], policy: DisclosurePolicy) -> bool:
    """Whether the page withholds a breakdown whole: any group's count of files or of concerns is
    from 1 to the threshold, or (a published page) any group has fewer files than ``min_group``.

    Parameters
    ----------
    groups : sequence of GroupThemes
        Every group of one grouping (``by``).
    policy : DisclosurePolicy

    Returns
    -------
    bool

    Examples
    --------
    Team T1 has 12 files, 1 with a concern on recording; T2 has 18, none: the 1 withholds the
    grouping whole on a published page.

    >>> t1 = GroupThemes("team", "T1", 12, (), (("planning", 8), ("recording", 1)))
    >>> t2 = GroupThemes("team", "T2", 18, (), (("planning", 12), ("recording", 0)))
    >>> grouping_withheld([t1, t2], DisclosurePolicy()), grouping_withheld([t2], DisclosurePolicy())
    (True, False)
    >>> grouping_withheld([t1, t2], DisclosurePolicy(audience="internal"))
    False
    """
    counts = [n for g in groups for n in (g.files, *(c for _, c in g.concerns))]
    return any(policy.is_small(n) for n in counts) or (policy.suppress and any(g.files < policy.min_group
                                                                               for g in groups))
