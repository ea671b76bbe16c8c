"""Run safety: options checked first, one run per cycle folder, unwritable output roots refused,
a full disk ends cleanly, params files bounded, and a killed run leaves no process behind."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest

from review.batch.safety import TEMP_PREFIX, cycle_lock
from review.cli import main


@pytest.mark.parametrize(("option", "value"), [
    ("--timeout", "0"), ("--timeout", "-5"), ("--timeout", "inf"), ("--timeout", "nan"), ("--timeout", "ten"),
    ("--jobs", "0"), ("--jobs", "-1"), ("--jobs", "two"), ("--jobs", "1.5"),
])
def test_run_option_errors_exit_2(option, value, capsys):
    with pytest.raises(SystemExit) as info:
        main(["run", "--cycle", "2009-Q4", option, value])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert option in err
    assert "Traceback" not in err


@pytest.mark.parametrize("argv", [
    ["sample", "--cycle", "2009-Q4", "--seed", "-1"],
    ["demo-data", "out", "--seed", "x"],
    ["check-report", "x.html", "--threshold", "0"],
    ["run", "--cycle", "2009-Q4", "--audience", "everyone"],
    ["nonsense"],
])
def test_every_other_option_error_exits_2(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_a_run_without_a_cycle_or_a_region_is_refused(capsys):
    assert main(["run"]) == 2  # --cycle is optional only because --region can stand in its place
    err = capsys.readouterr().err
    assert "needs --cycle (or --region FILE)" in err
    assert "Traceback" not in err


def test_a_sample_of_a_range_of_cycles_is_refused(capsys):
    assert main(["sample", "--cycle", "2009-Q1..2009-Q2", "--seed", "1"]) == 2
    assert "names one cycle" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["a file", "under a file", "read-only"])
def test_an_output_root_that_cannot_be_written_is_refused_before_anything_runs(tmp_path, capsys, kind):
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    root = {"a file": blocker, "under a file": blocker / "out",
            "read-only": Path("/sys/review-outputs")}[kind]  # /sys is mounted read-only, even for root
    if kind == "read-only" and os.access("/sys", os.W_OK) and not Path("/sys").exists():
        pytest.skip("no read-only file system to write to")
    code = main(["run", "--cycle", "2009-Q4", "--output-root", str(root), "--quiet"])
    assert code == 2
    err = capsys.readouterr().err
    assert str(root) in err
    assert "Traceback" not in err


def test_a_second_run_of_a_cycle_folder_is_refused_naming_the_first(tmp_path, capsys):
    out = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from review.batch.safety import cycle_lock\n"
        "with cycle_lock(Path(sys.argv[1]), '2009-Q4'):\n    print('held', flush=True); time.sleep(120)"),
        str(out)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        code = main(["run", "--cycle", "2009-Q4", "--output-root", str(out), "--quiet"])
        assert code == 2
        err = capsys.readouterr().err
        assert f"already being run into {out} by process {holder.pid} (started 20" in err
        assert not (out / "2009-Q4").exists()
    finally:
        holder.kill()  # a crashed run: its lock goes with it
        holder.wait()
        holder.stdout.close()
    with cycle_lock(out, "2009-Q4"):
        pass


def _previous_reports(root: Path) -> dict[str, bytes]:
    folder = root / "2009-Q4"
    folder.mkdir(parents=True)
    (folder / "index.html").write_text("<p>previous run</p>")
    (folder / "cycle_summary.html").write_text("<p>previous report</p>")
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def _mine() -> list[Path]:
    return list(Path(tempfile.gettempdir()).glob(f"{TEMP_PREFIX}{os.getpid()}-*"))


@pytest.mark.parametrize("where", ["a notebook", "the manifest"])
def test_a_full_disk_ends_with_exit_1_and_leaves_the_previous_reports(tmp_path, monkeypatch, capsys, where):
    out = tmp_path / "out"
    before = _previous_reports(out)

    def notebooks_fill_the_disk(tasks, jobs, progress):
        (Path(tasks[0].staging) / "half.html").write_text("<p>half")
        raise OSError(errno.ENOSPC, "No space left on device", str(Path(tasks[0].staging) / "half.html"))

    def manifest_fills_the_disk(path, manifest):
        path.write_text("{")
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    if where == "a notebook":
        monkeypatch.setattr("review.batch.runner._run_tasks", notebooks_fill_the_disk)
    else:
        monkeypatch.setattr("review.batch.runner._run_tasks", lambda tasks, jobs, progress: [])
        monkeypatch.setattr("review.batch.publish.write_manifest", manifest_fills_the_disk)
    code = main(["run", "--cycle", "2009-Q4", "--output-root", str(out), "--force", "--quiet"])
    assert code == 1
    err = capsys.readouterr().err
    assert "the reports could not be written (the disk is full" in err
    assert "nothing was published and the previous reports are unchanged" in err
    assert {p.name: p.read_bytes() for p in (out / "2009-Q4").iterdir()} == before
    assert sorted(p.name for p in out.iterdir()) == [".2009-Q4.lock", "2009-Q4"]  # no half-written staging
    assert _mine() == []  # the evidence cache is gone


def test_the_evidence_cache_is_private_and_removed(tmp_path, monkeypatch):
    seen = {}

    def look(tasks, jobs, progress):
        from review.analyses.context import EVIDENCE_CACHE_ENV, SNAPSHOT_FILE

        cache = Path(tasks[0].env[EVIDENCE_CACHE_ENV]) / SNAPSHOT_FILE
        seen["mode"] = cache.parent.stat().st_mode & 0o777
        seen["exists"] = cache.is_file()
        raise KeyboardInterrupt

    monkeypatch.setattr("review.batch.runner._run_tasks", look)
    assert main(["run", "--cycle", "2009-Q4", "--output-root", str(tmp_path / "out"), "--quiet"]) == 130
    assert seen == {"mode": 0o700, "exists": True}
    assert _mine() == []


@pytest.mark.parametrize(("text", "message"), [
    ("cycle: \"2009-Q4\"\naudience: published\naudience: internal\n", "the key `audience` appears twice"),
    ("cycle: \"2009-Q4\"\n" + "a:\n" + "".join("  " * i + f"  k{i}:\n" for i in range(1, 30)) + "  " * 31 + "x: 1\n",
     "nested more than"),
    ("cycle: \"2009-Q4\"\nx: &a [1]\n" + "".join(f"y{i}: *a\n" for i in range(20)), "aliases"),
    ("cycle: \"2009-Q4\"\n1: 2\n", "is not text"),
    ("cycle: \"2009-Q4\"\nx: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than"),
])
def test_bad_params_files_exit_2_naming_the_line(write_params, capsys, text, message):
    path = write_params(text)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_params_files_that_are_not_utf8_or_too_large(tmp_path, capsys):
    latin = tmp_path / "latin.yaml"
    latin.write_bytes('cycle: "2009-Q4"\n# caf\xe9\n'.encode("latin-1"))
    big = tmp_path / "big.yaml"
    big.write_text('cycle: "2009-Q4"\n' + "# padding\n" * 40_000)
    assert main(["validate", str(latin), str(big)]) == 2
    err = capsys.readouterr().err
    assert "line 2: expected UTF-8 text; found byte 0xE9" in err
    assert "larger than the limit of 262,144 bytes" in err
    assert "Traceback" not in err


def test_a_cycle_without_audits_is_refused_before_any_kernel(write_params, tmp_path, capsys):
    path = write_params('cycle: "2010-Q1"\n', name="2010-Q1.yaml")
    code = main(["run", "--cycle", "2010-Q1", "--params", str(path), "--output-root", str(tmp_path / "out")])
    assert code == 2
    assert "cycle 2010-Q1 has no audits in data/demo (audits file)" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# --- killing a run leaves nothing behind ----------------------------------------------------

def _descendants(pid: int) -> set[int]:
    try:
        return {p.pid for p in psutil.Process(pid).children(recursive=True)}
    except psutil.NoSuchProcess:
        return set()


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.add(pid)
        except psutil.NoSuchProcess:
            pass
    return alive


def _kernels(pids: set[int]) -> int:
    """Kernels among ``pids``: started as ``ipykernel``, or forked by a kernel template (a child of
    the template process, whose command line it shares)."""
    count = 0
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            process = psutil.Process(pid)
            parent = process.parent()
            count += any("ipykernel" in part for part in process.cmdline()) or (
                parent is not None and any("forked_kernels" in part for part in parent.cmdline()))
    return count


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=["SIGTERM", "SIGINT", "SIGKILL"])
def test_killing_a_run_leaves_no_worker_or_kernel(tmp_path, how):
    """Two cycles, and the signal sent once the first one's kernels are up: the run stops there.
    A signal that lands in a cycle's clean-up (which nothing may cut short) is held until the
    clean-up ends, then stops the run: it was ignored, and the run went on to publish every cycle."""
    log = (tmp_path / "stderr.txt").open("w")
    # As from a terminal: under a shell without job control (a background job, `make test &`) this
    # process ignores SIGINT, as POSIX asks, and so would the run it starts.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        proc = subprocess.Popen([sys.executable, "-m", "review", "run", "--cycle", "2009-Q3..2009-Q4", "--quiet",
                                 "--jobs", "2", "--output-root", str(tmp_path / "out")], stdout=subprocess.DEVNULL,
                                stderr=log)
    finally:
        signal.signal(signal.SIGINT, previous)
    seen: set[int] = set()
    deadline = time.time() + 120
    while time.time() < deadline and _kernels(seen) < 2:
        seen |= _descendants(proc.pid)
        time.sleep(0.2)
    assert _kernels(seen) >= 2, "the run did not start two kernels"
    seen |= _descendants(proc.pid)
    cache = list(Path(tempfile.gettempdir()).glob(f"{TEMP_PREFIX}{proc.pid}-*"))
    assert cache
    proc.send_signal(how)
    proc.wait(timeout=30)
    log.close()
    assert "Traceback" not in (tmp_path / "stderr.txt").read_text()
    deadline = time.time() + 120  # killed at once; the deadline is only for a broken run
    while time.time() < deadline and _alive(seen):
        time.sleep(0.2)
    assert _alive(seen) == set(), "workers or kernels outlived the run"
    if how != signal.SIGKILL:
        assert not any(c.exists() for c in cache), "the evidence cache was left on disk"
        assert proc.returncode == 130
        assert not list((tmp_path / "out").glob(".*staging*"))
    assert not (tmp_path / "out" / "2009-Q4").exists()  # the run stopped before its last cycle


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_during_the_clean_up_waits_for_it_then_stops_the_run(tmp_path, monkeypatch, how):
    """Ctrl-C (or SIGTERM, which the command line turns into the same interrupt) arriving while a
    cycle's clean-up stops its kernels: the staging folder and the evidence cache are still removed,
    and then the interrupt is raised, so a run of several cycles stops instead of going on."""
    from review.batch import runner
    from review.cli import _terminate_as_interrupt

    staging, cache = tmp_path / ".2009-Q1.staging-1", tmp_path / "cache"
    for folder in (staging, cache):
        folder.mkdir()
        (folder / "file").write_text("x")
    monkeypatch.setattr(runner, "_kill_live_kernels", lambda: os.kill(os.getpid(), how))
    # The command line's handlers (this process may ignore SIGINT: started by a shell without job control)
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    previous_term = _terminate_as_interrupt()
    try:
        with pytest.raises(KeyboardInterrupt):
            runner._clean_up(staging, cache)
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the handlers are back
    finally:
        signal.signal(signal.SIGINT, previous_int)
        signal.signal(signal.SIGTERM, previous_term)
    assert not staging.exists()
    assert not cache.exists()


def test_a_demo_folder_that_cannot_be_written_exits_2(capsys):
    assert main(["demo-data", "/sys/review-demo"]) == 2
    err = capsys.readouterr().err
    assert "cannot read or write /sys/review-demo" in err
    assert "Traceback" not in err


def test_kernels_read_only_the_evidence_validated_at_the_start(root, tmp_path, monkeypatch):
    import shutil

    from review.analyses.context import EVIDENCE_CACHE_ENV, _cached, write_evidence_cache
    from review.exceptions import ParameterError

    data = tmp_path / "data"
    shutil.copytree(root / "data" / "demo", data)
    cache = write_evidence_cache(data, tmp_path)
    (data / "audits.csv").write_text("garbage, changed after validation\n")  # the raw file changes mid-run
    monkeypatch.setenv(EVIDENCE_CACHE_ENV, str(cache.parent))
    evidence = _cached(data)
    assert len(evidence.table("audits")) > 900  # the validated snapshot, not the changed file
    with pytest.raises(ParameterError, match="the run validated"):
        _cached(root / "data" / "demo")
    cache.unlink()
    with pytest.raises(ParameterError, match="is gone"):
        _cached(data)


def test_a_snapshot_matches_its_folder_as_named_when_links_resolve_elsewhere(root, tmp_path, monkeypatch):
    """A regional run stages the evidence on one worker and reads it on another, where a shared mount
    may resolve through other links: the folder named by the same absolute path is the same folder.
    A folder named otherwise is still refused."""
    import shutil

    from review.analyses.context import EVIDENCE_CACHE_ENV, _cached, write_evidence_cache
    from review.exceptions import ParameterError

    shutil.copytree(root / "data" / "demo", tmp_path / "mount1")
    shared = tmp_path / "shared"
    shared.symlink_to(tmp_path / "mount1")
    cache = write_evidence_cache(shared, tmp_path)
    shared.unlink()
    (tmp_path / "mount1").rename(tmp_path / "mount2")  # the same files, reached through another link
    shared.symlink_to(tmp_path / "mount2")
    monkeypatch.setenv(EVIDENCE_CACHE_ENV, str(cache.parent))
    assert len(_cached(shared).table("audits")) > 900
    with pytest.raises(ParameterError, match="the run validated"):
        _cached(tmp_path / "mount2")
