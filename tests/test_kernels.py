"""Warm kernels. Each is used for exactly one notebook, holds the workbook's imports but no name,
starts with its task's environment and nothing of another's, fails by cell, is stopped even when
busy, and leaves no process behind. No test here asserts a time: each waits for an event, or polls
against a generous deadline that only a broken kernel would reach."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import papermill as pm
import pytest
from papermill.exceptions import PapermillExecutionError

from review.analyses.context import EVIDENCE_CACHE_ENV
from review.batch import kernels, process_pool, warm_kernel
from review.batch.kernel_environment import kernel_environment
from review.protection.pseudonym import KEY_ENV

DEADLINE = 120.0
"""Seconds to wait for something that happens in well under one on an idle machine."""


def _notebook(path: Path, *cells: str) -> str:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, path)
    return str(path)


def _run(pool: kernels.KernelPool, notebook: str, out: Path) -> dict:
    """Execute ``notebook`` on a kernel of ``pool`` with papermill's own engine (as the runner does) and
    return what its last cell printed, read as JSON; the kernel is discarded after."""
    kernel = pool.take()
    try:
        pm.execute_notebook(notebook, str(out), kernel_name="python3", progress_bar=False, log_output=False,
                            km=kernel, request_save_on_cell_execute=False, cwd=str(out.parent))
    finally:
        pool.discard(kernel).join(DEADLINE)
    nb = nbformat.read(out, as_version=4)
    return json.loads(nb.cells[-1].outputs[0]["text"])


@pytest.fixture(scope="module")
def pool():
    """One pool for the module's tests: each takes its kernels from it and discards them."""
    p = kernels.KernelPool(kernel_environment(), spares=1)
    yield p
    p.close()


def test_each_notebook_gets_its_own_kernel_with_no_state_from_the_last(pool, tmp_path, process_gone):
    report = "import json, os\nprint(json.dumps({'pid': os.getpid(), 'left': 'secret' in globals()}))"
    first = _run(pool, _notebook(tmp_path / "a.ipynb", "secret = 'authority A'", report), tmp_path / "a.out.ipynb")
    second = _run(pool, _notebook(tmp_path / "b.ipynb", report), tmp_path / "b.out.ipynb")
    assert first["left"] is True  # the first notebook's own variable, in its own kernel
    assert second["left"] is False  # nothing of it in the next
    assert first["pid"] != second["pid"]
    assert process_gone(first["pid"])  # the used kernel was stopped (its thread joined in _run)


def test_a_warm_kernel_has_the_imports_done_and_no_name_bound(pool, tmp_path):
    probe = ("import json, sys\nprint(json.dumps({'loaded': [m in sys.modules for m in "
             "('pandas', 'matplotlib.pyplot', 'review.analyses.jar', 'review.views.gose')], "
             "'names': sorted(n for n in ('pd', 'plt', 'review', 'jar', 'views') if n in globals())}))")
    seen = _run(pool, _notebook(tmp_path / "p.ipynb", probe), tmp_path / "p.out.ipynb")
    assert seen == {"loaded": [True, True, True, True], "names": []}


def test_a_kernel_starts_with_its_task_environment_and_not_this_process_key(tmp_path, monkeypatch):
    """The task's variables are the kernel's from its start; this process's key never reaches it. A
    kernel of another environment comes from a new pool: the old one (and its spare) is closed."""
    monkeypatch.setenv(KEY_ENV, "key of the process that runs the batch")
    probe = (f"import json, os\nprint(json.dumps({{'key': os.environ.get({KEY_ENV!r}), "
             f"'cache': os.environ.get({EVIDENCE_CACHE_ENV!r})}}))")
    nb = _notebook(tmp_path / "k.ipynb", probe)
    seen = []
    try:
        for folder in ("/run/a", "/run/b"):
            pool, kernel = process_pool.take_kernel(kernel_environment({EVIDENCE_CACHE_ENV: folder}))
            try:
                pm.execute_notebook(nb, str(tmp_path / "k.out.ipynb"), kernel_name="python3", progress_bar=False,
                                    km=kernel, cwd=str(tmp_path))
            finally:
                pool.discard(kernel).join(DEADLINE)
            seen.append((pool, json.loads(nbformat.read(tmp_path / "k.out.ipynb", as_version=4)
                                          .cells[-1].outputs[0]["text"])))
    finally:
        process_pool.close_process_pool()
    assert [s for _, s in seen] == [{"key": None, "cache": "/run/a"}, {"key": None, "cache": "/run/b"}]
    assert seen[0][0] is not seen[1][0]
    assert seen[0][0].closed


def test_a_failure_is_captured_by_its_cell(pool, tmp_path):
    nb = _notebook(tmp_path / "f.ipynb", "x = 1", "x / 0", "print('never')")
    with pytest.raises(PapermillExecutionError) as raised:
        _run(pool, nb, tmp_path / "f.out.ipynb")
    assert raised.value.exec_count == 2
    assert raised.value.ename == "ZeroDivisionError"
    ran = nbformat.read(tmp_path / "f.out.ipynb", as_version=4)
    assert ran.cells[2].get("execution_count") is None  # nothing ran after the failing cell


def test_a_busy_kernel_is_stopped(pool, process_gone):
    """A kernel deep in a cell cannot answer a shutdown request: it is killed, not waited for."""
    kernel = pool.take()
    client = kernel.client()
    client.start_channels()
    msg_id = client.execute("import time\ntime.sleep(600)")
    while True:  # until the kernel says it is busy with that cell
        msg = client.get_iopub_msg(timeout=DEADLINE)
        if msg["parent_header"].get("msg_id") == msg_id and msg["content"].get("execution_state") == "busy":
            break
    pid = kernel.pid
    stopping = pool.discard(kernel)  # also stops the client's channels
    stopping.join(DEADLINE)
    assert not stopping.is_alive()
    assert pid is not None
    assert process_gone(pid)


def test_closing_the_pool_leaves_no_kernel(until, process_gone):
    p = kernels.KernelPool(kernel_environment(), spares=2)
    first = p.take()
    pids = {first.pid}
    p.discard(first).join(DEADLINE)
    until(lambda: len(p.pids()) >= 2, "two spares started")
    pids |= p.pids()
    p.close()
    assert len(pids) == 3
    assert [pid for pid in pids if not process_gone(pid)] == []


@pytest.fixture
def started(monkeypatch):
    """The pid of every kernel started during the test, recorded as soon as it has one."""
    pids: list[int] = []
    start = warm_kernel.WarmKernelManager.start_kernel

    def recording(self, **kwargs):
        start(self, **kwargs)
        pids.append(self.provisioner.pid)

    monkeypatch.setattr(warm_kernel.WarmKernelManager, "start_kernel", recording)
    return pids


@pytest.mark.parametrize("when", ["at once", "once one is ready"])
def test_a_kernel_starting_when_the_pool_closes_is_stopped(started, when, until, process_gone):
    """Closing the pool while spares are starting leaves no kernel behind: every kernel it started
    (recorded as it started) is gone once close() returns."""
    p = kernels.KernelPool(kernel_environment(), spares=2)
    if when != "at once":
        until(lambda: bool(p.pids()), "a kernel started")
    p.close()
    assert [pid for pid in started if not process_gone(pid)] == []


def test_a_killed_process_pool_is_replaced():
    """After a signal killed this process's pool (review.batch.runner's clean-up), the next run in the
    same process gets a new one instead of a closed pool."""
    env = kernel_environment()
    first = process_pool.process_pool(env)
    process_pool.kill_process_kernels()
    try:
        second = process_pool.process_pool(env)
        assert second is not first
        kernel = second.take()
        second.discard(kernel).join(DEADLINE)
    finally:
        process_pool.close_process_pool()


def test_withheld_variables_reach_no_kernel(tmp_path, monkeypatch):
    """A regional run's worker holds every authority's key variable; no kernel gets any of them, in
    its environment or in the environment it started with (/proc/self/environ); nor any other
    variable outside what Python, Jupyter and the locale need (deny by default)."""
    monkeypatch.setenv("REVIEW_KEY_LA01", "key of LA01")
    monkeypatch.setenv("LC_LA03", "key of LA03")  # of a kind the allow-list passes: only withholding stops it
    monkeypatch.setenv("OTHER_REGION_KEY_LA09", "key of LA09")  # not named by this region: denied by default
    monkeypatch.setenv("PYTHONIOENCODING", "utf-8")  # what Python needs: inherited
    monkeypatch.setenv("JUPYTER_TOKEN", "key of LA0 hub")  # a Jupyter name, but a secret: never
    probe = ("import json, os\nstarted = open('/proc/self/environ', 'rb').read()\n"
             "print(json.dumps({'seen': sorted(k for k in os.environ if 'LA0' in k), "
             "'at_start': b'key of LA0' in started, 'python': 'PYTHONIOENCODING' in os.environ, "
             "'token': 'JUPYTER_TOKEN' in os.environ}))")
    env = kernel_environment(withheld=frozenset({"REVIEW_KEY_LA01", "LC_LA03"}))
    p = kernels.KernelPool(env, spares=1)
    try:
        seen = _run(p, _notebook(tmp_path / "w.ipynb", probe), tmp_path / "w.out.ipynb")
    finally:
        p.close()
    assert seen == {"seen": [], "at_start": False, "python": True, "token": False}


def test_an_idle_pool_is_closed_and_a_busy_one_kept():
    """At the end of a regional run on an existing cluster each worker's pool is closed, unless one
    of its kernels is running another run's notebook."""
    env = kernel_environment()
    pool, kernel = process_pool.take_kernel(env)
    try:
        assert process_pool.close_process_pool(idle_only=True) is False  # a kernel is out
        assert process_pool.process_pool(env) is pool
    finally:
        pool.discard(kernel).join(DEADLINE)
    assert not pool.busy
    assert process_pool.close_process_pool(idle_only=True) is True
    assert pool.closed
    assert process_pool.close_process_pool(idle_only=True) is False  # none left
