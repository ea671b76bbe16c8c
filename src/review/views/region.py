"""Format a regional comparison for a regional board: summary first, outliers named with how sure we are.

Views receive the result and the disclosure policy only. The result is the one a page for the
policy's audience may show (:func:`review.analyses.region.for_audience`): on a published page an
authority whose rate on a measure is suppressed is left out of that measure's funnel, regional
rate, limits and neighbours' rates, and appears only as ``c``. As defence in depth every rate
shown still passes :func:`review.protection.disclosure.suppressed_rate`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from IPython.display import HTML

from review.analyses.region import RegionComparison
from review.config.cycles import quarter_name
from review.config.region import COMPARISON
from review.protection.disclosure import DisclosurePolicy, round_half_up, suppressed_rate
from review.results.figures import record as _record
from review.stats.funnel import FunnelPoint, binomial_limits
from review.views.presentation import (
    MAX_ALT,
    NoCount,
    figure,
    marked_li,
    new_figure,
    nocount,
    note,
    table,
)

__all__ = ["CERTAINTY", "POSITIONS", "funnel_figure", "positions_table", "record", "summary", "summary_lines"]

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

POSITIONS = ("Positions: within (inside the 95% limits); high or low alert (outside the 95% limits but inside "
             "the 99.8% limits: worth a look); high or low alarm (outside the 99.8% limits: very likely a real "
             "difference). High is above the regional rate, low below it; whether that is better or worse "
             "depends on the measure, given with each.")
"""The legend of the positions, shown under the table."""


def _percent(value: float, policy: DisclosurePolicy) -> str:
    return f"{round_half_up(100 * value, policy.percent_decimals):.{policy.percent_decimals}f}%"


def _verdict(position: str, direction: str) -> str:
    """``better than the region``, ``worse than the region`` or ``""`` (no better direction)."""
    if direction == "context only" or position == "within":
        return ""
    better = position.startswith("high") == (direction == "higher is better")
    return "better than the region" if better else "worse than the region"


def _rate(p: FunnelPoint, policy: DisclosurePolicy) -> str:
    shown = suppressed_rate(p.events, p.n, policy)
    return shown if shown is not None else _percent(p.proportion, policy)


def summary_lines(result: RegionComparison, policy: DisclosurePolicy) -> list[NoCount]:
    """Sentences for the top of the report: what was compared, every outlier with how sure we are
    and whether it is better or worse, then what is withheld and what could not be compared.

    A measure on which most authorities lie outside the 99.8% limits gets one caution instead of
    a "very likely" sentence per authority: there the regional rate is a poor benchmark. The
    sentences count measures and authorities, never people or cases, so they are
    :class:`NoCount` text.
    """
    units = {p.unit for f in result.funnels for p in f.points} | {u for _, u in result.withheld}
    measures = f"{len(result.funnels)} measure{'' if len(result.funnels) == 1 else 's'}"
    quarter = f"{quarter_name(result.cycle)}: " if result.cycle else ""  # a comparison built from counts has none
    lines = [nocount(f"{quarter}{measures} compared across {len(units)} authorities.")]
    by_measure: dict[str, list[str]] = {}
    for measure, unit in result.withheld:
        if measure not in result.not_compared:
            by_measure.setdefault(measure, []).append(unit)
    notes = []  # after the outliers: a board reads the findings first
    if by_measure:
        notes.append(nocount("Withheld because of small numbers (c), and left out of that measure's regional rate, "
                             "limits and neighbours' rates: "
                             + "; ".join(f"{', '.join(map(result.label, units))} on {m}"
                                         for m, units in by_measure.items()) + "."))
    if result.not_compared:
        notes.append(nocount("Not compared here (fewer than two authorities' figures can be shown, or those "
                             "shown are all at 0% or all at 100%, which leaves no limits around the regional "
                             "rate): " + "; ".join(result.not_compared) + "."))
    crowded = dict(result.overdispersed)
    points = {(f.measure, p.unit): p for f in result.funnels for p in f.points}
    for f in result.funnels:
        if f.measure not in crowded:
            continue
        listed = "; ".join(f"{result.label(p.unit)}, {_rate(p, policy)}, "
                           f"{'above' if p.position.startswith('high') else 'below'}"
                           for p in f.alarms)
        lines.append(nocount(
            f"{f.measure}: {len(f.alarms)} of {len(f.points)} authorities lie outside the 99.8% limits: {listed}. "
            f"They differ more than chance around one regional rate ({_percent(f.target, policy)}) allows "
            "(overdispersion: Spiegelhalter 2005), so that rate is a poor benchmark here; the authority furthest "
            f"from it is {result.label(crowded[f.measure])}. Compare them with each other and with their neighbours."))
    if not result.outliers:
        lines.append(nocount("No authority lies outside the 95% funnel limits on any measure."))
    for measure, unit, position in result.outliers:
        if measure in crowded and position.endswith("alarm"):
            continue
        p = points[(measure, unit)]
        verdict = _verdict(position, result.direction(measure))
        lines.append(nocount(f"{result.label(unit)}, {measure} ({_rate(p, policy)}): {verdict + ': ' if verdict else ''}"
                             f"{CERTAINTY[position]}."))
    return lines + notes


def summary(result: RegionComparison, policy: DisclosurePolicy) -> HTML:
    """The summary a regional board reads first (:func:`summary_lines`), as a list."""
    return HTML("<ul>" + "".join(marked_li(line) for line in summary_lines(result, policy)) + "</ul>")


_POSITION_COLUMNS = ("measure", "authority", "rate", "regional rate", "95% limits", "99.8% limits", "position",
                     "neighbours' rate")


def _positions(result: RegionComparison, policy: DisclosurePolicy) -> pd.DataFrame:
    near = {(c.measure, c.unit): c for c in result.neighbours}
    targets = {f.measure: f.target for f in result.funnels}
    rows = []
    for f in result.funnels:
        for p in f.points:
            c = near[(f.measure, p.unit)]  # every shown point has its neighbour comparison
            own = suppressed_rate(p.events, p.n, policy)
            if not c.neighbours:
                theirs = "z"
            elif c.withheld:
                theirs = "c"
            else:
                theirs = suppressed_rate(c.neighbour_events, c.neighbour_n, policy) or _percent(
                    c.neighbour_proportion, policy)
            rows.append({
                "measure": f.measure, "authority": result.label(p.unit), "rate": _rate(p, policy),
                "regional rate": _percent(f.target, policy),
                # a suppressed rate's limits would tell its denominator; the limits lie in [0, 1] (binomial_limits)
                "95% limits": own or f"{_percent(p.low95, policy)} to {_percent(p.high95, policy)}",
                "99.8% limits": own or f"{_percent(p.low998, policy)} to {_percent(p.high998, policy)}",
                "position": own or p.position,
                "neighbours' rate": theirs,
            })
    for measure, unit in result.withheld:
        regional = _percent(targets[measure], policy) if measure in targets else "c"
        rows.append({"measure": measure, "authority": result.label(unit), "rate": "c", "regional rate": regional,
                     "95% limits": "c", "99.8% limits": "c", "position": "c", "neighbours' rate": "c"})
    return pd.DataFrame(rows, columns=list(_POSITION_COLUMNS))


def positions_table(result: RegionComparison, policy: DisclosurePolicy) -> HTML:
    """Each authority's rate with its 95% and 99.8% limits, its position and its neighbours' pooled
    rate, then the legend of the positions.

    Every column holds rates, limits, positions or names, never a count (so each is marked as
    such); a withheld rate shows ``c`` with its limits and position.
    """
    frame = _positions(result, policy)
    body = table(frame, caption="Each authority's rate, its funnel limits, its position and its statistical "
                 "neighbours' pooled rate", uid="region_positions", policy=policy, nocount=_POSITION_COLUMNS).data
    return HTML(body + note(nocount(POSITIONS)).data)


def funnel_figure(result: RegionComparison, measure: str, policy: DisclosurePolicy) -> HTML:
    """A funnel plot of one measure with its text alternative and the rates drawn as a table.

    The plot, its axes and its table hold only the authorities the page shows (an authority
    withheld on this measure is in none of them).
    """
    f = next(x for x in result.funnels if x.measure == measure)
    shown = [p for p in f.points if suppressed_rate(p.events, p.n, policy) is None]
    fig = new_figure(figsize=(6.4, 4.2))
    ax = fig.subplots()
    ns = [p.n for p in shown] or [1]
    grid = np.unique(np.linspace(max(1, min(ns) // 2), max(ns) * 1.1, 200).astype(int))
    for level, style in ((0.95, "--"), (0.998, ":")):
        low, high = binomial_limits(f.target, grid, level)
        ax.plot(grid, low, style, color="grey", label=f"{level * 100:g}% limits")
        ax.plot(grid, high, style, color="grey")
    ax.axhline(f.target, color="black", linewidth=1, label="regional rate")
    ax.scatter([p.n for p in shown], [p.proportion for p in shown], zorder=3)
    for p in shown:
        ax.annotate(p.unit, (p.n, p.proportion), textcoords="offset points", xytext=(4, 4), fontsize=9)
    ax.set_xlabel("denominator (cases or records)", fontsize=10)
    ax.set_ylabel("proportion", fontsize=10)
    ax.set_ylim(bottom=max(0.0, ax.get_ylim()[0]), top=min(1.0, ax.get_ylim()[1]))
    ax.tick_params(labelsize=9)
    ax.legend(fontsize=9)
    alarms = [result.label(p.unit) for p in shown if p.position.endswith("alarm")]
    alerts = [result.label(p.unit) for p in shown if p.position.endswith("alert")]
    parts = [f"outside the 99.8% limits: {', '.join(alarms)}" if alarms else "",
             f"outside the 95% limits only: {', '.join(alerts)}" if alerts else ""]
    where = "; ".join(x for x in parts if x) or "every authority shown lies within the 95% limits"
    alt = f"Funnel plot of {measure}: regional rate {_percent(f.target, policy)}; {where}."
    if len(alt) > MAX_ALT:
        alt = f"Funnel plot of {measure}; the table below gives each authority's position."[:MAX_ALT]
    data = pd.DataFrame([{"authority": result.label(p.unit), "rate": _rate(p, policy), "position": p.position}
                         for p in shown], columns=["authority", "rate", "position"]).map(nocount)
    direction = result.direction(measure)
    caption = f"{measure} ({direction})" if direction != "context only" else measure
    return figure(fig, alt=nocount(alt), caption=nocount(caption), data=data, uid=f"funnel_{_slug(measure)}")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40]


def _point_record(p: FunnelPoint, policy: DisclosurePolicy) -> dict:
    """One authority on one plot: in a published record its position and its rate as the page prints
    it; the unrounded rate, limits and counts only in the internal record."""
    if policy.suppress:  # the rate as the page prints it: unrounded rates and limits would give n and the count
        return {"unit": p.unit, "position": p.position, "rate": _rate(p, policy)}
    return {"unit": p.unit, "position": p.position, "proportion": p.proportion, "events": p.events, "n": p.n,
            "low95": p.low95, "high95": p.high95, "low998": p.low998, "high998": p.high998}


def record(result: RegionComparison, policy: DisclosurePolicy) -> object:
    """The results JSON of the comparison and its two headlines for the index page.

    A published record holds what the report shows: the audience's comparison
    (:func:`review.analyses.region.for_audience`), each rate as printed (no unrounded rate, limit
    or count), and the authorities withheld on each measure. The headlines name the authorities outside the limits
    (measures and authorities, not counts of people: marked so).

    Parameters
    ----------
    result : RegionComparison
        The comparison for the policy's audience.
    policy : DisclosurePolicy

    Returns
    -------
    object
        Displayed in a cell tagged ``remove_cell`` (see :func:`review.results.figures.record`).
    """

    figures = {
        "funnels": [{"measure": f.measure, "direction": result.direction(f.measure), "target": f.target,
                     "points": [_point_record(p, policy) for p in f.points]} for f in result.funnels],
        "neighbours": [{"unit": c.unit, "measure": c.measure, "neighbours": list(c.neighbours),
                        "neighbour_proportion": None if c.withheld or not c.neighbour_n
                        or suppressed_rate(c.neighbour_events, c.neighbour_n, policy) is not None
                        else c.neighbour_proportion} for c in result.neighbours],
        "outliers": [{"measure": m, "unit": u, "position": pos} for m, u, pos in result.outliers],
        "overdispersed": [{"measure": m, "furthest": u} for m, u in result.overdispersed],
        "withheld": [{"measure": m, "unit": u} for m, u in result.withheld],
        "not_compared": list(result.not_compared),
        "names": dict(result.names),
    }
    crowded = dict(result.overdispersed)
    points = {(f.measure, p.unit): p for f in result.funnels for p in f.points}

    def named(m: str, u: str, pos: str) -> str:
        verdict = _verdict(pos, result.direction(m)).replace(" than the region", "")
        return f"{result.label(u)} on {m}{', ' + verdict if verdict else ''}"

    alarms = [named(m, u, pos) for m, u, pos in result.outliers if pos.endswith("alarm") and m not in crowded]
    alerts = [named(m, u, pos) for m, u, pos in result.outliers if pos.endswith("alert")]
    headlines = []
    for m, furthest in crowded.items():
        f = next(x for x in result.funnels if x.measure == m)
        headlines.append(nocount(
            f"{m}: {len(f.alarms)} of {len(f.points)} authorities outside the 99.8% limits, so the regional rate is a "
            f"poor benchmark; furthest {named(m, furthest, points[(m, furthest)].position)}."))
    headlines += [
        nocount("Very likely a real difference (outside the 99.8% limits): " + "; ".join(alarms) + "."
                if alarms else "No other authority lies outside the 99.8% limits on a measure." if crowded
                else "No authority lies outside the 99.8% limits on any measure."),
        nocount("Worth a look (outside the 95% limits only): " + "; ".join(alerts) + "."
                if alerts else "No authority lies outside the 95% limits only."),
    ]
    return _record(COMPARISON, result.cycle, figures, headlines=headlines)
