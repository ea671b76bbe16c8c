"""Results of notebooks an analyst runs in JupyterLab, kept apart from the batch runs' for the cycle summary.

A batch run records each notebook's figures in its outputs and the runner writes them, once the
publication check has passed, into ``outputs/<cycle>/``. A notebook run in JupyterLab has no runner,
so its record would be lost and the cycle summary run beside it would call every framework "not
run". In a session started by ``review lab`` (which names a folder in :data:`LAB_RECORDS_ENV`)
each framework notebook's last cell passes its record to :func:`keep`, which writes it into that
folder instead: ``outputs/lab/<cycle>/`` (``outputs/lab/internal/<cycle>/`` for the internal
audience), with a note of when it was recorded and with which parameters. Nowhere else does
:func:`keep` write anything: not in a batch run, not in the tests, not in a JupyterLab started by
hand. A batch run's folder is never written to.

The cycle summary chooses what it reads with :func:`summary_source`: its own batch run's staging
folder in a batch run; in a ``review lab`` session the session's records when there are any for
its cycle and audience; otherwise the last batch run's folder. It says which, and when each
record was made (:func:`review.views.results_source.source_note`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from review.config.params import COMMON_PARAMS, RunParameters
from review.config.paths import BATCH_ENV, cycle_folder, project_root, resolve
from review.results.figures import ResultsSource, results_source, to_jsonable, write_results
from review.results.history import output_root

__all__ = ["LAB_RECORDS_ENV", "Kept", "keep", "lab_folder", "lab_root", "summary_source"]

LAB_RECORDS_ENV = "REVIEW_LAB_RECORDS"
"""Names the folder JupyterLab sessions record into; ``review lab`` sets it to ``outputs/lab``."""

SESSION_SUFFIX = ".session.json"
"""Beside each ``<framework>.results.json``: when it was recorded and the notebook's parameters."""

COMPARED = tuple(p.name for p in COMMON_PARAMS if p.name not in ("cycle", "audience"))
"""Parameters a record must share with the summary that reads it (cycle and audience are its folder's)."""


def lab_root() -> Path | None:
    """The folder JupyterLab sessions record into, or None where nothing is recorded (a batch run,
    the tests, a session not started by ``review lab``).

    Examples
    --------
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {LAB_RECORDS_ENV: "/tmp/lab-records", BATCH_ENV: ""}):
    ...     lab_root().as_posix()
    '/tmp/lab-records'
    >>> with mock.patch.dict(os.environ, {LAB_RECORDS_ENV: "/tmp/lab-records", BATCH_ENV: "1"}):
    ...     lab_root() is None  # a batch run (or the tests) records nothing
    True
    >>> with mock.patch.dict(os.environ, {LAB_RECORDS_ENV: "", BATCH_ENV: ""}):
    ...     lab_root() is None  # no session named
    True
    """
    named = os.environ.get(LAB_RECORDS_ENV)
    if not named or os.environ.get(BATCH_ENV) == "1":
        return None
    return resolve(named)


def lab_folder(root: Path, cycle: str, audience: str) -> Path:
    """Where a session records a cycle's results for an audience: the batch runs' layout under ``root``.

    >>> lab_folder(Path("outputs/lab"), "2009-Q4", "internal").as_posix()
    'outputs/lab/internal/2009-Q4'
    """
    return cycle_folder(root, cycle, audience)


class Kept:
    """A record as :func:`keep` returns it in a session: shown as the record is, plus where it was kept."""

    def __init__(self, recorded: Any, path: Path) -> None:
        self.recorded = recorded
        self.payload = recorded.payload
        self.path = path

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        bundle = self.recorded._repr_mimebundle_(include, exclude)
        data, meta = bundle if isinstance(bundle, tuple) else (bundle, None)
        data = {**data, "text/plain": f"{data.get('text/plain', '')} Kept for the cycle summary in {_shown(self.path)}."}
        return (data, meta) if meta is not None else data


def keep(recorded: Any, params: RunParameters) -> Any:
    """In a ``review lab`` session, write a notebook's record where the cycle summary finds it.

    Parameters
    ----------
    recorded : object
        What the notebook's ``record`` returned (its ``payload`` is the results record).
    params : RunParameters
        The notebook's validated parameters: the folder is the cycle's and audience's, and they are
        written beside the record.

    Returns
    -------
    object
        ``recorded`` itself where nothing is recorded (so a batch run's page is unchanged); in a
        session, the same display saying where the record was kept.

    Examples
    --------
    >>> import tempfile
    >>> from unittest import mock
    >>> from review.config.params import RunParameters
    >>> from review.results.figures import record
    >>> p = RunParameters("governance", {"cycle": "2009-Q4", "audience": "published", "authority": "A"})
    >>> r = record("governance", "2009-Q4", {"rag_counts": {"red": 1}})
    >>> with mock.patch.dict(os.environ, {LAB_RECORDS_ENV: "", BATCH_ENV: ""}):
    ...     keep(r, p) is r  # no session named
    True
    >>> with mock.patch.dict(os.environ, {LAB_RECORDS_ENV: tempfile.mkdtemp(), BATCH_ENV: ""}):
    ...     kept = keep(r, p)
    >>> sorted(q.name for q in kept.path.parent.iterdir())
    ['governance.results.json', 'governance.session.json']
    """
    root = lab_root()
    if root is None:
        return recorded
    payload = recorded.payload
    folder = lab_folder(root, str(payload["cycle"]), str(params.values["audience"]))
    folder.mkdir(parents=True, exist_ok=True)
    framework = str(payload["framework"])
    session = {"recorded": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "parameters": to_jsonable(dict(params.values))}
    path = folder / f"{framework}.results.json"
    for target, content in ((path, payload), (folder / f"{framework}{SESSION_SUFFIX}", session)):
        part = target.with_name(target.name + ".part")
        write_results(part, content)
        part.replace(target)  # whole or not at all: the summary may read it at any time
    return Kept(recorded, path)


def summary_source(params: RunParameters) -> tuple[str, ResultsSource]:
    """The folder a cycle summary reads and how it is described.

    In a batch run (``results_dir`` set, :data:`~review.config.paths.BATCH_ENV` set) the run's
    staging folder. Elsewhere ``results_dir`` when it is set; else, in a ``review lab`` session
    holding records of the summary's cycle and audience, the session's records (each with the
    time it was made and the shared parameters it differs in); else the last batch run's folder
    for the audience (``outputs/<cycle>``, ``outputs/internal/<cycle>``).

    Parameters
    ----------
    params : RunParameters
        The summary's validated parameters.

    Returns
    -------
    tuple of (str, ResultsSource)
        The folder (absolute) and its description.
    """
    values = params.values
    if values["results_dir"]:
        folder = str(resolve(values["results_dir"]))
        return folder, results_source(folder, in_run=os.environ.get(BATCH_ENV) == "1")
    batch = cycle_folder(output_root(), values["cycle"], values["audience"])
    root = lab_root()
    if root is not None:
        session = lab_folder(root, values["cycle"], values["audience"])
        records = sorted(session.glob("*.results.json")) if session.is_dir() else []
        if records:
            recorded = tuple(_session(p, values) for p in records)
            return str(session), ResultsSource(_shown(session), True, False, lab=recorded, batch_folder=_shown(batch))
    return str(batch), results_source(batch, in_run=False)


def _session(path: Path, values: Mapping[str, Any]) -> tuple[str, str, tuple[str, ...]]:
    """(framework, when recorded, the shared parameters that differ from the summary's) of one record."""
    framework = path.name.removesuffix(".results.json")
    try:
        session = json.loads(path.with_name(framework + SESSION_SUFFIX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return framework, "", ("its parameters (no record of them)",)
    theirs = session.get("parameters", {}) if isinstance(session, dict) else {}
    differ = tuple(f"{name} {theirs.get(name)!r}" for name in COMPARED
                   if name in values and theirs.get(name) != to_jsonable(values[name]))
    return framework, str(session.get("recorded", "")), differ


def _shown(path: Path) -> str:
    try:
        return path.relative_to(project_root()).as_posix()
    except ValueError:
        return path.as_posix()
