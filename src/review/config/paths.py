"""Where the project lives: every path in the workbook resolves from the project root.

JupyterLab runs a notebook with the notebook's folder as the working directory, nbval
does the same, and papermill uses whatever directory it was started from. Resolving
from the project root instead of the working directory makes one notebook run the
same way under all three.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["AUDIENCE_FOLDERS", "BATCH_ENV", "ROOT_ENV", "cycle_folder", "project_root", "resolve"]

ROOT_ENV = "REVIEW_ROOT"
BATCH_ENV = "REVIEW_BATCH"
"""Set to "1" by the batch runner and the tests: notebooks then show no interactive widgets."""
_MARKERS = ("pyproject.toml", "params", "notebooks")


def _is_root(path: Path) -> bool:
    return all((path / marker).exists() for marker in _MARKERS)


def project_root() -> Path:
    """Return the project root directory.

    The root is, in order of preference: the directory named by the ``REVIEW_ROOT``
    environment variable (the batch runner sets it for its kernels); the nearest
    ancestor of the installed package that holds ``pyproject.toml``, ``params/`` and
    ``notebooks/`` (an editable install, the normal case); the nearest such ancestor
    of the current working directory.

    Returns
    -------
    pathlib.Path
        The absolute project root.

    Raises
    ------
    FileNotFoundError
        If no directory with the project's layout can be found.
    """
    env = os.environ.get(ROOT_ENV)
    if env:
        root = Path(env).expanduser().resolve()
        if not _is_root(root):
            msg = (
                f"{ROOT_ENV}={env!r} is not a review project root: expected "
                f"{', '.join(_MARKERS)} inside it"
            )
            raise FileNotFoundError(msg)
        return root
    for start in (Path(__file__).resolve().parent, Path.cwd().resolve()):
        for candidate in (start, *start.parents):
            if _is_root(candidate):
                return candidate
    msg = (
        "cannot find the review project root (a folder holding pyproject.toml, params/ "
        f"and notebooks/); set {ROOT_ENV} to it"
    )
    raise FileNotFoundError(msg)


def resolve(path: str | os.PathLike[str]) -> Path:
    """Resolve a project-relative path (absolute paths are returned unchanged).

    Parameters
    ----------
    path : str or os.PathLike
        A path relative to the project root, such as ``"data/demo"``.

    Returns
    -------
    pathlib.Path
        The absolute path.
    """
    p = Path(path).expanduser()
    return p if p.is_absolute() else project_root() / p


AUDIENCE_FOLDERS = {"published": "", "internal": "internal"}
"""Each audience's folder under the output root: published reports at ``<root>/<cycle>/`` (what
``make report`` prints), internal ones at ``<root>/internal/<cycle>/``, so the two runs of one cycle
never replace each other."""


def cycle_folder(root: Path, cycle: str, audience: str) -> Path:
    """Where a run of ``cycle`` for ``audience`` publishes its reports.

    >>> cycle_folder(Path("outputs"), "2009-Q4", "published").as_posix()
    'outputs/2009-Q4'
    >>> cycle_folder(Path("outputs"), "2009-Q4", "internal").as_posix()
    'outputs/internal/2009-Q4'
    """
    sub = AUDIENCE_FOLDERS[audience]
    return root / sub / cycle if sub else root / cycle
