"""Warm kernels: spare kernels started ahead of need, each used for exactly one notebook.

A notebook run through papermill normally pays a kernel start, the workbook's imports (pandas,
matplotlib, the ``review`` analyses and views) and a clean kernel shutdown, which now and then
stalls for seconds. A :class:`KernelPool` keeps spare kernels started in the background with
those modules already imported (into ``sys.modules`` only: no name is bound in the notebook's
namespace), hands each to exactly one notebook and then discards it: the kernel is asked to shut
down and its process group is killed after a short grace, in a background thread, off the
critical path. No state passes from one notebook to the next, least of all between authorities.

Spare kernels are launched with an environment stripped of the per-task variables (the evidence
cache and the pseudonymisation key); a task's values are set in its kernel, before the first cell,
by a silent execution that is neither stored in the kernel's history nor in the notebook.

Papermill executes with the pre-started kernel through the engine registered here under
:data:`ENGINE` (``papermill.execute_notebook(..., engine_name=ENGINE, km=manager,
task_env=...)``): parameter injection, the time limit, error capture by cell and everything the
runner does after execution are unchanged.

Each process (a runner worker or a Dask worker) has one pool, :func:`process_pool`, closed when
the process exits (:func:`close_process_pool`).
"""

from __future__ import annotations

import atexit
import contextlib
import io
import os
import queue
import signal
import threading
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from review.analyses.context import EVIDENCE_CACHE_ENV, REGION_CACHE_ENV
from review.config.paths import BATCH_ENV, ROOT_ENV, project_root

__all__ = [
    "ENGINE",
    "START_TIMEOUT",
    "KernelPool",
    "Template",
    "WarmKernel",
    "close_process_pool",
    "ipc_kernel_manager_class",
    "kernel_environment",
    "import_quietly",
    "kill_process_kernels",
    "process_pool",
    "stop_kernel",
    "take_kernel",
    "task_environment",
    "withhold_variables",
    "workbook_modules",
]

ENGINE = "review-warm"
"""Name of the papermill engine that executes a notebook in a pre-started kernel."""

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
"""Numerical libraries' thread counts: fixed when a kernel starts (before numpy is imported)."""

START_TIMEOUT = 120.0
"""Seconds a kernel may take to start (warm or cold) and import the workbook."""

_BASE_MODULES = ("review", "numpy", "pandas", "matplotlib", "matplotlib.pyplot")
_HISTORY = "--HistoryManager.hist_file=:memory:"  # as nbclient: no history file to corrupt on kill
_PID_FILE = "template.pid"  # beside a template's socket: its pid and start time, for the processes sharing it


def _key_vars() -> tuple[str, ...]:
    from review.protection.pseudonym import KEY_ENV, KEY_FILE_ENV

    return (KEY_ENV, KEY_FILE_ENV)


_ALLOWED = frozenset({
    "PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TEMP", "TMP", "SHELL", "TERM",
    "VIRTUAL_ENV", "CONDA_PREFIX", "CONDA_DEFAULT_ENV", "LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH", "LOCPATH",
    "LOCALE_ARCHIVE", "KMP_DUPLICATE_LIB_OK", "MPLBACKEND", "MPLCONFIGDIR", "SSL_CERT_FILE", "SSL_CERT_DIR",
    "SYSTEMROOT", "SYSTEMDRIVE", "COMSPEC", "PATHEXT", "WINDIR", "APPDATA", "LOCALAPPDATA", "USERPROFILE",
    "PROGRAMDATA", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_PATH",
    "JUPYTER_PLATFORM_DIRS", "JUPYTER_PREFER_ENV_PATH", "JPY_PARENT_PID", "JPY_SESSION_NAME", "IPYTHONDIR",
    "PYTHONPATH", "PYTHONHOME", "PYTHONUTF8", "PYTHONIOENCODING", "PYTHONHASHSEED", "PYTHONDONTWRITEBYTECODE",
    "PYTHONUNBUFFERED", "PYTHONWARNINGS", "PYDEVD_DISABLE_FILE_VALIDATION", "COVERAGE_PROCESS_START",
    ROOT_ENV, BATCH_ENV, *THREAD_VARS})
_ALLOWED_PREFIXES = ("LC_", "XDG_")
_SECRET_WORDS = ("TOKEN", "SECRET", "PASSWORD", "PASSWD", "KEY", "CREDENTIAL", "AUTH")
"""What a kernel may inherit of its parent's environment, deny by default: named variables that
Python, Jupyter, matplotlib and the locale need, never one whose name speaks of a secret.
Everything else (a worker's keys for other authorities or other regions, Jupyter and cloud
tokens) stays out; a task's own variables reach its kernel by :func:`task_environment`."""

_WITHHELD: frozenset[str] = frozenset()


def _inherited(name: str) -> bool:
    """Whether a kernel inherits this variable of its parent (:data:`_ALLOWED`, never a withheld one)."""
    return ((name in _ALLOWED or name.startswith(_ALLOWED_PREFIXES)) and name not in _WITHHELD
            and not any(word in name for word in _SECRET_WORDS))


def withhold_variables(names: tuple[str, ...] | frozenset[str]) -> None:
    """Keep these environment variables out of every kernel this process starts from now on, even
    if their names are of the kinds a kernel inherits (:data:`_ALLOWED`).

    A regional run names each authority's key variable here: a worker holds them all (its tasks
    switch between authorities), but no kernel needs any of them (each task's key reaches its
    kernel as the one pseudonymisation key variable, see :func:`task_environment`). A pool started
    with other names is replaced (:func:`process_pool`), so its template never held them.

    Parameters
    ----------
    names : tuple of str
        Variable names.
    """
    global _WITHHELD
    _WITHHELD = frozenset(names)


def _task_vars() -> tuple[str, ...]:
    """Variables a task may set differently from the next: sent to its kernel, never inherited."""
    return (ROOT_ENV, BATCH_ENV, EVIDENCE_CACHE_ENV, REGION_CACHE_ENV, *_key_vars())


def task_environment() -> dict[str, str | None]:
    """This process's values of the per-task variables (None: unset), to be applied in a warm kernel.

    Returns
    -------
    dict
        Variable name to value, or to None when the variable must be unset in the kernel (a
        withheld variable is always unset: see :func:`withhold_variables`).
    """
    values: dict[str, str | None] = {name: None for name in sorted(_WITHHELD)}
    values.update({name: os.environ.get(name) for name in _task_vars()})
    return values


@lru_cache(maxsize=1)
def workbook_modules() -> tuple[str, ...]:
    """The modules a warm kernel imports: the workbook's base packages and every module the
    registered framework notebooks import (read from their code cells, so a new notebook's imports
    are warmed too). Names that turn out not to be modules are skipped in the kernel.

    Returns
    -------
    tuple of str
        Module names, base packages first.
    """
    import ast
    import json

    from review.config.frameworks import FRAMEWORKS

    found: list[str] = list(_BASE_MODULES)
    for fw in FRAMEWORKS.values():
        try:
            nb = json.loads((project_root() / "notebooks" / fw.notebook).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for cell in nb.get("cells", []):
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            if cell.get("cell_type") != "code" or "import" not in source:
                continue
            lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
            try:
                tree = ast.parse("\n".join(lines))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found.extend(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found.append(node.module)
                    found.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return tuple(dict.fromkeys(found))


def kernel_environment(threads: int = 1) -> dict[str, str]:
    """The environment a warm kernel starts with: what a kernel may inherit of this process's
    (:data:`_ALLOWED`: deny by default), without any per-task variable (evidence cache, key), with
    the project root, the batch flag and ``threads`` for the numerical libraries.

    Parameters
    ----------
    threads : int, default: ``1``

    Returns
    -------
    dict
    """
    env = {k: v for k, v in os.environ.items() if _inherited(k) and k not in _task_vars()}
    env[ROOT_ENV] = str(project_root())
    env[BATCH_ENV] = "1"
    for var in THREAD_VARS:
        env[var] = str(max(1, threads))
    return env


def _import_code(modules: tuple[str, ...]) -> str:
    """Code that imports ``modules`` in a kernel (:func:`import_quietly`) and binds no name there."""
    return f"__import__('review.batch.kernels', fromlist=['import_quietly']).import_quietly({tuple(modules)!r})"


def _environment_code(env: dict[str, str | None]) -> str:
    """Code that sets (or unsets, for None) each variable in the kernel, binding no name."""
    return (
        "(lambda environ, values: [environ.pop(k, None) if v is None else environ.__setitem__(k, v)"
        f" for k, v in values.items()])(__import__('os').environ, {dict(env)!r})"
    )


def ipc_kernel_manager_class(on_create: Any = None) -> type:
    """A KernelManager on IPC transport with a unique connection file (no TCP port races, papermill#511).

    Parameters
    ----------
    on_create : callable, optional
        Called with each new manager (the runner remembers its kernels to stop them at the time limit).

    Returns
    -------
    type
        A :class:`jupyter_client.manager.KernelManager` subclass.
    """
    from jupyter_client.manager import KernelManager
    from jupyter_core.paths import jupyter_runtime_dir

    class IPCKernelManager(KernelManager):
        async def _async_pre_start_kernel(self, **kw: Any) -> Any:
            # a kernel papermill starts (cold) inherits what a kernel may (and this task's own variables)
            kw["env"] = {k: v for k, v in dict(kw.get("env") or os.environ).items()
                         if _inherited(k) or (k in _task_vars() and k not in _WITHHELD)}
            return await super()._async_pre_start_kernel(**kw)

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kernel_id = str(uuid.uuid4())
            runtime = jupyter_runtime_dir()
            os.makedirs(runtime, exist_ok=True)
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("kernel_id", kernel_id)
            kwargs.setdefault("connection_file", os.path.join(runtime, f"kernel-{kernel_id}.json"))
            super().__init__(*args, **kwargs)
            if on_create is not None:
                on_create(self)

    return IPCKernelManager


def _own_loop(target: Any) -> Any:
    """``target`` for a thread of its own, closing the asyncio loop jupyter_client's blocking calls
    open in that thread (left open, it is an unclosed socket pair when the thread ends)."""

    def run() -> None:
        try:
            target()
        finally:
            from jupyter_core.utils import ensure_event_loop

            with contextlib.suppress(Exception):
                ensure_event_loop().close()

    return run


def _process(manager: Any) -> Any:
    return getattr(getattr(manager, "provisioner", None), "process", None)


def _kill(manager: Any) -> None:
    """SIGKILL a kernel's process group (each kernel leads its own session)."""
    _kill_process(_process(manager))


def _kill_process(process: Any) -> None:
    """SIGKILL a kernel process's group, or the process alone while it does not lead one yet."""
    if process is not None and process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            with contextlib.suppress(OSError):
                process.kill()


def stop_kernel(manager: Any, grace: float = 0.25) -> None:
    """Stop a kernel without the stall of a clean shutdown: ask it to shut down, wait at most
    ``grace`` seconds, then kill its process group; reap it and remove its connection files.

    Parameters
    ----------
    manager : jupyter_client.manager.KernelManager
        The kernel's manager.
    grace : float, default: ``0.25``
        Seconds the kernel may take to exit on its own.
    """
    process = _process(manager)
    if process is not None and process.poll() is None:
        if grace > 0:
            with contextlib.suppress(Exception):
                manager.request_shutdown()
            deadline = time.monotonic() + grace
            while process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
        _kill(manager)
        with contextlib.suppress(Exception):
            process.wait(timeout=10)
    with contextlib.suppress(Exception):
        manager.cleanup_resources()


def _reply(client: Any, msg_id: str, timeout: float, manager: Any = None) -> dict[str, Any]:
    """The kernel's reply to ``msg_id``; gives up when ``timeout`` passes or ``manager``'s kernel died."""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the kernel did not answer in time")
        if manager is not None and (process := _process(manager)) is not None and process.poll() is not None:
            raise RuntimeError("the kernel died before it answered")
        try:
            msg = client.get_shell_msg(timeout=min(remaining, 0.5))
        except queue.Empty:
            continue
        if msg.get("parent_header", {}).get("msg_id") == msg_id:
            return msg


_MPL_INLINE = "module://matplotlib_inline.backend_inline"  # what ipykernel sets before a notebook's matplotlib


def import_quietly(modules: tuple[str, ...]) -> None:
    """Import each of ``modules`` (one that is not a module is skipped): a warm kernel's imports."""
    import importlib

    for name in modules:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def serve_template() -> None:
    """Main of a kernel template process: import ipykernel and the workbook once, then fork a kernel
    per request, answering with its pid.

    Requests come on a Unix socket (``argv[2]``, in an owner-only folder), one per connection: a
    JSON line with the kernel's connection file. Any process of the run may ask (the runner's
    workers share the template the runner started). Each kernel is a fresh child (its own
    session, stdio on ``/dev/null``, the template's sockets closed) that starts ipykernel on the
    given connection file: it has the modules in memory without paying their import, and shares
    nothing with another kernel but that read-only import state. The template has no thread when
    it forks. It exits when its stdin closes (its owner ended).
    """
    import json
    import select
    import socket
    import sys

    os.environ.setdefault("MPLBACKEND", _MPL_INLINE)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernels are reaped automatically
    import ipykernel.ipkernel  # noqa: F401 - the kernel's own imports, done once
    import ipykernel.kernelapp  # noqa: F401

    with contextlib.redirect_stderr(io.StringIO()):  # debugpy warns about frozen modules as it loads
        # Every kernel's start imports its debugger (debugpy): 0.085 s of the 0.14 s of CPU a kernel
        # forked from here took to start, paid per notebook. Imported here once; it starts no thread.
        import ipykernel.debugger  # noqa: F401

    import_quietly(tuple(json.loads(sys.argv[1])))
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(sys.argv[2])
    os.chmod(sys.argv[2], 0o600)
    server.listen(16)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while True:
        readable, _, _ = select.select([server, sys.stdin], [], [])
        if sys.stdin in readable and not sys.stdin.readline():  # the owner ended
            # Nothing to tear down (the owner removes the folder; the kernels are processes of their
            # own): ending at once spares the interpreter's teardown of the imports, 0.4 s that the
            # end of every run waited for.
            server.close()
            os._exit(0)
        if server not in readable:
            continue
        conn, _ = server.accept()
        with conn:
            conn.settimeout(10)
            try:
                request = json.loads(conn.makefile("r", encoding="utf-8").readline())
            except (OSError, ValueError):
                continue
            pid = os.fork()
            if pid == 0:  # the kernel
                try:
                    conn.close()
                    server.close()
                    os.setsid()
                    null = os.open(os.devnull, os.O_RDWR)
                    for fd in (0, 1, 2):
                        os.dup2(null, fd)
                    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                    signal.signal(signal.SIGINT, signal.default_int_handler)
                    from ipykernel.kernelapp import IPKernelApp

                    # The kernel ends if the template does (ipykernel's parent poller): set by option,
                    # since the trait's default was read from the environment when the template imported it.
                    IPKernelApp.launch_instance(argv=["-f", request["connection_file"], _HISTORY,
                                                      f"--IPKernelApp.parent_handle={os.getppid()}"])
                finally:
                    os._exit(0)
            with contextlib.suppress(OSError):
                conn.sendall((json.dumps({"pid": pid}) + "\n").encode("utf-8"))


def _ask_template(address: str, connection_file: str, timeout: float, alive: Any = None) -> int:
    """Ask the template listening at ``address`` for a kernel on ``connection_file``; its pid.

    Waits (up to ``timeout``) for a template that is still importing to start listening; gives up at
    once if ``alive()`` says the template ended, and after two seconds of refused connections on a
    bound address (a template that ended without ``alive`` to tell).
    """
    import json
    import socket

    deadline = time.monotonic() + timeout
    refused_since: float | None = None
    while True:
        if alive is not None and not alive():
            raise RuntimeError("the kernel template ended")
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(max(0.1, deadline - time.monotonic()))
                sock.connect(address)
                sock.sendall((json.dumps({"connection_file": connection_file}) + "\n").encode("utf-8"))
                line = sock.makefile("r", encoding="utf-8").readline()
            if not line:
                raise RuntimeError("the kernel template ended")
            return int(json.loads(line)["pid"])
        except (FileNotFoundError, ConnectionRefusedError) as exc:
            now = time.monotonic()
            if isinstance(exc, ConnectionRefusedError):
                refused_since = now if refused_since is None else refused_since
                if now - refused_since > 2.0:
                    raise RuntimeError("the kernel template ended") from None
            if now >= deadline:
                raise TimeoutError("the kernel template did not start listening in time") from None
            time.sleep(0.05)


def _stat(pid: int) -> list[str]:
    """The fields of ``/proc/<pid>/stat`` after the command name (state first); empty if the process
    is gone or there is no ``/proc``."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def _start_time(pid: int) -> str | None:
    """The process's start time (clock ticks since boot, ``/proc/<pid>/stat`` field 22); None if it is
    gone or unknown. With its pid it names one process: a pid can be reused, the pair cannot."""
    fields = _stat(pid)
    return fields[19] if len(fields) > 19 else None


def _ended(pid: int, started: str | None) -> bool:
    """Whether ``/proc`` shows the process ``pid`` that started at ``started`` has exited: a zombie not
    yet reaped, or another process now under its pid (False where ``/proc`` tells nothing)."""
    fields = _stat(pid)
    return bool(fields) and (fields[0] in ("Z", "X") or (started is not None and fields[19] != started))


class _ForkedProcess:
    """The part of :class:`subprocess.Popen` jupyter_client and the runner use, for a kernel forked by
    the template (not this process's child: its exit is seen by ``kill(pid, 0)`` and ``/proc``; the
    template reaps it). Its start time is taken at once, so a later process given the same pid is
    never mistaken for it, nor signalled."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._started = _start_time(pid)

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = -signal.SIGKILL
            except PermissionError:
                pass
            else:
                if _ended(self.pid, self._started):
                    self.returncode = -signal.SIGKILL
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        import subprocess

        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0.0)
            time.sleep(0.02)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class Template:
    """A kernel template process (:func:`serve_template`), started at once and ready in the background.

    The process imports ipykernel and the workbook (seconds) while its owner goes on; a fork
    request waits until it listens. Its address (a Unix socket in an owner-only temporary folder)
    can be handed to other processes of the run (:class:`KernelPool` ``template=``), so one
    template serves every worker.

    Parameters
    ----------
    env : dict
        The kernels' environment (no per-task variable).
    modules : tuple of str
        Modules to import once.
    """

    def __init__(self, env: dict[str, str], modules: tuple[str, ...]) -> None:
        import json
        import subprocess
        import sys
        import tempfile

        self.folder = tempfile.mkdtemp(prefix="review-kernels-")  # mode 0700
        self.address = os.path.join(self.folder, "template.sock")
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from review.batch.kernels import serve_template; serve_template()",
             json.dumps(list(modules)), self.address],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env, cwd=str(project_root()),
            start_new_session=True, text=True)
        with open(os.path.join(self.folder, _PID_FILE), "w", encoding="ascii") as fh:
            fh.write(f"{self.process.pid} {_start_time(self.process.pid)}\n")

    def fork(self, connection_file: str, timeout: float) -> int:
        """Fork a kernel on ``connection_file``; its pid."""
        return _ask_template(self.address, connection_file, timeout, alive=lambda: self.process.poll() is None)

    def close(self) -> None:
        """End the template and remove its folder (its kernels then end by themselves within a
        second or so: ipykernel's parent poller watches the template)."""
        import shutil

        with contextlib.suppress(OSError):
            if self.process.stdin is not None:
                self.process.stdin.close()
        try:
            self.process.wait(timeout=2)
        except Exception:  # noqa: BLE001 - a template that does not end is killed
            self.kill()
            with contextlib.suppress(Exception):
                self.process.wait(timeout=5)
        shutil.rmtree(self.folder, ignore_errors=True)

    def kill(self) -> None:
        """SIGKILL the template process."""
        with contextlib.suppress(OSError):
            os.killpg(self.process.pid, signal.SIGKILL)


class _SharedTemplate:
    """Another process's :class:`Template`, reached by its address; a template that ended (its pid
    file gone with its folder, or its process gone) is seen at once, not after the start timeout."""

    def __init__(self, address: str) -> None:
        self.address = address

    def alive(self) -> bool:
        try:
            with open(os.path.join(os.path.dirname(self.address), _PID_FILE), encoding="ascii") as fh:
                pid, started = fh.read().split()
        except (OSError, ValueError):
            return False
        # without /proc (macOS) no start time was known: the pid alone then tells
        return _ForkedProcess(int(pid)).poll() is None and not _ended(int(pid), None if started == "None" else started)

    def fork(self, connection_file: str, timeout: float) -> int:
        return _ask_template(self.address, connection_file, timeout, alive=self.alive)


def _forked_manager(template: Template | _SharedTemplate, timeout: float) -> Any:
    """A kernel manager for a kernel forked by ``template`` (started, control socket connected)."""
    from jupyter_client.provisioning.local_provisioner import LocalProvisioner

    manager = ipc_kernel_manager_class()(kernel_name="python3")
    manager.write_connection_file()
    try:
        pid = template.fork(manager.connection_file, timeout)
    except BaseException:
        manager.cleanup_resources()
        raise
    process = _ForkedProcess(pid)
    try:
        provisioner = LocalProvisioner(kernel_id=manager.kernel_id, kernel_spec=manager.kernel_spec, parent=manager)
        provisioner.process = process  # type: ignore[assignment]
        provisioner.pid = pid
        provisioner.pgid = pid  # the kernel leads its own session
        provisioner.connection_info = manager.get_connection_info()
        manager.provisioner = provisioner
        manager._connect_control_socket()
    except BaseException:  # a ZMQError...: the kernel forked for this manager must not outlive it
        _kill_process(process)  # it may not lead its own session yet (it has just been forked)
        with contextlib.suppress(Exception):
            manager.cleanup_resources()
        raise
    return manager


@dataclass(frozen=True)
class WarmKernel:
    """A started kernel with the workbook's modules imported, for exactly one notebook."""

    manager: Any

    @property
    def pid(self) -> int | None:
        """The kernel's process id (None if it has none)."""
        process = _process(self.manager)
        return None if process is None else int(process.pid)


class KernelPool:
    """Spare warm kernels of one process, started in background threads ahead of need.

    Parameters
    ----------
    spares : int, default: ``1``
        Kernels kept ready (or starting) beyond those handed out.
    threads : int, default: ``1``
        Thread count of the numerical libraries in each kernel.
    start_timeout : float, default: :data:`START_TIMEOUT`
        Seconds a kernel may take to start and import.
    modules : tuple of str, optional
        Modules to import; default :func:`workbook_modules`.
    fork : bool, optional
        Fork each kernel from a template process that imported the modules once
        (:func:`serve_template`), so a spare costs an ipykernel start and no imports; default
        where the platform can fork. Otherwise (or if the template fails) each spare is a new
        kernel process that imports the modules itself.
    template : str, optional
        Address of a :class:`Template` another process of the run started (the runner's, shared
        by its workers); default this pool starts its own.
    """

    def __init__(self, spares: int = 1, threads: int = 1, start_timeout: float = START_TIMEOUT,
                 modules: tuple[str, ...] | None = None, fork: bool | None = None,
                 template: str | None = None) -> None:
        self.spares = max(1, spares)
        self.threads = max(1, threads)
        self.start_timeout = start_timeout
        self._modules = modules
        self._ready: queue.Queue[WarmKernel | BaseException] = queue.Queue()
        self._lock = threading.Lock()
        self._starting: set[threading.Thread] = set()
        self._stopping: set[threading.Thread] = set()
        self._managers: set[Any] = set()  # every kernel of this pool not yet stopped
        self._out: set[Any] = set()  # kernels handed out and not yet discarded
        self._taking = 0  # callers of take_kernel between choosing this pool and holding a kernel
        self._closed = False
        self._fork = hasattr(os, "fork") if fork is None else fork
        self.withheld = _WITHHELD  # kept out of its kernels' environment (kernel_environment)
        self._template: Template | _SharedTemplate | None = _SharedTemplate(template) if template else None
        self._template_lock = threading.Lock()
        self._fill()

    def _get_template(self) -> Template | _SharedTemplate | None:
        with self._template_lock:
            if self._template is None and self._fork and not self._closed:
                try:
                    self._template = Template(kernel_environment(self.threads), self._modules or workbook_modules())
                except Exception:  # noqa: BLE001 - fall back to kernels that import for themselves
                    self._fork = False
            return self._template if self._fork else None

    def _template_failed(self) -> None:
        """The template could not fork a kernel: from now on each kernel imports for itself."""
        with self._template_lock:
            self._fork = False

    def _fill(self) -> None:
        with self._lock:
            while not self._closed and self._ready.qsize() + len(self._starting) < self.spares:
                thread = threading.Thread(target=_own_loop(self._start_one), name="review-warm-kernel", daemon=True)
                self._starting.add(thread)
                thread.start()

    def _start_one(self) -> None:
        manager = None
        try:
            template = self._get_template()
            if template is not None:
                try:
                    manager = _forked_manager(template, self.start_timeout)
                except (OSError, RuntimeError, TimeoutError, ValueError):
                    self._template_failed()
                    template = None
                else:
                    with self._lock:
                        self._managers.add(manager)
            if template is None:
                manager = ipc_kernel_manager_class()(kernel_name="python3")
                with self._lock:
                    self._managers.add(manager)
                manager.start_kernel(cwd=str(project_root()), env=kernel_environment(self.threads),
                                     extra_arguments=[_HISTORY])
            if self._closed:
                raise RuntimeError("the kernel pool was closed")
            assert manager is not None
            client = manager.client()
            client.start_channels()
            try:
                client.wait_for_ready(timeout=self.start_timeout)
                status = "ok"
                if template is None:  # a forked kernel has the modules already
                    msg_id = client.execute(_import_code(self._modules or workbook_modules()), silent=True,
                                            store_history=False)
                    status = _reply(client, msg_id, self.start_timeout, manager)["content"].get("status")
            finally:
                client.stop_channels()
            if status != "ok":
                raise RuntimeError("a warm kernel could not import the workbook's modules")
            item: WarmKernel | BaseException = WarmKernel(manager)
        except BaseException as exc:  # noqa: BLE001 - handed to the task that takes it
            item = exc
            if manager is not None:
                self._stop_in_background(manager, grace=0.0)
        with self._lock:
            self._starting.discard(threading.current_thread())
            closed = self._closed
        if closed and isinstance(item, WarmKernel):
            self._stop_in_background(item.manager, grace=0.0)
        elif not closed:
            self._ready.put(item)

    def take(self, timeout: float | None = None, refill: bool = True) -> WarmKernel:
        """A ready kernel (waiting for one that is starting), replaced by a new spare at once.

        Parameters
        ----------
        timeout : float, optional
            Seconds to wait; default the pool's ``start_timeout``.
        refill : bool, default: ``True``
            Start a new spare in its place; ``False`` for this process's last notebook (a spare
            nobody takes costs a kernel start on a busy machine).

        Returns
        -------
        WarmKernel
            The caller's to use for one notebook and then :meth:`discard`.

        Raises
        ------
        RuntimeError
            If the pool is closed or the kernel failed to start.
        """
        if self._closed:
            raise RuntimeError("the kernel pool is closed")
        if refill or self._ready.empty():
            self._fill()  # a kernel is always starting or ready
        try:
            item = self._ready.get(timeout=self.start_timeout if timeout is None else timeout)
        except queue.Empty:
            raise RuntimeError("no warm kernel started in time") from None
        if refill:
            self._fill()
        if isinstance(item, BaseException):
            raise RuntimeError(f"a warm kernel failed to start: {item}") from item
        with self._lock:
            self._out.add(item.manager)
        return item

    @property
    def busy(self) -> bool:
        """Whether a kernel of this pool is handed out (running a notebook) or about to be."""
        with self._lock:
            return bool(self._out) or self._taking > 0

    def discard(self, kernel: WarmKernel) -> threading.Thread:
        """Stop a used kernel in the background (never reused).

        Parameters
        ----------
        kernel : WarmKernel
            From :meth:`take`.

        Returns
        -------
        threading.Thread
            The thread stopping it (join it to wait until the process is gone).
        """
        return self._stop_in_background(kernel.manager)

    def _stop_in_background(self, manager: Any, grace: float = 0.25) -> threading.Thread:
        def stop() -> None:
            try:
                stop_kernel(manager, grace)
            finally:
                with self._lock:
                    self._managers.discard(manager)
                    self._out.discard(manager)
                    self._stopping.discard(threading.current_thread())

        thread = threading.Thread(target=_own_loop(stop), name="review-stop-kernel", daemon=True)
        with self._lock:
            self._stopping.add(thread)
        thread.start()
        return thread

    def kill(self) -> None:
        """SIGKILL every kernel of this pool at once (the process is being killed)."""
        self._closed = True
        # No lock: this runs in a signal handler, perhaps while the interrupted code holds it. The
        # copy is one C-level call, which no other thread can interleave with under the GIL.
        managers = self._managers.copy()
        for manager in managers:
            _kill(manager)
        template = self._template
        if isinstance(template, Template):
            template.kill()

    def close(self, wait: float = 30.0) -> None:
        """Stop the spares and wait (at most ``wait`` seconds) until every kernel of the pool is gone.

        Parameters
        ----------
        wait : float, default: ``30.0``
            Seconds to wait for kernels still starting or stopping.
        """
        with self._lock:
            self._closed = True
            unused = list(self._managers - self._out)
        for manager in unused:  # spares, ready or still starting: killed at once (their threads then end)
            _kill(manager)
        while True:
            try:
                item = self._ready.get_nowait()
            except queue.Empty:
                break
            if isinstance(item, WarmKernel):
                self._stop_in_background(item.manager, grace=0.0)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:  # until no kernel of the pool has (or may still get) a process
            with self._lock:
                busy = bool(self._stopping) or bool(self._starting) or any(
                    (process := _process(m)) is None or process.poll() is None for m in self._managers)
            if not busy:
                break
            time.sleep(0.02)
        with self._template_lock:
            template, self._template = self._template, None
        if isinstance(template, Template):
            template.close()
        self.kill()  # anything left after the wait (a kernel handed out and never discarded)
        with self._lock:
            left = list(self._managers)
        for manager in left:  # their sockets, context and connection files
            with contextlib.suppress(Exception):
                manager.cleanup_resources()


_POOL: KernelPool | None = None
_POOL_LOCK = threading.Lock()


def process_pool(threads: int = 1, spares: int = 1, template: str | None = None) -> KernelPool:
    """This process's kernel pool, created (and its spares started) on first use.

    Parameters
    ----------
    threads : int, default: ``1``
        Thread count of the numerical libraries; a pool with another count is replaced.
    spares : int, default: ``1``
        Spare kernels kept ready.
    template : str, optional
        Address of the run's shared :class:`Template` (see :class:`KernelPool`).

    Returns
    -------
    KernelPool
    """
    with _POOL_LOCK:
        return _current_pool(threads, spares, template)


def _current_pool(threads: int, spares: int, template: str | None) -> KernelPool:
    """:func:`process_pool`, with ``_POOL_LOCK`` held."""
    global _POOL
    if _POOL is not None and (_POOL.threads != max(1, threads) or _POOL._closed  # or killed by a signal
                              or _POOL.withheld != _WITHHELD):
        _POOL.close()
        _POOL = None
    if _POOL is None:
        _POOL = KernelPool(spares=spares, threads=threads, template=template)
        _close_at_exit()
    return _POOL


@lru_cache(maxsize=1)
def _close_at_exit() -> None:
    """Close this process's pool when it exits (registered once, whatever the pools it has had)."""
    atexit.register(close_process_pool)
    with contextlib.suppress(Exception):  # worker processes end through multiprocessing's exit
        from multiprocessing import util

        util.Finalize(None, close_process_pool, exitpriority=10)


def take_kernel(threads: int = 1, refill: bool = True) -> tuple[KernelPool, WarmKernel]:
    """A warm kernel of this process's pool for one notebook (see :meth:`KernelPool.take`).

    The pool counts as busy from the moment it is chosen, so :func:`close_process_pool` with
    ``idle_only`` (called from another thread) never closes it under the caller.

    Parameters
    ----------
    threads : int, default: ``1``
    refill : bool, default: ``True``

    Returns
    -------
    tuple
        ``(pool, kernel)``: give the kernel back with ``pool.discard(kernel)``.
    """
    with _POOL_LOCK:
        pool = _current_pool(threads, 1, None)
        with pool._lock:
            pool._taking += 1
    try:
        return pool, pool.take(refill=refill)
    finally:
        with pool._lock:
            pool._taking -= 1


def close_process_pool(idle_only: bool = False) -> bool:
    """Close this process's pool, if any: its kernels are stopped and gone on return.

    Parameters
    ----------
    idle_only : bool, default: ``False``
        Leave the pool open if one of its kernels is running a notebook (a Dask worker shared
        with another run); the next task then starts a new pool.

    Returns
    -------
    bool
        Whether a pool was closed.
    """
    global _POOL
    with _POOL_LOCK:
        pool = _POOL
        if pool is None or (idle_only and pool.busy):
            return False
        _POOL = None
    pool.close()
    return True


def kill_process_kernels() -> None:
    """SIGKILL every kernel of this process's pool (for a process about to die)."""
    pool = _POOL
    if pool is not None:
        pool.kill()


def register_engine() -> str:
    """Register :data:`ENGINE`, papermill's engine on a pre-started kernel, once; return its name.

    Returns
    -------
    str
        :data:`ENGINE`.
    """
    from nbclient.util import ensure_async, run_sync
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger
    from papermill.utils import merge_kwargs, remove_args

    if ENGINE in papermill_engines._engines:
        return ENGINE

    class WarmClient(PapermillNotebookClient):
        """Papermill's client on a kernel it does not own, with the task's variables set first."""

        task_env: dict[str, str | None] = {}

        async def _async_start_client(self) -> Any:
            kc = await PapermillNotebookClient.async_start_new_kernel_client(self)
            if self.task_env:
                msg_id = await ensure_async(kc.execute(_environment_code(self.task_env), silent=True,
                                                       store_history=False))
                reply = _reply(kc, msg_id, float(self.startup_timeout), self.km)
                if reply["content"].get("status") != "ok":
                    raise RuntimeError("the task's environment could not be set in its kernel")
            return kc

        start_new_kernel_client = run_sync(_async_start_client)

    class WarmEngine(NBClientEngine):
        """Papermill's nbclient engine on a pre-started kernel (``km=``), which it leaves running."""

        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                     stdout_file: Any = None, stderr_file: Any = None, start_timeout: int = 60,
                                     execution_timeout: int | None = None, km: Any = None,
                                     task_env: dict[str, str | None] | None = None, **kwargs: Any) -> Any:
            if km is None or not km.has_kernel:
                raise RuntimeError(f"the {ENGINE} engine needs a started kernel (km=)")
            kwargs = remove_args(["input_path"], **kwargs)
            safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
            final_kwargs = merge_kwargs(
                safe_kwargs,
                timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
            )
            client = WarmClient(nb_man, km=km, **final_kwargs)
            client.task_env = dict(task_env or {})
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    with contextlib.suppress(Exception):
                        client.kc.stop_channels()

    papermill_engines.register(ENGINE, WarmEngine)
    return ENGINE
