"""The items each framework asks about, in the workbook's own words.

The texts paraphrase their sources; they are not quotations. Sources: the joint area review of
Haringey (Ofsted, Healthcare Commission and HM Inspectorate of Constabulary, December 2008) and
the Ofsted press release and press coverage of its findings; the Healthcare Commission's review
of the health contribution to safeguarding in Haringey (2008/09); the Government Office for the
South East's LSCB quality assurance checklist and children's social care performance
management framework (titles known, full texts not publicly available: the areas below follow
the headings the stocktake names); the social care governance reflective exercise.

Each item is ``(item_id, label, group)``; the group is a JAR finding's evidence source, an LSCB
area, or for the governance exercise the two axes ``roles:organisation`` etc.
"""

from __future__ import annotations

__all__ = ["FRAMEWORK_ITEMS", "GOVERNANCE_AXES", "JAR_FINDINGS"]

JAR_FINDINGS: tuple[tuple[str, str, str], ...] = (
    ("J01", "Strategic leadership and management oversight of safeguarding by members and officers is insufficient", "governance"),
    ("J02", "The recommendations of the Victoria Climbie Inquiry have not been fully implemented", "governance"),
    ("J03", "Access to child protection services is inconsistent, so not all children's needs are met", "audit"),
    ("J04", "Referrers do not routinely receive written feedback on the outcome of their referral", "audit"),
    ("J05", "Assessments do not consistently identify risk or take account of the family's history", "audit"),
    ("J06", "Child protection plans are not specific enough to show what must change and by when", "audit"),
    ("J07", "Case records are poorly organised and not all files hold an up-to-date chronology", "audit"),
    ("J08", "Children are not always seen alone, and their views are not consistently recorded", "audit"),
    ("J09", "Strategy discussions and inter-agency child protection work are not consistently multi-agency", "partnership"),
    ("J10", "Supervision lacks analysis and reflection, and management oversight of casework is weak", "audit"),
    ("J11", "Performance management relies on quantitative data without scrutiny of the quality of practice", "performance"),
)

HEALTHCARE_COMMISSION: tuple[tuple[str, str, str], ...] = (
    ("H1", "Governance: boards receive and act on assurance about safeguarding", "governance"),
    ("H2", "Communication between health professionals and with social care", "communication"),
    ("H3", "Partnership working with the LSCB and partner agencies", "partnership"),
    ("H4", "Record keeping in health records, including safeguarding concerns", "records"),
    ("H5", "Information sharing about children at risk", "information"),
    ("H6", "Sharing expertise: named and designated professionals' advice reaches staff", "expertise"),
    ("H7", "Training and staffing: safeguarding training compliance and capacity", "training"),
)

LSCB_CHECKLIST: tuple[tuple[str, str, str], ...] = (
    ("L01", "Organisation and operation of the board", "organisation"),
    ("L02", "Strategic arrangements and business planning", "strategy"),
    ("L03", "Discharge of the LSCB's statutory functions", "functions"),
    ("L04", "Quality assurance: multi-agency case file audit", "quality assurance"),
    ("L05", "Quality assurance: use of performance data", "quality assurance"),
    ("L06", "Quality assurance: serious case reviews and learning from them", "quality assurance"),
    ("L07", "Quality assurance: observation of practice and self-assessment", "quality assurance"),
    ("L08", "Quality assurance: compliance monitoring (section 11 audits)", "quality assurance"),
    ("L09", "Quality assurance: listening to children, young people and families", "quality assurance"),
)

GOVERNANCE_AXES = {"roles": ("organisation", "individual"), "communication": ("directorate", "team")}

GOVERNANCE: tuple[tuple[str, str, str], ...] = (
    ("G1", "Accountability for safeguarding is clear at organisational level", "roles:organisation"),
    ("G2", "Policies and procedures are owned and reviewed by the organisation", "roles:organisation"),
    ("G3", "Each manager knows what they are accountable for in safeguarding", "roles:individual"),
    ("G4", "Staff understand their own responsibilities and the limits of their role", "roles:individual"),
    ("G5", "Information flows from the directorate to front-line teams", "communication:directorate"),
    ("G6", "Concerns raised by teams reach the directorate and are acted on", "communication:directorate"),
    ("G7", "Teams share information with one another about shared cases", "communication:team"),
    ("G8", "Team meetings are used to learn from practice and audit findings", "communication:team"),
)

FRAMEWORK_ITEMS: dict[str, tuple[tuple[str, str, str], ...]] = {
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
