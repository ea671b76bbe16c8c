"""How long an item has been red: one source, and every page says the same number.

The rule (review.results.history): for each earlier quarter, the band its run recorded wins; a quarter
with no run whose evidence is in the data folder is re-judged from it; a quarter with neither is a gap.

The evidence is built by hand: one JAR finding, J02, tied by the evidence map to one audit criterion,
``written_feedback``. Each quarter, 2009-Q1 to 2009-Q4, holds 40 case-file audits of which 10 answer
"Yes": 10 / 40 = 0.25, below the red threshold 0.65 (and the upper end of any interval on 40 audits is
far below it), so J02 is red in each of the four quarters and nothing else is judged.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from review.analyses import actions, jar
from review.analyses.context import Context
from review.batch.action_draft import propose
from review.batch.history import carried_history, earlier_bands
from review.config.cycles import previous_cycle
from review.config.frameworks import FRAMEWORKS
from review.config.params import COMMON_PARAMS, RunParameters
from review.config.paths import cycle_folder
from review.config.report_meta import ReportMeta
from review.data import load_evidence
from review.protection.disclosure import DisclosurePolicy
from review.results import history
from review.results import summary as cycle_summary
from review.results.figures import load_cycle_results, write_results
from review.results.key_messages import key_messages
from review.views import jar as jar_views
from review.views import key_messages as key_views
from review.views import trends as trend_views

QUARTERS = ("2009-Q1", "2009-Q2", "2009-Q3", "2009-Q4")
MONTH = {"2009-Q1": "2009-02", "2009-Q2": "2009-05", "2009-Q3": "2009-08", "2009-Q4": "2009-11"}
AUTHORITY = "Hand-built council (test)"
J02 = ("jar_haringey", "J02")


def _evidence_folder(folder: Path) -> Path:
    files = {
        "grade_scales.csv": "scale_id,position,label,good_or_better,not_applicable\n"
                            "ofsted_2008,1,Outstanding,yes,no\nofsted_2008,2,Good,yes,no\n"
                            "ofsted_2008,3,Adequate,no,no\nofsted_2008,4,Inadequate,no,no\n"
                            "compliance,1,Yes,yes,no\ncompliance,2,No,no,no\ncompliance,3,N/A,no,yes\n",
        "criteria.csv": "criterion,label,scale_id,audit_types\n"
                        "written_feedback,The referrer had written feedback,compliance,case file\n",
        "teams.csv": "team,service\nT1,S1\n",
        "evidence_map.csv": "framework,item,source,evidence,audit_type,agencies,role,reason\n"
                            "jar_haringey,J02,criterion,written_feedback,,,tests,The finding names written feedback.\n",
    }
    frame = ["cycle,case_ref,team,case_type,allocated_worker,team_manager,opened_date,last_audit_date"]
    audits = ["audit_id,cycle,case_ref,case_type,team,audit_type,auditor_id,auditor_tier,audit_date,selection,theme,"
              "moderation_of,grade_scale,overall_grade,written_feedback"]
    n = 0
    for q in QUARTERS:
        for i in range(40):  # 10 "Yes" of 40 each quarter
            n += 1
            frame.append(f"{q},C{n},T1,CP,W1,M1,2008-01-01,")
            audits.append(f"A{n},{q},C{n},CP,T1,case file,S1,TM,{MONTH[q]}-{1 + i % 27:02d},random,,,ofsted_2008,Good,"
                          f"{'Yes' if i < 10 else 'No'}")
    files["frame.csv"] = "\n".join(frame) + "\n"
    files["audits.csv"] = "\n".join(audits) + "\n"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def evidence(tmp_path_factory):
    return load_evidence(_evidence_folder(tmp_path_factory.mktemp("hand_built") / "data"))


def _ctx(evidence, cycle: str) -> Context:
    values = {p.name: p.default for p in COMMON_PARAMS + FRAMEWORKS["jar_haringey"].params}
    values |= {"cycle": cycle, "authority": AUTHORITY, "rag_green": 0.8, "rag_red": 0.65, "thresholds_file": ""}
    return Context(RunParameters("jar_haringey", values), evidence, DisclosurePolicy(), cycle, previous_cycle(cycle))


def _write_run(root: Path, cycle: str, payload: dict, *, authority: str = AUTHORITY) -> None:
    folder = cycle_folder(root, cycle, "published")
    folder.mkdir(parents=True)
    manifest = {"cycle": cycle, "parameters": {"jar_haringey": {"authority": authority}}}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    write_results(folder / "jar_haringey.results.json", payload)


def _quarter(evidence, cycle: str, root: Path, tmp: Path) -> dict:
    """The analysis path of one quarter, as the JAR report and the cycle summary take it; every number
    of "how long has J02 been red" each page would print."""
    ctx = _ctx(evidence, cycle)
    result = jar.analyse_context(ctx)
    recorded = jar_views.record(result, ctx.policy)
    payload = getattr(recorded, "payload", recorded)
    trend = history.trend_for(ctx, "jar_haringey", recorded, root=root)
    # the cycle summary: this quarter's results in the run's folder, its plan put on the trends' quarters
    folder = tmp / f"now-{cycle}"
    folder.mkdir()
    write_results(folder / "jar_haringey.results.json", payload)
    now = load_cycle_results(folder)
    summary_trends = history.summary_trends(cycle, now, ctx.policy, authority=AUTHORITY, root=root, ctx=ctx)
    evidence_plan = actions.analyse_context(ctx, ("jar_haringey",))
    plan = history.on_history(evidence_plan, summary_trends, ctx)
    km = key_messages(cycle_summary.analyse(cycle, folder, now), plan, ReportMeta(), ctx.policy)
    drafts = {(d.source, d.item): d for d in propose(plan, set())}
    series = {(s.framework, s.item): s for s in trend.items}
    summary_series = {(s.framework, s.item): s for t in summary_trends for s in t.items}
    priority = next(p for p in km.priorities if (p.framework, p.item_id) == J02)
    return {
        "payload": payload,
        "trend": series[J02].red_run,
        "trend text": trend_views.run_text(series[J02]),
        "summary trend": summary_series[J02].red_run,
        "summary page": trend_views.summary(summary_trends, ctx.policy).data,
        "report page": trend_views.report(trend, ctx.policy).data,
        "key messages": priority.red_quarters,
        "key message text": key_views.priority_text(priority),
        "action plan": plan.for_item(*J02).red_cycles,
        "evidence only": evidence_plan.for_item(*J02).red_cycles,
        "draft": drafts[J02].red_cycles,
        "draft text": drafts[J02].action,
        "states": [p.state for p in series[J02].points[-4:]],
    }


def test_the_hand_built_evidence_makes_j02_red_in_each_quarter(evidence):
    for q in QUARTERS:
        result = jar.analyse_context(_ctx(evidence, q))
        bands = {f.item.item_id: (f.judgement.band if f.judgement else None) for f in result.findings}
        assert bands["J02"] == "red", q  # 10 / 40 = 0.25 < 0.65
        assert [i for i, b in bands.items() if b == "red"] == ["J02"]


def test_with_no_earlier_run_every_page_says_four_quarters(evidence, tmp_path):
    """No run of 2009-Q1..Q3 exists; their evidence is in the folder: each is re-judged (red), so J02 has
    been red 2009-Q1, Q2, Q3 and Q4: 4 quarters, on the trend, the summary, the key messages, the action
    plan and the draft."""
    got = _quarter(evidence, "2009-Q4", tmp_path / "outputs", tmp_path)
    assert got["states"] == ["re-judged", "re-judged", "re-judged", "reported"]
    for page in ("trend", "summary trend", "key messages", "action plan", "evidence only", "draft"):
        assert got[page] == 4, page
    assert got["trend text"].startswith("red for 4 quarters running")
    assert "red for 4 quarters running" in got["summary page"]
    assert "red for 4 quarters" in got["key message text"]
    assert "red for 4 cycles" in got["draft text"]
    assert "re-judged from the evidence" in got["report page"]
    assert "None red for 3 or more quarters" not in got["summary page"]
    assert "There is no earlier quarter" not in got["summary page"]


def test_quarter_by_quarter_with_each_run_kept_the_count_grows_one_a_quarter(evidence, tmp_path):
    """Each quarter is run in turn and its results kept, as `make report` does: 1, 2, 3, 4 quarters, read
    from the runs (no quarter is re-judged once its run exists), on every page."""
    root = tmp_path / "outputs"
    for n, q in enumerate(QUARTERS, start=1):
        got = _quarter(evidence, q, root, tmp_path)
        for page in ("trend", "summary trend", "key messages", "action plan", "draft"):
            assert got[page] == n, (q, page)
        assert "re-judged" not in got["states"]
        _write_run(root, q, got["payload"])


def test_an_earlier_run_that_disagrees_with_the_evidence_wins(evidence, tmp_path):
    """2009-Q2's run recorded J02 amber (say, the thresholds were lower then); its evidence, re-judged
    today, is red. The run wins: J02 has been red 2009-Q3 (re-judged: no run) and 2009-Q4: 2 quarters,
    on every page, though the evidence alone would say 4. A run of another council that says green in
    2009-Q3 is not this council's history and is not read."""
    root = tmp_path / "outputs"
    amber = {"framework": "jar_haringey", "cycle": "2009-Q2",
             "figures": {"findings": [{"item": "J02", "band": "amber", "small_group": False}]}}
    _write_run(root, "2009-Q2", amber)
    green = {"framework": "jar_haringey", "cycle": "2009-Q3",
             "figures": {"findings": [{"item": "J02", "band": "green", "small_group": False}]}}
    _write_run(root, "2009-Q3", green, authority="Another council")
    got = _quarter(evidence, "2009-Q4", root, tmp_path)
    assert got["states"] == ["re-judged", "reported", "re-judged", "reported"]
    assert got["evidence only"] == 4  # the evidence alone: what the pages must not say
    for page in ("trend", "summary trend", "key messages", "action plan", "draft"):
        assert got[page] == 2, page
    assert "red for 2 quarters" in got["key message text"]
    assert "red for 2 cycles" in got["draft text"]
    # the index's carried history follows the same rule, reading this council's runs only
    rejudged = history.recorded_rejudged({"jar_haringey": {"figures": {"red_history": {
        "red": {q: ["J02"] for q in QUARTERS}, "withheld": {q: [] for q in QUARTERS}}}}})
    # in a batch run the summary reads the re-judged quarters its reports recorded, every quarter of the
    # evidence, 2009-Q2 included: the run still wins there
    folder = tmp_path / "now-2009-Q4"
    batch = history.summary_trends("2009-Q4", load_cycle_results(folder), DisclosurePolicy(), authority=AUTHORITY,
                                   root=root, rejudged=rejudged)
    assert {(s.framework, s.item): s.red_run for t in batch for s in t.items}[J02] == 2
    earlier = earlier_bands(root, "2009-Q4", "published", authority=AUTHORITY)
    assert [q for q, _ in earlier] == ["2009-Q2"]
    assert carried_history({J02: "red"}, earlier, "2009-Q4", rejudged=rejudged).red_for == {J02: 2}
    assert carried_history({J02: "red"}, earlier, "2009-Q4").red_for == {J02: 1}  # no evidence: 2009-Q3 a gap


def test_a_heading_is_not_counted_among_the_summary_s_red_items():
    """The LSCB heading L4 is summarised from its sub-items: the summary lists L4.1 (red), not L4."""
    def point(q, band):
        return history.TrendPoint(q, "reported", band, None, "not recorded")

    window = ("2009-Q3", "2009-Q4")
    items = (history.ItemSeries("lscb_checklist", "L4", (point("2009-Q3", "red"), point("2009-Q4", "red")), True),
             history.ItemSeries("lscb_checklist", "L4.1", (point("2009-Q3", "red"), point("2009-Q4", "red"))))
    t = history.Trend("lscb_checklist", "2009-Q4", "published", window, ("2009-Q3",), items)
    page = trend_views.summary([t], DisclosurePolicy(), titles={"lscb_checklist": "LSCB"}).data
    assert "items red this quarter (1)" in page  # L4.1 only: 1, not 2
    assert "L4.1 (LSCB)" in page
    assert "L4 (LSCB)" not in page
    red, _ = history.red_maps([t])
    assert red["2009-Q3"] == frozenset({("lscb_checklist", "L4.1")})


def test_the_index_reads_this_council_s_runs_and_the_quarters_its_reports_re_judged(tmp_path):
    """The index's "red for" (review.batch.history.carried): 2009-Q3's run of this council says red;
    2009-Q2's run is another council's (green); the run's reports re-judged 2009-Q1..Q3 red from the
    evidence. This council: Q4 (now) + Q3 (its run) + Q2 and Q1 (re-judged) = 4 quarters. Reading every
    run in the folder, the other council's green 2009-Q2 would win and stop the run at 2 quarters."""
    from review.batch.history import carried

    root = tmp_path / "outputs"
    red = {"framework": "jar_haringey", "figures": {"findings": [{"item": "J02", "band": "red"}]}}
    _write_run(root, "2009-Q3", red)
    _write_run(root, "2009-Q2", {"framework": "jar_haringey", "figures": {"findings": [{"item": "J02", "band": "green"}]}},
               authority="Another council")
    staging = tmp_path / "staging"
    staging.mkdir()
    now = {"framework": "jar_haringey", "figures": {"findings": [{"item": "J02", "band": "red"}], "red_history": {
        "red": {q: ["J02"] for q in QUARTERS}, "withheld": {q: [] for q in QUARTERS}}}}
    write_results(staging / "jar_haringey.results.json", now)
    mine = carried(root, "2009-Q4", "published", staging, authority=AUTHORITY)
    assert mine.red_for == {J02: 4}
    assert mine.runs == ("2009-Q3",)
    assert carried(root, "2009-Q4", "published", staging).red_for == {J02: 2}


def test_a_report_that_recorded_no_red_history_is_a_gap_not_re_judged_not_red(tmp_path):
    """The JAR report recorded its re-judged quarters (J02 red in 2009-Q1..Q3); the GOSE report recorded
    none. Its G03, red now, was not judged again: its earlier quarters are gaps ("no run"), never "not
    red", so its run is this quarter only and nothing is said about quarters nobody judged."""
    folder = tmp_path / "now"
    folder.mkdir()
    write_results(folder / "jar_haringey.results.json", {"framework": "jar_haringey", "figures": {
        "findings": [{"item": "J02", "band": "red"}],
        "red_history": {"red": {q: ["J02"] for q in QUARTERS}, "withheld": {q: [] for q in QUARTERS}}}})
    write_results(folder / "gose_performance.results.json", {"framework": "gose_performance", "figures": {
        "items": [{"item": "G03", "band": "red"}]}})
    trends = history.summary_trends("2009-Q4", load_cycle_results(folder), DisclosurePolicy(), root=tmp_path / "outputs")
    got = {(s.framework, s.item): s for t in trends for s in t.items}
    assert got[J02].red_run == 4  # 2009-Q1, Q2, Q3 re-judged red, and Q4
    gose = got[("gose_performance", "G03")]
    assert [p.state for p in gose.points[-4:]] == ["no run", "no run", "no run", "reported"]
    assert gose.red_run == 1
