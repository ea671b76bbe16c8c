"""The quarterly batch: execute every framework notebook of a cycle into offline HTML reports.

One Python process drives papermill and nbconvert in-process (their command-line tools
each pay a second and a half of start-up). Notebooks run in parallel worker processes,
each kernel on its own IPC connection file (no TCP port races). Reports are written to a
staging folder and moved into ``outputs/<cycle>/`` only when the whole cycle is done, so
an interrupted run leaves the previous reports as they were.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import nbformat
import papermill as pm
from papermill.exceptions import PapermillExecutionError

from review import __version__
from review.analyses.context import EVIDENCE_CACHE_ENV, write_evidence_cache
from review.batch.forked_kernels import Template, can_fork, close_shared_templates, shared_template
from review.batch.history import carried
from review.batch.html_export import export_report, failure_page
from review.batch.kernel_environment import kernel_environment, workbook_modules
from review.batch.kernels import START_TIMEOUT
from review.batch.process_pool import (
    close_process_pool,
    kill_process_kernels,
    process_pool,
    take_kernel,
)
from review.batch.provenance import git_state, input_files
from review.batch.publish import (
    NotebookOutcome,
    Provenance,
    RunSummary,
    now,
    public_params,
    publish_reports,
    remove_stale_staging,
    staging_path,
)
from review.batch.safety import (
    check_output_root,
    cycle_lock,
    disk_errors,
    private_temp_dir,
    remove_stale_temp_dirs,
    stop_workers,
    watch_parent,
)
from review.batch.warm_kernel import WarmKernelManager
from review.config.cycles import quarter_label, quarter_name
from review.config.frameworks import FRAMEWORKS, Framework
from review.config.params import CycleParams
from review.config.paths import cycle_folder, project_root, resolve
from review.data import load_evidence
from review.exceptions import ParameterError
from review.protection.pseudonym import identifier_values
from review.protection.publish_gate import guard_staging, prescan
from review.protection.run_context import RunContext, run_context
from review.results.figures import results_from_notebook, write_results
from review.results.history import OUTPUT_ROOT_ENV
from review.results.judgements import marked_headlines

__all__ = ["NotebookOutcome", "NotebookTask", "RunSummary", "execute_task", "framework_task", "notebook_task",
           "run_cycle"]


@dataclass(frozen=True)
class NotebookTask:
    """One notebook to execute and export."""

    framework: str
    title: str
    notebook: str
    parameters: dict[str, Any]
    staging: str
    timeout: float
    meta: dict[str, Any]
    threads: int = 1
    env: dict[str, str] = field(default_factory=dict)  # the task's own variables in its kernel's environment
    withheld: frozenset[str] = frozenset()  # kept out of its kernel's environment (review.batch.kernels)
    spare: bool = True  # start a spare for a later notebook (False for the run's last notebooks)


_LIVE_KERNELS: list[WarmKernelManager] = []
"""The kernel of the notebook this process is running (for the time limit and for a kill)."""


def _stop_kernels() -> None:
    """Interrupt the kernel this worker is running a notebook on: the running cell raises
    KeyboardInterrupt and the notebook fails cleanly (killing the kernel instead can leave nbclient
    waiting, papermill#125)."""
    for manager in list(_LIVE_KERNELS):
        manager.interrupt()


def _kill_live_kernels() -> None:
    """Kill the kernels this process started, with their process groups, the spares included."""
    for manager in list(_LIVE_KERNELS):
        manager.kill()
    kill_process_kernels()


def _error_from_exception(exc: BaseException) -> dict[str, Any]:
    if isinstance(exc, PapermillExecutionError):
        return {
            "cell": exc.exec_count,
            "ename": exc.ename,
            "evalue": exc.evalue,
            "traceback": "\n".join(exc.traceback),
        }
    return {"cell": None, "ename": type(exc).__name__, "evalue": str(exc), "traceback": ""}


def execute_task(task: NotebookTask) -> NotebookOutcome:
    """Execute one notebook with papermill, then write its HTML and results JSON to staging.

    Parameters
    ----------
    task : NotebookTask
        What to run and where to write.

    Returns
    -------
    NotebookOutcome
        Status, timings and, on failure, the error.
    """
    staging = Path(task.staging)
    executed = staging / f"{task.framework}.ipynb"
    started, t0 = now(), time.perf_counter()
    error = _execute(task, executed)
    results = None
    if error is None:
        nb = nbformat.read(executed, as_version=4)
        results = results_from_notebook(nb)
        if results is None:
            error = {"cell": None, "ename": "NoResults", "evalue": "the notebook recorded no results",
                     "traceback": ""}
    meta = {**task.meta, "status": "failed" if error else "ok"}
    html_path = staging / f"{task.framework}.html"
    if error is None:
        html_path.write_text(export_report(nb, title=task.title, review_meta=meta), encoding="utf-8")
        write_results(staging / f"{task.framework}.results.json", results or {})  # recorded: not None here
    else:
        html_path.write_text(failure_page(title=task.title, review_meta=meta, error=error), encoding="utf-8")
    return NotebookOutcome(
        framework=task.framework,
        status="failed" if error else "ok",
        started=started,
        ended=now(),
        duration_seconds=time.perf_counter() - t0,
        error=error,
        headlines=marked_headlines(results or {}),
    )


def _execute(task: NotebookTask, executed: Path) -> dict[str, Any] | None:
    """Run the task's notebook with papermill on a warm kernel of the task's environment, used once
    and then discarded; None, or the error."""
    error: dict[str, Any] | None = None
    _LIVE_KERNELS.clear()
    timer = threading.Timer(task.timeout, _stop_kernels)  # the notebook's time, not the wait for a kernel
    timer.daemon = True
    pool, kernel = None, None
    try:
        pool, kernel = take_kernel(kernel_environment(task.env, task.threads, task.withheld), refill=task.spare)
        _LIVE_KERNELS.append(kernel)
        timer.start()
        pm.execute_notebook(
            task.notebook,
            str(executed),
            parameters=task.parameters,
            kernel_name="python3",
            km=kernel,  # nbclient leaves a kernel it was given to its owner
            request_save_on_cell_execute=False,  # one write at the end, not two per cell
            cwd=str(project_root()),
            progress_bar=False,
            log_output=False,
            execution_timeout=int(task.timeout) + 30,  # backstop if an interrupt is ignored
            start_timeout=int(START_TIMEOUT),
        )
    except Exception as exc:  # noqa: BLE001 - any failure becomes a failure page, not a crash
        error = _error_from_exception(exc)
        if timer.finished.is_set() and not timer.is_alive():
            error = {"cell": error.get("cell"), "ename": "Timeout",
                     "evalue": f"the notebook ran longer than {task.timeout:g} seconds and was stopped",
                     "traceback": error.get("traceback", "")}
    finally:
        timer.cancel()
        _LIVE_KERNELS.clear()
        if pool is not None and kernel is not None:
            pool.discard(kernel)  # stopped in the background: no shutdown stall on the critical path
    return error


def _init_worker(parent_pid: int, env: dict[str, str], threads: int, template: str | None) -> None:
    """Worker initializer: die with the run (see review.batch.safety), and start this worker's
    spare kernel at once (forked by the run's template), while the run is still staging the evidence."""
    watch_parent(parent_pid, _kill_live_kernels)
    process_pool(kernel_environment(env, threads), template=template)


def _worker_started() -> int:
    """A no-op task: submitting one per worker starts every worker (and its kernels) at once."""
    return os.getpid()


def _template(threads: int) -> Template | None:
    """The process's kernel template (kept for its later runs: one that runs several cycles imports
    the workbook once), or None where the platform cannot fork."""
    return shared_template(kernel_environment(threads=threads), workbook_modules()) if can_fork() else None


@contextlib.contextmanager
def _workers(jobs: int, n_tasks: int, env: dict[str, str], threads: int) -> Iterator[ProcessPoolExecutor | None]:
    """The run's worker processes, started before the evidence is staged so that their kernels (of
    the run's environment ``env``) warm meanwhile; ``None`` when the notebooks run in this process
    (one job)."""
    if jobs <= 1 or n_tasks <= 1:
        template = _template(threads)
        process_pool(kernel_environment(env, threads), template=template.address if template else None)
        try:
            yield None
        finally:
            close_process_pool()
        return
    # A forkserver starts clean (forking this process could copy the event-loop thread that
    # papermill's client leaves behind and deadlock) and preloads papermill, nbconvert and a warmed
    # report exporter once, so each worker forks from it without paying them again.
    if sys.platform.startswith("linux"):
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["review.batch.preload"])  # its imports, and the exporter warmed
    else:
        context = multiprocessing.get_context("spawn")
    n_workers = min(jobs, n_tasks)
    # One kernel template for every worker, started first: its imports overlap the forkserver's
    # and the loading of the evidence, and are paid once, not once per worker.
    template = _template(threads)
    # Workers die with the run (and kill their kernels first): see review.batch.safety.
    pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=context, initializer=_init_worker,
                               initargs=(os.getpid(), env, threads, template.address if template else None))
    # Started from a thread: the forkserver's start (its imports) overlaps the loading of the evidence.
    starter = threading.Thread(target=lambda: [pool.submit(_worker_started) for _ in range(n_workers)],
                               name="review-start-workers", daemon=True)
    try:
        starter.start()
        yield pool
        pool.shutdown()  # each worker stops its kernels as it exits
    except BaseException:
        stop_workers()
        pool.shutdown(wait=False, cancel_futures=True)
        close_shared_templates()  # a kernel its worker could not stop (killed mid-run) ends with its template
        raise


def _run_tasks(
    tasks: Sequence[NotebookTask], pool: ProcessPoolExecutor | None, progress: Progress
) -> list[NotebookOutcome]:
    for task in tasks:
        progress(task.framework, None)
    if pool is None:
        outcomes = []
        for task in tasks:
            outcome = execute_task(task)
            progress(task.framework, outcome)
            outcomes.append(outcome)
        return outcomes
    outcomes = []
    futures = {pool.submit(execute_task, t): t for t in tasks}
    for future in as_completed(futures):
        outcome = future.result()
        progress(outcome.framework, outcome)
        outcomes.append(outcome)
    order = [t.framework for t in tasks]
    return sorted(outcomes, key=lambda o: order.index(o.framework))


Progress = Callable[[str, "NotebookOutcome | None"], None]


def _silent(framework: str, outcome: NotebookOutcome | None) -> None:
    """Progress callback that reports nothing."""


def run_cycle(
    run: RunContext | CycleParams,
    *,
    frameworks: Sequence[str] | None = None,
    jobs: int | None = None,
    force: bool = False,
    progress: Progress | None = None,
    output_root: Path | None = None,
    timeout: float = 600.0,
) -> RunSummary:
    """Run every (or the chosen) framework notebook of one cycle.

    Parameters
    ----------
    run : RunContext or CycleParams
        The cycle's run context (:func:`review.protection.run_context.run_context`), or its
        validated parameters, of which the context is made here (the key read from this
        process's key variables).
    frameworks : sequence of str, optional
        Framework names; default all registered frameworks.
    jobs : int, optional
        Parallel notebooks; default the number of cores.
    force : bool, default: ``False``
        Replace the cycle's existing reports.
    progress : callable, optional
        Called as ``progress(framework, None)`` when a notebook is queued and
        ``progress(framework, outcome)`` when it ends; default silent.
    output_root : pathlib.Path, optional
        Where cycle folders go; default ``outputs/`` under the project root.
    timeout : float, default: ``600.0``
        Seconds a notebook may run: its kernel is then stopped and it gets a failure page. Each
        notebook runs on a kernel started ahead with the imports done, used once
        (:mod:`review.batch.kernels`).

    Returns
    -------
    RunSummary
        Outcomes per notebook and the cycle's output folder.

    Raises
    ------
    ParameterError
        If a framework name is unknown or the cycle was already run and ``force`` is False.
    """
    context = run if isinstance(run, RunContext) else run_context(run)
    names = list(frameworks) if frameworks else list(FRAMEWORKS)
    unknown = [n for n in names if n not in FRAMEWORKS]
    if unknown:
        raise ParameterError(f"unknown framework(s) {unknown}; known frameworks are: {', '.join(FRAMEWORKS)}")
    root_out = output_root or (project_root() / "outputs")
    check_output_root(root_out)
    with cycle_lock(root_out, context.cycle):
        return _run_locked(context, names, root_out, jobs=jobs, force=force, progress=progress, timeout=timeout)


def _run_locked(context: RunContext, names: list[str], root_out: Path, *, jobs: int | None, force: bool,
                progress: Progress | None, timeout: float) -> RunSummary:
    """The run of one cycle, under its lock."""
    params, data_dir = context.params, context.data_dir
    target = cycle_folder(root_out, params.cycle, context.audience)  # one folder per audience
    if target.exists() and not force:
        raise ParameterError(
            f"{target} already holds reports for cycle {params.cycle}; pass --force to replace them"
        )
    provenance = Provenance(git_state(), now(), time.time())
    inputs = input_files(data_dir, resolve(params.source))
    remove_stale_temp_dirs()
    remove_stale_staging(root_out)
    cache_dir = private_temp_dir()  # owner-only; removed on every exit path below
    staging = staging_path(root_out, params.cycle)
    n_jobs = max(1, jobs or os.cpu_count() or 1)
    threads = max(1, (os.cpu_count() or 1) // n_jobs)
    chosen: list[Framework] = [FRAMEWORKS[n] for n in names]
    env = {EVIDENCE_CACHE_ENV: str(cache_dir),  # the kernels' own: the snapshot's folder
           OUTPUT_ROOT_ENV: str(root_out.resolve())}  # where the trends read earlier runs (review.results.history)
    try:
        with disk_errors(params.cycle), _workers(n_jobs, len(chosen), env, threads) as pool:  # kernels warm meanwhile
            raw = load_evidence(data_dir)  # validates the data before anything is written
            identifiers = identifier_values(raw)  # for the publish gate: the references of this very evidence
            write_evidence_cache(data_dir, cache_dir, raw)
            del raw
            staging.mkdir()
            memo: dict[tuple[str, str], list[Any]] = {}  # the gate's later passes scan only what is new
            run = _Run(context, staging, timeout, provenance, inputs, threads, env, identifiers, memo)
            outcomes = _run_waves(run, chosen, pool, 1 if pool is None else min(n_jobs, len(chosen)),
                                  progress or _silent)
            titles = {f.name: f.title for f in chosen}
            return publish_reports(
                staging, target, context, outcomes=outcomes,
                manifest={"cycle": params.cycle, "params_file": params.source, "inputs": inputs,
                          "parameters": {fw.name: public_params(params.for_framework(fw.name)) for fw in chosen}},
                provenance=provenance,
                guard=lambda outs: guard_staging(staging, context, outs, titles=titles, identifiers=identifiers,
                                                 memo=memo),
                history=carried(root_out, params.cycle, context.audience, staging,
                                authority=str(params.common["authority"])),
                scope=str(params.common["authority"]))  # whose reports the index lists
    finally:
        _clean_up(staging, cache_dir)


@dataclass(frozen=True)
class _Run:
    """What every notebook task of one cycle's run is made from."""

    context: RunContext
    staging: Path
    timeout: float
    provenance: Provenance
    inputs: list[dict[str, str]]
    threads: int
    env: dict[str, str]
    identifiers: set[str]
    memo: dict[tuple[str, str], list[Any]]


def _run_waves(run: _Run, chosen: list[Framework], pool: ProcessPoolExecutor | None, n_workers: int,
               progress: Progress) -> list[NotebookOutcome]:
    """Run the frameworks' notebooks, those that read the others' results last; the ended ones'
    files are scanned for the gate while the later ones run."""
    waves = [[f for f in chosen if not f.after_others], [f for f in chosen if f.after_others]]
    outcomes: list[NotebookOutcome] = []
    scans: list[threading.Thread] = []
    for w, wave in enumerate(waves):
        left = sum(len(later) for later in waves[w + 1:])  # notebooks still to come after this wave
        tasks = [replace(framework_task(fw, run.context, run.staging, run.timeout, run.provenance, run.inputs),
                         threads=run.threads, env=run.env,
                         spare=len(wave) - i + left > n_workers)  # the last ones need no spare
                 for i, fw in enumerate(wave)]
        outcomes.extend(_run_tasks(tasks, pool, progress))
        if left:
            scans.append(_prescan(run.staging, run.context, [o.framework for o in outcomes], run.identifiers,
                                  run.memo))
    if pool is not None:  # the workers stop their kernels while the run checks and publishes
        threading.Thread(target=pool.shutdown, name="review-stop-workers", daemon=True).start()
    for scan in scans:
        scan.join()
    return outcomes


def _prescan(staging: Path, context: RunContext, frameworks: list[str], identifiers: set[str],
             memo: dict[tuple[str, str], list[Any]]) -> threading.Thread:
    """Scan the ended notebooks' files into the gate's memo on a thread of this process, which
    otherwise only waits while the later notebooks run (:func:`review.protection.publish_gate.prescan`);
    a failure here only leaves the gate to scan them itself."""
    def scan() -> None:
        with contextlib.suppress(Exception):
            prescan(staging, context, frameworks, identifiers=identifiers, memo=memo)

    thread = threading.Thread(target=scan, name="review-prescan", daemon=True)
    thread.start()
    return thread


def _clean_up(staging: Path, cache_dir: Path) -> None:
    """Remove the staging folder and the evidence cache. A Ctrl-C or SIGTERM that comes meanwhile
    cannot cut the clean-up short: it is held, and acted on once the clean-up is done (ignored, it
    was lost, and a run of several cycles went on to the next one)."""
    held: list[int] = []
    handlers = {}
    if threading.current_thread() is threading.main_thread():
        handlers = {sig: signal.signal(sig, lambda signum, _frame: held.append(signum))
                    for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        _kill_live_kernels()
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(cache_dir, ignore_errors=True)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    if held:
        signal.raise_signal(held[0])  # the handler the run had: KeyboardInterrupt for the command line


def framework_task(fw: Framework, context: RunContext, staging: Path, timeout: float, provenance: Provenance,
                   inputs: list[dict[str, str]]) -> NotebookTask:
    """The task of one framework's notebook in a cycle's run (a summary reads the run's staging folder)."""
    values = context.params.for_framework(fw.name)
    if fw.results_param is not None:
        values[fw.results_param] = str(staging)
    if "params_file" in {p.name for p in fw.params}:  # the summary prints the run's report: section
        values["params_file"] = str(context.params.source)
    return notebook_task(fw.name, fw.title, fw.notebook, values, context.cycle, staging, timeout=timeout,
                         provenance=provenance, inputs=inputs, synthetic=context.synthetic)


def notebook_task(name: str, title: str, notebook: str, values: dict[str, Any], cycle: str, staging: Path, *,
                  timeout: float, provenance: Provenance, inputs: list[dict[str, str]],
                  synthetic: bool) -> NotebookTask:
    """A notebook task with the page metadata every report carries (framework, cycle, audience,
    production time, version, git state, inputs, whether the data are synthetic)."""
    return NotebookTask(
        framework=name,
        title=f"{title}, {quarter_label(cycle)}",
        notebook=str(project_root() / "notebooks" / notebook),
        parameters=values,
        staging=str(staging),
        timeout=timeout,
        meta={
            "framework": name,
            "framework_title": title,
            "cycle": cycle,
            "quarter": quarter_name(cycle),
            "authority": values.get("authority", ""),  # a regional comparison is of several
            "audience": values["audience"],
            "produced": provenance.produced,
            "version": __version__,
            "git_commit": provenance.git["commit"],
            "git_dirty": provenance.git["dirty"],
            "inputs": inputs,
            "synthetic": synthetic,
        },
    )
