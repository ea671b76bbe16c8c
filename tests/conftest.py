"""Shared fixtures."""

from __future__ import annotations

import atexit
import csv
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from warm_kernels import on_jupyter_path, warm_kernelspec

from review.config.paths import BATCH_ENV, project_root
from review.results.history import OUTPUT_ROOT_ENV

# Kernels started by the tests (papermill, nbval) inherit this: notebooks run as in the batch.
os.environ[BATCH_ENV] = "1"
# ... and read no earlier run unless a test names one: the nbval anchors (stored by `review
# refresh-notebooks` the same way) must not depend on what happens to be in the project's outputs/.
os.environ[OUTPUT_ROOT_ENV] = tempfile.mkdtemp(prefix="review-no-runs-")
atexit.register(shutil.rmtree, os.environ[OUTPUT_ROOT_ENV], ignore_errors=True)  # each test process's own


# The slowest files, slowest first (measured with `--durations=0`). `make test` runs each file on one of
# three workers (`--dist loadfile --no-loadscope-reorder`), in the order below: a heavy file handed out
# last would leave the other workers idle at the end, and xdist's own order starts the files with the
# most tests first, which are the quick ones. A file not named here runs after these, in collection order.
SLOWEST_FIRST = ("test_region.py", "test_jupyterlab.py", "test_actions.py", "test_corruption.py",
                 "test_browser.py", "test_notebook_runs.py", "test_run.py", "test_run_safety.py",
                 "test_council_threshold.py", "test_disclosure_check.py", "test_forms.py", "test_pack.py", "test_protection.py", "test_kernels.py",
                 "test_lint.py", "test_audit_learning.py", "test_data.py", "test_action_draft.py", "test_history.py",
                 "region_comparison.ipynb", "cycle_summary.ipynb")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the tests of the slowest files first (see :data:`SLOWEST_FIRST`), keeping every file's own order."""
    rank = {name: i for i, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the rest keep their order


NBVAL_KERNEL = "review-warm"
"""The kernel `make test` has nbval run the committed notebooks on (``--nbval-kernel-name``): see
:func:`warm_kernels.warm_kernelspec`. A new ``python3`` kernel would import the workbook again for each notebook,
seconds of CPU each; a few tests still run notebooks on such kernels (test_explore, test_trends,
test_local_indicators)."""


def pytest_configure(config: pytest.Config) -> None:
    """With ``--nbval-kernel-name review-warm``: that kernel's spec (:class:`_WarmNbvalKernel`)."""
    if config.getoption("nbval_kernel_name", default=None) == NBVAL_KERNEL:
        config.pluginmanager.register(_WarmNbvalKernel(), "review-warm-nbval-kernel")


class _WarmNbvalKernel:
    """The ``review-warm`` kernel spec of this process: its folder put on ``JUPYTER_PATH`` at once (first,
    so that every kernel and server started later sees one environment), the spec and its template
    (:func:`warm_kernelspec`, a template of its own: a run a test interrupts ends the shared ones)
    made as the first notebook starts. A plugin of its own: a hook of this conftest would be called
    for the tests in ``tests/`` only, not for the notebooks."""

    def __init__(self) -> None:
        folder = Path(tempfile.mkdtemp(prefix="review-kernelspec-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        on_jupyter_path(os.environ, folder)
        self.spec = folder / "kernels" / NBVAL_KERNEL

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        """Before nbval starts the kernel of this process's first notebook."""
        if item.path.suffix == ".ipynb" and not self.spec.is_dir():
            warm_kernelspec(self.spec)


@pytest.fixture(scope="session")
def root() -> Path:
    """The project root of the checkout under test."""
    return project_root()


@pytest.fixture
def write_params(tmp_path: Path):
    """Write a params file from text and return its path."""

    def _write(text: str, name: str = "cycle.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


def _session_folder(tmp_path_factory) -> Path:
    """A temporary folder of this test session that every xdist worker of it shares (each worker's own
    base folder is a child of the session's); without xdist, the session's base folder."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _shared_run(tmp_path_factory, name: str, args: list[str]) -> tuple[int, Path]:
    """Run ``review`` with ``args`` and ``--output-root`` a folder ``name`` of the session, once per test
    session: the first worker to ask runs it while holding a lock, the others wait for it and reuse it.
    Returns (exit code, output root)."""
    from review.cli import main

    shared = _session_folder(tmp_path_factory)
    out, done = shared / name, shared / f"{name}.exit-code"
    with open(shared / f"{name}.lock", "w", encoding="ascii") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or when the worker dies
        if not done.exists():
            shutil.rmtree(out, ignore_errors=True)  # a worker that died mid-run left it half written
            code = main([*args, "--output-root", str(out), "--quiet"])
            done.write_text(str(code), encoding="ascii")
        return int(done.read_text(encoding="ascii")), out


def _threshold_run(tmp_path_factory, root: Path, threshold: int) -> tuple[Path, int, Path]:
    """The demo's published 2009-Q4 under a council's ``suppression_threshold``, once per test session
    (as :func:`_shared_run`): (its params file, exit code, output root)."""
    text = (root / "params" / "2009-Q4.yaml").read_text(encoding="utf-8")
    text = text.replace('data_dir: "data/demo"', f'data_dir: "{root / "data" / "demo"}"\nsuppression_threshold: {threshold}')
    text = text.replace('thresholds_file: "params/thresholds/demo.yaml"',
                        f'thresholds_file: "{root / "params" / "thresholds" / "demo.yaml"}"')
    assert f"suppression_threshold: {threshold}" in text
    params = _session_folder(tmp_path_factory) / f"threshold{threshold}.yaml"
    written = params.with_suffix(f".{os.getpid()}")
    written.write_text(text, encoding="utf-8")
    os.replace(written, params)  # whole, whichever worker writes it last
    code, out = _shared_run(tmp_path_factory, f"threshold{threshold}", ["run", "--cycle", "2009-Q4", "--params", str(params)])
    return params, code, out


@pytest.fixture(scope="session")
def threshold_run(tmp_path_factory, root):
    """``threshold_run(threshold)``: the demo's published 2009-Q4 under a council's threshold, run once
    per session for every file that asks (see :func:`_threshold_run`): (params file, exit code, output
    root). Read it, never write to it."""
    return lambda threshold: _threshold_run(tmp_path_factory, root, threshold)


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory, root):
    """The batch run of the demo cycle (published audience) into a temporary folder: (exit code, cycle
    folder). One run for the whole test session, shared by every test and worker: read it, never write to it."""
    code, out = _shared_run(tmp_path_factory, "outputs", ["run", "--cycle", "2009-Q4"])
    return code, out / "2009-Q4"


@pytest.fixture(scope="session")
def demo_internal_run(tmp_path_factory):
    """The batch run of the demo cycle for the internal audience into a temporary folder: (exit code, cycle
    folder). An internal run writes under ``internal/``, the audience's own folder. One run for the whole test
    session, shared by every test and worker: read it, never write to it."""
    code, out = _shared_run(tmp_path_factory, "outputs-internal", ["run", "--cycle", "2009-Q4", "--audience", "internal"])
    return code, out / "internal" / "2009-Q4"


@pytest.fixture
def execute_notebook():
    """Execute a notebook under papermill as the batch does: ``execute(notebook, out, parameters)`` runs it
    on a warm kernel of this process's pool (forked from a template that imported the workbook once; a new
    ``python3`` kernel would import it all again, seconds of CPU for each notebook), in the batch's kernel
    environment with this session's output root, and discards the kernel after. Raises papermill's
    :class:`~papermill.exceptions.PapermillExecutionError` when a cell fails. (The nbval run of
    ``notebooks/`` executes each notebook on a new kernel of its own.)"""
    import papermill as pm

    from review.batch.kernel_environment import kernel_environment
    from review.batch.process_pool import take_kernel

    def _execute(notebook: Path | str, out: Path, parameters: dict | None = None) -> None:
        pool, kernel = take_kernel(kernel_environment({OUTPUT_ROOT_ENV: os.environ[OUTPUT_ROOT_ENV]}))
        try:
            pm.execute_notebook(str(notebook), str(out), parameters=parameters or {}, kernel_name="python3",
                                km=kernel, cwd=str(project_root()), progress_bar=False,
                                request_save_on_cell_execute=False)
        finally:
            pool.discard(kernel)

    return _execute


@pytest.fixture
def demo_data(root, tmp_path) -> Path:
    """A writable copy of the demo evidence (``data/demo``), at ``tmp_path / "data"``."""
    target = tmp_path / "data"
    shutil.copytree(root / "data" / "demo", target)
    return target


@pytest.fixture
def edit_csv():
    """Rewrite a CSV file through ``change(rows)``, ``rows[0]`` its header: ``change`` edits the rows in place
    (returning None) or returns the rows to write."""

    def _edit(path: Path, change: Callable[[list[list[str]]], list[list[str]] | None]) -> None:
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        changed = change(rows)
        if changed is not None and not all(isinstance(row, list) for row in changed):
            raise TypeError(f"change({path.name}) returned {type(changed).__name__} of non-rows: edit in place "
                            "and return None, or return the rows")
        with path.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\n").writerows(rows if changed is None else changed)

    return _edit


@pytest.fixture
def evidence_problems():
    """The problems, as text, that loading a data folder reports (the load must fail)."""
    from review.data import load_evidence
    from review.exceptions import DataValidationError

    def _problems(folder: Path) -> list[str]:
        with pytest.raises(DataValidationError) as info:
            load_evidence(folder)
        return [str(p) for p in info.value.problems]

    return _problems


@pytest.fixture
def until():
    """Poll ``condition()`` every 50 ms until it holds; past ``deadline`` seconds (generous: only a broken
    process reaches it) fail naming ``what``. For waits on another process; no test asserts a time."""

    def _until(condition: Callable[[], object], what: str, deadline: float = 120.0) -> None:
        end = time.monotonic() + deadline
        while not condition():
            if time.monotonic() > end:
                raise AssertionError(f"still not {what} after {deadline:g} s")
            time.sleep(0.05)

    return _until


@pytest.fixture
def process_gone():
    """Whether the process ``pid`` has ended: there is none, or it is a zombie waiting to be reaped."""

    def _gone(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")

    return _gone


CHROMIUM = Path(os.environ.get("REVIEW_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium driven by playwright, one per test module: the sync API allows one loop at a
    time, and a later module of the same worker (``review pack`` prints with playwright) needs its own."""
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: `apt-get install chromium` (as root) to run the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the test extra has it)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
