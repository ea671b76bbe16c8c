"""The regional run: every authority x cycle x framework notebook as a task on a Dask cluster.

The same code runs on an embedded :class:`distributed.LocalCluster` (the default: worker
processes, one thread each, one ``kernel`` resource each, so a worker runs one kernel at a time)
and on an existing cluster (``--scheduler tcp://HOST:PORT``; its workers must be started with
``--resources kernel=1`` and see the same project checkout, evidence folders and output folder).

Each authority-cycle is staged in ``outputs/<authority>/.<cycle>.staging-*`` and published
atomically to ``outputs/<authority>/<cycle>/`` with its own index and manifest, reusing the
single-authority runner's task, export, index, manifest and publish code. A notebook that fails
gets its failure page and fails only its own authority-cycle; every other task finishes.

Each task sets its authority's own pseudonymisation key source in the worker before the kernel
starts: the key's environment variable is read on the worker, so keys never cross the network.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from review.batch.index import write_index, write_manifest
from review.batch.provenance import git_state, input_files, package_versions
from review.batch.runner import (
    NotebookOutcome,
    RunSummary,
    _now,
    _public_params,
    _publish,
    _remove_stale_staging,
    _task,
    execute_task,
)
from review.config.frameworks import FRAMEWORKS, Framework
from review.config.params import CycleParams
from review.config.paths import project_root, resolve
from review.config.region import Authority, KeySource, Region
from review.exceptions import DataValidationError, ParameterError

__all__ = ["RegionSummary", "apply_key_source", "key_environment", "run_region", "validate_region"]

KERNEL_RESOURCE = "kernel"
"""The worker resource each notebook task holds: workers offer one, so one kernel per worker."""


@dataclass(frozen=True)
class RegionSummary:
    """The outcome of a regional run: one runner summary per authority-cycle."""

    summaries: Mapping[tuple[str, str], Any]

    @property
    def ok(self) -> bool:
        """Whether every notebook of every authority-cycle succeeded."""
        return all(s.ok for s in self.summaries.values())


def apply_key_source(key: KeySource) -> None:
    """Point this process's environment at one authority's key (its kernels inherit it).

    Both key variables are cleared first, so nothing of a previous authority's key remains.

    Parameters
    ----------
    key : KeySource
        The authority's key source.

    Raises
    ------
    ParameterError
        If the named environment variable is not set here, or the key file is missing.
    """
    from review.protection.pseudonym import KEY_ENV, KEY_FILE_ENV

    os.environ.pop(KEY_ENV, None)
    os.environ.pop(KEY_FILE_ENV, None)
    if key.kind == "env":
        value = os.environ.get(key.value)
        if not value:
            raise ParameterError(f"the environment variable {key.value} (its pseudonymisation key) is not set")
        os.environ[KEY_ENV] = value
    elif key.kind == "file":
        path = resolve(key.value)
        if not path.is_file() or not path.read_bytes().strip():
            raise ParameterError(f"the key file {path} is missing or empty")
        os.environ[KEY_FILE_ENV] = str(path)


@contextmanager
def key_environment(key: KeySource):
    """Within the block, this process uses ``key``'s authority key; the previous settings return after."""
    from review.protection.pseudonym import KEY_ENV, KEY_FILE_ENV

    saved = {k: os.environ.get(k) for k in (KEY_ENV, KEY_FILE_ENV)}
    try:
        apply_key_source(key)
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _check_authority(region: Region, authority: Authority, overrides: Mapping[str, Any],
                     problems: list[str]) -> dict[str, CycleParams]:
    from review.config.params import load_cycle_params
    from review.data import load_evidence
    from review.protection.pseudonym import resolve_key

    tag = f"authority {authority.id}"
    loaded: dict[str, CycleParams] = {}
    for cycle in region.cycles:
        try:
            params = load_cycle_params(region.params_path(cycle),
                                       overrides={**overrides, "data_dir": authority.evidence})
        except ParameterError as exc:
            problems.extend(f"{tag}, cycle {cycle}: {p}" for p in exc.problems)
            continue
        if params.cycle != cycle:
            problems.append(f"{tag}: {params.source} is for cycle {params.cycle}, not {cycle}")
            continue
        loaded[cycle] = params
    try:
        evidence = load_evidence(authority.evidence)
    except (DataValidationError, ParameterError) as exc:
        problems.append(f"{tag}: {exc}")
        return loaded
    missing = [c for c in region.cycles if c not in evidence.cycles]
    if missing:
        problems.append(f"{tag}: its evidence in {authority.evidence} has no records for cycle(s) {missing}")
    try:
        with key_environment(authority.key):
            resolve_key(resolve(authority.evidence))
    except ParameterError as exc:
        problems.append(f"{tag}: {exc}")
    return loaded


def validate_region(region: Region, *, audience: str | None = None) -> dict[tuple[str, str], CycleParams]:
    """Check every authority's params, evidence and key before any kernel starts.

    Parameters
    ----------
    region : Region
        From :func:`review.config.region.load_region`.
    audience : str, optional
        Overrides the region file's and params files' audience.

    Returns
    -------
    dict
        ``(authority id, cycle)`` to that authority-cycle's validated parameters.

    Raises
    ------
    ParameterError
        Listing every problem found, each naming its authority.
    """
    chosen = audience or region.audience
    overrides = {"audience": chosen} if chosen else {}
    problems: list[str] = []
    loaded: dict[tuple[str, str], CycleParams] = {}
    for authority in region.authorities:
        for cycle, params in _check_authority(region, authority, overrides, problems).items():
            loaded[(authority.id, cycle)] = params
    if problems:
        raise ParameterError(problems, region.source)
    return loaded


def run_notebook_task(task: Any, key: KeySource, *_after: Any) -> NotebookOutcome:
    """Run one notebook task on a worker with its authority's key (``_after``: tasks to wait for)."""
    from review.analyses.context import EVIDENCE_CACHE_ENV

    apply_key_source(key)
    os.environ.pop(EVIDENCE_CACHE_ENV, None)  # no evidence of another authority is ever reused
    return execute_task(task)


def _client(scheduler: str | None, workers: int | None):
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler), None
    cluster = LocalCluster(n_workers=max(1, workers or os.cpu_count() or 1), threads_per_worker=1,
                           processes=True, resources={KERNEL_RESOURCE: 1}, dashboard_address=None,
                           # no dashboard; its health endpoints on a free port, not a fixed 8787
                           scheduler_kwargs={"dashboard": False, "dashboard_address": ":0"})
    return Client(cluster), cluster


Progress = Callable[[str, Any, int, int], None]


def _failed_outcome(task: Any, exc: BaseException) -> NotebookOutcome:
    from review.batch.html_export import failure_page

    error = {"cell": None, "ename": type(exc).__name__, "evalue": str(exc), "traceback": ""}
    meta = {**task.meta, "status": "failed"}
    Path(task.staging, f"{task.framework}.html").write_text(
        failure_page(title=task.title, review_meta=meta, error=error), encoding="utf-8")
    return NotebookOutcome(framework=task.framework, status="failed", started=_now(), ended=_now(),
                           duration_seconds=0.0, error=error)


def run_region(
    region: Region,
    params: Mapping[tuple[str, str], CycleParams],
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    force: bool = False,
    output_root: Path | None = None,
    timeout: float = 600.0,
    progress: Progress | None = None,
    kernels: str = "warm",
) -> RegionSummary:
    """Run every authority x cycle x framework notebook on a Dask cluster and publish each authority-cycle.

    Parameters
    ----------
    region : Region
        The region file.
    params : mapping
        From :func:`validate_region`.
    scheduler : str, optional
        Address of an existing scheduler (``tcp://HOST:PORT``); default an embedded LocalCluster.
    workers : int, optional
        Workers of the embedded cluster; default the number of cores.
    force : bool, default: ``False``
        Replace existing reports.
    output_root : pathlib.Path, optional
        Default ``outputs/``; authority folders go under it.
    timeout : float, default: ``600.0``
        Seconds a notebook may run.
    progress : callable, optional
        Called as ``progress(label, outcome, done, total)`` after each task.
    kernels : {"warm", "cold"}, default: ``"warm"``
        ``warm``: each worker keeps its own spare kernels (:mod:`review.batch.kernels`), each used
        for one notebook; ``cold``: papermill starts and shuts down a kernel per notebook.

    Returns
    -------
    RegionSummary
    """
    from distributed import as_completed

    root_out = output_root or (project_root() / "outputs")
    groups = [(a, c) for a in region.authorities for c in region.cycles]
    existing = [str(root_out / a.id / c) for a, c in groups if (root_out / a.id / c).exists()]
    if existing and not force:
        raise ParameterError(f"reports already exist in {existing[:3]}{' ...' if len(existing) > 3 else ''}; "
                             "pass --force to replace them")
    git, produced, started = git_state(), _now(), time.perf_counter()
    chosen = [FRAMEWORKS[n] for n in region.frameworks]
    client, cluster = _client(scheduler, workers)
    stagings: list[Path] = []
    summaries: dict[tuple[str, str], RunSummary] = {}
    try:
        pending: dict[Any, tuple[tuple[str, str], Any]] = {}
        state: dict[tuple[str, str], dict[str, Any]] = {}
        for authority, cycle in groups:
            p = params[(authority.id, cycle)]
            folder = root_out / authority.id
            folder.mkdir(parents=True, exist_ok=True)
            _remove_stale_staging(folder)
            staging = folder / f".{cycle}.staging-{os.getpid()}-{uuid.uuid4().hex[:8]}"
            staging.mkdir()
            stagings.append(staging)
            inputs = input_files(resolve(authority.evidence), resolve(p.source))
            state[(authority.id, cycle)] = {"params": p, "staging": staging, "inputs": inputs, "outcomes": {},
                                            "left": len(chosen)}
            first: list[Any] = []
            for wave in ([f for f in chosen if not f.after_others], [f for f in chosen if f.after_others]):
                futures = []
                for fw in wave:
                    task = replace(_task(fw, p, staging, timeout, produced, git, inputs), kernels=kernels)
                    future = client.submit(run_notebook_task, task, authority.key, *first, pure=False,
                                           resources={KERNEL_RESOURCE: 1},
                                           key=f"{authority.id}-{cycle}-{fw.name}-{uuid.uuid4().hex[:6]}")
                    pending[future] = ((authority.id, cycle), task)
                    futures.append(future)
                first = futures
        total = len(pending)
        for done, future in enumerate(as_completed(list(pending)), start=1):
            group, task = pending[future]
            try:
                outcome = future.result()
            except Exception as exc:  # noqa: BLE001 - a task that crashed fails only its own report
                outcome = _failed_outcome(task, exc)
            st = state[group]
            st["outcomes"][task.framework] = outcome
            st["left"] -= 1
            if progress:
                progress(f"{group[0]} {group[1]} {task.framework}", outcome, done, total)
            if st["left"] == 0:
                summaries[group] = _publish_group(region, group, st, chosen, root_out / group[0] / group[1],
                                                  {"git": git, "produced": produced, "started": started})
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
        for staging in stagings:
            shutil.rmtree(staging, ignore_errors=True)
    return RegionSummary(summaries=summaries)


def _publish_group(region: Region, group: tuple[str, str], st: dict[str, Any], chosen: list[Framework],
                   target: Path, run: dict[str, Any]) -> RunSummary:
    """Write one authority-cycle's manifest and index as the single-authority runner does, then publish."""
    authority_id, cycle = group
    p: CycleParams = st["params"]
    from review.protection.publish_gate import guard_staging

    staging: Path = st["staging"]
    authority = region.authority(authority_id)
    with key_environment(authority.key):  # the gate looks for this authority's raw references and key
        outcomes = tuple(guard_staging(staging, st["params"], [st["outcomes"][fw.name] for fw in chosen],
                                       titles={f.name: f.title for f in chosen}))
    summary = RunSummary(cycle=cycle, output_dir=target, outcomes=outcomes)
    write_manifest(staging / "manifest.json", {
        "authority": authority_id,
        "authority_name": region.authority(authority_id).name,
        "region_file": region.source,
        "cycle": cycle,
        "params_file": p.source,
        "parameters": {fw.name: _public_params(p.for_framework(fw.name)) for fw in chosen},
        "inputs": st["inputs"],
        "packages": package_versions(),
        "git": run["git"],
        "produced": run["produced"],
        "duration_seconds": time.perf_counter() - run["started"],
        "status": "ok" if summary.ok else "failed",
        "notebooks": [asdict(o) for o in outcomes],
    })
    write_index(staging / "index.html", cycle, p.common["audience"], list(outcomes))
    with key_environment(authority.key):  # every file, the manifest and index included, before publishing
        summary = replace(summary, outcomes=tuple(guard_staging(staging, p, list(outcomes))))
    _publish(staging, target)
    return summary
