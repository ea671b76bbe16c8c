"""`review actions propose` and `review actions merge`: every framework's red items as the
pages show them, GOSE included, never a heading, an owner role suggested per item; a reviewed draft
merged into the register with validation, never losing an existing action."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
from openpyxl import load_workbook

from review.analyses import actions
from review.batch.action_draft import headings, propose
from review.cli import main
from review.config.cycles import cycle_bounds
from review.data import load_evidence
from review.data.schema import OWNER_ROLES

CYCLE = "2009-Q4"
FRAMEWORKS = ("jar_haringey", "healthcare_commission", "lscb_checklist", "gose_performance")


def _register(folder) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((folder / "actions.csv").read_text(encoding="utf-8-sig"))))


@pytest.fixture(scope="module")
def drafted(tmp_path_factory, root, demo_run):
    """The published demo run and a draft of the cycle, on a copy of the demo under the demo's params."""
    base = tmp_path_factory.mktemp("actions")
    folder = base / "data"
    shutil.copytree(root / "data" / "demo", folder)
    params = base / "p.yaml"
    text = (root / "params" / f"{CYCLE}.yaml").read_text(encoding="utf-8")
    params.write_text(text.replace('data_dir: "data/demo"', f'data_dir: "{folder}"').replace(
        'thresholds_file: "params/', f'thresholds_file: "{root}/params/'), encoding="utf-8")
    code, pages = demo_run
    assert code == 0
    out = pages.parent
    draft = base / "draft.xlsx"
    # earlier runs read from this test's own output root, never the project's outputs/ folder
    assert main(["actions", "propose", "--cycle", CYCLE, "--params", str(params), "--output-root", str(out),
                 "--out", str(draft)]) == 0
    rows = list(load_workbook(draft)["actions"].iter_rows(values_only=True))
    return folder, params, out / CYCLE, draft, [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_the_draft_agrees_with_what_the_pages_show(drafted):
    folder, _, pages, _, rows = drafted
    shown_red = set()
    for framework in FRAMEWORKS:
        figures = json.loads((pages / f"{framework}.results.json").read_text())["figures"]
        for item in figures.get("items") or figures.get("findings"):
            if (item.get("band") or item.get("judgement")) == "red" and item["item"] not in headings(framework):
                shown_red.add((framework, item["item"]))
    drafted_items = {(r["source"], r["item"]) for r in rows}
    assert any(f == "gose_performance" for f, _ in drafted_items)  # GOSE reds are drafted too
    assert drafted_items <= shown_red  # nothing a page withholds, no heading (L4)
    end = cycle_bounds(CYCLE)[1].isoformat()
    open_now = {(a["source"], a["item"]) for a in _register(folder)
                if a["cycle_raised"] <= CYCLE and (a["status"] in ("open", "in progress") or a["closed_date"] > end)}
    assert shown_red - drafted_items <= open_now  # every red item shown has an action, open or drafted


def test_every_drafted_item_has_an_owner_role(drafted):
    *_, rows = drafted
    assert rows
    assert all(r["owner_role"] in OWNER_ROLES for r in rows)


def test_a_heading_is_never_drafted(root):
    evidence = load_evidence(root / "data" / "demo")
    red = {CYCLE: frozenset({("lscb_checklist", "L4"), ("lscb_checklist", "L4.2")})}
    result = actions.analyse(evidence, cycle=CYCLE, red=red, confidence_level=0.95)
    assert [p.item for p in propose(result, set())] == ["L4.2"]  # L4 is summarised from its sub-items


def _edit(draft, target, change):
    book = load_workbook(draft)
    sheet = book["actions"]
    header = [c.value for c in sheet[1]]
    for r in range(2, sheet.max_row + 1):
        change(r, {h: sheet.cell(r, k + 1) for k, h in enumerate(header)})
    book.save(target)


def test_a_reviewed_draft_merges_and_never_loses_an_action(drafted, tmp_path, capsys):
    folder, params, _, draft, rows = drafted
    before = (folder / "actions.csv").read_bytes()
    unreviewed = tmp_path / "unreviewed.xlsx"
    shutil.copy(draft, unreviewed)
    capsys.readouterr()
    assert main(["actions", "merge", str(unreviewed), "--params", str(params)]) == 2
    assert "still the draft's placeholder" in capsys.readouterr().err
    reviewed = tmp_path / "reviewed.xlsx"
    _edit(draft, reviewed, lambda r, cells: cells["action"].__setattr__("value", f"Agreed plan {r}"))
    assert main(["actions", "merge", str(reviewed), "--params", str(params)]) == 0
    after = (folder / "actions.csv").read_bytes()
    assert after.startswith(before)  # every existing action kept, byte for byte
    register = _register(folder)
    assert {r["action_id"] for r in rows} <= {a["action_id"] for a in register}
    assert main(["validate", str(folder)]) == 0
    assert main(["actions", "merge", str(reviewed), "--params", str(params)]) == 0  # twice: nothing changes
    assert (folder / "actions.csv").read_bytes() == after
    # a draft that would change an existing action is refused whole
    clash = tmp_path / "clash.xlsx"
    _edit(reviewed, clash, lambda r, cells: cells["owner_role"].__setattr__("value", "DCS") if r == 2 else None)
    capsys.readouterr()
    assert main(["actions", "merge", str(clash), "--params", str(params)]) == 2
    assert f"action {rows[0]['action_id']} is already there with owner_role" in capsys.readouterr().err
    assert (folder / "actions.csv").read_bytes() == after


def test_a_wrong_draft_row_is_named_by_file_row_and_column(drafted, tmp_path, capsys):
    folder, params, _, draft, _ = drafted
    held = (folder / "actions.csv").read_bytes()
    wrong = tmp_path / "wrong.xlsx"

    def change(r, cells):
        cells["action"].value = f"Plan {r}"
        if r == 3:
            cells["owner_role"].value = "Team Manager"
            cells["action_id"].value = "new-" + str(cells["action_id"].value)

    _edit(draft, wrong, change)
    capsys.readouterr()
    assert main(["actions", "merge", str(wrong), "--params", str(params)]) == 2
    err = capsys.readouterr().err
    assert "wrong.xlsx[actions], row 3, column 'owner_role': expected one of:" in err
    assert (folder / "actions.csv").read_bytes() == held
