"""An explorer's tables as data: numbers where a figure is shown, ``c`` where it is withheld.

Each table is a :class:`Shown`: a frame whose cells are numbers (counts, shares from 0 to 1,
scores) or the symbols ``c`` (withheld) and ``:`` (not available), with the kind of each column,
so the same table is displayed as text (:meth:`Shown.text`) and exported with numeric cells and
number formats (:mod:`review.explore.export`). The internal audience sees figures as they are;
the published audience sees what :mod:`review.explore.published` decided for the quarter.

Every rate carries its Wilson interval (the method the reports use), with the finite population
correction where the lens says the group's files were all drawn at random from one quarter's frame
(:attr:`review.explore.lenses.Lens.population`, the reports' one rule), and a small-group note where
the group has fewer than the policy's ``min_group`` records (case files where rows are answers:
:meth:`review.explore.lenses.Lens.counted`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from review.explore.lenses import TOTAL, Lens, summarise
from review.explore.published import QuarterFigures, group_unit
from review.protection.disclosure import DisclosurePolicy
from review.protection.linked import suppress_table
from review.protection.units import protected
from review.stats.sampling import proportion_ci
from review.views.presentation import pct

__all__ = ["NOT_AVAILABLE", "WITHHELD", "Shown", "summary_table"]

WITHHELD = "c"
NOT_AVAILABLE = ":"


@dataclass(frozen=True)
class Shown:
    """A table as an audience may see it.

    Attributes
    ----------
    frame : pandas.DataFrame
        The first column names the groups (its header says what they are); other cells hold
        numbers or ``c`` / ``:``.
    kinds : mapping of str to str
        Each value column's kind: ``count``, ``share`` (0 to 1, shown as a percentage),
        ``score`` or ``text``.
    total : int or str
        The number of records the table counts (``c`` when withheld), for its caption.
    """

    frame: pd.DataFrame
    kinds: Mapping[str, str] = field(default_factory=dict)
    total: int | str = 0

    def text(self) -> pd.DataFrame:
        """The table as text: counts with thousands separated, shares as percentages.

        Examples
        --------
        >>> Shown(pd.DataFrame({"team": ["A"], "files": [1200], "rate": [0.4744]}),
        ...       {"files": "count", "rate": "share"}).text().iloc[0].tolist()
        ['A', '1,200', '47.4%']
        """
        out = self.frame.copy().astype(object)
        for column, kind in self.kinds.items():
            out[column] = [_cell_text(v, kind) for v in self.frame[column]]
        return out

    @property
    def empty(self) -> bool:
        """Whether the table has no row."""
        return self.frame.empty


def _cell_text(value: Any, kind: str) -> str:
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NOT_AVAILABLE
    if kind == "count":
        return f"{int(value):,}"
    if kind == "share":
        return pct(float(value))
    if kind == "score":
        return f"{float(value):.1f}"
    return str(value)


def _groups(rows: pd.DataFrame, view: str) -> dict[str, pd.DataFrame]:
    """Each group's rows of a view (the whole selection for the total), keyed as the summary's groups."""
    if view == TOTAL:
        return {TOTAL: rows}
    return {str(k): g for k, g in rows.groupby(view.removeprefix("by "), observed=True, sort=True)}


def _note(lens: Lens, members: pd.DataFrame | None, n: int, policy: DisclosurePolicy) -> str:
    """The small-group note: a group of fewer than ``min_group`` records, counted in the lens's
    people unit (a group's case files, where its rows are answers), never in rows."""
    size = int(members[lens.people].nunique()) if lens.people and members is not None else n
    return f"small group (fewer than {policy.min_group} {lens.counted()})" if size < policy.min_group else ""


def _rate_table(summary: pd.DataFrame, lens: Lens, view: str, policy: DisclosurePolicy,
                figures: QuarterFigures | None, heading: str, level: float, groups: Mapping[str, pd.DataFrame],
                population: Callable[[pd.DataFrame], int | None] | None) -> pd.DataFrame:
    n_label, k_label = lens.labels
    rows = []
    for key, row in summary.iterrows():
        k, n = int(row["met"]), int(row["n"])
        members = groups.get(str(key))
        frame = population(members) if population is not None and members is not None and n else None
        interval = proportion_ci(k, n, method="wilson", confidence_level=level,
                                 population=frame).confidence_interval if n else None
        shown_n = figures is None or figures.shown(view, str(key), "n")
        shown_k = figures is None or figures.shown(view, str(key), "k")
        rate_ok = shown_n and shown_k and (figures is None or n >= policy.min_group)
        rows.append({
            heading: str(key),
            n_label: n if shown_n else WITHHELD,
            k_label: k if shown_k else WITHHELD,
            "rate": (k / n if n else float("nan")) if rate_ok else WITHHELD,
            "interval from": (interval.low if interval else float("nan")) if rate_ok else WITHHELD,
            "interval to": (interval.high if interval else float("nan")) if rate_ok else WITHHELD,
            "note": _note(lens, members, n, policy),
        })
    return pd.DataFrame(rows, columns=[heading, n_label, k_label, "rate", "interval from", "interval to", "note"])


def _score_table(summary: pd.DataFrame, lens: Lens, view: str, policy: DisclosurePolicy,
                 figures: QuarterFigures | None, heading: str, groups: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    rows = []
    for key, row in summary.iterrows():
        n = int(row["n"])
        shown_n = figures is None or figures.shown(view, str(key), "n")
        ok = shown_n and (figures is None or n >= policy.min_group)
        rows.append({heading: str(key), "scores": n if shown_n else WITHHELD,
                     "median": row["median"] if ok else WITHHELD,
                     "lower quartile": row["q1"] if ok else WITHHELD,
                     "upper quartile": row["q3"] if ok else WITHHELD,
                     "note": _note(lens, groups.get(str(key)), n, policy)})
    return pd.DataFrame(rows, columns=[heading, "scores", "median", "lower quartile", "upper quartile", "note"])


def summary_table(lens: Lens, rows: pd.DataFrame, view: str, policy: DisclosurePolicy, *,
                  figures: QuarterFigures | None = None, heading: str = "", level: float = 0.95,
                  population: Callable[[pd.DataFrame], int | None] | None = None) -> Shown:
    """One view of a selection as an audience may see it.

    Parameters
    ----------
    lens : Lens
    rows : pandas.DataFrame
        The selection's rows.
    view : str
        One of the lens's views.
    policy : DisclosurePolicy
        The audience's policy.
    figures : QuarterFigures, optional
        The quarter's published decision (:func:`review.explore.published.quarter_figures`);
        None for the internal audience, which sees every figure.
    heading : str
        The first column's header (what the groups are).
    level : float
        The confidence level of the rates' intervals.
    population : callable, optional
        ``population(group rows) -> int or None``: the finite population a group's rate is
        corrected for (the lens's :attr:`~review.explore.lenses.Lens.population` with the
        evidence); None, or a group it gives None for, has the plain Wilson interval.

    Returns
    -------
    Shown

    Examples
    --------
    >>> from review.explore.lenses import LENSES
    >>> rows = pd.DataFrame({"team": ["A"] * 12 + ["B"] * 3, "met": [1.0] * 8 + [0.0] * 4 + [1.0] * 3})
    >>> t = summary_table(LENSES["gose_performance"], rows, "by team", DisclosurePolicy("internal"), heading="team")
    >>> t.text()[["team", "case files", "rate", "note"]].values.tolist()
    [['A', '12', '66.7%', ''], ['B', '3', '100.0%', 'small group (fewer than 10 case files)']]
    """
    summary = summarise(lens, rows, view)
    heading = heading or view.removeprefix("by ")
    groups = _groups(rows, view) if view.startswith("by ") or view == TOTAL else {}
    if lens.measure == "rate" and (view.startswith("by ") or view == TOTAL):
        frame = _rate_table(summary, lens, view, policy, figures, heading, level, groups, population)
        kinds = {lens.labels[0]: "count", lens.labels[1]: "count", "rate": "share", "interval from": "share",
                 "interval to": "share", "note": "text"}
    elif lens.measure == "score":
        frame = _score_table(summary, lens, view, policy, figures, heading, groups)
        kinds = {"scores": "count", "median": "score", "lower quartile": "score", "upper quartile": "score",
                 "note": "text"}
    else:  # counts of ratings, or a cross-tabulation of grades
        counts = summary.astype(int)
        counts["Total"] = counts.sum(axis=1)
        if policy.suppress and protected(group_unit(lens, rows)):
            text = suppress_table(summary.astype(int), policy)
            counts = text.drop(index="Total").map(lambda v: v if v == WITHHELD else int(v.replace(",", "")))
        frame = counts.reset_index(names=heading)
        frame[heading] = frame[heading].astype(str)
        kinds = {c: "count" for c in frame.columns if c != heading}
    counted = int(summary["n"].sum()) if "n" in summary else int(summary.to_numpy().sum())
    total: int | str = counted if figures is None or figures.shown(TOTAL, TOTAL, "n") else WITHHELD
    return Shown(frame.reset_index(drop=True), kinds, total)
