"""History brought forward (issue 30): a council whose data folder holds only 2010-Q1, after a 2009-Q4
run, sees the changes since last quarter and items red for two quarters, read from that run's results."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from review.batch.history import bands_of, carried_history
from review.cli import main
from review.data.schema import DATASETS

FRAMEWORKS = ("jar_haringey", "gose_performance", "lscb_checklist")
SHIFT = dt.timedelta(days=92)  # 2009-10-01 -> 2010-01-01


def _one_quarter(demo: Path, out: Path) -> None:
    """The demo's 2009-Q4 evidence as if it were 2010-Q1, and nothing of any earlier quarter: every dated
    row moved a quarter on (kept inside 2010-Q1), every other cycle's row left out."""
    shutil.copytree(demo, out)
    last = dt.date(2010, 3, 31)
    for name, ds in DATASETS.items():
        path = out / f"{name}.csv"
        if not path.exists():
            continue
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        head, body = rows[0], rows[1:]
        kinds = {c.name: c.kind for c in ds.columns}
        if "cycle" in head:
            body = [r for r in body if r[head.index("cycle")] == "2009-Q4"]
        if name == "actions":  # the register: remedial actions name audits of earlier quarters
            body = [r for r in body if r[head.index("source")] != "audit"]
        for r in body:
            for k, h in enumerate(head):
                if not r[k]:
                    continue
                if kinds.get(h) == "cycle" and r[k] == "2009-Q4" and name != "actions":
                    r[k] = "2010-Q1"
                elif kinds.get(h) == "date" and name not in ("actions", "regulated_services"):
                    r[k] = min(dt.date.fromisoformat(r[k]) + SHIFT, last).isoformat()
                elif kinds.get(h) == "month":
                    y, m = map(int, r[k].split("-"))
                    r[k] = f"{y + (m + 2) // 12}-{(m + 2) % 12 + 1:02d}"
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows([head, *body])
        path.write_text(text.getvalue(), encoding="utf-8")


def test_changes_and_red_runs_from_earlier_results():
    now = {("jar_haringey", "J01"): "red", ("jar_haringey", "J02"): "amber", ("jar_haringey", "J03"): "red",
           ("jar_haringey", "J04"): "withheld"}
    q3 = {("jar_haringey", "J01"): "red", ("jar_haringey", "J02"): "red", ("jar_haringey", "J03"): "withheld",
          ("jar_haringey", "J04"): "green"}
    q2 = {("jar_haringey", "J01"): "red"}
    carried = carried_history(now, [("2009-Q3", q3), ("2009-Q2", q2)], "2009-Q4")
    assert [(c.item, c.before, c.now, c.direction) for c in carried.changes] == [
        ("J02", "red", "amber", "better"), ("J03", "withheld", "red", "changed"), ("J04", "green", "withheld", "changed")]
    assert carried.red_for == {("jar_haringey", "J01"): 3, ("jar_haringey", "J03"): 1}
    assert carried.longer == {("jar_haringey", "J03")}  # its band before is withheld: red longer, maybe
    # a gap of a quarter: nothing to compare with
    assert carried_history(now, [("2009-Q2", q2)], "2009-Q4").changes == ()


def test_bands_are_read_as_the_pages_showed_them():
    results = {"governance": {"figures": {"items": [{"item": "G1", "band": "withheld"}]}},
               "cycle_summary": {"figures": {"complete": True}}}
    assert bands_of(results) == {("governance", "G1"): "withheld"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory, root):
    base = tmp_path_factory.mktemp("history")
    out = base / "outputs"
    picks = [a for f in FRAMEWORKS for a in ("--framework", f)]
    assert main(["run", "--cycle", "2009-Q4", "--output-root", str(out), "--quiet", *picks]) == 0
    data = base / "2010-Q1"
    _one_quarter(root / "data" / "demo", data)
    params = base / "2010-Q1.yaml"
    params.write_text(f'cycle: "2010-Q1"\ndata_dir: "{data}"\n', encoding="utf-8")
    assert main(["validate", str(params), str(data)]) == 0
    assert main(["run", "--cycle", "2010-Q1", "--params", str(params), "--output-root", str(out), "--quiet",
                 *picks]) == 0
    return out, params


def test_a_council_with_one_quarter_sees_changes_since_last_quarter(runs):
    runs, _ = runs
    before = bands_of({f: json.loads((runs / "2009-Q4" / f"{f}.results.json").read_text()) for f in FRAMEWORKS})
    now = bands_of({f: json.loads((runs / "2010-Q1" / f"{f}.results.json").read_text()) for f in FRAMEWORKS})
    changed = {k for k in now if k in before and now[k] != before[k]}
    assert changed  # the demo's quarter, moved on, judges some items differently
    index = (runs / "2010-Q1" / "index.html").read_text()
    assert "Since the last quarter&#x27;s run (2009-Q4)" in index or "Since the last quarter's run (2009-Q4)" in index
    section = index.split('id="since-last"')[1]
    rows = re.findall(r"<tr><td>[^<]*</td><td data-review-nocount>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>",
                      section)
    assert {(i, b, n) for i, b, n in rows} == {(i, before[(f, i)], now[(f, i)]) for f, i in changed}
    red_twice = {i for (f, i), band in now.items() if band == "red" and before.get((f, i)) == "red"}
    assert red_twice
    for item in red_twice:
        assert re.search(rf"<td data-review-nocount>{re.escape(item)}</td><td data-review-nocount>2 quarters", section)


def test_the_published_index_passes_the_disclosure_check(runs, capsys):
    runs, _ = runs
    assert main(["check-report", str(runs / "2010-Q1" / "index.html"), "--threshold", "5"]) == 0


def test_drafted_actions_count_red_runs_begun_before_the_evidence(runs, tmp_path):
    from openpyxl import load_workbook

    out, params = runs
    before = bands_of({f: json.loads((out / "2009-Q4" / f"{f}.results.json").read_text()) for f in FRAMEWORKS})
    draft = tmp_path / "draft.xlsx"
    assert main(["actions", "propose", "--cycle", "2010-Q1", "--params", str(params), "--output-root", str(out),
                 "--out", str(draft)]) == 0
    rows = list(load_workbook(draft)["items"].iter_rows(values_only=True))[1:]
    assert rows
    for item, source, _, red_for, *_ in rows:
        expected = 2 if before.get((source, item)) == "red" else 1
        if source in FRAMEWORKS:
            assert red_for == expected, (source, item)
    assert any(r[3] == 2 for r in rows)
