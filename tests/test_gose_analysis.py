"""The GOSE analysis on small hand-built evidence; the expected numbers are worked out beside them."""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType, SimpleNamespace

import pandas as pd
import pytest

from review.analyses.context import Context
from review.analyses.gose import gose_result, return_status
from review.analyses.gose_audits import audit_programme
from review.config.cycles import financial_quarter, financial_year, period_statement
from review.data.load import Evidence, GradeScale
from review.protection.disclosure import DisclosurePolicy
from review.stats.indicators import indicator_table
from review.stats.spc import p_chart

D = dt.date
OFSTED = GradeScale("ofsted_2008", ("Outstanding", "Good", "Adequate", "Inadequate"),
                    frozenset({"Outstanding", "Good"}), frozenset())
YES_NO = GradeScale("compliance", ("Yes", "No", "N/A"), frozenset({"Yes"}), frozenset({"N/A"}))
SCALES = {"ofsted_2008": OFSTED, "compliance": YES_NO}

# --- stated months ------------------------------------------------------------------------------

@pytest.mark.parametrize(("cycle", "quarter", "months"), [
    ("2009-Q1", "Q4 of 2008/09", "January to March 2009"),  # January-March ends the year that began April 2008
    ("2009-Q2", "Q1 of 2009/10", "April to June 2009"),
    ("2009-Q3", "Q2 of 2009/10", "July to September 2009"),
    ("2009-Q4", "Q3 of 2009/10", "October to December 2009"),  # the example the issue gives
    ("1999-Q4", "Q3 of 1999/00", "October to December 1999"),  # the century turns in the short year
])
def test_stated_months_and_financial_quarter(cycle, quarter, months):
    assert financial_quarter(cycle) == quarter
    assert period_statement(cycle) == f"{months} ({quarter})"


def test_financial_year_rejects_a_bad_cycle():
    with pytest.raises(ValueError, match="2009-Q1"):
        financial_year("2009-5")


# --- control limits restart at a declared change ------------------------------------------------

def test_p_chart_limits_restart_at_a_change_point():
    chart = p_chart([10, 12, 11, 30, 31, 29], [40] * 6, labels=list("abcdef"), improvement="increase",
                    change_points=[3])
    pts = chart.points
    # before: 33/120 = 0.275; limit 0.275 + 3 * sqrt(0.275 * 0.725 / 40) = 0.275 + 3 * 0.0706003 = 0.486801
    assert pts["centre"].iloc[:3].tolist() == pytest.approx([0.275] * 3)
    assert pts["upper"].iloc[0] == pytest.approx(0.486801, abs=1e-6)
    # after: 90/120 = 0.75; limit 0.75 - 3 * sqrt(0.75 * 0.25 / 40) = 0.75 - 3 * 0.0684653 = 0.544604
    assert pts["centre"].iloc[3:].tolist() == pytest.approx([0.75] * 3)
    assert pts["lower"].iloc[5] == pytest.approx(0.544604, abs=1e-6)
    assert not pts["outside"].any()  # one chart over both would put the jump outside its limits
    assert chart.change_points == ("d",)
    single = p_chart([10, 12, 11, 30, 31, 29], [40] * 6, improvement="increase")
    assert single.points["outside"].any()  # 63/240 = 0.2625 over all; 0.75 is far above its upper limit


def test_p_chart_segments_need_two_points():
    from review.exceptions import ParameterError

    with pytest.raises(ParameterError, match="at least 2 points in every segment"):
        p_chart([1, 2, 3], [10] * 3, improvement="increase", change_points=[2])


# --- indicators: direction, year to date ----------------------------------------------------------

def _ni(rows):
    return pd.DataFrame(rows, columns=["cycle", "indicator", "definition_version", "numerator", "denominator",
                                       "target", "neighbour_average"])


def test_indicator_year_to_date_direction_and_context():
    data = _ni([("2009-Q1", "NI59", "NI-2008", 50, 100, 0.8, None),  # January-March: the year before
                ("2009-Q2", "NI59", "NI-2008", 60, 100, 0.8, None),
                ("2009-Q3", "NI59", "NI-2008", 70, 100, 0.8, None),
                ("2009-Q4", "NI59", "NI-2008", 80, 100, 0.8, None),
                ("2009-Q4", "NI62", "NI-2008", 30, 300, 0.11, None),
                ("2009-Q4", "NI68", "NI-2008", 60, 100, 0.65, 0.5)])
    t = indicator_table(data, cycle="2009-Q4").set_index("indicator")
    # year to date 2009/10 = April-December: (60 + 70 + 80) / (100 + 100 + 100) = 210/300 = 0.7
    assert (t.loc["NI59", "ytd_numerator"], t.loc["NI59", "ytd_denominator"]) == (210, 300)
    assert t.loc["NI59", "ytd_rate"] == pytest.approx(0.7)
    assert t.loc["NI59", "rate"] == pytest.approx(0.8)  # the quarter's own: 80/100
    assert t.loc["NI59", "previous_denominator"] == 100
    assert pd.isna(t.loc["NI62", "ytd_denominator"])  # children looked after at the quarter's end: no sum
    assert t.loc["NI62", "direction"] == "lower is better"
    assert bool(t.loc["NI62", "meets_target"]) is True  # lower is better: 30/300 = 0.10 <= 0.11
    assert t.loc["NI68", "direction"] == "context only"
    assert t.loc["NI68", "meets_target"] is None  # a context measure is never judged
    assert t.loc["NI68", "vs_neighbours"] == "higher"  # 0.5 is below 60/100's interval (about 0.50 to 0.69)


# --- hand-built evidence: a council that names nothing the way the demo does -------------------
#
# Audit types: "CF" (kind case file), "SV" (supervision), "CONF" (cp conference), "REV"
# (looked-after review). Criteria: "seen" (CF); "s1", "s2" (SV); "c1" (CONF and REV), "c2" (CONF).

CRITERIA = pd.DataFrame({"criterion": ["seen", "s1", "s2", "c1", "c2"],
                         "label": ["The child was seen", "Supervision on time", "Supervision reflective",
                                   "The child took part", "The plan has a contingency"],
                         "scale_id": ["compliance"] * 5,
                         "audit_types": ["CF", "SV", "SV", "CONF; REV", "CONF"]})
NAMES = ("seen", "s1", "s2", "c1", "c2")
AUDIT_TYPES = pd.DataFrame({"audit_type": ["CF", "SV", "CONF", "REV"],
                            "kind": ["case file", "supervision", "cp conference", "looked-after review"],
                            "label": ["File audits", "Supervision audits", "Conference audits", "Review audits"]})
G = "gose_performance"
MAP = pd.DataFrame([  # framework, item, source, evidence, audit_type, agencies, role, reason
    (G, "G01", "record", "user_feedback", None, None, "tests", "feedback"),
    (G, "G02", "record", "staff_feedback", None, None, "tests", "staff survey"),
    (G, "G03", "grade", "CF", None, None, "tests", "file quality"),
    (G, "G04", "criterion", "s1", None, None, "tests", "supervision"),
    (G, "G04", "criterion", "s2", None, None, "tests", "supervision"),
    (G, "G05", "criterion", "c1", None, None, "tests", "chairs"),
    (G, "G05", "criterion", "c2", "CONF", None, "tests", "chairs"),
    (G, "G06", "record", "complaints_in_time", None, None, "tests", "complaints answered in time"),
    (G, "G07", "record", "private_fostering_visits", None, None, "tests", "visits in time"),
    (G, "G08", "record", "inspection_actions", None, None, "tests", "acting on findings"),
    (G, "G09", "record", "scr_actions", None, None, "tests", "SCR plans"),
    (G, "G10", "record", "allegations_in_time", None, None, "tests", "allegations concluded in time"),
    (G, "G11", "record", "vacancies", None, None, "tests", "posts vacant"),
    (G, "G12", "record", "expenditure", None, None, "tests", "overspend"),
    (G, "G13", "indicator", "NI67", None, None, "tests", "an indicator"),
    (G, "G14", "grade", "REV", None, None, "tests", "reviewing officers' findings"),
    (G, "G15", "record", "liaison_resolved", None, None, "tests", "concerns resolved"),
], columns=["framework", "item", "source", "evidence", "audit_type", "agencies", "role", "reason"])
PARAMS = SimpleNamespace(confidence_level=0.95, rag_green=0.8, rag_red=0.65)
INTERNAL = DisclosurePolicy(audience="internal")


def _case_files():
    rows = [  # audit, case, tier, selection, theme, moderation_of, grade, seen
        ("A1", "F1", "TM", "random", None, None, "Good", "Yes"),
        ("A2", "F2", "TM", "random", None, None, "Good", "No"),
        ("A3", "F3", "TM", "themed", "neglect", None, "Adequate", "N/A"),
        ("A4", "F4", "TM", "random", None, None, "Inadequate", "Yes"),
        ("A5", "F5", "TM", "random", None, None, "Adequate", "Yes"),
        ("M1", "F1", "SM", "random", None, "A1", "Good", "Yes"),
        ("M2", "F2", "SM", "random", None, "A2", "Inadequate", "Yes"),  # the moderator finds F2's child was seen
        ("M3", "F3", "SM", "themed", "neglect", "A3", "Good", "N/A"),
        ("M4", "F4", "SM", "random", None, "A4", "Inadequate", "Yes"),
    ]
    t = pd.DataFrame(rows, columns=["audit_id", "case_ref", "auditor_tier", "selection", "theme", "moderation_of",
                                    "overall_grade", "seen"])
    return t.assign(cycle="2009-Q4", audit_type="CF", grade_scale="ofsted_2008", case_type="CIN",
                    auditor_id=t["auditor_tier"] + "01", team="T1", audit_date=D(2009, 11, 2))


def _other_audits():
    rows = [  # audit, case, type, tier, moderation_of, grade, s1, s2, c1, c2
        ("S1", "K1", "SV", "TM", None, "Good", "Yes", "Yes", None, None),  # meets both
        ("S2", "K2", "SV", "TM", None, "Good", "Yes", "No", None, None),  # meets 1 of 2
        ("S3", "K3", "SV", "TM", None, "Adequate", "N/A", "Yes", None, None),  # meets the 1 that applied
        ("S4", "K4", "SV", "TM", None, "Inadequate", "No", "No", None, None),  # 0 of 2 at first ...
        ("S5", "K5", "SV", "TM", None, "Good", "N/A", "N/A", None, None),  # none applied: left out
        ("S6", "K4", "SV", "SM", "S4", "Good", "Yes", "Yes", None, None),  # ... the SM's re-audit: 2 of 2
        ("C1", "K6", "CONF", "IRO", None, "Good", None, None, "Yes", "Yes"),
        ("C2", "K7", "CONF", "IRO", None, "Adequate", None, None, "No", "Yes"),
        ("R1", "K8", "REV", "IRO", None, "Good", None, None, "Yes", None),
        ("R2", "K9", "REV", "IRO", None, "Adequate", None, None, "Yes", None),
    ]
    t = pd.DataFrame(rows, columns=["audit_id", "case_ref", "audit_type", "auditor_tier", "moderation_of",
                                    "overall_grade", "s1", "s2", "c1", "c2"])
    return t.assign(cycle="2009-Q4", grade_scale="ofsted_2008", case_type="CP", selection="random", theme=None,
                    auditor_id=t["auditor_tier"] + "01", team="T1", audit_date=D(2009, 11, 9))


def _actions():
    rows = [  # id, source, due, status, closed
        ("I1", "inspection", D(2009, 11, 30), "done", D(2009, 11, 20)),  # done in the cycle: on track
        ("I2", "inspection", D(2010, 2, 28), "open", None),  # not yet due: on track
        ("I3", "inspection", D(2009, 12, 1), "open", None),  # overdue
        ("X1", "scr", D(2009, 12, 20), "done", D(2009, 12, 10)),
    ]
    t = pd.DataFrame(rows, columns=["action_id", "source", "due_date", "status", "closed_date"])
    return t.assign(item="I", audit_id=None, action="act", owner_role="SM", cycle_raised="2009-Q3", evidence="e")


def _tables():
    case = _case_files()
    before = case[case["moderation_of"].isna()].assign(cycle="2009-Q3", audit_id=lambda t: "P" + t["audit_id"])
    audits = pd.concat([case, before, _other_audits()], ignore_index=True)
    for name in NAMES:
        if name not in audits:
            audits[name] = None
    frame = pd.DataFrame({"cycle": ["2009-Q4"] * 45 + ["2009-Q3"] * 40,
                          "case_ref": [f"F{i}" for i in range(1, 41)] + [f"K{i}" for i in range(1, 6)]
                          + [f"F{i}" for i in range(1, 41)],
                          "allocated_worker": ["W9"] * 40 + ["W1", "W1", "W2", "W3", "W3"] + ["W9"] * 40})
    returns = pd.DataFrame([
        ("2009-Q4", "G01", "User feedback report", D(2009, 12, 28), D(2010, 1, 4), None),  # 7 days late
        ("2009-Q4", "G02", "Staff feedback report", D(2009, 12, 28), None, None),  # missing, but optional
        ("2009-Q4", "G04", "Supervision audit report", D(2009, 12, 28), D(2009, 12, 20), None),  # on time
        ("2009-Q4", "G08", "Inspections report", D(2009, 12, 28), D(2009, 12, 20), None),  # on time
        ("2009-Q4", "G09", "SCR progress", D(2009, 12, 28), D(2009, 12, 20), None),  # on time
        ("2009-Q2", "G14", "Annual IRO report", D(2009, 6, 30), D(2009, 6, 29), "LSCB"),
    ], columns=["cycle", "item", "return_title", "due_date", "delivered_date", "presented_to"])
    feedback = pd.DataFrame([("2009-Q4", "LAC", "survey", 10, 9), ("2009-Q4", "CP", "advocacy service", 10, 7),
                             ("2009-Q3", "LAC", "survey", 10, 5)],
                            columns=["cycle", "group", "source", "responses", "positive"])
    staff = pd.DataFrame([("2009-Q4", "Social work", 20, 10, 9)],
                         columns=["cycle", "team", "invited", "responses", "positive"])
    complaints = pd.DataFrame([("2009-Q3", 20, 2), ("2009-Q4", 20, 20)],
                              columns=["cycle", "received", "responded_in_time"])
    services = pd.DataFrame([("Home A", "children's home", D(2009, 5, 1), "ofsted_2008", "Good", D(2009, 11, 1)),
                             ("Home B", "children's home", D(2009, 9, 1), "ofsted_2008", "Good", D(2010, 3, 1))],
                            columns=["service_name", "service_type", "inspection_date", "grade_scale", "grade",
                                     "next_due"])
    workforce = pd.DataFrame([("2009-Q4", "S1", 20.0, 3.0, 2.0, 1, 34.0, 2)],
                             columns=["cycle", "service", "establishment_fte", "vacancies_fte", "agency_fte",
                                      "leavers", "sickness_days", "starters"])
    indicators = pd.DataFrame([("2009-Q3", "NI67", "NI-2008", 99, 100, 0.98, None),
                               ("2009-Q4", "NI67", "NI-2008", 90, 100, 0.98, None)],
                              columns=["cycle", "indicator", "definition_version", "numerator", "denominator",
                                       "target", "neighbour_average"])
    return {"audits": audits, "frame": frame, "criteria": CRITERIA, "audit_types": AUDIT_TYPES, "evidence_map": MAP,
            "staff": pd.DataFrame({"staff_id": ["TM01", "SM01"], "tier": ["TM", "SM"]}),
            "programme": pd.DataFrame({"tier": ["TM"], "audit_type": ["CF"], "quota_per_auditor": [6]}),
            "gose_returns": returns, "user_feedback": feedback, "staff_feedback": staff, "complaints": complaints,
            "regulated_services": services, "workforce": workforce, "indicators": indicators, "actions": _actions()}


def _evidence(**changes):
    tables = _tables() | changes
    return Evidence("hand-built", MappingProxyType(tables), MappingProxyType(SCALES), NAMES)


def _result(ev=None, params=PARAMS, policy=INTERNAL):
    return gose_result(Context(params, ev if ev is not None else _evidence(), policy, "2009-Q4", "2009-Q3"))


def _items(result):
    return {i.item: i for i in result.items}


# --- the case-file programme: final answers, random apart from themed, boundary ----------------

def _coverage():
    return pd.DataFrame({"tier": ["TM", "SM"], "audit_type": ["CF"] * 2, "auditors": [1, 1],
                         "planned": [6, 3], "completed": [5, 0], "auditors_overdue": [1, 1],
                         "overdue": ["TM01", "SM01"], "moderations": [0, 4]})


def test_audit_programme_on_final_answers_and_the_boundary():
    prog = audit_programme(_case_files(), _coverage(), frame_size=40, scale=OFSTED, criteria=CRITERIA, scales=SCALES,
                           criterion_names=["seen"], confidence_level=0.95)
    tm = next(t for t in prog.tiers if t.tier == "TM")
    assert (tm.name, tm.planned, tm.done) == ("Team Manager", 6, 5)
    # first grades Good or better: A1, A2 -> 2; final: F1 Good, F2 Inadequate, F3 Good, F4 Inadequate, F5 Adequate -> 2
    assert (tm.first_good, tm.final_good) == (2, 2)
    assert tm.changed == 2  # F2 Good -> Inadequate, F3 Adequate -> Good
    assert tm.below_quota == ("TM01",)
    # random sample F1, F2, F4, F5: first Good or better 2 of 4, final 1 of 4 (F1 only); F3 themed is kept apart
    assert (prog.random_first.k, prog.random_first.n) == (2, 4)
    assert (prog.random_final.k, prog.random_final.n) == (1, 4)
    assert prog.random_final.population == 40
    assert prog.themed == (("neglect", 1, 1),)
    m = prog.moderation
    assert m.n_pairs == 4  # (G, G), (G, I), (A, G), (I, I)
    assert m.exact == pytest.approx(2 / 4)
    # p_o = 0.5; p_e = G .5*.5 + A .25*0 + I .25*.5 = 0.375; kappa = (0.5 - 0.375)/0.625 = 0.2
    assert m.kappa.statistic == pytest.approx(0.2)
    assert m.boundary_agreement == pytest.approx(0.75)  # pass-pass, pass-fail, pass-pass, fail-fail
    assert m.boundary_kappa.statistic == pytest.approx(0.5)  # (0.75 - 0.5) / 0.5
    assert (m.lowered_below, m.raised_above) == (1, 0)
    [seen] = prog.criteria
    # final answers: F1 Yes (M1), F2 Yes (M2 prevails over A2's No), F3 N/A, F4 Yes, F5 Yes -> 4 of 4, 1 n/a
    # (the first auditors' answers would give 3 of 4)
    assert (seen.yes, seen.no, seen.not_applicable) == (4, 0, 1)


def test_return_status():
    assert return_status(D(2009, 12, 15), D(2009, 12, 15)) == ("on time", 0)
    assert return_status(D(2009, 12, 15), D(2009, 12, 16)) == ("late", 1)
    assert return_status(D(2009, 12, 15), None) == ("missing", 0)


# --- the whole result on hand-built evidence -----------------------------------------------------

def test_every_item_in_the_sources_order_and_words():
    from review.config.framework_items import GOSE_PMF

    r = _result()
    assert r.period == "Q3 2009/10 (October to December 2009)"  # as councils name the quarter
    assert [(i.item, i.text, i.frequency) for i in r.items] == list(GOSE_PMF)
    assert r.rag == {b: sum(i.band == b for i in r.items) for b in ("red", "amber", "green", "grey", "self-assessed")}
    assert sum(r.rag.values()) == 15


def test_supervision_audits_are_the_unit_and_a_moderation_counts_once():
    r = _result()
    [g] = [g for g in r.groups if g.item == "G04"]
    assert (g.audit_type, g.label, g.kind) == ("SV", "Supervision audits", "supervision")
    # five files (S1..S5); S6 re-audits S4's file, so it is not a sixth audit, and S4's file is moderated
    assert (g.audits, g.moderated) == (5, 1)
    s1, s2 = g.criteria
    # s1 final answers: S1 Yes, S2 Yes, S3 N/A, S4 Yes (the SM's), S5 N/A -> 3 of 3, 2 n/a
    assert (s1.criterion, s1.yes, s1.no, s1.not_applicable) == ("s1", 3, 0, 2)
    # s2: S1 Yes, S2 No, S3 Yes, S4 Yes (the SM's), S5 N/A -> 3 of 4, 1 n/a
    assert (s2.yes, s2.no, s2.not_applicable) == (3, 1, 1)
    # audits meeting every criterion that applied: S1 (2/2), S3 (1/1), S4 (2/2 final); not S2 (1/2); S5 none applied
    assert (g.line.k, g.line.n, g.line.unit) == (3, 4, "audits")
    assert g.line.band == "amber"  # 3/4 = 0.75: at least 0.65, below 0.80
    # all answers together: met 2 + 1 + 1 + 2 = 6 of applicable 2 + 2 + 1 + 2 = 7, from 4 audits (clustered)
    assert (g.pooled.k, g.pooled.n_answers, g.pooled.n_audits) == (6, 7, 4)
    assert g.pooled.statistic == pytest.approx(6 / 7)
    g04 = _items(r)["G04"]
    assert g04.band == "amber"  # the one judged line; the on-time return sets no band
    # K1 and K2 are W1's cases, K3 W2's, K4 and K5 W3's: three supervision files
    files = next(m for m in g04.measures if m.unit == "files")
    assert files.count == 3
    moderated = next(m for m in g04.measures if m.unit == "files moderated")
    assert (moderated.count, moderated.of) == (1, 5)


def test_independent_chairs_audits_by_audit_type_and_the_maps_criteria():
    r = _result()
    conf, rev = [g for g in r.groups if g.item == "G05"]
    assert (conf.audit_type, rev.audit_type) == ("CONF", "REV")
    assert [c.criterion for c in conf.criteria] == ["c1", "c2"]
    assert [c.criterion for c in rev.criteria] == ["c1"]  # c2 is mapped to conferences only
    assert (conf.line.k, conf.line.n) == (1, 2)  # C1 meets both; C2 misses c1
    assert (rev.line.k, rev.line.n) == (2, 2)  # R1, R2 meet c1
    g05 = _items(r)["G05"]
    assert (conf.line.band, rev.line.band) == ("red", "green")  # 1/2 = 0.5 < 0.65; 2/2 = 1.0
    assert g05.band == "red"  # the worse of the two
    # G14 on the reviewing officers' findings: final grades of REV, R1 Good, R2 Adequate -> 1 of 2, red
    [line] = _items(r)["G14"].judged_lines
    assert (line.k, line.n, line.band) == (1, 2, "red")
    assert _items(r)["G14"].delivery == "none due"


def test_without_supervision_audits_g04_is_no_evidence_never_green_or_red():
    tables = _tables()
    audits = tables["audits"][tables["audits"]["audit_type"] != "SV"]
    g04 = _items(_result(_evidence(audits=audits)))["G04"]
    assert g04.band == "grey"  # the return came on time: that is no evidence of the supervision's quality
    assert not g04.judgement.firm
    assert g04.judgement.basis == "no evidence"


def test_without_the_chairs_audits_g05_and_g14_are_no_evidence():
    tables = _tables()
    audits = tables["audits"][~tables["audits"]["audit_type"].isin(["CONF", "REV"])]
    items = _items(_result(_evidence(audits=audits)))
    assert items["G05"].band == "grey"
    assert items["G14"].band == "grey"


def test_a_missing_return_is_red_a_late_one_amber_and_one_on_time_sets_no_band():
    items = _items(_result())
    # G01: feedback (9 + 7)/(10 + 10) = 16/20 = 0.80, green at exactly the line (green at or above, as the
    # engine's band_of); the return 7 days late is an amber line, so the item is amber
    feedback, late = items["G01"].judged_lines
    assert (feedback.k, feedback.n, feedback.band) == (16, 20, "green")
    assert (late.kind, late.band, late.note) == ("return", "amber", "7 days late")
    assert items["G01"].band == "amber"
    # G09: one SCR action done in the cycle: 1 of 1 on track; the return on time adds nothing
    [scr] = items["G09"].judged_lines
    assert (scr.k, scr.n, scr.unit, scr.band) == (1, 1, "actions", "green")
    g04_return = [ln for ln in items["G04"].lines if ln.kind.startswith("context")]
    assert [ln.band for ln in g04_return] == ["grey"]


def test_a_return_arriving_is_not_evidence_that_the_item_is_met():
    tables = _tables()
    actions = tables["actions"][tables["actions"]["source"] != "scr"]
    g09 = _items(_result(_evidence(actions=actions)))["G09"]
    assert g09.delivery == "on time"
    assert g09.band == "grey"  # no SCR actions: no evidence, not green for the report arriving


def test_an_optional_return_missing_is_never_red_when_the_staff_survey_exists():
    g02 = _items(_result())["G02"]
    assert g02.condition == "if developed"
    assert g02.delivery == "missing"
    [survey] = g02.judged_lines  # the missing report is context
    assert (survey.kind, survey.k, survey.n, survey.band) == ("staff survey", 9, 10, "green")  # 9/10 = 0.9
    assert g02.band == "green"
    tables = _tables()
    no_survey = _items(_result(_evidence(staff_feedback=tables["staff_feedback"].iloc[0:0])))["G02"]
    assert no_survey.band == "grey"  # not developed: no evidence, never red for the optional return


def test_inspections_are_judged_on_the_councils_actions_not_the_regulators_timetable():
    r = _result()
    g08 = _items(r)["G08"]
    # I1 done in the cycle, I2 not yet due: 2 of 3 on track; I3 overdue. 2/3 = 0.667: amber
    [line] = g08.judged_lines
    assert (line.k, line.n, line.band) == (2, 3, "amber")
    assert g08.band == "amber"  # Home A's next inspection is overdue (due 2009-11-01): context, never red
    overdue = next(m for m in g08.measures if m.label.startswith("Next inspection overdue"))
    assert overdue.count == 1
    assert bool(r.inspections.set_index("service_name").loc["Home A", "overdue"])


def test_an_indicator_is_judged_against_its_own_target():
    result = _result()
    r = _items(result)
    [ni67] = r["G13"].judged_lines
    # 90/100 against a 98% target: green from 0.98, red below 0.98 - (0.80 - 0.65) = 0.83 -> amber, not green
    assert (ni67.k, ni67.n, ni67.band) == (90, 100, "amber")
    assert r["G13"].band == "amber"
    assert result.indicators.set_index("indicator").loc["NI67", "band"] == "amber"
    assert r["G13"].rule.startswith("each indicator is judged against its own target")
    # mapped as context: shown beside G13, never judged, and the indicator table says so
    context = MAP.assign(role=["context" if e == "NI67" else r for e, r in zip(MAP["evidence"], MAP["role"], strict=True)])
    shown = _result(_evidence(evidence_map=context))
    g13 = _items(shown)["G13"]
    assert (g13.band, g13.judged_lines, g13.rule) == ("grey", (), "")
    assert [ln.kind for ln in g13.lines if ln.context] == ["indicator"]  # shown with its level, never judged
    assert shown.indicators.set_index("indicator").loc["NI67", "band"] == "not judged"
    from review.analyses.mapped import indicator_thresholds

    assert indicator_thresholds(0.98, higher_is_better=True, green=0.8, red=0.65) == pytest.approx((0.98, 0.83))


def test_workforce_vacancy_rule_through_the_engines_bands():
    g11 = _items(_result())["G11"]
    values = {m.label: m for m in g11.measures}
    # vacancy rate 3/20 = 0.15: not above 0.15, above 0.10 -> amber; sickness 34 / (20 - 3) = 2.0 days per FTE
    assert values["Vacancy rate"].value == pytest.approx(0.15)
    assert values["Sickness days per FTE in post"].value == pytest.approx(2.0)
    assert g11.band == "amber"


def test_band_changes_are_not_tested_changes_and_only_changes_beyond_chance_are_listed():
    r = _result()
    items = _items(r)
    # G01 last cycle: 5/10 = 0.5 red (no return due); now amber. 16/20 against 5/10: Newcombe's interval for
    # +0.30 reaches below zero (Wilson 0.584 to 0.919 and 0.237 to 0.763: 0.30 - sqrt(0.216^2 + 0.263^2) < 0)
    g01 = items["G01"]
    assert (g01.previous, g01.band, g01.change) == ("red", "amber", "band changed (not tested)")
    assert g01.judged_lines[0].change.label == "no clear change"
    # G06: complaints in time 2/20 last cycle (red), 20/20 now (green): beyond chance, the band moved with it
    g06 = items["G06"]
    assert (g06.previous, g06.band, g06.change) == ("red", "green", "better")
    assert r.changes == ("G06 complaints records (complaints responded to in time): improved",
                         "G13 indicator (NI67 (Child protection cases reviewed within required timescales; "
                         "target 98%)): worse")
    assert ("G01", "red", "amber", "band changed (not tested)") in r.band_changes
    # band_changes lists exactly the items judged both cycles whose band moved, in the source's order
    assert r.band_changes == tuple((i.item, i.previous, i.band, i.change) for i in r.items
                                   if i.previous is not None and i.previous != i.band)
    assert any(i.change == "same band" for i in r.items)  # such items exist and are left out
    # NI67 99/100 -> 90/100: the band moves green -> amber, and the fall is beyond chance? Wilson 0.946..0.998
    # and 0.826..0.945; -0.09 + sqrt(0.044^2 + 0.055^2) = -0.09 + 0.070 < 0: worse, beyond chance
    assert items["G13"].change == "worse"
    from review.views.gose import record

    figures = record(r, INTERNAL).payload["figures"]
    assert not any("band changed" in c for c in figures["changes"])
    assert "G01: band changed (not tested) (red to amber)" in figures["band_changes"]


def test_the_cycle_summary_lists_no_gose_band_flip_as_a_change_beyond_chance():
    from review.results.judgements import judgements
    from review.results.summary import summarise
    from review.views.gose import record

    payload = record(_result(), INTERNAL).payload
    summary = summarise("2009-Q4", (judgements("gose_performance", payload),), {"gose_performance": "GOSE"})
    listed = [c for _, c in summary.changes]
    assert listed
    assert all(c.endswith((": improved", ": worse")) for c in listed)
    assert not any(c.startswith("G01") for c in listed)


def test_rates_are_judged_against_the_frameworks_rag_parameters():
    strict = SimpleNamespace(confidence_level=0.95, rag_green=0.9, rag_red=0.85)
    g01 = _items(_result(params=strict))["G01"]
    # 16/20 = 0.80 < 0.85 = rag_red: red (green under the default 0.80)
    assert g01.judged_lines[0].band == "red"
    assert g01.band == "red"
    from review.config.declarations import validate_values
    from review.config.frameworks import FRAMEWORKS

    with pytest.raises(ValueError, match="rag_red"):
        validate_values({"rag_green": 0.6, "rag_red": 0.7}, FRAMEWORKS["gose_performance"].params, "gose_performance")


def test_case_files_random_sample_on_final_grades_and_quota():
    items = _items(_result())
    audit, quota = items["G03"].judged_lines
    # random sample final grades: F1 Good; F2, F4 Inadequate; F5 Adequate -> 1 of 4 against the frame of 45 files
    assert (audit.k, audit.n, audit.band) == (1, 4, "red")
    assert audit.judgement.result.population == 45
    # quota: TM01 did 5 of 6; 5 < 0.9 * 6 = 5.4 -> amber
    assert quota.band == "amber"
    assert items["G03"].band == "red"
    moderated = next(m for m in items["G03"].measures if m.unit == "files moderated")
    assert (moderated.count, moderated.of) == (4, 5)  # F1, F2, F3, F4 re-audited by the SM; F5 not


def test_needs_action_red_then_amber_in_source_order():
    r = _result()
    reds = [i.item for i in r.items if i.band == "red"]
    ambers = [i.item for i in r.items if i.band == "amber"]
    assert r.needs_action == tuple(reds + ambers)
    assert reds == ["G03", "G05", "G14"]
    # G01 is amber on its late return alone (its feedback is green): the action is about the return
    assert dict(r.actions)["G01"] == "Agree with the owner how the return will come on time next cycle"
    # G05 is red on the conference audits
    assert dict(r.actions)["G05"] == ("Review the evidence with the owner: Conference audits: audits meeting every "
                                      "criterion that applied to them")


def test_a_published_report_shows_a_judgement_on_a_small_sample_marked_so():
    from review.views.gose import framework_items, record, shown_judgement, small_group

    pol = DisclosurePolicy(audience="published")
    r = _result(policy=pol)
    g03 = _items(r)["G03"]
    # 1 of 4 random files Good or better: red, shown (a board must see its reds); the figures it
    # rests on (1 of 4: a count of 1, a group of 4 < 10) are withheld, so it is marked small group
    assert shown_judgement(g03, pol) == "red"
    assert small_group(g03, pol)
    assert "Red (small group)" in framework_items(r, pol).data
    figures = record(r, pol).payload["figures"]
    internal = record(r, INTERNAL).payload["figures"]
    assert figures["needs_action"] == internal["needs_action"]
    assert figures["rag_counts"] == internal["rag_counts"]
    assert "withheld" not in figures["rag"]
    assert next(i for i in figures["items"] if i["item"] == "G03")["small_group"]
    assert "case_files_good_or_better_final" not in figures  # n = 4: too few to publish
    assert [a.split(":")[0] for a in internal["needs_action"][:3]] == ["G03", "G05", "G14"]
    # 15 items, each counted once in the summary's contract whatever the audience
    assert sum(internal["rag_counts"].values()) == sum(figures["rag_counts"].values()) == 15
    assert figures["band_changes"] == internal["band_changes"]
    # a change beyond chance is listed only for a line whose level the page prints
    assert set(figures["changes"]) <= set(internal["changes"])


def test_a_published_page_of_small_evidence_passes_the_check_and_keeps_its_judgements(tmp_path):
    """Not the demo: the hand-built evidence, published. The supervision group has 5 audits, 1 of
    them moderated (both from 1 to 5: c); the page still shows every item's band, and the check
    finds no count of people from 1 to 5 anywhere on it."""
    from review.protection.report_check import check_report
    from review.views import gose as views

    pol = DisclosurePolicy(audience="published")
    r = _result(policy=pol)
    sup = views.supervision(r, pol).data
    assert "answers from c audits; final grades: c of c files moderated" in sup
    assert "answers from 5 audits; final grades: 1 of 5 files moderated" in views.supervision(r, INTERNAL).data
    sections = [views.period(r), views.headlines(r, pol), views.framework_items(r, pol), views.audit_programme(r, pol),
                views.criteria(r, pol), views.supervision(r, pol), views.iro(r, pol), views.indicators(r, pol),
                views.cp_lac(r, pol), views.workforce(r, pol), views.inspections(r, pol)]
    page = tmp_path / "gose_performance.html"
    page.write_text("<html><body>" + "".join(s.data for s in sections) + "</body></html>", encoding="utf-8")
    assert check_report(page, audience="published") == []
    items = views.framework_items(r, pol).data
    for i in r.items:  # every band shown, none withheld
        assert f"{i.item}. " in items
    assert "Withheld" not in items


def test_renamed_evidence_gives_the_same_judgements():
    """Every criterion and audit type renamed (the map with them): nothing changes."""
    criteria = {c: f"crit_{k}" for k, c in enumerate(NAMES)}
    types = {"CF": "files", "SV": "supervisions", "CONF": "conferences", "REV": "reviews"}
    tables = _tables()

    def types_of(text):
        return "; ".join(types[t.strip()] for t in str(text).split(";"))

    renamed = {
        "audits": tables["audits"].rename(columns=criteria).assign(
            audit_type=tables["audits"]["audit_type"].map(types)),
        "criteria": CRITERIA.assign(criterion=CRITERIA["criterion"].map(criteria),
                                    audit_types=CRITERIA["audit_types"].map(types_of)),
        "audit_types": AUDIT_TYPES.assign(audit_type=AUDIT_TYPES["audit_type"].map(types)),
        "programme": tables["programme"].assign(audit_type=tables["programme"]["audit_type"].map(types)),
        "evidence_map": MAP.assign(
            evidence=[criteria.get(e, types.get(e, e)) for e in MAP["evidence"]],
            audit_type=[types[t] if isinstance(t, str) else None for t in MAP["audit_type"]]),
    }
    ev = Evidence("renamed", MappingProxyType(tables | renamed), MappingProxyType(SCALES),
                  tuple(criteria.values()))
    assert _summary(_result(ev)) == _summary(_result())


def _summary(result):
    """Every judgement, figure and sentence of a result (names of criteria and audit types are not in it)."""
    def line(ln):
        return (ln.kind, ln.source, ln.k, ln.n, ln.band, ln.change.label, ln.note)

    return ([(i.item, i.band, i.judgement.firm, i.change, tuple(line(ln) for ln in i.lines),
              tuple((m.label, m.count, m.of, m.value) for m in i.measures)) for i in result.items],
            [(g.item, g.label, g.audits, g.moderated, [(c.label, c.yes, c.no, c.not_applicable) for c in g.criteria],
              line(g.line) if g.line else None) for g in result.groups],
            result.changes, result.band_changes, result.needs_action, result.actions)


# --- GOSE's own datasets ---------------------------------------------------------------------------

def _only(tables):
    return Evidence("hand-built", MappingProxyType(tables), MappingProxyType(SCALES), ())


def _record(name, tables, *, agencies=(), cycle="2009-Q4", previous="2009-Q3"):
    """The lines of one record measure on hand-built tables, as the evidence map would build them."""
    from review.analyses.judgement import Rates
    from review.analyses.records import record_lines
    from review.data.evidence_map import MapEntry

    rates = Rates(confidence_level=0.95, green=0.8, red=0.65)
    return record_lines(_only(tables), MapEntry("record", name, None, tuple(agencies), "tests", "why"), rates,
                        cycle=cycle, previous=previous)


def test_expenditure_quarter_year_to_date_and_forecast():
    from review.analyses.gose_measures import finance

    rows = [  # month, cycle, line, budget, spend, forecast outturn
        ("2009-03", "2009-Q1", "Legal", 100.0, 500.0, 9999.0),  # March: the year before, left out of the year to date
        ("2009-09", "2009-Q3", "Legal", 100.0, 110.0, 1300.0),
        ("2009-10", "2009-Q4", "Legal", 100.0, 100.0, 1250.0),
        ("2009-11", "2009-Q4", "Legal", 100.0, 101.0, 1240.0),
        ("2009-12", "2009-Q4", "Legal", 100.0, 102.0, 1230.0),
    ]
    f = pd.DataFrame(rows, columns=["month", "cycle", "budget_line", "budget", "spend", "forecast_outturn"])
    table, part = finance(_only({"finance": f}), "2009-Q4")
    row = table.iloc[0]
    assert row["budget"] == 300.0  # October-December: 3 x 100
    assert row["actual"] == 303.0  # 100 + 101 + 102
    assert row["variance"] == 3.0
    assert row["ytd_budget"] == 400.0  # September to December (April-August absent): 4 x 100
    assert row["ytd_actual"] == 413.0  # 110 + 303
    assert row["forecast_outturn"] == 1230.0  # as forecast in December, the quarter's last month
    assert part.lines == ()  # figures only: the item's band is the evidence map's
    assert {m.label: m.value for m in part.measures}["Year to date (2009/10): variance"] == 13.0  # 413 - 400
    [line] = _record("expenditure", {"finance": f})
    assert line.band == "red"  # year-to-date overspend 13/400 = 3.25% > 3%
    # the note gives the value and the rule that bands it
    assert line.note == "overspend 3.2% of budget (green at or below 1% of budget, red above 3%)"
    assert (line.kind, line.source, line.k, line.n, line.unit) == ("expenditure records", "year-to-date overspend",
                                                                   0, 0, "rule")  # a value: no count, no interval
    assert line.judgement is None
    assert line.change.label == "no comparison"
    assert _record("expenditure", {"finance": f}, cycle="2010-Q1", previous="2009-Q4") == []  # no months: no line


def test_allegations_against_staff_in_time():
    from review.analyses.gose_measures import allegations

    rows = [  # ref, cycle, referral, outcome, concluded
        ("L1", "2009-Q4", D(2009, 10, 1), "unfounded", D(2009, 10, 21)),  # 20 days: in time
        ("L2", "2009-Q4", D(2009, 10, 5), "substantiated", D(2009, 11, 20)),  # 46 days: late
        ("L3", "2009-Q3", D(2009, 9, 1), "unsubstantiated", D(2009, 10, 1)),  # 30 days, concluded this cycle: in time
        ("L4", "2009-Q4", D(2009, 12, 1), "ongoing", None),  # still open at the end of December
    ]
    t = pd.DataFrame(rows, columns=["allegation_ref", "cycle", "referral_date", "outcome", "concluded_date"])
    part = allegations(_only({"lado_allegations": t}), "2009-Q4")
    m = {x.label: x for x in part.measures}
    assert part.lines == ()  # figures only: the item's band is the evidence map's
    [line] = _record("allegations_in_time", {"lado_allegations": t})
    assert (line.k, line.n) == (2, 3)  # L1 and L3 of the three concluded in October-December
    assert (line.unit, line.counts_people) == ("allegations", True)  # about members of staff: protected
    # last cycle (July-September) none concluded: no comparison
    assert line.change.label == "no comparison"
    # a 31st day is late: L3 referred 1 September, concluded 2 October -> 31 days
    later = t.assign(concluded_date=[D(2009, 10, 21), D(2009, 11, 20), D(2009, 10, 2), None])
    assert [(x.k, x.n) for x in _record("allegations_in_time", {"lado_allegations": later})] == [(1, 3)]
    assert m["Allegations referred to the LADO (local authority designated officer)"].count == 3  # L1, L2, L4
    assert m["Concluded this quarter: substantiated"].count == 1
    assert m["Open at the end of the quarter"].count == 1
    assert line.band == "amber"  # 2/3 = 0.667: between 0.65 and 0.80


def test_the_senior_tiers_are_published_together_and_no_tier_can_be_recovered():
    from review.analyses import gose_figures
    from review.analyses.gose_audits import TierResult
    from review.protection.linked import attack_bounds

    def tier(code, auditors, planned, done, first, final, changed):
        return TierResult(code, code, auditors, planned, done, first, final, changed)

    tiers = (tier("ATM", 12, 36, 33, 13, 13, 9), tier("TM", 12, 72, 58, 33, 32, 9),
             tier("SM", 4, 12, 11, 5, 5, 0), tier("AD", 1, 2, 2, 2, 1, 1), tier("DCS", 1, 1, 1, 0, 0, 0))
    r = SimpleNamespace(audits=SimpleNamespace(tiers=tiers, criteria=(), random_final=None, random_first=None,
                                               frame_size=0, themed=(), moderation=None),
                        numbers=pd.DataFrame(), categories=pd.DataFrame(), workforce=pd.DataFrame(), items=(),
                        groups=(), indicators=pd.DataFrame())
    pub = DisclosurePolicy(audience="published")
    shown = gose_figures.published_tiers(r, pub)
    # SM, AD and DCS have counts of 1 to 5: published together (4 + 1 + 1 = 6 auditors, 12 + 2 + 1 = 15
    # quota, 11 + 2 + 1 = 14 done, 5 + 2 + 0 = 7 and 5 + 1 + 0 = 6 Good or better, 0 + 1 + 0 = 1 changed)
    assert [t.tier for t in shown] == ["ATM", "TM", "SM, AD, DCS"]
    assert [getattr(shown[2], c) for c in ("auditors", "planned", "done", "first_good", "final_good", "changed")] \
        == [6, 15, 14, 7, 6, 1]
    assert [t.tier for t in gose_figures.published_tiers(r, INTERNAL)] == ["ATM", "TM", "SM", "AD", "DCS"]
    reg = gose_figures.register(r, pub)
    d = reg.solve()
    # still too small: the senior managers' one changed grade, and with it another tier's (9), or
    # the all-tiers total 9 + 9 + 1 = 19 would give it back
    changed = gose_figures.tier_key("SM, AD, DCS", "changed")
    assert changed in d.withheld
    hidden = set(d.withheld) | {k for k, f in reg.figures.items() if not f.printed}
    low, high = attack_bounds(reg.figures, reg.links, hidden, changed)
    assert high - low >= pub.high
    # nothing else of the table is withheld: 2 of its 4 x 6 = 24 cells
    table = [gose_figures.tier_key(t, c) for t in ("ATM", "TM", "SM, AD, DCS", "All tiers")
             for c in ("auditors", "planned", "done", "first_good", "final_good", "changed")]
    assert sum(k in d.withheld for k in table) == 2


def test_the_views_format_the_result():
    from dataclasses import replace

    from review.views import gose as views

    r = _result()
    assert "First auditors&#x27; grades gave" in views.headlines(r, INTERNAL).data
    bare = replace(r, audits=replace(r.audits, random_first=None))
    page = views.headlines(bare, INTERNAL).data
    assert "First auditors" not in page
    assert "The interval allows for the sample" in page
    sup = views.supervision(r, INTERNAL).data
    assert "answers from 5 audits; final grades: 1 of 5 files moderated" in sup
    # all answers together: 6 of 7 = 85.7%, from 4 audits with at least one criterion applying
    assert "85.7% of applicable answers from 4 audits" in sup
    items = views.framework_items(r, INTERNAL).data
    assert "band changed (not tested) (was red)" in items
    assert "missing (optional: &#39;if developed&#39;)" in items


@pytest.mark.parametrize(("band", "previous", "moved", "expected"), [
    ("green", None, None, "new"),
    ("amber", "amber", "improved", "same band"),  # a line moved, the band did not
    ("green", "amber", None, "band changed (not tested)"),
    ("green", "amber", "no clear change", "band changed (not tested)"),  # tested, not beyond chance
    ("green", "amber", "improved", "better"),
    ("red", "amber", "worse", "worse"),
    ("red", "amber", "improved", "band changed (not tested)"),  # the line moved the other way
    ("grey", "green", None, "band changed (not tested)"),  # to no evidence
])
def test_an_items_change_is_better_or_worse_only_with_a_test_behind_it(band, previous, moved, expected):
    from review.analyses.gose import item_change
    from review.analyses.judgement import Change, EvidenceLine

    lines = () if moved is None else (EvidenceLine("audit", "x", 1, 2, "audits", None, Change(moved, None)),)
    assert item_change(band, previous, lines) == expected


def test_the_case_file_quota_alone_never_makes_g03_green():
    tables = _tables()
    audits = tables["audits"]
    themed_only = audits[~((audits["audit_type"] == "CF") & (audits["selection"] == "random"))]
    # TM01 now did 1 (A3, themed) of 6: short of the quota -> amber, and no random sample to judge quality
    g03 = _items(_result(_evidence(audits=themed_only)))["G03"]
    assert [ln.band for ln in g03.judged_lines] == ["amber"]
    assert g03.band == "amber"
    # the quota met (a quota of 1, one themed audit done) and no random sample: no evidence, not green
    met = tables["programme"].assign(quota_per_auditor=[1])
    g03 = _items(_result(_evidence(audits=themed_only, programme=met)))["G03"]
    assert g03.judged_lines == ()
    assert g03.band == "grey"
    assert [ln.note for ln in g03.lines if ln.kind == "context: audit programme"] == ["at least 90% of the quota done"]


@pytest.mark.parametrize(("done", "planned", "kind", "band"), [
    (9, 10, "context: audit programme", "grey"),  # exactly 90%: the quota is met, no band
    (8, 10, "audit programme", "amber"),  # 80% < 90%
])
def test_the_quota_line_at_exactly_ninety_percent(done, planned, kind, band):
    from review.analyses.gose import _case_file_part
    from review.analyses.gose_audits import AuditProgramme, TierResult
    from review.analyses.judgement import Rates

    prog = AuditProgramme((TierResult("TM", "Team Manager", 1, planned, done, 0, 0, 0),), 40, None, None, (), None, ())
    part = _case_file_part(_evidence(), prog, None, Rates(confidence_level=0.95, green=0.8, red=0.65), "2009-Q4",
                           "2009-Q3")
    [quota] = [ln for ln in part.lines if ln.source == "quota audits done"]
    assert (quota.kind, quota.band) == (kind, band)


@pytest.mark.parametrize(("vacancies", "band"), [(2.0, "green"), (3.0, "amber"), (3.2, "red")])
def test_vacancy_rate_lines(vacancies, band):
    t = pd.DataFrame([("2009-Q4", "S1", 12.0, vacancies / 2, 0.0, 1, 34.0, 2),
                      ("2009-Q4", "S2", 8.0, vacancies / 2, 0.0, 0, 0.0, 0)],
                     columns=["cycle", "service", "establishment_fte", "vacancies_fte", "agency_fte", "leavers",
                              "sickness_days", "starters"])
    # over both services, establishment 12 + 8 = 20: 2/20 = 10%: green at or below 10%; 3/20 = 15%: not above
    # 15%, amber; 3.2/20 = 16% > 15%: red
    [line] = _record("vacancies", {"workforce": t})
    assert line.band == band
    assert (line.kind, line.source, line.n, line.unit) == ("workforce records", "vacancy rate", 0, "rule")
    assert line.note == (f"{100 * vacancies / 20:.1f}% of establishment (green at or below 10% of establishment, "
                         "red above 15%)")


@pytest.mark.parametrize(("spend", "band"), [(404.0, "green"), (412.0, "amber"), (413.0, "red"), (380.0, "green")])
def test_overspend_lines(spend, band):
    f = pd.DataFrame([("2009-10", "2009-Q4", "Legal", 400.0, spend, 1600.0)],
                     columns=["month", "cycle", "budget_line", "budget", "spend", "forecast_outturn"])
    # 4/400 = 1%: green at or below 1%; 12/400 = 3%: not above 3%, amber; 13/400 = 3.25% > 3%: red;
    # 380 is 20/400 = 5% under budget: green
    [line] = _record("expenditure", {"finance": f})
    assert line.band == band
    assert line.note.split(" (")[0] == ("underspend 5.0% of budget" if spend < 400 else
                                        f"overspend {100 * (spend - 400) / 400:.1f}% of budget")


def test_complaints_answered_in_time():
    t = pd.DataFrame([("2009-Q3", "1", 10, 5, 1), ("2009-Q4", "1", 8, 6, 2), ("2009-Q4", "2", 2, 2, 0)],
                     columns=["cycle", "stage", "received", "responded_in_time", "upheld"])
    [line] = _record("complaints_in_time", {"complaints": t})
    # every stage: (6 + 2) of (8 + 2) = 8/10 = 0.80, green at exactly the line
    assert (line.kind, line.source, line.k, line.n, line.band) == (
        "complaints records", "complaints responded to in time", 8, 10, "green")
    assert (line.unit, line.counts_people) == ("complaints", True)  # made by people: protected
    # against 5/10 last cycle: Wilson 95% 0.490 to 0.943 and 0.237 to 0.763; Newcombe's lower bound
    # 0.30 - sqrt((0.80 - 0.490)^2 + (0.763 - 0.50)^2) = 0.30 - 0.407 < 0: no clear change
    assert line.change.label == "no clear change"
    assert _record("complaints_in_time", {"complaints": t}, cycle="2010-Q1", previous="2009-Q4") == []


def test_private_fostering_visits_in_time():
    t = pd.DataFrame([("2009-Q4", 6, 4, 11)], columns=["cycle", "notifications", "visited_in_time",
                                                        "arrangements_open"])
    [line] = _record("private_fostering_visits", {"private_fostering": t})
    # 4 of 6 notified arrangements visited within 7 working days: 0.667, between 0.65 and 0.80: amber
    assert (line.k, line.n, line.band, line.unit, line.counts_people) == (4, 6, "amber", "children", True)
    assert line.change.label == "no comparison"  # no notifications last cycle
    none = t.assign(notifications=0, visited_in_time=0)
    assert _record("private_fostering_visits", {"private_fostering": none}) == []  # nothing notified: no line


def test_liaison_concerns_resolved_and_by_agency():
    t = pd.DataFrame([("2009-Q4", "Police", D(2009, 11, 2), 4, 1), ("2009-Q4", "Health", D(2009, 11, 9), 6, 6),
                      ("2009-Q3", "Police", D(2009, 8, 3), 2, 2)],
                     columns=["cycle", "agency", "meeting_date", "concerns_raised", "concerns_resolved"])
    [line] = _record("liaison_resolved", {"liaison_feedback": t})
    # (1 + 6) of (4 + 6) = 0.70: amber
    assert (line.kind, line.k, line.n, line.band) == ("liaison records", 7, 10, "amber")
    assert (line.unit, line.counts_people) == ("concerns", True)  # concerns about children's cases: protected
    [police] = _record("liaison_resolved", {"liaison_feedback": t}, agencies=("Police",))
    assert (police.k, police.n, police.band) == (1, 4, "red")  # 1/4 = 0.25 < 0.65


def _gose_datasets():
    """Every GOSE dataset behind G06-G15 for the hand-built council, this cycle."""
    fostering = pd.DataFrame([("2009-Q4", 5, 5, 9)], columns=["cycle", "notifications", "visited_in_time",
                                                               "arrangements_open"])
    lado = pd.DataFrame([("L1", "2009-Q4", D(2009, 10, 1), "unfounded", D(2009, 10, 10))],
                        columns=["allegation_ref", "cycle", "referral_date", "outcome", "concluded_date"])
    finance = pd.DataFrame([("2009-10", "2009-Q4", "Legal", 400.0, 440.0, 1600.0)],
                           columns=["month", "cycle", "budget_line", "budget", "spend", "forecast_outturn"])
    liaison = pd.DataFrame([("2009-Q4", "Police", D(2009, 11, 2), 10, 9)],
                           columns=["cycle", "agency", "meeting_date", "concerns_raised", "concerns_resolved"])
    return {"private_fostering": fostering, "lado_allegations": lado, "finance": finance, "liaison_feedback": liaison}


def test_g06_to_g15_are_judged_on_the_map_alone_and_are_no_evidence_without_it():
    later = [f"G{i:02d}" for i in range(6, 16)]
    r = _items(_result(_evidence(**_gose_datasets())))
    # with the map: complaints 20/20, visits 5/5, allegations 1/1 (9 days), liaison 9/10 = 0.9 green;
    # vacancies 3/20 = 15% amber; overspend 40/400 = 10% > 3% red; NI67 90/100 against 98% amber
    judged = {i: [(ln.kind, ln.band) for ln in r[i].judged_lines] for i in ("G06", "G07", "G10", "G11", "G12",
                                                                            "G13", "G15")}
    assert judged == {"G06": [("complaints records", "green")], "G07": [("private fostering records", "green")],
                      "G10": [("allegations records", "green")], "G11": [("workforce records", "amber")],
                      "G12": [("expenditure records", "red")], "G13": [("indicator", "amber")],
                      "G15": [("liaison records", "green")]}
    assert "vacancy rate green at or below 10% of establishment, red above 15%" in r["G11"].rule
    assert "overspend green at or below 1% of budget, red above 3%" in r["G12"].rule
    # without the map's rows for G06-G15: every one is "no evidence", never green and never red on absence
    # (their returns, on time or none due, set no band), and their figures are still shown
    ev = _evidence(evidence_map=MAP[~MAP["item"].isin(later)], **_gose_datasets())
    result = _result(ev)
    bare = _items(result)
    assert {i: (bare[i].band, bare[i].judgement.firm, bare[i].judged_lines) for i in later} == {
        i: ("grey", False, ()) for i in later}
    assert [m.label for m in bare["G06"].measures] == ["Complaints received"]
    assert bare["G11"].measures == r["G11"].measures
    assert bare["G11"].rule == ""
    assert set(result.indicators["band"]) == {"not judged"}  # the indicator table follows the map too
    # the map is the one source: the complaints measure mapped to G01 instead is judged there
    moved = MAP[~MAP["item"].isin(later)].copy()
    moved.loc[len(moved)] = (G, "G01", "record", "complaints_in_time", None, None, "tests", "complaints")
    g01 = _items(_result(_evidence(evidence_map=moved)))["G01"]
    assert ("complaints records", 20, 20) in [(ln.kind, ln.k, ln.n) for ln in g01.judged_lines]


def test_a_published_gose_page_passes_the_disclosure_check(tmp_path):
    """Small numbers everywhere in the hand-built evidence: every view's published HTML passes the
    workbook's own check for counts of 1 to 5 (no count in a caption, a source's words or a note)."""
    from review.protection.report_check import check_report
    from review.views import gose as views

    pol = DisclosurePolicy(audience="published")
    r = _result(policy=pol)
    parts = [views.headlines(r, pol), views.framework_items(r, pol), views.audit_programme(r, pol),
             views.criteria(r, pol), views.supervision(r, pol), views.iro(r, pol), views.inspections(r, pol),
             views.indicators(r, pol), views.workforce(r, pol)]
    page = tmp_path / "gose.html"
    page.write_text("<html><body>" + "".join(p.data for p in parts) + "</body></html>", encoding="utf-8")
    assert [str(f) for f in check_report(page)] == []


def test_a_context_criterion_is_shown_not_pooled_and_a_criterion_of_another_kind_is_judged_as_mapped():
    extra = pd.DataFrame([(G, "G04", "criterion", "s2", None, None, "context", "shown only"),
                          (G, "G04", "criterion", "seen", None, None, "tests", "a case-file criterion")],
                         columns=MAP.columns)
    ev = _evidence(evidence_map=pd.concat([MAP[~((MAP["item"] == "G04") & (MAP["evidence"] == "s2"))], extra],
                                          ignore_index=True))
    r = _result(ev)
    [g] = [g for g in r.groups if g.item == "G04"]
    assert [c.criterion for c in g.criteria] == ["s1"]
    # s1 alone: S1, S2, S4 (final) meet it; S3 and S5 n/a -> 3 of 3
    assert (g.line.k, g.line.n) == (3, 3)
    g04 = _items(r)["G04"]
    kinds = [(ln.kind, ln.source) for ln in g04.lines]
    # seen on case files (final answers F1-F5: Yes, Yes, N/A, Yes, Yes -> 4 of 4) judged as the map builds it
    assert ("audit", "File audits: The child was seen") in kinds
    seen = next(ln for ln in g04.lines if ln.source == "File audits: The child was seen")
    assert (seen.k, seen.n) == (4, 4)
    context = [ln for ln in g04.lines if ln.context]
    assert [(ln.kind, ln.source, ln.band) for ln in context] == [
        ("audit", "Supervision audits: Supervision reflective", "grey")]  # shown with its level, never judged


def test_items_are_judged_against_their_own_declared_thresholds():
    from review.config.thresholds import WORKBOOK_SOURCE, Threshold
    from review.views.gose import framework_items

    # G01: 16 positive of 20 responses = 80%: green under the workbook's lines (80% is at green);
    # declared green 85%, red below 81%: 80% < 81%, so red.
    # G04: audits meeting every criterion that applied: S1 yes, S2 no, S3 yes, S4 as moderated by S6 yes,
    # S5 none applied (left out): 3 of 4 = 75%: amber under the workbook's (65% <= 75% < 80%);
    # declared green 70%, red below 50%: 75% >= 70%, so green.
    own = {("gose_performance", "G01"): Threshold(0.85, 0.81, "local target: feedback plan"),
           ("gose_performance", "G04"): Threshold(0.7, 0.5, "local target: supervision policy")}
    default = _items(_result())
    declared = _items(_result(params=SimpleNamespace(confidence_level=0.95, rag_green=0.8, rag_red=0.65,
                                                     thresholds=own)))
    g01, g04 = declared["G01"].judged_lines[0], declared["G04"].judged_lines[0]
    assert (g01.k, g01.n, g01.band, default["G01"].judged_lines[0].band) == (16, 20, "red", "green")
    assert (g04.k, g04.n, g04.band, default["G04"].judged_lines[0].band) == (3, 4, "green", "amber")
    assert declared["G01"].threshold == own[("gose_performance", "G01")]
    assert declared["G05"].threshold == Threshold(0.8, 0.65, WORKBOOK_SOURCE)  # not declared: the workbook's
    assert declared["G05"].band == default["G05"].band
    page = framework_items(_result(params=SimpleNamespace(confidence_level=0.95, rag_green=0.8, rag_red=0.65,
                                                          thresholds=own)), INTERNAL).data
    assert "G01: green at or above 85%, red below 81% (local target: feedback plan)" in page
    assert "G05: green" not in page


def test_a_mapped_criterion_the_council_does_not_declare_reads_no_audits():
    """A map row naming a criterion the criteria table lacks, with no audit type: it applies to no
    audit type, so it adds nothing to G04's groups and no line (review validate refuses such a map;
    the analysis does not fail on it)."""
    extra = pd.DataFrame([(G, "G04", "criterion", "undeclared", None, None, "tests", "r")], columns=MAP.columns)
    items = _items(_result(_evidence(evidence_map=pd.concat([MAP, extra], ignore_index=True))))
    base = _items(_result())
    assert [(ln.source, ln.k, ln.n) for ln in items["G04"].lines] == [(ln.source, ln.k, ln.n)
                                                                    for ln in base["G04"].lines]


# --- GOSE's own figures, shown beside the items (gose_measures), on hand-built tables ----------------

def _measures_evidence(**tables):
    return Evidence("hand-built", MappingProxyType(tables), MappingProxyType(SCALES), ())


def test_cp_and_looked_after_numbers_per_10000_children_and_plans_by_category():
    from review.analyses.gose_measures import numbers

    lac = pd.DataFrame([("2009-Q4", "looked after", 300, 20, 15, 60_000, 55.0, 54.0),
                        ("2009-Q4", "child protection plan", 45, 12, 10, 60_000, 30.0, 29.0),
                        ("2009-Q3", "looked after", 290, 18, 12, 60_000, 55.0, 54.0)],
                       columns=["cycle", "group", "at_end", "starts", "ends", "population_under_18", "neighbour_rate",
                                "england_rate"])
    cats = pd.DataFrame([("2009-Q3", "neglect", 9), ("2009-Q4", "neglect", 7), ("2009-Q4", "emotional abuse", 5)],
                        columns=["cycle", "category", "plans_started"])
    t, c = numbers(_measures_evidence(cp_lac_numbers=lac, cp_categories=cats), "2009-Q4")
    # 45 / 60,000 * 10,000 = 7.5 per 10,000; 300 / 60,000 * 10,000 = 50.0; sorted by group
    assert t["group"].tolist() == ["child protection plan", "looked after"]
    assert t["rate_per_10000"].tolist() == pytest.approx([7.5, 50.0])
    assert list(t.index) == [0, 1]
    assert c.columns.tolist() == ["cycle", "category", "plans_started"]
    assert list(c.index) == [0, 1]
    assert c["plans_started"].tolist() == [7, 5]


def test_workforce_figures_are_named_and_worked_out():
    from review.analyses.gose_measures import workforce

    # two services: establishment 20 + 20 = 40 FTE, vacant 1 + 3 = 4 (10%), agency 1 + 1 (5%), in post 36;
    # leavers 2 + 1 = 3 (3/36 = 8.3% turnover), sickness 18 + 18 = 36 days (1.0 per FTE in post)
    rows = pd.DataFrame([("2009-Q4", "S1", 20.0, 1.0, 1.0, 2, 18.0, 1), ("2009-Q4", "S2", 20.0, 3.0, 1.0, 1, 18.0, 0)],
                        columns=["cycle", "service", "establishment_fte", "vacancies_fte", "agency_fte", "leavers",
                                 "sickness_days", "starters"])
    _, part = workforce(_measures_evidence(workforce=rows), "2009-Q4")
    shown = {m.label: (m.count, m.value, m.unit) for m in part.measures}
    assert shown == {"Establishment": (None, pytest.approx(40.0), "FTE"),
                     "Vacancy rate": (None, pytest.approx(0.1), "share"),
                     "Agency cover": (None, pytest.approx(0.05), "share"),
                     "Starters": (1, None, "staff"), "Leavers": (3, None, "staff"),
                     "Turnover (leavers per FTE in post)": (None, pytest.approx(3 / 36), "share"),
                     "Sickness days per FTE in post": (None, pytest.approx(1.0), "days")}


def test_indicator_charts_restart_at_a_change_two_quarters_in_and_count_indicators_with_a_target():
    from review.analyses.gose_measures import indicators

    # NI59 over four quarters with a declared change from the third (position 2): two points before it
    # and two after, the least each segment may have, so the limits restart there
    rows = pd.DataFrame([(c, "NI59", "NI-2008", k, 100, 0.8, None) for c, k in
                         (("2009-Q1", 60), ("2009-Q2", 62), ("2009-Q3", 80), ("2009-Q4", 82))]
                        + [("2009-Q4", "NI67", "NI-2008", 90, 100, None, None)],
                        columns=["cycle", "indicator", "definition_version", "numerator", "denominator", "target",
                                 "neighbour_average"])
    changes = pd.DataFrame([("NI59", "2009-Q3", "new recording system")], columns=["indicator", "from_cycle", "reason"])
    table, charts, part = indicators(_measures_evidence(indicators=rows, indicator_changes=changes), "2009-Q4", 0.95)
    (indicator, _, chart, counts), = charts  # NI67 has one quarter: no chart
    assert indicator == "NI59"
    assert chart.change_points == ("2009-Q3",)
    assert counts == ((60, 100), (62, 100), (80, 100), (82, 100))
    # one of the two indicators has a target
    assert [(m.label, m.count, m.unit) for m in part.measures] == [("Indicators with a target", 1, "indicators")]


def test_g03_takes_other_mapped_lines_and_without_a_quota_shows_only_the_final_grades():
    """G03 with the staff survey also mapped to it (9 of 10 responses positive: a line beside the
    programme's own grades), and a programme declaring no quota: no quota line, and the one measure
    "final grades: 4 of 5 files moderated" (M1 to M4 re-audit F1 to F4; F5 is not moderated). The
    random sample's final grades: F1 Good; F2, F4 Inadequate; F5 Adequate: 1 of 4."""
    extra = pd.DataFrame([(G, "G03", "record", "staff_feedback", None, None, "tests", "staff view")],
                         columns=MAP.columns)
    ev = _evidence(evidence_map=pd.concat([MAP, extra], ignore_index=True),
                   programme=pd.DataFrame({"tier": [], "audit_type": [], "quota_per_auditor": []}))
    g03 = _items(_result(ev))["G03"]
    assert [(ln.kind, ln.k, ln.n) for ln in g03.judged_lines] == [("audit", 1, 4), ("staff survey", 9, 10)]
    assert [(m.label, m.count, m.of, m.unit) for m in g03.measures] == [
        ("Case-file audits: final grades", 4, 5, "files moderated")]


def test_returns_late_on_time_and_still_missing_within_the_past_year():
    """Returns as the items show them. This quarter: G01's report 7 days late (amber line named for the
    return), G04's on time (a context line, "on time"). Earlier: G07's annual update due 2009-03-31
    never delivered, within the past year (2009-Q1 to Q3), so still red; G15's 2008-Q4 return is more
    than a year back, so G15 shows no last return; G14's annual report (2009-Q2) was presented to the LSCB."""
    returns = _tables()["gose_returns"]
    extra = pd.DataFrame([("2009-Q1", "G07", "Private fostering annual update", D(2009, 3, 31), None, None),
                          ("2008-Q4", "G15", "Liaison feedback report", D(2008, 12, 31), D(2008, 12, 20), None)],
                         columns=returns.columns)
    items = _items(_result(_evidence(gose_returns=pd.concat([returns, extra], ignore_index=True))))
    late = next(ln for ln in items["G01"].lines if ln.kind == "return")
    assert (late.source, late.k, late.n, late.note, late.band) == (
        "User feedback report, due 2009-12-28", 0, 0, "7 days late", "amber")
    on_time = next(ln for ln in items["G04"].lines if ln.kind == "context: return")
    assert (on_time.source, on_time.note) == ("Supervision audit report, due 2009-12-28", "on time")
    g07 = items["G07"]
    assert g07.last_delivered.title == "Private fostering annual update"
    missing = next(ln for ln in g07.lines if ln.kind == "return")
    assert (missing.source, missing.k, missing.n, missing.note, missing.band) == (
        "Private fostering annual update, due 2009-03-31", 0, 0, "still not delivered", "red")
    assert g07.band == "red"
    assert items["G15"].last_delivered is None
    assert items["G14"].last_delivered.presented_to == "LSCB"
    # context lines are never judged: G04's on-time return is not among its judged lines
    assert on_time not in items["G04"].judged_lines


def test_expenditure_and_private_fostering_figures_reach_the_items():
    """Finance for October to December 2009 (budget 100 a month, spend 110 in the quarter's months:
    variance +30 in the quarter) and three private fostering arrangements known at the quarter's end."""
    finance = pd.DataFrame([(m, "2009-Q4", "Placements", 100.0, 110.0, 1300.0) for m in ("2009-10", "2009-11",
                                                                                          "2009-12")],
                           columns=["month", "cycle", "budget_line", "budget", "spend", "forecast_outturn"])
    fostering = pd.DataFrame([("2009-Q4", 2, 2, 3)], columns=["cycle", "notifications", "visited_in_time",
                                                             "arrangements_open"])
    r = _result(_evidence(finance=finance, private_fostering=fostering))
    items = _items(r)
    assert r.finance["budget_line"].tolist() == ["Placements"]
    shown = {m.label: m.value for m in items["G12"].measures}
    assert shown["Budget this quarter"] == pytest.approx(300.0)
    assert shown["Variance this quarter"] == pytest.approx(30.0)
    assert [(m.label, m.count) for m in items["G07"].measures] == [
        ("Private fostering arrangements known at the end of the quarter", 3)]
