"""The data contract: the demo validates and reproduces; bad input is named by file, row, column."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from review.cli import main
from review.data import DATASETS, load_evidence
from review.data.demo import DEMO_SEED, write_demo
from review.exceptions import DataValidationError
from review.stats import agreement as ag


@pytest.fixture(scope="module")
def evidence(root):
    return load_evidence(root / "data" / "demo")


@pytest.fixture
def folder(root, tmp_path):
    """A writable copy of the demo data."""
    target = tmp_path / "data"
    shutil.copytree(root / "data" / "demo", target)
    return target


def _edit(path: Path, change) -> None:
    """Rewrite a CSV through ``change(rows)``, where rows[0] is the header."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    change(rows)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _set(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell; ``row`` is the row number as seen in the file (header = 1)."""
    def change(rows):
        rows[row - 1][rows[0].index(column)] = value
    _edit(path, change)


def _problems(folder: Path) -> list[str]:
    with pytest.raises(DataValidationError) as info:
        load_evidence(folder)
    return [str(p) for p in info.value.problems]


def test_demo_validates(evidence):
    assert evidence.cycles == ["2009-Q1", "2009-Q2", "2009-Q3", "2009-Q4"]
    assert set(evidence.tables) == set(DATASETS)
    assert len(evidence.table("frame")) == 8000
    assert "child_seen_alone" in evidence.criteria
    assert evidence.scales["ofsted_2008"].rated == ("Outstanding", "Good", "Adequate", "Inadequate")
    assert evidence.scales["compliance"].not_applicable == frozenset({"N/A"})


def test_demo_data_command_reproduces_the_committed_data_byte_for_byte(root, tmp_path):
    assert main(["demo-data", "--seed", str(DEMO_SEED), str(tmp_path)]) == 0
    committed = sorted(p.name for p in (root / "data" / "demo").iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == committed
    for name in committed:
        assert (tmp_path / name).read_bytes() == (root / "data" / "demo" / name).read_bytes(), name


def test_another_seed_gives_other_data(tmp_path):
    write_demo(tmp_path / "a", seed=1, cases=300)
    write_demo(tmp_path / "b", seed=2, cases=300)
    assert (tmp_path / "a" / "audits.csv").read_bytes() != (tmp_path / "b" / "audits.csv").read_bytes()
    load_evidence(tmp_path / "a")  # any seed gives valid data


def test_loading_twice_gives_identical_frames_and_changes_no_file(folder):
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    a, b = load_evidence(folder), load_evidence(folder)
    for name in a.tables:
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name])
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()} == before


def test_tables_are_copies(evidence):
    audits = evidence.table("audits")
    audits.loc[:, "team"] = "changed"
    assert (evidence.table("audits")["team"] != "changed").all()


# --- each kind of problem, named by file, row and column ---------------------------------------

def test_misspelt_column(folder):
    _edit(folder / "audits.csv", lambda rows: rows[0].__setitem__(rows[0].index("audit_date"), "audit_dat"))
    problems = _problems(folder)
    assert "audits.csv, row 1, column 'audit_date': column 'audit_date' is missing (date the audit was " \
           "completed (inside the cycle)); is 'audit_dat' it, misspelt?" in problems


def test_unknown_column_in_a_fixed_file(folder):
    _edit(folder / "teams.csv", lambda rows: [r.append("x") for r in rows])
    assert any("teams.csv, row 1, column 'x': unknown column 'x'; the columns of teams are: team, service" in p
               for p in _problems(folder))


def test_undeclared_criterion_column(folder):
    _edit(folder / "audits.csv", lambda rows: [r.append("") for r in rows] and rows[0].__setitem__(-1, "smart_plan"))
    assert any("column 'smart_plan': the column is neither an audit field nor a criterion declared in criteria" in p
               for p in _problems(folder))


def test_unknown_tier_and_grade(folder):
    _set(folder / "audits.csv", 5, "auditor_tier", "Team leader")
    _set(folder / "audits.csv", 6, "overall_grade", "Very good")
    problems = _problems(folder)
    assert "audits.csv, row 5, column 'auditor_tier': expected a tier: ATM, TM, SM, AD, DCS, IRO, CP chair, QA, " \
           "Partner agency (found 'Team leader')" in problems
    assert "audits.csv, row 6, column 'overall_grade': not a label of scale ofsted_2008; expected one of: " \
           "Outstanding, Good, Adequate, Inadequate; did you mean 'Good'? (found 'Very good')" in problems


def test_labels_match_without_regard_to_case_and_spaces(folder):
    _set(folder / "audits.csv", 5, "auditor_tier", "  tm ")
    _set(folder / "audits.csv", 5, "overall_grade", "GOOD ")
    audits = load_evidence(folder).table("audits")
    row = audits[audits.source_row == 5].iloc[0]
    assert (row.auditor_tier, row.overall_grade) == ("TM", "Good")


def test_duplicate_audit_ids(folder):
    rows = list(csv.reader(io.StringIO((folder / "audits.csv").read_text())))
    _set(folder / "audits.csv", 10, "audit_id", rows[2][0])
    assert f"audits.csv, row 10, column 'audit_id': duplicate audit_id (first on row 3) (found '{rows[2][0]}')" \
        in _problems(folder)


def test_a_pair_of_audits_of_one_case_by_the_same_auditor(folder, evidence):
    audits = evidence.table("audits")
    moderation = audits[audits.moderation_of.notna()].iloc[0]
    original = audits[audits.audit_id == moderation.moderation_of].iloc[0]
    _set(folder / "audits.csv", int(moderation.source_row), "auditor_id", original.auditor_id)
    _set(folder / "audits.csv", int(moderation.source_row), "auditor_tier", original.auditor_tier)
    assert any(p.startswith(f"audits.csv, row {moderation.source_row}, column 'auditor_id': a pair of audits of "
                            "one case by the same auditor") for p in _problems(folder))


def test_dates_that_do_not_parse_or_fall_outside_the_cycle(folder):
    _set(folder / "audits.csv", 2, "audit_date", "31/02/2009")
    _set(folder / "audits.csv", 3, "audit_date", "2010-06-01")
    problems = _problems(folder)
    assert "audits.csv, row 2, column 'audit_date': expected a date: 2009-04-01, 01/04/2009 or an Excel date " \
           "(found '31/02/2009')" in problems
    assert "audits.csv, row 3, column 'audit_date': the date is outside cycle 2009-Q1 (2009-01-01 to 2009-03-31) " \
           "(found '2010-06-01')" in problems


def test_uk_and_excel_dates_parse(folder, evidence):
    day = evidence.table("audits").set_index("source_row").loc[2, "audit_date"]
    _set(folder / "audits.csv", 2, "audit_date", day.strftime("%d/%m/%Y"))
    _set(folder / "audits.csv", 3, "audit_date", str((day - pd.Timestamp("1899-12-30").date()).days))
    audits = load_evidence(folder).table("audits").set_index("source_row")
    assert audits.loc[2, "audit_date"] == day
    assert audits.loc[3, "audit_date"] == day


def test_empty_file(folder):
    (folder / "teams.csv").write_text("", encoding="utf-8")
    assert "teams.csv: the file is empty (no header row)" in _problems(folder)


def test_missing_required_file(folder):
    (folder / "frame.csv").unlink()
    assert any(p.startswith("frame.csv: required file is missing") for p in _problems(folder))


def test_case_not_in_the_frame(folder):
    _set(folder / "audits.csv", 4, "case_ref", "C999999")
    problems = _problems(folder)
    assert any(p.startswith("audits.csv, row 4, column 'case_ref': the case is not in the sampling frame (frame) "
                            "for cycle 2009-Q1") for p in problems)


def test_negative_and_fractional_counts_and_numerator_above_denominator(folder):
    _set(folder / "indicators.csv", 2, "numerator", "-3")
    _set(folder / "indicators.csv", 3, "denominator", "12.5")
    _set(folder / "indicators.csv", 4, "numerator", "100000")
    problems = _problems(folder)
    assert "indicators.csv, row 2, column 'numerator': expected a whole number, 0 or more (a count cannot be " \
           "negative) (found '-3')" in problems
    assert "indicators.csv, row 3, column 'denominator': expected a whole number (found '12.5')" in problems
    assert any(p.startswith("indicators.csv, row 4, column 'numerator': numerator (100000) is above denominator")
               for p in problems)


def test_all_problems_in_all_files_are_reported_together(folder):
    _set(folder / "audits.csv", 5, "auditor_tier", "Team leader")
    _set(folder / "indicators.csv", 2, "numerator", "-3")
    (folder / "teams.csv").write_text("", encoding="utf-8")
    problems = _problems(folder)
    assert len(problems) >= 3
    assert {p.split(",")[0].split(":")[0] for p in problems} >= {"audits.csv", "indicators.csv", "teams.csv"}


def test_validate_command_prints_problems_and_exits_2_without_traceback(folder, capsys):
    _set(folder / "audits.csv", 5, "auditor_tier", "Team leader")
    assert main(["validate", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "audits.csv, row 5, column 'auditor_tier'" in err
    assert "Traceback" not in err


def test_missing_folder_is_named(tmp_path):
    with pytest.raises(DataValidationError, match="data folder not found"):
        load_evidence(tmp_path / "nowhere")


# --- encodings and Excel ------------------------------------------------------------------------

def test_bom_and_windows_1252_csv(folder):
    text = (folder / "teams.csv").read_text(encoding="utf-8").replace("Fostering Support", "Fostering Support \u2013 South")
    _edit(folder / "frame.csv", lambda rows: [r.__setitem__(2, r[2].replace("Fostering Support", "Fostering Support \u2013 South"))
                                              for r in rows[1:]])
    _edit(folder / "audits.csv", lambda rows: [r.__setitem__(4, r[4].replace("Fostering Support", "Fostering Support \u2013 South"))
                                               for r in rows[1:]])
    (folder / "teams.csv").write_bytes(text.encode("cp1252"))
    (folder / "staff.csv").write_bytes(b"\xef\xbb\xbf" + (folder / "staff.csv").read_bytes())
    evidence = load_evidence(folder)
    assert "Fostering Support \u2013 South" in set(evidence.table("teams")["team"])
    assert list(evidence.table("staff").columns[:2]) == ["staff_id", "tier"]


def test_xlsx_with_excel_dates(folder):
    audits = pd.read_csv(folder / "audits.csv", dtype=str, keep_default_na=False)
    audits["audit_date"] = pd.to_datetime(audits["audit_date"])  # real Excel date cells
    with pd.ExcelWriter(folder / "audits.xlsx") as writer:
        audits.to_excel(writer, sheet_name="Audits", index=False)
    (folder / "audits.csv").unlink()
    from_csv = load_evidence(folder.parent / "data").table("audits")
    assert len(from_csv) == len(audits)
    assert from_csv["source_row"].iloc[0] == 2
    assert from_csv["audit_date"].iloc[0].isoformat() == audits["audit_date"].iloc[0].date().isoformat()


# --- the synthetic data recover their ground truth -------------------------------------------
# The committed demo is one draw from the simulation, so each check uses the 99% interval: a wrong
# sign or scale still fails, an unlucky draw does not.

def test_moderation_recovers_the_simulated_leniency(evidence, root):
    truth = json.loads((root / "data" / "demo" / "ground_truth.json").read_text())
    audits = evidence.table("audits")
    cf = audits[audits.audit_type == "case file"].assign(key=lambda d: d.cycle + "|" + d.case_ref)
    pairs = ag.moderation_pairs(cf, unit="key", tier="auditor_tier", grade="overall_grade",
                                tiers=["ATM", "TM", "SM", "AD", "DCS"], auditor="auditor_id")
    results = {(r.auditor_tier, r.moderator_tier): r
               for r in ag.tier_agreement(pairs, scale=evidence.scales["ofsted_2008"].rated, confidence_level=0.99)}
    expected = pd.DataFrame(truth["moderation_pairs"])
    expected["tier"] = expected["auditor"].str.extract(r"^([A-Z]+)")[0]
    tm = results[("TM", "SM")]
    assert tm.difference_ci.low < expected.loc[expected.tier == "TM", "expected_difference"].mean() < tm.difference_ci.high
    assert tm.mean_difference > 0  # team managers grade more generously than their moderators
    steps = ag.moderation_pairs(cf, unit="key", tier="auditor_tier", grade="overall_grade",
                                tiers=["ATM", "TM", "SM", "AD", "DCS"])
    pos = {g: i for i, g in enumerate(truth["grades"])}
    diff = (steps.moderator_grade.map(pos) - steps.auditor_grade.map(pos)).to_numpy(dtype=float)
    half = 2.576 * diff.std(ddof=1) / np.sqrt(diff.size)
    assert abs(diff.mean() - expected["expected_difference"].mean()) < half


def test_the_kappa_paradox_shows_in_the_demo(evidence):
    audits = evidence.table("audits")
    answers = audits[audits.audit_type == "case file"].assign(key=lambda d: d.cycle + "|" + d.case_ref)
    pairs = ag.moderation_pairs(answers, unit="key", tier="auditor_tier", grade="child_seen",
                                tiers=["ATM", "TM", "SM", "AD", "DCS"])
    pairs = pairs[(pairs.auditor_tier == "TM") & (pairs.moderator_tier == "SM")]
    result = ag.tier_agreement(pairs, scale=["Yes", "No"], weights="unweighted")[0]
    assert result.exact_agreement > 0.85
    assert result.weighted_kappa.statistic < result.ac.statistic - 0.2


def test_ni59_shift_is_recovered(evidence, root):
    truth = json.loads((root / "data" / "demo" / "ground_truth.json").read_text())["indicator_shift"]
    ni = evidence.table("indicators")
    ni = ni[ni.indicator == "NI59"]
    after = ni.cycle >= truth["from_cycle"]
    for subset, rate in ((ni[~after], truth["before"]), (ni[after], truth["after"])):
        k, n = subset.numerator.sum(), subset.denominator.sum()
        p = k / n
        assert abs(p - rate) < 2.576 * np.sqrt(p * (1 - p) / n)  # inside the 99% interval
    assert ni[after].numerator.sum() / ni[after].denominator.sum() - ni[~after].numerator.sum() / ni[
        ~after].denominator.sum() > 0.1


def test_the_documented_contract_matches_the_schema(root):
    doc = (root / "docs" / "data.md").read_text(encoding="utf-8")
    for name, ds in DATASETS.items():
        assert f"### `{name}`" in doc, name
        for column in ds.columns:
            assert f"| `{column.name}` |" in doc, f"{name}.{column.name}"
        example = doc.split(f"first rows of `data/demo/{name}.csv`")[1].split("```csv\n")[1].split("\n")[0]
        assert example == ",".join(c.name for c in ds.columns) or ds.extra_columns, name


def test_lscb_records_are_validated(folder):
    # row 3 of the demo's lscb_challenges is CH002, raised 2009-01-23 and answered 2009-03-03
    _set(folder / "lscb_challenges.csv", 3, "answered_date", "2009-01-02")
    _set(folder / "lscb_challenges.csv", 2, "raised_date", "2009-05-01")  # CH001 belongs to 2009-Q1
    _set(folder / "lscb_board.csv", 2, "chair_independent", "perhaps")
    problems = _problems(folder)
    assert any("lscb_challenges" in p and "row 3" in p and "answered_date" in p and "answered before" in p
               for p in problems), problems
    assert any("lscb_challenges" in p and "row 2" in p and "outside cycle 2009-Q1" in p for p in problems), problems
    assert any("lscb_board" in p and "row 2" in p and "chair_independent" in p for p in problems), problems
