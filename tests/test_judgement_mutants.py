"""The judgement core on small hand-built evidence: tests written to kill the mutants a mutation tool
found alive (docs/testing.md, "Mutation testing"). Every expected value is worked out beside it."""

from __future__ import annotations

import datetime as dt
import doctest
import importlib
from types import MappingProxyType, SimpleNamespace

import pandas as pd
import pytest
from grade_scales import OFSTED, SCORES, STARS

from review.analyses import final_answers as fa
from review.analyses import jar, mapped, partnership, records
from review.analyses.judgement import SELF, Change, EvidenceLine, Rates, judge_rate, triangulate
from review.data import DATASETS, Evidence
from review.data.evidence_map import EvidenceMap, MapEntry, coverage_lines, split_list
from review.data.load import GradeScale

D = dt.date
YES_NO = GradeScale("compliance", ("Yes", "No", "N/A"), frozenset({"Yes"}), frozenset({"N/A"}))
SCALES = {"compliance": YES_NO, "ofsted_2008": OFSTED, "stars": STARS, "scaling_0_10": SCORES}
KW = {"cycle": "2009-Q4", "previous": "2009-Q3", "confidence_level": 0.95, "green": 0.8, "red": 0.65}
RATES = Rates(confidence_level=0.95, green=0.8, red=0.65)


def _table(name, rows, extra=()):
    columns = [c.name for c in DATASETS[name].columns] + list(extra)
    return pd.DataFrame(rows, columns=columns)


def _audit(audit_id, cycle="2009-Q4", audit_type="case file", auditor="TM1", *, tier="TM", of=None,
           grade="Good", scale="ofsted_2008", **answers):
    return {"audit_id": audit_id, "cycle": cycle, "case_ref": f"C-{audit_id}", "audit_type": audit_type,
            "auditor_id": auditor, "auditor_tier": tier, "moderation_of": of, "grade_scale": scale,
            "overall_grade": grade, **answers}


def _evidence(**tables):
    known = set(tables["criteria"]["criterion"]) if "criteria" in tables else set()
    criteria = tuple(c for c in tables.get("audits", pd.DataFrame()).columns if c in known)
    return Evidence("hand-built", MappingProxyType(tables), MappingProxyType(SCALES), criteria)


def _entry(evidence, source="record", audit_type=None, agencies=(), role="tests"):
    return MapEntry(source, evidence, audit_type, tuple(agencies), role, "test")


# --- final answers: the moderator's re-audit prevails ------------------------------------------

def _answers(rows, criteria=("plan",)):
    return fa.final_answers(_table("audits", rows, criteria), list(criteria))


def test_the_most_senior_moderation_prevails_and_between_equals_the_later():
    rows = [_audit("A1", plan="Yes"), _audit("A2", plan="Yes"),
            # A1: the SM's re-audit (first in the file) outranks the later TM's: SM (2) > TM (1) in seniority
            _audit("M1", tier="SM", of="A1", grade="Inadequate", plan="No"),
            _audit("M2", tier="TM", of="A1", grade="Adequate", plan="Yes"),
            # A2: two ADs (equal rank 3): the later one in the file prevails
            _audit("M3", tier="AD", of="A2", grade="Adequate", plan="No"),
            _audit("M4", tier="AD", of="A2", grade="Outstanding", plan="Yes")]
    out = _answers(rows)
    assert out[["audit_id", "first_grade", "overall_grade", "plan", "moderated", "final_tier"]].values.tolist() == [
        ["A1", "Good", "Inadequate", "No", True, "SM"],
        ["A2", "Good", "Outstanding", "Yes", True, "AD"]]
    assert out.index.tolist() == [0, 1]  # one row per first audit, renumbered
    assert out.columns.tolist() == [*_table("audits", rows, ("plan",)).columns, "first_grade", "moderated", "final_tier"]


def test_a_tier_outside_the_management_ladder_ranks_below_every_manager():
    # an IRO (not one of ATM, TM, SM, AD, DCS: rank -1) re-audits after the ATM (rank 0): the ATM's prevails
    rows = [_audit("A1", plan="Yes"), _audit("M1", tier="ATM", of="A1", grade="Adequate", plan="No"),
            _audit("M2", tier="IRO", of="A1", grade="Outstanding", plan="Yes")]
    out = _answers(rows)
    assert out[["overall_grade", "plan", "final_tier"]].values.tolist() == [["Adequate", "No", "ATM"]]


def test_a_blank_in_the_moderation_keeps_the_first_answer_and_a_chain_ends_at_its_first_audit():
    # M2 moderates M1, which moderates A1: both belong to A1. The DCS's M2 (rank 4) prevails over the TM's M1,
    # but leaves the plan blank (NaN) and the grade blank (None): A1 keeps its own "Yes" and "Good"
    rows = [_audit("A1", plan="Yes", risk="No"), _audit("M1", tier="TM", of="A1", grade="Adequate", plan="No", risk="No"),
            _audit("M2", tier="DCS", of="M1", grade=None, plan=float("nan"), risk="Yes")]
    out = _answers(rows, ("plan", "risk"))
    assert out[["audit_id", "overall_grade", "plan", "risk", "moderated", "final_tier"]].values.tolist() == [
        ["A1", "Good", "Yes", "Yes", True, "DCS"]]


def test_a_criterion_column_the_audits_lack_is_left_alone_and_a_stray_moderation_ignored():
    # M9 moderates an audit of another cycle (not in this table): no first audit takes its answers; M2, later in
    # the file, still moderates A2
    rows = [_audit("A1", plan="Yes"), _audit("A2", plan="No"),
            _audit("M9", tier="SM", of="OLD", grade="Inadequate", plan="No"),
            _audit("M2", tier="SM", of="A2", grade="Adequate", plan="Yes")]
    out = _answers(rows, ("plan",))
    assert fa.final_answers(_table("audits", rows, ("plan",)), ["plan", "absent"])["plan"].tolist() == ["Yes", "Yes"]
    assert out[["audit_id", "overall_grade", "plan", "moderated", "final_tier"]].values.tolist() == [
        ["A1", "Good", "Yes", False, "TM"], ["A2", "Adequate", "Yes", True, "SM"]]


def test_without_moderations_each_first_audit_is_final_as_it_stands():
    rows = [_audit("A1", tier="SM", grade="Adequate", plan="No"), _audit("A2", plan="Yes")]
    out = fa.final_answers(_table("audits", rows, ("plan",)).iloc[[1, 0]], ["plan"])  # index 1, 0: renumbered
    assert out[["audit_id", "first_grade", "overall_grade", "moderated", "final_tier"]].values.tolist() == [
        ["A2", "Good", "Good", False, "TM"], ["A1", "Adequate", "Adequate", False, "SM"]]
    assert out["moderated"].dtype == bool
    # the audits' own columns, then the three the final answers add: no old index carried as a column
    assert out.columns.tolist() == [*_table("audits", rows, ("plan",)).columns, "first_grade", "moderated", "final_tier"]
    assert out.index.tolist() == [0, 1]


def test_moderation_root_survives_a_loop():
    # A1 -> A2 -> A1 (a data error): each stops where its chain comes back, never looping
    a = pd.DataFrame({"audit_id": ["A1", "A2", "A3"], "moderation_of": ["A2", "A1", "A2"]})
    assert fa.moderation_root(a) == {"A1": "A1", "A2": "A2", "A3": "A2"}


# --- records: evidence from the council's records ----------------------------------------------

def _record(evidence, measure, agencies=(), cycle="2009-Q4", previous="2009-Q3"):
    return records.record_lines(evidence, _entry(measure, agencies=agencies), RATES, cycle=cycle, previous=previous)


def test_the_chair_forces_a_band_with_its_reason():
    board = _table("lscb_board", [{"cycle": "2009-Q4", "chair_independent": True, "board_meetings": 4},
                                  {"cycle": "2009-Q3", "chair_independent": False, "board_meetings": 4}])
    ev = _evidence(lscb_board=board)
    (line,) = _record(ev, "lscb_chair")
    # an independent chair is a condition met: shown beside the item (its note as its level), never judged
    assert (line.kind, line.source, line.k, line.n, line.unit, line.judgement, line.change.label,
            line.note, line.context, line.band) == (
        "LSCB records", "independence of the chair", 0, 0, "cycles", None, "no comparison",
        "the chair is independent (a condition met: not evidence of how well the board works)", True, "grey")
    (before,) = _record(ev, "lscb_chair", cycle="2009-Q3", previous="2009-Q2")
    assert (before.note, before.context, before.band) == ("the chair is not independent", False, "red")
    assert _record(ev, "lscb_chair", cycle="2009-Q2", previous="2009-Q1") == []  # no board row that cycle
    assert _record(_evidence(), "lscb_chair") == []  # no board table at all


def test_a_rate_measure_compares_with_last_cycle_only_when_there_was_one():
    counts = {"2009-Q4": (9, 10), "2009-Q3": (1, 10), "2009-Q2": (0, 0), "2009-Q1": (0, 0)}
    build = records._rate("kind words", "source words", "unit words", lambda ev, entry, cycle: ev[entry][cycle])
    ev, entry = {"measure": counts}, "measure"  # the counts read the evidence and the entry they are given
    (line,) = build(ev, entry, RATES, "2009-Q4", "2009-Q3")
    # 9/10 against 1/10: Newcombe's interval for +0.8 lies well above 0 (Table II example (b), 9/10 v 3/10,
    # already gives 0.17 to 0.81)
    assert (line.kind, line.source, line.unit, line.k, line.n, line.change.label) == (
        "kind words", "source words", "unit words", 9, 10, "improved")
    (line,) = build(ev, entry, RATES, "2009-Q3", "2009-Q2")  # nothing last cycle: no comparison
    assert (line.k, line.n, line.change.label, line.change.difference) == (1, 10, "no comparison", None)
    assert build(ev, entry, RATES, "2009-Q2", "2009-Q1") == []  # nothing this cycle: no line


def test_challenges_answered_of_those_raised():
    rows = [{"cycle": "2009-Q4", "challenge_id": f"C{i}", "agency": "Police", "raised_date": D(2009, 10, 1),
             "answered_date": D(2009, 11, 1) if i < 2 else None} for i in range(5)]
    rows += [{"cycle": "2009-Q3", "challenge_id": "C9", "agency": "Police", "raised_date": D(2009, 7, 1),
              "answered_date": None}]
    (line,) = _record(_evidence(lscb_challenges=_table("lscb_challenges", rows)), "lscb_challenges")
    # 2 of the 5 raised this cycle answered; last cycle 0 of 1
    assert (line.kind, line.source, line.k, line.n, line.unit) == (
        "LSCB records", "challenges raised with member agencies that were answered", 2, 5, "challenges")


def test_scrutiny_challenges_and_reports():
    rows = [{"cycle": "2009-Q4", "forum": "scrutiny", "report": "R1", "planned_date": D(2009, 10, 1),
             "presented_date": D(2009, 10, 1), "challenges_made": 4, "challenges_answered": 3},
            {"cycle": "2009-Q4", "forum": "LSCB", "report": "R2", "planned_date": D(2009, 11, 1),
             "presented_date": None, "challenges_made": 2, "challenges_answered": 0},
            {"cycle": "2009-Q4", "forum": "members", "report": "R3", "planned_date": D(2009, 12, 1),
             "presented_date": D(2009, 12, 9), "challenges_made": 0, "challenges_answered": 0},
            {"cycle": "2009-Q3", "forum": "scrutiny", "report": "R0", "planned_date": D(2009, 8, 1),
             "presented_date": D(2009, 8, 1), "challenges_made": 9, "challenges_answered": 9}]
    ev = _evidence(scrutiny=_table("scrutiny", rows))
    (made,) = _record(ev, "scrutiny")
    # challenges: answered 3 + 0 + 0 = 3 of made 4 + 2 + 0 = 6; last cycle 9 of 9
    assert (made.kind, made.k, made.n, made.unit) == ("scrutiny records", 3, 6, "challenges")
    assert made.source == ("challenges made by scrutiny, the LSCB and elected members that were answered in "
                           "writing")
    (taken,) = _record(ev, "scrutiny_reports")
    # reports: R1 and R3 presented, R2 not: 2 of 3
    assert (taken.kind, taken.k, taken.n, taken.unit) == ("scrutiny records", 2, 3, "reports")
    assert taken.source == "performance reports planned for scrutiny, the LSCB and elected members that were taken"


def test_training_and_staffing_of_the_mapped_agencies_only():
    training = _table("training", [{"cycle": "2009-Q4", "agency": "Police", "required": 10, "completed": 7},
                                   {"cycle": "2009-Q4", "agency": "Health", "required": 20, "completed": 19},
                                   {"cycle": "2009-Q3", "agency": "Police", "required": 10, "completed": 2}])
    staffing = _table("partner_staffing", [
        {"cycle": "2009-Q4", "agency": "Police", "establishment_fte": 3.5, "vacancies_fte": 0.75},
        {"cycle": "2009-Q4", "agency": "Health", "establishment_fte": 2.0, "vacancies_fte": 0.5},
        {"cycle": "2009-Q4", "agency": "Probation", "establishment_fte": 4.0, "vacancies_fte": 0.0}])
    ev = _evidence(training=training, partner_staffing=staffing)
    (police,) = _record(ev, "training", agencies=("Police",))
    assert (police.kind, police.source, police.k, police.n, police.unit) == (
        "training records", "staff trained in safeguarding and in date", 7, 10, "staff")  # Police only: 7 of 10
    assert police.change.label == "improved"  # 7/10 against 2/10 last cycle: +0.5, Newcombe's interval above 0
    (everyone,) = _record(ev, "training")
    assert (everyone.k, everyone.n) == (26, 30)  # no agencies named: 7 + 19 of 10 + 20
    (posts,) = _record(ev, "partner_staffing", agencies=("Police", "Health"))
    # establishment 3.5 + 2.0 = 5.5, rounded up to 6 posts; filled 5.5 - (0.75 + 0.5) = 4.25, rounded down to 4
    assert (posts.kind, posts.source, posts.k, posts.n, posts.unit) == (
        "staffing records", "partner agencies' safeguarding posts filled (FTE)", 4, 6, "posts")
    (all_posts,) = _record(ev, "partner_staffing")
    # 9.5 established -> 10; 9.5 - 1.25 = 8.25 filled -> 8
    assert (all_posts.k, all_posts.n) == (8, 10)


def test_staff_and_user_feedback():
    staff = _table("staff_feedback", [{"cycle": "2009-Q4", "service": "S1", "invited": 30, "responses": 12, "positive": 9},
                                      {"cycle": "2009-Q4", "service": "S2", "invited": 20, "responses": 8, "positive": 3}])
    users = _table("user_feedback", [{"cycle": "2009-Q4", "group": "children", "source": "survey", "responses": 6,
                                      "positive": 5},
                                     {"cycle": "2009-Q4", "group": "parents", "source": "survey", "responses": 4,
                                      "positive": 1}])
    ev = _evidence(staff_feedback=staff, user_feedback=users)
    (s,) = _record(ev, "staff_feedback")
    assert (s.kind, s.source, s.k, s.n, s.unit) == (
        "staff survey", "staff responses positive about the service", 12, 20, "staff")  # 9 + 3 of 12 + 8
    (u,) = _record(ev, "user_feedback")
    assert (u.kind, u.source, u.k, u.n, u.unit) == (
        "user feedback", "children's and families' responses that were positive", 6, 10, "responses")  # 5 + 1 of 6 + 4


def _action(i, source, raised, status, due, closed=None):
    return {"action_id": f"X{i}", "source": source, "item": None, "audit_id": None, "action": "do it",
            "owner_role": "AD", "cycle_raised": raised, "due_date": due, "status": status, "evidence": None,
            "closed_date": closed}


ACTIONS = [
    _action(1, "scr", "2009-Q3", "done", D(2009, 10, 15), D(2009, 11, 1)),  # closed in the cycle: on track
    _action(2, "scr", "2009-Q4", "open", D(2010, 1, 31)),  # raised this cycle, due after it: on track
    _action(3, "scr", "2009-Q2", "open", D(2009, 12, 31)),  # due on the cycle's last day, still open: overdue
    _action(4, "scr", "2009-Q3", "done", D(2009, 9, 1), D(2009, 9, 30)),  # closed before the cycle: not live
    _action(5, "scr", "2010-Q1", "open", D(2010, 6, 30)),  # raised after the cycle: not counted
    _action(6, "inspection", "2009-Q4", "open", D(2010, 1, 15)),  # another source
    _action(7, "scr", "2009-Q4", "dropped", D(2010, 3, 31)),  # dropped, though not yet due: not on track
    _action(8, "scr", "2009-Q1", "done", D(2009, 12, 1), D(2010, 1, 5)),  # closed after the cycle, was due in it
    _action(9, "scr", "2009-Q3", "done", D(2009, 11, 1), D(2009, 12, 31)),  # closed on the last day: on track
    _action(10, "scr", "2009-Q3", "done", D(2009, 9, 1), D(2009, 10, 1)),  # closed on the first day: live, on track
    _action(11, "scr", "2009-Q4", "done", D(2010, 2, 1)),  # marked done with no closing date, due after: on track
]


def test_actions_done_or_not_yet_due():
    ev = _evidence(actions=_table("actions", ACTIONS))
    counts = records._actions_on_track("scr")(ev, None, "2009-Q4")
    # live in 2009-Q4 (1 October to 31 December 2009): X1, X2, X3, X7, X8, X9, X10, X11 = 8
    # (X4 closed 30 September, X5 raised 2010-Q1, X6 is an inspection action)
    # on track: X1, X9, X10 done and closed by 31 December; X2 (due 31 January) and X11 (due 1 February) not
    # yet due; X3 due on 31 December (not after it), X7 dropped, X8 closed 5 January and due 1 December: 5 of 8
    assert counts == (5, 8)
    assert records._actions_on_track("inspection")(ev, None, "2009-Q4") == (1, 1)
    assert records._actions_on_track("scr")(_evidence(), None, "2009-Q4") == (0, 0)  # no action register
    (line,) = _record(ev, "scr_actions")
    assert (line.kind, line.source, line.k, line.n, line.unit) == (
        "action register", "serious case review actions done, or not yet due", 5, 8, "actions")
    (line,) = _record(ev, "inspection_actions")
    assert (line.source, line.k, line.n) == ("actions on inspection findings done, or not yet due", 1, 1)


# --- the evidence map ----------------------------------------------------------------------------

def _map_rows(*rows):
    """(framework, item, source, evidence, audit_type, agencies, role) per row."""
    return _table("evidence_map", [{"framework": r[0], "item": r[1], "source": r[2], "evidence": r[3],
                                    "audit_type": r[4], "agencies": r[5], "role": r[6], "reason": f"why {r[3]}"}
                                   for r in rows])


def test_a_list_cell_is_split_on_semicolons_and_a_missing_cell_is_empty():
    assert split_list(" Police;; Acute trust ; ") == ("Police", "Acute trust")
    assert (split_list(None), split_list(float("nan")), split_list("")) == ((), (), ())
    assert split_list(2.5) == ("2.5",)  # any other value is read as its text


def test_map_rows_become_entries_in_order_with_their_role_type_and_agencies():
    nan = float("nan")
    m = EvidenceMap.from_tables(_map_rows(
        ("jar_haringey", "J04", "criterion", "shared", "MAA", "Police; Acute trust ;", None),
        ("jar_haringey", "J04", "indicator", "NI59", nan, nan, nan),
        ("jar_haringey", "J04", "record", "training", None, None, "context"),
        ("lscb_checklist", "L1", "record", "lscb_chair", None, None, "tests")), None)
    assert m.entries("jar_haringey", "J04") == (
        MapEntry("criterion", "shared", "MAA", ("Police", "Acute trust"), "tests", "why shared"),
        MapEntry("indicator", "NI59", None, (), "tests", "why NI59"),
        MapEntry("record", "training", None, (), "context", "why training"))
    assert [e.evidence for e in m.entries("jar_haringey", "J04", judged_only=True)] == ["shared", "NI59"]
    assert m.mapped_items() == (("jar_haringey", "J04"), ("lscb_checklist", "L1"))
    assert m.entries("lscb_checklist", "L2") == ()
    assert m.entries("jar_haringey", "J04", judged_only=False)[2].judged is False


def test_declared_audit_types_and_the_default_of_each_kind_as_itself():
    types = _table("audit_types", [{"audit_type": "CFA", "kind": "case file", "label": "case file audits (CFA)"},
                                   {"audit_type": "ICPC", "kind": "cp conference", "label": "conference audits"},
                                   {"audit_type": "CFA2", "kind": "case file", "label": "themed file audits"}])
    m = EvidenceMap.from_tables(None, types)
    assert (m.kind("ICPC"), m.label("ICPC"), m.kind("case file"), m.label("case file")) == (
        "cp conference", "conference audits", None, "case file")  # an undeclared type: no kind, its own name
    assert m.types_of_kind("case file") == ("CFA", "CFA2")  # in declared order
    assert m.types_of_kind("cp conference", "case file") == ("CFA", "ICPC", "CFA2")
    assert m.types_of_kind("supervision") == ()
    with pytest.raises(ValueError, match="^unknown audit kind") as err:
        m.types_of_kind("case file", "file audit")
    assert str(err.value) == ("unknown audit kind ['file audit']; kinds are case file, supervision, cp conference, "
                              "looked-after review, multi-agency")
    for empty in (None, types.iloc[:0]):  # no table, or an empty one: each kind named as itself
        d = EvidenceMap.from_tables(None, empty)
        assert (d.kind("supervision"), d.label("supervision")) == ("supervision", "supervision audits")
        assert d.types_of_kind("multi-agency", "case file") == ("case file", "multi-agency")
        assert d.mapped_items() == ()


def test_coverage_lists_every_judged_item_of_every_framework_with_its_evidence():
    m = EvidenceMap.from_tables(_map_rows(
        ("jar_haringey", "J04", "criterion", "shared", "MAA", "Police; Acute trust", None),
        ("jar_haringey", "J04", "indicator", "NI59", None, None, "context"),
        ("jar_haringey", "J05", "indicator", "NI60", None, None, "context"),
        ("jar_haringey", "J05", "record", "training", None, "Police", "context"),
        ("governance", "G2.2", "grade", "CFA", None, None, None)), None)
    lines = coverage_lines(m)
    assert lines[4:6] == [
        # judged evidence: each entry, its audit type and agencies, a context entry marked, joined by commas
        "  J04: criterion shared (MAA) [Police; Acute trust], indicator NI59 (context)",
        # only context evidence: no independent evidence, the context named
        "  J05: no independent evidence (context: indicator NI60 (context), record training [Police] (context))"]
    headers = [ln for ln in lines if not ln.startswith("  ")]
    assert headers == ["jar_haringey:", "healthcare_commission:", "lscb_checklist:", "governance:", "gose_performance:"]
    at = lines.index("governance:")
    # the axes G1 and G2 are headings of their levels, C1 and C2 the exercise's context questions: none is judged
    assert lines[at + 1:at + 5] == ["  G1.1: no independent evidence", "  G1.2: no independent evidence",
                                    "  G2.1: no independent evidence", "  G2.2: grade CFA"]
    at = lines.index("lscb_checklist:")
    assert [ln.split(":")[0].strip() for ln in lines[at + 1:at + 10]] == [
        "L1", "L2", "L3", "L4.1", "L4.2", "L4.3", "L4.4", "L4.5", "L4.6"]  # L4 is the heading of L4.1 to L4.6
    assert lines[lines.index("gose_performance:") + 1:] == [f"  G{n:02d}: no independent evidence" for n in range(1, 16)]
    assert len(lines) == 5 + 11 + 8 + 9 + 4 + 15  # headers; J01-J11; H1-H7 and the lead role; as above


# --- mapped lines: criteria, grades and indicators through the map -------------------------------

def _mapped_evidence(emap_rows=()):
    criteria = _table("criteria", [
        {"criterion": "plan", "label": "Plan is SMART", "scale_id": "compliance", "audit_types": "MAA; CFA; ICPC; LAR; OTHER"},
        {"criterion": "shared", "label": "Information shared", "scale_id": "compliance", "audit_types": "MAA"}])
    types = _table("audit_types", [{"audit_type": "CFA", "kind": "case file", "label": "case file audits (CFA)"},
                                   {"audit_type": "ICPC", "kind": "cp conference", "label": "conference audits"},
                                   {"audit_type": "LAR", "kind": "looked-after review", "label": "review audits"},
                                   {"audit_type": "MAA", "kind": "multi-agency", "label": "multi-agency audits"}])
    q4, q3 = "2009-Q4", "2009-Q3"
    rows = [
        # case files this cycle: plan Yes, Yes, Yes, No, N/A, blank; the SM re-audits A1 (Yes -> No, Good -> Inadequate)
        _audit("A1", q4, "CFA", plan="Yes", grade="Good"), _audit("A2", q4, "CFA", plan="Yes", grade="Adequate"),
        _audit("A3", q4, "CFA", plan="Yes", grade="Outstanding"), _audit("A4", q4, "CFA", plan="No", grade="3 stars",
                                                                        scale="stars"),
        _audit("A5", q4, "CFA", plan="N/A", grade="not graded", scale="stars"),
        _audit("A6", q4, "CFA", plan=None, grade="1 star", scale="stars"),
        _audit("M1", q4, "CFA", "SM1", tier="SM", of="A1", plan="No", grade="Inadequate"),
        # conference audits: 1 of 3; looked-after reviews: not applicable only
        _audit("B1", q4, "ICPC", plan="Yes"), _audit("B2", q4, "ICPC", plan="No"), _audit("B3", q4, "ICPC", plan="No"),
        _audit("R1", q4, "LAR", plan="N/A"),
        # multi-agency audits by agency: Police 2 of 2, Acute trust 1 of 2, an auditor of no named agency 0 of 1
        _audit("P1", q4, "MAA", "POL", shared="Yes"), _audit("P2", q4, "MAA", "POL", shared="Yes"),
        _audit("P3", q4, "MAA", "ACU", shared="Yes"), _audit("P4", q4, "MAA", "ACU", shared="No"),
        _audit("P5", q4, "MAA", "X9", shared="No"),
        # last cycle: case files 2 of 2, Police 0 of 1
        _audit("A7", q3, "CFA", plan="Yes"), _audit("A8", q3, "CFA", plan="Yes"), _audit("P9", q3, "MAA", "POL", shared="No")]
    staff = _table("staff", [{"staff_id": "POL", "tier": "Partner agency", "team": None, "service": "Police"},
                             {"staff_id": "ACU", "tier": "Partner agency", "team": None, "service": "Acute trust"},
                             {"staff_id": "TM1", "tier": "TM", "team": "T", "service": "Children's services"}])
    frame = _table("frame", [{"cycle": q4, "case_ref": f"F{i}"} for i in range(20)] + [{"cycle": q3, "case_ref": "F0"}])
    indicators = _table("indicators", [
        {"cycle": q4, "indicator": "NI59", "definition_version": "NI-2008", "numerator": 45, "denominator": 50,
         "target": 0.95},
        {"cycle": q3, "indicator": "NI59", "definition_version": "NI-2008", "numerator": 40, "denominator": 50,
         "target": 0.95},
        {"cycle": q4, "indicator": "NI62", "definition_version": "NI-2008", "numerator": 10, "denominator": 100,
         "target": 0.55},
        {"cycle": q3, "indicator": "NI62", "definition_version": "NI-2008", "numerator": 20, "denominator": 100,
         "target": 0.55},
        {"cycle": q4, "indicator": "LOCAL1", "definition_version": "local", "numerator": 7, "denominator": 10,
         "target": float("nan")},
        {"cycle": q4, "indicator": "NI64", "definition_version": "NI-2008", "numerator": 3, "denominator": 30,
         "target": None}])
    return _evidence(criteria=criteria, audit_types=types, audits=_table("audits", rows, ("plan", "shared")),
                     staff=staff, frame=frame, indicators=indicators, evidence_map=_map_rows(*emap_rows),
                     indicator_definitions=_table("indicator_definitions", [{  # the council's own measure
                         "indicator": "LOCAL1", "definition_version": "local", "title": "Local measure",
                         "numerator": "n", "denominator": "d", "higher_is_better": True, "context_only": None,
                         "cumulative": None, "threshold_working_days": None, "source": "local"}]))


def _lines(ev, entry, cycle="2009-Q4", previous="2009-Q3"):
    return mapped.entry_lines(ev, entry, rates=RATES, cycle=cycle, previous=previous)


def test_a_criterion_in_each_declared_audit_type_on_final_answers():
    ev = _mapped_evidence()
    lines = _lines(ev, _entry("plan", "criterion"))
    # MAA: no partner agency answered it, no line. CFA: A1 is No after the SM's re-audit; Yes in A2, A3; No in A4;
    # A5 not applicable, A6 blank: 2 of 4.
    # ICPC: 1 of 3. LAR: only "not applicable", no line. OTHER: not a declared audit type, never read.
    assert [(ln.kind, ln.source, ln.k, ln.n, ln.unit) for ln in lines] == [
        ("audit", "case file audits (CFA): Plan is SMART", 2, 4, "audits"),
        ("audit", "conference audits: Plan is SMART", 1, 3, "audits")]
    # last cycle: CFA 2 of 2 (compared); ICPC none (no comparison)
    assert lines[0].change.difference is not None
    assert lines[1].change.label == "no comparison"
    # the hand-built audits name no selection, so none was drawn at random: no finite population correction,
    # though the frame (20 files open at the start of 2009-Q4) still caps the audits a case-file line needs;
    # a conference audit is not drawn from the frame of open cases at all
    assert lines[0].judgement.result.population is None
    assert lines[1].judgement.result.population is None
    only = _lines(ev, _entry("plan", "criterion", audit_type="ICPC"))
    assert [(ln.source, ln.k, ln.n) for ln in only] == [("conference audits: Plan is SMART", 1, 3)]


def test_the_frame_size_of_a_cycle():
    ev = _mapped_evidence()
    assert mapped._frame_size(ev, "2009-Q4") == 20
    assert mapped._frame_size(ev, "2009-Q3") == 1
    assert mapped._frame_size(ev, "2009-Q2") is None  # no file that cycle: no frame
    tables = dict(ev.tables)
    del tables["frame"]
    assert mapped._frame_size(_evidence(**tables), "2009-Q4") is None


def test_a_multi_agency_criterion_gives_one_line_per_agency_sorted_by_name():
    ev = _mapped_evidence()
    lines = _lines(ev, _entry("shared", "criterion"))
    assert [(ln.kind, ln.source, ln.k, ln.n, ln.unit) for ln in lines] == [
        ("multi-agency audit", "Acute trust: Information shared", 1, 2, "audits"),
        ("multi-agency audit", "Police: Information shared", 2, 2, "audits"),
        ("multi-agency audit", "partner agency: Information shared", 0, 1, "audits")]  # X9 is no named agency's
    # Police against last cycle's 0 of 1: compared; the Acute trust audited nothing last cycle: no comparison
    assert lines[0].change.label == "no comparison"
    assert lines[1].change.difference is not None
    assert lines[1].judgement.result.population is None  # no frame of partner agencies' files
    police = _lines(ev, _entry("shared", "criterion", agencies=("Police",)))
    assert [(ln.source, ln.k, ln.n) for ln in police] == [("Police: Information shared", 2, 2)]


def test_grades_are_final_and_each_file_judged_on_its_own_scale():
    ev = _mapped_evidence()
    (line,) = _lines(ev, _entry("CFA", "grade"))
    # ofsted scale: A1 Inadequate (the SM's final grade), A2 Adequate, A3 Outstanding: 1 of 3 Good or better;
    # stars scale: A4 3 stars (good), A6 1 star, A5 not graded (left out): 1 of 2. Together 2 of 5 files.
    assert (line.kind, line.source, line.k, line.n, line.unit) == (
        "audit", "case file audits (CFA): files graded Good or better (final grades)", 2, 5, "audits")
    assert mapped.moderated_share(ev, "2009-Q4", ("CFA",)) == (1, 6)  # A1 of A1-A6
    assert mapped.moderated_share(ev, "2009-Q4", ("CFA", "ICPC", "MAA")) == (1, 14)  # 6 + 3 + 5 files
    assert mapped.moderated_share(_evidence(), "2009-Q4", ("CFA",)) == (0, 0)  # no audits table


def test_a_criterion_the_criteria_table_does_not_hold_has_no_answers():
    ev = _mapped_evidence()
    files = mapped.final_audits(ev, "2009-Q4")
    # every file of the cycle: No (A1, final), Yes (A2, A3), No (A4), Yes (B1), No (B2, B3); A5 and R1 not
    # applicable, A6 and the multi-agency files blank: 3 of 7
    assert mapped._answers(files, ev, "plan") == (3, 7)
    assert mapped._answers(files, ev, "ghost") == (0, 0)  # not a criterion of the council's
    assert mapped._answers(files.drop(columns="shared"), ev, "shared") == (0, 0)  # no answers recorded


def test_an_indicator_is_judged_against_its_own_target_and_direction():
    ev = _mapped_evidence()
    (ni59,) = _lines(ev, _entry("NI59", "indicator"))
    # 45/50 = 90%; target 95%: green at 95%, red below 95 - (80 - 65) = 80%: amber, where the workbook's 80% would
    # make it green. Wilson 95%: centre (0.9 + 1.96^2/100) / (1 + 1.96^2/50) = 0.8715, half-width
    # 1.96 * sqrt(0.0018 + 0.000384) / 1.0768 = 0.0851: 78.6% to 95.7% reaches red and green
    assert (ni59.kind, ni59.k, ni59.n, ni59.unit, ni59.band) == ("indicator", 45, 50, "children", "amber")
    assert ni59.judgement.possible == ("red", "amber", "green")
    assert ni59.source == "NI59 (Initial assessments carried out within 7 working days of referral; target 95%)"
    assert ni59.change.difference.statistic == pytest.approx(45 / 50 - 40 / 50)
    (ni62,) = _lines(ev, _entry("NI62", "indicator"))
    # lower is better: judged on the 100 - 10 = 90 of 100 not counted, against 1 - 0.55 = 45% (red below 30%):
    # green; last cycle 100 - 20 = 80 of 100, a change of +0.10 (a generous local target: its words round well)
    assert (ni62.k, ni62.n, ni62.band) == (90, 100, "green")
    assert ni62.change.difference.statistic == pytest.approx(0.90 - 0.80)
    assert ni62.source == ("NI62 (Stability of placements: three or more placements in the year; lower is better, "
                           "so the level shown is the share it does not count (target 55% or lower: 45% or more "
                           "not counted))")
    (ni64,) = _lines(ev, _entry("NI64", "indicator"))
    # no target: the item's 80%/65% on the complement, 30 - 3 = 27 of 30 (90%): green; nothing last cycle
    assert (ni64.k, ni64.n, ni64.band, ni64.change.label) == (27, 30, "green", "no comparison")
    assert ni64.source == ("NI64 (Child protection plans lasting 2 years or more; lower is better, so the level "
                           "shown is the share it does not count)")
    (local,) = _lines(ev, _entry("LOCAL1", "indicator"))
    # the council's own measure, declared higher is better, named by its declared title, 7/10 = 70%: amber
    assert (local.source, local.k, local.n, local.band) == ("LOCAL1 (Local measure)", 7, 10, "amber")
    assert _lines(ev, _entry("NI60", "indicator")) == []  # not reported this cycle


def test_indicator_thresholds_keep_the_amber_width_and_stop_at_zero():
    assert mapped.indicator_thresholds(0.9, higher_is_better=True, green=0.8, red=0.7) == pytest.approx((0.9, 0.8))
    assert mapped.indicator_thresholds(0.1, higher_is_better=True, green=0.8, red=0.65) == (0.1, 0.0)  # 0.1 - 0.15 < 0
    assert mapped.indicator_thresholds(float("nan"), higher_is_better=False, green=0.8, red=0.65) == (0.8, 0.65)
    assert mapped.indicator_thresholds(0.3, higher_is_better=False, green=0.8, red=0.6) == pytest.approx((0.7, 0.5))


def test_judged_lines_come_first_and_context_lines_are_never_judged():
    board = _table("lscb_board", [{"cycle": "2009-Q4", "chair_independent": False, "board_meetings": 4}])
    ev = _mapped_evidence([("jar_haringey", "J05", "indicator", "NI59", None, None, "context"),
                           ("jar_haringey", "J05", "record", "lscb_chair", None, None, "context"),
                           ("jar_haringey", "J05", "criterion", "plan", "ICPC", None, None)])
    ev = _evidence(**{**ev.tables, "lscb_board": board})
    lines = mapped.mapped_lines(ev, "jar_haringey", "J05", rates=RATES, cycle="2009-Q4", previous="2009-Q3")
    assert [(ln.kind, ln.k, ln.n, ln.context) for ln in lines] == [
        ("audit", 1, 3, False), ("indicator", 45, 50, True), ("LSCB records", 0, 0, True)]
    audit, ni59, chair = lines
    # context keeps its level and change but is never judged: grey, whatever it shows (even a forced red)
    assert (ni59.band, ni59.change.difference.statistic) == ("grey", pytest.approx(0.1))
    assert (chair.band, chair.note) == ("grey", "the chair is not independent")
    # the item rests on the conference audits alone: 1 of 3 is red (33% < 65%), and not firm, since Wilson's
    # interval (6% to 79%) reaches amber; the chair's red, being context, does not make it firm
    j = triangulate(lines)
    assert (audit.band, j.band, j.firm, j.disagreements) == ("red", "red", False, ())
    assert mapped.mapped_lines(ev, "jar_haringey", "J01", rates=RATES, cycle="2009-Q4", previous="2009-Q3") == []


# --- the JAR stocktake ---------------------------------------------------------------------------

def _sa_row(cycle, item, rater, rating, framework="jar_haringey", scale="ofsted_2008"):
    return {"cycle": cycle, "framework": framework, "item": item, "rater": rater, "rater_type": "manager",
            "grade_scale": scale, "rating": rating}


def _jar_evidence():
    criteria = _table("criteria", [{"criterion": "feedback", "label": "Written feedback", "scale_id": "compliance",
                                    "audit_types": "case file"}])
    rows = [_audit(f"A{i}", "2009-Q4", feedback="Yes" if i < 4 else "No") for i in range(10)]
    rows += [_audit("M1", "2009-Q4", auditor="SM1", tier="SM", of="A9", feedback="No")]  # one file moderated
    rows += [_audit(f"B{i}", "2009-Q3", feedback="Yes" if i < 9 else "No") for i in range(10)]
    sa = [_sa_row("2009-Q4", "J01", f"M{r}", g) for r, g in enumerate(["Good", "Good", "Outstanding", "Adequate",
                                                                       "Inadequate"])]
    sa += [_sa_row("2009-Q4", "J01", "M5", "3 stars", scale="stars")]  # a rating on another scale: its own Good
    sa += [_sa_row("2009-Q3", "J01", "M0", "Good"), _sa_row("2009-Q3", "J01", "M1", "Inadequate")]
    sa += [_sa_row("2009-Q4", "J02", f"M{r}", "Good") for r in range(5)]
    sa += [_sa_row("2009-Q4", "J01", "X", "Inadequate", framework="lscb_checklist")]  # another framework's J01
    board = _table("lscb_board", [{"cycle": "2009-Q4", "chair_independent": False, "board_meetings": 4}])
    indicators = _table("indicators", [{"cycle": c, "indicator": "NI59", "definition_version": "NI-2008",
                                        "numerator": k, "denominator": 100, "target": None}
                                       for c, k in (("2009-Q4", 80), ("2009-Q3", 50))])
    emap = _map_rows(("jar_haringey", "J02", "criterion", "feedback", None, None, None),
                     ("jar_haringey", "J03", "record", "lscb_chair", None, None, None),
                     ("jar_haringey", "J05", "indicator", "NI59", None, None, None))
    return _evidence(criteria=criteria, audits=_table("audits", rows, ("feedback",)), lscb_board=board,
                     indicators=indicators, self_assessments=_table("self_assessments", sa), evidence_map=emap)


def test_jar_totals_actions_changes_and_headlines():
    r = jar.analyse(_jar_evidence(), **KW)
    by_id = {f.item.item_id: f for f in r.findings}
    # J01: the managers only (self-assessed); J02: audits 4 of 10 (red, Wilson 17% to 69%: not firm) over the
    # managers' 5 of 5; J03: no independent chair (red, firm); J05: NI59 80 of 100, green at 80% (Wilson 71% to
    # 87%: not firm); J04 and J06 to J11: nothing mapped (grey)
    assert r.rag_counts == {"red": 2, "amber": 0, "green": 1, "grey": 7, "self-assessed": 1}
    assert r.needs_action == ("J02: red on independent evidence", "J03: red on independent evidence")
    # J02's audits 4/10 against 9/10 (Newcombe -0.746 to -0.082); NI59 80/100 against 50/100 (+0.30; Wilson
    # 71.1%-86.7% and 40.4%-59.6%: Newcombe's lower limit 0.3 - sqrt(0.089^2 + 0.096^2) = 0.17 > 0)
    assert r.changes == ("J02 audit (case file audits: Written feedback): worse",
                         "J05 indicator (NI59 (Initial assessments carried out within 7 working days of referral)): "
                         "improved")
    # uncertain: J01 (self-assessed is never firm), J02 and J05; J03 is firm and greys are not judgements
    assert r.headlines == ("JAR findings: 2 red, 0 amber, 1 green, 1 self-assessed, not evidenced, 7 without evidence",
                           f"3 of 11 {jar.UNCERTAIN_WORDS}")
    assert (r.cycle, r.previous, r.confidence_level, r.green, r.red) == ("2009-Q4", "2009-Q3", 0.95, 0.8, 0.65)
    assert r.moderated == (1, 10)  # A9 re-audited by the SM, of the 10 case files this cycle
    assert [f.judgement.firm for f in (by_id["J02"], by_id["J03"], by_id["J05"])] == [False, True, False]


def test_jar_managers_line_counts_each_scales_good_ratings_for_this_finding_only():
    r = jar.analyse(_jar_evidence(), **KW)
    (j01,) = r.findings[0].evidence
    # J01 this cycle: Good, Good, Outstanding and 3 stars are Good or better on their scales; Adequate and
    # Inadequate are not: 4 of 6 (the LSCB checklist's own J01 row is another framework's). Last cycle 1 of 2.
    assert (j01.kind, j01.source, j01.k, j01.n, j01.unit) == (SELF, "managers rating it Good or better", 4, 6,
                                                              "ratings")
    assert j01.change.difference.statistic == pytest.approx(4 / 6 - 1 / 2)
    j02 = r.findings[1].evidence
    assert [(ln.kind, ln.k, ln.n) for ln in j02] == [("audit", 4, 10), (SELF, 5, 5)]  # judged lines first
    assert j02[1].change.label == "no comparison"  # no managers' ratings of J02 last cycle
    assert j02[0].change.difference.statistic == pytest.approx(4 / 10 - 9 / 10)  # last cycle read as 2009-Q3
    assert r.findings[3].evidence == ()  # J04: nothing mapped, nobody rated it


def test_jar_from_a_notebook_context_uses_its_parameters():
    params = SimpleNamespace(confidence_level=0.9, rag_green=0.7, rag_red=0.5, thresholds={})
    from review.protection.disclosure import DisclosurePolicy

    ctx = SimpleNamespace(evidence=_jar_evidence(), cycle="2009-Q4", previous="2009-Q3", params=params,
                          policy=DisclosurePolicy(audience="internal"))
    r = jar.analyse_context(ctx)
    assert (r.cycle, r.previous, r.confidence_level, r.green, r.red) == ("2009-Q4", "2009-Q3", 0.9, 0.7, 0.5)
    # the report's learning section is read for the context's quarter (this evidence records none)
    assert (r.learning.result.cycle, r.learning.result.files, r.learning.published) == ("2009-Q4", 0, False)
    j05 = r.findings[4]
    # NI59 80/100 at 90%: Wilson centre (0.8 + 1.645^2/200) / (1 + 1.645^2/100) = 0.7855, half-width
    # 1.645 * sqrt(0.0016 + 1.645^2/40000) / 1.02706 = 0.0654: 72.0% to 85.1%, all above 70%: green and firm
    assert (j05.judgement.band, j05.judgement.firm) == ("green", True)
    assert j05.evidence[0].judgement.result.confidence_level == 0.9
    # J02's audits 4 of 10 (40%) are red below 50%; last cycle was 2009-Q3
    assert r.findings[1].evidence[0].change.label == "worse"


# --- the self-assessment frameworks (partnership) -------------------------------------------------

def _ratings(framework, cycle, table, rater_type="agency", scale="ofsted_2008"):
    return [{"cycle": cycle, "framework": framework, "item": item, "rater": rater, "rater_type": rater_type,
             "grade_scale": scale, "rating": rating} for item, row in table.items() for rater, rating in row.items()]


def _three(a, b, c):
    return {"Police": a, "Health": b, "Education": c}


def test_a_self_assessment_framework_rates_triangulates_and_summarises():
    rows = _ratings("lscb_checklist", "2009-Q4", {
        "L1": _three("Good", "Good", "Good"), "L2": _three("Good", "Adequate", "Inadequate"),
        "L3": _three("Good", "Adequate", "Good"), "L4.1": _three("Good", "Inadequate", "Inadequate"),
        "L4.2": _three("Good", "Good", "Outstanding")})
    rows += _ratings("lscb_checklist", "2009-Q3", {"L1": {"Police": "Good", "Health": "Inadequate"}})
    rows += _ratings("healthcare_commission", "2009-Q4", {"H1": {"M1": "Good"}}, rater_type="manager")  # a person
    board = _table("lscb_board", [{"cycle": "2009-Q4", "chair_independent": True, "board_meetings": 4}])
    challenges = _table("lscb_challenges", [
        {"cycle": c, "challenge_id": f"{c}-{i}", "agency": "Police", "raised_date": D(2009, 7, 1),
         "answered_date": D(2009, 8, 1) if i == 0 else None} for c in ("2009-Q4", "2009-Q3") for i in range(4)])
    ev = _evidence(self_assessments=_table("self_assessments", rows), lscb_board=board, lscb_challenges=challenges,
                   evidence_map=_map_rows(("lscb_checklist", "L1", "record", "lscb_chair", None, None, None),
                                          ("lscb_checklist", "L3", "record", "lscb_challenges", None, None, None)))
    asked = []

    def independent(item, rates):
        asked.append((item.item_id, rates.green, rates.red))
        if item.item_id == "L3":  # 2/10 against 9/10: Newcombe -0.865 to -0.266, worse
            return [rates.line("audit", "independent files", (2, 10), (9, 10), "audits")]
        if item.item_id == "L4.1":  # 7/10: amber
            return [rates.line("audit", "files", (7, 10), None, "audits")]
        if item.item_id == "L4.2":
            return [EvidenceLine("audit", "forced", 0, 0, "audits", None, Change("no comparison", None), "why", "red")]
        if item.item_id == "L4.3":  # 9/10 against 2/10: improved (the mirror of L3's change); green, not firm
            return [rates.line("audit", "better files", (9, 10), (2, 10), "audits")]
        return []

    r = partnership.analyse_self_assessment(ev, "lscb_checklist", independent=independent, notes={"L2": "a note"},
                                            rater_words="agencies", **KW)
    assert asked == [(i, 0.8, 0.65) for i in ("L1", "L2", "L3", "L4", "L4.1", "L4.2", "L4.3", "L4.4", "L4.5", "L4.6")]
    by_id = {i.item.item_id: i for i in r.items}
    l1 = by_id["L1"].evidence
    # the chair (independent: a condition met, shown and never judged), then the agencies' 3 of 3 against last
    # cycle's 1 of 2 (+0.5)
    assert [(ln.kind, ln.source, ln.k, ln.n, ln.unit) for ln in l1] == [
        ("LSCB records", "independence of the chair", 0, 0, "cycles"),
        (SELF, "agencies rating it Good or better", 3, 3, "agency ratings")]
    assert l1[1].change.difference.statistic == pytest.approx(3 / 3 - 1 / 2)
    l3 = by_id["L3"].evidence
    assert [(ln.kind, ln.k, ln.n) for ln in l3] == [("LSCB records", 1, 4), ("audit", 2, 10), (SELF, 2, 3)]
    assert l3[0].change.label == "no clear change"  # 1 of 4 answered, as last cycle
    assert {i: (by_id[i].judgement.band, by_id[i].judgement.firm) for i in ("L1", "L2", "L3", "L4.1", "L4.2")} == {
        "L1": ("self-assessed", False), "L2": ("self-assessed", False), "L3": ("red", True),
        "L4.1": ("amber", False), "L4.2": ("red", True)}  # L3: 2/10 has Wilson's interval 5.7% to 51.0%, all red
    assert (by_id["L2"].note, by_id["L1"].note) == ("a note", "")
    l4 = by_id["L4"]
    # the heading takes the worst band of its sub-items (red before amber), firm only if they all are
    assert (l4.judgement.band, l4.judgement.firm, l4.judgement.basis, l4.judgement.disagreements, l4.evidence,
            l4.ratings) == ("red", False, "its sub-items", (), (), None)
    assert l4.note == ("Summarised from its sub-items (L4.1 amber, L4.2 red, L4.3 green, L4.4 grey, L4.5 grey, "
                       "L4.6 grey): the worst band.")
    # judged: L4.3 green; L1 (the chair alone is no evidence), L2 self-assessed; L3, L4.2 red; L4.1 amber;
    # L4.4 to L4.6 grey (L4 is a heading): 9
    assert r.rag_counts == {"red": 2, "amber": 1, "green": 1, "grey": 3, "self-assessed": 2}
    assert r.needs_action == ("L3: red on independent evidence", "L4.2: red on independent evidence")
    assert r.changes == ("L3 audit (independent files): worse", "L4.3 audit (better files): improved")
    # L2 and L4.1 share the lowest share, 1 of 3 agencies each (33%)
    assert (r.weakest.kind, r.weakest.items) == ("tied", ("L2", "L4.1"))
    assert r.headlines[:2] == (
        f"2 red, 1 amber, 1 green, 2 self-assessed, not evidenced, 3 without evidence of 9 {partnership.JUDGED_WORDS}",
        "Lowest rated: L2, L4.1 (33% of agencies rate each Good or better)")
    assert r.agreement is not None
    assert r.headlines[2:] == (r.agreement.headline,)
    assert (r.framework, r.cycle, r.previous, r.confidence_level, r.green, r.red) == (
        "lscb_checklist", "2009-Q4", "2009-Q3", 0.95, 0.8, 0.65)
    assert (r.scale, r.good_labels, r.numeric, r.people_rate, r.self_rated) == (
        ("Outstanding", "Good", "Adequate", "Inadequate"), ("Outstanding", "Good"), False, False, False)
    assert isinstance(r.divergence, pd.DataFrame)
    assert partnership.raters_are_people(ev, "healthcare_commission", "2009-Q4") is True  # M1 is a person


def test_headings_order_their_bands_and_scores_speak_in_their_own_terms():
    rows = _ratings("governance", "2009-Q4", {"G2.1": {"M1": "8", "M2": "6", "M3": "9"}}, rater_type="area manager",
                    scale="scaling_0_10")
    ev = _evidence(self_assessments=_table("self_assessments", rows))

    def independent(item, rates):
        forced = {"G1.1": "green", "G2.2": "green"}
        if item.item_id in forced:
            return [EvidenceLine("audit", "forced", 0, 0, "audits", None, Change("no comparison", None), "",
                                 forced[item.item_id])]
        return [rates.line("audit", "files", (7, 10), None, "audits")] if item.item_id == "G1.2" else []

    r = partnership.analyse_self_assessment(ev, "governance", independent=independent, rater_words="area managers",
                                            notes={"C1": "asked, not judged", "G1.1": "n1"}, **KW)
    by_id = {i.item.item_id: i for i in r.items}
    # G1: green (G1.1) and amber (G1.2, 70%) -> amber; G2: self-assessed (G2.1) and green (G2.2) -> green
    assert [(i, by_id[i].judgement.band) for i in ("G1", "G2")] == [("G1", "amber"), ("G2", "green")]
    assert by_id["G2"].note == "Summarised from its sub-items (G2.1 self-assessed, G2.2 green): the worst band."
    assert (by_id["C1"].note, by_id["C2"].note, by_id["C1"].evidence, by_id["C2"].judgement) == (
        "asked, not judged", "", (), None)
    assert (by_id["G1.1"].note, by_id["G1.2"].note) == ("n1", "")
    (own,) = by_id["G2.1"].evidence
    # scores 8, 6, 9: two at 7 or more, of three area managers (people)
    assert (own.source, own.k, own.n, own.unit) == ("area managers rating it 7 or more out of 10", 2, 3, "ratings")
    assert r.headlines[:2] == (
        f"0 red, 1 amber, 2 green, 1 self-assessed, not evidenced of 4 {partnership.JUDGED_WORDS}",
        "Lowest rated: G2.1 (67% of area managers rate it 7 or more out of 10)")
    assert (r.numeric, r.good_labels, r.scale[0], r.people_rate) == (True, ("10", "9", "8", "7"), "10", True)


def test_the_weakest_item_or_all_equal_in_words_and_nothing_rated():
    one = _ratings("lscb_checklist", "2009-Q4", {"L1": _three("Good", "Adequate", "Adequate"),
                                                  "L2": _three("Good", "Good", "Good")})
    r = partnership.analyse_self_assessment(_evidence(self_assessments=_table("self_assessments", one)),
                                            "lscb_checklist", **KW)
    assert r.headlines[1] == "Lowest rated: L1 (33% of raters rate it Good or better)"  # 1 of 3
    equal = _ratings("lscb_checklist", "2009-Q4", {"L1": _three("Good", "Adequate", "Adequate"),
                                                    "L2": _three("Adequate", "Outstanding", "Inadequate")})
    r = partnership.analyse_self_assessment(_evidence(self_assessments=_table("self_assessments", equal)),
                                            "lscb_checklist", **KW)
    assert r.headlines[1] == "All rated items equal: 33% of raters rate each Good or better"  # 1 of 3 each
    scores = _ratings("governance", "2009-Q4", {"G1.1": _three("8", "6", "5"), "G2.2": _three("1", "2", "10")},
                      scale="scaling_0_10")
    r = partnership.analyse_self_assessment(_evidence(self_assessments=_table("self_assessments", scores)),
                                            "governance", **KW)
    assert r.headlines[1] == "All rated items equal: 33% of raters rate each 7 or more out of 10"  # 1 of 3 each
    r = partnership.analyse_self_assessment(_evidence(), "lscb_checklist", **KW)
    assert (r.scale, r.good_labels, r.numeric, r.divergence, r.agreement, r.weakest.kind, r.people_rate) == (
        (), (), False, None, None, "none", True)
    assert r.headlines == (f"0 red, 0 amber, 0 green, 9 without evidence of 9 {partnership.JUDGED_WORDS}",)
    with pytest.raises(ValueError, match="^L1 has no judgement$"):
        partnership._judged(partnership.ItemResult(r.items[0].item, None, (), None))


@pytest.mark.parametrize("name", ["review.analyses.mapped", "review.analyses.final_answers",
                                  "review.data.evidence_map"])
def test_the_examples_of_the_map_and_its_lines_pass(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert (result.attempted > 0, result.failed) == (True, 0)


# --- the judgement engine: a level on a threshold, and the item beyond its frame ------------------

def _forced_red():
    return EvidenceLine("LSCB records", "chair", 0, 0, "cycles", None, Change("no comparison", None), "", "red")


def test_a_level_on_a_threshold_has_no_audit_figure_and_with_a_frame_is_beyond_it():
    # 8 of 10 = 80%, exactly the green line. Wilson 95%: centre (0.8 + 3.8415/20) / (1 + 3.8415/10) = 0.7168,
    # half-width 1.96 / 1.38415 * sqrt(0.016 + 3.8415/400) = 0.2266: 49.0% to 94.3%, every band. The distance to
    # the nearest crossed threshold is 0: no number of audits settles it
    alone = judge_rate(8, 10, green=0.8, red=0.65, confidence_level=0.95)
    assert (alone.band, alone.firm, alone.audits_needed, alone.beyond_frame) == ("green", False, None, False)
    # with a frame of 40 files the page says the rate sits on the threshold: more audits will not settle it soon
    framed = judge_rate(8, 10, green=0.8, red=0.65, confidence_level=0.95, population=40)
    assert (framed.firm, framed.audits_needed, framed.beyond_frame) == (False, None, True)


def test_an_item_is_beyond_its_frame_only_when_uncertain_with_no_audit_figure():
    on_line = RATES.line("audit", "on the line", (8, 10), None, "audits", population=40)
    j = triangulate([on_line])
    # green, not firm (the interval reaches red); no figure settles the line: beyond the frame
    assert (j.band, j.firm, j.audits_needed, j.beyond_frame) == ("green", False, None, True)
    # a forced red makes the item red and firm: nothing to settle, so never "beyond the frame"
    j = triangulate([_forced_red(), on_line])
    assert (j.band, j.firm, j.audits_needed, j.beyond_frame) == ("red", True, None, False)
    # 28 of 40 audits (70%, amber; Wilson 54.6% to 81.9%): 1.96^2 * 0.7 * 0.3 / 0.05^2 = 322.7 -> 323 in all,
    # 283 more (audited files counted as "audits" can be extended), and so not beyond the frame
    j = triangulate([RATES.line("audit", "plans", (28, 40), None, "audits")])
    assert (j.band, j.firm, j.audits_needed, j.beyond_frame) == ("amber", False, 283, False)
