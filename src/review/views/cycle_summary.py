"""Report sections of the cycle summary: they format a CycleSummaryResult."""

from __future__ import annotations

import html

from IPython.display import HTML

from review.config.frameworks import FRAMEWORKS
from review.results.figures import ResultsSource, to_jsonable
from review.results.figures import record as _record
from review.results.judgements import NO_BAND_WORDS
from review.results.key_messages import KeyMessages
from review.results.summary import CycleSummaryResult
from review.views import presentation as show
from review.views.key_messages import rule_note
from review.views.results_source import report_href

__all__ = ["actions", "changes", "completeness", "frameworks", "record"]

_STATUS = {"reported": "Reported", "failed": "FAILED: judgements not known", "not run": "Not run this quarter"}


def completeness(result: CycleSummaryResult) -> HTML:
    """Whether the summary is complete, and if not, why."""
    if result.complete:
        return show.note("Complete: every framework report ran and recorded its judgements.")
    items = "".join(f"<li>{html.escape(g)}</li>" for g in result.gaps)
    return HTML('<p style="color:#a4262c;font-weight:600">INCOMPLETE: this summary does not cover every framework. '
                "A missing report's findings are not known and must not be read as satisfactory.</p>"
                f"<ul>{items}</ul>")


def frameworks(result: CycleSummaryResult, source: ResultsSource | None = None) -> HTML:
    """Every framework: status, red/amber/green counts, items needing action, headlines (escaped).

    ``source`` (where the results were read) makes the report links work where the summary is
    read: beside the reports in a batch run, from ``notebooks/`` in JupyterLab.
    """
    rows = []
    for fw in result.frameworks:
        title = show.item_ids(FRAMEWORKS[fw.framework].title if fw.framework in FRAMEWORKS else fw.framework)
        href = report_href(fw.framework, source) if source is not None else f"{fw.framework}.html"
        link = f'<a href="{html.escape(href)}">{title}</a>' if fw.status != "not run" else title
        status = _STATUS[fw.status]
        if fw.status == "reported" and not fw.complete:
            status = "Reported, but judgements not recorded"
        rag = ("; ".join(f"{fw.rag_counts[b]} {b}" for b in ("red", "amber", "green")) if fw.rag_counts else ":")
        rag += "".join(f"; {fw.rag_counts[b]} {w}" for b, w in NO_BAND_WORDS if fw.rag_counts and fw.rag_counts.get(b))
        act = ":" if fw.needs_action is None else (str(len(fw.needs_action)) if fw.needs_action else "none")
        lines = "".join(show.marked_li(h) for h in fw.headlines)
        # items by band and items needing action: counts of items, not of people
        rows.append(f"<tr><td>{link}</td><td>{html.escape(status)}</td><td {show.NOCOUNT}>{html.escape(rag)}</td>"
                    f"<td {show.NOCOUNT}>{html.escape(act)}</td><td><ul>{lines}</ul></td></tr>")
    return HTML(rule_note().data
                + '<table id="T_framework_status"><caption>Framework reports this quarter (red/amber/green are the '
                "workbook's bands, not Ofsted grades)</caption><thead><tr><th>Report</th><th>Status</th>"
                "<th>Red / amber / green</th><th>Items needing action</th><th>Headlines</th></tr></thead><tbody>"
                + "".join(rows) + "</tbody></table>")


def actions(result: CycleSummaryResult) -> HTML:
    """Every item any framework says needs action."""
    if not result.needs_action:
        return show.note("No report that recorded its judgements named an item needing action."
                         + ("" if result.complete else " The summary is incomplete (see above)."))
    items = "".join(f"<li><strong>{show.item_ids(fw)}</strong>: {show.item_ids(a)}</li>" for fw, a in result.needs_action)
    return HTML(f"<ul>{items}</ul>")


def changes(result: CycleSummaryResult) -> HTML:
    """Changes beyond chance since last quarter (Newcombe's interval excludes zero)."""
    if not result.changes:
        return show.note("No report recorded a change beyond chance since last quarter.")
    # a change sentence names an item, its evidence's label and the change, and holds no figure
    # (review.analyses.judgement.EvidenceLine.change_sentence): the label's numbers are a name's
    items = "".join(f"<li><strong>{show.item_ids(fw)}</strong>: <span {show.NOCOUNT}>{html.escape(c)}</span></li>"
                    for fw, c in result.changes)
    return HTML(f"<ul>{items}</ul>")


def record(result: CycleSummaryResult, messages: KeyMessages | None = None) -> object:
    """Results JSON of the summary: totals, completeness, the actions and the key messages (which the
    cycle's index shows: :func:`review.results.key_messages.from_record`)."""

    figures = {"complete": result.complete, "gaps": list(result.gaps), "rag_counts": result.rag_totals,
               "needs_action": [f"{fw}: {a}" for fw, a in result.needs_action],
               "frameworks": {f.framework: f.status for f in result.frameworks}}
    if messages is not None:
        figures["key_messages"] = to_jsonable(messages)
    # counts of framework reports and of items by band: no count of people or cases
    return _record("cycle_summary", result.cycle, figures, headlines=[show.nocount(h) for h in result.headlines])
