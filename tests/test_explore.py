"""The explorers' logic on small hand-built evidence: this selection gives this table.

Every expected value is worked out by hand in the comment beside it.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from types import MappingProxyType

import pandas as pd
import pytest

from review.batch.notebook_outputs import interactive_leftovers, pre_save_hook
from review.config.parameters_cell import undeclared_names
from review.config.paths import project_root
from review.data.load import Evidence, GradeScale
from review.exceptions import ParameterError
from review.explore.export import EmptySelection, export_tables
from review.explore.lenses import (
    ALL,
    LENSES,
    apply_selection,
    audit_grades,
    criterion_results,
    options,
    summarise,
    trend,
)
from review.explore.tables import Shown, summary_table
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
    types = pd.DataFrame({"audit_type": ["case file", "supervision"], "kind": ["case file", "supervision"],
                          "label": ["Case-file audits", "Supervision audits"]})
    tables = {"audits": pd.DataFrame(audits), "criteria": criteria, "self_assessments": sa, "evidence_map": emap,
              "audit_types": types}
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
    assert grades.loc["A1", ["first_grade", "final_grade"]].tolist() == ["Adequate", "Good"]
    assert grades.loc["A1", "moderator_tier"] == "Service Manager (SM)"  # words, not the code alone
    assert grades.loc["A1", "moderated"] == "yes"
    # A4 and A5 were not moderated: their final grade is their first grade.
    assert grades.loc["A4", "final_grade"] == "Good"
    assert grades.loc["A4", "moderated"] == "no"
    # Good is Good or better (1), Inadequate is not (0).
    assert grades["met"].tolist() == [1.0, 1.0, 0.0]
    # grades in the scale's order, not alphabetical
    assert list(grades["final_grade"].cat.categories) == ["Good", "Inadequate"]


def test_only_case_file_audits_are_the_basis():
    supervision = dict(_audit("S1", "2009-Q4", "C7", "TM", "Good"), audit_type="supervision")
    grades = audit_grades(_evidence([*MODERATED, supervision]))
    assert "S1" not in set(grades["audit_id"])  # a supervision audit is not a case-file audit
    assert set(grades["audit_type"]) == {"Case-file audits"}  # the evidence's own words


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
    # the finding from the evidence map, with its words; the criterion in the criteria table's words
    assert {str(f)[:5] for f in long["jar_finding"]} == {"J11: "}
    assert set(long["criterion"].astype(str)) == {"The child was seen"}


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


def _many(cycle, team, good, bad, start=0, tier="TM"):
    """``good`` + ``bad`` random case-file audits of one team, none moderated."""
    return [_audit(f"{cycle}-{team}-{i}", cycle, f"{cycle}-{team}-C{i}", tier, "Good" if i < good else "Adequate",
                   team=team, auditor=f"{tier}-{team}") for i in range(start, start + good + bad)]


def test_rates_carry_intervals_and_small_group_notes():
    rows = pd.DataFrame({"team": ["A"] * 12 + ["B"] * 3, "met": [1.0] * 8 + [0.0] * 4 + [1.0] * 3})
    shown = summary_table(LENSES["gose_performance"], rows, "by team", DisclosurePolicy("internal"), heading="team")
    a = shown.frame.set_index("team").loc["A"]
    # 8 of 12: Wilson 95% interval (z = 1.959964, z^2 = 3.841459): centre (8 + 1.920730) / 15.841459
    # = 0.626256; half-width 1.959964 * sqrt(8*4/12 + 0.960365) / 15.841459 = 1.959964 * 1.904483 /
    # 15.841459 = 0.235628 -> 0.3906 to 0.8619
    assert round(a["interval from"], 4) == 0.3906
    assert round(a["interval to"], 4) == 0.8619
    assert a["rate"] == 8 / 12
    assert shown.frame.set_index("team").loc["B", "note"] == "small group (fewer than 10 case files)"  # 3 < 10
    assert shown.total == 15  # the caption counts what the table shows: 12 + 3


def test_published_explorer_figure_equals_the_reports():
    """The GOSE report's headline is final grades of the random sample of case-file audits; the
    explorer opens on that basis, and its published default table gives the same figure."""
    audits = (_many("2009-Q4", "A", 10, 6) + _many("2009-Q4", "B", 9, 7, tier="SM")
              + [dict(a, selection="themed") for a in _many("2009-Q4", "C", 1, 5)]
              + [dict(a, audit_type="supervision") for a in _many("2009-Q4", "D", 7, 0)])
    state = ExplorerState(LENSES["gose_performance"], _evidence(audits), "2009-Q4", DisclosurePolicy("published"))
    state.set_audience("published")
    assert state.selection["selection"] == "random"
    trend = state.trend().frame.set_index("quarter").loc["2009-Q4"]
    # random case files: A 10 Good of 16, B 9 of 16 -> 19 of 32; themed (C) and supervision (D) left out
    assert (trend["case files"], trend["final grade Good or better"]) == (32, 19)
    assert trend["rate"] == 19 / 32  # the report prints 59.4%, as Shown.text does
    assert state.trend().text().set_index("quarter").loc["2009-Q4", "rate"] == "59.4%"
    assert "the table counts 32 case files" in state.caption()
    assert "Basis: case-file audits" in state.basis()


def test_demo_published_explorer_equals_the_gose_report(root):
    from review.analyses.context import context
    from review.analyses.gose import gose_result
    from review.config.frameworks import FRAMEWORKS
    from review.config.params import COMMON_PARAMS, RunParameters

    values = {p.name: p.default for p in COMMON_PARAMS + FRAMEWORKS["gose_performance"].params}
    ctx = context(RunParameters("gose_performance", MappingProxyType(values)))
    report = gose_result(ctx).audits.random_final
    state = ExplorerState(LENSES["gose_performance"], ctx.evidence, ctx.cycle, ctx.policy)
    state.set_audience("published")
    line = state.trend().frame.set_index("quarter").loc[ctx.cycle]
    assert (line["final grade Good or better"], line["case files"]) == (report.k, report.n)
    assert line["rate"] == report.statistic


def _shown_counts(state):
    """Every count the published view shows, over every view and quarter an analyst can choose."""
    seen = {}
    for quarter in state.dimensions()[0][2]:
        state.selection["cycle"] = quarter
        for view in state.views():
            state.view = view
            seen[(quarter, view)] = state.summary()
        seen[(quarter, "trend")] = state.trend()
    return seen


def test_no_published_view_can_be_differenced_to_a_withheld_count():
    # team A has 3 audits (a count of 1 to 5): withheld. Were the other teams and the quarter's
    # total shown, A would be total - B - C.
    audits = _many("2009-Q4", "A", 2, 1) + _many("2009-Q4", "B", 12, 8) + _many("2009-Q4", "C", 15, 10)
    audits += _many("2009-Q3", "A", 10, 10) + _many("2009-Q3", "B", 4, 0)
    state = ExplorerState(LENSES["gose_performance"], _evidence(audits), "2009-Q4", DisclosurePolicy("published"))
    state.set_audience("published")
    assert ALL not in state.dimensions()[0][2]  # no total across quarters in the published view
    assert all(not enabled for _, _, _, enabled in state.dimensions()[1:])  # filters fixed at the report's basis
    state.view = "by team"
    by_team = state.summary().frame.set_index("team")["case files"]
    assert by_team["A"] == "c"
    total = state.trend().frame.set_index("quarter").loc["2009-Q4", "case files"]
    # 3 + 20 + 25 = 48 shown as the quarter's total, so a second team must be withheld with A
    assert total == 48
    assert (by_team == "c").sum() >= 2
    # and in every view of every quarter: a total shown with some parts withheld withholds two or more
    for (quarter, view), table in _shown_counts(state).items():
        if view == "trend":
            continue
        parts = table.frame["case files"]
        quarter_total = state.trend().frame.set_index("quarter").loc[quarter, "case files"]
        if quarter_total != "c":
            assert (parts == "c").sum() != 1, (quarter, view)
        shown = [v for v in parts if v != "c"]
        if (parts == "c").sum() == 0 and quarter_total != "c":
            assert sum(shown) == quarter_total  # nothing withheld: the parts add up to the total shown


def test_agencies_ratings_are_shown_as_the_report_shows_them():
    # agencies' ratings are counts of things, not of people: a published page prints "4 of 4"
    ratings = [("2009-Q4", "healthcare_commission", "H1", agency, "agency", "ofsted_2008", "Good", "")
               for agency in ("Acute trust", "Community health", "Mental health trust", "GP practices")]
    state = ExplorerState(LENSES["healthcare_commission"], _evidence(MODERATED, ratings), "2009-Q4",
                          DisclosurePolicy("published"))
    state.set_audience("published")
    row = state.summary().frame.iloc[0]
    assert row["issue"] == "H1: Governance"  # the item's own words
    assert (row["Good"], row["Total"]) == (4, 4)


def _state(audience="internal"):
    ratings = [("2009-Q4", "governance", "G1.1", f"M{m}", "area manager", "zero_ten", str(s), "")
               for m, s in zip("ABCDEFGHIJKL", [7, 8, 6, 9, 7, 5, 8, 7, 6, 9, 8, 7], strict=True)]
    state = ExplorerState(LENSES["governance"], _evidence(MODERATED, ratings), "2009-Q4", DisclosurePolicy("published"))
    state.set_audience(audience)
    return state


def test_person_filters_and_views_are_internal_only():
    internal = _state("internal")
    assert "manager" in [c for c, _, _, _ in internal.dimensions()]
    assert "by manager" in internal.views()
    managers = internal.dimensions()[-1][2]
    # pseudonyms become tier, team and a number, never the pseudonym itself
    assert managers[1] == "area manager, team not recorded, manager 1"
    internal.selection["manager"] = managers[1]
    internal.view = "by manager"
    internal.set_audience("published")
    # publishing resets the person filter and the per-person view
    assert internal.selection["manager"] == ALL
    assert internal.view == "by axis"
    assert "manager" not in [c for c, _, _, _ in internal.dimensions()]
    with pytest.raises(PermissionError):
        internal.records()


def test_caption_counts_what_the_table_shows():
    state = _state("internal")
    state.selection["manager"] = state.dimensions()[-1][2][1]
    assert state.caption().endswith("the table counts 1 scores")  # one score by manager 1
    state.set_audience("published")
    # twelve scores once the manager filter is reset
    assert state.caption().endswith("the table counts 12 scores")
    state.selection["item"] = state.dimensions()[3][2][1]
    state.view = "by item"
    assert state.summary().frame["median"].tolist() == [7.0]  # 12 scores: 5 6 6 7 7 7 7 8 8 8 9 9 -> 7


def test_score_table_shows_median_and_quartiles_and_withholds_a_small_group_when_published():
    scores = {"G1.1": [7, 8, 6, 9, 7, 5, 8, 7, 6, 9, 8, 7], "G1.2": [2, 4, 6, 8]}
    ratings = [("2009-Q4", "governance", item, f"M{item}{i}", "area manager", "zero_ten", str(s), "")
               for item, values in scores.items() for i, s in enumerate(values)]
    state = ExplorerState(LENSES["governance"], _evidence(MODERATED, ratings), "2009-Q4", DisclosurePolicy("published"))
    state.view = "by item"
    table = state.summary().frame.set_index("item")
    one, two = table.loc["G1.1: Roles & responsibilities: the organisation"], table.loc[
        "G1.2: Roles & responsibilities: the individual"]
    # G1.1 sorted: 5 6 6 7 7 7 7 8 8 8 9 9 (12); quartiles interpolated linearly between order statistics
    # (positions 0 to 11): 0.25 * 11 = 2.75 -> 6 + 0.75 * (7 - 6) = 6.75; median (7 + 7) / 2 = 7;
    # 0.75 * 11 = 8.25 -> 8 + 0.25 * (8 - 8) = 8
    assert (one["scores"], one["median"], one["lower quartile"], one["upper quartile"]) == (12, 7.0, 6.75, 8.0)
    assert one["note"] == ""
    # G1.2: 2 4 6 8 -> 0.75 places: 2 + 0.75 * 2 = 3.5; median 5; 2.25 -> 6 + 0.25 * 2 = 6.5; 4 < 10: small
    assert (two["scores"], two["median"], two["lower quartile"], two["upper quartile"]) == (4, 5.0, 3.5, 6.5)
    assert two["note"] == "small group (fewer than 10 scores)"
    state.set_audience("published")
    state.view = "by item"
    published = state.summary().frame.set_index("item")
    # 4 scores (1 to 5) withheld, and G1.1's 12 with them: the quarter's 16 is shown, and 16 - 12 = 4
    assert published["scores"].tolist() == ["c", "c"]
    assert published[["median", "lower quartile", "upper quartile"]].eq("c").all().all()
    assert state.trend().frame.set_index("quarter").loc["2009-Q4", "scores"] == 16


def test_last_cycle_column_is_filled_for_the_previous_quarter():
    audits = MODERATED + [_audit("B1", "2009-Q3", "C9", "TM", "Good"), _audit("B2", "2009-Q3", "C8", "TM", "Adequate")]
    state = ExplorerState(LENSES["gose_performance"], _evidence(audits), "2009-Q4", DisclosurePolicy("published"))
    state.view = "by team"
    last = state.last_cycle().text().set_index("team")
    # team A: this cycle 2 of 2 (100.0%), last cycle 1 of 2 (50.0%)
    assert last.loc["A", "2009-Q4: rate"] == "100.0%"
    assert last.loc["A", "2009-Q3: rate"] == "50.0%"
    # team B had no audit last cycle: not available
    assert last.loc["B", "2009-Q3: rate"] == ":"


def test_trend_points_are_percent_ready_with_gaps_for_withheld_and_missing_quarters():
    audits = _many("2009-Q1", "A", 12, 8) + _many("2009-Q2", "A", 2, 1) + _many("2009-Q4", "A", 14, 6)
    state = ExplorerState(LENSES["gose_performance"], _evidence(audits), "2009-Q4", DisclosurePolicy("published"))
    points = state.trend_points()
    assert list(points.index) == ["2009-Q1", "2009-Q2", "2009-Q3", "2009-Q4"]  # Q3 has no audit: still a point
    assert points["value"].tolist()[0] == 12 / 20
    assert pd.isna(points["value"]["2009-Q3"])
    assert bool(points["small"]["2009-Q2"])  # 3 audits: under 10
    state.set_audience("published")
    points = state.trend_points()
    # Q2: 3 audits (1 to 5) withheld, Q3 missing: both gaps; Q1 12 of 20 and Q4 14 of 20 (6 not) drawn
    assert pd.isna(points["value"]["2009-Q2"])
    assert pd.isna(points["value"]["2009-Q3"])
    assert points["value"]["2009-Q4"] == 14 / 20


def test_export_is_data_with_its_filters_recorded(tmp_path):
    audits = _many("2009-Q4", "A", 12, 8) + _many("2009-Q4", "B", 9, 6)
    state = ExplorerState(LENSES["gose_performance"], _evidence(audits), "2009-Q4", DisclosurePolicy("published"))
    state.selection["team"] = "A"
    state.view = "by team"
    when = dt.datetime(2010, 1, 5, 9, 30)
    book = export_tables(state.tables(), framework="gose_performance", cycle="2009-Q4", audience="internal",
                         filters={"team": "A", "tier": ALL}, about=state.about(), fmt="xlsx",
                         records=state.records(), folder=tmp_path, now=when)
    assert book.name == "gose_performance-2009-Q4-internal-team-a-20100105-093000.xlsx"  # the filter is named
    sheets = pd.read_excel(book, sheet_name=None)
    assert set(sheets) == {"summary", "quarter by quarter", "this quarter and last", "records", "about"}
    summary = sheets["summary"].set_index("team")
    assert summary.loc["A", "case files"] == 20
    assert summary.loc["A", "rate"] == 0.6
    assert pd.api.types.is_numeric_dtype(sheets["summary"]["rate"])
    about = sheets["about"].set_index("field")["value"]
    assert about["filter: team"] == "A"
    assert about["audience"] == "internal"
    assert about["cycle"] == "2009-Q4"
    assert about["caption"].startswith("Case-file audits")
    assert "commit" in about.index
    from openpyxl import load_workbook

    cell = load_workbook(book)["summary"]["D2"]  # the rate of the first row
    assert cell.data_type == "n"
    assert cell.number_format == "0.0%"
    assert load_workbook(book)["summary"]["A1"].value == "team"  # the first column is named


def test_export_is_formula_safe_never_overwrites_and_keeps_records_internal(tmp_path):
    frame = pd.DataFrame({"team": ["=HYPERLINK(\"x\")", "B"], "rate": [0.6, "c"]})
    table = {"summary": Shown(frame, {"rate": "share"}, 2)}
    when = dt.datetime(2010, 1, 5, 9, 30)
    args = {"framework": "jar_haringey", "cycle": "2009-Q4", "audience": "published", "filters": {},
            "about": {}, "folder": tmp_path, "now": when}
    first = export_tables(table, fmt="csv", **args)
    second = export_tables(table, fmt="csv", **args)
    assert first.name == "jar_haringey-2009-Q4-published-20100105-093000.csv"
    assert second.name == "jar_haringey-2009-Q4-published-20100105-093000-2.csv"
    assert pd.read_csv(first, encoding="utf-8-sig")["team"].tolist() == ["'=HYPERLINK(\"x\")", "B"]
    assert (tmp_path / "jar_haringey-2009-Q4-published-20100105-093000.about.csv").exists()
    book = export_tables(table, fmt="xlsx", **args)
    assert pd.read_excel(book)["team"].tolist() == ["'=HYPERLINK(\"x\")", "B"]
    with pytest.raises(PermissionError):
        export_tables(table, fmt="xlsx", records=frame, **args)
    with pytest.raises(ParameterError):
        export_tables(table, fmt="csv", **(args | {"framework": "../x"}))


def test_an_empty_selection_writes_nothing(tmp_path):
    state = ExplorerState(LENSES["gose_performance"], _evidence(MODERATED), "2009-Q4", DisclosurePolicy("published"))
    state.selection["team"] = "B"
    state.selection["case_type"] = "LAC"  # no LAC audit in team B
    with pytest.raises(EmptySelection, match="nothing matches the selection"):
        export_tables(state.tables(), framework="gose_performance", cycle="2009-Q4", audience="internal",
                      filters={}, about={}, fmt="xlsx", folder=tmp_path)
    assert list(tmp_path.iterdir()) == []


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
    # sources in words: a framework by its title (config/frameworks.py), scr as the action plan's page names it
    jar, scr = "JAR Haringey 2008 findings: stocktake", "Serious case review action plans"
    # jar_haringey: A1 and A2 done of A1-A3 -> 2 of 3; scr: A4 in progress -> 0 of 1
    assert by_source.loc[jar, ["met", "n"]].tolist() == [2, 3]
    assert by_source.loc[scr, ["met", "n"]].tolist() == [0, 1]
    shown = summary_table(lens, lens.build(evidence), "by source", DisclosurePolicy("internal"), heading="source")
    assert list(shown.frame.columns)[:4] == ["source", "actions", "done", "rate"]
    assert shown.text().set_index("source").loc[jar, "rate"] == "66.7%"  # 2/3
    # the drop-down offers the words, in the register's order of sources (frameworks, then the others)
    assert options(lens.build(evidence), "source") == [ALL, jar, scr]


def test_run_guard_refuses_later_cells_until_the_check_passes():
    from review.config.run_guard import RunGuard

    guard = RunGuard()
    guard.checked(ok=False, error="ParameterError: notebook governance: the parameters cell defines cylce")
    refused = guard.transform(["views.headlines(result, policy)\n"])
    assert refused[0].startswith("raise ")
    assert "not run: fix the error above" in refused[0]
    assert "cylce" in refused[0]  # the error named again, in one line
    assert guard.transform(["cycle: str = '2009-Q3'  # the quarter\n"]) == ["cycle: str = '2009-Q3'  # the quarter\n"]
    check = "p = review.config.params.from_notebook('governance', globals())\n"
    assert guard.transform([check]) == [check]  # the check itself always runs
    guard.checked(ok=True)
    assert guard.transform(["views.headlines(result, policy)\n"]) == ["views.headlines(result, policy)\n"]


@pytest.mark.notebook
def test_a_misspelt_parameter_stops_every_later_cell_in_the_kernel(root, tmp_path):
    """In a kernel, as in JupyterLab: a good run, then a misspelt parameter; every later cell run
    on its own (as Shift+Enter does) shows "not run" instead of the earlier run's figures."""
    import os

    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(root / "notebooks" / "governance.ipynb", as_version=4)
    params = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    good = nbformat.v4.new_code_cell(nb.cells[params].source)
    bad = nbformat.v4.new_code_cell(nb.cells[params].source.replace("cycle: str", "cylce: str"))
    check = nb.cells[params + 1]
    later = [c for c in nb.cells[params + 2:] if c.cell_type == "code" and "review-explorer-section"
             not in c.metadata.get("tags", [])]
    first = [nbformat.v4.new_code_cell(c.source) for c in later[:2]]
    nb.cells = [good, check, *first, bad, nbformat.v4.new_code_cell(check.source), *later]
    client = NotebookClient(nb, kernel_name="python3", timeout=300, allow_errors=True,
                            resources={"metadata": {"path": str(root / "notebooks")}})
    client.execute(env={**os.environ, "REVIEW_BATCH": "1"})
    first_run = nb.cells[2:4]
    assert all(o.output_type != "error" for c in first_run for o in c.outputs)  # the good run showed figures
    failed = nb.cells[5].outputs
    assert failed[0].output_type == "error"
    assert "cylce" in failed[0].evalue
    for cell in nb.cells[6:]:
        kinds = [o.output_type for o in cell.outputs]
        assert kinds == ["error"], cell.source[:80]  # no figure, no stale table
        assert cell.outputs[0].ename == "NotRun"
        assert cell.outputs[0].evalue.startswith("not run: fix the error above")


def test_region_comparison_refuses_a_misspelt_parameter_and_an_uncovered_cycle():
    from review.config.region import COMPARISON_PARAMS, check_cycle_covered, from_notebook

    values = {p.name: p.default for p in COMPARISON_PARAMS}
    cell = "region_file = ''\ncylce = '2009-Q3'"
    with pytest.raises(ParameterError, match="cylce, which is not a parameter of region_comparison"):
        from_notebook(values | {"In": ["", cell, "p = from_notebook(globals())"]})
    with pytest.raises(ParameterError, match="`audience`"):
        from_notebook(values | {"audience": "everyone"})
    with pytest.raises(ParameterError, match="2011-Q1 has no evidence in the region; the authorities' evidence "
                                             "covers 2009-Q3, 2009-Q4"):
        check_cycle_covered("2011-Q1", ["2009-Q4", "2009-Q3", "2009-Q4"])


@pytest.mark.notebook
def test_region_notebook_refuses_an_uncovered_cycle_and_leaves_no_temporary_folder(root, tmp_path):
    import os

    import papermill as pm

    temp = tmp_path / "tmp"
    temp.mkdir()
    old = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(temp)
    try:
        with pytest.raises(pm.PapermillExecutionError, match="2011-Q1 has no evidence"):
            pm.execute_notebook(str(root / "notebooks" / "region_comparison.ipynb"), str(tmp_path / "out.ipynb"),
                                parameters={"cycle": "2011-Q1"}, kernel_name="python3", progress_bar=False,
                                cwd=str(root))
    finally:
        if old is None:
            os.environ.pop("TMPDIR")
        else:
            os.environ["TMPDIR"] = old
    assert [p.name for p in temp.iterdir() if not p.name.startswith(("tmp", "pymp"))] == []
    assert not any(p.is_dir() and any(p.rglob("region.yaml")) for p in temp.iterdir())  # the synthetic region is gone


def test_region_explorer_shows_the_funnel_position_as_the_page_does(tmp_path):
    from review.analyses.region import compare_region_counts
    from review.explore.region import RegionState

    state = RegionState.__new__(RegionState)  # the comparison given, not computed from evidence
    full = compare_region_counts({"A": (3, 40), "B": (40, 50), "C": (42, 50), "D": (38, 50)})
    state.evidence, state.cycle, state.measure, state.authority = dict.fromkeys("ABCD"), "", "m", "A"
    state._full = {"": full}
    state.policies = {a: DisclosurePolicy(a) for a in ("internal", "published")}
    state.criteria, state.neighbours, state.names = None, {}, {}
    state.audience = "internal"
    row = state.position().frame.iloc[0]
    assert row["rate"] == 3 / 40
    assert row["position"] == "low alarm"
    state.audience = "published"
    row = state.position().frame.iloc[0]
    # 3 is a count of 1 to 5: A is left out of the regional rate, as on the page (120/150 = 80%)
    assert row["rate"] == "c"
    assert row["regional rate"] == 120 / 150
    assert "withheld" in row["position"]
    book = export_tables({"position": state.position(), "every authority": state.everyone()},
                         framework="region_comparison", cycle="2009-Q4", audience="published",
                         filters={"authority": "A"}, about={}, fmt="xlsx", folder=tmp_path)
    assert pd.read_excel(book, sheet_name="position")["regional rate"].tolist() == [0.8]  # a number


def test_the_region_explorer_s_export_names_the_quarter_as_the_pages_do(tmp_path, monkeypatch):
    """The export's about sheet names the quarter in words, with its cycle id, as every page does."""
    from review.analyses.region import compare_region_counts
    from review.explore import region as explorer

    state = explorer.RegionState.__new__(explorer.RegionState)
    state.evidence, state.cycle, state.measure, state.authority = dict.fromkeys("ABCD"), "2009-Q4", "m", "A"
    state._full = {"2009-Q4": compare_region_counts({"A": (30, 40), "B": (40, 50), "C": (42, 50), "D": (38, 50)})}
    state.policies = {a: DisclosurePolicy(a) for a in ("internal", "published")}
    state.criteria, state.neighbours, state.names, state.audience = None, {}, {}, "internal"
    monkeypatch.setattr(explorer, "export_tables", functools.partial(export_tables, folder=tmp_path))
    explorer._export(state)
    (book,) = tmp_path.glob("*.xlsx")
    about = dict(pd.read_excel(book, sheet_name="about").itertuples(index=False))
    assert about["caption"] == ("m, Q3 2009/10 (October to December 2009) (cycle 2009-Q4): "
                                "the authority's position on the funnel")
    assert "this quarter" in about["basis"]


def test_review_lab_passes_jupyterlab_options_through(monkeypatch):
    import review.cli as cli

    seen = []
    monkeypatch.setattr(cli.os, "execve", lambda path, argv, env: seen.append(argv))
    assert cli.main(["lab", "--port", "8890", "--no-browser", "--ServerApp.token=x"]) == 0
    assert seen[0][-4:] == ["--port", "8890", "--no-browser", "--ServerApp.token=x"]
    assert "--ServerApp.ip=127.0.0.1" in seen[0]
    cli.main(["lab", "--", "--ServerApp.port_retries=0"])
    assert seen[1][-1] == "--ServerApp.port_retries=0"
    assert "--" not in seen[1]


def test_saving_never_stores_session_parameters_or_view_metadata(tmp_path):
    disk = {"nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                                        "name": "python3"}, "language_info": {"name": "python"}},
            "cells": [{"id": "p1", "cell_type": "code", "source": "cycle: str = '2009-Q4'",
                       "metadata": {"tags": ["parameters"], "jupyter": {"source_hidden": True}},
                       "execution_count": None, "outputs": []}]}
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "n.ipynb").write_text(json.dumps(disk), encoding="utf-8")
    session = json.loads(json.dumps(disk))
    session["cells"][0]["source"] = "cycle: str = '2009-Q2'"
    session["cells"][0]["metadata"] = {"tags": ["parameters"], "jupyter": {"source_hidden": False}, "scrolled": True}
    session["metadata"]["kernelspec"]["display_name"] = "Python 3"

    class Manager:
        root_dir = str(tmp_path)

    model = {"type": "notebook", "content": session}
    pre_save_hook(model, "notebooks/n.ipynb", Manager())
    saved = model["content"]
    assert saved["cells"][0]["source"] == "cycle: str = '2009-Q4'"  # the session's parameter stays in the session
    assert saved["cells"][0]["metadata"] == disk["cells"][0]["metadata"]
    assert saved["metadata"] == disk["metadata"]
    assert interactive_leftovers(saved) == []
    assert interactive_leftovers(session) != []  # --check sees the churn a save without the hook writes


def test_filters_survive_a_rerun_in_the_same_kernel():
    audits = _many("2009-Q4", "A", 12, 8) + _many("2009-Q4", "B", 9, 6) + _many("2009-Q3", "A", 5, 5)
    evidence = _evidence(audits)
    state = ExplorerState(LENSES["gose_performance"], evidence, "2009-Q4", DisclosurePolicy("published"))
    state.selection |= {"team": "B", "cycle": "2009-Q3"}
    state.view = "by team"
    again = ExplorerState(LENSES["gose_performance"], evidence, "2009-Q4", DisclosurePolicy("published"))
    again.restore(state.remember())
    assert (again.selection["team"], again.selection["cycle"], again.view) == ("B", "2009-Q3", "by team")
    stale = state.remember() | {"selection": {"team": "Z"}}  # a team the evidence no longer has
    fresh = ExplorerState(LENSES["gose_performance"], evidence, "2009-Q4", DisclosurePolicy("published"))
    fresh.restore(stale)
    assert fresh.selection["team"] == ALL


def _with_frame(evidence, frame_size, cycle="2009-Q4"):
    """``evidence`` with a sampling frame of ``frame_size`` open cases in ``cycle``."""
    frame = pd.DataFrame({"cycle": [cycle] * frame_size, "case_ref": [f"F{i}" for i in range(frame_size)]})
    return Evidence("hand-built", MappingProxyType(dict(evidence.tables) | {"frame": frame}), evidence.scales,
                    evidence.criteria)


def test_the_explorers_interval_is_the_reports_on_the_same_selection():
    """The report's headline: random case files, final grades, 19 of 32 (A 10 of 16, B 9 of 16),
    drawn from a frame of 50 open cases: Wilson with the finite population correction, z^2 scaled
    by (N - n) / (N - 1) = 18 / 49: z'^2 = 3.841459 * 18 / 49 = 1.411148; centre (19 + 0.705574) /
    33.411148 = 0.589790; half-width sqrt(1.411148) * sqrt(19 * 13 / 32 + 0.352787) / 33.411148 =
    0.101012 -> 0.4888 to 0.6908. Plain Wilson would be 0.4226 to 0.7448. With the themed audits
    (C, 1 of 6) the files were not all drawn at random: plain Wilson on 20 of 38, 0.3726 to 0.6752."""
    from review.analyses.context import Context
    from review.analyses.gose import gose_result
    from review.config.frameworks import FRAMEWORKS
    from review.config.params import COMMON_PARAMS, RunParameters

    audits = (_many("2009-Q4", "A", 10, 6) + _many("2009-Q4", "B", 9, 7, tier="SM")
              + [dict(a, selection="themed") for a in _many("2009-Q4", "C", 1, 5)])
    evidence = _with_frame(_evidence(audits), 50)
    values = {p.name: p.default for p in COMMON_PARAMS + FRAMEWORKS["gose_performance"].params}
    ctx = Context(RunParameters("gose_performance", MappingProxyType(values)), evidence,
                  DisclosurePolicy("published"), "2009-Q4", "2009-Q3")
    report = gose_result(ctx, learning=False).audits.random_final
    assert (report.k, report.n, report.population) == (19, 32, 50)
    state = ExplorerState(LENSES["gose_performance"], evidence, "2009-Q4", DisclosurePolicy("published"))
    for audience in ("internal", "published"):
        state.set_audience(audience)
        line = state.trend().frame.set_index("quarter").loc["2009-Q4"]
        assert (line["interval from"], line["interval to"]) == (report.confidence_interval.low,
                                                                report.confidence_interval.high)
        assert (round(line["interval from"], 4), round(line["interval to"], 4)) == (0.4888, 0.6908)
    assert "finite population correction" in state.basis()
    state.set_audience("internal")
    state.selection["selection"] = ALL  # the themed audits too: not all drawn at random, plain Wilson
    line = state.trend().frame.set_index("quarter").loc["2009-Q4"]
    assert (line["final grade Good or better"], line["case files"]) == (20, 38)
    assert (round(line["interval from"], 4), round(line["interval to"], 4)) == (0.3726, 0.6752)
    # the frame is of 2009-Q4: the same random files in a quarter without a frame get plain Wilson
    q3 = _with_frame(_evidence([dict(a, cycle="2009-Q3") for a in audits]), 50)
    other = ExplorerState(LENSES["gose_performance"], q3, "2009-Q3", DisclosurePolicy("published"))
    line = other.trend().frame.set_index("quarter").loc["2009-Q3"]
    assert (round(line["interval from"], 4), round(line["interval to"], 4)) == (0.4226, 0.7448)


def test_a_small_group_is_counted_in_case_files_not_answers():
    """JAR answers: early help 4 case files with 7 criteria answered on each (28 answers, more
    than 10), in need 12 files (84 answers). The protected unit is the child's file: early help is
    a small group (4 < 10 case files), in need is not."""
    rows = pd.DataFrame([{"case_ref": f"{t}-{f}", "case_type": t, "criterion": f"c{c}", "met": 1.0}
                         for t, files in (("Early help", 4), ("CIN", 12)) for f in range(files) for c in range(7)])
    table = summary_table(LENSES["jar_haringey"], rows, "by case_type", DisclosurePolicy("internal")).frame
    notes = table.set_index("case_type")["note"]
    assert table.set_index("case_type").loc["Early help", "answers"] == 28
    assert notes["Early help"] == "small group (fewer than 10 case files)"
    assert notes["CIN"] == ""


def test_action_sources_are_words_and_remedial_actions_still_count_files():
    register = pd.DataFrame({
        "action_id": ["A1", "A2", "A3"], "source": ["audit", "inspection", "healthcare_commission"],
        "item": [None, "SC123456", "H1"], "audit_id": ["X1", None, None], "action": ["a", "b", "c"],
        "owner_role": ["TM", "SM", "AD"], "cycle_raised": ["2009-Q4"] * 3,
        "due_date": ["2010-01-31"] * 3, "status": ["open", "done", "done"]})
    evidence = _evidence(MODERATED)
    evidence = Evidence("hand-built", MappingProxyType(dict(evidence.tables) | {"actions": register}),
                        evidence.scales, evidence.criteria)
    table = LENSES["cycle_summary"].build(evidence)
    by_item = table.set_index("item")  # a remedial action's item is its audit
    assert by_item.loc["X1", "source"] == "Remedial action on Inadequate files"
    assert by_item.loc["X1", "unit"] == "remedial actions"  # the protected unit: a child's file
    assert by_item.loc["SC123456", "source"] == "Actions on inspections of regulated services"
    assert by_item.loc["H1", "source"] == "Healthcare Commission review: the 7 headline issues"
    assert not {"audit", "inspection", "healthcare_commission"} & set(options(table, "source"))


def test_the_quarter_is_named_as_the_pages_name_it():
    state = ExplorerState(LENSES["gose_performance"], _evidence(MODERATED), "2009-Q4", DisclosurePolicy("published"))
    assert "Q3 2009/10 (October to December 2009)" in state.caption()
