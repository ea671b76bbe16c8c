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
