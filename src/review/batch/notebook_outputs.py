"""Refreshing the regression anchors stored in the notebooks (``review refresh-notebooks``).

nbval compares only the cells tagged ``nbval-check-output`` (with ``--nbval-lax``) and only when
they hold a stored output with an execution count. This re-executes each notebook on its default
parameters (the demo cycle, as nbval does), keeps the outputs of the cells tagged
``keep_output`` and clears every other output, so the notebooks' diffs stay small and a changed
number in a report table fails ``make test``. Run it deliberately, after a change to the
figures has been reviewed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

from review.config.paths import BATCH_ENV

__all__ = ["clean_notebook", "interactive_leftovers", "pre_save_hook", "refresh_notebook"]

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


    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=600,
                   resources={"metadata": {"path": str(path.parent)}}).execute(env={**os.environ, BATCH_ENV: "1"})
    kept = _strip(nb, anchors_from=None)
    nbformat.write(nb, path)
    return kept


WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def _strip(nb: Any, anchors_from: Any | None) -> int:
    """Keep only anchor outputs (from ``anchors_from`` when given), numbered as nbval needs them."""
    stored = {}
    if anchors_from is not None:
        stored = {c.get("id"): c for c in anchors_from.get("cells", []) if c.get("cell_type") == "code"}
    kept = 0
    for number, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.metadata.pop("execution", None)
        if KEEP in cell.metadata.get("tags", []):
            if anchors_from is not None:
                old = stored.get(cell.get("id"))
                cell.outputs = list(old.get("outputs", [])) if old is not None else []
            cell.outputs = [o for o in cell.outputs if WIDGET_MIME not in o.get("data", {})]
            cell.execution_count = number + 1 if cell.outputs or anchors_from is None else None
            kept += bool(cell.outputs)
        else:
            cell.outputs = []
            cell.execution_count = None
    nb.metadata.pop("widgets", None)
    return kept


def interactive_leftovers(nb: Any) -> list[str]:
    """What an interactive session left in a notebook: outputs outside anchors, widget state.

    Parameters
    ----------
    nb : notebook node or dict

    Returns
    -------
    list of str
        One sentence per problem; empty when the notebook holds only regression anchors.

    Examples
    --------
    >>> nb = {"metadata": {"widgets": {}}, "cells": [{"cell_type": "code", "metadata": {},
    ...       "outputs": [{"output_type": "stream", "text": "x"}], "execution_count": 3}]}
    >>> interactive_leftovers(nb)
    ['widget state in the notebook metadata', 'code cell 1 has outputs but is not tagged keep_output']
    """
    problems = []
    if "widgets" in nb.get("metadata", {}):
        problems.append("widget state in the notebook metadata")
    code = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    for number, cell in enumerate(code, start=1):
        anchor = KEEP in cell.get("metadata", {}).get("tags", [])
        outputs = cell.get("outputs", [])
        if outputs and not anchor:
            problems.append(f"code cell {number} has outputs but is not tagged {KEEP}")
        if any(WIDGET_MIME in o.get("data", {}) for o in outputs):
            problems.append(f"code cell {number} holds a widget output")
        if any(o.get("output_type") == "error" for o in outputs):
            problems.append(f"code cell {number} holds an error")
    return problems


def clean_notebook(path: Path) -> list[str]:
    """Remove what an interactive session left in a committed notebook; return what was removed.

    Anchor outputs are kept as they are (``review refresh-notebooks`` renews them deliberately).
    """

    nb = nbformat.read(path, as_version=4)
    problems = interactive_leftovers(nb)
    if problems:
        _strip(nb, anchors_from=nb)
        nbformat.write(nb, path)
    return problems


def pre_save_hook(model: dict[str, Any], path: str, contents_manager: Any, **_: Any) -> None:
    """Jupyter's pre-save hook: a notebook of the workbook's ``notebooks/`` saves without session outputs.

    ``make lab`` installs it (``--FileContentsManager.pre_save_hook``). A save from JupyterLab
    keeps the cells' sources and the regression anchors as they were on disk; the outputs and
    widget state of the session are dropped, so a reopened notebook never shows "model not
    found" and the committed notebooks never change their stored figures by accident.
    """


    if model.get("type") != "notebook" or not str(path).replace("\\", "/").startswith("notebooks/"):
        return
    nb = nbformat.from_dict(model["content"])
    on_disk = Path(contents_manager.root_dir) / path
    old = json.loads(on_disk.read_text(encoding="utf-8")) if on_disk.is_file() else {"cells": []}
    _strip(nb, anchors_from=old)
    model["content"] = nb
