"""Views shared by several frameworks: criterion rates, grade tables, moderation, control charts."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
from IPython.display import HTML

from review.analyses.audits import CriterionRate
from review.protection.disclosure import DisclosurePolicy, suppress_table
from review.stats.spc import ControlChart
from review.views import presentation as show

__all__ = ["chart_grid", "counts_table", "criteria_table", "moderation_table", "rate_cell"]


def rate_cell(rate: CriterionRate, policy: DisclosurePolicy) -> str:
    """'82.0% (41 of 50; CI 68.6% to 90.2%)' or the disclosure symbol."""
    if rate.result is None:
        return ":"
    ci = rate.result.confidence_interval
    return show.rate_text(rate.k, rate.n, policy, interval=(ci.low, ci.high))


def criteria_table(rates: Sequence[CriterionRate], policy: DisclosurePolicy, *, caption: str, uid: str,
                   previous: Sequence[CriterionRate] = ()) -> HTML:
    """One row per criterion: its question, this cycle's rate with n and interval, last cycle's rate."""
    before = {r.criterion: r for r in previous}
    rows = [{"Criterion": r.label, "This cycle": rate_cell(r, policy),
             "Last cycle": rate_cell(before[r.criterion], policy) if r.criterion in before else ":"} for r in rates]
    return show.table(pd.DataFrame(rows, columns=["Criterion", "This cycle", "Last cycle"]), caption=caption,
                      uid=uid, policy=policy)


def counts_table(counts: pd.DataFrame, policy: DisclosurePolicy, *, caption: str, uid: str) -> HTML:
    """A cross-table of counts with totals, suppressed for a published report."""
    return show.table(suppress_table(counts, policy), caption=caption, uid=uid, policy=policy, index=True, counts=True)


def moderation_table(agreements: Sequence, policy: DisclosurePolicy, *, uid: str) -> HTML:
    """Agreement per tier pair: n, exact and within-one agreement, generosity, kappa and AC, side by side."""
    rows = []
    for a in agreements:
        small = policy.is_small(a.n_pairs) or (policy.suppress and a.n_pairs < policy.min_group)
        diff = ("c" if small else f"{a.mean_difference:+.2f} ({a.difference_ci.low:+.2f} to {a.difference_ci.high:+.2f})"
                if not math.isnan(a.difference_ci.low) else f"{a.mean_difference:+.2f}")
        rows.append({
            "Audited by": a.auditor_tier,
            "Moderated by": a.moderator_tier,
            "Pairs": "c" if policy.is_small(a.n_pairs) else str(a.n_pairs),
            "Same grade": "c" if small else show.pct(a.exact_agreement),
            "Within one grade": "c" if small else show.pct(a.within_one),
            "Auditor more generous by (grades)": diff,
            "Weighted kappa": show.agreement_text(a.weighted_kappa, policy),
            a.ac.method: show.agreement_text(a.ac, policy),
        })
    frame = pd.DataFrame(rows)
    return show.table(frame, caption="Moderation: agreement between each tier and the tier that re-audited its files",
                      uid=uid, policy=policy, counts=True)


def chart_grid(charts: dict[str, ControlChart], *, titles: dict[str, str], ncols: int = 2,
               policy: DisclosurePolicy | None = None) -> HTML:
    """Small multiples of control charts (see :func:`review.views.presentation.control_charts`): points
    on small numbers are neither drawn nor described. Without a policy nothing is shown as published
    would not allow, so pass the report's policy."""
    return show.control_charts(charts, policy or DisclosurePolicy(), titles=titles, ncols=ncols)
