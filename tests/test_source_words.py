"""The source's items are quoted in its words on every page that prints them.

The page's last pass spells out each abbreviation at its first use
(:func:`review.batch.page_hygiene.spell_out`); inside a source's item it would alter a quotation
(GOSE G07 "...(report to LSCB)." read "...(report to Local Safeguarding Children Board (LSCB))."),
so the views mark the item's words (:func:`review.views.presentation.quoted`) and the pass spells
the abbreviation out at its first use outside them.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from review.batch.page_hygiene import finish_page, spell_out
from review.config.framework_items import FRAMEWORK_ITEMS, GOSE_PMF
from review.views import presentation as show

PAGES = {"gose_performance": tuple((item_id, text) for item_id, text, _ in GOSE_PMF),
         **{name: tuple((i.item_id, i.text) for i in items) for name, items in FRAMEWORK_ITEMS.items()}}


def _text(page: str) -> str:
    """The page as a reader reads it: no styles, scripts or tags, entities decoded, spaces as one."""
    page = re.sub(r"(?s)<(style|script|title)\b.*?</\1>", " ", page)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", page)).split())


@pytest.mark.parametrize("audience", ["published", "internal"])
def test_every_source_item_is_on_its_page_in_the_sources_words(audience, request):
    code, folder = request.getfixturevalue("demo_run" if audience == "published" else "demo_internal_run")
    assert code == 0
    for name, items in PAGES.items():
        text = _text(Path(folder, f"{name}.html").read_text(encoding="utf-8"))
        missing = [item_id for item_id, words in items if " ".join(words.split()) not in text]
        assert not missing, f"{audience} {name}: {missing} not in the source's words"


def test_an_abbreviation_in_a_quoted_item_is_spelt_out_at_its_first_use_outside_it(demo_run):
    code, folder = demo_run
    assert code == 0
    text = _text(Path(folder, "gose_performance.html").read_text(encoding="utf-8"))
    assert "Private fostering at least annual update (report to LSCB)." in text  # G07 as the source has it
    assert text.count("Local Safeguarding Children Board (LSCB)") == 1  # spelt out once, outside the quotation


def test_a_quoted_item_is_left_as_it_is_and_the_next_use_is_spelt_out():
    item = show.source_item("G07", "Private fostering at least annual update (report to LSCB).")
    page = f"<table><tbody><tr><td>{show._escape(item)}</td></tr></tbody></table><p>The LSCB met; the LSCB agreed.</p>"
    done = _text(finish_page(page))
    # the quotation unchanged; the first use outside it spelt out; the second left short
    assert done == ("G07. Private fostering at least annual update (report to LSCB)."
                    "The Local Safeguarding Children Board (LSCB) met; the LSCB agreed.")
    unquoted = _text(spell_out(page.replace(' class="review-quote"', "")))  # were the words not marked
    assert "(report to Local Safeguarding Children Board [LSCB])." in unquoted
