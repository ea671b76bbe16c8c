"""Warm kernels for the tests that start notebooks through a kernel spec (nbval, JupyterLab)."""

from __future__ import annotations

import atexit
import os
from collections.abc import MutableMapping
from pathlib import Path

from ipykernel.kernelspec import write_kernel_spec

from review.batch.forked_kernels import Template, can_fork, fork_metadata
from review.batch.kernel_environment import kernel_environment, workbook_modules


def warm_kernelspec(folder: Path) -> Template | None:
    """Write ipykernel's kernel spec to ``folder`` (which must not exist yet), its provisioner the
    package's fork provisioner: each kernel is forked from a template that imported the workbook
    once, as the batch's kernels are (:mod:`review.batch.forked_kernels`), in the working folder
    and with the environment its manager asks for, as a launched one would be. The template ends
    when this process does, if not before. Where the platform cannot fork, the spec is ipykernel's own.

    Returns
    -------
    Template or None
        The template (None where the platform cannot fork).
    """
    if not can_fork():
        write_kernel_spec(folder)
        return None
    template = Template(kernel_environment(threads=os.cpu_count() or 1), workbook_modules())
    atexit.register(template.close)
    write_kernel_spec(folder, overrides={"display_name": "Python 3 (review, warm)",
                                         "metadata": fork_metadata(template.address)})
    return template


def on_jupyter_path(env: MutableMapping[str, str], folder: Path) -> None:
    """Put ``folder`` first on ``env``'s ``JUPYTER_PATH``: its ``kernels/`` come before the environment's."""
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(folder), env.get("JUPYTER_PATH")) if p)
