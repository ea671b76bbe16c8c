"""review: a reproducible workbook for children's safeguarding quality assurance.

Modules
-------
params, frameworks
    Parameters of a review cycle and the registry of framework notebooks.
run, htmlreport, report_index, results, provenance
    The quarterly batch: papermill execution, offline HTML, index, manifest.
paths, yamlio, exceptions
    Project-root paths, strict YAML, the workbook's errors and warnings.
"""

from __future__ import annotations

from importlib import metadata

try:
    __version__ = metadata.version("review")
except metadata.PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
