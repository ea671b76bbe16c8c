"""The data contract: every file a review cycle loads, its columns and what each may hold.

Each dataset is a CSV file (UTF-8, UTF-8 with BOM, or Windows-1252 as Excel writes it) or an
``.xlsx`` workbook (the sheet named like the dataset, or its only sheet) in the cycle's data
folder, named after the dataset: ``audits.csv`` or ``audits.xlsx``. ``docs/data.md`` documents
the same contract for people, with an example of each file; a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CRITERION", "DATASETS", "ROW", "TIERS", "Column", "Dataset"]

ROW = "source_row"
"""Column added to every loaded table: the row of the source file the record came from."""

TIERS = ("ATM", "TM", "SM", "AD", "DCS", "IRO", "CP chair", "QA", "Partner agency")
"""Auditor tiers. The first five are the GOSE case-file audit programme's management tiers,
most junior first; the others audit alongside them."""

CRITERION = "criterion"
"""Kind of an audit column that holds a criterion judgement (declared in ``criteria``)."""


@dataclass(frozen=True)
class Column:
    """One column of a dataset.

    Attributes
    ----------
    name : str
        The heading, as it must appear in the file (matched without regard to case and
        surrounding spaces).
    kind : str
        ``id`` (text, kept as written), ``text``, ``cycle`` (``YYYY-Qn``), ``month``
        (``YYYY-MM``), ``date`` (ISO ``2009-04-01``, UK ``01/04/2009`` or an Excel serial),
        ``count`` (a whole number >= 0), ``number`` (>= 0), ``rate`` (0 to 1), ``choice``,
        ``tier``, ``grade`` (a label of the scale named in the row's ``grade_scale``),
        ``scale_label`` (any text: a scale's label), ``bool`` (yes/no, true/false, 1/0).
    required : bool
        Whether a value must be present in every row.
    choices : tuple of str
        Allowed values for ``choice`` (matched without regard to case).
    description : str
        What the column holds, for ``docs/data.md`` and error messages.
    """

    name: str
    kind: str
    required: bool = True
    choices: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Dataset:
    """One file of a cycle's evidence.

    Attributes
    ----------
    name : str
        File stem (``audits`` for ``audits.csv`` or ``audits.xlsx``).
    description : str
        What one row is.
    columns : tuple of Column
    key : tuple of str
        Columns whose combination must be unique.
    required : bool
        Whether the dataset must be present in the data folder.
    extra_columns : str or None
        ``CRITERION`` when further columns are allowed, each a criterion declared in
        ``criteria``; None when no other column is allowed.
    """

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    required: bool = True
    extra_columns: str | None = None


AUDIT_KINDS = ("case file", "supervision", "cp conference", "looked-after review", "multi-agency")
"""What kind of audit a council's audit type is. The workbook judges through kinds, never through
the council's own names: a case-file audit of practice on a child's file, a supervision file audit,
an independent chair's audit of a child protection (CP) conference or of a looked-after child's
review, and a partner agency's audit of its own part in a case (multi-agency)."""
AUDIT_TYPES = AUDIT_KINDS
"""The audit types a folder without ``audit_types`` uses: each kind named as itself."""
EVIDENCE_SOURCES = ("criterion", "grade", "indicator", "record", "theme")
"""What a row of the evidence map points at: an audit criterion (``criteria.criterion``), the overall
grades of one audit type (``audit_types.audit_type``), an indicator (``indicators.indicator``), one
of the workbook's record measures (:data:`RECORDS`), or a theme of the audit learning
(``themes.theme``, or the default list): the audited files on which auditors recorded it as a
strength, of the files on which they recorded it at all (e.g. the council's child's-voice theme for
the voice-of-the-child items)."""
RECORDS = {
    "lscb_chair": "the LSCB's records: whether the chair is independent (lscb_board); a condition: red when the "
                  "chair is not independent, shown but never judged green on its own when it is",
    "lscb_attendance": "the LSCB's records: member agencies' places at the cycle's board meetings where the agency "
                       "was represented (lscb_board.member_attendances of member_places)",
    "lscb_challenges": "the LSCB's records: challenges raised with member agencies that were answered (lscb_challenges)",
    "scrutiny": "scrutiny records: challenges made by scrutiny, the LSCB or elected members that were answered (scrutiny)",
    "scrutiny_reports": "scrutiny records: performance reports taken to scrutiny, the LSCB or elected members (scrutiny)",
    "training": "training records: staff trained in safeguarding and in date (training)",
    "staff_feedback": "the staff survey: staff positive about the service (staff_feedback)",
    "user_feedback": "children's and families' feedback: positive responses (user_feedback)",
    "scr_actions": "the action register: serious case review actions done or not yet due (actions, source scr)",
    "inspection_actions": "the action register: actions on inspection findings done or not yet due (actions, source inspection)",
    "partner_staffing": "partner agencies' staffing: safeguarding posts filled (partner_staffing)",
    "indicator_areas_analysed": "audit learning: indicators reported this cycle whose area of practice is analysed: "
                                "every theme declared for it (themes.indicators) recorded on this cycle's audited "
                                "files by more than one auditor (indicators, themes.indicators, audit_learning)",
    "complaints_in_time": "complaints records: complaints responded to within the statutory timescale, of those "
                          "received (complaints; complaints are made by people: protected)",
    "private_fostering_visits": "private fostering records: new arrangements visited within 7 working days of "
                                "notification (private_fostering; children: protected)",
    "allegations_in_time": "allegations against staff: concluded within the declared days of referral to the LADO "
                           "(lado_allegations; about people: protected)",
    "vacancies": "workforce returns: vacant FTE as a share of the establishment, banded by a declared rule "
                 "(workforce; a value, not a count)",
    "expenditure": "expenditure returns: financial year-to-date overspend as a share of budget, banded by a "
                   "declared rule (finance; a value, not a count)",
    "liaison_resolved": "liaison meetings: concerns other agencies raised that were resolved (liaison_feedback; "
                        "concerns are about children's cases: protected)",
}
"""The record measures the workbook computes, by the name the evidence map gives them."""
MAP_ROLES = ("tests", "context")
"""``tests``: the evidence is judged and counts towards the item's band; ``context``: shown beside the
item, never judged (e.g. when the regulator's next inspection is due)."""
CASE_TYPES = ("CIN", "CP", "LAC", "Care leaver", "Early help")
SELECTIONS = ("random", "themed", "targeted")
FREQUENCIES = ("monthly", "quarterly", "six-monthly", "annual")
FRAMEWORK_IDS = ("jar_haringey", "healthcare_commission", "lscb_checklist", "governance")

DATASETS: dict[str, Dataset] = {d.name: d for d in (
    Dataset(
        "grade_scales",
        "One row per label of an ordered grade scale; scales are data, not code.",
        (
            Column("scale_id", "id", description="scale identifier, e.g. ofsted_2008"),
            Column("position", "count", description="order within the scale, best first (1, 2, ...)"),
            Column("label", "scale_label", description="the label as auditors write it"),
            Column("good_or_better", "bool", description="whether the label counts as Good or better"),
            Column("not_applicable", "bool", description="whether the label means not applicable (left out of rates)"),
        ),
        key=("scale_id", "label"),
    ),
    Dataset(
        "criteria",
        "One row per audit criterion: the column of the audits file that holds it and its scale.",
        (
            Column("criterion", "id", description="column name in the audits file"),
            Column("label", "text", description="the question as the audit tool asks it"),
            Column("scale_id", "id", description="scale of the answers (a scale_id of grade_scales)"),
            Column("audit_types", "text", description="audit types it applies to, separated by ';'"),
        ),
        key=("criterion",),
    ),
    Dataset(
        "audit_types",
        "One row per type of audit the council runs: its name in audits.audit_type and what kind of audit it is.",
        (
            Column("audit_type", "id", description="the council's name for the audit type, as audits.audit_type has it"),
            Column("kind", "choice", choices=AUDIT_KINDS,
                   description="case file, supervision, cp conference, looked-after review or multi-agency"),
            Column("label", "text", description="the audit type in words, as reports name it"),
        ),
        key=("audit_type",),
        required=False,
    ),
    Dataset(
        "teams",
        "One row per team, with the service it belongs to.",
        (
            Column("team", "id", description="team name as the case-management system writes it"),
            Column("service", "text", description="the service (head-of-service area) of the team"),
        ),
        key=("team",),
    ),
    Dataset(
        "staff",
        "One row per auditor and manager in the audit programme.",
        (
            Column("staff_id", "id", description="staff reference (pseudonymised at load)"),
            Column("tier", "tier", description="ATM, TM, SM, AD, DCS, IRO, CP chair, QA or Partner agency"),
            Column("team", "id", required=False, description="team (ATM, TM) or empty"),
            Column("service", "text", required=False, description="service (SM) or empty"),
        ),
        key=("staff_id",),
        required=False,
    ),
    Dataset(
        "frame",
        "The sampling frame: one row per case open at the start of each cycle.",
        (
            Column("cycle", "cycle", description="the cycle whose start the case was open at"),
            Column("case_ref", "id", description="case reference (pseudonymised at load)"),
            Column("team", "id", description="allocated team"),
            Column("case_type", "choice", choices=CASE_TYPES, description="CIN, CP, LAC, Care leaver or Early help"),
            Column("allocated_worker", "id", description="allocated worker's staff reference"),
            Column("team_manager", "id", description="staff reference of the manager who supervises the case"),
            Column("opened_date", "date", description="date the case was opened"),
            Column("last_audit_date", "date", required=False, description="date of its last audit, if any"),
        ),
        key=("cycle", "case_ref"),
    ),
    Dataset(
        "audits",
        "One row per audit of one file by one auditor; a moderation names the audit it re-audits.",
        (
            Column("audit_id", "id", description="unique audit reference"),
            Column("cycle", "cycle", description="review cycle of the audit"),
            Column("case_ref", "id", description="case audited (must be in the frame for the cycle)"),
            Column("case_type", "choice", choices=CASE_TYPES, description="case type at the audit"),
            Column("team", "id", description="team holding the case"),
            Column("audit_type", "id", description="the council's audit type (an audit_type of audit_types)"),
            Column("auditor_id", "id", description="auditor's staff reference"),
            Column("auditor_tier", "tier", description="auditor's tier"),
            Column("audit_date", "date", description="date the audit was completed (inside the cycle)"),
            Column("selection", "choice", choices=SELECTIONS, description="random, themed or targeted"),
            Column("theme", "text", required=False, description="theme of a themed audit"),
            Column("moderation_of", "id", required=False,
                   description="audit_id this audit moderates (re-audits), empty for a first audit"),
            Column("grade_scale", "id", description="scale of overall_grade (a scale_id)"),
            Column("overall_grade", "grade", description="overall judgement, a label of grade_scale"),
        ),
        key=("audit_id",),
        extra_columns=CRITERION,
    ),
    Dataset(
        "programme",
        "The audit programme: each tier's quota per auditor per cycle.",
        (
            Column("tier", "tier", description="auditing tier"),
            Column("audit_type", "id", description="what is audited (an audit_type of audit_types)"),
            Column("quota_per_auditor", "count", description="audits each auditor of the tier must complete per cycle"),
            Column("from_cycle", "cycle", description="first cycle the quota applies to"),
        ),
        key=("tier", "audit_type", "from_cycle"),
        required=False,
    ),
    Dataset(
        "indicators",
        "Counts per cycle for the NI 59-68 family, with target and statistical neighbours.",
        (
            Column("cycle", "cycle", description="cycle the counts cover"),
            Column("indicator", "id",
                   description="NI59 ... NI68, or the council's own indicator (declared in indicator_definitions)"),
            Column("definition_version", "id",
                   description="definition version: a national one (docs/indicators.md) or one declared in "
                               "indicator_definitions"),
            Column("numerator", "count", description="cases meeting the indicator"),
            Column("denominator", "count", description="cases in the indicator's cohort"),
            Column("target", "rate", required=False, description="local target, as a proportion"),
            Column("neighbour_average", "rate", required=False, description="average of statistical neighbours"),
        ),
        key=("cycle", "indicator"),
        required=False,
    ),
    Dataset(
        "indicator_definitions",
        "The council's own indicators: one row per definition of a local measure that indicators reports.",
        (
            Column("indicator", "id", description="the indicator as indicators.indicator names it, e.g. LA01"),
            Column("definition_version", "id",
                   description="the version, as indicators.definition_version has it (a national indicator's "
                               "version may not be redefined)"),
            Column("title", "text", description="the measure in words, as reports name it"),
            Column("numerator", "text", description="what the numerator counts"),
            Column("denominator", "text", description="what the denominator counts"),
            Column("higher_is_better", "bool", required=False,
                   description="yes: a higher rate is better; no: lower is better (judged on the share it does not "
                               "count); required unless context_only"),
            Column("context_only", "bool", required=False,
                   description="yes: read for context, never judged (empty: no)"),
            Column("cumulative", "bool", required=False,
                   description="yes: counts of events in the period, summed over the financial year to date; no: a "
                               "cohort counted at the period's end (empty: yes)"),
            Column("threshold_working_days", "count", required=False,
                   description="for a timeliness measure, the working days allowed"),
            Column("source", "text", description="where the council's definition comes from (procedure, return)"),
        ),
        key=("indicator", "definition_version"),
        required=False,
    ),
    Dataset(
        "schedule",
        "The performance-management framework's returns: what is due when and when it came.",
        (
            Column("cycle", "cycle", description="cycle the return belongs to"),
            Column("item", "text", description="framework item (report or return)"),
            Column("owner_tier", "tier", description="tier responsible"),
            Column("frequency", "choice", choices=FREQUENCIES, description="expected frequency"),
            Column("due_date", "date", description="date due"),
            Column("delivered_date", "date", required=False, description="date delivered; empty if not delivered"),
        ),
        key=("cycle", "item", "due_date"),
        required=False,
    ),
    Dataset(
        "self_assessments",
        "Ratings of framework items by several raters (managers, member agencies), with evidence.",
        (
            Column("cycle", "cycle", description="cycle of the rating"),
            Column("framework", "choice", choices=FRAMEWORK_IDS, description="framework the item belongs to"),
            Column("item", "id", description="item id within the framework (see review.config.framework_items)"),
            Column("rater", "id", description="who rated (a manager's reference or an agency)"),
            Column("rater_type", "text", description="manager, agency or area manager"),
            Column("grade_scale", "id", description="scale of the rating"),
            Column("rating", "grade", description="the rating, a label of grade_scale"),
            Column("evidence", "text", required=False, description="the evidence the rater gives"),
        ),
        key=("cycle", "framework", "item", "rater"),
        required=False,
    ),
    Dataset(
        "workforce",
        "Workforce per service and cycle.",
        (
            Column("cycle", "cycle", description="cycle"),
            Column("service", "text", description="service"),
            Column("establishment_fte", "number", description="funded posts (FTE)"),
            Column("vacancies_fte", "number", description="vacant posts (FTE)"),
            Column("agency_fte", "number", description="posts covered by agency staff (FTE)"),
            Column("leavers", "count", description="staff who left in the cycle"),
            Column("sickness_days", "number", description="working days lost to sickness"),
            Column("starters", "count", description="staff who joined in the cycle"),
        ),
        key=("cycle", "service"),
        required=False,
    ),
    Dataset(
        "finance",
        "Budget and spend per month and budget line.",
        (
            Column("month", "month", description="month, YYYY-MM"),
            Column("cycle", "cycle", description="cycle the month falls in"),
            Column("budget_line", "text", description="budget line"),
            Column("budget", "number", description="budget for the month (pounds)"),
            Column("spend", "number", description="spend in the month (pounds)"),
            Column("forecast_outturn", "number", description="forecast spend for the whole financial year, "
                   "as forecast at the end of the month (pounds)"),
        ),
        key=("month", "budget_line"),
        required=False,
    ),
    Dataset(
        "training",
        "Safeguarding training compliance per agency or staff group and cycle.",
        (
            Column("cycle", "cycle", description="cycle"),
            Column("agency", "text", description="agency or staff group"),
            Column("required", "count", description="staff required to be trained"),
            Column("completed", "count", description="staff trained and in date"),
        ),
        key=("cycle", "agency"),
        required=False,
    ),
    Dataset(
        "complaints",
        "Complaints about children's social care per cycle and stage.",
        (
            Column("cycle", "cycle", description="cycle"),
            Column("stage", "choice", choices=("1", "2", "3"), description="statutory complaints stage"),
            Column("received", "count", description="complaints received"),
            Column("responded_in_time", "count", description="responded to within timescale"),
            Column("upheld", "count", description="upheld in whole or part"),
        ),
        key=("cycle", "stage"),
        required=False,
    ),
)}


# GOSE children's social care performance management framework: the further evidence its items
# name (user, staff and partner feedback, compliments, private fostering, regulated services,
# allegations against staff, child protection and looked-after numbers, returns delivered).
GOSE_ITEMS = tuple(f"G{i:02d}" for i in range(1, 16))
FEEDBACK_GROUPS = ("LAC", "CP", "CIN")
FEEDBACK_SOURCES = ("survey", "advocacy service")
REGULATED_SERVICE_TYPES = ("adoption agency", "fostering agency", "children's home")
SECTORS = ("social care", "health", "police", "education", "probation", "youth justice", "housing", "voluntary",
           "other")
"""The sectors a partner agency belongs to (``agencies.sector``): a published table too small to show an
agency alone shows its sector (the health agencies together), read from the council's data."""
ALLEGATION_OUTCOMES = ("substantiated", "unsubstantiated", "unfounded", "malicious", "ongoing")
CP_LAC_GROUPS = ("CP", "LAC")
ABUSE_CATEGORIES = ("Neglect", "Physical abuse", "Sexual abuse", "Emotional abuse", "Multiple")

DATASETS.update({d.name: d for d in (
    Dataset(
        "gose_returns",
        "One row per return a GOSE framework item asks for: when it was due and when it came.",
        (
            Column("cycle", "cycle", description="cycle the return belongs to"),
            Column("item", "choice", choices=GOSE_ITEMS,
                   description="the GOSE framework item (G01 ... G15, see review.config.framework_items)"),
            Column("return_title", "text", description="the report or return, e.g. Annual IRO report"),
            Column("due_date", "date", description="date due"),
            Column("delivered_date", "date", required=False, description="date delivered; empty if not delivered"),
            Column("presented_to", "text", required=False,
                   description="board or meeting it went to (e.g. LSCB; Corporate Parenting Board)"),
        ),
        key=("cycle", "item", "return_title", "due_date"),
        required=False,
    ),
    Dataset(
        "user_feedback",
        "Feedback from children and families per cycle, group and route (survey or advocacy service).",
        (
            Column("cycle", "cycle", description="cycle"),
            Column("group", "choice", choices=FEEDBACK_GROUPS, description="LAC, CP or CIN"),
            Column("source", "choice", choices=FEEDBACK_SOURCES, description="survey or advocacy service"),
            Column("responses", "count", description="children or families who gave feedback"),
            Column("positive", "count", description="of those, how many were positive about the service"),
        ),
        key=("cycle", "group", "source"),
        required=False,
    ),
    Dataset(
        "staff_feedback",
        "Staff feedback per cycle and service (the quarterly staff survey, where one exists).",
        (
            Column("cycle", "cycle", description="cycle"),
            Column("service", "text", description="service"),
            Column("invited", "count", description="staff asked for feedback"),
            Column("responses", "count", description="staff who answered"),
            Column("positive", "count", description="of those, how many were positive"),
        ),
        key=("cycle", "service"),
        required=False,
    ),
    Dataset(
        "compliments",
        "Compliments about children's social care received per cycle and service.",
        (
            Column("cycle", "cycle", description="cycle"),
            Column("service", "text", description="service complimented"),
            Column("compliments", "count", description="compliments received"),
        ),
        key=("cycle", "service"),
        required=False,
    ),
    Dataset(
        "private_fostering",
        "Private fostering per cycle: notifications and visits.",
        (
            Column("cycle", "cycle", description="cycle"),
            Column("notifications", "count", description="new private fostering arrangements notified"),
            Column("visited_in_time", "count", description="of those, visited within 7 working days of notification"),
            Column("arrangements_open", "count", description="arrangements known at the end of the cycle"),
        ),
        key=("cycle",),
        required=False,
    ),
    Dataset(
        "regulated_services",
        "Inspections of the council's regulated services: one row per inspection.",
        (
            Column("service_name", "text", description="the service (adoption agency, fostering agency, a home)"),
            Column("service_type", "choice", choices=REGULATED_SERVICE_TYPES,
                   description="adoption agency, fostering agency or children's home"),
            Column("inspection_date", "date", description="date of the inspection"),
            Column("grade_scale", "id", description="scale of the grade (a scale_id)"),
            Column("grade", "grade", description="overall judgement, a label of grade_scale"),
            Column("next_due", "date", description="date the next inspection is due"),
            Column("urn", "text", required=False,
                   description="the service's Ofsted unique reference number (URN), as Ofsted publishes it; a "
                               "published report names the service by its type and URN"),
            Column("public_label", "text", required=False,
                   description="a label the council declares public for the service (used in published reports "
                               "before the URN); the service's own name is shown only in internal reports"),
        ),
        key=("service_name", "inspection_date"),
        required=False,
    ),
    Dataset(
        "lado_allegations",
        "Allegations against staff managed through the LADO (local authority designated officer).",
        (
            Column("allegation_ref", "id", description="allegation reference (pseudonymised at load)"),
            Column("cycle", "cycle", description="cycle of the referral"),
            Column("referral_date", "date", description="date referred to the LADO"),
            Column("outcome", "choice", choices=ALLEGATION_OUTCOMES,
                   description="substantiated, unsubstantiated, unfounded, malicious or ongoing"),
            Column("concluded_date", "date", required=False, description="date concluded; empty while ongoing"),
        ),
        key=("allegation_ref",),
        required=False,
    ),
    Dataset(
        "liaison_feedback",
        "Feedback from other agencies at liaison meetings.",
        (
            Column("cycle", "cycle", description="cycle"),
            Column("agency", "text", description="partner agency"),
            Column("meeting_date", "date", description="date of the liaison meeting"),
            Column("concerns_raised", "count", description="concerns about children's social care raised"),
            Column("concerns_resolved", "count", description="of those, resolved by the end of the cycle"),
        ),
        key=("cycle", "agency", "meeting_date"),
        required=False,
    ),
    Dataset(
        "cp_lac_numbers",
        "Children on a child protection plan (CP) and looked after (LAC): counts per cycle.",
        (
            Column("cycle", "cycle", description="cycle"),
            Column("group", "choice", choices=CP_LAC_GROUPS, description="CP or LAC"),
            Column("at_end", "count", description="children on a plan, or looked after, at the end of the cycle"),
            Column("starts", "count", description="plans started, or children starting to be looked after"),
            Column("ends", "count", description="plans ended, or children ceasing to be looked after"),
            Column("population_under_18", "count", description="children under 18 living in the area"),
            Column("neighbour_rate", "number", required=False,
                   description="statistical neighbours' average rate per 10,000 children under 18"),
            Column("england_rate", "number", required=False, description="England rate per 10,000 children under 18"),
        ),
        key=("cycle", "group"),
        required=False,
    ),
    Dataset(
        "cp_categories",
        "Child protection plans started per cycle by the category of abuse.",
        (
            Column("cycle", "cycle", description="cycle"),
            Column("category", "choice", choices=ABUSE_CATEGORIES,
                   description="Neglect, Physical abuse, Sexual abuse, Emotional abuse or Multiple"),
            Column("plans_started", "count", description="plans started in the cycle under that category"),
        ),
        key=("cycle", "category"),
        required=False,
    ),
    Dataset(
        "indicator_changes",
        "Declared change points: from this cycle an indicator's process changed, so its control limits restart.",
        (
            Column("indicator", "id", description="NI59 ... NI68"),
            Column("from_cycle", "cycle", description="first cycle of the new process"),
            Column("reason", "text", description="what changed (e.g. a new duty system)"),
        ),
        key=("indicator", "from_cycle"),
        required=False,
    ),
)})
# The LSCB's own records: evidence for JAR finding 3, that the board fails to challenge
# its member agencies and has no independent chair, and for checklist L1, how the board is organised
# and operates (member agencies represented at its meetings, Working Together 2006, chapter 3).
DATASETS["lscb_board"] = Dataset(
    "lscb_board",
    "The Local Safeguarding Children Board per cycle: whether its chair is independent, and member agencies' "
    "attendance at its meetings.",
    (
        Column("cycle", "cycle", description="cycle"),
        Column("chair_independent", "bool", description="whether the chair is independent of the member agencies"),
        Column("board_meetings", "count", description="board meetings held in the cycle"),
        Column("member_places", "count", required=False,
               description="member agencies' places at the cycle's board meetings: each meeting's member agencies "
                           "expected to attend, summed over the meetings (empty: not recorded)"),
        Column("member_attendances", "count", required=False,
               description="of those places, the ones where the agency was represented at the meeting by a member "
                           "of the board or an agreed deputy (at most member_places)"),
    ),
    key=("cycle",),
    required=False,
)
DATASETS["lscb_challenges"] = Dataset(
    "lscb_challenges",
    "One row per challenge the LSCB raised with a member agency, and when the agency answered it.",
    (
        Column("cycle", "cycle", description="cycle the challenge was raised in"),
        Column("challenge_id", "id", description="the board's reference for the challenge"),
        Column("agency", "text", description="member agency challenged"),
        Column("raised_date", "date", description="date the board raised the challenge"),
        Column("answered_date", "date", required=False, description="date the agency answered; empty if not yet"),
    ),
    key=("challenge_id",),
    required=False,
)
# --- identifiers: which fields refer to a person, a case or an audit -------------------------------
# Declared by field, never by what a row's label says: every reference in these fields is replaced
# by a keyed pseudonym at load (review.protection.pseudonym). A test checks that every `id` column
# of DATASETS is listed either here or in NOT_IDENTIFYING, so a new column is classified on purpose.

PERSON_FIELDS: dict[str, tuple[str, ...]] = {
    "staff": ("staff_id",),
    "frame": ("allocated_worker", "team_manager"),
    "audits": ("auditor_id",),
    "self_assessments": ("rater",),
}
"""Fields that name a member of staff, a rater, an auditor or a manager (pseudonym prefix ``S``)."""

CASE_FIELDS: dict[str, tuple[str, ...]] = {"frame": ("case_ref",), "audits": ("case_ref",),
                                           "lado_allegations": ("allegation_ref",)}
"""Fields that name a child's case, or an allegation against a member of staff (pseudonym prefix ``C``)."""

AUDIT_FIELDS: dict[str, tuple[str, ...]] = {"audits": ("audit_id", "moderation_of")}
"""Fields that name an audit (pseudonym prefix ``A``)."""

ORGANISATION_ROWS: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("self_assessments", "rater"): ("rater_type", ("agency",)),
}
"""A person field whose rows may instead name an organisation, which may be named: (dataset, field) ->
(the column saying which, the values meaning an organisation, compared without regard to case and
spaces). Every other row of the field is a person, whatever its label ("Manager", "area manager")."""

NOT_IDENTIFYING: dict[str, tuple[str, ...]] = {
    "grade_scales": ("scale_id",),
    "criteria": ("criterion", "scale_id"),
    "teams": ("team",),
    "staff": ("team",),
    "frame": ("team",),
    "audits": ("team", "grade_scale", "audit_type"),
    "programme": ("audit_type",),
    "audit_types": ("audit_type",),
    "evidence_map": ("item", "evidence", "audit_type"),
    "indicators": ("indicator", "definition_version"),
    "indicator_definitions": ("indicator", "definition_version"),
    "self_assessments": ("item", "grade_scale"),
    "indicator_changes": ("indicator",),
    "regulated_services": ("grade_scale",),
    "lscb_challenges": ("challenge_id",),  # the board's challenge to a member agency (an organisation)
    "agencies": ("agency",),  # a partner agency (an organisation)
}
"""`id` columns that name no person, case or audit (teams, scales, indicators, framework items)."""

# The action plan carried from cycle to cycle: one register across cycles.
ACTION_SOURCES = ("jar_haringey", "healthcare_commission", "lscb_checklist", "governance", "gose_performance",
                  "scr", "inspection", "audit", "theme")
"""Where an action comes from: a framework (its item in ``item``), a serious case review (``scr``:
the review's reference in ``item``), an inspection of a regulated service (``inspection``: the service's
Ofsted URN or declared label in ``item``), an audit that graded a file Inadequate (``audit``: the
audit in ``audit_id``) or a practice theme audits keep finding a concern (``theme``: the theme, as
``themes`` or the default list names it, in ``item``)."""
ACTION_STATUSES = ("open", "in progress", "done", "dropped")
"""An action's status; ``open`` and ``in progress`` are still open."""
OWNER_ROLES = ("ATM", "TM", "SM", "AD", "DCS", "IRO", "CP chair", "QA", "LSCB chair", "LSCB business manager",
               "Designated Nurse", "Partner agency")
"""Roles that own actions: a published report names roles, never people, so the register holds roles only."""
DATASETS["actions"] = Dataset(
    "actions",
    "One row per action of the action plan, one register across cycles.",
    (
        Column("action_id", "id", description="unique action reference"),
        Column("source", "choice", choices=ACTION_SOURCES,
               description="a framework, scr (serious case review), inspection, audit (remedial action on a file) "
                           "or theme (a practice theme audits keep finding a concern)"),
        Column("item", "id", required=False,
               description="the framework's item id (review.config.framework_items) or the serious case review's "
                           "reference, the service inspected, or the theme; empty for an audit"),
        Column("audit_id", "id", required=False,
               description="for source audit: the audit that graded the file Inadequate (pseudonymised at load)"),
        Column("action", "text", description="what will be done"),
        Column("owner_role", "choice", choices=OWNER_ROLES, description="the role that owns the action, never a name"),
        Column("cycle_raised", "cycle", description="cycle the action was raised in"),
        Column("due_date", "date", description="date the action is due"),
        Column("status", "choice", choices=ACTION_STATUSES, description="open, in progress, done or dropped"),
        Column("evidence", "text", required=False, description="evidence of completion (required when done)"),
        Column("closed_date", "date", required=False, description="date done or dropped (required when done)"),
    ),
    key=("action_id",),
    required=False,
)

# Identifier columns of the datasets added after the classification above (GOSE evidence, the LSCB's
# records, the actions register), classified on purpose like the rest.
CASE_FIELDS["lado_allegations"] = ("allegation_ref",)  # an allegation against a member of staff
AUDIT_FIELDS["actions"] = ("audit_id",)  # a remedial action names the audit that graded a file Inadequate
NOT_IDENTIFYING.update({
    "indicator_changes": ("indicator",),
    "regulated_services": ("grade_scale",),
    "lscb_challenges": ("challenge_id",),  # the board's reference for a challenge to an agency
    "actions": ("action_id", "item"),  # the register's reference; a framework item or a serious case review's reference
})


MAP_FRAMEWORKS = ("jar_haringey", "healthcare_commission", "gose_performance", "lscb_checklist", "governance")
"""Frameworks whose items the evidence map may name."""
SCRUTINY_FORUMS = ("scrutiny committee", "LSCB", "lead member", "corporate parenting board", "senior leadership team")

DATASETS["evidence_map"] = Dataset(
    "evidence_map",
    "The council's evidence map: one row per piece of evidence and framework item it bears on, with why.",
    (
        Column("framework", "choice", choices=MAP_FRAMEWORKS, description="the framework of the item"),
        Column("item", "id", description="the item id (review.config.framework_items), e.g. J07, H4, L4.6"),
        Column("source", "choice", choices=EVIDENCE_SOURCES,
               description="criterion, grade (an audit type's overall grades), indicator, record or theme (a theme "
                           "of the audit learning)"),
        Column("evidence", "id",
               description="the criterion, audit type, indicator, record measure or theme (see docs/evidence_map.md)"),
        Column("audit_type", "id", required=False,
               description="for a criterion: only answers from audits of this type (empty: every type it applies to)"),
        Column("agencies", "text", required=False,
               description="only audits, training, staffing or liaison feedback of these partner agencies, "
                           "separated by ';' (empty: all)"),
        Column("role", "choice", choices=MAP_ROLES, required=False,
               description="tests (judged; the default) or context (shown, never judged)"),
        Column("reason", "text", description="why this evidence tests what the item says"),
    ),
    key=("framework", "item", "source", "evidence", "audit_type", "agencies"),
    required=False,
)

DATASETS["scrutiny"] = Dataset(
    "scrutiny",
    "Performance reports taken to scrutiny, the LSCB and elected members, and the challenges made on them.",
    (
        Column("cycle", "cycle", description="cycle the report was planned for"),
        Column("forum", "choice", choices=SCRUTINY_FORUMS,
               description="scrutiny committee, LSCB, lead member, corporate parenting board or senior leadership team"),
        Column("report", "text", description="the report, as the forum's agenda names it"),
        Column("planned_date", "date", description="the meeting it was planned for"),
        Column("presented_date", "date", required=False, description="date presented; empty if not taken"),
        Column("challenges_made", "count", description="challenges or questions the forum put to managers on it"),
        Column("challenges_answered", "count", description="of those, answered in writing by the end of the cycle"),
    ),
    key=("cycle", "forum", "report"),
    required=False,
)

DATASETS["agencies"] = Dataset(
    "agencies",
    "The partner agencies the evidence names (in staff.service for partner agencies' auditors, partner_staffing, "
    "training, liaison_feedback, lscb_challenges), one row each, with the sector each belongs to.",
    (
        Column("agency", "id", description="the agency, as the other datasets name it"),
        Column("sector", "choice", choices=SECTORS,
               description="its sector: " + ", ".join(SECTORS) + "; a published page too small to show the "
                           "agency alone shows its sector"),
    ),
    key=("agency",),
    required=False,
)

DATASETS["partner_staffing"] = Dataset(
    "partner_staffing",
    "Partner agencies' safeguarding staffing per cycle (named and designated professionals, specialist posts).",
    (
        Column("cycle", "cycle", description="cycle"),
        Column("agency", "text", description="partner agency"),
        Column("establishment_fte", "number", description="funded safeguarding posts (FTE)"),
        Column("vacancies_fte", "number", description="vacant safeguarding posts (FTE)"),
    ),
    key=("cycle", "agency"),
    required=False,
)

# --- learning from audits: what auditors found, in words --------------------------------------------
STRENGTH_OR_CONCERN = ("strength", "concern")
"""Whether a theme an auditor records on a file is a strength of the practice found or a concern."""

DEFAULT_THEMES: tuple[tuple[str, str], ...] = (
    ("management oversight", "Managers' oversight of the case is recorded and effective: decisions, direction, "
     "and review of progress on the child's file (JAR finding 6: front-line practice 'not effectively monitored "
     "by line managers')."),
    ("supervision", "Supervision of the worker reflects on the child's circumstances and the risks, not only "
     "tasks, and its actions are followed up (the GOSE supervision file audit programme)."),
    ("child's voice", "The child is seen, and seen alone, their views and experience are sought, recorded and "
     "shape the plan (DCSF finding 11: 'enabling the child's voice to be heard')."),
    ("risk analysis", "The assessment identifies and analyses risk and need, taking account of history "
     "(JAR finding 5: assessments 'fail to identify those who are at immediate risk of harm')."),
    ("multi-agency working", "Agencies communicate, share information and work together on assessment, "
     "planning and review (JAR finding 4)."),
    ("planning", "The plan says what must change, by whom and by when, with a contingency, and is reviewed "
     "against progress (JAR finding 7: 'Child Protection plans are generally poor')."),
    ("recording", "Records and the chronology are up to date, accurate and say why decisions were made "
     "(JAR finding 9: record keeping 'inconsistent and often poor')."),
    ("timeliness", "Visits, assessments, conferences and reviews happen within timescale, without drift or delay."),
    ("working with families", "Parents and carers are engaged, understand the concerns and the plan, and "
     "their own needs are assessed."),
    ("outcomes for the child", "The child's circumstances improved because of the work, and the file shows it."),
)
"""The default theme list, used by a folder that declares no ``themes``: each theme with its definition,
drawn from the source's findings and the terms of published case-file audit tools (``domain.md``
section 1.2). It names no indicator: which indicators a theme speaks to is the council's to declare."""

DATASETS["themes"] = Dataset(
    "themes",
    "The council's practice themes: one row per theme auditors may record, with its definition.",
    (
        Column("theme", "id", description="the theme as auditors record it in audit_learning"),
        Column("definition", "text", description="what the theme covers, so auditors record it the same way"),
        Column("indicators", "text", required=False,
               description="indicators (indicators.indicator) whose area of practice the theme speaks to, "
                           "separated by ';' (empty: none)"),
    ),
    key=("theme",),
    required=False,
)
DATASETS["audit_learning"] = Dataset(
    "audit_learning",
    "What auditors learned from each file: one or more rows per audit, one per theme found.",
    (
        Column("audit_id", "id", description="the audit (an audit_id of audits; pseudonymised at load)"),
        Column("theme", "id", description="a theme of themes (or of the default list when there is no themes file)"),
        Column("strength_or_concern", "choice", choices=STRENGTH_OR_CONCERN,
               description="whether the theme was a strength or a concern on this file"),
        Column("narrative", "text", description="the auditor's short narrative on the theme"),
        Column("biggest_difference", "text", required=False,
               description="what would have made the biggest difference for the child"),
        Column("voice_of_the_child", "text", required=False,
               description="the child's voice: what the child said, or how their experience shows on the file"),
        Column("approved_for_publication", "bool", required=False,
               description="yes: the council approved this row's text for published pages (it is still screened "
                           "again before it is shown; empty or no: internal pages only)"),
    ),
    key=("audit_id", "theme"),
    required=False,
)
LEARNING_TEXT = ("narrative", "biggest_difference", "voice_of_the_child")
"""The free-text columns of ``audit_learning``: screened for identifying details before any use."""
AUDIT_FIELDS["audit_learning"] = ("audit_id",)  # the audit the learning was recorded on
NOT_IDENTIFYING.update({"themes": ("theme",), "audit_learning": ("theme",)})
