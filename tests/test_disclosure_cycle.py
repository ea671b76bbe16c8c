"""One registry across the pages of a cycle (review.protection.cycle_registry), on hand-built pages.

Each test builds two pages' registries as their notebooks would, solves each page alone (as its
kernel does), shows by hand how a count one page withholds is worked out from the other, and then
asserts after the cycle's solve, by the attacker's linear programmes and by brute force over whole
numbers (a second implementation), that every protected count can take at least ``high + 1``
values given everything the two pages print.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from review.exceptions import ParameterError
from review.protection.cycle_registry import CROSS_PAGE, cycle_log, solve_cycle
from review.protection.disclosure import DisclosurePolicy
from review.protection.disclosure_log import lines_log, page_record
from review.protection.linked import LinkedFigures, attack_bounds

POLICY = DisclosurePolicy()  # counts of 1 to 5 protected: c says "0 to 5", six values


def record(page: str, reg: LinkedFigures, withheld: set[str] | None = None) -> dict:
    """A page's disclosure-log record as its notebook sends it: its own decision (or, for a planted
    leak, what the page actually withheld) with its registry."""
    decision = reg.solve()
    rows = decision.log()
    rec = page_record(page, rows, rows.registry)
    if withheld is not None:
        rec["registry"]["withheld"] = sorted(withheld)
    return rec


def cycle_hidden(records: list[dict]) -> tuple[LinkedFigures, set[str]]:
    """The merged registry and what is hidden once the cycle's decision is applied: what any page
    withholds, what the cycle adds, and every implicit figure."""
    merged = LinkedFigures.from_records([r["registry"] for r in records], POLICY)
    cycle = solve_cycle(records, POLICY)
    hidden = {k for r in records for k in r["registry"]["withheld"]} | {w.key for w in cycle.withheld}
    return merged, hidden | {k for k, f in merged.figures.items() if not f.printed}


def brute_force(reg: LinkedFigures, hidden: set[str], target: str, top: int) -> set[int]:
    """Every whole value of ``target`` consistent with the printed figures (totals exactly, ratios to
    their rounding, a printed change pins what it reveals)."""
    linked = {k for ln in reg.links for k in (ln.keys[:2] if ln.kind == "ratio" else ln.keys)}
    unknown = sorted(hidden & linked)
    found = set()
    for values in itertools.product(range(top + 1), repeat=len(unknown)):
        v = {k: f.value for k, f in reg.figures.items()} | dict(zip(unknown, values, strict=True))
        ok = True
        for ln in reg.links:
            if ln.kind == "total":
                ok = v[ln.keys[0]] == sum(v[k] for k in ln.keys[1:])
            elif ln.kind == "reveals":
                ok = ln.keys[0] in hidden or all(v[k] == reg.figures[k].value for k in ln.keys[1:])
            elif ln.keys[2] not in hidden:
                num, den, r = (v[k] for k in ln.keys)
                ok = (r - ln.halfwidth) * den - 1e-9 <= num <= (r + ln.halfwidth) * den + 1e-9
            if not ok:
                break
        if ok:
            found.add(int(v[target]))
    return found


def assert_protected(merged: LinkedFigures, hidden: set[str], top: int) -> None:
    for key, f in merged.figures.items():
        if merged.primary(f):
            low, high = attack_bounds(merged.figures, merged.links, hidden, key)
            assert high - low >= POLICY.high, (key, low, high)
            values = brute_force(merged, hidden, key, top)
            assert len(values) >= POLICY.high + 1, (key, sorted(values))


def test_a_total_on_the_summary_and_its_parts_on_a_report():
    """Report: children in need by group, 3 (withheld), 40, 12; the report prints no total, so the 3
    is safe there. Summary: all children in need, 55. Together: 55 - 40 - 12 = 3."""
    report = LinkedFigures(POLICY)
    for key, v in (("cin/a", 3), ("cin/b", 40), ("cin/c", 12)):
        report.add(key, v, "children", page="report", label=key)
    summary = LinkedFigures(POLICY)
    summary.add("cin/all", 55, "children", page="summary", label="all children in need")
    for key, v in (("cin/a", 3), ("cin/b", 40), ("cin/c", 12)):
        summary.add(key, v, "children", page="summary", printed=False)
    summary.total("cin/all", ["cin/a", "cin/b", "cin/c"], name="groups add up to all children in need")
    records = [record("report", report), record("summary", summary)]
    assert records[0]["registry"]["withheld"] == ["cin/a"]
    assert records[1]["registry"]["withheld"] == []
    merged = LinkedFigures.from_records([r["registry"] for r in records], POLICY)
    assert attack_bounds(merged.figures, merged.links, {"cin/a"}, "cin/a") == (3.0, 3.0)  # the planted leak
    cycle = solve_cycle(records, POLICY)
    assert dict(cycle.pages) == {"report": ("cin/c",)}  # the smaller other part: 12 (3 + 12 = 15 between them)
    (w,) = cycle.withheld
    assert (w.rule, w.links) == (CROSS_PAGE, ("groups add up to all children in need",))
    merged, hidden = cycle_hidden(records)
    assert attack_bounds(merged.figures, merged.links, hidden, "cin/a") == (0.0, 15.0)
    assert_protected(merged, hidden, 55)


def test_a_tier_withheld_on_gose_and_the_same_group_on_the_index():
    """GOSE page: audits done by the senior tiers SM 11, AD 2 (withheld), DCS 1 (withheld), the two
    withheld cells protecting each other (no total on the page). The index prints the senior tiers
    together, 14, and SM's 11 is on GOSE: 14 - 11 = 3 = AD + DCS, so AD is 0 to 3 and DCS 0 to 3,
    narrower than 0 to 5."""
    gose = LinkedFigures(POLICY)
    for tier, v in (("SM", 11), ("AD", 2), ("DCS", 1)):
        gose.add(f"tiers/{tier}/done", v, "audits", page="gose", label=f"{tier} audits done")
    index = LinkedFigures(POLICY)
    index.add("tiers/senior/done", 14, "audits", page="index", label="senior managers' audits done")
    for tier, v in (("SM", 11), ("AD", 2), ("DCS", 1)):
        index.add(f"tiers/{tier}/done", v, "audits", page="index", printed=False)
    index.total("tiers/senior/done", ["tiers/SM/done", "tiers/AD/done", "tiers/DCS/done"],
                name="the senior tiers add up to the senior managers")
    records = [record("gose", gose), record("index", index)]
    merged = LinkedFigures.from_records([r["registry"] for r in records], POLICY)
    assert attack_bounds(merged.figures, merged.links, {"tiers/AD/done", "tiers/DCS/done"}, "tiers/AD/done") == (
        0.0, 3.0)
    cycle = solve_cycle(records, POLICY)
    assert set(cycle.pages) <= {"gose", "index"}
    assert cycle.withheld
    merged, hidden = cycle_hidden(records)
    assert_protected(merged, hidden, 14)


def test_turnover_on_one_page_and_leavers_on_another():
    """Workforce page: leavers of team A 2 (withheld), team B 9, no total: safe alone. Summary page:
    all teams' turnover 5.5% of 200 FTE in post (public): 11 leavers, safe alone. Together:
    5.5% x 200 = 11 leavers, less team B's 9, gives team A's 2."""
    workforce = LinkedFigures(POLICY)
    workforce.add("wf/A/leavers", 2, "staff", page="workforce", label="team A leavers")
    workforce.add("wf/B/leavers", 9, "staff", page="workforce", label="team B leavers")
    summary = LinkedFigures(POLICY)
    summary.add("wf/all/leavers", 11, "staff", page="summary", printed=False)
    summary.add("wf/A/leavers", 2, "staff", page="summary", printed=False)
    summary.add("wf/B/leavers", 9, "staff", page="summary", printed=False)
    summary.total("wf/all/leavers", ["wf/A/leavers", "wf/B/leavers"], name="teams add up to all teams: leavers")
    summary.add("wf/all/in post", 200.0, "FTE", page="summary", public=True)
    summary.add("wf/all/turnover", 0.055, "share", page="summary", label="all teams' turnover")
    summary.ratio("wf/all/leavers", "wf/all/in post", "wf/all/turnover", name="all teams: turnover x FTE in post",
                  halfwidth=0.0005)
    records = [record("workforce", workforce), record("summary", summary)]
    assert records[0]["registry"]["withheld"] == ["wf/A/leavers"]
    assert records[1]["registry"]["withheld"] == []
    merged = LinkedFigures.from_records([r["registry"] for r in records], POLICY)
    hidden = {"wf/A/leavers", "wf/all/leavers"}
    assert attack_bounds(merged.figures, merged.links, hidden, "wf/A/leavers") == pytest.approx((1.9, 2.1))
    cycle = solve_cycle(records, POLICY)
    assert len(cycle.withheld) == 1  # the fewest: one figure, the turnover or team B's leavers
    assert cycle.withheld[0].key in ("wf/all/turnover", "wf/B/leavers")
    merged, hidden = cycle_hidden(records)
    assert_protected(merged, hidden, 20)


def test_a_change_since_last_cycle_shown_only_when_last_cycles_count_is_safe():
    """'56.3% (9 of 16) | +22.9 points' fits only 5 of 15 last cycle: the change is withheld. With
    last cycle 8 of 15 it is shown."""
    reg = LinkedFigures(POLICY)
    reg.rate("iro", 9, 16, "children", page="jar", label="reviews in time")
    reg.change("iro/change", 9 / 16 - 5 / 15, 5, 15, "children", page="jar", label="reviews in time")
    hidden = {k for k, f in reg.figures.items() if not f.printed}
    assert attack_bounds(reg.figures, reg.links, hidden, "iro/change/before/k") == (5.0, 5.0)  # printed, it tells
    d = reg.solve()
    assert not d.shown("iro/change")
    assert d.shown("iro/k")
    assert d.shown("iro/n")
    hidden |= set(d.withheld)
    low, high = attack_bounds(reg.figures, reg.links, hidden, "iro/change/before/k")
    assert high - low >= POLICY.high
    safe = LinkedFigures(POLICY)
    safe.rate("iro", 9, 16, "children", page="jar", label="reviews in time")
    safe.change("iro/change", 9 / 16 - 8 / 15, 8, 15, "children", page="jar", label="reviews in time")
    assert safe.solve().withheld == {}


def test_a_page_that_prints_what_another_withholds_is_caught():
    """A planted leak: the JAR page withholds an audit line (3 of 20 files, primary) and the GOSE page
    prints the same source's same figures under the same key."""
    jar = LinkedFigures(POLICY)
    jar.rate("line/audit: child seen alone/3 of 20", 3, 20, "audits", page="jar", label="J04 audit")
    gose = LinkedFigures(POLICY)
    gose.rate("line/audit: child seen alone/3 of 20", 3, 20, "audits", page="gose", label="G03 audit")
    records = [record("jar", jar), record("gose", gose, withheld=set())]  # the GOSE page printed it
    cycle = solve_cycle(records, POLICY)
    assert dict(cycle.pages) == {"gose": ("line/audit: child seen alone/3 of 20/k",)}
    assert "withheld on another page" in cycle.withheld[0].reason


def test_a_page_cannot_take_as_known_what_another_withholds():
    """The GOSE page declares the chairs' audits of every type public (the JAR stocktake prints them)
    and withholds one type's small part; the JAR page withholds the whole. The whole is not known,
    so nothing more is needed, and the parts stay protected."""
    gose = LinkedFigures(POLICY)
    gose.add("chairs/all", 30, "audits", page="jar", public=True)
    gose.add("chairs/cp", 27, "audits", page="gose")
    gose.add("chairs/lac", 3, "audits", page="gose")
    gose.total("chairs/all", ["chairs/cp", "chairs/lac"], name="the chairs' audits of every type add up")
    jar = LinkedFigures(POLICY)
    jar.add("chairs/all", 30, "audits", page="jar")
    jar.withhold("chairs/all", "a rule of the page")
    records = [record("gose", gose), record("jar", jar)]
    assert records[0]["registry"]["withheld"] == ["chairs/cp", "chairs/lac"]
    merged, hidden = cycle_hidden(records)
    assert "chairs/all" in hidden
    assert_protected(merged, hidden, 30)


def test_two_pages_giving_one_figure_two_values_is_an_error():
    a, b = LinkedFigures(POLICY), LinkedFigures(POLICY)
    a.add("x", 12, "children", page="a")
    b.add("x", 13, "children", page="b")
    with pytest.raises(ParameterError, match="'x'"):
        solve_cycle([record("a", a), record("b", b)], POLICY)


def test_an_internal_run_and_pages_without_registries_withhold_nothing_more():
    reg = LinkedFigures(POLICY)
    reg.add("a", 2, "children", page="p")
    assert solve_cycle([record("p", reg)], DisclosurePolicy(audience="internal")).withheld == ()
    assert solve_cycle([{"page": "p", "outcome": []}], POLICY).withheld == ()


def test_evidence_lines_carry_their_registry_and_the_log_drops_it():
    """Evidence lines as a page logs them: a line of 3 of 20 files is withheld with its change; a line
    of 12 of 20 with last cycle's 9 of 18 is shown with its change."""
    from types import SimpleNamespace as NS

    small = NS(kind="audit", source="seen alone", k=3, n=20, unit="audits", forced_band=None, change=NS(before=(9, 18)))
    shown = NS(kind="audit", source="plan", k=12, n=20, unit="audits", forced_band=None, change=NS(before=(9, 18)))
    rows = lines_log("jar", [("J04", small), ("J05", shown)], POLICY)
    assert [r["rule"] for r in rows] == ["primary", "rule"]
    withheld = rows.registry["withheld"]
    assert "line/audit: seen alone/3 of 20/k" in withheld
    assert "line/audit: plan/12 of 20/k" not in withheld
    log, decision = cycle_log([page_record("jar", rows, rows.registry)], POLICY)
    assert decision.withheld == ()
    assert all("registry" not in r for r in log)
    assert log[-1]["page"] == "cycle"
    assert log[-1]["summary"].endswith("nothing more withheld")
    assert lines_log("jar", [("J04", small)], DisclosurePolicy(audience="internal")).registry is None


def test_a_planted_cross_page_leak_withholds_the_page_at_publish(tmp_path):
    """The whole pipeline: two pages in a staging folder, their logs with registries; publish_run
    withholds the page that gives the other's count back, names the figure and its link in the log,
    and publishes the other page as it was."""
    from review.batch.publish import NotebookOutcome, Provenance, publish_run

    report = LinkedFigures(POLICY)
    for key, v in (("cin/a", 3), ("cin/b", 40), ("cin/c", 12)):
        report.add(key, v, "children", page="jar_haringey", label=f"children in need, group {key[-1]}")
    summary = LinkedFigures(POLICY)
    summary.add("cin/all", 55, "children", page="cycle_summary", label="all children in need")
    for key, v in (("cin/a", 3), ("cin/b", 40), ("cin/c", 12)):
        summary.add(key, v, "children", page="cycle_summary", printed=False)
    summary.total("cin/all", ["cin/a", "cin/b", "cin/c"], name="groups add up to all children in need")
    staging, target = tmp_path / ".staging", tmp_path / "2009-Q4"
    staging.mkdir()
    (staging / "jar_haringey.html").write_text("<p>Group b: 40; group c: 12</p>", encoding="utf-8")
    (staging / "cycle_summary.html").write_text("<p>All: 55</p>", encoding="utf-8")
    outcomes = [NotebookOutcome(name, "ok", "t", "t", 1.0) for name in ("jar_haringey", "cycle_summary")]
    records = [record("jar_haringey", report), record("cycle_summary", summary)]
    summary_run = publish_run(staging, target, cycle="2009-Q4", audience="published", outcomes=outcomes,
                              manifest={"cycle": "2009-Q4"}, provenance=Provenance({"commit": "x", "dirty": False},
                                                                                   "t", 0.0),
                              guard=lambda outs: outs, disclosure=records, policy=POLICY)
    status = {o.framework: o.status for o in summary_run.outcomes}
    assert status == {"jar_haringey": "failed", "cycle_summary": "ok"}
    page = (target / "jar_haringey.html").read_text(encoding="utf-8")
    assert "40" not in page
    assert "12" not in page
    assert "another page of the cycle" in page
    assert (target / "cycle_summary.html").read_text(encoding="utf-8") == "<p>All: 55</p>"
    log = list(summary_run.disclosure_log)
    assert all("registry" not in r for r in log)
    jar = next(r for r in log if r["page"] == "jar_haringey")
    cross = [o for o in jar["outcome"] if o["rule"] == CROSS_PAGE]
    assert [(o["key"], o["links"]) for o in cross] == [("cin/c", "groups add up to all children in need")]
    assert log[-1]["page"] == "cycle"
    assert log[-1]["status"] == "review"
    json.dumps(log)  # the log is written as JSON
    assert not any(Path(p).name.startswith("disclosure") for p in target.iterdir())
