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

from importlib import metadata

try:
    __version__ = metadata.version("review")
except metadata.PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
