"""Region file validation, the synthetic region, funnel recovery of planted outliers, and the Dask region run."""

from __future__ import annotations

import json
import shutil

import pytest

from review.cli import main
from review.config.region import load_region
from review.exceptions import ParameterError

REGION = """\
region: "Test region"
cycles: ["2009-Q4"]
frameworks: [cycle_summary]
authorities:
  - id: "LA01"
    name: "One"
    evidence: "data/demo"
    key: {env: "KEY_LA01"}
    neighbours: ["LA02"]
  - id: "LA02"
    name: "Two"
    evidence: "data/demo"
    key: {file: "keys/la02.key"}
"""


def test_region_file_loads(write_params):
    region = load_region(write_params(REGION))
    assert [a.id for a in region.authorities] == ["LA01", "LA02"]
    assert region.authority("LA01").key.kind == "env"
    assert region.authority("LA01").neighbours == ("LA02",)
    assert region.params_path("2009-Q4") == "params/2009-Q4.yaml"


def test_region_file_refuses_shared_key_and_names_authorities(write_params):
    text = REGION.replace('{file: "keys/la02.key"}', '{env: "KEY_LA01"}').replace('["LA02"]', '["LA09"]')
    text += "    colour: blue\n"
    with pytest.raises(ParameterError) as info:
        load_region(write_params(text))
    problems = "\n".join(info.value.problems)
    assert "authority LA02: its key env 'KEY_LA01' is also authority LA01's" in problems
    assert "authority LA01: neighbour(s) ['LA09']" in problems
    assert "authority LA02: unknown key(s) ['colour']" in problems


def test_region_validation_names_each_failing_authority(write_params, monkeypatch, capsys):
    monkeypatch.delenv("KEY_LA01", raising=False)
    path = write_params(REGION)
    code = main(["run", "--region", str(path), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert "authority LA01: the environment variable KEY_LA01" in err
    assert "authority LA02: the key file" in err


@pytest.fixture(scope="module")
def region3(tmp_path_factory):
    from review.data.demo_region import write_demo_region

    out = tmp_path_factory.mktemp("region")
    write_demo_region(out, 3)
    return out


def test_demo_region_is_deterministic(region3, tmp_path):
    from review.data.demo_region import write_demo_region

    write_demo_region(tmp_path, 3)
    for name in ("LA01/audits.csv", "LA02/audits.csv", "region_ground_truth.json"):
        assert (tmp_path / name).read_bytes() == (region3 / name).read_bytes()
    truth = json.loads((region3 / "region_ground_truth.json").read_text())
    assert set(truth["outliers"]) == {"LA02"}


def test_funnel_flags_planted_outliers(region3):
    from review.analyses.context import _load
    from review.analyses.region import compare_region
    from review.protection.disclosure import DisclosurePolicy
    from review.views.region import summary_lines

    truth = json.loads((region3 / "region_ground_truth.json").read_text())
    evidence = {a: _load(region3 / a) for a in truth["authorities"]}
    result = compare_region(evidence, "2009-Q4", criteria=("child_seen", "childs_voice"))
    flagged = {unit for measure, unit, position in result.outliers
               if measure == "audit compliance: child_seen" and position == "low alarm"}
    assert flagged == set(truth["outliers"])
    lines = summary_lines(result, DisclosurePolicy())
    assert any(line.startswith("LA02, audit compliance: child_seen") and "very likely" in line for line in lines)


@pytest.mark.slow
def test_region_run_isolates_a_failure_and_matches_single_runs(region3, tmp_path):
    from review.batch.region import run_region, validate_region
    from review.batch.runner import run_cycle

    region_file = tmp_path / "region.yaml"
    text = (region3 / "region.yaml").read_text().replace('cycles: ["2009-Q4"]',
                                                         'cycles: ["2009-Q4"]\nframeworks: [governance, cycle_summary]')
    region_file.write_text(text)
    broken = tmp_path / "LA03"
    shutil.copytree(region3 / "LA03", broken)
    region_file.write_text(text.replace((region3 / "LA03").as_posix(), broken.as_posix()))
    region = load_region(region_file)
    params = validate_region(region)  # LA03 is valid now ...
    (broken / "audits.csv").write_text("not,an,audits,file\n")  # ... and breaks after validation
    out = tmp_path / "out"
    summary = run_region(region, params, workers=2, output_root=out)
    assert not summary.ok
    assert not summary.summaries[("LA03", "2009-Q4")].ok
    for ok in ("LA01", "LA02"):
        assert summary.summaries[(ok, "2009-Q4")].ok
        manifest = json.loads((out / ok / "2009-Q4" / "manifest.json").read_text())
        assert manifest["authority"] == ok
        assert manifest["status"] == "ok"
    assert (out / "LA03" / "2009-Q4" / "index.html").is_file()  # its failure published as such
    # Results equal a per-authority run of the same evidence.
    single = run_cycle(params[("LA01", "2009-Q4")], frameworks=["governance", "cycle_summary"], jobs=1,
                       output_root=tmp_path / "single")
    assert single.ok
    for fw in ("governance", "cycle_summary"):
        name = f"{fw}.results.json"
        assert (out / "LA01" / "2009-Q4" / name).read_text() == (single.output_dir / name).read_text()


@pytest.mark.notebook
def test_region_notebook_runs_and_names_the_outlier(root, region3, tmp_path):
    import papermill as pm

    out = tmp_path / "region_comparison.ipynb"
    pm.execute_notebook(str(root / "notebooks" / "region_comparison.ipynb"), str(out),
                        parameters={"region_file": str(region3 / "region.yaml")}, kernel_name="python3",
                        progress_bar=False, cwd=str(root))
    text = out.read_text()
    assert "LA02, audit compliance: child_seen" in text
    assert "very likely a real difference" in text


@pytest.mark.slow
def test_a_crashed_task_fails_only_its_authority_and_the_others_publish(region3, tmp_path):
    """A notebook task that crashes on its worker (here: its authority's key file is gone when the task
    starts) is not a notebook failure caught in the kernel: Dask reports the task as erred, so that
    authority-cycle's publishing task errs too. The run publishes it from the scheduler's side, every
    report withheld (its key cannot be read to check the pages), while the others publish on workers."""
    from review.batch.region import run_region, validate_region

    key = tmp_path / "la02.key"
    key.write_bytes(bytes(range(32)))
    text = (region3 / "region.yaml").read_text().replace(
        'cycles: ["2009-Q4"]', 'cycles: ["2009-Q4"]\nframeworks: [governance, cycle_summary]')
    head, la02 = text.split('  - id: "LA02"')
    la02, rest = la02.split('  - id: "LA03"')
    la02 = la02.replace('key: "demo"', f'key: {{file: "{key.as_posix()}"}}')
    (tmp_path / "region.yaml").write_text(head + '  - id: "LA02"' + la02 + '  - id: "LA03"' + rest)
    region = load_region(tmp_path / "region.yaml")
    params = validate_region(region)  # the key file is there now ...
    key.unlink()  # ... and gone when the tasks start
    out = tmp_path / "out"
    summary = run_region(region, params, workers=2, output_root=out)
    crashed = summary.summaries[("LA02", "2009-Q4")]
    assert [o.status for o in crashed.outcomes] == ["failed", "failed"]
    assert {o.error["ename"] for o in crashed.outcomes} == {"DisclosureCheck"}
    page = (out / "LA02" / "2009-Q4" / "governance.html").read_text(encoding="utf-8")
    assert "This report failed and must not be used" in page
    assert "key could not be read" in page
    assert not (out / "LA02" / "2009-Q4" / "governance.results.json").exists()
    assert json.loads((out / "LA02" / "2009-Q4" / "manifest.json").read_text())["status"] == "failed"
    for ok in ("LA01", "LA03"):
        assert summary.summaries[(ok, "2009-Q4")].ok
        assert (out / ok / "2009-Q4" / "cycle_summary.results.json").is_file()
    assert not list(out.glob("*/.*staging*"))


@pytest.mark.slow
def test_the_cluster_route_runs_on_a_real_dask_scheduler_and_worker(region3, tmp_path, capsys):
    """The route docs/region.md gives: `dask scheduler`, `dask worker --resources kernel=1` in the
    project's environment, `review run --region FILE --scheduler ADDRESS`: same reports, exit 0."""
    import subprocess
    import sys
    import time
    from pathlib import Path

    dask = Path(sys.executable).with_name("dask")
    scheduler_file = tmp_path / "scheduler.json"
    text = (region3 / "region.yaml").read_text().replace('cycles: ["2009-Q4"]',
                                                         'cycles: ["2009-Q4"]\nframeworks: [governance]')
    (tmp_path / "region.yaml").write_text(text)
    logs = (tmp_path / "scheduler.log").open("w"), (tmp_path / "worker.log").open("w")
    scheduler = subprocess.Popen([str(dask), "scheduler", "--scheduler-file", str(scheduler_file), "--port", "0",
                                  "--no-dashboard", "--host", "127.0.0.1"], stdout=logs[0], stderr=logs[0])
    worker = None
    try:
        deadline = time.time() + 60
        while not scheduler_file.exists() and time.time() < deadline:
            time.sleep(0.2)
        address = json.loads(scheduler_file.read_text())["address"]
        worker = subprocess.Popen([str(dask), "worker", address, "--nworkers", "2", "--nthreads", "1",
                                   "--resources", "kernel=1", "--no-dashboard"], stdout=logs[1], stderr=logs[1])
        out = tmp_path / "out"
        code = main(["run", "--region", str(tmp_path / "region.yaml"), "--scheduler", address,
                     "--output-root", str(out), "--quiet"])
        assert code == 0, capsys.readouterr().err
        for authority in ("LA01", "LA02", "LA03"):
            manifest = json.loads((out / authority / "2009-Q4" / "manifest.json").read_text())
            assert manifest["status"] == "ok"
            assert (out / authority / "2009-Q4" / "governance.html").is_file()
    finally:
        for process in (worker, scheduler):
            if process is not None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        for log in logs:
            log.close()
