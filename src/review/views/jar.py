"""Report sections of the JAR Haringey 2008 stocktake notebook."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from review.analyses import jar
from review.analyses.context import Context
from review.config.framework_items import JAR_FINDINGS
from review.protection.disclosure import DisclosurePolicy
from review.views import presentation as show

__all__ = ["findings_table", "headlines", "record", "thresholds"]

_NOT_CHILDREN = DisclosurePolicy(audience="internal")  # managers' ratings and returns: no child is counted


def _policy(m: jar.Measure, ctx: Context) -> DisclosurePolicy:
    # managers' ratings are people's own gradings: suppressed like counts of children (issue 15)
    return _NOT_CHILDREN if (m.source == "schedule" and not m.counts_children) else ctx.policy


def _level(m: jar.Measure, ctx: Context) -> str:
    if m.result is None:
        return ":"
    ci = m.result.confidence_interval
    unit = "" if m.counts_children else ("returns" if m.source == "schedule" else "ratings")
    return show.rate_text(m.k, m.n, _policy(m, ctx), interval=(ci.low, ci.high), unit=unit)


def thresholds(ctx: Context) -> HTML:
    """The documented red/amber/green thresholds."""
    p = ctx.params
    return show.note(f"Green: measured level of at least {show.pct(p.rag_green, 0)}. Red: below {show.pct(p.rag_red, 0)}. "
                     "Amber: between. A judgement is marked uncertain when the confidence interval crosses a threshold, "
                     "so the sample cannot tell the two judgements apart.")


def headlines(ctx: Context, measures: list[jar.Measure]) -> HTML:
    """One card per finding, worst first."""
    labels = {f: text for f, text, _ in JAR_FINDINGS}
    order = {"red": 0, "amber": 1, "grey": 2, "green": 3}
    cards = []
    for m in sorted(measures, key=lambda m: (order[m.judgement], m.finding)):
        detail = m.label + (" (uncertain: the interval crosses a threshold)" if m.uncertain else "")
        if m.previous is not None and m.result is not None and not _policy(m, ctx).suppress:
            detail += f"; last cycle {show.pct(m.previous.statistic)}"
        cards.append({"title": f"{m.finding}. {labels[m.finding]}", "value": _level(m, ctx),
                      "status": show.band(m.judgement, m.k, m.n, _policy(m, ctx)),  # no band beside a withheld rate
                      "detail": detail})
    return show.headline_cards(cards, cycle=ctx.cycle, audience=ctx.params.audience)


def findings_table(ctx: Context, measures: list[jar.Measure]) -> HTML:
    """The stocktake: every finding, its evidence, level, judgement and change."""
    labels = {f: text for f, text, _ in JAR_FINDINGS}
    rows = []
    for m in measures:
        change = ":"
        pol = _policy(m, ctx)
        if (m.result is not None and m.previous is not None and pol.withhold(m.k, of=m.n) is None
                and pol.withhold(m.previous.k, of=m.previous.n) is None):  # both cycles shown, or no difference
            change = f"{100 * (m.result.statistic - m.previous.statistic):+.1f} points"
        rows.append({"Finding": f"{m.finding}. {labels[m.finding]}", "Evidence this cycle": m.label,
                     "Level": _level(m, ctx),
                     "Judgement": ("c" if pol.withhold(m.k, of=m.n) else m.judgement + (" (uncertain)" if m.uncertain else "")),
                     "Change since last cycle": change})
    return show.table(pd.DataFrame(rows), caption=f"JAR 2008 findings: stocktake for {ctx.cycle}", uid="jar_findings",
                      policy=ctx.policy)


def record(ctx: Context, measures: list[jar.Measure]) -> object:
    """The results JSON: every measure unrounded, headlines, and the findings needing action."""
    from review.batch.results import record as _record

    red = [m for m in measures if m.judgement == "red"]
    improved = [m for m in measures if m.result and m.previous and m.result.statistic - m.previous.statistic > 0.05]
    worse = [m for m in measures if m.result and m.previous and m.result.statistic - m.previous.statistic < -0.05]
    counts = {j: sum(m.judgement == j for m in measures) for j in ("red", "amber", "green")}
    headlines = [show.nocount(f"JAR findings: {counts['red']} red, {counts['amber']} amber, {counts['green']} green "
                              "measures")]  # measures, not people
    figures = {"measures": jar.stocktake_frame(measures), "judgements": counts,
               "actions": [f"{m.finding}: {m.label}" for m in red],
               "changes": [f"{m.finding} {m.label}: improved" for m in improved]
               + [f"{m.finding} {m.label}: worse" for m in worse]}
    return _record("jar_haringey", ctx.cycle, figures, headlines=headlines)
