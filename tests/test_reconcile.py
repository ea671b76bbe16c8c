"""One counting rule, reconciled across every page of a batch run (published and internal).

Every results file of the run is read; the index, the cycle summary (its counts and its key
messages) and each report must agree with the frameworks' own records: an item needs action when
it is red (:data:`review.results.judgements.NEEDS_ACTION_RULE`), self-assessed and unevidenced items
are in no band, and no page leaves out an item another page counts.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from review.config.frameworks import FRAMEWORKS
from review.config.glossary import SPELT_OUT

pytestmark = pytest.mark.slow

FRAMEWORK_NAMES = [n for n, fw in FRAMEWORKS.items() if not fw.after_others]


@pytest.fixture
def internal_folder(demo_internal_run):
    code, folder = demo_internal_run
    assert code == 0
    return folder


@pytest.fixture(params=["published", "internal"])
def folder(request, demo_run) -> Path:
    if request.param == "published":
        code, path = demo_run
        assert code == 0
        return path
    return request.getfixturevalue("internal_folder")


def _results(folder: Path) -> dict[str, dict]:
    return {p.name.removesuffix(".results.json"): json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(folder.glob("*.results.json"))}


def _text(path: Path) -> str:
    """A page's text, tags removed, whitespace collapsed and each abbreviation as the results write it
    (the page spells one out at its first use: "Joint Area Review (JAR)" reads "JAR" here)."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", path.read_text(encoding="utf-8"), flags=re.S)
    page = re.sub(r"</?(?:span|abbr)\b[^>]*>", "", page)  # inline: a quoted title reads on into its colon
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
    for term, words in SPELT_OUT.items():
        text = re.sub(rf"(?i:{re.escape(words[0])}){re.escape(words[1:])}(s?) ([(\[]){re.escape(term)}\1[)\]]",
                      lambda m, term=term: term + m.group(1), text)
    return text


def _ids(sentences: list[str]) -> list[str]:
    return [s.split(":", 1)[0] for s in sentences]


def test_each_report_counts_as_needing_action_exactly_its_red_items(folder):
    results = _results(folder)
    assert set(FRAMEWORK_NAMES) <= set(results)
    for name in FRAMEWORK_NAMES:
        figures = results[name]["figures"]
        counts, needs, bands = figures["rag_counts"], figures["needs_action"], figures["bands"]
        red = [i for i, b in bands.items() if b == "red"]
        assert sorted(_ids(needs)) == sorted(red), name  # the one rule: red, and only red
        assert len(needs) == counts["red"], name
        for band in ("red", "amber", "green", "grey", "self-assessed"):  # each item in one state, counted once
            assert counts.get(band, 0) == sum(b == band for b in bands.values()), (name, band)


def test_the_summary_adds_up_the_reports(folder):
    results = _results(folder)
    summary = results["cycle_summary"]["figures"]
    for band in ("red", "amber", "green", "grey", "self-assessed"):
        assert summary["rag_counts"][band] == sum(results[n]["figures"]["rag_counts"].get(band, 0)
                                                  for n in FRAMEWORK_NAMES), band
    every = [(n, i) for n in FRAMEWORK_NAMES for i in _ids(results[n]["figures"]["needs_action"])]
    assert len(summary["needs_action"]) == len(every) == summary["rag_counts"]["red"]
    assert summary["complete"] is True


def test_the_key_messages_reconcile_with_the_reports(folder):
    results = _results(folder)
    km = results["cycle_summary"]["figures"]["key_messages"]
    every = {(n, i) for n in FRAMEWORK_NAMES for i in _ids(results[n]["figures"]["needs_action"])}
    assert {(p["framework"], p["item_id"]) for p in km["priorities"]} == every  # none left out, none added
    assert km["needs_action"] == len(every)
    assert km["totals"] == results["cycle_summary"]["figures"]["rag_counts"]
    for p in km["positions"]:
        figures = results[p["framework"]]["figures"]
        assert p["rag_counts"] == figures["rag_counts"]
        assert p["needs_action"] == len(figures["needs_action"])
    escalated = {(e["priority"]["framework"], e["priority"]["item_id"]) for e in km["escalations"]}
    assert escalated <= every  # an escalation is about an item needing action
    assert all(e["priority"]["red_quarters"] >= 3 for e in km["escalations"] if e["kind"] == "long red")
    meta = km["meta"]
    assert (meta["author"], meta["date"], meta["version"]) == (
        "Head of Quality Assurance, Children's Services (synthetic demo)", "2010-01-20", "1.0 (demo)")  # params


def test_the_index_and_the_summary_page_show_the_same_counts(folder):
    results = _results(folder)
    index, summary = _text(folder / "index.html"), _text(folder / "cycle_summary.html")
    totals = results["cycle_summary"]["figures"]["rag_counts"]
    need = len(results["cycle_summary"]["figures"]["needs_action"])
    # the states in no band are named when there are any (the demo: self-assessed items; every item without
    # evidence is one the raters score, so the Healthcare Commission's lead role is not among them)
    apart = " and ".join(f"{totals[k]} {words}" for k, words in (("self-assessed", "self-assessed, not evidenced"),
                                                               ("grey", "without evidence")) if totals[k])
    across = (f"Across the reports: {totals['red']} red, {totals['amber']} amber, {totals['green']} green"
              + (f" ({apart}, in no band)" if apart else "") + f"; {need} need action.")
    assert across in index
    assert across in summary
    for page in (index, summary):
        assert "An item needs action when its report judges it red." in page  # the rule is stated
        assert "Author: Head of Quality Assurance" in page
        assert "Version: 1.0 (demo)" in page
    for name in FRAMEWORK_NAMES:
        c = results[name]["figures"]["rag_counts"]
        assert f"{c['red']} red; {c['amber']} amber; {c['green']} green" in index, name  # the index's table
        assert f"{FRAMEWORKS[name].title}: {c['red']} red, {c['amber']} amber, {c['green']} green" in summary, name
    assert index.index("Key messages") < index.index("Every report")  # the key messages come first


def test_each_report_page_shows_its_recorded_counts(folder):
    results = _results(folder)
    for name in FRAMEWORK_NAMES:
        c = results[name]["figures"]["rag_counts"]
        assert f"{c['red']} red, {c['amber']} amber, {c['green']} green" in _text(folder / f"{name}.html"), name


def test_the_summary_red_items_table_lists_every_item_needing_action_and_no_heading(folder):
    results = _results(folder)
    page = (folder / "cycle_summary.html").read_text(encoding="utf-8")
    table = page[page.index('id="T_actions_red_all"'):]
    body = table[table.index("<tbody"):table.index("</tbody>")]
    shown = {re.sub(r"<[^>]+>", "", cells[1]).strip()
             for row in body.split("<tr")[1:] if len(cells := re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)) > 1}
    every = {i for n in FRAMEWORK_NAMES for i in _ids(results[n]["figures"]["needs_action"])}
    assert shown == every


def test_a_report_counts_its_uncertain_judgements_of_every_finding(folder):
    figures = _results(folder)["jar_haringey"]
    total = sum(figures["figures"]["rag_counts"].values())
    uncertain = next(h for h in figures["headlines"] if "judgements are uncertain" in h)
    assert re.match(rf"\d+ of {total} judgements are uncertain", uncertain)


def test_every_red_gose_item_has_a_card_showing_why_it_is_red(folder):
    figures = _results(folder)["gose_performance"]["figures"]
    text = _text(folder / "gose_performance.html")
    summary = text[:text.index("Every item of the framework")]  # the summary's cards come before the table
    titles = {}
    for sentence in figures["needs_action"]:
        item, _, words = sentence.split(": ", 2)
        assert f"{item}: {words}" in summary, item  # a card for each: none cut off
        titles[item] = summary.index(f"{item}: {words}")
    ends = sorted(titles.values()) + [len(summary)]
    for item, start in titles.items():
        card = summary[start:ends[ends.index(start) + 1]]
        assert "[Red" in card, item  # its value is a line judged red: the figure the red comes from
