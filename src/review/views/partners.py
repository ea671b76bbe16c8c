"""Report sections shared by the self-assessment frameworks (Healthcare Commission, LSCB, governance).

They format a :class:`~review.analyses.partnership.SelfAssessmentResult` and never compute.
Individual raters (their ratings and generosity) appear only in internal reports.
"""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from review.analyses.partnership import SelfAssessmentResult
from review.protection.disclosure import DisclosurePolicy
from review.views import common
from review.views import presentation as show

__all__ = ["agreement", "disagreements", "divergence", "items", "record", "summary"]


def _label(i) -> str:  # noqa: ANN001 - an ItemResult
    indent = "    " if i.item.parent else ""
    return f"{indent}{i.item.item_id}. {i.item.text}"


def summary(result: SelfAssessmentResult, policy: DisclosurePolicy) -> HTML:
    """The headline sentences and the band legend."""
    items = "".join(f"<li>{html.escape(h)}</li>" for h in result.headlines)
    return HTML(f"<ul>{items}</ul>" + common.rag_legend(result.green, result.red).data)


def items(result: SelfAssessmentResult, policy: DisclosurePolicy, *, uid: str) -> HTML:
    """Every item of the source in its order: ratings, evidence, judgement, uncertainty and change."""
    rows = []
    good = "7 or more" if result.numeric else "Good or better"
    for i in result.items:
        rated = ""
        if i.ratings is not None and i.ratings.raters:
            r = i.ratings
            rated = (f"median {r.median}, range {r.lowest} to {r.highest}; {r.good} of {r.raters} rate it {good}")
        lines = common.evidence_rows(_label(i), i.evidence, i.judgement, policy)
        lines[0]["Ratings"] = rated or (i.note if i.judgement is None or not i.evidence else "")
        if i.judgement is not None and i.judgement.basis == "its sub-items":
            lines[0]["Evidence"] = i.note
        if i.judgement is None:
            lines[0]["Evidence"], lines[0]["Judgement"] = "a question the exercise asks: discussed, not scored", "not judged"
        rows += lines
    frame = pd.DataFrame(rows, columns=["Item", "Ratings", "Evidence", "Level", "Band", "Change since last cycle",
                                        "Judgement", "Uncertainty"]).fillna("")
    return show.table(frame, caption=f"Every item of the source, {result.cycle}", uid=uid, policy=policy)


def disagreements(result: SelfAssessmentResult, policy: DisclosurePolicy) -> HTML:
    """Where the sources on an item disagree, one sentence each."""
    return common.disagreements([(i.item.item_id, i.judgement) for i in result.items], policy)


def agreement(result: SelfAssessmentResult, policy: DisclosurePolicy, *, uid: str) -> HTML:
    """Every coefficient with its reading in words, and why they differ when they do."""
    a = result.agreement
    if a is None:
        return show.note("Fewer than two raters: agreement cannot be measured.")
    rows = []
    for name, reading in (("Percent agreement (pairs of raters giving the same rating)", a.percent),
                          (f"{a.ac.result.method} ({a.ac.result.weights} weights): preferred, robust to prevalence",
                           a.ac), (f"{a.alpha.result.method}", a.alpha)):
        res = reading.result
        value = show.agreement_text(res, common.NO_CHILDREN)
        words = "; ".join(f"{b.scale}: {b.label}" for b in reading.readings) if name[0] != "P" else ""
        rows.append({"Measure": name, "Value": value, "In words (Gwet's benchmarking, 95% sure)": words or
                     "raw agreement, not corrected for chance"})
    table = show.table(pd.DataFrame(rows), caption="Agreement between the raters across the items", uid=uid)
    extra = show.note(a.explanation).data if a.explanation else ""
    return HTML(table.data + show.note(a.headline + ".").data + extra)


def divergence(result: SelfAssessmentResult, policy: DisclosurePolicy, *, uid: str) -> HTML:
    """Each rater's generosity (pseudonyms): internal reports only."""
    if policy.suppress or result.divergence is None:
        return show.note("Individual raters' ratings and generosity are not shown in a published report; the "
                         "aggregate above is.")
    d = result.divergence
    frame = pd.DataFrame({"Rater": d["rater"], "More favourable than the others by (steps)":
                          d["mean_difference"].map(lambda v: f"{v:+.2f}"),
                          "Items two or more steps from the rest": d["items_two_or_more_apart"]})
    return show.table(frame, caption="Where the raters diverge (internal)", uid=uid)


def record(result: SelfAssessmentResult, policy: DisclosurePolicy, extra: dict | None = None) -> object:
    """Results JSON: the contract keys, every item's judgement and the agreement (no individual rater published)."""
    from review.batch.results import record as _record

    figures = {"rag_counts": result.rag_counts, "needs_action": list(result.needs_action),
               "changes": list(result.changes), "confidence_level": result.confidence_level,
               "items": [{"item": i.item.item_id, "band": i.judgement.band if i.judgement else None,
                          "firm": i.judgement.firm if i.judgement else None,
                          "basis": i.judgement.basis if i.judgement else None,
                          "ratings": i.ratings} for i in result.items],
               "weakest": result.weakest,
               "agreement": None if result.agreement is None else {
                   "percent": result.agreement.percent.result, "ac": result.agreement.ac.result,
                   "alpha": result.agreement.alpha.result, "prevalence_paradox": result.agreement.prevalence_paradox,
                   "modal_share": result.agreement.modal_share}} | dict(extra or {})
    if not policy.suppress and result.divergence is not None:
        figures["divergence"] = result.divergence
    return _record(result.framework, result.cycle, figures, headlines=list(result.headlines))
