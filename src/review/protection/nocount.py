"""The not-a-count marker: text whose numbers are not counts of people or cases.

A published page may show no count of people from 1 to the threshold. Numbers that are not such
counts (a date, "late (2 days)", an item id, a percentage) are written inside an element carrying
:data:`NOCOUNT`, which the report check exempts; text that holds them travels as :class:`NoCount`,
so each writer (views, the results record, the index) can mark it where it writes it.
"""

from __future__ import annotations

__all__ = ["NOCOUNT", "NOCOUNT_CLASS", "NoCount", "nocount"]

NOCOUNT = "data-review-nocount"
"""Attribute marking an element whose numbers are not counts of people or cases (grade positions,
days, dates, cycle names, item numbers, percentages): ``review check-report`` exempts it, and
flags any other number from 1 to the threshold in a published page."""

NOCOUNT_CLASS = "review-nocount"
"""The same mark as a class, for cells a pandas Styler writes (it sets classes, not attributes)."""


class NoCount(str):
    """Text whose numbers are not counts (a date, "late (2 days)", "item 3"): the writers mark it
    with :data:`NOCOUNT`. Mark only what you have checked."""


def nocount(text: object) -> NoCount:
    """Mark text whose numbers are not counts of people or cases.

    >>> nocount("late (2 days)")
    'late (2 days)'
    >>> isinstance(nocount("2009-Q4"), NoCount)
    True
    """
    return NoCount(str(text))
