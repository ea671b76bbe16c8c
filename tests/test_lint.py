"""The linters, as `make lint` and `make test` run them: ruff over the package, the tests and the
benchmarks (its rules in pyproject.toml), and mypy over ``src/review`` (its settings there too).

Run as tests, they share the test run's processes: run before it, mypy alone kept one core busy
and the other idle for about ten seconds of every `make test`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

LINTERS = {"ruff": ["ruff", "check", "src", "tests", "benchmarks"], "mypy": ["mypy"]}
"""Each linter's command, run at the project root (both are in the test extra)."""


@pytest.mark.parametrize("linter", list(LINTERS))
def test_the_code_passes_the_linter(root: Path, linter: str) -> None:
    program, *arguments = LINTERS[linter]
    tool = Path(sys.executable).with_name(program)  # this environment's, as the Makefile's $(BIN)
    assert tool.is_file(), f"{tool} is missing: install the test extra (make setup)"
    done = subprocess.run([str(tool), *arguments], cwd=root, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{' '.join(LINTERS[linter])}:\n{done.stdout[-6000:]}{done.stderr[-2000:]}"
