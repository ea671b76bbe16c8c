"""Evidence lines several frameworks draw on: partner agencies' audits, the LSCB's records, training."""

from __future__ import annotations

import pandas as pd

from review.analyses.judgement import Change, EvidenceLine, Rates
from review.data import Evidence

__all__ = ["agency_of", "criterion_counts", "criterion_line", "first_audits", "lscb_lines", "training_line"]


def agency_of(evidence: Evidence) -> dict[str, str]:
    """Partner-agency auditors (pseudonymised staff ids) to their agency (``staff.service``)."""
    staff = _read_only(evidence, "staff")
    return {str(r.staff_id): str(r.service) for r in staff.itertuples() if r.tier == "Partner agency" and r.service}


def _read_only(evidence: Evidence, name: str) -> pd.DataFrame:
    """One table of the evidence without :meth:`Evidence.table`'s defensive copy, for code here that
    only filters it (a boolean selection is a new frame): these helpers run hundreds of times per
    report, and copying the whole audits table each time cost a third of a cycle summary's actions."""
    return evidence.tables[name] if name in evidence.tables else evidence.table(name)


def first_audits(evidence: Evidence, cycle: str) -> pd.DataFrame:
    """The cycle's first audits (moderations left out)."""
    audits = _read_only(evidence, "audits")
    return audits[(audits["cycle"] == cycle) & audits["moderation_of"].isna()]


def criterion_counts(audits: pd.DataFrame, evidence: Evidence, criterion: str) -> tuple[int, int]:
    """Compliant answers and answers (not-applicable left out) of one criterion."""
    criteria = _read_only(evidence, "criteria")
    scale_ids = criteria.loc[criteria["criterion"] == criterion, "scale_id"]
    if criterion not in audits or scale_ids.empty:
        return 0, 0
    scale = evidence.scales[str(scale_ids.iloc[0])]
    answers = audits[criterion].dropna()
    answers = answers[~answers.isin(scale.not_applicable)]
    return int(answers.isin(scale.good_or_better).sum()), int(answers.size)


def criterion_line(evidence: Evidence, rates: Rates, criterion: str, *, cycle: str, previous: str,
                   audit_type: str, agencies: set[str] | None = None, kind: str = "audit",
                   who: str = "") -> EvidenceLine | None:
    """One criterion's compliance this cycle (optionally only audits by some partner agencies)."""
    criteria = evidence.table("criteria").set_index("criterion")
    if criterion not in criteria.index:
        return None

    def pick(c: str) -> pd.DataFrame:
        audits = first_audits(evidence, c)
        audits = audits[audits["audit_type"] == audit_type]
        if agencies is not None:
            agency = agency_of(evidence)
            audits = audits[audits["auditor_id"].map(lambda a: agency.get(a, "")).isin(agencies)]
        return audits

    now = criterion_counts(pick(cycle), evidence, criterion)
    if not now[1]:
        return None
    label = str(criteria.loc[criterion, "label"])
    return rates.line(kind, f"{who}: {label}" if who else f"{audit_type} audits: {label}", now,
                      criterion_counts(pick(previous), evidence, criterion), "files")


def lscb_lines(evidence: Evidence, rates: Rates, *, cycle: str, previous: str, chair: bool = True,
               challenges: bool = True) -> list[EvidenceLine]:
    """The LSCB's records: is the chair independent; were the challenges it raised answered."""
    lines = []
    board = evidence.table("lscb_board")
    row = board[board["cycle"] == cycle]
    if chair and len(row):
        independent = bool(row["chair_independent"].iloc[0])
        lines.append(EvidenceLine("LSCB records", "independence of the chair", 0, 0, "cycles", None,
                                  Change("no comparison", None),
                                  "the chair is independent" if independent else "the chair is not independent",
                                  "green" if independent else "red"))
    if not challenges:
        return lines
    ch = evidence.table("lscb_challenges")

    def counts(c: str) -> tuple[int, int]:
        mine = ch[ch["cycle"] == c]
        return int(mine["answered_date"].notna().sum()), len(mine)

    now = counts(cycle)
    if now[1]:
        lines.append(rates.line("LSCB records", "challenges raised with member agencies that were answered", now,
                                counts(previous), "challenges"))
    elif len(row) or len(ch):
        lines.append(EvidenceLine("LSCB records", "challenges raised with member agencies", 0, 0, "challenges", None,
                                  Change("no comparison", None), "the board raised no challenge this cycle", "red"))
    return lines


def training_line(evidence: Evidence, rates: Rates, agencies: set[str], *, cycle: str,
                  previous: str) -> EvidenceLine | None:
    """Staff of the given agencies trained in safeguarding and in date."""
    t = evidence.table("training")
    t = t[t["agency"].isin(agencies)]

    def counts(c: str) -> tuple[int, int]:
        mine = t[t["cycle"] == c]
        return int(mine["completed"].sum()), int(mine["required"].sum())

    now = counts(cycle)
    if not now[1]:
        return None
    names = ", ".join(sorted(set(t[t["cycle"] == cycle]["agency"])))
    return rates.line("training records", f"staff trained and in date ({names})", now, counts(previous), "staff")
