"""Warm kernels for the tests that start notebooks through a kernel spec (nbval, JupyterLab)."""

from __future__ import annotations

import atexit
import json
import os
import sys
from pathlib import Path

from review.batch.forked_kernels import PROVISIONER, Template, can_fork
from review.batch.kernel_environment import kernel_environment, workbook_modules


def warm_kernelspec(folder: Path) -> Template | None:
    """Write ``folder/kernel.json``: a Python kernel spec whose provisioner forks the kernel from a
    template that imported the workbook once, as the batch's kernels are
    (:mod:`review.batch.forked_kernels`); each kernel starts in the working folder and with the
    environment its manager asks for, as a launched one would. The template ends when this process
    does, if not before. Where the platform cannot fork, the spec is a plain ``python3`` one.

    Returns
    -------
    Template or None
        The template (None where the platform cannot fork).
    """
    spec: dict = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                  "display_name": "Python 3 (review, warm)", "language": "python"}
    template = None
    if can_fork():
        template = Template(kernel_environment(threads=os.cpu_count() or 1), workbook_modules())
        atexit.register(template.close)
        spec["metadata"] = {"kernel_provisioner": {"provisioner_name": PROVISIONER,
                                                   "config": {"template": template.address}}}
    folder.mkdir(parents=True)
    (folder / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    return template
