"""Statistical disclosure control for published reports, following the DfE / GSS convention.

Counts of people from 1 to the threshold (5 by default) are suppressed and shown as ``c``; secondary suppression over
linked figures is :mod:`review.protection.linked`'s; rates built on a suppressed count are
suppressed too, and percentages of small groups are withheld. Rounding is half up (DfE's
``round_five_up``), never Python's banker's rounding.

Bands on small groups (a judgement is never withheld; a line's band must not give its count).
A band says the level lies in the band's range, so on a withheld group it narrows the count: on
five area managers, green (80% or more) leaves 4 or 5 rating an item 7 or more, where ``c`` leaves
0 to 5. The rule is:

- an item's judgement is always shown, marked "small group" where it rests on withheld figures
  (the guide: a board must see its reds); an independent line whose band may be that judgement
  (the worst band of the independent lines) is shown with it, marked the same way. What the
  band implies about the count is the judgement's own content, and is accepted;
- a self-assessment (people's own ratings) never makes a judgement's band: alone, the item is
  "self-assessed, not evidenced". Where its figures are withheld, its band is shown as
  ``c (small group)``, and nothing else on the page (disagreements, changes) states it;
- a single post-holder's own figures show no band in a published report (``c``).

Symbols: ``c`` confidential, ``z`` not applicable, ``:`` not available, ``k`` a value that rounds
to zero but is not zero.

References
----------
.. [1] Department for Education, *Characteristics of children in need: data guidance* (2020):
   "any number between 1 and 5 inclusive has been suppressed and replaced by 'c'. Secondary
   suppression has been applied where necessary".
.. [2] Government Statistical Service, *Symbols in tables, definitions and guidance*.
.. [3] dfeR ``round_five_up``: rounding half up as an alternative to banker's rounding.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np

from review.exceptions import ParameterError
from review.protection.units import THINGS

__all__ = ["SYMBOLS", "DisclosurePolicy", "footnote", "policy_from_parameters", "policy_of", "round_half_up", "suppressed_rate",
           "withhold_change"]

_MEANINGS = {
    "c": "confidential: a count of people from {low} to {high}, or a figure from which one could be worked out",
    "z": "not applicable",
    ":": "not available",
    "k": "a value that rounds to zero but is not zero",
}
"""What each symbol of a published table means; ``c``'s range is the run's policy's
(:attr:`DisclosurePolicy.symbols`), the one source of every text that explains a symbol."""


@dataclass(frozen=True)
class DisclosurePolicy:
    """How a report protects small numbers.

    Attributes
    ----------
    audience : str
        ``published`` (suppression on) or ``internal`` (figures as they are).
    low, high : int
        Counts from ``low`` to ``high`` inclusive are suppressed (defaults 1 and 5).
    min_group : int
        Percentages of groups smaller than this are withheld (default 10).
    rounding_base : int
        Counts are rounded half up to a multiple of this (1: unrounded, as DfE publishes local
        authority figures).
    percent_decimals : int
        Decimals of percentages (default 1).
    """

    audience: str = "published"
    low: int = 1
    high: int = 5
    min_group: int = 10
    rounding_base: int = 1
    percent_decimals: int = 1

    def __post_init__(self) -> None:
        if self.audience not in ("published", "internal"):
            raise ParameterError(f"`audience` must be 'published' or 'internal'; got {self.audience!r}")
        if not 0 <= self.low <= self.high or self.min_group < 0 or self.rounding_base < 1 or self.percent_decimals < 0:
            raise ParameterError("disclosure thresholds must satisfy 0 <= low <= high, min_group >= 0, rounding_base >= 1")

    @property
    def symbols(self) -> dict[str, str]:
        """Each symbol and what it means, ``c`` with this policy's range: the title of every ``<abbr>``
        of a page, a chart's ``<title>`` and the pack's glossary.

        >>> DisclosurePolicy(high=9).symbols["c"]
        'confidential: a count of people from 1 to 9, or a figure from which one could be worked out'
        >>> list(DisclosurePolicy().symbols)
        ['c', 'z', ':', 'k']
        """
        return {symbol: meaning.format(low=self.low, high=self.high) for symbol, meaning in _MEANINGS.items()}

    @property
    def suppress(self) -> bool:
        """Whether this audience gets suppressed figures."""
        return self.audience == "published"

    def is_small(self, count: float) -> bool:
        """Whether a count is in the suppressed range."""
        return self.suppress and self.low <= count <= self.high

    def withhold(self, count: float | None = None, *, of: float | None = None) -> str | None:
        """The symbol a published page shows instead of a figure, or None when the figure may be shown.

        The rule for a figure on its own: every table cell, card, headline, chart point, axis
        label, alt text and previous-cycle column a published page shows asks here first
        (directly, through :mod:`review.views.presentation`, or through the registry of linked
        figures, whose primary rule this is).

        Parameters
        ----------
        count : float, optional
            A count of people or cases, or the numerator of a rate when ``of`` is given.
        of : float, optional
            The group the figure is about: the denominator of a rate, or the number of units
            behind a statistic (pairs behind a kappa, files behind a mean).

        Returns
        -------
        str or None
            ``c`` (a count from ``low`` to ``high``, a rate whose count or complement is one, or a
            figure about a group smaller than ``min_group``), ``z`` (a rate of nothing) or None.

        Notes
        -----
        A judgement or red/amber/green band is never withheld: one resting on a withheld figure is
        shown marked "small group". Differences between cycles are shown only when both cycles'
        figures are (:func:`withhold_change`). Figures linked to others (totals, shares, rates
        per head) are decided together by :mod:`review.protection.linked`.

        >>> p = DisclosurePolicy()
        >>> p.withhold(3), p.withhold(12), p.withhold(3, of=40), p.withhold(20, of=40), p.withhold(of=8)
        ('c', None, 'c', None, 'c')
        >>> DisclosurePolicy(audience="internal").withhold(3, of=4) is None
        True
        """
        if not self.suppress:
            return None
        if of is None:
            return "c" if count is not None and self.is_small(count) else None
        if of == 0:
            return "z"
        if of < self.min_group or self.is_small(of):
            return "c"
        if count is not None and (self.is_small(count) or self.is_small(of - count)):
            return "c"
        return None


SYMBOLS = DisclosurePolicy().symbols
"""The symbols as the default policy (1 to 5) explains them. A run's pages, charts and glossary take
their own policy's (:attr:`DisclosurePolicy.symbols`): a council's threshold may differ."""


def policy_from_parameters(values: Mapping[str, Any]) -> DisclosurePolicy | None:
    """The disclosure policy a report's parameters set (``audience``, ``suppression_threshold``,
    ``min_group``, ``rounding_base``), or None when they set no audience (a warm-up page).

    Examples
    --------
    >>> policy_from_parameters({"audience": "published", "suppression_threshold": 9}).high
    9
    >>> policy_from_parameters({}) is None
    True
    """
    return policy_of(values) if "audience" in values else None


def policy_of(values: Mapping[str, Any]) -> DisclosurePolicy:
    """The disclosure policy of a run's or report's parameters, which name its audience; a
    threshold they do not set is the default's.

    Examples
    --------
    >>> policy_of({"audience": "internal", "min_group": 5}).min_group
    5
    >>> policy_of({"audience": "published"}) == DisclosurePolicy()
    True
    """
    default = DisclosurePolicy()
    return DisclosurePolicy(audience=str(values["audience"]),
                            high=int(values.get("suppression_threshold", default.high)),
                            min_group=int(values.get("min_group", default.min_group)),
                            rounding_base=int(values.get("rounding_base", default.rounding_base)))


def round_half_up(value: float, decimals: int = 0) -> float:
    """Round half away from zero (2.5 -> 3, 0.125 -> 0.13 at 2 decimals), via the decimal text.

    Parameters
    ----------
    value : float
    decimals : int, default: ``0``

    Returns
    -------
    float
        NaN stays NaN.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return float("nan")
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def suppressed_rate(k: int, n: int, policy: DisclosurePolicy) -> str | None:
    """The symbol a published rate k/n must show instead of its value, or None if it can be shown.

    A rate is suppressed when its count or the complementary count (n - k) is in the suppressed
    range, and withheld when the group is smaller than ``policy.min_group``.
    """
    return policy.withhold(k, of=n)


def withhold_change(policy: DisclosurePolicy, now: tuple[int, int], before: tuple[int, int] | None) -> str | None:
    """The symbol for a change between two cycles' rates, or None when it may be shown.

    A change printed beside this cycle's ``k of n``, with its interval, gives last cycle's count
    back: "56.3% (9 of 16) | +22.9 points (-11.1 to +50.4)" fits only 5 of 15 (the interval's two
    ends pin last cycle's group as well as its rate). So a published report shows a change only
    when last cycle's figure could itself be shown, as well as this cycle's.

    Parameters
    ----------
    now, before : tuple of int
        ``(k, n)`` this cycle and last; ``before`` None when the change does not say.

    Examples
    --------
    >>> p = DisclosurePolicy()
    >>> withhold_change(p, (9, 16), (5, 15)), withhold_change(p, (9, 16), (8, 15)), withhold_change(p, (9, 16), None)
    ('c', None, 'c')
    >>> withhold_change(DisclosurePolicy("internal"), (9, 16), (5, 15)) is None
    True
    """
    if not policy.suppress:
        return None
    if before is None:
        return "c"
    return policy.withhold(now[0], of=now[1]) or policy.withhold(before[0], of=before[1])


def footnote(policy: DisclosurePolicy) -> str:
    """The sentence under every published table explaining the symbols and rules.

    What ``c`` stands for is said in its first words, with the policy's own range (a council's may
    differ from the default 1 to 5); which counts are of things comes from
    :data:`review.protection.units.THINGS`.

    Examples
    --------
    >>> text = footnote(DisclosurePolicy(high=10, min_group=20))
    >>> text.startswith("Counts of people from 1 to 10 are shown as c")
    True
    >>> "percentages of groups of fewer than 20 people are withheld" in text, "1 to 5" in text
    (True, False)
    """
    if not policy.suppress:
        return ("Internal report: figures are not suppressed. Do not circulate outside the council. "
                "Percentages are rounded half up.")
    rounding = "unrounded" if policy.rounding_base == 1 else f"rounded to the nearest {policy.rounding_base}"
    things = ", ".join(THINGS[u] for u in ("actions", "returns", "agencies"))
    return (f"Counts of people from {policy.low} to {policy.high} are shown as c, as is any figure from which one "
            f"could be worked out (secondary suppression); percentages of groups of fewer than {policy.min_group} "
            f"people are withheld (c); counts of things ({things} and the like) are shown as they are. A single "
            "post-holder's own figures are in the internal report only. A judgement is never withheld: one resting "
            f"on a small group is marked 'small group'. Counts are {rounding}; percentages are rounded half up. "
            "Symbols: " + "; ".join(f"{s} {d}" for s, d in policy.symbols.items() if s != "c") + ".")
