"""The GOSE children's social care performance management framework: the computations."""

from __future__ import annotations

import pandas as pd

from review.analyses.audits import criterion_rates, cycle_audits, good_or_better, moderation
from review.analyses.context import Context
from review.config.cycles import cycle_range
from review.stats.indicators import indicator_table
from review.stats.sample_draw import tier_coverage
from review.stats.spc import ControlChart, p_chart

__all__ = ["complaints", "coverage", "finance", "headline_figures", "indicator_charts", "schedule", "workforce"]

SUPERVISION = ("supervision_in_timescale", "reflective_supervision", "actions_followed_up")
IRO = ("child_participation", "plan_reviewed_in_timescale")


def schedule(ctx: Context, cycle: str | None = None) -> pd.DataFrame:
    """Each return of the framework due in the cycle (default the notebook's): due, delivered, on time or not."""
    table = ctx.evidence.table("schedule")
    table = table[table["cycle"] == (cycle or ctx.cycle)].sort_values(["due_date", "item"]).reset_index(drop=True)
    status = []
    for _, row in table.iterrows():
        if row["delivered_date"] is None or pd.isna(row["delivered_date"]):
            status.append("not delivered")
        elif row["delivered_date"] <= row["due_date"]:
            status.append("on time")
        else:
            days = (row["delivered_date"] - row["due_date"]).days
            status.append(f"late ({days} day{'s' if days != 1 else ''})")
    return table.assign(status=status)


def coverage(ctx: Context) -> pd.DataFrame:
    """Planned against completed audits per tier and type (who is overdue: pseudonyms)."""
    ev = ctx.evidence
    return tier_coverage(ev.table("audits"), staff=ev.table("staff"), programme=ev.table("programme"), cycle=ctx.cycle)


def indicator_charts(ctx: Context, *, baseline_cycles: int = 0) -> dict[str, ControlChart]:
    """A P chart per indicator over every cycle up to this one (limits from all points unless a baseline is set)."""
    data = ctx.evidence.table("indicators")
    data = data[data["cycle"] <= ctx.cycle]
    from review.stats.indicators import DEFINITIONS

    charts = {}
    for ni, group in data.groupby("indicator", sort=True):
        group = group.sort_values("cycle")
        if len(group) < 2:
            continue
        version = group["definition_version"].iloc[-1]
        better = DEFINITIONS[(ni, version)].higher_is_better
        base = baseline_cycles if 2 <= baseline_cycles <= len(group) else None
        charts[ni] = p_chart(group["numerator"].tolist(), group["denominator"].tolist(),
                             labels=group["cycle"].tolist(), improvement="increase" if better else "decrease",
                             baseline=base)
    return charts


def workforce(ctx: Context) -> pd.DataFrame:
    """Vacancy and agency rates, leavers and sickness per service, this cycle and the last."""
    table = ctx.evidence.table("workforce")
    table = table[table["cycle"].isin([ctx.previous, ctx.cycle])]
    return table.assign(vacancy_rate=table["vacancies_fte"] / table["establishment_fte"],
                        agency_share=table["agency_fte"] / table["establishment_fte"]).sort_values(["service", "cycle"])


def finance(ctx: Context) -> pd.DataFrame:
    """Budget and spend by month and budget line for the cycle, with the variance."""
    table = ctx.evidence.table("finance")
    table = table[table["cycle"] == ctx.cycle].sort_values(["month", "budget_line"])
    return table.assign(variance=table["spend"] - table["budget"])


def complaints(ctx: Context) -> pd.DataFrame:
    """Complaints by stage for the last four cycles."""
    table = ctx.evidence.table("complaints")
    cycles = cycle_range(min(table["cycle"]), ctx.cycle)[-4:]
    return table[table["cycle"].isin(cycles)].sort_values(["cycle", "stage"])


def headline_figures(ctx: Context) -> dict[str, object]:
    """The framework's headline figures, unrounded, for the summary cards and the results JSON.

    Also carries the cycle's moderation pairs and per-tier agreement, computed once here for the
    sections that show them.
    """
    level = ctx.params.confidence_level
    files = cycle_audits(ctx.evidence, ctx.cycle)
    frame = ctx.evidence.table("frame")
    open_cases = int((frame["cycle"] == ctx.cycle).sum())
    gob = good_or_better(files, ctx.evidence, population=open_cases, confidence_level=level)
    cov = coverage(ctx)
    case_cov = cov[cov["audit_type"] == "case file"]
    pairs, agreements = moderation(ctx.evidence, ctx.cycle, confidence_level=level)
    main = max(agreements, key=lambda a: a.n_pairs) if agreements else None
    sched = schedule(ctx)
    ni = indicator_table(ctx.evidence.table("indicators"), cycle=ctx.cycle, confidence_level=level)
    supervision = criterion_rates(cycle_audits(ctx.evidence, ctx.cycle, audit_type="supervision"), ctx.evidence,
                                  list(SUPERVISION), confidence_level=level)
    return {
        "open_cases": open_cases,
        "files_audited": len(files),
        "good_or_better": gob,
        "case_file_planned": int(case_cov["planned"].sum()),
        "case_file_completed": int(case_cov[["planned", "completed"]].min(axis=1).sum()),
        "auditors_below_quota": int(case_cov["auditors_overdue"].sum()),
        "moderations": int(case_cov["moderations"].sum()),
        "moderation": main,
        "returns_due": len(sched),
        "returns_on_time": int((sched["status"] == "on time").sum()),
        "indicators_meeting_target": int(ni["meets_target"].fillna(False).sum()),
        "indicators_with_target": int(ni["meets_target"].notna().sum()),
        "supervision": {r.criterion: r for r in supervision},
        "moderation_pairs": pairs,
        "agreements": agreements,
    }
