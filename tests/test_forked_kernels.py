"""Kernels forked from a template (review.batch.forked_kernels), on their own: started and stopped
through jupyter_client's public API, a socket path that fits whatever TMPDIR is, no kernel outliving
its template, and a process known by its pidfd. No test asserts a time: each waits for an event or
polls against a generous deadline."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile

import pytest
from jupyter_client.manager import KernelManager

from review.batch import forked_kernels as fk
from review.batch.kernel_environment import kernel_environment

pytestmark = pytest.mark.skipif(not fk.can_fork(), reason="needs fork and pidfd_open")

DEADLINE = 120.0


@pytest.fixture
def template(tmp_path, monkeypatch):
    """A template started with a TMPDIR far longer than a Unix socket's path may be."""
    long = tmp_path / ("x" * 60) / ("y" * 60)
    long.mkdir(parents=True)
    monkeypatch.setenv("TMPDIR", str(long))
    monkeypatch.setattr(tempfile, "tempdir", str(long))
    t = fk.Template(kernel_environment(), ("review", "pandas"))
    yield t
    t.close()


def test_a_forked_kernel_runs_code_with_its_own_environment(template, until, process_gone):
    assert len(template.address) < 100
    assert stat.S_IMODE(os.stat(template.folder).st_mode) == 0o700  # owner-only
    km = KernelManager(kernel_name="python3", transport="ipc",
                       kernel_spec_manager=fk.ForkSpecs(template=template.address))
    km.start_kernel(env=kernel_environment({"REVIEW_EVIDENCE_CACHE": "/run/a"}))
    try:
        assert isinstance(km.provisioner, fk.ForkProvisioner)
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=DEADLINE)
        seen = []
        kc.execute_interactive("import os, sys\nprint(os.environ['REVIEW_EVIDENCE_CACHE'], 'pandas' in sys.modules, "
                               "os.getpid() != os.getppid())", timeout=DEADLINE,
                               output_hook=lambda msg: seen.append(msg["content"].get("text", "")))
        kc.stop_channels()
        assert "".join(seen).split() == ["/run/a", "True", "True"]  # imported in the template, not here
        pid = km.provisioner.pid
    finally:
        km.shutdown_kernel(now=True)
    until(lambda: process_gone(pid), "stopped")


def test_a_forked_kernel_starts_in_the_folder_it_is_started_in(template, tmp_path):
    """As a launched kernel does: ``start_kernel(cwd=...)`` is where the kernel works (nbval starts a
    notebook's kernel in the notebook's folder); a folder that does not exist is refused before any fork."""
    # on TCP: an IPC kernel's socket paths are relative to its folder unless its connection file's are not
    km = KernelManager(kernel_name="python3", kernel_spec_manager=fk.ForkSpecs(template=template.address))
    km.start_kernel(env=kernel_environment(), cwd=str(tmp_path))
    try:
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=DEADLINE)
        seen = []
        kc.execute_interactive("import os\nprint(os.getcwd())", timeout=DEADLINE,
                               output_hook=lambda msg: seen.append(msg["content"].get("text", "")))
        kc.stop_channels()
        assert "".join(seen).strip() == str(tmp_path)
        assert os.getcwd() != str(tmp_path)  # the kernel's folder, not this process's
    finally:
        km.shutdown_kernel(now=True)
    missing = KernelManager(kernel_name="python3", kernel_spec_manager=fk.ForkSpecs(template=template.address))
    with pytest.raises(FileNotFoundError, match="working folder does not exist"):
        missing.start_kernel(env=kernel_environment(), cwd=str(tmp_path / "gone"))


def test_a_kernel_does_not_outlive_its_template(template, until, process_gone):
    km = KernelManager(kernel_name="python3", transport="ipc",
                       kernel_spec_manager=fk.ForkSpecs(template=template.address))
    km.start_kernel(env=kernel_environment())
    pid = km.provisioner.pid
    try:
        template.kill()  # with its owner, no clean-up
        until(lambda: process_gone(pid), "ended with its template")
    finally:
        km.shutdown_kernel(now=True)
        km.cleanup_resources()


@pytest.mark.parametrize("how", ["killed", "closed"])
def test_asking_a_template_that_ended_fails_at_once(template, tmp_path, how):
    """Once the template is gone (killed: its socket refuses; closed: its folder is gone) a request
    fails at once instead of waiting out the start timeout."""
    fk.fork(template.address, str(tmp_path / "k.json"), {}, timeout=DEADLINE)  # listening: a kernel
    template.kill() if how == "killed" else template.close()
    template.process.wait(DEADLINE)
    with pytest.raises(RuntimeError, match="template ended"):
        fk.fork(template.address, str(tmp_path / "k.json"), {}, timeout=3600)


def test_a_forked_process_is_known_by_its_pidfd():
    """The process a pidfd names is signalled and seen to end; once it has, nothing is signalled
    (a later process given the same pid is never mistaken for it)."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        process = fk.ForkedProcess(child.pid)
        assert process.poll() is None
        with pytest.raises(subprocess.TimeoutExpired):
            process.wait(timeout=0)
        process.kill()
        assert process.wait(timeout=DEADLINE) == 0
        assert process.poll() == 0
        process.kill()  # a no-op now: its pidfd is closed
    finally:
        child.kill()
        child.wait()


def test_a_template_folder_left_by_a_killed_process_is_removed_by_the_next(tmp_path):
    """A template's folder is named with its owner's PID; making one removes those whose process no
    longer exists (killed before it could remove its own), and keeps a living process's."""
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()  # its PID names no process now
    stale, alive = (f"/tmp/{fk.TEMPLATE_PREFIX}{ended.pid}-killed", f"/tmp/{fk.TEMPLATE_PREFIX}{os.getpid()}-running")
    for folder in (stale, alive):
        os.makedirs(folder, mode=0o700)
    made = fk._short_private_folder()
    try:
        assert not os.path.exists(stale)
        assert os.path.isdir(alive)
        assert os.path.basename(made).startswith(f"{fk.TEMPLATE_PREFIX}{os.getpid()}-")
    finally:
        for folder in (stale, alive, made):
            shutil.rmtree(folder, ignore_errors=True)


def test_a_process_keeps_one_template_for_its_runs_and_replaces_one_that_ended():
    """Asked twice for the same imports (two runs of one process), the same template answers; once
    it has ended, or its socket is gone, a new one is started in its place; at the end, none is left."""
    env = kernel_environment(threads=1)
    first = fk.shared_template(env, ("json",))
    try:
        assert fk.shared_template(env, ("json",)) is first
        first.kill()
        first.process.wait(timeout=30)
        second = fk.shared_template(env, ("json",))
        assert second is not first
        assert second.process.poll() is None
        assert not os.path.exists(first.folder)  # the ended one's folder removed
        shutil.rmtree(second.folder)  # its folder and socket gone (swept away): it can fork no kernel
        third = fk.shared_template(env, ("json",))
        assert third is not second
        assert second.process.poll() is not None  # ended in its place
    finally:
        fk.close_shared_templates()
    assert third.process.poll() is not None
    assert not os.path.exists(third.folder)
