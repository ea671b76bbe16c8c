"""Issue 19: warm kernels. Each is used for exactly one notebook, holds the workbook's imports but no
name, gets each task's variables and no other's, fails by cell, stops at its time limit, shuts down
without the stall, and gives the same reports as a kernel started per notebook."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import nbformat
import papermill as pm
import pytest
from papermill.exceptions import PapermillExecutionError

from review.batch import kernels
from review.batch.runner import run_cycle
from review.config.params import load_cycle_params
from review.protection.pseudonym import KEY_ENV


def _notebook(path: Path, *cells: str) -> str:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, path)
    return str(path)


def _run(pool: kernels.KernelPool, notebook: str, out: Path, task_env: dict | None = None) -> dict:
    """Execute ``notebook`` in a kernel of ``pool`` (as the runner does) and return what its last cell
    printed, read as JSON; the kernel is discarded after."""
    warm = pool.take()
    try:
        pm.execute_notebook(notebook, str(out), kernel_name="python3", progress_bar=False, log_output=False,
                            engine_name=kernels.register_engine(), km=warm.manager, task_env=task_env or {},
                            request_save_on_cell_execute=False, cwd=str(out.parent))
    finally:
        pool.discard(warm).join(30)
    nb = nbformat.read(out, as_version=4)
    return json.loads(nb.cells[-1].outputs[0]["text"])


@pytest.fixture(scope="module")
def pool():
    """One pool for the module's tests: each takes its kernels from it and discards them."""
    p = kernels.KernelPool(spares=1)
    yield p
    p.close()


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        return fh.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")


def test_each_notebook_gets_its_own_kernel_with_no_state_from_the_last(pool, tmp_path):
    report = "import json, os\nprint(json.dumps({'pid': os.getpid(), 'left': 'secret' in globals()}))"
    first = _run(pool, _notebook(tmp_path / "a.ipynb", "secret = 'authority A'", report), tmp_path / "a.out.ipynb")
    second = _run(pool, _notebook(tmp_path / "b.ipynb", report), tmp_path / "b.out.ipynb")
    assert first["left"] is True  # the first notebook's own variable, in its own kernel
    assert second["left"] is False  # nothing of it in the next
    assert first["pid"] != second["pid"]
    assert _gone(first["pid"])  # the used kernel was stopped


def test_a_warm_kernel_has_the_imports_done_and_no_name_bound(pool, tmp_path):
    probe = ("import json, sys\nprint(json.dumps({'loaded': [m in sys.modules for m in "
             "('pandas', 'matplotlib.pyplot', 'review.analyses.jar', 'review.views.gose')], "
             "'names': sorted(n for n in ('pd', 'plt', 'review', 'jar', 'views') if n in globals())}))")
    seen = _run(pool, _notebook(tmp_path / "p.ipynb", probe), tmp_path / "p.out.ipynb")
    assert seen == {"loaded": [True, True, True, True], "names": []}


def test_each_task_sets_its_own_key_and_none_is_inherited(tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_ENV, "key of the authority the pool was started for")
    p = kernels.KernelPool(spares=1)
    try:
        probe = f"import json, os\nprint(json.dumps({{'key': os.environ.get({KEY_ENV!r})}}))"
        nb = _notebook(tmp_path / "k.ipynb", probe)
        assert _run(p, nb, tmp_path / "k1.ipynb", {KEY_ENV: "key of authority B"}) == {"key": "key of authority B"}
        assert _run(p, nb, tmp_path / "k2.ipynb", {KEY_ENV: None}) == {"key": None}
        assert _run(p, nb, tmp_path / "k3.ipynb") == {"key": None}  # the spare never had the pool's
    finally:
        p.close()


def test_a_failure_is_captured_by_its_cell(pool, tmp_path):
    nb = _notebook(tmp_path / "f.ipynb", "x = 1", "x / 0", "print('never')")
    with pytest.raises(PapermillExecutionError) as raised:
        _run(pool, nb, tmp_path / "f.out.ipynb")
    assert raised.value.exec_count == 2
    assert raised.value.ename == "ZeroDivisionError"
    ran = nbformat.read(tmp_path / "f.out.ipynb", as_version=4)
    assert ran.cells[2].get("execution_count") is None  # nothing ran after the failing cell


def test_a_busy_kernel_is_stopped_without_the_shutdown_stall(pool):
    warm = pool.take()
    client = warm.manager.client()
    client.start_channels()
    try:
        client.execute("import time\ntime.sleep(600)")  # cannot answer a shutdown request
        time.sleep(0.5)
    finally:
        client.stop_channels()
    t0 = time.perf_counter()
    pool.discard(warm).join(60)
    assert time.perf_counter() - t0 < 10  # killed after its 0.25 s grace, not a clean shutdown's wait
    assert _gone(warm.pid)


def test_closing_the_pool_leaves_no_kernel(tmp_path):
    p = kernels.KernelPool(spares=2)
    first = p.take()
    pids = {first.pid}
    p.discard(first)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and p._ready.qsize() < 2:  # the spares have started
        time.sleep(0.1)
    pids |= {m.provisioner.process.pid for m in p._managers}
    p.close()
    assert pids
    assert all(_gone(pid) for pid in pids)


def _results(folder: Path) -> dict[str, object]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.results.json"))}


@pytest.mark.slow
def test_warm_and_cold_kernels_give_the_same_results(demo_run, tmp_path):
    """The demo cycle's run (warm kernels, the default) against a run with a kernel started per
    notebook: the same results, figure for figure. (The time limit and a failing notebook in a
    warm kernel: tests/test_run.py, whose runs use warm kernels.)"""
    code, warm_folder = demo_run
    assert code == 0
    chosen = ["jar_haringey", "governance"]  # the summary is left out: it reads the others of its own run
    cold = run_cycle(load_cycle_params("params/2009-Q4.yaml"), frameworks=chosen, jobs=2,
                     output_root=tmp_path / "cold", kernels="cold")
    assert cold.ok
    warm_results = {k: v for k, v in _results(warm_folder).items() if k.split(".")[0] in chosen}
    assert set(warm_results) == {f"{n}.results.json" for n in chosen}
    assert warm_results == _results(cold.output_dir)


def test_a_kernel_does_not_outlive_its_template(tmp_path):
    """A forked kernel watches the template that forked it (ipykernel's parent poller): if the
    template is killed with its owner (SIGKILL, no clean-up), its kernels end too."""
    p = kernels.KernelPool(spares=1)
    try:
        warm = p.take()
        assert isinstance(p._template, kernels.Template)
        p._template.kill()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not _gone(warm.pid):
            time.sleep(0.2)
        assert _gone(warm.pid)
    finally:
        p.close()


@pytest.fixture
def forked(monkeypatch):
    """The pid of every kernel a template forks during the test, recorded as the template answers."""
    pids: list[int] = []
    ask = kernels._ask_template

    def recording(*args, **kwargs):
        pid = ask(*args, **kwargs)
        pids.append(pid)
        return pid

    monkeypatch.setattr(kernels, "_ask_template", recording)
    return pids


def test_a_kernel_starting_when_the_pool_closes_is_stopped(forked):
    """Closing the pool while spares are being forked leaves no kernel behind: every kernel the
    template forked (recorded as it answers) is gone once close() returns."""
    for delay in (2.5, 3.5):  # around the moment the template is ready and the spares fork
        p = kernels.KernelPool(spares=2)
        time.sleep(delay)
        p.close()
        with p._lock:
            assert not p._starting
    assert forked
    assert [pid for pid in forked if not _gone(pid)] == []


def test_without_fork_each_spare_imports_for_itself(tmp_path):
    """Where the platform cannot fork (or the template fails), a spare is a kernel of its own that
    imports the workbook before it is handed out: same guarantees, one notebook per kernel."""
    p = kernels.KernelPool(spares=1, fork=False)
    try:
        probe = ("import json, os, sys\nprint(json.dumps({'pid': os.getpid(), "
                 "'loaded': 'review.analyses.jar' in sys.modules, 'names': 'jar' in globals()}))")
        nb = _notebook(tmp_path / "n.ipynb", probe)
        first = _run(p, nb, tmp_path / "n1.ipynb")
        second = _run(p, nb, tmp_path / "n2.ipynb")
        assert p._template is None
        assert (first["loaded"], first["names"]) == (True, False)
        assert first["pid"] != second["pid"]
    finally:
        p.close()


def test_a_killed_process_pool_is_replaced(tmp_path):
    """After a signal killed this process's pool (review.batch.runner's clean-up), the next run in the
    same process gets a new one instead of a closed pool."""
    first = kernels.process_pool()
    kernels.kill_process_kernels()
    try:
        second = kernels.process_pool()
        assert second is not first
        warm = second.take()
        second.discard(warm).join(30)
    finally:
        kernels.close_process_pool()


def test_withheld_variables_reach_no_kernel_warm_or_cold(tmp_path, monkeypatch):
    """A regional run's worker holds every authority's key variable; no kernel gets any of them, in
    its environment or in the environment it started with (/proc/self/environ), warm or cold; nor
    any other variable outside what Python, Jupyter and the locale need (deny by default)."""
    monkeypatch.setenv("REVIEW_KEY_LA01", "key of LA01")
    monkeypatch.setenv("REVIEW_KEY_LA02", "key of LA02")
    monkeypatch.setenv("LC_LA03", "key of LA03")  # of a kind the allow-list passes: only withholding stops it
    monkeypatch.setenv("OTHER_REGION_KEY_LA09", "key of LA09")  # not named by this region: denied by default
    monkeypatch.setenv("PYTHONIOENCODING", "utf-8")  # what Python needs: inherited
    monkeypatch.setenv("JUPYTER_TOKEN", "key of LA0 hub")  # a Jupyter name, but a secret: never
    probe = ("import json, os\nstarted = open('/proc/self/environ', 'rb').read()\n"
             "print(json.dumps({'seen': sorted(k for k in os.environ if 'LA0' in k), "
             "'at_start': b'key of LA0' in started, 'python': 'PYTHONIOENCODING' in os.environ, "
             "'token': 'JUPYTER_TOKEN' in os.environ}))")
    nb = _notebook(tmp_path / "w.ipynb", probe)
    first = kernels.process_pool()
    kernels.withhold_variables(("REVIEW_KEY_LA01", "REVIEW_KEY_LA02", "LC_LA03"))
    try:
        pool, warm = kernels.take_kernel()
        assert pool is not first  # started before the names were given: replaced, template and all
        assert first._closed
        try:
            pm.execute_notebook(nb, str(tmp_path / "w1.ipynb"), kernel_name="python3", progress_bar=False,
                                engine_name=kernels.register_engine(), km=warm.manager,
                                task_env=kernels.task_environment(), cwd=str(tmp_path))
        finally:
            pool.discard(warm).join(30)
        warm_seen = json.loads(nbformat.read(tmp_path / "w1.ipynb", as_version=4).cells[-1].outputs[0]["text"])
        pm.execute_notebook(nb, str(tmp_path / "w2.ipynb"), kernel_name="python3", progress_bar=False,
                            kernel_manager_class=kernels.ipc_kernel_manager_class(), cwd=str(tmp_path))
        cold_seen = json.loads(nbformat.read(tmp_path / "w2.ipynb", as_version=4).cells[-1].outputs[0]["text"])
    finally:
        kernels.withhold_variables(())
        kernels.close_process_pool()
    assert warm_seen == {"seen": [], "at_start": False, "python": True, "token": False}
    assert cold_seen == {"seen": [], "at_start": False, "python": True, "token": False}


def test_an_idle_pool_is_closed_and_a_busy_one_kept(tmp_path):
    """At the end of a regional run on an existing cluster each worker's pool is closed, unless one
    of its kernels is running another run's notebook; a pool being taken from counts as busy."""
    pool, warm = kernels.take_kernel()
    try:
        assert kernels.close_process_pool(idle_only=True) is False  # a kernel is out
        assert kernels.process_pool() is pool
    finally:
        pool.discard(warm).join(30)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and pool.busy:
        time.sleep(0.05)
    assert kernels.close_process_pool(idle_only=True) is True
    assert pool._closed
    assert kernels.close_process_pool(idle_only=True) is False  # none left


def test_a_shared_template_that_ended_is_seen_at_once(tmp_path):
    """A pool sharing another process's template learns at once that it ended (its pid file and
    process), even before it listened (no socket to be refused), instead of waiting the whole
    start timeout."""
    template = kernels.Template(kernels.kernel_environment(), ("review",))
    shared = kernels._SharedTemplate(template.address)
    assert shared.alive()
    template.kill()  # while it is still importing: it never binds its socket
    template.process.wait(10)
    assert not Path(template.address).exists()
    assert not shared.alive()
    t0 = time.perf_counter()
    with pytest.raises(RuntimeError, match="template ended"):
        shared.fork(str(tmp_path / "kernel.json"), timeout=60)
    assert time.perf_counter() - t0 < 5
    template.close()
    assert not shared.alive()  # its folder (and pid file) removed


def test_a_reused_pid_is_not_taken_for_the_kernel(tmp_path):
    """A forked kernel's process is known by its pid and start time: a process that gets the same pid
    later is neither seen as the kernel nor signalled."""
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        process = kernels._ForkedProcess(child.pid)
        assert process.poll() is None
        process._started = "1"  # as if the kernel had started at another moment
        assert process.poll() is not None
        process.kill()  # must not signal the other process
        assert child.poll() is None
    finally:
        child.kill()
        child.wait()


def test_a_failed_control_connection_leaves_no_kernel(forked, monkeypatch):
    """If connecting to a freshly forked kernel fails (a ZMQError...), the kernel is killed, not
    orphaned."""
    from jupyter_client.manager import KernelManager

    def broken(self):
        raise RuntimeError("zmq said no")

    monkeypatch.setattr(KernelManager, "_connect_control_socket", broken)
    template = kernels.Template(kernels.kernel_environment(), ("review",))
    try:
        with pytest.raises(RuntimeError, match="zmq said no"):
            kernels._forked_manager(template, 60)
        assert len(forked) == 1
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not _gone(forked[0]):
            time.sleep(0.05)
        assert _gone(forked[0])
    finally:
        template.close()
