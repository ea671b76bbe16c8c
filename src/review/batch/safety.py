"""Run safety: one run per cycle folder, a writable output root, private temporary files, and no
worker or kernel left behind when a run is interrupted or killed.

- :func:`check_output_root` refuses an output root that cannot be written (read-only, a file, a
  parent without permission) before any kernel starts.
- :func:`cycle_lock` holds an ``fcntl.flock`` lock on ``<root>/.<cycle>.lock`` for the run; the
  kernel releases it when the process ends however it ends, so a crashed run never leaves it stuck.
  A second run of the same cycle folder is refused, naming the running one (PID and start time).
- :func:`private_temp_dir` makes an owner-only (0700) folder named with the run's PID, and
  :func:`remove_stale_temp_dirs` deletes those of runs that no longer exist (a SIGKILLed run).
- :func:`watch_parent` runs in each worker process: the worker dies with the run (Linux
  ``PR_SET_PDEATHSIG``, plus a watchdog on the run's PID elsewhere), and on SIGTERM or its parent's
  death it kills its kernels first. A kernel started for itself exits when its worker goes
  (ipykernel's parent poller); a kernel forked from a template exits when the template does
  (``PR_SET_PDEATHSIG``), and an interrupted run ends the process's template
  (:func:`review.batch.forked_kernels.close_shared_templates`), so any kernel a killed worker could
  not stop ends with it.
- :func:`stop_workers` ends the workers of an interrupted run within seconds.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path

from review.exceptions import ParameterError, RunFailed

__all__ = ["check_output_root", "cycle_lock", "disk_errors", "private_temp_dir", "remove_stale_temp_dirs",
           "stop_workers", "watch_parent"]

TEMP_PREFIX = "review-evidence-"
_PR_SET_PDEATHSIG = 1


def check_output_root(root: Path) -> None:
    """Refuse an output root that cannot be written, leaving nothing behind.

    Parameters
    ----------
    root : pathlib.Path
        The folder that holds (or will hold) the cycle folders.

    Raises
    ------
    ParameterError
        If it is a file, or it (or the folder it would be made in) cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> check_output_root(Path(tempfile.gettempdir()) / "review-doc-check")
    """
    if root.exists() and not root.is_dir():
        raise ParameterError(f"the output root {root} is a file; expected a folder", "--output-root")
    created: list[Path] = []
    try:
        missing = [p for p in [root, *root.parents] if not p.exists()]
        for folder in reversed(missing):
            folder.mkdir()
            created.append(folder)
        fd, probe = tempfile.mkstemp(prefix=".review-probe-", dir=root)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ParameterError(f"the output root {root} cannot be written ({exc.strerror or exc}); "
                             "choose a folder you can write to", "--output-root") from None
    finally:
        for folder in reversed(created):
            with contextlib.suppress(OSError):
                folder.rmdir()


@contextlib.contextmanager
def cycle_lock(root: Path, cycle: str) -> Iterator[Path]:
    """Hold the lock of one cycle folder for the length of a run.

    Raises
    ------
    ParameterError
        If another process holds it: the message names its PID and start time.
    """
    root.mkdir(parents=True, exist_ok=True)
    path = root / f".{cycle}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                holder = json.loads(os.pread(fd, 4096, 0) or b"{}")
            except ValueError:
                holder = {}
            raise ParameterError(
                f"cycle {cycle} is already being run into {root} by process {holder.get('pid', '?')} "
                f"(started {holder.get('started', 'at an unknown time')}); wait for it to finish, or stop it",
                "review run") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "started": datetime.now(timezone.utc).isoformat(
            timespec="seconds")}).encode(), 0)
        yield path
    finally:
        os.close(fd)  # releases the lock; the file stays (deleting it would race a waiting run)


def private_temp_dir() -> Path:
    """An owner-only (0700) temporary folder named with this process's PID."""
    path = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-"))
    os.chmod(path, 0o700)
    return path


def remove_stale_temp_dirs(prefix: str = TEMP_PREFIX, parent: str | None = None) -> None:
    """Delete temporary folders named ``<prefix><pid>-...`` in ``parent`` (default the temporary
    folder) whose process no longer exists (killed with SIGKILL before it could remove its own)."""
    for folder in Path(parent or tempfile.gettempdir()).glob(f"{prefix}*-*"):
        try:
            pid = int(folder.name[len(prefix):].split("-")[0])
            os.kill(pid, 0)
        except (ValueError, PermissionError):
            continue
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def disk_errors(cycle: str) -> Iterator[None]:
    """Turn a failed write (disk full, quota, read-only) into :class:`RunFailed` (exit 1)."""
    try:
        yield
    except OSError as exc:
        reason = "the disk is full" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else (exc.strerror or str(exc))
        where = f" writing {exc.filename}" if exc.filename else ""
        raise RunFailed(f"cycle {cycle}: the reports could not be written ({reason}{where}); nothing was "
                        "published and the previous reports are unchanged") from None


def _set_pdeathsig() -> None:
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def watch_parent(parent_pid: int, kill_kernels: Callable[[], None]) -> None:
    """Worker initializer: die with the run, killing this worker's kernels first.

    Parameters
    ----------
    parent_pid : int
        The run's process.
    kill_kernels : callable
        Kills the kernels this worker started.
    """
    _set_pdeathsig()

    def end(*_: object) -> None:
        kill_kernels()
        os._exit(1)

    signal.signal(signal.SIGTERM, end)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the run decides; it stops workers with SIGTERM

    def watchdog() -> None:
        while True:
            try:
                os.kill(parent_pid, 0)
            except ProcessLookupError:
                end()
            except PermissionError:
                pass
            time.sleep(0.5)

    threading.Thread(target=watchdog, name="review-parent-watchdog", daemon=True).start()


def stop_workers(grace: float = 2.0) -> None:
    """SIGTERM every worker process of this run, then SIGKILL those still alive after ``grace`` seconds."""
    children = multiprocessing.active_children()
    for child in children:
        with contextlib.suppress(OSError):
            child.terminate()
    deadline = time.monotonic() + grace
    for child in children:
        child.join(max(0.0, deadline - time.monotonic()))
        if child.is_alive():
            with contextlib.suppress(OSError):
                child.kill()
            child.join(1.0)
