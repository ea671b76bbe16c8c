"""Report sections of the Healthcare Commission notebook beyond the shared self-assessment views."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from review.analyses.context import Context
from review.stats.sampling import proportion_ci
from review.views import presentation as show

__all__ = ["training"]


def training(ctx: Context) -> HTML:
    """Safeguarding training compliance by agency: this cycle with its interval, and last cycle."""
    t = ctx.evidence.table("training")
    if t.empty:
        return show.note("No training compliance data were provided.")
    now, before = t[t["cycle"] == ctx.cycle], t[t["cycle"] == ctx.previous].set_index("agency")
    rows = []
    for r in now.sort_values("agency").itertuples():
        res = proportion_ci(int(r.completed), int(r.required), method="wilson",
                            confidence_level=ctx.params.confidence_level) if r.required else None
        prev = before.loc[r.agency] if r.agency in before.index else None
        rows.append({"Agency": r.agency,
                     "Trained and in date": show.rate_text(r.completed, r.required, ctx.policy, unit="staff",
                                                           interval=None if res is None else (res.confidence_interval.low, res.confidence_interval.high)),
                     "Last cycle": show.rate_text(prev["completed"], prev["required"], ctx.policy, unit="staff")
                     if prev is not None else ":"})
    return show.table(pd.DataFrame(rows), caption="H7 training and staffing: safeguarding training compliance",
                      uid="hc_training", policy=ctx.policy)


HEALTH_CRITERIA = {"health_records_complete": "H4 record keeping", "concerns_shared": "H5 information sharing",
                   "named_professional_advice": "H6 sharing expertise"}


def audits(ctx: Context) -> HTML:
    """Health agencies' multi-agency audits of child protection files, by the headline issue they evidence."""
    from review.analyses.audits import criterion_rates, cycle_audits
    from review.views.common import criteria_table

    present = [c for c in HEALTH_CRITERIA if c in ctx.evidence.criteria]
    now_files = cycle_audits(ctx.evidence, ctx.cycle, audit_type="multi-agency")
    if not present or now_files.empty:
        return show.note("No health (multi-agency) audits were provided for this cycle.")
    level = ctx.params.confidence_level
    now = criterion_rates(now_files, ctx.evidence, present, confidence_level=level)
    before = criterion_rates(cycle_audits(ctx.evidence, ctx.previous, audit_type="multi-agency"), ctx.evidence,
                             present, confidence_level=level)
    return criteria_table(now, ctx.policy, caption=f"Health audits of child protection files ({len(now_files)} audits): "
                          + "; ".join(f"{HEALTH_CRITERIA[c]}" for c in present), uid="hc_audits", previous=before)
