"""The words of the pages a reader is given: abbreviations spelt out at first use, quarters named as
councils name them, nothing presented as the source's that the source does not list, the counting
rule stated where items needing action are listed, and no raw source value.

The demo's pages (both audiences) are read with :mod:`html.parser`, not with the regular
expressions :func:`review.batch.page_hygiene.spell_out` uses, and no browser.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from review.batch.page_hygiene import finish_page, spell_out
from review.config.cycles import quarter_name
from review.config.framework_items import GOVERNANCE
from review.config.glossary import ABBREVIATIONS, SPELT_OUT, TERMS
from review.data.schema import ACTION_SOURCES
from review.protection.report_check import check_file
from review.results.judgements import NEEDS_ACTION_RULE
from review.views.presentation import QUOTE_CLASS

REPORTS = ("gose_performance", "jar_haringey", "healthcare_commission", "lscb_checklist", "governance")
SKIPPED = {"header", "nav", "title", "style", "script", "svg", "code", "pre", "abbr"}
SKIPPED_CLASSES = {"review-footnote", "review-nowrap", QUOTE_CLASS}  # QUOTE_CLASS: a source's item in its words


class _Reading(HTMLParser):
    """A page's text in reading order, as a reader meets it: without the running banner, the
    navigation, charts, code, the footnote and the source's items (quoted in its words), and with
    quotations (between “ and ”) blanked."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = set((dict(attrs).get("class") or "").split())
        if self.skipping or tag in SKIPPED or classes & SKIPPED_CLASSES:
            if tag not in ("br", "img", "meta", "link", "input", "wbr", "hr"):
                self.skipping.append(tag)
        elif tag in ("p", "li", "td", "th", "caption", "h1", "h2", "h3", "h4", "div", "br", "tr"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)

    def text(self) -> str:
        joined = "".join(self.parts)
        return re.sub(r"“[^”]*”", lambda m: " " * len(m.group(0)), joined)  # quotations as written


def reading(page: str) -> str:
    parser = _Reading()
    parser.feed(page)
    return parser.text()


def first_use_problems(page: str, spelt: dict[str, str]) -> tuple[list[str], int]:
    """Each abbreviation whose first use in the page's reading text is not spelt out, and how many were met."""
    text, problems, met = reading(page), [], 0
    for term, words in spelt.items():
        found = re.search(rf"(?<![\w'’&/.-]){re.escape(term)}(s?)((?:'|’)s)?(?![\w'’-])", text)
        if found is None:
            continue
        met += 1
        said = words + found.group(1) + (found.group(2) or "")  # a possessive: "the ... Board's (LSCB's)"
        before, after = text[:found.start()], text[found.end():]
        if not (re.search(rf"{re.escape(said)}\s*[(\[]\s*$", before, re.I)
                or re.match(rf"\s*[(\[]\s*{re.escape(said)}", after, re.I)):
            problems.append(f"{term}: first used as “…{text[max(0, found.start() - 50):found.end() + 20]}…”")
    return problems, met


def _pages(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.html"))


@pytest.fixture(scope="module")
def demo_pages(demo_run, demo_internal_run) -> list[Path]:
    pages = []
    for code, folder in (demo_run, demo_internal_run):
        assert code == 0
        pages += _pages(folder)
    assert len(pages) == 2 * 7  # five reports, the summary and the index, for each audience
    return pages


def test_every_demo_page_spells_out_each_abbreviation_at_its_first_use(demo_pages):
    met = 0
    for path in demo_pages:
        problems, n = first_use_problems(path.read_text(encoding="utf-8"), SPELT_OUT)
        assert problems == [], f"{path.parent.name}/{path.name}: {problems}"
        met += n
    assert met >= 14 * 5  # every page uses several: the check is not empty


def test_the_index_and_the_gose_page_spell_out_what_readers_met_unexplained(demo_run):
    _, folder = demo_run
    index = reading((folder / "index.html").read_text(encoding="utf-8"))
    for said in ("Government Office for the South East (GOSE)", "Joint Area Review (JAR)",
                 "Local Safeguarding Children Board (LSCB)"):
        assert said in index
    gose = reading((folder / "gose_performance.html").read_text(encoding="utf-8"))
    for said in ("looked-after children (LAC)", "child protection (CP)", "child in need (CIN)",
                 "confidence interval [CI]", "Assistant Team Manager (ATM)", "Director of Children's Services (DCS)"):
        assert said in gose


def test_abbreviations_of_other_evidence_are_spelt_out_once_and_quotes_are_left_as_written():
    spelt = {"MASH": "Multi-Agency Safeguarding Hub", "EHA": "early help assessment"}
    page = ("<html><head><title>MASH</title></head><body><header><div>MASH review</div></header><main>"
            "<h1>MASH referrals</h1><p>“EHA was late” said the auditor.</p><table><tr><td>EHA</td>"
            "<td>of 12 (EHAs)</td></tr></table><p>MASH and EHA again.</p></main></body></html>")
    done = spell_out(page, spelt)
    # the banner and the title are left; the heading is the first use; the quotation is the auditor's
    assert "<title>MASH</title>" in done
    assert "<div>MASH review</div>" in done
    assert "<h1>Multi-Agency Safeguarding Hub (MASH) referrals</h1>" in done
    assert "<p>“EHA was late” said the auditor.</p>" in done
    assert "<td>Early help assessment (EHA)</td>" in done  # a cell starts a sentence
    assert "<p>MASH and EHA again.</p>" in done
    assert first_use_problems(done, spelt) == ([], 2)
    assert first_use_problems(page, spelt)[0]  # the check finds the page before it was spelt out
    assert spell_out(done, spelt) == done


def test_spelling_out_adds_no_number_the_publication_check_reads(tmp_path):
    body = ("<p>Of the 12 LAC reviews the IRO chaired, 9 were on time (95% CI 41.3% to 96.2%).</p>"
            '<p class="review-footnote">c: a count of 1 to 5</p>')
    page = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title><style></style></head>'
            f'<body><header><div class="review-banner">Report</div></header><main>{body}</main></body></html>')
    found = []
    for name, text in (("before.html", page), ("after.html", finish_page(page))):
        (tmp_path / name).write_text(text, encoding="utf-8")
        found.append(sorted(str(f).replace(name, "page") for f in check_file(tmp_path / name, audience="published")))
    assert found[0] == found[1] != []  # the same findings (the page has one: "9 were on time")
    assert "looked-after children (LAC)" in finish_page(page)
    assert "confidence interval [CI] 41.3%" in finish_page(page)


def test_the_glossary_is_the_one_source_of_the_pages_words():
    abbreviations = {t for e in ABBREVIATIONS for t in e.term.split(", ")}
    assert abbreviations == set(SPELT_OUT) - {"CI", "RAG"}  # those two are among the terms
    for entry in ABBREVIATIONS:  # the glossary's meaning opens with the words the pages print
        for term in entry.term.split(", "):
            assert entry.meaning.lower().startswith(SPELT_OUT[term].lower()), entry
    terms = {e.term: e.meaning for e in TERMS}
    assert "Confidence interval (CI)" in terms
    assert "Red, amber, green (RAG bands)" in terms
    assert not any(re.search(r"\d", w) for w in SPELT_OUT.values())  # the words add no number to a page


def test_self_assessed_is_a_state_not_a_band_and_small_groups_withhold_counts_of_people():
    terms = {e.term: e.meaning for e in TERMS}
    self_assessed = terms["Self-assessed, not evidenced"]
    assert self_assessed.startswith("Not a band")
    assert not re.search(r"\b(?:a|the) band\b(?! )", self_assessed.removeprefix("Not a band"))
    assert "the only bands" in terms["Red, amber, green (RAG bands)"]
    small = terms["Small group"]
    assert "counts of people" in small
    assert "Counts of things" in small


def test_each_report_states_the_counting_rule(demo_run, demo_internal_run):
    for _, folder in (demo_run, demo_internal_run):
        for name in (*REPORTS, "cycle_summary", "index"):
            text = " ".join(reading((folder / f"{name}.html").read_text(encoding="utf-8")).split())
            assert NEEDS_ACTION_RULE in text, name


def test_the_governance_page_presents_as_the_source_s_only_what_it_lists(demo_run):
    _, folder = demo_run
    page = (folder / "governance.html").read_text(encoding="utf-8")
    text = " ".join(reading(page).split())
    assert "the exercise asks" not in text  # the questions are the workbook's, not the exercise's
    assert "The context the exercise was set in, and questions for discussion" in text
    context = [i.text for i in GOVERNANCE if i.group == "context"]
    seed = Path(__file__).parent / "reference" / "stocktake_source.txt"
    source = " ".join(seed.read_text(encoding="utf-8").split())
    heads = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', page)
    assert "A question for discussion (the workbook's, not the source's)" in map(html.unescape, heads)
    for item in context:  # the context is the source's, word for word; the questions are not in the source
        assert " ".join(item.split()) in source
    for question in re.findall(r"(What does the evidence[^?]*\?|How do the families[^?]*\?)", text):
        assert question not in source


def test_pages_name_quarters_not_cycles_in_the_action_plan(demo_run):
    _, folder = demo_run
    for name in (*REPORTS, "cycle_summary", "index"):
        page = (folder / f"{name}.html").read_text(encoding="utf-8")
        text = reading(page)
        for leftover in ("4 cycles", "two or more cycles", "last cycle", "Due this cycle", "audits this cycle",
                         "returns this cycle", "did not run this cycle", "not known this cycle",
                         "needs action this cycle", "improved, this cycle"):
            assert leftover not in text, (name, leftover)
        assert "this cycle" not in text, name
        assert "All reports for cycle" not in page, name
        assert "(cycle 2009-Q4)" not in page, name
    assert "4 quarters" in reading((folder / "jar_haringey.html").read_text(encoding="utf-8"))


def test_every_action_source_is_named_in_words(demo_run):
    from review.config.frameworks import FRAMEWORKS
    from review.views.actions import SOURCE_NAMES

    for source in ACTION_SOURCES:
        assert source in SOURCE_NAMES or source in FRAMEWORKS, source
    _, folder = demo_run
    cells = re.findall(r"<th[^>]*>([^<]*)</th>", (folder / "cycle_summary.html").read_text(encoding="utf-8"))
    assert "inspection" not in cells
    assert SOURCE_NAMES["inspection"] in map(html.unescape, cells)


def test_the_explorer_names_quarters_as_the_pages_do():
    from review.explore.lenses import ALL
    from review.explore.widgets import _quarters_named, quarter_options

    choices = quarter_options([ALL, "2008-Q1", "2010-Q2"])
    assert choices == [("all quarters", ALL), (quarter_name("2008-Q1"), "2008-Q1"),
                       (quarter_name("2010-Q2"), "2010-Q2")]
    assert choices[1][0] == "Q4 2007/08 (January to March 2008)"  # January to March ends the financial year
    shown = _quarters_named(pd.DataFrame({"quarter": ["2010-Q2", ALL], "2010-Q1: rate": ["1.0%", "2.0%"]}))
    assert shown.columns.tolist() == ["quarter", "Q4 2009/10: rate"]
    assert shown["quarter"].tolist() == ["Q1 2010/11", ALL]


def test_the_pack_lists_the_abbreviations_its_pages_use_and_prints_the_author_once():
    from review.batch.pack_pages import PageFrame, front_page, glossary_page
    from review.config.report_meta import ReportMeta

    frame = PageFrame("Board pack", "published", False)
    page = glossary_page(frame, {"c": "confidential"}, {"inputs": [], "git": {}},
                         used="<p>The LSCB&#x27;s IROs</p><style>.AD { }</style><p title='DCS'>x</p>")
    listed = re.findall(r"<dt>([^<]*)</dt>", page)
    assert [t for t in listed if t in SPELT_OUT] == ["IRO", "LSCB"]  # not AD (a style) nor DCS (an attribute)
    messages = ('<section aria-labelledby="key-messages"><h2 id="key-messages">Key messages</h2>'
                '<p class="review-report-meta" data-review-nocount>Author: Head of QA</p><p>Position</p></section>')
    front = front_page(frame, authority="Council", quarter="Q3 2009/10", cycle="2009-Q4",
                       meta=ReportMeta(author="Head of QA"), contents=[], messages=messages)
    assert front.count("Head of QA") == 1  # on the cover
    assert "<p>Position</p>" in front


def test_the_footnote_and_the_symbol_say_that_counts_of_people_are_withheld_and_counts_of_things_shown():
    from review.batch.pack_pages import PageFrame, glossary_page
    from review.protection.disclosure import SYMBOLS, DisclosurePolicy, footnote

    text = footnote(DisclosurePolicy())  # the default: 1 to 5, groups of 10
    assert text.startswith("Counts of people from 1 to 5 are shown as c")
    assert "percentages of groups of fewer than 10 people are withheld" in text
    assert "; counts of things (actions, returns, agencies and the like) are shown as they are." in text
    council = footnote(DisclosurePolicy(high=10, min_group=20))  # a council's own thresholds
    assert council.startswith("Counts of people from 1 to 10 are shown as c")
    assert "fewer than 20 people" in council
    assert "1 to 5" not in council  # c explained once, with the council's range
    assert SYMBOLS["c"].startswith("confidential: a count of people from 1 to 5")
    page = glossary_page(PageFrame("Board pack", "published", False), SYMBOLS, {"inputs": [], "git": {}}, used="")
    assert html.escape("confidential: a count of people from 1 to 5") in page  # the glossary reads SYMBOLS


def test_the_frameworks_purposes_say_what_each_report_does():
    from review.config.frameworks import FRAMEWORKS

    assert FRAMEWORKS["jar_haringey"].purpose.endswith("the change since last quarter.")
    hc = FRAMEWORKS["healthcare_commission"].purpose
    assert "audits, training and staffing" in hc
    assert "each agency rates only itself, so no agreement coefficient applies" in hc
    governance = FRAMEWORKS["governance"].purpose
    assert "the context the exercise was set in (with the workbook's questions for discussion)" in governance
    assert "questions the exercise asks" not in governance  # the questions are the workbook's
    assert not any("cycle" in fw.purpose for fw in FRAMEWORKS.values())


def test_a_report_page_names_its_quarter_not_the_cycle_id(tmp_path):
    import nbformat

    from review.batch.html_export import export_report, failure_page

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A report")])
    meta = {"framework": "fw", "framework_title": "A framework", "cycle": "2010-Q1", "audience": "published"}
    page = export_report(nb, title="A framework, Q4 2009/10", review_meta=meta)
    # 2010-Q1 is January to March 2010: the fourth quarter of the financial year 2009/10
    assert "A framework · Q4 2009/10 (January to March 2010) ·" in page  # the banner
    assert "All reports for Q4 2009/10</a>" in page
    assert 'aria-label="Reports of this quarter"' in page
    assert '@top-left { content: "A framework, Q4 2009/10"' in page  # the running title of every printed page
    assert "cycle" not in page[page.index("<body"):]  # the cycle id only as the run's name in the provenance
    failed = failure_page(title="A framework", review_meta=meta,
                          error={"cell": 2, "ename": "ValueError", "evalue": "x", "traceback": ""})
    assert "All reports for Q4 2009/10</a>" in failed
    assert "<strong>A framework</strong>, Q4 2009/10 (January to March 2010)," in failed
    assert "cycle" not in failed[failed.index("<body"):]
