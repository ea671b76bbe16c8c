"""The last pass over every page (review.batch.page_hygiene), on hand-built pages: what it adds for
readers, and that nothing it copies (an item's name, a symbol's meaning, a heading) changes what the
publication check finds."""

from __future__ import annotations

import re

import pandas as pd

from review.batch.html_export import evidence_inputs
from review.batch.page_hygiene import (
    SYNTHETIC_MARK,
    SYNTHETIC_RUNNING,
    abbreviate_symbols,
    finish_page,
    one_footnote,
    tidy_tables,
)
from review.protection.disclosure import SYMBOLS, DisclosurePolicy
from review.protection.nocount import NoCount
from review.protection.report_check import check_file
from review.views import presentation as show


def _page(body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title><style></style></head>'
            f'<body><header><div class="review-banner">Report &middot; audience: published</div></header>'
            f"<main>{body}</main></body></html>")


def _findings(tmp_path, page: str) -> list[str]:
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    return [str(f) for f in check_file(path, audience="published")]


def _evidence_table() -> str:
    frame = pd.DataFrame([
        {"Item": NoCount("J01. Leadership, 2 tiers"), "Evidence": "audit", "Level": "c", "Band": "Red",
         NoCount("2 cycles"): "Red"},
        {"Item": "", "Evidence": "survey", "Level": "45.0% (9 of 20 audits)", "Band": "Amber", NoCount("2 cycles"): ""},
        {"Item": NoCount("J02. Feedback"), "Evidence": "audit", "Level": ":", "Band": "Green", NoCount("2 cycles"): "z"},
    ])
    return show.table(frame, caption="Findings", uid="t_find", policy=DisclosurePolicy()).data


def test_every_table_has_scoped_headers_in_a_named_region():
    page, _ = tidy_tables(_evidence_table() + "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>")
    assert page.count("<th ") == page.count('scope="col"') == 5 + 2
    regions = re.findall(r'<div class="review-table-wrap" role="region" (aria-labelledby="[^"]+"|aria-label="[^"]+") '
                         r'tabindex="0"><table', page)
    assert len(regions) == 2
    assert 'aria-labelledby="T_t_find_caption"' in page
    assert '<caption id="T_t_find_caption">' in page


def test_a_continued_row_repeats_its_item_and_keeps_its_mark():
    page, _ = tidy_tables(_evidence_table())
    groups = re.findall(r'<tbody class="review-group">(.*?)</tbody>', page, re.S)
    assert len(groups) == 2  # J01 with its continued row, J02 alone
    assert groups[0].count("<tr") == 2
    assert "J01 <span class=\"review-cont-word\">(continued)" in groups[0]
    assert '<span class="review-continued" data-review-nocount>J01' in groups[0]  # the first cell was marked


def test_wide_tables_are_labelled_for_a_phone_in_css_not_attributes():
    page, css = tidy_tables(_evidence_table())
    assert 'class="review-stack"' in page
    assert "data-label" not in page
    assert '#T_t_find>tbody>tr>:nth-child(5)::before{content:"2 cycles"}' in css
    narrow, css = tidy_tables("<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>x</td><td>y</td>"
                              "</tr></tbody></table>")
    assert "review-stack" not in narrow
    assert css == ""


def test_symbols_are_explained_from_the_one_source():
    page = abbreviate_symbols("<td>c</td><td>:</td><td>z</td><td>CIN: positive: c; cat; 10:30</td>")
    for symbol in ("c", ":", "z"):
        assert f'<abbr title="{SYMBOLS[symbol]}" data-review-nocount>{symbol}</abbr>' in page
    assert page.count("<abbr") == 4  # "cat" and "10:30" untouched
    punctuation = "<li><strong>GOSE</strong>: <span>G04</span>: red</li><td> : </td>"
    assert abbreviate_symbols(punctuation).count("<abbr") == 1  # the cell only
    assert "10:30" in page
    assert "cat" in page


def test_the_footnote_appears_once():
    table = _evidence_table()
    assert table.count("review-footnote") == 1
    assert one_footnote(table + table + table).count("review-footnote") == 1


def test_the_synthetic_label_is_added_once():
    page = finish_page(_page("<p>Index</p>"), synthetic=True)
    assert page.count(SYNTHETIC_MARK) == 1
    assert page.count(SYNTHETIC_RUNNING) == 1
    assert finish_page(page, synthetic=True).count(SYNTHETIC_MARK) == 1
    assert SYNTHETIC_MARK not in finish_page(_page("<p>Index</p>"))


def test_card_titles_become_headings():
    cards = show.headline_cards([{"title": "G01: feedback", "status": "red", "value": "c", "detail": "d"}],
                                cycle="2009-Q4", audience="published").data
    page = finish_page(_page(cards))
    assert '<h3 class="review-card-title">G01: feedback <span class="review-band">[Act]</span></h3>' in page
    assert "<strong>G01" not in page


def test_the_pass_changes_nothing_the_publication_check_finds(tmp_path):
    """A page clean before the pass is clean after it (the copies carry their marks), and a page
    with a small count of children is still caught, in its continued row too."""
    clean = _page(_evidence_table())
    assert _findings(tmp_path, clean) == []
    assert _findings(tmp_path, finish_page(clean, synthetic=True)) == []
    leaking = pd.DataFrame([{"Item": "Team 3 children", "Evidence": "a", "Level": "b", "Band": "Red"},
                            {"Item": "", "Evidence": "e", "Level": "f", "Band": "Red"}])
    page = _page(show.table(leaking, caption="Teams", uid="t_leak").data)
    before = len(_findings(tmp_path, page))
    assert before == 1
    assert len(_findings(tmp_path, finish_page(page))) == 2  # the repeated name is checked as the first


def test_a_page_lists_the_evidence_files_not_the_answer_key():
    inputs = [{"path": p, "sha256": "0" * 64} for p in (
        "data/demo/SYNTHETIC_DEMO_DATA.txt", "data/demo/audits.csv", "data/demo/ground_truth.json",
        "data/LA01/Audits.xlsx", "data/demo/notes.csv", "params/2009-Q4.yaml")]
    assert [i["path"] for i in evidence_inputs(inputs)] == ["data/demo/audits.csv", "data/LA01/Audits.xlsx",
                                                            "params/2009-Q4.yaml"]


def test_a_finished_page_is_left_as_it_is():
    """The board pack may read finished reports: a second pass changes nothing."""
    cards = show.headline_cards([{"title": "G01: feedback", "status": "red", "value": "c", "detail": "2009-12-28"}],
                                cycle="2009-Q4", audience="published").data
    once = finish_page(_page(cards + _evidence_table() + _evidence_table() + "<p>Adequate/Inadequate</p>"),
                       synthetic=True)
    assert finish_page(once, synthetic=True) == once
