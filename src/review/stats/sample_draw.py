"""Drawing next cycle's audit sample fairly and reproducibly, tier by tier, stratified by team.

For each tier of the programme (ATM, TM, SM, AD, DCS) the tier's quota (per auditor, times its
auditors) is allocated across teams in proportion to the eligible cases, drawn at random within
each team, then shared among the tier's auditors so that nobody audits a case they supervise
directly or one from their own team. Cases audited in the last 12 months are excluded (by the
frame's ``last_audit_date`` and by the workbook's own audits, whichever is later), and a case
drawn for one tier is not drawn again for another. Every selected case carries its
inclusion probability and weight; a dry run explains any quota that cannot be filled.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from review.exceptions import ParameterError
from review.stats.sampling import allocate

__all__ = ["SampleDraw", "draw_moderation", "draw_sample", "next_tiers", "tier_coverage"]

MANAGEMENT_TIERS = ("ATM", "TM", "SM", "AD", "DCS")


@dataclass(frozen=True)
class SampleDraw:
    """A drawn audit sample.

    Attributes
    ----------
    selected : pandas.DataFrame
        One row per selected case: ``case_ref``, ``team``, ``case_type``, ``tier``, ``auditor_id``,
        ``allocated_worker`` (empty when the frame has none), ``inclusion_probability`` (within its team stratum, given the cases
        left after earlier tiers' draws) and ``weight`` (its inverse, computed as eligible over drawn so that 49 cases for one is 49.0).
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
    audits: pd.DataFrame | None = None,
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
    audits : pandas.DataFrame, optional
        Audits already recorded (``case_ref``, ``audit_date``): a case audited on or after the
        cut-off is excluded even where the frame's ``last_audit_date`` is empty or older.

    Returns
    -------
    SampleDraw
    """
    _check(frame, staff, programme)
    gen = np.random.default_rng(rng)
    cutoff = pd.Timestamp(as_of - dt.timedelta(days=exclude_within_days))
    last = pd.to_datetime(frame["last_audit_date"], errors="coerce")
    if audits is not None and len(audits):
        latest = pd.to_datetime(audits["audit_date"], errors="coerce").groupby(audits["case_ref"].to_numpy()).max()
        last = pd.concat([last, pd.Series(frame["case_ref"].map(latest).to_numpy(), index=frame.index)],
                         axis=1).max(axis=1)
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
        prob: dict[int, tuple[int, int]] = {}
        for t, count in enumerate(per_team):
            if count == 0:
                continue
            members = np.flatnonzero(free & (team_codes == t))
            picks = gen.choice(members, size=int(count), replace=False)
            chosen.extend(sorted(picks.tolist()))
            for i in picks:
                prob[int(i)] = (int(count), int(sizes[t]))  # drawn, of eligible: the weight is exact
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
            drawn, eligible = prob[i]
            rows.append({"case_ref": case["case_ref"], "team": case["team"], "case_type": case["case_type"],
                         "allocated_worker": case.get("allocated_worker"), "tier": tier, "auditor_id": auditor,
                         "inclusion_probability": drawn / eligible, "weight": eligible / drawn})
        for auditor, done in load.items():
            if done < quota:
                shortfalls.append(f"{tier} {auditor}: {done} of {quota} cases; the rest of the drawn cases are in "
                                  "the auditor's own team or supervised by them")
    columns = ["case_ref", "team", "case_type", "tier", "auditor_id", "allocated_worker", "inclusion_probability",
               "weight"]
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


def next_tiers(tiers: Sequence[str] = MANAGEMENT_TIERS) -> dict[str, str]:
    """Each management tier's moderators by default: the next more senior tier.

    Parameters
    ----------
    tiers : sequence of str, default: ``("ATM", "TM", "SM", "AD", "DCS")``
        The tiers, most junior first.

    Returns
    -------
    dict of str to str
        Audited tier -> moderating tier.

    Examples
    --------
    >>> next_tiers()
    {'ATM': 'TM', 'TM': 'SM', 'SM': 'AD', 'AD': 'DCS'}
    """
    return dict(zip(tiers[:-1], tiers[1:], strict=True))


def draw_moderation(
    audits: pd.DataFrame,
    *,
    staff: pd.DataFrame,
    cycle: str,
    rng: np.random.Generator | int | None,
    share: float = 0.25,
    moderators: Mapping[str, str] | None = None,
    audit_type: str = "case file",
) -> SampleDraw:
    """Draw the moderation sample: a share of each tier's first audits, re-audited by a more senior tier.

    Within each audited tier, ``ceil(share * n)`` of its ``n`` first audits of the cycle not yet
    moderated are drawn at random, then shared among the moderating tier's auditors, least loaded
    first, never the auditor of the first audit nor anyone from the case's team.

    Parameters
    ----------
    audits : pandas.DataFrame
        The audits dataset (``audit_id``, ``cycle``, ``case_ref``, ``team``, ``case_type``,
        ``audit_type``, ``auditor_id``, ``auditor_tier``, ``selection``, ``moderation_of``).
    staff : pandas.DataFrame
        Auditors: ``staff_id``, ``tier``, ``team``.
    cycle : str
        The cycle whose audits are moderated.
    rng : numpy.random.Generator or int or None
        Seed or generator; record it to repeat the draw.
    share : float, default: ``0.25``
        Share of each tier's first audits moderated, in (0, 1].
    moderators : mapping of str to str, optional
        Audited tier -> moderating tier; default :func:`next_tiers`.
    audit_type : str, default: ``"case file"``

    Returns
    -------
    SampleDraw
        ``selected`` has the columns of :func:`draw_sample` (``tier`` and ``auditor_id`` are the
        moderator's) plus ``moderation_of`` and ``selection`` (the first audit's).

    Examples
    --------
    >>> audits = pd.DataFrame({"audit_id": ["A1", "A2"], "cycle": "2009-Q4", "case_ref": ["C1", "C2"],
    ...     "team": "T1", "case_type": "CP", "audit_type": "case file", "auditor_id": "ATM01",
    ...     "auditor_tier": "ATM", "selection": "random", "moderation_of": None})
    >>> staff = pd.DataFrame({"staff_id": ["TM01"], "tier": ["TM"], "team": ["T2"]})
    >>> draw = draw_moderation(audits, staff=staff, cycle="2009-Q4", rng=1, share=0.5)
    >>> draw.selected[["auditor_id", "inclusion_probability", "weight"]].values.tolist()
    [['TM01', 0.5, 2.0]]
    """
    if not 0 < share <= 1:
        raise ParameterError(f"`share` must be above 0 and at most 1; got {share!r}")
    gen = np.random.default_rng(rng)
    pairs = dict(moderators) if moderators is not None else next_tiers()
    in_cycle = audits[(audits["cycle"] == cycle) & (audits["audit_type"] == audit_type)]
    moderated = set(audits["moderation_of"].dropna())
    # the moderator: never the first auditor, anyone of the case's team, or someone who audited the case already
    first = in_cycle[in_cycle["moderation_of"].isna() & ~in_cycle["audit_id"].isin(moderated)]
    team_of = dict(zip(staff["staff_id"], staff["team"], strict=True))
    audited = set(zip(in_cycle["case_ref"], in_cycle["auditor_id"], strict=True))  # nobody audits a case twice
    rows, shortfalls = [], []
    for junior, senior in pairs.items():
        pool = first[first["auditor_tier"] == junior].sort_values("audit_id", kind="stable").reset_index(drop=True)
        judges = sorted(staff.loc[staff["tier"] == senior, "staff_id"])
        if pool.empty:
            continue
        if not judges:
            shortfalls.append(f"{junior}: no {senior} in the staff list to moderate {len(pool)} audits")
            continue
        k = math.ceil(share * len(pool))
        load = dict.fromkeys(judges, 0)
        for i in sorted(gen.choice(len(pool), size=k, replace=False).tolist()):
            audit = pool.iloc[i]
            allowed = [j for j in judges if j != audit["auditor_id"] and team_of.get(j) != audit["team"]
                       and (audit["case_ref"], j) not in audited]
            if not allowed:
                shortfalls.append(f"{junior} audit {audit['audit_id']}: every {senior} audited it or is in its team")
                continue
            judge = min(allowed, key=lambda j: (load[j], j))
            load[judge] += 1
            rows.append({"case_ref": audit["case_ref"], "team": audit["team"], "case_type": audit["case_type"],
                         "tier": senior, "auditor_id": judge, "allocated_worker": None,
                         "inclusion_probability": k / len(pool), "weight": len(pool) / k,
                         "moderation_of": audit["audit_id"], "selection": audit["selection"]})
    columns = ["case_ref", "team", "case_type", "tier", "auditor_id", "allocated_worker", "inclusion_probability",
               "weight", "moderation_of", "selection"]
    return SampleDraw(pd.DataFrame(rows, columns=columns), tuple(shortfalls), rng)
