"""Drawing next cycle's audit sample fairly and reproducibly, tier by tier, stratified by team.

For each tier of the programme (ATM, TM, SM, AD, DCS) the tier's quota (per auditor, times its
auditors) is allocated across teams in proportion to the eligible cases, drawn at random within
each team, then shared among the tier's auditors so that nobody audits a case they supervise
directly or one from their own team. Cases audited in the last 12 months are excluded, and a
case drawn for one tier is not drawn again for another. Every selected case carries its
inclusion probability and weight; a dry run explains any quota that cannot be filled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from review.exceptions import ParameterError
from review.stats.sampling import allocate

__all__ = ["SampleDraw", "draw_sample", "tier_coverage"]

MANAGEMENT_TIERS = ("ATM", "TM", "SM", "AD", "DCS")


@dataclass(frozen=True)
class SampleDraw:
    """A drawn audit sample.

    Attributes
    ----------
    selected : pandas.DataFrame
        One row per selected case: ``case_ref``, ``team``, ``case_type``, ``tier``,
        ``auditor_id``, ``inclusion_probability`` (within its team stratum, given the cases
        left after earlier tiers' draws) and ``weight`` (its inverse).
    shortfalls : tuple of str
        One sentence per quota that could not be filled, saying why.
    seed : object
        The ``rng`` argument, recorded so the draw can be repeated.
    """

    selected: pd.DataFrame
    shortfalls: tuple[str, ...]
    seed: object


def _check(frame: pd.DataFrame, staff: pd.DataFrame, programme: pd.DataFrame) -> None:
    need = {"frame": (frame, ["case_ref", "team", "case_type", "team_manager", "last_audit_date"]),
            "staff": (staff, ["staff_id", "tier", "team"]),
            "programme": (programme, ["tier", "audit_type", "quota_per_auditor"])}
    for name, (table, columns) in need.items():
        missing = [c for c in columns if c not in table.columns]
        if missing:
            raise ParameterError(f"`{name}` has no column {missing}; its columns are {list(table.columns)}")


def draw_sample(
    frame: pd.DataFrame,
    *,
    staff: pd.DataFrame,
    programme: pd.DataFrame,
    as_of: dt.date,
    rng: np.random.Generator | int | None,
    audit_type: str = "case file",
    tiers: Sequence[str] = MANAGEMENT_TIERS,
    exclude_within_days: int = 365,
    exclude_own_team: bool = True,
) -> SampleDraw:
    """Draw each tier's quota of case files from the sampling frame.

    Parameters
    ----------
    frame : pandas.DataFrame
        Open cases (one cycle of the ``frame`` dataset): ``case_ref``, ``team``, ``case_type``,
        ``team_manager``, ``last_audit_date``.
    staff : pandas.DataFrame
        Auditors: ``staff_id``, ``tier``, ``team``.
    programme : pandas.DataFrame
        Quotas: ``tier``, ``audit_type``, ``quota_per_auditor``.
    as_of : datetime.date
        Start of the cycle drawn for; cases audited on or after ``as_of - exclude_within_days``
        are excluded.
    rng : numpy.random.Generator or int or None
        Seed or generator; record it to repeat the draw.
    audit_type : str, default: ``"case file"``
        Which quotas to draw.
    tiers : sequence of str, default: ``("ATM", "TM", "SM", "AD", "DCS")``
        Tiers drawn for, in this order.
    exclude_within_days : int, default: ``365``
        The "already audited in the last 12 months" rule.
    exclude_own_team : bool, default: ``True``
        Whether an auditor may not audit cases of their own team or that they supervise.

    Returns
    -------
    SampleDraw
    """
    _check(frame, staff, programme)
    gen = np.random.default_rng(rng)
    cutoff = pd.Timestamp(as_of - dt.timedelta(days=exclude_within_days))
    last = pd.to_datetime(frame["last_audit_date"], errors="coerce")
    pool = frame.loc[last.isna() | (last < cutoff)].sort_values("case_ref", kind="stable").reset_index(drop=True)
    taken = np.zeros(len(pool), dtype=bool)
    team_codes, team_names = pd.factorize(pool["team"], sort=True)
    rows, shortfalls = [], []
    quotas = programme[programme["audit_type"] == audit_type].groupby("tier")["quota_per_auditor"].max()
    for tier in tiers:
        auditors = staff[staff["tier"] == tier].sort_values("staff_id", kind="stable")
        if tier not in quotas.index or auditors.empty:
            continue
        quota = int(quotas[tier])
        need = quota * len(auditors)
        free = ~taken
        sizes = np.bincount(team_codes[free], minlength=len(team_names))
        if need > sizes.sum():
            shortfalls.append(f"{tier}: {need} cases needed but only {int(sizes.sum())} eligible cases are left")
            need = int(sizes.sum())
        per_team = allocate(need, sizes.tolist())
        chosen: list[int] = []
        prob: dict[int, float] = {}
        for t, count in enumerate(per_team):
            if count == 0:
                continue
            members = np.flatnonzero(free & (team_codes == t))
            picks = gen.choice(members, size=int(count), replace=False)
            chosen.extend(sorted(picks.tolist()))
            for i in picks:
                prob[int(i)] = count / sizes[t]
        # share the drawn cases among the tier's auditors, never their own team or supervisees
        load = dict.fromkeys(auditors["staff_id"], 0)
        for i in gen.permutation(chosen).tolist():
            case = pool.iloc[i]
            allowed = [a for a, team in zip(auditors["staff_id"], auditors["team"], strict=True)
                       if load[a] < quota and not (exclude_own_team and (team == case["team"] or a == case["team_manager"]))]
            if not allowed:
                continue
            auditor = min(allowed, key=lambda a: (load[a], a))
            load[auditor] += 1
            taken[i] = True
            rows.append({"case_ref": case["case_ref"], "team": case["team"], "case_type": case["case_type"],
                         "tier": tier, "auditor_id": auditor, "inclusion_probability": prob[i], "weight": 1 / prob[i]})
        for auditor, done in load.items():
            if done < quota:
                shortfalls.append(f"{tier} {auditor}: {done} of {quota} cases; the rest of the drawn cases are in "
                                  "the auditor's own team or supervised by them")
    columns = ["case_ref", "team", "case_type", "tier", "auditor_id", "inclusion_probability", "weight"]
    selected = pd.DataFrame(rows, columns=columns)
    return SampleDraw(selected, tuple(shortfalls), rng)


def tier_coverage(audits: pd.DataFrame, *, staff: pd.DataFrame, programme: pd.DataFrame, cycle: str) -> pd.DataFrame:
    """Planned against completed audits per tier and audit type in a cycle, with who is overdue.

    Parameters
    ----------
    audits : pandas.DataFrame
        The audits dataset (``cycle``, ``auditor_id``, ``auditor_tier``, ``audit_type``,
        ``moderation_of``). Quotas are of first audits; moderations (re-audits of another
        manager's audit) are counted apart, in ``moderations``.
    staff, programme : pandas.DataFrame
        As for :func:`draw_sample`.
    cycle : str

    Returns
    -------
    pandas.DataFrame
        ``tier``, ``audit_type``, ``auditors``, ``planned``, ``completed`` (first audits),
        ``auditors_overdue`` (auditors below their quota), ``overdue`` (their ids,
        ``;``-separated), ``moderations`` (re-audits done by the tier).
    """
    in_cycle = audits[audits["cycle"] == cycle]
    first = in_cycle["moderation_of"].isna()
    done = in_cycle[first].groupby(["auditor_id", "audit_type"]).size()
    moderated = in_cycle[~first].groupby(["auditor_id", "audit_type"]).size()
    rows = []
    for _, plan in programme.sort_values(["tier", "audit_type"]).iterrows():
        members = sorted(staff.loc[staff["tier"] == plan["tier"], "staff_id"])
        counts = [int(done.get((a, plan["audit_type"]), 0)) for a in members]
        late = [a for a, c in zip(members, counts, strict=True) if c < plan["quota_per_auditor"]]
        rows.append({"tier": plan["tier"], "audit_type": plan["audit_type"], "auditors": len(members),
                     "planned": int(plan["quota_per_auditor"]) * len(members), "completed": int(sum(counts)),
                     "auditors_overdue": len(late), "overdue": ";".join(late),
                     "moderations": int(sum(moderated.get((a, plan["audit_type"]), 0) for a in members))})
    return pd.DataFrame(rows, columns=["tier", "audit_type", "auditors", "planned", "completed",
                                       "auditors_overdue", "overdue", "moderations"])
