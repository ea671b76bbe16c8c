"""The regional run: every authority x cycle x framework notebook as a task on a Dask cluster.

The same code runs on an embedded :class:`distributed.LocalCluster` (the default: worker
processes, one thread each, one ``kernel`` resource each, so a worker runs one kernel at a time)
and on an existing cluster (``--scheduler tcp://HOST:PORT``; its workers must be started with
``--resources kernel=1`` and see the same project checkout, evidence folders and output folder).

Each authority-cycle is staged in ``outputs/<authority>/.<cycle>.staging-*`` and published
atomically to ``outputs/<authority>/<cycle>/`` with its own index and manifest, through the
single-authority runner's notebook tasks and publishing pipeline (:mod:`review.batch.publish`). A
notebook that fails gets its failure page and fails only its own authority-cycle; every other task
finishes.

Each authority's key is read on a worker from the source the region file names for it (an
environment variable there, or a key file), by the tasks that need it (staging its evidence,
checking its pages); keys never cross the network, and no kernel holds one.

Each cycle's regional comparison (``notebooks/region_comparison.ipynb``) is a task of its own on
every authority's pseudonymised evidence, with no key in its kernel, published to
``outputs/<Region.comparison_folder>/<cycle>/`` once the gate has checked it against every
authority's raw references and key.
"""

from __future__ import annotations

import atexit
import contextlib
import copy
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import dask
from distributed import Client, LocalCluster, as_completed, wait

from review.analyses.context import (
    EVIDENCE_CACHE_ENV,
    REGION_CACHE_ENV,
    SNAPSHOT_FILE,
    evidence_snapshot,
    write_evidence_cache,
)
from review.batch.html_export import failure_page
from review.batch.lean_imports import skip_rfc3987_syntax
from review.batch.process_pool import close_process_pool
from review.batch.provenance import (
    code_digest,
    first_code_digest,
    git_state,
    input_files,
    package_versions,
)
from review.batch.publish import (
    NotebookOutcome,
    Provenance,
    RunSummary,
    now,
    public_params,
    publish_reports,
    publish_run,
    remove_stale_staging,
    staging_path,
)
from review.batch.runner import NotebookTask, execute_task, framework_task, notebook_task
from review.batch.safety import private_temp_dir, remove_stale_temp_dirs
from review.config.frameworks import FRAMEWORKS, Framework
from review.config.params import load_cycle_params
from review.config.paths import cycle_folder, project_root, resolve
from review.config.region import (
    COMPARISON,
    COMPARISON_NOTEBOOK,
    COMPARISON_PURPOSE,
    COMPARISON_TITLE,
    Authority,
    KeySource,
    Region,
)
from review.data import load_evidence
from review.data.io import find_files
from review.data.load import Evidence
from review.data.schema import ROW
from review.exceptions import DataValidationError, ParameterError
from review.protection.disclosure import policy_from_parameters
from review.protection.publish_gate import guard_staging, withhold_unchecked
from review.protection.report_check import raw_identifiers
from review.protection.run_context import RunContext, run_context
from review.results.history import OUTPUT_ROOT_ENV
from review.stats.indicators import IndicatorDefinition, definitions_from

__all__ = ["RegionSummary", "code_version", "comparison_task", "publish_task", "run_notebook_task", "run_region",
           "stage_evidence", "validate_region"]

KERNEL_RESOURCE = "kernel"
"""The worker resource every task holds: workers offer one, so a worker runs one task (and one
kernel) at a time, and its evidence folder (:func:`_worker_cache`) holds one task's snapshot."""


@dataclass(frozen=True)
class RegionSummary:
    """The outcome of a regional run: one runner summary per authority-cycle, keyed ``(authority id,
    cycle)``, and one per cycle's comparison, keyed ``(Region.comparison_folder, cycle)``."""

    summaries: Mapping[tuple[str, str], Any]

    @property
    def ok(self) -> bool:
        """Whether every notebook of every authority-cycle succeeded."""
        return all(s.ok for s in self.summaries.values())


def _check_authority(region: Region, authority: Authority, overrides: Mapping[str, Any],
                     problems: list[str], declared: dict[Authority, Declared],
                     ) -> dict[str, RunContext]:
    tag = f"authority {authority.id}"
    loaded: dict[str, RunContext] = {}
    for cycle in region.cycles:
        try:
            params = load_cycle_params(region.params_path(cycle),
                                       overrides={**overrides, "data_dir": authority.evidence,
                                                  "authority": f"{authority.name} ({authority.id})"})
        except ParameterError as exc:
            problems.extend(f"{tag}, cycle {cycle}: {p}" for p in exc.problems)
            continue
        if params.cycle != cycle:
            problems.append(f"{tag}: {params.source} is for cycle {params.cycle}, not {cycle}")
            continue
        try:
            loaded[cycle] = run_context(params, authority.key)  # its own key, from its own source
        except ParameterError as exc:
            if f"{tag}: {exc}" not in problems:  # one key, one problem, whatever the cycles
                problems.append(f"{tag}: {exc}")
    try:
        evidence = load_evidence(authority.evidence)
    except (DataValidationError, ParameterError) as exc:
        problems.append(f"{tag}: {exc}")
        return loaded
    declared[authority] = _declared(authority.evidence, evidence)
    missing = [c for c in region.cycles if c not in evidence.cycles]
    if missing:
        problems.append(f"{tag}: its evidence in {authority.evidence} has no records for cycle(s) {missing}")
    return loaded


def validate_region(region: Region, *, audience: str | None = None) -> dict[tuple[str, str], RunContext]:
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
        ``(authority id, cycle)`` to that authority-cycle's run context (its parameters, evidence
        folder and key source).

    Raises
    ------
    ParameterError
        Listing every problem found, each naming its authority.
    """
    chosen = audience or region.audience
    overrides = {"audience": chosen} if chosen else {}
    problems: list[str] = []
    loaded: dict[tuple[str, str], RunContext] = {}
    declared: dict[Authority, Declared] = {}
    for authority in region.authorities:
        if authority.id.lower() == region.comparison_folder:
            problems.append(f"authority {authority.id}: its id is the folder of the region's comparison reports; "
                            "rename the authority or the region")
        for cycle, context in _check_authority(region, authority, overrides, problems, declared).items():
            loaded[(authority.id, cycle)] = context
    problems.extend(_conflicting_definitions(declared))
    if problems:
        raise ParameterError(problems, region.source)
    return loaded


@dataclass(frozen=True)
class Declared:
    """An authority's own indicator definitions: the file that declares them, and ``(indicator,
    version)`` -> (its row there, the definition)."""

    file: str
    rows: Mapping[tuple[str, str], tuple[int, IndicatorDefinition]]


def _declared(folder: str, evidence: Evidence) -> Declared:
    """The local indicator definitions an authority's evidence declares, with their file and rows."""
    table = evidence.table("indicator_definitions")
    defined = definitions_from(table)
    keys = [(str(r["indicator"]), str(r["definition_version"])) for r in table.to_dict("records")]
    found = find_files(resolve(folder), "indicator_definitions")
    return Declared(str(found[0]) if found else f"{folder}/indicator_definitions.csv",
                    {key: (int(row), defined[key]) for key, row in zip(keys, table[ROW], strict=True)})


def _differences(mine: IndicatorDefinition, theirs: IndicatorDefinition) -> list[str]:
    """The fields two definitions of one indicator and version differ in, as ``field mine (theirs)``:
    every field but the source, and the direction only where one of them judges the measure."""
    ignored = {"certainty"} | ({"higher_is_better"} if mine.context_only and theirs.context_only else set())
    return [f"{f.name} {getattr(mine, f.name)!r} ({getattr(theirs, f.name)!r})" for f in fields(mine)
            if f.name not in ignored and getattr(mine, f.name) != getattr(theirs, f.name)]


def _conflicting_definitions(declared: Mapping[Authority, Declared]) -> list[str]:
    """A problem for each local indicator two authorities declare under one name and version but
    define differently: the comparison pools their counts on one funnel, under one definition
    (:func:`review.analyses.region.compare_region`). Only the source may differ, and the direction
    of a measure both declare context only.

    Examples
    --------
    >>> from review.stats.indicators import IndicatorDefinition as D
    >>> up = D("LA01", "L1", "Visits in time", "visits in time", "visits due", 5, True, "declared by the council: A")
    >>> one, two = (Authority(i, n, f"data/{i}", KeySource("env", f"K{i}")) for i, n in (("A1", "One"), ("B2", "Two")))
    >>> down = replace(up, higher_is_better=False, certainty="declared by the council: B")
    >>> _conflicting_definitions({one: Declared("a.csv", {("LA01", "L1"): (2, up)}),
    ...                           two: Declared("b.csv", {("LA01", "L1"): (3, down)})})
    ["authority B2: b.csv row 3 defines LA01 version 'L1' otherwise than authority A1 (row 2): higher_is_better False (True); the regional comparison pools one definition of each version: give them the same definition, or each a version of its own"]
    >>> _conflicting_definitions({one: Declared("a.csv", {("LA01", "L1"): (2, up)}),
    ...                           two: Declared("b.csv", {("LA01", "L1"): (2, replace(up, certainty="x"))})})
    []
    """
    first: dict[tuple[str, str], tuple[Authority, int, IndicatorDefinition]] = {}
    problems = []
    for authority, definitions in declared.items():
        for key, (row, definition) in definitions.rows.items():
            if key not in first:
                first[key] = (authority, row, definition)
                continue
            other, their_row, theirs = first[key]
            differ = _differences(definition, theirs)
            if differ:
                problems.append(
                    f"authority {authority.id}: {definitions.file} row {row} defines "
                    f"{key[0]} version {key[1]!r} otherwise than authority {other.id} (row {their_row}): "
                    f"{'; '.join(differ)}; the regional comparison pools one definition of each version: give them "
                    "the same definition, or each a version of its own")
    return problems


def stage_evidence(key: KeySource, folder: str) -> bytes:
    """On a worker: load, validate and pseudonymise one authority's evidence once for all its notebooks.

    Returns
    -------
    bytes
        The evidence cache (:func:`review.analyses.context.evidence_snapshot`): pseudonyms, no raw
        reference and no key, so it may pass from worker to worker.
    """
    return evidence_snapshot(resolve(folder), key=key)


def run_notebook_task(task: NotebookTask, snapshot: bytes, *_after: Any) -> NotebookOutcome:
    """Run one notebook task on a worker with its authority's evidence (``snapshot``, from
    :func:`stage_evidence`, written to the worker's owner-only evidence folder for the task's
    kernel and removed after; ``_after``: tasks to wait for). The kernel holds no key."""
    cache_dir = _worker_cache()
    try:
        write_evidence_cache(resolve(task.parameters["data_dir"]), cache_dir, snapshot=snapshot)
        # the authority's own folder holds its earlier runs, which the trends read
        earlier = _earlier_runs(cache_dir, Path(task.staging).resolve().parent)
        return execute_task(replace(task, env=_kernel_env(cache_dir, earlier)))
    finally:  # no evidence, nor earlier runs, of one authority is ever left for the next task
        (cache_dir / SNAPSHOT_FILE).unlink(missing_ok=True)
        (cache_dir / EARLIER_RUNS).unlink(missing_ok=True)


EARLIER_RUNS = "earlier-runs"
"""In a worker's evidence folder: a link to the folder of the running task's authority, where the
trends read its earlier runs, made for the task and removed after."""

AUTHORITIES = "authorities"
"""In a worker's evidence folder: the folder of every authority's snapshot, written for a
comparison's task and removed after."""


@lru_cache(maxsize=1)
def _worker_cache() -> Path:
    """This worker's owner-only evidence folder, the same for every task (those of workers killed
    before they could remove theirs are removed first)."""
    remove_stale_temp_dirs()
    folder = private_temp_dir()
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _kernel_env(cache_dir: Path, earlier: Path) -> dict[str, str]:
    """A task's kernel environment: where its kernel reads the evidence, the earlier runs and, for
    a comparison, every authority's snapshot.

    Whatever the task and its authority, these are the same folders of the worker's own (see
    :func:`_earlier_runs`): a worker's kernels all start with one environment, so the spare kernel
    started during one task serves the next. A kernel of another environment would need a new
    template, whose imports cost more than a notebook's run (as each authority's do where no link
    can be made, ``earlier`` being then the authority's folder itself)."""
    return {EVIDENCE_CACHE_ENV: str(cache_dir), OUTPUT_ROOT_ENV: str(earlier),
            REGION_CACHE_ENV: str(cache_dir / AUTHORITIES)}


def _earlier_runs(cache_dir: Path, folder: Path) -> Path:
    """The worker's link to ``folder`` (:data:`EARLIER_RUNS`), for one task; ``folder`` itself
    where no link can be made (a file system without them), at the cost of a new template for
    each authority."""
    link = cache_dir / EARLIER_RUNS
    link.unlink(missing_ok=True)
    try:
        link.symlink_to(folder, target_is_directory=True)
    except OSError:
        return folder
    return link


EMBEDDED_CLUSTER_CONFIG = {
    # The statistical profiler samples each worker's thread every 10 ms for the dashboard's profile
    # page, which the embedded cluster does not serve.
    "distributed.worker.profile.enabled": False,
    # Event-loop health checks every 20 ms, and memory checks every 100 ms, in every process.
    "distributed.admin.tick.interval": "500ms",
    "distributed.worker.memory.monitor-interval": "1s",
}
"""Dask settings of the embedded cluster: its own bookkeeping, at the defaults, kept 0.12-0.14 of
a core busy on a 2-core machine with two idle workers, and 0.02-0.04 with these. A worker pool as
large as the machine's cores shares them with that bookkeeping, the scheduler and the submitting
process (docs/region.md gives the same settings for an existing cluster's workers)."""


def _client(scheduler: str | None, workers: int | None) -> tuple[Client, LocalCluster | None]:
    if scheduler:
        return Client(scheduler), None
    with dask.config.set(EMBEDDED_CLUSTER_CONFIG):  # read as the scheduler and nannies start
        cluster = LocalCluster(n_workers=max(1, workers or os.cpu_count() or 1), threads_per_worker=1,
                               processes=True, resources={KERNEL_RESOURCE: 1}, dashboard_address=None,
                               # no dashboard; its health endpoints on a free port, not a fixed 8787
                               scheduler_kwargs={"dashboard": False, "dashboard_address": ":0"},
                               # each nanny's own copy for the workers it starts, a lost worker's
                               # replacement too (its default copy shares the nested settings that
                               # leaving this block puts back)
                               config=copy.deepcopy(dask.config.config))
    return Client(cluster), cluster


Progress = Callable[[str, Any, int, int], None]


@dataclass(frozen=True)
class GroupPlan:
    """What publishing one authority-cycle needs: sent to the worker that publishes it."""

    authority: Authority
    context: RunContext
    staging: Path
    inputs: list[dict[str, str]]
    target: Path


@dataclass
class GroupRun:
    """One authority-cycle as the submitting machine follows it: its notebook tasks (future to task)
    and their outcomes as they end."""

    plan: GroupPlan
    tasks: dict[Any, NotebookTask] = field(default_factory=dict)
    outcomes: dict[str, NotebookOutcome] = field(default_factory=dict)


@dataclass(frozen=True)
class ComparisonPlan:
    """One cycle's regional comparison: its notebook task, each authority's parameters (for the
    gate), its inputs (every authority's evidence, the params and region files), staging and target."""

    cycle: str
    contexts: Mapping[str, RunContext]
    staging: Path
    inputs: list[dict[str, str]]
    task: NotebookTask
    target: Path


@dataclass
class Submitted:
    """Every task of a regional run the submitting machine waits for."""

    notebooks: dict[Any, GroupRun] = field(default_factory=dict)
    publishing: dict[Any, GroupRun] = field(default_factory=dict)
    comparing: dict[Any, ComparisonPlan] = field(default_factory=dict)
    stagings: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class RegionRun:
    """What every task of one regional run is made from."""

    region: Region
    contexts: Mapping[tuple[str, str], RunContext]
    chosen: list[Framework]
    root_out: Path
    timeout: float
    provenance: Provenance
    withheld: frozenset[str]


def _failed_outcome(task: NotebookTask, exc: BaseException) -> NotebookOutcome:
    error = {"cell": None, "ename": type(exc).__name__, "evalue": str(exc), "traceback": ""}
    meta = {**task.meta, "status": "failed"}
    Path(task.staging, f"{task.framework}.html").write_text(
        failure_page(title=task.title, review_meta=meta, error=error), encoding="utf-8")
    return NotebookOutcome(framework=task.framework, status="failed", started=now(), ended=now(),
                           duration_seconds=0.0, error=error)


def run_region(region: Region, contexts: Mapping[tuple[str, str], RunContext], *, scheduler: str | None = None,
               workers: int | None = None, force: bool = False, output_root: Path | None = None,
               timeout: float = 600.0, progress: Progress | None = None) -> RegionSummary:
    """Run every authority x cycle x framework notebook on a Dask cluster, publish each authority-cycle,
    and publish the regional comparison of each cycle.

    Parameters
    ----------
    region : Region
        The region file.
    contexts : mapping
        Each authority-cycle's run context, from :func:`validate_region`.
    scheduler : str, optional
        Address of an existing scheduler (``tcp://HOST:PORT``); default an embedded LocalCluster.
    workers : int, optional
        Workers of the embedded cluster; default the number of cores.
    force : bool, default: ``False``
        Replace existing reports.
    output_root : pathlib.Path, optional
        Default ``outputs/``: authority folders and :attr:`Region.comparison_folder` go under it.
    timeout : float, default: ``600.0``
        Seconds a notebook may run.
    progress : callable, optional
        Called as ``progress(label, outcome, done, total)`` after each notebook.

    Returns
    -------
    RegionSummary
        One summary per authority-cycle, and one per cycle's comparison.
    """
    root_out = output_root or (project_root() / "outputs")
    _refuse_existing(region, contexts, root_out, force)
    run = RegionRun(region, contexts, [FRAMEWORKS[n] for n in region.frameworks], root_out, timeout,
                    Provenance(git_state(), now(), time.time()),  # wall clock: workers may be other machines
                    # every authority's key variable: a worker holds them all, no kernel gets any of them
                    frozenset(a.key.value for a in region.authorities if a.key.kind == "env"))
    client, cluster = _client(scheduler, workers)
    submitted = Submitted()
    try:
        client.run(skip_rfc3987_syntax)  # before the workers import the batch
        _check_workers(client)
        _submit_all(client, run, submitted)
        return RegionSummary(summaries=_collect(run, submitted, progress))
    finally:
        if cluster is None:  # an existing cluster's workers keep no idle kernel of this run
            with contextlib.suppress(Exception):
                client.run(close_process_pool, idle_only=True)
        client.close()
        if cluster is not None:
            cluster.close()
        for staging in submitted.stagings:
            shutil.rmtree(staging, ignore_errors=True)


def _submit_all(client: Any, run: RegionRun, submitted: Submitted) -> None:
    """Submit every task: each authority's evidence, validated and pseudonymised once on a worker for
    all its notebooks and the comparisons; each authority-cycle; each cycle's comparison."""
    region = run.region
    snapshots = {a.id: client.submit(stage_evidence, a.key, a.evidence, pure=False, resources={KERNEL_RESOURCE: 1},
                                     key=f"{a.id}-evidence-{uuid.uuid4().hex[:6]}")
                 for a in region.authorities}
    for authority in region.authorities:
        for cycle in region.cycles:
            _submit_group(client, run, authority, cycle, snapshots[authority.id], submitted)
    if len(region.authorities) >= 2:  # one authority alone: nothing to compare
        for cycle in region.cycles:
            _submit_comparison(client, run, cycle, snapshots, submitted)


def _refuse_existing(region: Region, contexts: Mapping[tuple[str, str], RunContext], root_out: Path,
                     force: bool) -> None:
    """Refuse to replace reports already published for the same audience, unless ``force`` (an
    internal run and a published one of a cycle stand side by side, each in its audience's folder)."""
    targets = [cycle_folder(root_out / a.id, c, contexts[(a.id, c)].audience)
               for a in region.authorities for c in region.cycles]
    if len(region.authorities) >= 2:
        targets += [cycle_folder(root_out / region.comparison_folder, c,
                                 contexts[(region.authorities[0].id, c)].audience) for c in region.cycles]
    existing = [str(t) for t in targets if t.exists()]
    if existing and not force:
        raise ParameterError(f"reports already exist in {existing[:3]}{' ...' if len(existing) > 3 else ''}; "
                             "pass --force to replace them")


def _submit_group(client: Any, run: RegionRun, authority: Authority, cycle: str, snapshot: Any,
                  submitted: Submitted) -> None:
    """Submit one authority-cycle's notebooks (those that read the others' results after them) and
    its publication, a task on a worker too: the submitting machine only hands out tasks."""
    context = run.contexts[(authority.id, cycle)]
    staging = _staging(run.root_out / authority.id, cycle)
    submitted.stagings.append(staging)
    inputs = input_files(context.data_dir, resolve(context.params.source))
    group = GroupRun(GroupPlan(authority, context, staging, inputs,
                               cycle_folder(run.root_out / authority.id, cycle, context.audience)))
    first: list[Any] = []
    for wave in ([f for f in run.chosen if not f.after_others], [f for f in run.chosen if f.after_others]):
        futures = []
        for fw in wave:
            task = replace(framework_task(fw, context, staging, run.timeout, run.provenance, inputs),
                           withheld=run.withheld)
            future = client.submit(run_notebook_task, task, snapshot, *first, pure=False,
                                   resources={KERNEL_RESOURCE: 1},
                                   key=f"{authority.id}-{cycle}-{fw.name}-{uuid.uuid4().hex[:6]}")
            group.tasks[future] = task
            submitted.notebooks[future] = group
            futures.append(future)
        first = futures
    publishing = client.submit(publish_task, run.region, group.plan, run.chosen, run.provenance, *group.tasks,
                               pure=False, resources={KERNEL_RESOURCE: 1},
                               key=f"{authority.id}-{cycle}-publish-{uuid.uuid4().hex[:6]}")
    submitted.publishing[publishing] = group


def _submit_comparison(client: Any, run: RegionRun, cycle: str, snapshots: Mapping[str, Any],
                       submitted: Submitted) -> None:
    """Submit one cycle's comparison, first once the evidence is staged (it needs nothing else):
    submitted last, it would run alone at the end while the other workers idle."""
    plan = _comparison_plan(run, cycle)
    submitted.stagings.append(plan.staging)
    future = client.submit(comparison_task, run.region, plan, run.provenance, snapshots, pure=False,
                           resources={KERNEL_RESOURCE: 1}, priority=1,
                           key=f"{run.region.comparison_folder}-{cycle}-{uuid.uuid4().hex[:6]}")
    submitted.comparing[future] = plan


def _collect(run: RegionRun, submitted: Submitted, progress: Progress | None) -> dict[tuple[str, str], RunSummary]:
    """Wait for every task; a publication or comparison that crashed is published from here."""

    summaries: dict[tuple[str, str], RunSummary] = {}
    total, done = len(submitted.notebooks) + len(submitted.comparing), 0
    for future in as_completed([*submitted.notebooks, *submitted.publishing, *submitted.comparing]):
        if future in submitted.publishing:
            group = submitted.publishing[future]
            try:
                summaries[(group.plan.authority.id, group.plan.context.cycle)] = future.result()
            except Exception:  # noqa: BLE001 - a notebook task crashed: published here with its failure
                summaries[(group.plan.authority.id, group.plan.context.cycle)] = _publish_here(run, group)
            continue
        done += 1
        if future in submitted.comparing:
            plan = submitted.comparing[future]
            try:
                summary = future.result()
            except Exception as exc:  # noqa: BLE001 - crashed (an authority's evidence could not be staged...)
                summary = _comparison_here(run, plan, exc)
            summaries[(run.region.comparison_folder, plan.cycle)] = summary
            label, outcome = f"{run.region.comparison_folder} {plan.cycle} {COMPARISON}", summary.outcomes[0]
        else:
            group = submitted.notebooks[future]
            task = group.tasks[future]
            outcome = _notebook_outcome(group, future)
            label = f"{group.plan.authority.id} {group.plan.context.cycle} {task.framework}"
        if progress:
            progress(label, outcome, done, total)
    return summaries


def _notebook_outcome(group: GroupRun, future: Any) -> NotebookOutcome:
    """A notebook task's outcome (known already if its authority-cycle was published here)."""
    task = group.tasks[future]
    if task.framework not in group.outcomes:
        try:
            group.outcomes[task.framework] = future.result()
        except Exception as exc:  # noqa: BLE001 - a task that crashed fails only its own report
            group.outcomes[task.framework] = _failed_outcome(task, exc)
    return group.outcomes[task.framework]


def _staging(folder: Path, cycle: str) -> Path:
    """A new staging folder for ``cycle`` in ``folder`` (stale ones of killed runs removed first)."""
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(folder)
    staging = staging_path(folder, cycle)
    staging.mkdir()
    return staging


def code_version() -> str:
    """What the workbook runs here: its code as this process imported it, the notebooks and the
    versions of the packages that execute and export them. The run compares every worker's with
    the submitting machine's.

    Returns
    -------
    str
        A SHA-256 hex digest; or, if the code files changed after this process imported them (it
        still runs the old code), a note that never equals another process's.
    """
    imported = first_code_digest()
    if code_digest() != imported:
        return f"changed since this process started ({uuid.uuid4().hex})"
    digest = hashlib.sha256(imported.encode("ascii"))
    for path in sorted((project_root() / "notebooks").glob("*.ipynb")):
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes())
    digest.update(json.dumps(package_versions(), sort_keys=True).encode())
    return digest.hexdigest()


def _check_workers(client: Any) -> None:
    """Refuse a cluster whose workers run other code than this machine (started before a ``git
    pull``, or from another checkout): they would publish reports of code nobody reviewed."""
    ours = code_version()
    stale = sorted(address for address, version in client.run(code_version).items() if version != ours)
    if stale:
        raise ParameterError(f"worker(s) {', '.join(stale[:3])}{' ...' if len(stale) > 3 else ''} run other code "
                             "than this checkout; restart the Dask workers in the project's environment")


def publish_task(region: Region, plan: GroupPlan, chosen: list[Framework], provenance: Provenance,
                 *outcomes: NotebookOutcome) -> RunSummary:
    """On a worker: check, index and publish one authority-cycle from its notebooks' outcomes."""
    return _publish_group(region, plan, {o.framework: o for o in outcomes}, chosen, provenance)


def _publish_here(run: RegionRun, group: GroupRun) -> RunSummary:
    """Publish an authority-cycle one of whose notebook tasks crashed (its worker died...), on this
    machine, once every other notebook of it has ended; the crashed ones get failure pages. If even
    that fails (a full disk...), nothing of it is published and every report of it is failed."""

    wait(list(group.tasks))
    for future in group.tasks:
        _notebook_outcome(group, future)
    try:
        return _publish_group(run.region, group.plan, group.outcomes, run.chosen, run.provenance)
    except Exception as exc:  # noqa: BLE001 - the run goes on; this authority-cycle is not published
        return _unpublished(group.plan.context.cycle, group.plan.target,
                            [group.outcomes[fw.name] for fw in run.chosen], exc)


def _unpublished(cycle: str, target: Path, outcomes: list[NotebookOutcome], exc: BaseException) -> RunSummary:
    """The summary of reports that could not be published: every one failed, naming the error's type
    only (its message could quote the evidence)."""
    error = {"cell": None, "ename": "NotPublished",
             "evalue": f"the reports could not be published ({type(exc).__name__})", "traceback": ""}
    return RunSummary(cycle=cycle, output_dir=target,
                      outcomes=tuple(replace(o, status="failed", headlines=[], error=error) for o in outcomes))


def _publish_group(region: Region, plan: GroupPlan, outcomes: Mapping[str, NotebookOutcome],
                   chosen: list[Framework], provenance: Provenance) -> RunSummary:
    """Check, index and publish one authority-cycle, with a manifest as the single-authority runner's."""
    p, authority = plan.context.params, plan.authority
    titles = {f.name: f.title for f in chosen}
    manifest = {
        "authority": authority.id,
        "authority_name": authority.name,
        "region_file": region.source,
        "cycle": p.cycle,
        "params_file": p.source,
        "parameters": {fw.name: public_params(p.for_framework(fw.name)) for fw in chosen},
        "inputs": plan.inputs,
    }
    references = _references(plan.context)
    return publish_reports(plan.staging, plan.target, plan.context, outcomes=[outcomes[fw.name] for fw in chosen],
                           manifest=manifest, provenance=provenance,
                           guard=lambda outs: _guarded(plan.context, plan.staging, outs, titles, references),
                           scope=authority.name)


def _references(context: RunContext) -> set[str] | None:
    """An authority's raw references, read once for every pass of the gate over one publication (the
    gate's passes, and the comparison's check against each authority); they stay in this task. None
    when its evidence cannot be read again: the gate then tries itself, and withholds what it cannot check."""
    try:
        return raw_identifiers(context.data_dir)
    except DataValidationError:
        return None


def _guarded(context: RunContext, staging: Path, outcomes: list[NotebookOutcome],
             titles: dict[str, str], references: set[str] | None) -> list[NotebookOutcome]:
    """The publish gate on one authority-cycle, with that authority's key and raw references
    (:func:`_references`); if its key cannot be read here, nothing of it can be checked, so every
    report of it is withheld."""
    try:  # the gate looks for this authority's raw references and key
        return guard_staging(staging, context, outcomes, titles=titles, identifiers=references)
    except ParameterError:
        return withhold_unchecked(staging, context.params, outcomes, titles=titles, reason=(
            "the authority's pseudonymisation key could not be read to check the pages"))


def _comparison_plan(run: RegionRun, cycle: str) -> ComparisonPlan:
    """What the comparison of one cycle needs (see :class:`ComparisonPlan`)."""
    region = run.region
    by_authority = {a.id: run.contexts[(a.id, cycle)] for a in region.authorities}
    first = by_authority[region.authorities[0].id].params
    staging = _staging(run.root_out / region.comparison_folder, cycle)
    inputs = input_files(*(c.data_dir for c in by_authority.values()), resolve(first.source), resolve(region.source))
    values = {"region_file": str(resolve(region.source)), "cycle": cycle,
              **{k: first.common[k] for k in ("audience", "suppression_threshold", "min_group", "rounding_base")}}
    task = notebook_task(COMPARISON, COMPARISON_TITLE, COMPARISON_NOTEBOOK, values, cycle, staging,
                         timeout=run.timeout, provenance=run.provenance, inputs=inputs,
                         synthetic=all(c.synthetic for c in by_authority.values()))
    return ComparisonPlan(cycle, by_authority, staging, inputs, replace(task, withheld=run.withheld),
                          cycle_folder(run.root_out / region.comparison_folder, cycle, str(first.common["audience"])))


def comparison_task(region: Region, plan: ComparisonPlan, provenance: Provenance,
                    snapshots: Mapping[str, bytes]) -> RunSummary:
    """On a worker: run one cycle's regional comparison and publish it.

    The comparison's kernel reads every authority's snapshot (pseudonyms only, see
    :func:`stage_evidence`) from an owner-only folder removed after, and holds no authority's key;
    the publish gate then checks its pages against each authority's raw references and key in turn.
    """
    cache_dir = _worker_cache()
    folder = cache_dir / AUTHORITIES
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        for authority_id, snapshot in snapshots.items():
            (folder / f"{authority_id}.pickle").write_bytes(snapshot)
        # no earlier runs: the comparison reads none (the link is not made)
        outcome = execute_task(replace(plan.task, env=_kernel_env(cache_dir, cache_dir / EARLIER_RUNS)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return _publish_comparison(region, plan, outcome, provenance)


def _comparison_here(run: RegionRun, plan: ComparisonPlan, exc: BaseException) -> RunSummary:
    """Publish a comparison whose task crashed (an authority's evidence could not be staged, its worker
    died...) from this machine, as a failure page, checked like any other."""
    try:
        outcome = _failed_outcome(plan.task, exc)  # its staging may be gone (published before the crash)
        return _publish_comparison(run.region, plan, outcome, run.provenance)
    except Exception as error:  # noqa: BLE001 - the run goes on; this comparison is not published
        failed = NotebookOutcome(framework=COMPARISON, status="failed", started=now(), ended=now(),
                                 duration_seconds=0.0)
        return _unpublished(plan.cycle, plan.target, [failed], error)


def _publish_comparison(region: Region, plan: ComparisonPlan, outcome: NotebookOutcome,
                        provenance: Provenance) -> RunSummary:
    """Gate (with every authority's references and key), index and publish one cycle's comparison."""
    first = plan.contexts[region.authorities[0].id].params
    manifest = {
        "region": region.name,
        "region_file": region.source,
        "authorities": [a.id for a in region.authorities],
        "cycle": plan.cycle,
        "params_file": first.source,
        "parameters": {COMPARISON: plan.task.parameters},
        "inputs": plan.inputs,
    }
    titles = {COMPARISON: COMPARISON_TITLE}
    references = {a.id: _references(plan.contexts[a.id]) for a in region.authorities}

    def guard(outcomes: list[NotebookOutcome]) -> list[NotebookOutcome]:
        for authority in region.authorities:  # a page is published only if no authority's check fails
            outcomes = _guarded(plan.contexts[authority.id], plan.staging, outcomes, titles, references[authority.id])
        return outcomes

    return publish_run(plan.staging, plan.target, cycle=plan.cycle, audience=first.common["audience"],
                       outcomes=[outcome], manifest=manifest, provenance=provenance, guard=guard,
                       reports={COMPARISON: (COMPARISON_TITLE, COMPARISON_PURPOSE)}, scope=region.name,
                       policy=policy_from_parameters(plan.task.parameters))  # the comparison's own
