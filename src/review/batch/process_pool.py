"""This process's kernel pool: one :class:`~review.batch.kernels.KernelPool` per process (the
runner's, or a Dask worker's), created on first use, replaced when asked for kernels of another
environment, closed at exit.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Mapping

from review.batch.kernels import KernelPool
from review.batch.warm_kernel import WarmKernelManager

__all__ = ["close_process_pool", "kill_process_kernels", "process_pool", "take_kernel"]

_POOL: KernelPool | None = None
_POOL_LOCK = threading.Lock()
_AT_EXIT: list[bool] = []


def process_pool(env: Mapping[str, str], spares: int = 1, template: str | None = None) -> KernelPool:
    """This process's kernel pool for kernels of ``env``, created (its spares started) on first use;
    a pool of another environment is closed first.

    Parameters
    ----------
    env : mapping
        The kernels' environment (:func:`~review.batch.kernel_environment.kernel_environment`).
    spares : int, default: ``1``
    template : str, optional
        The run's shared template (see :class:`KernelPool`).

    Returns
    -------
    KernelPool
    """
    global _POOL
    with _POOL_LOCK:
        old = _POOL
        if old is not None and (old.closed or old.env != dict(env)):
            _POOL = None
        else:
            old = None
        if _POOL is None:
            _POOL = KernelPool(env, spares=spares, template=template)
            if not _AT_EXIT:
                _AT_EXIT.append(True)
                atexit.register(close_process_pool)
        pool = _POOL
    if old is not None:
        old.close()
    return pool


def take_kernel(env: Mapping[str, str], refill: bool = True) -> tuple[KernelPool, WarmKernelManager]:
    """A warm kernel of ``env`` from this process's pool for one notebook (see :meth:`KernelPool.take`).

    Returns
    -------
    tuple
        ``(pool, kernel)``: give the kernel back with ``pool.discard(kernel)``.
    """
    pool = process_pool(env)
    return pool, pool.take(refill=refill)


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
