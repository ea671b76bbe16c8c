"""What a count counts: the declared units, and whether a published page protects them.

Every count a report shows declares its unit where it is made (an evidence line's ``unit``, a
GOSE measure's ``unit``, a table's ``unit=``). Disclosure control reads the declaration, and so
does ``review check-report``: a page marks a count of things with ``data-review-unit="<unit>"``
and the check exempts it only when the unit is declared here as a thing. Nothing is guessed from
words on the page.

- **People** are protected: children and young people (and their case files, audits of those files,
  the complaints, compliments, concerns and allegations that concern them), families, carers,
  staff, people's own ratings, and a single post-holder's own performance. A count of them from
  the policy's ``low`` to ``high`` is withheld, and so is any figure it could be worked out from.
- **Things and organisations** are not: actions, returns, challenges, inspections, meetings,
  agencies (and their ratings), services, indicators and the areas they measure, items, cycles.
  Their counts are shown as they are: a board must see how many actions are overdue.
- **Values** are not counts at all: money, full-time equivalents, days, shares.

A unit that is declared nowhere is an error (:class:`UndeclaredUnit`), so a new count cannot slip
through as a thing by accident.

Examples
--------
>>> protected("children"), protected("actions"), protected("agency ratings")
(True, False, False)
>>> protected("widgets")
Traceback (most recent call last):
...
review.protection.units.UndeclaredUnit: unit 'widgets' is not declared in review.protection.units (people, things or values)
"""

from __future__ import annotations

from review.exceptions import ParameterError

__all__ = ["INTERNAL_ONLY", "PEOPLE", "THINGS", "UNIT_ATTRIBUTE", "VALUES", "Counted", "UndeclaredUnit", "counted",
           "internal_only", "is_declared", "protected"]

UNIT_ATTRIBUTE = "data-review-unit"
"""The attribute a page puts on an element holding a count, naming its declared unit."""

PEOPLE: dict[str, str] = {
    "children": "children and young people",
    "young people": "young people",
    "files": "children's case files",
    "case files": "children's case files",
    "audits": "audits of children's case files",
    "audits due": "a post-holder's own audits against their quota",
    "families": "families",
    "carers": "carers",
    "staff": "staff",
    "post-holder": "a single post-holder's own performance",
    "ratings": "people's own ratings",
    "complaints": "complaints (each from a child or family)",
    "compliments": "compliments (each from a child or family)",
    "concerns": "concerns about children",
    "allegations": "allegations against staff",
    "notifications": "notifications about children",
    "plans": "children's plans",
    "remedial actions": "remedial actions on children's files",
    "responses": "responses from children, families or staff",
    "posts": "safeguarding posts (each held by one person)",
}
"""Protected units, with the words the footnote uses."""

THINGS: dict[str, str] = {
    "actions": "actions",
    "returns": "returns",
    "challenges": "challenges to agencies",
    "inspections": "inspections",
    "meetings": "meetings",
    "places": "member agencies' places at board meetings",
    "agencies": "agencies",
    "agency ratings": "agencies' ratings",
    "services": "services",
    "indicators": "indicators",
    "areas": "indicator areas",
    "items": "framework items",
    "cycles": "cycles",
    "reports": "performance reports",
}
"""Units that count things or organisations: shown as they are."""

VALUES = frozenset({"FTE", "share", "days", "£", "rate"})
"""Units of values that are not counts (money, full-time equivalents, days, shares)."""


INTERNAL_ONLY = frozenset({"post-holder"})
"""Units whose figures a published report never shows, whatever their size: a single post-holder's
own performance (one Assistant Director's own returns) identifies that person."""


def internal_only(unit: str) -> bool:
    """Whether figures in ``unit`` are for internal reports only.

    >>> internal_only("post-holder"), internal_only("returns")
    (True, False)
    """
    return unit in INTERNAL_ONLY


class UndeclaredUnit(ParameterError):
    """A count whose unit is declared nowhere."""


def is_declared(unit: str) -> bool:
    """Whether ``unit`` is declared (people, things or values).

    >>> is_declared("staff"), is_declared("£"), is_declared("apples")
    (True, True, False)
    """
    return unit in PEOPLE or unit in THINGS or unit in VALUES


def protected(unit: str) -> bool:
    """Whether a count in ``unit`` is protected in a published page (people), else shown (things).

    Raises
    ------
    UndeclaredUnit
        For a unit declared nowhere, or a value's unit (money, FTE...), which is not a count.
    """
    if unit in PEOPLE:
        return True
    if unit in THINGS:
        return False
    raise UndeclaredUnit(f"unit {unit!r} is not declared in review.protection.units (people, things or values)")


class Counted(str):
    """Text holding counts in a declared unit: a page writes it inside an element marked
    ``data-review-unit="<unit>"``, which ``review check-report`` exempts only for things.

    >>> c = counted("5 of 6 challenges", "challenges")
    >>> c, c.unit
    ('5 of 6 challenges', 'challenges')
    """

    unit: str

    def __new__(cls, text: object, unit: str) -> Counted:
        protected(unit)  # a declared count unit, or UndeclaredUnit
        self = super().__new__(cls, str(text))
        self.unit = unit
        return self


def counted(text: object, unit: str) -> Counted:
    """Declare the unit of the counts in ``text`` (see :class:`Counted`)."""
    return Counted(text, unit)
