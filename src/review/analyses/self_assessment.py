"""Self-assessments: several raters (managers, agencies) rating a framework's items.

The items are the units and the raters the raters of the agreement engine, so the same
coefficients that measure auditors measure how far agencies see the partnership alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from review.analyses.context import Context
from review.config.framework_items import FRAMEWORK_ITEMS
from review.stats import agreement as ag

__all__ = ["Ratings", "divergence", "item_summary", "ratings", "scale_agreement"]


@dataclass(frozen=True)
class Ratings:
    """One framework's ratings in a cycle.

    Attributes
    ----------
    table : pandas.DataFrame
        Items in rows (framework order), raters in columns, labels as rated.
    positions : pandas.DataFrame
        The same, as positions on the scale (0 = best).
    scale : tuple of str
        Labels, best first.
    numeric : bool
        Whether the labels are numbers (0-10 scaling): then higher is better.
    good_or_better : frozenset of str
        The scale's labels that count as Good or better.
    """

    table: pd.DataFrame
    positions: pd.DataFrame
    scale: tuple[str, ...]
    numeric: bool
    good_or_better: frozenset[str]


def ratings(ctx: Context, framework: str, cycle: str | None = None) -> Ratings | None:
    """The ratings of one framework's items in a cycle (None when nobody rated)."""
    data = ctx.evidence.table("self_assessments")
    data = data[(data["framework"] == framework) & (data["cycle"] == (cycle or ctx.cycle))]
    if data.empty:
        return None
    grade_scale = ctx.evidence.scales[data["grade_scale"].iloc[0]]
    scale = grade_scale.rated
    order = [item for item, _, _ in FRAMEWORK_ITEMS[framework]]
    table = data.pivot(index="item", columns="rater", values="rating").reindex([i for i in order if i in set(data["item"])])
    position = {label: i for i, label in enumerate(scale)}
    positions = table.apply(lambda col: col.map(position)).astype(float)
    numeric = all(label.lstrip("-").isdigit() for label in scale)
    return Ratings(table, positions, tuple(scale), numeric, grade_scale.good_or_better)


def scale_agreement(r: Ratings, *, confidence_level: float) -> dict[str, object]:
    """Agreement between the raters across the items: percent agreement, AC2 and Krippendorff's alpha."""
    level = "interval" if r.numeric else "ordinal"
    values = r.table.apply(lambda col: pd.to_numeric(col)) if r.numeric else r.table
    cats = sorted({int(v) for v in r.scale}) if r.numeric else list(r.scale)
    weights = "quadratic" if r.numeric else "ordinal"
    out = {
        "percent": ag.percent_agreement(values, categories=cats, confidence_level=confidence_level),
        "within_one": float(np.nanmean([abs(a - b) <= 1 for _, row in r.positions.iterrows()
                                        for i, a in enumerate(row.dropna()) for b in list(row.dropna())[i + 1:]]))
        if r.positions.shape[1] > 1 else float("nan"),
        "ac": ag.gwet_ac(values, categories=cats, weights=weights, confidence_level=confidence_level),
        "alpha": ag.krippendorff_alpha(values, level=level, categories=cats, confidence_level=confidence_level),
    }
    if r.numeric and not values.isna().any().any():
        out["icc"] = ag.icc(values, form="ICC2", confidence_level=confidence_level)
    return out


def item_summary(r: Ratings) -> pd.DataFrame:
    """Per item: the median rating, the share of raters rating it Good or better, the spread."""
    rows = []
    for item, row in r.table.iterrows():
        pos = r.positions.loc[item].dropna()
        median = r.scale[int(np.floor(np.median(pos)))] if len(pos) else ":"
        rows.append({"item": item, "raters": int(len(pos)), "median": median,
                     "good_or_better": float(row.dropna().isin(r.good_or_better).mean()) if len(pos) else float("nan"),
                     "spread": int(pos.max() - pos.min()) if len(pos) else 0,
                     "lowest": r.scale[int(pos.max())] if len(pos) else ":", "highest": r.scale[int(pos.min())] if len(pos) else ":"})
    return pd.DataFrame(rows)


def divergence(r: Ratings) -> pd.DataFrame:
    """How far each rater stands from the others: mean signed distance (in scale steps) from the item medians.

    Positive: the rater rates more favourably than the rest.
    """
    medians = r.positions.median(axis=1)
    diffs = r.positions.sub(medians, axis=0).mul(-1)
    return pd.DataFrame({"rater": diffs.columns, "mean_difference": diffs.mean().to_numpy(),
                         "items_two_or_more_apart": (diffs.abs() >= 2).sum().to_numpy()}).sort_values(
        "mean_difference", ascending=False, kind="stable").reset_index(drop=True)
