"""Evidence lines for an item, from the council's evidence map.

Every framework analysis asks :func:`mapped_lines` for an item's evidence; nothing here names a
criterion, indicator, audit type or agency. Each entry of the map becomes one or more lines:

- ``criterion``: the criterion's final answers (a moderator's re-audit prevails) in each audit type
  it applies to, as "met in k of n audits where it applied"; a multi-agency audit type gives one
  line per partner agency;
- ``grade``: the share of an audit type's files whose final grade is Good or better;
- ``indicator``: the indicator against its own target (:func:`indicator_thresholds`);
- ``record``: one of the workbook's record measures (:mod:`review.analyses.records`);
- ``theme``: a theme of the audit learning, as "a strength on k of the n audited files on which
  auditors recorded it" (:func:`review.analyses.audit_learning.theme_balance`), against last cycle.

An entry whose role is ``context`` gives lines that are shown, never judged.

**One rule for the finite population correction** (:func:`sample_frame`), the same on every page: an
interval takes it only for files drawn at random from the cycle's frame of open cases, that is
case-file audits (an audit type of kind ``case file``) every one of whose counted files was selected
at random; any other line (themed or targeted files among them, supervision, conference, review or
partner agencies' audits, which are not drawn from the frame) has the plain Wilson interval. The
frame still caps the audits a case-file line would need, since more audits would come from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pandas as pd

from review.analyses._evidence import agency_of, kept_for, read_only
from review.analyses.audit_learning import theme_balance
from review.analyses.final_answers import final_answers
from review.analyses.judgement import EvidenceLine, Rates
from review.analyses.records import record_lines
from review.data import Evidence
from review.data.evidence_map import MapEntry, split_list
from review.stats.indicators import definitions_from

__all__ = ["entry_lines", "final_audits", "indicator_thresholds", "mapped_lines", "moderated_share", "sample_frame"]


_FINAL: dict[tuple[int, str], tuple[Evidence, pd.DataFrame]] = {}
_FINAL_KEPT = 64


def final_audits(evidence: Evidence, cycle: str) -> pd.DataFrame:
    """The cycle's audited files with their final answers (:func:`~review.analyses.final_answers.final_answers`).

    Every evidence line of every item reads them, for this quarter and the last, and a page's trend
    and action plan judge several quarters: they are worked out once per evidence object and quarter
    (the entry holds the object, so its identity cannot be reused while the entry lives; the last
    :data:`_FINAL_KEPT` are kept) and each caller gets its own copy, which it can change without
    changing another's (a copy, not a view: pandas 2, which Python 3.10 gets, shares a view's data).
    """
    def work_out() -> pd.DataFrame:
        audits = read_only(evidence, "audits")
        return final_answers(audits[audits["cycle"] == cycle], evidence.criteria)

    return kept_for(_FINAL, _FINAL_KEPT, (id(evidence), cycle), evidence, work_out).copy()


def moderated_share(evidence: Evidence, cycle: str, audit_types: tuple[str, ...]) -> tuple[int, int]:
    """Files of the given audit types that were moderated, and files audited, this cycle."""
    files = final_audits(evidence, cycle)
    files = files[files["audit_type"].isin(audit_types)]
    return int(files["moderated"].sum()), len(files)


_CRITERIA: dict[int, tuple[Evidence, dict[str, dict[str, Any]]]] = {}
_CRITERIA_KEPT = 16


def _criteria(evidence: Evidence) -> dict[str, dict[str, Any]]:
    """Each criterion's row of the criteria table (its first, as the table is read), read once per
    evidence object: every audit line of every item looks its criterion up."""
    def work_out() -> dict[str, dict[str, Any]]:
        rows: dict[str, dict[str, Any]] = {}
        for row in evidence.tables["criteria"].to_dict("records"):
            rows.setdefault(row["criterion"], row)
        return rows

    return kept_for(_CRITERIA, _CRITERIA_KEPT, id(evidence), evidence, work_out)


def _answered(files: pd.DataFrame, evidence: Evidence, criterion: str) -> pd.DataFrame:
    """The files where the criterion applied (not-applicable and blank left out)."""
    row = _criteria(evidence).get(criterion)
    if criterion not in files or row is None:
        return files.iloc[0:0]
    scale = evidence.scales[str(row["scale_id"])]
    answers = files[criterion]
    return files[answers.notna() & ~answers.isin(scale.not_applicable)]


def _answers(files: pd.DataFrame, evidence: Evidence, criterion: str) -> tuple[int, int]:
    """Audits meeting the criterion, and audits where it applied (not-applicable and blank left out)."""
    answered = _answered(files, evidence, criterion)
    if answered.empty:
        return 0, 0
    scale = evidence.scales[str(_criteria(evidence)[criterion]["scale_id"])]
    return int(answered[criterion].isin(scale.good_or_better).sum()), len(answered)


def _graded(files: pd.DataFrame, evidence: Evidence) -> pd.DataFrame:
    """The files with a final grade (not-applicable left out)."""
    keep = pd.Series(False, index=files.index)
    for scale_id, group in files.groupby("grade_scale"):
        scale = evidence.scales[str(scale_id)]
        keep[group.index] = ~group["overall_grade"].isin(scale.not_applicable)
    return files[keep]


def _grades(files: pd.DataFrame, evidence: Evidence) -> tuple[int, int]:
    """Files whose final grade is Good or better, and files graded (not-applicable left out)."""
    k = n = 0
    for scale_id, group in files.groupby("grade_scale"):
        scale = evidence.scales[str(scale_id)]
        graded = group["overall_grade"][~group["overall_grade"].isin(scale.not_applicable)]
        k += int(graded.isin(scale.good_or_better).sum())
        n += int(graded.size)
    return k, n


def sample_frame(evidence: Evidence, files: pd.DataFrame, audit_type: str, cycle: str) -> tuple[int | None, int | None]:
    """The finite population an audit line's interval is corrected for, and the frame that caps its
    audits needed: the module's one rule.

    Parameters
    ----------
    evidence : Evidence
    files : pandas.DataFrame
        The files the line counts (first audits with their final answers; ``selection`` read).
    audit_type : str
        The council's audit type of those files.
    cycle : str

    Returns
    -------
    population : int or None
        The cycle's frame, when the audit type is of kind ``case file`` and every file counted was
        selected at random; else None (plain Wilson).
    frame : int or None
        The cycle's frame for any case-file line (the cap on audits needed); else None.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import MappingProxyType
    >>> from review.data.load import Evidence
    >>> types = pd.DataFrame({"audit_type": ["CF", "SUP"], "kind": ["case file", "supervision"], "label": ["c", "s"]})
    >>> frame = pd.DataFrame({"cycle": ["2009-Q4"] * 40, "case_ref": range(40)})
    >>> ev = Evidence("x", MappingProxyType({"audit_types": types, "frame": frame}), {}, ())
    >>> random = pd.DataFrame({"selection": ["random", "random"]})
    >>> mixed = pd.DataFrame({"selection": ["random", "themed"]})
    >>> sample_frame(ev, random, "CF", "2009-Q4"), sample_frame(ev, mixed, "CF", "2009-Q4")
    ((40, 40), (None, 40))
    >>> sample_frame(ev, random, "SUP", "2009-Q4")
    (None, None)
    """
    if evidence.map.kind(audit_type) != "case file":
        return None, None
    size = _frame_size(evidence, cycle)
    if size is None:
        return None, None
    drawn = "selection" in files.columns and bool(len(files)) and bool((files["selection"] == "random").all())
    return (size if drawn else None), size


def _by_agency(files: pd.DataFrame, evidence: Evidence, agencies: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """A multi-agency audit type's files per partner agency (only ``agencies`` when given), sorted by name."""
    agency = agency_of(evidence)
    named = files.assign(_agency=files["auditor_id"].map(lambda a: agency.get(a, "partner agency")))
    if agencies:
        named = named[named["_agency"].isin(agencies)]
    return {name: group for name, group in sorted(named.groupby("_agency"), key=lambda kv: str(kv[0]))}


def _audit_lines(evidence: Evidence, entry: MapEntry, rates: Rates, cycle: str, previous: str) -> list[EvidenceLine]:
    emap = evidence.map
    if entry.source == "criterion":
        criterion = _criteria(evidence)[entry.evidence]
        label = str(criterion["label"])
        types = (entry.audit_type,) if entry.audit_type else tuple(
            t for t in split_list(criterion["audit_types"]) if t in emap.audit_types)

        def measure(files: pd.DataFrame) -> tuple[int, int]:
            return _answers(files, evidence, entry.evidence)

        def counted(files: pd.DataFrame) -> pd.DataFrame:
            return _answered(files, evidence, entry.evidence)
    else:
        label, types = "files graded Good or better (final grades)", (entry.evidence,)

        def measure(files: pd.DataFrame) -> tuple[int, int]:
            return _grades(files, evidence)

        def counted(files: pd.DataFrame) -> pd.DataFrame:
            return _graded(files, evidence)
    now_all, before_all = final_audits(evidence, cycle), final_audits(evidence, previous)
    lines = []
    for audit_type in types:
        now, before = now_all[now_all["audit_type"] == audit_type], before_all[before_all["audit_type"] == audit_type]
        if emap.kind(audit_type) == "multi-agency":
            earlier = _by_agency(before, evidence, entry.agencies)
            for name, mine in _by_agency(now, evidence, entry.agencies).items():
                counts = measure(mine)
                if counts[1]:
                    lines.append(rates.line("multi-agency audit", f"{name}: {label}", counts,
                                            measure(earlier[name]) if name in earlier else None, "audits"))
            continue
        counts = measure(now)
        if counts[1]:
            population, frame = sample_frame(evidence, counted(now), audit_type, cycle)
            lines.append(rates.line("audit", f"{emap.label(audit_type)}: {label}", counts, measure(before), "audits",
                                    population=population, frame=frame))
    return lines


def _frame_size(evidence: Evidence, cycle: str) -> int | None:
    """Files open at the cycle's start (the frame), when the folder has one."""
    if "frame" not in evidence.tables:
        return None
    frame = evidence.tables["frame"]
    size = int((frame["cycle"] == cycle).sum())
    return size or None


def indicator_thresholds(target: float | None, *, higher_is_better: bool, green: float, red: float) -> tuple[float, float]:
    """Green and red lines for an indicator: its own target, and the workbook's amber width beyond it.

    Without a target the item's thresholds apply. For a lower-is-better indicator the lines are on
    the share that does *not* meet it (judged as 1 - rate).

    >>> indicator_thresholds(0.98, higher_is_better=True, green=0.8, red=0.65)
    (0.98, 0.83)
    >>> indicator_thresholds(None, higher_is_better=True, green=0.8, red=0.65)
    (0.8, 0.65)
    >>> [round(x, 2) for x in indicator_thresholds(0.11, higher_is_better=False, green=0.8, red=0.65)]
    [0.89, 0.74]
    """
    if target is None or pd.isna(target):
        return green, red
    line = float(target) if higher_is_better else 1.0 - float(target)
    return line, max(line - (green - red), 0.0)


def _indicator_lines(evidence: Evidence, entry: MapEntry, rates: Rates, cycle: str, previous: str) -> list[EvidenceLine]:
    ni = evidence.tables["indicators"]
    now = ni[(ni["cycle"] == cycle) & (ni["indicator"] == entry.evidence)]
    if now.empty:
        return []
    before = ni[(ni["cycle"] == previous) & (ni["indicator"] == entry.evidence)]
    row = now.iloc[0]
    # every row has a definition: `review validate` refuses an indicator neither national nor declared
    definition = definitions_from(evidence.table("indicator_definitions"))[(entry.evidence, str(row["definition_version"]))]
    higher = definition.higher_is_better
    green, red = indicator_thresholds(row["target"], higher_is_better=higher, green=rates.green, red=rates.red)
    k, n = int(row["numerator"]), int(row["denominator"])
    prev = (int(before["numerator"].iloc[0]), int(before["denominator"].iloc[0])) if len(before) else None
    if not higher:  # lower is better: judged on the complement, the share the indicator does not count
        k, prev = n - k, (prev[1] - prev[0], prev[1]) if prev else None
    title = definition.title
    has_target = row["target"] is not None and not pd.isna(row["target"])
    if higher:
        words = f"; target {100 * float(row['target']):.0f}%" if has_target else ""
    else:
        words = "; lower is better, so the level shown is the share it does not count" + (
            f" (target {100 * float(row['target']):.0f}% or lower: {100 * green:.0f}% or more not counted)"
            if has_target else "")
    source = f"{entry.evidence} ({title}{words})"
    return [Rates(confidence_level=rates.level, green=green, red=red).line("indicator", source, (k, n), prev, "children")]


def _theme_lines(evidence: Evidence, entry: MapEntry, rates: Rates, cycle: str, previous: str) -> list[EvidenceLine]:
    """A theme of the audit learning: the files on which auditors recorded it as a strength, of the
    files on which they recorded it (audits are the unit; a moderator's learning prevails)."""
    now = theme_balance(evidence, cycle, entry.evidence)
    if not now[1]:
        return []
    before = theme_balance(evidence, previous, entry.evidence)
    return [rates.line("audit learning", f"audited files on which auditors recorded '{entry.evidence}': a strength, "
                       "not a concern", now, before if before[1] else None, "audits")]


BUILDERS: dict[str, Callable[[Evidence, MapEntry, Rates, str, str], list[EvidenceLine]]] = {
    "criterion": _audit_lines,
    "grade": _audit_lines,
    "indicator": _indicator_lines,
    "record": lambda ev, entry, rates, cycle, previous: record_lines(ev, entry, rates, cycle=cycle, previous=previous),
    "theme": _theme_lines,
}


def mapped_lines(evidence: Evidence, framework: str, item: str, *, rates: Rates, cycle: str,
                 previous: str) -> list[EvidenceLine]:
    """Every evidence line the map gives an item: judged lines first, then context (never judged).

    Parameters
    ----------
    evidence : Evidence
    framework, item : str
        The item, e.g. ``("jar_haringey", "J07")``.
    rates : Rates
        The item's thresholds and confidence level.
    cycle, previous : str

    Returns
    -------
    list of EvidenceLine
        Context lines are marked ``context``: their level is shown, never judged.
    """
    judged: list[EvidenceLine] = []
    context: list[EvidenceLine] = []
    for entry in evidence.map.entries(framework, item):
        lines = entry_lines(evidence, entry, rates=rates, cycle=cycle, previous=previous)
        (judged if entry.judged else context).extend(lines)
    return judged + context


_LINES: dict[tuple[Any, ...], tuple[Evidence, tuple[EvidenceLine, ...]]] = {}
_LINES_KEPT = 4096  # a cycle summary judges every entry of five frameworks in four quarters


def entry_lines(evidence: Evidence, entry: MapEntry, *, rates: Rates, cycle: str, previous: str) -> list[EvidenceLine]:
    """The lines of one map entry (:func:`mapped_lines` for a single entry); a ``context`` entry's
    lines are marked ``context``: their level is shown, and they are never judged.

    A report works out the same entry's lines more than once (its quarter, then its action plan's
    quarters; an entry mapped to several items; the cycle summary, every framework): they depend only
    on the arguments, so they are worked out once per evidence object
    (:func:`~review.analyses._evidence.kept_for`) and each caller gets its own list.
    """
    def work_out() -> tuple[EvidenceLine, ...]:
        lines = BUILDERS[entry.source](evidence, entry, rates, cycle, previous)
        return tuple(lines if entry.judged else (replace(ln, context=True) for ln in lines))

    key = (id(evidence), entry, rates.level, rates.green, rates.red, cycle, previous)
    return list(kept_for(_LINES, _LINES_KEPT, key, evidence, work_out))
