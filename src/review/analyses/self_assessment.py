"""Self-assessments: several raters (managers, agencies) rating a framework's items.

The items are the units and the raters the raters of the agreement engine, so the same
coefficients that measure auditors measure how far agencies see the partnership alike. Every
coefficient comes with a plain-English reading (Gwet's probabilistic benchmarking on the
Landis-Koch, Altman and Fleiss scales, using its standard error), and when nearly every rating
falls in one category the analysis explains why chance-corrected coefficients collapse (the
kappa paradox) and headlines Gwet's AC1/AC2, which is robust to it.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from review.config.framework_items import rated_items
from review.data import Evidence
from review.exceptions import DegenerateDataWarning
from review.stats import agreement as ag
from review.stats.agreement import AgreementResult
from review.stats.benchmark import SCALES, BenchmarkResult, benchmark

__all__ = [
    "PREVALENCE_AGREEMENT",
    "PREVALENCE_COEFFICIENT",
    "PREVALENCE_SHARE",
    "AgreementReading",
    "AgreementSummary",
    "ItemRatings",
    "Ratings",
    "agreement_summary",
    "divergence",
    "item_ratings",
    "ratings",
]

PREVALENCE_SHARE = 0.8
"""Share of all ratings in one category above which the prevalence (kappa) paradox is checked for."""
PREVALENCE_AGREEMENT = 0.8
"""Observed agreement at or above which a near-zero chance-corrected coefficient is read as the paradox."""
PREVALENCE_COEFFICIENT = 0.2
"""A chance-corrected coefficient below this (Landis and Koch's "slight") is near zero, for the paradox."""


@dataclass(frozen=True)
class Ratings:
    """One framework's ratings in a cycle.

    Attributes
    ----------
    table : pandas.DataFrame
        Items in rows (source order), raters in columns, labels as rated.
    positions : pandas.DataFrame
        The same, as positions on the scale (0 = best).
    scale : tuple of str
        Labels, best first.
    numeric : bool
        Whether the labels are numbers (0-10 scaling): then higher is better.
    good_or_better : frozenset of str
        The scale's labels the data mark as Good or better (for 0-10 scaling: the scores the
        grade scale marks, e.g. 7 to 10).
    """

    table: pd.DataFrame
    positions: pd.DataFrame
    scale: tuple[str, ...]
    numeric: bool
    good_or_better: frozenset[str]


def ratings(evidence: Evidence, framework: str, cycle: str) -> Ratings | None:
    """The ratings of one framework's rated items in a cycle (None when nobody rated)."""
    data = evidence.table("self_assessments")
    data = data[(data["framework"] == framework) & (data["cycle"] == cycle)]
    order = [i.item_id for i in rated_items(framework)]
    data = data[data["item"].isin(order)]
    if data.empty:
        return None
    grade_scale = evidence.scales[data["grade_scale"].iloc[0]]
    scale = grade_scale.rated
    table = data.pivot(index="item", columns="rater", values="rating").reindex(
        [i for i in order if i in set(data["item"])])
    position = {label: i for i, label in enumerate(scale)}
    positions = table.apply(lambda col: col.map(position)).astype(float)
    numeric = all(label.lstrip("-").isdigit() for label in scale)
    return Ratings(table, positions, tuple(scale), numeric, grade_scale.good_or_better)


@dataclass(frozen=True)
class ItemRatings:
    """One item's ratings summarised in the scale's own terms.

    Attributes
    ----------
    item_id : str
    raters : int
    good : int
        Raters giving a label the scale marks Good or better (0-10 scaling: the marked scores).
    median : str
        The median label (for an even number of raters on an ordinal scale, the lower of the two
        middle labels; for 0-10 scores, the numeric median).
    lowest, highest : str
    spread : float
        Highest minus lowest, in scale steps (0-10 scores: points).
    """

    item_id: str
    raters: int
    good: int
    median: str
    lowest: str
    highest: str
    spread: float


def item_ratings(r: Ratings) -> tuple[ItemRatings, ...]:
    """Each item's summary, in the source's order.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"A": ["Good", "Adequate"], "B": ["Good", "Good"]}, index=["H1", "H2"])
    >>> scale = ("Outstanding", "Good", "Adequate", "Inadequate")
    >>> pos = t.apply(lambda c: c.map({s: i for i, s in enumerate(scale)})).astype(float)
    >>> out = item_ratings(Ratings(t, pos, scale, False, frozenset({"Outstanding", "Good"})))
    >>> [(i.item_id, i.good, i.median, i.spread) for i in out]
    [('H1', 2, 'Good', 0.0), ('H2', 1, 'Adequate', 1.0)]
    """
    out = []
    for item, row in r.table.iterrows():
        given = row.dropna()
        pos = r.positions.loc[item].dropna()
        if given.empty:
            out.append(ItemRatings(str(item), 0, 0, ":", ":", ":", float("nan")))
            continue
        good = int(given.isin(r.good_or_better).sum())
        if r.numeric:
            scores = pd.to_numeric(given)
            med = float(np.median(scores))
            out.append(ItemRatings(str(item), int(given.size), good, f"{med:g}", f"{scores.min():g}",
                                   f"{scores.max():g}", float(scores.max() - scores.min())))
        else:
            median = r.scale[int(np.ceil(np.median(pos)))]  # the worse of two middle labels
            out.append(ItemRatings(str(item), int(given.size), good, median, r.scale[int(pos.max())],
                                   r.scale[int(pos.min())], float(pos.max() - pos.min())))
    return tuple(out)


@dataclass(frozen=True)
class AgreementReading:
    """A coefficient with its reading on each benchmark scale.

    Attributes
    ----------
    result : AgreementResult
    readings : tuple of BenchmarkResult
        Landis-Koch, Altman and Fleiss, by Gwet's probabilistic method.
    sentence : str
        Plain English: "moderate on the Landis-Koch scale (95% sure it is this band or better)".
    """

    result: AgreementResult
    readings: tuple[BenchmarkResult, ...]
    sentence: str


def _read(result: AgreementResult) -> AgreementReading:
    if math.isnan(result.statistic):
        return AgreementReading(result, (), "undefined: every rating fell in one category")
    readings = tuple(benchmark(result.statistic, result.standard_error, scale=s) for s in SCALES)
    lk = readings[0]
    sure = f"{100 * lk.threshold:.0f}% sure" if not math.isnan(result.standard_error) else "point estimate only"
    sentence = f"{lk.label} on the Landis-Koch scale ({sure} it is this band or better)"
    if lk.label != lk.naive_label:
        sentence += f"; the estimate itself lies in the {lk.naive_label} band, but is too imprecise to be sure of it"
    return AgreementReading(result, readings, sentence)


@dataclass(frozen=True)
class AgreementSummary:
    """How far the raters agree, read in words.

    Attributes
    ----------
    percent : AgreementReading
        Observed pairwise agreement.
    ac : AgreementReading
        Gwet's AC1 (0-10 scores: AC2, quadratic weights; ordinal grades: AC2, ordinal weights).
    alpha : AgreementReading
        Krippendorff's alpha.
    modal_category : str
        The label most ratings fall in.
    modal_share : float
        Its share of all ratings.
    prevalence_paradox : bool
        Observed agreement is high, nearly every rating is in one category, and alpha is near 0.
    explanation : str
        Why the coefficients differ, when they do.
    headline : str
        One sentence, led by the coefficient :data:`HEADLINE_RULE` names, with the raw agreement.
    """

    percent: AgreementReading
    ac: AgreementReading
    alpha: AgreementReading
    modal_category: str
    modal_share: float
    prevalence_paradox: bool
    explanation: str
    headline: str


HEADLINE_RULE = ("The headline coefficient is declared in advance: Krippendorff's alpha, unless the ratings show the "
                 "kappa paradox (raters agree in most pairs while nearly every rating falls in one category), when "
                 "Gwet's AC1/AC2 leads and the paradox is explained. It is never chosen as the most favourable.")
"""The workbook's rule for which agreement coefficient a report headlines."""


def agreement_summary(r: Ratings, *, confidence_level: float) -> AgreementSummary | None:
    """Agreement between the raters across the items (None with fewer than two raters)."""
    if r.table.shape[1] < 2:
        return None
    values = r.table.apply(pd.to_numeric) if r.numeric else r.table
    cats = sorted({int(v) for v in r.scale}) if r.numeric else list(r.scale)
    weights = "quadratic" if r.numeric else "ordinal"
    with warnings.catch_warnings():  # an undefined coefficient is NaN, and its reading says why
        warnings.simplefilter("ignore", DegenerateDataWarning)
        percent = ag.percent_agreement(values, categories=cats, confidence_level=confidence_level)
        ac = ag.gwet_ac(values, categories=cats, weights=weights, confidence_level=confidence_level)
        alpha = ag.krippendorff_alpha(values, level="interval" if r.numeric else "ordinal", categories=cats,
                                      confidence_level=confidence_level)
    flat = r.table.stack().astype(str)
    counts = flat.value_counts()
    modal, share = (str(counts.index[0]), float(counts.iloc[0] / counts.sum())) if len(counts) else (":", float("nan"))
    paradox = (percent.statistic >= PREVALENCE_AGREEMENT and share >= PREVALENCE_SHARE and share < 1
               and (math.isnan(alpha.statistic) or alpha.statistic < PREVALENCE_COEFFICIENT))
    explanation = ""
    if paradox:
        explanation = (f"The raters gave the same rating in {100 * percent.statistic:.0f}% of pairs, and "
                       f"{100 * share:.0f}% of all ratings were '{modal}'. When nearly every rating falls in one "
                       "category, chance-corrected coefficients such as Krippendorff's alpha and kappa expect almost "
                       "all of that agreement by chance and fall towards 0 (the kappa paradox): this is not "
                       "disagreement. Gwet's AC1/AC2 is robust to it and is the coefficient to read.")
    ac_read, alpha_read = _read(ac), _read(alpha)
    if not paradox and ac_read.readings and alpha_read.readings and \
            ac_read.readings[0].label != alpha_read.readings[0].label:
        explanation = (f"The coefficients read differently ({ac.method} {ac_read.readings[0].label}, Krippendorff's "
                       f"alpha {alpha_read.readings[0].label}). Alpha counts as chance the agreement expected from how "
                       f"concentrated the ratings are ({100 * share:.0f}% of them '{modal}'); {ac.method} assumes less "
                       f"chance agreement and is robust when one rating dominates. With {ac.n_units} items neither is "
                       "precise: read the ratings item by item.")
    weighted = "" if ac.weights == "unweighted" else f", {100 * ac.observed_agreement:.0f}% weighted agreement"
    # The headline coefficient follows HEADLINE_RULE, decided before the figures: never the most favourable.
    lead, lead_read = (ac, ac_read) if paradox else (alpha, alpha_read)
    headline = (f"The raters' agreement ({lead.method}): {lead_read.sentence}; they gave exactly the same rating in "
                f"{100 * percent.statistic:.0f}% of pairs{weighted}")
    return AgreementSummary(_read(percent), ac_read, alpha_read, modal, share, paradox, explanation, headline)


def divergence(r: Ratings) -> pd.DataFrame:
    """How far each rater stands from the others: mean signed distance (scale steps) from the item medians.

    Positive: the rater rates more favourably than the rest. Individual raters: internal reports only.
    """
    medians = r.positions.median(axis=1)
    diffs = r.positions.sub(medians, axis=0).mul(-1)
    return pd.DataFrame({"rater": diffs.columns, "mean_difference": diffs.mean().to_numpy(),
                         "items_two_or_more_apart": (diffs.abs() >= 2).sum().to_numpy()}).sort_values(
        "mean_difference", ascending=False, kind="stable").reset_index(drop=True)
