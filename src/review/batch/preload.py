"""What the runner's forkserver loads before it forks the workers (imported for that effect only).

Each worker forks from the forkserver with these in memory: papermill, nbconvert and the workbook's
batch modules imported, and the report exporter set up and used once (:func:`review.batch.html_export.warm`),
so a worker's first report pays neither the imports nor the exporter's first-use cost (about 0.5 s,
which was on the critical path of every run: each worker's first notebook).
"""

from __future__ import annotations

import contextlib

from review.batch.lean_imports import skip_rfc3987_syntax

skip_rfc3987_syntax()  # before papermill imports jsonschema

import papermill  # noqa: E402, F401 - loaded for the workers

import review.batch.process_pool  # noqa: E402 - loaded for the workers (and with it the pool and kernels)
import review.batch.runner  # noqa: E402, F401
from review.batch import html_export  # noqa: E402

with contextlib.suppress(Exception):  # the forkserver survives only an ImportError: a failure here
    html_export.warm()  # only leaves each worker's first report to set the exporter up
