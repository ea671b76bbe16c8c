"""Each framework notebook under papermill with non-default parameters, asserting on its results."""

from __future__ import annotations

import json

import nbformat
import papermill as pm
import pytest

from review.config.frameworks import FRAMEWORKS
from review.config.params import load_cycle_params
from review.results.figures import results_from_notebook

pytestmark = pytest.mark.notebook


def _run(execute_notebook, root, tmp_path, framework, **overrides):
    params = load_cycle_params(root / "params" / "2009-Q4.yaml").for_framework(framework) | overrides
    out = tmp_path / f"{framework}.ipynb"
    execute_notebook(root / "notebooks" / FRAMEWORKS[framework].notebook, out, params)
    nb = nbformat.read(out, as_version=4)
    return nb, results_from_notebook(nb)


def _html(nb):
    return "\n".join(o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", []))


def test_gose_on_another_cycle_and_a_stricter_threshold(execute_notebook, root, tmp_path):
    nb, results = _run(execute_notebook, root, tmp_path, "gose_performance", cycle="2009-Q2", suppression_threshold=10)
    assert results["cycle"] == "2009-Q2"
    figures = results["figures"]
    assert figures["period"] == "Q1 2009/10 (April to June 2009)"  # the quarter as councils name it
    assert [i["item"] for i in figures["items"]] == [f"G{k:02d}" for k in range(1, 16)]
    assert sum(figures["rag"].values()) == 15
    gob = figures["case_files_good_or_better_final"]
    assert gob["low"] < gob["statistic"] < gob["high"]
    assert gob["population"] == 2000
    html = _html(nb)
    assert "Counts of people from 1 to 10 are shown as c" in html
    assert "Q1 2009/10 (April to June 2009)" in html
    for doubt in ("NOT FOUND", "inferred from the title", "threshold from a later"):
        assert doubt not in html  # definitional doubts live in docs/indicators.md


def test_gose_internal_audience_names_overdue_auditors_by_pseudonym(execute_notebook, root, tmp_path):
    nb, _ = _run(execute_notebook, root, tmp_path, "gose_performance", audience="internal")
    html = _html(nb)
    assert "Who is below quota (pseudonym)" in html
    assert "Internal report: figures are not suppressed" in html
    published, results = _run(execute_notebook, root, tmp_path, "gose_performance")
    html = _html(published)
    assert "Who is below quota (pseudonym)" not in html
    assert "Q3 2009/10 (October to December 2009)" in html  # the quarter as councils name it
    # NI 59 is read one way: the 7-day definition of the data, in the table and in the chart's text alternative
    assert html.count("NI59 Initial assessments carried out within 7 working days of referral") >= 2
    assert "10 working days" not in html
    # an overdue inspection is the regulator's timetable: context, never the council's red (G08 is
    # red on the demo only through its own actions on inspection findings, as the map judges it)
    g08 = [a for a in results["figures"]["actions"] if a.startswith("G08:")]
    assert g08, "G08 is red on the demo (its actions on inspection findings): without it the checks below are vacuous"
    assert all("timetable" not in a and "overdue" not in a for a in g08)
    assert all("actions on inspection findings" in a for a in g08)


def test_jar_thresholds_change_the_judgements(execute_notebook, root, tmp_path):
    strict_nb, strict = _run(execute_notebook, root, tmp_path, "jar_haringey", rag_green=0.95, rag_red=0.9)
    _, lenient = _run(execute_notebook, root, tmp_path, "jar_haringey", rag_green=0.5, rag_red=0.3)
    assert strict["figures"]["rag_counts"]["red"] > lenient["figures"]["rag_counts"]["red"]
    assert lenient["figures"]["rag_counts"]["green"] > strict["figures"]["rag_counts"]["green"]
    findings = strict["figures"]["findings"]
    assert [f["item"] for f in findings] == [f"J{i:02d}" for i in range(1, 12)]
    html = _html(strict_nb)
    assert "The local safeguarding children board (LSCB) fails to provide sufficient challenge" in html
    assert "DCSF summary of findings; not a JAR finding" in html
    assert "Access to child protection services" not in html
    assert "not Ofsted grades" in html


@pytest.mark.parametrize("framework", ["healthcare_commission", "lscb_checklist", "governance"])
def test_self_assessment_notebooks_on_an_earlier_cycle(execute_notebook, root, tmp_path, framework):
    nb, results = _run(execute_notebook, root, tmp_path, framework, cycle="2009-Q1", confidence_level=0.9)
    assert results["cycle"] == "2009-Q1"
    if framework == "governance":  # five area managers (people), fewer than min_group 10: withheld when published
        assert results["figures"]["agreement"] is None
        assert "agreement is withheld" in _html(nb)
    else:  # agencies rate themselves (their own services; their own part in the board): self-assessment, a
        # spread of self-ratings, and no agreement coefficient (domain.md section 10)
        assert results["figures"]["agreement"] is None
        assert "a spread of self-ratings" in _html(nb)
    assert set(results["figures"]["rag_counts"]) == {"red", "amber", "green", "grey", "self-assessed"}
    assert "divergence" not in results["figures"]  # published: no individual rater
    html = _html(nb)
    assert "Good or better" not in html or framework != "governance"
    assert "not shown in a published report" in html


def test_a_bad_parameter_fails_with_a_clear_message(execute_notebook, root, tmp_path):
    with pytest.raises(pm.PapermillExecutionError, match="`cycle` '2010-Q1' has no audits in data/demo"):
        _run(execute_notebook, root, tmp_path, "jar_haringey", cycle="2010-Q1")


def test_summary_reads_the_other_reports(execute_notebook, root, tmp_path):
    folder = tmp_path / "results"
    folder.mkdir()
    (folder / "jar_haringey.results.json").write_text(json.dumps({
        "framework": "jar_haringey", "cycle": "2009-Q4", "headlines": ["JAR <b>headline</b>"],
        "figures": {"rag_counts": {"red": 2, "amber": 1, "green": 0}, "needs_action": ["J04: red"], "changes": []}}))
    (folder / "gose_performance.html").write_text("failure page")  # failed: a page but no results
    nb, results = _run(execute_notebook, root, tmp_path, "cycle_summary", results_dir=str(folder))
    html = _html(nb)
    assert "JAR &lt;b&gt;headline&lt;/b&gt;" in html  # escaped
    assert "<span data-review-nocount>J04</span>: red" in html  # the item's id marked as not a count
    assert "INCOMPLETE" in html
    assert "FAILED" in html
    figures = results["figures"]
    assert figures["frameworks"]["jar_haringey"] == "reported"
    assert figures["frameworks"]["gose_performance"] == "failed"
    assert figures["complete"] is False
    assert figures["rag_counts"]["red"] == 2
