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
results
    The results contract: what the notebooks record, and the judgements the summary reads.
views
    One module per framework: a result in, formatted and disclosure-safe HTML out.
explore
    Widgets for analysts in JupyterLab.
batch
    The quarterly batch: runner, warm kernels, HTML export, index, manifest and provenance.

The top level keeps only the package face, the command line (:mod:`review.cli`) and the
workbook's exceptions (:mod:`review.exceptions`).
"""

from __future__ import annotations

from importlib import metadata

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    """``__version__``, read from the installed package's metadata when first asked (importing the
    package reads nothing)."""
    if name != "__version__":
        raise AttributeError(f"module 'review' has no attribute {name!r}")
    try:
        return metadata.version("review")
    except metadata.PackageNotFoundError:  # running from a source tree that was not installed
        return "0+unknown"
