"""Writing one audit form per auditor from a drawn sample (``review sample --forms DIR``).

Each form lists the auditor's cases with team and allocated worker, one row per case, and one
answer column per criterion that applies to the audit type, read from the data folder's
``criteria`` (never named here) with the criterion's wording as the column's help text and its
scale's labels as a drop-down list; the overall grade has the grade scale's labels. The
structure is locked: only the answer cells can be changed. An existing file is never replaced.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from review import __version__
from review.config.cycles import cycle_bounds
from review.data.evidence_map import split_list
from review.data.load import GradeScale
from review.data.workbook_out import add_lists, date_rule, list_rule, lock, unlock
from review.exceptions import ParameterError
from review.forms.layout import (
    ABOUT,
    ANSWERS,
    DUE_ROW,
    FIRST_ROW,
    FIXED,
    FORM,
    HEADER_ROW,
    HELP_ROW,
    MANIFEST,
    TITLE_ROW,
    WORDING_ROW,
)
from review.protection.safe_export import neutralise

__all__ = ["Form", "FormCriterion", "applicable_criteria", "build_forms", "write_forms"]


@dataclass(frozen=True)
class FormCriterion:
    """One answer column: a criterion as ``criteria`` declares it.

    Attributes
    ----------
    name : str
        The criterion as written in ``criteria`` (the audits file's heading).
    wording : str
        The question, in the criteria file's words.
    scale_id : str
    labels : tuple of str
        The answers offered, in the scale's order.
    """

    name: str
    wording: str
    scale_id: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Form:
    """One auditor's form.

    Attributes
    ----------
    kind : str
        ``audit`` or ``moderation``.
    cycle, auditor_id, auditor_tier, audit_type : str
    grade_scale : GradeScale
        The scale of the overall grade.
    due : datetime.date
        The date the form is due back.
    criteria : tuple of FormCriterion
    cases : tuple of dict
        One per case: the :data:`review.forms.layout.FIXED` columns.
    """

    kind: str
    cycle: str
    auditor_id: str
    auditor_tier: str
    audit_type: str
    grade_scale: GradeScale
    due: dt.date
    criteria: tuple[FormCriterion, ...]
    cases: tuple[dict[str, object], ...]

    @property
    def file_name(self) -> str:
        """``<cycle>-<kind>-<auditor>.xlsx``, the auditor's reference kept to letters, digits, ``-`` and ``_``.

        >>> from review.data.load import GradeScale
        >>> scale = GradeScale("s", ("Good",), frozenset(), frozenset())
        >>> Form("audit", "2009-Q4", "TM 01/a", "TM", "case file", scale, dt.date(2009, 12, 31), (), ()).file_name
        '2009-Q4-audit-TM_01_a.xlsx'
        """
        return f"{self.cycle}-{self.kind}-{re.sub(r'[^A-Za-z0-9_-]', '_', self.auditor_id)}.xlsx"

    @property
    def columns(self) -> list[str]:
        """Headings of the ``form`` sheet, in order."""
        fixed = [c for c in FIXED if c != "moderation_of" or self.kind == "moderation"]
        return fixed + list(ANSWERS) + [c.name for c in self.criteria]


def applicable_criteria(criteria: pd.DataFrame, scales: Mapping[str, GradeScale], audit_type: str) -> tuple[
        FormCriterion, ...]:
    """The criteria that apply to an audit type, in the criteria file's order.

    Parameters
    ----------
    criteria : pandas.DataFrame
        The ``criteria`` dataset (``criterion``, ``label``, ``scale_id``, ``audit_types``).
    scales : mapping of str to GradeScale
    audit_type : str

    Returns
    -------
    tuple of FormCriterion
    """
    out = []
    for _, row in criteria.iterrows():
        types = {t.lower() for t in split_list(row["audit_types"])}
        if audit_type.lower() in types and row["scale_id"] in scales:
            out.append(FormCriterion(str(row["criterion"]), str(row["label"]), str(row["scale_id"]),
                                     scales[row["scale_id"]].labels))
    return tuple(out)


def build_forms(selected: pd.DataFrame, *, kind: str, cycle: str, audit_type: str, grade_scale: GradeScale,
                criteria: tuple[FormCriterion, ...], due: dt.date) -> tuple[Form, ...]:
    """One form per auditor of a drawn sample, each case given its audit reference.

    Audit references are ``<cycle>-<auditor>-NN`` (``-MNN`` for a moderation), numbered in the
    order of the auditor's cases (team, then case), so the same draw gives the same references.

    Parameters
    ----------
    selected : pandas.DataFrame
        :attr:`review.stats.sample_draw.SampleDraw.selected` (with ``moderation_of`` for moderations).
    kind : {"audit", "moderation"}
    cycle, audit_type : str
    grade_scale : GradeScale
    criteria : tuple of FormCriterion
    due : datetime.date

    Returns
    -------
    tuple of Form
        In the order of the auditors' references.
    """
    forms = []
    for auditor, cases in selected.groupby("auditor_id", sort=True):
        cases = cases.sort_values(["team", "case_ref"], kind="stable")
        rows = []
        for n, (_, case) in enumerate(cases.iterrows(), start=1):
            row = {c: case.get(c) for c in FIXED}
            row["audit_id"] = f"{cycle}-{auditor}-{'M' if kind == 'moderation' else ''}{n:02d}"
            row["audit_type"] = audit_type
            row["selection"] = case.get("selection") or "random"
            rows.append({k: (None if pd.isna(v) else v) for k, v in row.items()})
        forms.append(Form(kind, cycle, str(auditor), str(cases["tier"].iloc[0]), audit_type, grade_scale, due,
                          criteria, tuple(rows)))
    return tuple(forms)


def _form_sheet(book: Workbook, form: Form) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = book.active
    sheet.title = FORM
    columns = form.columns
    what = "Moderation" if form.kind == "moderation" else "Audit"
    sheet.cell(TITLE_ROW, 1, neutralise(f"{what} form, cycle {form.cycle}: {form.auditor_id} ({form.auditor_tier}), "
                                        f"{form.audit_type} audits")).font = Font(bold=True, size=13)
    sheet.cell(DUE_ROW, 1, f"Return by {form.due:%d %B %Y} (due {form.due.isoformat()})").font = Font(bold=True)
    sheet.cell(HELP_ROW, 1, "Fill in the white cells: the date you completed each audit, the overall grade and "
                            "every criterion, choosing from each cell's list (select a heading's cell to read the "
                            "question). Grey cells are fixed. Leave a row empty if the case was not audited.")
    wording = {**FIXED, **ANSWERS, **{c.name: c.wording for c in form.criteria}}
    grey = PatternFill("solid", fgColor="DDDDDD")
    last = FIRST_ROW + max(len(form.cases), 1) - 1
    for k, name in enumerate(columns, start=1):
        sheet.cell(WORDING_ROW, k, neutralise(wording[name])).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(HEADER_ROW, k, neutralise(name)).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(k)].width = 16 if name in FIXED else 20
    for r, case in enumerate(form.cases, start=FIRST_ROW):
        for k, name in enumerate(columns, start=1):
            if name in FIXED:
                sheet.cell(r, k, neutralise(case.get(name))).fill = grey
    sheet.row_dimensions[WORDING_ROW].height = 90
    first_answer = len(columns) - len(ANSWERS) - len(form.criteria) + 1
    if form.cases:
        unlock(sheet[f"{get_column_letter(first_answer)}{FIRST_ROW}:{get_column_letter(len(columns))}{last}"])
    sheet.freeze_panes = sheet.cell(FIRST_ROW, 3)
    lists = {"overall_grade": form.grade_scale.labels}
    lists.update({c.scale_id: c.labels for c in form.criteria})
    refs = add_lists(book, lists)
    start, end = cycle_bounds(form.cycle)
    for k, name in enumerate(columns, start=1):
        letter = get_column_letter(k)
        cells = f"{letter}{FIRST_ROW}:{letter}{last}"
        if name == "audit_date":
            date_rule(sheet, cells, start, end, title="audit date",
                      prompt=f"The date you completed the audit, from {start.isoformat()} to {end.isoformat()}")
            for r in range(FIRST_ROW, last + 1):
                sheet.cell(r, k).number_format = "yyyy-mm-dd"
        elif name == "overall_grade":
            list_rule(sheet, refs["overall_grade"], cells, title="overall grade",
                      prompt=f"Your overall judgement of the file ({form.grade_scale.scale_id})")
        elif name not in FIXED:
            criterion = next(c for c in form.criteria if c.name == name)
            list_rule(sheet, refs[criterion.scale_id], cells, title="an answer", prompt=criterion.wording)


def _about_sheet(book: Workbook, form: Form, drawn: str) -> None:
    sheet = book.create_sheet(ABOUT, 1)
    for key, value in (("form", form.kind), ("cycle", form.cycle), ("auditor_id", form.auditor_id),
                       ("auditor_tier", form.auditor_tier), ("audit_type", form.audit_type),
                       ("grade_scale", form.grade_scale.scale_id), ("due", form.due.isoformat()),
                       ("cases", len(form.cases)), ("drawn", drawn), ("review_version", __version__)):
        sheet.append([key, neutralise(value)])
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 30


def write_forms(forms: Sequence[Form], folder: str | Path, *, drawn: str) -> list[Path]:
    """Write each form as ``.xlsx`` in ``folder`` and list them in its ``forms.csv``; replace nothing.

    Parameters
    ----------
    forms : sequence of Form
    folder : str or pathlib.Path
        Created if absent.
    drawn : str
        How the sample was drawn (seed, date), recorded on each form's ``about`` sheet.

    Returns
    -------
    list of pathlib.Path
        The forms written.

    Raises
    ------
    ParameterError
        If a form's file already exists (nothing is written then).
    """
    from openpyxl import Workbook

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    there = [f.file_name for f in forms if (folder / f.file_name).exists()]
    if there:
        raise ParameterError(f"`--forms` {folder} already holds {', '.join(there[:5])}"
                             f"{' and more' if len(there) > 5 else ''}; forms are never overwritten "
                             "(choose a new folder, or move the old forms away)")
    written = []
    for form in forms:
        book = Workbook()
        _form_sheet(book, form)
        _about_sheet(book, form, drawn)
        lock(book)
        path = folder / form.file_name
        with path.open("xb") as fh:  # "x": fail rather than replace a file created meanwhile
            book.save(fh)
        written.append(path)
    manifest = folder / MANIFEST
    new = not manifest.exists()
    with manifest.open("a", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        if new:
            out.writerow(["file", "form", "cycle", "auditor_id", "auditor_tier", "cases", "due"])
        for form in forms:
            out.writerow([form.file_name, form.kind, form.cycle, form.auditor_id, form.auditor_tier,
                          len(form.cases), form.due.isoformat()])
    return written
