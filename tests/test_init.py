"""`review init`: a council's first quarter from nothing. Templates filled with a council's
evidence (a synthetic council other than the demo, without the demo's marker, so it needs its own key)
give a folder that validates and runs."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from review.cli import main
from review.data.demo import write_demo
from review.data.schema import DATASETS
from review.protection.pseudonym import DEMO_MARKER, KEY_ENV, KEY_FILE_ENV

CYCLE = "2009-Q4"


def _table(path: Path) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    return rows[0], rows[1:]


@pytest.fixture(scope="module")
def council(tmp_path_factory):
    """Another council's evidence (seed 424242), as its own systems would export it."""
    out = tmp_path_factory.mktemp("council")
    write_demo(out, seed=424242)
    (out / DEMO_MARKER).unlink()
    return out


def test_init_writes_a_template_for_every_dataset(tmp_path, capsys):
    folder = tmp_path / "council"
    assert main(["init", str(folder)]) == 0
    for name, ds in DATASETS.items():
        header, rows = _table(folder / "templates" / "csv" / f"{name}.csv")
        assert header == [c.name for c in ds.columns]
        assert rows == []
        book = load_workbook(folder / "templates" / "xlsx" / f"{name}.xlsx")
        assert [c.value for c in book[name][1]] == header
        notes = {r[0]: r for r in book["notes"].iter_rows(values_only=True) if r and r[0] in header}
        for column in ds.columns:  # what each column means, its kind and whether it is required
            assert notes[column.name][3] == column.description
            assert notes[column.name][2] == ("yes" if column.required else "no")
        lists = {c.name for c in ds.columns if c.kind in ("choice", "tier", "bool")}
        rules = {header[next(iter(r.sqref.ranges)).min_col - 1]: r for r in book[name].data_validations.dataValidation}
        assert set(rules) == lists, name
    assert main(["init", str(folder)]) == 2  # never into a folder already filled
    params = folder / "params.yaml"
    capsys.readouterr()
    assert main(["validate", str(params)]) == 2  # until the cycle is filled in
    assert "`cycle` must be a cycle" in capsys.readouterr().err


def _fill_xlsx(template: Path, out: Path, header: list[str], rows: list[list[str]]) -> None:
    book = load_workbook(template)
    sheet = book[template.stem]
    head = [c.value for c in sheet[1]]
    for row in rows:
        record = dict(zip(header, row, strict=True))
        sheet.append([record.get(h) or None for h in head])
    book.save(out)


def test_filled_templates_validate_and_run(council, tmp_path, capsys, monkeypatch):
    folder = tmp_path / "council"
    assert main(["init", str(folder), "--cycle", CYCLE]) == 0
    data = folder / "data"
    for name in DATASETS:
        source = council / f"{name}.csv"
        if not source.exists():
            continue
        header, rows = _table(source)
        if name in ("teams", "staff"):  # these two through the xlsx templates, drop-downs and notes kept
            _fill_xlsx(folder / "templates" / "xlsx" / f"{name}.xlsx", data / f"{name}.xlsx", header, rows)
            continue
        template, _ = _table(folder / "templates" / "csv" / f"{name}.csv")
        extra = [h for h in header if h not in template]  # the audits' criteria, as criteria.csv declares them
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(template + extra)
        for row in rows:
            record = dict(zip(header, row, strict=True))
            writer.writerow([record[h] for h in template + extra])
        (data / f"{name}.csv").write_text(out.getvalue(), encoding="utf-8")
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    params = folder / "params.yaml"
    capsys.readouterr()
    assert main(["validate", str(params), str(data)]) == 2  # no key yet: said before any run
    assert "no pseudonymisation key" in capsys.readouterr().err
    key = tmp_path / "council.key"
    assert main(["key", "new", str(key)]) == 0
    monkeypatch.setenv(KEY_FILE_ENV, str(key))
    assert main(["validate", str(params), str(data)]) == 0
    out = tmp_path / "outputs"
    assert main(["run", "--cycle", CYCLE, "--params", str(params), "--framework", "jar_haringey",
                 "--output-root", str(out), "--quiet"]) == 0
    results = json.loads(next(out.rglob("jar_haringey.results.json")).read_text())
    assert results["cycle"] == CYCLE
    assert results["figures"]["findings"]


def test_docs_name_each_datasets_template_and_quote_the_demo(root):
    doc = (root / "docs" / "data.md").read_text(encoding="utf-8")
    for name in DATASETS:
        section = doc.split(f"### `{name}`")[1].split("\n### ")[0]
        assert f"`templates/csv/{name}.csv`" in section, name
        assert f"`templates/xlsx/{name}.xlsx`" in section, name
        example = section.split("```csv\n")[1].split("```")[0].splitlines()
        demo = (root / "data" / "demo" / f"{name}.csv").read_text(encoding="utf-8-sig").splitlines()
        assert example[0] == demo[0], name  # the demo's own headings
        assert set(example[1:]) <= set(demo), name  # rows as the demo has them (child_seen's finding is 11)
        columns = [c.name for c in DATASETS[name].columns]
        rows = [line for line in section.splitlines() if line.startswith("| `")]
        assert [r.split("`")[1] for r in rows][: len(columns)] == columns, name  # its own columns, in order
