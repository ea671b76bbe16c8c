"""The package's layers import one way, and no module imports itself round a circle.

Every import statement of every module under ``src/review`` is read with :mod:`ast`: those at
module level, those inside functions and those under ``if TYPE_CHECKING:`` alike, so a circle
cannot be hidden from this test by moving an import. The layers, lowest first, are those of the
developers' guide; a module may import its own layer and the layers below it. Importing the
package itself (its face: the version) imports nothing of it and does nothing else either.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import review

PACKAGE = Path(review.__file__).parent

LAYERS: tuple[tuple[str, ...], ...] = (
    ("review", "review.exceptions", "review.config"),  # "review": the package face alone
    ("review.stats", "review.data"),
    ("review.protection", "review.forms"),
    ("review.analyses",),
    ("review.results",),
    ("review.views", "review.explore"),
    ("review.batch",),
    ("review.cli", "review.__main__"),
)


def module_name(path: Path) -> str:
    parts = ("review", *path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> int:
    """The layer of a module: its longest prefix among the layers' packages."""
    best, found = -1, None
    for level, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, found = len(prefix), level
    if found is None:
        raise AssertionError(f"{module} belongs to no layer: add its package to LAYERS")
    return found


def imported_modules(module: str, path: Path) -> set[str]:
    """The workbook's modules ``module`` imports, wherever the import statement stands."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from package import module` imports the module; `from module import name` the module
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        found.update(n for n in names if n == "review" or n.startswith("review."))
    found.discard(module)
    return {n for n in found if n in MODULES}


GRAPH = {name: imported_modules(name, path) for name, path in MODULES.items()}


def test_every_module_has_a_layer():
    for name in MODULES:
        layer(name)


def test_imports_run_down_the_layers():
    upward = sorted(f"{name} (layer {layer(name)}) imports {target} (layer {layer(target)})"
                    for name, targets in GRAPH.items() for target in targets if layer(target) > layer(name))
    assert not upward, "imports running up the layers:\n" + "\n".join(upward)


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle of ``graph`` (its modules in order, the first repeated last), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*stack[stack.index(target):], target]
            if target not in state and (cycle := visit(target)) is not None:
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)) is not None:
            return cycle
    return None


def test_no_import_circles():
    cycle = find_cycle(GRAPH)
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_no_type_checking_imports():
    hidden = [name for name, path in MODULES.items() if "TYPE_CHECKING" in path.read_text(encoding="utf-8")]
    assert not hidden, f"imports hidden under TYPE_CHECKING: {hidden}"


@pytest.mark.parametrize(("graph", "expected"), [
    ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
    ({"x": {"y"}, "y": {"y2"}, "y2": {"y"}}, ["y", "y2", "y"]),
])
def test_find_cycle_finds_a_planted_circle(graph, expected):
    assert find_cycle(graph) == expected


def test_an_upward_import_is_seen(tmp_path):
    path = tmp_path / "mod.py"
    path.write_text("def f():\n    from review.batch.runner import run_cycle\n    from . import presentation\n")
    found = imported_modules("review.views.common", path)
    assert found == {"review.batch.runner", "review.views.presentation"}
    assert layer("review.batch.runner") > layer("review.views.common")


def test_importing_the_package_does_nothing():
    """Importing ``review`` imports none of its subpackages and leaves jsonschema's optional
    ``rfc3987_syntax`` import alone (the batch's processes skip it themselves)."""
    import subprocess
    import sys

    code = ("import sys, review; print(sorted(m for m in sys.modules if m.startswith('review')), "
            "'rfc3987_syntax' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['review'] False"


def _private(name: str) -> bool:
    return name.startswith("_") and not name.endswith("__")


def private_imports(module: str, path: Path) -> list[str]:
    """The imports in ``module`` of another module's private name (``from m import _name``), or of a
    private module from outside its package (``from review.stats._validation import ...`` outside
    ``review.stats``)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("review"):
            continue
        for alias in node.names:
            full = f"{node.module}.{alias.name}"
            target = full if full in MODULES else node.module
            names = target.split(".")
            private_module = next((i for i, part in enumerate(names) if _private(part)), None)
            outside = private_module is not None and not (
                package + "." + "x").startswith(".".join(names[:private_module]) + ".")
            if (_private(alias.name) and full not in MODULES) or outside:
                found.append(f"{module}: from {node.module} import {alias.name}")
    return found


def test_no_private_name_crosses_modules():
    crossing = [line for name, path in MODULES.items() for line in private_imports(name, path)]
    assert not crossing, "private names imported from another module:\n" + "\n".join(crossing)


def test_a_private_import_is_seen(tmp_path):
    path = tmp_path / "mod.py"
    path.write_text("from review.batch.runner import _clean_up, run_cycle\n"
                    "from review.stats._validation import is_number\n"
                    "from review.stats.agreement import _estimators\n")
    assert private_imports("review.config.declarations", path) == [
        "review.config.declarations: from review.batch.runner import _clean_up",
        "review.config.declarations: from review.stats._validation import is_number",
        "review.config.declarations: from review.stats.agreement import _estimators"]
    assert private_imports("review.stats.agreement.krippendorff", path) == [
        "review.stats.agreement.krippendorff: from review.batch.runner import _clean_up"]
