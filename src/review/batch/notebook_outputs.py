"""Refreshing the regression anchors stored in the notebooks (``review refresh-notebooks``).

nbval compares only the cells tagged ``nbval-check-output`` (with ``--nbval-lax``) and only when
they hold a stored output with an execution count. This re-executes each notebook on its default
parameters (the demo cycle, as nbval does), keeps the outputs of the cells tagged
``keep_output`` and clears every other output, so the notebooks' diffs stay small and a changed
number in a report table fails ``make test``. Run it deliberately, after a change to the
figures has been reviewed.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["refresh_notebook"]

KEEP = "keep_output"


def refresh_notebook(path: Path) -> int:
    """Execute a notebook in place with its defaults and keep only the anchor outputs.

    Parameters
    ----------
    path : pathlib.Path
        The notebook.

    Returns
    -------
    int
        The number of anchor cells whose outputs were stored.
    """
    import nbformat
    from nbclient import NotebookClient

    from review.config.paths import BATCH_ENV

    os.environ[BATCH_ENV] = "1"
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=600,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    kept = 0
    for number, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.metadata.pop("execution", None)
        if KEEP in cell.metadata.get("tags", []):
            cell.execution_count = number + 1
            kept += 1
        else:
            cell.outputs = []
            cell.execution_count = None
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    return kept
