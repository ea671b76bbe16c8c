"""The explorer widget of each framework notebook, for analysts in JupyterLab.

An explorer shows, for the filters chosen: a summary table of the selection (its basis stated),
the selection quarter by quarter (chart and table) with this quarter beside the last, an export of
every table shown (Excel with numeric cells, or CSV), and, in the internal audience, the
pseudonymised records behind the figures.

An interactive session starts in the internal audience, under a banner that says so; a toggle
shows what a published report would show instead: the report's basis, every figure of a quarter
decided at once by the reports' disclosure registry (:mod:`review.explore.published`). Widgets
appear only when a person runs the notebook: the batch runner and the tests set
``REVIEW_BATCH=1``, and then :func:`explorer` returns None, so no widget output reaches a report.

The logic that decides what a selection shows is in :class:`ExplorerState` (unit-tested without
widgets); the widget only wires controls to it. Keyboard use inside JupyterLab is made to work by
:mod:`review.explore.keyboard` (no command-mode capture, a visible focus ring, ``aria-pressed``,
a live region announcing a changed table). The filters chosen survive a re-run of the cell in the
same kernel.
"""

from __future__ import annotations

import html
import os
import re
from typing import Any

import ipywidgets as w
import numpy as np
import pandas as pd
from IPython.display import display

from review.config.cycles import cycle_range, previous_cycle, quarter_label, quarter_name
from review.config.paths import BATCH_ENV
from review.data.load import Evidence
from review.explore.export import code_commit, export_tables, saved_link
from review.explore.keyboard import KEYBOARD_JS, ROOT_CLASS, STATUS_CLASS
from review.explore.lenses import (
    ALL,
    LENSES,
    TOTAL,
    Lens,
    apply_selection,
    options,
    published_views,
)
from review.explore.pages import PageRegistries
from review.explore.published import QuarterFigures, audience_policies, quarter_figures
from review.explore.tables import NOT_AVAILABLE, WITHHELD, Shown, summary_table
from review.protection.disclosure import DisclosurePolicy
from review.views import presentation as show

__all__ = ["ExplorerState", "explorer", "is_interactive", "quarter_options", "quarter_words"]

BANNER = {
    "internal": ("INTERNAL figures: unsuppressed, with pseudonyms. Not for circulation outside the "
                 "council. Switch to 'published' to see what a report would show."),
    "published": ("Published view: what a report shows, on the report's basis (filters fixed); every figure "
                  "of a quarter decided at once, so no choice of views gives back a withheld count."),
}

REMEMBERED: dict[tuple[str, str], dict[str, Any]] = {}
"""Each explorer's last choices in this kernel, so a re-run of the notebook keeps them."""


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
    level : float
        The confidence level of the rates' intervals (the notebook's).
    page : PageRegistries, optional
        The registries the framework's published pages decided on
        (:func:`review.explore.pages.page_registries`): each quarter's published figures join its
        page's registry, so the explorer never shows what the page withheld. None: each quarter
        is decided on the explorer's own figures (the page keeps no registry they are linked to).
    """

    def __init__(self, lens: Lens, evidence: Evidence, cycle: str, policy: DisclosurePolicy,
                 level: float = 0.95, page: PageRegistries | None = None) -> None:
        self.lens = lens
        self.evidence = evidence
        self.page = page
        self.table = lens.build(evidence)
        self.cycle = cycle
        self.level = level
        self.policies = audience_policies(policy)
        self.audience = "internal"
        self.selection: dict[str, str] = self.defaults()
        self.view = lens.views[0]
        self._figures: dict[str, QuarterFigures] = {}

    def defaults(self) -> dict[str, str]:
        """The filters the explorer opens with: the notebook's cycle and the report's basis."""
        return {"cycle": self.cycle} | {d.column: self.lens.defaults.get(d.column, ALL) for d in self.lens.dimensions}

    @property
    def policy(self) -> DisclosurePolicy:
        """The policy of the audience chosen."""
        return self.policies[self.audience]

    @property
    def published(self) -> bool:
        """Whether the published view is shown."""
        return self.audience == "published"

    def quarters(self) -> list[str]:
        """Every quarter from the evidence's first to its last (missing ones included)."""
        present = sorted(str(c) for c in self.table["cycle"].dropna().unique())
        return cycle_range(present[0], present[-1]) if present else []

    def dimensions(self) -> list[tuple[str, str, list[str], bool]]:
        """``(column, label, options, enabled)`` of the filters (the quarter first).

        In the published view every filter but the quarter is fixed at the report's basis, and
        a filter on a person is not offered at all.
        """
        quarters = options(self.table, "cycle")
        dims = [("cycle", "quarter", quarters[1:] if self.published else quarters, True)]
        dims += [(d.column, d.label, options(self.table, d.column), not self.published)
                 for d in self.lens.dimensions if not (self.published and d.internal_only)]
        return dims

    def views(self) -> list[str]:
        """The summaries this audience may see (no grouping by a person, no private view, when published)."""
        return published_views(self.lens) if self.published else list(self.lens.views)

    def view_label(self, view: str | None = None) -> str:
        """A view in words (``by tier``)."""
        view = view or self.view
        labels = {f"by {d.column}": f"by {d.label}" for d in self.lens.dimensions}
        return labels.get(view, view)

    def set_audience(self, audience: str) -> None:
        """Switch audience; publishing puts the filters back on the report's basis."""
        self.audience = audience
        if self.published:
            basis = self.defaults()
            self.selection = basis | {"cycle": self.selection["cycle"] if self.selection["cycle"] != ALL
                                      else self.cycle}
            if self.view not in self.views():
                self.view = self.views()[0]

    def remember(self) -> dict[str, Any]:
        """The choices to keep for a re-run."""
        return {"audience": self.audience, "selection": dict(self.selection), "view": self.view}

    def restore(self, saved: dict[str, Any]) -> None:
        """Put back remembered choices that still make sense for this evidence."""
        self.set_audience(saved.get("audience", "internal"))
        valid = {c: opts for c, _, opts, enabled in self.dimensions() if enabled}
        for column, value in saved.get("selection", {}).items():
            if column in valid and value in valid[column]:
                self.selection[column] = value
        if saved.get("view") in self.views():
            self.view = saved["view"]

    def rows(self, cycle: str | None = None) -> pd.DataFrame:
        """The tidy rows matching the current filters (for another quarter when given)."""
        return apply_selection(self.table, self.selection | ({} if cycle is None else {"cycle": cycle}))

    def figures(self, cycle: str) -> QuarterFigures | None:
        """The published decision of a quarter (None for the internal audience), joined to the
        registry that quarter's published page decided on when the explorer has one."""
        if not self.published:
            return None
        if cycle not in self._figures:
            page = self.page.registry(cycle, self.policy) if self.page is not None else None
            self._figures[cycle] = quarter_figures(self.lens, self.rows(cycle), self.policy, page=page)
        return self._figures[cycle]

    def population(self, rows: pd.DataFrame) -> int | None:
        """The finite population a group's rate is corrected for (the lens's rule, the report's), or None."""
        return self.lens.population(self.evidence, rows) if self.lens.population is not None else None

    def summary(self, cycle: str | None = None) -> Shown:
        """The summary table as this audience sees it (numbers, ``c`` where withheld)."""
        cycle = cycle or self.selection["cycle"]
        figures = None if cycle == ALL else self.figures(cycle)
        heading = self.view_label().removeprefix("by ") if self.view.startswith("by ") else "first grade"
        return summary_table(self.lens, self.rows(cycle), self.view, self.policy, figures=figures,
                             heading=heading, level=self.level, population=self.population)

    def basis(self) -> str:
        """The basis every table states: which records, the filters on top of it, the intervals'
        method and, when published, what each quarter's figures were decided with."""
        chosen = [f"{label} {self.selection[column]}" for column, label, _, _ in self.dimensions()[1:]
                  if self.selection.get(column, ALL) != ALL]
        text = f"Basis: {self.lens.basis}"
        text += f"; filters: {', '.join(chosen)}" if chosen else "; no filter"
        if self.lens.measure == "rate":
            text += ("; intervals: Wilson, with the finite population correction where every file counted was "
                     "drawn at random from the quarter's frame, as the report" if self.lens.population is not None
                     else "; intervals: Wilson")
        return text + (f". {self.decided()}" if self.published else "")

    def decided(self) -> str:
        """What the published figures of each quarter were decided with, in words."""
        if self.page is None:
            return ("Each quarter's figures are decided on the explorer's own figures: this framework's page "
                    "keeps no registry of linked figures the explorer's are part of")
        return (f"Each quarter's figures are decided together with that quarter's published page (for "
                f"{quarter_name(self.page.cycle)}, the page above), so none gives back a figure the page withheld")

    def caption(self, table: Shown | None = None) -> str:
        """The summary's caption: the view, the quarter and how many records the table counts."""
        table = table if table is not None else self.summary()
        cycle = self.selection["cycle"]
        where = quarter_words(cycle)
        count = table.total if isinstance(table.total, str) else f"{int(table.total):,}"
        return f"{self.lens.title}, {self.view_label()}: {where}; the table counts {count} {self.lens.labels[0]}"

    def trend(self) -> Shown:
        """The selection quarter by quarter (every filter but the quarter), as this audience sees it.

        Each quarter's figures are that quarter's totals, from its own published decision when
        published; a quarter without evidence shows ``:``.
        """
        lines: list[pd.DataFrame] = []
        kinds: dict[str, str] = {}
        for quarter in self.quarters():
            rows = self.rows(quarter)
            if rows.empty:
                lines.append(pd.DataFrame({"quarter": [quarter]}))
                continue
            shown = summary_table(self.lens, rows, TOTAL, self.policy, figures=self.figures(quarter), level=self.level,
                                  population=self.population)
            kinds |= dict(shown.kinds)
            lines.append(shown.frame.drop(columns=shown.frame.columns[0]).assign(quarter=quarter))
        frame = pd.concat(lines, ignore_index=True) if lines else pd.DataFrame(columns=["quarter"])
        frame = frame[["quarter", *[c for c in frame.columns if c != "quarter"]]]
        return Shown(frame.astype(object).where(frame.notna(), NOT_AVAILABLE), kinds, len(self.rows(ALL)))

    def trend_points(self, trend: Shown | None = None) -> pd.DataFrame:
        """The values drawn, one per quarter from the first to the last: NaN where withheld or missing
        (a gap in the line), with the interval for a rate.

        Parameters
        ----------
        trend : Shown, optional
            :meth:`trend`, when already computed.

        Returns
        -------
        pandas.DataFrame
            Indexed by quarter: ``value`` (a share for a rate, a median score), ``low`` and
            ``high`` (interval or quartiles) and ``small`` (the group is under ``min_group``).
        """
        frame = (trend if trend is not None else self.trend()).frame.set_index("quarter")
        value, low, high = {"rate": ("rate", "interval from", "interval to"),
                            "score": ("median", "lower quartile", "upper quartile")}.get(
            self.lens.measure, ("Total", "Total", "Total"))

        def number(column: str) -> pd.Series:
            if column not in frame:
                return pd.Series(np.nan, index=frame.index)
            return pd.to_numeric(frame[column].where(~frame[column].isin([WITHHELD, NOT_AVAILABLE])), errors="coerce")

        notes = frame["note"] if "note" in frame else pd.Series("", index=frame.index)
        return pd.DataFrame({"value": number(value), "low": number(low), "high": number(high),
                             "small": notes.astype(str).str.startswith("small group")})

    def last_cycle(self, now: Shown | None = None) -> Shown:
        """This quarter's summary beside the previous quarter's, same filters and view (``now``: this
        quarter's :meth:`summary`, when already computed)."""
        cycle = self.selection["cycle"]
        if cycle == ALL:
            return Shown(pd.DataFrame())
        before = previous_cycle(cycle)
        now, then = now if now is not None else self.summary(cycle), self.summary(before)
        key = now.frame.columns[0]
        left = now.frame.set_index(key).add_prefix(f"{cycle}: ")
        right = then.frame.set_index(key).add_prefix(f"{before}: ") if not then.empty else pd.DataFrame(index=left.index)
        both = left.join(right, how="left").reset_index()
        both = both.astype(object).where(both.notna(), NOT_AVAILABLE)
        kinds = {f"{q}: {c}": k for q, t in ((cycle, now), (before, then)) for c, k in t.kinds.items()}
        return Shown(both, kinds, now.total)

    def records(self) -> pd.DataFrame:
        """The pseudonymised records behind the selection; internal audience only."""
        if self.published:
            raise PermissionError("records are shown to the internal audience only")
        return self.rows().reset_index(drop=True)

    def tables(self) -> dict[str, Shown]:
        """Every table the explorer shows, by sheet name (the summary first)."""
        summary = self.summary()
        out = {"summary": summary, "quarter by quarter": self.trend()}
        last = self.last_cycle(summary)
        if not last.empty:
            out["this quarter and last"] = last
        return out

    def about(self) -> dict[str, str]:
        """What an export records besides the filters."""
        commit = code_commit()
        return {"framework": self.lens.framework, "caption": self.caption(), "basis": self.basis(),
                "view": self.view_label(), "commit": commit}


def _show_summary(state: ExplorerState, framework: str, table: Shown) -> str:
    """Display the selection's summary table (``table``) and this quarter beside the last; return what
    changed, in words."""
    if table.empty:
        display(show.note("No records match the selection: nothing to show or export."))
        return "No records match the selection."
    caption = state.caption(table)
    display(show.table(table.text(), caption=caption, uid=f"explore-{framework}", policy=state.policy))
    display(show.note(state.basis()))
    last = state.last_cycle(table)
    if not last.empty:
        display(show.table(_quarters_named(last.text()), caption="This quarter beside the last (same filters and view)",
                           uid=f"explore-last-{framework}"))
    return f"Table updated: {caption}."


def _rating_chart(state: ExplorerState, ax: Any, table: Shown) -> str:
    """Stacked bars of each group's ratings, in the scale's order, from 0 (the summary's figures, ``table``)."""
    frame = table.frame.set_index(table.frame.columns[0]).drop(columns=["Total"], errors="ignore")
    counts = frame.apply(pd.to_numeric, errors="coerce").fillna(0)
    left = np.zeros(len(counts))
    y = np.arange(len(counts))
    for column in counts.columns:
        ax.barh(y, counts[column], left=left, label=str(column))
        left += counts[column].to_numpy()
    ax.set_yticks(y, [str(i)[:40] for i in counts.index])
    ax.invert_yaxis()
    ax.set_xlim(left=0)
    ax.set_xlabel(state.lens.labels[0])
    ax.legend(fontsize=7, loc="lower right")
    return f"{state.lens.title}: each group's ratings, stacked in the scale's order; the values are in the table above."


def _line_chart(state: ExplorerState, ax: Any, trend: Shown) -> str:
    """The quarter-by-quarter line: percent from 0, a gap at a withheld or missing quarter, intervals."""
    points = state.trend_points(trend)
    rate = state.lens.measure == "rate"
    scale = 100 if rate else 1
    x = np.arange(len(points))
    values, low, high = points["value"] * scale, points["low"] * scale, points["high"] * scale
    ax.plot(x, values, marker="o", color="#0b5394")  # NaN: a gap, never a line across a withheld quarter
    ok = values.notna().to_numpy()
    ax.errorbar(x[ok], values[ok], yerr=[(values - low)[ok], (high - values)[ok]], fmt="none",
                ecolor="#555555", capsize=3)
    for i in np.flatnonzero(points["small"].to_numpy() & ok):
        ax.annotate("small n", (x[i], values.iloc[i]), textcoords="offset points", xytext=(0, 8),
                    ha="center", fontsize=7)
    for i in np.flatnonzero(~ok):
        symbol = WITHHELD if WITHHELD in set(trend.frame.iloc[i].astype(str)) else NOT_AVAILABLE
        ax.annotate(symbol, (x[i], 3 if rate else 0.3), ha="center", fontsize=9)
    ax.set_ylim(0, 100 if rate else 10)
    ax.set_ylabel(f"{state.lens.labels[1]} (%)" if rate else "median score (0-10)")
    ax.set_xticks(x, [quarter_label(q) for q in points.index], rotation=45, ha="right")  # as the pages' axes
    kind = "rate with its interval" if rate else "median score with its quartiles"
    return (f"{state.lens.title}: the selection's {kind} quarter by quarter, from 0; withheld (c) or missing (:) "
            "quarters are gaps; the values are in the table below.")


def _show_trend(state: ExplorerState, framework: str, summary: Shown) -> None:
    """Display the explorer's chart (drawn from ``summary`` for ratings) and the selection quarter by quarter."""
    trend = state.trend()
    fig = show.new_figure(figsize=(6.4, 2.8))
    ax = fig.subplots()
    if state.lens.measure == "rating":
        alt, caption = _rating_chart(state, ax, summary), "Each group's ratings (the summary above)"
    else:
        alt, caption = _line_chart(state, ax, trend), "The selection quarter by quarter (c: withheld; :, no evidence)"
    display(show.figure(fig, alt=alt, caption=caption))
    display(show.table(_quarters_named(trend.text()), caption=f"Quarter by quarter; {state.basis()}",
                       uid=f"explore-trend-{framework}", policy=state.policy))


def _export(state: ExplorerState, framework: str, fmt: str) -> Any:
    """Write the tables shown; return what the notebook shows: a link to the file, or why none was written."""
    return saved_link(lambda: export_tables(
        state.tables(), framework=framework, cycle=state.selection["cycle"].replace(ALL, "all"),
        audience=state.audience, about=state.about(), fmt=fmt,
        filters={label: state.selection.get(c, ALL) for c, label, _, _ in state.dimensions()[1:]},
        records=None if state.published or fmt == "csv" else state.records()))


def quarter_words(value: str) -> str:
    """A quarter filter's value in words: a cycle id named as the pages name its quarter.

    >>> quarter_words("(all)"), quarter_words("2009-Q3")
    ('all quarters', 'Q2 2009/10 (July to September 2009)')
    """
    return "all quarters" if value == ALL else quarter_name(value)


def quarter_options(values: list[str]) -> list[tuple[str, str]]:
    """The quarter menu's choices: each cycle id named as the pages name its quarter, the id the value.

    >>> quarter_options(["(all)", "2009-Q3", "2009-Q4"])
    [('all quarters', '(all)'), ('Q2 2009/10 (July to September 2009)', '2009-Q3'), \
('Q3 2009/10 (October to December 2009)', '2009-Q4')]
    """
    return [(quarter_words(v), v) for v in values]


def _quarters_named(frame: pd.DataFrame) -> pd.DataFrame:
    """A table as shown: its quarters (a ``quarter`` column, ``2009-Q4: rate`` headings) named as the pages
    name them; the state keeps the cycle ids, which exports and files use.

    >>> _quarters_named(pd.DataFrame({"quarter": ["2009-Q4"], "2009-Q3: rate": ["50.0%"]})).to_dict("records")
    [{'quarter': 'Q3 2009/10', 'Q2 2009/10: rate': '50.0%'}]
    """
    out = frame.rename(columns=lambda c: re.sub(r"^(\d{4}-Q[1-4]):", lambda m: f"{quarter_label(m.group(1))}:", str(c)))
    if "quarter" in out:
        out["quarter"] = [quarter_label(q) if re.fullmatch(r"\d{4}-Q[1-4]", str(q)) else q for q in out["quarter"]]
    return out


def _pickers(state: ExplorerState, choose: Any) -> list[Any]:
    """One drop-down per filter (disabled where the published view fixes it at the report's basis); the
    quarter's choices named as the pages name quarters (:func:`quarter_options`)."""
    pickers = []
    for column, label, values, enabled in state.dimensions():
        choices = quarter_options(values) if column == "cycle" else values
        picker = w.Dropdown(options=choices, value=state.selection.get(column, ALL), description=label,
                            disabled=not enabled)
        picker.observe(lambda change, c=column: choose(c, change["new"]), names="value")
        pickers.append(picker)
    return pickers


def _banner(state: ExplorerState) -> str:
    colour = "#b00020" if state.audience == "internal" else "#0b5394"
    return (f'<div class="review-explorer-banner" style="padding:4px 8px;border:2px solid {colour}"><b>'
            f'{html.escape(BANNER[state.audience])}</b></div>')


def explorer(framework: str, evidence: Evidence, cycle: str, policy: DisclosurePolicy, level: float = 0.95,
             page: PageRegistries | None = None) -> Any:
    """The explorer widget of a framework notebook; None in batch runs (so nothing is displayed).

    Parameters
    ----------
    framework : str
        A framework with a lens in :data:`review.explore.lenses.LENSES`.
    evidence : Evidence
    cycle : str
    policy : DisclosurePolicy
        The notebook's policy (its thresholds apply in the published view).
    level : float
        The confidence level of the rates' intervals.
    page : PageRegistries, optional
        The framework's published pages' registries (:func:`review.explore.pages.page_registries`
        with the notebook's context and result): the published view joins each quarter's.

    Returns
    -------
    ipywidgets.VBox or None
    """
    if not is_interactive():
        return None

    memory_key = (framework, str(evidence.folder))
    state = ExplorerState(LENSES[framework], evidence, cycle, policy, level, page)
    state.restore(REMEMBERED.get(memory_key, state.remember()))
    banner, status, saved = w.HTML(), w.HTML(), w.Output()
    status.add_class(STATUS_CLASS)
    audience = w.ToggleButtons(options=["internal", "published"], value=state.audience, description="audience")
    view = w.Dropdown(description="summary")
    filters = w.HBox(layout=w.Layout(flex_flow="row wrap"))
    out_table, out_trend, out_records = w.Output(), w.Output(), w.Output()
    buttons = {fmt: w.Button(description=f"Export {words}", icon="download")
               for fmt, words in (("xlsx", "Excel (every table)"), ("csv", "CSV (summary)"))}
    drill = w.Button(description="Show records", icon="search")
    rebuilding: list[bool] = []

    def render(_: object = None) -> None:
        REMEMBERED[memory_key] = state.remember()
        banner.value = _banner(state)
        out_table.clear_output()
        out_trend.clear_output()
        out_records.clear_output()
        saved.clear_output()
        drill.disabled = state.published
        summary = state.summary()
        with out_table:
            said = _show_summary(state, framework, summary)
        with out_trend:
            _show_trend(state, framework, summary)
        status.value = html.escape(said)

    def choose(column: str, value: str) -> None:
        if not rebuilding:
            state.selection[column] = value
            render()

    def build_filters() -> None:
        rebuilding.append(True)
        filters.children = _pickers(state, choose)
        view.options = [(state.view_label(v), v) for v in state.views()]
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
        saved.clear_output()
        with saved:
            display(_export(state, framework, fmt))

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
    box = w.VBox([banner, audience, filters, view, status, out_table, out_trend,
                  w.HBox([*buttons.values(), drill]), saved, out_records])
    box.add_class(ROOT_CLASS)
    display(KEYBOARD_JS)
    return box
