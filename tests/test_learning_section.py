"""The "what the audits tell us" section (:mod:`review.views.learning`) on hand-built audits: every figure
it shows (theme rates, the change since last quarter and its direction, concerns on Inadequate files
against the rest, the breakdowns, the counts of moderated files and withheld rows, excerpts recorded
more than once) checked against arithmetic written here."""

from __future__ import annotations

import re
from types import MappingProxyType

import pandas as pd
import pytest

from review.analyses import audit_learning
from review.data.load import Evidence, GradeScale
from review.protection.disclosure import DisclosurePolicy
from review.views.learning import section

INTERNAL = DisclosurePolicy(audience="internal")


def _evidence() -> Evidence:
    """Two quarters of twenty audited files each, in two teams of ten.

    2009-Q3 (B01-B20): planning a strength on every file, recording a concern on every file.
    2009-Q4 (A01-A20): planning a concern on A01-A16 and a strength on A17-A20; recording on no file;
    A01-A10 (team T1) graded Inadequate, A11-A20 (team T2) Good; A20 re-audited by a senior manager
    (A21, whose learning prevails: a strength on planning, as A20's own). Two rows of 2009-Q4 were
    withheld at load; A01's and A02's narratives are the same words but for case and the final stop.
    """
    before = [(f"B{i:02d}", "2009-Q3", None, "TM", "T1" if i <= 10 else "T2", "CP", "Good") for i in range(1, 21)]
    now = [(f"A{i:02d}", "2009-Q4", None, "TM", "T1" if i <= 10 else "T2", "CP",
            "Inadequate" if i <= 10 else "Good") for i in range(1, 21)]
    now.append(("A21", "2009-Q4", "A20", "SM", "T2", "CP", "Good"))
    audits = pd.DataFrame(before + now, columns=["audit_id", "cycle", "moderation_of", "auditor_tier", "team",
                                                 "case_type", "overall_grade"])
    audits["grade_scale"] = "ofsted"
    rows = [(f"B{i:02d}", "planning", "strength") for i in range(1, 21)]
    rows += [(f"B{i:02d}", "recording", "concern") for i in range(1, 21)]
    rows += [(f"A{i:02d}", "planning", "concern" if i <= 16 else "strength") for i in range(1, 21)]
    rows += [("A21", "planning", "strength")]
    learning = pd.DataFrame(rows, columns=["audit_id", "theme", "strength_or_concern"])
    learning["narrative"] = None
    learning.loc[learning["audit_id"] == "A01", "narrative"] = "Plan drifted."
    learning.loc[learning["audit_id"] == "A02", "narrative"] = "plan drifted"
    learning["biggest_difference"] = None
    learning["voice_of_the_child"] = None
    learning["approved_for_publication"] = None
    learning["withheld"] = learning["audit_id"].isin(["A03", "A04"])
    themes = pd.DataFrame({"theme": ["planning", "recording"], "definition": ["the plan", "the records"],
                           "indicators": None})
    scale = GradeScale("ofsted", ("Outstanding", "Good", "Adequate", "Inadequate"),
                       frozenset({"Outstanding", "Good"}), frozenset())
    return Evidence("hand", MappingProxyType({"audits": audits, "audit_learning": learning, "themes": themes}),
                    {"ofsted": scale}, ())


@pytest.fixture(scope="module")
def page() -> str:
    sec = audit_learning.section(_evidence(), cycle="2009-Q4", previous="2009-Q3", confidence_level=0.95,
                                 published=False)
    return section(sec, INTERNAL).data


def _row(page: str, theme: str) -> list[str]:
    table = page[page.index('id="T_learning_themes"'):]
    row = re.search(rf"<tr>\s*<td[^>]*>{theme}</td>(.*?)</tr>", table, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_files_moderated_and_rows_withheld(page):
    # 20 files this quarter, each once (A20's learning is its moderator's, A21): 1 of 20 = 5.0%
    assert "files with the moderator&#x27;s learning: 5.0% (1 of 20 files)" in page
    # two rows of 2009-Q4's learning (A03's and A04's) were withheld at load
    assert "2 rows of learning this quarter held text the screen found may identify a person" in page


def test_theme_rates_and_the_change_since_last_quarter_in_its_direction(page):
    planning = _row(page, "planning")
    # planning: a strength on A17-A20 (4 of 20 = 20.0%), a concern on A01-A16 (16 of 20 = 80.0%); a concern on
    # 0 of 20 last quarter: 80 points up, far beyond chance: the concern is MORE often recorded
    assert planning[1].startswith("20.0% (4 of 20 files")
    assert planning[2].startswith("80.0% (16 of 20 files")
    assert planning[3] == "more often a concern (worse; beyond chance)"
    recording = _row(page, "recording")
    # recording: no file this quarter (0 of 20), a concern on 20 of 20 last quarter: LESS often a concern
    assert recording[1].startswith("0.0% (0 of 20 files")
    assert recording[2].startswith("0.0% (0 of 20 files")
    assert recording[3] == "less often a concern (better; beyond chance)"


def test_concerns_on_inadequate_files_against_the_rest_and_the_direction(page):
    # planning a concern on all 10 Inadequate files (A01-A10) and on 6 of the 10 others (A11-A16).
    # Newcombe's lower limit: Wilson's lower limit for 10/10 is (1 + 1.96^2/20 - 1.96 * sqrt(1.96^2/400)) /
    # (1 + 1.96^2/10) = 1.0 / 1.3842 = 0.7225; Wilson's upper for 6/10 is (0.6 + 0.1921 + 1.96 *
    # sqrt(0.024 + 0.0096)) / 1.3842 = 0.8318; 0.4 - sqrt(0.2775^2 + 0.2318^2) = 0.4 - 0.3616 = 0.038 > 0
    assert _row(page, "planning")[4] == "more often on Inadequate files: 100.0% (10 of 10 files) against 60.0% (6 of 10 files)"
    # recording: 0 of 10 against 0 of 10: no difference
    assert _row(page, "recording")[4].startswith("no clear difference: 0.0% (0 of 10 files) against 0.0% (0 of 10 files)")


def test_breakdowns_count_the_files_and_concerns_of_each_group(page):
    def cells(words: str) -> list[list[str]]:
        table = page[page.index(f"by {words}</caption>"):]
        table = table[:table.index("</table>")]
        return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
                for r in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]]

    # team T1: A01-A10, planning a concern on all 10; T2: A11-A20, a concern on A11-A16 (6); recording on none
    assert sorted(cells("team")) == [["T1", "10", "10", "0"], ["T2", "10", "6", "0"]]
    # the tier of the learning that prevails: TM on A01-A19 (19 files, planning a concern on A01-A16: 16), SM on
    # A20's file (its moderator's learning, a strength)
    assert sorted(cells("auditor tier")) == [["SM", "1", "0", "0"], ["TM", "19", "16", "0"]]
    assert cells("case type") == [["CP", "20", "16", "0"]]


def test_the_same_words_on_several_files_are_shown_once_with_the_times(page):
    # A01's "Plan drifted." and A02's "plan drifted" differ in case and the final stop only: one excerpt, twice
    assert "2× &ldquo;Plan drifted.&rdquo;" in page
    assert "plan drifted&rdquo;" not in page
