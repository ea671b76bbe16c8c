"""Report sections of the JAR Haringey 2008 stocktake: they format a :class:`~review.analyses.jar.JarResult`."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from review.analyses.jar import JarResult
from review.protection.disclosure import DisclosurePolicy
from review.views import common
from review.views import presentation as show

__all__ = ["disagreements", "findings_table", "headlines", "record", "thresholds"]


def _title(f) -> str:  # noqa: ANN001 - a FindingResult
    origin = f" ({f.item.origin}; not a JAR finding)" if f.item.origin else ""
    return f"{f.item.item_id}. {f.item.text}{origin}"


def thresholds(result: JarResult) -> HTML:
    """How the judgements are made: the bands are the workbook's thresholds, not Ofsted grades."""
    return common.rag_legend(result.green, result.red)


def headlines(result: JarResult, policy: DisclosurePolicy) -> HTML:
    """One card per finding in the source's order: its judgement, basis and uncertainty."""
    cards = []
    for f in result.findings:
        j = f.judgement
        detail = common.uncertainty_text(j)
        if j.disagreements:
            detail += f"; {len(j.disagreements)} disagreement(s) between sources, listed below"
        cards.append({"title": _title(f), "status": j.band, "value": common.judgement_text(j), "detail": detail,
                      "label": common.BAND_LABELS[j.band]})
    counts = result.rag_counts
    head = show.note(f"{counts['red']} red, {counts['amber']} amber, {counts['green']} green of "
                     f"{len(result.findings)} findings (the workbook's bands, not Ofsted grades).")
    return HTML(head.data + show.headline_cards(cards, cycle=result.cycle, audience=policy.audience).data)


def findings_table(result: JarResult, policy: DisclosurePolicy) -> HTML:
    """Every finding in the source's words and order, each evidence line with level, band and change."""
    rows = []
    for f in result.findings:
        rows += common.evidence_rows(_title(f), f.evidence, f.judgement, policy)
    return show.table(pd.DataFrame(rows), caption=f"JAR 2008 findings: stocktake for {result.cycle}",
                      uid="jar_findings", policy=policy)


def disagreements(result: JarResult, policy: DisclosurePolicy) -> HTML:
    """Where the sources on a finding disagree, one sentence each."""
    return common.disagreements([(f.item.item_id, f.judgement) for f in result.findings], policy)


def record(result: JarResult, policy: DisclosurePolicy) -> object:
    """The results JSON: the contract keys (``rag_counts``, ``needs_action``), changes and every finding unrounded."""
    from review.batch.results import record as _record

    figures = {"rag_counts": result.rag_counts, "needs_action": list(result.needs_action),
               "changes": list(result.changes), "confidence_level": result.confidence_level,
               "thresholds": {"green": result.green, "red": result.red},
               "findings": [{"item": f.item.item_id, "band": f.judgement.band, "firm": f.judgement.firm,
                             "basis": f.judgement.basis, "audits_needed": f.judgement.audits_needed,
                             "evidence": [{"kind": ln.kind, "source": ln.source, "k": ln.k, "n": ln.n, "unit": ln.unit,
                                           "band": ln.band, "change": ln.change.label} for ln in f.evidence]}
                            for f in result.findings]}
    return _record("jar_haringey", result.cycle, figures, headlines=list(result.headlines))
