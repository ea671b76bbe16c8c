"""The GOSE children's social care performance management framework: one result per cycle.

:func:`gose_result` computes, once, every figure, judgement, action and change the report shows,
for every item of the framework in the source's order and words
(:data:`review.config.framework_items.GOSE_PMF`). Views only format it.

What tests each item comes from the council's evidence map (:mod:`review.data.evidence_map`):
nothing here names a criterion, indicator, audit type or agency.

- **The audit programmes.** G03 is the council's audit types of kind ``case file``: the random
  sample's final grades (a moderator's re-audit prevails) against the frame it was drawn from; a
  quota less than 90% done makes it at most amber. G04 is its audit types of kind ``supervision``; G05 those of kinds ``cp
  conference`` and ``looked-after review``, each audit type apart. For G04 and G05 the criteria are
  those the map declares against the item, read from each file's final answers; the audit is the
  unit: an audit type's judged line is the **share of audits meeting every criterion that applied
  to them** (a Wilson proportion of audits); the share of applicable answers met is shown beside it
  with its interval clustered by audit (answers from one file are not independent), and each
  criterion's "met in k of n audits", its interval by the workbook's one finite-population rule
  (:func:`review.analyses.mapped.sample_frame`, as on every page). Every other entry the map gives an
  item (a grade, a record, an indicator) is judged as :func:`review.analyses.mapped.mapped_lines`
  builds it.
- **Every other item** is judged on what the map gives it alone
  (:func:`review.analyses.mapped.mapped_lines`): record measures (:mod:`review.analyses.records`:
  feedback, the staff survey, complaints answered in time, private fostering visits, actions on
  inspection findings, SCR action plans, allegations concluded in time, the vacancy rate, the
  year-to-date overspend, liaison concerns resolved), indicators against their own targets, audit
  grades. Never on a return arriving; the regulator's timetable is context. GOSE's own datasets
  give the figures shown beside each item (:mod:`review.analyses.gose_measures`), never its band;
  the indicator table's band is each indicator's as the map judges it (``not judged`` when the
  map judges it nowhere in the framework).
- **Returns.** A return due this cycle that is missing is a red line, a late one amber; a return on
  time sets no band. A return for an item the source makes conditional (``"if developed"``,
  :data:`review.config.framework_items.GOSE_CONDITIONS`) is shown and never judged.
- **Judgement.** One engine for every framework (:mod:`review.analyses.judgement`): an item takes
  the worst band of its judged lines (:func:`~review.analyses.judgement.triangulate`); with none it
  is grey ("no evidence"), never green, red or firm on absence alone.
- **Change.** A line's change since last cycle is improved or worse only when Newcombe's interval
  excludes zero (:func:`~review.analyses.judgement.classify_change`). An item whose band moved is
  "better" or "worse" only when one of its lines moved the same way beyond chance; otherwise
  "band changed (not tested)", and it is never listed among the changes beyond chance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd

from review.analyses._evidence import kept_for
from review.analyses.audit_learning import LearningSection, section_context
from review.analyses.context import Context
from review.analyses.gose_audits import (
    AuditProgramme,
    CriterionCounts,
    audit_programme,
    criterion_counts,
)
from review.analyses.gose_measures import (
    ALLEGATION_DAYS,
    Measure,
    Part,
    allegations,
    complaints,
    finance,
    fostering,
    indicators,
    inspections,
    liaison,
    numbers,
    staff_feedback,
    user_feedback,
    workforce,
)
from review.analyses.judgement import (
    BANDS,
    Change,
    EvidenceLine,
    ItemJudgement,
    Rates,
    rag_counts,
    triangulate,
)
from review.analyses.mapped import entry_lines, final_audits, mapped_lines, sample_frame
from review.analyses.records import RULES
from review.config.cycles import cycle_range, previous_cycle, quarter_name
from review.config.framework_items import GOSE_CONDITIONS, GOSE_PMF
from review.config.thresholds import Threshold, item_threshold
from review.data import Evidence
from review.data.evidence_map import MapEntry, split_list
from review.stats.clustered import (
    ClusteredProportionResult,
    clustered_proportion,
    share_meeting_all,
)
from review.stats.sample_draw import tier_coverage

__all__ = ["ALLEGATION_DAYS", "FRAMEWORK", "PROGRAMME_KINDS", "AuditGroup", "GoseResult", "ItemResult", "Measure",
           "MODERATED", "ReturnStatus", "gose_result", "item_change", "item_rates", "return_status"]

FRAMEWORK = "gose_performance"
PROGRAMME_KINDS: dict[str, tuple[str, ...]] = {"G04": ("supervision",), "G05": ("cp conference", "looked-after review")}
"""The audit kinds (:data:`review.data.schema.AUDIT_KINDS`) whose audits make up each audit-programme
item judged on criteria; G03's case-file programme is :data:`CASE_FILE_KIND`."""
CASE_FILE_KIND = "case file"
INDICATOR_RULE = ("each indicator is judged against its own target (the workbook's thresholds where it has none); "
                  "the item takes the worst")
QUOTA_LINE = 0.9
"""A case-file programme with fewer than 90% of its quota audits done is at best amber (meeting the
quota sets no band: it is not evidence of the files' quality)."""
NO_CHANGE = Change("no comparison", None)
MODERATED = "files moderated"
"""The unit of a measure "final grades: X of N files moderated" (files whose final answers are a moderator's)."""


@dataclass(frozen=True)
class ReturnStatus:
    """One return due: ``status`` is ``on time``, ``late`` or ``missing``."""

    item: str
    title: str
    due: dt.date
    delivered: dt.date | None
    status: str
    days_late: int
    presented_to: str | None


@dataclass(frozen=True)
class AuditGroup:
    """One audit type's audits for a programme item (G04, G05), each file counted once.

    Attributes
    ----------
    item, audit_type, label, kind : str
        The item; the council's audit type, in words, and its kind.
    criteria : tuple of CriterionCounts
        Each criterion the map declares against the item that applies to the type, on final answers.
    audits : int
        Files audited (first audits; a moderation re-audits a file and is not counted again).
    moderated : int
        Of those, files whose final answers are a moderator's.
    line : EvidenceLine or None
        Audits meeting every criterion that applied to them, of audits where one applied: the line
        the item is judged on (None: no audit had one).
    pooled : ClusteredProportionResult or None
        The share of applicable answers met, its interval with the audit as the cluster
        (:func:`review.stats.clustered.clustered_proportion`): answers from one file are not
        independent. Shown, not judged.
    """

    item: str
    audit_type: str
    label: str
    kind: str
    criteria: tuple[CriterionCounts, ...]
    audits: int
    moderated: int
    line: EvidenceLine | None
    pooled: ClusteredProportionResult | None = None


@dataclass(frozen=True)
class ItemResult:
    """One item of the framework, as the report shows it.

    Attributes
    ----------
    item, text : str
        Id and the source's words.
    frequency : tuple of str or None
        As the source gives it (None: the source states none).
    condition : str
        The source's condition on the item (``"if developed"``), or ``""``.
    returns : tuple of ReturnStatus
        Returns due this cycle.
    delivery : str
        ``on time``, ``late``, ``missing`` or ``none due`` (worst of ``returns``).
    last_delivered : ReturnStatus or None
        For an item with no return due this cycle: its latest return in the past year.
    measures : tuple of Measure
        Figures shown beside the item, never judged on their own.
    lines : tuple of EvidenceLine
        The evidence: judged lines, then context lines (``kind`` starting ``context``).
    judgement : ItemJudgement
        From :func:`~review.analyses.judgement.triangulate`: ``band`` is ``red``, ``amber``,
        ``green``, ``grey`` (no evidence) or ``self-assessed``.
    rule : str
        Any rule a line's band follows besides the workbook's thresholds on a rate.
    threshold : Threshold or None
        The lines the item's rates are judged against: its own declared in the ``thresholds_file``
        with their source, else the workbook's (:func:`review.config.thresholds.item_threshold`).
    previous : str or None
        Last cycle's band (None: not judged last cycle).
    change : str
        :func:`item_change`.
    """

    item: str
    text: str
    frequency: tuple[str, ...] | None
    condition: str
    returns: tuple[ReturnStatus, ...]
    delivery: str
    last_delivered: ReturnStatus | None
    measures: tuple[Measure, ...]
    lines: tuple[EvidenceLine, ...]
    judgement: ItemJudgement
    rule: str = ""
    threshold: Threshold | None = None
    previous: str | None = None
    change: str = "new"

    @property
    def band(self) -> str:
        """The item's band (``grey``: no evidence)."""
        return self.judgement.band

    @property
    def judged_lines(self) -> tuple[EvidenceLine, ...]:
        """The lines the judgement rests on (context lines left out)."""
        return tuple(ln for ln in self.lines if not (ln.context or ln.kind.startswith("context")))


@dataclass(frozen=True)
class GoseResult:
    """Everything the GOSE report shows for one cycle. Nothing is rounded.

    Attributes
    ----------
    cycle, previous_cycle, period : str
        The cycle, the one before, and the quarter as councils name it, with its months
        (:func:`review.config.cycles.quarter_name`: "Q3 2009/10 (October to December 2009)").
    confidence_level, green, red : float
        The level of every interval, and the workbook's thresholds (``rag_green``, ``rag_red``).
    items : tuple of ItemResult
        Every framework item in the source's order.
    rag : dict
        Items per band (:func:`~review.analyses.judgement.rag_counts`: ``red``, ``amber``,
        ``green``, ``grey``, ``self-assessed``).
    needs_action : tuple of str
        Ids of red items, then amber, in source order within each.
    actions : tuple of tuple
        ``(item, action)`` for each item needing action.
    changes : tuple of str
        Evidence lines whose change since last cycle is beyond chance (improved or worse).
    band_changes : tuple of tuple
        ``(item, previous band, band, change)`` for items whose band moved; ``change`` says whether
        a test backs it (:func:`item_change`).
    audits : AuditProgramme or None
        The case-file programme (G03).
    groups : tuple of AuditGroup
        The supervision (G04) and independent chairs' (G05) audits, one group per audit type.
    indicators : pandas.DataFrame
        :func:`review.stats.indicators.indicator_table` plus ``label`` and ``band`` (each indicator's
        band as the evidence map judges it in this framework; ``not judged`` where the map judges it
        nowhere here).
    charts : tuple of tuple
        ``(indicator, label, ControlChart, counts)``; ``counts`` holds each point's
        ``(numerator, denominator)`` for the disclosure policy.
    numbers, categories, workforce, finance, inspections : pandas.DataFrame
    learning : LearningSection or None
        What the audits tell us this quarter (:func:`review.analyses.audit_learning.section`).
    """

    cycle: str
    previous_cycle: str
    period: str
    confidence_level: float
    green: float
    red: float
    items: tuple[ItemResult, ...]
    rag: dict[str, int]
    needs_action: tuple[str, ...]
    actions: tuple[tuple[str, str], ...]
    changes: tuple[str, ...]
    band_changes: tuple[tuple[str, str | None, str, str], ...]
    audits: AuditProgramme | None
    groups: tuple[AuditGroup, ...]
    indicators: pd.DataFrame
    charts: tuple
    numbers: pd.DataFrame
    categories: pd.DataFrame
    workforce: pd.DataFrame
    finance: pd.DataFrame
    inspections: pd.DataFrame
    learning: LearningSection | None = None


def return_status(due: dt.date, delivered: dt.date | None) -> tuple[str, int]:
    """``("on time" | "late" | "missing", days late)``.

    Examples
    --------
    >>> return_status(dt.date(2009, 12, 15), dt.date(2009, 12, 24))
    ('late', 9)
    >>> return_status(dt.date(2009, 12, 15), None)
    ('missing', 0)
    """
    if delivered is None or pd.isna(delivered):
        return "missing", 0
    days = (delivered - due).days
    return ("on time", 0) if days <= 0 else ("late", days)


def item_change(band: str, previous: str | None, lines: tuple[EvidenceLine, ...]) -> str:
    """How an item's band moved since last cycle, and whether a test backs the move.

    ``new`` (not judged last cycle), ``same band``, ``better`` or ``worse`` (the band moved and one
    of the item's lines moved the same way beyond chance), else ``band changed (not tested)``.

    Examples
    --------
    >>> item_change("green", "red", ())
    'band changed (not tested)'
    >>> up = EvidenceLine("audit", "plans", 45, 50, "audits", None, Change("improved", None))
    >>> item_change("green", "red", (up,)), item_change("red", "green", (up,)), item_change("red", "red", (up,))
    ('better', 'band changed (not tested)', 'same band')
    """
    if previous is None:
        return "new"
    if previous == band:
        return "same band"
    order = {b: i for i, b in enumerate(BANDS)}  # worst first
    if band in order and previous in order:
        direction = "improved" if order[band] > order[previous] else "worse"
        if any(ln.change.label == direction for ln in lines):
            return "better" if direction == "improved" else "worse"
    return "band changed (not tested)"


# --- the audit programmes -------------------------------------------------------------------------

def _criterion_types(ev: Evidence, entry: MapEntry) -> tuple[str, ...]:
    """The audit types a criterion entry reads: its own audit type, else every type the criterion applies to."""
    if entry.audit_type:
        return (entry.audit_type,)
    criteria = ev.table("criteria")
    found = criteria.loc[criteria["criterion"] == entry.evidence, "audit_types"]
    return split_list(found.iloc[0]) if len(found) else ()


def _criteria_met(files: pd.DataFrame, ev: Evidence, names: list[str]) -> tuple[list[int], list[int]]:
    """Per audited file: criteria met and criteria that applied (blank and not applicable left out)."""
    criteria = ev.tables["criteria"].set_index("criterion")
    met = pd.Series(0, index=files.index)
    applied = pd.Series(0, index=files.index)
    for name in names:
        if name not in files.columns:
            continue
        scale = ev.scales[str(criteria.loc[name, "scale_id"])]
        answer = files[name]
        applies = answer.notna() & ~answer.isin(scale.not_applicable)
        applied += applies.astype(int)
        met += (applies & answer.isin(scale.good_or_better)).astype(int)
    return met.astype(int).tolist(), applied.astype(int).tolist()


def _audit_unit(files: pd.DataFrame, ev: Evidence, names: list[str],
                level: float) -> tuple[tuple[int, int], ClusteredProportionResult | None]:
    """Audits meeting every criterion that applied to them (of audits where one applied), and the
    share of applicable answers met with the audit as the cluster (None: no audit had one)."""
    met, applied = _criteria_met(files, ev, names)
    if not any(applied):
        return (0, 0), None
    share = share_meeting_all(met, applied, method="wilson", confidence_level=level)
    return (share.k, share.n), clustered_proportion(met, applied, confidence_level=level)


def _groups(ev: Evidence, item: str, rates: Rates, cycle: str, previous: str,
            now_files: pd.DataFrame, before_files: pd.DataFrame) -> tuple[list[AuditGroup], list[EvidenceLine]]:
    """An audit-programme item's groups (one per audit type of its kinds) and its other mapped lines."""
    emap = ev.map
    types = emap.types_of_kind(*PROGRAMME_KINDS[item])
    names: dict[str, list[str]] = {t: [] for t in types}
    other: list[EvidenceLine] = []
    for entry in emap.entries(FRAMEWORK, item):
        if entry.source != "criterion" or not entry.judged:  # judged as mapped, or shown as context
            other += entry_lines(ev, entry, rates=rates, cycle=cycle, previous=previous)
            continue
        for audit_type in _criterion_types(ev, entry):
            if audit_type in names:
                if entry.evidence not in names[audit_type]:
                    names[audit_type].append(entry.evidence)
            else:  # the criterion on an audit type of another kind: judged as the map builds it
                other += entry_lines(ev, replace(entry, audit_type=audit_type), rates=rates, cycle=cycle,
                                     previous=previous)
    criteria = ev.table("criteria")
    groups = []
    for audit_type in types:
        files = now_files[now_files["audit_type"] == audit_type]
        before = before_files[before_files["audit_type"] == audit_type]
        chosen = names[audit_type]
        label = emap.label(audit_type)
        line = None
        now, pooled = _audit_unit(files, ev, chosen, rates.level)
        if now[1]:
            then = _audit_unit(before, ev, chosen, rates.level)[0]
            line = rates.line("audit", f"{label}: audits meeting every criterion that applied to them", now,
                              then if then[1] else None, "audits")
        groups.append(AuditGroup(item, audit_type, label, emap.kind(audit_type) or "",
                                 criterion_counts(files, criteria, ev.scales, chosen, confidence_level=rates.level,
                                                  population=_population(ev, audit_type, cycle)),
                                 len(files), int(files["moderated"].sum()) if len(files) else 0, line, pooled))
    return groups, other


def _population(ev: Evidence, audit_type: str, cycle: str) -> Callable[[pd.DataFrame], int | None]:
    """The finite population of an audit type's files where a criterion applied: the workbook's one
    rule (:func:`review.analyses.mapped.sample_frame`), so GOSE's criterion tables give the interval
    every other page gives."""
    return lambda files: sample_frame(ev, files, audit_type, cycle)[0]


def _programme(ev: Evidence, cycle: str, level: float) -> AuditProgramme | None:
    """The case-file programme (G03) over the council's audit types of kind ``case file``."""
    types = ev.map.types_of_kind(CASE_FILE_KIND)
    audits = ev.table("audits")
    mine = audits[(audits["cycle"] == cycle) & audits["audit_type"].isin(types)]
    if mine.empty:
        return None
    criteria = ev.table("criteria")
    names = [c for c, applies in zip(criteria["criterion"], criteria["audit_types"], strict=True)
             if set(split_list(applies)) & set(types)]
    cov = tier_coverage(audits, staff=ev.table("staff"), programme=ev.table("programme"), cycle=cycle)
    frame = ev.table("frame")
    scale = ev.scales[str(mine["grade_scale"].iloc[0])]
    return audit_programme(mine, cov[cov["audit_type"].isin(types)], frame_size=int((frame["cycle"] == cycle).sum()),
                           scale=scale, criteria=criteria, scales=ev.scales, criterion_names=names,
                           confidence_level=level, population=_population(ev, types[0], cycle))


def _case_file_part(ev: Evidence, prog: AuditProgramme | None, before: AuditProgramme | None, rates: Rates,
                    cycle: str, previous: str) -> Part:
    """G03: the random sample's final grades against the frame, the quota done, and any other mapped line."""
    lines: list[EvidenceLine] = []
    types = set(ev.map.types_of_kind(CASE_FILE_KIND))
    for entry in ev.map.entries(FRAMEWORK, "G03"):
        if not (entry.source == "grade" and entry.evidence in types):  # the programme's own grades are below
            lines += entry_lines(ev, entry, rates=rates, cycle=cycle, previous=previous)
    if prog is None:
        return Part((), tuple(lines))
    measures: tuple[Measure, ...] = ()
    est = prog.random_final
    if est is not None:
        then = before.random_final if before is not None else None
        lines.insert(0, rates.line("audit", "randomly sampled case files Good or better (final grades)",
                                   (est.k, est.n), (then.k, then.n) if then is not None else None, "audits",
                                   population=prog.frame_size or None))
    planned, done = sum(t.planned for t in prog.tiers), sum(min(t.done, t.planned) for t in prog.tiers)
    if planned:  # falling short lowers the item to amber; meeting the quota says nothing of quality
        short = done < QUOTA_LINE * planned
        lines.insert(1 if est is not None else 0, EvidenceLine(
            "audit programme" if short else "context: audit programme", "quota audits done", 0, 0, "rule", None,
            NO_CHANGE, f"{'fewer than' if short else 'at least'} {QUOTA_LINE:.0%} of the quota done",
            "amber" if short else ""))
        measures = (Measure("Quota audits done", done, planned, unit="audits"),)
    files = final_audits(ev, cycle)
    files = files[files["audit_type"].isin(types)]
    measures += (Measure("Case-file audits: final grades", int(files["moderated"].sum()), len(files),
                         unit=MODERATED),)
    return Part(measures, tuple(lines), f"case-file quota: fewer than {QUOTA_LINE:.0%} done is amber")


# --- returns --------------------------------------------------------------------------------------

def _returns(ev: Evidence, cycle: str) -> dict[str, tuple[ReturnStatus, ...]]:
    t = ev.table("gose_returns")
    out: dict[str, list[ReturnStatus]] = {}
    for r in t[t["cycle"] == cycle].sort_values(["due_date", "return_title"]).itertuples():
        status, late = return_status(r.due_date, r.delivered_date)
        out.setdefault(r.item, []).append(ReturnStatus(r.item, r.return_title, r.due_date, r.delivered_date, status,
                                                       late, r.presented_to))
    return {k: tuple(v) for k, v in out.items()}


def _return_lines(returns: tuple[ReturnStatus, ...], last: ReturnStatus | None, condition: str) -> list[EvidenceLine]:
    """A missing return is a red line, a late one amber; one on time sets no band. A conditional
    item's returns are context (optional: never red or amber)."""
    lines = []
    for r in returns:
        note = "not delivered" if r.status == "missing" else (
            f"{r.days_late} day{'s' if r.days_late != 1 else ''} late" if r.status == "late" else "on time")
        band = {"missing": "red", "late": "amber"}.get(r.status, "")
        if condition or not band:
            lines.append(EvidenceLine("context: return", f"{r.title}, due {r.due}" + (
                f" (optional: the source says '{condition}')" if condition else ""), 0, 0, "returns", None, NO_CHANGE,
                note))
        else:
            lines.append(EvidenceLine("return", f"{r.title}, due {r.due}", 0, 0, "returns", None, NO_CHANGE, note, band))
    if not returns and last is not None and last.status == "missing" and not condition:
        lines.append(EvidenceLine("return", f"{last.title}, due {last.due}", 0, 0, "returns", None, NO_CHANGE,
                                  "still not delivered", "red"))
    return lines


# --- the items ------------------------------------------------------------------------------------

def item_rates(ctx: Context) -> dict[str, tuple[Threshold, Rates]]:
    """Each item's threshold and the rates judged against it: the item's own lines from the
    ``thresholds_file`` where it declares them, else the workbook's (``rag_green``, ``rag_red``),
    as every other framework reads them (:func:`review.config.thresholds.item_threshold`)."""
    p = ctx.params
    declared = getattr(p, "thresholds", {})  # a notebook's parameters always have it; a bare namespace: none
    out = {}
    for item, _, _ in GOSE_PMF:
        threshold = item_threshold(declared, FRAMEWORK, item, green=p.rag_green, red=p.rag_red)
        out[item] = (threshold, Rates(confidence_level=p.confidence_level, green=threshold.green, red=threshold.red))
    return out


_ITEMS: dict[tuple[object, ...], tuple[Evidence, tuple[tuple[ItemResult, ...], dict]]] = {}
_ITEMS_KEPT = 16


def _items(ctx: Context, cycle: str, previous: str) -> tuple[tuple[ItemResult, ...], dict]:
    """Every item of ``cycle`` judged against ``previous``, worked out once per evidence object.

    A report's result judges its cycle and the one before it (for each band's change), and its
    trend and action plan judge each earlier quarter the same way, so each quarter would otherwise
    be worked out twice. The answer depends only on the evidence and these inputs: kept as
    :func:`review.analyses._evidence.kept_for` keeps it (the entry holds the evidence object, so its
    identity cannot be reused while the entry lives). The caller reads it, never changes it."""
    p = ctx.params
    key = (id(ctx.evidence), cycle, previous, p.confidence_level, p.rag_green, p.rag_red,
           tuple(getattr(p, "thresholds", {}).items()))
    return kept_for(_ITEMS, _ITEMS_KEPT, key, ctx.evidence, lambda: _items_of(ctx, cycle, previous))


def _items_of(ctx: Context, cycle: str, previous: str) -> tuple[tuple[ItemResult, ...], dict]:
    ev, level = ctx.evidence, ctx.params.confidence_level
    lines_for = item_rates(ctx)
    now_files, before_files = final_audits(ev, cycle), final_audits(ev, previous)
    prog, before_prog = _programme(ev, cycle, level), _programme(ev, previous, level)
    groups: list[AuditGroup] = []
    parts: dict[str, Part] = {}
    for item in PROGRAMME_KINDS:
        mine, other = _groups(ev, item, lines_for[item][1], cycle, previous, now_files, before_files)
        groups += mine
        measures = tuple(Measure(f"{g.label}: final grades", g.moderated, g.audits, unit=MODERATED)
                         for g in mine if g.audits)
        parts[item] = Part(measures, tuple(g.line for g in mine if g.line is not None) + tuple(other))
    parts["G04"] = _supervision_files(ev, parts["G04"], groups, now_files, cycle)
    inspected, insp = inspections(ev, cycle)
    staff, wf = workforce(ev, cycle)
    money, fin = finance(ev, cycle)
    ni_table, charts, ni = indicators(ev, cycle, level)
    if not ni_table.empty:
        bands = _indicator_bands(ev, lines_for, cycle, previous)
        ni_table = ni_table.assign(band=[bands.get(i, "not judged") for i in ni_table["indicator"]])
    parts |= {
        "G01": user_feedback(ev, cycle, level), "G02": staff_feedback(ev, cycle, level),
        "G03": _case_file_part(ev, prog, before_prog, lines_for["G03"][1], cycle, previous),
        "G06": complaints(ev, cycle), "G07": fostering(ev, cycle), "G08": insp, "G10": allegations(ev, cycle),
        "G11": wf, "G12": fin, "G13": ni, "G15": liaison(ev, cycle),
    }
    due = _returns(ev, cycle)
    year_back = cycle_range(previous_cycle(cycle, 3), previous_cycle(cycle))
    items = []
    for item, text, freq in GOSE_PMF:
        part = parts.get(item, Part())
        lines = list(part.lines)
        threshold, rates = lines_for[item]
        if item not in PROGRAMME_KINDS and item != "G03":  # the programmes read the map above
            lines += mapped_lines(ev, FRAMEWORK, item, rates=rates, cycle=cycle, previous=previous)
        returns = due.get(item, ())
        statuses = {r.status for r in returns}
        delivery = ("missing" if "missing" in statuses else "late" if "late" in statuses else
                    "on time" if returns else "none due")
        last = None
        if not returns:
            past = [r for c in year_back for r in _returns(ev, c).get(item, ())]
            last = past[-1] if past else None
        condition = GOSE_CONDITIONS.get(item, "")
        lines += _return_lines(returns, last, condition)
        lines = [ln for ln in lines if not (ln.context or ln.kind.startswith("context"))] + [
            ln for ln in lines if ln.context or ln.kind.startswith("context")]
        judged = [ln for ln in lines if not ln.kind.startswith("context")]
        items.append(ItemResult(item, text, freq, condition, returns, delivery, last, part.measures, tuple(lines),
                                triangulate(judged), _rule(ev, item, part.rule), threshold))
    extra = {"audits": prog, "groups": tuple(groups), "indicators": ni_table, "charts": charts, "workforce": staff,
             "finance": money, "inspections": inspected}
    return tuple(items), extra


def _indicator_bands(ev: Evidence, lines_for: dict[str, tuple[Threshold, Rates]], cycle: str,
                     previous: str) -> dict[str, str]:
    """Each indicator's band as the map judges it in this framework, by indicator (against its own
    target; without one, against the lines of the first item the map judges it on)."""
    bands: dict[str, str] = {}
    for (framework, item), entries in ev.map.items.items():
        for entry in entries:
            if framework == FRAMEWORK and entry.source == "indicator" and entry.judged and entry.evidence not in bands:
                found = entry_lines(ev, entry, rates=lines_for[item][1], cycle=cycle, previous=previous)
                if found:
                    bands[entry.evidence] = found[0].band
    return bands


def _rule(ev: Evidence, item: str, own: str) -> str:
    """The rules an item's bands follow besides the thresholds on a rate: its own (the case-file
    quota), a record measure's declared rule (:data:`review.analyses.records.RULES`), indicators'
    targets."""
    entries = ev.map.entries(FRAMEWORK, item, judged_only=True)
    rules = [own] if own else []
    rules += [RULES[e.evidence] for e in entries if e.source == "record" and e.evidence in RULES]
    rules += [INDICATOR_RULE] if any(e.source == "indicator" for e in entries) else []
    return "; ".join(dict.fromkeys(rules))


def _supervision_files(ev: Evidence, part: Part, groups: list[AuditGroup], files: pd.DataFrame, cycle: str) -> Part:
    """Add the supervision files audited: a supervision audit is keyed, through its case, to the
    supervision file of the case's allocated worker in the frame (each file audited once counted once)."""
    frame = ev.table("frame")
    frame = frame[frame["cycle"] == cycle]
    types = [g.audit_type for g in groups if g.item == "G04"]
    audited = files[files["audit_type"].isin(types)]
    if audited.empty or "allocated_worker" not in frame:
        return part
    worker = dict(zip(frame["case_ref"], frame["allocated_worker"], strict=True))
    workers = {worker[c] for c in audited["case_ref"] if c in worker}
    extra = Measure("Supervision files audited (allocated workers' files)", len(workers), unit="files")
    return Part((*part.measures, extra), part.lines, part.rule)


_ACTIONS = {
    "missing": "Chase the missing return and agree a date with its owner",
    "late": "Agree with the owner how the return will come on time next cycle",
}


def _action(item: ItemResult) -> str:
    deciding = [ln for ln in item.judged_lines if ln.band == item.band]
    if deciding and all(ln.kind == "return" for ln in deciding):
        return _ACTIONS[item.delivery if item.delivery in _ACTIONS else "missing"]
    named = "; ".join(dict.fromkeys(ln.source for ln in deciding if ln.kind != "return"))
    return f"Review the evidence with the owner: {named}" if named else "Review the evidence with the owner"


def gose_result(ctx: Context, *, learning: bool = True) -> GoseResult:
    """Compute the GOSE framework's result for the context's cycle, with last cycle's bands for change.

    ``learning=False`` leaves out what the audits tell us (the report's section, not its judgements),
    for a caller that only reads the bands (the action drafts)."""
    items, parts = _items(ctx, ctx.cycle, ctx.previous)
    known = set(ctx.evidence.table("audits")["cycle"]) | set(ctx.evidence.table("gose_returns")["cycle"])
    before = _items(ctx, ctx.previous, previous_cycle(ctx.previous))[0] if ctx.previous in known else ()
    prev = {i.item: i.band for i in before}
    ranked = tuple(replace(i, previous=prev.get(i.item), change=item_change(i.band, prev.get(i.item), i.judged_lines))
                   for i in items)
    rag = rag_counts([i.band for i in ranked])
    needs = tuple(i.item for i in ranked if i.band == "red") + tuple(i.item for i in ranked if i.band == "amber")
    by_id = {i.item: i for i in ranked}
    counts, categories = numbers(ctx.evidence, ctx.cycle)
    changes = tuple(ln.change_sentence(i.item) for i in ranked for ln in i.judged_lines
                    if ln.change.label in ("improved", "worse"))
    return GoseResult(
        cycle=ctx.cycle, previous_cycle=ctx.previous, period=quarter_name(ctx.cycle),
        confidence_level=ctx.params.confidence_level, green=ctx.params.rag_green, red=ctx.params.rag_red,
        items=ranked, rag=rag, needs_action=needs, actions=tuple((k, _action(by_id[k])) for k in needs),
        changes=changes,
        band_changes=tuple((i.item, i.previous, i.band, i.change) for i in ranked
                           if i.change not in ("same band", "new")),
        audits=parts["audits"], groups=parts["groups"], indicators=parts["indicators"], charts=parts["charts"],
        numbers=counts, categories=categories, workforce=parts["workforce"], finance=parts["finance"],
        inspections=parts["inspections"],
        learning=section_context(ctx) if learning else None)

