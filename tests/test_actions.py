"""The action register: validation, the action plan's counts, ageing, overdue, the two-cycle flag,
remedial action on Inadequate files and the drafted proposal, on small hand-built evidence."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from openpyxl import load_workbook
from scipy import stats

from review.analyses import actions
from review.analyses.red_items import red_in
from review.batch.action_draft import Proposal, propose, write_draft
from review.cli import main
from review.data import load_evidence
from review.data.io import read_table
from review.data.schema import DATASETS
from review.exceptions import DataValidationError, ParameterError

_BASE = {
    "grade_scales.csv": "scale_id,position,label,good_or_better,not_applicable\n"
                        "ofsted_2008,1,Outstanding,yes,no\nofsted_2008,2,Good,yes,no\n"
                        "ofsted_2008,3,Adequate,no,no\nofsted_2008,4,Inadequate,no,no\n",
    "criteria.csv": "criterion,label,scale_id,audit_types\nchild_seen,Child seen,ofsted_2008,case file\n",
    "teams.csv": "team,service\nT1,S1\n",
    "frame.csv": "cycle,case_ref,team,case_type,allocated_worker,team_manager,opened_date,last_audit_date\n"
                 + "".join(f"2009-Q1,C{i},T1,CP,W1,M1,2008-01-01,\n" for i in range(1, 6)),
    # A1, A2, A5 Inadequate first case-file audits; A3 Good; A4 re-audits A1 (a moderation, not a new file)
    "audits.csv": "audit_id,cycle,case_ref,case_type,team,audit_type,auditor_id,auditor_tier,audit_date,selection,"
                  "theme,moderation_of,grade_scale,overall_grade,child_seen\n"
                  "A1,2009-Q1,C1,CP,T1,case file,S1,TM,2009-02-01,random,,,ofsted_2008,Inadequate,Good\n"
                  "A2,2009-Q1,C2,CP,T1,case file,S1,TM,2009-02-02,random,,,ofsted_2008,Inadequate,Good\n"
                  "A3,2009-Q1,C3,CP,T1,case file,S1,TM,2009-02-03,random,,,ofsted_2008,Good,Good\n"
                  "A4,2009-Q1,C1,CP,T1,case file,S2,SM,2009-02-10,random,,A1,ofsted_2008,Inadequate,Good\n"
                  "A5,2009-Q1,C5,CP,T1,case file,S1,TM,2009-03-20,random,,,ofsted_2008,Inadequate,Good\n",
}
_HEADER = ",".join(c.name for c in DATASETS["actions"].columns) + "\n"

# The register of the analysis tests (row numbers as a user sees them: the header is row 1).
REGISTER = _HEADER + (
    "X1,jar_haringey,J02,,Feedback to referrers,SM,2009-Q1,2009-06-30,open,,\n"             # row 2
    "X2,jar_haringey,J05,,Re-audit assessments,SM,2009-Q3,2010-01-31,in progress,,\n"       # row 3
    "X3,jar_haringey,J07,,Plan workshop,AD,2009-Q2,2009-09-30,done,Minutes,2009-11-15\n"    # row 4
    "X4,lscb_checklist,L1,,Board terms,LSCB chair,2009-Q4,2009-12-15,done,Terms,2010-01-10\n"  # row 5
    "X5,scr,SCR-1,,Training,LSCB business manager,2009-Q2,2009-08-01,dropped,,2009-07-01\n"  # row 6
    "R1,audit,,A1,Put the file right,TM,2009-Q1,2009-03-01,done,File updated,2009-02-20\n"  # row 7
    "R5,audit,,A5,Put the file right,TM,2009-Q1,2009-04-17,open,,\n"                      # row 8
)


def _folder(tmp_path, register: str | None):
    for name, text in _BASE.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    if register is not None:
        (tmp_path / "actions.csv").write_text(register, encoding="utf-8")
    return tmp_path


def _problems(tmp_path, register: str) -> list[str]:
    with pytest.raises(DataValidationError) as info:
        load_evidence(_folder(tmp_path, register))
    return [str(p) for p in info.value.problems]


def _only(problems: list[str], *parts: str) -> None:
    assert any(all(part in p for part in parts) for p in problems), problems


# ---------------------------------------------------------------- validation

def test_the_hand_built_register_is_valid(tmp_path):
    evidence = load_evidence(_folder(tmp_path, REGISTER))
    assert len(evidence.tables["actions"]) == 7


def test_unknown_source_item_is_named_by_file_row_and_column(tmp_path):
    problems = _problems(tmp_path, _HEADER
                         + "Y1,jar_haringey,J12,,a,SM,2009-Q1,2009-06-30,open,,\n"       # row 2: JAR has J01-J11
                         + "Y2,lscb_checklist,J02,,a,SM,2009-Q1,2009-06-30,open,,\n"     # row 3: J02 is not LSCB
                         + "Y3,gose_performance,G3,,a,SM,2009-Q1,2009-06-30,open,,\n"    # row 4: GOSE ids are G01..
                         + "Y4,gose_performance,G03,,a,SM,2009-Q1,2009-06-30,open,,\n"   # row 5: accepted
                         + "Y5,audit,,A9,a,TM,2009-Q1,2009-06-30,open,,\n"                # row 6: no audit A9
                         + "Y6,scr,,,a,SM,2009-Q1,2009-06-30,open,,\n")                   # row 7: no reference
    _only(problems, "actions.csv", "row 2", "item", "unknown source item")
    _only(problems, "actions.csv", "row 3", "item", "unknown source item")
    _only(problems, "actions.csv", "row 4", "item", "G01")
    assert not any("row 5" in p for p in problems), problems
    _only(problems, "actions.csv", "row 6", "audit_id", "no audit has this audit_id")
    _only(problems, "actions.csv", "row 7", "item", "serious case review")


def test_due_date_before_the_cycle_raised_is_refused(tmp_path):
    # 2009-Q2 starts on 2009-04-01: due 2009-03-31 is a day early; due 2009-04-01 is allowed
    problems = _problems(tmp_path, _HEADER
                         + "Y1,jar_haringey,J02,,a,SM,2009-Q2,2009-03-31,open,,\n"
                         + "Y2,jar_haringey,J02,,a,SM,2009-Q2,2009-04-01,open,,\n")
    _only(problems, "actions.csv", "row 2", "due_date", "2009-04-01")
    assert not any("row 3" in p for p in problems), problems


def test_done_needs_evidence_and_a_closing_date(tmp_path):
    problems = _problems(tmp_path, _HEADER
                         + "Y1,jar_haringey,J02,,a,SM,2009-Q1,2009-06-30,done,,2009-05-01\n"   # no evidence
                         + "Y2,jar_haringey,J02,,a,SM,2009-Q1,2009-06-30,done,Minutes,\n"      # no date
                         + "Y3,jar_haringey,J02,,a,SM,2009-Q1,2009-06-30,in progress,,\n")     # fine
    _only(problems, "actions.csv", "row 2", "evidence", "done")
    _only(problems, "actions.csv", "row 3", "closed_date", "done")
    assert not any("row 4" in p for p in problems), problems


def test_duplicate_ids_and_names_instead_of_roles_are_refused(tmp_path):
    problems = _problems(tmp_path, _HEADER
                         + "Y1,jar_haringey,J02,,a,SM,2009-Q1,2009-06-30,open,,\n"
                         + "Y1,jar_haringey,J03,,b,SM,2009-Q1,2009-06-30,open,,\n"
                         + "Y2,jar_haringey,J03,,b,Jane Smith,2009-Q1,2009-06-30,open,,\n")
    _only(problems, "actions.csv", "row 3", "action_id", "duplicate", "first on row 2")
    _only(problems, "actions.csv", "row 4", "owner_role", "expected one of")


# ---------------------------------------------------------------- the action plan

@pytest.fixture
def evidence(tmp_path):
    return load_evidence(_folder(tmp_path, REGISTER))


def test_open_overdue_completed_and_ageing_at_the_end_of_2009_q4(evidence):
    result = actions.analyse(evidence, cycle="2009-Q4", red={}, confidence_level=0.95)
    by = {s.source: s for s in result.by_source}
    # JAR: X1 open (due 2009-06-30 < 2009-12-31: overdue, raised 2009-Q1: 3 cycles ago);
    # X2 in progress (due 2010-01-31: not overdue, raised 2009-Q3: 1 cycle ago);
    # X3 done 2009-11-15, inside 2009-Q4 (Oct-Dec): completed this cycle, not open.
    assert (by["jar_haringey"].open, by["jar_haringey"].overdue, by["jar_haringey"].completed) == (2, 1, 1)
    assert by["jar_haringey"].ageing == {"raised this cycle": 0, "1 cycle": 1, "2 cycles": 0, "3 or more cycles": 1}
    # LSCB: X4 closed 2010-01-10, after 2009-12-31, so open at the cycle's end; due 2009-12-15: overdue; age 0
    assert (by["lscb_checklist"].open, by["lscb_checklist"].overdue, by["lscb_checklist"].completed) == (1, 1, 0)
    assert by["lscb_checklist"].ageing["raised this cycle"] == 1
    # SCR: X5 dropped 2009-07-01: neither open nor completed
    assert (by["scr"].open, by["scr"].completed) == (0, 0)
    assert [a.action_id for a in result.scr] == ["X5"]
    assert result.scr[0].status == "dropped"


def test_the_register_as_it_stood_at_the_end_of_2009_q2(evidence):
    result = actions.analyse(evidence, cycle="2009-Q2", red={}, confidence_level=0.95)
    by = {s.source: s for s in result.by_source}
    # X2 (2009-Q3) and X4 (2009-Q4) not raised yet. X1 due 2009-06-30 = the last day: not before it, so not
    # overdue; X3 raised 2009-Q2, done only on 2009-11-15: open then. 2 open, 0 overdue, 0 completed.
    assert (by["jar_haringey"].open, by["jar_haringey"].overdue, by["jar_haringey"].completed) == (2, 0, 0)
    assert "lscb_checklist" not in by
    # X5 dropped on 2009-07-01, after 2009-06-30: still open then, due 2009-08-01, not overdue
    assert (by["scr"].open, by["scr"].overdue) == (1, 0)


def test_items_red_for_two_cycles_without_an_open_action_are_flagged(evidence):
    j = "jar_haringey"
    red = {"2009-Q2": frozenset({(j, "J09")}),
           "2009-Q3": frozenset({(j, "J02"), (j, "J06")}),
           "2009-Q4": frozenset({(j, "J02"), (j, "J06"), (j, "J07"), (j, "J09")})}
    result = actions.analyse(evidence, cycle="2009-Q4", red=red, confidence_level=0.95)
    items = {r.item_id: r for r in result.red_items}
    # J02: red Q3 and Q4 (2 cycles) but X1 is open -> not flagged, X1 shown
    assert (items["J02"].red_cycles, items["J02"].flagged, [a.action_id for a in items["J02"].actions]) == (2, False, ["X1"])
    # J06: red Q3 and Q4, no action at all -> flagged
    assert (items["J06"].red_cycles, items["J06"].flagged, items["J06"].actions) == (2, True, ())
    # J07: red in Q4 only (1 cycle); X3 done is shown as its latest action; not flagged
    assert (items["J07"].red_cycles, items["J07"].flagged) == (1, False)
    assert items["J07"].actions[0].status == "done"
    # J09: red Q2 and Q4 but not Q3: the streak is 1 -> not flagged
    assert (items["J09"].red_cycles, items["J09"].flagged) == (1, False)
    assert [r.item_id for r in result.flagged] == ["J06"]
    # the source's order: J02, J06, J07, J09
    assert [r.item_id for r in result.red_items] == ["J02", "J06", "J07", "J09"]


def test_remedial_action_on_inadequate_files_completed_on_time(evidence):
    result = actions.analyse(evidence, cycle="2009-Q1", red={}, confidence_level=0.95)
    r = result.remedial
    # Inadequate first case-file audits in 2009-Q1: A1, A2, A5 (A4 is a moderation of A1, not a new file) = 3.
    # A5's remedial action is due 2009-04-17, after 2009-03-31: not yet due. Due: A1 and A2 = 2.
    # A1: R1 done 2009-02-20 <= due 2009-03-01: on time. A2: no remedial action recorded: not done.
    assert (r.inadequate, r.due, r.on_time, r.late, r.not_done, r.no_action, r.not_yet_due) == (3, 2, 1, 0, 1, 1, 1)
    # Wilson 95% interval for 1 of 2: centre 0.5, half-width 1.96/(1 + 1.96^2/2) * sqrt(0.25/2 + 1.96^2/16)
    # = 0.67105 * 0.60424 = 0.40548 -> (0.0945, 0.9055); checked against scipy's binomtest too.
    ci = r.proportion.confidence_interval
    assert (ci.low, ci.high) == pytest.approx((0.0945, 0.9055), abs=1e-4)
    second = stats.binomtest(1, 2).proportion_ci(method="wilson")
    assert (ci.low, ci.high) == pytest.approx((second.low, second.high), rel=1e-9)


def test_pseudonymised_audit_ids_still_join(evidence, tmp_path, monkeypatch):
    from review.protection.pseudonym import KEY_ENV, pseudonymise

    monkeypatch.setenv(KEY_ENV, "1f2e3d4c5b6a79880716253443526170" * 2)  # 32 bytes as 64 hex digits, as real data need
    masked = pseudonymise(evidence, tmp_path)
    assert "A1" not in set(masked.tables["actions"]["audit_id"])
    # the same counts as above: 1 of 2 due on time
    r = actions.analyse(masked, cycle="2009-Q1", red={}, confidence_level=0.95).remedial
    assert (r.due, r.on_time) == (2, 1)


def test_red_in_reads_the_frameworks_frozen_results():
    from types import SimpleNamespace as NS

    def item(i, band):
        return NS(item=NS(item_id=i), judgement=NS(band=band))

    jar = NS(findings=(item("J01", "red"), item("J02", "amber"), item("J03", "red")))
    governance = NS(base=NS(items=(item("G1.1", "green"), item("G2.2", "red"))))
    assert red_in(jar) == ("J01", "J03")
    assert red_in(governance) == ("G2.2",)


# ---------------------------------------------------------------- the proposal

def test_proposal_drafts_only_red_items_without_an_open_action(evidence):
    j = "jar_haringey"
    red = {"2009-Q4": frozenset({(j, "J02"), (j, "J07"), ("lscb_checklist", "L1")})}
    result = actions.analyse(evidence, cycle="2009-Q4", red=red, confidence_level=0.95)
    # J02 has X1 open; L1 has X4 (open at 2009-12-31, closed 2010-01-10); J07's X3 is done -> only J07
    drafted = propose(result, existing_ids={"2009-Q4-01"})
    assert [(p.source, p.item) for p in drafted] == [(j, "J07")]
    assert drafted[0].action_id == "2009-Q4-02"  # 2009-Q4-01 is taken
    assert drafted[0].due_date == dt.date(2010, 3, 31)  # the last day of the next cycle


def test_draft_has_drop_downs_is_formula_safe_and_reads_back(tmp_path):
    hostile = Proposal("=cmd|'/c calc'!A1", "jar_haringey", "J02", "=HYPERLINK(\"http://x\")", "2009-Q4",
                       dt.date(2010, 3, 31), "@SUM(1)", 1)
    out = write_draft((hostile,), tmp_path / "draft.xlsx")
    book = load_workbook(out)
    sheet = book["actions"]
    header = [c.value for c in sheet[1]]
    assert header == [c.name for c in DATASETS["actions"].columns]
    row = {h: c.value for h, c in zip(header, sheet[2], strict=True)}
    assert row["action_id"].startswith("'=")
    assert row["action"].startswith("'=")
    assert book["items"]["C2"].value.startswith("'@")
    rules = {str(v.sqref).split(":")[0][0]: v for v in sheet.data_validations.dataValidation}
    status_col = "ABCDEFGHIJK"[header.index("status")]
    role_col = "ABCDEFGHIJK"[header.index("owner_role")]
    assert rules[status_col].type == "list"
    assert rules[status_col].formula1.startswith("lists!")
    assert rules[role_col].type == "list"
    lists = book["lists"]
    assert lists.sheet_state == "visible"  # hidden sheets are refused when the register is read back
    assert [c.value for c in lists["A"]][1:5] == ["open", "in progress", "done", "dropped"]
    assert "Designated Nurse" in [c.value for c in lists["B"]]
    # the loader reads the draft's actions sheet with the register's columns
    assert read_table(out, sheet="actions").header == tuple(header)


def test_draft_never_overwrites(tmp_path):
    out = tmp_path / "draft.xlsx"
    out.write_bytes(b"the QA lead's edits")
    with pytest.raises(ParameterError, match="already exists"):
        write_draft((), out)
    assert out.read_bytes() == b"the QA lead's edits"


def test_cli_refuses_an_existing_file_with_exit_2(tmp_path, capsys):
    out = tmp_path / "register.xlsx"
    out.write_bytes(b"keep")
    assert main(["actions", "propose", "--cycle", "2009-Q4", "--out", str(out)]) == 2
    assert str(out) in capsys.readouterr().err
    assert out.read_bytes() == b"keep"


# ---------------------------------------------------------------- the views

def test_published_views_show_counts_of_actions_and_roles(evidence):
    from review.protection.disclosure import DisclosurePolicy
    from review.views import actions as views

    red = {"2009-Q3": frozenset({("jar_haringey", "J02")}), "2009-Q4": frozenset({("jar_haringey", "J02")})}
    q4 = actions.analyse(evidence, cycle="2009-Q4", red=red, confidence_level=0.95)
    published, internal = DisclosurePolicy("published"), DisclosurePolicy("internal")
    # JAR at 2009-Q4: 2 open, 1 overdue, 1 completed (see above): actions are things, shown as they
    # are, in their declared unit (review check-report reads it)
    page = views.overview(q4, published).data
    assert 'data-review-unit="actions" class="data row0 col0" >2<' in page
    # only remedial actions on files graded Inadequate (children's files) are withheld
    assert all("Remedial action on Inadequate files" in row for row in page.split("<tr>") if ">c<" in row)
    assert ">2<" in views.overview(q4, internal).data
    # J02's action X1 with its owner's role, due date and overdue status
    row = views.for_framework(q4, "jar_haringey", published).data
    assert all(part in row for part in ("Feedback to referrers", ">SM<", "2009-06-30", "open, OVERDUE"))
    # remedial at 2009-Q1: 1 of 2 files on time -> withheld when published, shown with its interval internally
    q1 = actions.analyse(evidence, cycle="2009-Q1", red={}, confidence_level=0.95)
    assert "c (withheld" in views.remedial_text(q1, published)
    assert "50.0% (1 of 2; 95% CI 9.5% to 90.5%)" in views.remedial_text(q1, internal)  # Wilson (0.0945, 0.9055)


@pytest.mark.parametrize("framework", ["jar_haringey", "healthcare_commission", "lscb_checklist"])
def test_the_action_plan_lists_as_red_exactly_what_the_report_shows_red(root, framework):
    """A judgement is never withheld: on the demo evidence J04 and J09 rest on small groups in the
    published JAR report (their figures withheld) and are still red there, as internally. red_in
    with the report's policy gives exactly the items the report's own record shows red, and that is
    every red judgement."""
    from review.analyses.context import load_pseudonymised
    from review.analyses.red_items import _analysers
    from review.protection.disclosure import DisclosurePolicy
    from review.views import jar as jar_view
    from review.views import partners

    evidence = load_pseudonymised(root / "data" / "demo")
    result = _analysers()[framework](evidence, cycle="2009-Q4", previous="2009-Q3", confidence_level=0.95,
                                     green=0.8, red=0.65)
    published, internal = DisclosurePolicy(), DisclosurePolicy(audience="internal")
    view = jar_view if framework == "jar_haringey" else partners
    figures = view.record(result, published).payload["figures"]
    shown_red = [e["item"] for e in figures.get("findings", figures.get("items", [])) if e["band"] == "red"
                 and e.get("basis") != "its sub-items"]  # a heading summarised from its sub-items is not acted on
    assert list(red_in(result)) == shown_red
    assert shown_red == [a.split(":")[0] for a in figures["needs_action"]]  # the one counting rule
    inside = view.record(result, internal).payload["figures"]  # the internal page shows the same reds
    assert [e["item"] for e in inside.get("findings", inside.get("items", [])) if e["band"] == "red"
            and e.get("basis") != "its sub-items"] == shown_red
    if framework == "jar_haringey":  # the case that made this test: on small groups, red on the published page
        assert {"J04", "J09"} <= set(red_in(result))
        small = {f["item"] for f in figures["findings"] if f["small_group"]}
        assert {"J04", "J09"} <= small


@pytest.mark.slow
def test_the_summary_action_plan_uses_the_thresholds_of_the_run(root, tmp_path):
    """A run with its own params file (here the JAR findings judged against 99% green and 98% red,
    so every finding with a shown band is red) gets a cycle summary whose action plan lists as red
    exactly the findings the JAR report shows red, not those of params/<cycle>.yaml's thresholds."""
    import re

    import nbformat

    from review.batch.runner import run_cycle
    from review.config.params import load_cycle_params

    text = (root / "params" / "2009-Q4.yaml").read_text(encoding="utf-8")
    text = text.replace('data_dir: "data/demo"', f'data_dir: "{(root / "data" / "demo").as_posix()}"')
    strict = tmp_path / "2009-Q4.yaml"
    strict.write_text(text + "  jar_haringey: {rag_green: 0.99, rag_red: 0.98}\n", encoding="utf-8")
    summary = run_cycle(load_cycle_params(strict), frameworks=["jar_haringey", "cycle_summary"], jobs=1,
                        output_root=tmp_path / "out")
    assert summary.ok
    jar = json.loads((summary.output_dir / "jar_haringey.results.json").read_text())["figures"]
    assert jar["thresholds"] == {"green": 0.99, "red": 0.98}
    shown_red = [f["item"] for f in jar["findings"] if f["band"] == "red"]
    nb = nbformat.read(summary.output_dir / "cycle_summary.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "red_items(plan" in c.source)
    listed = re.findall(r"<td[^>]*>\s*(J\d\d)\s*</td>", cell.outputs[0]["data"]["text/html"])
    assert listed == shown_red
    assert len(shown_red) > 7  # more than the 7 red under params/2009-Q4.yaml's thresholds
    # The JAR notebook recorded its red history on the run's thresholds for the summary to read; it
    # is for the run only: gone from the published results, kept in the executed notebook's record.
    from review.results.figures import results_from_notebook

    assert "red_history" not in jar
    history = results_from_notebook(nbformat.read(summary.output_dir / "jar_haringey.ipynb", as_version=4)
                                    )["figures"]["red_history"]
    assert (history["basis"]["green"], history["basis"]["red"]) == (0.99, 0.98)
    assert history["red"]["2009-Q4"] == sorted(shown_red)


def test_a_red_run_on_a_small_group_is_counted_like_any_other(root):
    """Demo, 2009-Q2: J07 and J09 are red in 2009-Q1 and 2009-Q2 (red for 2 cycles, no open action,
    FLAGGED). Their 2009-Q1 judgements rest on small groups; a published page shows the judgement
    anyway, so the published action plan says what the internal one says: 2 cycles, flagged."""
    from review.analyses.context import load_pseudonymised
    from review.analyses.red_items import judged_items
    from review.views.actions import _red_for

    evidence = load_pseudonymised(root / "data" / "demo")
    cycles = ["2009-Q1", "2009-Q2"]
    thresholds = {"jar_haringey": (0.8, 0.65)}
    red, withheld = judged_items(evidence, cycles, thresholds=thresholds, confidence_level=0.95)
    assert all(not items for items in withheld.values())  # no judgement is withheld, to either audience
    shown = {r.item_id: r for r in actions.analyse(evidence, cycle="2009-Q2", red=red, confidence_level=0.95,
                                                   withheld=withheld).red_items}
    for item in ("J07", "J09"):
        assert ("jar_haringey", item) in red["2009-Q1"]
        assert ("jar_haringey", item) in red["2009-Q2"]
        assert (shown[item].red_cycles, shown[item].flagged, _red_for(shown[item])) == (2, True, "2 quarters")


def _ctx(framework, evidence, values):
    from review.analyses.context import Context
    from review.config.params import RunParameters
    from review.protection.disclosure import DisclosurePolicy

    return Context(RunParameters(framework, values), evidence, DisclosurePolicy(), "2009-Q4", "2009-Q3")


def test_the_summary_reads_each_report_s_red_history_only_when_judged_on_the_same_basis(root, tmp_path):
    """Each judged framework's report records its red and withheld items cycle by cycle with what
    they were judged on (evidence snapshot, cycles, thresholds, confidence level, policy); the run's
    cycle summary reads them instead of judging the four frameworks again for every cycle.

    - Read back, the records give the summary exactly the action plan it computes itself (the
      same evidence without a snapshot digest is never matched, so that plan is judged afresh).
    - A record is really read: J02, red in every cycle when judged, planted as never red in the
      JAR record, is not on the plan.
    - A record judged on another basis is not read: another snapshot, confidence level, policy,
      cycle, or thresholds than the report's own.
    """
    import dataclasses

    from review.analyses.context import load_pseudonymised
    from review.analyses.red_items import JUDGED_FRAMEWORKS
    from review.protection.disclosure import DisclosurePolicy
    from review.results.figures import load_cycle_results, to_jsonable
    from review.views.actions import history_figures

    demo = load_pseudonymised(root / "data" / "demo")
    assert demo.snapshot is None  # read from its folder
    evidence = dataclasses.replace(demo, snapshot="d" * 64)
    own = {"confidence_level": 0.95, "rag_green": 0.8, "rag_red": 0.65}
    for framework in JUDGED_FRAMEWORKS:
        plan = actions.analyse_context(_ctx(framework, evidence, own), (framework,))
        figures = {"thresholds": {"green": 0.8, "red": 0.65}} | history_figures(plan, framework)
        assert figures["red_history"]["basis"]["snapshot"] == "d" * 64
        (tmp_path / f"{framework}.results.json").write_text(
            json.dumps({"framework": framework, "figures": to_jsonable(figures)}), encoding="utf-8")
    summary = {"confidence_level": 0.95}
    fresh = actions.analyse_context(_ctx("cycle_summary", demo, summary), results=load_cycle_results(tmp_path))
    read = actions.analyse_context(_ctx("cycle_summary", evidence, summary), results=load_cycle_results(tmp_path))
    assert read.red_items == fresh.red_items
    assert read.flagged == fresh.flagged
    assert {r.item_id for r in read.red_items} >= {"J02", "J06", "J07"}  # some of the demo's red findings
    assert fresh.red_history == {}  # no snapshot: nothing to record

    path = tmp_path / "jar_haringey.results.json"
    payload = json.loads(path.read_text(encoding="utf-8"))
    history = payload["figures"]["red_history"]
    for cycle in history["red"]:  # J02 (red in every cycle when judged) planted as never red
        history["red"][cycle] = [i for i in history["red"][cycle] if i != "J02"]
    path.write_text(json.dumps(payload), encoding="utf-8")
    planted = actions.analyse_context(_ctx("cycle_summary", evidence, summary), results=load_cycle_results(tmp_path))
    assert planted.for_item("jar_haringey", "J02") is None
    assert fresh.for_item("jar_haringey", "J02") is not None

    def record_read(evidence=evidence, values=summary, policy=None, cycle="2009-Q4"):
        # Whether the JAR report's record was read. Each report's record is matched to its own basis,
        # framework by framework, and J02 is a JAR finding: the plan judges JAR alone here, so that a
        # record not read costs one framework judged again for every cycle, not all four.
        ctx = dataclasses.replace(_ctx("cycle_summary", evidence, values), cycle=cycle,
                                  **({"policy": policy} if policy else {}))
        plan = actions.analyse_context(ctx, ("jar_haringey",), results=load_cycle_results(tmp_path))
        return plan.for_item("jar_haringey", "J02") is None

    assert record_read()
    assert not record_read(evidence=dataclasses.replace(evidence, snapshot="e" * 64))  # other evidence
    assert not record_read(values={"confidence_level": 0.9})
    assert not record_read(policy=DisclosurePolicy(min_group=11))
    assert not record_read(cycle="2009-Q3")  # the record covers 2009-Q1 to 2009-Q4
    payload["figures"]["thresholds"] = {"green": 0.9, "red": 0.7}  # the report's thresholds, not the record's
    path.write_text(json.dumps(payload), encoding="utf-8")
    assert not record_read()


def test_a_run_snapshot_is_known_by_its_digest(root, tmp_path):
    """Evidence read from a run's snapshot carries the SHA-256 of the snapshot's bytes (every notebook
    of the run reads the same file); evidence read from its folder carries none."""
    import hashlib

    from review.analyses.context import load_pseudonymised, read_snapshot, write_evidence_cache

    folder = root / "data" / "demo"
    path = write_evidence_cache(folder, tmp_path)
    assert read_snapshot(path, folder).snapshot == hashlib.sha256(path.read_bytes()).hexdigest()
    assert load_pseudonymised(folder).snapshot is None
