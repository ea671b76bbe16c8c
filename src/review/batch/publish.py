"""Publishing a run's reports: one pipeline for a cycle's run and a regional run alike.

Reports are written to a hidden staging folder beside their target and moved into place only when
the whole set is done and checked (:func:`publish_run`): the run-only figures are dropped, the
publish gate checks the pages, the manifest and index are written, the gate checks every file
again, and the folder is renamed into place, so an interrupted run leaves the previous reports as
they were.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from review.batch.index import write_index, write_manifest
from review.batch.page_hygiene import finish_page
from review.batch.provenance import package_versions
from review.config.frameworks import FRAMEWORKS
from review.protection.pseudonym import DEMO_MARKER
from review.results.figures import drop_run_only

__all__ = ["Guard", "NotebookOutcome", "Provenance", "RunSummary", "move_into_place", "now", "public_params",
           "publish_run", "remove_stale_staging", "staging_path"]


@dataclass(frozen=True)
class NotebookOutcome:
    """What happened to one notebook."""

    framework: str
    status: str  # "ok" or "failed"
    started: str
    ended: str
    duration_seconds: float
    error: dict[str, Any] | None = None
    headlines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RunSummary:
    """The outcome of one cycle's run (or one authority-cycle's, or one comparison's)."""

    cycle: str
    output_dir: Path
    outcomes: tuple[NotebookOutcome, ...]

    @property
    def ok(self) -> bool:
        """Whether every notebook succeeded."""
        return all(o.status == "ok" for o in self.outcomes)


@dataclass(frozen=True)
class Provenance:
    """What every manifest of one run records of the run.

    Attributes
    ----------
    git : dict
        The checkout's commit and whether it was dirty.
    produced : str
        When the run started (ISO 8601, UTC).
    started : float
        The same moment as ``time.time()``: wall clock, since a regional run's workers may be
        other machines.
    """

    git: Mapping[str, Any]
    produced: str
    started: float


Guard = Callable[[list[NotebookOutcome]], list[NotebookOutcome]]
"""The publish gate on one staging folder: outcomes in, outcomes out (a withheld report failed)."""


def now() -> str:
    """The time now, ISO 8601 in UTC, to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def public_params(values: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters as recorded in the manifest (the staging path is not a real parameter)."""
    batch_set = {fw.results_param for fw in FRAMEWORKS.values()}
    return {k: v for k, v in values.items() if k not in batch_set}


def publish_run(staging: Path, target: Path, *, cycle: str, audience: str, outcomes: Sequence[NotebookOutcome],
                manifest: Mapping[str, Any], provenance: Provenance, guard: Guard,
                reports: Mapping[str, tuple[str, str]] | None = None, scope: str = "",
                history: Any = None) -> RunSummary:
    """Check a staging folder's reports, write its manifest and index, check every file again, and
    move it into place as ``target``.

    Parameters
    ----------
    staging, target : pathlib.Path
    cycle, audience : str
    outcomes : sequence of NotebookOutcome
        The notebooks' outcomes, in the order the index lists them.
    manifest : mapping
        What the manifest records of this set of reports (cycle, parameters, inputs...); the
        packages, provenance, duration, status and outcomes are added here.
    provenance : Provenance
    guard : callable
        The publish gate on ``staging``.
    reports : mapping, optional
        Report name to (title, purpose) for the index, where not a registered framework.
    scope : str, optional
        Whom the index is for (an authority or region), shown in its heading.
    history : object, optional
        What earlier quarters' runs of the audience say beside this one (:mod:`review.batch.history`),
        shown in the index.

    Returns
    -------
    RunSummary
    """
    drop_run_only(staging)  # the set's notebooks have ended: figures for them only go
    checked = guard(list(outcomes))
    write_manifest(staging / "manifest.json", {
        **manifest,
        "packages": package_versions(),
        "git": dict(provenance.git),
        "produced": provenance.produced,
        "duration_seconds": time.time() - provenance.started,
        "status": "ok" if all(o.status == "ok" for o in checked) else "failed",
        "notebooks": [asdict(o) for o in checked],
    })
    write_index(staging / "index.html", cycle, audience, checked, reports, scope, history)
    index = staging / "index.html"  # its tables, symbols and the demo's mark as every report's
    synthetic = any(Path(i.get("path", "")).name == DEMO_MARKER for i in manifest.get("inputs", []))
    index.write_text(finish_page(index.read_text(encoding="utf-8"), synthetic=synthetic), encoding="utf-8")
    checked = guard(checked)  # every file, the manifest and index included
    move_into_place(staging, target)
    return RunSummary(cycle=cycle, output_dir=target, outcomes=tuple(checked))


def staging_path(folder: Path, cycle: str) -> Path:
    """Where a run stages ``cycle``'s reports in ``folder`` before publishing them: hidden, named with
    this process's pid (see :func:`remove_stale_staging`) and a random part."""
    return folder / f".{cycle}.staging-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def remove_stale_staging(root_out: Path) -> None:
    """Delete staging folders left by runs that were killed (their process no longer exists)."""
    for folder in root_out.glob(".*.staging-*"):
        try:
            pid = int(folder.name.rsplit("staging-", 1)[1].split("-")[0])
            os.kill(pid, 0)
        except (ValueError, IndexError):
            continue
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            continue


def move_into_place(staging: Path, target: Path) -> None:
    """Move a complete staging folder into place; the old reports go only once the new are in."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
        target.rename(old)
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
