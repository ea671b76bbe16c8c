"""Notebook conventions that papermill, nbval and the batch rely on."""

from __future__ import annotations

import ast

import nbformat
import papermill as pm
import pytest

from review.config.frameworks import FRAMEWORKS
from review.config.params import COMMON_PARAMS

NOTEBOOKS = sorted(FRAMEWORKS)


def _read(root, name):
    return nbformat.read(root / "notebooks" / FRAMEWORKS[name].notebook, as_version=4)


REGIONAL_NOTEBOOKS = {"region_comparison.ipynb"}  # across authorities, not a per-authority framework


def test_every_notebook_is_registered(root):
    on_disk = {p.name for p in (root / "notebooks").glob("*.ipynb")}
    assert on_disk == {fw.notebook for fw in FRAMEWORKS.values()} | REGIONAL_NOTEBOOKS


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_parameters_cell_is_the_first_code_cell_with_literals_only(root, name):
    nb = _read(root, name)
    assert nb.metadata.kernelspec.name == "python3"
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    first = code_cells[0]
    assert "parameters" in first.metadata.tags
    assert sum("parameters" in c.metadata.get("tags", []) for c in nb.cells) == 1
    for node in ast.parse(first.source).body:
        assert isinstance(node, ast.AnnAssign), ast.dump(node)
        assert isinstance(node.value, ast.Constant), f"{name}: parameters must be literals"
    assert "from_notebook(" in code_cells[1].source


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_parameters_match_the_declared_schema(root, name):
    declared = {p.name: p for p in COMMON_PARAMS + FRAMEWORKS[name].params}
    inspected = pm.inspect_notebook(str(root / "notebooks" / FRAMEWORKS[name].notebook))
    assert set(inspected) == set(declared)
    for pname, info in inspected.items():
        assert ast.literal_eval(info["default"]) == declared[pname].default, pname
        assert info["help"], f"{name}.{pname} has no comment"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_no_definitions_in_notebooks(root, name):
    for cell in _read(root, name).cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)), (
                f"{name}: move definitions into src/review"
            )


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_stored_outputs_have_no_errors(root, name):
    for cell in _read(root, name).cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error"
