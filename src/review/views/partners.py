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


def _people(ctx: Context, framework: str) -> bool:
    """Whether people (managers) rather than agencies rate this framework's items: then a published
    report shows no rater's own figures and withholds counts of raters (issue 15)."""
    from review.protection.pseudonym import identifier_rows

    data = ctx.evidence.table("self_assessments")
    return ctx.policy.suppress and bool(identifier_rows(data[data["framework"] == framework], "self_assessments",
                                                         "rater").any())


def items(ctx: Context, framework: str, *, uid: str) -> HTML:
    """Each item: its median rating, share Good or better, spread, and last cycle's median."""
    r = sa.ratings(ctx, framework)
    if r is None:
        return show.note("No self-assessment ratings were provided for this cycle.")
    before = sa.ratings(ctx, framework, ctx.previous)
    now = sa.item_summary(r)
    prev = sa.item_summary(before).set_index("item")["median"] if before is not None else pd.Series(dtype=object)
    labels = {i: text for i, text, _ in FRAMEWORK_ITEMS[framework]}
    people = _people(ctx, framework)
    frame = pd.DataFrame({"Item": [f"{i}. {labels[i]}" for i in now["item"]],
                          "Raters": [(ctx.policy.withhold(of=n) if people else None) or show.nocount(n) for n in now["raters"]],
                          "Median rating": now["median"],
                          "Rated Good or better": [(ctx.policy.withhold(round(g * n), of=n) if people else None) or show.pct(g)
                                                   for g, n in zip(now["good_or_better"], now["raters"], strict=True)],
                          "Range": [f"{lo} to {hi}" for lo, hi in zip(now["lowest"], now["highest"], strict=True)],
                          "Median last cycle": [prev.get(i, ":") for i in now["item"]]})
    return show.table(frame, caption="Ratings of each item", uid=uid, policy=ctx.policy if people else None,
                      nocount=["Item", "Median rating", "Range", "Median last cycle"])  # scale positions, item numbers


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
    raters = (ctx.policy.withhold(of=r.table.shape[1]) if _people(ctx, framework) else None) or r.table.shape[1]
    return show.table(pd.DataFrame(rows), caption=show.nocount(f"Agreement between {raters} raters over "
                                                               f"{r.table.shape[0]} items"), uid=uid)


def divergence(ctx: Context, framework: str, *, uid: str) -> HTML:
    """Which raters see things differently from the rest."""
    r = sa.ratings(ctx, framework)
    if r is None:
        return show.note("No ratings.")
    if _people(ctx, framework):
        return show.note("Each rater's own figures are shown in the internal report only; the published report "
                         "gives the raters' ratings together.")
    d = sa.divergence(r)
    frame = pd.DataFrame({"Rater": d["rater"], "More favourable than the others by (steps)":
                          d["mean_difference"].map(lambda v: f"{v:+.2f}"),
                          "Items two or more steps from the rest": d["items_two_or_more_apart"]})
    return show.table(frame, caption="Where the raters diverge", uid=uid,
                      nocount=["Items two or more steps from the rest"])  # agencies may be named; items, not people


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
