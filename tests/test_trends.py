"""Trends: each item's band and level over the last eight quarters, as small multiples and a
table, read from earlier runs' results. The series are built by hand here, with the arithmetic
beside each expected value; the view is checked for quarter names, gaps, escalation, the screen-reader
table and what a published page may show."""

from __future__ import annotations

import json
import re
import shutil

import nbformat
import papermill as pm
import pytest

from review.config.cycles import previous_cycle
from review.config.paths import cycle_folder
from review.protection.disclosure import DisclosurePolicy
from review.protection.report_check import check_file
from review.results.history import OUTPUT_ROOT_ENV, ItemSeries, Trend, TrendPoint, trend
from review.views import trends

PUBLISHED = DisclosurePolicy()


def _point(cycle, band, level=None, state="shown"):
    if band is None:
        return TrendPoint(cycle, "no run", None, None, "not recorded")
    return TrendPoint(cycle, "reported", band, level, state if level is not None or state != "shown" else "not recorded")


def _window(last="2009-Q4", n=8):
    return tuple(reversed([last] + [previous_cycle(last, s) for s in range(1, n)]))


def _finding(item, band, k=None, n=None, *, withheld=False, small=False):
    line = {"kind": "audit", "unit": "audits", "withheld": True} if withheld else \
        {"kind": "audit", "unit": "audits", "k": k, "n": n, "band": band}
    return {"item": item, "band": band, "small_group": small, "evidence": [line]}


def _record(*findings, cycle="2009-Q4"):
    return {"framework": "jar_haringey", "cycle": cycle, "figures": {"findings": list(findings)}}


def test_quarters_are_named_as_councils_name_them():
    window = _window()
    s = ItemSeries("jar_haringey", "J02", tuple(_point(c, "red", 0.5) for c in window))
    page = trends.report(Trend("jar_haringey", "2009-Q4", "published", window, window[:-1][::-1], (s,)), PUBLISHED,
                         what="findings").data
    # 2009-Q4 is October to December 2009: the third quarter of the financial year 2009/10
    headings = re.findall(r'<th scope="col">([^<]+)</th>', page)
    assert headings == ["Item", "Q4 2007/08", "Q1 2008/09", "Q2 2008/09", "Q3 2008/09", "Q4 2008/09", "Q1 2009/10",
                        "Q2 2009/10", "Q3 2009/10", "Red run"]
    assert "Each finding quarter by quarter, to Q3 2009/10 (October to December 2009)" in page
    assert "2009-Q4" not in page  # the files' cycle id is not a council's name for a quarter
    # the picture's axis: the last quarter's box at 74 + 7 x 34 = 312, its centre 16 further
    assert '<text x="328" y="9">Q3</text><text x="328" y="19">09/10</text>' in page


def test_the_line_breaks_at_a_gap_and_never_joins_across_it():
    window = ("2009-Q1", "2009-Q2", "2009-Q3", "2009-Q4")
    s = ItemSeries("f", "J02", (_point("2009-Q1", "red", 0.5), _point("2009-Q2", None),
                                _point("2009-Q3", "red", 0.6), _point("2009-Q4", "amber", 0.7)))
    svg = trends.strip_svg([s], window)
    # boxes 32 wide every 34 from x = 74: centres 90, 124, 158, 192; the row starts at y = 22 under the quarters,
    # its level from y = 22 + 21 = 43 (0%) up 18 to y = 25 (100%)
    assert re.findall(r'<polyline points="([^"]+)"', svg) == ["158,32.2 192,30.4"]  # 43 - 18*0.6, 43 - 18*0.7
    assert '<circle cx="90" cy="34.0" r="2"/>' in svg  # 43 - 18*0.5: 2009-Q1 stands alone
    # a run of boxes of one band is one stroke 18 wide, dashed 32 on 2, through the boxes' middle (22 + 24 + 9)
    assert re.findall(r'stroke="#e4e4e4" d="([^"]+)"', svg) == ["M108 55h32"]  # 2009-Q2, not known: one box
    assert re.findall(r'stroke="#b3261e" d="([^"]+)"', svg) == ["M74 55h32M142 55h32"]  # red 2009-Q1, 2009-Q3
    assert re.findall(r'stroke="#a35f00" d="([^"]+)"', svg) == ["M176 55h32"]  # amber 2009-Q4
    assert svg.count("<circle") == 3
    cells = trends.table([s], window, caption="x")
    assert re.findall(r"<td>([^<]+)</td>", cells) == ["Red; level 50.0%", "No run", "Red; level 60.0%",
                                                             "Amber; level 70.0%", "not red this quarter"]


def test_a_withheld_level_breaks_the_line_and_shows_c():
    s = ItemSeries("f", "J04", (_point("2009-Q3", "red", 0.5), _point("2009-Q4", "red", None, "c")))
    svg = trends.strip_svg([s], ("2009-Q3", "2009-Q4"))
    assert "<polyline" not in svg  # one known level: nothing to join
    assert '<text x="124" y="37">c</text>' in svg  # the second box's centre, 74 + 34 + 16; row 22 + 15
    assert trends.point_text(s.points[-1]) == "Red; level c"


def test_escalation_is_drawn_as_an_outline_heavy_from_three_quarters():
    window = _window(n=5)
    four = ItemSeries("f", "J02", (_point(window[0], "amber", 0.7),) + tuple(_point(c, "red", 0.5) for c in window[1:]))
    two = ItemSeries("f", "J06", tuple(_point(c, "green", 0.9) for c in window[:3]) +
                     tuple(_point(c, "red", 0.5) for c in window[3:]))
    one = ItemSeries("f", "J07", tuple(_point(c, "green", 0.9) for c in window[:4]) + (_point(window[4], "red", 0.5),))
    assert (four.red_run, two.red_run, one.red_run) == (4, 2, 1)
    heavy = trends.strip_svg([four], window)
    # the run's 4 boxes start at x = 74 + 34 (the second quarter): the outline 2 before, 4 x 34 = 136 wide,
    # 2 above the strip (22 + 24 - 2) and 18 + 4 high
    assert '<rect x="106" y="44" width="136" height="22" stroke-width="3"/>' in heavy
    assert '<text x="2" y="63" font-weight="bold">▲ red 4 quarters</text>' in heavy
    light = trends.strip_svg([two], window)
    assert '<rect x="174" y="44" width="68" height="22"/>' in light  # 74 + 3 x 34 - 2; 2 x 34
    assert "▲" not in light
    assert "<rect" not in trends.strip_svg([one], window)  # one red quarter: no run to outline
    assert trends.run_text(four) == "red for 4 quarters running, since Q4 2008/09"  # 2009-Q1: January to March 2009


def test_screen_readers_get_one_image_with_a_text_alternative_and_the_data_as_a_table():
    window = _window()
    red = ItemSeries("jar_haringey", "J02", tuple(_point(c, "red", 0.4) for c in window))
    green = ItemSeries("jar_haringey", "J01", tuple(_point(c, "green", 0.9) for c in window))
    page = trends.report(Trend("jar_haringey", "2009-Q4", "published", window, window[:-1][::-1], (green, red)),
                         PUBLISHED, what="findings").data
    alt = re.search(r'<div role="img" aria-label="([^"]+)"', page).group(1)
    assert alt == ("Band and level of the findings (2) over 8 quarters, Q4 2007/08 to Q3 2009/10. Red for 3 or more "
                   "quarters running: J02. The data are in the table below.")
    assert "%" not in alt  # no figure in the alternative: the table carries them
    assert page.count('aria-hidden="true"') == 1  # the picture hidden behind the one image's alternative
    table = page.split("<details>", 1)[1]
    assert table.startswith("<summary>The trend as a table</summary>")
    assert "<caption>" in table
    assert "Red; level 40.0%" in table
    assert "red for 8 or more quarters running (the trend starts red)" in table


def test_the_alternative_stays_short_when_many_items_are_escalated():
    window = _window()
    items = tuple(ItemSeries("f", f"L{i}.{j}", tuple(_point(c, "red") for c in window)) for i in range(9) for j in range(5))
    alt = trends.alt_text(items, window, "items")
    assert len(alt) <= 250
    assert alt.endswith("Red for 3 or more quarters running: 45 items, named in the table. The data are in the table below.")


def test_one_quarter_only_says_plainly_there_is_no_earlier_quarter(tmp_path):
    from review.results.history import earlier_results

    t = trend("jar_haringey", "2010-Q1", _record(_finding("J02", "red", 35, 70), cycle="2010-Q1"),
              earlier_results(tmp_path, "2010-Q1", "published"), PUBLISHED)
    page = trends.report(t, PUBLISHED, what="findings").data
    # eight quarters ending 2010-Q1 begin at 2008-Q2, April to June 2008: the first quarter of 2008/09
    assert ("There is no earlier quarter: no run of this report for the published audience was found for Q1 2008/09 "
            "to Q3 2009/10, so the trend starts this quarter, Q4 2009/10 (January to March 2010).") in page
    assert "red this quarter" in page


def test_a_published_trend_shows_no_figure_a_withheld_count_could_be_worked_out_from(tmp_path):
    """An earlier internal run's figures are never read; an earlier published run's level is withheld again
    under this report's stricter policy; what the page shows passes the disclosure check."""
    from review.results.history import earlier_results

    # internal run of 2009-Q3: J02 at 3 of 40 (a count from 1 to 5), never read by a published page
    internal = cycle_folder(tmp_path, "2009-Q3", "internal")
    internal.mkdir(parents=True)
    (internal / "manifest.json").write_text("{}")
    (internal / "jar_haringey.results.json").write_text(json.dumps(_record(_finding("J02", "red", 3, 40))))
    # published run of 2009-Q2 under a threshold of 5: J02 at 7 of 40 was shown then
    published = cycle_folder(tmp_path, "2009-Q2", "published")
    published.mkdir(parents=True)
    (published / "manifest.json").write_text("{}")
    (published / "jar_haringey.results.json").write_text(json.dumps(_record(_finding("J02", "red", 7, 40),
                                                                             _finding("J03", "red", withheld=True))))
    strict = DisclosurePolicy(high=10)  # this quarter's report withholds counts of 1 to 10
    now = _record(_finding("J02", "red", 35, 70), _finding("J03", "red", withheld=True, small=True))
    t = trend("jar_haringey", "2009-Q4", now, earlier_results(tmp_path, "2009-Q4", "published"), strict)
    j02, j03 = t.items
    assert [(p.cycle, p.state, p.level_state) for p in j02.points[-3:]] == [
        ("2009-Q2", "reported", "c"), ("2009-Q3", "no run", "not recorded"), ("2009-Q4", "reported", "shown")]
    assert j03.points[-3].band == "red"
    assert j03.points[-3].level_state == "c"
    page = trends.report(t, strict, what="findings").data
    assert "17.5%" not in page  # 7 of 40, shown under the old threshold, is withheld under this one
    assert "7.5%" not in page  # 3 of 40 from the internal run
    assert "Red; level c" in page
    assert "Red; level 50.0%" in page
    assert not re.search(r"\b(?:35|40|70)\b", re.sub(r"<svg.*?</svg>", "", page))  # no count, no denominator
    path = tmp_path / "page.html"
    path.write_text(f"<html><body><p>audience: published</p>{page}</body></html>", encoding="utf-8")
    assert check_file(path, threshold=10) == []


def test_the_summary_shows_the_items_red_now_longest_run_first():
    window = _window(n=3)
    jar = Trend("jar_haringey", "2009-Q4", "published", window, window[:-1][::-1], (
        ItemSeries("jar_haringey", "J01", tuple(_point(c, "green", 0.9) for c in window)),
        ItemSeries("jar_haringey", "J02", (_point(window[0], "amber", 0.7), _point(window[1], "red", 0.5),
                                           _point(window[2], "red", 0.5)))))
    gov = Trend("governance", "2009-Q4", "published", window, window[:-1][::-1], (
        ItemSeries("governance", "G1", tuple(_point(c, "red") for c in window)),))
    page = trends.summary((jar, gov), PUBLISHED).data
    names = re.findall(r'<th scope="row">([^<]+)</th>', page)
    assert names == ["J02 (JAR Haringey 2008 findings: stocktake)", "G1 (Social care governance exercise)"]
    assert "J01" not in page  # green: not in the summary's trend
    assert "red for 3 or more quarters running" in page
    assert "red for 2 quarters running, since Q2 2009/10" in page
    quiet = Trend("jar_haringey", "2009-Q4", "published", window, (), (
        ItemSeries("jar_haringey", "J01", (_point(window[0], None), _point(window[1], None), _point(window[2], "green"))),))
    assert "No item is red this quarter." in trends.summary((quiet,), PUBLISHED).data


@pytest.mark.notebook
def test_the_jar_trend_cell_on_a_council_folder_with_a_gap_and_a_dataset_missing(root, tmp_path, monkeypatch):
    """The JAR notebook on evidence that is not the demo's folder (its self-assessments left out), after
    earlier runs of 2009-Q3 and 2009-Q1 (none of 2009-Q2): the trend reads them; 2009-Q2, with no run but
    its evidence in the folder, is re-judged from it (review.results.history: a run wins, else the evidence,
    else a gap)."""
    data = tmp_path / "data"
    shutil.copytree(root / "data" / "demo", data)
    (data / "self_assessments.csv").unlink()
    out = tmp_path / "outputs"
    authority = "Demo council (synthetic)"
    for cycle, k in (("2009-Q3", 20), ("2009-Q1", 30), ("2008-Q4", 10)):
        if cycle == "2008-Q4":  # another council's run in the same folder: never this council's history
            authority = "Another council"
        folder = cycle_folder(out, cycle, "published")
        folder.mkdir(parents=True)
        (folder / "manifest.json").write_text(json.dumps({"parameters": {"jar_haringey": {"authority": authority}}}))
        (folder / "jar_haringey.results.json").write_text(json.dumps(_record(_finding("J02", "red", k, 80), cycle=cycle)))
    monkeypatch.setenv(OUTPUT_ROOT_ENV, str(out))
    executed = tmp_path / "jar.ipynb"
    pm.execute_notebook(str(root / "notebooks" / "jar_haringey.ipynb"), str(executed),
                        parameters={"cycle": "2009-Q4", "data_dir": str(data)}, kernel_name="python3", cwd=str(root),
                        progress_bar=False)
    nb = nbformat.read(executed, as_version=4)
    cell = next(c for c in nb.cells if "review-trend" in c.metadata.get("tags", []))
    page = "".join(o.get("data", {}).get("text/html", "") for o in cell.outputs)
    assert "No run for Q1 2009/10" not in page  # 2009-Q2: no run, but its evidence is in the folder
    assert ("Q1 2009/10 had no run: its evidence, in this run's data folder, is judged again as the report judges "
            "it (red or not red, no level).") in page.replace("&#x27;", "'")
    assert "There is no run before Q4 2008/09." in page  # 2009-Q1; 2008-Q4's run is another council's
    # the table starts at 2009-Q1, the first quarter with a run: 2009-Q1, 2009-Q2 (a gap), 2009-Q3, 2009-Q4
    assert re.findall(r'<th scope="col">([^<]+)</th>', page) == ["Item", "Q4 2008/09", "Q1 2009/10", "Q2 2009/10",
                                                                  "Q3 2009/10", "Red run"]
    row = re.search(r'<th scope="row">J02</th>(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r"<td>([^<]+)</td>", row)[:3]
    assert [cells[0], cells[2]] == ["Red; level 37.5%", "Red; level 25.0%"]  # 30, 20 of 80
    assert cells[1] in ("Red (no run: re-judged from the evidence)", "Not red (no run: re-judged from the evidence)")
    j01 = re.search(r'<th scope="row">J01</th>(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r"<td>([^<]+)</td>", j01)[:3]
    assert [cells[0], cells[2]] == ["Not recorded", "Not recorded"]  # the runs recorded J02 only
    assert cells[1].endswith("(no run: re-judged from the evidence)")


def test_a_report_that_records_bands_only_draws_the_strip_alone():
    window = _window(n=4)
    s = ItemSeries("lscb_checklist", "L1", tuple(_point(c, b) for c, b in zip(window, ("red", "red", "amber", "green"),
                                                                                strict=True)))
    page = trends.report(Trend("lscb_checklist", "2009-Q4", "published", window, window[:-1][::-1], (s,)), PUBLISHED).data
    assert "This report records each item&#x27;s band, not a single level, so the trend shows bands only." in page
    assert "<polyline" not in page
    assert "<circle" not in page
    assert 'viewBox="0 0 210 52"' in page  # 74 + 4 x 34 wide; 22 + a row of 30 without the level panel
    assert "The line above the boxes" not in page
    assert re.findall(r"<td>([^<]+)</td>", page)[:4] == ["Red", "Red", "Amber", "Green"]


@pytest.mark.slow
def test_every_report_records_the_levels_its_trend_draws(demo_run):
    """The self-assessment frameworks record each item's evidence lines as their page shows them,
    so a trend draws their level as it does JAR's: an item judged red, amber or green on
    independent rated lines has a level (or ``c`` where a line it follows is withheld), never 'not
    recorded'; a withheld line carries no figure. (A yes/no record such as the chair's
    independence has no rate, so no level.)"""
    from review.results.history import item_levels

    _, folder = demo_run
    policy = DisclosurePolicy()
    shown = 0
    for framework in ("healthcare_commission", "lscb_checklist", "governance"):
        record = json.loads((folder / f"{framework}.results.json").read_text())
        items = record.get("figures", record)["items"]
        for entry in items:
            assert "evidence" in entry, (framework, entry["item"])
            for line in entry["evidence"]:
                assert ("withheld" in line) != ("k" in line)
            level, state = item_levels(entry, policy)
            rated = [ln for ln in entry["evidence"] if ln["kind"] != "self-assessment" and ln.get("n")
                     and ln.get("band") == entry["band"]]
            if entry["band"] in ("red", "amber", "green") and rated:  # a rate it follows: drawn, or c
                assert state in ("shown", "c"), (framework, entry["item"], state)
            shown += state == "shown"
            assert state != "shown" or 0 <= level <= 1
    assert shown >= 5  # on the demo: LSCB L3, L4.2, L4.3, L4.6 and governance G1.2, G2.2 are drawn


def test_within_a_framework_the_summary_lists_the_longest_red_run_first():
    window = _window(n=4)
    # J05 red in the last 2 quarters, J02 in the last 4 (the whole window: "or more"), J03 in the last 1
    j05 = ItemSeries("jar_haringey", "J05", (_point(window[0], "green"), _point(window[1], "amber"),
                                             _point(window[2], "red"), _point(window[3], "red")))
    j02 = ItemSeries("jar_haringey", "J02", tuple(_point(c, "red") for c in window))
    j03 = ItemSeries("jar_haringey", "J03", tuple(_point(c, "green") for c in window[:3]) + (_point(window[3], "red"),))
    jar = Trend("jar_haringey", "2009-Q4", "published", window, window[:-1][::-1], (j05, j02, j03))
    page = trends.summary((jar,), PUBLISHED).data
    names = re.findall(r'<th scope="row">([^<]+)</th>', page)
    assert [n.split(" ")[0] for n in names] == ["J02", "J05", "J03"]  # runs of 4, 2, 1
    runs = [re.findall(r"<td>([^<]+)</td>", r)[-1] for r in re.findall(r'<th scope="row">.*?</tr>', page)]
    # 2009-Q3 (the first quarter of J05's run) is July to September 2009: Q2 2009/10
    assert runs == ["red for 4 or more quarters running (the trend starts red)",
                    "red for 2 quarters running, since Q2 2009/10", "red this quarter"]


def test_the_coverage_names_the_earlier_runs_and_every_quarter_missing_between_them():
    window = _window(n=6)  # 2008-Q3 ... 2009-Q4
    # earlier runs of 2009-Q3, 2009-Q1 and 2008-Q4; none of 2008-Q3 (before the first) nor of 2009-Q2 (a gap)
    runs = ("2009-Q3", "2009-Q1", "2008-Q4")
    points = tuple(_point(c, "red" if c in runs or c == "2009-Q4" else None) for c in window)
    t = Trend("jar_haringey", "2009-Q4", "published", window, runs, (ItemSeries("jar_haringey", "J02", points),))
    page = trends.report(t, PUBLISHED, what="findings").data
    # 2008-Q4 is October to December 2008: Q3 2008/09; 2009-Q3 is Q2 2009/10; 2009-Q2 is Q1 2009/10
    assert ("Earlier quarters are read from the results of earlier runs, Q3 2008/09 to Q2 2009/10. There is no run "
            "before Q3 2008/09. No run for Q1 2009/10: a gap, and the line is not joined across it.") in page
    # the table starts at the first quarter with a run; 2009-Q2 stays, as a gap
    assert re.findall(r'<th scope="col">([^<]+)</th>', page) == ["Item", "Q3 2008/09", "Q4 2008/09", "Q1 2009/10",
                                                                  "Q2 2009/10", "Q3 2009/10", "Red run"]
    assert re.findall(r"<td>([^<]+)</td>", page)[:5] == ["Red", "Red", "No run", "Red", "Red"]
    # the current run: 2009-Q3 and 2009-Q4 (2009-Q2 is not known, so the run is not carried across it)
    assert "red for 2 quarters running, since Q2 2009/10" in page
