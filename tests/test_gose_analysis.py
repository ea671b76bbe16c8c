"""The GOSE analysis on small hand-built evidence; the expected numbers are worked out beside them."""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType, SimpleNamespace

import pandas as pd
import pytest

from review.analyses.context import Context
from review.analyses.gose import gose_result, judge_rate, return_status
from review.analyses.gose_audits import audit_programme, final_grades
from review.config.cycles import financial_quarter, financial_year, period_statement
from review.data.load import Evidence, GradeScale
from review.protection.disclosure import DisclosurePolicy
from review.stats.indicators import indicator_table
from review.stats.sampling import proportion_ci
from review.stats.spc import p_chart

D = dt.date
OFSTED = GradeScale("ofsted_2008", ("Outstanding", "Good", "Adequate", "Inadequate"),
                    frozenset({"Outstanding", "Good"}), frozenset())
YES_NO = GradeScale("compliance", ("Yes", "No", "N/A"), frozenset({"Yes"}), frozenset({"N/A"}))
SCALES = {"ofsted_2008": OFSTED, "compliance": YES_NO}
CRITERIA = pd.DataFrame({"criterion": ["child_seen"], "label": ["The child was seen"], "scale_id": ["compliance"],
                         "audit_types": ["case file"], "jar_finding": [8]})


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


# --- the audit programme: final grades, random apart from themed, boundary -----------------------

def _audits():
    rows = [  # audit, case, tier, selection, theme, moderation_of, grade, child_seen
        ("A1", "F1", "TM", "random", None, None, "Good", "Yes"),
        ("A2", "F2", "TM", "random", None, None, "Good", "No"),
        ("A3", "F3", "TM", "themed", "neglect", None, "Adequate", "N/A"),
        ("A4", "F4", "TM", "random", None, None, "Inadequate", "Yes"),
        ("A5", "F5", "TM", "random", None, None, "Adequate", "Yes"),
        ("M1", "F1", "SM", "random", None, "A1", "Good", "Yes"),
        ("M2", "F2", "SM", "random", None, "A2", "Inadequate", "No"),
        ("M3", "F3", "SM", "themed", "neglect", "A3", "Good", "N/A"),
        ("M4", "F4", "SM", "random", None, "A4", "Inadequate", "Yes"),
    ]
    t = pd.DataFrame(rows, columns=["audit_id", "case_ref", "auditor_tier", "selection", "theme", "moderation_of",
                                    "overall_grade", "child_seen"])
    return t.assign(cycle="2009-Q4", audit_type="case file", grade_scale="ofsted_2008", case_type="CIN",
                    auditor_id=t["auditor_tier"] + "01", team="T1",
                    audit_date=D(2009, 11, 2))


def _coverage():
    return pd.DataFrame({"tier": ["TM", "SM"], "audit_type": ["case file"] * 2, "auditors": [1, 1],
                         "planned": [6, 3], "completed": [5, 0], "auditors_overdue": [1, 1],
                         "overdue": ["TM01", "SM01"], "moderations": [0, 4]})


def test_final_grade_is_the_most_senior_moderation():
    a = pd.DataFrame({"audit_id": ["A", "B", "C"], "moderation_of": [None, "A", "B"], "auditor_tier": ["ATM", "AD", "SM"],
                      "overall_grade": ["Good", "Inadequate", "Adequate"]})
    # A re-audited by AD (Inadequate) and SM re-audited AD's audit (Adequate): AD is the more senior tier
    assert final_grades(a)[["final_grade", "final_tier"]].values.tolist() == [["Inadequate", "AD"]]


def test_audit_programme_on_final_grades_and_the_boundary():
    prog = audit_programme(_audits(), _coverage(), frame_size=40, scale=OFSTED, criteria=CRITERIA, scales=SCALES,
                           criterion_names=["child_seen"], confidence_level=0.95)
    tm = next(t for t in prog.tiers if t.tier == "TM")
    assert (tm.name, tm.planned, tm.done) == ("Team Manager", 6, 5)
    # first grades Good or better: A1, A2 -> 2; final: F1 Good, F2 Inadequate, F3 Good, F4 Inadequate, F5 Adequate -> 2
    assert (tm.first_good, tm.final_good) == (2, 2)
    assert tm.changed == 2  # F2 Good -> Inadequate, F3 Adequate -> Good
    assert tm.below_quota == ("TM01",)
    # random sample F1, F2, F4, F5: first Good or better 2 of 4, final 1 of 4 (F1 only); F3 themed is kept apart
    assert (prog.random_first.k, prog.random_first.n) == (2, 4)
    assert (prog.random_final.k, prog.random_final.n) == (1, 4)
    assert prog.random_final.population == 40  # finite-population interval against the frame sampled from
    assert prog.themed == (("neglect", 1, 1),)
    m = prog.moderation
    # pairs (auditor, moderator): (G, G), (G, I), (A, G), (I, I)
    assert m.n_pairs == 4
    assert m.exact == pytest.approx(2 / 4)
    # full scale: p_o = 0.5; p_e = G .5*.5 + A .25*0 + I .25*.5 = 0.375; kappa = (0.5 - 0.375)/0.625 = 0.2
    assert m.kappa.statistic == pytest.approx(0.2)
    # boundary (Adequate or better / Inadequate): pass-pass, pass-fail, pass-pass, fail-fail -> 3/4
    assert m.boundary_agreement == pytest.approx(0.75)
    # p_e = auditor pass 3/4 * moderator pass 2/4 + fail 1/4 * 2/4 = 0.5; kappa = (0.75 - 0.5)/0.5 = 0.5
    assert m.boundary_kappa.statistic == pytest.approx(0.5)
    assert (m.lowered_below, m.raised_above) == (1, 0)
    [seen] = prog.criteria
    # first audits: Yes (F1), No (F2), N/A (F3), Yes (F4), Yes (F5) -> 3 of 4 applicable, 1 n/a
    assert (seen.yes, seen.no, seen.not_applicable) == (3, 1, 1)


def test_judgement_lines_and_their_uncertainty():
    # 41/50 = 0.82 >= 0.80: green; Wilson 95% 0.692 to 0.902 crosses 0.80, so uncertain
    assert judge_rate(proportion_ci(41, 50, method="wilson"), green=0.8, red=0.65) == ("green", True)
    assert judge_rate(proportion_ci(33, 50, method="wilson"), green=0.8, red=0.65)[0] == "amber"  # 0.66: between 0.65 and 0.80
    assert judge_rate(proportion_ci(32, 50, method="wilson"), green=0.8, red=0.65)[0] == "red"  # 0.64 < 0.65
    # 980/1000 = 0.98; Wilson 0.969 to 0.987 lies above both lines: certain
    assert judge_rate(proportion_ci(980, 1000, method="wilson"), green=0.8, red=0.65) == ("green", False)
    assert judge_rate(None, green=0.8, red=0.65) == ("no evidence", False)


def test_return_status():
    assert return_status(D(2009, 12, 15), D(2009, 12, 15)) == ("on time", 0)
    assert return_status(D(2009, 12, 15), D(2009, 12, 16)) == ("late", 1)
    assert return_status(D(2009, 12, 15), None) == ("missing", 0)


# --- the whole result on hand-built evidence -----------------------------------------------------

def _evidence():
    audits = _audits()
    before = audits[audits["moderation_of"].isna()].assign(cycle="2009-Q3", audit_id=lambda t: "P" + t["audit_id"])
    frame = pd.DataFrame({"cycle": ["2009-Q4"] * 40 + ["2009-Q3"] * 40, "case_ref": [f"F{i}" for i in range(1, 41)] * 2})
    returns = pd.DataFrame([
        ("2009-Q4", "G01", "User feedback report", D(2009, 12, 28), D(2010, 1, 4), None),  # 7 days late
        ("2009-Q4", "G02", "Staff feedback report", D(2009, 12, 28), None, None),  # missing
        ("2009-Q4", "G08", "Inspections report", D(2009, 12, 28), D(2009, 12, 20), None),  # on time
        ("2009-Q2", "G14", "Annual IRO report", D(2009, 6, 30), D(2009, 6, 29), "LSCB"),
    ], columns=["cycle", "item", "return_title", "due_date", "delivered_date", "presented_to"])
    feedback = pd.DataFrame([("2009-Q4", "LAC", "survey", 10, 9), ("2009-Q4", "CP", "advocacy service", 10, 7),
                             ("2009-Q3", "LAC", "survey", 10, 5)],
                            columns=["cycle", "group", "source", "responses", "positive"])
    services = pd.DataFrame([("Home A", "children's home", D(2009, 5, 1), "ofsted_2008", "Good", D(2009, 11, 1)),
                             ("Home B", "children's home", D(2009, 9, 1), "ofsted_2008", "Good", D(2010, 3, 1))],
                            columns=["service_name", "service_type", "inspection_date", "grade_scale", "grade",
                                     "next_due"])
    workforce = pd.DataFrame([("2009-Q4", "S1", 20.0, 3.0, 2.0, 1, 34.0, 2)],
                             columns=["cycle", "service", "establishment_fte", "vacancies_fte", "agency_fte",
                                      "leavers", "sickness_days", "starters"])
    tables = {"audits": pd.concat([audits, before], ignore_index=True), "frame": frame,
              "staff": pd.DataFrame({"staff_id": ["TM01", "SM01"], "tier": ["TM", "SM"]}),
              "programme": pd.DataFrame({"tier": ["TM"], "audit_type": ["case file"], "quota_per_auditor": [6]}),
              "criteria": CRITERIA, "gose_returns": returns, "user_feedback": feedback,
              "regulated_services": services, "workforce": workforce}
    return Evidence("hand-built", MappingProxyType(tables), MappingProxyType(SCALES), ("child_seen",))


def test_every_item_in_order_with_delivery_evidence_and_judgement():
    ev = _evidence()
    ctx = Context(SimpleNamespace(confidence_level=0.95, rag_green=0.8, rag_red=0.65), ev, DisclosurePolicy(audience="internal"), "2009-Q4",
                  "2009-Q3")
    r = gose_result(ctx)
    assert r.period == "October to December 2009 (Q3 of 2009/10)"
    assert [i.item for i in r.items] == [f"G{k:02d}" for k in range(1, 16)]
    items = {i.item: i for i in r.items}
    assert items["G03"].frequency is None  # the source states none for the case-file programme
    assert items["G06"].frequency == ("quarterly", "annual")
    # G01: (9 + 7)/(10 + 10) = 16/20 = 0.80 -> green on evidence, but the return was 7 days late -> amber
    g01 = items["G01"]
    assert (g01.measures[0].count, g01.measures[0].of) == (16, 20)
    assert g01.delivery == "late"
    assert g01.returns[0].days_late == 7
    assert g01.judgement == "amber"
    assert g01.previous == "red"
    assert g01.change == "better"
    assert items["G02"].delivery == "missing"
    assert items["G02"].judgement == "red"
    # G08: Home A's next inspection was due 2009-11-01, before the cycle ended: overdue -> red
    assert items["G08"].judgement == "red"
    assert items["G08"].delivery == "on time"
    # G11: vacancy rate 3/20 = 0.15: not above 0.15, above 0.10 -> amber; sickness 34 / (20 - 3) = 2.0 days per FTE
    g11 = {m.label: m for m in items["G11"].measures}
    assert g11["Vacancy rate"].value == pytest.approx(0.15)
    assert g11["Sickness days per FTE in post"].value == pytest.approx(2.0)
    assert items["G11"].judgement == "amber"
    # G14: none due this cycle; the last (June) came on time
    assert items["G14"].delivery == "none due"
    assert items["G14"].last_delivered.status == "on time"
    # G03: random final grades 1 of 4 = 0.25 < 0.65 -> red
    assert items["G03"].judgement == "red"
    assert items["G03"].basis == ((1, 4),)
    assert items["G15"].judgement == "no evidence"
    # red: G02, G03, G08 (source order), then amber: G01, G11
    assert r.needs_action[:3] == ("G02", "G03", "G08")
    assert set(r.needs_action[3:]) >= {"G01", "G11"}
    assert r.rag["red"] == sum(i.judgement == "red" for i in r.items)
    assert dict(r.actions)["G02"].startswith("Chase the missing return")
    assert ("G01", "red", "amber", "better") in r.changes


def test_rates_are_judged_against_the_frameworks_rag_parameters():
    ev = _evidence()
    strict = SimpleNamespace(confidence_level=0.95, rag_green=0.9, rag_red=0.85)
    r = gose_result(Context(strict, ev, DisclosurePolicy(audience="internal"), "2009-Q4", "2009-Q3"))
    g01 = next(i for i in r.items if i.item == "G01")
    # 16/20 = 0.80 < 0.85 = rag_red: red (green under the default 0.80), whatever the late return adds
    assert g01.judgement == "red"
    assert "green at 90% or more, red below 85%" in g01.reason
    from review.config.declarations import validate_values
    from review.config.frameworks import FRAMEWORKS

    with pytest.raises(ValueError, match="rag_red"):
        validate_values({"rag_green": 0.6, "rag_red": 0.7}, FRAMEWORKS["gose_performance"].params, "gose_performance")


def test_a_published_report_shows_a_judgement_on_a_small_sample_marked_so():
    from review.views.gose import framework_items, record, shown_judgement, small_group

    ev = _evidence()
    pol = DisclosurePolicy(audience="published")
    r = gose_result(Context(SimpleNamespace(confidence_level=0.95, rag_green=0.8, rag_red=0.65), ev, pol, "2009-Q4", "2009-Q3"))
    g03 = next(i for i in r.items if i.item == "G03")
    # 1 of 4 files Good or better: red, shown; the figures it rests on are withheld
    assert shown_judgement(g03, pol) == "red"
    assert small_group(g03, pol)
    assert "Red (small group" in framework_items(r, pol).data
    figures = record(r, pol).payload["figures"]
    internal = record(r, DisclosurePolicy(audience="internal")).payload["figures"]
    assert figures["needs_action"] == internal["needs_action"]
    assert figures["rag_counts"] == internal["rag_counts"]
    assert "case_files_good_or_better_final" not in figures  # n = 4: too few to publish
    assert [a.split(":")[0] for a in internal["needs_action"][:3]] == ["G02", "G03", "G08"]
    assert sum(internal["rag"].values()) == 15
    assert sum(internal["rag_counts"].values()) == 15  # the same 15 items in the summary's contract


def test_supervision_audits_are_keyed_to_the_workers_supervision_files():
    from review.analyses.gose import _Evidence, _supervision

    audits = pd.DataFrame({"audit_type": ["supervision"] * 3 + ["case file"], "moderation_of": [None] * 4,
                           "case_ref": ["C1", "C2", "C3", "C4"]})
    frame = pd.DataFrame({"case_ref": ["C1", "C2", "C3", "C4"], "allocated_worker": ["W1", "W1", "W2", "W3"]})
    out = _supervision(_Evidence((), "audits", "green", ""), audits, frame)
    # C1 and C2 are both W1's cases: one supervision file; C3 is W2's; C4 is a case-file audit -> 2 files
    assert out.measures[0].count == 2
    assert out.judgement == "green"


def _only(tables):
    return Evidence("hand-built", MappingProxyType(tables), MappingProxyType(SCALES), ())


def test_expenditure_quarter_year_to_date_and_forecast():
    from review.analyses.gose import _finance

    rows = [  # month, cycle, line, budget, spend, forecast outturn
        ("2009-03", "2009-Q1", "Legal", 100.0, 500.0, 9999.0),  # March: the year before, left out of the year to date
        ("2009-09", "2009-Q3", "Legal", 100.0, 110.0, 1300.0),
        ("2009-10", "2009-Q4", "Legal", 100.0, 100.0, 1250.0),
        ("2009-11", "2009-Q4", "Legal", 100.0, 101.0, 1240.0),
        ("2009-12", "2009-Q4", "Legal", 100.0, 102.0, 1230.0),
    ]
    f = pd.DataFrame(rows, columns=["month", "cycle", "budget_line", "budget", "spend", "forecast_outturn"])
    table, e = _finance(_only({"finance": f}), "2009-Q4")
    row = table.iloc[0]
    assert row["budget"] == 300.0  # October-December: 3 x 100
    assert row["actual"] == 303.0  # 100 + 101 + 102
    assert row["variance"] == 3.0
    assert row["ytd_budget"] == 400.0  # September to December (April-August absent): 4 x 100
    assert row["ytd_actual"] == 413.0  # 110 + 303
    assert row["forecast_outturn"] == 1230.0  # as forecast in December, the quarter's last month
    # year-to-date overspend 13/400 = 3.25% > 3%: red
    assert e.judgement == "red"


def test_allegations_against_staff_in_time():
    from review.analyses.gose import Rules, _allegations

    rows = [  # ref, cycle, referral, outcome, concluded
        ("L1", "2009-Q4", D(2009, 10, 1), "unfounded", D(2009, 10, 21)),  # 20 days: in time
        ("L2", "2009-Q4", D(2009, 10, 5), "substantiated", D(2009, 11, 20)),  # 46 days: late
        ("L3", "2009-Q3", D(2009, 9, 1), "unsubstantiated", D(2009, 10, 1)),  # 30 days, concluded this cycle: in time
        ("L4", "2009-Q4", D(2009, 12, 1), "ongoing", None),  # still open at the end of December
    ]
    t = pd.DataFrame(rows, columns=["allegation_ref", "cycle", "referral_date", "outcome", "concluded_date"])
    e = _allegations(_only({"lado_allegations": t}), "2009-Q4", Rules(level=0.95, green=0.8, red=0.65))
    m = {x.label: x for x in e.measures}
    rate = m["Allegations concluded within 30 days of referral"]
    assert (rate.count, rate.of) == (2, 3)  # L1 and L3 of the three concluded in October-December
    assert m["Allegations referred to the LADO"].count == 3  # L1, L2, L4
    assert m["Concluded this cycle: substantiated"].count == 1
    assert m["Open at the end of the cycle"].count == 1
    assert e.judgement == "amber"  # 2/3 = 0.667: between 0.65 and 0.80


def test_the_senior_tiers_are_published_together_and_no_tier_can_be_recovered():
    from review.analyses import gose_figures
    from review.analyses.gose_audits import TierResult
    from review.protection.linked import attack_bounds

    def tier(code, auditors, planned, done, first, final, changed):
        return TierResult(code, code, auditors, planned, done, first, final, changed)

    tiers = (tier("ATM", 12, 36, 33, 13, 13, 9), tier("TM", 12, 72, 58, 33, 32, 9),
             tier("SM", 4, 12, 11, 5, 5, 0), tier("AD", 1, 2, 2, 2, 1, 1), tier("DCS", 1, 1, 1, 0, 0, 0))
    r = SimpleNamespace(audits=SimpleNamespace(tiers=tiers, criteria=()), numbers=pd.DataFrame(),
                        categories=pd.DataFrame(), workforce=pd.DataFrame(), items=(), supervision=(), iro_cp=(),
                        iro_lac=(), indicators=pd.DataFrame())
    pub = DisclosurePolicy(audience="published")
    shown = gose_figures.published_tiers(r, pub)
    # SM, AD and DCS have counts of 1 to 5: published together (4 + 1 + 1 = 6 auditors, 12 + 2 + 1 = 15
    # quota, 11 + 2 + 1 = 14 done, 5 + 2 + 0 = 7 and 5 + 1 + 0 = 6 Good or better, 0 + 1 + 0 = 1 changed)
    assert [t.tier for t in shown] == ["ATM", "TM", "SM, AD, DCS"]
    assert [getattr(shown[2], c) for c in ("auditors", "planned", "done", "first_good", "final_good", "changed")] \
        == [6, 15, 14, 7, 6, 1]
    assert [t.tier for t in gose_figures.published_tiers(r, DisclosurePolicy(audience="internal"))] == \
        ["ATM", "TM", "SM", "AD", "DCS"]
    reg = gose_figures.register(r, pub)
    d = reg.solve()
    # still too small: the senior managers' one changed grade, and with it another tier's (9), or
    # the all-tiers total 19 would give it back
    changed = gose_figures.tier_key("SM, AD, DCS", "changed")
    assert changed in d.withheld
    hidden = set(d.withheld) | {k for k, f in reg.figures.items() if not f.printed}
    low, high = attack_bounds(reg.figures, reg.links, hidden, changed)
    assert high - low >= pub.high
    # nothing else of the table is withheld: 2 of its 24 cells
    table = [gose_figures.tier_key(t, c) for t in ("ATM", "TM", "SM, AD, DCS", "All tiers")
             for c in ("auditors", "planned", "done", "first_good", "final_good", "changed")]
    assert sum(k in d.withheld for k in table) == 2


def test_the_headline_card_reads_as_a_sentence_without_first_grades():
    from dataclasses import replace

    from review.views.gose import headlines

    pol = DisclosurePolicy(audience="internal")
    params = SimpleNamespace(confidence_level=0.95, rag_green=0.8, rag_red=0.65)
    r = gose_result(Context(params, _evidence(), pol, "2009-Q4", "2009-Q3"))
    assert r.audits is not None
    assert "First auditors&#x27; grades gave" in headlines(r, pol).data
    bare = replace(r, audits=replace(r.audits, random_first=None))
    page = headlines(bare, pol).data
    assert "First auditors" not in page
    assert "The interval allows for the sample" in page
