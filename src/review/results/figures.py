"""Headline figures as data: what a notebook records and what tests and the cycle index read.

A notebook calls :func:`record` once, in a cell tagged ``remove_cell``. The figures travel
inside the executed notebook as a display output of their own MIME type, so nothing is
written to disk from a notebook; the batch runner extracts them with
:func:`results_from_notebook` into ``outputs/<cycle>/<framework>.results.json``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from review.config.paths import project_root, resolve
from review.protection.nocount import NoCount

__all__ = ["RESULTS_MIME", "RUN_ONLY", "Recorded", "ResultsSource", "drop_run_only", "load_cycle_results", "record",
           "results_from_notebook", "results_source", "to_jsonable", "write_results"]

RESULTS_MIME = "application/vnd.review.results+json"


def to_jsonable(value: Any) -> Any:
    """Convert results (dataclasses, numpy scalars and arrays, NaN) into plain JSON values.

    NaN and infinities become ``None`` (JSON has no NaN); tuples become lists; mapping
    keys become strings. Values are not rounded.

    Parameters
    ----------
    value : object
        A result dataclass, mapping, sequence or scalar.

    Returns
    -------
    object
        Built only of dict, list, str, int, float, bool and None.
    """
    if isinstance(value, pd.DataFrame):
        return {"columns": [str(c) for c in value.columns], "index": [to_jsonable(i) for i in value.index],
                "data": to_jsonable(value.to_numpy().tolist())}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return f if math.isfinite(f) else None
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    msg = f"cannot record a value of type {type(value).__name__} ({value!r}) as a result"
    raise TypeError(msg)


class Recorded:
    """Display object carrying the results in a MIME bundle of their own."""

    def __init__(self, payload: dict[str, Any]) -> None:
        self.payload = payload

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        n = len(self.payload.get("figures", {}))
        text = f"Recorded {n} headline figures for {self.payload['framework']} {self.payload['cycle']}."
        return {RESULTS_MIME: self.payload, "text/plain": text}


def record(
    framework: str, cycle: str, figures: Mapping[str, Any], *, headlines: Sequence[str] = ()
) -> Recorded:
    """Record a notebook's headline figures; display the returned object as the cell's output.

    Parameters
    ----------
    framework : str
        The framework the figures belong to.
    cycle : str
        The review cycle.
    figures : mapping
        Figure name to value (result dataclasses, numbers, text, nested mappings).
    headlines : sequence of str, default: ``()``
        Short sentences, already formatted for people, shown on the cycle's index page. A
        headline whose numbers are not counts of people or cases (measures, indicators, reports)
        is passed as :func:`review.protection.nocount.nocount` text, so the published index
        marks it; every other small number in a headline fails the publication check.

    Returns
    -------
    object
        An object whose display output carries the figures (``RESULTS_MIME``).
    """
    payload = {
        "framework": framework,
        "cycle": cycle,
        "figures": to_jsonable(figures),
        "headlines": [str(h) for h in headlines],
    }
    marked = [i for i, h in enumerate(headlines) if isinstance(h, NoCount)]
    if marked:
        payload["nocount_headlines"] = marked
    return Recorded(payload)


def results_from_notebook(nb: Any) -> dict[str, Any] | None:
    """Return the figures recorded in an executed notebook, or None if none were recorded.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook.

    Returns
    -------
    dict or None
        The payload of the last :func:`record` output.
    """
    found = None
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if RESULTS_MIME in data:
                found = data[RESULTS_MIME]
    return None if found is None else dict(found)


RUN_ONLY = ("red_history",)
"""Figures a notebook records for the run's later notebooks only (the cycle summary reads each
judged framework's red history from the run's staging folder): :func:`drop_run_only` removes them
before the results are checked and published. A published record holds what its report shows, and
results of the same evidence stay equal from run to run: the basis names the digest of the run's
evidence snapshot, whose bytes differ between, say, a regional and a single-authority run. The
executed notebook keeps them, as the run's full record."""


def write_results(path: Path, payload: Mapping[str, Any]) -> None:
    """Write a results payload as the runs write it: sorted keys, indented, UTF-8, a final newline."""
    path.write_text(json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def drop_run_only(folder: Path) -> None:
    """Remove the :data:`RUN_ONLY` figures from every ``*.results.json`` in a run's staging folder,
    once its last notebook has ended.

    >>> import json, tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> path = folder / "governance.results.json"
    >>> write_results(path, {"figures": {"red_history": {"red": {}}, "thresholds": {"green": 0.8}}})
    >>> drop_run_only(folder)
    >>> json.loads(path.read_text())
    {'figures': {'thresholds': {'green': 0.8}}}
    >>> _ = (folder / "gose_performance.results.json").write_text('{"figures": {"red_hist')  # cut short
    >>> drop_run_only(folder)  # left to the gate
    """
    for path in sorted(folder.glob("*.results.json")):
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            continue  # a task that crashed while writing it: its report fails at the gate, which removes it
        figures = payload.get("figures") if isinstance(payload, dict) else None
        if isinstance(figures, dict) and any(name in figures for name in RUN_ONLY):
            payload["figures"] = {k: v for k, v in figures.items() if k not in RUN_ONLY}
            write_results(path, payload)


def load_cycle_results(folder: str | Path) -> dict[str, dict[str, Any]]:
    """Read every ``<framework>.results.json`` in a cycle's output folder.

    Parameters
    ----------
    folder : str or pathlib.Path
        A cycle folder (``outputs/<cycle>``, project-relative or absolute) or the batch's
        staging folder.

    Returns
    -------
    dict
        Framework name to its recorded payload; empty when the folder does not exist.
    """
    folder = resolve(folder)
    if not folder.is_dir():
        return {}
    out = {}
    for path in sorted(folder.glob("*.results.json")):
        payload = json.loads(path.read_text(encoding="utf-8"))
        out[str(payload.get("framework", path.name.removesuffix(".results.json")))] = payload
    return out


@dataclasses.dataclass(frozen=True)
class ResultsSource:
    """Where the cycle summary's figures come from.

    Attributes
    ----------
    folder : str
        The folder read, project-relative where it lies in the project.
    found : bool
        Whether it held any results.
    in_run : bool
        Read from the staging folder of the batch run under way (the summary is part of that run).
    produced : str or None
        When the run that wrote them was produced (ISO 8601), from its manifest.
    status : str or None
        ``ok`` or ``failed``, from the manifest.
    audience : str or None
        The run's audience, from the manifest.
    commit : str or None
        The git commit the run was made from, from the manifest.
    lab : tuple of (str, str, tuple of str)
        Records made by notebooks run in a ``review lab`` session (:mod:`review.results.lab_records`),
        not by a batch run: per framework, when it was recorded and the parameters it shares with the
        summary that differ. Empty for a batch run's folder.
    batch_folder : str or None
        For a session's records, the folder of the batch run that was not read.
    """

    folder: str
    found: bool
    in_run: bool
    produced: str | None = None
    status: str | None = None
    audience: str | None = None
    commit: str | None = None
    lab: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    batch_folder: str | None = None


def results_source(folder: str | Path, *, in_run: bool) -> ResultsSource:
    """Describe the results a cycle summary reads: which run wrote them, and when.

    Parameters
    ----------
    folder : str or pathlib.Path
        ``outputs/<cycle>`` (project-relative or absolute) or the batch's staging folder.
    in_run : bool
        True when the batch runs the summary (it then reads its own run's staging folder,
        which has no manifest yet).

    Returns
    -------
    ResultsSource

    Examples
    --------
    >>> import json, tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> results_source(folder, in_run=False).found
    False
    >>> _ = (folder / "jar_haringey.results.json").write_text("{}")
    >>> _ = (folder / "manifest.json").write_text(json.dumps({"produced": "2010-01-05T09:30:00",
    ...     "status": "ok", "git": {"commit": "abc123"},
    ...     "parameters": {"jar_haringey": {"audience": "published"}}}))
    >>> s = results_source(folder, in_run=False)
    >>> s.found, s.produced, s.audience, s.commit
    (True, '2010-01-05T09:30:00', 'published', 'abc123')
    """
    path = resolve(folder)
    try:
        shown = str(path.relative_to(project_root()))
    except ValueError:
        shown = str(path)
    found = path.is_dir() and any(path.glob("*.results.json"))
    manifest_path = path / "manifest.json"
    if in_run or not manifest_path.is_file():
        return ResultsSource(shown, found, in_run)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    audiences = {p.get("audience") for p in manifest.get("parameters", {}).values() if isinstance(p, Mapping)}
    return ResultsSource(
        shown, found, in_run,
        produced=manifest.get("produced"), status=manifest.get("status"),
        audience=audiences.pop() if len(audiences) == 1 else None,
        commit=(manifest.get("git") or {}).get("commit"),
    )
