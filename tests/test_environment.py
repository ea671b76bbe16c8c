"""environment.yml (conda) and pyproject.toml (pip) must list the same packages and bounds."""

from __future__ import annotations

import re
import sys

import pytest
import yaml

tomllib = pytest.importorskip("tomllib" if sys.version_info >= (3, 11) else "tomli")

_REQ = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*$")


def _norm(requirement: str) -> tuple[str, str]:
    match = _REQ.match(requirement)
    assert match, requirement
    name = match.group(1).lower().replace("_", "-")
    return name, match.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject(root):
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    pip_side = dict(_norm(r) for r in project["dependencies"] + project["optional-dependencies"]["test"])
    env = yaml.safe_load((root / "environment.yml").read_text())
    conda_side = dict(
        _norm(d) for d in env["dependencies"] if isinstance(d, str) and not d.startswith(("python", "pip"))
    )
    assert conda_side == pip_side
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip_section == ["-e ."]


def test_python_floor_agrees(root):
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((root / "environment.yml").read_text())
    assert f"python{project['requires-python']}" in env["dependencies"]


def test_notebooks_validate_without_the_slow_iri_parser(root):
    """The batch's processes skip jsonschema's optional rfc3987_syntax (38 parsers built at import,
    most of nbformat's import time) as they start (review.batch.lean_imports): notebooks still
    validate, and importing nbformat, papermill and nbconvert no longer builds those parsers."""
    import subprocess
    import sys

    code = ("import sys\nfrom review.batch.lean_imports import skip_rfc3987_syntax\nskip_rfc3987_syntax()\n"
            "import nbformat, papermill, nbconvert\n"
            "nbformat.validate(nbformat.read('notebooks/jar_haringey.ipynb', as_version=4))\n"
            "print(sys.modules['rfc3987_syntax'] is None, 'lark' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]


def test_the_benchmark_scripts_import_no_workbook_at_their_top_level(root):
    """The runner's forkserver and the embedded Dask cluster's spawned workers import the script that
    started them again (as ``__mp_main__``). The benchmarks' top level must cost them what the
    `review` command's does: imported there, the workbook and nbformat took every Dask worker of
    ``make bench`` 4 s of CPU before its first task, a fixed cost users never pay."""
    import subprocess
    import sys

    code = ("import sys; sys.path.insert(0, 'benchmarks')\n"
            "import batch_speed, region_speed\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'review', 'nbformat', 'pandas', 'distributed'}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
