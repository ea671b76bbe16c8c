"""Reading returned audit forms into the ``audits`` dataset (``review collect DIR``).

Every cell is checked before anything is written, and every problem is reported together with
its file, sheet, row and column. A form whose rows are all empty has not been returned; a form
with some rows filled is collected for those rows, and the rest are listed as not yet filled.

The collected audits join the data folder's ``audits.csv``: a new audit is appended; an audit
already there with the same answers is left as it is (collecting twice changes nothing); an
audit already there with other answers is refused unless ``force`` is given, naming the column
that differs. When nothing is new the file is not touched.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter

from review.config.cycles import cycle_bounds
from review.data.append import MergeOutcome, merge_rows
from review.data.cells import parse_cell
from review.data.io import cell_text, read_sheet, shown
from review.data.load import GradeScale
from review.data.schema import DATASETS, Column
from review.exceptions import DataProblem, DataValidationError, ParameterError
from review.forms.layout import ABOUT, ANSWERS, FIRST_ROW, FIXED, FORM, HEADER_ROW, KINDS, MANIFEST

__all__ = ["Collected", "MergeOutcome", "merge_audits", "read_forms"]

AUDIT_COLUMNS = tuple(c.name for c in DATASETS["audits"].columns)
_DATE = Column("audit_date", "date")


@dataclass(frozen=True)
class Collected:
    """The audits read from a folder of forms.

    Attributes
    ----------
    rows : pandas.DataFrame
        One row per filled case, as text in the columns of the ``audits`` dataset (criteria after).
    forms : int
        Forms read.
    pending : tuple of str
        By auditor: forms not yet returned, and cases left empty on returned forms.
    """

    rows: pd.DataFrame
    forms: int
    pending: tuple[str, ...]


def _about(path: Path, problems: list[DataProblem]) -> dict[str, str] | None:
    title, rows = read_sheet(path, ABOUT)
    about = {cell_text(r[0]).strip(): cell_text(r[1]).strip() for r in rows if len(r) >= 2 and r[0] is not None}
    missing = [k for k in ("form", "cycle", "auditor_id", "auditor_tier", "audit_type", "grade_scale", "due")
               if not about.get(k)]
    if missing or about.get("form") not in KINDS:
        problems.append(DataProblem(f"{path.name}[{title}]", None, None, None,
                                    f"not an audit form written by `review sample --forms` (its about sheet lacks "
                                    f"{', '.join(missing) or 'the kind of form'})"))
        return None
    return about


def _check_answer(text: str, labels: tuple[str, ...], scale: GradeScale | None) -> tuple[str | None, str | None]:
    """An answer's canonical label, or a problem sentence."""
    if scale is None:
        return None, "the criterion's scale is not in grade_scales"
    label = scale.canonical(text)
    return (label, None) if label is not None else (None, f"expected one of: {', '.join(labels)}")


def _read_form(path: Path, cycle: str, scales: Mapping[str, GradeScale], criteria: Mapping[str, str],
               problems: list[DataProblem]) -> tuple[list[dict[str, str]], dict[str, str] | None, int, int]:
    """The filled rows of one form, its about sheet, and its count of cases and of empty cases."""
    about = _about(path, problems)
    if about is None:
        return [], None, 0, 0
    title, rows = read_sheet(path, FORM)
    where = f"{path.name}[{title}]"
    if about["cycle"] != cycle:
        problems.append(DataProblem(where, None, None, about["cycle"],
                                    f"the form is for cycle {about['cycle']}, not {cycle}; keep each cycle's forms "
                                    "in a folder of their own"))
        return [], about, 0, 0
    scale = scales.get(about["grade_scale"])
    if scale is None:
        problems.append(DataProblem(where, None, None, about["grade_scale"],
                                    f"the form's grade scale is not in grade_scales; scales are: {', '.join(scales)}"))
        return [], about, 0, 0
    headings = _headings(where, about, rows, criteria, problems)
    if headings is None:
        return [], about, 0, 0
    header, fixed = headings
    answers = [c for c in header if c not in FIXED]
    filled, cases, empty = [], 0, 0
    for number, row in enumerate(rows[FIRST_ROW - 1:], start=FIRST_ROW):
        cells = {name: cell_text(row[k]).strip() if k < len(row) else "" for k, name in enumerate(header)}
        if not cells.get("audit_id"):
            continue
        cases += 1
        if not any(cells[c] for c in answers):
            empty += 1
            continue
        out = {c: cells.get(c, "") for c in fixed}
        out.update(cycle=cycle, auditor_id=about["auditor_id"], auditor_tier=about["auditor_tier"],
                   audit_type=about["audit_type"], grade_scale=about["grade_scale"], theme="")
        out.update(_answers(where, number, header, cells, cycle, scale, scales, criteria, problems))
        filled.append(out)
    return filled, about, cases, empty


def _headings(where: str, about: Mapping[str, str], rows: Sequence[Sequence[object]], criteria: Mapping[str, str],
              problems: list[DataProblem]) -> tuple[list[str], list[str]] | None:
    """The form's headings and its fixed columns, or None (a problem reported) when they were changed;
    a criterion heading the council did not declare is reported and read no further."""
    header = [cell_text(v).strip() for v in rows[HEADER_ROW - 1]] if len(rows) >= HEADER_ROW else []
    while header and not header[-1]:
        header.pop()
    fixed = [c for c in FIXED if c != "moderation_of" or about["form"] == "moderation"]
    expected = fixed + list(ANSWERS)
    if header[: len(expected)] != expected:
        problems.append(DataProblem(where, HEADER_ROW, None, shown(", ".join(header)),
                                    f"the form's headings were changed; expected {', '.join(expected)} then the "
                                    "criteria"))
        return None
    for k, name in enumerate(header[len(expected):], start=len(expected) + 1):
        if name not in criteria:
            problems.append(DataProblem(where, HEADER_ROW, f"{get_column_letter(k)} ({shown(name)})", None,
                                        "not a criterion declared in criteria (by that exact name)"))
    return header, fixed


def _answers(where: str, number: int, header: list[str], cells: Mapping[str, str], cycle: str, scale: GradeScale,
             scales: Mapping[str, GradeScale], criteria: Mapping[str, str],
             problems: list[DataProblem]) -> dict[str, str]:
    """One filled row's answers (the audit date, the grade and each criterion) as the audits dataset
    holds them; each one missing or not on its list is reported and left out."""
    start, end = cycle_bounds(cycle)
    out = {}
    for k, name in enumerate(header, start=1):
        if name in FIXED:
            continue
        text, column = cells[name], f"{get_column_letter(k)} ({shown(name)})"
        if not text:
            problems.append(DataProblem(where, number, column, None,
                                        "a value is required: the row has other answers (choose from the list)"))
            continue
        if name == "audit_date":
            day, problem = parse_cell(text, _DATE)
            if problem is None and isinstance(day, dt.date) and not start <= day <= end:
                problem = f"the date is outside cycle {cycle} ({start.isoformat()} to {end.isoformat()})"
            if problem:
                problems.append(DataProblem(where, number, column, shown(text), problem))
            elif isinstance(day, dt.date):
                out[name] = day.isoformat()
            continue
        own = scale if name == "overall_grade" else scales.get(criteria.get(name, ""))
        label, problem = _check_answer(text, own.labels if own else (), own)
        if problem or label is None:
            problems.append(DataProblem(where, number, column, shown(text), problem or "not a label"))
        else:
            out[name] = label
    return out


def _expected(folder: Path, cycle: str) -> dict[str, dict[str, str]]:
    """The forms listed in the folder's ``forms.csv`` for the cycle: file -> its row."""
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["file"]: r for r in csv.DictReader(fh) if r.get("cycle") == cycle}


def read_forms(folder: str | Path, *, cycle: str, scales: Mapping[str, GradeScale],
               criteria: Mapping[str, str]) -> Collected:
    """Read every returned form of a cycle in ``folder``.

    Parameters
    ----------
    folder : str or pathlib.Path
        The forms folder (``review sample --forms``), with the returned forms in it.
    cycle : str
    scales : mapping of str to GradeScale
        The data folder's grade scales.
    criteria : mapping of str to str
        Criterion (as written in ``criteria``) -> its scale_id.

    Returns
    -------
    Collected

    Raises
    ------
    DataValidationError
        Every problem in every form, with file, sheet, row and column.
    ParameterError
        If the folder holds no form.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ParameterError(f"forms folder not found: {folder}")
    files = sorted(p for p in folder.glob("*.xlsx") if not p.name.startswith("~$"))
    expected = _expected(folder, cycle)
    if not files and not expected:
        raise ParameterError(f"{folder} holds no audit forms (.xlsx written by `review sample --forms`)")
    problems: list[DataProblem] = []
    rows: list[dict[str, str]] = []
    pending: list[tuple[str, str]] = []
    seen = set()
    for path in files:
        try:
            filled, about, cases, empty = _read_form(path, cycle, scales, criteria, problems)
        except DataValidationError as exc:
            problems.extend(exc.problems)
            continue
        if about is None or about["cycle"] != cycle:
            continue
        seen.add(path.name)
        rows.extend(filled)
        who = f"{about['auditor_id']} ({about['auditor_tier']})"
        if cases and empty == cases:
            pending.append((who, f"{path.name} not yet returned: {cases} case{'s' if cases != 1 else ''}, due {about['due']}"))
        elif empty:
            pending.append((who, f"{path.name}: {empty} of {cases} cases not yet filled, due {about['due']}"))
    for name, row in expected.items():
        if name not in seen:
            pending.append((f"{row['auditor_id']} ({row['auditor_tier']})",
                            f"{name} not yet returned (not in the folder): {row['cases']} cases, due {row['due']}"))
    if problems:
        raise DataValidationError(problems)
    ids = [r["audit_id"] for r in rows]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise ParameterError(f"the same audit is on more than one form: {', '.join(twice[:10])}; keep one copy of "
                             "each returned form in the folder")
    criteria_seen = [c for c in criteria if any(c in r for r in rows)]
    columns = [*AUDIT_COLUMNS, *criteria_seen]
    frame = pd.DataFrame([[r.get(c, "") for c in columns] for r in rows], columns=columns, dtype=object)
    return Collected(frame, len(seen), tuple(f"{who}: {what}" for who, what in sorted(pending)))


def merge_audits(collected: pd.DataFrame, data_folder: str | Path, *, force: bool = False,
                 criteria: tuple[str, ...] = (), check: Callable[[], object] | None = None) -> MergeOutcome:
    """Add collected audits to the data folder's ``audits.csv``.

    Parameters
    ----------
    collected : pandas.DataFrame
        :attr:`Collected.rows`.
    data_folder : str or pathlib.Path
    force : bool, default: ``False``
        Replace audits already in the file whose answers differ (else they are refused).
    criteria : tuple of str
        Every declared criterion, in order: the columns a new ``audits.csv`` gets.
    check : callable, optional
        Run once the file is written (the data folder validated again); when it raises
        :class:`DataValidationError` the file is put back as it was (:func:`review.data.append.merge_rows`).

    Returns
    -------
    MergeOutcome

    Raises
    ------
    ParameterError
        If the dataset is an ``.xlsx`` workbook (collect writes CSV), or an audit already in the
        file differs from its form and ``force`` is not given.
    DataValidationError
        If the existing file cannot be read as a table, or ``check`` fails (nothing is then written).
    """
    rows = [{c: str(v) for c, v in r.items()} for r in collected.to_dict("records")]
    return merge_rows(Path(data_folder), "audits", rows, key="audit_id", force=force,
                      columns=[*AUDIT_COLUMNS, *criteria], what="audit", check=check)
