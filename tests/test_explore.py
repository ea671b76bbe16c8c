"""The explorers' logic on small hand-built evidence: this selection gives this table.

Every expected value is worked out by hand in the comment beside it.
"""

from __future__ import annotations

import datetime as dt
import json
from types import MappingProxyType

import pandas as pd
import pytest

from review.batch.notebook_outputs import interactive_leftovers, pre_save_hook
from review.config.parameters_cell import undeclared_names
from review.config.paths import project_root
from review.data.load import Evidence, GradeScale
from review.exceptions import ParameterError
from review.explore.export import export_selection
from review.explore.lenses import (
    ALL,
    LENSES,
    apply_selection,
    audit_grades,
    criterion_results,
    summarise,
    trend,
)
from review.explore.tables import format_summary
from review.explore.widgets import ExplorerState
from review.protection.disclosure import DisclosurePolicy
from review.results.figures import ResultsSource, results_source
from review.views.results_source import report_href, source_note

OFSTED = GradeScale("ofsted_2008", ("Outstanding", "Good", "Adequate", "Inadequate"),
                    frozenset({"Outstanding", "Good"}), frozenset())
YES_NO = GradeScale("compliance", ("Yes", "No", "N/A"), frozenset({"Yes"}), frozenset({"N/A"}))


def _audit(audit_id, cycle, case, tier, grade, *, of=None, team="A", date="2009-11-01", seen="Yes",
           auditor=None):
    return {"audit_id": audit_id, "cycle": cycle, "case_ref": case, "case_type": "CP", "team": team,
            "audit_type": "case file", "auditor_id": auditor or f"{tier}01", "auditor_tier": tier,
            "audit_date": date, "selection": "random", "theme": None, "moderation_of": of,
            "grade_scale": "ofsted_2008", "overall_grade": grade, "child_seen": seen}


def _evidence(audits, ratings=()):
    criteria = pd.DataFrame({"criterion": ["child_seen"], "label": ["The child was seen"],
                             "scale_id": ["compliance"], "audit_types": ["case file"]})
    emap = pd.DataFrame({"framework": ["jar_haringey"], "item": ["J11"], "source": ["criterion"],
                         "evidence": ["child_seen"], "audit_type": [None], "agencies": [None], "role": [None],
                         "reason": ["the child seen"]})
    sa = pd.DataFrame(list(ratings), columns=["cycle", "framework", "item", "rater", "rater_type",
                                               "grade_scale", "rating", "evidence"])
    tables = {"audits": pd.DataFrame(audits), "criteria": criteria, "self_assessments": sa, "evidence_map": emap}
    return Evidence("hand-built", MappingProxyType(tables),
                    MappingProxyType({"ofsted_2008": OFSTED, "compliance": YES_NO}), ("child_seen",))


MODERATED = [
    _audit("A1", "2009-Q4", "C1", "ATM", "Adequate"),
    _audit("A2", "2009-Q4", "C1", "TM", "Inadequate", of="A1", date="2009-11-05"),
    _audit("A3", "2009-Q4", "C1", "SM", "Good", of="A2", date="2009-11-03"),
    _audit("A4", "2009-Q4", "C2", "TM", "Good", seen="No"),
    _audit("A5", "2009-Q4", "C3", "ATM", "Inadequate", team="B", seen="N/A"),
]


def test_final_grade_is_the_most_senior_tiers_grade_of_the_case():
    grades = audit_grades(_evidence(MODERATED)).set_index("audit_id")
    # A1 was moderated by a TM (Inadequate) and an SM (Good): the SM is the most senior tier, so
    # the final grade is Good although the TM's audit is later.
    assert list(grades.index) == ["A1", "A4", "A5"]  # moderations are not first audits
    assert grades.loc["A1", ["first_grade", "final_grade", "moderator_tier"]].tolist() == ["Adequate", "Good", "SM"]
    assert bool(grades.loc["A1", "moderated"]) is True
    # A4 and A5 were not moderated: their final grade is their first grade.
    assert grades.loc["A4", "final_grade"] == "Good"
    assert not grades.loc["A4", "moderated"]
    # Good is Good or better (1), Inadequate is not (0).
    assert grades["met"].tolist() == [1.0, 1.0, 0.0]


def test_rate_by_team_and_first_against_final():
    lens = LENSES["gose_performance"]
    rows = audit_grades(_evidence(MODERATED))
    by_team = summarise(lens, rows, "by team")
    # team A: A1 final Good (1) + A4 Good (1) -> 2 of 2; team B: A5 Inadequate -> 0 of 1
    assert by_team.loc["A", ["met", "n", "rate"]].tolist() == [2, 2, 1.0]
    assert by_team.loc["B", ["met", "n", "rate"]].tolist() == [0, 1, 0.0]
    cross = summarise(lens, rows, "first against final grade")
    # one moderated audit: first Adequate, final Good
    assert cross.to_dict() == {"Good": {"Adequate": 1}}


def test_criterion_results_leave_out_not_applicable_answers():
    long = criterion_results(_evidence(MODERATED))
    # five audits, of which two are moderations (left out) and one answered N/A: A1 Yes, A4 No
    assert long.set_index("audit_id")["met"].to_dict() == {"A1": 1.0, "A4": 0.0}
    assert set(long["jar_finding"]) == {"J11"}  # from the evidence map, not a column of criteria


def test_selection_and_trend_ignore_the_quarter_filter():
    audits = MODERATED + [_audit("B1", "2009-Q3", "C9", "TM", "Good"), _audit("B2", "2009-Q3", "C8", "TM", "Adequate")]
    lens = LENSES["gose_performance"]
    table = audit_grades(_evidence(audits))
    chosen = {"cycle": "2009-Q4", "team": "A"}
    assert sorted(apply_selection(table, chosen)["audit_id"]) == ["A1", "A4"]
    by_cycle = trend(lens, table, chosen)
    # Q3 team A: B1 Good (1), B2 Adequate (0) -> 1 of 2 = 0.5; Q4 team A: 2 of 2 = 1.0
    assert by_cycle["rate"].to_dict() == {"2009-Q3": 0.5, "2009-Q4": 1.0}
    assert len(apply_selection(table, {"cycle": ALL})) == 5  # 3 first audits in Q4 + 2 in Q3


def test_published_rates_hide_small_counts_and_small_groups():
    summary = pd.DataFrame({"met": [3, 15, 8], "n": [20, 20, 8], "rate": [3 / 20, 15 / 20, 1.0]},
                           index=["small count", "fine", "small group"])
    shown = format_summary(summary, "rate", DisclosurePolicy("published")).set_index("")
    # 3 met is in 1..5 -> c; 15 of 20 (and 5 not met, in 1..5!) -> c as well; 8 of 8 is a group under 10 -> c
    assert shown["rate"].tolist() == ["c", "c", "c"]
    assert shown["met"].tolist() == ["c", "c", "c"]
    internal = format_summary(summary, "rate", DisclosurePolicy("internal")).set_index("")
    assert internal["rate"].tolist() == ["15.0%", "75.0%", "100.0%"]  # 3/20, 15/20, 8/8
    big = pd.DataFrame({"met": [12], "n": [20], "rate": [0.6]}, index=["fine"])
    assert format_summary(big, "rate", DisclosurePolicy("published"))["rate"].tolist() == ["60.0%"]  # 12 and 8


def test_score_summary_is_withheld_for_small_groups_when_published():
    lens = LENSES["governance"]
    scores = pd.DataFrame({"axis": ["roles"] * 4, "score": [2.0, 4.0, 6.0, 8.0]})
    summary = summarise(lens, scores, "by axis")
    # median of 2, 4, 6, 8 is 5; quartiles (linear) 3.5 and 6.5
    assert summary.loc["roles", ["median", "q1", "q3", "n"]].tolist() == [5.0, 3.5, 6.5, 4]
    internal = format_summary(summary, "score", DisclosurePolicy("internal"))
    assert internal[["median", "middle half"]].iloc[0].tolist() == ["5.0", "3.5 to 6.5"]
    published = format_summary(summary, "score", DisclosurePolicy("published"))
    assert published[["scores", "median"]].iloc[0].tolist() == ["c", "c"]  # 4 scores: in 1..5


def _state(audience="internal"):
    ratings = [("2009-Q4", "governance", "G1.1", f"Area manager {m}", "area manager", "zero_ten", str(s), "")
               for m, s in zip("ABCDEFGHIJKL", [7, 8, 6, 9, 7, 5, 8, 7, 6, 9, 8, 7], strict=True)]
    state = ExplorerState(LENSES["governance"], _evidence(MODERATED, ratings), "2009-Q4", DisclosurePolicy("published"))
    state.set_audience(audience)
    return state


def test_person_filters_and_views_are_internal_only():
    internal = _state("internal")
    assert "manager" in [c for c, _, _ in internal.dimensions()]
    assert "by manager" in internal.views()
    internal.selection["manager"] = "Area manager A"
    internal.view = "by manager"
    internal.set_audience("published")
    # publishing resets the person filter and the per-person view
    assert internal.selection["manager"] == ALL
    assert internal.view == "by axis"
    assert "manager" not in [c for c, _, _ in internal.dimensions()]
    with pytest.raises(PermissionError):
        internal.records()


def test_caption_states_the_count_only_when_it_may_be_shown():
    state = _state("internal")
    state.selection["manager"] = "Area manager A"
    assert state.caption().endswith("; 1 records")  # one score by manager A
    state.set_audience("published")
    # twelve scores once the manager filter is reset: 12 is above the threshold of 5
    assert state.caption().endswith("; 12 records")
    state.selection["cycle"] = ALL
    assert "all quarters; 12 records" in state.caption()  # the one quarter holds all twelve
    state.selection["cycle"] = "2009-Q4"
    state.selection["item"] = "G1.1"
    assert state.summary()["median"].tolist() == ["7.0"]  # 12 scores: 5 6 6 7 7 7 7 8 8 8 9 9 -> 7


def test_last_cycle_column_is_filled_for_the_previous_quarter():
    audits = MODERATED + [_audit("B1", "2009-Q3", "C9", "TM", "Good"), _audit("B2", "2009-Q3", "C8", "TM", "Adequate")]
    state = ExplorerState(LENSES["gose_performance"], _evidence(audits), "2009-Q4", DisclosurePolicy("published"))
    state.view = "by team"
    last = state.last_cycle().set_index("")
    # team A: this cycle 2 of 2 (100.0%), last cycle 1 of 2 (50.0%)
    assert last.loc["A", ("this cycle (2009-Q4)", "rate")] == "100.0%"
    assert last.loc["A", ("last cycle (2009-Q3)", "rate")] == "50.0%"
    # team B had no audit last cycle: not available
    assert last.loc["B", ("last cycle (2009-Q3)", "rate")] == ":"


def test_trend_points_leave_out_withheld_quarters():
    audits = MODERATED + [_audit("B1", "2009-Q3", "C9", "TM", "Good")]
    state = ExplorerState(LENSES["gose_performance"], _evidence(audits), "2009-Q4", DisclosurePolicy("published"))
    state.set_audience("published")
    assert len(state.trend_points()) == 0  # every quarter has fewer than 10 audits: nothing is drawn
    state.set_audience("internal")
    assert state.trend_points()["value"].to_dict() == {"2009-Q3": 1.0, "2009-Q4": 2 / 3}  # 1/1; 2 of 3


def test_export_is_formula_safe_and_never_overwrites(tmp_path):
    frame = pd.DataFrame({"team": ["=HYPERLINK(\"x\")", "B"], "rate": ["60.0%", "c"]})
    when = dt.datetime(2010, 1, 5, 9, 30)
    first = export_selection(frame, framework="jar_haringey", cycle="2009-Q4", audience="published",
                             fmt="csv", folder=tmp_path, now=when)
    second = export_selection(frame, framework="jar_haringey", cycle="2009-Q4", audience="published",
                              fmt="csv", folder=tmp_path, now=when)
    assert first.name == "jar_haringey-2009-Q4-published-20100105-093000.csv"
    assert second.name == "jar_haringey-2009-Q4-published-20100105-093000-2.csv"
    assert pd.read_csv(first, encoding="utf-8-sig")["team"].tolist() == ["'=HYPERLINK(\"x\")", "B"]
    book = export_selection(frame, framework="jar_haringey", cycle="2009-Q4", audience="internal",
                            fmt="xlsx", folder=tmp_path, now=when)
    assert pd.read_excel(book)["team"].tolist() == ["'=HYPERLINK(\"x\")", "B"]
    with pytest.raises(ParameterError):
        export_selection(frame, framework="../x", cycle="2009-Q4", audience="internal", fmt="csv", folder=tmp_path)


def test_demo_lenses_build_and_summarise(root):
    from review.data import load_evidence
    from review.protection.pseudonym import pseudonymise

    demo_evidence = pseudonymise(load_evidence(root / "data" / "demo"), root / "data" / "demo")
    for name, lens in LENSES.items():
        table = lens.build(demo_evidence)
        assert {"cycle"} | {d.column for d in lens.dimensions} <= set(table.columns), name
        assert not table.empty, name
        for view in lens.views:
            assert not summarise(lens, table, view).empty, (name, view)


def test_misspelt_parameter_is_named():
    history = ["", "import review", "cycle: str = '2009-Q4'\naudeince: str = 'internal'", "p = check()"]
    assert undeclared_names(history, ["cycle", "audience"]) == ["audeince"]
    # papermill's injected cell follows the parameters cell: both are read
    history = ["", "cycle = '2009-Q4'\naudience = 'x'", "cycle = '2009-Q3'\nsed = 1", "p = check()"]
    assert undeclared_names(history, ["cycle", "audience"]) == ["sed"]


def test_from_notebook_refuses_a_name_that_is_not_a_parameter():
    from review.config.params import from_notebook

    source = (project_root() / "notebooks" / "governance.ipynb").read_text(encoding="utf-8")
    cell = next(c for c in json.loads(source)["cells"] if "parameters" in c["metadata"].get("tags", []))
    namespace: dict[str, object] = {}
    code = "".join(cell["source"]) + "\naudeince = 'internal'"
    exec(code, namespace)
    namespace["In"] = ["", code, "p = from_notebook()"]
    with pytest.raises(ParameterError, match="audeince, which is not a parameter of governance"):
        from_notebook("governance", namespace)
    namespace["In"] = ["", "".join(cell["source"]), "p = from_notebook()"]
    del namespace["audeince"]
    assert from_notebook("governance", namespace).cycle == "2009-Q4"


def test_workbook_errors_render_as_one_line_in_a_notebook():
    lines = ParameterError("`cycle` must be written YYYY-Qn; got '2009Q4'", "notebook jar_haringey")._render_traceback_()
    assert lines == ["ParameterError: notebook jar_haringey: `cycle` must be written YYYY-Qn; got '2009Q4'"]


def test_committed_notebooks_hold_only_regression_anchors():
    for path in sorted((project_root() / "notebooks").glob("*.ipynb")):
        assert interactive_leftovers(json.loads(path.read_text(encoding="utf-8"))) == [], path.name


def test_pre_save_hook_keeps_the_anchors_on_disk_and_drops_the_session(tmp_path):
    anchor = {"id": "a1", "cell_type": "code", "metadata": {"tags": ["keep_output"]}, "source": "x",
              "execution_count": 2, "outputs": [{"output_type": "stream", "name": "stdout", "text": "stored"}]}
    other = {"id": "o1", "cell_type": "code", "metadata": {}, "source": "y", "execution_count": None, "outputs": []}
    disk = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [other, anchor]}
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "n.ipynb").write_text(json.dumps(disk), encoding="utf-8")
    session = json.loads(json.dumps(disk))
    session["metadata"]["widgets"] = {"state": {}}
    session["cells"][0]["outputs"] = [{"output_type": "display_data", "metadata": {},
                                       "data": {"application/vnd.jupyter.widget-view+json": {"model_id": "m"}}}]
    session["cells"][0]["execution_count"] = 7
    session["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "internal figures"}]
    model = {"type": "notebook", "content": session}

    class Manager:
        root_dir = str(tmp_path)

    pre_save_hook(model, "notebooks/n.ipynb", Manager())
    saved = model["content"]
    assert "widgets" not in saved["metadata"]
    assert saved["cells"][0]["outputs"] == []
    assert saved["cells"][0]["execution_count"] is None
    assert saved["cells"][1]["outputs"][0]["text"] == "stored"  # the anchor as it was on disk
    assert saved["cells"][1]["execution_count"] == 2  # second code cell
    assert interactive_leftovers(saved) == []


def test_cycle_summary_says_which_run_it_read(tmp_path):
    assert not results_source(tmp_path, in_run=False).found
    note = source_note(results_source(tmp_path, in_run=False), "2009-Q4").data
    assert "review run --cycle 2009-Q4" in note
    assert "make report" in note
    (tmp_path / "jar_haringey.results.json").write_text("{}", encoding="utf-8")
    (tmp_path / "manifest.json").write_text(json.dumps({
        "produced": "2010-01-05T09:30:00+00:00", "status": "failed", "git": {"commit": "0123456789abcdef"},
        "parameters": {"jar_haringey": {"audience": "internal"}}}), encoding="utf-8")
    source = results_source(tmp_path, in_run=False)
    note = source_note(source, "2009-Q4").data
    assert "produced 2010-01-05T09:30:00+00:00" in note
    assert "internal audience" in note
    assert "0123456789ab" in note
    assert "FAILED" in note
    assert report_href("gose_performance", ResultsSource("outputs/2009-Q4", True, False)) == \
        "../outputs/2009-Q4/gose_performance.html"


def test_action_plan_lens_shares_done_by_source():
    register = pd.DataFrame({
        "action_id": ["A1", "A2", "A3", "A4"], "source": ["jar_haringey", "jar_haringey", "jar_haringey", "scr"],
        "item": ["J02", "J03", "J07", "SCR-1"], "audit_id": [None] * 4, "action": ["a", "b", "c", "d"],
        "owner_role": ["SM", "DCS", "TM", "AD"], "cycle_raised": ["2009-Q4"] * 4,
        "due_date": ["2010-01-31"] * 4, "status": ["done", "done", "open", "in progress"]})
    evidence = _evidence(MODERATED)
    evidence = Evidence("hand-built", MappingProxyType(dict(evidence.tables) | {"actions": register}),
                        evidence.scales, evidence.criteria)
    lens = LENSES["cycle_summary"]
    by_source = summarise(lens, lens.build(evidence), "by source")
    # jar_haringey: A1 and A2 done of A1-A3 -> 2 of 3; scr: A4 in progress -> 0 of 1
    assert by_source.loc["jar_haringey", ["met", "n"]].tolist() == [2, 3]
    assert by_source.loc["scr", ["met", "n"]].tolist() == [0, 1]
    shown = format_summary(by_source, "rate", DisclosurePolicy("internal"), labels=lens.labels)
    assert list(shown.columns) == ["", "actions", "done", "rate"]
    assert shown.set_index("").loc["jar_haringey", "rate"] == "66.7%"  # 2/3
