"""The cycle's index page and manifest: what was run, how it went, where each report is."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from review.batch.html_export import stylesheet
from review.batch.page_hygiene import css_string
from review.config.cycles import quarter_label, quarter_name
from review.config.frameworks import FRAMEWORKS
from review.config.params import read_report_meta
from review.config.report_meta import ReportMeta
from review.exceptions import ParameterError
from review.results.figures import write_results
from review.results.judgements import NEEDS_ACTION_RULE, read_judgements
from review.results.key_messages import from_record
from review.views.key_messages import key_messages, meta_line
from review.views.presentation import NOCOUNT, item_ids, marked_li

__all__ = ["write_index", "write_manifest"]


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    """Write ``manifest.json`` as the run writes its results (:func:`review.results.figures.write_results`:
    sorted keys, UTF-8, trailing newline)."""
    write_results(path, manifest)


def write_index(path: Path, cycle: str, audience: str, outcomes: Sequence[Any],
                reports: Mapping[str, tuple[str, str]] | None = None, scope: str = "", history: Any = None) -> None:
    """Write the cycle's ``index.html``: every report with its status and headline figures.

    Parameters
    ----------
    path : pathlib.Path
        Where to write.
    cycle : str
        The review cycle.
    audience : str
        ``published`` or ``internal``; shown at the top of the page.
    outcomes : sequence of NotebookOutcome
        One per framework run.
    reports : mapping, optional
        Report name to its title and purpose, for reports that are not frameworks (the regional
        comparison); default each framework's (:data:`review.config.frameworks.FRAMEWORKS`).
    scope : str, optional
        Whose reports these are (an authority's or a region's name), shown in the heading (marked
        as holding no count: a name such as "Authority 1" is not one).
    history : review.batch.history.Carried, optional
        What earlier runs' results say (changes since the last quarter's run, red runs), shown below
        the reports when there were earlier runs.
    """

    judged = {j.framework: j for j in read_judgements(path.parent, [o.framework for o in outcomes])}
    rows = []
    described = dict(reports) if reports is not None else {n: (f.title, f.purpose) for n, f in FRAMEWORKS.items()}
    for o in outcomes:
        title, purpose = described[o.framework]
        status = "Completed" if o.status == "ok" else "FAILED: do not use"
        headlines = "".join(marked_li(h) for h in o.headlines)
        j = judged[o.framework]
        rag = "; ".join(f"{j.rag_counts[b]} {b}" for b in ("red", "amber", "green")) if j.rag_counts else ":"
        if j.rag_counts and j.rag_counts.get("self-assessed"):
            rag += f"; {j.rag_counts['self-assessed']} self-assessed, not evidenced"
        act = "".join(f"<li>{item_ids(a)}</li>" for a in j.needs_action or ())
        act = f"<ul>{act}</ul>" if act else ("none" if j.needs_action is not None else ":")
        rows.append(
            f'<tr class="{html.escape(o.status)}"><td><a href="{html.escape(o.framework)}.html">'
            f"{item_ids(title)}</a><br><small>{item_ids(purpose)}</small></td>"
            f"<td>{status}</td><td {NOCOUNT}>{html.escape(rag)}</td><td>{act}</td><td><ul>{headlines}</ul></td></tr>"
        )
    e = html.escape

    quarter = quarter_name(cycle)  # as councils name it; the cycle id stays the folder's name
    name = f"Safeguarding review, {scope}, {quarter}" if scope else f"Safeguarding review, {quarter}"
    internal = audience == "internal"
    mark = "INTERNAL, not for circulation" if internal else "Published audience"
    banner = ('audience: internal <span class="review-mark">INTERNAL, not for circulation</span>' if internal
              else "audience: published")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Safeguarding review, {e(quarter_label(cycle))} ({e(audience)} audience)</title>
<style>
{stylesheet()}
tr.failed td {{ background: #fde7e9; color: #a4262c; font-weight: 600; }}
@page {{ size: A4; margin: 20mm 14mm 18mm 14mm;
  @top-left {{ content: "{css_string(f'{name}: index')}"; font: 8pt system-ui, Arial, sans-serif; }}
  @top-right {{ content: "{mark}"; font: 700 9pt system-ui, Arial, sans-serif; }}
  @bottom-right {{ content: "Page " counter(page) " of " counter(pages); font: 8pt system-ui, Arial, sans-serif; }} }}
</style></head><body class="review-report audience-{e(audience)}">
<header class="review-header" data-review-nocount><div class="review-banner audience-{e(audience)}">Safeguarding review &middot;
{e(scope) + " &middot; " if scope else ""}{e(quarter)} &middot; {banner}</div></header>
<main>
<h1 {NOCOUNT}>{e(name)}</h1>
{_key_messages_section(path.parent, cycle)}
<h2>Every report</h2>
<p class="review-rule">{e(NEEDS_ACTION_RULE)}</p>
<div class="review-table-wrap">
<table><caption>Every report of the quarter: its status, red/amber/green counts (the workbook's bands, not Ofsted
grades), items needing action and headlines</caption>
<thead><tr><th scope="col">Report</th><th scope="col">Status</th><th scope="col">Red / amber / green</th>
<th scope="col">Items needing action</th><th scope="col">Headlines</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
</div>
{_history_section(history, described)}
<p>Details of what was run (parameters, input file hashes, package versions) are in
<code>manifest.json</code> beside this page.</p>
</main>
</body></html>
"""
    path.write_text(page, encoding="utf-8")


def _history_section(history: Any, described: Mapping[str, tuple[str, str]]) -> str:
    """Changes since the last quarter's run and items red for two or more quarters, from earlier runs'
    results (:mod:`review.batch.history`); empty when no earlier run was read. Item ids, bands and
    numbers of quarters are not counts of people, and are marked so."""
    if history is None or not history.runs:
        return ""
    e = html.escape

    def title(framework: str) -> str:
        fallback = FRAMEWORKS[framework].title if framework in FRAMEWORKS else framework
        return item_ids(described.get(framework, (fallback, ""))[0])  # a title's numbers quoted as declared

    last = history.runs[0]
    changes = "".join(f"<tr><td>{title(c.framework)}</td><td {NOCOUNT}>{e(c.item)}</td><td>{e(c.before)}</td>"
                      f"<td>{e(c.now)}</td><td>{e(c.direction)}</td></tr>" for c in history.changes)
    long_red = sorted((k, n) for k, n in history.red_for.items() if n >= 2 or k in history.longer)
    reds = "".join(f"<tr><td>{title(f)}</td><td {NOCOUNT}>{e(i)}</td><td {NOCOUNT}>{n} quarters"
                   f"{' or more (the band before is withheld)' if (f, i) in history.longer else ''}</td></tr>"
                   for (f, i), n in long_red)
    parts = [f'<section aria-labelledby="since-last">\n<h2 id="since-last" {NOCOUNT}>Since the last quarter\'s run '
             f"({e(quarter_label(last))})</h2>",
             f"<p {NOCOUNT}>Read from the results of earlier runs of this audience ({e(', '.join(map(quarter_label, history.runs)))}), "
             "so that a change shows even where this quarter's evidence holds no earlier quarter. Bands are as each "
             "run's pages showed them.</p>"]
    if changes:
        parts.append(f'<div class="review-table-wrap"><table><caption {NOCOUNT}>Items whose band changed since the '
                     f"{e(quarter_label(last))} run</caption>\n<thead><tr><th scope=\"col\">Report</th><th scope=\"col\">Item</th>"
                     f"<th scope=\"col\" {NOCOUNT}>{e(quarter_label(last))}</th><th scope=\"col\">Now</th><th scope=\"col\">Change</th>"
                     f"</tr></thead><tbody>{changes}</tbody></table></div>")
    else:
        parts.append(f"<p {NOCOUNT}>No item's band changed since the {e(quarter_label(last))} run.</p>")
    if reds:
        parts.append('<div class="review-table-wrap"><table><caption>Items red for two or more quarters running'
                     '</caption>\n<thead><tr><th scope="col">Report</th><th scope="col">Item</th><th scope="col">'
                     f"Red for</th></tr></thead><tbody>{reds}</tbody></table></div>")
    return "\n".join([*parts, "</section>"])


def _key_messages_section(folder: Path, cycle: str) -> str:
    """The key messages the cycle summary recorded (``key_messages`` in its results), opening the index;
    where it recorded none (it failed or did not run), the author, approver, date of report and
    version from the run's params file (the manifest names it) and a note saying why no message is shown."""
    summary = folder / "cycle_summary.results.json"
    try:
        record = json.loads(summary.read_text(encoding="utf-8"))["figures"]["key_messages"]
    except (OSError, ValueError, KeyError, TypeError):
        record = None
    head = '<section aria-labelledby="key-messages">\n<h2 id="key-messages">Key messages</h2>\n'
    if record is not None:
        try:
            return head + key_messages(from_record(record)).data + "\n</section>"
        except (KeyError, TypeError, ValueError):
            pass  # a record this version cannot read: said below, never half shown
    try:
        params_file = json.loads((folder / "manifest.json").read_text(encoding="utf-8")).get("params_file") or ""
        meta = read_report_meta(params_file, cycle)
    except (OSError, ValueError, ParameterError):  # the params file has gone since the run began
        meta = ReportMeta()
    return (head + meta_line(meta).data
            + '<p class="review-incomplete"><strong>No key messages: the cycle summary did not record them (it '
            "failed, was not run, or wrote them in a form this version cannot read), so the position, priorities and escalations of this quarter are not stated "
            "here.</strong></p>\n</section>")
