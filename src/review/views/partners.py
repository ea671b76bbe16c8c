"""Report sections shared by the self-assessment notebooks (Healthcare Commission, LSCB, governance)."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from review.analyses import self_assessment as sa
from review.analyses.context import Context
from review.config.framework_items import FRAMEWORK_ITEMS
from review.protection.disclosure import DisclosurePolicy
from review.views import presentation as show

__all__ = ["agreement", "divergence", "items", "record"]

_RATINGS = DisclosurePolicy(audience="internal")  # ratings by agencies and managers count no child


def items(ctx: Context, framework: str, *, uid: str) -> HTML:
    """Each item: its median rating, share Good or better, spread, and last cycle's median."""
    r = sa.ratings(ctx, framework)
    if r is None:
        return show.note("No self-assessment ratings were provided for this cycle.")
    before = sa.ratings(ctx, framework, ctx.previous)
    now = sa.item_summary(r)
    prev = sa.item_summary(before).set_index("item")["median"] if before is not None else pd.Series(dtype=object)
    labels = {i: text for i, text, _ in FRAMEWORK_ITEMS[framework]}
    frame = pd.DataFrame({"Item": [f"{i}. {labels[i]}" for i in now["item"]], "Raters": now["raters"],
                          "Median rating": now["median"], "Rated Good or better": now["good_or_better"].map(show.pct),
                          "Range": [f"{lo} to {hi}" for lo, hi in zip(now["lowest"], now["highest"], strict=True)],
                          "Median last cycle": [prev.get(i, ":") for i in now["item"]]})
    return show.table(frame, caption="Ratings of each item", uid=uid)


def agreement(ctx: Context, framework: str, *, uid: str) -> HTML:
    """How far the raters agree across the items."""
    r = sa.ratings(ctx, framework)
    if r is None:
        return show.note("No ratings: agreement cannot be measured.")
    out = sa.scale_agreement(r, confidence_level=ctx.params.confidence_level)
    rows = [{"Measure": "Percent agreement (pairs of raters giving the same rating)",
             "Value": show.agreement_text(out["percent"], _RATINGS)},
            {"Measure": "Pairs of raters within one step", "Value": show.pct(out["within_one"])},
            {"Measure": out["ac"].method + f" ({out['ac'].weights} weights)", "Value": show.agreement_text(out["ac"], _RATINGS)},
            {"Measure": out["alpha"].method, "Value": show.agreement_text(out["alpha"], _RATINGS)}]
    if "icc" in out:
        icc = out["icc"]
        rows.append({"Measure": icc.method, "Value": f"{icc.statistic:.2f} ({icc.confidence_interval.low:.2f} to "
                                                     f"{icc.confidence_interval.high:.2f}); n {icc.n_units}"})
    return show.table(pd.DataFrame(rows), caption=f"Agreement between {r.table.shape[1]} raters over "
                                                   f"{r.table.shape[0]} items", uid=uid)


def divergence(ctx: Context, framework: str, *, uid: str) -> HTML:
    """Which raters see things differently from the rest."""
    r = sa.ratings(ctx, framework)
    if r is None:
        return show.note("No ratings.")
    d = sa.divergence(r)
    frame = pd.DataFrame({"Rater": d["rater"], "More favourable than the others by (steps)":
                          d["mean_difference"].map(lambda v: f"{v:+.2f}"),
                          "Items two or more steps from the rest": d["items_two_or_more_apart"]})
    return show.table(frame, caption="Where the raters diverge", uid=uid)


def record(ctx: Context, framework: str, extra: dict | None = None) -> object:
    """Results JSON: per-item summary, agreement coefficients, divergence."""
    from review.batch.results import record as _record

    r = sa.ratings(ctx, framework)
    figures: dict = dict(extra or {})
    headlines = []
    if r is not None:
        out = sa.scale_agreement(r, confidence_level=ctx.params.confidence_level)
        summary = sa.item_summary(r)
        figures |= {"items": summary, "agreement": out, "divergence": sa.divergence(r)}
        weakest = summary.sort_values("good_or_better").iloc[0]
        headlines = [f"Raters' agreement, {out['alpha'].method}: {show.agreement_text(out['alpha'], _RATINGS)}",
                     f"Weakest item: {weakest['item']} ({show.pct(weakest['good_or_better'])} rate it Good or better)"]
        figures["actions"] = [f"{i}: rated Good or better by under half of raters"
                              for i, g in zip(summary["item"], summary["good_or_better"], strict=True) if g < 0.5]
    return _record(framework, ctx.cycle, figures, headlines=headlines)
