"""Warm kernels: spare kernels started ahead of need, each used for exactly one notebook.

A notebook run through papermill normally pays a kernel start, the workbook's imports (pandas,
matplotlib, the ``review`` analyses and views) and a clean kernel shutdown, which now and then
stalls for seconds. A :class:`KernelPool` keeps spare kernels started in background threads
through jupyter_client's :class:`~jupyter_client.manager.KernelManager`, with those modules
already imported (into ``sys.modules`` only: no name is bound in the notebook's namespace). Each
spare goes to exactly one notebook, which papermill's own engine runs on it
(``papermill.execute_notebook(..., km=manager)``: nbclient then leaves the kernel to its owner),
and is then killed in a background thread, off the critical path. No state passes from one
notebook to the next, least of all between authorities.

Where the platform can fork, a kernel is forked from a template process that imported ipykernel
and the workbook once (:mod:`review.batch.forked_kernels`: faster by 24% to 40% on the demo cycle,
docs/kernels.md), still started, signalled and stopped by a KernelManager; elsewhere each kernel
imports for itself.

A kernel starts with its task's environment (:mod:`review.batch.kernel_environment`): what a
kernel may inherit of this process's, and the task's own variables (the evidence snapshot's
folder). Nothing is
set in a running kernel, nor in this process's environment. A pool's spares share one
environment; asked for a kernel of another, the process's pool is replaced
(:func:`review.batch.process_pool.take_kernel`). The kernel itself is
:class:`review.batch.warm_kernel.WarmKernelManager`.

docs/kernels.md gives the measurements behind this design.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable, Mapping

from jupyter_core.utils import ensure_event_loop

from review.batch.forked_kernels import ForkSpecs, Template, can_fork
from review.batch.kernel_environment import workbook_modules
from review.batch.warm_kernel import WarmKernelManager

__all__ = ["START_TIMEOUT", "KernelPool"]

START_TIMEOUT = 120.0
"""Seconds a kernel may take to start and import the workbook."""


def _own_loop(target: Callable[[], None]) -> Callable[[], None]:
    """``target`` for a thread of its own, closing the asyncio loop jupyter_client's blocking calls
    open in that thread (left open, it is an unclosed socket pair when the thread ends)."""

    def run() -> None:
        try:
            target()
        finally:
            with contextlib.suppress(Exception):
                ensure_event_loop().close()

    return run


class KernelPool:
    """Spare warm kernels of one environment, started in background threads ahead of need.

    Parameters
    ----------
    env : mapping
        The kernels' environment (:func:`~review.batch.kernel_environment.kernel_environment`).
    spares : int, default: ``1``
        Kernels kept ready (or starting) beyond those handed out.
    start_timeout : float, default: :data:`START_TIMEOUT`
        Seconds a kernel may take to start and import.
    modules : tuple of str, optional
        Modules to import; default :func:`~review.batch.kernel_environment.workbook_modules`.
    template : str, optional
        Address of the run's :class:`~review.batch.forked_kernels.Template` (the runner's, shared
        by its workers), whose kernels have the modules imported already; default this pool starts
        its own where the platform can fork (:func:`~review.batch.forked_kernels.can_fork`).
    fork : bool, optional
        Whether kernels are forked from a template; default where the platform can. If forking
        fails, each kernel from then on imports the modules itself.
    """

    def __init__(self, env: Mapping[str, str], spares: int = 1, start_timeout: float = START_TIMEOUT,
                 modules: tuple[str, ...] | None = None, template: str | None = None,
                 fork: bool | None = None) -> None:
        self.env = dict(env)
        self.spares = max(1, spares)
        self.start_timeout = start_timeout
        self.modules = workbook_modules() if modules is None else modules
        self.fork = can_fork() if fork is None else fork
        self._address = template
        self._own: Template | None = None  # a template this pool started (and closes)
        self._ready: queue.Queue[WarmKernelManager | BaseException] = queue.Queue()
        self._lock = threading.Lock()
        self._threads: set[threading.Thread] = set()  # starting or stopping a kernel
        self._starting = 0
        self._kernels: set[WarmKernelManager] = set()  # every kernel of this pool not yet stopped
        self._out: set[WarmKernelManager] = set()  # handed out and not yet discarded
        self.closed = False
        self.fill()

    def _thread(self, target: Callable[[], None], name: str) -> threading.Thread:
        def run() -> None:
            try:
                target()
            finally:
                with self._lock:
                    self._threads.discard(threading.current_thread())

        thread = threading.Thread(target=_own_loop(run), name=name, daemon=True)
        with self._lock:
            self._threads.add(thread)
        thread.start()
        return thread

    def fill(self) -> None:
        """Start spares until :attr:`spares` are ready or starting."""
        while True:
            with self._lock:
                if self.closed or self._ready.qsize() + self._starting >= self.spares:
                    return
                self._starting += 1
            self._thread(self._start_one, "review-warm-kernel")

    def _template(self) -> str | None:
        """The address of the template to fork from, started at first use; None: no forking."""
        with self._lock:
            if self.closed:
                raise RuntimeError("the kernel pool is closed")
            if self.fork and self._address is None:
                self._own = Template(self.env, self.modules)
                self._address = self._own.address
            return self._address if self.fork else None

    def _start_one(self) -> None:
        item: WarmKernelManager | BaseException
        if self.closed:  # closed before this thread ran: start nothing
            with self._lock:
                self._starting -= 1
            return
        try:
            item = self._started(self._template())
        except (OSError, RuntimeError, TimeoutError) as exc:
            item = exc
            if not self.closed and self.fork:  # the template failed: kernels import for themselves
                self.fork = False
                try:
                    item = self._started(None)
                except BaseException as again:  # noqa: BLE001 - handed to the task that takes it
                    item = again
        except BaseException as exc:  # noqa: BLE001 - handed to the task that takes it
            item = exc
        with self._lock:
            self._starting -= 1
            closed = self.closed
        if isinstance(item, WarmKernelManager) and closed:
            self._stop(item)
        elif not closed:
            self._ready.put(item)

    def _started(self, template: str | None) -> WarmKernelManager:
        """A kernel started (forked from ``template``, or launched and importing), or an exception."""
        manager = (WarmKernelManager(kernel_spec_manager=ForkSpecs(template=template)) if template
                   else WarmKernelManager())
        with self._lock:
            self._kernels.add(manager)
        try:
            manager.start(self.env, () if template else self.modules, self.start_timeout,
                          cancelled=lambda: self.closed)
        except BaseException:
            self._stop(manager)
            raise
        return manager

    def take(self, refill: bool = True) -> WarmKernelManager:
        """A ready kernel (waiting for one that is starting).

        Parameters
        ----------
        refill : bool, default: ``True``
            Start a new spare in its place; ``False`` for this process's last notebook (a spare
            nobody takes costs a kernel start on a busy machine).

        Returns
        -------
        WarmKernelManager
            The caller's to use for one notebook and then :meth:`discard`.

        Raises
        ------
        RuntimeError
            If the pool is closed, or no kernel started in time or one failed to start.
        """
        if self.closed:
            raise RuntimeError("the kernel pool is closed")
        if refill or self._ready.empty():
            self.fill()  # a kernel is always starting or ready
        try:
            item = self._ready.get(timeout=self.start_timeout)
        except queue.Empty:
            raise RuntimeError("no warm kernel started in time") from None
        if refill:
            self.fill()
        if isinstance(item, BaseException):
            raise RuntimeError(f"a warm kernel failed to start: {item}") from item
        with self._lock:
            self._out.add(item)
        return item

    @property
    def busy(self) -> bool:
        """Whether a kernel of this pool is handed out (running a notebook)."""
        with self._lock:
            return bool(self._out)

    def discard(self, kernel: WarmKernelManager) -> threading.Thread:
        """Stop a used kernel in the background (never reused); the thread stopping it."""
        return self._thread(lambda: self._stop(kernel), "review-stop-kernel")

    def pids(self) -> set[int]:
        """The process ids of the pool's kernels not yet stopped (started ones)."""
        with self._lock:
            return {k.pid for k in self._kernels if k.pid is not None}

    def _stop(self, kernel: WarmKernelManager) -> None:
        try:
            kernel.stop()
        finally:
            with self._lock:
                self._kernels.discard(kernel)
                self._out.discard(kernel)

    def kill(self) -> None:
        """SIGKILL every kernel of this pool at once, and its own template (the process is being killed)."""
        self.closed = True
        # No lock: this runs in a signal handler, perhaps while the interrupted code holds it. The
        # copy is one C-level call, which no other thread can interleave with under the GIL.
        for kernel in self._kernels.copy():
            kernel.kill()
        if self._own is not None:
            self._own.kill()

    def close(self, wait: float = 30.0) -> None:
        """Stop every kernel of the pool and wait (at most ``wait`` seconds) for the threads
        starting or stopping them: on return no kernel of the pool is left running.

        A kernel still starting is not waited for: it is killed, or its start gives up at its next
        step (a fork asked of the pool's own template, which is ended and its folder removed here,
        fails at once)."""
        with self._lock:
            self.closed = True
        self.kill()
        if self._own is not None:
            self._own.close()
        deadline = time.monotonic() + wait
        while True:
            with self._lock:
                threads = list(self._threads)
            if not threads or time.monotonic() >= deadline:
                break
            threads[0].join(timeout=max(0.0, deadline - time.monotonic()))
        with self._lock:
            left = list(self._kernels)
        for kernel in left:
            kernel.stop()
        with contextlib.suppress(queue.Empty):
            while True:
                self._ready.get_nowait()
