"""Validation that helps the analyst fix the evidence: grouped repeats with a near-match
hint, totals rows, headings quoted as typed, the auditor's tier against the staff list, the frame's
date rule, and the column mapping of a case-management export."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from review.cli import main


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def _write(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture
def folder(tmp_path, root):
    out = tmp_path / "data"
    shutil.copytree(root / "data" / "demo", out)
    return out


def _problems(folder: Path, capsys) -> list[str]:
    capsys.readouterr()
    assert main(["validate", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return [line for line in err.splitlines() if line.startswith("  - ")]


def test_a_repeated_problem_is_one_line_with_its_rows_and_a_near_match(folder, capsys):
    rows = _rows(folder / "frame.csv")
    team = rows[0].index("team")
    target = rows[1][team]
    changed = [n for n, r in enumerate(rows[1:], start=2) if r[team] == target][:67]
    bad = target[:3] + "\u00e2\u20ac\u2122" + target[3:]  # a right quote, UTF-8 read as Windows-1252
    for n in changed:
        rows[n - 1][team] = bad
    _write(folder / "frame.csv", rows)
    problems = _problems(folder, capsys)
    assert len(problems) == 1, problems
    line = problems[0]
    assert f"frame.csv, rows {', '.join(map(str, changed[:8]))} and 59 more (67 rows), column 'team'" in line
    assert f"did you mean '{target}'?" in line
    assert "mis-encoded" in line


def test_a_totals_row_is_recognised_as_one(folder, capsys):
    rows = _rows(folder / "training.csv")
    rows.append(["Total", "", str(sum(int(r[2]) for r in rows[1:])), str(sum(int(r[3]) for r in rows[1:]))])
    _write(folder / "training.csv", rows)
    problems = _problems(folder, capsys)
    assert problems == [f"  - training.csv, row {len(rows)}, column 'cycle': this row looks like a totals row; "
                        "delete it (the workbook adds up the rows itself, and a totals row would be counted as one "
                        "more record) (found 'Total')"]


def test_a_renamed_criterion_is_quoted_as_typed_with_a_hint(folder, capsys):
    rows = _rows(folder / "audits.csv")
    criterion = _rows(folder / "criteria.csv")[1][0]
    typed = criterion.replace("_", " ").title() + " (Q1)"
    rows[0][rows[0].index(criterion)] = typed
    _write(folder / "audits.csv", rows)
    problems = _problems(folder, capsys)
    assert len(problems) == 1, problems
    assert f"audits.csv, row 1, column '{typed}': the column is neither an audit field nor a criterion" in problems[0]
    assert f"did you mean '{criterion}'?" in problems[0]


def test_the_auditor_tier_is_checked_against_the_staff_list(folder, capsys):
    rows = _rows(folder / "audits.csv")
    head = rows[0]
    staff = {r[0]: (r[1], n) for n, r in enumerate(_rows(folder / "staff.csv")[1:], start=2)}
    auditor, tier = rows[1][head.index("auditor_id")], rows[1][head.index("auditor_tier")]
    other = next(t for t in ("DCS", "AD") if t != tier)
    rows[1][head.index("auditor_tier")] = other
    _write(folder / "audits.csv", rows)
    problems = _problems(folder, capsys)
    assert problems == [f"  - audits.csv, row 2, column 'auditor_tier': the staff list gives auditor {auditor} the "
                        f"tier {staff[auditor][0]} (staff, row {staff[auditor][1]}); expected the auditor's tier as "
                        f"the staff list has it (correct one of the two) (found '{other}')"]


def test_the_frames_date_rule_is_explained(folder, capsys):
    rows = _rows(folder / "frame.csv")
    rows[1][rows[0].index("opened_date")] = "2009-02-01"  # after the first day of its cycle, 2009-Q1
    _write(folder / "frame.csv", rows)
    problems = _problems(folder, capsys)
    assert len(problems) == 1, problems
    assert "opened on or before the cycle's first day" in problems[0]
    assert "belongs to the next cycle's frame" in problems[0]


def test_the_date_rule_is_explained_whatever_the_files_case(folder, capsys):
    """A folder's files are found in any case (Frame.csv); the rule is the dataset's, not the file name's."""
    rows = _rows(folder / "frame.csv")
    rows[1][rows[0].index("opened_date")] = "2009-02-01"
    (folder / "frame.csv").unlink()
    _write(folder / "Frame.csv", rows)
    problems = _problems(folder, capsys)
    assert len(problems) == 1, problems
    assert problems[0].startswith("  - Frame.csv, row 2, column 'opened_date'"), problems[0]
    assert "opened on or before the cycle's first day" in problems[0]


def test_a_column_mapping_renames_an_export_and_problems_quote_its_headings(folder, capsys):
    rows = _rows(folder / "frame.csv")
    rows[0][rows[0].index("case_ref")] = "Child ID"
    rows[0][rows[0].index("allocated_worker")] = "Allocated Social Worker"
    _write(folder / "frame.csv", rows)
    problems = _problems(folder, capsys)
    assert any("column 'case_ref' is missing" in p for p in problems)
    (folder / "column_mapping.csv").write_text(
        "dataset,export_column,column\nframe,Child ID,case_ref\nframe,allocated social worker,allocated_worker\n",
        encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", str(folder)]) == 0
    rows[1][rows[0].index("Child ID")] = " C1"
    _write(folder / "frame.csv", rows)
    assert any("frame.csv, row 2, column 'Child ID': expected an identifier without spaces" in p
               for p in _problems(folder, capsys))


def test_a_wrong_column_mapping_is_named_by_row(folder, capsys):
    (folder / "column_mapping.csv").write_text(
        "dataset,export_column,column\nfrme,Child ID,case_ref\nframe,Child ID,case_reference\n", encoding="utf-8")
    problems = _problems(folder, capsys)
    assert any("column_mapping.csv, row 2, column 'dataset': not a dataset; did you mean 'frame'?" in p
               for p in problems), problems
    assert any("column_mapping.csv, row 3, column 'column': not a column of frame; did you mean 'case_ref'?" in p
               for p in problems), problems


def test_a_formula_without_a_saved_value_is_named_by_row_and_column(folder, capsys):
    from openpyxl import Workbook

    rows = _rows(folder / "teams.csv")
    book = Workbook()
    sheet = book.active
    sheet.title = "teams"
    for row in rows:
        sheet.append(row)
    sheet["B4"] = '=A2&" (merged)"'  # written by a program: no value saved
    book.save(folder / "teams.xlsx")
    (folder / "teams.csv").unlink()
    problems = _problems(folder, capsys)
    assert problems == ["  - teams.xlsx[teams], row 4, column 'B (service)': a formula with no saved value; open "
                        "and save the workbook in Excel (or paste values) so its results are stored "
                        "(found '=A2&\" (merged)\"')"]
