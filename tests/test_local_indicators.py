"""A council's own indicators: declared in ``indicator_definitions``, read under that definition by
every analysis, and refused by ``review validate`` when an indicator has no definition at all.

The council here is a copy of the demo with a local measure of its own, lower-is-better,
reported for three quarters; the arithmetic is written beside each expected value.
"""

from __future__ import annotations

import csv
import math
import shutil
from dataclasses import replace
from types import SimpleNamespace

import pandas as pd
import pytest

from review.analyses import jar
from review.analyses.context import Context
from review.analyses.gose import gose_result
from review.cli import main
from review.data import load_evidence
from review.exceptions import ParameterError
from review.protection.disclosure import DisclosurePolicy
from review.stats.indicators import DEFINITIONS, definitions_from, indicator_table

TITLE = "Re-referrals within 12 months of a previous referral"
DECLARED = ["LA02", "LOCAL-2009", TITLE, "referrals within 12 months of a previous referral", "referrals",
            "no", "", "yes", "", "the council's performance framework, 2009"]
ROWS = [  # cycle, indicator, version, numerator, denominator, target, neighbour_average
    ["2009-Q2", "LA02", "LOCAL-2009", "20", "100", "0.10", ""],
    ["2009-Q3", "LA02", "LOCAL-2009", "30", "200", "0.10", ""],
    ["2009-Q4", "LA02", "LOCAL-2009", "18", "150", "0.10", "0.25"],
]
KW = {"cycle": "2009-Q4", "previous": "2009-Q3", "confidence_level": 0.95, "green": 0.8, "red": 0.65}


def _read(path):
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


def _write(path, rows):
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def _council(root, folder, *, declared=(DECLARED,), rows=ROWS):
    """The demo with the local measure reported, mapped to J05 and G13 as evidence that tests them."""
    shutil.copytree(root / "data" / "demo", folder)
    header = _read(folder / "indicator_definitions.csv")[0]
    _write(folder / "indicator_definitions.csv", [header, *declared])
    _write(folder / "indicators.csv", _read(folder / "indicators.csv") + [list(r) for r in rows])
    _write(folder / "evidence_map.csv", _read(folder / "evidence_map.csv") + [
        ["jar_haringey", "J05", "indicator", "LA02", "", "", "tests", "Re-referral shows assessments that missed risk."],
        ["gose_performance", "G13", "indicator", "LA02", "", "", "tests", "One of the council's own indicators."]])
    return folder


@pytest.fixture(scope="module")
def council(root, tmp_path_factory):
    return _council(root, tmp_path_factory.mktemp("local") / "council")


@pytest.fixture(scope="module")
def evidence(council):
    return load_evidence(council)


def _wilson(k, n, z=1.959963984540054):
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_the_lookup_holds_the_national_definitions_and_the_declared_one(evidence):
    known = definitions_from(evidence.table("indicator_definitions"))
    assert set(known) == set(DEFINITIONS) | {("LA02", "LOCAL-2009")}
    la02 = known[("LA02", "LOCAL-2009")]
    assert (la02.title, la02.direction, la02.improvement, la02.cumulative) == (TITLE, "lower is better", "decrease",
                                                                               True)
    assert la02.threshold_working_days is None
    assert "the council's performance framework, 2009" in la02.certainty


def test_the_gose_analysis_reads_the_local_indicator_in_its_declared_direction(evidence):
    params = SimpleNamespace(confidence_level=0.95, rag_green=0.8, rag_red=0.65)
    result = gose_result(Context(params, evidence, DisclosurePolicy(audience="internal"), "2009-Q4", "2009-Q3"))
    row = result.indicators.set_index("indicator").loc["LA02"]
    assert row["title"] == TITLE
    assert row["label"] == f"LA02 {TITLE}"
    assert row["direction"] == "lower is better"
    assert row["rate"] == pytest.approx(18 / 150)  # 0.12
    assert row["previous_rate"] == pytest.approx(30 / 200)  # 0.15
    assert not row["meets_target"]  # lower is better: 0.12 is above the 0.10 target
    low, high = _wilson(18, 150)  # about 0.077 to 0.182: the neighbours' 0.25 lies above it
    assert row["ci_low"] == pytest.approx(low)
    assert row["ci_high"] == pytest.approx(high)
    assert row["vs_neighbours"] == "better"  # a lower rate than the neighbours', and lower is better
    # cumulative: April to December is 2009-Q2 + 2009-Q3 + 2009-Q4 = (20 + 30 + 18) / (100 + 200 + 150)
    assert (row["ytd_numerator"], row["ytd_denominator"]) == (68, 450)
    chart = next(c for c in result.charts if c[0] == "LA02")
    assert chart[1] == f"LA02 {TITLE}"
    assert chart[2].improvement == "decrease"
    assert chart[3] == ((20, 100), (30, 200), (18, 150))
    # G13 judges it on its complement: 150 - 18 = 132 of 150 not re-referred (0.88); green from 1 - 0.10 = 0.90,
    # red below 0.90 - (0.80 - 0.65) = 0.75: amber
    [line] = [ln for ln in next(i for i in result.items if i.item == "G13").judged_lines if "LA02" in ln.source]
    assert (line.k, line.n, line.band) == (132, 150, "amber")
    assert TITLE in line.source
    assert "lower is better" in line.source
    assert row["band"] == "amber"


def test_the_jar_line_names_the_declared_title_and_judges_the_complement(evidence):
    j05 = next(f for f in jar.analyse(evidence, **KW).findings if f.item.item_id == "J05")
    [line] = [ln for ln in j05.evidence if ln.kind == "indicator" and ln.source.startswith("LA02")]
    assert line.source.startswith(f"LA02 ({TITLE}; lower is better")
    assert (line.k, line.n, line.band) == (132, 150, "amber")  # as on G13: 0.88 between 0.75 and 0.90
    assert not line.context


def test_a_higher_is_better_local_indicator_is_judged_on_its_own_rate(root, tmp_path):
    declared = [[*DECLARED[:5], "yes", *DECLARED[6:]]]
    ev = load_evidence(_council(root, tmp_path / "council", declared=declared))
    j05 = next(f for f in jar.analyse(ev, **KW).findings if f.item.item_id == "J05")
    [line] = [ln for ln in j05.evidence if ln.kind == "indicator" and ln.source.startswith("LA02")]
    # 18 of 150 = 0.12 against its own 0.10 target: at or above 0.10 is green
    assert (line.k, line.n, line.band) == (18, 150, "green")
    assert line.source == f"LA02 ({TITLE}; target 10%)"


def test_an_undeclared_indicator_is_refused_naming_file_row_and_column(root, tmp_path, capsys):
    folder = _council(root, tmp_path / "council", declared=())
    first = len(_read(folder / "indicators.csv")) - len(ROWS) + 1  # the header is row 1
    assert main(["validate", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    [line] = [ln for ln in err.splitlines() if "LA02" in ln]  # the three rows' one problem, on one line
    assert f"indicators.csv, rows {first}, {first + 1}, {first + 2} (3 rows), column 'indicator'" in line
    assert "declare it in indicator_definitions (found 'LA02')" in line


def test_an_unknown_version_of_a_national_indicator_names_the_known_versions(root, tmp_path, capsys):
    folder = _council(root, tmp_path / "council", rows=[["2009-Q4", "NI59", "NI-2010", "5", "10", "", ""]])
    _write(folder / "indicators.csv", [r for r in _read(folder / "indicators.csv")
                                       if not (r[0] == "2009-Q4" and r[1] == "NI59" and r[2] != "NI-2010")])
    row = len(_read(folder / "indicators.csv"))  # the last row
    assert main(["validate", str(folder)]) == 2
    err = capsys.readouterr().err
    line = next(ln for ln in err.splitlines() if "NI-2010" in ln)
    assert f"row {row}" in line
    assert "definition_version" in line
    assert "NI-2008, NI-2009" in line  # the versions the workbook knows for NI59


def test_a_row_redefining_a_national_definition_is_refused(root, tmp_path, capsys):
    national = ["NI59", "NI-2008", "My own NI59", "a", "b", "yes", "", "", "", "local"]
    folder = _council(root, tmp_path / "council", declared=(DECLARED, national))
    assert main(["validate", str(folder)]) == 2
    err = capsys.readouterr().err
    line = next(ln for ln in err.splitlines() if "indicator_definitions" in ln and "row 3" in ln)
    assert "definition_version" in line
    assert "may not be redefined" in line
    with pytest.raises(ParameterError, match="NI59 version 'NI-2008', column definition_version: NI59 version NI-2008 is a national definition"):
        definitions_from(load_evidence(root / "data" / "demo").table("indicator_definitions").assign(
            indicator="NI59", definition_version="NI-2008"))


def test_a_declared_direction_is_required_unless_context_only(root, tmp_path, capsys):
    folder = _council(root, tmp_path / "council", declared=([*DECLARED[:5], "", "", *DECLARED[7:]],))
    assert main(["validate", str(folder)]) == 2
    err = capsys.readouterr().err
    line = next(ln for ln in err.splitlines() if "indicator_definitions" in ln)
    assert "row 2" in line
    assert "higher_is_better" in line
    assert "context_only" in line
    context = _council(root, tmp_path / "context", declared=([*DECLARED[:5], "", "yes", *DECLARED[7:]],))
    assert main(["validate", str(context)]) == 0
    capsys.readouterr()


def test_the_lookup_itself_refuses_a_declaration_without_a_direction():
    # review validate refuses this first; the lookup guards a folder that reached an analysis unvalidated
    row = {"indicator": ["LA09"], "definition_version": ["L-1"], "title": ["t"], "numerator": ["a"],
           "denominator": ["b"], "higher_is_better": [None], "context_only": [None], "cumulative": [None],
           "threshold_working_days": [None], "source": ["s"]}
    with pytest.raises(ParameterError, match="LA09 version 'L-1', column higher_is_better: expected yes or no"):
        definitions_from(pd.DataFrame(row))
    context = definitions_from(pd.DataFrame(row | {"context_only": [True]}))[("LA09", "L-1")]
    # context only: never judged, its rate read as it stands; empty cumulative reads as yes, no threshold given
    assert (context.direction, context.higher_is_better, context.cumulative, context.threshold_working_days) == (
        "context only", True, True, None)


def test_indicator_table_without_the_declaration_still_refuses_the_local_indicator(evidence):
    data = evidence.table("indicators")
    with pytest.raises(ParameterError, match="no definition LA02 version 'LOCAL-2009'"):
        indicator_table(data, cycle="2009-Q4")
    table = indicator_table(data, cycle="2009-Q4", definitions=definitions_from(evidence.table("indicator_definitions")))
    assert "LA02" in set(table["indicator"])


@pytest.mark.notebook
def test_the_gose_notebook_runs_on_a_folder_with_a_local_indicator(root, council, tmp_path):
    import nbformat
    import papermill as pm

    from review.config.frameworks import FRAMEWORKS
    from review.config.params import load_cycle_params
    from review.results.figures import results_from_notebook

    params = load_cycle_params(root / "params" / "2009-Q4.yaml").for_framework("gose_performance") | {
        "data_dir": str(council)}
    out = tmp_path / "gose.ipynb"
    pm.execute_notebook(str(root / "notebooks" / FRAMEWORKS["gose_performance"].notebook), str(out),
                        parameters=params, kernel_name="python3", cwd=str(root), progress_bar=False)
    nb = nbformat.read(out, as_version=4)
    assert results_from_notebook(nb)["cycle"] == "2009-Q4"
    html = "\n".join(o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", []))
    assert f"LA02 {TITLE}" in html  # the table and the chart name the declared title


def test_the_regional_comparison_names_the_local_measure_and_pools_it(root, evidence, tmp_path):
    from review.analyses.region import compare_region

    rows = [[*r[:3], "40", "160", *r[5:]] if r[0] == "2009-Q4" else r for r in ROWS]
    other = load_evidence(_council(root, tmp_path / "other", rows=rows))
    result = compare_region({"A": evidence, "B": other}, "2009-Q4")
    measure = f"LA02: {TITLE}"
    funnel = next(f for f in result.funnels if f.measure == measure)
    assert sorted((p.unit, p.events, p.n) for p in funnel.points) == [("A", 18, 150), ("B", 40, 160)]
    assert funnel.target == pytest.approx((18 + 40) / (150 + 160))  # pooled: 58 / 310
    assert result.direction(measure) == "lower is better"


def test_a_region_refuses_one_local_indicator_defined_two_ways(root, tmp_path):
    """Two authorities declaring LA02 version LOCAL-2009, one lower-is-better and one higher: the
    comparison would pool their counts under one direction, so the region is refused before any
    kernel starts, naming the authority, the indicator and the column; the same definition with
    another source is accepted."""
    from review.batch.region import validate_region
    from review.config.region import load_region

    _council(root, tmp_path / "a")
    _council(root, tmp_path / "b", declared=([*DECLARED[:5], "yes", *DECLARED[6:]],))  # higher is better
    _council(root, tmp_path / "c", declared=([*DECLARED[:9], "the region's shared definitions"],))
    text = """region: "Test region"
cycles: ["2009-Q4"]
params: "{params}"
authorities:
  - {{id: "A1", name: "One", evidence: "{a}", key: "demo"}}
  - {{id: "B2", name: "Two", evidence: "{b}", key: "demo"}}
"""
    region_file = tmp_path / "region.yaml"
    params = (root / "params" / "{cycle}.yaml").as_posix()
    region_file.write_text(text.format(params=params, a=(tmp_path / "a").as_posix(), b=(tmp_path / "b").as_posix()))
    with pytest.raises(ParameterError) as refused:
        validate_region(load_region(region_file))
    assert refused.value.problems == [
        f"authority B2: {tmp_path / 'b' / 'indicator_definitions.csv'} row 2 defines LA02 version 'LOCAL-2009' "
        "otherwise than authority A1 (row 2): higher_is_better True (False); the regional comparison pools one "
        "definition of each version: give them the same definition, or each a version of its own"]
    region_file.write_text(text.format(params=params, a=(tmp_path / "a").as_posix(), b=(tmp_path / "c").as_posix()))
    assert set(validate_region(load_region(region_file))) == {("A1", "2009-Q4"), ("B2", "2009-Q4")}


def test_one_indicator_under_two_versions_is_two_measures_of_the_region(root, evidence, tmp_path):
    """A and B report LA02 under LOCAL-2009 (lower is better; 18 of 150 and 40 of 160); C and D under
    their own B-2009, the same title but higher is better (30 of 100, 45 of 120). Each version is its
    own measure, named with its version: A and B pooled, 58 / 310; C and D pooled, 75 / 220."""
    from review.analyses.region import compare_region

    def council(name, version, k, n, direction):
        rows = [[r[0], "LA02", version, *(([str(k), str(n)]) if r[0] == "2009-Q4" else r[3:5]), *r[5:]] for r in ROWS]
        declared = ([DECLARED[0], version, *DECLARED[2:5], direction, *DECLARED[6:]],)
        return load_evidence(_council(root, tmp_path / name, rows=rows, declared=declared))

    result = compare_region({"A": evidence, "B": council("b", "LOCAL-2009", 40, 160, "no"),
                             "C": council("c", "B-2009", 30, 100, "yes"), "D": council("d", "B-2009", 45, 120, "yes")},
                            "2009-Q4")
    ours, theirs = f"LA02 (LOCAL-2009): {TITLE}", f"LA02 (B-2009): {TITLE}"
    funnels = {f.measure: f for f in result.funnels}
    assert f"LA02: {TITLE}" not in funnels
    assert [(p.unit, p.events, p.n) for p in funnels[ours].points] == [("A", 18, 150), ("B", 40, 160)]
    assert funnels[ours].target == pytest.approx(58 / 310)
    assert [(p.unit, p.events, p.n) for p in funnels[theirs].points] == [("C", 30, 100), ("D", 45, 120)]
    assert funnels[theirs].target == pytest.approx(75 / 220)
    assert (result.direction(ours), result.direction(theirs)) == ("lower is better", "higher is better")


def test_two_context_only_declarations_may_differ_in_the_direction_nobody_judges(root, tmp_path):
    from review.batch.region import Declared, _conflicting_definitions
    from review.config.region import Authority, KeySource

    context = definitions_from(pd.DataFrame({
        "indicator": ["LA05", "LA05"], "definition_version": ["L1", "L2"], "title": ["Referrals from schools"] * 2,
        "numerator": ["referrals made by schools"] * 2, "denominator": ["referrals"] * 2,
        "higher_is_better": [True, False], "context_only": [True, True], "cumulative": [None] * 2,
        "threshold_working_days": [None] * 2, "source": ["A's returns", "B's returns"]}))
    one, two = (Authority(i, i, f"data/{i}", KeySource("env", f"K{i}")) for i in ("A1", "B2"))
    same_key = {("LA05", "L1"): (2, context[("LA05", "L1")])}
    flipped = {("LA05", "L1"): (2, replace(context[("LA05", "L2")], version="L1"))}
    assert _conflicting_definitions({one: Declared("a.csv", same_key), two: Declared("b.csv", flipped)}) == []
    judged = {("LA05", "L1"): (2, replace(context[("LA05", "L2")], version="L1", context_only=False))}
    (problem,) = _conflicting_definitions({one: Declared("a.csv", same_key), two: Declared("b.csv", judged)})
    assert "context_only False (True)" in problem
    assert "higher_is_better False (True)" in problem  # judged by one of them: its direction matters


def test_a_context_only_local_indicator_reported_for_one_quarter(root, tmp_path):
    declared = [["LA03", "LOCAL-2009", "Referrals from schools", "referrals made by schools", "referrals", "", "yes",
                 "", "", "the council's front door returns"]]
    rows = [["2009-Q4", "LA03", "LOCAL-2009", "45", "300", "", "0.10"]]
    folder = _council(root, tmp_path / "council", declared=declared, rows=rows)
    _write(folder / "evidence_map.csv", [r for r in _read(folder / "evidence_map.csv") if "LA02" not in r])
    ev = load_evidence(folder)
    params = SimpleNamespace(confidence_level=0.95, rag_green=0.8, rag_red=0.65)
    result = gose_result(Context(params, ev, DisclosurePolicy(audience="internal"), "2009-Q4", "2009-Q3"))
    row = result.indicators.set_index("indicator").loc["LA03"]
    assert row["direction"] == "context only"
    assert row["meets_target"] is None  # never judged
    assert math.isnan(row["previous_rate"])  # no earlier quarter
    low, _ = _wilson(45, 300)  # 0.15 with an interval from about 0.114: the neighbours' 0.10 lies below it
    assert row["ci_low"] == pytest.approx(low)
    assert row["vs_neighbours"] == "higher"
    assert (row["ytd_numerator"], row["ytd_denominator"]) == (45, 300)  # cumulative by default: one quarter so far
    assert not [c for c in result.charts if c[0] == "LA03"]  # one point makes no control chart


def test_definitions_without_indicators_validate(root, tmp_path, capsys):
    folder = _council(root, tmp_path / "council", rows=[])
    (folder / "indicators.csv").unlink()
    _write(folder / "evidence_map.csv", [r for r in _read(folder / "evidence_map.csv") if r[2] != "indicator"])
    _write(folder / "themes.csv", [[*r[:2], ""] if i else r for i, r in enumerate(_read(folder / "themes.csv"))])
    assert main(["validate", str(folder)]) == 0, capsys.readouterr().err
