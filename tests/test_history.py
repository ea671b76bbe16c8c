"""History brought forward: a council whose data folder holds only 2010-Q1, after a 2009-Q4
run, sees the changes since last quarter and items red for two quarters, read from that run's results."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from review.batch.history import carried_history
from review.cli import main
from review.config.cycles import previous_cycle
from review.data.schema import DATASETS
from review.results.history import bands as bands_of

FRAMEWORKS = ("jar_haringey", "gose_performance", "lscb_checklist")
SHIFT = dt.timedelta(days=92)  # 2009-10-01 -> 2010-01-01


def _one_quarter(demo: Path, out: Path) -> None:
    """The demo's 2009-Q4 evidence as if it were 2010-Q1, and nothing of any earlier quarter: every dated
    row moved a quarter on (kept inside 2010-Q1), every other cycle's row left out."""
    shutil.copytree(demo, out)
    last = dt.date(2010, 3, 31)
    for name, ds in DATASETS.items():
        path = out / f"{name}.csv"
        if not path.exists():
            continue
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
        head, body = rows[0], rows[1:]
        kinds = {c.name: c.kind for c in ds.columns}
        if "cycle" in head:
            body = [r for r in body if r[head.index("cycle")] == "2009-Q4"]
        if name == "actions":  # the register: remedial actions name audits of earlier quarters
            body = [r for r in body if r[head.index("source")] != "audit"]
        if name == "audit_learning":  # learning recorded on the audits kept (it has no cycle of its own)
            audits = list(csv.reader(io.StringIO((out / "audits.csv").read_text(encoding="utf-8"))))
            kept = {r[audits[0].index("audit_id")] for r in audits[1:]}
            body = [r for r in body if r[head.index("audit_id")] in kept]
        for r in body:
            for k, h in enumerate(head):
                if not r[k]:
                    continue
                if kinds.get(h) == "cycle" and r[k] == "2009-Q4" and name != "actions":
                    r[k] = "2010-Q1"
                elif kinds.get(h) == "date" and name not in ("actions", "regulated_services"):
                    r[k] = min(dt.date.fromisoformat(r[k]) + SHIFT, last).isoformat()
                elif kinds.get(h) == "month":
                    y, m = map(int, r[k].split("-"))
                    r[k] = f"{y + (m + 2) // 12}-{(m + 2) % 12 + 1:02d}"
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows([head, *body])
        path.write_text(text.getvalue(), encoding="utf-8")


def test_changes_and_red_runs_from_earlier_results():
    now = {("jar_haringey", "J01"): "red", ("jar_haringey", "J02"): "amber", ("jar_haringey", "J03"): "red",
           ("jar_haringey", "J04"): "withheld"}
    q3 = {("jar_haringey", "J01"): "red", ("jar_haringey", "J02"): "red", ("jar_haringey", "J03"): "withheld",
          ("jar_haringey", "J04"): "green"}
    q2 = {("jar_haringey", "J01"): "red"}
    carried = carried_history(now, [("2009-Q3", q3), ("2009-Q2", q2)], "2009-Q4")
    assert [(c.item, c.before, c.now, c.direction) for c in carried.changes] == [
        ("J02", "red", "amber", "higher band"), ("J03", "withheld", "red", "changed"), ("J04", "green", "withheld", "changed")]
    assert carried.red_for == {("jar_haringey", "J01"): 3, ("jar_haringey", "J03"): 1}
    assert carried.longer == {("jar_haringey", "J03")}  # its band before is withheld: red longer, maybe
    # a gap of a quarter: nothing to compare with
    assert carried_history(now, [("2009-Q2", q2)], "2009-Q4").changes == ()


def test_bands_are_read_as_the_pages_showed_them():
    results = {"governance": {"figures": {"items": [{"item": "G1", "band": "withheld"}]}},
               "cycle_summary": {"figures": {"complete": True}}}
    assert bands_of(results) == {("governance", "G1"): "withheld"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory, root, demo_run):
    base = tmp_path_factory.mktemp("history")
    out = base / "outputs"
    picks = [a for f in FRAMEWORKS for a in ("--framework", f)]
    code, published = demo_run
    assert code == 0
    shutil.copytree(published, out / "2009-Q4")
    data = base / "2010-Q1"
    _one_quarter(root / "data" / "demo", data)
    params = base / "2010-Q1.yaml"
    params.write_text(f'cycle: "2010-Q1"\ndata_dir: "{data}"\n', encoding="utf-8")
    assert main(["validate", str(params), str(data)]) == 0
    assert main(["run", "--cycle", "2010-Q1", "--params", str(params), "--output-root", str(out), "--quiet",
                 *picks]) == 0
    return out, params


def test_a_council_with_one_quarter_sees_changes_since_last_quarter(runs):
    runs, _ = runs
    before = bands_of({f: json.loads((runs / "2009-Q4" / f"{f}.results.json").read_text()) for f in FRAMEWORKS})
    now = bands_of({f: json.loads((runs / "2010-Q1" / f"{f}.results.json").read_text()) for f in FRAMEWORKS})
    changed = {k for k in now if k in before and now[k] != before[k]}
    assert changed  # the demo's quarter, moved on, judges some items differently
    index = (runs / "2010-Q1" / "index.html").read_text()
    heading = re.search(r'<h2 id="since-last"[^>]*>(.*?)</h2>', index, flags=re.DOTALL)
    assert heading  # its text, whichever escaping the page uses for the apostrophe
    assert html.unescape(heading.group(1)) == "Since the last quarter's run (Q3 2009/10)"
    section = index.split('id="since-last"')[1]
    rows = re.findall(r"<tr><td>[^<]*</td><td data-review-nocount>([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>",
                      section)
    assert {(i, b, n) for i, b, n in rows} == {(i, before[(f, i)], now[(f, i)]) for f, i in changed}
    red_twice = {i for (f, i), band in now.items() if band == "red" and before.get((f, i)) == "red"}
    assert red_twice
    for item in red_twice:
        assert re.search(rf"<td data-review-nocount>{re.escape(item)}</td><td data-review-nocount>2 quarters", section)


def test_the_published_index_passes_the_disclosure_check(runs, capsys):
    runs, _ = runs
    assert main(["check-report", str(runs / "2010-Q1" / "index.html"), "--threshold", "5"]) == 0


def test_drafted_actions_count_red_runs_begun_before_the_evidence(runs, tmp_path):
    from openpyxl import load_workbook

    out, params = runs
    before = bands_of({f: json.loads((out / "2009-Q4" / f"{f}.results.json").read_text()) for f in FRAMEWORKS})
    draft = tmp_path / "draft.xlsx"
    assert main(["actions", "propose", "--cycle", "2010-Q1", "--params", str(params), "--output-root", str(out),
                 "--out", str(draft)]) == 0
    rows = list(load_workbook(draft)["items"].iter_rows(values_only=True))[1:]
    assert rows
    for item, source, _, red_for, *_ in rows:
        expected = 2 if before.get((source, item)) == "red" else 1
        if source in FRAMEWORKS:
            assert red_for == expected, (source, item)
    assert any(r[3] == 2 for r in rows)


# --- review.results.history: earlier runs' results read back as each item's series ----------------

def _finding(item, band, lines, small=False):
    return {"item": item, "band": band, "small_group": small,
            "evidence": [{"kind": kind, "k": k, "n": n, "band": b, "unit": unit} for kind, k, n, b, unit in lines]}


def _record(*findings):
    return {"framework": "jar_haringey", "figures": {"findings": list(findings)}}


def _write_run(root, cycle, payloads, audience="published"):
    from review.config.paths import cycle_folder

    folder = cycle_folder(root, cycle, audience)
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text("{}", encoding="utf-8")
    for name, payload in payloads.items():
        (folder / f"{name}.results.json").write_text(json.dumps(payload), encoding="utf-8")


def test_an_items_level_is_the_lowest_line_at_its_band():
    from review.protection.disclosure import DisclosurePolicy
    from review.results.history import item_levels

    entry = _finding("J06", "red", [("audit", 91, 116, "amber", "audits"), ("audit", 26, 45, "red", "audits"),
                                    ("audit", 35, 70, "red", "audits"), ("self-assessment", 9, 10, "green", "ratings")])
    level, state = item_levels(entry, DisclosurePolicy())
    assert state == "shown"
    assert level == pytest.approx(35 / 70)  # 0.5 < 26/45 = 0.578; the amber 91/116 and the self-assessment do not count
    # a line the judgement follows was withheld on its page: the item's level is c, whatever the others say
    entry["evidence"].append({"kind": "multi-agency audit", "unit": "audits", "withheld": True})
    assert item_levels(entry, DisclosurePolicy()) == (None, "c")
    # a band forced by the evidence with no level of its own (0 of 0 cycles) and a level at the band
    forced = _finding("J03", "red", [("LSCB records", 0, 0, "red", "cycles"), ("LSCB records", 1, 2, "red", "challenges")])
    assert item_levels(forced, DisclosurePolicy()) == (0.5, "shown")  # 1 of 2 challenges: things, not people


def test_a_level_an_earlier_run_showed_is_withheld_under_a_stricter_policy_now():
    from review.protection.disclosure import DisclosurePolicy
    from review.results.history import item_levels

    entry = _finding("J02", "red", [("audit", 7, 40, "red", "audits")])  # shown under a threshold of 5
    assert item_levels(entry, DisclosurePolicy(high=5)) == (pytest.approx(7 / 40), "shown")
    assert item_levels(entry, DisclosurePolicy(high=10)) == (None, "c")  # 7 is from 1 to 10
    assert item_levels(entry, DisclosurePolicy(audience="internal", high=10))[0] == pytest.approx(0.175)
    small = _finding("J02", "red", [("audit", 12, 14, "red", "audits")])  # 12 of 14: its complement is 2
    assert item_levels(small, DisclosurePolicy()) == (None, "c")


def test_a_gap_quarter_stays_a_gap_and_ends_the_red_run(tmp_path):
    from review.protection.disclosure import DisclosurePolicy
    from review.results.history import earlier_results, trend

    red = lambda k, n: _record(_finding("J02", "red", [("audit", k, n, "red", "audits")]))  # noqa: E731
    _write_run(tmp_path, "2009-Q3", {"jar_haringey": red(30, 60)})
    _write_run(tmp_path, "2009-Q1", {"jar_haringey": red(20, 50)})  # 2009-Q2: no run
    earlier = earlier_results(tmp_path, "2009-Q4", "published")
    assert sorted(earlier) == ["2009-Q1", "2009-Q3"]
    t = trend("jar_haringey", "2009-Q4", red(35, 70), earlier, DisclosurePolicy())
    s = t.items[0]
    assert [p.cycle for p in s.points][-4:] == ["2009-Q1", "2009-Q2", "2009-Q3", "2009-Q4"]
    assert [(p.state, p.band) for p in s.points[-4:]] == [("reported", "red"), ("no run", None), ("reported", "red"),
                                                          ("reported", "red")]
    assert [p.level for p in s.points[-4:]] == [pytest.approx(20 / 50), None, pytest.approx(0.5), pytest.approx(0.5)]
    assert s.red_run == 2  # 2009-Q4 and 2009-Q3; 2009-Q2 is not known, so the run is not carried across it
    assert not s.run_may_be_longer
    assert not s.escalated  # were 2009-Q2 known and red, it would be three quarters: escalated
    assert t.earlier_runs == ("2009-Q3", "2009-Q1")


def test_the_window_is_eight_quarters_and_a_red_run_filling_it_may_be_longer(tmp_path):
    from review.protection.disclosure import DisclosurePolicy
    from review.results.history import WINDOW, earlier_results, trend

    record = _record(_finding("J02", "red", [("audit", 35, 70, "red", "audits")]))
    for steps in range(1, 11):  # ten earlier quarters with runs
        _write_run(tmp_path, previous_cycle("2009-Q4", steps), {"jar_haringey": record})
    earlier = earlier_results(tmp_path, "2009-Q4", "published")
    assert WINDOW == 8
    assert sorted(earlier) == ["2008-Q1", "2008-Q2", "2008-Q3", "2008-Q4", "2009-Q1", "2009-Q2", "2009-Q3"]
    s = trend("jar_haringey", "2009-Q4", record, earlier, DisclosurePolicy()).items[0]
    assert len(s.points) == 8
    assert s.points[0].cycle == "2008-Q1"
    assert s.points[-1].cycle == "2009-Q4"
    assert s.red_run == 8
    assert s.run_may_be_longer


def test_one_quarter_only_has_no_earlier_quarter(tmp_path):
    from review.protection.disclosure import DisclosurePolicy
    from review.results.history import earlier_results, trend

    record = _record(_finding("J01", "green", [("scrutiny records", 4, 5, "green", "reports")]))
    t = trend("jar_haringey", "2009-Q4", record, earlier_results(tmp_path, "2009-Q4", "published"), DisclosurePolicy())
    assert t.earlier_runs == ()
    assert [p.state for p in t.items[0].points] == ["no run"] * 7 + ["reported"]
    assert t.items[0].now.level == pytest.approx(4 / 5)


def test_only_the_runs_audience_is_read_and_a_missing_or_damaged_file_is_a_gap(tmp_path):
    from review.protection.disclosure import DisclosurePolicy
    from review.results.history import earlier_results, trend

    red = _record(_finding("J02", "red", [("audit", 3, 40, "red", "audits")]))
    _write_run(tmp_path, "2009-Q3", {"jar_haringey": red}, audience="internal")
    assert earlier_results(tmp_path, "2009-Q4", "published") == {}  # a published page never reads an internal run
    assert sorted(earlier_results(tmp_path, "2009-Q4", "internal")) == ["2009-Q3"]
    _write_run(tmp_path, "2009-Q2", {"governance": {"figures": {"items": []}}})  # a run without this report
    _write_run(tmp_path, "2009-Q1", {})
    (tmp_path / "2009-Q1" / "jar_haringey.results.json").write_text('{"figures": {"find', encoding="utf-8")
    other = _record(_finding("J01", "green", [("scrutiny records", 4, 5, "green", "reports")]))
    _write_run(tmp_path, "2008-Q4", {"jar_haringey": other})  # a run that did not record J02
    t = trend("jar_haringey", "2009-Q4", red, earlier_results(tmp_path, "2009-Q4", "published"), DisclosurePolicy())
    assert [p.state for p in t.items[0].points[-5:]] == ["not recorded", "no run", "no run", "no run", "reported"]
    assert t.items[0].now.level is None
    assert t.items[0].now.level_state == "c"


def test_a_trend_carries_levels_only_never_a_count_or_a_denominator():
    import dataclasses

    from review.results.history import ItemSeries, Trend, TrendPoint

    fields = {f.name for cls in (Trend, ItemSeries, TrendPoint) for f in dataclasses.fields(cls)}
    assert fields.isdisjoint({"k", "n", "count", "denominator", "change", "difference"})


def test_each_report_shows_its_trend_from_the_earlier_run(runs):
    out, _ = runs
    first = (out / "2009-Q4" / "jar_haringey.html").read_text(encoding="utf-8")
    # no earlier run, but the demo's folder holds 2009-Q1 to 2009-Q3: those quarters are re-judged from it
    assert "No earlier run of this report for the published audience was found." in first
    assert ("Q4 2008/09, Q1 2009/10, Q2 2009/10 had no run: their evidence, in this run's data folder, is "
            "judged again") in first.replace("&#x27;", "'")
    before = bands_of({f: json.loads((out / "2009-Q4" / f"{f}.results.json").read_text()) for f in FRAMEWORKS})
    now = bands_of({f: json.loads((out / "2010-Q1" / f"{f}.results.json").read_text()) for f in FRAMEWORKS})
    for framework in FRAMEWORKS:
        page = (out / "2010-Q1" / f"{framework}.html").read_text(encoding="utf-8")
        # 2009-Q4, October to December 2009, is the third quarter of 2009/10
        assert "The earlier quarter is read from the results of the earlier run of Q3 2009/10." in page
        for (f, item), band in now.items():
            if f != framework or band != "red":
                continue
            row = re.search(rf'<th scope="row">{re.escape(item)}</th>(.*?)</tr>', page, re.S).group(1)
            run = re.findall(r"<td>([^<]+)</td>", row)[-1]
            twice = before.get((f, item)) == "red"
            assert run == ("red for 2 quarters running, since Q3 2009/10" if twice else "red this quarter"), (f, item)
        assert main(["check-report", str(out / "2010-Q1" / f"{framework}.html"), "--threshold", "5"]) == 0
