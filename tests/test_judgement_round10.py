"""Round 10 of the inspector's read: each mend on small hand-built evidence, the arithmetic beside each
expected value, and on copies of the demo that are not the demo (a theme renamed, a dataset's columns
left out).

1. L1 is judged on member agencies' attendance at board meetings; the chair's independence is a
   condition (red when it fails, never green on its own).
2. The voice-of-the-child items rest on audit learning: an evidence-map row of source ``theme``.
3. J10 and L4.2: an indicator's area is analysed only when every theme declared for it was recorded
   by different auditors.
4. The LSCB checklist is self-assessment: no agreement coefficient.
5. "Small group" comes from the lines that decide the judgement.
6. One finite-population rule for every audit line, so a figure has one interval on every page.
"""

from __future__ import annotations

import csv
import math
import shutil
from types import MappingProxyType

import pandas as pd
import pytest
from scipy import stats

from review.analyses import audit_learning, jar, lscb_checklist, mapped, records
from review.analyses.gose_audits import criterion_counts
from review.analyses.judgement import Rates, triangulate
from review.analyses.shown_bands import deciding_lines, small_group, withheld
from review.data import DATASETS, Evidence
from review.data.evidence_map import MapEntry
from review.data.load import GradeScale, load_evidence
from review.exceptions import DataValidationError
from review.protection.disclosure import DisclosurePolicy

YES_NO = GradeScale("compliance", ("Yes", "No", "N/A"), frozenset({"Yes"}), frozenset({"N/A"}))
OFSTED = GradeScale("ofsted_2008", ("Outstanding", "Good", "Adequate", "Inadequate"),
                    frozenset({"Outstanding", "Good"}), frozenset())
SCALES = MappingProxyType({"compliance": YES_NO, "ofsted_2008": OFSTED})
KW = {"cycle": "2009-Q4", "previous": "2009-Q3", "confidence_level": 0.95, "green": 0.8, "red": 0.65}
RATES = Rates(confidence_level=0.95, green=0.8, red=0.65)
Z = stats.norm.ppf(0.975)


def _table(name, rows, extra=()):
    return pd.DataFrame(rows, columns=[c.name for c in DATASETS[name].columns] + list(extra))


def _map(*rows):
    """(framework, item, source, evidence[, audit_type]) per row."""
    return _table("evidence_map", [{"framework": r[0], "item": r[1], "source": r[2], "evidence": r[3],
                                    "audit_type": r[4] if len(r) > 4 else None, "agencies": None, "role": None,
                                    "reason": "test"} for r in rows])


def _evidence(**tables):
    known = set(tables["criteria"]["criterion"]) if "criteria" in tables else set()
    criteria = tuple(c for c in tables.get("audits", pd.DataFrame()).columns if c in known)
    return Evidence("hand-built", MappingProxyType(tables), SCALES, criteria)


def _audit(audit_id, cycle="2009-Q4", audit_type="CF", auditor="TM1", *, selection="random", of=None, **answers):
    return {"audit_id": audit_id, "cycle": cycle, "case_ref": f"C-{audit_id}", "case_type": "CP", "team": "T1",
            "audit_type": audit_type, "auditor_id": auditor, "auditor_tier": "SM" if of else "TM",
            "selection": selection, "moderation_of": of, "grade_scale": "ofsted_2008", "overall_grade": "Good",
            **answers}


def _wilson(k, n, z2):
    """Wilson's interval with ``z2`` in place of z squared (Wilson 1927), written out here."""
    p = k / n
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = math.sqrt(z2) / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return centre - half, centre + half


def _rewrite(path, change):
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(change(rows))


def _column(rows, name, change):
    i = rows[0].index(name)
    return [rows[0]] + [[*r[:i], change(r), *r[i + 1:]] for r in rows[1:]]


# --- 1. L1: the board's operation, the chair a condition ------------------------------------------

def _board(q4_chair=True, q4_places=28, q4_attended=21):
    return _table("lscb_board", [
        {"cycle": "2009-Q4", "chair_independent": q4_chair, "board_meetings": 2, "member_places": q4_places,
         "member_attendances": q4_attended},
        {"cycle": "2009-Q3", "chair_independent": False, "board_meetings": 1, "member_places": 14,
         "member_attendances": 8}])


def _l1(board):
    ev = _evidence(lscb_board=board, evidence_map=_map(("lscb_checklist", "L1", "record", "lscb_attendance"),
                                                       ("lscb_checklist", "L1", "record", "lscb_chair")))
    return next(i for i in lscb_checklist.analyse(ev, **KW).items if i.item.item_id == "L1")


def test_l1_is_judged_on_attendance_and_an_independent_chair_is_shown_not_judged():
    l1 = _l1(_board())
    attendance, chair = l1.evidence
    # 21 of 28 places taken = 75%: amber (65% <= 75% < 80%); last cycle 8 of 14 = 57.1%: +17.9 points
    assert (attendance.kind, attendance.k, attendance.n, attendance.unit, attendance.band) == (
        "LSCB records", 21, 28, "places", "amber")
    assert attendance.change.difference.statistic == pytest.approx(21 / 28 - 8 / 14)
    # Wilson 95% for 21/28, plain (a board's meetings are no sample from a frame)
    low, high = _wilson(21, 28, Z * Z)
    assert attendance.judgement.result.confidence_interval.low == pytest.approx(low)
    assert attendance.judgement.result.confidence_interval.high == pytest.approx(high)
    # the independent chair: shown, never judged
    assert (chair.context, chair.band, chair.note.startswith("the chair is independent")) == (True, "grey", True)
    assert (l1.judgement.band, l1.judgement.basis) == ("amber", "independent evidence")
    # places are counts of organisations' seats, shown as they are
    assert not attendance.counts_people


def test_attendances_above_the_places_are_refused_with_file_row_and_column(root, tmp_path):
    folder = tmp_path / "council"
    shutil.copytree(root / "data" / "demo", folder)
    # row 2 of lscb_board.csv is 2009-Q1: 99 attendances of its places
    _rewrite(folder / "lscb_board.csv", lambda rows: _column(
        rows, "member_attendances", lambda r: "99" if r[0] == "2009-Q1" else r[rows[0].index("member_attendances")]))
    with pytest.raises(DataValidationError) as err:
        load_evidence(folder)
    assert "lscb_board.csv, row 2, column 'member_attendances'" in str(err.value)
    assert "is above member_places" in str(err.value)


def test_l1_is_never_green_on_the_chair_alone_and_red_when_the_chair_is_not_independent():
    # attendance not recorded (both columns empty, or one of them): the chair alone is no evidence of how the
    # board works
    assert _l1(_board(q4_places=None, q4_attended=None)).judgement.band == "grey"
    assert _l1(_board(q4_attended=None)).judgement.band == "grey"
    # 27 of 28 (96%) would be green, but a chair who is not independent sets red, firmly
    red = _l1(_board(q4_chair=False, q4_attended=27))
    assert [ln.band for ln in red.evidence] == ["green", "red"]
    assert (red.judgement.band, red.judgement.firm) == ("red", True)


# --- 2. the voice of the child through audit learning ---------------------------------------------

VOICE = "voice of the child"  # a council's own theme name, not the demo's


def _learning_evidence():
    """Six files this quarter with learning on the theme: a strength on A1, A2; a concern on A3, A4, A5;
    both on A6 (counts as a concern). A7 has learning on another theme only. M3 (an SM) re-audited A3
    and recorded the theme as a strength: its learning prevails, so A3 is a strength. Last quarter: a
    strength on B1, a concern on B2."""
    audits = _table("audits", [_audit(f"A{i}", auditor=f"TM{i}") for i in range(1, 8)]
                    + [_audit("M3", auditor="SM1", of="A3")]
                    + [_audit(f"B{i}", "2009-Q3") for i in (1, 2)])
    rows = [("A1", VOICE, "strength"), ("A2", VOICE, "strength"), ("A3", VOICE, "concern"),
            ("A4", VOICE, "concern"), ("A5", VOICE, "concern"), ("A6", VOICE, "strength"), ("A6", VOICE, "concern"),
            ("A7", "planning", "concern"), ("M3", VOICE, "strength"), ("B1", VOICE, "strength"),
            ("B2", VOICE, "concern")]
    learning = pd.DataFrame(rows, columns=["audit_id", "theme", "strength_or_concern"])
    themes = pd.DataFrame({"theme": [VOICE, "planning"], "definition": ["heard", "plans"], "indicators": None})
    return _evidence(audits=audits, audit_learning=learning, themes=themes,
                     audit_types=_table("audit_types", [{"audit_type": "CF", "kind": "case file", "label": "CF"}]),
                     evidence_map=_map(("jar_haringey", "J11", "theme", VOICE),
                                       ("lscb_checklist", "L4.6", "theme", VOICE)))


def test_a_theme_line_is_strengths_among_files_where_auditors_recorded_it():
    ev = _learning_evidence()
    # this quarter: strength on A1, A2, A3 (the moderator's learning prevails); concern on A4, A5, A6: 3 of 6
    assert audit_learning.theme_balance(ev, "2009-Q4", VOICE) == (3, 6)
    assert audit_learning.theme_balance(ev, "2009-Q3", VOICE) == (1, 2)
    assert audit_learning.theme_balance(ev, "2009-Q4", "recording") == (0, 0)  # never recorded: no line
    (line,) = mapped.entry_lines(ev, MapEntry("theme", VOICE, None, (), "tests", "r"), rates=RATES, **{
        "cycle": "2009-Q4", "previous": "2009-Q3"})
    # 3 of 6 = 50%: red (below 65%); Wilson 95% from scipy (a second implementation)
    ci = stats.binomtest(3, 6).proportion_ci(confidence_level=0.95, method="wilson")
    assert (line.kind, line.k, line.n, line.unit, line.band) == ("audit learning", 3, 6, "audits", "red")
    assert line.judgement.result.confidence_interval.low == pytest.approx(ci.low)
    assert line.judgement.result.confidence_interval.high == pytest.approx(ci.high)
    assert line.change.difference.statistic == pytest.approx(3 / 6 - 1 / 2)
    # the interval 18.8% to 81.2% reaches every band: J11 is red, not firm; L4.6 the same
    j11 = next(f for f in jar.analyse(ev, **KW).findings if f.item.item_id == "J11")
    assert (j11.judgement.band, j11.judgement.firm) == ("red", False)
    l46 = next(i for i in lscb_checklist.analyse(ev, **KW).items if i.item.item_id == "L4.6")
    assert l46.judgement.band == "red"


def test_a_renamed_theme_gives_the_same_voice_of_the_child_judgements_on_a_copy_of_the_demo(root, tmp_path):
    demo = load_evidence(root / "data" / "demo")
    folder = tmp_path / "council"
    shutil.copytree(root / "data" / "demo", folder)
    rename = {"child's voice": "Hearing the child"}

    def theme(rows, column="theme"):
        i = rows[0].index(column)
        return _column(rows, column, lambda r: rename.get(r[i], r[i]))

    _rewrite(folder / "themes.csv", theme)
    _rewrite(folder / "audit_learning.csv", theme)
    _rewrite(folder / "evidence_map.csv", lambda rows: theme(rows, "evidence"))
    council = load_evidence(folder)

    def lines(ev, framework, item):
        found = (jar.analyse(ev, **KW).findings if framework == "jar" else lscb_checklist.analyse(ev, **KW).items)
        it = next(x for x in found if x.item.item_id == item)
        return it.judgement.band, [(ln.kind, ln.k, ln.n, ln.band) for ln in it.evidence]

    for framework, item in (("jar", "J11"), ("lscb", "L4.6")):
        assert lines(council, framework, item) == lines(demo, framework, item)
        assert any(kind == "audit learning" for kind, *_ in lines(council, framework, item)[1])
    # a theme the folder does not declare is refused, with the file, row, column and a near match
    _rewrite(folder / "evidence_map.csv", lambda rows: _column(
        rows, "evidence", lambda r: "Hearing the chld" if r[rows[0].index("evidence")] == "Hearing the child"
        else r[rows[0].index("evidence")]))
    with pytest.raises(DataValidationError) as err:
        load_evidence(folder)
    text = str(err.value)
    assert "column 'evidence': no theme of this name; did you mean 'Hearing the child'?" in text
    assert "evidence_map.csv, row " in text


# --- 3. J10 and L4.2: every declared theme, different auditors ------------------------------------

def test_j10_needs_every_theme_of_an_area_recorded_by_different_auditors():
    indicators = _table("indicators", [
        {"cycle": "2009-Q4", "indicator": i, "definition_version": "NI-2008", "numerator": 8, "denominator": 10}
        for i in ("NI59", "NI67")])
    themes = pd.DataFrame({"theme": ["risk", "plans", "timely"], "definition": "d",
                           "indicators": ["NI59", "NI67", "NI59; NI67"]})
    audits = _table("audits", [_audit("A1", auditor="TM1"), _audit("A2", auditor="TM2"), _audit("A3", auditor="TM1")])
    tables = {"indicators": indicators, "themes": themes, "audits": audits,
              "evidence_map": _map(("jar_haringey", "J10", "record", "indicator_areas_analysed"),
                                   ("lscb_checklist", "L4.2", "record", "indicator_areas_analysed"))}

    def j10(rows):
        ev = _evidence(**tables, audit_learning=pd.DataFrame(rows, columns=["audit_id", "theme"]))
        return next(f for f in jar.analyse(ev, **KW).findings if f.item.item_id == "J10")

    # risk by TM1 and TM2; timely by TM1 and TM2; plans by TM1 only (on two files): NI59 (risk, timely)
    # analysed, NI67 (plans, timely) not: 1 of 2 areas = 50%, red; a census of areas, so firm
    rows = [("A1", "risk"), ("A2", "risk"), ("A1", "timely"), ("A2", "timely"), ("A1", "plans"), ("A3", "plans")]
    line = next(ln for ln in j10(rows).evidence if ln.kind == "audit learning")
    assert (line.k, line.n, line.unit, line.band) == (1, 2, "areas", "red")
    assert (j10(rows).judgement.band, j10(rows).judgement.firm) == ("red", True)
    assert line.note.endswith(": NI67")
    # plans recorded by TM2 too: both areas analysed, 2 of 2: green
    assert [(ln.k, ln.n) for ln in j10([*rows, ("A2", "plans")]).evidence if ln.kind == "audit learning"] == [(2, 2)]
    # only one theme of each area recorded, however often (the old rule called both analysed): 0 of 2
    only_timely = [("A1", "timely"), ("A2", "timely"), ("A3", "timely")]
    assert [(ln.k, ln.n) for ln in j10(only_timely).evidence if ln.kind == "audit learning"] == [(0, 2)]
    assert (records.CORROBORATING_AUDITORS, records.CORROBORATING_WORDS) == (2, "different auditors")


# --- 4. the LSCB checklist is self-assessment: no agreement coefficient ---------------------------

def test_the_lscb_checklist_reports_a_spread_of_self_ratings_and_no_agreement():
    from review.views import partners

    rows = [{"cycle": "2009-Q4", "framework": "lscb_checklist", "item": item, "rater": rater, "rater_type": "agency",
             "grade_scale": "ofsted_2008", "rating": rating}
            for item, ratings in {"L1": ("Good", "Good", "Inadequate"), "L2": ("Good", "Adequate", "Good")}.items()
            for rater, rating in zip(("Police", "Health", "Education"), ratings, strict=True)]
    ev = _evidence(self_assessments=_table("self_assessments", rows))
    r = lscb_checklist.analyse(ev, **KW)
    assert (r.self_rated, r.agreement) == (True, None)
    # the headlines: items by band and the lowest rated item (L1 and L2: 2 of 3 agencies each, 67%); no agreement
    assert len(r.headlines) == 2
    assert r.headlines[1].startswith("All rated items equal: 67%")
    page = partners.agreement(r, DisclosurePolicy(), uid="a").data
    assert "no agreement coefficient applies" in page
    assert ("kappa" in page.lower(), "alpha" in page) == (False, False)
    figures = partners.record(r, DisclosurePolicy()).payload["figures"]
    assert figures["agreement"] is None


# --- 5. "small group" from the deciding lines -----------------------------------------------------

def test_small_group_comes_from_the_lines_that_decide_the_judgement():
    published = DisclosurePolicy()
    seen_alone = RATES.line("audit", "seen alone", (58, 105), None, "audits")  # 55.2%: Wilson 45.7% to 64.4%, red
    views = RATES.line("audit", "views", (66, 105), None, "audits")  # 62.9%: Wilson 53.3% to 71.5%, red or amber
    review = RATES.line("audit", "took part", (6, 9), None, "audits")  # 66.7% of 9 files: withheld when published
    assert (withheld(review, published), withheld(seen_alone, published)) == (True, False)
    j = triangulate([seen_alone, views, review])
    # red, firm: set by "seen alone" alone (its whole interval is below 65%); the review line (amber) can
    # reach red but not below it: it does not decide the judgement
    assert (j.band, j.firm) == ("red", True)
    assert deciding_lines(j, [seen_alone, views, review]) == [seen_alone]
    assert not small_group(j, [seen_alone, views, review], published)
    # the red rests on a withheld line alone (3 of 9 files red; 91 of 105 green): small group
    few = RATES.line("audit", "few", (3, 9), None, "audits")
    many = RATES.line("audit", "many", (91, 105), None, "audits")
    assert small_group(triangulate([few, many]), [few, many], published)
    # green on 90 of 100 (Wilson 82.6% to 94.5%, firm) but a withheld 8 of 9 (88.9%; Wilson 56.5% to 98.0%)
    # could be red: how sure the green is rests on withheld figures
    firm_green = RATES.line("audit", "firm", (90, 100), None, "audits")
    hidden = RATES.line("audit", "hidden", (8, 9), None, "audits")
    j = triangulate([firm_green, hidden])
    assert (j.band, j.firm) == ("green", False)
    assert deciding_lines(j, [firm_green, hidden]) == [firm_green, hidden]
    assert small_group(j, [firm_green, hidden], published)
    # internally nothing is withheld, so nothing is a small group
    assert not small_group(j, [firm_green, hidden], DisclosurePolicy(audience="internal"))


# --- 6. one finite-population rule --------------------------------------------------------------

def _fpc_evidence(selections, audit_type="CF", kind="case file"):
    """Ten files of one audit type, the criterion met on the first eight; a frame of 40 open cases."""
    audits = _table("audits", [_audit(f"A{i}", audit_type=audit_type, selection=s, plan="Yes" if i < 8 else "No")
                               for i, s in enumerate(selections)], ("plan",))
    return _evidence(audits=audits, audit_types=_table("audit_types", [{"audit_type": audit_type, "kind": kind,
                                                                        "label": audit_type}]),
                     criteria=_table("criteria", [{"criterion": "plan", "label": "Plan", "scale_id": "compliance",
                                                   "audit_types": audit_type}]),
                     frame=_table("frame", [{"cycle": "2009-Q4", "case_ref": f"F{i}"} for i in range(40)]))


def _line(ev):
    (line,) = mapped.entry_lines(ev, MapEntry("criterion", "plan", None, (), "tests", "r"), rates=RATES,
                                 cycle="2009-Q4", previous="2009-Q3")
    return line


def test_the_finite_population_correction_only_for_case_files_drawn_at_random_from_the_frame():
    # all ten drawn at random from the 40 open cases: Wilson with z^2 scaled by (N - n) / (N - 1) = 30/39
    random = _line(_fpc_evidence(["random"] * 10))
    low, high = _wilson(8, 10, Z * Z * 30 / 39)
    ci = random.judgement.result.confidence_interval
    assert (random.judgement.result.population, ci.low, ci.high) == (40, pytest.approx(low), pytest.approx(high))
    # one themed file among them: not a random sample of the frame; the plain Wilson interval (scipy)
    mixed = _line(_fpc_evidence(["random"] * 9 + ["themed"]))
    plain = stats.binomtest(8, 10).proportion_ci(confidence_level=0.95, method="wilson")
    ci = mixed.judgement.result.confidence_interval
    assert (mixed.judgement.result.population, ci.low, ci.high) == (None, pytest.approx(plain.low),
                                                                    pytest.approx(plain.high))
    # 8 of 10 sits on the green line: no number of audits settles it, and the frame still bounds the
    # audits a case-file line could have, so the page says more audits will not settle it soon
    assert (mixed.judgement.audits_needed, mixed.judgement.beyond_frame) == (None, True)
    # supervision files are not drawn from the frame of open cases: plain, and nothing caps them
    supervision = _line(_fpc_evidence(["random"] * 10, audit_type="SUP", kind="supervision"))
    assert (supervision.judgement.result.population, supervision.judgement.beyond_frame) == (None, False)
    assert supervision.judgement.result.confidence_interval.low == pytest.approx(plain.low)


def test_a_figure_on_the_jar_and_gose_pages_has_one_interval():
    # the same supervision criterion, 8 of 10: the JAR's mapped line and GOSE's criterion table agree
    ev = _fpc_evidence(["random"] * 10, audit_type="SUP", kind="supervision")
    jar_line = _line(ev)
    files = mapped.final_audits(ev, "2009-Q4")
    (gose,) = criterion_counts(files, ev.tables["criteria"], SCALES, ["plan"], confidence_level=0.95)
    assert (gose.yes, gose.yes + gose.no) == (jar_line.k, jar_line.n) == (8, 10)
    assert gose.rate.confidence_interval == jar_line.judgement.result.confidence_interval
    # and a case-file figure with themed files among them (as in the demo's quarters): the same
    ev = _fpc_evidence(["random"] * 9 + ["themed"])
    (gose,) = criterion_counts(mapped.final_audits(ev, "2009-Q4"), ev.tables["criteria"], SCALES, ["plan"],
                               confidence_level=0.95)
    assert gose.rate.confidence_interval == _line(ev).judgement.result.confidence_interval
