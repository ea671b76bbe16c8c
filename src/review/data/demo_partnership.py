"""Synthetic partnership evidence for the demo: police multi-agency audits and the LSCB's records.

A separate random stream (``seed + 3``), so adding this evidence left every other draw of the
demo unchanged. Police officers audit child protection files as a partner agency (the JAR
finding that social care, health and police do not communicate is about three agencies); the
LSCB's records say whether its chair is independent and which challenges it raised with member
agencies and whether each was answered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np

from review.config.cycles import cycle_bounds

__all__ = ["POLICE_AUDITORS", "POLICE_CRITERIA", "lscb_board", "lscb_challenges", "police_audits"]

POLICE_AUDITORS = {"PA01": "Police", "PA02": "Police"}
POLICE_CRITERIA = {
    "police_information_shared": ("The police shared what they knew with children's social care promptly",
                                  "multi-agency", 4),
}
POLICE_QUOTA = 6
LSCB_AGENCIES = ("Children's social care", "Police", "Health", "Education", "Probation")
INDEPENDENT_CHAIR_FROM = "2009-Q3"  # the board appoints an independent chair part-way through the demo


def police_audits(rng: np.random.Generator, cycle: str, cases: dict[str, dict], next_audit: int,
                  grades: tuple[str, ...], grade_of: Callable[[float], int]) -> list[dict]:
    """Police multi-agency audits of child protection files (audit ids from ``next_audit`` on)."""
    start, end = cycle_bounds(cycle)
    refs = [r for r in sorted(cases) if cases[r]["case_type"] == "CP"]
    rows = []
    for staff_id in POLICE_AUDITORS:
        for ref in rng.choice(refs, size=min(POLICE_QUOTA, len(refs)), replace=False).tolist():
            case = cases[ref]
            p = 1 / (1 + np.exp(-(0.3 + 0.8 * (case["latent"] - 0.1))))
            day = start + dt.timedelta(days=int(rng.integers(0, (end - start).days - 14)))
            rows.append({"audit_id": f"P{next_audit:05d}", "cycle": cycle, "case_ref": ref,
                         "case_type": case["case_type"], "team": case["team"], "audit_type": "multi-agency",
                         "auditor_id": staff_id, "auditor_tier": "Partner agency", "audit_date": day.isoformat(),
                         "selection": "random", "theme": None, "moderation_of": None, "grade_scale": "ofsted_2008",
                         "overall_grade": grades[grade_of(case["latent"] + rng.normal(0, 0.45))],
                         "police_information_shared": "Yes" if rng.random() < p else "No"})
            next_audit += 1
    return rows


LSCB_MEMBERS = 14
"""Member agencies expected at each of the demo board's meetings."""


def lscb_board(rng: np.random.Generator, cycles: tuple[str, ...]) -> list[dict]:
    """One row per cycle: whether the LSCB's chair is independent of its member agencies, and member
    agencies' attendance at its meetings (each place taken with a chance that rises from about 55% to
    about 80% over the demo's cycles: a board finding its feet)."""
    rows = []
    for k, c in enumerate(cycles):
        meetings = 1 + (k % 2)
        places = LSCB_MEMBERS * meetings
        chance = 0.55 + 0.25 * k / max(len(cycles) - 1, 1)
        rows.append({"cycle": c, "chair_independent": "yes" if c >= INDEPENDENT_CHAIR_FROM else "no",
                     "board_meetings": meetings, "member_places": places,
                     "member_attendances": int(rng.binomial(places, chance))})
    return rows


def lscb_challenges(rng: np.random.Generator, cycles: tuple[str, ...]) -> list[dict]:
    """One row per challenge the LSCB raised with a member agency, with the date it was answered."""
    rows = []
    number = 1
    for k, cycle in enumerate(cycles):
        start, end = cycle_bounds(cycle)
        for _ in range(int(rng.poisson(3 + 2 * k))):
            raised = start + dt.timedelta(days=int(rng.integers(0, (end - start).days - 10)))
            answered = None
            if rng.random() < 0.45 + 0.12 * k:
                answered = min(end, raised + dt.timedelta(days=int(rng.integers(5, 40))))
            rows.append({"cycle": cycle, "challenge_id": f"CH{number:03d}",
                         "agency": LSCB_AGENCIES[int(rng.integers(len(LSCB_AGENCIES)))],
                         "raised_date": raised.isoformat(), "answered_date": answered.isoformat() if answered else None})
            number += 1
    return rows
