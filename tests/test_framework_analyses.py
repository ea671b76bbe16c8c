"""Each framework analysis on small hand-built evidence, the arithmetic beside each expected number."""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType

import pandas as pd
import pytest

from review.analyses import governance, healthcare_commission, jar, lscb_checklist
from review.analyses import self_assessment as sa
from review.data import DATASETS, Evidence
from review.data.load import GradeScale
from review.results.judgements import judgements
from review.results.summary import summarise

SCALES = {
    "compliance": GradeScale("compliance", ("Yes", "No", "N/A"), frozenset({"Yes"}), frozenset({"N/A"})),
    "ofsted_2008": GradeScale("ofsted_2008", ("Outstanding", "Good", "Adequate", "Inadequate"),
                              frozenset({"Outstanding", "Good"}), frozenset()),
    "scaling_0_10": GradeScale("scaling_0_10", tuple(str(v) for v in range(10, -1, -1)),
                               frozenset({"7", "8", "9", "10"}), frozenset()),
}
KW = {"cycle": "2009-Q4", "previous": "2009-Q3", "confidence_level": 0.95, "green": 0.8, "red": 0.65}


def _table(name, rows, extra=()):
    columns = [c.name for c in DATASETS[name].columns] + list(extra)
    return pd.DataFrame(rows, columns=columns)


def _audit(i, cycle, audit_type, auditor, **answers):
    return {"audit_id": f"A{i}", "cycle": cycle, "case_ref": f"C{i}", "audit_type": audit_type,
            "auditor_id": auditor, "auditor_tier": "TM", "moderation_of": None, "grade_scale": "ofsted_2008",
            "overall_grade": "Good", **answers}


def _map(*rows):
    """An evidence map: (framework, item, source, evidence[, audit_type[, agencies]]) per row."""
    return _table("evidence_map", [
        {"framework": r[0], "item": r[1], "source": r[2], "evidence": r[3], "audit_type": r[4] if len(r) > 4 else None,
         "agencies": r[5] if len(r) > 5 else None, "role": None, "reason": "test"} for r in rows])


def _evidence(**tables):
    criteria = tuple(c for c in tables.get("audits", pd.DataFrame()).columns if c in set(tables["criteria"]["criterion"]))
    return Evidence("hand-built", MappingProxyType(tables), MappingProxyType(SCALES), criteria)


def _jar_evidence():
    criteria = _table("criteria", [
        {"criterion": "feedback_to_referrer", "label": "Written feedback", "scale_id": "compliance",
         "audit_types": "case file", "jar_finding": 2},
        {"criterion": "risk_identified", "label": "Risk identified", "scale_id": "compliance",
         "audit_types": "case file", "jar_finding": 5},
        {"criterion": "police_information_shared", "label": "Police shared", "scale_id": "compliance",
         "audit_types": "multi-agency", "jar_finding": 4},
    ])
    crit = ["feedback_to_referrer", "risk_identified", "police_information_shared"]
    rows = []
    # this cycle: 10 case-file audits, feedback Yes in 4 (4/10), risk identified in all 10 (10/10)
    rows += [_audit(i, "2009-Q4", "case file", "TM1", feedback_to_referrer="Yes" if i < 4 else "No",
                    risk_identified="Yes") for i in range(10)]
    # last cycle: feedback Yes in 9 of 10
    rows += [_audit(100 + i, "2009-Q3", "case file", "TM1", feedback_to_referrer="Yes" if i < 9 else "No",
                    risk_identified="Yes") for i in range(10)]
    # police multi-agency audits this cycle: 2 of 3 shared
    rows += [_audit(200 + i, "2009-Q4", "multi-agency", "PA1", police_information_shared=a)
             for i, a in enumerate(["Yes", "Yes", "No"])]
    audits = _table("audits", rows, crit)
    staff = _table("staff", [{"staff_id": "PA1", "tier": "Partner agency", "team": None, "service": "Police"},
                             {"staff_id": "TM1", "tier": "TM", "team": "T", "service": "S"}])
    sa_rows = [{"cycle": "2009-Q4", "framework": "jar_haringey", "item": item, "rater": f"M{r}", "rater_type": "manager",
                "grade_scale": "ofsted_2008", "rating": "Good"} for item in ("J01", "J02") for r in range(5)]
    indicators = _table("indicators", [
        {"cycle": "2009-Q4", "indicator": "NI59", "definition_version": "NI-2008", "numerator": 80, "denominator": 100},
        {"cycle": "2009-Q4", "indicator": "NI62", "definition_version": "NI-2008", "numerator": 10, "denominator": 100},
    ])
    board = _table("lscb_board", [{"cycle": "2009-Q4", "chair_independent": False, "board_meetings": 1}])
    challenges = _table("lscb_challenges", [
        {"cycle": "2009-Q4", "challenge_id": f"CH{i}", "agency": "Police", "raised_date": dt.date(2009, 10, 5),
         "answered_date": dt.date(2009, 11, 1) if i == 0 else None} for i in range(3)])
    emap = _map(("jar_haringey", "J02", "criterion", "feedback_to_referrer"),
                ("jar_haringey", "J03", "record", "lscb_chair"), ("jar_haringey", "J03", "record", "lscb_challenges"),
                ("jar_haringey", "J04", "criterion", "police_information_shared"),
                ("jar_haringey", "J05", "criterion", "risk_identified"), ("jar_haringey", "J05", "indicator", "NI59"))
    return _evidence(criteria=criteria, audits=audits, staff=staff, indicators=indicators, lscb_board=board,
                     lscb_challenges=challenges, self_assessments=_table("self_assessments", sa_rows),
                     evidence_map=emap)


@pytest.fixture(scope="module")
def jar_result():
    return jar.analyse(_jar_evidence(), **KW)


def test_jar_reports_every_finding_in_the_source_order(jar_result):
    assert [f.item.item_id for f in jar_result.findings] == [f"J{n:02d}" for n in range(1, 12)]


def test_jar_self_assessment_alone_is_self_assessed_not_a_band(jar_result):
    j01 = jar_result.findings[0].judgement  # five managers all Good, nothing else: no band at all
    assert (j01.band, j01.basis, j01.firm) == ("self-assessed", "self-assessment only", False)


def test_jar_audits_overrule_the_managers_and_the_disagreement_is_stated(jar_result):
    f = jar_result.findings[1]
    audit = f.evidence[0]
    assert (audit.k, audit.n, audit.band) == (4, 10, "red")  # 4/10 = 40% < 65%
    assert audit.change.label == "worse"  # 4/10 vs 9/10: Newcombe -0.746 to -0.082
    assert f.judgement.band == "red"
    assert f.judgement.audits_needed == 5  # 1.96^2*0.4*0.6/0.25^2 = 14.75 -> 15, 10 done
    assert any("40%" in d.sentence() for d in f.judgement.disagreements)


def test_jar_finding_three_uses_the_lscb_records(jar_result):
    f = jar_result.findings[2]
    kinds = [(ln.kind, ln.source) for ln in f.evidence]
    assert kinds == [("LSCB records", "independence of the chair"),
                     ("LSCB records", "challenges raised with member agencies that were answered")]
    assert (f.evidence[1].k, f.evidence[1].n) == (1, 3)  # one of three challenges answered
    assert (f.judgement.band, f.judgement.firm) == ("red", True)  # no independent chair: red, firm


def test_jar_finding_four_names_the_police(jar_result):
    line = jar_result.findings[3].evidence[0]
    assert (line.kind, line.source, line.k, line.n) == ("multi-agency audit", "Police: Police shared", 2, 3)


def test_jar_finding_five_indicator_and_audit(jar_result):
    lines = jar_result.findings[4].evidence
    assert [(ln.kind, ln.k, ln.n) for ln in lines] == [("audit", 10, 10), ("indicator", 80, 100)]
    # 10/10 green; NI59 80/100 = 80%: green (at the threshold); worst band green
    assert jar_result.findings[4].judgement.band == "green"


def test_jar_finding_without_mapped_evidence_is_no_evidence_never_firm(jar_result):
    # J10: nothing in the map, no self-assessment: grey, never red or firm on absence alone
    j10 = jar_result.findings[9]
    assert (j10.evidence, j10.judgement.band, j10.judgement.firm, j10.judgement.basis) == (
        (), "grey", False, "no evidence")


def test_jar_counts_actions_and_changes(jar_result):
    # red: J02 (4/10), J03 (no independent chair); amber: J04 (2/3 = 66.7%); green: J05 (10/10, NI59 80%);
    # self-assessed: J01; grey: J06 to J11 less the five judged = J06, J07, J08, J09, J10, J11
    assert jar_result.rag_counts == {"red": 2, "amber": 1, "green": 1, "grey": 6, "self-assessed": 1}
    assert [a.split(":")[0] for a in jar_result.needs_action] == ["J02", "J03"]
    assert jar_result.changes == ("J02 audit (case file audits: Written feedback): worse",)


def test_jar_criterion_names_are_the_councils_own():
    """Renaming every criterion (and its map rows) changes no judgement or figure."""
    ev = _jar_evidence()
    rename = {"feedback_to_referrer": "Q7 written feedback", "risk_identified": "risk (assessed)",
              "police_information_shared": "pol_share"}
    tables = dict(ev.tables)
    tables["criteria"] = tables["criteria"].assign(criterion=tables["criteria"]["criterion"].replace(rename))
    tables["audits"] = tables["audits"].rename(columns=rename)
    tables["evidence_map"] = tables["evidence_map"].assign(evidence=tables["evidence_map"]["evidence"].replace(rename))
    renamed = jar.analyse(Evidence("x", MappingProxyType(tables), MappingProxyType(SCALES),
                                   tuple(rename[c] for c in ev.criteria)), **KW)
    before = jar.analyse(ev, **KW)
    assert [(f.judgement.band, [(ln.k, ln.n, ln.source) for ln in f.evidence]) for f in renamed.findings] == [
        (f.judgement.band, [(ln.k, ln.n, ln.source) for ln in f.evidence]) for f in before.findings]


def test_jar_moderated_answers_prevail():
    """A moderator's re-audit replaces the first auditor's answer in the criterion's count."""
    ev = _jar_evidence()
    tables = dict(ev.tables)
    # the SM re-audits A0 (feedback Yes -> No) and A5 (No -> Yes): still 4 of 10, but from other files
    # the SM re-audits A1 (Yes -> No) too: 3 of 10 files meet it on final answers (A2, A3, A5)
    mods = [{**_audit(900 + i, "2009-Q4", "case file", "SM1", feedback_to_referrer=a, risk_identified="Yes"),
             "moderation_of": target, "auditor_tier": "SM"}
            for i, (target, a) in enumerate([("A0", "No"), ("A5", "Yes"), ("A1", "No")])]
    tables["audits"] = pd.concat([tables["audits"], _table("audits", mods, ev.criteria)], ignore_index=True)
    r = jar.analyse(Evidence("x", MappingProxyType(tables), MappingProxyType(SCALES), ev.criteria), **KW)
    line = r.findings[1].evidence[0]
    assert (line.k, line.n, line.unit) == (3, 10, "audits")  # 10 files, never 13 answers
    # the page says how many files the moderators' answers are final for: A0, A1, A5 of the 10 case files
    assert r.moderated == (3, 10)
    from review.protection.disclosure import DisclosurePolicy
    from review.views import jar as views

    page = views.findings_table(r, DisclosurePolicy(audience="internal")).data
    assert "Case-file audits moderated this quarter: 30.0% (3 of 10 files)." in page


def _ratings_evidence(framework, scale, table):
    rows = [{"cycle": "2009-Q4", "framework": framework, "item": item, "rater": rater, "rater_type": "agency",
             "grade_scale": scale, "rating": rating}
            for item, ratings in table.items() for rater, rating in ratings.items()]
    criteria = _table("criteria", [])
    return _evidence(criteria=criteria, self_assessments=_table("self_assessments", rows))


def test_all_items_equal_is_said_and_no_weakest_item_is_named():
    table = {f"H{i}": {"A": "Good", "B": "Good", "C": "Outstanding", "D": "Good"} for i in range(1, 8)}
    r = healthcare_commission.analyse(_ratings_evidence("healthcare_commission", "ofsted_2008", table), **KW)
    assert r.weakest.kind == "all equal"  # every issue: 4 of 4 Good or better
    assert any(h.startswith("All rated items equal") for h in r.headlines)
    assert not any("Lowest rated" in h for h in r.headlines)
    # self-assessment only: self-assessed, not evidenced, never a band; the lead role has no evidence
    assert [i.judgement.band for i in r.items] == ["self-assessed"] * 7 + ["grey"]
    assert r.rag_counts == {"red": 0, "amber": 0, "green": 0, "grey": 1, "self-assessed": 7}


def test_prevalence_paradox_is_explained_and_ac_headlines():
    # 25 items, 2 raters; both 'Good' on 23, Good/Adequate on 2.
    # percent agreement = 23/25 = 92%; 48 of 50 ratings are Good (96%).
    # alpha (two adjacent categories): Do = 4/50 = 0.08, De = 2*48*2/(50*49) = 0.0784 -> 1 - 0.08/0.0784 = -0.02
    items = [f"I{i}" for i in range(25)]
    a = ["Good"] * 25
    b = ["Good"] * 23 + ["Adequate"] * 2
    t = pd.DataFrame({"A": a, "B": b}, index=items)
    scale = ("Outstanding", "Good", "Adequate", "Inadequate")
    r = sa.Ratings(t, t.apply(lambda c: c.map({s: i for i, s in enumerate(scale)})).astype(float), scale, False,
                   frozenset({"Outstanding", "Good"}))
    s = sa.agreement_summary(r, confidence_level=0.95)
    assert s.percent.result.statistic == pytest.approx(0.92)
    assert s.modal_share == pytest.approx(0.96)
    assert s.alpha.result.statistic == pytest.approx(1 - 0.08 / (2 * 48 * 2 / (50 * 49)), abs=1e-9)
    assert s.prevalence_paradox is True
    assert "kappa paradox" in s.explanation
    assert "not disagreement" in s.explanation
    assert s.headline.startswith("The raters' agreement (Gwet's AC2)")


def test_governance_scores_are_summarised_as_scores_with_the_rule_stated():
    # two items; scores G1.1: 8, 6, 7 (median 7, 2 of 3 at 7+); G2.2: 3, 5, 4 (median 4, none at 7+)
    table = {"G1.1": {"A": "8", "B": "6", "C": "7"}, "G2.2": {"A": "3", "B": "5", "C": "4"}}
    r = governance.analyse(_ratings_evidence("governance", "scaling_0_10", table), **KW)
    axes = {(a.axis, a.level): a for a in r.axes}
    assert axes[("roles", "organisation")].median == 7
    assert axes[("roles", "organisation")].share_at_mark == 2 / 3
    assert axes[("communication", "team")].median == 4
    assert axes[("communication", "team")].share_at_mark == 0
    assert r.mark == 7
    assert "not the exercise's" in r.rule
    assert not any("Good or better" in h for h in r.base.headlines)
    # the context items are questions, not judged; the axes are summarised from their levels
    context = [i for i in r.base.items if i.item.group == "context"]
    assert [i.judgement for i in context] == [None, None]
    assert all(i.note.endswith("?") for i in context)
    g2 = next(i for i in r.base.items if i.item.item_id == "G2")
    assert g2.judgement.basis == "its sub-items"
    assert g2.judgement.band == "self-assessed"  # its only rated level, G2.2, rests on the managers' scores alone
    # headings are not counted: G1.1 and G2.2 self-assessed (scores only); G1.2 and G2.1 unrated (grey)
    assert r.base.rag_counts == {"red": 0, "amber": 0, "green": 0, "grey": 2, "self-assessed": 2}


def test_lscb_uses_the_board_records_for_areas_one_and_three():
    table = {item: {"Police": "Good", "Health": "Good"} for item in ("L1", "L2", "L3")}
    ev = _ratings_evidence("lscb_checklist", "ofsted_2008", table)
    tables = dict(ev.tables)
    tables["lscb_board"] = _table("lscb_board", [{"cycle": "2009-Q4", "chair_independent": True, "board_meetings": 2}])
    tables["evidence_map"] = _map(("lscb_checklist", "L1", "record", "lscb_chair"),
                                  ("lscb_checklist", "L3", "record", "lscb_challenges"))
    tables["lscb_challenges"] = _table("lscb_challenges", [
        {"cycle": "2009-Q4", "challenge_id": "CH1", "agency": "Police", "raised_date": dt.date(2009, 10, 5),
         "answered_date": None}])
    r = lscb_checklist.analyse(Evidence("x", MappingProxyType(tables), MappingProxyType(SCALES), ()), **KW)
    by_id = {i.item.item_id: i for i in r.items}
    # an independent chair is a condition met, shown beside L1 and never judged: with the agencies' own
    # ratings (2 of 2 Good) L1 is self-assessed, not evidenced (never green on the chair alone)
    assert by_id["L1"].judgement.band == "self-assessed"
    assert (by_id["L1"].evidence[0].context, by_id["L1"].evidence[0].band) == (True, "grey")
    assert (by_id["L3"].evidence[0].k, by_id["L3"].evidence[0].n, by_id["L3"].judgement.band) == (0, 1, "red")
    assert [i.item.item_id for i in r.items][:5] == ["L1", "L2", "L3", "L4", "L4.1"]


def test_cycle_summary_counts_every_framework_and_marks_itself_incomplete():
    jar_j = judgements("jar_haringey", {"figures": {"rag_counts": {"red": 1, "amber": 2, "green": 1, "grey": 5},
                                                    "needs_action": ["J02: red"], "changes": ["J02: worse"]}})
    gose = judgements("gose_performance", {"figures": {"actions": ["overdue audits"]}, "headlines": ["x"]})
    failed = judgements("governance", None, failed=True)
    s = summarise("2009-Q4", (gose, jar_j, failed), {"gose_performance": "GOSE", "jar_haringey": "JAR",
                                                      "governance": "Governance"})
    assert s.complete is False
    assert s.gaps == ("GOSE ran but recorded no red/amber/green counts or actions",
                      "Governance failed: its judgements are not known this quarter")
    assert s.rag_totals == {"red": 1, "amber": 2, "green": 1, "grey": 5, "self-assessed": 0}  # only the JAR recorded
    assert s.needs_action == (("JAR", "J02: red"),)
    assert failed.status == "failed"


# --- What a published report may show of these judgements (withheld figures stay withheld) -----

def _published_page(tmp_path, *parts):
    """The views' HTML as one published page, for the deny-by-default check."""
    page = tmp_path / "page.html"
    page.write_text("<html><body>" + "".join(p.data for p in parts) + "</body></html>", encoding="utf-8")
    return page


def test_jar_published_shows_every_judgement_marking_small_groups(jar_result, tmp_path):
    from review.protection.disclosure import DisclosurePolicy
    from review.protection.report_check import check_file
    from review.views import jar as views

    pub, internal = DisclosurePolicy(), DisclosurePolicy(audience="internal")
    bands = {f.item.item_id: views.common.shown_band(f.judgement, f.evidence, pub) for f in jar_result.findings}
    small = {f.item.item_id: views.common.small_group(f.judgement, f.evidence, pub) for f in jar_result.findings}
    # J01: five managers' ratings only (5 of 5 = 100%, people): self-assessed, not evidenced;
    # J02: audits 4 of 10 (40%, a count of 4 files) -> red; J04: police multi-agency audits 2 of 3 files
    # (66.7%) -> amber; J03: no independent chair -> red; J05: 10 of 10 files and NI59 80 of 100 -> green;
    # J10: no evidence mapped -> grey. A judgement is never withheld; J01, J02 and J04 rest on small groups.
    assert [bands[i] for i in ("J01", "J02", "J03", "J04", "J05", "J10")] == [
        "self-assessed", "red", "red", "amber", "green", "grey"]
    assert [i for i in ("J01", "J02", "J03", "J04", "J05", "J10") if small[i]] == ["J01", "J02", "J04"]
    shown = views.common.shown_record([(f.item.item_id, f.evidence, f.judgement) for f in jar_result.findings], pub)
    assert shown["rag_counts"] == jar_result.rag_counts
    # a judgement is never withheld: every judged finding is recorded with its own band, and the record
    # keeps no "withheld" count (it could only ever be 0)
    assert shown["bands"] == {f.item.item_id: f.judgement.band for f in jar_result.findings if f.judgement}
    assert "withheld" not in shown
    assert shown["small_group"] == 3
    assert tuple(shown["needs_action"]) == jar_result.needs_action
    assert shown["changes"] == []  # J02's "worse" is on a withheld line (4 of 10)
    # the internal report shows what the analysis found
    full = views.common.shown_record([(f.item.item_id, f.evidence, f.judgement) for f in jar_result.findings],
                                     internal)
    assert full["rag_counts"] == jar_result.rag_counts
    assert tuple(full["needs_action"]) == jar_result.needs_action
    assert tuple(full["changes"]) == jar_result.changes
    page_text = views.findings_table(jar_result, pub).data
    assert "Red (independent evidence; small group)" in page_text
    # no disagreement that involves a withheld line is stated (J02: managers against audits, both withheld)
    assert "J02" not in views.disagreements(jar_result, pub).data
    assert "J02" in views.disagreements(jar_result, internal).data
    # the published results JSON holds no level of a withheld line (J02's audits: 4 of 10)
    payload = views.record(jar_result, pub).payload
    j02 = next(f for f in payload["figures"]["findings"] if f["item"] == "J02")
    assert j02["band"] == "red"
    assert j02["small_group"] is True
    assert all("k" not in ln for ln in j02["evidence"])
    assert all(type(h).__name__ == "str" for h in payload["headlines"])
    assert payload["nocount_headlines"] == [0, 1]
    # every small number left on the page is marked as something other than a count
    page = _published_page(tmp_path, views.headlines(jar_result, pub), views.findings_table(jar_result, pub),
                           views.disagreements(jar_result, pub))
    assert [f for f in check_file(page) if f.kind == "small count"] == []


def test_people_rating_items_are_withheld_agencies_are_shown_and_marked(tmp_path):
    from review.protection.disclosure import DisclosurePolicy
    from review.protection.report_check import check_file
    from review.views import partners

    pub = DisclosurePolicy()
    # five area managers (people) score G1.1: 8, 8, 9, 6, 7 -> 4 of 5 at 7 or more: a count of 4 people
    people = {"G1.1": {f"M{r}": s for r, s in enumerate(["8", "8", "9", "6", "7"])}}
    ev = _ratings_evidence("governance", "scaling_0_10", people)
    ev.tables["self_assessments"]["rater_type"] = "area manager"
    r = governance.analyse(ev, **KW).base
    assert r.people_rate is True
    line = next(i for i in r.items if i.item.item_id == "G1.1").evidence[-1]
    assert (line.k, line.n, line.unit) == (4, 5, "ratings")
    page = _published_page(tmp_path, partners.summary(r, pub), partners.items(r, pub, uid="t"),
                           partners.agreement(r, pub, uid="a"))
    text = page.read_text(encoding="utf-8")
    assert "4 of 5" not in text
    assert "80.0%" not in text
    assert "range" not in text
    assert "Lowest rated" not in text  # a share of five people
    assert [f for f in check_file(page) if f.kind == "small count"] == []
    figures = partners.record(r, pub).payload["figures"]
    assert [i["ratings"] for i in figures["items"] if i["item"] == "G1.1"] == [None]  # nor in the results JSON
    assert figures["agreement"] is None
    # four health agencies (organisations) rate H1 Good: 4 of 4 is shown, marked as not a count of people
    agencies = {"H1": {"Acute trust": "Good", "Police": "Good", "GP": "Good", "Community": "Good"}}
    h = healthcare_commission.analyse(_ratings_evidence("healthcare_commission", "ofsted_2008", agencies), **KW)
    assert h.people_rate is False
    page = _published_page(tmp_path, partners.summary(h, pub), partners.items(h, pub, uid="h"))
    assert "4 of 4 agency ratings" in page.read_text(encoding="utf-8")
    assert [f for f in check_file(page) if f.kind == "small count"] == []


def test_one_person_rating_is_not_told_by_the_agreement_note(tmp_path):
    from review.protection.disclosure import DisclosurePolicy
    from review.protection.report_check import check_file
    from review.views import partners

    # one area manager (a person) rates G1.1 and G2.1: no agreement can be computed (it needs two raters).
    # "Fewer than two raters" would tell a published reader 1 person rated; the page says the figure is
    # withheld for fewer than 10 people (the policy's smallest group) instead, as for any small group of
    # raters; internally the reason.
    one = {"G1.1": {"M1": "8"}, "G2.1": {"M1": "6"}}
    ev = _ratings_evidence("governance", "scaling_0_10", one)
    ev.tables["self_assessments"]["rater_type"] = "area manager"
    r = governance.analyse(ev, **KW).base
    assert r.agreement is None
    assert r.people_rate is True
    pub, internal = DisclosurePolicy(), DisclosurePolicy(audience="internal")
    assert "Fewer than two raters" not in partners.agreement(r, pub, uid="a").data
    assert "withheld: figures about fewer than 10 people" in partners.agreement(r, pub, uid="a").data
    assert "Fewer than two raters" in partners.agreement(r, internal, uid="a").data
    page = _published_page(tmp_path, partners.summary(r, pub), partners.agreement(r, pub, uid="a"))
    assert [f for f in check_file(page) if f.kind == "small count"] == []
    # agencies are things, not people: with one agency the reason is given, marked as not a count of people
    h = healthcare_commission.analyse(_ratings_evidence("healthcare_commission", "ofsted_2008",
                                                        {"H1": {"Acute trust": "Good"}}), **KW)
    note = partners.agreement(h, pub, uid="h").data
    if h.self_rated:  # an agency rating its own services gets no coefficient whatever the count
        assert "no agreement coefficient applies" in note
    else:
        assert "Fewer than two raters" in note
    page = _published_page(tmp_path, partners.agreement(h, pub, uid="h"))
    assert [f for f in check_file(page) if f.kind == "small count"] == []


def test_agencies_rating_themselves_get_no_agreement_coefficient():
    # each health agency rates its own services: a spread of self-ratings, not raters rating the same units
    table = {f"H{i}": {"A": "Good", "B": "Adequate", "C": "Outstanding", "D": "Good"} for i in range(1, 8)}
    r = healthcare_commission.analyse(_ratings_evidence("healthcare_commission", "ofsted_2008", table), **KW)
    assert (r.self_rated, r.agreement) == (True, None)
    assert not any("agreement" in h for h in r.headlines)


def test_the_headline_coefficient_follows_the_declared_rule_not_the_most_favourable():
    # 20 items, 2 raters spread over all four grades, agreeing on 9 of 20 (45%): no kappa paradox (the modal
    # grade holds 12 of 40 ratings, 30%), so Krippendorff's alpha leads even if Gwet's AC is higher
    scale = ("Outstanding", "Good", "Adequate", "Inadequate")
    a = [scale[i % 4] for i in range(20)]
    b = [scale[i % 4] if i < 9 else scale[(i + 1) % 4] for i in range(20)]
    t = pd.DataFrame({"A": a, "B": b}, index=[f"I{i}" for i in range(20)])
    r = sa.Ratings(t, t.apply(lambda c: c.map({s: i for i, s in enumerate(scale)})).astype(float), scale, False,
                   frozenset({"Outstanding", "Good"}))
    s = sa.agreement_summary(r, confidence_level=0.95)
    assert s.percent.result.statistic == pytest.approx(9 / 20)
    assert s.prevalence_paradox is False
    assert s.headline.startswith(f"The raters' agreement ({s.alpha.result.method})")
    assert "45% of pairs" in s.headline
    assert "never chosen as the most favourable" in sa.HEADLINE_RULE


def test_a_finding_is_judged_against_its_own_declared_threshold():
    from review.config.thresholds import WORKBOOK_SOURCE, Threshold

    # J02: 4 of 10 audits = 40%. Against the workbook's default (green 80%, red below 65%) it is red;
    # against a declared line of green 35%, red below 20% it is green (40% >= 35%); J05 keeps the default
    local = Threshold(0.35, 0.2, "local target: test plan")
    r = jar.analyse(_jar_evidence(), **KW, thresholds={("jar_haringey", "J02"): local})
    j02, j05 = r.findings[1], r.findings[4]
    assert (j02.evidence[0].k, j02.evidence[0].n, j02.judgement.band) == (4, 10, "green")
    assert j02.threshold == local
    assert (j05.threshold.green, j05.threshold.red, j05.threshold.source) == (0.8, 0.65, WORKBOOK_SOURCE)
    assert jar.analyse(_jar_evidence(), **KW).findings[1].judgement.band == "red"


def test_a_self_assessment_item_is_judged_against_its_own_declared_threshold():
    from review.config.thresholds import Threshold

    # L3: the board raised one challenge, none answered: 0 of 1 = 0%, red under any line above 0;
    # L1: the chair is independent (a set band: green whatever the lines)
    ev = _ratings_evidence("lscb_checklist", "ofsted_2008", {"L1": {"A": "Good"}, "L3": {"A": "Good"}})
    tables = dict(ev.tables)
    tables["evidence_map"] = _map(("lscb_checklist", "L1", "record", "lscb_chair"),
                                  ("lscb_checklist", "L3", "record", "lscb_challenges"))
    tables["lscb_board"] = _table("lscb_board", [{"cycle": "2009-Q4", "chair_independent": True, "board_meetings": 2}])
    tables["lscb_challenges"] = _table("lscb_challenges", [
        {"cycle": "2009-Q4", "challenge_id": f"CH{i}", "agency": "Police", "raised_date": dt.date(2009, 10, 5),
         "answered_date": dt.date(2009, 10, 20) if i < 3 else None} for i in range(4)])
    # 3 of 4 challenges answered = 75%: amber against the default (65% <= 75% < 80%), green against 70%/50%
    line = Threshold(0.7, 0.5, "local: the board's business plan")
    r = lscb_checklist.analyse(Evidence("x", MappingProxyType(tables), MappingProxyType(SCALES), ()), **KW,
                               thresholds={("lscb_checklist", "L3"): line})
    by_id = {i.item.item_id: i for i in r.items}
    assert (by_id["L3"].evidence[0].k, by_id["L3"].evidence[0].n) == (3, 4)
    assert (by_id["L3"].judgement.band, by_id["L3"].threshold) == ("green", line)
    default = lscb_checklist.analyse(Evidence("x", MappingProxyType(tables), MappingProxyType(SCALES), ()), **KW)
    assert {i.item.item_id: i for i in default.items}["L3"].judgement.band == "amber"


def test_the_action_plan_rejudges_items_against_their_own_declared_thresholds(tmp_path):
    """The action plan's re-judging of red items reads the run's ``thresholds_file`` as the page does:
    J02 is 4 of 10 audits = 40%, red under the workbook's lines (40% < 65%) and under the framework
    pair alone; against its declared lines (green 35%, red below 20%) it is green, so not red."""
    from review.analyses import actions
    from review.analyses.context import Context
    from review.analyses.red_items import history_basis, judged_items
    from review.config.params import RunParameters
    from review.config.thresholds import Threshold
    from review.protection.disclosure import DisclosurePolicy

    ev = _jar_evidence()
    pair = {"jar_haringey": (0.8, 0.65)}
    red, _ = judged_items(ev, ["2009-Q4"], thresholds=pair, confidence_level=0.95)
    assert ("jar_haringey", "J02") in red["2009-Q4"]
    own = {("jar_haringey", "J02"): Threshold(0.35, 0.2, "local target: test plan")}
    red, _ = judged_items(ev, ["2009-Q4"], thresholds=pair, confidence_level=0.95, declared=own)
    assert ("jar_haringey", "J02") not in red["2009-Q4"]
    page = jar.analyse(ev, **KW, thresholds=own)
    assert {f.item.item_id for f in page.findings if f.judgement.band == "red"} == {
        i for f, i in red["2009-Q4"] if f == "jar_haringey"}  # the plan's red items are the page's
    # through a notebook's parameters: the one thresholds file the page reads
    file = tmp_path / "thresholds.yaml"
    file.write_text("jar_haringey:\n  J02:\n    green: 0.35\n    red: 0.2\n    source: \"local target: test plan\"\n")
    params = RunParameters("jar_haringey", {"rag_green": 0.8, "rag_red": 0.65, "confidence_level": 0.95,
                                            "thresholds_file": str(file)})
    plan = actions.analyse_context(Context(params, ev, DisclosurePolicy(audience="internal"), "2009-Q4", "2009-Q3"),
                                   ("jar_haringey",))
    assert "J02" not in {r.item_id for r in plan.red_items}
    default = RunParameters("jar_haringey", {"rag_green": 0.8, "rag_red": 0.65, "confidence_level": 0.95,
                                             "thresholds_file": ""})
    before = actions.analyse_context(Context(default, ev, DisclosurePolicy(audience="internal"), "2009-Q4",
                                             "2009-Q3"), ("jar_haringey",))
    assert "J02" in {r.item_id for r in before.red_items}
    # a history recorded under other lines is not reused: the item's own lines are part of its basis
    snap = type("Snap", (), {"snapshot": "ab12"})()
    basis = history_basis(snap, ["2009-Q4"], green=0.8, red=0.65, confidence_level=0.95, policy=None,
                          declared=own, framework="jar_haringey")
    assert basis["items"] == {"J02": [0.35, 0.2]}
    assert "items" not in history_basis(snap, ["2009-Q4"], green=0.8, red=0.65, confidence_level=0.95, policy=None)
