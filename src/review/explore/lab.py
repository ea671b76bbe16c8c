"""Starting JupyterLab on the workbook: at the project root, on the project's kernel, saving cleanly.

``make lab`` (``review lab``) and the JupyterLab test start the server with the same arguments:
the project root as the server's root (so ``notebooks/`` and ``outputs/`` are both reachable and
the cycle summary's report links open), ``--allow-root`` when running as root (as in a
container), loopback only, and the pre-save hook that keeps session outputs out of the committed
notebooks (:func:`review.batch.notebook_outputs.pre_save_hook`). ``review lab`` also names, in
its kernels' environment, the folder where framework notebooks run in the session keep their results
for the cycle summary (``outputs/lab/``, :mod:`review.results.lab_records`), apart from every batch run.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from review.results.lab_records import LAB_RECORDS_ENV

__all__ = ["lab_arguments", "lab_command", "lab_environment"]

PRE_SAVE_HOOK = "review.batch.notebook_outputs.pre_save_hook"


def lab_arguments(root: Path, *, is_root: bool | None = None, extra: Sequence[str] = ()) -> list[str]:
    """The options JupyterLab is started with.

    Parameters
    ----------
    root : Path
        The folder the server shows (the project root).
    is_root : bool, optional
        Whether the process runs as root; by default read from the process.
    extra : sequence of str
        More options (a port, a token, ``--no-browser``).

    Returns
    -------
    list of str

    Examples
    --------
    >>> args = lab_arguments(Path("/srv/review"), is_root=True)
    >>> "--allow-root" in args, "--ServerApp.root_dir=/srv/review" in args
    (True, True)
    >>> "--allow-root" in lab_arguments(Path("/srv/review"), is_root=False)
    False
    """
    if is_root is None:
        is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    args = [f"--ServerApp.root_dir={root}", "--ServerApp.ip=127.0.0.1",
            f"--ContentsManager.pre_save_hook={PRE_SAVE_HOOK}"]
    if is_root:
        args.append("--allow-root")
    return [*args, *extra]


def lab_command(root: Path, *, extra: Sequence[str] = ()) -> list[str]:
    """The whole command line: this environment's ``jupyter-lab`` with :func:`lab_arguments`."""
    return [str(Path(sys.executable).with_name("jupyter-lab")), *lab_arguments(root, extra=extra)]


def lab_environment(root: Path, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The server's environment (its kernels inherit it): the caller's, with :data:`LAB_RECORDS_ENV`
    naming ``<root>/outputs/lab`` unless the caller already set it (set empty, nothing is recorded).

    Examples
    --------
    >>> lab_environment(Path("/srv/review"), {})[LAB_RECORDS_ENV]
    '/srv/review/outputs/lab'
    >>> lab_environment(Path("/srv/review"), {LAB_RECORDS_ENV: ""})[LAB_RECORDS_ENV]
    ''
    """
    env = dict(os.environ if environ is None else environ)
    env.setdefault(LAB_RECORDS_ENV, str(root / "outputs" / "lab"))
    return env
