"""What a warm kernel starts with: its environment and the modules it imports ahead of need."""

from __future__ import annotations

import ast
import contextlib
import importlib
import json
import os
from collections.abc import Mapping
from functools import lru_cache

from review.config.frameworks import FRAMEWORKS
from review.config.paths import BATCH_ENV, ROOT_ENV, project_root

__all__ = ["THREAD_VARS", "import_code", "import_quietly", "kernel_environment", "workbook_modules"]

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
"""Numerical libraries' thread counts: fixed when a kernel starts (before numpy is imported)."""

_BASE_MODULES = ("review", "numpy", "pandas", "matplotlib", "matplotlib.pyplot")

_ALLOWED = frozenset({
    "PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TEMP", "TMP", "SHELL", "TERM",
    "VIRTUAL_ENV", "CONDA_PREFIX", "CONDA_DEFAULT_ENV", "LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH", "LOCPATH",
    "LOCALE_ARCHIVE", "KMP_DUPLICATE_LIB_OK", "MPLBACKEND", "MPLCONFIGDIR", "SSL_CERT_FILE", "SSL_CERT_DIR",
    "SYSTEMROOT", "SYSTEMDRIVE", "COMSPEC", "PATHEXT", "WINDIR", "APPDATA", "LOCALAPPDATA", "USERPROFILE",
    "PROGRAMDATA", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_PATH",
    "JUPYTER_PLATFORM_DIRS", "JUPYTER_PREFER_ENV_PATH", "JPY_PARENT_PID", "JPY_SESSION_NAME", "IPYTHONDIR",
    "PYTHONPATH", "PYTHONHOME", "PYTHONUTF8", "PYTHONIOENCODING", "PYTHONHASHSEED", "PYTHONDONTWRITEBYTECODE",
    "PYTHONUNBUFFERED", "PYTHONWARNINGS", "PYDEVD_DISABLE_FILE_VALIDATION", "COVERAGE_PROCESS_START"})
_ALLOWED_PREFIXES = ("LC_", "XDG_")
_SECRET_WORDS = ("TOKEN", "SECRET", "PASSWORD", "PASSWD", "KEY", "CREDENTIAL", "AUTH")
"""What a kernel may inherit of its parent's environment, deny by default: named variables that
Python, Jupyter, matplotlib and the locale need, never one whose name speaks of a secret.
Everything else (a worker's keys for other authorities or other regions, Jupyter and cloud
tokens) stays out; a task's own variables are given explicitly (:func:`kernel_environment`)."""


def kernel_environment(task: Mapping[str, str] | None = None, threads: int = 1,
                       withheld: frozenset[str] = frozenset()) -> dict[str, str]:
    """The environment a kernel starts with.

    Parameters
    ----------
    task : mapping, optional
        The task's own variables (the run's evidence snapshot): set as given.
    threads : int, default: ``1``
        Thread count of the numerical libraries.
    withheld : frozenset of str, optional
        Variables never inherited even if their names are of the kinds a kernel inherits (a
        regional run names every authority's key variable).

    Returns
    -------
    dict
        What a kernel may inherit of this process's (deny by default), the project root, the
        batch flag, the thread counts and the task's variables.

    Examples
    --------
    >>> env = kernel_environment({"REVIEW_EVIDENCE_CACHE": "/tmp/x/evidence.pickle"}, threads=2)
    >>> env["REVIEW_BATCH"], env["OMP_NUM_THREADS"], env["REVIEW_EVIDENCE_CACHE"]
    ('1', '2', '/tmp/x/evidence.pickle')
    """
    env = {k: v for k, v in os.environ.items()
           if (k in _ALLOWED or k.startswith(_ALLOWED_PREFIXES)) and k not in withheld
           and not any(word in k for word in _SECRET_WORDS)}
    env[ROOT_ENV] = str(project_root())
    env[BATCH_ENV] = "1"  # notebooks show no widgets in a batch run
    for var in THREAD_VARS:
        env[var] = str(max(1, threads))  # parallel kernels must not oversubscribe the cores
    env.update(task or {})
    return env


@lru_cache(maxsize=1)
def workbook_modules() -> tuple[str, ...]:
    """The modules a warm kernel imports: the workbook's base packages and every module the
    registered framework notebooks import (read from their code cells, so a new notebook's imports
    are warmed too). Names that turn out not to be modules are skipped in the kernel.

    Returns
    -------
    tuple of str
        Module names, base packages first.
    """
    found: list[str] = list(_BASE_MODULES)
    for fw in FRAMEWORKS.values():
        try:
            nb = json.loads((project_root() / "notebooks" / fw.notebook).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "code":
                found.extend(_imported(cell.get("source", "")))
    return tuple(dict.fromkeys(found))


def _imported(source: str | list[str]) -> list[str]:
    """The modules a code cell imports (and the names it imports from them, which may be modules)."""
    text = "".join(source) if isinstance(source, list) else source
    if "import" not in text:
        return []
    lines = [line for line in text.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return []
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append(node.module)
            found.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def import_quietly(modules: tuple[str, ...]) -> None:
    """Import each of ``modules`` (one that is not a module is skipped): a warm kernel's imports."""
    for name in modules:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def import_code(modules: tuple[str, ...]) -> str:
    """Code that imports ``modules`` in a kernel (:func:`import_quietly`) and binds no name there."""
    return f"__import__('review.batch.kernel_environment', fromlist=['import_quietly']).import_quietly({tuple(modules)!r})"
