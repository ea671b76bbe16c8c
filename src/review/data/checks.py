"""Checks that look across rows and files: grades against scales, audits against the frame,
moderation pairs and chains, dates inside their plausible window, numerators within denominators.

Checks over the large tables (the sampling frame) are vectorised or run over distinct values,
so a frame of a million rows costs seconds, not minutes.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from review.config.cycles import cycle_bounds
from review.config.framework_items import FRAMEWORK_ITEMS
from review.data.checks_gose import gose_checks
from review.data.checks_indicators import indicator_checks
from review.data.checks_learning import declared_themes, learning_checks
from review.data.hints import hint
from review.data.row_checks import add_problem, check_grades, check_not_above
from review.data.schema import AUDIT_TYPES, RECORDS, ROW
from review.exceptions import DataProblem

__all__ = ["DATE_RULES", "DATE_WINDOWS", "check_actions", "cross_checks"]

DATE_WINDOWS: dict[tuple[str, str], tuple[str, int, int]] = {
    ("frame", "opened_date"): ("start", -25 * 366, 0),
    ("frame", "last_audit_date"): ("start", -25 * 366, 0),
    ("schedule", "due_date"): ("start", 0, 91),
    ("schedule", "delivered_date"): ("start", -366, 91 + 366),
    ("gose_returns", "due_date"): ("start", -366, 91 + 366),
    ("gose_returns", "delivered_date"): ("start", -2 * 366, 91 + 2 * 366),
    ("lado_allegations", "referral_date"): ("start", 0, 91),
    ("lado_allegations", "concluded_date"): ("start", 0, 91 + 3 * 366),
    ("liaison_feedback", "meeting_date"): ("start", 0, 91),
    ("lscb_challenges", "answered_date"): ("start", 0, 91 + 2 * 366),
    ("scrutiny", "planned_date"): ("start", 0, 91),
    ("scrutiny", "presented_date"): ("start", -91, 91 + 366),
    ("actions", "due_date"): ("cycle_raised", 0, 91 + 3 * 366),
    ("actions", "closed_date"): ("cycle_raised", 0, 91 + 3 * 366),
    ("regulated_services", "inspection_date"): ("latest", -10 * 366, 91 + 366),
    ("regulated_services", "next_due"): ("latest", -10 * 366, 91 + 3 * 366),
}
"""Plausible window of each date column, relative to the start of the row's cycle: (anchor, days
before, days after). The anchor is ``start`` (the row's ``cycle``), another cycle column of the
row (``cycle_raised``), or ``latest`` (the latest cycle with audits, for datasets without a cycle). A case in the frame was opened, and last audited, within the 25 years
before the start of the cycle it is open at (a child's case, a care leaver's up to 25); a return
is due inside its cycle and delivered no more than a year either side of it; a GOSE return is
due within a year either side of its cycle (annual returns) and delivered within two; an
allegation is referred, a liaison meeting held, inside its cycle, and concluded or answered within
three (two) years after. ``audit_date`` must
fall inside its cycle (checked in ``_audits``). ``docs/data.md`` states the same windows."""


DATE_RULES: dict[tuple[str, str], str] = {
    ("frame", "opened_date"): "the frame lists the cases open at the start of each cycle, so a case was opened on "
                              "or before the cycle's first day (and not more than 25 years before: a care "
                              "leaver's case can be 25 years old); a case opened later belongs to the next "
                              "cycle's frame",
    ("frame", "last_audit_date"): "the frame is taken at the start of each cycle, so a case's last audit is on or "
                                  "before the cycle's first day; an audit in the cycle itself is in audits, and "
                                  "the sample draw reads it there",
}
"""Why a date column's window is what it is, said in its message (``docs/data.md`` says the same)."""


def _audits(tables: dict, files: dict, scales: dict, criteria: list[str], problems: list[DataProblem]) -> None:
    audits, file = tables["audits"], files["audits"]
    declared = {}
    if "criteria" in tables:
        declared = {str(r["criterion"]): r["scale_id"]  # criteria columns carry the declared spelling
                    for r in tables["criteria"].to_dict("records") if r["criterion"] is not None}
    check_grades(audits, file, "grade_scale", dict[str, str | None]({"overall_grade": None}) | {c: declared.get(c) for c in criteria},
                 scales, problems)
    records = audits.to_dict("records")
    for row in records:
        if row["cycle"] is not None and row["audit_date"] is not None:
            start, end = cycle_bounds(row["cycle"])
            if not start <= row["audit_date"] <= end:
                add_problem(problems, file, row[ROW], "audit_date", row["audit_date"].isoformat(),
                            f"the date is outside cycle {row['cycle']} ({start.isoformat()} to {end.isoformat()})")
    if "frame" in tables:
        _audited_cases_in_frame(audits, tables["frame"], records, file, problems)
    if "staff" in tables:
        _auditors_in_staff(tables["staff"], records, file, problems)
    _moderations(records, file, problems)
    key = ["cycle", "case_ref", "audit_type", "auditor_id"]
    twice = audits[audits.duplicated(subset=key, keep="first") & audits[key].notna().all(axis=1)]
    for _, row in twice.iterrows():
        add_problem(problems, file, row[ROW], "auditor_id", row["auditor_id"],
                    f"a pair of audits of one case by the same auditor: case {row['case_ref']} is audited twice "
                    f"by this auditor in {row['cycle']}")


def _audited_cases_in_frame(audits: pd.DataFrame, frame: pd.DataFrame, records: list[dict], file: str,
                            problems: list[DataProblem]) -> None:
    """Each audited case is in the sampling frame of its cycle."""
    wanted = set(zip(audits["cycle"], audits["case_ref"], strict=True))
    cases = set(audits["case_ref"])
    listed = frame[frame["case_ref"].isin(cases)]
    open_cases = set(zip(listed["cycle"], listed["case_ref"], strict=True)) & wanted
    for row in records:
        if row["cycle"] and row["case_ref"] and (row["cycle"], row["case_ref"]) not in open_cases:
            add_problem(problems, file, row[ROW], "case_ref", row["case_ref"],
                        f"the case is not in the sampling frame (frame) for cycle {row['cycle']}")


def _auditors_in_staff(listed: pd.DataFrame, records: list[dict], file: str, problems: list[DataProblem]) -> None:
    """Each auditor is in the staff list, with the tier the list gives them."""
    tier_of = dict(zip(listed["staff_id"], zip(listed["tier"], listed[ROW], strict=True), strict=True))
    ids = [str(i) for i in tier_of if i is not None]
    for row in records:
        if row["auditor_id"] and row["auditor_id"] not in tier_of:
            add_problem(problems, file, row[ROW], "auditor_id", row["auditor_id"],
                        f"the auditor is not in the staff list{hint(str(row['auditor_id']), ids)}")
        elif row["auditor_id"] and row["auditor_tier"] and tier_of[row["auditor_id"]][0] not in (None, row["auditor_tier"]):
            tier, at = tier_of[row["auditor_id"]]
            add_problem(problems, file, row[ROW], "auditor_tier", row["auditor_tier"],
                        f"the staff list gives auditor {row['auditor_id']} the tier {tier} (staff, row {at}); expected "
                        "the auditor's tier as the staff list has it (correct one of the two)")


def _moderations(records: list[dict], file: str, problems: list[DataProblem]) -> None:
    """A moderation names an audit of the same case by someone else."""
    by_id = {r["audit_id"]: r for r in records if r["audit_id"] is not None}
    for row in records:
        target = row["moderation_of"]
        if target is None:
            continue
        original = by_id.get(target)
        if target == row["audit_id"]:
            continue  # reported by _moderation_chains
        if original is None:
            add_problem(problems, file, row[ROW], "moderation_of", target, "no audit has this audit_id")
        elif original["case_ref"] != row["case_ref"]:
            add_problem(problems, file, row[ROW], "moderation_of", target,
                        f"the moderated audit is of case {original['case_ref']}, not {row['case_ref']}")
        elif original["auditor_id"] == row["auditor_id"]:
            add_problem(problems, file, row[ROW], "auditor_id", row["auditor_id"],
                        f"a pair of audits of one case by the same auditor: a moderation must be by someone else "
                        f"(audit {target}, row {original[ROW]})")


def cross_checks(tables: dict, files: dict, scales: dict, criteria: list[str], problems: list[DataProblem]) -> None:
    """Run every check that spans rows or files, appending to ``problems`` (tables are canonicalised in place)."""
    if "audits" in tables:
        _audits(tables, files, scales, criteria, problems)
    if "self_assessments" in tables:
        check_grades(tables["self_assessments"], files["self_assessments"], "grade_scale", {"rating": None}, scales, problems)
    check_not_above(tables, files, "indicators", "numerator", "denominator", problems)
    indicator_checks(tables, files, problems)
    gose_checks(tables, files, scales, problems)
    _lscb_challenges(tables, files, problems)
    check_actions(tables, files, problems)
    _audit_types(tables, files, problems)
    _evidence_map(tables, files, criteria, problems)

    learning_checks(tables, files, problems)
    check_not_above(tables, files, "training", "completed", "required", problems)
    check_not_above(tables, files, "lscb_board", "member_attendances", "member_places", problems)
    check_not_above(tables, files, "complaints", "responded_in_time", "received", problems)
    check_not_above(tables, files, "complaints", "upheld", "received", problems)
    if "finance" in tables:
        for row in tables["finance"].to_dict("records"):
            if row["month"] and row["cycle"]:
                start, end = cycle_bounds(row["cycle"])
                if not start.strftime("%Y-%m") <= row["month"] <= end.strftime("%Y-%m"):
                    add_problem(problems, files["finance"], row[ROW], "month", row["month"], f"the month is outside cycle {row['cycle']}")
    _known_teams(tables, files, problems)
    _date_windows(tables, files, problems)
    if "audits" in tables:
        _moderation_chains(tables["audits"], files["audits"], problems)


def _known_teams(tables: dict, files: dict, problems: list[DataProblem]) -> None:
    """Each team the frame and the audits name is in ``teams`` (the first 200 unknown of each)."""
    if "teams" not in tables:
        return
    teams = set(tables["teams"]["team"])
    for name in ("frame", "audits"):
        if name in tables:
            table = tables[name]
            unknown = table[table["team"].notna() & ~table["team"].isin(teams)]
            hints = {t: hint(str(t), sorted(str(k) for k in teams if k is not None)) for t in unknown["team"].head(200).unique()}
            for row, team in zip(unknown[ROW].head(200), unknown["team"].head(200), strict=True):
                add_problem(problems, files[name], row, "team", team, f"unknown team (not in teams){hints[team]}")


def _date_windows(tables: dict, files: dict, problems: list[DataProblem]) -> None:
    """Every dated column of :data:`DATE_WINDOWS` within its plausible window."""
    latest = max(tables["audits"]["cycle"].dropna(), default=None) if "audits" in tables else None
    for (name, column), window in DATE_WINDOWS.items():
        if name not in tables:
            continue
        table = tables[name]
        if window[0] == "latest":
            if latest is None:
                continue
            table = table.assign(latest=latest)
        _date_window(table, files[name], column, window, problems, why=DATE_RULES.get((name, column), ""))


def _date_window(table: pd.DataFrame, file: str, column: str, window: tuple[str, int, int],
                 problems: list[DataProblem], *, why: str = "") -> None:
    """Dates outside the column's plausible window around the row's cycle (checked per distinct pair);
    ``why`` (:data:`DATE_RULES`) ends the message."""
    anchor, before, after = window
    cycle_column = "cycle" if anchor == "start" else anchor
    if cycle_column not in table.columns:
        return
    rows = table[table[column].notna() & table[cycle_column].notna()]
    if rows.empty:
        return
    cycle_codes, cycles = pd.factorize(rows[cycle_column].to_numpy(dtype=object))
    day_codes, days = pd.factorize(rows[column].to_numpy(dtype=object))
    combined = cycle_codes.astype(np.int64) * len(days) + day_codes
    unique, codes = np.unique(combined, return_inverse=True)
    pairs = [(cycles[u // len(days)], days[u % len(days)]) for u in unique]
    bad_pairs = np.zeros(len(pairs), dtype=bool)
    bounds = {}
    for i, (cycle, day) in enumerate(pairs):
        if cycle not in bounds:
            start = cycle_bounds(cycle)[0]
            bounds[cycle] = (start + dt.timedelta(days=before), start + dt.timedelta(days=after))
        low, high = bounds[cycle]
        bad_pairs[i] = not low <= day <= high
    for i in np.flatnonzero(bad_pairs[codes])[:200]:
        cycle, day = rows[cycle_column].iat[i], rows[column].iat[i]
        low, high = bounds[cycle]
        add_problem(problems, file, rows[ROW].iat[i], column, day.isoformat(),
                    f"the date is outside the plausible window for cycle {cycle} ({low.isoformat()} to {high.isoformat()})"
                    + (f": {why}" if why else ""))


def _moderation_chains(audits: pd.DataFrame, file: str, problems: list[DataProblem]) -> None:
    """Refuse an audit that moderates itself and chains of moderation that loop back on themselves."""
    targets = {a: m for a, m in zip(audits["audit_id"], audits["moderation_of"], strict=True)
               if a is not None and m is not None}
    rows = dict(zip(audits["audit_id"], audits[ROW], strict=True))
    done: set[str] = set()
    for start in targets:
        path: list[str] = []
        node = start
        while node in targets and node not in done and node not in path:
            path.append(node)
            node = targets[node]
        if node in path:
            loop = path[path.index(node):]
            if len(loop) == 1:
                add_problem(problems, file, rows[node], "moderation_of", node, "the audit names itself as the audit it moderates")
            else:
                chain = " -> ".join([*loop, node])
                add_problem(problems, file, min(rows[a] for a in loop), "moderation_of", shown_chain(chain),
                            "moderation goes round in a circle; a moderation must lead back to a first audit")
        done.update(path)


def shown_chain(chain: str) -> str:
    """A moderation chain as quoted in a message (cut when very long)."""
    return chain if len(chain) <= 120 else chain[:117] + "..."


def _lscb_challenges(tables: dict, files: dict, problems: list[DataProblem]) -> None:
    """A challenge is raised inside its cycle and answered no earlier than it was raised."""
    if "lscb_challenges" not in tables:
        return
    for row in tables["lscb_challenges"].to_dict("records"):
        if row["cycle"] and row["raised_date"] is not None:
            start, end = cycle_bounds(row["cycle"])
            if not start <= row["raised_date"] <= end:
                add_problem(problems, files["lscb_challenges"], row[ROW], "raised_date", row["raised_date"],
                            f"the date is outside cycle {row['cycle']}")
        if row["answered_date"] is not None and row["raised_date"] is not None and row["answered_date"] < row["raised_date"]:
            add_problem(problems, files["lscb_challenges"], row[ROW], "answered_date", row["answered_date"],
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


def check_actions(tables: dict, files: dict, problems: list[DataProblem]) -> None:
    """The action register: a known source item, due no earlier than raised, done with evidence and a date."""
    if "actions" not in tables:
        return
    file = files["actions"]
    audits = set(tables["audits"]["audit_id"]) if "audits" in tables else None
    for row in tables["actions"].to_dict("records"):
        _action_source(row, file, audits, problems)
        start = cycle_bounds(row["cycle_raised"])[0] if row["cycle_raised"] else None
        if start is not None and row["due_date"] is not None and row["due_date"] < start:
            add_problem(problems, file, row[ROW], "due_date", row["due_date"].isoformat(),
                        f"due before the action was raised (cycle {row['cycle_raised']} starts {start.isoformat()})")
        if start is not None and row["closed_date"] is not None and row["closed_date"] < start:
            add_problem(problems, file, row[ROW], "closed_date", row["closed_date"].isoformat(),
                        f"closed before the action was raised (cycle {row['cycle_raised']} starts {start.isoformat()})")
        if row["status"] == "done":
            for column, what in (("evidence", "evidence of completion"), ("closed_date", "the date it was closed")):
                if row[column] is None:
                    add_problem(problems, file, row[ROW], column, None, f"status is done but {what} is missing")


def _action_source(row: dict, file: str, audits: set | None, problems: list[DataProblem]) -> None:
    """An action names what it acts on, as its source requires: an audit, a review, a service or an item."""
    source, item = row["source"], row["item"]
    if source == "audit":
        if row["audit_id"] is None:
            add_problem(problems, file, row[ROW], "audit_id", None, "a remedial action (source audit) names the audit_id")
        elif audits is not None and row["audit_id"] not in audits:
            add_problem(problems, file, row[ROW], "audit_id", row["audit_id"], "no audit has this audit_id")
    elif source == "scr":
        if item is None:
            add_problem(problems, file, row[ROW], "item", None, "a serious case review action names the review's reference")
    elif source == "theme":
        pass  # a declared theme in item: review.data.checks_learning
    elif source == "inspection":
        if item is None:
            add_problem(problems, file, row[ROW], "item", None,
                        "an action on an inspection's findings names the service (its Ofsted URN or public label)")
    elif source is not None:
        ids, expected = known_items(source)
        ok = item in ids if ids else item is not None and GOSE_ITEM.match(item) is not None
        if not ok:
            add_problem(problems, file, row[ROW], "item", item, f"unknown source item; expected {expected}")


def _declared_types(tables: dict) -> list[str]:
    if "audit_types" in tables and len(tables["audit_types"]):
        return [str(t) for t in tables["audit_types"]["audit_type"] if t is not None]
    return list(AUDIT_TYPES)


def _audit_types(tables: dict, files: dict, problems: list[DataProblem]) -> None:
    """Every audit and quota names an audit type the folder declares (``audit_types``, or the default kinds)."""
    declared = _declared_types(tables)
    where = "audit_types" if "audit_types" in tables else "the default audit types (no audit_types file)"
    for name in ("audits", "programme"):
        if name not in tables:
            continue
        table = tables[name]
        bad = table[table["audit_type"].notna() & ~table["audit_type"].isin(declared)]
        for value, rows in bad.groupby("audit_type", sort=False)[ROW]:
            first = rows.iloc[0]
            more = f"; {len(rows) - 1} more rows like it" if len(rows) > 1 else ""
            add_problem(problems, files[name], first, "audit_type", value,
                        f"unknown audit type{hint(str(value), declared)}; {where} declares: {', '.join(declared)}{more}")


def _evidence_map(tables: dict, files: dict, criteria: list[str], problems: list[DataProblem]) -> None:
    """Each row of the evidence map names a known item and evidence the folder holds."""
    if "evidence_map" not in tables:
        return
    file = files["evidence_map"]
    declared_criteria = [str(c) for c in tables["criteria"]["criterion"]] if "criteria" in tables else []
    types = _declared_types(tables)
    indicators = sorted({str(i) for i in tables["indicators"]["indicator"]}) if "indicators" in tables else []

    known = {"criterion": (declared_criteria, "criteria declares"), "grade": (types, "the audit types are"),
             "indicator": (indicators, "indicators holds"), "record": (list(RECORDS), "the record measures are"),
             "theme": (declared_themes(tables), "the themes are")}
    for row in tables["evidence_map"].to_dict("records"):
        framework, item, source, evidence = row["framework"], row["item"], row["source"], row["evidence"]
        if framework is not None and item is not None:
            ids, expected = known_items(framework)
            ok = item in ids if ids else GOSE_ITEM.match(str(item)) is not None
            if not ok:
                add_problem(problems, file, row[ROW], "item", item, f"unknown item{hint(str(item), list(ids))}; expected {expected}")
        if source in known and evidence is not None:
            names, words = known[source]
            if evidence not in names:
                add_problem(problems, file, row[ROW], "evidence", evidence,
                            f"no {source} of this name{hint(str(evidence), names)}; {words}: {', '.join(names) or 'none'}")
        if row["audit_type"] is not None:
            if source != "criterion":
                add_problem(problems, file, row[ROW], "audit_type", row["audit_type"],
                            f"audit_type narrows a criterion only; this row's source is {source}")
            elif row["audit_type"] not in types:
                add_problem(problems, file, row[ROW], "audit_type", row["audit_type"],
                            f"unknown audit type{hint(str(row['audit_type']), types)}; declared: {', '.join(types)}")
