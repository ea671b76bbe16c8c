"""Synthetic action register for the demo: framework actions, serious case review actions and
remedial actions on files audits graded Inadequate, over the demo's cycles.

A separate random stream (``seed + 14``), so adding the register left every other dataset of
the demo byte-identical. The register stands as at the last demo cycle's end: some actions are
done (on time or late), some open, some overdue, one dropped.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from review.config.cycles import cycle_bounds

__all__ = ["ACTION_COLUMNS", "FRAMEWORK_ACTIONS", "SCR_ACTIONS", "actions"]

ACTION_COLUMNS = ["action_id", "source", "item", "audit_id", "action", "owner_role", "cycle_raised", "due_date",
                  "status", "evidence", "closed_date"]

FRAMEWORK_ACTIONS = (
    # (cycle index raised, source, item, action, owner role, days to due)
    (0, "jar_haringey", "J02", "Send written feedback to every professional referrer within one working day", "SM", 60),
    (0, "jar_haringey", "J03", "Appoint an independent chair of the LSCB", "DCS", 150),
    (0, "jar_haringey", "J07", "Child protection plan quality workshop for every team manager", "AD", 75),
    (0, "lscb_checklist", "L4.3", "Publish the serious case review action plan tracker at each board", "LSCB business manager", 45),
    (1, "jar_haringey", "J05", "Re-audit assessments that missed immediate risk; share the learning", "SM", 70),
    (1, "healthcare_commission", "H4", "Health record-keeping audit in every provider trust", "Designated Nurse", 90),
    (1, "jar_haringey", "J11", "Record the child seen alone, or why not, at every visit", "TM", 40),
    (2, "governance", "G2.2", "Monthly team briefings on the directorate's safeguarding decisions", "SM", 60),
    (2, "jar_haringey", "J09", "Chronology on every open child protection file", "TM", 45),
    (2, "lscb_checklist", "L4.6", "Collect children's and families' views at each conference", "CP chair", 120),
    (3, "jar_haringey", "J06", "Team managers sample two files a month and record their oversight", "TM", 60),
    (3, "healthcare_commission", "H7", "Safeguarding level 3 training for every named professional", "Designated Nurse", 90),
)
"""Actions raised against framework items (the demo's own choices, not the source's)."""

SCR_ACTIONS = (
    ("SCR-2008-01", 0, "Multi-agency training on recognising non-accidental injury", "LSCB business manager", 90),
    ("SCR-2008-01", 0, "Strategy discussions recorded on the child's file within one working day", "SM", 45),
    ("SCR-2008-01", 1, "Audit the use of the escalation procedure by health and police", "Partner agency", 100),
    ("SCR-2009-02", 2, "Core groups to include the GP and school nurse", "CP chair", 60),
    ("SCR-2009-02", 3, "Review the threshold document with partner agencies", "LSCB chair", 120),
)
"""Serious case review action plans as they relate to children's social care (synthetic reviews)."""

_REMEDIAL = "Remedial action on the file agreed with the team manager and recorded"


def _close(rng: np.random.Generator, raised: dt.date, due: dt.date, end: dt.date, p_done: float,
           p_late: float) -> tuple[str, dt.date | None]:
    """Status and closing date of an action as at ``end``."""
    draw = rng.random()
    if draw < p_done:
        closed = raised + dt.timedelta(days=int(rng.integers(7, max(8, (due - raised).days + 1))))
    elif draw < p_done + p_late:
        closed = due + dt.timedelta(days=int(rng.integers(3, 40)))
    else:
        return ("in progress" if rng.random() < 0.5 else "open"), None
    return ("done", closed) if closed <= end else ("in progress", None)


def actions(rng: np.random.Generator, cycles: tuple[str, ...], audit_rows: list[dict],
            worst: dict[str, str]) -> list[dict]:
    """The register: framework and serious case review actions, then remedial actions on Inadequate files.

    ``worst`` maps a grade scale to its worst rated label; a first case-file audit graded so
    gets a remedial action due 28 days after the audit.
    """
    end = cycle_bounds(cycles[-1])[1]
    rows: list[dict] = []

    def add(source: str, item: str | None, audit_id: str | None, text: str, owner: str, k: int,
            raised: dt.date, due: dt.date, p_done: float, p_late: float) -> None:
        status, closed = _close(rng, raised, due, end, p_done, p_late)
        rows.append({"action_id": f"ACT{len(rows) + 1:04d}", "source": source, "item": item, "audit_id": audit_id,
                     "action": text, "owner_role": owner, "cycle_raised": cycles[k], "due_date": due.isoformat(),
                     "status": status, "evidence": ("Confirmed at the quality assurance meeting" if closed else None),
                     "closed_date": closed.isoformat() if closed else None})

    for k, source, item, text, owner, days in FRAMEWORK_ACTIONS:
        if k < len(cycles):
            raised = cycle_bounds(cycles[k])[0] + dt.timedelta(days=20)
            add(source, item, None, text, owner, k, raised, raised + dt.timedelta(days=days), 0.5, 0.2)
    for ref, k, text, owner, days in SCR_ACTIONS:
        if k < len(cycles):
            raised = cycle_bounds(cycles[k])[0] + dt.timedelta(days=30)
            add("scr", ref, None, text, owner, k, raised, raised + dt.timedelta(days=days), 0.35, 0.2)
    if len(rows) > 2:
        rows[2].update(status="dropped", evidence=None, closed_date=rows[2]["due_date"])
    for audit in audit_rows:
        if (audit["audit_type"] == "case file" and not audit.get("moderation_of")
                and worst.get(audit["grade_scale"]) == audit["overall_grade"]):
            day = dt.date.fromisoformat(str(audit["audit_date"]))
            add("audit", None, audit["audit_id"], _REMEDIAL, "TM", cycles.index(audit["cycle"]), day,
                day + dt.timedelta(days=28), 0.6, 0.2)
    return rows
