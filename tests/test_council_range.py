"""A council's own suppression range reaches every text that explains ``c``.

A council whose ``suppression_threshold`` is 3 (not the default 5) reads "1 to 3" in every
``<abbr>`` of its published pages, in the trend charts' ``<title>`` and in the board pack's
glossary, and "1 to 5" nowhere: the text comes from the run's :class:`DisclosurePolicy`
(``DisclosurePolicy.symbols``), not from a fixed sentence.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from review.config.params import load_cycle_params
from review.protection.disclosure import DisclosurePolicy
from review.protection.run_context import run_context

CYCLE = "2009-Q4"
THRESHOLD = 3
MEANING = f"confidential: a count of people from 1 to {THRESHOLD}, or a figure from which one could be worked out"


@pytest.fixture(scope="module")
def council_run(threshold_run) -> tuple[Path, Path]:
    """The demo evidence published under a threshold of 3 (the session's run, shared with
    test_council_threshold.py), as (params file, output root)."""
    params, code, out = threshold_run(THRESHOLD)
    assert code == 0
    return params, out


def test_the_policy_says_its_own_range():
    assert DisclosurePolicy(high=THRESHOLD).symbols["c"] == MEANING
    assert DisclosurePolicy(high=9).symbols["c"].startswith("confidential: a count of people from 1 to 9,")
    assert DisclosurePolicy(high=9).symbols["z"] == "not applicable"


def test_every_page_explains_c_with_the_councils_range(council_run):
    _, out = council_run
    pages = {p.name: p.read_text(encoding="utf-8") for p in (out / CYCLE).glob("*.html")}
    assert set(pages) >= {"jar_haringey.html", "cycle_summary.html", "index.html"}
    for name, page in pages.items():
        titles = re.findall(r'<abbr title="([^"]*)"[^>]*>c</abbr>', page)
        if name in ("jar_haringey.html", "cycle_summary.html", "index.html"):
            assert titles, name  # these withhold something at this threshold
        assert {html.unescape(t) for t in titles} <= {MEANING}, name
        assert "1 to 5" not in page, name
    charts = re.findall(r"<title>c: ([^<]*)</title>", pages["jar_haringey.html"] + pages["cycle_summary.html"])
    assert charts  # the trend strips' c marks
    assert {html.unescape(t) for t in charts} == {MEANING}


def test_the_packs_glossary_explains_c_with_the_councils_range(council_run, monkeypatch):
    import review.batch.pack as pack

    params, out = council_run
    seen: dict[str, str] = {}

    class Printed(Exception):
        pass

    def no_browser(browser, front, write_front, sections):  # the glossary is written before printing
        seen["glossary"] = sections[-1].path.read_text(encoding="utf-8")
        raise Printed

    monkeypatch.setattr(pack, "_print_twice", no_browser)
    with pytest.raises(Printed):
        pack.build_pack(run_context(load_cycle_params(params)), output_root=out)
    glossary = html.unescape(re.sub(r"<[^>]+>", " ", seen["glossary"]))
    assert f"c {MEANING}" in " ".join(glossary.split())
    assert "1 to 5" not in glossary
