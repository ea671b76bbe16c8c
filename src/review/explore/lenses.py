"""What each framework's explorer shows: the evidence as one tidy table, and the summaries of a selection.

An explorer (see :mod:`review.explore.widgets`) lets an analyst pick values of a framework's
dimensions (team, tier, agency, quarter ...) and read a summary of the rows that match, quarter by
quarter, with the pseudonymised records behind it. Everything here is plain pandas, so each
"this selection gives this table" is unit-tested without widgets.

Each framework has one *lens*: a function that turns the evidence into a tidy table (one row per
observation, one column per dimension) and the dimensions an analyst may filter on. Summaries
return unrounded numbers; formatting and disclosure control happen in
:mod:`review.explore.widgets` through :mod:`review.views.presentation`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from review.config.framework_items import FRAMEWORK_ITEMS
from review.data.load import Evidence
from review.stats.sample_draw import MANAGEMENT_TIERS

__all__ = [
    "ALL",
    "LENSES",
    "Dimension",
    "Lens",
    "apply_selection",
    "audit_grades",
    "criterion_results",
    "options",
    "rating_distribution",
    "score_summary",
    "summarise",
    "trend",
]

ALL = "(all)"
"""The value of a filter that keeps every row."""


@dataclass(frozen=True)
class Dimension:
    """A column an analyst may filter on.

    Attributes
    ----------
    column : str
        The tidy table's column.
    label : str
        What the picker is called.
    internal_only : bool
        The column refers to a person (auditor, manager): offered only in the internal audience.
    """

    column: str
    label: str
    internal_only: bool = False


@dataclass(frozen=True)
class Lens:
    """One framework's explorer: how to build its tidy table and what to summarise.

    Attributes
    ----------
    framework : str
        The framework's registry name.
    title : str
        The explorer's heading.
    build : callable
        ``build(evidence) -> DataFrame``: the tidy table, with a ``cycle`` column.
    dimensions : tuple of Dimension
        Filters offered, in order (the cycle is always offered first).
    measure : str
        ``"rate"`` (column ``met``: 1, 0), ``"rating"`` (column ``rating``) or ``"score"``
        (column ``score``).
    views : tuple of str
        Summaries offered for a selection (see :func:`summarise`).
    labels : (str, str)
        For a rate: what a group counts and what its count is (``("actions", "done")``).
    """

    framework: str
    title: str
    build: Callable[[Evidence], pd.DataFrame]
    dimensions: tuple[Dimension, ...]
    measure: str
    views: tuple[str, ...]
    labels: tuple[str, str] = ("audits or answers", "met")


def _first_audits(evidence: Evidence) -> pd.DataFrame:
    audits = evidence.table("audits")
    return audits[audits["moderation_of"].isna()]


def audit_grades(evidence: Evidence) -> pd.DataFrame:
    """One row per first audit (not a moderation), with its first and final grade.

    The final grade is the one given by the most senior tier that audited the same case in the
    same cycle (the moderated grade); without a moderation it is the first grade.

    Parameters
    ----------
    evidence : Evidence

    Returns
    -------
    pandas.DataFrame
        Columns ``cycle``, ``audit_id``, ``case_ref``, ``team``, ``case_type``, ``audit_type``,
        ``selection``, ``auditor_tier``, ``auditor``, ``first_grade``, ``final_grade``,
        ``moderated`` (bool), ``moderator_tier`` (empty when not moderated) and ``met`` (1 when
        the final grade is Good or better, else 0; NaN when not applicable).

    Examples
    --------
    >>> from review.data import load_evidence
    >>> from review.config.paths import resolve
    >>> grades = audit_grades(load_evidence(resolve("data/demo")))
    >>> bool((grades["moderated"] == grades["moderator_tier"].ne("")).all())
    True
    """
    audits = evidence.table("audits")
    rank = {tier: i for i, tier in enumerate(MANAGEMENT_TIERS)}
    first = audits[audits["moderation_of"].isna()]
    later = audits[audits["moderation_of"].notna()].copy()
    later["_rank"] = later["auditor_tier"].map(rank).fillna(-1)
    senior = (later.sort_values(["_rank", "audit_date"])
              .drop_duplicates(subset=["cycle", "case_ref", "audit_type"], keep="last"))
    merged = first.merge(
        senior[["cycle", "case_ref", "audit_type", "overall_grade", "auditor_tier"]],
        on=["cycle", "case_ref", "audit_type"], how="left", suffixes=("", "_mod"),
    )
    moderated = merged["overall_grade_mod"].notna()
    final = merged["overall_grade_mod"].where(moderated, merged["overall_grade"])
    good = _good_or_better(evidence, merged["grade_scale"], final)
    return pd.DataFrame({
        "cycle": merged["cycle"].to_numpy(),
        "audit_id": merged["audit_id"].to_numpy(),
        "case_ref": merged["case_ref"].to_numpy(),
        "team": merged["team"].to_numpy(),
        "case_type": merged["case_type"].to_numpy(),
        "audit_type": merged["audit_type"].to_numpy(),
        "selection": merged["selection"].fillna("").to_numpy(),
        "auditor_tier": merged["auditor_tier"].to_numpy(),
        "auditor": merged["auditor_id"].to_numpy(),
        "first_grade": merged["overall_grade"].to_numpy(),
        "final_grade": final.to_numpy(),
        "moderated": moderated.to_numpy(),
        "moderator_tier": merged["auditor_tier_mod"].fillna("").to_numpy(),
        "met": good,
    })


def _good_or_better(evidence: Evidence, scales: pd.Series, grades: pd.Series) -> np.ndarray:
    out = np.full(len(grades), np.nan)
    for i, (scale_id, grade) in enumerate(zip(scales, grades, strict=True)):
        scale = evidence.scales.get(scale_id)
        if scale is None or pd.isna(grade) or grade in scale.not_applicable:
            continue
        out[i] = 1.0 if grade in scale.good_or_better else 0.0
    return out


def criterion_results(evidence: Evidence) -> pd.DataFrame:
    """One row per first audit and criterion that applies to it, with whether it was met.

    A criterion is met when its answer is on its scale's Good-or-better (compliant) side; answers
    marked not applicable and blank answers are left out.

    Parameters
    ----------
    evidence : Evidence

    Returns
    -------
    pandas.DataFrame
        Columns ``cycle``, ``audit_id``, ``case_ref``, ``team``, ``case_type``, ``audit_type``,
        ``auditor_tier``, ``auditor``, ``criterion``, ``jar_finding`` (the JAR findings the
        evidence map tests with the criterion, e.g. ``J07``; empty when none), ``answer`` and ``met`` (1 or 0).
    """
    audits = _first_audits(evidence)
    criteria = evidence.table("criteria").set_index("criterion")
    keep = ["cycle", "audit_id", "case_ref", "team", "case_type", "audit_type", "auditor_tier", "auditor_id"]
    present = [c for c in evidence.criteria if c in audits.columns]
    long = audits.melt(id_vars=keep, value_vars=present, var_name="criterion", value_name="answer")
    long = long[long["answer"].notna() & (long["answer"].astype(str) != "")]
    scale_of = criteria["scale_id"].to_dict()
    met = []
    for criterion, answer in zip(long["criterion"], long["answer"], strict=True):
        scale = evidence.scales[scale_of[criterion]]
        met.append(np.nan if answer in scale.not_applicable else float(answer in scale.good_or_better))
    long = long.assign(met=met).dropna(subset=["met"])
    long["jar_finding"] = long["criterion"].map(_findings_of(evidence)).fillna("")
    return long.rename(columns={"auditor_id": "auditor"}).reset_index(drop=True)


def _findings_of(evidence: Evidence) -> dict[str, str]:
    """Each criterion's JAR findings as the evidence map declares them (``"J07"``, ``"J04, J11"``)."""
    found: dict[str, list[str]] = {}
    for (framework, item), entries in evidence.map.items.items():
        if framework != "jar_haringey":
            continue
        for e in entries:
            if e.source == "criterion" and e.judged and item not in found.setdefault(e.evidence, []):
                found[e.evidence].append(item)
    return {c: ", ".join(sorted(items)) for c, items in found.items()}


def _ratings(evidence: Evidence, framework: str) -> pd.DataFrame:
    table = evidence.table("self_assessments")
    part = table[table["framework"] == framework].copy()
    labels = {item.item_id: item.text for item in FRAMEWORK_ITEMS.get(framework, ())}
    groups = {item.item_id: item.group for item in FRAMEWORK_ITEMS.get(framework, ())}
    part["item_label"] = part["item"].map(labels).fillna(part["item"])
    part["group"] = part["item"].map(groups).fillna("")
    return part.reset_index(drop=True)


def agency_ratings(framework: str) -> Callable[[Evidence], pd.DataFrame]:
    """A builder of one row per agency's rating of one item of ``framework``.

    Parameters
    ----------
    framework : str
        ``healthcare_commission`` or ``lscb_checklist``.

    Returns
    -------
    callable
        ``build(evidence)`` giving columns ``cycle``, ``item``, ``item_label``, ``group``,
        ``agency``, ``rating``.
    """

    def build(evidence: Evidence) -> pd.DataFrame:
        part = _ratings(evidence, framework)
        return part.rename(columns={"rater": "agency"})[
            ["cycle", "item", "item_label", "group", "agency", "rating"]]

    return build


def governance_scores(evidence: Evidence) -> pd.DataFrame:
    """One row per area manager's 0-10 score of one governance item.

    Returns
    -------
    pandas.DataFrame
        Columns ``cycle``, ``item``, ``item_label``, ``axis`` (``roles`` or ``communication``),
        ``side`` (organisation/individual, directorate/team), ``manager`` and ``score``.
    """
    part = _ratings(evidence, "governance")
    side = part["item_label"].str.rsplit(": the ", n=1).str[-1]
    return pd.DataFrame({
        "cycle": part["cycle"], "item": part["item"], "item_label": part["item_label"],
        "axis": part["group"], "side": side, "manager": part["rater"],
        "score": pd.to_numeric(part["rating"], errors="coerce"),
    }).dropna(subset=["score"]).reset_index(drop=True)


def action_register(evidence: Evidence) -> pd.DataFrame:
    """One row per action of the register, under the cycle it was raised in, with whether it is open.

    Returns
    -------
    pandas.DataFrame
        Columns ``cycle`` (raised), ``source``, ``item``, ``owner_role``, ``status``, ``due_date``,
        ``action`` and ``met`` (1 when done, else 0: the share of the selection completed). Empty
        when the data folder has no register.
    """
    columns = ["cycle", "source", "item", "owner_role", "status", "due_date", "action", "met"]
    if "actions" not in evidence.tables:
        return pd.DataFrame(columns=columns)
    register = evidence.table("actions")
    return pd.DataFrame({
        "cycle": register["cycle_raised"], "source": register["source"],
        "item": register["item"].fillna(register.get("audit_id", pd.Series(dtype=object))).fillna(""),
        "owner_role": register["owner_role"], "status": register["status"],
        "due_date": register["due_date"].map(str), "action": register["action"],
        "met": register["status"].eq("done").astype(float),
    })[columns].reset_index(drop=True)


def options(table: pd.DataFrame, column: str) -> list[str]:
    """The values a picker offers for ``column``: ALL first, then the values present, sorted.

    Examples
    --------
    >>> options(pd.DataFrame({"team": ["B", "A", "B"]}), "team")
    ['(all)', 'A', 'B']
    """
    values = sorted(str(v) for v in table[column].dropna().unique())
    return [ALL, *values]


def apply_selection(table: pd.DataFrame, selection: Mapping[str, str]) -> pd.DataFrame:
    """The rows of ``table`` matching every chosen value (a filter set to :data:`ALL` keeps all).

    Parameters
    ----------
    table : pandas.DataFrame
    selection : mapping of str to str
        Column to chosen value.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> t = pd.DataFrame({"team": ["A", "B", "A"], "met": [1, 0, 0]})
    >>> apply_selection(t, {"team": "A"})["met"].tolist()
    [1, 0]
    >>> len(apply_selection(t, {"team": ALL}))
    3
    """
    keep = pd.Series(True, index=table.index)
    for column, value in selection.items():
        if value != ALL:
            keep &= table[column].astype(str) == str(value)
    return table[keep]


def _rate_frame(rows: pd.DataFrame, by: str) -> pd.DataFrame:
    grouped = rows.groupby(by, sort=True)["met"]
    out = pd.DataFrame({"met": grouped.sum(), "n": grouped.count()})
    out["rate"] = out["met"] / out["n"]
    return out


def rating_distribution(rows: pd.DataFrame, by: str, labels: list[str] | None = None) -> pd.DataFrame:
    """Counts of each rating (columns) for each value of ``by`` (rows).

    Examples
    --------
    >>> t = pd.DataFrame({"item": ["H1", "H1", "H2"], "rating": ["Good", "Adequate", "Good"]})
    >>> rating_distribution(t, "item", ["Good", "Adequate"]).loc["H1"].tolist()
    [1, 1]
    """
    table = pd.crosstab(rows[by], rows["rating"])
    if labels is not None:
        table = table.reindex(columns=[c for c in labels if c in table.columns]
                              + [c for c in table.columns if c not in labels], fill_value=0)
    return table.astype(int)


def score_summary(rows: pd.DataFrame, by: str) -> pd.DataFrame:
    """Median, quartiles and number of 0-10 scores for each value of ``by``.

    Examples
    --------
    >>> t = pd.DataFrame({"axis": ["roles"] * 4, "score": [2, 4, 6, 8]})
    >>> s = score_summary(t, "axis").loc["roles"]
    >>> float(s["median"]), float(s["q1"]), float(s["q3"]), int(s["n"])
    (5.0, 3.5, 6.5, 4)
    """
    grouped = rows.groupby(by, sort=True)["score"]
    return pd.DataFrame({
        "median": grouped.median(), "q1": grouped.quantile(0.25), "q3": grouped.quantile(0.75),
        "n": grouped.count(),
    })


def summarise(lens: Lens, rows: pd.DataFrame, view: str) -> pd.DataFrame:
    """The summary table of a selection's rows for one of the lens's views.

    Parameters
    ----------
    lens : Lens
    rows : pandas.DataFrame
        The selected rows of the lens's tidy table.
    view : str
        ``"by <column>"`` groups the measure by a column; ``"first against final grade"`` is
        the crosstab of first and final grades of moderated audits.

    Returns
    -------
    pandas.DataFrame
        For a rate: columns ``met``, ``n``, ``rate``; for ratings: one column per rating; for
        scores: ``median``, ``q1``, ``q3``, ``n``.
    """
    if view not in lens.views:
        raise ValueError(f"view must be one of {list(lens.views)}; got {view!r}")
    if view == "first against final grade":
        moderated = rows[rows["moderated"]]
        return pd.crosstab(moderated["first_grade"], moderated["final_grade"]).astype(int)
    by = view.removeprefix("by ")
    if lens.measure == "rate":
        return _rate_frame(rows, by)
    if lens.measure == "rating":
        return rating_distribution(rows, by)
    return score_summary(rows, by)


def trend(lens: Lens, table: pd.DataFrame, selection: Mapping[str, str]) -> pd.DataFrame:
    """The selection quarter by quarter: the same filters except the quarter, grouped by cycle.

    Returns
    -------
    pandas.DataFrame
        Indexed by cycle (oldest first): ``met``, ``n``, ``rate`` for a rate; ``median``,
        ``q1``, ``q3``, ``n`` for scores; the count of each rating for ratings.

    Examples
    --------
    >>> t = pd.DataFrame({"cycle": ["2009-Q1", "2009-Q1", "2009-Q2"], "team": ["A", "A", "A"],
    ...                   "met": [1.0, 0.0, 1.0]})
    >>> lens = LENSES["jar_haringey"]
    >>> trend(lens, t, {"cycle": "2009-Q2", "team": "A"})["rate"].tolist()
    [0.5, 1.0]
    """
    others = {c: v for c, v in selection.items() if c != "cycle"}
    rows = apply_selection(table, others)
    if lens.measure == "rate":
        return _rate_frame(rows, "cycle")
    if lens.measure == "rating":
        return rating_distribution(rows, "cycle")
    return score_summary(rows, "cycle")


LENSES: dict[str, Lens] = {
    "gose_performance": Lens(
        "gose_performance", "Case-file audits: grades, tiers and moderation", audit_grades,
        (Dimension("auditor_tier", "tier"), Dimension("auditor", "auditor", internal_only=True),
         Dimension("team", "team"), Dimension("case_type", "case type"),
         Dimension("audit_type", "audit type"), Dimension("selection", "selection"),
         Dimension("first_grade", "first grade"), Dimension("final_grade", "final grade"),
         Dimension("moderated", "moderated")),
        "rate",
        ("by auditor_tier", "by team", "by case_type", "by final_grade", "first against final grade"),
    ),
    "jar_haringey": Lens(
        "jar_haringey", "Evidence on each finding from the case-file audits", criterion_results,
        (Dimension("jar_finding", "finding"), Dimension("criterion", "criterion"),
         Dimension("team", "team"), Dimension("case_type", "case type"),
         Dimension("auditor_tier", "tier")),
        "rate",
        ("by jar_finding", "by criterion", "by team", "by case_type"),
    ),
    "healthcare_commission": Lens(
        "healthcare_commission", "Health agencies' ratings by issue", agency_ratings("healthcare_commission"),
        (Dimension("item", "issue"), Dimension("agency", "agency")),
        "rating", ("by item", "by agency"),
    ),
    "lscb_checklist": Lens(
        "lscb_checklist", "Member agencies' ratings by checklist item", agency_ratings("lscb_checklist"),
        (Dimension("item", "item"), Dimension("agency", "agency")),
        "rating", ("by item", "by agency"),
    ),
    "governance": Lens(
        "governance", "Area managers' 0-10 scores by axis", governance_scores,
        (Dimension("axis", "axis"), Dimension("side", "side"), Dimension("item", "item"),
         Dimension("manager", "manager", internal_only=True)),
        "score", ("by axis", "by side", "by item", "by manager"),
    ),
    "cycle_summary": Lens(
        "cycle_summary", "The action plan: actions raised, by source, owner's role and status", action_register,
        (Dimension("source", "source"), Dimension("owner_role", "owner's role"), Dimension("status", "status")),
        "rate", ("by source", "by owner_role", "by status"), ("actions", "done"),
    ),
}
"""The explorer of each framework notebook (the cycle summary explores the action plan)."""
