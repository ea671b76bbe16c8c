"""The items each framework asks about, quoted from the source in the source's order.

Source: "Stocktake of safeguarding practice - interim assessment framework" (2008/09), kept in
``/work/shared/seed/`` (see its README). Items are quoted as the text has them; spelling slips
are corrected ("quantative" -> "quantitative", "imeadiate"), the meaning is not changed.
Nothing that is not in the text is listed here.

Each item is a :class:`SourceItem`. ``rated`` says whether raters score the item in
``self_assessments`` (a heading such as the LSCB checklist's "Quality Assurance" is summarised
from its sub-items; the governance exercise's context items are context the source sets out, not scores).

>>> [i.item_id for i in JAR_FINDINGS][-1], JAR_FINDINGS[-1].origin
('J11', 'DCSF summary of findings')
>>> len(HEALTHCARE_COMMISSION_ISSUES), HEALTHCARE_COMMISSION[-1].rated
(7, False)
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "FRAMEWORK_ITEMS",
    "GOSE_CONDITIONS",
    "GOVERNANCE",
    "GOVERNANCE_AXES",
    "GOVERNANCE_CONTEXT",
    "HEALTHCARE_COMMISSION",
    "HEALTHCARE_COMMISSION_ISSUES",
    "JAR_FINDINGS",
    "LSCB_CHECKLIST",
    "SOURCE_TITLE",
    "SourceItem",
    "rated_items",
]

SOURCE_TITLE = "Stocktake of safeguarding practice - interim assessment framework"


class SourceItem(NamedTuple):
    """One item of a source framework.

    Attributes
    ----------
    item_id : str
        Identifier used in ``self_assessments`` and results (``J01``, ``H1``, ``L4.2``).
    text : str
        The source's words.
    group : str
        Where the item sits: ``finding``, ``issue``, ``lead role``, ``area``, ``quality
        assurance`` (an LSCB sub-item), ``axis``, ``roles``/``communication`` (a governance
        level), ``context``.
    parent : str
        The heading item it belongs to (LSCB sub-items, governance levels), or ``""``.
    rated : bool
        Whether raters score it in ``self_assessments``.
    origin : str
        Where the source says the item comes from, when not from the framework itself.
    """

    item_id: str
    text: str
    group: str
    parent: str = ""
    rated: bool = True
    origin: str = ""


JAR_FINDINGS: tuple[SourceItem, ...] = (
    SourceItem("J01", "There is insufficient strategic leadership and management oversight of safeguarding of children "
               "and young people in Haringey by elected members, senior officers and others within the strategic "
               "partnership.", "finding"),
    SourceItem("J02", "There is a managerial failure to ensure full compliance with some of the requirements of the "
               "inquiry into the death of Victoria Climbie, such as the lack of written feedback to those making "
               "referrals to social care services.", "finding"),
    SourceItem("J03", "The local safeguarding children board (LSCB) fails to provide sufficient challenge to its member "
               "agencies. This is further compounded by the lack of an independent chairperson.", "finding"),
    SourceItem("J04", "Social care, health and police authorities do not communicate and collaborate routinely and "
               "consistently to ensure effective assessment, planning and review of cases of vulnerable children "
               "and young people.", "finding"),
    SourceItem("J05", "Too often assessments of children and young people, in all agencies, fail to identify those who "
               "are at immediate risk of harm and to address their needs.", "finding"),
    SourceItem("J06", "The quality of front line practice across all agencies is inconsistent and not effectively "
               "monitored by line managers.", "finding"),
    SourceItem("J07", "Child Protection plans are generally poor.", "finding"),
    SourceItem("J08", "Arrangements for scrutinising performance across the council and the partnership are "
               "insufficiently developed and fail to provide systematic support and appropriate challenge to both "
               "managers and practitioners.", "finding"),
    SourceItem("J09", "The standard of record keeping on case files across all agencies is inconsistent and often "
               "poor.", "finding"),
    SourceItem("J10", "There is too much reliance on quantitative data to measure social care, health, and police "
               "performance, without sufficiently robust analysis of the underlying quality of service provision "
               "and practice.", "finding"),
    SourceItem("J11", "A failure to consult with children in some cases; and in others where a child has not been seen "
               "alone, there is limited evidence of addressing the reasons for this and enabling the child's voice "
               "to be heard.", "finding", origin="DCSF summary of findings"),
)
"""The 11 main findings, in the source's order. The 11th is "Not a JAR finding, but included in
DCSF summary of findings" (the source's words)."""

HEALTHCARE_COMMISSION_ISSUES: tuple[SourceItem, ...] = (
    SourceItem("H1", "Governance", "issue"),
    SourceItem("H2", "Communication", "issue"),
    SourceItem("H3", "Partnership working", "issue"),
    SourceItem("H4", "Record keeping", "issue"),
    SourceItem("H5", "Information sharing", "issue"),
    SourceItem("H6", "Sharing expertise", "issue"),
    SourceItem("H7", "Training and staffing", "issue"),
)
"""The Healthcare Commission's 7 headline issues, in the source's order."""

HEALTHCARE_COMMISSION: tuple[SourceItem, ...] = (
    *HEALTHCARE_COMMISSION_ISSUES,
    SourceItem("HLEAD", "The Nurse Consultant/Designated Nurse for Safeguarding will lead the local Safeguarding "
               "Children Review for the local health economy.", "lead role", rated=False),
)

LSCB_CHECKLIST: tuple[SourceItem, ...] = (
    SourceItem("L1", "Organisation and operation of the LSCB", "area"),
    SourceItem("L2", "Strategic arrangements and business planning", "area"),
    SourceItem("L3", "LSCB Functions", "area"),
    SourceItem("L4", "Quality Assurance", "area", rated=False),
    SourceItem("L4.1", "Case file audit", "quality assurance", parent="L4"),
    SourceItem("L4.2", "The use of data", "quality assurance", parent="L4"),
    SourceItem("L4.3", "Serious case reviews", "quality assurance", parent="L4"),
    SourceItem("L4.4", "Observation and self assessment", "quality assurance", parent="L4"),
    SourceItem("L4.5", "Self assessment or compliance monitoring", "quality assurance", parent="L4"),
    SourceItem("L4.6", "Listening to the views of service users", "quality assurance", parent="L4"),
)
"""The GOSE LSCB Quality Assurance checklist: its 4 areas and the 6 quality-assurance sub-items."""

GOVERNANCE_AXES: dict[str, tuple[str, ...]] = {"roles": ("organisation", "individual"),
                                               "communication": ("directorate", "team")}

GOVERNANCE: tuple[SourceItem, ...] = (
    SourceItem("G1", "Roles & responsibilities divided between the organisation and the individual", "axis",
               rated=False),
    SourceItem("G1.1", "Roles & responsibilities: the organisation", "roles", parent="G1"),
    SourceItem("G1.2", "Roles & responsibilities: the individual", "roles", parent="G1"),
    SourceItem("G2", "Communication flow divided between the directorate and the team", "axis", rated=False),
    SourceItem("G2.1", "Communication flow: the directorate", "communication", parent="G2"),
    SourceItem("G2.2", "Communication flow: the team", "communication", parent="G2"),
    SourceItem("C1", "Evidence presented by the Chief Inspector of Ofsted to the Parliamentary Select committee.",
               "context", rated=False),
    SourceItem("C2", "Key national research examining the type of families that social workers and health visitors "
               "are dealing with on a daily basis and the process and quality of professional assessment of risk in "
               "complex child care cases.", "context", rated=False),
)
"""The social care governance exercise: its two axes (each divided in two, the levels area
managers score 0-10) and the context it was set in, "the debate following the Haringey case"."""

GOVERNANCE_CONTEXT: dict[str, str] = {
    "C1": "What does the evidence the Chief Inspector of Ofsted presented to the Parliamentary Select Committee "
          "ask of our safeguarding practice?",
    "C2": "How do the families our social workers and health visitors deal with every day, and the way we assess "
          "risk in complex child care cases, compare with what key national research describes?",
}
"""The workbook's own questions on the context items, for area managers to discuss: the source
lists the context and asks no question of it, so these are the workbook's words, not the source's
(they are discussed, not scored)."""

FRAMEWORK_ITEMS: dict[str, tuple[SourceItem, ...]] = {
    "jar_haringey": JAR_FINDINGS,
    "healthcare_commission": HEALTHCARE_COMMISSION,
    "lscb_checklist": LSCB_CHECKLIST,
    "governance": GOVERNANCE,
}

# GOSE - Children's Social Care: Performance Management Framework, quoted item by item from the
# stocktake (/work/shared/seed/), in its order. The three "Audit programmes:" sub-items keep their
# heading. Each item is ``(item_id, text, frequency, dataset kinds)``; frequency is the source's
# own word, None where the text gives none ("monthly", "quarterly", "six-monthly", "annual", or
# two words where it names two returns). Nothing is reworded.
GOSE_PMF_TITLE = "GOSE - Children's Social Care: Performance Management Framework"
GOSE_PMF: tuple[tuple[str, str, tuple[str, ...] | None], ...] = (
    ("G01", "User feedback mechanisms minimum of quarterly and from advocacy service for LAC, CP, CIN.", ("quarterly",)),
    ("G02", "Staff feedback mechanisms quarterly (if developed)", ("quarterly",)),
    ("G03", "Audit programmes: Case file audit programme this should include a sample of case files being audited "
            "by ATM; TM; Service Manager, AD & DCS.", None),
    ("G04", "Audit programmes: Supervision file audit programme undertaken by TM; SM & AD", None),
    ("G05", "Audit programmes: Audits undertaken by Independent Chairs IRO & CP conferences + LAC reviews quarterly",
     ("quarterly",)),
    ("G06", "Complaints / compliments quarterly update and Annual Complaints Report.", ("quarterly", "annual")),
    ("G07", "Private fostering at least annual update (report to LSCB).", ("annual",)),
    ("G08", "Inspections of all regulated services (i.e. adoptions & fostering, children's homes which are the "
            "responsibility of the LA) – at least 6 monthly.", ("six-monthly",)),
    ("G09", "SCR action plans as they relate to CSCare.", None),
    ("G10", "HR allegations as they relate to CSCare.", None),
    ("G11", "Levels of recruitment & retention and staff sickness quarterly.", ("quarterly",)),
    ("G12", "Social Care expenditure monthly.", ("monthly",)),
    ("G13", "Performance against NIS Performance Indicators quarterly across all the PIs and including analysis of "
            "CP / LAC numbers.", ("quarterly",)),
    ("G14", "Annual IRO report.", ("annual",)),
    ("G15", "Feedback from other agencies via liaison meetings.", None),
)

GOSE_CONDITIONS: dict[str, str] = {"G02": "if developed"}
"""Items of the GOSE framework the source makes conditional, with the condition in its words: a
return for such an item is optional, so a missing one never makes the item red."""


def rated_items(framework: str) -> tuple[SourceItem, ...]:
    """The items of a framework that raters score, in the source's order.

    Parameters
    ----------
    framework : str
        A framework of :data:`FRAMEWORK_ITEMS` (``jar_haringey``, ``healthcare_commission``,
        ``lscb_checklist`` or ``governance``).

    Returns
    -------
    tuple of SourceItem
        Its items with ``rated`` true: headings summarised from their sub-items and context
        questions left out.

    Examples
    --------
    >>> [i.item_id for i in rated_items("governance")]
    ['G1.1', 'G1.2', 'G2.1', 'G2.2']
    >>> "L4" in [i.item_id for i in rated_items("lscb_checklist")]  # a heading, summarised from L4.1...
    False
    """
    return tuple(i for i in FRAMEWORK_ITEMS[framework] if i.rated)
