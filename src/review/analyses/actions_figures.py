"""The action plan's published figures: their units, links, and what a published page withholds.

Actions are things: their counts are shown as they are (a board must see how many actions are
open and overdue). Remedial action on files graded Inadequate is the exception: each is one
child's file, so its counts are protected (unit ``remedial actions``), linked as the page links
them: open = overdue + not overdue (the second never printed, yet known), the ageing bands add up
to the open actions; done on time + not done on time = due.
"""

from __future__ import annotations

from review.analyses.actions import AGE_BANDS, ActionsResult
from review.protection.disclosure import DisclosurePolicy
from review.protection.linked import Decision, LinkedFigures

__all__ = ["CHILDREN_SOURCE", "REMEDIAL_FILES", "decide", "key", "register", "unit"]

CHILDREN_SOURCE = "audit"
"""The source whose actions are remedial actions on children's files."""

PAGE = "actions"


def unit(source: str) -> str:
    """The declared unit of a source's action counts.

    >>> unit("jar_haringey"), unit("audit")
    ('actions', 'remedial actions')
    """
    return "remedial actions" if source == CHILDREN_SOURCE else "actions"


def key(source: str, column: str) -> str:
    """The figure key of a source's count (``open``, ``overdue``, ``completed``, an age band, or a
    remedial column)."""
    return f"actions/{source}/{column}"


REMEDIAL_FILES = (key("remedial", "due"), key("remedial", "not yet due"))
"""The page's figures that add up to the quarter's files graded Inadequate (due by the quarter's end,
and not yet due). Where each such file has one remedial action raised in its audit's quarter (the
demo's register), they add up to the remedial actions raised in the quarter too: the cycle
summary's explorer prints those (:attr:`review.explore.lenses.Lens.page_sums`), so one figure less
the other gives the files not yet due back unless the two are decided together."""


def register(result: ActionsResult, policy: DisclosurePolicy) -> LinkedFigures:
    """Every count the action plan prints, with its unit and links."""
    reg = LinkedFigures(policy)
    for s in result.by_source:
        u = unit(s.source)
        for column in ("open", "overdue", "completed"):
            reg.add(key(s.source, column), getattr(s, column), u, page=PAGE, label=f"{s.source}: {column}")
        reg.add(key(s.source, "not overdue"), s.open - s.overdue, u, page=PAGE, label=f"{s.source}: open, not overdue",
                printed=False)
        reg.total(key(s.source, "open"), [key(s.source, "overdue"), key(s.source, "not overdue")],
                  name=f"{s.source}: open = overdue + not overdue")
        if s.open:
            bands = [reg.add(key(s.source, b), s.ageing[b], u, page=PAGE, label=f"{s.source}: open {b}")
                     for b in AGE_BANDS]
            reg.total(key(s.source, "open"), bands, name=f"{s.source}: ageing bands add up to the open actions")
    r = result.remedial
    if r.inadequate and r.due:
        u = unit(CHILDREN_SOURCE)
        parts = [reg.add(key("remedial", "on time"), r.on_time, u, page=PAGE, label="remedial action done on time"),
                 reg.add(key("remedial", "not on time"), r.due - r.on_time, u, page=PAGE,
                         label="remedial action not done on time")]
        reg.add(key("remedial", "due"), r.due, u, page=PAGE, label="remedial action due")
        reg.total(key("remedial", "due"), parts, name="remedial action due = on time + not on time")
        reg.add(key("remedial", "not yet due"), r.not_yet_due, u, page=PAGE, label="remedial action not yet due")
    return reg


def decide(result: ActionsResult, policy: DisclosurePolicy) -> Decision:
    """What the action plan may print."""
    return register(result, policy).solve()
