"""End-to-end: the batch runs notebooks into offline, code-free reports with a manifest."""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from review.batch.provenance import file_sha256
from review.batch.runner import run_cycle
from review.cli import main
from review.config.frameworks import FRAMEWORKS, Framework
from review.config.params import COMMON_PARAMS, load_cycle_params
from review.protection.report_check import check_report

pytestmark = pytest.mark.slow



def test_every_report_is_written(demo_run):
    code, folder = demo_run
    assert code == 0
    for name in FRAMEWORKS:
        assert (folder / f"{name}.html").is_file()
        assert (folder / f"{name}.ipynb").is_file()
        assert (folder / f"{name}.results.json").is_file()
    assert (folder / "index.html").is_file()
    assert not list(folder.parent.glob(".*staging*"))


def test_reports_are_offline_and_code_free(demo_run, root):
    _, folder = demo_run
    for page in folder.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        kinds = {f.kind for f in check_report(page)}
        assert "external URL" not in kinds, page.name
        assert "code cell" not in kinds, page.name
        assert "https://" not in html, page.name
        assert "http://" not in html, page.name
        assert "from_notebook" not in html, page.name
        assert "import review" not in html, page.name
        assert "<title>" in html


def test_report_title_names_framework_and_cycle(demo_run):
    _, folder = demo_run
    html = (folder / "cycle_summary.html").read_text(encoding="utf-8")
    assert "<title>Cycle summary, Q3 2009/10</title>" in html  # the quarter as councils name it
    text = re.sub(r'<span class="review-nowrap">([^<]*)</span>', r"\1", html)  # the print pass keeps ids whole
    assert "Demo council (synthetic) · Q3 2009/10 (October to December 2009) ·" in text
    assert "All reports for Q3 2009/10</a>" in text  # the quarter, not the cycle id, in the banner and link
    assert "cycle 2009-Q4" not in text
    assert "published audience" in html  # the banner and provenance name the audience


def test_manifest_records_inputs_with_hashes(demo_run, root):
    _, folder = demo_run
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["cycle"] == "2009-Q4"
    assert manifest["status"] == "ok"
    assert manifest["inputs"]
    for item in manifest["inputs"]:
        assert file_sha256(root / item["path"]) == item["sha256"]
    assert {n["framework"] for n in manifest["notebooks"]} == set(FRAMEWORKS)
    assert manifest["packages"]["papermill"]
    assert set(manifest["git"]) == {"commit", "dirty"}


def test_a_cycle_is_not_overwritten_without_force(demo_run, capsys):
    _, folder = demo_run
    before = (folder / "index.html").stat().st_mtime_ns
    code = main(["run", "--cycle", "2009-Q4", "--output-root", str(folder.parent), "--quiet"])
    assert code == 2
    assert "pass --force to replace them" in capsys.readouterr().err
    assert (folder / "index.html").stat().st_mtime_ns == before


def _failing_notebook(path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell("\n".join(f"{p.name} = {p.default!r}" for p in COMMON_PARAMS))
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("1 / 0")]
    nbformat.write(nb, path)


def test_a_failing_notebook_yields_a_failure_page_and_exit_1(tmp_path, monkeypatch, capsys):
    _failing_notebook(tmp_path / "broken.ipynb")
    monkeypatch.setitem(
        FRAMEWORKS, "broken", Framework("broken", "Broken report", str(tmp_path / "broken.ipynb"), "fails")
    )
    out = tmp_path / "out"
    code = main(["run", "--cycle", "2009-Q4", "--output-root", str(out), "--quiet", "--jobs", "2",
                 "--framework", "broken", "--framework", "governance", "--framework", "cycle_summary"])
    assert code == 1
    assert "FAILED: broken" in capsys.readouterr().err
    folder = out / "2009-Q4"
    page = (folder / "broken.html").read_text(encoding="utf-8")
    assert "This report failed and must not be used" in page
    assert "ZeroDivisionError" in page
    assert not (folder / "broken.results.json").exists()
    assert (folder / "cycle_summary.results.json").exists()  # the others still ran
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["status"] == "failed"
    broken = next(n for n in manifest["notebooks"] if n["framework"] == "broken")
    assert broken["status"] == "failed"
    assert broken["error"]["ename"] == "ZeroDivisionError"
    assert "FAILED" in (folder / "index.html").read_text(encoding="utf-8")


def _own_copy(demo_run, tmp_path):
    """A copy of the demo run's output root for a test that runs into it (the run itself is shared)."""
    import shutil

    _, folder = demo_run
    shutil.copytree(folder.parent, tmp_path / "outputs")
    return tmp_path / "outputs" / folder.name


def test_an_interrupted_run_leaves_the_previous_reports(demo_run, tmp_path, monkeypatch):
    folder = _own_copy(demo_run, tmp_path)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("review.batch.runner._run_tasks", interrupted)
    params = load_cycle_params("params/2009-Q4.yaml")
    with pytest.raises(KeyboardInterrupt):
        run_cycle(params, force=True, output_root=folder.parent)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert not list(folder.parent.glob(".*staging*"))


def test_bad_data_exits_2_before_any_notebook_runs(root, tmp_path, capsys):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(root / "data" / "demo", data)
    text = (data / "audits.csv").read_text().replace(",TM,", ",Team leader,", 1)
    (data / "audits.csv").write_text(text)
    params = tmp_path / "2009-Q4.yaml"
    params.write_text(f'cycle: "2009-Q4"\ndata_dir: "{data}"\n')
    out = tmp_path / "out"
    code = main(["run", "--cycle", "2009-Q4", "--params", str(params), "--output-root", str(out), "--quiet"])
    assert code == 2
    assert "column 'auditor_tier': expected a tier" in capsys.readouterr().err
    assert not out.exists()


def test_a_notebook_over_its_time_limit_is_stopped(tmp_path, monkeypatch, capsys):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell("\n".join(f"{p.name} = {p.default!r}" for p in COMMON_PARAMS))
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("import time\ntime.sleep(60)")]
    nbformat.write(nb, tmp_path / "slow.ipynb")
    monkeypatch.setitem(FRAMEWORKS, "slow", Framework("slow", "Slow", str(tmp_path / "slow.ipynb"), "x"))
    out = tmp_path / "out"
    code = main(["run", "--cycle", "2009-Q4", "--output-root", str(out), "--quiet", "--timeout", "3", "--jobs", "1",
                 "--framework", "slow"])
    assert code == 1
    page = (out / "2009-Q4" / "slow.html").read_text()
    assert "ran longer than 3 seconds and was stopped" in page


def test_a_run_killed_halfway_leaves_the_previous_reports(demo_run, tmp_path):
    """Killed once its first notebook is staged (a run of two, the cycle summary waiting for the other,
    on one worker: every other notebook would only add work done before the kill)."""
    import signal
    import subprocess
    import sys
    import time

    folder = _own_copy(demo_run, tmp_path)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    proc = subprocess.Popen([sys.executable, "-m", "review", "run", "--cycle", "2009-Q4", "--force", "--quiet",
                             "--jobs", "1", "--framework", "governance", "--framework", "cycle_summary",
                             "--output-root", str(folder.parent)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not list(folder.parent.glob(".2009-Q4.staging-*/*.ipynb")):  # halfway: a notebook has ended
        assert proc.poll() is None, "the run ended before its first notebook was staged"
        assert time.monotonic() < deadline, "no notebook was staged"
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_rerun_with_the_same_inputs_gives_the_same_results(demo_run, tmp_path):
    _, folder = demo_run
    again = tmp_path / "again"
    assert main(["run", "--cycle", "2009-Q4", "--output-root", str(again), "--quiet"]) == 0
    for path in folder.glob("*.results.json"):
        assert (again / "2009-Q4" / path.name).read_bytes() == path.read_bytes(), path.name
