"""Checks that look across rows and files: grades against scales, audits against the frame,
moderation pairs, dates inside their cycle, numerators within denominators."""

from __future__ import annotations

import re

import pandas as pd

from review.config.cycles import cycle_bounds
from review.config.framework_items import FRAMEWORK_ITEMS
from review.data.schema import ROW
from review.exceptions import DataProblem

__all__ = ["cross_checks"]


def _p(problems: list[DataProblem], file: str, row: object, column: str | None, value: object, message: str) -> None:
    problems.append(DataProblem(file, int(row), column, None if value is None else str(value), message))


def _grades(frame: pd.DataFrame, file: str, scale_col: str, value_cols: dict[str, str | None],
            scales: dict, problems: list[DataProblem]) -> None:
    """Check (and canonicalise, in place) grade labels against the row's or the column's scale."""
    for idx, row in frame.iterrows():
        for column, fixed_scale in value_cols.items():
            text = row[column]
            if text is None:
                continue
            scale_id = fixed_scale or row[scale_col]
            scale = scales.get(scale_id)
            if scale is None:
                if fixed_scale is None and scale_id is not None:
                    _p(problems, file, row[ROW], scale_col, scale_id, f"unknown scale; scales are: {', '.join(scales)}")
                continue
            label = scale.canonical(str(text))
            if label is None:
                _p(problems, file, row[ROW], column, text,
                   f"not a label of scale {scale_id}; expected one of: {', '.join(scale.labels)}")
            else:
                frame.at[idx, column] = label


def _audits(tables: dict, files: dict, scales: dict, criteria: list[str], problems: list[DataProblem]) -> None:
    audits, file = tables["audits"], files["audits"]
    declared = {}
    if "criteria" in tables:
        declared = {str(r["criterion"]).strip().lower().replace(" ", "_"): r["scale_id"]
                    for _, r in tables["criteria"].iterrows() if r["criterion"] is not None}
    _grades(audits, file, "grade_scale", {"overall_grade": None} | {c: declared.get(c) for c in criteria},
            scales, problems)
    for _, row in audits.iterrows():
        if row["cycle"] is not None and row["audit_date"] is not None:
            start, end = cycle_bounds(row["cycle"])
            if not start <= row["audit_date"] <= end:
                _p(problems, file, row[ROW], "audit_date", row["audit_date"].isoformat(),
                   f"the date is outside cycle {row['cycle']} ({start.isoformat()} to {end.isoformat()})")
    if "frame" in tables:
        frame = tables["frame"]
        open_cases = set(zip(frame["cycle"], frame["case_ref"], strict=True))
        for _, row in audits.iterrows():
            if row["cycle"] and row["case_ref"] and (row["cycle"], row["case_ref"]) not in open_cases:
                _p(problems, file, row[ROW], "case_ref", row["case_ref"],
                   f"the case is not in the sampling frame (frame) for cycle {row['cycle']}")
    if "staff" in tables:
        staff = set(tables["staff"]["staff_id"])
        for _, row in audits.iterrows():
            if row["auditor_id"] and row["auditor_id"] not in staff:
                _p(problems, file, row[ROW], "auditor_id", row["auditor_id"], "the auditor is not in the staff list")
    by_id = {r["audit_id"]: r for _, r in audits.iterrows() if r["audit_id"] is not None}
    for _, row in audits.iterrows():
        target = row["moderation_of"]
        if target is None:
            continue
        original = by_id.get(target)
        if original is None:
            _p(problems, file, row[ROW], "moderation_of", target, "no audit has this audit_id")
        elif original["case_ref"] != row["case_ref"]:
            _p(problems, file, row[ROW], "moderation_of", target,
               f"the moderated audit is of case {original['case_ref']}, not {row['case_ref']}")
        elif original["auditor_id"] == row["auditor_id"]:
            _p(problems, file, row[ROW], "auditor_id", row["auditor_id"],
               f"a pair of audits of one case by the same auditor: a moderation must be by someone else "
               f"(audit {target}, row {original[ROW]})")
    key = ["cycle", "case_ref", "audit_type", "auditor_id"]
    twice = audits[audits.duplicated(subset=key, keep="first") & audits[key].notna().all(axis=1)]
    for _, row in twice.iterrows():
        _p(problems, file, row[ROW], "auditor_id", row["auditor_id"],
           f"a pair of audits of one case by the same auditor: case {row['case_ref']} is audited twice "
           f"by this auditor in {row['cycle']}")


def _not_above(tables: dict, files: dict, name: str, part: str, whole: str, problems: list[DataProblem]) -> None:
    if name not in tables:
        return
    frame = tables[name]
    for _, row in frame.iterrows():
        if row[part] is not None and row[whole] is not None and row[part] > row[whole]:
            _p(problems, files[name], row[ROW], part, row[part], f"{part} ({row[part]}) is above {whole} ({row[whole]})")


def cross_checks(tables: dict, files: dict, scales: dict, criteria: list[str], problems: list[DataProblem]) -> None:
    """Run every check that spans rows or files, appending to ``problems`` (tables are canonicalised in place)."""
    if "audits" in tables:
        _audits(tables, files, scales, criteria, problems)
    if "self_assessments" in tables:
        _grades(tables["self_assessments"], files["self_assessments"], "grade_scale", {"rating": None}, scales, problems)
    _not_above(tables, files, "indicators", "numerator", "denominator", problems)
    _lscb_challenges(tables, files, problems)
    _actions(tables, files, problems)
    _not_above(tables, files, "training", "completed", "required", problems)
    _not_above(tables, files, "complaints", "responded_in_time", "received", problems)
    _not_above(tables, files, "complaints", "upheld", "received", problems)
    if "finance" in tables:
        for _, row in tables["finance"].iterrows():
            if row["month"] and row["cycle"]:
                start, end = cycle_bounds(row["cycle"])
                if not start.strftime("%Y-%m") <= row["month"] <= end.strftime("%Y-%m"):
                    _p(problems, files["finance"], row[ROW], "month", row["month"], f"the month is outside cycle {row['cycle']}")
    for name in ("frame", "audits"):
        if name in tables and "teams" in tables:
            teams = set(tables["teams"]["team"])
            for _, row in tables[name].iterrows():
                if row["team"] and row["team"] not in teams:
                    _p(problems, files[name], row[ROW], "team", row["team"], "unknown team (not in teams)")


def _lscb_challenges(tables: dict, files: dict, problems: list[DataProblem]) -> None:
    """A challenge is raised inside its cycle and answered no earlier than it was raised."""
    if "lscb_challenges" not in tables:
        return
    for _, row in tables["lscb_challenges"].iterrows():
        if row["cycle"] and row["raised_date"] is not None:
            start, end = cycle_bounds(row["cycle"])
            if not start <= row["raised_date"] <= end:
                _p(problems, files["lscb_challenges"], row[ROW], "raised_date", row["raised_date"],
                   f"the date is outside cycle {row['cycle']}")
        if row["answered_date"] is not None and row["raised_date"] is not None and row["answered_date"] < row["raised_date"]:
            _p(problems, files["lscb_challenges"], row[ROW], "answered_date", row["answered_date"],
               f"answered before it was raised ({row['raised_date']})")


GOSE_ITEM = re.compile(r"^G\d\d$")
"""Item ids of the GOSE performance-management framework (G01, G02, ...), accepted by pattern
until its items are listed in :data:`review.config.framework_items.FRAMEWORK_ITEMS`."""


def known_items(source: str) -> tuple[tuple[str, ...], str]:
    """The item ids a framework source names, and a sentence saying what is expected.

    >>> known_items("lscb_checklist")[0][:3]
    ('L1', 'L2', 'L3')
    >>> known_items("gose_performance")[1]
    'an item id of gose_performance written G01, G02, ...'
    """
    if source in FRAMEWORK_ITEMS:
        ids = tuple(i.item_id for i in FRAMEWORK_ITEMS[source])
        return ids, f"an item id of {source}: {', '.join(ids)}"
    return (), f"an item id of {source} written G01, G02, ..."


def _actions(tables: dict, files: dict, problems: list[DataProblem]) -> None:
    """The action register: a known source item, due no earlier than raised, done with evidence and a date."""
    if "actions" not in tables:
        return
    file = files["actions"]
    audits = set(tables["audits"]["audit_id"]) if "audits" in tables else None
    for _, row in tables["actions"].iterrows():
        source, item = row["source"], row["item"]
        if source == "audit":
            if row["audit_id"] is None:
                _p(problems, file, row[ROW], "audit_id", None, "a remedial action (source audit) names the audit_id")
            elif audits is not None and row["audit_id"] not in audits:
                _p(problems, file, row[ROW], "audit_id", row["audit_id"], "no audit has this audit_id")
        elif source == "scr":
            if item is None:
                _p(problems, file, row[ROW], "item", None, "a serious case review action names the review's reference")
        elif source is not None:
            ids, expected = known_items(source)
            ok = item in ids if ids else item is not None and GOSE_ITEM.match(item) is not None
            if not ok:
                _p(problems, file, row[ROW], "item", item, f"unknown source item; expected {expected}")
        start = cycle_bounds(row["cycle_raised"])[0] if row["cycle_raised"] else None
        if start is not None and row["due_date"] is not None and row["due_date"] < start:
            _p(problems, file, row[ROW], "due_date", row["due_date"].isoformat(),
               f"due before the action was raised (cycle {row['cycle_raised']} starts {start.isoformat()})")
        if start is not None and row["closed_date"] is not None and row["closed_date"] < start:
            _p(problems, file, row[ROW], "closed_date", row["closed_date"].isoformat(),
               f"closed before the action was raised (cycle {row['cycle_raised']} starts {start.isoformat()})")
        if row["status"] == "done":
            for column, what in (("evidence", "evidence of completion"), ("closed_date", "the date it was closed")):
                if row[column] is None:
                    _p(problems, file, row[ROW], column, None, f"status is done but {what} is missing")
