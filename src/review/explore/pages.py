"""The registry each quarter's published page decided on, for an explorer's published view to join.

An explorer's published view decides a quarter's figures in one registry
(:func:`review.explore.published.quarter_figures`). Joined to the registry the same quarter's
published page decided on, it never prints a figure the page withheld (a complement, say: the
random sample's count the page withholds because the themed audits are all tiers less the random
sample), nor one that gives such a figure back against the page.

A run's disclosure log keeps what each page withheld but not its registry
(:mod:`review.protection.cycle_registry` drops it), so a page's registry is not read back from a
run: for the notebook's own quarter it is the decision of the result the notebook holds (the
page's own, reused: the decision is kept per result and policy), and for every other quarter the
page's result is computed again for that quarter from the same evidence, thresholds and
confidence level, and decided under the same published policy (about a second a quarter on the
demo). Each registry is made once and kept.

Only a page whose figures an explorer's figures are linked to has one here (:data:`PAGES`): the
GOSE page, whose headline is the explorer's total on the report's basis
(:attr:`review.explore.lenses.Lens.page_total`) and whose tier rows its tiers are parts of. The
action plan's page also decides from a registry, but none of its figures is an explorer figure or
a registered sum of them (it counts actions open and overdue at a quarter's end, and files graded
Inadequate in a quarter by whether their remedial action was due; the explorer, actions raised in a
quarter and done since), so joining it would change nothing; the other pages keep no registry. Their explorers say that each quarter is decided on the explorer's own figures.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from review.analyses.context import Context
from review.config.cycles import previous_cycle
from review.config.params import RunParameters
from review.protection.disclosure import DisclosurePolicy

__all__ = ["PAGES", "PageRegistries", "gose_page", "page_registries"]

Registry = Mapping[str, object]


def _for_quarter(ctx: Context, quarter: str) -> Context:
    """The notebook's context for another quarter: the same evidence, parameters and thresholds."""
    params = RunParameters(ctx.params.framework, MappingProxyType({**ctx.params.values, "cycle": quarter}),
                           declared=ctx.params.thresholds)
    return Context(params, ctx.evidence, ctx.policy, quarter, previous_cycle(quarter))


def gose_page(ctx: Context, quarter: str, policy: DisclosurePolicy, result: Any = None) -> Registry | None:
    """The registry the GOSE page of ``quarter`` decided on under ``policy``.

    Parameters
    ----------
    ctx : Context
        The notebook's context (its evidence, parameters and thresholds).
    quarter : str
    policy : DisclosurePolicy
        The published policy.
    result : GoseResult, optional
        The page's result for ``quarter`` when the notebook holds it (its decision is reused);
        else it is computed for the quarter (its judgements only: the learning section registers
        no figure).

    Returns
    -------
    mapping or None
        :attr:`review.protection.linked.Decision.registry`; None when the evidence holds no
        audits for the quarter.
    """
    from review.analyses import gose_figures
    from review.analyses.gose import gose_result

    if result is None:
        if quarter not in ctx.evidence.cycles:
            return None
        result = gose_result(_for_quarter(ctx, quarter), learning=False)
    return gose_figures.decide(result, policy).registry


PAGES: dict[str, Callable[..., Registry | None]] = {"gose_performance": gose_page}
"""The pages whose registry an explorer's published view joins, by framework."""


class PageRegistries:
    """The registries a framework's published pages decided on, quarter by quarter, each made once.

    Parameters
    ----------
    framework : str
        A framework of :data:`PAGES`.
    ctx : Context
        The notebook's context.
    result : optional
        The result the notebook's page printed (for ``ctx.cycle``), so its decision is reused.
    """

    def __init__(self, framework: str, ctx: Context, result: Any = None) -> None:
        if framework not in PAGES:
            raise ValueError(f"no page registry for {framework!r}; pages with one: {', '.join(PAGES)}")
        self.framework = framework
        self._ctx = ctx
        self._result = result
        self._made: dict[tuple[str, DisclosurePolicy], Registry | None] = {}

    @property
    def cycle(self) -> str:
        """The notebook's own quarter."""
        return self._ctx.cycle

    def registry(self, quarter: str, policy: DisclosurePolicy) -> Registry | None:
        """The registry the page of ``quarter`` decided on under ``policy`` (None: the quarter has no page)."""
        key = (quarter, policy)
        if key not in self._made:
            own = self._result if quarter == self._ctx.cycle else None
            self._made[key] = PAGES[self.framework](self._ctx, quarter, policy, own)
        return self._made[key]


def page_registries(framework: str, ctx: Context, result: Any = None) -> PageRegistries | None:
    """The page registries an explorer of ``framework`` joins, or None when its page keeps none
    that the explorer's figures are linked to (each quarter is then decided on its own figures).

    Examples
    --------
    >>> page_registries("jar_haringey", None) is None
    True
    """
    return PageRegistries(framework, ctx, result) if framework in PAGES else None
