"""The framework items are the source's, in its words and order, with nothing added.

The source text (``tests/reference/stocktake_source.txt``) is a copy of the interim assessment
framework in ``/work/shared/seed/``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from review.config.framework_items import (
    FRAMEWORK_ITEMS,
    GOVERNANCE,
    HEALTHCARE_COMMISSION,
    JAR_FINDINGS,
    LSCB_CHECKLIST,
    rated_items,
)

SOURCE = (Path(__file__).parent / "reference" / "stocktake_source.txt").read_text(encoding="utf-8")
CORRECTIONS = {"quantative": "quantitative", "imeadiate": "immediate"}  # spelling slips the README allows


def _norm(text: str) -> str:
    for wrong, right in CORRECTIONS.items():
        text = text.replace(wrong, right)
    return re.sub(r"\s+", " ", text).strip().rstrip(".")


def _positions(texts):
    """Where each text is found in the source, each searched for after the one before it (-1: missing)."""
    source, at, out = _norm(SOURCE), 0, []
    for t in texts:
        found = source.find(_norm(t), at)
        out.append(found)
        at = found + 1 if found >= 0 else at
    return out


@pytest.mark.parametrize("items", [JAR_FINDINGS, [i for i in LSCB_CHECKLIST],
                                   [i for i in GOVERNANCE if i.group in ("axis", "context")]])
def test_items_are_quoted_from_the_source_in_its_order(items):
    positions = _positions([i.text for i in items])
    assert all(p >= 0 for p in positions), [i.item_id for i, p in zip(items, positions, strict=True) if p < 0]
    assert positions == sorted(positions)


def test_jar_has_eleven_findings_the_eleventh_from_the_dcsf_summary():
    assert [i.item_id for i in JAR_FINDINGS] == [f"J{n:02d}" for n in range(1, 12)]
    assert JAR_FINDINGS[2].text.startswith("The local safeguarding children board (LSCB) fails to provide")
    assert "independent chairperson" in JAR_FINDINGS[2].text  # finding 3 is present
    assert "Not a JAR finding, but included in DCSF summary of findings" in SOURCE
    assert [i.origin for i in JAR_FINDINGS] == [""] * 10 + ["DCSF summary of findings"]
    assert not any("access to" in i.text.lower() for i in JAR_FINDINGS)  # not in the source
    # findings 8 (scrutinising performance) and 10 (reliance on quantitative data) are separate items
    assert JAR_FINDINGS[7].text.startswith("Arrangements for scrutinising performance")
    assert JAR_FINDINGS[9].text.startswith("There is too much reliance on quantitative data")


def test_healthcare_commission_seven_issues_and_the_lead_role():
    issues = [i for i in HEALTHCARE_COMMISSION if i.group == "issue"]
    assert [i.text for i in issues] == ["Governance", "Communication", "Partnership working", "Record keeping",
                                        "Information sharing", "Sharing expertise", "Training and staffing"]
    for text in [i.text for i in issues]:
        assert f"- {text}\n" in SOURCE
    lead = HEALTHCARE_COMMISSION[-1]
    assert lead.group == "lead role"
    assert not lead.rated
    assert _norm(lead.text) in _norm(SOURCE)


def test_lscb_every_area_and_every_quality_assurance_sub_item():
    areas = [i.text for i in LSCB_CHECKLIST if i.group == "area"]
    subs = [i.text for i in LSCB_CHECKLIST if i.parent == "L4"]
    assert areas == ["Organisation and operation of the LSCB", "Strategic arrangements and business planning",
                     "LSCB Functions", "Quality Assurance"]
    assert subs == ["Case file audit", "The use of data", "Serious case reviews", "Observation and self assessment",
                    "Self assessment or compliance monitoring", "Listening to the views of service users"]


def test_governance_two_axes_each_divided_and_the_context_not_scored():
    assert [i.item_id for i in rated_items("governance")] == ["G1.1", "G1.2", "G2.1", "G2.2"]
    assert [i.item_id for i in GOVERNANCE if i.group == "context"] == ["C1", "C2"]
    assert not any(i.rated for i in GOVERNANCE if i.group in ("axis", "context"))


def test_every_item_id_is_unique():
    for items in FRAMEWORK_ITEMS.values():
        ids = [i.item_id for i in items]
        assert len(ids) == len(set(ids))
