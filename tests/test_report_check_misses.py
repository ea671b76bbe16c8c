"""review check-report: the misses found on the published pack (counts in words, decimals in a count column,
scripts and event handlers, code in <pre>/<code>) and counts declared by their unit."""

from __future__ import annotations

import pandas as pd
import pytest

from review.protection.disclosure import DisclosurePolicy
from review.protection.report_check import check_file
from review.protection.units import counted
from review.views import presentation as show

PUBLISHED = DisclosurePolicy()


def _check(tmp_path, *parts: str) -> set[str]:
    page = ('<!DOCTYPE html><html><head><title>Report</title></head><body>'
            '<div class="review-banner" data-review-nocount>Cycle 2009-Q4 &middot; audience: published</div>'
            + "".join(parts) + "</body></html>")
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    return {f.kind for f in check_file(path)}


@pytest.mark.parametrize("plant", [
    "<p>Two children were not seen alone.</p>", "<p>three looked-after young people</p>",
    '<img src="data:image/png;base64,AAAA" alt="four families">', "<li>five staff left</li>",
])
def test_a_count_in_words_is_a_finding(tmp_path, plant):
    assert _check(tmp_path, plant) == {"small count"}


def test_words_that_are_not_counts_of_people_pass(tmp_path):
    assert _check(tmp_path, "<p>The two axes, each divided in two; within one grade; sample two files a month.</p>") \
        == set()


def test_a_decimal_count_in_a_count_column_is_a_finding(tmp_path):
    counts = show.table(pd.DataFrame({"Leavers": ["3.0", "12.0"]}), caption="Leavers", uid="t", counts=True).data
    assert _check(tmp_path, counts) == {"small count"}
    people = '<p>Leavers: <span data-review-unit="staff">2.00</span></p>'
    assert _check(tmp_path, people) == {"small count"}
    # a decimal that is a value, outside a count column, is not a count
    assert _check(tmp_path, "<p>Sickness days per FTE: 12.5; median 3.5</p>") == set()


@pytest.mark.parametrize("plant", [
    "<script>document.title = 'x'</script>", '<script src="report.js"></script>',
    '<p onclick="alert(1)">Summary</p>', '<img src="data:image/png;base64,AAAA" alt="chart" onerror="x()">',
])
def test_scripts_and_event_handlers_are_findings(tmp_path, plant):
    assert "script" in _check(tmp_path, plant)


@pytest.mark.parametrize("plant", [
    "<pre>evidence = load_evidence(path)\nprint(evidence)</pre>", "<pre><code>import review</code></pre>",
    "<p>Run <code>review.views.jar.headlines(result, policy)</code></p>",
])
def test_code_in_pre_or_code_is_a_finding(tmp_path, plant):
    assert "code cell" in _check(tmp_path, plant)


def test_a_file_name_in_code_is_not_code(tmp_path):
    assert _check(tmp_path, "<p>the action register (<code>actions</code>, see <code>docs/data.md</code>)</p>") \
        == set()


def test_a_marked_rate_of_ratings_passes_and_a_declared_count_of_things_is_read(tmp_path):
    # agencies' ratings: organisations, declared so; shown as they are
    rate = show.table(pd.DataFrame({"Level": [counted("80.0% (4 of 5 agency ratings)", "agency ratings")]}),
                      caption="Agencies", uid="r").data
    assert _check(tmp_path, rate) == set()
    assert _check(tmp_path, show.note(show.nocount("80.0% (4 of 5 ratings)")).data) == set()
    # a table of actions declares its unit: its small counts are shown and pass
    actions = show.table(pd.DataFrame({"Open": [3], "of which overdue": [2]}), caption="Actions", uid="a",
                         unit="actions").data
    assert 'data-review-unit="actions"' in actions
    assert _check(tmp_path, actions) == set()
    # a unit of people is checked even inside a marked element; an undeclared unit is a finding
    assert _check(tmp_path, '<div data-review-nocount><span data-review-unit="children">3</span></div>') \
        == {"small count"}
    assert "undeclared unit" in _check(tmp_path, '<p data-review-unit="widgets">3</p>')
