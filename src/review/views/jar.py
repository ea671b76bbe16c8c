"""Report sections of the JAR Haringey 2008 stocktake: they format a :class:`~review.analyses.jar.JarResult`."""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from review.analyses.actions import ActionsResult
from review.analyses.jar import UNCERTAIN_WORDS, FindingResult, JarResult
from review.analyses.jar_figures import page_log, shown_lines
from review.analyses.judgement import rag_sentence
from review.analyses.shown_bands import finding_bands as shown_bands
from review.config.cycles import quarter_name
from review.config.thresholds import own_lines
from review.protection.disclosure import DisclosurePolicy
from review.protection.disclosure_log import with_log
from review.results.figures import record as _record
from review.views import common, learning
from review.views import presentation as show
from review.views.actions import history_figures

__all__ = ["disagreements", "findings_table", "headlines", "record", "shown_bands", "thresholds"]


def _title(f: FindingResult) -> show.Quoted:
    origin = f" ({f.item.origin}; not a JAR finding)" if f.item.origin else ""
    return show.source_item(f.item.item_id, f.item.text, after=origin)


def thresholds(result: JarResult) -> HTML:
    """How the judgements are made: the bands are the workbook's thresholds, not Ofsted grades; a
    finding judged against lines of its own says so, with their source."""
    legend = common.rag_legend(result.green, result.red)
    own = own_lines((f.item.item_id, f.threshold) for f in result.findings)
    if not own:
        return legend
    items = "".join(f"<li>{html.escape(line)}</li>" for line in own)
    return HTML(legend.data + f"<p {show.NOCOUNT}>Findings judged against lines of their own:</p>"
                f"<ul {show.NOCOUNT}>{items}</ul>")


def _items(result: JarResult) -> list:
    return [(f.item.item_id, f.evidence, f.judgement) for f in result.findings]


def headlines(result: JarResult, policy: DisclosurePolicy) -> HTML:
    """One card per finding in the source's order: its judgement, basis and uncertainty (a judgement
    resting on a small group is shown, marked so)."""
    cards = []
    for f in result.findings:
        j = f.judgement
        band = common.shown_band(j, f.evidence, policy) or "grey"  # every finding is judged
        detail = common.uncertainty_text(j, f.evidence, policy)
        stated = common.shown_disagreements(j, policy)
        if stated:  # disagreements between sources (lines of evidence), not people
            detail = show.nocount(f"{detail}; {show.plural(len(stated), 'disagreement')} between sources, listed below")
        small = common.small_group(j, f.evidence, policy)
        cards.append({"title": _title(f), "status": band,
                      "value": common.judgement_text(j, band, small=small),
                      "detail": detail, "label": common.BAND_LABELS[band]})
    shown = common.shown_record(_items(result), policy)
    head = show.note(show.nocount(f"{rag_sentence(shown['rag_counts'])} of "
                                  f"{len(result.findings)} findings (the workbook's bands, not Ofsted grades)."))
    return HTML(head.data + show.headline_cards(cards, cycle=result.cycle, audience=policy.audience).data)


def findings_table(result: JarResult, policy: DisclosurePolicy) -> HTML:
    """Every finding in the source's words and order, each evidence line with level, band and change;
    then what the audits tell us (:func:`review.views.learning.section`: the learning J10 rests on)."""
    rows = []
    for f in result.findings:
        rows += common.evidence_rows(_title(f), f.evidence, f.judgement, policy, _shown(result, f, policy))
    table = show.table(pd.DataFrame(rows), caption=f"JAR 2008 findings: stocktake for {quarter_name(result.cycle)}",
                       uid="jar_findings", policy=policy)
    done, of = result.moderated
    table = HTML(table.data + learning.section(result.learning, policy).data)  # J10's evidence, in words
    if not of:
        return table
    share = show.rate_text(done, of, policy)
    note = (f"Audit criteria are read on each file's final answers: where a more senior manager re-audited "
            f"(moderated) a file, the moderator's answers prevail. Case-file audits moderated this quarter: "
            f"{share if share in ('c', ':', 'z') else share.replace(')', ' files)', 1)}.")
    return HTML(table.data + show.note(note).data)


def _shown(result: JarResult, f: FindingResult, policy: DisclosurePolicy) -> tuple:
    """The finding's lines as the page shows them (partner agencies together where one is small)."""
    return shown_lines(result, f, policy)


def disagreements(result: JarResult, policy: DisclosurePolicy) -> HTML:
    """Where the sources on a finding disagree, one sentence each."""
    return common.disagreements([(f.item.item_id, f.judgement) for f in result.findings], policy)


def record(result: JarResult, policy: DisclosurePolicy, plan: ActionsResult | None = None) -> object:
    """The results JSON: the contract keys (``rag_counts``, ``needs_action``), changes and every finding unrounded.

    A published record holds what the report shows: every judgement (one resting on a small group
    marked ``small_group``, without how firm it is), and the levels of lines that count people are
    left out where they are withheld. With the report's action plan, its ``red_history`` too
    (:func:`review.views.actions.history_figures`).
    """

    shown = common.shown_record(_items(result), policy)
    bands = shown_bands(result, policy)
    judged = [f for f in result.findings if not common.small_group(f.judgement, f.evidence, policy)]
    uncertain = [f for f in judged if f.judgement.band != "grey" and not f.judgement.firm]
    figures = {"rag_counts": shown["rag_counts"], "needs_action": shown["needs_action"], "bands": shown["bands"],
               "changes": shown["changes"], "confidence_level": result.confidence_level,
               "thresholds": {"green": result.green, "red": result.red},
               "findings": [_finding(f, bands[f.item.item_id], policy, _shown(result, f, policy))
                            for f in result.findings]}
    figures |= history_figures(plan, "jar_haringey")
    # of every finding the first headline counts; those resting on a small group (how firm is not shown) named apart
    small = len(result.findings) - len(judged)
    headlines = [show.nocount(f"JAR findings: {rag_sentence(shown['rag_counts'])}"),
                 show.nocount(f"{len(uncertain)} of {len(result.findings)} {UNCERTAIN_WORDS}"
                              + (f"; {small} rest on a small group (how firm is not shown)" if small else ""))]
    return with_log(_record("jar_haringey", result.cycle, figures, headlines=headlines), "jar_haringey",
                    page_log(result, policy))


def _finding(f: FindingResult, band: str, policy: DisclosurePolicy, shown: tuple) -> dict:
    small = common.small_group(f.judgement, f.evidence, policy)
    return {"item": f.item.item_id, "band": band, "small_group": small, "firm": None if small else f.judgement.firm,
            "basis": f.judgement.basis, "audits_needed": None if small else f.judgement.audits_needed,
            "evidence": common.evidence_record(shown, policy)}
