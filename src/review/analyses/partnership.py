"""The result shared by the self-assessment frameworks (Healthcare Commission, LSCB checklist, governance).

Each framework's module (:mod:`review.analyses.healthcare_commission`,
:mod:`review.analyses.lscb_checklist`, :mod:`review.analyses.governance`) names the independent
evidence for its items; this module rates, triangulates and summarises them the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from review.analyses import self_assessment as sa
from review.analyses.audit_learning import LearningSection
from review.analyses.judgement import (
    SELF,
    SELF_ASSESSED,
    EvidenceLine,
    Headline,
    ItemJudgement,
    Rates,
    action_sentence,
    rag_counts,
    rag_sentence,
    triangulate,
    weakest,
)
from review.analyses.mapped import mapped_lines
from review.config.framework_items import FRAMEWORK_ITEMS, SourceItem
from review.config.thresholds import Threshold, item_threshold
from review.data import Evidence
from review.protection.pseudonym import identifier_rows

__all__ = ["JUDGED_WORDS", "ItemResult", "SelfAssessmentResult", "analyse_self_assessment", "raters_are_people"]

JUDGED_WORDS = "items judged (headings summarised from their sub-items are not counted)"
"""What the first headline's counts are of."""


@dataclass(frozen=True)
class ItemResult:
    """One item of the source with its ratings, evidence and judgement.

    Attributes
    ----------
    item : SourceItem
    ratings : ItemRatings or None
        None for an item nobody rates (a heading, the lead role, a context question).
    evidence : tuple of EvidenceLine
    judgement : ItemJudgement or None
        None for an item that is not judged (the governance exercise's context questions).
    note : str
        What the report says beside the item (how a heading is summarised, why it is not judged).
    threshold : Threshold or None
        The lines the item was judged against, with their source (None when not judged).
    """

    item: SourceItem
    ratings: sa.ItemRatings | None
    evidence: tuple[EvidenceLine, ...]
    judgement: ItemJudgement | None
    note: str = ""
    threshold: Threshold | None = None


@dataclass(frozen=True)
class SelfAssessmentResult:
    """Everything a self-assessment framework's report shows.

    Attributes
    ----------
    framework, cycle, previous : str
    confidence_level, green, red : float
    scale : tuple of str
        The rating scale's labels, best first.
    good_labels : tuple of str
        The labels the data's grade scale marks as Good or better.
    numeric : bool
        Whether ratings are 0-10 scores.
    items : tuple of ItemResult
        Every item of the source, in its order.
    agreement : AgreementSummary or None
    divergence : pandas.DataFrame or None
        Each rater's generosity (internal reports only: never shown in a published report).
    weakest : Headline
    rag_counts : dict
    needs_action : tuple of str
    changes : tuple of str
    headlines : tuple of str
    people_rate : bool
        Whether people (managers) rather than organisations rate the items: then a published
        report withholds their small numbers and shows no rater's own scores.
    learning : LearningSection or None
        What the audits tell us this quarter (:func:`review.analyses.audit_learning.section`): set
        for a report (its ``analyse_context``), None otherwise.
    """

    framework: str
    cycle: str
    previous: str
    confidence_level: float
    green: float
    red: float
    scale: tuple[str, ...]
    good_labels: tuple[str, ...]
    numeric: bool
    items: tuple[ItemResult, ...]
    agreement: sa.AgreementSummary | None
    divergence: pd.DataFrame | None
    weakest: Headline
    rag_counts: dict[str, int]
    needs_action: tuple[str, ...]
    changes: tuple[str, ...]
    headlines: tuple[str, ...]
    people_rate: bool = True
    self_rated: bool = False
    learning: LearningSection | None = None


EvidenceFor = Callable[[SourceItem, Rates], Sequence[EvidenceLine]]



def _judged(item: ItemResult) -> ItemJudgement:
    """The judgement of an item already filtered to judged items."""
    if item.judgement is None:
        raise ValueError(f"{item.item.item_id} has no judgement")
    return item.judgement

def analyse_self_assessment(evidence: Evidence, framework: str, *, cycle: str, previous: str,
                            confidence_level: float, green: float, red: float,
                            independent: EvidenceFor | None = None,
                            notes: Mapping[str, str] | None = None,
                            rater_words: str = "raters", self_rated: bool = False,
                            thresholds: Mapping[tuple[str, str], Threshold] | None = None) -> SelfAssessmentResult:
    """Rate, triangulate and summarise every item of a self-assessment framework.

    Parameters
    ----------
    evidence : Evidence
    framework : str
    cycle, previous : str
    confidence_level, green, red : float
    independent : callable, optional
        ``(item, rates) -> evidence lines`` beyond those the evidence map declares
        (:func:`review.analyses.mapped.mapped_lines`) and the self-assessment.
    notes : mapping, optional
        Item id to the note shown for an unrated item.
    rater_words : str, default: ``"raters"``
        How the raters are named ("health agencies", "area managers").
    thresholds : mapping, optional
        ``(framework, item) -> Threshold`` declared for particular items
        (:func:`review.config.thresholds.load_thresholds`); any other item is judged against
        ``green`` and ``red``, the workbook's own default.
    self_rated : bool, default: False
        Each rater rates its own organisation (the Healthcare Commission's issues: each health agency
        rates its own services): the ratings are a spread of self-ratings, not raters rating the same
        units, so no agreement coefficient is computed.

    Returns
    -------
    SelfAssessmentResult
    """
    people = raters_are_people(evidence, framework, cycle)
    unit = "ratings" if people else "agency ratings"
    now, before = sa.ratings(evidence, framework, cycle), sa.ratings(evidence, framework, previous)
    summary_now = {i.item_id: i for i in sa.item_ratings(now)} if now else {}
    summary_before = {i.item_id: i for i in sa.item_ratings(before)} if before else {}
    notes = dict(notes or {})
    items: list[ItemResult] = []
    for item in FRAMEWORK_ITEMS[framework]:
        threshold = item_threshold(thresholds or {}, framework, item.item_id, green=green, red=red)
        rates = Rates(confidence_level=confidence_level, green=threshold.green, red=threshold.red)
        lines = mapped_lines(evidence, framework, item.item_id, rates=rates, cycle=cycle, previous=previous)
        lines += list(independent(item, rates)) if independent else []
        rated = summary_now.get(item.item_id)
        if rated is not None and rated.raters:
            prev = summary_before.get(item.item_id)
            lines.append(rates.line(SELF, f"{rater_words} rating it {_good_words(now)}", (rated.good, rated.raters),
                                    (prev.good, prev.raters) if prev and prev.raters else None, unit))
        if item.group == "context":
            items.append(ItemResult(item, None, (), None, notes.get(item.item_id, "")))
            continue
        items.append(ItemResult(item, rated, tuple(lines), triangulate(lines), notes.get(item.item_id, ""), threshold))
    items = _summarise_headings(items)
    judged = [i for i in items if i.judgement is not None and i.judgement.basis != "its sub-items"]
    counts = rag_counts([j.band for i in judged if (j := i.judgement) is not None])
    shares = [(i.item.item_id, i.ratings.good / i.ratings.raters) for i in items if i.ratings and i.ratings.raters]
    low = weakest(shares)
    actions = tuple(action_sentence(i.item.item_id, _judged(i)) for i in judged if _judged(i).band == "red")
    changes = tuple(ln.change_sentence(i.item.item_id) for i in judged
                    for ln in i.evidence if ln.change.label in ("improved", "worse"))
    agreement = sa.agreement_summary(now, confidence_level=confidence_level) if now and not self_rated else None
    headlines = [f"{rag_sentence(counts)} of {len(judged)} {JUDGED_WORDS}"]
    if low.kind == "all equal":
        headlines.append(f"All rated items equal: {100 * low.value:.0f}% of {rater_words} rate each {_good_words(now)}")
    elif low.kind in ("weakest", "tied"):
        headlines.append(f"Lowest rated: {', '.join(low.items)} ({100 * low.value:.0f}% of {rater_words} rate "
                         f"{'it' if len(low.items) == 1 else 'each'} {_good_words(now)})")
    if agreement is not None:
        headlines.append(agreement.headline)
    return SelfAssessmentResult(
        framework=framework, cycle=cycle, previous=previous, confidence_level=confidence_level, green=green, red=red,
        scale=now.scale if now else (), good_labels=tuple(sorted(now.good_or_better, key=now.scale.index)) if now else (),
        numeric=bool(now and now.numeric), items=tuple(items), agreement=agreement,
        divergence=sa.divergence(now) if now else None, weakest=low, rag_counts=counts, needs_action=actions,
        changes=changes, headlines=tuple(headlines), people_rate=people, self_rated=self_rated)


def raters_are_people(evidence: Evidence, framework: str, cycle: str) -> bool:
    """Whether people rate a framework's items this cycle: any rater the data do not name as an
    agency (:data:`review.data.schema.ORGANISATION_ROWS`) is a person; no ratings counts as people
    (deny by default)."""

    data = evidence.table("self_assessments")
    data = data[(data["framework"] == framework) & (data["cycle"] == cycle)]
    return data.empty or bool(identifier_rows(data, "self_assessments", "rater").any())


def _good_words(r: sa.Ratings | None) -> str:
    if r is None:
        return "Good or better"
    if r.numeric:
        return f"{min(int(v) for v in r.good_or_better)} or more out of 10"
    return "Good or better"


def _summarise_headings(items: list[ItemResult]) -> list[ItemResult]:
    """A heading the raters do not score (LSCB 'Quality Assurance', a governance axis) takes the worst
    band of its sub-items."""
    order = {"red": 0, "amber": 1, "green": 2, SELF_ASSESSED: 3, "grey": 4}
    out = []
    for it in items:
        children = [c for c in items if c.item.parent == it.item.item_id and c.judgement is not None]
        if not it.item.rated and children and it.judgement is not None and it.judgement.basis == "no evidence":
            worst = min(children, key=lambda c: order[_judged(c).band])
            bands = ", ".join(f"{c.item.item_id} {_judged(c).band}" for c in children)
            judgement = ItemJudgement(_judged(worst).band, all(_judged(c).firm for c in children),
                                      "its sub-items", (), None)
            it = ItemResult(it.item, None, (), judgement, f"Summarised from its sub-items ({bands}): the worst band.")
        out.append(it)
    return out
