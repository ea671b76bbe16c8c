"""Imports the batch's processes go without.

jsonschema (imported by nbformat, papermill and nbconvert) imports the optional ``rfc3987_syntax``
package when it is installed (jupyter-events asks for ``jsonschema[format-nongpl]``), and that
package builds its parsers as it is imported: most of the time importing nbformat takes (0.8 s of
0.9 s here), paid by each process that runs notebooks. It serves only jsonschema's "iri" format
check, which no notebook schema uses. Each process that runs notebooks calls
:func:`skip_rfc3987_syntax` at its start: the command line, the runner's forkserver and every
Dask worker of a regional run. Importing the workbook itself changes nothing.
"""

from __future__ import annotations

import sys

__all__ = ["skip_rfc3987_syntax"]


def skip_rfc3987_syntax() -> None:
    """Make this process's later ``import rfc3987_syntax`` fail fast (jsonschema then leaves the
    "iri" format unchecked), unless it is imported already."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
