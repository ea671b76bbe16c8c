"""Format a regional comparison for a regional board: summary first, outliers named with how sure we are.

Views receive the result and the disclosure policy only. On a published page a rate whose count
(or its complement) is from 1 to the threshold, or whose group is small, is shown as ``c`` and its
point is left off the funnel plot.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from review.analyses.region import RegionComparison
from review.protection.disclosure import SYMBOLS, DisclosurePolicy, round_half_up, suppressed_rate
from review.views.presentation import (
    MAX_ALT,
    NoCount,
    figure,
    marked_li,
    new_figure,
    nocount,
    table,
)

__all__ = ["CERTAINTY", "funnel_figure", "positions_table", "record", "summary", "summary_lines"]

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


def summary_lines(result: RegionComparison, policy: DisclosurePolicy) -> list[NoCount]:
    """Sentences for the top of the report: how many measures, then every outlier and how sure we are.

    Outliers whose rate the policy suppresses are named without their rate. The sentences count
    measures and authorities, never people or cases, so they are :class:`NoCount` text.
    """
    lines = [nocount(f"Cycle {result.cycle}: {len(result.funnels)} measures compared across "
                     f"{len({p.unit for f in result.funnels for p in f.points})} authorities.")]
    if not result.outliers:
        lines.append(nocount("No authority lies outside the 95% funnel limits on any measure."))
    points = {(f.measure, p.unit): p for f in result.funnels for p in f.points}
    for measure, unit, position in result.outliers:
        p = points[(measure, unit)]
        shown = suppressed_rate(p.events, p.n, policy)
        rate = f" ({_percent(p.proportion, policy)})" if shown is None else ""
        lines.append(nocount(f"{unit}, {measure}{rate}: {CERTAINTY[position]}."))
    return lines


def summary(result: RegionComparison, policy: DisclosurePolicy) -> HTML:
    """The summary a regional board reads first (:func:`summary_lines`), as a list."""
    return HTML("<ul>" + "".join(marked_li(line) for line in summary_lines(result, policy)) + "</ul>")


def _positions(result: RegionComparison, policy: DisclosurePolicy) -> pd.DataFrame:
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
    return pd.DataFrame(rows, columns=list(_POSITION_COLUMNS))


_POSITION_COLUMNS = ("measure", "authority", "rate", "regional rate", "95% limits", "99.8% limits", "position",
                     "neighbours")


def positions_table(result: RegionComparison, policy: DisclosurePolicy) -> HTML:
    """Each authority's rate with its 95% and 99.8% limits and its neighbours' pooled rate.

    Every column holds rates, limits, positions or names, never a count (so each is marked as
    such); a suppressed rate shows its symbol, and the limits at its denominator are withheld
    with it (they would tell the denominator).
    """
    frame = _positions(result, policy)
    hidden = frame["rate"].isin(list(SYMBOLS))
    frame.loc[hidden, ["95% limits", "99.8% limits"]] = frame.loc[hidden, "rate"]
    return table(frame, caption="Each authority's rate, its funnel limits and its statistical neighbours' pooled rate",
                 uid="region_positions", policy=policy, nocount=_POSITION_COLUMNS)


def funnel_figure(result: RegionComparison, measure: str, policy: DisclosurePolicy) -> HTML:
    """A funnel plot of one measure, with its text alternative and the rates drawn as a table;
    suppressed points are left off (and out of the table)."""
    import numpy as np

    from review.stats.funnel import binomial_limits

    f = next(x for x in result.funnels if x.measure == measure)
    shown = [p for p in f.points if suppressed_rate(p.events, p.n, policy) is None]
    fig = new_figure(figsize=(6, 4))
    ax = fig.subplots()
    n_max = max(p.n for p in f.points)
    grid = np.unique(np.linspace(max(1, min(p.n for p in f.points) // 2), n_max * 1.1, 200).astype(int))
    for level, style in ((0.95, "--"), (0.998, ":")):
        low, high = binomial_limits(f.target, grid, level)
        ax.plot(grid, low, style, color="grey", label=f"{level * 100:g}% limits")
        ax.plot(grid, high, style, color="grey")
    ax.axhline(f.target, color="black", linewidth=1, label="regional rate")
    ax.scatter([p.n for p in shown], [p.proportion for p in shown], zorder=3)
    for p in shown:
        ax.annotate(p.unit, (p.n, p.proportion), textcoords="offset points", xytext=(4, 4), fontsize=8)
    ax.set_xlabel("denominator (cases or records)")
    ax.set_ylabel("proportion")
    ax.legend(fontsize=8)
    outside = [p.unit for p in shown if p.position != "within"]
    alt = nocount(f"Funnel plot of {measure}: regional rate {_percent(f.target, policy)}; "
                  + (f"outside the 95% limits: {', '.join(outside)}" if outside else "every authority shown lies "
                     "within the 95% limits") + ".")
    if len(alt) > MAX_ALT:
        alt = nocount(f"Funnel plot of {measure}; the table below gives each authority's position."[:MAX_ALT])
    data = pd.DataFrame([{"authority": p.unit, "rate": _percent(p.proportion, policy), "position": p.position}
                         for p in shown], columns=["authority", "rate", "position"])
    data = data.map(nocount)
    return figure(fig, alt=alt, caption=nocount(measure), data=data, uid=f"funnel_{_slug(measure)}")


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40]


def _point_record(p, policy: DisclosurePolicy) -> dict:  # noqa: ANN001 - a FunnelPoint
    """One authority on one plot, as the page shows it: its counts and rate only where shown."""
    if suppressed_rate(p.events, p.n, policy) is not None:
        return {"unit": p.unit, "position": p.position, "withheld": True}
    return {"unit": p.unit, "position": p.position, "events": p.events, "n": p.n, "proportion": p.proportion,
            "low95": p.low95, "high95": p.high95, "low998": p.low998, "high998": p.high998}


def record(result: RegionComparison, policy: DisclosurePolicy) -> object:
    """The results JSON of the comparison and its two headlines for the index page.

    A published record holds what the report shows: an authority whose rate the page suppresses
    keeps its position (the summary names it) but not its counts or rate. The headlines name the
    authorities outside the limits (measures and authorities, not counts of people: marked so).

    Parameters
    ----------
    result : RegionComparison
    policy : DisclosurePolicy

    Returns
    -------
    object
        Displayed in a cell tagged ``remove_cell`` (see :func:`review.batch.results.record`).
    """
    from review.batch.results import record as _record
    from review.config.region import COMPARISON

    figures = {
        "funnels": [{"measure": f.measure, "target": f.target, "points": [_point_record(p, policy) for p in f.points]}
                    for f in result.funnels],
        "neighbours": [{"unit": c.unit, "measure": c.measure, "neighbours": list(c.neighbours),
                        "neighbour_proportion": c.neighbour_proportion
                        if c.neighbour_n and suppressed_rate(c.neighbour_events, c.neighbour_n, policy) is None
                        else None} for c in result.neighbours],
        "outliers": [{"measure": m, "unit": u, "position": pos} for m, u, pos in result.outliers],
    }
    alarms = [f"{u} ({m})" for m, u, pos in result.outliers if pos.endswith("alarm")]
    alerts = [f"{u} ({m})" for m, u, pos in result.outliers if pos.endswith("alert")]
    headlines = [
        nocount("Very likely a real difference (outside the 99.8% limits): " + "; ".join(alarms) + "."
                if alarms else "No authority lies outside the 99.8% limits on any measure."),
        nocount("Worth a look (outside the 95% limits only): " + "; ".join(alerts) + "."
                if alerts else "No authority lies outside the 95% limits only."),
    ]
    return _record(COMPARISON, result.cycle, figures, headlines=headlines)
