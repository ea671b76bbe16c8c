"""Report sections shared by the self-assessment frameworks (Healthcare Commission, LSCB, governance).

They format a :class:`~review.analyses.partnership.SelfAssessmentResult` and never compute.
Individual raters (their ratings and generosity) appear only in internal reports.
"""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from review.analyses.actions import ActionsResult
from review.analyses.judgement import rag_sentence
from review.analyses.partnership import JUDGED_WORDS, ItemResult, SelfAssessmentResult
from review.analyses.self_assessment import HEADLINE_RULE, ItemRatings
from review.analyses.shown_bands import item_bands as shown_bands
from review.config.cycles import quarter_name
from review.protection.disclosure import DisclosurePolicy
from review.protection.disclosure_log import with_log
from review.protection.units import counted
from review.results.figures import record as _record
from review.views import common, learning
from review.views import presentation as show
from review.views.actions import history_figures

__all__ = ["CONTEXT_EVIDENCE", "agreement", "disagreements", "divergence", "items", "record", "shown_bands", "summary"]

CONTEXT_EVIDENCE = "context the source sets out, not an item to score: discussed, not judged"
"""The evidence cell of an item the source gives as context (the governance exercise's): the source
lists it and asks no question of it, so nothing is put in its name."""


def _label(i: ItemResult) -> show.Quoted:
    return show.source_item(i.item.item_id, i.item.text, before="    " if i.item.parent else "")


def _ratings(result: SelfAssessmentResult) -> int:
    """How many ratings the items received in all (for the modal share)."""
    return sum(i.ratings.raters for i in result.items if i.ratings is not None)


def _raters(result: SelfAssessmentResult) -> int:
    return max((i.ratings.raters for i in result.items if i.ratings is not None), default=0)


def _raters_withheld(result: SelfAssessmentResult, policy: DisclosurePolicy) -> bool:
    """Whether figures about the raters as a group are withheld: people (not agencies) rate, and
    fewer than the policy's smallest group."""
    return result.people_rate and policy.withhold(of=_raters(result)) is not None


def _judged(result: SelfAssessmentResult) -> list:
    """The items a report counts: those judged on their own evidence.

    Not counted: a heading summarised from its sub-items, and an item nobody rates that no evidence
    bears on (the Healthcare Commission's lead role beside its 7 issues, when the evidence map
    declares nothing for it): the page lists it, but it is none of the items the raters score, so
    it is not "without evidence" among them. An unrated item the evidence map does give evidence is
    judged on it and counted, so a red one is among the items needing action.
    """
    return [i for i in result.items if i.judgement is not None and i.judgement.basis != "its sub-items"
            and (i.item.rated or i.judgement.basis != "no evidence")]


def _small(i: ItemResult, result: SelfAssessmentResult, policy: DisclosurePolicy) -> bool:
    """Whether an item's judgement rests on a small group (a heading: one of its sub-items does)."""
    if i.judgement is not None and i.judgement.basis == "its sub-items":
        return any(_small(c, result, policy) for c in result.items if c.item.parent == i.item.item_id)
    return common.small_group(i.judgement, i.evidence, policy)


def _headlines(result: SelfAssessmentResult, policy: DisclosurePolicy) -> list[str]:
    """The analysis's headlines as the report may show them, marked where they hold no count: items
    by band (withheld judgements apart); the weakest item and the raters' agreement unless they are
    figures about too few people."""
    shown = common.shown_record([(i.item.item_id, i.evidence, i.judgement) for i in _judged(result)], policy)
    small = f"; {shown['small_group']} on a small group (figures withheld)" if shown["small_group"] else ""
    out: list[str] = [show.nocount(f"{rag_sentence(shown['rag_counts'])} of "
                        f"{len(_judged(result))} {JUDGED_WORDS}{small}")]  # items, not people
    rest = list(result.headlines[1:])
    if result.weakest.kind in ("weakest", "tied", "all equal") and rest:
        line, n = rest.pop(0), _raters(result)
        if not result.people_rate or policy.withhold(round(result.weakest.value * n), of=n) is None:
            out.append(show.nocount(line))  # item ids and a share of a shown group (or of organisations)
    if result.agreement is not None and rest and not _raters_withheld(result, policy):
        out.append(show.nocount(rest.pop(0)))  # coefficients and shares of pairs
    return out


def summary(result: SelfAssessmentResult, policy: DisclosurePolicy) -> HTML:
    """The headline sentences and the band legend."""
    items = "".join(f"<li {show.NOCOUNT}>{html.escape(h)}</li>" if isinstance(h, show.NoCount) else
                     f"<li>{html.escape(h)}</li>" for h in _headlines(result, policy))
    return HTML(f"<ul>{items}</ul>" + common.rag_legend(result.green, result.red).data)


def _ratings_text(r: ItemRatings, result: SelfAssessmentResult, policy: DisclosurePolicy) -> str:
    """'median Good, range Good to Outstanding; 4 of 4 rate it Good or better'; people's ratings in a
    published report: withheld for a small group, and never the range (one person's own score)."""
    good = "7 or more" if result.numeric else "Good or better"
    if not (result.people_rate and policy.suppress):
        # organisations' ratings (a count of agencies, declared so), or an internal report
        text = f"median {r.median}, range {r.lowest} to {r.highest}; {r.good} of {r.raters} rate it {good}"
        return show.nocount(text) if result.people_rate else counted(text, "agencies")
    if policy.withhold(r.good, of=r.raters):
        return "c"
    return show.nocount(f"median {r.median}; {r.good} of {r.raters} rate it {good}")  # checked just above


def items(result: SelfAssessmentResult, policy: DisclosurePolicy, *, uid: str) -> HTML:
    """Every item of the source in its order: ratings, evidence, judgement, uncertainty and change; then
    what the audits tell us where the report carries it (the LSCB checklist: :func:`review.views.learning.section`)."""
    rows = []
    bands = shown_bands(result, policy)
    for i in result.items:
        rated = _ratings_text(i.ratings, result, policy) if i.ratings is not None and i.ratings.raters else ""
        lines = common.evidence_rows(_label(i), i.evidence, i.judgement, policy)
        heading = i.judgement is not None and i.judgement.basis == "its sub-items"
        note = show.nocount(i.note)  # item ids and their bands (a heading: its sub-items')
        lines[0]["Ratings"] = rated or (note if i.judgement is None or not i.evidence else "")
        if heading:
            lines[0]["Evidence"] = note
            small = _small(i, result, policy)
            lines[0]["Judgement"] = common.judgement_text(i.judgement, bands[i.item.item_id], small=small)
            if small:
                lines[0]["Uncertainty"] = "small group: the figures it rests on are withheld (c)"
        if i.judgement is None:  # the context the exercise was set in: the source lists it and asks nothing
            lines[0]["Ratings"] = ""
            lines[0]["Evidence"] = CONTEXT_EVIDENCE
            lines[0]["Judgement"] = "not judged"
        rows += lines
    frame = pd.DataFrame(rows, columns=["Item", "Ratings", "Evidence", "Level", "Band", "Since last quarter",
                                        "Judgement", "Uncertainty"]).fillna("")
    table = show.table(frame, caption=f"Every item of the source, {quarter_name(result.cycle)}", uid=uid, policy=policy)
    return HTML(table.data + learning.section(result.learning, policy).data)  # where the report rests on learning


def disagreements(result: SelfAssessmentResult, policy: DisclosurePolicy) -> HTML:
    """Where the sources on an item disagree, one sentence each."""
    return common.disagreements([(i.item.item_id, i.judgement) for i in result.items], policy)


def agreement(result: SelfAssessmentResult, policy: DisclosurePolicy, *, uid: str) -> HTML:
    """Every coefficient with its reading in words, and why they differ when they do.

    When people rate and they are fewer than the policy's smallest group, a published report
    withholds the agreement (a figure about too few people) and says so.
    """
    a = result.agreement
    if result.self_rated:
        return show.note("Each rater rates its own organisation, so the ratings are a spread of self-ratings, not "
                         "raters judging the same thing: no agreement coefficient applies. The spread is in the table "
                         "of items.")
    if _raters_withheld(result, policy):  # before "fewer than two": that would tell a published reader 0 or 1
        return show.note(show.nocount(f"The raters' agreement is withheld: figures about fewer than {policy.min_group} "
                                      "people are not published (the internal report gives it)."))
    if a is None:
        return show.note(show.nocount("Fewer than two raters: agreement cannot be measured."))
    rows = []
    for name, reading in (("Percent agreement (pairs of raters giving the same rating)", a.percent),
                          (f"{a.ac.result.method} ({a.ac.result.weights} weights): robust to prevalence",
                           a.ac), (f"{a.alpha.result.method}", a.alpha)):
        res = reading.result
        value = show.nocount(show.agreement_text(res, common.NO_CHILDREN))  # n: the items rated
        words = "; ".join(f"{b.scale}: {b.label}" for b in reading.readings) if name[0] != "P" else ""
        rows.append({"Measure": name, "Value": value, "In words (Gwet's benchmarking, 95% sure)": words or
                     "raw agreement, not corrected for chance"})
    table = show.table(pd.DataFrame(rows), caption="Agreement between the raters across the items", uid=uid)
    total = _ratings(result)
    modal = not result.people_rate or policy.withhold(round(a.modal_share * total), of=total) is None
    extra = show.note(show.nocount(a.explanation)).data if a.explanation and modal else ""
    return HTML(table.data + show.note(show.nocount(a.headline + ".")).data + extra
                + show.note(HEADLINE_RULE).data)


def divergence(result: SelfAssessmentResult, policy: DisclosurePolicy, *, uid: str) -> HTML:
    """Each rater's generosity (pseudonyms): internal reports only."""
    if policy.suppress or result.divergence is None:
        return show.note("Individual raters' ratings and generosity are not shown in a published report; the "
                         "raters' aggregates are, where they are not withheld.")
    d = result.divergence
    frame = pd.DataFrame({"Rater": d["rater"], "More favourable than the others by (steps)":
                          d["mean_difference"].map(lambda v: f"{v:+.2f}"),
                          "Items two or more steps from the rest": d["items_two_or_more_apart"]})
    return show.table(frame, caption="Where the raters diverge (internal)", uid=uid)


def record(result: SelfAssessmentResult, policy: DisclosurePolicy, extra: dict | None = None,
           plan: ActionsResult | None = None) -> object:
    """Results JSON: the contract keys, every item's judgement and the agreement (no individual rater published).

    A published record holds what the report shows: every judgement (one resting on a small group
    marked ``small_group``), and people's ratings and agreement are left out
    where they are withheld. With the report's action plan, its ``red_history`` too
    (:func:`review.views.actions.history_figures`).
    """

    shown = common.shown_record([(i.item.item_id, i.evidence, i.judgement) for i in _judged(result)], policy)
    bands = shown_bands(result, policy)
    people = result.people_rate and policy.suppress
    hidden = _raters_withheld(result, policy)
    figures = {"rag_counts": shown["rag_counts"], "needs_action": shown["needs_action"], "bands": shown["bands"],
               "changes": shown["changes"], "confidence_level": result.confidence_level,
               "thresholds": {"green": result.green, "red": result.red},
               "items": [{"item": i.item.item_id, "band": bands[i.item.item_id] if i.judgement else None,
                          "small_group": _small(i, result, policy),
                          "firm": i.judgement.firm if i.judgement and not _small(i, result, policy) else None,
                          "basis": i.judgement.basis if i.judgement else None,
                          "ratings": _ratings_record(i.ratings, people, hidden, policy),
                          "evidence": common.evidence_record(i.evidence, policy)} for i in result.items],
               "weakest": None if hidden else result.weakest,
               "agreement": None if result.agreement is None or hidden else {
                   "percent": result.agreement.percent.result, "ac": result.agreement.ac.result,
                   "alpha": result.agreement.alpha.result, "prevalence_paradox": result.agreement.prevalence_paradox,
                   "modal_share": result.agreement.modal_share}} | dict(extra or {}) | history_figures(plan, result.framework)
    if not policy.suppress and result.divergence is not None:
        figures["divergence"] = result.divergence
    rows = common.log_rows(result.framework, [(i.item.item_id, i.evidence, i.judgement) for i in result.items], policy)
    return with_log(_record(result.framework, result.cycle, figures, headlines=_headlines(result, policy)),
                    result.framework, rows)


def _ratings_record(r: ItemRatings | None, people: bool, hidden: bool, policy: DisclosurePolicy) -> object:
    """An item's ratings for the results JSON: people's in a published record only as the page shows
    them (never the range, one person's own score; nothing for a small group)."""
    if r is None or not people:
        return r
    if hidden or policy.withhold(r.good, of=r.raters):
        return None
    return {"item_id": r.item_id, "raters": r.raters, "good": r.good, "median": r.median}
