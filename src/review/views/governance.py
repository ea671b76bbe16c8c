"""Report sections of the social care governance exercise notebook."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from review.analyses import self_assessment as sa
from review.analyses.context import Context
from review.config.framework_items import GOVERNANCE, GOVERNANCE_AXES
from review.views import presentation as show

__all__ = ["axes_table", "pattern"]


def _group_scores(ctx: Context) -> pd.DataFrame | None:
    r = sa.ratings(ctx, "governance")
    if r is None:
        return None
    group = {item: g for item, _, g in GOVERNANCE}
    scores = r.table.apply(pd.to_numeric)
    return scores.groupby(scores.index.map(group)).mean()  # rows: axis:level, columns: raters


def axes_table(ctx: Context) -> HTML:
    """Mean score (0-10) of each axis and level, over raters, with the lowest and highest rater."""
    g = _group_scores(ctx)
    if g is None:
        return show.note("No governance ratings this cycle.")
    rows = [{"Axis": key.split(":")[0].title(), "Level": key.split(":")[1], "Mean score (0-10)": f"{g.loc[key].mean():.1f}",
             "Lowest rater": f"{g.loc[key].min():.1f}", "Highest rater": f"{g.loc[key].max():.1f}"}
            for axis, levels in GOVERNANCE_AXES.items() for key in (f"{axis}:{lv}" for lv in levels) if key in g.index]
    if ctx.policy.suppress:  # the lowest and highest rater are one area manager's own scores (issue 15)
        rows = [{k: v for k, v in row.items() if k not in ("Lowest rater", "Highest rater")} for row in rows]
    return show.table(pd.DataFrame(rows), caption="Roles and responsibilities, and communication flow", uid="gov_axes")


def pattern(ctx: Context) -> HTML:
    """Each area manager on the two axes: clarity of roles against the flow of communication."""
    g = _group_scores(ctx)
    if g is None:
        return show.note("No governance ratings this cycle.")
    if ctx.policy.suppress:  # each point is one area manager's own scores (issue 15)
        return show.note("Each area manager's own scores are shown in the internal report only.")
    roles = g.loc[[k for k in g.index if k.startswith("roles:")]].mean()
    comms = g.loc[[k for k in g.index if k.startswith("communication:")]].mean()
    fig = show.new_figure(figsize=(5.5, 5))
    ax = fig.subplots()
    ax.axhline(5, color="#999999", lw=1)
    ax.axvline(5, color="#999999", lw=1)
    ax.scatter(roles, comms, s=60, color="#1f5fa8")
    for name in roles.index:
        ax.annotate(str(name), (roles[name], comms[name]), textcoords="offset points", xytext=(5, 5), fontsize=8)
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    ax.set_xlabel("Roles and responsibilities (mean score, 0-10)")
    ax.set_ylabel("Communication flow (mean score, 0-10)")
    ax.set_title(f"Governance exercise, {ctx.cycle}: each area manager")
    alt = "; ".join(f"{n}: roles {roles[n]:.1f}, communication {comms[n]:.1f}" for n in roles.index)
    return show.figure(fig, alt=alt, caption="Each point is one area manager's mean ratings; the lines mark the "
                                             "middle of the scale, so the top-right quadrant is clear roles and good "
                                             "communication.")
