"""The run's disclosure log: lifted out of the executed notebooks, written beside the pack,
never in it; review check-report flags a file that holds one."""

from __future__ import annotations

import json

import nbformat

from review.protection.disclosure import DisclosurePolicy
from review.protection.disclosure_log import LOG_MIME, collect, log_path, page_record, write_log
from review.protection.linked import LinkedFigures
from review.protection.report_check import check_file


def _decision():
    reg = LinkedFigures(DisclosurePolicy())
    for name, v in [("physical", 9), ("sexual", 2), ("emotional", 19)]:
        reg.add(name, v, "children", page="gose_performance", label=f"plans started: {name}")
    reg.add("started", 30, "children", page="gose_performance", label="plans started")
    reg.total("started", ["physical", "sexual", "emotional"], name="categories add up to the plans started")
    return reg.solve()


def test_the_log_is_lifted_out_of_the_notebooks_and_written_outside_the_pack(tmp_path):
    staging = tmp_path / "staging"
    staging.mkdir()
    record = page_record("gose_performance", _decision().log())
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("record", outputs=[nbformat.v4.new_output(
        "display_data", data={"text/plain": "Recorded", LOG_MIME: record})]))
    nbformat.write(nb, staging / "gose_performance.ipynb")
    assert [f.kind for f in check_file(staging / "gose_performance.ipynb")] == ["disclosure log"]
    records = collect(staging)
    assert records == [record]
    assert check_file(staging / "gose_performance.ipynb") == []  # the pack holds no log
    path = write_log(log_path(tmp_path / "out", "2009-Q4"), records, cycle="2009-Q4", policy=DisclosurePolicy())
    assert path == tmp_path / "out" / "internal" / "2009-Q4" / "disclosure-log.json"
    payload = json.loads(path.read_text())
    outcome = payload["records"][0]["outcome"]
    assert [(r["figure"], r["rule"]) for r in outcome] == [("plans started: physical", "secondary"),
                                                         ("plans started: sexual", "primary")]
    assert outcome[0]["links"] == "categories add up to the plans started"
    assert payload["policy"]["high"] == 5
    csv = path.with_suffix(".csv").read_text().splitlines()
    assert csv[0] == "page,figure,rule,links,reason,key"
    assert len(csv) == 3
    assert payload["records"][0]["status"] == "review"
