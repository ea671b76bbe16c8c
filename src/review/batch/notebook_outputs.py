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
import tempfile
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

from review.config.paths import BATCH_ENV
from review.results.history import OUTPUT_ROOT_ENV

__all__ = ["clean_notebook", "interactive_leftovers", "pre_save_hook", "refresh_notebook"]

KEEP = "keep_output"


def refresh_notebook(path: Path) -> int:
    """Execute a notebook in place with its defaults and keep only the anchor outputs.

    The kernel reads no earlier run (its output root is an empty folder): the anchors depend on the
    committed notebook and data alone, never on what happens to be in ``outputs/`` (the trends then
    judge earlier quarters again from the evidence, rule 2 of :mod:`review.results.history`).

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
    with tempfile.TemporaryDirectory(prefix="review-no-runs-") as no_runs:  # anchors never read outputs/
        NotebookClient(nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(path.parent)}}
                       ).execute(env={**os.environ, BATCH_ENV: "1", OUTPUT_ROOT_ENV: no_runs})
    kept = _strip(nb, anchors_from=None)
    nbformat.write(nb, path)
    return kept


WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
"""The kernel every committed notebook names (JupyterLab rewrites any other on saving)."""
SESSION_CELL_KEYS = ("collapsed", "scrolled", "execution")
"""Cell metadata JupyterLab writes for a session's view of a cell, never committed."""


def _session_metadata(nb: Any) -> list[str]:
    """Notebook and cell metadata a JupyterLab session writes on saving (the churn of a save)."""
    problems = []
    meta = nb.get("metadata", {})
    if meta.get("kernelspec") != KERNELSPEC:
        problems.append(f"notebook metadata: kernelspec is {meta.get('kernelspec')!r}, not {KERNELSPEC!r}")
    if "language_info" not in meta:
        problems.append("notebook metadata: no language_info (JupyterLab adds it on saving)")
    for number, cell in enumerate(nb.get("cells", []), start=1):
        found = [k for k in SESSION_CELL_KEYS if k in cell.get("metadata", {})]
        if "outputs_hidden" in cell.get("metadata", {}).get("jupyter", {}):
            found.append("jupyter.outputs_hidden")
        if found:
            problems.append(f"cell {number} has session metadata {', '.join(found)}")
    return problems


def _normalise_metadata(nb: Any, on_disk: Any | None) -> None:
    """Notebook metadata as committed; with ``on_disk`` (a save), the parameters cell's source and every
    cell's metadata as they are on disk, so a session's parameter edits and view state are never saved."""
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    if on_disk is not None and "language_info" in on_disk.get("metadata", {}):
        nb.metadata["language_info"] = on_disk["metadata"]["language_info"]
    nb.metadata.setdefault("language_info", {"name": "python"})
    old = {c.get("id"): c for c in (on_disk or {}).get("cells", [])}
    for cell in nb.cells:
        before = old.get(cell.get("id"))
        if before is not None:
            cell.metadata = nbformat.from_dict(before.get("metadata", {}))
            if "parameters" in before.get("metadata", {}).get("tags", []):
                cell.source = "".join(before.get("source", ""))
        for key in SESSION_CELL_KEYS:
            cell.metadata.pop(key, None)
        cell.metadata.get("jupyter", {}).pop("outputs_hidden", None)


def _strip(nb: Any, anchors_from: Any | None) -> int:
    """Keep only anchor outputs (from ``anchors_from`` when given), numbered as nbval needs them."""
    stored = {}
    if anchors_from is not None:
        stored = {c.get("id"): c for c in anchors_from.get("cells", []) if c.get("cell_type") == "code"}
    _normalise_metadata(nb, anchors_from)
    kept = 0
    for number, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
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
    >>> nb = {"metadata": {"widgets": {}, "kernelspec": KERNELSPEC, "language_info": {"name": "python"}},
    ...       "cells": [{"cell_type": "code", "metadata": {}, "outputs": [{"output_type": "stream", "text": "x"}],
    ...                  "execution_count": 3}]}
    >>> interactive_leftovers(nb)
    ['widget state in the notebook metadata', 'code cell 1 has outputs but is not tagged keep_output']
    >>> interactive_leftovers({"metadata": {"kernelspec": KERNELSPEC}})
    ['notebook metadata: no language_info (JupyterLab adds it on saving)']
    """
    problems = []
    if "widgets" in nb.get("metadata", {}):
        problems.append("widget state in the notebook metadata")
    problems += _session_metadata(nb)
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
    """Jupyter's pre-save hook: a notebook of the workbook's ``notebooks/`` saves without session state.

    ``make lab`` installs it (``--ContentsManager.pre_save_hook``); JupyterLab's autosave goes
    through the same save, so it is covered too. A save from JupyterLab keeps the cells' sources
    (but the parameters cell's, which stays as on disk: a session's parameters are the session's)
    and the regression anchors as they were on disk; the outputs, widget state and view metadata
    of the session (a cell shown or collapsed, scrolled) are dropped and the notebook's metadata
    stays as committed, so a reopened notebook never shows "model not found" and a save never
    changes a committed notebook's figures, parameters or metadata by accident.
    """
    if model.get("type") != "notebook" or not str(path).replace("\\", "/").startswith("notebooks/"):
        return
    nb = nbformat.from_dict(model["content"])
    on_disk = Path(contents_manager.root_dir) / path
    old = json.loads(on_disk.read_text(encoding="utf-8")) if on_disk.is_file() else {"cells": []}
    _strip(nb, anchors_from=old)
    model["content"] = nb
