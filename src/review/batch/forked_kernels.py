"""Kernels forked from a template process that imported ipykernel and the workbook once.

A kernel that imports pandas, matplotlib and the workbook itself costs seconds of CPU; forked from
a process that holds those imports, it costs a fraction of one (benchmarks/kernel_speed.py and
docs/kernels.md: the demo cycle takes 24% to 40% less time). The template (:func:`serve`) listens on a
Unix socket in an owner-only folder under ``/tmp`` (a socket path must be short, whatever
``TMPDIR`` is) and forks one kernel per request, on the connection file and with the environment
the request names.

jupyter_client starts such a kernel through its public extension point for launching kernels, a
kernel provisioner (:class:`ForkProvisioner`, registered under :data:`PROVISIONER` in the
package's entry points): a :class:`~jupyter_client.manager.KernelManager` given a
:class:`ForkSpecs` spec manager starts, signals and stops it as any other kernel. The kernel is
the template's child, not this process's: it is watched through a pidfd, which names that very
process even if its pid is later reused.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import importlib
import io
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from typing import Any

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Unicode

from review.batch.safety import remove_stale_temp_dirs

__all__ = ["PROVISIONER", "ForkProvisioner", "ForkSpecs", "ForkedProcess", "Template", "can_fork", "close_shared_templates",
           "fork_metadata", "serve", "shared_template"]

PROVISIONER = "review-fork"
"""The provisioner's name in the ``jupyter_client.kernel_provisioners`` entry points."""

_HISTORY = "--HistoryManager.hist_file=:memory:"  # as nbclient: no history file to corrupt on kill
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_MPL_INLINE = "module://matplotlib_inline.backend_inline"  # what ipykernel sets before a notebook's matplotlib


def can_fork() -> bool:
    """Whether this platform can fork kernels and watch them (``fork`` and ``pidfd_open``)."""
    return hasattr(os, "fork") and hasattr(os, "pidfd_open")


TEMPLATE_PREFIX = "review-kt-"
"""A template's folder: ``<prefix><owner's PID>-...`` (short: its socket's path must fit 108 bytes)."""


def _short_private_folder() -> str:
    """An owner-only folder whose socket path fits a Unix socket's 108 bytes, whatever ``TMPDIR`` is,
    named with this process's PID (those of processes killed before they removed theirs are
    removed first)."""
    for parent in ("/tmp", tempfile.gettempdir()):
        if os.path.isdir(parent) and len(parent) < 60:
            remove_stale_temp_dirs(TEMPLATE_PREFIX, parent)
            return tempfile.mkdtemp(prefix=f"{TEMPLATE_PREFIX}{os.getpid()}-", dir=parent)  # mode 0700
    raise OSError("no temporary folder short enough for a Unix socket")


def serve() -> None:
    """Main of a template process: import ipykernel and ``argv[1]`` (JSON, module names) once, then
    fork a kernel per request on the socket ``argv[2]``, answering with its pid; exit when stdin closes.

    Each kernel is a new session with stdio on ``/dev/null`` and the template's sockets closed; it
    takes the request's environment, then starts ipykernel on the request's connection file, and
    ends with the template (PR_SET_PDEATHSIG, checked once set).
    """
    os.environ.setdefault("MPLBACKEND", _MPL_INLINE)  # the template's own start, before matplotlib is imported
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernels are reaped as they end
    # Imported here, in the template only: the runner's and Dask's processes that import this
    # module to ask for kernels never need ipykernel itself.
    from ipykernel.kernelapp import IPKernelApp

    with contextlib.redirect_stderr(io.StringIO()):  # debugpy warns about frozen modules as it loads
        importlib.import_module("ipykernel.debugger")  # every kernel's start imports it: done once here
    for name in json.loads(sys.argv[1]):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(sys.argv[2])
    server.listen(16)
    while True:
        readable, _, _ = select.select([server, sys.stdin], [], [])
        if sys.stdin in readable and not sys.stdin.readline():  # the owner ended
            os._exit(0)  # nothing to tear down: ending at once spares the imports' teardown
        if server in readable:
            conn, _ = server.accept()
            with conn, contextlib.suppress(OSError, ValueError):
                with conn.makefile("r", encoding="utf-8") as lines:
                    request = json.loads(lines.readline())
                template = os.getpid()
                pid = os.fork()
                if pid == 0:
                    _kernel(IPKernelApp, request, template, server, conn)
                conn.sendall((json.dumps({"pid": pid}) + "\n").encode("utf-8"))


def _die_with(template: int) -> None:
    """In a forked child: be killed when the template ends (Linux ``PR_SET_PDEATHSIG``), and end now
    if it already has.

    ipykernel's own parent poller is not enough: it reads its parent's pid only once its thread
    starts, so a template that dies while the kernel is still starting leaves it polling for a
    parent of pid 1, which never comes where a subreaper adopts orphans (containers, systemd).
    """
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != template:  # died between the fork and the prctl
        os._exit(0)


def _kernel(app: Any, request: Mapping[str, Any], template: int, *sockets: socket.socket) -> None:
    """In a forked child of the process ``template``: become the requested kernel (never returns)."""
    try:
        _die_with(template)
        for s in sockets:
            s.close()
        os.setsid()
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.environ.clear()  # the kernel process's launch environment, as exec would give it
        os.environ.update({"MPLBACKEND": _MPL_INLINE, **request["env"]})
        if request.get("cwd"):
            os.chdir(request["cwd"])  # where a launched kernel would start (checked by the provisioner)
        app.launch_instance(argv=["-f", request["connection_file"], _HISTORY,
                                  f"--IPKernelApp.parent_handle={os.getppid()}"])
    finally:
        os._exit(0)


class Template:
    """A template process (:func:`serve`), started at once and importing in the background.

    Parameters
    ----------
    env : mapping
        The template's environment (the thread counts are read as numpy is imported).
    modules : tuple of str
        Modules to import once.
    """

    def __init__(self, env: Mapping[str, str], modules: tuple[str, ...]) -> None:
        self.folder = _short_private_folder()
        self.address = os.path.join(self.folder, "t.sock")
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from review.batch.forked_kernels import serve; serve()",
             json.dumps(list(modules)), self.address],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, env=dict(env), start_new_session=True, text=True)

    def kill(self) -> None:
        """SIGKILL the template (its kernels end with it)."""
        with contextlib.suppress(OSError):
            self.process.kill()

    def close(self) -> None:
        """End the template and remove its folder."""
        with contextlib.suppress(OSError):
            if self.process.stdin is not None:
                self.process.stdin.close()  # it exits at once
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


_SHARED: dict[tuple[tuple[tuple[str, str], ...], tuple[str, ...]], Template] = {}
_SHARED_LOCK = threading.Lock()
_AT_EXIT: list[bool] = []


def shared_template(env: Mapping[str, str], modules: tuple[str, ...]) -> Template:
    """This process's template for ``env`` and ``modules``, started at first use and kept for the
    process's later runs (a process running several cycles, or a test session, imports the workbook
    once); replaced if it has ended, and ended when the process exits.

    A kernel's environment is the one its fork asks for (:func:`fork`), so ``env`` need hold only
    what the imports read (the thread counts), not a run's own variables.

    Returns
    -------
    Template
        Not to be closed by the caller.
    """
    key = (tuple(sorted(env.items())), tuple(modules))
    with _SHARED_LOCK:
        template = _SHARED.get(key)
        if template is not None and template.process.poll() is None and os.path.isdir(template.folder):
            return template
        if template is not None:
            template.close()  # ended: its folder removed
        if not _AT_EXIT:
            _AT_EXIT.append(True)
            atexit.register(close_shared_templates)
        template = _SHARED[key] = Template(env, modules)
        return template


def close_shared_templates() -> None:
    """End every template :func:`shared_template` started in this process."""
    with _SHARED_LOCK:
        templates = list(_SHARED.values())
        _SHARED.clear()
    for template in templates:
        template.close()


def fork(address: str, connection_file: str, env: Mapping[str, str], timeout: float,
         cwd: str | None = None) -> int:
    """Ask the template at ``address`` for a kernel (working in ``cwd``, default the template's working
    folder); its pid. Waits (up to ``timeout``) while the template is still importing; raises
    RuntimeError once its socket refuses connections or the template dies before it answers."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(max(0.1, deadline - time.monotonic()))
                sock.connect(address)
                sock.sendall((json.dumps({"connection_file": connection_file, "env": dict(env), "cwd": cwd}) + "\n")
                             .encode("utf-8"))
                with sock.makefile("r", encoding="utf-8") as answer:  # closed, or the socket stays open
                    line = answer.readline()
            if not line:
                raise RuntimeError("the kernel template ended")
            return int(json.loads(line)["pid"])
        except FileNotFoundError:  # not listening yet, or its folder is gone with it
            if not os.path.isdir(os.path.dirname(address)):
                raise RuntimeError("the kernel template ended") from None
            if time.monotonic() >= deadline:
                raise TimeoutError("the kernel template did not start listening in time") from None
            time.sleep(0.05)
        except (ConnectionRefusedError, ConnectionResetError, BrokenPipeError):
            # refused: nothing listens; reset or broken: the template died with the request unanswered
            raise RuntimeError("the kernel template ended") from None


class ForkedProcess:
    """A forked kernel's process, as a kernel provisioner uses one (``pid``, ``poll``, ``wait``,
    ``send_signal``, ``kill``, ``terminate``), watched through a pidfd: it is the template's child,
    so its exit status is not this process's to read (an ended kernel reports 0)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._fd: int | None = os.pidfd_open(pid)

    def poll(self) -> int | None:
        if self._fd is not None and select.select([self._fd], [], [], 0)[0]:
            os.close(self._fd)
            self._fd, self.returncode = None, 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self._fd is not None and not select.select([self._fd], [], [], timeout)[0]:
            raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0.0)
        return self.poll() or 0

    def send_signal(self, signum: int) -> None:
        if self.poll() is None and self._fd is not None:
            with contextlib.suppress(ProcessLookupError):
                signal.pidfd_send_signal(self._fd, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class ForkProvisioner(LocalProvisioner):
    """A kernel provisioner that has the template at :attr:`template` fork the kernel instead of
    launching a new Python process; everything else is the local provisioner's."""

    template = Unicode(config=True, help="Address of the template's socket.")

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        connection_file = self.parent.connection_file if self.parent is not None else ""
        cwd = kwargs.get("cwd")
        if cwd and not os.path.isdir(cwd):  # refused here, as launching a process there would be
            raise FileNotFoundError(f"the kernel's working folder does not exist: {cwd}")
        pid = fork(self.template, connection_file, kwargs.get("env") or {}, timeout=120.0, cwd=cwd)
        self.process = ForkedProcess(pid)  # type: ignore[assignment]  # what the provisioner uses of a Popen
        self.pid = self.pgid = pid  # the kernel leads its own session
        self.cwd = cwd
        return self.connection_info


def fork_metadata(template: str) -> dict[str, Any]:
    """A kernel spec's metadata naming :class:`ForkProvisioner` and the template at ``template``.

    >>> fork_metadata("/tmp/review-kt-1-x/t.sock")["kernel_provisioner"]["provisioner_name"]
    'review-fork'
    """
    return {"kernel_provisioner": {"provisioner_name": PROVISIONER, "config": {"template": template}}}


class ForkSpecs(KernelSpecManager):
    """A spec manager whose ``python3`` kernels are forked by the template at ``template``."""

    template = Unicode(help="Address of the template's socket.")

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        spec = super().get_kernel_spec(kernel_name)
        spec.metadata = {**spec.metadata, **fork_metadata(self.template)}
        return spec
