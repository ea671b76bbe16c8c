"""The JAR Haringey 2008 findings as a stocktake: the evidence on each finding this cycle.

Each of the 11 findings is measured by the audit criteria that evidence it (declared in the
``criteria`` data, column ``jar_finding``), or, where audits do not bear on it, by a national
indicator (access: NI 59), the framework's schedule (performance scrutiny: returns on time) or
the managers' self-assessment. Each measure has its Wilson interval; the judgement is red,
amber or green by documented thresholds, and flagged uncertain when the interval crosses one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from review.analyses.audits import criterion_rates, cycle_audits
from review.analyses.context import Context
from review.analyses.gose import schedule
from review.config.framework_items import JAR_FINDINGS
from review.stats.sampling import ProportionResult, proportion_ci

__all__ = ["Measure", "rag", "stocktake", "stocktake_frame"]

NON_AUDIT = {"J03": ("indicator", "NI59"), "J11": ("schedule", "")}


@dataclass(frozen=True)
class Measure:
    """One measured level of one finding in one cycle."""

    finding: str
    source: str
    label: str
    k: int
    n: int
    result: ProportionResult | None
    previous: ProportionResult | None
    judgement: str
    uncertain: bool
    counts_children: bool


def rag(result: ProportionResult | None, *, green: float, red: float) -> tuple[str, bool]:
    """Red below ``red``, green at or above ``green``, amber between; uncertain if the interval crosses a line."""
    if result is None:
        return "grey", False
    p, ci = result.statistic, result.confidence_interval
    judgement = "green" if p >= green else ("red" if p < red else "amber")
    uncertain = any(ci.low < line <= ci.high for line in (green, red))
    return judgement, uncertain


def _criterion_measures(ctx: Context, cycle: str, finding_number: int) -> list[tuple[str, str, int, int]]:
    criteria = ctx.evidence.table("criteria")
    chosen = criteria[criteria["jar_finding"] == finding_number]
    out = []
    for _, row in chosen.iterrows():
        audit_type = str(row["audit_types"]).split(";")[0].strip()
        rates = criterion_rates(cycle_audits(ctx.evidence, cycle, audit_type=audit_type), ctx.evidence,
                                [row["criterion"]], confidence_level=ctx.params.confidence_level)
        out += [(f"audit: {r.label}", r.criterion, r.k, r.n) for r in rates]
    return out


def _other_measure(ctx: Context, cycle: str, finding: str) -> tuple[str, str, int, int] | None:
    kind, ref = NON_AUDIT.get(finding, ("self", finding))
    if kind == "indicator":
        ni = ctx.evidence.table("indicators")
        row = ni[(ni["cycle"] == cycle) & (ni["indicator"] == ref)]
        return None if row.empty else (f"indicator {ref} (initial assessments in timescale)", ref,
                                       int(row["numerator"].iloc[0]), int(row["denominator"].iloc[0]))
    if kind == "schedule":
        sched = schedule(ctx, cycle)
        return ("framework returns delivered on time", "schedule", int((sched["status"] == "on time").sum()), len(sched))
    sa = ctx.evidence.table("self_assessments")
    sa = sa[(sa["cycle"] == cycle) & (sa["framework"] == "jar_haringey") & (sa["item"] == ref)]
    if sa.empty:
        return None
    good = set().union(*(ctx.evidence.scales[s].good_or_better for s in sa["grade_scale"].unique()))
    return ("managers' self-assessment rating Good or better", "self", int(sa["rating"].isin(good).sum()), len(sa))


def stocktake(ctx: Context, *, green: float, red: float) -> list[Measure]:
    """Every finding's measures this cycle, with last cycle's level and the judgement."""
    level = ctx.params.confidence_level
    out = []
    for number, (finding, _, _) in enumerate(JAR_FINDINGS, start=1):
        now = _criterion_measures(ctx, ctx.cycle, number) or [m for m in [_other_measure(ctx, ctx.cycle, finding)] if m]
        before = {m[1]: m for m in (_criterion_measures(ctx, ctx.previous, number)
                                    or [m for m in [_other_measure(ctx, ctx.previous, finding)] if m])}
        for label, key, k, n in now:
            result = proportion_ci(k, n, method="wilson", confidence_level=level) if n else None
            prev = before.get(key)
            prev_result = proportion_ci(prev[2], prev[3], method="wilson", confidence_level=level) if prev and prev[3] else None
            judgement, uncertain = rag(result, green=green, red=red)
            out.append(Measure(finding, key, label, k, n, result, prev_result, judgement, uncertain,
                               counts_children=label.startswith(("audit", "indicator"))))
    return out


def stocktake_frame(measures: list[Measure]) -> pd.DataFrame:
    """The stocktake as a frame of unrounded values (one row per measure)."""
    return pd.DataFrame([{
        "finding": m.finding, "measure": m.label, "k": m.k, "n": m.n,
        "rate": m.result.statistic if m.result else float("nan"),
        "ci_low": m.result.confidence_interval.low if m.result else float("nan"),
        "ci_high": m.result.confidence_interval.high if m.result else float("nan"),
        "previous_rate": m.previous.statistic if m.previous else float("nan"),
        "judgement": m.judgement, "uncertain": m.uncertain,
    } for m in measures])
