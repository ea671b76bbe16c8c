"""The explorer widget of each framework notebook, for analysts in JupyterLab.

An explorer shows, for the filters chosen: a summary table of the selection, the selection
quarter by quarter (chart and table) with this cycle beside the last, buttons that save the table
shown as formula-safe CSV or Excel under ``outputs/explore/``, and, in the internal audience, the
pseudonymised records behind the figures (drill-down).

An interactive session starts in the internal audience, under a banner that says so; a toggle
shows what a published report would show instead. Widgets appear only when a person runs the
notebook: the batch runner and the tests set ``REVIEW_BATCH=1``, and then :func:`explorer`
returns None, so no widget output reaches a report.

All the logic that decides what a selection shows is in :mod:`review.explore.lenses` and
:mod:`review.explore.tables` (unit-tested); this module only wires widgets to it.
"""

from __future__ import annotations

import html
import os
from typing import Any

import ipywidgets as w
import pandas as pd
from IPython.display import display

from review.config.cycles import previous_cycle
from review.config.paths import BATCH_ENV
from review.data.load import Evidence
from review.explore.export import export_selection
from review.explore.lenses import ALL, LENSES, Lens, apply_selection, options, summarise, trend
from review.explore.tables import count_text, format_summary
from review.protection.disclosure import DisclosurePolicy
from review.views import presentation as show

__all__ = ["ExplorerState", "explorer", "is_interactive"]

BANNER = {
    "internal": ("INTERNAL figures: unsuppressed, with pseudonyms. Not for circulation outside the "
                 "council. Switch to 'published' to see what a report would show."),
    "published": "Published view: what a report shows (small counts as c, no figures about one person).",
}


def is_interactive() -> bool:
    """Whether a person is running the notebook (not the batch, papermill tests or nbval)."""
    return os.environ.get(BATCH_ENV) != "1"


class ExplorerState:
    """What an explorer shows for its current choices, without any widget (unit-tested).

    Parameters
    ----------
    lens : Lens
    evidence : Evidence
    cycle : str
        The notebook's cycle (the first choice of the quarter filter).
    policy : DisclosurePolicy
        The notebook's published policy; the audience toggle switches between it and the same
        policy for the internal audience.
    """

    def __init__(self, lens: Lens, evidence: Evidence, cycle: str, policy: DisclosurePolicy) -> None:
        self.lens = lens
        self.table = lens.build(evidence)
        self.cycle = cycle
        self.policies = {
            audience: DisclosurePolicy(audience, policy.low, policy.high, policy.min_group,
                                       policy.rounding_base, policy.percent_decimals)
            for audience in ("internal", "published")
        }
        self.audience = "internal"
        self.selection: dict[str, str] = {"cycle": cycle} | {d.column: ALL for d in lens.dimensions}
        self.view = lens.views[0]

    @property
    def policy(self) -> DisclosurePolicy:
        """The policy of the audience chosen."""
        return self.policies[self.audience]

    def dimensions(self) -> list[tuple[str, str, list[str]]]:
        """``(column, label, options)`` of the filters this audience may use (cycle first)."""
        dims = [("cycle", "quarter", options(self.table, "cycle"))]
        dims += [(d.column, d.label, options(self.table, d.column)) for d in self.lens.dimensions
                 if self.audience == "internal" or not d.internal_only]
        return dims

    def views(self) -> list[str]:
        """The summaries this audience may see (no grouping by a person when published)."""
        private = {f"by {d.column}" for d in self.lens.dimensions if d.internal_only}
        return [v for v in self.lens.views if self.audience == "internal" or v not in private]

    def set_audience(self, audience: str) -> None:
        """Switch audience; filters and views on a person are reset when publishing."""
        self.audience = audience
        if audience == "published":
            for d in self.lens.dimensions:
                if d.internal_only:
                    self.selection[d.column] = ALL
            if self.view not in self.views():
                self.view = self.views()[0]

    def rows(self) -> pd.DataFrame:
        """The tidy rows matching the current filters."""
        return apply_selection(self.table, self.selection)

    def _measure(self) -> str:
        if self.view == "first against final grade" or self.lens.measure == "rating":
            return "count"
        return self.lens.measure

    def summary(self) -> pd.DataFrame:
        """The summary table as this audience sees it (text cells)."""
        return format_summary(summarise(self.lens, self.rows(), self.view), self._measure(), self.policy,
                              labels=self.lens.labels)

    def caption(self) -> str:
        """The summary's caption: the selection and how many rows match (``c`` when small and published)."""
        cycle = self.selection["cycle"]
        chosen = ["all quarters" if cycle == ALL else f"quarter {cycle}"]
        chosen += [f"{column.replace('_', ' ')} {value}" for column, value in self.selection.items()
                   if column != "cycle" and value != ALL]
        return (f"{self.lens.title}, {self.view.replace('_', ' ')}: "
                f"{', '.join(chosen)}; {count_text(len(self.rows()), self.policy)} records")

    def trend(self) -> pd.DataFrame:
        """The selection quarter by quarter (all filters but the quarter), as this audience sees it."""
        raw = trend(self.lens, self.table, self.selection)
        return format_summary(raw, "count" if self.lens.measure == "rating" else self.lens.measure, self.policy,
                              labels=self.lens.labels)

    def trend_points(self) -> pd.DataFrame:
        """The quarter-by-quarter values that may be drawn: cycles whose figure is withheld are left out."""
        raw = trend(self.lens, self.table, self.selection)
        if self.lens.measure == "rating":
            return pd.DataFrame(columns=["value"])
        shown = format_summary(raw, self.lens.measure, self.policy).set_index("")
        column = "rate" if self.lens.measure == "rate" else "median"
        keep = [str(c) for c in raw.index if shown.loc[str(c), column] != "c"]
        values = raw["rate"] if self.lens.measure == "rate" else raw["median"]
        return pd.DataFrame({"value": values.loc[keep].astype(float)}, index=keep)

    def last_cycle(self) -> pd.DataFrame:
        """This quarter's summary beside the previous quarter's, same filters and view."""
        cycle = self.selection["cycle"]
        if cycle == ALL:
            return pd.DataFrame()
        before = previous_cycle(cycle)
        frames = {}
        for label, value in ((f"this cycle ({cycle})", cycle), (f"last cycle ({before})", before)):
            rows = apply_selection(self.table, self.selection | {"cycle": value})
            frames[label] = format_summary(summarise(self.lens, rows, self.view), self._measure(),
                                           self.policy, labels=self.lens.labels).set_index("")
        return pd.concat(frames, axis=1).fillna(":").reset_index(names="")

    def records(self) -> pd.DataFrame:
        """The pseudonymised records behind the selection; internal audience only."""
        if self.audience != "internal":
            raise PermissionError("records are shown to the internal audience only")
        return self.rows().reset_index(drop=True)


def _show_summary(state: ExplorerState, framework: str) -> None:
    """Display the selection's summary table and this cycle beside the last (in the current output)."""
    if state.rows().empty:
        display(show.note("No records match the selection."))
        return
    display(show.table(state.summary(), caption=state.caption(), uid=f"explore-{framework}", policy=state.policy))
    last = state.last_cycle()
    if not last.empty:
        display(show.table(last, caption="This cycle beside the last", uid=f"explore-last-{framework}"))


def _show_trend(state: ExplorerState, framework: str) -> None:
    """Display the selection quarter by quarter: a chart (when there are points) and its table."""
    points = state.trend_points()
    if len(points) > 0:
        fig = show.new_figure(figsize=(6, 2.6))
        ax = fig.subplots()
        ax.plot(range(len(points)), points["value"], marker="o")
        ax.set_xticks(range(len(points)), points.index, rotation=45, ha="right")
        ax.set_ylabel("rate" if state.lens.measure == "rate" else "median score")
        display(show.figure(fig, alt=f"{state.lens.title}: the selection quarter by quarter; "
                                     "the values are in the table below.",
                            caption="The selection quarter by quarter"))
    display(show.table(state.trend(), caption="Quarter by quarter", uid=f"explore-trend-{framework}",
                       policy=state.policy))


def explorer(framework: str, evidence: Evidence, cycle: str, policy: DisclosurePolicy) -> Any:
    """The explorer widget of a framework notebook; None in batch runs (so nothing is displayed).

    Parameters
    ----------
    framework : str
        A framework with a lens in :data:`review.explore.lenses.LENSES`.
    evidence : Evidence
    cycle : str
    policy : DisclosurePolicy
        The notebook's policy (its thresholds apply in the published view).

    Returns
    -------
    ipywidgets.VBox or None
    """
    if not is_interactive():
        return None

    state = ExplorerState(LENSES[framework], evidence, cycle, policy)
    banner = w.HTML()
    audience = w.ToggleButtons(options=["internal", "published"], value="internal", description="audience")
    view = w.Dropdown(description="summary")
    filters = w.HBox(layout=w.Layout(flex_flow="row wrap"))
    out_table, out_trend, out_records = w.Output(), w.Output(), w.Output()
    saved = w.HTML()
    buttons = {fmt: w.Button(description=f"Export {fmt.upper()}", icon="download") for fmt in ("csv", "xlsx")}
    drill = w.Button(description="Show records", icon="search")
    pickers: dict[str, Any] = {}
    rebuilding: list[bool] = []

    def render(_: object = None) -> None:
        banner.value = (f'<div class="review-explorer-banner" style="padding:4px 8px;border:2px solid '
                        f'{"#b00020" if state.audience == "internal" else "#0b5394"}"><b>'
                        f'{html.escape(BANNER[state.audience])}</b></div>')
        out_table.clear_output()
        out_trend.clear_output()
        out_records.clear_output()
        saved.value = ""
        drill.disabled = state.audience != "internal"
        with out_table:
            _show_summary(state, framework)
        with out_trend:
            _show_trend(state, framework)

    def choose(column: str, value: str) -> None:
        state.selection[column] = value
        render()

    def build_filters() -> None:
        pickers.clear()
        for column, label, values in state.dimensions():
            picker = w.Dropdown(options=values, value=state.selection.get(column, ALL), description=label)
            picker.observe(lambda change, c=column: choose(c, change["new"]), names="value")
            pickers[column] = picker
        filters.children = list(pickers.values())
        rebuilding.append(True)
        view.options = state.views()
        view.value = state.view
        rebuilding.pop()

    def on_view(change: dict[str, Any]) -> None:
        if not rebuilding and change["new"] is not None:
            state.view = change["new"]
            render()

    def on_audience(change: dict[str, Any]) -> None:
        state.set_audience(change["new"])
        build_filters()
        render()

    def on_export(fmt: str) -> None:
        path = export_selection(state.summary(), framework=framework, cycle=state.selection["cycle"].replace(ALL, "all"),
                                audience=state.audience, fmt=fmt)
        saved.value = f"Saved <code>{html.escape(str(path))}</code>"

    def on_drill(_: object) -> None:
        out_records.clear_output()
        with out_records:
            display(show.table(state.records(), caption="Records behind the selection (pseudonymised)",
                               uid=f"explore-records-{framework}"))

    audience.observe(on_audience, names="value")
    view.observe(on_view, names="value")
    for fmt, button in buttons.items():
        button.on_click(lambda _, f=fmt: on_export(f))
    drill.on_click(on_drill)
    build_filters()
    render()
    return w.VBox([banner, audience, filters, view, out_table, out_trend,
                   w.HBox([*buttons.values(), drill]), saved, out_records])
