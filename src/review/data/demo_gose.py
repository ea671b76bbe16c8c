"""Synthetic demo evidence for the GOSE performance management framework's further items.

Drawn from its own random stream (``[seed, 13]``) so the other demo files keep their bytes, and
tied to them where the real returns would agree: children looked after at the end of a cycle are
the NI 62 and NI 66 cohorts, child protection plans started are NI 65's cohort and are split by
category of abuse, plans ended are NI 64's cohort, and children on a plan for three months or
more are NI 67's. Establishment, vacancies, agency cover and budgets vary by service, month and
cycle as in a real service. Nothing here describes a real child, worker, service or council.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from review.config.cycles import cycle_bounds

__all__ = ["INDICATORS", "gose_demo"]

INDICATORS = {  # id: (base rate, denominator per quarter, target, neighbour average)
    "NI59": (0.62, 420, 0.80, 0.72), "NI60": (0.74, 160, 0.80, 0.78), "NI61": (0.70, 6, 0.80, 0.74),
    "NI62": (0.12, 320, 0.11, 0.12), "NI63": (0.64, 140, 0.70, 0.67), "NI64": (0.06, 60, 0.05, 0.06),
    "NI65": (0.13, 70, 0.12, 0.13), "NI66": (0.88, 300, 0.95, 0.91), "NI67": (0.92, 120, 0.98, 0.95),
    "NI68": (0.58, 780, 0.65, 0.64),
}
"""The demo's National Indicators: each one's base rate, denominator per quarter, target and
neighbour average (the GOSE cohorts are tied to them)."""
GOSE_STREAM = 13
FEEDBACK = {"LAC": {"survey": 24, "advocacy service": 11}, "CP": {"survey": 16, "advocacy service": 5},
            "CIN": {"survey": 30, "advocacy service": 4}}
FEEDBACK_POSITIVE = 0.72
STAFF_FEEDBACK_FROM = "2009-Q2"  # the staff survey is "developed" from this cycle
ESTABLISHMENT = {"Referral and Assessment": 34.0, "Safeguarding and Support": 31.0, "Children in Care": 28.0,
                 "Leaving Care and Disability": 22.0}
BUDGET_LINES = {"Placements": 1_250_000, "Staffing": 820_000, "Agency staff": 160_000, "Section 17 payments": 45_000,
                "Legal": 90_000}
LAC_START, CP_START, POPULATION = 318, 246, 52_400
LAC_FLOW, CP_FLOW = (44, 41), (72, 68)  # mean starts, ends per quarter
CATEGORY_SHARES = {"Neglect": 0.44, "Physical abuse": 0.13, "Sexual abuse": 0.06, "Emotional abuse": 0.27,
                   "Multiple": 0.10}
NEIGHBOURS = {"CP": (41.5, 35.5), "LAC": (58.0, 55.0)}  # synthetic neighbour and England rates per 10,000
HOMES = ("Oak Lodge", "Beech House", "Rowan Close", "Elm Court")
OVERDUE_HOME = "Rowan Close"
HOME_URN = "SC90000"
"""The demo homes' Ofsted URNs are this and their number (SC900001...): synthetic, as the homes are."""
AGENCIES = ("Police", "Health", "Education", "Probation")
INDICATOR_CHANGES = (("NI59", "2009-Q2", "New duty and assessment system started"),)


def _returns(rng: np.random.Generator, cycle: str) -> list[dict]:
    start, end = cycle_bounds(cycle)
    last = dt.date(end.year, end.month, 28)
    quarterly = {"G01": "User and advocacy feedback report", "G02": "Staff feedback report",
                 "G03": "Case file audit summary", "G04": "Supervision file audit summary",
                 "G05": "IRO and conference chairs' audit report", "G06": "Complaints and compliments update",
                 "G09": "SCR action plan progress update", "G10": "Allegations against staff (LADO) report",
                 "G11": "Recruitment, retention and sickness report", "G13": "Quarterly performance report (NIS)",
                 "G15": "Liaison meetings feedback summary"}
    due: list[tuple[str, str, dt.date, str | None]] = [(i, t, last, None) for i, t in quarterly.items()
                                                       if not (i == "G02" and cycle < STAFF_FEEDBACK_FROM)]
    due += [("G12", "Social care expenditure monitoring", dt.date(start.year, start.month + m, 15), None)
            for m in range(3)]
    if end.month in (6, 12):
        due.append(("G08", "Regulated services inspection report", last, None))
    if end.month == 6:
        due.append(("G06", "Annual Complaints Report", end, "Cabinet member"))
        due.append(("G14", "Annual IRO report", end, "Corporate Parenting Board; LSCB"))
    if end.month == 9:
        due.append(("G07", "Private fostering annual report", end, "LSCB"))
    rows = []
    for item, title, day, to in due:
        u = rng.random()
        delivered = None if u < 0.05 else day + dt.timedelta(days=int(rng.integers(-6, 1 if u < 0.85 else 25)))
        if cycle == "2009-Q4" and item == "G02":
            delivered = None  # the demo's missing return
        if cycle == "2009-Q4" and item == "G12" and day.month == 12:
            delivered = day + dt.timedelta(days=9)  # the demo's late return
        rows.append({"cycle": cycle, "item": item, "return_title": title, "due_date": day.isoformat(),
                     "delivered_date": delivered.isoformat() if delivered else None, "presented_to": to})
    return rows


def _numbers(rng: np.random.Generator, history: list[str]) -> tuple[list[dict], list[dict], dict]:
    numbers, categories, truth = [], [], {}
    level = {"LAC": LAC_START, "CP": CP_START}
    for k, cycle in enumerate(history):
        population = int(POPULATION * (1.002 ** k))
        for group, (s_mean, e_mean) in (("LAC", LAC_FLOW), ("CP", CP_FLOW)):
            starts, ends = int(rng.poisson(s_mean)), int(rng.poisson(e_mean))
            level[group] += starts - ends
            nb, eng = NEIGHBOURS[group]
            numbers.append({"cycle": cycle, "group": group, "at_end": level[group], "starts": starts, "ends": ends,
                            "population_under_18": population, "neighbour_rate": f"{nb:.1f}",
                            "england_rate": f"{eng:.1f}"})
            truth[(cycle, group)] = (level[group], starts, ends)
            if group == "CP":
                split = rng.multinomial(starts, list(CATEGORY_SHARES.values()))
                categories += [{"cycle": cycle, "category": c, "plans_started": int(n)}
                               for c, n in zip(CATEGORY_SHARES, split, strict=True)]
    return numbers, categories, truth


def _align_indicators(rng: np.random.Generator, indicators: list[dict], truth: dict) -> None:
    """Make the NI cohorts the CP and LAC numbers (in place), keeping each indicator's rate."""
    cohort = {"NI62": lambda lac, cp: lac[0], "NI66": lambda lac, cp: lac[0], "NI64": lambda lac, cp: cp[2],
              "NI65": lambda lac, cp: cp[1], "NI67": lambda lac, cp: int(round(0.8 * cp[0]))}
    for row in indicators:
        rule = cohort.get(row["indicator"])
        if rule is None:
            continue
        d = rule(truth[(row["cycle"], "LAC")], truth[(row["cycle"], "CP")])
        rate = INDICATORS[row["indicator"]][0]
        row["denominator"], row["numerator"] = d, int(rng.binomial(d, rate))


def _workforce(rng: np.random.Generator, cycles: tuple[str, ...]) -> tuple[list[dict], dict]:
    rows, truth = [], {}
    for service, base in ESTABLISHMENT.items():
        est = base
        for k, cycle in enumerate(cycles):
            if service == "Safeguarding and Support" and k == 2:
                est += 3.0  # posts added after the 2009 review of child protection teams
            vacancies = float(np.clip(rng.normal(0.2 * est - 0.6 * k, 1.2), 0.5, est))
            agency = float(np.clip(vacancies * rng.uniform(0.55, 0.95), 0, vacancies))
            in_post = est - vacancies
            rows.append({"cycle": cycle, "service": service, "establishment_fte": f"{est:.1f}",
                         "vacancies_fte": f"{vacancies:.1f}", "agency_fte": f"{agency:.1f}",
                         "leavers": int(rng.poisson(0.045 * in_post)), "sickness_days": f"{rng.gamma(9, in_post / 9 * 2.2):.1f}",
                         "starters": int(rng.poisson(0.05 * in_post + 0.3 * k))})
            truth[f"{cycle}|{service}"] = est
    return rows, truth


def _finance(rng: np.random.Generator, cycles: tuple[str, ...]) -> list[dict]:
    rows = []
    spent: dict[tuple[str, str], tuple[float, int]] = {}  # spend and months simulated, per year and line
    for cycle in cycles:
        start = cycle_bounds(cycle)[0]
        for m in range(3):
            month = dt.date(start.year, start.month + m, 1)
            fy = month.year if month.month >= 4 else month.year - 1
            for line, base in BUDGET_LINES.items():
                budget = base * (1.03 if fy >= 2009 else 1.0) * (1.08 if line == "Placements" and month.month in (12, 1) else 1.0)
                over = {"Agency staff": 1.22, "Placements": 1.04}.get(line, 0.99)
                spend = budget * rng.normal(over, 0.04)
                total, months = spent.get((str(fy), line), (0.0, 0))
                spent[(str(fy), line)] = (total + spend, months + 1)
                # months of the year before the demo starts are taken to have run at the same rate
                forecast = total + spend + (12 - months - 1) * budget * over
                rows.append({"month": f"{month:%Y-%m}", "cycle": cycle, "budget_line": line, "budget": f"{budget:.0f}",
                             "spend": f"{spend:.0f}", "forecast_outturn": f"{forecast:.0f}"})
    return rows


def _inspections(rng: np.random.Generator) -> list[dict]:
    rows = []
    for name, kind, dates in (("Adoption agency", "adoption agency", ("2007-11-12",)),
                              ("Fostering agency", "fostering agency", ("2008-03-03",))):
        for d in dates:
            day = dt.date.fromisoformat(d)
            rows.append({"service_name": name, "service_type": kind, "inspection_date": d, "grade_scale": "ofsted_2008",
                         "grade": "Good", "next_due": dt.date(day.year + 3, day.month, 1).isoformat(),
                         "public_label": f"The council's {kind}"})  # a label the council declares public
    for number, home in enumerate(HOMES, start=1):
        day = dt.date(2008, 1, 10) + dt.timedelta(days=int(rng.integers(0, 60)))
        last = 4 if home == OVERDUE_HOME else 5
        for _ in range(last):
            grade = ("Outstanding", "Good", "Good", "Adequate", "Inadequate")[int(rng.choice(5, p=[0.1, 0.4, 0.2, 0.25, 0.05]))]
            due = day + dt.timedelta(days=182)
            rows.append({"service_name": home, "service_type": "children's home", "inspection_date": day.isoformat(),
                         "grade_scale": "ofsted_2008", "grade": grade, "next_due": due.isoformat(),
                         "urn": f"{HOME_URN}{number}"})
            day = due - dt.timedelta(days=int(rng.integers(0, 20)))
    return rows


def _lado(rng: np.random.Generator, cycles: tuple[str, ...]) -> list[dict]:
    rows, n = [], 1
    for cycle in cycles:
        start, end = cycle_bounds(cycle)
        for _ in range(int(rng.poisson(7))):
            referral = start + dt.timedelta(days=int(rng.integers(0, (end - start).days + 1)))
            days = int(rng.gamma(2.0, 14.0))
            concluded = referral + dt.timedelta(days=days)
            ongoing = concluded > dt.date(2009, 12, 31)
            outcome = "ongoing" if ongoing else str(rng.choice(["substantiated", "unsubstantiated", "unfounded",
                                                                "malicious"], p=[0.3, 0.4, 0.25, 0.05]))
            rows.append({"allegation_ref": f"LADO-{n:04d}", "cycle": cycle, "referral_date": referral.isoformat(),
                         "outcome": outcome, "concluded_date": None if ongoing else concluded.isoformat()})
            n += 1
    return rows


def gose_demo(seed: int, cycles: tuple[str, ...], history: list[str],
              indicators: list[dict]) -> tuple[dict[str, list[dict]], dict]:
    """Rows of every GOSE demo dataset, and the ground truth they were drawn from.

    ``indicators`` (the NI rows of ``history``) are changed in place so that their cohorts are the
    child protection and looked-after numbers drawn here.
    """
    rng = np.random.default_rng([seed, GOSE_STREAM])
    numbers, categories, flows = _numbers(rng, history)
    _align_indicators(rng, indicators, flows)
    workforce, establishment = _workforce(rng, cycles)
    returns = [r for cycle in cycles for r in _returns(rng, cycle)]
    feedback, staff, compliments, fostering, liaison = [], [], [], [], []
    for cycle in cycles:
        for group, routes in FEEDBACK.items():
            for source, mean in routes.items():
                n = int(rng.poisson(mean))
                feedback.append({"cycle": cycle, "group": group, "source": source, "responses": n,
                                 "positive": int(rng.binomial(n, FEEDBACK_POSITIVE))})
        for w in (r for r in workforce if r["cycle"] == cycle and cycle >= STAFF_FEEDBACK_FROM):
            invited = int(float(w["establishment_fte"]) - float(w["vacancies_fte"]))
            answered = int(rng.binomial(invited, 0.6))
            staff.append({"cycle": cycle, "service": w["service"], "invited": invited, "responses": answered,
                          "positive": int(rng.binomial(answered, 0.55))})
        for service in ESTABLISHMENT:
            compliments.append({"cycle": cycle, "service": service, "compliments": int(rng.poisson(6))})
        notified = int(rng.poisson(5))
        fostering.append({"cycle": cycle, "notifications": notified, "visited_in_time": int(rng.binomial(notified, 0.7)),
                          "arrangements_open": int(rng.poisson(12))})
        start = cycle_bounds(cycle)[0]
        for i, agency in enumerate(AGENCIES):
            raised = int(rng.poisson(3))
            liaison.append({"cycle": cycle, "agency": agency,
                            "meeting_date": (start + dt.timedelta(days=35 + 7 * i)).isoformat(),
                            "concerns_raised": raised, "concerns_resolved": int(rng.binomial(raised, 0.7))})
    tables = {
        "gose_returns": returns, "user_feedback": feedback, "staff_feedback": staff, "compliments": compliments,
        "private_fostering": fostering, "regulated_services": _inspections(rng), "lado_allegations": _lado(rng, cycles),
        "liaison_feedback": liaison, "cp_lac_numbers": numbers, "cp_categories": categories,
        "indicator_changes": [{"indicator": i, "from_cycle": c, "reason": r} for i, c, r in INDICATOR_CHANGES],
        "workforce": workforce, "finance": _finance(rng, cycles),
    }
    truth = {
        "cp_lac_numbers": {f"{c}|{g}": {"at_end": v[0], "starts": v[1], "ends": v[2]} for (c, g), v in flows.items()},
        "cp_lac_cohorts": {"NI62": "LAC at_end", "NI66": "LAC at_end", "NI64": "CP ends", "NI65": "CP starts",
                           "NI67": "0.8 x CP at_end, rounded"},
        "establishment_fte": establishment,
        "user_feedback_positive_rate": FEEDBACK_POSITIVE,
        "staff_feedback_from": STAFF_FEEDBACK_FROM,
        "overdue_inspection": OVERDUE_HOME,
        "missing_return": {"cycle": "2009-Q4", "item": "G02"},
        "late_return": {"cycle": "2009-Q4", "item": "G12", "due_date": "2009-12-15", "days_late": 9},
        "indicator_changes": [list(x) for x in INDICATOR_CHANGES],
    }
    return tables, truth
