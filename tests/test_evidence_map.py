"""The evidence map: a council's own names, validated, and judged the same whatever they are."""

from __future__ import annotations

import csv
import shutil

import pytest

from review.analyses import healthcare_commission, jar, lscb_checklist
from review.cli import main
from review.data import load_evidence
from review.data.demo_map import map_markdown
from review.exceptions import DataValidationError

KW = {"cycle": "2009-Q4", "previous": "2009-Q3", "confidence_level": 0.95, "green": 0.8, "red": 0.65}

RENAMED_CRITERIA = {
    "child_seen": "Q1. Child seen?", "child_seen_alone": "Q2 seen alone", "childs_voice": "voice_of_child",
    "risk_identified": "RISK", "cp_plan_quality": "plan SMART", "management_oversight": "mgmt oversight",
    "records_up_to_date": "chronology", "feedback_to_referrer": "referrer letter",
    "reflective_supervision": "reflection", "actions_followed_up": "follow-up",
    "child_participation": "participation", "cp_plan_outcomes": "outcomes", "cp_plan_contingency": "plan B",
    "cp_plan_progress": "progress", "health_records_complete": "health notes", "concerns_shared": "shared",
    "named_professional_advice": "named nurse", "police_information_shared": "police shared",
}
RENAMED_TYPES = {"case file": "CFA", "supervision": "Supervision audit", "CP conference": "ICPC",
                 "LAC review": "IRO review", "multi-agency": "MAA"}


def _rewrite(path, change):
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows = change(rows)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def _renamed_copy(root, tmp_path):
    """The demo with every criterion and audit type renamed, the map renamed with them."""
    folder = tmp_path / "council"
    shutil.copytree(root / "data" / "demo", folder)

    def types(text):
        return "; ".join(RENAMED_TYPES.get(t.strip(), t.strip()) for t in text.split(";")) if text else text

    def audits(rows):
        header = [RENAMED_CRITERIA.get(c, c) for c in rows[0]]
        col = header.index("audit_type")
        return [header] + [[*r[:col], RENAMED_TYPES[r[col]], *r[col + 1:]] for r in rows[1:]]

    def criteria(rows):
        return [rows[0]] + [[RENAMED_CRITERIA.get(r[0], r[0]), r[1], r[2], types(r[3])] for r in rows[1:]]

    def by_column(column, mapping):
        def change(rows):
            i = rows[0].index(column)
            return [rows[0]] + [[*r[:i], mapping.get(r[i], r[i]), *r[i + 1:]] for r in rows[1:]]
        return change

    def emap(rows):
        h = rows[0]
        e, t, src = h.index("evidence"), h.index("audit_type"), h.index("source")
        out = [h]
        for r in rows[1:]:
            r = list(r)
            r[e] = (RENAMED_CRITERIA.get(r[e], r[e]) if r[src] == "criterion" else
                    RENAMED_TYPES.get(r[e], r[e]) if r[src] == "grade" else r[e])
            r[t] = RENAMED_TYPES.get(r[t], r[t])
            out.append(r)
        return out

    _rewrite(folder / "audits.csv", audits)
    _rewrite(folder / "criteria.csv", criteria)
    _rewrite(folder / "audit_types.csv", by_column("audit_type", RENAMED_TYPES))
    _rewrite(folder / "programme.csv", by_column("audit_type", RENAMED_TYPES))
    _rewrite(folder / "evidence_map.csv", emap)
    return folder


def _judged(result_items):
    return [(i.item.item_id, i.judgement.band if i.judgement else None, i.judgement.firm if i.judgement else None,
             [(ln.kind, ln.k, ln.n, ln.unit, ln.band, ln.change.label) for ln in i.evidence])
            for i in result_items]


def test_renamed_criteria_and_audit_types_give_the_same_judgements_and_figures(root, tmp_path):
    demo = load_evidence(root / "data" / "demo")
    council = load_evidence(_renamed_copy(root, tmp_path))
    assert _judged(jar.analyse(council, **KW).findings) == _judged(jar.analyse(demo, **KW).findings)
    for framework in (healthcare_commission, lscb_checklist):
        assert _judged(framework.analyse(council, **KW).items) == _judged(framework.analyse(demo, **KW).items)
    # the renamed criteria are what the council typed, quoted in the sources where a type is named
    j07 = next(f for f in jar.analyse(council, **KW).findings if f.item.item_id == "J07")
    assert sum(ln.kind == "audit" for ln in j07.evidence) == 4  # case-file plan quality + three at conference


def test_an_item_the_map_gives_no_evidence_is_no_evidence_never_red_or_firm(root, tmp_path):
    folder = tmp_path / "demo"
    shutil.copytree(root / "data" / "demo", folder)
    _rewrite(folder / "evidence_map.csv", lambda rows: [rows[0]] + [r for r in rows[1:] if r[1] != "J07"])
    ev = load_evidence(folder)
    j07 = next(f for f in jar.analyse(ev, **KW).findings if f.item.item_id == "J07")
    # only the managers' ratings are left: self-assessed, not evidenced (no band, never firm)
    assert (j07.judgement.band, j07.judgement.basis, j07.judgement.firm) == (
        "self-assessed", "self-assessment only", False)


def test_map_rows_are_validated_with_file_row_column_and_a_near_match(root, tmp_path):
    folder = tmp_path / "demo"
    shutil.copytree(root / "data" / "demo", folder)

    def spoil(rows):
        h = rows[0]
        rows[1][h.index("item")] = "J12"  # no such finding
        rows[2][h.index("evidence")] = "feedback_to_refferer"  # misspelt criterion
        rows[3][h.index("audit_type")] = "case file"  # a record narrowed to an audit type
        return rows

    _rewrite(folder / "evidence_map.csv", spoil)
    with pytest.raises(DataValidationError) as err:
        load_evidence(folder)
    text = str(err.value)
    assert "evidence_map.csv, row 2, column 'item'" in text
    assert "unknown item" in text
    assert "row 3, column 'evidence'" in text
    assert "did you mean 'feedback_to_referrer'?" in text
    assert "row 4, column 'audit_type'" in text
    assert "narrows a criterion only" in text


def test_an_undeclared_audit_type_is_named_once_with_a_count(root, tmp_path):
    folder = tmp_path / "demo"
    shutil.copytree(root / "data" / "demo", folder)
    _rewrite(folder / "audit_types.csv", lambda rows: [r for r in rows if r[0] != "LAC review"])
    with pytest.raises(DataValidationError) as err:
        load_evidence(folder)
    lines = [ln for ln in str(err.value).splitlines() if "'LAC review'" in ln or "LAC review" in ln]
    audits = [ln for ln in lines if ln.strip().startswith("- audits.csv")]
    assert len(audits) == 1  # grouped: one message for every row that names it
    assert "more rows like it" in audits[0]


def test_validate_lists_every_item_with_its_evidence(root, capsys):
    assert main(["validate", str(root / "data" / "demo")]) == 0
    out = capsys.readouterr().out
    assert "  J07: criterion cp_plan_quality, criterion cp_plan_outcomes (CP conference)" in out
    assert "  J10: record indicator_areas_analysed" in out  # audit learning, no longer a count
    assert "  L4.4: no independent evidence" in out
    assert "  J05: criterion risk_identified, indicator NI59 (context), indicator NI60 (context)" in out


def test_the_documented_demo_map_is_the_demo_map(root):
    with (root / "data" / "demo" / "evidence_map.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert (root / "docs" / "evidence_map.md").read_text(encoding="utf-8") == map_markdown(rows) + "\n"


def test_gose_items_without_map_rows_are_no_evidence_on_a_copy_of_the_demo(root, tmp_path):
    """The demo with its map's rows for GOSE items G06-G15 dropped: no item is judged on GOSE's own
    datasets any more; each is grey, or amber or red only on its return's delivery."""
    from types import SimpleNamespace

    from review.analyses.context import Context
    from review.analyses.gose import gose_result
    from review.protection.disclosure import DisclosurePolicy

    later = {f"G{i:02d}" for i in range(6, 16)}
    folder = tmp_path / "demo"
    shutil.copytree(root / "data" / "demo", folder)
    _rewrite(folder / "evidence_map.csv",
             lambda rows: [rows[0]] + [r for r in rows[1:] if not (r[0] == "gose_performance" and r[1] in later)])
    params = SimpleNamespace(confidence_level=0.95, rag_green=0.8, rag_red=0.65)

    def items(path):
        ctx = Context(params, load_evidence(path), DisclosurePolicy(audience="internal"), "2009-Q4", "2009-Q3")
        return {i.item: i for i in gose_result(ctx).items}

    demo, bare = items(root / "data" / "demo"), items(folder)
    for item in sorted(later):
        assert all(ln.kind == "return" for ln in bare[item].judged_lines), item
        expected = {"missing": "red", "late": "amber"}.get(bare[item].delivery, "grey")
        assert bare[item].band == expected, item
        assert bare[item].measures == demo[item].measures, item  # the figures stay
    # with the map, the demo's complaints, allegations, liaison and indicators are judged
    assert {i: demo[i].band for i in ("G06", "G10", "G13", "G15")} == {"G06": "green", "G10": "red", "G13": "red",
                                                                         "G15": "red"}
    # the demo's G12 return came 9 days late: amber on that alone once its expenditure is unmapped
    assert (bare["G12"].delivery, bare["G12"].band) == ("late", "amber")


def test_every_record_measure_the_map_may_name_is_computed():
    from review.analyses.records import MEASURES, RULES
    from review.data.schema import RECORDS

    assert set(MEASURES) == set(RECORDS)
    assert set(RULES) <= set(RECORDS)


def test_validate_does_not_list_a_record_whose_dataset_is_missing_as_evidence(root, tmp_path, capsys):
    """A copy of the demo without scrutiny.csv: J01 and J08 rest on scrutiny records alone, so each
    has no independent evidence and says which dataset is absent; J03 keeps the LSCB's records."""
    folder = tmp_path / "council"
    shutil.copytree(root / "data" / "demo", folder)
    (folder / "scrutiny.csv").unlink()
    assert main(["validate", str(folder)]) == 0
    out = capsys.readouterr().out.splitlines()
    j01 = next(ln for ln in out if ln.startswith("  J01: "))
    j08 = next(ln for ln in out if ln.startswith("  J08: "))
    assert j08 == "  J08: no independent evidence; absent: record scrutiny (scrutiny not in the folder)"
    assert j01.startswith("  J01: no independent evidence")
    assert j01.endswith("absent: record scrutiny_reports (scrutiny not in the folder)")
    assert "record scrutiny_reports, " not in j01
    assert not j01.startswith("  J01: record")
    # with the dataset there, the same rows are evidence
    main(["validate", str(root / "data" / "demo")])
    demo = capsys.readouterr().out
    assert "  J08: record scrutiny" in demo
    assert "absent:" not in demo


def test_every_record_measure_names_the_datasets_it_is_computed_from():
    from review.data.evidence_map import RECORD_DATASETS
    from review.data.schema import DATASETS, RECORDS

    assert set(RECORD_DATASETS) == set(RECORDS)
    for name, datasets in RECORD_DATASETS.items():
        assert datasets, name
        assert set(datasets) <= set(DATASETS), name
        # the schema's own words name each dataset the measure reads
        assert all(d in RECORDS[name] for d in datasets), (name, datasets)
