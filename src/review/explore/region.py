"""The regional comparison's explorer: an authority, a measure and a cycle, with its funnel position.

The comparison of a cycle is :func:`review.analyses.region.compare_region`, put through
:func:`review.analyses.region.for_audience` exactly as the published page is: an authority whose
rate on a measure is withheld there is left out of that measure's funnel (regional rate, limits,
neighbours) in the published view too, so the explorer shows what the page shows.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import pandas as pd

from review.analyses.region import RegionComparison, compare_region, for_audience
from review.config.cycles import quarter_name
from review.data.load import Evidence
from review.explore.export import code_commit, export_tables, saved_link
from review.explore.keyboard import KEYBOARD_JS, ROOT_CLASS, STATUS_CLASS
from review.explore.published import audience_policies
from review.explore.tables import WITHHELD, Shown
from review.explore.widgets import is_interactive, quarter_options
from review.protection.disclosure import DisclosurePolicy
from review.stats.funnel import FunnelResult
from review.views import presentation as show
from review.views.region import funnel_figure

__all__ = ["RegionState", "covered_cycles", "region_explorer"]


def covered_cycles(evidence: Mapping[str, Evidence]) -> list[str]:
    """Every cycle some authority's audits or indicators cover, oldest first.

    Examples
    --------
    >>> from types import MappingProxyType
    >>> audits = pd.DataFrame({"cycle": ["2009-Q4", "2009-Q3"]})
    >>> ev = Evidence("x", MappingProxyType({"audits": audits}), MappingProxyType({}), ())
    >>> covered_cycles({"LA01": ev})
    ['2009-Q3', '2009-Q4']
    """
    found: set[str] = set()
    for ev in evidence.values():
        for name in ("audits", "indicators"):
            table = ev.tables.get(name)
            if table is not None and "cycle" in table:
                found |= {str(c) for c in table["cycle"].dropna()}
    return sorted(found)


class RegionState:
    """What the regional explorer shows for its choices (unit-tested without widgets).

    Parameters
    ----------
    evidence : mapping of str to Evidence
        Each authority's (pseudonymised) evidence.
    cycle : str
        The notebook's cycle (the first choice).
    policy : DisclosurePolicy
        The notebook's published policy.
    criteria : tuple of str, optional
        As the notebook compares them (None: those the evidence maps test).
    neighbours, names : mapping
        From the region file.
    comparisons : mapping of str to RegionComparison, optional
        Comparisons already made, by cycle (the notebook's, for its cycle), with the same
        ``criteria``, ``neighbours`` and ``names``: not computed again.
    """

    def __init__(self, evidence: Mapping[str, Evidence], cycle: str, policy: DisclosurePolicy, *,
                 criteria: tuple[str, ...] | None = None, neighbours: Mapping[str, tuple[str, ...]] | None = None,
                 names: Mapping[str, str] | None = None,
                 comparisons: Mapping[str, RegionComparison] | None = None) -> None:
        self.evidence = evidence
        self.criteria, self.neighbours, self.names = criteria, neighbours or {}, names or {}
        self.cycles = covered_cycles(evidence)
        self.policies = audience_policies(policy)
        self.audience = "internal"
        self._full: dict[str, RegionComparison] = dict(comparisons or {})
        self.cycle = cycle
        self.authority = next(iter(evidence))
        measures = self.measures()
        self.measure = measures[0] if measures else ""

    def comparison(self) -> RegionComparison:
        """The chosen cycle's comparison as this audience may see it."""
        if self.cycle not in self._full:
            self._full[self.cycle] = compare_region(self.evidence, self.cycle, criteria=self.criteria,
                                                    neighbours=self.neighbours, names=self.names)
        return for_audience(self._full[self.cycle], self.policies[self.audience])

    def measures(self) -> list[str]:
        """The measures compared this cycle (for the published view: those the page compares)."""
        return [f.measure for f in self.comparison().funnels]

    def _funnel(self, result: RegionComparison) -> FunnelResult | None:
        """The chosen measure's funnel in ``result`` (None when the page does not compare it)."""
        return next((f for f in result.funnels if f.measure == self.measure), None)

    def authorities(self) -> list[tuple[str, str]]:
        """``(label, id)`` of every authority, as the page names them."""
        result = self.comparison()
        return [(result.label(a), a) for a in self.evidence]

    def position(self) -> Shown:
        """The chosen authority on the chosen measure: its rate, the region's, the limits and its position."""
        result = self.comparison()
        funnel = self._funnel(result)
        label = result.label(self.authority)
        columns = ["authority", "measure", "rate", "regional rate", "95% from", "95% to", "99.8% from", "99.8% to",
                   "position"]
        if funnel is None:
            return Shown(pd.DataFrame([[label, self.measure, *([WITHHELD] * 6), "not compared on this page"]],
                                      columns=columns), {}, 0)
        point = next((p for p in funnel.points if p.unit == self.authority), None)
        if point is None:
            row = [label, self.measure, WITHHELD, funnel.target, *([WITHHELD] * 4),
                   "withheld (small numbers): left out of the regional rate and limits"]
        else:
            row = [label, self.measure, point.proportion, funnel.target, point.low95, point.high95,
                   point.low998, point.high998, point.position]
        kinds = {c: "share" for c in columns[2:8]}
        return Shown(pd.DataFrame([row], columns=columns), kinds, 1)

    def everyone(self) -> Shown:
        """Every authority shown on the chosen measure, with its position (the funnel's points)."""
        result = self.comparison()
        funnel = self._funnel(result)
        rows = [] if funnel is None else [
            [result.label(p.unit), p.proportion, p.low95, p.high95, p.position] for p in funnel.points]
        hidden = [result.label(a) for m, a in result.withheld if m == self.measure]
        rows += [[h, WITHHELD, WITHHELD, WITHHELD, "withheld"] for h in hidden]
        frame = pd.DataFrame(rows, columns=["authority", "rate", "95% from", "95% to", "position"])
        return Shown(frame, {"rate": "share", "95% from": "share", "95% to": "share"}, len(rows))


def _export(state: RegionState) -> Any:
    """Write the two tables shown to Excel; return a link to the file (or why none was written)."""
    tables = {"position": state.position(), "every authority": state.everyone()}
    about = {"caption": f"{state.measure}, {quarter_name(state.cycle)} (cycle {state.cycle}): the authority's "
                        "position on the funnel",
             "basis": "each authority's rate on the measure this quarter, against the regional rate and its limits",
             "commit": code_commit()}
    return saved_link(lambda: export_tables(
        tables, framework="region_comparison", cycle=state.cycle, audience=state.audience,
        filters={"authority": state.authority, "measure": state.measure}, about=about, fmt="xlsx"))


def region_explorer(evidence: Mapping[str, Evidence], cycle: str, policy: DisclosurePolicy, **kwargs: Any) -> Any:
    """The regional comparison's explorer widget; None in batch runs.

    Parameters
    ----------
    evidence, cycle, policy, **kwargs
        As :class:`RegionState`.

    Returns
    -------
    ipywidgets.VBox or None
    """
    import ipywidgets as w
    from IPython.display import display

    if not is_interactive():
        return None
    state = RegionState(evidence, cycle, policy, **kwargs)
    audience = w.ToggleButtons(options=["internal", "published"], value="internal", description="audience")
    who = w.Dropdown(options=state.authorities(), value=state.authority, description="authority")
    when = w.Dropdown(options=quarter_options(list(state.cycles)),
                      value=cycle if cycle in state.cycles else state.cycles[-1], description="quarter")
    what = w.Dropdown(options=state.measures(), value=state.measure or None, description="measure",
                      layout=w.Layout(width="40em"))
    status, out, saved = w.HTML(), w.Output(), w.Output()
    status.add_class(STATUS_CLASS)
    export = w.Button(description="Export Excel (both tables)", icon="download")
    busy: list[bool] = []

    def render(_: object = None) -> None:
        if busy:
            return
        state.audience, state.authority, state.cycle = audience.value, who.value, when.value
        measures = state.measures()
        if what.options != tuple(measures):
            busy.append(True)
            what.options = measures
            busy.pop()
        state.measure = what.value if what.value in measures else (measures[0] if measures else "")
        out.clear_output()
        with out:
            position = state.position()
            caption = f"{state.measure}, {quarter_name(state.cycle)}: the authority's position on the funnel ({state.audience} view)"
            display(show.table(position.text(), caption=caption, uid="explore-region"))
            display(show.table(state.everyone().text(), caption="Every authority on this measure",
                               uid="explore-region-all"))
            if state.measure:
                display(funnel_figure(state.comparison(), state.measure, state.policies[state.audience]))
        status.value = html.escape(f"Table updated: {caption}.")

    def on_export(_: object) -> None:
        saved.clear_output()
        with saved:
            display(_export(state))

    for control in (audience, who, when, what):
        control.observe(render, names="value")
    export.on_click(on_export)
    render()
    box = w.VBox([audience, w.HBox([who, when]), what, status, out, export, saved])
    box.add_class(ROOT_CLASS)
    display(KEYBOARD_JS)
    return box
