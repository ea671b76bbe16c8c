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
