"""The judgement core on small hand-built evidence: tests written to kill the mutants a mutation tool
found alive (docs/testing.md, "Mutation testing"). Every expected value is worked out beside it."""

from __future__ import annotations

import datetime as dt
import doctest
import importlib
from types import MappingProxyType

import pandas as pd
import pytest

from review.analyses import final_answers as fa
from review.analyses import records
from review.analyses.judgement import SELF, Change, EvidenceLine, Rates
from review.data import DATASETS, Evidence
from review.data.evidence_map import EvidenceMap, MapEntry, coverage_lines
from review.data.load import GradeScale

D = dt.date
YES_NO = GradeScale("compliance", ("Yes", "No", "N/A"), frozenset({"Yes"}), frozenset({"N/A"}))
OFSTED = GradeScale("ofsted_2008", ("Outstanding", "Good", "Adequate", "Inadequate"),
                    frozenset({"Outstanding", "Good"}), frozenset())
# a second grade scale with a not-applicable grade: files graded on it are judged on its own labels
STARS = GradeScale("stars", ("3 stars", "2 stars", "1 star", "not graded"), frozenset({"3 stars"}),
                   frozenset({"not graded"}))
SCALES = {"compliance": YES_NO, "ofsted_2008": OFSTED, "stars": STARS}
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
    # M9 moderates an audit of another cycle (not in this table): no first audit takes its answers
    rows = [_audit("A1", plan="Yes"), _audit("A2", plan="No"),
            _audit("M9", tier="SM", of="OLD", grade="Inadequate", plan="No")]
    out = _answers(rows, ("plan",))
    assert fa.final_answers(_table("audits", rows, ("plan",)), ["plan", "absent"])["plan"].tolist() == ["Yes", "No"]
    assert out[["audit_id", "overall_grade", "plan", "moderated", "final_tier"]].values.tolist() == [
        ["A1", "Good", "Yes", False, "TM"], ["A2", "Good", "No", False, "TM"]]


def test_without_moderations_each_first_audit_is_final_as_it_stands():
    out = _answers([_audit("A1", tier="SM", grade="Adequate", plan="No")])
    assert out[["first_grade", "overall_grade", "moderated", "final_tier"]].values.tolist() == [
        ["Adequate", "Adequate", False, "SM"]]
    assert out["moderated"].dtype == bool


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
    assert (line.kind, line.source, line.k, line.n, line.unit, line.judgement, line.change.label,
            line.note, line.band) == ("LSCB records", "independence of the chair", 0, 0, "cycles", None,
                                      "no comparison", "the chair is independent", "green")
    (before,) = _record(ev, "lscb_chair", cycle="2009-Q3", previous="2009-Q2")
    assert (before.note, before.band) == ("the chair is not independent", "red")
    assert _record(ev, "lscb_chair", cycle="2009-Q2", previous="2009-Q1") == []  # no board row that cycle
    assert _record(_evidence(), "lscb_chair") == []  # no board table at all


def test_a_rate_measure_compares_with_last_cycle_only_when_there_was_one():
    counts = {"2009-Q4": (9, 10), "2009-Q3": (1, 10), "2009-Q2": (0, 0), "2009-Q1": (0, 0)}
    build = records._rate("kind words", "source words", "unit words", lambda ev, entry, cycle: counts[cycle])
    (line,) = build(None, None, RATES, "2009-Q4", "2009-Q3")
    # 9/10 against 1/10: Newcombe's interval for +0.8 lies well above 0 (Table II example (b), 9/10 v 3/10,
    # already gives 0.17 to 0.81)
    assert (line.kind, line.source, line.unit, line.k, line.n, line.change.label) == (
        "kind words", "source words", "unit words", 9, 10, "improved")
    (line,) = build(None, None, RATES, "2009-Q3", "2009-Q2")  # nothing last cycle: no comparison
    assert (line.k, line.n, line.change.label, line.change.difference) == (1, 10, "no comparison", None)
    assert build(None, None, RATES, "2009-Q2", "2009-Q1") == []  # nothing this cycle: no line


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
    assert m.entries("lscb_checklist", "L2") == () and m.entries("jar_haringey", "J04", judged_only=False)[2].judged is False


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
    with pytest.raises(ValueError) as err:
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
