"""Region file validation, the synthetic region, funnel recovery of planted outliers, and the Dask region run."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from review.cli import main
from review.config.region import load_region
from review.exceptions import ParameterError

CHILD_SEEN = "The child was seen during the assessment"  # criterion child_seen's wording in criteria.csv

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


@pytest.fixture(scope="module")
def embedded():
    """One embedded cluster (one worker) for this module's region runs, started as `review run --region`
    starts its own: its start is tested once (the embedded cluster's test), not paid by every run."""
    from review.batch.region import _client

    client, cluster = _client(None, 1)
    yield SimpleNamespace(client=client, cluster=cluster, address=cluster.scheduler_address)
    client.close()
    cluster.close()


def test_demo_region_is_deterministic(region3, tmp_path):
    from review.data.demo_region import write_demo_region

    write_demo_region(tmp_path, 3)
    for name in ("LA01/audits.csv", "LA02/audits.csv", "region_ground_truth.json"):
        assert (tmp_path / name).read_bytes() == (region3 / name).read_bytes()
    truth = json.loads((region3 / "region_ground_truth.json").read_text())
    assert set(truth["outliers"]) == {"LA02"}


def test_funnel_flags_planted_outliers(region3):
    from review.analyses.context import load_pseudonymised
    from review.analyses.region import compare_region
    from review.protection.disclosure import DisclosurePolicy
    from review.views.region import summary_lines

    truth = json.loads((region3 / "region_ground_truth.json").read_text())
    evidence = {a: load_pseudonymised(region3 / a) for a in truth["authorities"]}
    result = compare_region(evidence, "2009-Q4", criteria=("child_seen", "childs_voice"))
    flagged = {unit for measure, unit, position in result.outliers
               if measure == f"audit compliance: {CHILD_SEEN}" and position == "low alarm"}
    assert flagged == set(truth["outliers"])
    lines = summary_lines(result, DisclosurePolicy())
    # With three authorities the planted one drags the regional rate, so every authority lies outside the
    # 99.8% limits: the summary cautions that the regional rate is a poor benchmark and names LA02 as
    # the furthest from it, instead of calling each a "very likely real difference".
    assert result.overdispersed == ((f"audit compliance: {CHILD_SEEN}", "LA02"),)
    caution = next(line for line in lines if line.startswith(f"audit compliance: {CHILD_SEEN}: 3 of 3"))
    assert "the authority furthest from it is LA02" in caution
    assert not any("very likely" in line for line in lines if CHILD_SEEN in line)


@pytest.mark.slow
def test_internal_and_published_region_runs_stand_side_by_side(region3, embedded, tmp_path):
    """Each authority's internal run goes to its internal folder, the published one beside it: neither
    replaces the other, and running the published one again without --force is refused. Two of the
    region's authorities (the fewest a regional comparison needs), on one framework: two runs of the
    whole region would check nothing more."""
    from review.batch.region import run_region, validate_region

    region_file = tmp_path / "region.yaml"
    two = (region3 / "region.yaml").read_text().split('  - id: "LA03"')[0].replace('["LA01", "LA03"]', '["LA01"]')
    region_file.write_text(two.replace('cycles: ["2009-Q4"]', 'cycles: ["2009-Q4"]\nframeworks: [governance]'))
    region = load_region(region_file)
    assert [a.id for a in region.authorities] == ["LA01", "LA02"]
    out = tmp_path / "out"
    for audience in ("internal", "published"):
        assert run_region(region, validate_region(region, audience=audience), scheduler=embedded.address,
                          output_root=out).ok
    for authority in ("LA01", "LA02"):
        assert json.loads((out / authority / "internal" / "2009-Q4" / "manifest.json").read_text())["status"] == "ok"
        assert (out / authority / "2009-Q4" / "governance.html").is_file()
    with pytest.raises(ParameterError, match="pass --force to replace them"):
        run_region(region, validate_region(region, audience="published"), scheduler=embedded.address, output_root=out)


@pytest.mark.slow
def test_a_broken_folder_and_a_crashed_task_fail_only_their_authorities(region3, embedded, tmp_path):
    """One run, two faults planted after validation, each failing only its own authority:

    - LA03's audits file is broken once validated: its notebooks fail in their kernels, and its
      failure is published as such (value-free: the broken file's contents are not quoted).
    - LA02's key file is gone when the tasks start: its notebook tasks crash on the worker, which is
      not a notebook failure caught in the kernel. Dask reports the tasks as erred, so that
      authority-cycle's publishing task errs too. The run publishes it from the scheduler's side,
      every report withheld (its key cannot be read to check the pages).

    LA01 publishes, and its results equal a single run of the same evidence. The comparison needs
    every authority's evidence and key: failed, and published as a failure (neither the broken
    contents nor a result)."""
    from review.batch.region import run_region, validate_region
    from review.batch.runner import run_cycle

    key = tmp_path / "la02.key"
    key.write_bytes(bytes(range(32)))
    broken = tmp_path / "LA03"
    shutil.copytree(region3 / "LA03", broken)
    text = (region3 / "region.yaml").read_text().replace(
        'cycles: ["2009-Q4"]', 'cycles: ["2009-Q4"]\nframeworks: [governance, cycle_summary]')
    head, la02 = text.split('  - id: "LA02"')
    la02, rest = la02.split('  - id: "LA03"')
    la02 = la02.replace('key: "demo"', f'key: {{file: "{key.as_posix()}"}}')
    rest = rest.replace((region3 / "LA03").as_posix(), broken.as_posix())
    (tmp_path / "region.yaml").write_text(head + '  - id: "LA02"' + la02 + '  - id: "LA03"' + rest)
    region = load_region(tmp_path / "region.yaml")
    params = validate_region(region)  # both are valid now ...
    (broken / "audits.csv").write_text("not,an,audits,file\n")  # ... LA03 breaks after validation
    key.unlink()  # ... and LA02's key is gone when the tasks start
    out = tmp_path / "out"
    summary = run_region(region, params, scheduler=embedded.address, output_root=out)
    assert not summary.ok
    # LA01 publishes
    assert summary.summaries[("LA01", "2009-Q4")].ok
    manifest = json.loads((out / "LA01" / "2009-Q4" / "manifest.json").read_text())
    assert (manifest["authority"], manifest["status"]) == ("LA01", "ok")
    assert (out / "LA01" / "2009-Q4" / "cycle_summary.results.json").is_file()
    # LA03: its notebooks failed, its failure published as such
    assert not summary.summaries[("LA03", "2009-Q4")].ok
    assert (out / "LA03" / "2009-Q4" / "index.html").is_file()
    assert json.loads((out / "LA03" / "2009-Q4" / "manifest.json").read_text())["status"] == "failed"
    # LA02: crashed tasks, every report withheld
    crashed = summary.summaries[("LA02", "2009-Q4")]
    assert [o.status for o in crashed.outcomes] == ["failed", "failed"]
    assert {o.error["ename"] for o in crashed.outcomes} == {"DisclosureCheck"}
    page = (out / "LA02" / "2009-Q4" / "governance.html").read_text(encoding="utf-8")
    assert "This report failed and must not be used" in page
    assert "key could not be read" in page
    assert not (out / "LA02" / "2009-Q4" / "governance.results.json").exists()
    assert json.loads((out / "LA02" / "2009-Q4" / "manifest.json").read_text())["status"] == "failed"
    # The comparison: failed, and nothing of the broken file or of a result on its page
    compared = summary.summaries[(region.comparison_folder, "2009-Q4")]
    assert not compared.ok
    assert [o.status for o in compared.outcomes] == ["failed"]
    folder = out / region.comparison_folder / "2009-Q4"
    page = (folder / "region_comparison.html").read_text(encoding="utf-8")
    assert "This report failed and must not be used" in page
    assert "not,an,audits,file" not in page
    assert not (folder / "region_comparison.results.json").exists()
    assert json.loads((folder / "manifest.json").read_text())["status"] == "failed"
    assert not list(out.glob("*/.*staging*"))
    # LA01's results equal a per-authority run of the same evidence.
    single = run_cycle(params[("LA01", "2009-Q4")], frameworks=["governance", "cycle_summary"], jobs=1,
                       output_root=tmp_path / "single")
    assert single.ok
    for fw in ("governance", "cycle_summary"):
        name = f"{fw}.results.json"
        assert (out / "LA01" / "2009-Q4" / name).read_text() == (single.output_dir / name).read_text()


@pytest.mark.slow
def test_a_comparison_whose_authority_key_cannot_be_read_is_withheld(region3, embedded, tmp_path):
    """The comparison's pages are checked against every authority's key: with one authority's key gone
    when the tasks start (its own tasks crash, as above), none of them can be, and the comparison is
    withheld, saying why. Two authorities on one framework: the fewest a comparison needs."""
    from review.batch.region import run_region, validate_region

    key = tmp_path / "la02.key"
    key.write_bytes(bytes(range(32)))
    text = (region3 / "region.yaml").read_text().split('  - id: "LA03"')[0].replace('["LA01", "LA03"]', '["LA01"]')
    head, la02 = text.replace('cycles: ["2009-Q4"]', 'cycles: ["2009-Q4"]\nframeworks: [governance]').split('  - id: "LA02"')
    (tmp_path / "region.yaml").write_text(head + '  - id: "LA02"' + la02.replace('key: "demo"', f'key: {{file: "{key.as_posix()}"}}'))
    region = load_region(tmp_path / "region.yaml")
    assert [a.id for a in region.authorities] == ["LA01", "LA02"]
    params = validate_region(region)
    key.unlink()
    summary = run_region(region, params, scheduler=embedded.address, output_root=tmp_path / "out")
    assert summary.summaries[("LA01", "2009-Q4")].ok
    assert not summary.summaries[(region.comparison_folder, "2009-Q4")].ok
    page = (tmp_path / "out" / region.comparison_folder / "2009-Q4" / "region_comparison.html").read_text(encoding="utf-8")
    assert "key could not be read" in page


@pytest.mark.notebook
def test_region_notebook_runs_and_names_the_outlier(execute_notebook, root, region3, tmp_path):
    out = tmp_path / "region_comparison.ipynb"
    execute_notebook(root / "notebooks" / "region_comparison.ipynb", out, {"region_file": str(region3 / "region.yaml")})
    text = out.read_text()
    assert "the authority furthest from it is Synthetic authority 2 (LA02)" in text  # named as in the region file
    assert "overdispersion" in text


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
        index = (out / "LA01" / "2009-Q4" / "index.html").read_text(encoding="utf-8")
        assert "Safeguarding review, Synthetic authority 1, Q3 2009/10 (October to December 2009)</h1>" in index  # whose
        # The regional comparison, for a regional board: published beside the authorities, passing
        # the publish gate with every authority's references and key, the planted outlier named.
        folder = out / "region-synthetic-demo-region" / "2009-Q4"
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["status"] == "ok"
        assert manifest["authorities"] == ["LA01", "LA02", "LA03"]
        page = (folder / "region_comparison.html").read_text(encoding="utf-8")
        assert "the authority furthest from it is Synthetic authority 2 (LA02)" in page
        assert re.search(r"Synthetic authority 2 \(LA02\), [0-9.]+%, below", page)
        assert "Regional comparison of authorities" in (folder / "index.html").read_text(encoding="utf-8")
        results = json.loads((folder / "region_comparison.results.json").read_text())
        low = [o for o in results["figures"]["outliers"] if o["position"] == "low alarm"]
        assert low == [{"measure": f"audit compliance: {CHILD_SEEN}", "unit": "LA02", "position": "low alarm"}]
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


@pytest.mark.slow
def test_the_embedded_cluster_runs_without_the_dashboard_s_bookkeeping(embedded):
    """The embedded cluster serves no dashboard, so its workers run without the statistical profiler
    (a stack sample every 10 ms), check their event loop every 500 ms, not 20 ms, and their memory
    every second, not 100 ms: at the defaults two idle workers kept 0.12-0.14 of a 2-core machine busy,
    with these 0.02-0.04. A worker the nanny starts again (one lost mid-run) has the same settings."""
    import dask

    def seen(dask_worker):
        return (sorted(dask_worker.periodic_callbacks), dask_worker._tick_interval,
                dask_worker.memory_manager.memory_monitor_interval)

    client = embedded.client
    (first, ) = client.run(seen).values()
    scheduler_tick = embedded.cluster.scheduler._tick_interval
    client.restart()  # every worker started again by its nanny
    (again, ) = client.run(seen).values()
    for callbacks, tick, memory in (first, again):
        assert "heartbeat" in callbacks  # the worker's callbacks were read ...
        assert not {"profile", "profile-cycle"} & set(callbacks)  # ... and the profiler's are not among them
        assert (tick, memory) == (0.5, 1.0)  # seconds
    assert scheduler_tick == 0.5
    assert dask.config.get("distributed.worker.profile.enabled")  # the settings end with the cluster's start

def test_workers_running_other_code_are_refused(monkeypatch):
    """A worker started before the code changed (a git pull under a running cluster) or from another
    checkout would publish reports of code nobody reviewed: the run refuses it before any task."""
    from review.batch import region as region_run

    ours = region_run.code_version()
    assert len(ours) == 64
    assert ours == region_run.code_version()

    class Client:
        def __init__(self, versions):
            self.versions = versions

        def run(self, function):
            assert function is region_run.code_version
            return self.versions

    region_run._check_workers(Client({"tcp://a:1": ours, "tcp://b:2": ours}))
    with pytest.raises(ParameterError, match=r"worker\(s\) tcp://b:2 run other code"):
        region_run._check_workers(Client({"tcp://a:1": ours, "tcp://b:2": "0" * 64}))
    monkeypatch.setattr(region_run, "first_code_digest", lambda: "0" * 64)  # the files differ from those it imported
    first, second = region_run.code_version(), region_run.code_version()
    assert first.startswith("changed since this process started")
    assert first != second  # two stale processes are never taken for the same code


def _hand_built_region():
    """Four authorities on one measure (higher is better), A and B each neighbours of the other.
    A: 3 of 40 (a count from 1 to 5: suppressed on a published page); B 40/50, C 42/50, D 38/50.
    Regional rate with A: (3 + 40 + 42 + 38) / (40 + 50 + 50 + 50) = 123/190 = 64.7%; without A:
    (40 + 42 + 38) / 150 = 120/150 = 80.0%."""
    from dataclasses import replace

    from review.analyses.region import compare_region_counts

    result = compare_region_counts({"A": (3, 40), "B": (40, 50), "C": (42, 50), "D": (38, 50)},
                                   measure="audit compliance: X")
    near = tuple(replace(c, neighbours=("B",) if c.unit == "A" else ("A",) if c.unit == "B" else (),
                         neighbour_events=40 if c.unit == "A" else 3 if c.unit == "B" else 0,
                         neighbour_n=50 if c.unit == "A" else 40 if c.unit == "B" else 0) for c in result.neighbours)
    return replace(result, cycle="2009-Q4", neighbours=near,
                   directions=(("audit compliance: X", "higher is better"),))


def test_a_withheld_authority_is_left_out_of_everything_it_could_be_worked_out_from():
    """Published: A (3 of 40) is left out of the regional rate (80.0%, not 64.7%: 64.7% with 190 and
    the shown rates would give back A's 3), of the limits and positions, and of B's neighbours'
    rate (B's only neighbour is A). Internal: everything as computed."""
    from review.analyses.region import for_audience
    from review.protection.disclosure import DisclosurePolicy

    full = _hand_built_region()
    assert abs(full.funnels[0].target - 123 / 190) < 1e-12
    shown = for_audience(full, DisclosurePolicy())
    assert abs(shown.funnels[0].target - 120 / 150) < 1e-12
    assert [p.unit for p in shown.funnels[0].points] == ["B", "C", "D"]
    assert shown.withheld == (("audit compliance: X", "A"),)
    b = next(c for c in shown.neighbours if c.unit == "B")
    assert b.withheld
    assert {c.unit for c in shown.neighbours} == {"B", "C", "D"}
    assert for_audience(full, DisclosurePolicy(audience="internal")) is full


def test_a_measure_left_all_at_100_percent_is_not_compared_and_says_why():
    """Published: A (3 of 40) is withheld; B and C are both 50 of 50, so the regional rate without A is
    100/100 = 100% and has no limits around it: the measure is not compared, and the summary says so,
    after the findings, with both reasons a measure can be left out, not as a withheld authority of a
    compared measure."""
    from review.analyses.region import compare_region_counts, for_audience
    from review.protection.disclosure import DisclosurePolicy
    from review.views.region import summary_lines

    full = compare_region_counts({"A": (3, 40), "B": (50, 50), "C": (50, 50)}, measure="audit compliance: Y")
    assert [f.measure for f in full.funnels] == ["audit compliance: Y"]  # 103/140 internally
    shown = for_audience(full, DisclosurePolicy())
    assert shown.funnels == ()
    assert shown.not_compared == ("audit compliance: Y",)
    lines = summary_lines(shown, DisclosurePolicy())
    assert ("Not compared here (fewer than two authorities' figures can be shown, or those shown are all at 0% "
            "or all at 100%, which leaves no limits around the regional rate): audit compliance: Y.") in lines
    assert not any(line.startswith("Withheld") for line in lines)
    assert lines[1] == "No authority lies outside the 95% funnel limits on any measure."
    assert lines[-1].startswith("Not compared here")  # after the findings: a board reads those first


def test_region_report_shows_no_small_count_in_any_channel(tmp_path):
    """A withheld authority appears only as c: not in the chart, its axes, its data table, the
    summary's outliers or the results; B's neighbours' rate (A alone) is c; the page passes the
    publication check."""
    import nbformat

    from review.analyses.region import for_audience
    from review.batch.html_export import export_report
    from review.protection.disclosure import DisclosurePolicy
    from review.protection.report_check import check_file
    from review.views.region import funnel_figure, positions_table, record, summary, summary_lines

    policy = DisclosurePolicy()
    result = for_audience(_hand_built_region(), policy)
    lines = summary_lines(result, policy)
    assert "Withheld because of small numbers (c), and left out of that measure's regional rate, limits and " \
           "neighbours' rates: A on audit compliance: X." in lines
    assert not any(line.startswith("A,") for line in lines)
    table = positions_table(result, policy).data
    a_row = next(r for r in table.split("<tr") if ">A<" in r)
    assert a_row.count(">c<") == 5  # rate, 95% limits, 99.8% limits, position, neighbours' rate
    b_row = next(r for r in table.split("<tr") if ">B<" in r)
    assert b_row.count(">c<") == 1  # its neighbours' rate: A's alone
    import re

    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>.*?</td>", b_row, flags=re.S)]
    assert cells[1:4] == ["B", "80.0%", "80.0%"]  # B's 40/50; the regional rate without A, 120/150
    assert "7.5%" not in table
    assert "64.7%" not in table
    assert "80.0%" in table  # the regional rate without A; also B's own rate, 40/50
    chart = funnel_figure(result, "audit compliance: X", policy).data
    assert ">A<" not in chart
    assert "A," not in chart
    recorded = record(result, policy).payload["figures"]
    assert [p["unit"] for p in recorded["funnels"][0]["points"]] == ["B", "C", "D"]
    assert "events" not in recorded["funnels"][0]["points"][0]  # rates only in a published record
    assert recorded["withheld"] == [{"measure": "audit compliance: X", "unit": "A"}]
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output(
        "display_data", data={"text/html": part.data}) for part in (summary(result, policy), positions_table(
            result, policy), funnel_figure(result, "audit compliance: X", policy))])]
    page = tmp_path / "region_comparison.html"
    page.write_text(export_report(nb, title="Regional comparison", review_meta={
        "framework": "region_comparison", "cycle": "2009-Q4", "audience": "published"}), encoding="utf-8")
    assert check_file(page) == []


def test_outliers_say_better_or_worse_by_the_measure_s_direction():
    """Internally (nothing withheld), around 123/190 = 64.7%: A (7.5%) and C (84%) lie outside the 99.8%
    limits, half of the four, so the summary cautions instead of naming each (A furthest:
    |0.075 - 0.647| * sqrt(40) is the largest standardised distance); B (80%) is outside the 95% limits
    only and, the measure being higher-is-better, better than the region; on a lower-is-better
    measure the same position is worse."""
    from dataclasses import replace

    from review.protection.disclosure import DisclosurePolicy
    from review.views.region import summary_lines

    internal = DisclosurePolicy(audience="internal")
    result = _hand_built_region()
    assert [p.position for p in result.funnels[0].points] == ["low alarm", "high alert", "high alarm", "within"]
    assert result.overdispersed == (("audit compliance: X", "A"),)
    lines = summary_lines(result, internal)
    assert lines[0] == "Q3 2009/10 (October to December 2009): 1 measure compared across 4 authorities."
    assert lines[1].startswith("audit compliance: X: 2 of 4 authorities lie outside the 99.8% limits: "
                               "A, 7.5%, below; C, 84.0%, above. ")
    assert "around one regional rate (64.7%) allows" in lines[1]  # 123/190
    assert lines[2].startswith("B, audit compliance: X (80.0%): better than the region: above the 95% limit only")
    flipped = replace(result, directions=(("audit compliance: X", "lower is better"),))
    assert summary_lines(flipped, internal)[2].startswith("B, audit compliance: X (80.0%): worse than the region")


def test_moderated_grades_are_counted_on_each_scale(root):
    """Moderators' overall grades Good or better among those rated, read here straight from the demo's
    audits.csv with the csv module: the same counts as the comparison's, and the measure is compared."""
    import csv

    from review.analyses.context import load_pseudonymised
    from review.analyses.region import MODERATED, _moderated_counts

    with open(root / "data" / "demo" / "audits.csv", encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["cycle"] == "2009-Q4" and r["moderation_of"].strip()]
    good = sum(r["overall_grade"] in ("Outstanding", "Good") for r in rows)
    rated = sum(r["overall_grade"] in ("Outstanding", "Good", "Adequate", "Inadequate") for r in rows)
    assert rated > 0
    assert _moderated_counts(load_pseudonymised(root / "data" / "demo"), "2009-Q4") == (good, rated)
    assert MODERATED == "moderated grades Good or better"


def _published_page(parts, folder):
    """The comparison's view outputs (``parts``) exported as a published report page in ``folder``."""
    import nbformat

    from review.batch.html_export import export_report

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output(
        "display_data", data={"text/html": part.data}) for part in parts])]
    page = folder / "region_comparison.html"
    page.write_text(export_report(nb, title="Regional comparison", review_meta={
        "framework": "region_comparison", "cycle": "2009-Q4", "audience": "published"}), encoding="utf-8")
    return page


def test_a_measure_named_with_small_digits_passes_the_publication_check(tmp_path):
    """A measure's name is not a count ("NI 64: plans lasting 2 years or more"): it is marked as such
    wherever it is shown, the chart's data-table caption included."""
    from review.analyses.region import compare_region_counts
    from review.protection.disclosure import DisclosurePolicy
    from review.protection.report_check import check_file
    from review.views.region import funnel_figure, positions_table, summary

    measure = "NI64: plans lasting 2 years or more"
    result = compare_region_counts({"A": (30, 100), "B": (40, 100), "C": (35, 100)}, measure=measure)
    policy = DisclosurePolicy()
    parts = (summary(result, policy), positions_table(result, policy), funnel_figure(result, measure, policy))
    page = _published_page(parts, tmp_path)
    assert "The data of the chart above: NI64: plans lasting 2 years or more" in page.read_text(encoding="utf-8")
    assert check_file(page) == []


def test_the_comparison_s_index_headlines_name_who_is_outside_and_which_way():
    """The index headlines of the hand-built region, internal audience: A (7.5%) and C (84%) outside the
    99.8% limits around 123/190, two of four, so one overdispersion headline naming A, furthest and
    worse; no other alarm; B (80%) outside the 95% limits only, better (higher is better)."""
    from review.protection.disclosure import DisclosurePolicy
    from review.views.region import record

    headlines = record(_hand_built_region(), DisclosurePolicy(audience="internal")).payload["headlines"]
    assert headlines == [
        "audit compliance: X: 2 of 4 authorities outside the 99.8% limits, so the regional rate is a poor "
        "benchmark; furthest A on audit compliance: X, worse.",
        "No other authority lies outside the 99.8% limits on a measure.",
        "Worth a look (outside the 95% limits only): B on audit compliance: X, better.",
    ]


def test_the_comparison_names_each_authority_as_the_region_file_does(tmp_path):
    """A board knows its authorities by name: every sentence, table, text alternative and headline
    gives the region file's name with the id ("Area 5 (E)"); the plot's points keep the short id.
    The names hold digits from 1 to 5, which are not counts: the published page passes the check.

    Internal audience, the hand-built region (A 3/40, B 40/50, C 42/50, D 38/50): A and C outside
    the 99.8% limits, B outside the 95% limits only (as in the index headlines test). Published,
    A 3/40, B 40/50, C 36/50, D 38/50, E 10/50: A (a count of 3) is withheld; the regional rate
    without it is (40 + 36 + 38 + 10) / 200 = 62.0%. E at 20.0% lies far below its 99.8% limit (the
    0.1% point of a binomial of 50 at 62%: 20 of 50, 40%), the only one outside it (B at 80% is
    inside 41 of 50, 82%): very likely worse, and no overdispersion."""
    from dataclasses import replace

    from review.analyses.region import compare_region_counts, for_audience
    from review.protection.disclosure import DisclosurePolicy
    from review.protection.report_check import check_file
    from review.views.region import funnel_figure, positions_table, record, summary, summary_lines

    names = tuple((u, f"Area {i}") for i, u in enumerate("ABCDE", start=1))
    internal = DisclosurePolicy(audience="internal")
    named = replace(_hand_built_region(), names=names[:4])
    assert record(named, internal).payload["headlines"][0].endswith("furthest Area 1 (A) on audit compliance: X, worse.")
    assert any(line.startswith("Area 2 (B), audit compliance: X (80.0%): better than the region")
               for line in summary_lines(named, internal))
    assert record(named, internal).payload["figures"]["names"] == {"A": "Area 1", "B": "Area 2", "C": "Area 3",
                                                                   "D": "Area 4"}
    measure = "audit compliance: X"
    five = compare_region_counts({"A": (3, 40), "B": (40, 50), "C": (36, 50), "D": (38, 50), "E": (10, 50)},
                                 measure=measure)
    policy = DisclosurePolicy()
    shown = for_audience(replace(five, cycle="2009-Q4", names=names, directions=((measure, "higher is better"),)),
                         policy)
    assert shown.funnels[0].target == 124 / 200
    lines = summary_lines(shown, policy)
    assert "Withheld because of small numbers (c), and left out of that measure's regional rate, limits and " \
           "neighbours' rates: Area 1 (A) on audit compliance: X." in lines
    assert any(line.startswith("Area 5 (E), audit compliance: X (20.0%): worse than the region: below the 99.8% "
                               "limit") for line in lines)
    assert "Very likely a real difference (outside the 99.8% limits): Area 5 (E) on audit compliance: X, worse." \
        in record(shown, policy).payload["headlines"]
    parts = (summary(shown, policy), positions_table(shown, policy), funnel_figure(shown, measure, policy))
    assert all(f">Area {i} ({u})</td>" in parts[1].data for i, u in enumerate("ABCDE", start=1))
    assert "outside the 99.8% limits: Area 5 (E)" in parts[2].data  # the chart's text alternative ...
    assert ">Area 5 (E)</td>" in parts[2].data  # ... and its data table
    page = _published_page(parts, tmp_path)
    assert check_file(page) == []


def test_the_positions_table_gives_each_authority_its_own_limits_in_their_columns():
    """B's row of the hand-built region, internal audience: rate 40/50 = 80.0%; regional rate
    123/190 = 64.7%; B's neighbour A at 3/40 = 7.5%. Its limits (exact binomial, Spiegelhalter 2005)
    lie near the normal approximation 64.7% +/- z sqrt(0.647 x 0.353 / 50) = 64.7% +/- z x 6.76%:
    95% (z = 1.96) 51.5% to 78.0%, 99.8% (z = 3.09) 43.8% to 85.6%; the exact limits differ from these
    by under 2.5 points at n = 50. B lies above the 95% limit and below the 99.8% one: a high alert."""
    from review.protection.disclosure import DisclosurePolicy
    from review.views.region import positions_table

    html = positions_table(_hand_built_region(), DisclosurePolicy(audience="internal")).data
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", html, re.S) if re.search(r">B</td>", r))
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row)
    assert cells[1:4] == ["B", "80.0%", "64.7%"]
    assert cells[6:] == ["high alert", "7.5%"]
    limits = [[float(x) for x in re.findall(r"[0-9.]+", c)] for c in cells[4:6]]
    for (low, high), (approx_low, approx_high) in zip(limits, [(51.5, 78.0), (43.8, 85.6)], strict=True):
        assert abs(low - approx_low) < 2.5
        assert abs(high - approx_high) < 2.5
    assert limits[1][0] < limits[0][0] < 64.7 < limits[0][1] < 80.0 < limits[1][1]


def test_the_compared_criteria_come_from_the_evidence_maps(region3):
    """No criterion is named in the comparison: by default it compares what the first authority's
    evidence map tests, in the map's order, where every authority's audits hold it; a criterion one
    authority does not hold is left out."""
    import dataclasses
    from types import MappingProxyType

    from review.analyses.context import load_pseudonymised
    from review.analyses.region import compare_region, mapped_criteria

    truth = json.loads((region3 / "region_ground_truth.json").read_text())
    evidence = {a: load_pseudonymised(region3 / a) for a in truth["authorities"]}
    # the demo map tests these case-file criteria, first named at J02, J05, J06, J07, J09 and J11
    tested = ("feedback_to_referrer", "risk_identified", "management_oversight", "cp_plan_quality",
              "records_up_to_date", "child_seen", "child_seen_alone", "childs_voice")
    assert mapped_criteria(evidence) == tested
    assert "child_seen" in mapped_criteria(evidence)
    # an authority without child_seen: the others are still compared, child_seen is not
    last = list(evidence)[-1]
    tables = dict(evidence[last].tables)
    tables["audits"] = tables["audits"].drop(columns=["child_seen"])
    evidence[last] = dataclasses.replace(evidence[last], tables=MappingProxyType(tables),
                                         criteria=tuple(c for c in evidence[last].criteria if c != "child_seen"))
    assert "child_seen" not in mapped_criteria(evidence)
    result = compare_region(evidence, "2009-Q4")
    measures = {m for m, _ in result.directions}
    assert f"audit compliance: {CHILD_SEEN}" not in measures
    assert sum(m.startswith("audit compliance: ") for m in measures) == len(mapped_criteria(evidence))


def _own_worker_cache(monkeypatch, region_module, tmp_path: Path) -> Path:
    """The worker's evidence folder, for a test that plays the worker in this process: under ``tmp_path``
    (a worker keeps its own for its life, and this process's would outlive the test)."""
    folder = tmp_path / "worker-cache"
    folder.mkdir(mode=0o700)
    monkeypatch.setattr(region_module, "_worker_cache", lambda: folder)
    return folder


def test_a_worker_s_kernels_share_one_environment_and_each_task_reads_its_own_authority(tmp_path, monkeypatch):
    """Two notebook tasks of two authorities on one worker: their kernels get the same environment
    (so the worker's spare kernel, started with it, serves both), yet each kernel reads its own
    authority's snapshot and earlier runs, and nothing of either is left on the worker after."""
    import review.batch.region as region_module
    from review.analyses.context import EVIDENCE_CACHE_ENV, SNAPSHOT_FILE
    from review.batch.runner import NotebookTask
    from review.results.history import OUTPUT_ROOT_ENV, earlier_results

    seen = []

    def fake_execute(task):
        env = task.env
        root = Path(env[OUTPUT_ROOT_ENV])
        seen.append((dict(env), (Path(env[EVIDENCE_CACHE_ENV]) / SNAPSHOT_FILE).read_bytes(),
                     sorted(earlier_results(root, "2009-Q4", "published"))))
        return "outcome"

    monkeypatch.setattr(region_module, "execute_task", fake_execute)
    monkeypatch.setattr(region_module, "write_evidence_cache",
                        lambda folder, cache, snapshot: (cache / SNAPSHOT_FILE).write_bytes(snapshot))
    _own_worker_cache(monkeypatch, region_module, tmp_path)
    for authority, earlier in (("LA01", "2009-Q3"), ("LA02", "2009-Q2")):  # each its own earlier quarter
        (tmp_path / authority / earlier).mkdir(parents=True)
        (tmp_path / authority / earlier / "manifest.json").write_text("{}")
        (tmp_path / authority / earlier / "governance.results.json").write_text(json.dumps({"cycle": earlier}))
        staging = tmp_path / authority / ".2009-Q4.staging-x"
        staging.mkdir()
        task = NotebookTask("governance", "Governance", "governance.ipynb", {"data_dir": str(tmp_path)},
                            str(staging), 60.0, {})
        assert region_module.run_notebook_task(task, authority.encode()) == "outcome"
    (env1, snap1, runs1), (env2, snap2, runs2) = seen
    assert env1 == env2
    assert (snap1, runs1) == (b"LA01", ["2009-Q3"])
    assert (snap2, runs2) == (b"LA02", ["2009-Q2"])
    assert not list(Path(env1[EVIDENCE_CACHE_ENV]).iterdir())  # no snapshot, no link left


def test_a_comparison_s_kernel_gets_the_worker_s_one_environment_and_its_snapshots_are_removed(tmp_path,
                                                                                              monkeypatch):
    """The comparison's kernel starts with the environment every notebook task's kernel has on that
    worker, finds each authority's snapshot in the folder it names, and the folder is gone after."""
    import review.batch.region as region_module
    from review.analyses.context import REGION_CACHE_ENV
    from review.batch.runner import NotebookTask

    seen = []

    def fake_execute(task):
        folder = Path(task.env[REGION_CACHE_ENV])
        seen.append((dict(task.env), {p.name: p.read_bytes() for p in folder.iterdir()} if folder.exists() else None))
        return "outcome"

    monkeypatch.setattr(region_module, "execute_task", fake_execute)
    monkeypatch.setattr(region_module, "_publish_comparison", lambda region, plan, outcome, provenance: outcome)
    _own_worker_cache(monkeypatch, region_module, tmp_path)
    monkeypatch.setattr(region_module, "write_evidence_cache",
                        lambda folder, cache, snapshot: (cache / "evidence.pickle").write_bytes(snapshot))
    staging = tmp_path / "LA01" / ".2009-Q4.staging-x"
    staging.mkdir(parents=True)
    task = NotebookTask("governance", "Governance", "governance.ipynb", {"data_dir": str(tmp_path)}, str(staging), 60.0, {})
    region_module.run_notebook_task(task, b"LA01")
    plan = SimpleNamespace(task=task)
    assert region_module.comparison_task(None, plan, None, {"LA01": b"one", "LA02": b"two"}) == "outcome"
    (notebook_env, _), (comparison_env, snapshots) = seen
    assert comparison_env == notebook_env
    assert snapshots == {"LA01.pickle": b"one", "LA02.pickle": b"two"}
    assert not Path(comparison_env[REGION_CACHE_ENV]).exists()


def test_without_links_a_task_reads_its_authority_s_folder_itself(tmp_path, monkeypatch):
    """Where the file system makes no links, the kernel is pointed at the authority's folder itself
    (a kernel environment per authority: slower, the same pages)."""
    import review.batch.region as region_module

    def refuse(self, target, target_is_directory=False):
        raise OSError("links not supported")

    monkeypatch.setattr(Path, "symlink_to", refuse)
    folder = tmp_path / "LA01"
    folder.mkdir()
    assert region_module._earlier_runs(tmp_path / "cache", folder) == folder


def test_a_publication_reads_each_authority_s_references_once_for_every_pass_of_the_gate(monkeypatch, tmp_path):
    """The gate checks a publication in two passes, and a comparison against every authority in each:
    an authority's raw references are read once per publication and every pass is given them
    (``region._references``); nothing keeps them after it."""
    from review.batch import region as region_module

    reads, checked = [], []
    monkeypatch.setattr(region_module, "raw_identifiers", lambda folder: reads.append(folder) or {f"ref of {folder}"})

    def gate(staging, context, outcomes, *, titles, identifiers):
        checked.append((context.data_dir, frozenset(identifiers)))
        return outcomes

    def two_passes(*args, guard, **kwargs):
        guard([]), guard([])
        return "published"

    monkeypatch.setattr(region_module, "guard_staging", gate)
    monkeypatch.setattr(region_module, "publish_reports", two_passes)
    monkeypatch.setattr(region_module, "publish_run", two_passes)
    monkeypatch.setattr(region_module, "policy_from_parameters", lambda parameters: None)
    params = SimpleNamespace(cycle="2009-Q4", source="p.yaml", common={"audience": "published"})
    la01, la02 = SimpleNamespace(data_dir="LA01", params=params), SimpleNamespace(data_dir="LA02", params=params)
    region = SimpleNamespace(source="region.yaml", name="Region", authorities=[SimpleNamespace(id="LA01"),
                                                                              SimpleNamespace(id="LA02")])
    group = SimpleNamespace(context=la01, authority=SimpleNamespace(id="LA01", name="One"), staging=tmp_path,
                            target=tmp_path, inputs=[])
    assert region_module._publish_group(region, group, {}, [], None) == "published"
    assert reads == ["LA01"]
    assert checked == [("LA01", frozenset({"ref of LA01"}))] * 2
    reads.clear(), checked.clear()
    comparison = SimpleNamespace(contexts={"LA01": la01, "LA02": la02}, cycle="2009-Q4", staging=tmp_path,
                                 target=tmp_path, inputs=[], task=SimpleNamespace(parameters={}))
    assert region_module._publish_comparison(region, comparison, None, None) == "published"
    assert reads == ["LA01", "LA02"]
    assert checked == [("LA01", frozenset({"ref of LA01"})), ("LA02", frozenset({"ref of LA02"}))] * 2
