"""The cycle summary reads this quarter's results files once and passes what it read on: the summary,
its action plan and its trends are computed from the same loaded results (a file rewritten between
three reads could give three different pictures of one quarter)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from review.protection.disclosure import DisclosurePolicy
from review.results import history, summary
from review.results.figures import load_cycle_results

_READERS = {"load_cycle_results", "read_results", "read_judgements"}


def _payload(red: list[str], green: int) -> dict:
    items = [{"item": i, "band": "red"} for i in red] + [{"item": f"X{k}", "band": "green"} for k in range(green)]
    return {"figures": {"rag_counts": {"red": len(red), "amber": 0, "green": green, "grey": 0},
                        "needs_action": [f"{i}: red" for i in red], "items": items}}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A cycle folder with two frameworks' results: governance 1 red (G1.1) and 2 green; JAR 2 red, 1 green."""
    out = tmp_path / "2009-Q4"
    out.mkdir()
    (out / "governance.results.json").write_text(json.dumps(_payload(["G1.1"], 2)), encoding="utf-8")
    (out / "jar_haringey.results.json").write_text(json.dumps(_payload(["J02", "J03"], 1)), encoding="utf-8")
    return out


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The names of the results files read (through pathlib) while a test runs."""
    seen: list[str] = []
    real = Path.read_text

    def read_text(self: Path, *args, **kwargs) -> str:
        if self.name.endswith(".results.json"):
            seen.append(self.name)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read_text)
    return seen


def test_the_summary_and_its_trends_use_the_results_passed_and_read_no_file(folder, reads, tmp_path):
    results = load_cycle_results(folder)
    assert sorted(reads) == ["governance.results.json", "jar_haringey.results.json"]  # the one read
    reads.clear()
    result = summary.analyse("2009-Q4", folder, results)
    # 1 + 2 red, 2 + 1 green, from the results passed; the three frameworks with no results did not run
    assert (result.rag_totals["red"], result.rag_totals["green"]) == (3, 3)
    assert len(result.needs_action) == 3
    trends = history.summary_trends("2009-Q4", results, DisclosurePolicy(), root=tmp_path / "no-earlier-runs")
    assert [t.framework for t in trends] == ["jar_haringey", "governance"]  # the registry's order
    assert reads == []  # neither read the folder's results again


def test_what_is_passed_is_what_is_summarised(folder):
    """The summary follows the results it is given, not the files: a framework left out of them is not run."""
    results = {k: v for k, v in load_cycle_results(folder).items() if k == "governance"}
    result = summary.analyse("2009-Q4", folder, results)
    assert (result.rag_totals["red"], result.rag_totals["green"]) == (1, 2)
    assert any(g.startswith("JAR Haringey 2008 findings: stocktake did not run") for g in result.gaps)


def _calls(root: Path) -> list[ast.Call]:
    cells = json.loads((root / "notebooks" / "cycle_summary.ipynb").read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return [n for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Call)]


def _name(call: ast.Call) -> str:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


def test_the_cycle_summary_notebook_reads_the_results_once_and_passes_them(root):
    calls = _calls(root)
    assert [_name(c) for c in calls if _name(c) in _READERS] == ["load_cycle_results"]
    passed = {_name(c): [a.id for a in [*c.args, *(k.value for k in c.keywords)] if isinstance(a, ast.Name)]
              for c in calls if _name(c) in ("analyse", "analyse_context", "summary_trends")}
    assert all("results" in names for names in passed.values()), passed
    assert set(passed) == {"analyse", "analyse_context", "summary_trends"}
