"""What a self-assessment framework's report counts (review.views.partners): the items the raters
score and any item evidence judges, never an item the source lists beside them that nothing bears
on (the Healthcare Commission's lead role beside its 7 issues). Hand-built results; the arithmetic
is in the tests."""

from __future__ import annotations

from review.analyses.judgement import Headline, Rates, triangulate
from review.analyses.partnership import ItemResult, SelfAssessmentResult
from review.config.framework_items import SourceItem
from review.protection.disclosure import DisclosurePolicy
from review.views import partners

RATES = Rates(confidence_level=0.95, green=0.8, red=0.65)


def _item(item_id: str, *, rated: bool = True, audits: tuple[int, int] | None = None) -> ItemResult:
    lines = (RATES.line("audit", f"{item_id} audits", audits, None, "audits", census=True),) if audits else ()
    return ItemResult(SourceItem(item_id, f"Item {item_id}", "issue", rated=rated), None, lines, triangulate(lines))


def _result(*items: ItemResult) -> SelfAssessmentResult:
    return SelfAssessmentResult(
        framework="healthcare_commission", cycle="2009-Q4", previous="2009-Q3", confidence_level=0.95,
        green=0.8, red=0.65, scale=("Poor", "Good"), good_labels=("Good",), numeric=False, items=items,
        agreement=None, divergence=None, weakest=Headline("none", (), 0.0), rag_counts={}, needs_action=(),
        changes=(), headlines=("placeholder",), people_rate=False, self_rated=True)


def _figures(result: SelfAssessmentResult) -> dict:
    return partners.record(result, DisclosurePolicy("internal")).payload["figures"]


def test_an_unrated_item_no_evidence_bears_on_is_not_counted_without_evidence():
    # H1: 10 of 40 audits (25%) is below red (65%): red. H2: rated, no evidence: without evidence.
    # HLEAD: nobody rates it, no evidence: listed, not counted. Counted: H1, H2 = 2 items.
    result = _result(_item("H1", audits=(10, 40)), _item("H2"), _item("HLEAD", rated=False))
    figures = _figures(result)
    assert figures["rag_counts"] == {"red": 1, "amber": 0, "green": 0, "grey": 1, "self-assessed": 0}
    assert figures["needs_action"] == ["H1: red on independent evidence"]
    assert "HLEAD" not in figures["bands"]
    assert [i["item"] for i in figures["items"]] == ["H1", "H2", "HLEAD"]  # the page still lists it
    headline = partners._headlines(result, DisclosurePolicy("internal"))[0]
    assert headline.startswith("1 red, 0 amber, 0 green, 1 without evidence of 2 items judged")


def test_an_unrated_item_evidence_judges_red_is_among_the_items_needing_action():
    # HLEAD: nobody rates it, but 20 of 40 audits (50%) bear on it, below red (65%): red, counted.
    result = _result(_item("H1", audits=(36, 40)), _item("HLEAD", rated=False, audits=(20, 40)))
    figures = _figures(result)
    # H1: 36 of 40 = 90%, at least green's 80%: green
    assert figures["rag_counts"] == {"red": 1, "amber": 0, "green": 1, "grey": 0, "self-assessed": 0}
    assert figures["needs_action"] == ["HLEAD: red on independent evidence"]
    headline = partners._headlines(result, DisclosurePolicy("internal"))[0]
    assert headline.startswith("1 red, 0 amber, 1 green of 2 items judged")


def test_the_items_table_lists_every_item_the_source_gives():
    result = _result(_item("H1", audits=(10, 40)), _item("HLEAD", rated=False))
    page = partners.items(result, DisclosurePolicy("internal"), uid="t").data
    assert "HLEAD. Item HLEAD" in page
    assert "H1. Item H1" in page
