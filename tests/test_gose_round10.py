"""GOSE follow-ups of round 10, each on small hand-built evidence with the arithmetic beside each
expected value (a council that names nothing the way the demo does: ``test_gose_analysis``'s).

1. One finite-population rule (:func:`review.analyses.mapped.sample_frame`): a case-file criterion whose
   applicable files were all drawn at random from the quarter's frame has the corrected interval in GOSE's
   criterion table, as on the JAR page; a supervision criterion keeps plain Wilson on both.
2. "Small group" is every framework's rule (:func:`review.analyses.shown_bands.rests_on_hidden`): a shown
   line that sets the band on its own is what the judgement follows.
3. The GOSE record carries its action plan's ``red_history``, so the run's cycle summary reads it instead
   of judging GOSE again for every quarter; the notebook records after its plan, as the JAR notebook does.
4. The partnership frameworks' descriptions say the ratings are self-ratings (no agreement coefficient).
"""

from __future__ import annotations

import ast
import dataclasses
import json
import math
from types import MappingProxyType

import pandas as pd
import pytest
from scipy import stats
from test_gose_analysis import AUDIT_TYPES, CRITERIA, MAP, NAMES, SCALES, _other_audits, _tables

from review.analyses import actions
from review.analyses.context import Context
from review.analyses.gose import ItemResult, gose_result
from review.analyses.judgement import Rates, triangulate
from review.analyses.mapped import mapped_lines
from review.analyses.shown_bands import deciding_lines
from review.config.frameworks import FRAMEWORKS
from review.config.params import RunParameters
from review.data.load import Evidence
from review.protection.disclosure import DisclosurePolicy
from review.results.figures import load_cycle_results, to_jsonable
from review.views import common
from review.views import gose as views
from review.views.actions import history_figures

VALUES = {"confidence_level": 0.95, "rag_green": 0.8, "rag_red": 0.65}
PUBLISHED = DisclosurePolicy()
INTERNAL = DisclosurePolicy(audience="internal")
RATES = Rates(confidence_level=0.95, green=0.8, red=0.65)
Z2 = stats.norm.ppf(0.975) ** 2


def _wilson(k, n, z2):
    """Wilson's interval with ``z2`` in place of z squared (Wilson 1927), written out here."""
    p = k / n
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = math.sqrt(z2) / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return centre - half, centre + half


def _random_case_files(cycle):
    """Eleven case files, every one drawn at random: "seen" Yes on F1-F7, No on F8-F10, N/A on F11; F2 is
    re-audited by a Service Manager who finds the child was not seen (the moderator's answer prevails)."""
    seen = ["Yes"] * 7 + ["No"] * 3 + ["N/A"]
    rows = [(f"{cycle}-A{i}", f"F{i}", "TM", None, "Good", s) for i, s in enumerate(seen, start=1)]
    rows[1] = (f"{cycle}-A2", "F2", "TM", None, "Good", "No")  # the first auditor said No ...
    rows.append((f"{cycle}-M2", "F2", "SM", f"{cycle}-A2", "Good", "Yes"))  # ... the moderator found Yes
    t = pd.DataFrame(rows, columns=["audit_id", "case_ref", "auditor_tier", "moderation_of", "overall_grade", "seen"])
    return t.assign(cycle=cycle, audit_type="CF", grade_scale="ofsted_2008", case_type="CIN", selection="random",
                    theme=None, auditor_id=t["auditor_tier"] + "01", team="T1", audit_date=pd.Timestamp("2009-11-02"))


def _evidence(snapshot=None, jar_rows=()):
    """test_gose_analysis's council with no themed audit: every case file drawn at random."""
    audits = pd.concat([_random_case_files("2009-Q4"), _random_case_files("2009-Q3"), _other_audits()],
                       ignore_index=True)
    for name in NAMES:
        if name not in audits:
            audits[name] = None
    evidence_map = pd.concat([MAP, pd.DataFrame(list(jar_rows), columns=MAP.columns)], ignore_index=True)
    tables = _tables() | {"audits": audits, "evidence_map": evidence_map}
    assert tables["criteria"] is CRITERIA
    assert tables["audit_types"] is AUDIT_TYPES
    return Evidence("hand-built", MappingProxyType(tables), MappingProxyType(SCALES), NAMES, snapshot=snapshot)


def _ctx(evidence, framework="gose_performance", policy=INTERNAL, values=VALUES):
    return Context(RunParameters(framework, values), evidence, policy, "2009-Q4", "2009-Q3")


# --- 1. one finite-population rule ----------------------------------------------------------------

JAR_ROWS = [("jar_haringey", "J07", "criterion", "seen", None, None, "tests", "the child seen"),
            ("jar_haringey", "J08", "criterion", "s1", None, None, "tests", "supervision on time")]


def test_a_case_file_criterion_drawn_at_random_has_the_jar_pages_corrected_interval_in_gose():
    ev = _evidence(jar_rows=JAR_ROWS)
    result = gose_result(_ctx(ev))
    (seen,) = result.audits.criteria
    # final answers: F1, F2 (the moderator's Yes), F3-F7 Yes; F8-F10 No; F11 N/A -> 7 of 10 where it applied
    assert (seen.yes, seen.no, seen.not_applicable) == (7, 3, 1)
    # all ten drawn at random from the quarter's frame of 45 (40 case files and 5 supervisees' cases in
    # test_gose_analysis's frame): Wilson with z^2 scaled by (N - n) / (N - 1) = 35 / 44
    low, high = _wilson(7, 10, Z2 * 35 / 44)
    assert seen.rate.population == 45
    assert (seen.rate.confidence_interval.low, seen.rate.confidence_interval.high) == (
        pytest.approx(low), pytest.approx(high))
    plain = stats.binomtest(7, 10).proportion_ci(confidence_level=0.95, method="wilson")
    assert high - low < plain.high - plain.low  # narrower than plain Wilson: the correction is applied
    # the JAR page's line for the same criterion, by the project's own path: one interval on both pages
    (jar_line,) = mapped_lines(ev, "jar_haringey", "J07", rates=RATES, cycle="2009-Q4", previous="2009-Q3")
    assert (jar_line.k, jar_line.n) == (seen.yes, seen.yes + seen.no)
    assert jar_line.judgement.result.confidence_interval == seen.rate.confidence_interval
    assert jar_line.judgement.result.population == seen.rate.population


def test_a_supervision_criterion_keeps_plain_wilson_on_both_pages():
    ev = _evidence(jar_rows=JAR_ROWS)
    result = gose_result(_ctx(ev))
    (sv,) = [g for g in result.groups if g.audit_type == "SV"]
    s1 = next(c for c in sv.criteria if c.criterion == "s1")
    # supervision files are not drawn from the frame of open cases. Final answers of s1: K1 Yes, K2 Yes,
    # K3 N/A, K4 Yes (the SM's re-audit prevails over the first No), K5 N/A -> 3 of 3
    assert (s1.yes, s1.no, s1.not_applicable, s1.rate.population) == (3, 0, 2, None)
    plain = stats.binomtest(3, 3).proportion_ci(confidence_level=0.95, method="wilson")
    assert s1.rate.confidence_interval.low == pytest.approx(plain.low)
    (jar_line,) = mapped_lines(ev, "jar_haringey", "J08", rates=RATES, cycle="2009-Q4", previous="2009-Q3")
    assert jar_line.judgement.result.confidence_interval == s1.rate.confidence_interval


def test_a_case_file_criterion_with_a_themed_file_among_its_applicable_files_is_not_corrected():
    ev = _evidence(jar_rows=JAR_ROWS)
    audits = ev.tables["audits"]
    themed = audits.assign(selection=audits["selection"].mask(audits["case_ref"] == "F9", "themed"),
                           theme=audits["theme"].mask(audits["case_ref"] == "F9", "neglect"))
    ev = dataclasses.replace(ev, tables=MappingProxyType(dict(ev.tables) | {"audits": themed}))
    (seen,) = gose_result(_ctx(ev)).audits.criteria
    assert (seen.yes, seen.yes + seen.no, seen.rate.population) == (7, 10, None)  # F9 (No) themed: plain Wilson
    plain = stats.binomtest(7, 10).proportion_ci(confidence_level=0.95, method="wilson")
    assert seen.rate.confidence_interval.low == pytest.approx(plain.low)
    (jar_line,) = mapped_lines(ev, "jar_haringey", "J07", rates=RATES, cycle="2009-Q4", previous="2009-Q3")
    assert jar_line.judgement.result.confidence_interval == seen.rate.confidence_interval


# --- 2. "small group" by every framework's rule ---------------------------------------------------

def _item(lines):
    return ItemResult("G99", "an item", None, "", (), "", None, (), tuple(lines), triangulate(lines))


def test_a_firm_shown_line_sets_the_band_whatever_a_withheld_line_at_the_same_band_says():
    # 20 of 100: 20%, Wilson about 13.3% to 28.9%, wholly below 65%: red, firm, shown (a group of 100)
    shown = RATES.line("audit", "shown", (20, 100), None, "audits")
    # 2 of 9: 22%, Wilson about 6.3% to 54.7%, also wholly red and firm; withheld when published (9 < 10)
    hidden = RATES.line("audit", "hidden", (2, 9), None, "audits")
    assert (shown.band, shown.judgement.firm, hidden.band, hidden.judgement.firm) == ("red", True, "red", True)
    assert (common.withheld(shown, PUBLISHED), common.withheld(hidden, PUBLISHED)) == (False, True)
    item = _item([shown, hidden])
    assert (item.band, item.judgement.firm) == ("red", True)
    # both are among the lines at the band; the shown one sets it on its own, so the judgement does not
    # rest on the withheld one: not a small group, as the JAR page reads the same lines
    assert hidden in deciding_lines(item.judgement, item.judged_lines)
    assert not views.small_group(item, PUBLISHED)
    assert views.small_group(item, PUBLISHED) == common.small_group(item.judgement, item.lines, PUBLISHED)


def test_a_judgement_resting_on_a_withheld_line_is_still_a_small_group():
    # red set by 3 of 9 alone (withheld); 91 of 105 is green: the red rests on the withheld line
    few = RATES.line("audit", "few", (3, 9), None, "audits")
    many = RATES.line("audit", "many", (91, 105), None, "audits")
    assert views.small_group(_item([few, many]), PUBLISHED)
    # green on 90 of 100 (Wilson 82.6% to 94.5%) but a withheld 8 of 9 (Wilson 56.5% to 98.0%) could be
    # red: how sure the green is rests on withheld figures
    firm = RATES.line("audit", "firm", (90, 100), None, "audits")
    could = RATES.line("audit", "could be red", (8, 9), None, "audits")
    item = _item([firm, could])
    assert views.small_group(item, PUBLISHED)
    assert common.small_group(item.judgement, item.lines, PUBLISHED)
    assert not views.small_group(item, INTERNAL)  # nothing is withheld internally


# --- 3. the record carries the red history --------------------------------------------------------

def test_the_gose_record_carries_its_plans_red_history_and_the_summary_reads_it(tmp_path):
    ev = _evidence(snapshot="d" * 64)
    ctx = _ctx(ev, policy=PUBLISHED)
    result = gose_result(ctx)
    plan = actions.analyse_context(ctx, ("gose_performance",))
    figures = views.record(result, PUBLISHED, plan=plan).payload["figures"]
    assert "red_history" not in views.record(result, PUBLISHED).payload["figures"]  # without a plan, none
    history = figures["red_history"]
    assert history == to_jsonable(history_figures(plan, "gose_performance")["red_history"])
    assert history["basis"]["snapshot"] == "d" * 64
    assert history["basis"]["cycles"] == ["2009-Q3", "2009-Q4"]
    # red this quarter, as the page shows them: G05 (conference audits meeting every criterion: C1 Yes/Yes,
    # C2 No/Yes -> 1 of 2, 50% < 65%) and G14 (review audits graded Good or better: R1 Good, R2 Adequate ->
    # 1 of 2); every case file is graded Good, so G03 is green (11 of 11)
    red_now = sorted(i.item for i in result.items if i.band == "red")
    assert history["red"]["2009-Q4"] == red_now == ["G05", "G14"]
    assert set(history) == {"basis", "red", "withheld"}  # the record the JAR page keeps (history_record)
    # the run's cycle summary reads the record instead of judging GOSE again: plant G05 as never red
    planted = dict(figures) | {"red_history": history | {"red": {c: [i for i in items if i != red_now[0]]
                                                                  for c, items in history["red"].items()}}}
    (tmp_path / "gose_performance.results.json").write_text(
        json.dumps({"framework": "gose_performance", "figures": planted}), encoding="utf-8")
    summary = _ctx(ev, framework="cycle_summary", policy=PUBLISHED, values={"confidence_level": 0.95})
    read = actions.analyse_context(summary, results=load_cycle_results(tmp_path))
    assert read.for_item("gose_performance", red_now[0]) is None  # the planted record was read
    assert plan.for_item("gose_performance", red_now[0]) is not None  # judged afresh, it is red


def _cells(root, notebook):
    return [c for c in json.loads((root / "notebooks" / notebook).read_text(encoding="utf-8"))["cells"]
            if c["cell_type"] == "code"]


def _calls(source, name):
    return [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            and n.func.attr == name]


@pytest.mark.parametrize("notebook", ["gose_performance.ipynb", "jar_haringey.ipynb"])
def test_the_notebook_records_after_its_plan_with_the_plan(root, notebook):
    cells = [("".join(c["source"])) for c in _cells(root, notebook)]
    plan_at = next(i for i, s in enumerate(cells) if _calls(s, "analyse_context"))
    kept = [i for i, s in enumerate(cells) if _calls(s, "keep")]
    assert len(kept) == 1
    assert kept[0] > plan_at
    (call,) = [c for c in _calls(cells[kept[0]], "record")]
    assert [k.arg for k in call.keywords] == ["plan"]
    assert isinstance(call.keywords[0].value, ast.Name)
    assert call.keywords[0].value.id == "plan"


# --- 4. self-ratings described as such ------------------------------------------------------------

@pytest.mark.parametrize("framework", ["healthcare_commission", "lscb_checklist"])
def test_self_rated_frameworks_do_not_promise_the_agencies_agreement(framework):
    purpose = FRAMEWORKS[framework].purpose
    assert "self-ratings" in purpose
    assert "no agreement coefficient" in purpose
    assert "agree" not in purpose.replace("no agreement coefficient", "")
