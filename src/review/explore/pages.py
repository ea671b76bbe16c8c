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

Only a page whose figures an explorer's figures are linked to has one here (:data:`PAGES`):

- the GOSE page, whose headline is the explorer's total on the report's basis
  (:attr:`review.explore.lenses.Lens.page_total`) and whose tier rows its tiers are parts of;
- the cycle summary's action plan, whose remedial action on files graded Inadequate in a quarter
  (done on time, not done on time, and so the files due, and not yet due) counts the files whose
  remedial actions the explorer's source "Remedial action on Inadequate files" counts among the
  actions raised in that quarter (:attr:`review.explore.lenses.Lens.page_sums`). Where each such
  file has one remedial action raised in its audit's quarter (the demo's register), the
  explorer's count is the page's files due plus those not yet due. On the demo's 2009-Q4, decided
  apart, the explorer printed 17 actions raised in all, healthcare's 1 and inspections' 1 (the
  other sources' withheld): the remedial actions were at most 17 - 1 - 1 = 15, so the page's 1 file not yet due (withheld) lay between 0 and 15 - 12 due = 3,
  and the explorer's own 2 not done between 1 and 5: narrower than the 0 to 5 that ``c`` says
  (``tests/test_explore_action_plan_link.py``). Joined, the one registry withholds what is needed.
  The same explorer prints the actions by owner's role; where the team manager owns the remedial
  action on a file (the demo's practice), a reader who knows it reads the team managers' count as
  the remedial actions raised. So the explorer registers the cross-tabulation of source and role,
  which no view prints, as hidden cells linked to both views' groups, taking the reader to know
  which cells are empty (:attr:`review.explore.lenses.Lens.crossed`): a role is withheld with the
  source it would give back (``tests/test_explore_owner_roles.py``: team managers 27 less the 26
  files due would give the 1 not yet due).

- the JAR page, whose line for each criterion's case-file audits ("k of n audits where it
  applied", the final answers) is the explorer's group of that criterion's answers (one answer per
  file: :attr:`review.explore.lenses.Lens.page_same`), and each finding's group the sum of its
  criteria's (:attr:`review.explore.lenses.Lens.nested`, a link any reader of the evidence map
  knows). Decided apart, the explorer withheld a criterion whose rest was small and, as its second
  figure, the smallest other criterion, which the page prints: the finding's count less the page's
  line gave the withheld count back exactly (``tests/test_explore_jar_link.py``: 58 - 20 = 38 of
  40, so 2 files). Joined, the page's printed lines are known and its withheld lines stay withheld.
  The explorer's other views (team, case type) and its total are sums over the same answers, linked
  to the criteria through the quarter's total; the page prints no team, case type or total.

The other pages (the Healthcare Commission's, the LSCB checklist's, the governance exercise's)
keep no registry here. Their explorers say that each quarter is decided on the explorer's own
figures.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from review.analyses import actions, actions_figures, gose_figures, jar, jar_figures
from review.analyses.context import Context
from review.analyses.gose import gose_result
from review.config.cycles import previous_cycle
from review.config.params import RunParameters
from review.protection.disclosure import DisclosurePolicy
from review.protection.linked import Decision, LogRows

__all__ = ["PAGES", "PageRegistries", "action_plan_page", "gose_page", "jar_page", "page_registries"]

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
    return _decided(ctx, quarter, policy, result, lambda: gose_result(_for_quarter(ctx, quarter), learning=False),
                    gose_figures.decide)


def _decided(ctx: Context, quarter: str, policy: DisclosurePolicy, result: Any, compute: Callable[[], Any],
             decide: Callable[[Any, DisclosurePolicy], Decision | LogRows]) -> Registry | None:
    """The registry ``decide`` makes of ``result`` (computed when None; None when the evidence
    holds no audits for the quarter)."""
    if result is None:
        if quarter not in ctx.evidence.cycles:
            return None
        result = compute()
    return decide(result, policy).registry  # a Decision's, or a page's log rows' (LogRows.registry)


def action_plan_page(ctx: Context, quarter: str, policy: DisclosurePolicy, result: Any = None) -> Registry | None:
    """The registry the cycle summary's action plan of ``quarter`` decided on under ``policy``.

    As :func:`gose_page`, for the plan (``result``: an ActionsResult). A plan computed here judges
    no red item: the plan's registry (:func:`review.analyses.actions_figures.register`) holds only
    the sources' counts and the remedial action on files graded Inadequate, neither of which
    depends on what is red.
    """
    return _decided(ctx, quarter, policy, result, lambda: actions.analyse(
        ctx.evidence, cycle=quarter, red={}, confidence_level=ctx.params.confidence_level), actions_figures.decide)


def jar_page(ctx: Context, quarter: str, policy: DisclosurePolicy, result: Any = None) -> Registry | None:
    """The registry the JAR page of ``quarter`` decided on under ``policy``: its lines, each "k of n"
    with its change (:func:`review.analyses.jar_figures.page_log`, the page's own).

    As :func:`gose_page`, for the stocktake (``result``: a JarResult); a result computed here
    leaves out the learning section, which registers no figure.
    """
    p = ctx.params

    def compute() -> Any:
        return jar.analyse(ctx.evidence, cycle=quarter, previous=previous_cycle(quarter),
                       confidence_level=p.confidence_level, green=p.rag_green, red=p.rag_red, thresholds=p.thresholds)

    return _decided(ctx, quarter, policy, result, compute, jar_figures.page_log)


PAGES: dict[str, Callable[..., Registry | None]] = {"gose_performance": gose_page, "jar_haringey": jar_page,
                                                    "cycle_summary": action_plan_page}
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
    >>> page_registries("healthcare_commission", None) is None
    True
    """
    return PageRegistries(framework, ctx, result) if framework in PAGES else None
