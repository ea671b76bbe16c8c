"""Publishing a run's reports: one pipeline for a cycle's run and a regional run alike.

Reports are written to a hidden staging folder beside their target and moved into place only when
the whole set is done and checked (:func:`publish_run`): the run-only figures are dropped, the
publish gate checks the pages, the cycle's pages are solved together as one registry of linked
figures (:mod:`review.protection.cycle_registry`; a page whose figures would give back a count
another page withholds is withheld), the manifest and index are written, the gate checks every
file again, and the folder is renamed into place, so an interrupted run leaves the previous
reports as they were.
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
from review.protection.cycle_registry import cycle_log
from review.protection.disclosure import DisclosurePolicy
from review.protection.disclosure_log import collect, log_path, write_log
from review.protection.pseudonym import DEMO_MARKER
from review.protection.publish_gate import withhold_pages
from review.protection.run_context import RunContext
from review.results.figures import drop_run_only

__all__ = ["Guard", "NotebookOutcome", "Provenance", "RunSummary", "move_into_place", "now", "public_params",
           "publish_reports", "publish_run", "remove_stale_staging", "staging_path"]


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
    disclosure_log: tuple[dict[str, Any], ...] = ()
    """The run's disclosure log as it is to be written (the pages' records, their withholdings
    across pages, and the cycle's record), for a published run; internal, never in the pack."""

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
                history: Any = None, disclosure: Sequence[Mapping[str, Any]] | None = None,
                policy: DisclosurePolicy | None = None) -> RunSummary:
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
    disclosure : sequence of mapping, optional
        The pages' disclosure-log records lifted out of the executed notebooks
        (:func:`review.protection.disclosure_log.collect`), with their registries of linked figures.
    policy : DisclosurePolicy, optional
        The cycle's policy. With ``disclosure``, the pages' registries are solved together
        (:func:`review.protection.cycle_registry.cycle_log`); a page the cycle must withhold more
        of is withheld (its HTML was written when its notebook ended), and the log returned in
        :attr:`RunSummary.disclosure_log` says which figure and link.

    Returns
    -------
    RunSummary
    """
    drop_run_only(staging)  # the set's notebooks have ended: figures for them only go
    checked = guard(list(outcomes))
    log: list[dict[str, Any]] = [{k: v for k, v in r.items() if k != "registry"} for r in disclosure or ()]
    if disclosure is not None and policy is not None and policy.suppress:
        ended = {o.framework for o in checked if o.status == "ok"}  # a withheld page prints nothing
        log, cross = cycle_log([r if r.get("page") in ended else {k: v for k, v in r.items() if k != "registry"}
                                for r in disclosure], policy)
        if cross.pages:
            titles = {name: fw.title for name, fw in FRAMEWORKS.items()} | {k: v[0] for k, v in (reports or {}).items()}
            checked = withhold_pages(staging, checked, {p: cross.reason(p) for p in cross.pages}, cycle=cycle,
                                     audience=audience, titles=titles)
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
    index.write_text(finish_page(index.read_text(encoding="utf-8"), synthetic=synthetic, policy=policy), encoding="utf-8")
    checked = guard(checked)  # every file, the manifest and index included
    move_into_place(staging, target)
    return RunSummary(cycle=cycle, output_dir=target, outcomes=tuple(checked), disclosure_log=tuple(log))


def publish_reports(staging: Path, target: Path, context: RunContext, *, outcomes: Sequence[NotebookOutcome],
                    manifest: Mapping[str, Any], provenance: Provenance, guard: Guard, scope: str,
                    history: Any = None) -> RunSummary:
    """:func:`publish_run` for one authority-cycle's framework reports, with their disclosure log.

    The log is lifted out of the executed notebooks (:func:`review.protection.disclosure_log.collect`),
    the pages are solved together under the context's policy, and for a published run the log is
    written beside the cycle folders (:func:`review.protection.disclosure_log.log_path`), for the
    output checker, never in the published folder.

    Parameters
    ----------
    staging, target : pathlib.Path
    context : RunContext
        The authority-cycle's run context: its cycle, audience and policy.
    outcomes, manifest, provenance, guard, scope, history
        As :func:`publish_run`.

    Returns
    -------
    RunSummary
    """
    disclosure = collect(staging)  # out of the executed notebooks: internal only, never published
    summary = publish_run(staging, target, cycle=context.cycle, audience=context.audience, outcomes=outcomes,
                          manifest=manifest, provenance=provenance, guard=guard, scope=scope, history=history,
                          disclosure=disclosure, policy=context.policy)
    if context.audience == "published":  # what the published pack withheld, beside it, never in it
        write_log(log_path(target.parent, context.cycle), summary.disclosure_log, cycle=context.cycle,
                  policy=context.policy)
    return summary


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
    target.parent.mkdir(parents=True, exist_ok=True)  # an audience's folder (outputs/internal) on its first run
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
