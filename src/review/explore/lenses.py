"""What each framework's explorer shows: the evidence as one tidy table, and the summaries of a selection.

An explorer (see :mod:`review.explore.widgets`) lets an analyst pick values of a framework's
dimensions (team, tier, agency, quarter ...) and read a summary of the rows that match, quarter by
quarter, with the pseudonymised records behind it. Everything here is plain pandas, so each
"this selection gives this table" is unit-tested without widgets.

Each framework has one *lens*: a function that turns the evidence into a tidy table (one row per
observation, one column per dimension) and the dimensions an analyst may filter on. Summaries
return unrounded numbers; what an audience may see of them is decided in
:mod:`review.explore.tables` (with :mod:`review.explore.published` for the published view).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from review.analyses.actions_figures import CHILDREN_SOURCE, REMEDIAL_FILES
from review.analyses.final_answers import final_answers
from review.analyses.gose_figures import RANDOM_FINAL, tier_figures
from review.analyses.mapped import sample_frame
from review.config.framework_items import FRAMEWORK_ITEMS
from review.config.frameworks import FRAMEWORKS
from review.data.load import Evidence
from review.data.schema import ACTION_SOURCES
from review.protection.disclosure_log import line_key
from review.views.actions import SOURCE_NAMES

__all__ = [
    "ALL",
    "LENSES",
    "Dimension",
    "Lens",
    "apply_selection",
    "audit_grades",
    "criterion_results",
    "criterion_lines",
    "grade_order",
    "options",
    "ordered",
    "published_views",
    "random_frame",
    "rating_distribution",
    "score_summary",
    "summarise",
    "tier_label",
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
    basis : str
        What the rows are, in words (which audits, first or final grades): every table states it.
    unit : str
        The declared unit of a group's count (:mod:`review.protection.units`); ``"column"`` when
        each row names its own in a ``unit`` column (the action plan's remedial actions).
    defaults : mapping of str to str
        Filters set when the explorer opens, so that its default table is the report's figure
        (the GOSE headline is of the random sample only).
    private_views : tuple of str
        Views the published audience never sees (a cross-tabulation no report prints).
    people : str
        When a row is not itself what a published view protects (an answer to one criterion on a
        child's case file), the column naming the record it belongs to (``case_ref``: the child's
        case, each file once with its final answers). A group's size that protects people is then its number of
        distinct records, in unit ``files``, not its rows: 28 answers can be 4 files of 7
        criteria (:func:`review.explore.published.quarter_figures`). Empty when each row is one
        record already.
    page_total : str
        The registry key (``<key>/k``, ``<key>/n``) of the figure of the framework's published page
        that the explorer's total on the report's basis is (the GOSE page's headline, the random
        sample's final grades): given the page's registry, the explorer's published view joins it,
        so it never shows what the page withholds. Empty when no page figure is the total.
    page_parts : mapping of str to callable
        For a view whose groups are parts of figures the page prints (by tier: the random
        sample's files of a tier are some of the files the page's tier row counts), a function
        ``(group, page keys) -> (files key, count key)`` or None: given the page's registry, the
        page's figure less the explorer's groups is linked as what lies outside them (a tier's
        themed audits), protected where it is a small count.
    page_same : mapping of str to callable
        For a view each of whose groups is a figure the page prints (or the sum of several), a
        function ``(group, rows) -> keys`` giving the registry keys (``<key>/k``, ``<key>/n``) of the
        page's figures the group's rows add up to: a JAR criterion's answers are the page's line of
        that criterion's case-file audits. Given the page's registry, each group is linked to them,
        and one the page withholds stays withheld.
    crossed : tuple of (str, str)
        Two views over the same rows whose cross-tabulation no view prints (actions by source and by
        owner's role), registered as hidden cells linked to both views' groups: a reader who knows
        which roles own which sources' actions (a team manager owns the remedial action on a file)
        reads a role's count as a bound on a source's, so the registry decides knowing it too.
    nested : mapping of str to str
        A view whose groups are each the sum of groups of another view (``{"by jar_finding": "by
        criterion"}``: a finding's answers are those of the criteria the evidence map tests it with,
        a link every reader of the map knows), linked so in the explorer's registry.
    page_sums : mapping of (str, str) to tuple of str
        For a group of a published view (``(view, group)``) whose size counts what figures of the
        page count together, the registry keys of those page figures: the remedial actions raised in
        a quarter are the page's files graded Inadequate that quarter (due and not yet due) when
        each has one remedial action raised in its audit's quarter. Given the page's registry, the
        group's size is linked to their sum (:func:`review.explore.published.quarter_figures`), so
        the explorer never prints a figure that gives the page's withheld count back.
    people_words : str
        What :attr:`people` counts, in words (``case files``): a group's small-group note counts
        these, never its rows. Empty when each row is one record (the note counts ``labels[0]``).
    population : callable, optional
        ``population(evidence, rows) -> int or None``: the finite population a group's rate is
        corrected for, by the project's one rule (:func:`review.analyses.mapped.sample_frame`: case-file
        audits whose counted files were all drawn at random from one quarter's frame), None for
        plain Wilson. None (the default): every interval is plain Wilson.
    """

    framework: str
    title: str
    build: Callable[[Evidence], pd.DataFrame]
    dimensions: tuple[Dimension, ...]
    measure: str
    views: tuple[str, ...]
    labels: tuple[str, str] = ("audits or answers", "met")
    basis: str = ""
    unit: str = "audits"
    defaults: Mapping[str, str] = field(default_factory=dict)
    private_views: tuple[str, ...] = ()
    people: str = ""
    page_total: str = ""
    page_parts: Mapping[str, Callable[[str, Collection[str]], tuple[str, str] | None]] = field(
        default_factory=dict)
    page_sums: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    page_same: Mapping[str, Callable[[str, pd.DataFrame], tuple[str, ...]]] = field(default_factory=dict)
    nested: Mapping[str, str] = field(default_factory=dict)
    crossed: tuple[tuple[str, str], ...] = ()
    people_words: str = ""
    population: Callable[[Evidence, pd.DataFrame], int | None] | None = None

    def counted(self) -> str:
        """What a group's small-group note counts, in words (the people unit where rows are not records)."""
        return self.people_words if self.people else self.labels[0]


TIER_WORDS = {"ATM": "Assistant Team Manager", "TM": "Team Manager", "SM": "Service Manager",
              "AD": "Assistant Director", "DCS": "Director of Children's Services"}
"""The management tiers spelled out (the GOSE programme's tiers, most junior first)."""

CASE_FILE_KIND = "case file"


def ordered(values: pd.Series, order: list[str]) -> pd.Series:
    """``values`` as an ordered categorical: ``order`` first, any other value after, in natural order.

    Only the values present are categories; a missing value stays missing.

    Examples
    --------
    >>> list(ordered(pd.Series(["J11", "Good", None, "J2"]), ["Outstanding", "Good"]).categories)
    ['Good', 'J2', 'J11']
    """
    present = [str(v) for v in values.dropna().unique()]
    categories = [v for v in order if v in present] + sorted((v for v in present if v not in order), key=natural_key)
    return pd.Categorical(values.astype(object).where(values.notna(), None), categories=categories, ordered=True)


def natural_key(text: object) -> tuple:
    """Sort key putting numbers in numeric order: ``"2" < "4" < "11"``, ``"J2" < "J11"``.

    Examples
    --------
    >>> sorted(["11", "2", "J11", "J2", "4"], key=natural_key)
    ['2', '4', '11', 'J2', 'J11']
    """
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.lower())
                 for part in re.findall(r"\d+|\D+", str(text)))


def _case_file_types(evidence: Evidence) -> tuple[str, ...]:
    """The council's audit types of kind ``case file`` (the report's basis for the programme)."""
    return evidence.map.types_of_kind(CASE_FILE_KIND)


def grade_order(evidence: Evidence, scales: pd.Series) -> list[str]:
    """The grades of the scales named in ``scales``, in each scale's order, the first-named scale first.

    Examples
    --------
    >>> from types import MappingProxyType
    >>> from review.data.load import GradeScale
    >>> s1 = GradeScale("s1", ("Good", "Poor"), frozenset({"Good"}), frozenset())
    >>> s2 = GradeScale("s2", ("Met", "Good", "Unmet"), frozenset({"Met"}), frozenset())
    >>> ev = Evidence("x", MappingProxyType({}), MappingProxyType({"s1": s1, "s2": s2}), ())
    >>> grade_order(ev, pd.Series(["s2", None, "s1", "s2", "gone"]))
    ['Met', 'Good', 'Unmet', 'Poor']
    """
    order: list[str] = []
    for scale_id in dict.fromkeys(str(s) for s in scales.dropna()):
        scale = evidence.scales.get(scale_id)
        order += [g for g in (scale.labels if scale else ()) if g not in order]
    return order


def auditor_labels(evidence: Evidence, auditors: pd.Series, tiers: pd.Series, noun: str = "auditor") -> dict[str, str]:
    """Each auditor as an analyst reads them: tier, team and a number within both, never the pseudonym.

    The team comes from the evidence's ``staff`` table; auditors are numbered in the order of
    their pseudonyms within their tier and team (``"Team Manager, Assessment North, auditor 1"``).

    Examples
    --------
    >>> from types import MappingProxyType
    >>> staff = pd.DataFrame({"staff_id": ["S-b", "S-a"], "tier": ["TM", "TM"], "team": ["North", "North"]})
    >>> ev = Evidence("x", MappingProxyType({"staff": staff}), MappingProxyType({}), ())
    >>> auditor_labels(ev, pd.Series(["S-b", "S-a"]), pd.Series(["TM", "TM"]))
    {'S-a': 'Team Manager, North, auditor 1', 'S-b': 'Team Manager, North, auditor 2'}
    """
    staff = evidence.tables.get("staff")
    team = {} if staff is None else dict(zip(staff["staff_id"].astype(str), staff["team"].astype(str), strict=True))
    tier_of = dict(zip(auditors.astype(str), tiers.astype(str), strict=True))
    groups: dict[tuple[str, str], list[str]] = {}
    for auditor in sorted(tier_of):
        groups.setdefault((tier_of[auditor], team.get(auditor, "team not recorded")), []).append(auditor)
    return {a: f"{TIER_WORDS.get(tier, tier)}, {where}, {noun} {i}"
            for (tier, where), members in groups.items() for i, a in enumerate(members, start=1)}


def tier_label(tier: object) -> str:
    """A tier spelt out, its code after, as the explorers name it; an unknown tier as recorded.

    Examples
    --------
    >>> tier_label("TM"), tier_label("Lead")
    ('Team Manager (TM)', 'Lead')
    """
    return f"{TIER_WORDS[tier]} ({tier})" if tier in TIER_WORDS else str(tier)


def audit_grades(evidence: Evidence) -> pd.DataFrame:
    """One row per case-file audit (not a moderation), with its first and final grade.

    The basis of the GOSE report's audit programme: audits of the council's audit types of kind
    ``case file`` (its evidence map), each file once, its final grade that of the most senior
    moderation (:func:`review.analyses.final_answers.final_answers`, as the report reads it).

    Parameters
    ----------
    evidence : Evidence

    Returns
    -------
    pandas.DataFrame
        Columns ``cycle``, ``audit_id``, ``case_ref``, ``team``, ``case_type``, ``audit_type``
        (its words), ``selection``, ``auditor_tier`` (spelled out), ``auditor`` (tier, team and a
        number), ``first_grade`` and ``final_grade`` (in the scale's order), ``moderated``
        (``yes``/``no``), ``moderator_tier`` and ``met`` (1 when the final grade is Good or better,
        else 0; NaN when not applicable).

    Examples
    --------
    >>> from review.data import load_evidence
    >>> from review.config.paths import resolve
    >>> grades = audit_grades(load_evidence(resolve("data/demo")))
    >>> sorted(grades["moderated"].unique())
    ['no', 'yes']
    """
    audits = evidence.table("audits")
    audits = audits[audits["audit_type"].isin(_case_file_types(evidence))]
    files = final_answers(audits, [])
    grades = grade_order(evidence, files["grade_scale"]) if len(files) else []
    good = _good_or_better(evidence, files["grade_scale"], files["overall_grade"])
    auditors = auditor_labels(evidence, files["auditor_id"], files["auditor_tier"]) if len(files) else {}
    tiers = [tier_label(t) for t in TIER_WORDS]
    return pd.DataFrame({
        "cycle": files["cycle"].to_numpy(),
        "audit_id": files["audit_id"].to_numpy(),
        "case_ref": files["case_ref"].to_numpy(),
        "team": files["team"].to_numpy(),
        "case_type": files["case_type"].to_numpy(),
        "audit_type": files["audit_type"].map(evidence.map.label).to_numpy(),
        "selection": files["selection"].fillna("not recorded").to_numpy(),
        "auditor_tier": ordered(files["auditor_tier"].map(tier_label), tiers),
        "auditor": files["auditor_id"].astype(str).map(auditors).to_numpy(),
        "first_grade": ordered(files["first_grade"], grades),
        "final_grade": ordered(files["overall_grade"], grades),
        "moderated": np.where(files["moderated"].astype(bool), "yes", "no"),
        "moderator_tier": files["final_tier"].where(files["moderated"].astype(bool), "").map(
            lambda t: tier_label(t) if t else "").to_numpy(),
        "met": good,
    })


def random_frame(evidence: Evidence, rows: pd.DataFrame) -> int | None:
    """The finite population a group of case-file audits (rows of :func:`audit_grades`) is drawn
    from: the quarter's frame when the group is of one quarter and every file in it was selected at
    random, else None (plain Wilson).

    The project's one rule (:func:`review.analyses.mapped.sample_frame`), as the GOSE report applies
    it to its headline: every row of :func:`audit_grades` is a case-file audit, so the rule reads
    the files' selection and the quarter's frame. A frame smaller than the group (no frame, or one
    that cannot have held the files) gives None, as in the report.

    Examples
    --------
    >>> from types import MappingProxyType
    >>> types = pd.DataFrame({"audit_type": ["CF"], "kind": ["case file"], "label": ["Case files"]})
    >>> frame = pd.DataFrame({"cycle": ["2009-Q4"] * 40, "case_ref": range(40)})
    >>> ev = Evidence("x", MappingProxyType({"audit_types": types, "frame": frame}), MappingProxyType({}), ())
    >>> random = pd.DataFrame({"cycle": ["2009-Q4"] * 2, "selection": ["random"] * 2})
    >>> random_frame(ev, random), random_frame(ev, random.assign(selection=["random", "themed"]))
    (40, None)
    >>> random_frame(ev, random.assign(cycle=["2009-Q3", "2009-Q4"]))  # two quarters: no one frame
    """
    types = _case_file_types(evidence)
    cycles = set(rows["cycle"].astype(str))
    if len(cycles) != 1 or not types:
        return None
    population, _ = sample_frame(evidence, rows, types[0], cycles.pop())
    return population if population is not None and population >= len(rows) else None


def _good_or_better(evidence: Evidence, scales: pd.Series, grades: pd.Series) -> np.ndarray:
    out = np.full(len(grades), np.nan)
    for i, (scale_id, grade) in enumerate(zip(scales, grades, strict=True)):
        scale = evidence.scales.get(scale_id)
        if scale is None or pd.isna(grade) or grade in scale.not_applicable:
            continue
        out[i] = 1.0 if grade in scale.good_or_better else 0.0
    return out


def criterion_results(evidence: Evidence) -> pd.DataFrame:
    """One row per case-file audit and criterion that applies to it, with whether it was met.

    Each file once, with its final answers (a moderator's answer prevails, as in the report). A
    criterion is met when its answer is on its scale's Good-or-better (compliant) side; answers
    marked not applicable and blank answers are left out.

    Parameters
    ----------
    evidence : Evidence

    Returns
    -------
    pandas.DataFrame
        Columns ``cycle``, ``audit_id``, ``case_ref``, ``team``, ``case_type``, ``audit_type``,
        ``auditor_tier``, ``auditor``, ``criterion`` (its wording in the evidence's criteria
        table), ``jar_finding`` (the findings the evidence map tests with the criterion, with
        their words; ``not mapped to a finding`` when none), ``answer`` and ``met`` (1 or 0).
    """
    audits = evidence.table("audits")
    audits = audits[audits["audit_type"].isin(_case_file_types(evidence))]
    present = [c for c in evidence.criteria if c in audits.columns]
    files = final_answers(audits, present)
    auditors = auditor_labels(evidence, files["auditor_id"], files["auditor_tier"]) if len(files) else {}
    files = files.assign(auditor=files["auditor_id"].astype(str).map(auditors),
                         auditor_tier=files["auditor_tier"].map(tier_label),
                         audit_type=files["audit_type"].map(evidence.map.label))
    keep = ["cycle", "audit_id", "case_ref", "team", "case_type", "audit_type", "auditor_tier", "auditor"]
    long = files.melt(id_vars=keep, value_vars=present, var_name="criterion", value_name="answer")
    long = long[long["answer"].notna() & (long["answer"].astype(str) != "")]
    criteria = evidence.table("criteria").set_index("criterion")
    scale_of = criteria["scale_id"].to_dict()
    met = []
    for criterion, answer in zip(long["criterion"], long["answer"], strict=True):
        scale = evidence.scales[scale_of[criterion]]
        met.append(np.nan if answer in scale.not_applicable else float(answer in scale.good_or_better))
    long = long.assign(met=met).dropna(subset=["met"])
    findings = _findings_of(evidence)
    words = criteria["label"].astype(str).to_dict() if "label" in criteria else {}
    order = [words.get(c, c) for c in evidence.criteria]
    long["jar_finding"] = long["criterion"].map(findings).fillna(NO_FINDING)
    long["criterion"] = ordered(long["criterion"].map(lambda c: words.get(c, c)), order)
    finding_order = [_finding_label(i) for i in FRAMEWORK_ITEMS.get("jar_haringey", ())] + [NO_FINDING]
    long["jar_finding"] = ordered(long["jar_finding"], finding_order)
    return long.reset_index(drop=True)


NO_FINDING = "not mapped to a finding"


def criterion_lines(group: str, rows: pd.DataFrame) -> tuple[str, ...]:
    """The registry keys of the JAR page's lines that a criterion's answers are: one line per
    case-file audit type, "k of n audits where it applied" (:func:`review.analyses.mapped.mapped_lines`,
    keyed by :func:`review.protection.disclosure_log.line_key`).

    Examples
    --------
    >>> rows = pd.DataFrame({"audit_type": ["Case-file audits"] * 3, "met": [1.0, 1.0, 0.0]})
    >>> criterion_lines("The child was seen", rows)
    ('line/audit: Case-file audits: The child was seen/2 of 3',)
    """
    return tuple(line_key("audit", f"{audit_type}: {group}", int(part["met"].sum()), int(part["met"].count()))
                 for audit_type, part in rows.groupby("audit_type", observed=True, sort=True))


def _finding_label(item: object) -> str:
    return f"{item.item_id}: {item.text}"  # type: ignore[attr-defined]


def _findings_of(evidence: Evidence) -> dict[str, str]:
    """Each criterion's JAR findings as the evidence map declares them, in words (``"J07: ..."``)."""
    words = {i.item_id: _finding_label(i) for i in FRAMEWORK_ITEMS.get("jar_haringey", ())}
    found: dict[str, list[str]] = {}
    for (framework, item), entries in evidence.map.items.items():
        if framework != "jar_haringey":
            continue
        for e in entries:
            if e.source == "criterion" and e.judged and item not in found.setdefault(e.evidence, []):
                found[e.evidence].append(item)
    return {c: "; ".join(words.get(i, i) for i in sorted(items, key=natural_key)) for c, items in found.items()}


def _ratings(evidence: Evidence, framework: str) -> pd.DataFrame:
    table = evidence.table("self_assessments")
    part = table[table["framework"] == framework].copy()
    items = FRAMEWORK_ITEMS.get(framework, ())
    labels = {item.item_id: f"{item.item_id}: {item.text}" for item in items}
    groups = {item.item_id: item.group for item in items}
    part["item_label"] = ordered(part["item"].map(labels).fillna(part["item"]), list(labels.values()))
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
        ``build(evidence)`` giving columns ``cycle``, ``item`` (its id and words, in the source's
        order), ``group``, ``agency``, ``rating`` (in its scale's order).
    """

    def build(evidence: Evidence) -> pd.DataFrame:
        part = _ratings(evidence, framework)
        order = grade_order(evidence, part["grade_scale"]) if "grade_scale" in part else []
        return pd.DataFrame({"cycle": part["cycle"], "item": part["item_label"], "group": part["group"],
                             "agency": part["rater"], "rating": ordered(part["rating"], order)})

    return build


def governance_scores(evidence: Evidence) -> pd.DataFrame:
    """One row per area manager's 0-10 score of one governance item.

    Returns
    -------
    pandas.DataFrame
        Columns ``cycle``, ``item`` (id and words), ``axis`` (``roles`` or ``communication``),
        ``side`` (organisation/individual, directorate/team), ``manager`` and ``score``.
    """
    part = _ratings(evidence, "governance")
    side = part["item_label"].astype(str).str.rsplit(": the ", n=1).str[-1]
    managers = auditor_labels(evidence, part["rater"], part["rater_type"], noun="manager") if len(part) else {}
    return pd.DataFrame({
        "cycle": part["cycle"], "item": part["item_label"],
        "axis": part["group"], "side": side, "manager": part["rater"].astype(str).map(managers),
        "score": pd.to_numeric(part["rating"], errors="coerce"),
    }).dropna(subset=["score"]).reset_index(drop=True)


ACTION_UNIT = {"audit": "remedial actions"}
"""Sources whose actions count people: a remedial action is on one child's file (as the action plan's page)."""

def source_words(source: str) -> str:
    """An action's source as the action plan's page names it (:data:`review.views.actions.SOURCE_NAMES`,
    the one table of the register's other sources in words), a framework by its title; never the
    register's code.

    Examples
    --------
    >>> source_words("jar_haringey"), source_words("audit")
    ('JAR Haringey 2008 findings: stocktake', 'Remedial action on Inadequate files')
    >>> source_words("theme"), source_words("a council's own source")
    ('Practice themes audits keep finding a concern', "a council's own source")
    >>> source_words("inspection")
    'Actions on inspections of regulated services'
    """
    if source in SOURCE_NAMES:
        return SOURCE_NAMES[source]
    if source in FRAMEWORKS:
        return FRAMEWORKS[source].title
    return source


def action_register(evidence: Evidence) -> pd.DataFrame:
    """One row per action of the register, under the cycle it was raised in, with whether it is done.

    Returns
    -------
    pandas.DataFrame
        Columns ``cycle`` (raised), ``source`` (in words, :func:`source_words`, in the register's
        order of sources), ``item``, ``owner_role``, ``status``, ``due_date``,
        ``action``, ``unit`` (``remedial actions`` for remedial action on a child's file, else
        ``actions``) and ``met`` (1 when done, else 0). Empty when the data folder has no register.
    """
    columns = ["cycle", "source", "item", "owner_role", "status", "due_date", "action", "unit", "met"]
    if "actions" not in evidence.tables:
        return pd.DataFrame(columns=columns)
    register = evidence.table("actions")
    return pd.DataFrame({
        "cycle": register["cycle_raised"],
        "source": pd.Series(ordered(register["source"].map(source_words), [source_words(s) for s in ACTION_SOURCES]),
                            index=register.index),
        "item": register["item"].fillna(register.get("audit_id", pd.Series(dtype=object))).fillna(""),
        "owner_role": register["owner_role"].map(tier_label), "status": register["status"],
        "due_date": register["due_date"].map(str), "action": register["action"],
        "unit": register["source"].map(ACTION_UNIT).fillna("actions"),
        "met": register["status"].eq("done").astype(float),
    })[columns].reset_index(drop=True)


def options(table: pd.DataFrame, column: str) -> list[str]:
    """The values a picker offers for ``column``: ALL first, then the values present, sorted.

    Examples
    --------
    >>> options(pd.DataFrame({"team": ["B", "A", "B"]}), "team")
    ['(all)', 'A', 'B']
    >>> options(pd.DataFrame({"finding": ["11", "2", "4"]}), "finding")  # numbers in numeric order
    ['(all)', '2', '4', '11']
    """
    column_values = table[column]
    if isinstance(column_values.dtype, pd.CategoricalDtype):
        present = set(column_values.dropna().astype(str))
        return [ALL, *(str(c) for c in column_values.cat.categories if str(c) in present)]
    values = sorted({str(v) for v in column_values.dropna().unique()}, key=natural_key)
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
    grouped = rows.groupby(by, sort=True, observed=True)["met"]
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
    table = rows.groupby([by, "rating"], observed=True, sort=True).size().unstack(fill_value=0)
    table.columns = [str(c) for c in table.columns]
    table.columns.name = None
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
    grouped = rows.groupby(by, sort=True, observed=True)["score"]
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
    if view == TOTAL:
        return summarise_total(lens, rows)
    if view not in lens.views:
        raise ValueError(f"view must be one of {list(lens.views)}; got {view!r}")
    if view == "first against final grade":
        moderated = rows[rows["moderated"] == "yes"]
        table = moderated.groupby(["first_grade", "final_grade"], observed=True, sort=True).size().unstack(fill_value=0)
        table.columns = [str(c) for c in table.columns]
        table.columns.name = None
        return table.astype(int)
    return _measure_by(lens, rows, view.removeprefix("by "))


def _measure_by(lens: Lens, rows: pd.DataFrame, by: str) -> pd.DataFrame:
    """The lens's measure for each value of ``by``: a rate, the count of each rating, or a score summary."""
    if lens.measure == "rate":
        return _rate_frame(rows, by)
    if lens.measure == "rating":
        return rating_distribution(rows, by)
    return score_summary(rows, by)


def published_views(lens: Lens) -> list[str]:
    """The lens's views a published audience may see: none grouping by a person, no private view.

    Examples
    --------
    >>> published_views(LENSES["gose_performance"])
    ['by auditor_tier', 'by team', 'by case_type', 'by final_grade']
    """
    private = {f"by {d.column}" for d in lens.dimensions if d.internal_only} | set(lens.private_views)
    return [v for v in lens.views if v not in private]


TOTAL = ""
"""The view (and group) of a selection's total: one row, named ``""``."""


def summarise_total(lens: Lens, rows: pd.DataFrame) -> pd.DataFrame:
    """The whole selection as one group (named ``""``): its rate, score summary or count of each rating.

    Examples
    --------
    >>> t = pd.DataFrame({"team": ["A", "B", "B"], "met": [1.0, 0.0, 1.0]})
    >>> summarise_total(LENSES["jar_haringey"], t)[["met", "n"]].values.tolist()
    [[2.0, 3.0]]
    """
    return _measure_by(lens, rows.assign(_whole=TOTAL), "_whole")


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
    return _measure_by(lens, apply_selection(table, others), "cycle")


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
        ("case files", "final grade Good or better"),
        basis=("case-file audits (the audit types the evidence map declares of kind case file; supervision, "
               "independent chairs' and partner agencies' audits are not case-file audits), each file once, "
               "graded on its final grade (after moderation by a more senior tier)"),
        defaults={"selection": "random"},
        private_views=("first against final grade",),
        page_total=RANDOM_FINAL,
        page_parts={"by auditor_tier": tier_figures},
        population=random_frame,
    ),
    "jar_haringey": Lens(
        "jar_haringey", "Evidence on each finding from the case-file audits", criterion_results,
        (Dimension("jar_finding", "finding"), Dimension("criterion", "criterion"),
         Dimension("team", "team"), Dimension("case_type", "case type"),
         Dimension("auditor_tier", "tier")),
        "rate",
        ("by jar_finding", "by criterion", "by team", "by case_type"),
        ("answers", "met"),
        basis=("answers to each criterion on case-file audits, each file once with its final answers (a "
               "moderator's answer prevails); answers not applicable left out"),
        people="case_ref",
        people_words="case files",
        page_same={"by criterion": criterion_lines},
        nested={"by jar_finding": "by criterion"},
    ),
    "healthcare_commission": Lens(
        "healthcare_commission", "Health agencies' ratings by issue", agency_ratings("healthcare_commission"),
        (Dimension("item", "issue"), Dimension("agency", "agency")),
        "rating", ("by item", "by agency"), ("agencies' ratings", "rated"),
        basis="each health agency's own rating of each issue (self-assessment); agencies' ratings are not counts of people",
        unit="agency ratings",
    ),
    "lscb_checklist": Lens(
        "lscb_checklist", "Member agencies' ratings by checklist item", agency_ratings("lscb_checklist"),
        (Dimension("item", "item"), Dimension("agency", "agency")),
        "rating", ("by item", "by agency"), ("agencies' ratings", "rated"),
        basis="each member agency's own rating of each checklist item; agencies' ratings are not counts of people",
        unit="agency ratings",
    ),
    "governance": Lens(
        "governance", "Area managers' 0-10 scores by axis", governance_scores,
        (Dimension("axis", "axis"), Dimension("side", "side"), Dimension("item", "item"),
         Dimension("manager", "manager", internal_only=True)),
        "score", ("by axis", "by side", "by item", "by manager"), ("scores", "scored"),
        basis="each area manager's own 0-10 score of each item of the exercise",
        unit="ratings",
    ),
    "cycle_summary": Lens(
        "cycle_summary", "The action plan: actions raised, by source, owner's role and status", action_register,
        (Dimension("source", "source"), Dimension("owner_role", "owner's role"), Dimension("status", "status")),
        "rate", ("by source", "by owner_role", "by status"), ("actions", "done"),
        basis=("every action of the register, under the quarter it was raised in; remedial actions on "
               "children's files are counts of children's files"),
        unit="column",
        page_sums={("by source", source_words(CHILDREN_SOURCE)): REMEDIAL_FILES},
        crossed=(("by source", "by owner_role"),),
    ),
}
"""The explorer of each framework notebook (the cycle summary explores the action plan)."""
