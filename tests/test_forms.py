"""The audit round trip: the draw out to the auditors as forms, and their answers back as evidence."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from review.cli import main
from review.data import load_evidence
from review.stats.sample_draw import draw_sample

CYCLE = "2009-Q4"


def _audits(folder: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((folder / "audits.csv").read_text(encoding="utf-8-sig"))))


def _options(book, formula: str) -> list[object]:
    """The values a drop-down offers, read from the range its rule names."""
    sheet, ref = formula.split("!")
    return [c.value for row in book[sheet][ref.replace("$", "")] for c in row if c.value is not None]


def fill(path: Path, pick: int = 0, rows: int | None = None) -> None:
    """Fill a form as an auditor would: every answer cell through its own drop-down or date rule."""
    book = load_workbook(path)
    sheet = book["form"]
    for rule in sheet.data_validations.dataValidation:
        for span in rule.sqref.ranges:
            for row in range(span.min_row, span.max_row + 1 if rows is None else span.min_row + rows):
                cell = sheet.cell(row, span.min_col)
                if rule.type == "list":
                    values = _options(book, rule.formula1)
                    cell.value = values[(row + pick) % len(values)]
                elif rule.type == "date":
                    y, m, d = map(int, rule.formula1[len("DATE("):-1].split(","))
                    cell.value = dt.date(y, m, d) + dt.timedelta(days=row)
    book.save(path)


@pytest.fixture(scope="module")
def drawn(tmp_path_factory, root):
    """A copy of the demo evidence and the forms of a draw for 2009-Q4 (seed 7)."""
    base = tmp_path_factory.mktemp("roundtrip")
    data, forms, allocation = base / "data", base / "forms", base / "allocation.csv"
    shutil.copytree(root / "data" / "demo", data)
    assert main(["sample", "--cycle", CYCLE, "--data", str(data), "--seed", "7", "--forms", str(forms),
                 "--out", str(allocation)]) == 0
    return data, forms, pd.read_csv(allocation, encoding="utf-8-sig", dtype=str)


def test_one_form_per_auditor_with_the_auditors_cases(drawn, root):
    data, forms, allocation = drawn
    files = sorted(forms.glob("*.xlsx"))
    assert sorted(f.name for f in files) == sorted(f"{CYCLE}-audit-{a}.xlsx" for a in allocation.auditor_id.unique())
    criteria = pd.read_csv(data / "criteria.csv", dtype=str)
    case_file = criteria[criteria.audit_types.str.contains("case file")]
    frame = pd.read_csv(data / "frame.csv", dtype=str)
    frame = frame[frame.cycle == CYCLE].set_index("case_ref")
    for path in files:
        book = load_workbook(path)
        sheet = book["form"]
        auditor = path.stem.split("-audit-")[1]
        header = [c.value for c in sheet[5] if c.value is not None]
        mine = allocation[allocation.auditor_id == auditor]
        cases = [sheet.cell(r, header.index("case_ref") + 1).value for r in range(6, 6 + len(mine))]
        assert sorted(cases) == sorted(mine.case_ref)
        for r, case in enumerate(cases, start=6):  # team and allocated worker, from the frame
            assert sheet.cell(r, header.index("team") + 1).value == frame.loc[case, "team"]
            assert sheet.cell(r, header.index("allocated_worker") + 1).value == frame.loc[case, "allocated_worker"]
        # one column per criterion that applies to case-file audits, in the criteria file's order
        assert header[header.index("overall_grade") + 1:] == list(case_file.criterion)
        assert "due 2009-12-31" in sheet["A2"].value  # the date due (default: the cycle's last day)
        prompts = {}
        for rule in sheet.data_validations.dataValidation:
            column = header[next(iter(rule.sqref.ranges)).min_col - 1]
            prompts[column] = rule.prompt
            if column == "overall_grade":
                assert _options(book, rule.formula1) == ["Outstanding", "Good", "Adequate", "Inadequate"]
            elif column in set(case_file.criterion):
                assert _options(book, rule.formula1) == ["Yes", "No", "N/A"]
        for name, label in zip(case_file.criterion, case_file.label, strict=True):
            assert prompts[name] == label  # the criterion's wording, as help text
        assert set(prompts) == {"audit_date", "overall_grade", *case_file.criterion}
        assert sheet.protection.sheet
        assert book.security.lockStructure
        first_answer = header.index("audit_date") + 1
        assert sheet.cell(6, first_answer).protection.locked is False
        assert sheet.cell(6, len(header)).protection.locked is False
        assert sheet.cell(6, header.index("case_ref") + 1).protection.locked is True
        assert {s.sheet_state for s in book.worksheets} == {"visible"}


def test_the_draw_excludes_files_the_workbook_audited_in_the_last_12_months(root):
    evidence = load_evidence(root / "data" / "demo")
    frame = evidence.table("frame")
    frame = frame[frame.cycle == CYCLE].assign(last_audit_date=None)  # the frame says nothing
    audits = evidence.table("audits")
    recent = set(audits.loc[audits.audit_date >= dt.date(2008, 10, 1), "case_ref"])  # 365 days before 2009-10-01
    assert recent & set(frame.case_ref)
    kwargs = {"staff": evidence.table("staff"), "programme": evidence.table("programme"),
              "as_of": dt.date(2009, 10, 1), "rng": 7}
    assert set(draw_sample(frame, **kwargs).selected.case_ref) & recent  # without the audits: drawn again
    assert not set(draw_sample(frame, **kwargs, audits=audits).selected.case_ref) & recent


def test_weights_are_written_as_auditors_read_them(drawn):
    _, _, allocation = drawn
    # a team's weight is its eligible cases over those drawn: never 49.00000000000001
    assert not allocation.weight.str.contains("0000000|9999999").any()


@pytest.fixture
def collected(drawn, tmp_path):
    """The drawn forms returned, each test with its own copies of the evidence and the forms: the last two
    auditors have not sent theirs back, the second last unfinished; nothing collected yet."""
    drawn_data, forms, allocation = drawn
    data, returned = tmp_path / "data", tmp_path / "returned"
    shutil.copytree(drawn_data, data)
    shutil.copytree(forms, returned)
    files = sorted(returned.glob("*.xlsx"))
    for k, path in enumerate(files[:-2]):  # the last two auditors have not returned theirs
        fill(path, pick=k)
    fill(files[-2], rows=1)  # ... nor finished
    before = (data / "audits.csv").read_bytes()
    return data, returned, files, before


def test_collect_gives_an_audits_dataset_that_validates(collected, capsys):
    data, returned, files, before = collected
    capsys.readouterr()
    assert main(["collect", str(returned), "--cycle", CYCLE, "--into", str(data)]) == 0
    out = capsys.readouterr().out
    assert main(["validate", str(data)]) == 0
    rows = _audits(data)
    new = [r for r in rows if r["audit_id"].startswith(f"{CYCLE}-")]
    assert (data / "audits.csv").read_bytes().startswith(before)  # appended: every earlier byte kept
    filled = {p.stem.split("-audit-")[1] for p in files[:-1]}
    assert {r["auditor_id"] for r in new} == filled
    assert all(r["moderation_of"] == "" and r["cycle"] == CYCLE for r in new)
    last = files[-1].stem.split("-audit-")[1]
    half = files[-2].stem.split("-audit-")[1]
    assert f"{last} (" in out
    assert f"{files[-1].name} not yet returned" in out
    assert f"{half} (" in out
    assert "cases not yet filled" in out
    # a second collect changes nothing
    after = (data / "audits.csv").read_bytes()
    assert main(["collect", str(returned), "--cycle", CYCLE, "--into", str(data)]) == 0
    assert (data / "audits.csv").read_bytes() == after
    assert "0 added" in capsys.readouterr().out


def test_collect_never_replaces_an_audit_without_force(collected, capsys):
    data, returned, files, _ = collected
    assert main(["collect", str(returned), "--cycle", CYCLE, "--into", str(data)]) == 0  # its own first collect
    book = load_workbook(files[0])
    sheet = book["form"]
    header = [c.value for c in sheet[5]]
    column = header.index("overall_grade") + 1
    was = sheet.cell(6, column).value
    sheet.cell(6, column).value = next(g for g in ("Good", "Adequate") if g != was)
    book.save(files[0])
    held = (data / "audits.csv").read_bytes()
    capsys.readouterr()
    assert main(["collect", str(returned), "--cycle", CYCLE, "--into", str(data)]) == 2
    err = capsys.readouterr().err
    assert f"audit {sheet.cell(6, 1).value} is already there with overall_grade {was!r}" in err
    assert (data / "audits.csv").read_bytes() == held
    assert main(["collect", str(returned), "--cycle", CYCLE, "--into", str(data), "--force"]) == 0
    rows = {r["audit_id"]: r for r in _audits(data)}
    assert rows[sheet.cell(6, 1).value]["overall_grade"] != was
    assert main(["validate", str(data)]) == 0


def test_a_wrong_answer_is_named_by_file_sheet_row_and_column(drawn, tmp_path, capsys):
    data, forms, _ = drawn
    shutil.copytree(forms, tmp_path / "forms")
    path = sorted((tmp_path / "forms").glob("*.xlsx"))[0]
    fill(path)
    book = load_workbook(path)
    sheet = book["form"]
    header = [c.value for c in sheet[5]]
    criterion = header[header.index("overall_grade") + 1]
    letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[header.index(criterion)]
    sheet.cell(7, header.index(criterion) + 1).value = "Maybe"
    sheet.cell(6, header.index("audit_date") + 1).value = dt.date(2009, 1, 5)
    book.save(path)
    held = (data / "audits.csv").read_bytes()
    assert main(["collect", str(tmp_path / "forms"), "--cycle", CYCLE, "--into", str(data)]) == 2
    err = capsys.readouterr().err
    assert f"{path.name}[form], row 7, column '{letter} ({criterion})': expected one of: Yes, No, N/A (found 'Maybe')" in err
    assert f"{path.name}[form], row 6, column" in err
    assert "outside cycle 2009-Q4" in err
    assert "Traceback" not in err
    assert (data / "audits.csv").read_bytes() == held


def test_a_run_on_the_collected_audits_reports_them(drawn, tmp_path, root, capsys):
    data, forms, _ = drawn
    folder = tmp_path / "data"
    shutil.copytree(root / "data" / "demo", folder)
    shutil.copytree(forms, tmp_path / "forms")
    for path in sorted((tmp_path / "forms").glob("*.xlsx")):
        fill(path)
    assert main(["collect", str(tmp_path / "forms"), "--cycle", CYCLE, "--into", str(folder)]) == 0
    params = tmp_path / "p.yaml"
    n = {}
    for name, where in (("demo", root / "data" / "demo"), ("collected", folder)):
        params.write_text(f'cycle: "{CYCLE}"\ndata_dir: "{where}"\naudience: "internal"\n', encoding="utf-8")
        out = tmp_path / f"out-{name}"
        assert main(["run", "--cycle", CYCLE, "--params", str(params), "--framework", "jar_haringey",
                     "--output-root", str(out), "--quiet"]) == 0
        results = json.loads(next(out.rglob("jar_haringey.results.json")).read_text())
        n[name] = {e["source"]: e["n"] for f in results["figures"]["findings"] for e in f["evidence"]
                   if e["kind"] == "audit" and e["source"].startswith("case file audits: ")}
    criteria = pd.read_csv(folder / "criteria.csv", dtype=str).set_index("label")["criterion"]
    new = pd.read_csv(folder / "audits.csv", dtype=str, keep_default_na=False)
    new = new[new.audit_id.str.startswith(f"{CYCLE}-")]
    assert len(new)
    for source, before in n["demo"].items():
        answered = (new[criteria[source.removeprefix("case file audits: ")]] != "N/A").sum()
        assert n["collected"][source] == before + answered, source  # each rated answer of the forms counted


def test_moderation_forms_round_trip(drawn, tmp_path, capsys):
    data, _, _ = drawn
    folder = tmp_path / "data"
    shutil.copytree(data, folder)
    forms = tmp_path / "moderation"
    assert main(["sample", "--cycle", CYCLE, "--data", str(folder), "--seed", "3", "--moderation", "--share", "0.2",
                 "--forms", str(forms)]) == 0
    files = sorted(forms.glob("*.xlsx"))
    assert files
    assert all("-moderation-" in f.name for f in files)
    header = [c.value for c in load_workbook(files[0])["form"][5]]
    assert "moderation_of" in header
    for path in files:
        fill(path)
    assert main(["collect", str(forms), "--cycle", CYCLE, "--into", str(folder)]) == 0
    assert main(["validate", str(folder)]) == 0
    audits = pd.read_csv(folder / "audits.csv", dtype=str, keep_default_na=False).set_index("audit_id")
    moderations = audits[audits.index.str.contains(r"-M\d\d$")]
    assert len(moderations)
    first = audits.loc[moderations.moderation_of]
    assert (first.case_ref.to_numpy() == moderations.case_ref.to_numpy()).all()
    assert (first.auditor_id.to_numpy() != moderations.auditor_id.to_numpy()).all()


def test_a_form_not_in_the_folder_is_listed_and_another_cycles_form_refused(drawn, tmp_path, capsys, root):
    _, forms, _ = drawn
    data = tmp_path / "data"
    shutil.copytree(root / "data" / "demo", data)
    folder = tmp_path / "forms"
    shutil.copytree(forms, folder)
    files = sorted(folder.glob("*.xlsx"))
    fill(files[0])
    files[1].unlink()  # its auditor has not sent it back yet
    held = (data / "audits.csv").read_bytes()
    capsys.readouterr()
    assert main(["collect", str(folder), "--cycle", CYCLE, "--into", str(data)]) == 0
    assert f"{files[1].name} not yet returned (not in the folder)" in capsys.readouterr().out
    assert main(["collect", str(folder), "--cycle", "2010-Q1", "--into", str(data)]) == 2
    err = capsys.readouterr().err
    assert f"{files[0].name}[form]: the form is for cycle {CYCLE}, not 2010-Q1" in err
    assert (data / "audits.csv").read_bytes().startswith(held)
