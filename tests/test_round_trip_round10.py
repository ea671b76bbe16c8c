"""Issue 30's "Done when", end to end, on a council that is not the demo (round 10 of the round trip).

A council starts from nothing: `review init`, its templates filled with its own criterion, scale, audit
type and team names and one quarter (2010-Q1), no audits yet. Working in its own folder, the analyst
makes a key, draws the sample with forms, has them filled through their drop-downs, collects them and
runs the reports after a 2009-Q4 run, and sees the changes since last quarter. Each step is what
a new analyst found failing: paths typed in the council's folder were read from the project folder,
the draw assumed the demo's audit type name, and collect changed the data folder even when the result
did not validate, or wrote a column-mapped audits file under new headings.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from test_forms import fill

from review.cli import main
from review.data.append import merge_rows
from review.protection.pseudonym import KEY_ENV, KEY_FILE_ENV
from review.results.history import bands

CYCLE = "2010-Q1"
SCALES = {"qa4": [("Excellent", "yes", "no"), ("Good", "yes", "no"), ("Requires improvement", "no", "no"),
                  ("Poor", "no", "no")],
          "met": [("Met", "yes", "no"), ("Not met", "no", "no"), ("Not applicable", "no", "yes")]}
CRITERIA = {"SeenAlone": "Was the young person seen on their own?",
            "WishesFeelings": "Are the young person's wishes and feelings recorded?",
            "RiskAnalysis": "Does the assessment analyse risk, including history?",
            "MgrOversight": "Is a manager's decision recorded on file?"}
TEAMS = {"Duty & Assessment": "Front Door", "Safeguarding East": "Safeguarding", "Children's Disability": "Specialist"}
MAP = {"J05": "RiskAnalysis", "J06": "MgrOversight", "J07": "SeenAlone", "J08": "WishesFeelings"}


def _header(template: Path) -> list[str]:
    return next(csv.reader(io.StringIO(template.read_text(encoding="utf-8-sig"))))


def _csv(folder: Path, name: str, rows: list[dict[str, object]]) -> None:
    header = _header(folder / "templates" / "csv" / f"{name}.csv")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([header, *[[r.get(h, "") for h in header] for r in rows]])
    (folder / "data" / f"{name}.csv").write_text(out.getvalue(), encoding="utf-8")


def _xlsx(folder: Path, name: str, rows: list[dict[str, object]]) -> None:
    book = load_workbook(folder / "templates" / "xlsx" / f"{name}.xlsx")
    sheet = book[name]
    header = [c.value for c in sheet[1]]
    for r in rows:
        sheet.append([r.get(h) for h in header])
    book.save(folder / "data" / f"{name}.xlsx")


def _audits(data: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((data / "audits.csv").read_text(encoding="utf-8-sig"))))


@pytest.fixture(scope="module")
def council(tmp_path_factory):
    """`review init`, then the templates filled (three through their xlsx drop-downs), no audits yet."""
    folder = tmp_path_factory.mktemp("northfield") / "northfield"
    assert main(["init", str(folder), "--cycle", CYCLE]) == 0
    _xlsx(folder, "grade_scales", [{"scale_id": s, "position": k, "label": label, "good_or_better": good,
                                    "not_applicable": na}
                                   for s, labels in SCALES.items() for k, (label, good, na) in enumerate(labels, 1)])
    _csv(folder, "criteria", [{"criterion": c, "label": q, "scale_id": "met", "audit_types": "File audit"}
                              for c, q in CRITERIA.items()])
    _csv(folder, "audit_types", [{"audit_type": "File audit", "kind": "case file", "label": "Practice file audits"}])
    _xlsx(folder, "teams", [{"team": t, "service": s} for t, s in TEAMS.items()])
    staff = [{"staff_id": f"{who}{k}", "tier": tier, "team": team, "service": TEAMS[team]}
             for k, team in enumerate(TEAMS, 1) for who, tier in (("PM", "ATM"), ("MGR", "TM"))]
    staff += [{"staff_id": f"HOS{k}", "tier": "SM", "service": s} for k, s in enumerate(("Front Door", "Safeguarding"), 1)]
    _xlsx(folder, "staff", staff)
    _csv(folder, "programme", [{"tier": t, "audit_type": "File audit", "quota_per_auditor": q, "from_cycle": CYCLE}
                               for t, q in (("ATM", 2), ("TM", 3), ("SM", 2))])
    _csv(folder, "frame", [{"cycle": CYCLE, "case_ref": f"NF-{5000 + i}", "team": list(TEAMS)[i % 3],
                            "case_type": ("CIN", "CP", "LAC")[i % 3], "allocated_worker": f"SW{i % 3}{i % 5}",
                            "team_manager": f"MGR{i % 3 + 1}", "opened_date": f"2009-{i % 12 + 1:02d}-15"}
                           for i in range(90)])
    _csv(folder, "evidence_map", [{"framework": "jar_haringey", "item": i, "source": "criterion", "evidence": c,
                                   "role": "tests", "reason": "the council's own question on this finding"}
                                  for i, c in MAP.items()])
    return folder


@pytest.fixture(scope="module")
def key_env(council):
    """The council's key, made by `review key new` in its folder; the environment names it for the module."""
    patch = pytest.MonkeyPatch()
    patch.delenv(KEY_ENV, raising=False)
    patch.delenv(KEY_FILE_ENV, raising=False)
    patch.chdir(council)  # the analyst works in the council's own folder: every path below is typed from there
    assert main(["validate", "params.yaml"]) == 2  # no key yet: said before any run would need it
    assert main(["key", "new", "council.key"]) == 0
    patch.setenv(KEY_FILE_ENV, str(council / "council.key"))
    yield council / "council.key"
    patch.undo()


@pytest.fixture(scope="module")
def drawn(council, key_env):
    """The sample drawn with forms, every form but one filled through its drop-downs (before collecting)."""
    assert main(["validate", "params.yaml"]) == 0
    assert main(["sample", "--cycle", CYCLE, "--params", "params.yaml", "--seed", "11", "--forms", "forms",
                 "--grade-scale", "qa4"]) == 0
    files = sorted((council / "forms").glob("*.xlsx"))
    for path in files[1:]:  # the first auditor has not sent theirs back
        fill(path)
    return council / "forms", files


def test_key_new_from_the_councils_folder_is_owner_only(key_env):
    assert os.stat(key_env).st_mode & 0o777 == 0o600
    assert re.fullmatch(r"[0-9a-f]{64}\n?", key_env.read_text(encoding="ascii"))


def test_forms_are_drawn_for_the_councils_own_audit_type_and_wording(drawn):
    forms, files = drawn
    listed = list(csv.DictReader(io.StringIO((forms / "forms.csv").read_text(encoding="utf-8-sig"))))
    assert sorted(r["file"] for r in listed) == [f.name for f in files]
    assert len({r["auditor_id"] for r in listed}) == len(files)  # one form per auditor
    book = load_workbook(files[1])
    sheet = book["form"]
    header = [c.value for c in sheet[5] if c.value is not None]
    assert header[header.index("overall_grade") + 1:] == list(CRITERIA)  # the council's criteria, in order
    assert {sheet.cell(r, header.index("audit_type") + 1).value for r in range(6, sheet.max_row + 1)} - {None} == {
        "File audit"}  # audit_types' case-file kind, not the demo's name
    prompts = {header[next(iter(rule.sqref.ranges)).min_col - 1]: rule.prompt
               for rule in sheet.data_validations.dataValidation}
    assert all(prompts[c] == q for c, q in CRITERIA.items())


def test_a_draw_for_an_audit_type_the_programme_lacks_says_which_it_has(drawn, capsys):
    capsys.readouterr()
    assert main(["sample", "--cycle", CYCLE, "--params", "params.yaml", "--seed", "11", "--dry-run",
                 "--audit-type", "file audits"]) == 2
    err = capsys.readouterr().err
    assert "`--audit-type` 'file audits' is not in the programme" in err
    assert "did you mean 'File audit'?" in err
    assert "Traceback" not in err


def test_a_collect_the_folder_would_not_validate_after_writes_nothing(drawn, tmp_path, capsys):
    forms, files = drawn
    data = tmp_path / "data"
    shutil.copytree(Path("data"), data)
    book = load_workbook(files[1])
    case = book["form"]["B6"].value
    before = (data / "audits.csv").read_bytes() if (data / "audits.csv").exists() else None
    frame = (data / "frame.csv").read_text(encoding="utf-8").splitlines()
    (data / "frame.csv").write_text("\n".join(r for r in frame if f",{case}," not in r) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["collect", str(forms), "--cycle", CYCLE, "--into", str(data)]) == 2
    err = capsys.readouterr().err
    assert f"(found '{case}')" in err  # the case the forms name is not in this folder's frame
    assert "nothing was written: audits.csv is as it was" in err
    assert ((data / "audits.csv").read_bytes() if (data / "audits.csv").exists() else None) == before


def test_done_when_a_first_quarter_round_trips_and_sees_changes_since_last_quarter(drawn, tmp_path, capsys, root):
    forms, files = drawn
    data = Path("data")
    capsys.readouterr()
    assert main(["collect", "forms", "--cycle", CYCLE, "--params", "params.yaml"]) == 0
    out = capsys.readouterr().out
    first = files[0].stem.split("-audit-")[1]
    assert f"{first} (" in out
    assert f"{files[0].name} not yet returned" in out
    rows = _audits(data)
    on_forms = sum(1 for f in files[1:] for r in load_workbook(f)["form"].iter_rows(min_row=6, max_col=1)
                   if r[0].value)
    assert len(rows) == on_forms  # one audit per case on the returned forms
    assert {r["audit_type"] for r in rows} == {"File audit"}
    held = (data / "audits.csv").read_bytes()
    assert main(["collect", "forms", "--cycle", CYCLE, "--params", "params.yaml"]) == 0  # twice: same file
    assert (data / "audits.csv").read_bytes() == held
    assert main(["validate", "params.yaml", "data"]) == 0

    outputs = tmp_path / "outputs"
    common = ["--framework", "jar_haringey", "--output-root", str(outputs), "--quiet"]
    # last quarter's run is the same council's (earlier runs of another authority are never compared):
    # the demo's 2009-Q4 params under the council's own name
    authority = re.search(r'^authority: (".*?")', Path("params.yaml").read_text(encoding="utf-8"), re.M).group(1)
    earlier = (root / "params" / "2009-Q4.yaml").read_text(encoding="utf-8").replace(
        'data_dir: "data/demo"', f'data_dir: "{(root / "data" / "demo").as_posix()}"\nauthority: {authority}').replace(
        'thresholds_file: "params/thresholds/demo.yaml"', f'thresholds_file: "{(root / "params" / "thresholds" / "demo.yaml").as_posix()}"')
    Path("earlier.yaml").write_text(earlier, encoding="utf-8")
    assert main(["run", "--cycle", "2009-Q4", "--params", "earlier.yaml", *common]) == 0
    assert main(["run", "--cycle", CYCLE, "--params", "params.yaml", *common]) == 0
    results = json.loads((outputs / CYCLE / "jar_haringey.results.json").read_text())
    n = {e["source"]: e["n"] for f in results["figures"]["findings"] for e in f["evidence"] if e["kind"] == "audit"}
    for criterion, question in CRITERIA.items():  # every answer on the forms but "Not applicable" is counted
        rated = sum(1 for r in rows if r[criterion] in ("Met", "Not met"))
        assert n[f"Practice file audits: {question}"] == rated, criterion

    before = bands({"jar_haringey": json.loads((outputs / "2009-Q4" / "jar_haringey.results.json").read_text())})
    now = bands({"jar_haringey": results})
    changed = {k for k in now if k in before and now[k] != before[k]}
    assert changed  # the council's own items (J05-J08) and those it has no evidence for now
    index = (outputs / CYCLE / "index.html").read_text(encoding="utf-8")
    section = index.split('id="since-last"')[1]
    shown = re.findall(r"<tr><td>(?:<span class=\"review-quote\">)?[^<]*(?:</span>)?</td><td data-review-nocount>"
                       r"([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>", section)  # the report's title quoted
    assert set(shown) == {(i, before[(f, i)], now[(f, i)]) for f, i in changed}


def test_collect_into_a_column_mapped_audits_file_keeps_its_headings(drawn, tmp_path, capsys):
    forms, files = drawn
    if not Path("data/audits.csv").exists():
        assert main(["collect", "forms", "--cycle", CYCLE, "--params", "params.yaml"]) == 0
    data = tmp_path / "data"
    shutil.copytree(Path("data"), data)
    text = (data / "audits.csv").read_text(encoding="utf-8")
    head, body = text.split("\n", 1)
    exported = head.replace("audit_id", "Audit Ref").replace("SeenAlone", "Seen alone?")  # the system's headings
    (data / "audits.csv").write_text(f"{exported}\n{body}", encoding="utf-8")
    (data / "column_mapping.csv").write_text("dataset,export_column,column\naudits,Audit Ref,audit_id\n"
                                             "audits,Seen Alone?,SeenAlone\n", encoding="utf-8")
    held = (data / "audits.csv").read_bytes()
    assert main(["collect", str(forms), "--cycle", CYCLE, "--into", str(data)]) == 0  # the same audits: no change
    assert (data / "audits.csv").read_bytes() == held
    book = load_workbook(files[1])
    sheet = book["form"]
    header = [c.value for c in sheet[5]]
    cell = sheet.cell(6, header.index("SeenAlone") + 1)
    was = cell.value
    cell.value = "Met" if was != "Met" else "Not met"
    book.save(tmp_path / files[1].name)
    shutil.copytree(forms, tmp_path / "changed")
    shutil.copy(tmp_path / files[1].name, tmp_path / "changed" / files[1].name)
    capsys.readouterr()
    assert main(["collect", str(tmp_path / "changed"), "--cycle", CYCLE, "--into", str(data)]) == 2
    assert f"is already there with Seen alone? {was!r}" in capsys.readouterr().err  # its heading, as written
    assert (data / "audits.csv").read_bytes() == held  # never replaced without --force
    assert main(["collect", str(tmp_path / "changed"), "--cycle", CYCLE, "--into", str(data), "--force"]) == 0
    after = list(csv.DictReader(io.StringIO((data / "audits.csv").read_text(encoding="utf-8"))))
    assert list(after[0])[0] == "Audit Ref"
    assert "Seen alone?" in after[0]
    assert "audit_id" not in after[0]
    assert "SeenAlone" not in after[0]
    assert len(after) == body.count("\n")  # replaced, not added again
    audit = sheet.cell(6, 1).value
    assert next(r for r in after if r["Audit Ref"] == audit)["Seen alone?"] == cell.value
    assert main(["validate", str(data)]) == 0


def test_rows_a_windows_1252_file_cannot_hold_rewrite_it_as_utf8(tmp_path):
    path = tmp_path / "actions.csv"
    path.write_bytes("action_id,action\nX1,Café visit\n".encode("cp1252"))
    merge_rows(tmp_path, "actions", [{"action_id": "X2", "action": "Zürich"}], key="action_id", force=False,
               columns=["action_id", "action"], what="action")
    assert path.read_bytes() == "action_id,action\nX1,Café visit\nX2,Zürich\n".encode("cp1252")  # appended
    merge_rows(tmp_path, "actions", [{"action_id": "X3", "action": "Łódź visit"}], key="action_id", force=False,
               columns=["action_id", "action"], what="action")  # Ł is not in Windows-1252
    assert path.read_text(encoding="utf-8") == "action_id,action\nX1,Café visit\nX2,Zürich\nX3,Łódź visit\n"
