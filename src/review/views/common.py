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


def chart_grid(charts: dict[str, ControlChart], *, titles: dict[str, str], ncols: int = 2) -> HTML:
    """Small multiples of control charts, signals marked, with a text alternative listing them."""
    names = list(charts)
    nrows = math.ceil(len(names) / ncols)
    fig = show.new_figure(figsize=(5.2 * ncols, 2.6 * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    lines = []
    for ax, name in zip(axes.flat, names, strict=False):
        c = charts[name]
        pts = c.points
        x = range(len(pts))
        ax.plot(x, pts["value"] * 100, marker="o", color="#333333", lw=1)
        ax.plot(x, pts["centre"] * 100, color="#1f5fa8", lw=1)
        ax.plot(x, pts["upper"] * 100, color="#999999", lw=1, ls="--")
        ax.plot(x, pts["lower"] * 100, color="#999999", lw=1, ls="--")
        for i, sig in enumerate(pts["signal"]):
            if sig:
                ax.plot(i, pts["value"].iloc[i] * 100, "o", ms=7,
                        color={"improvement": "#1e7b34", "concern": "#b3261e"}.get(sig, "#a35f00"))
        ax.set_title(f"{name}: {titles.get(name, '')}"[:60] + (" (trial limits)" if c.trial else ""), fontsize=9)
        ax.set_xticks(list(x)[::2], pts["label"].iloc[::2], rotation=45, fontsize=7)
        ax.set_ylabel("%", fontsize=8)
        flagged = c.signals
        lines.append(f"{name}: latest {show.pct(pts['value'].iloc[-1])}, centre {show.pct(c.centre)}"
                     + (f"; signals at {', '.join(f'{r.label} ({r.signal}: {r.rules})' for r in flagged.itertuples())}"
                        if len(flagged) else "; no signal"))
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    return show.figure(fig, alt="Control charts. " + " ".join(lines),
                       caption="Control charts (P charts): dashed lines are the process limits; coloured points "
                               "are signals (green improvement, red concern).")
