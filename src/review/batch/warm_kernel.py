"""A warm kernel: a KernelManager on IPC transport that starts with the workbook's modules imported.

Used by :class:`review.batch.kernels.KernelPool` for exactly one notebook each; killed, never shut
down cleanly (a clean shutdown stalls now and then). Its process leads its own process group, so an
interrupt or a kill reaches whatever it started.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import KernelManager
from jupyter_core.paths import jupyter_runtime_dir

from review.batch.kernel_environment import import_code
from review.config.paths import project_root

__all__ = ["WarmKernelManager"]

_HISTORY = "--HistoryManager.hist_file=:memory:"  # as nbclient: no history file to corrupt on kill


class WarmKernelManager(KernelManager):
    """A KernelManager on IPC transport with a connection file of its own (no TCP port races,
    papermill#511), which remembers the clients it made so that their channels can be closed
    (nbclient leaves a kernel it does not own, and its client, to the kernel's owner)."""

    def __init__(self, **kwargs: Any) -> None:
        kernel_id = str(uuid.uuid4())
        runtime = jupyter_runtime_dir()
        os.makedirs(runtime, exist_ok=True)
        kwargs.setdefault("kernel_name", "python3")
        kwargs.setdefault("transport", "ipc")
        kwargs.setdefault("kernel_id", kernel_id)
        kwargs.setdefault("connection_file", os.path.join(runtime, f"kernel-{kernel_id}.json"))
        super().__init__(**kwargs)
        self.clients: list[BlockingKernelClient] = []
        self.pid: int | None = None

    def client(self, **kwargs: Any) -> BlockingKernelClient:
        """A client of this kernel (see :meth:`close_clients`)."""
        kc = super().client(**kwargs)
        self.clients.append(kc)
        return kc

    def close_clients(self) -> None:
        """Stop the channels of every client made of this kernel."""
        for kc in self.clients:
            with contextlib.suppress(Exception):
                kc.stop_channels()
        self.clients.clear()

    def start(self, env: Mapping[str, str], modules: tuple[str, ...], timeout: float,
              cancelled: Callable[[], bool] = lambda: False) -> None:
        """Start the kernel with ``env`` and import ``modules`` in it (none: a forked kernel has
        them); raise if either fails, or as soon as ``cancelled()`` holds (the kernel is then killed)."""
        self.start_kernel(cwd=str(project_root()), env=dict(env), extra_arguments=[_HISTORY])
        self.pid = getattr(self.provisioner, "pid", None)  # it leads its own session (process group)
        # Checked after the pid is known: a pool closing now either saw the pid (and killed the
        # kernel) or is seen here.
        self._unless(cancelled)
        kc = self.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=timeout)  # raises within a second of the kernel's death
            if modules:
                self._import(kc, modules, timeout, cancelled)
        finally:
            self.close_clients()

    def _unless(self, cancelled: Callable[[], bool]) -> None:
        """Kill the kernel and raise if ``cancelled()`` holds (its pool closed while it was starting)."""
        if cancelled():
            self.kill()
            raise RuntimeError("the kernel pool closed while a kernel was starting")

    def _import(self, kc: BlockingKernelClient, modules: tuple[str, ...], timeout: float,
                cancelled: Callable[[], bool]) -> None:
        """Import ``modules`` in the kernel; raise if the import fails, the kernel dies, ``timeout``
        passes or ``cancelled()`` holds."""
        msg_id = kc.execute(import_code(modules), silent=True, store_history=False)
        deadline = time.monotonic() + timeout
        while True:
            self._unless(cancelled)
            try:
                reply = kc.get_shell_msg(timeout=0.2)
            except queue.Empty:
                if not self.is_alive():
                    raise RuntimeError("a warm kernel died importing the workbook's modules") from None
                if time.monotonic() > deadline:
                    raise TimeoutError("a warm kernel did not import the workbook's modules in time") from None
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        if reply["content"].get("status") != "ok":
            raise RuntimeError("a warm kernel could not import the workbook's modules")

    def interrupt(self) -> None:
        """SIGINT the kernel's process group: the running cell raises KeyboardInterrupt (one system
        call, from any thread: no event loop is opened for it)."""
        if self.pid is not None:
            with contextlib.suppress(OSError):
                os.killpg(self.pid, signal.SIGINT)

    def kill(self) -> None:
        """SIGKILL the kernel's process group at once (safe in a signal handler: one system call)."""
        if self.pid is not None:
            with contextlib.suppress(OSError):
                os.killpg(self.pid, signal.SIGKILL)

    def stop(self) -> None:
        """Kill the kernel (no clean shutdown: it stalls now and then) and remove its files."""
        self.close_clients()
        with contextlib.suppress(Exception):
            self.shutdown_kernel(now=True)
        self.kill()
        with contextlib.suppress(Exception):
            self.cleanup_resources()
