"""review: a reproducible workbook for children's safeguarding quality assurance.

Subpackages
-----------
config
    Project paths, review cycles, parameter declarations, the params loader, the framework
    registry and the source framework's items.
stats
    Pure statistics: agreement, proportions and sampling, sample draws, SPC, indicators, calendar.
data
    The data contract, readers, cross-file checks and the synthetic demo.
protection
    Pseudonyms, disclosure control, report checks and formula-safe exports.
analyses
    One module per framework: evidence in, one frozen result out.
views
    One module per framework: a result in, formatted and disclosure-safe HTML out.
explore
    Widgets for analysts in JupyterLab.
batch
    The quarterly batch: runner, HTML export, index, manifest, results and provenance.

The top level keeps only the package face, the command line (:mod:`review.cli`) and the
workbook's exceptions (:mod:`review.exceptions`).
"""

from __future__ import annotations

import sys
from importlib import metadata


def code_digest() -> str:
    """SHA-256 of the workbook's code files as they are on disk now (paths and contents)."""
    import hashlib
    from pathlib import Path

    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


IMPORTED = code_digest()
"""The code files' digest when this process imported the workbook (5 ms): a worker whose files
changed since (a ``git pull`` under a running Dask worker) still runs the old code
(:func:`review.batch.region.code_version`)."""

# jsonschema (imported by nbformat, papermill and nbconvert) imports the optional rfc3987_syntax
# package when it is installed (jupyter-events asks for jsonschema[format-nongpl]), and that
# package builds 38 parsers as it is imported: 1.9 s of the 2.4 s importing nbformat took here,
# paid by every run, its forkserver and each Dask worker. It serves only jsonschema's "iri"
# format check, which no notebook schema uses, so the workbook's processes go without it.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

try:
    __version__ = metadata.version("review")
except metadata.PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

__all__ = ["IMPORTED", "__version__", "code_digest"]
