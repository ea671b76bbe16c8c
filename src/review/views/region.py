"""Format a regional comparison for a regional board: summary first, outliers named with how sure we are.

Views receive the result and the disclosure policy only. On a published page a rate whose count
(or its complement) is from 1 to the threshold, or whose group is small, is shown as ``c`` and its
point is left off the funnel plot.
"""

from __future__ import annotations

import pandas as pd

from review.analyses.region import RegionComparison
from review.protection.disclosure import DisclosurePolicy, round_half_up, suppressed_rate

__all__ = ["CERTAINTY", "funnel_figure", "positions_table", "summary_lines"]

CERTAINTY = {
    "low alarm": "below the 99.8% limit: about 1 authority in 1,000 in line with the region would fall this low "
                 "by chance, so very likely a real difference",
    "high alarm": "above the 99.8% limit: about 1 authority in 1,000 in line with the region would rise this high "
                  "by chance, so very likely a real difference",
    "low alert": "below the 95% limit only: 1 authority in 40 in line with the region would fall this low by "
                 "chance, so worth a look but not conclusive",
    "high alert": "above the 95% limit only: 1 authority in 40 in line with the region would rise this high by "
                  "chance, so worth a look but not conclusive",
}
"""What each position means (one-sided tail of two-sided 95% and 99.8% limits, Spiegelhalter 2005)."""


def _percent(value: float, policy: DisclosurePolicy) -> str:
    return f"{round_half_up(100 * value, policy.percent_decimals):.{policy.percent_decimals}f}%"


def summary_lines(result: RegionComparison, policy: DisclosurePolicy) -> list[str]:
    """Sentences for the top of the report: how many measures, then every outlier and how sure we are.

    Outliers whose rate the policy suppresses are named without their rate.
    """
    lines = [f"Cycle {result.cycle}: {len(result.funnels)} measures compared across "
             f"{len({p.unit for f in result.funnels for p in f.points})} authorities."]
    if not result.outliers:
        lines.append("No authority lies outside the 95% funnel limits on any measure.")
    points = {(f.measure, p.unit): p for f in result.funnels for p in f.points}
    for measure, unit, position in result.outliers:
        p = points[(measure, unit)]
        shown = suppressed_rate(p.events, p.n, policy)
        rate = f" ({_percent(p.proportion, policy)})" if shown is None else ""
        lines.append(f"{unit}, {measure}{rate}: {CERTAINTY[position]}.")
    return lines


def positions_table(result: RegionComparison, policy: DisclosurePolicy) -> pd.DataFrame:
    """Each authority's rate with its 95% and 99.8% limits and its neighbours' pooled rate."""
    near = {(c.measure, c.unit): c for c in result.neighbours}
    rows = []
    for f in result.funnels:
        for p in f.points:
            c = near[(f.measure, p.unit)]
            own = suppressed_rate(p.events, p.n, policy)
            theirs = suppressed_rate(c.neighbour_events, c.neighbour_n, policy) if c.neighbour_n else "z"
            rows.append({
                "measure": f.measure, "authority": p.unit,
                "rate": own or _percent(p.proportion, policy),
                "regional rate": _percent(f.target, policy),
                "95% limits": f"{_percent(max(p.low95, 0), policy)} to {_percent(min(p.high95, 1), policy)}",
                "99.8% limits": f"{_percent(max(p.low998, 0), policy)} to {_percent(min(p.high998, 1), policy)}",
                "position": p.position,
                "neighbours": theirs or _percent(c.neighbour_proportion, policy),
            })
    return pd.DataFrame(rows)


def funnel_figure(result: RegionComparison, measure: str, policy: DisclosurePolicy):
    """A funnel plot of one measure (matplotlib Figure); suppressed points are left off."""
    import numpy as np
    from matplotlib.figure import Figure

    from review.stats.funnel import binomial_limits

    f = next(x for x in result.funnels if x.measure == measure)
    shown = [p for p in f.points if suppressed_rate(p.events, p.n, policy) is None]
    fig = Figure(figsize=(6, 4))
    ax = fig.subplots()
    n_max = max(p.n for p in f.points)
    grid = np.unique(np.linspace(max(1, min(p.n for p in f.points) // 2), n_max * 1.1, 200).astype(int))
    for level, style in ((0.95, "--"), (0.998, ":")):
        low, high = binomial_limits(f.target, grid, level)
        ax.plot(grid, low, style, color="grey", label=f"{level:.1%} limits")
        ax.plot(grid, high, style, color="grey")
    ax.axhline(f.target, color="black", linewidth=1, label="regional rate")
    ax.scatter([p.n for p in shown], [p.proportion for p in shown], zorder=3)
    for p in shown:
        ax.annotate(p.unit, (p.n, p.proportion), textcoords="offset points", xytext=(4, 4), fontsize=8)
    ax.set_xlabel("denominator")
    ax.set_ylabel("proportion")
    ax.set_title(measure)
    ax.legend(fontsize=8)
    return fig
