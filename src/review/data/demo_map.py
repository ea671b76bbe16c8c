"""The demo council's evidence map, audit types and the records the map points at.

A council declares which of its evidence tests which framework item (``evidence_map``) and what
kind each of its audit types is (``audit_types``); the demo does the same, with reasons a reader
can check against the source and ``domain.md`` section 10. ``docs/evidence_map.md`` is written from
these rows (:func:`map_markdown`). The demo's independent chairs' audits are two audit types, CP
conferences and looked-after (LAC) reviews, and CP conference audits carry plan-quality criteria,
drawn from a random stream of their own so every other draw of the demo is unchanged.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from review.config.cycles import cycle_bounds
from review.config.framework_items import FRAMEWORK_ITEMS, GOSE_PMF
from review.data.demo_gose import HOME_URN

__all__ = ["AGENCY_SECTORS", "AUDIT_TYPE_ROWS", "inspection_actions", "CP_PLAN_CRITERIA", "MAP_COLUMNS", "MAP_ROWS", "independent_chairs", "map_markdown",
           "partner_staffing", "scrutiny"]

HEALTH = "Acute trust; Community health; Mental health trust; Primary care"
"""The demo's health agencies, as ``staff.service`` names them."""

AGENCY_SECTORS = (
    ("Acute trust", "health"), ("Community health", "health"), ("Mental health trust", "health"),
    ("Primary care", "health"), ("Health", "health"), ("Police", "police"), ("Education", "education"),
    ("Schools", "education"), ("Probation", "probation"), ("Children's social care", "social care"),
    ("Voluntary sector", "voluntary"),
)
"""Every agency the demo's evidence names, with its sector (``agencies.csv``)."""

AUDIT_TYPE_ROWS = (
    {"audit_type": "case file", "kind": "case file", "label": "Case-file audits"},
    {"audit_type": "supervision", "kind": "supervision", "label": "Supervision file audits"},
    {"audit_type": "CP conference", "kind": "cp conference",
     "label": "Independent chairs' audits of child protection conferences"},
    {"audit_type": "LAC review", "kind": "looked-after review",
     "label": "Independent reviewing officers' audits of looked-after children's reviews"},
    {"audit_type": "multi-agency", "kind": "multi-agency", "label": "Partner agencies' multi-agency audits"},
)

CP_PLAN_CRITERIA = {
    "cp_plan_outcomes": "The plan sets out the outcomes the child needs, in terms the family understands",
    "cp_plan_contingency": "The plan says what will happen if it does not work (a contingency)",
    "cp_plan_progress": "The conference reviewed progress against the last plan's actions",
}
"""Plan-quality criteria of the independent chairs' CP conference audits."""

MAP_COLUMNS = ("framework", "item", "source", "evidence", "audit_type", "agencies", "role", "reason")


def _row(framework: str, item: str, source: str, evidence: str, reason: str, *, audit_type: str = "",
         agencies: str = "", role: str = "tests") -> dict[str, str]:
    return {"framework": framework, "item": item, "source": source, "evidence": evidence, "audit_type": audit_type,
            "agencies": agencies, "role": role, "reason": reason}


J, H, G, L, V = "jar_haringey", "healthcare_commission", "gose_performance", "lscb_checklist", "governance"
MAP_ROWS = (
    _row(J, "J01", "record", "scrutiny_reports", "Whether performance reports reach elected members, scrutiny, "
         "the LSCB and senior leaders as planned is the oversight by members and senior officers the finding "
         "says is insufficient."),
    _row(J, "J02", "criterion", "feedback_to_referrer", "The finding names written feedback to referrers as the "
         "Climbie requirement not complied with."),
    _row(J, "J03", "record", "lscb_chair", "The finding says the lack of an independent chair compounds the "
         "failure."),
    _row(J, "J03", "record", "lscb_challenges", "Challenge to member agencies is what the finding says the LSCB "
         "fails to provide: were the challenges it raised answered?"),
    _row(J, "J04", "criterion", "concerns_shared", "Health sharing concerns with social care promptly is the "
         "routine communication the finding says is missing.", agencies=HEALTH),
    _row(J, "J04", "criterion", "police_information_shared", "The police sharing what they know with social care "
         "is the routine communication the finding says is missing."),
    _row(J, "J05", "criterion", "risk_identified", "Auditors judge whether the assessment identifies risk, which "
         "is what the finding says assessments fail to do."),
    _row(J, "J05", "indicator", "NI59", "Timeliness of initial assessments: context, not the quality of risk "
         "identification the finding is about.", role="context"),
    _row(J, "J05", "indicator", "NI60", "Timeliness of core assessments: context, not the quality of risk "
         "identification the finding is about.", role="context"),
    _row(J, "J06", "criterion", "management_oversight", "Recorded management oversight on the child's file is "
         "line managers monitoring front-line practice."),
    _row(J, "J06", "criterion", "reflective_supervision", "Supervision that analyses and reflects on the work is "
         "how line managers monitor the quality of practice."),
    _row(J, "J06", "criterion", "actions_followed_up", "Following up the last supervision's actions shows "
         "monitoring that changes practice."),
    _row(J, "J07", "criterion", "cp_plan_quality", "Case-file auditors judge whether the child protection plan "
         "says what must change, by whom and when: the plan's quality."),
    *(_row(J, "J07", "criterion", name, "Independent chairs judge this part of the plan's quality at the "
           "conference.", audit_type="CP conference") for name in CP_PLAN_CRITERIA),
    _row(J, "J07", "indicator", "NI67", "Reviews held in time say nothing of the plan's quality: context only.",
         role="context"),
    _row(J, "J08", "record", "scrutiny", "Challenges made by scrutiny, the LSCB and members, and whether managers "
         "answered them, are the systematic support and challenge the finding says is missing."),
    _row(J, "J09", "criterion", "records_up_to_date", "Case-file auditors judge whether records and the chronology "
         "are up to date: record keeping in social care."),
    _row(J, "J09", "criterion", "health_records_complete", "Health agencies' audits judge their own record keeping "
         "on the same children's files.", agencies=HEALTH),
    _row(J, "J10", "record", "indicator_areas_analysed", "The finding is reliance on figures without sufficiently "
         "robust analysis of the quality behind them: for each indicator reported, whether every theme the council "
         "declares for its area of practice (themes.indicators) was recorded on this cycle's audited files by different "
         "auditors shows whether that quality is analysed. It is never a count of criteria."),
    _row(J, "J11", "criterion", "child_seen", "Whether the child was seen tests the finding's first part."),
    _row(J, "J11", "criterion", "child_seen_alone", "Seen alone, or the reason why not recorded, is the finding's "
         "second part in its own words."),
    _row(J, "J11", "criterion", "childs_voice", "The child's views recorded and informing the plan is the child's "
         "voice being heard."),
    _row(J, "J11", "criterion", "child_participation", "Independent reviewing officers judge whether the child took "
         "part in the review: consulting the child.", audit_type="LAC review"),
    _row(J, "J11", "theme", "child's voice", "Where auditors wrote about the child's voice on a file, whether they "
         "found it a strength or a concern is the quality behind the finding's 'enabling the child's voice to be "
         "heard', read from audit learning."),
    _row(H, "H2", "criterion", "concerns_shared", "Health staff communicating concerns to social care promptly.",
         agencies=HEALTH),
    _row(H, "H3", "grade", "multi-agency", "The overall quality health agencies find in their own part of joint "
         "child protection work.", agencies=HEALTH),
    _row(H, "H4", "criterion", "health_records_complete", "Health records noting the concern and the plan is "
         "record keeping.", agencies=HEALTH),
    _row(H, "H5", "criterion", "concerns_shared", "Sharing concerns with social care promptly is information "
         "sharing.", agencies=HEALTH),
    _row(H, "H6", "criterion", "named_professional_advice", "Seeking advice from the named or designated "
         "professional is expertise shared.", agencies=HEALTH),
    _row(H, "H7", "record", "training", "Health staff trained in safeguarding and in date.", agencies=HEALTH),
    _row(H, "H7", "record", "partner_staffing", "Health agencies' safeguarding posts filled: the staffing half of "
         "the issue.", agencies=HEALTH),
    _row(G, "G01", "record", "user_feedback", "The feedback children and families gave."),
    _row(G, "G02", "record", "staff_feedback", "The staff survey, where one exists (the source: 'if developed')."),
    _row(G, "G03", "grade", "case file", "The quality managers find in the files they audit."),
    _row(G, "G04", "grade", "supervision", "The quality managers find in the supervision files they audit."),
    *(_row(G, "G04", "criterion", name, "A supervision file audit criterion.") for name in
      ("supervision_in_timescale", "reflective_supervision", "actions_followed_up")),
    *(_row(G, "G05", "criterion", name, "An independent chair's audit criterion of CP conferences and LAC "
           "reviews.") for name in ("child_participation", "plan_reviewed_in_timescale")),
    *(_row(G, "G05", "criterion", name, "An independent chair's plan-quality criterion at CP conferences.",
           audit_type="CP conference") for name in CP_PLAN_CRITERIA),
    _row(G, "G06", "record", "complaints_in_time", "Whether complaints were answered within the statutory "
         "timescale is how the council deals with the 'complaints' the item asks it to report each quarter; "
         "compliments are shown beside it, not judged."),
    _row(G, "G07", "record", "private_fostering_visits", "Visiting each newly notified private fostering "
         "arrangement within 7 working days is the council's duty the 'private fostering' update reports on."),
    _row(G, "G08", "record", "inspection_actions", "The council's part in inspections is acting on their findings; "
         "when the regulator visits is the regulator's timetable."),
    _row(G, "G09", "record", "scr_actions", "The content and progress of serious case review action plans."),
    _row(G, "G10", "record", "allegations_in_time", "Whether 'HR allegations' against staff were concluded "
         "within the declared time of their referral to the LADO (local authority designated officer) shows how "
         "promptly they are dealt with."),
    _row(G, "G11", "record", "vacancies", "The share of the establishment left vacant is the 'levels of "
         "recruitment & retention' the item asks for; turnover and sickness are shown beside it with no declared "
         "threshold."),
    _row(G, "G12", "record", "expenditure", "The year-to-date overspend against budget is 'social care "
         "expenditure' set against what was planned."),
    *(_row(G, "G13", "indicator", name, "One of 'the NIS Performance Indicators', judged against its own "
           "target.") for name in ("NI59", "NI60", "NI61", "NI62", "NI63", "NI64", "NI65", "NI66", "NI67")),
    _row(G, "G13", "indicator", "NI68", "One of 'the NIS Performance Indicators', but its definition gives "
         "referrals going on to assessment no better direction: context only.", role="context"),
    _row(G, "G14", "grade", "LAC review", "What the independent reviewing officers found, which the annual IRO "
         "report summarises."),
    _row(G, "G15", "record", "liaison_resolved", "Whether the concerns other agencies raised at liaison "
         "meetings were resolved shows whether their 'feedback ... via liaison meetings' was acted on."),
    _row(L, "L1", "record", "lscb_attendance", "A board operates through its member agencies taking part: each "
         "represented at its meetings by someone who can speak for it (Working Together 2006, chapter 3)."),
    _row(L, "L1", "record", "lscb_chair", "An independent chair is part of how the board is organised to "
         "operate (Working Together 2006); a condition, red when it fails, never green on its own."),
    _row(L, "L3", "record", "lscb_challenges", "Challenging member agencies is an LSCB function; answered "
         "challenges show it works."),
    _row(L, "L4.1", "grade", "multi-agency", "The quality member agencies' case-file audits find.", agencies=HEALTH),
    _row(L, "L4.1", "grade", "multi-agency", "The quality the police's case-file audits find.", agencies="Police"),
    _row(L, "L4.2", "record", "indicator_areas_analysed", "Data are used well when each figure is read beside "
         "what audits found in the same area of practice: the indicators whose area has audit learning analysed "
         "this cycle."),
    _row(L, "L4.3", "record", "scr_actions", "Serious case review action plans done, or on track."),
    _row(L, "L4.6", "theme", "child's voice", "Where auditors wrote about the child's voice, whether it was a "
         "strength or a concern is the quality of listening to children, read from audit learning."),
    _row(L, "L4.6", "criterion", "childs_voice", "The child's views recorded and informing the plan."),
    _row(L, "L4.6", "record", "user_feedback", "Feedback from children and families."),
    _row(V, "G1.2", "criterion", "reflective_supervision", "Supervision is where an individual's role and "
         "responsibilities are held to account."),
    _row(V, "G2.2", "record", "staff_feedback", "Staff survey responses on how well the service works for them, "
         "the team's side of communication."),
)
"""The demo council's evidence map."""


def independent_chairs(audit_rows: list[dict], rng: np.random.Generator) -> None:
    """Split the independent chairs' audits into CP conferences and LAC reviews, and answer the
    CP conference plan-quality criteria (in place)."""
    for row in audit_rows:
        if row["audit_type"] != "iro":
            continue
        if row["case_type"] == "CP":
            row["audit_type"] = "CP conference"
            good = {"Outstanding": 0.95, "Good": 0.85, "Adequate": 0.6, "Inadequate": 0.3}[row["overall_grade"]]
            for name in CP_PLAN_CRITERIA:
                row[name] = "Yes" if rng.random() < good else "No"
        else:
            row["audit_type"] = "LAC review"


def scrutiny(rng: np.random.Generator, cycles: tuple[str, ...]) -> list[dict]:
    """Reports planned for scrutiny, the LSCB and members each cycle, with the challenges made on them."""
    forums = (("scrutiny committee", "Children's social care performance report"),
              ("LSCB", "Safeguarding performance and audit report"),
              ("lead member", "Lead member briefing on safeguarding"),
              ("corporate parenting board", "Looked-after children's performance report"),
              ("senior leadership team", "Quarterly audit findings"))
    rows = []
    for k, cycle in enumerate(cycles):
        start, end = cycle_bounds(cycle)
        for forum, report in forums:
            planned = start + dt.timedelta(days=int(rng.integers(20, 70)))
            taken = rng.random() < 0.75 + 0.05 * k
            made = int(rng.integers(2, 7))
            answered = int(rng.binomial(made, 0.55 + 0.08 * k)) if taken else 0
            rows.append({"cycle": cycle, "forum": forum, "report": report, "planned_date": planned.isoformat(),
                         "presented_date": planned.isoformat() if taken else None,
                         "challenges_made": made if taken else 0, "challenges_answered": answered})
    return rows


def partner_staffing(rng: np.random.Generator, cycles: tuple[str, ...]) -> list[dict]:
    """Health agencies' and the police's safeguarding posts, with vacancies."""
    posts = {"Acute trust": 6.0, "Community health": 8.5, "Mental health trust": 3.0, "Primary care": 2.0,
             "Police": 12.0}
    return [{"cycle": cycle, "agency": agency, "establishment_fte": fte,
             "vacancies_fte": float(round(min(fte, rng.gamma(1.5, 0.12 * fte)) * 2) / 2)}
            for cycle in cycles for agency, fte in posts.items()]


INSPECTION_ACTIONS = (
    # (cycle index raised, service (its name, or a home by its Ofsted URN), action, owner role, days to due, done after days or None)
    (0, "Fostering agency", "Carers' annual reviews completed and recorded, as the inspection required", "SM", 80, 70),
    (1, f"Children's home {HOME_URN}1", "Missing-from-care return interviews within 72 hours", "SM", 60, None),
    (2, f"Children's home {HOME_URN}1", "Staff supervision every four weeks, recorded", "SM", 45, 60),
    (3, "Adoption agency", "Adopters' preparation groups every quarter", "SM", 120, None),
)
"""The council's actions on inspections' findings: what the council does, not when the regulator visits."""


def inspection_actions(rng: np.random.Generator, cycles: tuple[str, ...], first_id: int) -> list[dict]:
    """Action-register rows (source ``inspection``) for the demo's inspected services."""
    rows = []
    for i, (k, service, action, owner, due_days, done_days) in enumerate(INSPECTION_ACTIONS):
        if k >= len(cycles):
            continue
        start, last_end = cycle_bounds(cycles[k])[0], cycle_bounds(cycles[-1])[1]
        raised = start + dt.timedelta(days=int(rng.integers(5, 30)))
        closed = raised + dt.timedelta(days=done_days) if done_days is not None else None
        done = closed is not None and closed <= last_end
        rows.append({"action_id": f"ACT{first_id + i:04d}", "source": "inspection", "item": service, "audit_id": None,
                     "action": action, "owner_role": owner, "cycle_raised": cycles[k],
                     "due_date": (raised + dt.timedelta(days=due_days)).isoformat(),
                     "status": "done" if done else "open",
                     "evidence": "Checked at the next monitoring visit" if done else None,
                     "closed_date": closed.isoformat() if done and closed is not None else None})
    return rows


def map_markdown(rows: list[dict]) -> str:
    """``docs/evidence_map.md``: each framework item in the source's order with the evidence mapped to it
    and why, and the items the map gives no independent evidence."""
    out = ["# The demo's evidence map", "",
           "Written from `data/demo/evidence_map.csv` by `review.data.demo_map.map_markdown` (a test keeps the",
           "two equal). Each line is one piece of the demo council's evidence, the item it bears on and why.",
           "*Context* lines are shown beside the item and never judged. A council writes its own map",
           "(`docs/data.md`, `evidence_map`); `review validate` lists it the same way.", "",
           "Agencies' ratings of themselves (the Healthcare Commission's issues, the LSCB checklist) are",
           "self-assessment: their spread is shown beside the evidence, and no agreement coefficient is computed,",
           "since the raters do not rate the same units (`domain.md` section 10). Every audit line has one",
           "interval on every page: the finite population correction applies only to case-file audits all drawn",
           "at random from the quarter's frame of open cases (`review.analyses.mapped.sample_frame`).", ""]
    names = {"jar_haringey": "Joint Area Review (JAR) of Haringey 2008: main findings",
             "healthcare_commission": "Healthcare Commission: preliminary issues",
             "gose_performance": "GOSE children's social care performance management framework (the audit items)",
             "lscb_checklist": "GOSE Local Safeguarding Children Board (LSCB) quality assurance checklist",
             "governance": "Social care governance exercise"}
    for framework, title in names.items():
        out += [f"## {title}", ""]
        items = [(i.item_id, i.text) for i in FRAMEWORK_ITEMS[framework]] if framework in FRAMEWORK_ITEMS \
            else [(item_id, text) for item_id, text, _ in GOSE_PMF]
        for item_id, text in items:
            mine = [r for r in rows if r["framework"] == framework and r["item"] == item_id]
            out.append(f"- **{item_id}** {text}")
            if not mine:
                out.append("  - no independent evidence mapped: judged on self-assessment alone, or \"no evidence\"")
            for r in mine:
                where = "".join([f", {r['audit_type']} audits" if r["audit_type"] else "",
                                 f", {r['agencies']}" if r["agencies"] else ""])
                role = " (context)" if r["role"] == "context" else ""
                out.append(f"  - {r['source']} `{r['evidence']}`{where}{role}: {r['reason']}")
        out.append("")
    return "\n".join(out)
