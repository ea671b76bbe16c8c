"""Synthetic demo evidence: a council's audit programme over several quarters, from a seed.

Nothing here describes a real child, case, worker or council. The world is simulated from a
latent quality score per case (higher is better) that auditors read through their own
leniency and noise, so the statistics have something true to recover: the generator writes
that truth to ``ground_truth.json`` beside the data (each auditor's leniency, the true grade
distribution, the team that is getting worse, the indicator with a real shift), and tests check
that the workbook's estimates recover it within their intervals.

Realism: grades skew towards Good and Adequate (so the kappa paradox appears), team and
assistant team managers grade more generously than the senior managers who moderate them,
one team deteriorates quarter by quarter, NI 59 improves when a new duty system starts in
2009-Q2, and not every auditor meets their quota.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from review.config.cycles import cycle_bounds, cycle_range, previous_cycle
from review.config.framework_items import rated_items
from review.data import demo_actions, demo_learning, demo_map
from review.data import demo_partnership as partnership
from review.data.demo_gose import INDICATORS, gose_demo
from review.data.schema import DATASETS

__all__ = ["DEMO_CYCLES", "DEMO_SEED", "write_demo"]

DEMO_SEED = 20090101
DEMO_CYCLES = ("2009-Q1", "2009-Q2", "2009-Q3", "2009-Q4")

SERVICES = {
    "Referral and Assessment": ("Assessment North", "Assessment South", "Assessment East"),
    "Safeguarding and Support": ("Child Protection 1", "Child Protection 2", "Family Support"),
    "Children in Care": ("Children in Care 1", "Children in Care 2", "Fostering Support"),
    "Leaving Care and Disability": ("Leaving Care", "Disabled Children", "Adolescent Support"),
}
CASE_MIX = {  # case-type shares per service
    "Referral and Assessment": {"CIN": 0.75, "CP": 0.2, "Early help": 0.05},
    "Safeguarding and Support": {"CP": 0.55, "CIN": 0.45},
    "Children in Care": {"LAC": 0.95, "CP": 0.05},
    "Leaving Care and Disability": {"Care leaver": 0.5, "CIN": 0.35, "LAC": 0.15},
}
DECLINING_TEAM = "Child Protection 2"
GRADES = ("Outstanding", "Good", "Adequate", "Inadequate")
CUTS = (-0.8, 0.35, 1.7)  # latent score -> Inadequate | Adequate | Good | Outstanding
CASE_QUOTA = {"ATM": 3, "TM": 6, "SM": 3, "AD": 2, "DCS": 1}
SUPERVISION_QUOTA = {"TM": 3, "SM": 2, "AD": 1}
IRO_QUOTA = 4
LENIENCY_MEAN = {"ATM": 0.55, "TM": 0.5, "SM": 0.05, "AD": 0.0, "DCS": -0.05, "IRO": -0.1}
NOISE_SD = 0.45
MODERATION_SHARE = {("ATM", "SM"): 0.35, ("TM", "SM"): 0.35, ("SM", "AD"): 0.3, ("AD", "DCS"): 0.5}
CASE_CRITERIA = ("child_seen", "child_seen_alone", "childs_voice", "risk_identified", "cp_plan_quality",
                 "management_oversight", "records_up_to_date", "feedback_to_referrer")
SUPERVISION_CRITERIA = ("supervision_in_timescale", "reflective_supervision", "actions_followed_up")
IRO_CRITERIA = ("child_participation", "plan_reviewed_in_timescale")
HEALTH_CRITERIA = ("health_records_complete", "concerns_shared", "named_professional_advice")
HEALTH_AUDITORS = {"HP01": "Acute trust", "HP02": "Community health", "HP03": "Mental health trust", "HP04": "Primary care"}
HEALTH_QUOTA = 5
NI59_SHIFT = ("2009-Q2", 0.62, 0.79)


def _grade(latent: np.ndarray) -> np.ndarray:
    """Positions in GRADES (0 = Outstanding) of latent scores."""
    return np.asarray(3 - np.searchsorted(np.asarray(CUTS), latent))


def _expected_position(mean: np.ndarray, sd: float) -> np.ndarray:
    """E[position] of a grade read from latent ~ N(mean, sd)."""
    above = [stats.norm.sf((c - mean) / sd) if sd > 0 else (mean > c).astype(float) for c in CUTS]
    return np.asarray(3 - sum(above))


LOCAL_DEFINITIONS = ({"indicator": "LA01", "definition_version": "LOCAL-2009",
                      "title": "Children on a child protection plan visited within 10 working days",
                      "numerator": "children on a plan at the period's end seen within 10 working days of their last "
                                   "visit", "denominator": "children on a plan at the period's end",
                      "higher_is_better": "yes", "context_only": "no", "cumulative": "no",
                      "threshold_working_days": 10, "source": "the council's child protection procedures, 2009"},)
"""The demo's declaration of a local indicator (``indicator_definitions``): an example of the file;
the demo's ``indicators`` do not report it."""


def _csv(rows: list[dict], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", extrasaction="raise")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if row.get(k) is None else row[k]) for k in columns})
    return out.getvalue()


class _World:
    """The simulated council; every draw comes from one generator, in a fixed order."""

    def __init__(self, seed: int, cycles: tuple[str, ...], cases: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.cycles = cycles
        self.n_cases = cases
        self.teams = [(t, s) for s, ts in SERVICES.items() for t in ts]
        self.staff = self._staff()
        self.team_effect = {t: self.rng.normal(0.0, 0.25) for t, _ in self.teams}
        self.team_effect[DECLINING_TEAM] = 0.2
        self.cases: dict[str, dict] = {}
        self.last_audit: dict[str, dt.date] = {}
        self.next_case, self.next_audit = 100001, 1

    def _staff(self) -> list[dict[str, Any]]:
        staff: list[dict[str, Any]] = []
        for i, (team, service) in enumerate(self.teams, start=1):
            staff.append({"staff_id": f"ATM{i:02d}", "tier": "ATM", "team": team, "service": service})
            staff.append({"staff_id": f"TM{i:02d}", "tier": "TM", "team": team, "service": service})
        for i, service in enumerate(SERVICES, start=1):
            staff.append({"staff_id": f"SM{i:02d}", "tier": "SM", "team": None, "service": service})
        staff.append({"staff_id": "AD01", "tier": "AD", "team": None, "service": None})
        staff.append({"staff_id": "DCS01", "tier": "DCS", "team": None, "service": None})
        staff += [{"staff_id": f"IRO{i:02d}", "tier": "IRO", "team": None, "service": None} for i in range(1, 5)]
        for person in staff:
            sd = 0.25 if person["tier"] in ("ATM", "TM") else 0.1
            person["leniency"] = float(self.rng.normal(LENIENCY_MEAN[person["tier"]], sd))
        return staff

    def team_mean(self, team: str, k: int) -> float:
        """Latent mean of a team's cases in the k-th cycle (0-based)."""
        decline = -0.35 * k if team == DECLINING_TEAM else 0.0
        return 0.1 + self.team_effect[team] + decline


def _frame(world: _World, k: int, cycle: str) -> tuple[list[dict], dict[str, dict]]:
    """Open cases at the start of cycle k: some close, new ones open, quality drifts by team."""
    rng = world.rng
    start = cycle_bounds(cycle)[0]
    service_of = dict(world.teams)
    tm_of = {p["team"]: p["staff_id"] for p in world.staff if p["tier"] == "TM"}
    if k:
        for ref in [r for r in sorted(world.cases) if rng.random() < 0.15]:
            del world.cases[ref]
    while len(world.cases) < world.n_cases:
        team = world.teams[int(rng.integers(len(world.teams)))][0]
        mix = CASE_MIX[service_of[team]]
        number = world.teams.index((team, service_of[team])) + 1
        world.cases[f"C{world.next_case}"] = {
            "team": team,
            "case_type": str(rng.choice(list(mix), p=list(mix.values()))),
            "allocated_worker": f"W{number:02d}{'ABCDEF'[int(rng.integers(6))]}",
            "opened_date": start - dt.timedelta(days=int(rng.integers(20, 900) if not k else rng.integers(5, 88))),
            "last_audit_date": None,
            "offset": float(rng.normal(0, 0.8)),
        }
        world.next_case += 1
    rows, snapshot = [], {}
    for ref in sorted(world.cases):
        case = world.cases[ref]
        case["latent"] = world.team_mean(case["team"], k) + case["offset"]
        snapshot[ref] = dict(case)
        rows.append({"cycle": cycle, "case_ref": ref, "team": case["team"], "case_type": case["case_type"],
                     "allocated_worker": case["allocated_worker"], "team_manager": tm_of[case["team"]],
                     "opened_date": case["opened_date"].isoformat(),
                     "last_audit_date": case["last_audit_date"].isoformat() if case["last_audit_date"] else None})
    return rows, snapshot


def _criteria_answers(rng: np.random.Generator, case: dict, leniency: float, names: tuple[str, ...]) -> dict[str, str]:
    """What an auditor records: the file's facts (drawn once per case and cycle), read with a
    small error rate; a lenient auditor overlooks more of what is missing."""
    facts = case.setdefault("facts", {})
    out = {}
    for name in names:
        if (name == "cp_plan_quality" and case["case_type"] != "CP") or (
                name == "feedback_to_referrer" and case["case_type"] not in ("CIN", "CP", "Early help")):
            out[name] = "N/A"
            continue
        if name not in facts:
            base = {"child_seen": 2.6, "child_seen_alone": 0.5, "childs_voice": 0.7,
                    "feedback_to_referrer": -0.2}.get(name, 1.0)
            facts[name] = bool(rng.random() < 1 / (1 + np.exp(-(base + 1.1 * (case["latent"] - 0.1)))))
        p_yes = 0.97 if facts[name] else 0.06 + 0.12 * max(leniency, 0.0)
        out[name] = "Yes" if rng.random() < p_yes else "No"
    return out


class _Auditing:
    """One cycle's audits: quotas, peer selection with exclusions, then moderation."""

    def __init__(self, world: _World, cycle: str, cases: dict[str, dict]) -> None:
        self.world, self.cycle, self.cases = world, cycle, cases
        self.start, self.end = cycle_bounds(cycle)
        self.refs = sorted(cases)
        self.made: list[dict] = []
        self.staff = {p["staff_id"]: p for p in world.staff}

    def day(self, lo: dt.date) -> dt.date:
        return lo + dt.timedelta(days=int(self.world.rng.integers(0, max(1, (self.end - lo).days - 14))))

    def eligible(self, person: dict) -> list[str]:
        cutoff = self.start - dt.timedelta(days=365)
        own_service = SERVICES.get(person["service"] or "", ())
        return [r for r in self.refs
                if self.cases[r]["team"] != person["team"]  # never a case one supervises directly
                and (person["tier"] != "SM" or self.cases[r]["team"] in own_service)
                and (self.world.last_audit.get(r) is None or self.world.last_audit[r] < cutoff)]

    def add(self, person: dict, ref: str, audit_type: str, day: dt.date, selection: str, theme: str | None,
            moderation_of: str | None) -> dict:
        rng, case = self.world.rng, self.cases[ref]
        lean = self.staff[person["staff_id"]]["leniency"]
        read = case["latent"] + lean + rng.normal(0, NOISE_SD)
        names = {"case file": CASE_CRITERIA, "supervision": SUPERVISION_CRITERIA, "iro": IRO_CRITERIA,
                 "multi-agency": HEALTH_CRITERIA}[audit_type]
        row = {
            "audit_id": f"A{self.world.next_audit:05d}", "cycle": self.cycle, "case_ref": ref,
            "case_type": case["case_type"], "team": case["team"], "audit_type": audit_type,
            "auditor_id": person["staff_id"], "auditor_tier": person["tier"], "audit_date": day.isoformat(),
            "selection": selection, "theme": theme, "moderation_of": moderation_of, "grade_scale": "ofsted_2008",
            "overall_grade": GRADES[int(_grade(np.array([read]))[0])],
            **_criteria_answers(rng, case, lean, names),
        }
        self.world.next_audit += 1
        self.made.append(row)
        self.world.last_audit[ref] = day
        if ref in self.world.cases:
            self.world.cases[ref]["last_audit_date"] = day
        return row

    def run(self) -> tuple[list[dict], list[dict]]:
        rng = self.world.rng
        for person in self.world.staff:
            tier = person["tier"]
            quota = IRO_QUOTA if tier == "IRO" else CASE_QUOTA.get(tier, 0)
            done = quota - (int(rng.integers(1, max(2, quota))) if rng.random() < 0.2 else 0)  # some fall short
            pool = self.eligible(person)
            if tier == "IRO":
                pool = [r for r in pool if self.cases[r]["case_type"] in ("CP", "LAC")]
            for ref in rng.choice(pool, size=min(max(done, 0), len(pool)), replace=False).tolist():
                themed = bool(rng.random() < 0.15)
                self.add(person, ref, "iro" if tier == "IRO" else "case file", self.day(self.start),
                         "themed" if themed else "random", "domestic abuse" if themed else None, None)
            for ref in rng.choice(pool, size=min(SUPERVISION_QUOTA.get(tier, 0), len(pool)), replace=False).tolist():
                self.add(person, ref, "supervision", self.day(self.start), "random", None, None)
        truth = []
        for (junior, senior), share in MODERATION_SHARE.items():
            firsts = [a for a in self.made if a["auditor_tier"] == junior and a["audit_type"] == "case file"
                      and a["moderation_of"] is None]
            for audit in firsts:
                if rng.random() >= share:
                    continue
                service = next(s for s, ts in SERVICES.items() if audit["team"] in ts)
                candidates = [p for p in self.world.staff if p["tier"] == senior and (senior != "SM" or p["service"] == service)]
                moderator = candidates[int(rng.integers(len(candidates)))]
                first_day = dt.date.fromisoformat(audit["audit_date"])
                self.add(moderator, audit["case_ref"], "case file", first_day + dt.timedelta(days=int(rng.integers(1, 14))),
                         audit["selection"], audit["theme"], audit["audit_id"])
                latent = self.cases[audit["case_ref"]]["latent"]
                a_lean = self.staff[audit["auditor_id"]]["leniency"]
                m_lean = self.staff[moderator["staff_id"]]["leniency"]
                expected = _expected_position(np.array([latent + m_lean, latent + a_lean]), NOISE_SD)
                truth.append({"cycle": self.cycle, "auditor": audit["auditor_id"], "moderator": moderator["staff_id"],
                              "expected_difference": float(expected[0] - expected[1])})
        return self.made, truth


def _health_audits(rng: np.random.Generator, world: _World, cycle: str, cases: dict[str, dict]) -> list[dict]:
    """Health agencies' multi-agency audits of child protection files: a separate random stream,
    so adding them left every other draw of the demo unchanged."""
    start, end = cycle_bounds(cycle)
    refs = [r for r in sorted(cases) if cases[r]["case_type"] == "CP"]
    rows = []
    for staff_id in HEALTH_AUDITORS:
        for ref in rng.choice(refs, size=min(HEALTH_QUOTA, len(refs)), replace=False).tolist():
            case = cases[ref]
            answers = {}
            for name, base in zip(HEALTH_CRITERIA, (0.6, 0.9, 0.2), strict=True):
                p = 1 / (1 + np.exp(-(base + 0.8 * (case["latent"] - 0.1))))
                answers[name] = "Yes" if rng.random() < p else "No"
            day = start + dt.timedelta(days=int(rng.integers(0, (end - start).days - 14)))
            rows.append({"audit_id": f"M{world.next_audit:05d}", "cycle": cycle, "case_ref": ref,
                         "case_type": case["case_type"], "team": case["team"], "audit_type": "multi-agency",
                         "auditor_id": staff_id, "auditor_tier": "Partner agency", "audit_date": day.isoformat(),
                         "selection": "random", "theme": None, "moderation_of": None, "grade_scale": "ofsted_2008",
                         "overall_grade": GRADES[int(_grade(np.array([case["latent"] + rng.normal(0, NOISE_SD)]))[0])],
                         **answers})
            world.next_audit += 1
    return rows


def _indicators(rng: np.random.Generator, cycles: list[str]) -> list[dict]:
    rows = []
    for k, cycle in enumerate(cycles):
        for ni, (rate, denom, target, neighbours) in INDICATORS.items():
            if ni == "NI59":
                rate = NI59_SHIFT[2] if cycle >= NI59_SHIFT[0] else NI59_SHIFT[1]
            if ni == "NI65":
                rate += 0.002 * k
            d = int(rng.poisson(denom))
            rows.append({"cycle": cycle, "indicator": ni, "definition_version": "NI-2008",
                         "numerator": int(rng.binomial(d, rate)), "denominator": d,
                         "target": f"{target:.2f}", "neighbour_average": f"{neighbours:.2f}"})
    return rows


SCHEDULE = (  # item, owner tier, frequency
    ("Monthly performance report to the DCS", "AD", "monthly"),
    ("Case file audit summary", "SM", "quarterly"),
    ("Supervision audit summary", "SM", "quarterly"),
    ("IRO quarterly report", "AD", "quarterly"),
    ("Complaints report", "AD", "quarterly"),
    ("Workforce and vacancies report", "AD", "quarterly"),
    ("Budget monitoring report", "AD", "monthly"),
    ("Performance clinic with team managers", "SM", "monthly"),
    ("Report to the LSCB performance sub-group", "AD", "quarterly"),
)


def _schedule(rng: np.random.Generator, cycles: tuple[str, ...]) -> list[dict]:
    rows = []
    for cycle in cycles:
        start, end = cycle_bounds(cycle)
        for item, owner, freq in SCHEDULE:
            months = [start.month, start.month + 1, start.month + 2] if freq == "monthly" else [start.month + 2]
            for m in months:
                due = dt.date(start.year, m, 15 if freq == "monthly" else 28)
                u = rng.random()
                delivered = None if u < 0.08 else due + dt.timedelta(days=int(rng.integers(-5, 3 if u < 0.8 else 21)))
                rows.append({"cycle": cycle, "item": item, "owner_tier": owner, "frequency": freq,
                             "due_date": due.isoformat(), "delivered_date": delivered.isoformat() if delivered else None})
    return rows


RATERS = {
    "jar_haringey": ("AD01", "SM01", "SM02", "SM03", "SM04"),
    "healthcare_commission": ("Acute trust", "Community health", "Mental health trust", "Primary care"),
    "lscb_checklist": ("Children's social care", "Police", "Health", "Education", "Probation", "Voluntary sector"),
    "governance": ("Area manager N", "Area manager S", "Area manager E", "Area manager W", "Area manager C"),
}


OLD_RATED_ITEMS = {"jar_haringey": 11, "healthcare_commission": 7, "lscb_checklist": 9, "governance": 8}
"""Items per framework when the self-assessments were drawn from the world's stream; their draws
are still taken from it (and discarded) so every dataset drawn after them stays byte-identical."""


def _burn_old_self_assessment_draws(rng: np.random.Generator, cycles: tuple[str, ...]) -> None:
    draws = sum(len(RATERS[f]) * (1 + n) for f, n in OLD_RATED_ITEMS.items()) * len(cycles)
    rng.normal(size=draws)


def _self_assessments(rng: np.random.Generator, cycles: tuple[str, ...]) -> list[dict]:
    """Ratings of each framework's rated items (quoted from the source) by its raters."""
    rows = []
    for k, cycle in enumerate(cycles):
        for framework, raters in RATERS.items():
            bias = {r: rng.normal(0, 0.3) for r in raters}
            for item in rated_items(framework):
                level = 1.2 + 0.25 * k + (0.5 if item.item_id == "L1" else 0.0)
                for rater in raters:
                    score = level + bias[rater] + rng.normal(0, 0.5)
                    if framework == "governance":
                        shift = 1 if item.group == "roles" else -0.5
                        scale, rating = "scaling_0_10", str(int(np.clip(round(4 + 1.4 * score + shift), 0, 10)))
                    else:
                        scale, rating = "ofsted_2008", GRADES[int(_grade(np.array([score - 0.6]))[0])]
                    rows.append({"cycle": cycle, "framework": framework, "item": item.item_id, "rater": rater,
                                 "rater_type": "manager" if framework == "jar_haringey" else (
                                     "area manager" if framework == "governance" else "agency"),
                                 "grade_scale": scale, "rating": rating,
                                 "evidence": f"Evidence for {item.item_id} in {cycle}: see the {rater} return."})
    return rows


def _workforce_finance(rng: np.random.Generator, cycles: tuple[str, ...]) -> tuple[list[dict], ...]:
    workforce, finance, training, complaints = [], [], [], []
    for k, cycle in enumerate(cycles):
        for service in SERVICES:
            est = 30.0
            vac = float(np.clip(rng.normal(6 - k * 0.8, 1.0), 0, est))
            workforce.append({"cycle": cycle, "service": service, "establishment_fte": f"{est:.1f}",
                              "vacancies_fte": f"{vac:.1f}", "agency_fte": f"{vac * 0.8:.1f}",
                              "leavers": int(rng.poisson(2)), "sickness_days": f"{rng.gamma(8, 12):.1f}"})
        start = cycle_bounds(cycle)[0]
        for m in range(3):
            month = f"{start.year}-{start.month + m:02d}"
            for line, budget in (("Placements", 1_250_000), ("Staffing", 820_000), ("Agency staff", 160_000),
                                 ("Section 17 payments", 45_000), ("Legal", 90_000)):
                over = 1.25 if line == "Agency staff" else 1.02
                finance.append({"month": month, "cycle": cycle, "budget_line": line, "budget": f"{budget:.0f}",
                                "spend": f"{budget * rng.normal(over, 0.05):.0f}"})
        for agency, n in (("Children's social care", 240), ("Acute trust", 410), ("Community health", 180),
                          ("Police", 95), ("Schools", 620)):
            done = int(rng.binomial(n, min(0.98, 0.7 + 0.05 * k)))
            training.append({"cycle": cycle, "agency": agency, "required": n, "completed": done})
        for stage, mean in (("1", 14), ("2", 3), ("3", 1)):
            received = int(rng.poisson(mean))
            complaints.append({"cycle": cycle, "stage": stage, "received": received,
                               "responded_in_time": int(rng.binomial(received, 0.8)),
                               "upheld": int(rng.binomial(received, 0.35))})
    return workforce, finance, training, complaints


GRADE_SCALES: tuple[tuple[str, tuple[str, ...], set[str], set[str]], ...] = (
    ("ofsted_2008", GRADES, {"Outstanding", "Good"}, set()),
    ("ofsted_2013", ("Outstanding", "Good", "Requires improvement", "Inadequate"), {"Outstanding", "Good"}, set()),
    ("satisfactory_2008", ("Outstanding", "Good", "Satisfactory", "Inadequate"), {"Outstanding", "Good"}, set()),
    ("compliance", ("Yes", "No", "N/A"), {"Yes"}, {"N/A"}),
    ("scaling_0_10", tuple(str(v) for v in range(10, -1, -1)), {str(v) for v in range(7, 11)}, set()),
)
CRITERIA_LABELS = {
    "child_seen": ("The child was seen during the assessment", "case file"),
    "child_seen_alone": ("The child was seen alone, or the reason why not is recorded", "case file"),
    "childs_voice": ("The child's views are recorded and inform the plan", "case file"),
    "risk_identified": ("The assessment identifies risk and takes account of history", "case file"),
    "cp_plan_quality": ("The child protection plan says what must change, by whom and when", "case file"),
    "management_oversight": ("Management oversight and decisions are recorded", "case file"),
    "records_up_to_date": ("Records are up to date, with a current chronology", "case file"),
    "feedback_to_referrer": ("The referrer received written feedback on the outcome", "case file"),
    "supervision_in_timescale": ("Supervision took place within the required interval", "supervision"),
    "reflective_supervision": ("Supervision records analysis and reflection, not only actions", "supervision"),
    "actions_followed_up": ("Actions from the last supervision were followed up", "supervision"),
    "child_participation": ("The child took part in, or contributed to, the review", "CP conference; LAC review"),
    "plan_reviewed_in_timescale": ("The plan was reviewed within timescale", "CP conference; LAC review"),
    **{name: (label, "CP conference") for name, label in demo_map.CP_PLAN_CRITERIA.items()},
    "health_records_complete": ("Health records note the safeguarding concern and the plan", "multi-agency"),
    "concerns_shared": ("Health concerns were shared with children's social care promptly", "multi-agency"),
    "named_professional_advice": ("Advice from the named or designated professional was sought", "multi-agency"),
    **{name: (label, types) for name, (label, types, _) in partnership.POLICE_CRITERIA.items()},
}


def write_demo(folder: str | Path, *, seed: int = DEMO_SEED, cycles: tuple[str, ...] = DEMO_CYCLES,
               cases: int = 2000) -> list[Path]:
    """Generate the demo evidence into ``folder`` (created if needed); return the files written.

    Parameters
    ----------
    folder : str or pathlib.Path
        Where to write (existing files of the same names are replaced).
    seed : int, default: ``DEMO_SEED``
        Seed of every random draw: the same seed writes the same bytes.
    cycles : tuple of str, default: ``DEMO_CYCLES``
        Consecutive cycles to simulate.
    cases : int, default: ``2000``
        Open cases in the sampling frame at the start of each cycle.

    Returns
    -------
    list of pathlib.Path
        The files written, including ``ground_truth.json``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    world = _World(seed, tuple(cycles), cases)
    frame_rows, audit_rows, pair_truth, true_dist, snapshots = [], [], [], {}, {}
    for k, cycle in enumerate(world.cycles):
        rows, snapshot = _frame(world, k, cycle)
        frame_rows += rows
        grades = _grade(np.array([snapshot[r]["latent"] for r in sorted(snapshot)]))
        true_dist[cycle] = {g: float((grades == i).mean()) for i, g in enumerate(GRADES)}
        made, truth = _Auditing(world, cycle, snapshot).run()
        audit_rows += made
        pair_truth += truth
        snapshots[cycle] = snapshot
    history = cycle_range(previous_cycle(cycles[0], 8), cycles[-1])
    indicators = _indicators(world.rng, history)
    schedule = _schedule(world.rng, world.cycles)
    _burn_old_self_assessment_draws(world.rng, world.cycles)
    self_assessments = _self_assessments(np.random.default_rng(seed + 2), world.cycles)
    workforce, finance, training, complaints = _workforce_finance(world.rng, world.cycles)
    gose_tables, gose_truth = gose_demo(seed, world.cycles, history, indicators)  # also aligns NI cohorts
    health_rng = np.random.default_rng(seed + 1)
    for cycle in world.cycles:
        audit_rows += _health_audits(health_rng, world, cycle, snapshots[cycle])
    partner_rng = np.random.default_rng(seed + 3)
    for cycle in world.cycles:
        audit_rows += partnership.police_audits(partner_rng, cycle, snapshots[cycle], len(audit_rows) + 1, GRADES,
                                                lambda v: int(_grade(np.array([v]))[0]))
    demo_map.independent_chairs(audit_rows, np.random.default_rng(seed + 21))
    criteria_cols = [*CASE_CRITERIA, *SUPERVISION_CRITERIA, *IRO_CRITERIA, *demo_map.CP_PLAN_CRITERIA,
                     *HEALTH_CRITERIA, *partnership.POLICE_CRITERIA]
    audit_columns = ["audit_id", "cycle", "case_ref", "case_type", "team", "audit_type", "auditor_id",
                     "auditor_tier", "audit_date", "selection", "theme", "moderation_of", "grade_scale",
                     "overall_grade", *criteria_cols]
    files = {
        "grade_scales.csv": _csv([{"scale_id": sid, "position": i, "label": label,
                                   "good_or_better": "yes" if label in good else "no",
                                   "not_applicable": "yes" if label in na else "no"}
                                  for sid, labels, good, na in GRADE_SCALES for i, label in enumerate(labels, start=1)],
                                 ["scale_id", "position", "label", "good_or_better", "not_applicable"]),
        "criteria.csv": _csv([{"criterion": c, "label": lab, "scale_id": "compliance", "audit_types": types}
                              for c, (lab, types) in CRITERIA_LABELS.items()],
                             ["criterion", "label", "scale_id", "audit_types"]),
        "audit_types.csv": _csv(list(demo_map.AUDIT_TYPE_ROWS), ["audit_type", "kind", "label"]),
        "evidence_map.csv": _csv(list(demo_map.MAP_ROWS), list(demo_map.MAP_COLUMNS)),
        "scrutiny.csv": _csv(demo_map.scrutiny(np.random.default_rng(seed + 22), world.cycles),
                             [c.name for c in DATASETS["scrutiny"].columns]),
        "agencies.csv": _csv([{"agency": a, "sector": sector} for a, sector in demo_map.AGENCY_SECTORS],
                             [c.name for c in DATASETS["agencies"].columns]),
        "partner_staffing.csv": _csv(demo_map.partner_staffing(np.random.default_rng(seed + 23), world.cycles),
                                     [c.name for c in DATASETS["partner_staffing"].columns]),
        "teams.csv": _csv([{"team": t, "service": s} for t, s in world.teams], ["team", "service"]),
        "staff.csv": _csv([{k: v for k, v in p.items() if k != "leniency"} for p in world.staff]
                          + [{"staff_id": s_id, "tier": "Partner agency", "team": None, "service": agency}
                             for s_id, agency in {**HEALTH_AUDITORS, **partnership.POLICE_AUDITORS}.items()],
                          ["staff_id", "tier", "team", "service"]),
        "frame.csv": _csv(frame_rows, ["cycle", "case_ref", "team", "case_type", "allocated_worker", "team_manager",
                                       "opened_date", "last_audit_date"]),
        "audits.csv": _csv(audit_rows, audit_columns),
        "programme.csv": _csv([{"tier": t, "audit_type": "case file", "quota_per_auditor": q, "from_cycle": cycles[0]}
                               for t, q in CASE_QUOTA.items()]
                              + [{"tier": t, "audit_type": "supervision", "quota_per_auditor": q, "from_cycle": cycles[0]}
                                 for t, q in SUPERVISION_QUOTA.items()]
                              + [{"tier": "IRO", "audit_type": t, "quota_per_auditor": IRO_QUOTA // 2,
                                  "from_cycle": cycles[0]} for t in ("CP conference", "LAC review")],
                              ["tier", "audit_type", "quota_per_auditor", "from_cycle"]),
        "indicators.csv": _csv(indicators, ["cycle", "indicator", "definition_version", "numerator", "denominator",
                                            "target", "neighbour_average"]),
        "indicator_definitions.csv": _csv(list(LOCAL_DEFINITIONS),
                                          [c.name for c in DATASETS["indicator_definitions"].columns]),
        "schedule.csv": _csv(schedule, ["cycle", "item", "owner_tier", "frequency", "due_date", "delivered_date"]),
        "self_assessments.csv": _csv(self_assessments, ["cycle", "framework", "item", "rater", "rater_type",
                                                        "grade_scale", "rating", "evidence"]),
        "workforce.csv": _csv(workforce, ["cycle", "service", "establishment_fte", "vacancies_fte", "agency_fte",
                                          "leavers", "sickness_days"]),
        "finance.csv": _csv(finance, ["month", "cycle", "budget_line", "budget", "spend"]),
        "training.csv": _csv(training, ["cycle", "agency", "required", "completed"]),
        "complaints.csv": _csv(complaints, ["cycle", "stage", "received", "responded_in_time", "upheld"]),
        "lscb_board.csv": _csv(partnership.lscb_board(np.random.default_rng(seed + 25), world.cycles),
                               [c.name for c in DATASETS["lscb_board"].columns]),
        "lscb_challenges.csv": _csv(partnership.lscb_challenges(partner_rng, world.cycles),
                                    ["cycle", "challenge_id", "agency", "raised_date", "answered_date"]),
        "actions.csv": _csv(demo_actions.actions(np.random.default_rng(seed + 14), world.cycles, audit_rows, {
            sid: [x for x in labels if x not in na][-1] for sid, labels, _, na in GRADE_SCALES})
            + demo_map.inspection_actions(np.random.default_rng(seed + 24), world.cycles, 900),
            demo_actions.ACTION_COLUMNS),
    }
    files.update({f"{n}.csv": _csv(rows, [c.name for c in DATASETS[n].columns]) for n, rows in gose_tables.items()})
    learning, planted = demo_learning.learning_rows(
        np.random.default_rng(seed + demo_learning.LEARNING_STREAM), audit_rows, world.cycles,
        {"Outstanding", "Good"}, {GRADES[-1]})
    files["themes.csv"] = _csv(demo_learning.theme_rows(), [c.name for c in DATASETS["themes"].columns])
    files["audit_learning.csv"] = _csv(learning, [c.name for c in DATASETS["audit_learning"].columns])
    ground: dict[str, object] = {
        "gose": gose_truth,
        "seed": seed,
        "cycles": list(world.cycles),
        "grades": list(GRADES),
        "latent_cutpoints": list(CUTS),
        "noise_sd": NOISE_SD,
        "auditor_leniency": {p["staff_id"]: p["leniency"] for p in world.staff},
        "true_grade_distribution": true_dist,
        "declining_team": {"team": DECLINING_TEAM, "latent_change_per_cycle": -0.35},
        "indicator_shift": {"indicator": "NI59", "from_cycle": NI59_SHIFT[0], "before": NI59_SHIFT[1], "after": NI59_SHIFT[2]},
        "moderation_pairs": pair_truth,
        "audit_learning_planted": planted,
        "notes": "Synthetic. Latent case quality (higher is better) is cut into grades at latent_cutpoints; an "
                 "auditor reads latent + leniency + N(0, noise_sd). expected_difference is E[moderator position - "
                 "auditor position] in grade steps for that pair (positive: the auditor was more generous).",
    }
    files["ground_truth.json"] = json.dumps(ground, indent=1, sort_keys=True) + "\n"
    files["SYNTHETIC_DEMO_DATA.txt"] = (
        "Synthetic demo data written by `review demo-data`. No real child, case, worker or council is\n"
        "described. Identifiers here are pseudonymised with the fixed demo key, which is not a secret;\n"
        "a council's own data needs its own key (REVIEW_PSEUDONYM_KEY).\n")
    written = []
    for name, text in files.items():
        path = folder / name
        path.write_text(text, encoding="utf-8", newline="")
        written.append(path)
    return written
