"""Turning an executed notebook into the HTML a manager opens, or into a failure page.

The export is offline (no script, style or font fetched from the internet), code-free
(inputs excluded, set-up cells tagged ``remove_cell`` dropped), free of stderr noise, and
titled with the framework and cycle. A notebook that failed is never exported as if it
had worked: :func:`failure_page` takes its place.
"""

from __future__ import annotations

import copy
import html
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import nbformat
from nbconvert import HTMLExporter
from traitlets.config import Config

from review.batch.page_hygiene import SYNTHETIC_MARK, SYNTHETIC_RUNNING, css_string, finish_page
from review.config.cycles import quarter_label, quarter_name
from review.data.schema import DATASETS
from review.protection.disclosure import policy_from_parameters

__all__ = ["align_numbers", "evidence_inputs", "export_report", "failure_page", "running_texts",
           "stylesheet"]

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# The lab template's CSS carries attribution URLs in comments; drop comments that hold one so
# the page contains no external address at all (tests and `review check-report` look for any).
_CSS_URL_COMMENT = re.compile(r"/\*(?:(?!\*/).)*?https?://(?:(?!\*/).)*?\*/", re.DOTALL)


def _template_path() -> Path:
    return Path(str(resources.files("review.batch") / "templates" / "report.html.j2"))


@lru_cache(maxsize=1)
def stylesheet() -> str:
    """The workbook's own report stylesheet (``templates/report.css``)."""
    return (resources.files("review.batch") / "templates" / "report.css").read_text(encoding="utf-8")


def quarter_words(cycle: str) -> tuple[str, str]:
    """A run's quarter as a page names it: its label and its name with the months.

    The cycle id stays the run folder's and the files' name; a page names the quarter as
    councils do (:func:`review.config.cycles.quarter_name`). A cycle that is not ``YYYY-Qn``
    (a page exported outside a run) is shown as it is.

    Examples
    --------
    >>> quarter_words("2009-Q4")
    ('Q3 2009/10', 'Q3 2009/10 (October to December 2009)')
    >>> quarter_words("")
    ('', '')
    """
    try:
        return quarter_label(cycle), quarter_name(cycle)
    except ValueError:
        return cycle, cycle


def running_texts(review_meta: dict[str, Any]) -> dict[str, str]:
    """The running header and footer of every printed page: report and cycle, audience, data.

    Examples
    --------
    >>> texts = running_texts({"framework_title": "GOSE", "cycle": "2009-Q4", "audience": "internal",
    ...                        "synthetic": True})
    >>> texts["review_running_title"], texts["review_running_mark"], texts["review_running_data"]
    ('GOSE, Q3 2009/10', 'INTERNAL, not for circulation', 'Synthetic demo data: no real child, case or worker')
    """
    internal = review_meta.get("audience") == "internal"
    label, _ = quarter_words(str(review_meta.get("cycle", "")))
    return {
        "review_running_title": css_string(f"{review_meta.get('framework_title', '')}, {label}"),
        "review_running_mark": "INTERNAL, not for circulation" if internal else "Published audience",
        "review_running_data": SYNTHETIC_RUNNING if review_meta.get("synthetic") else "",
    }


def evidence_inputs(inputs: list[dict[str, str]]) -> list[dict[str, str]]:
    """The inputs a page's footer lists: the evidence files a run read and its parameters.

    The run's manifest keeps every file of the data folder; a page names only the datasets of
    :data:`review.data.schema.DATASETS` (CSV or Excel) and the parameters (YAML), not the demo's
    answer key or its marker file.

    Examples
    --------
    >>> [i["path"] for i in evidence_inputs([{"path": "data/demo/audits.csv", "sha256": "ab"},
    ...     {"path": "data/demo/ground_truth.json", "sha256": "cd"}, {"path": "params/2009-Q4.yaml", "sha256": "ef"},
    ...     {"path": "data/demo/SYNTHETIC_DEMO_DATA.txt", "sha256": "01"}])]
    ['data/demo/audits.csv', 'params/2009-Q4.yaml']
    """
    def shown(path: str) -> bool:
        p = Path(path)
        suffix = p.suffix.lower()
        return (suffix in (".csv", ".xlsx") and p.stem.lower() in DATASETS) or suffix in (".yaml", ".yml")

    return [i for i in inputs if shown(str(i.get("path", "")))]


_CELL = re.compile(r"<td(?P<attrs>[^>]*)>(?P<body>[^<]*)</td>")
_NUMERIC = re.compile(r"^\s*(?:[−\-+]?£?[0-9][0-9,]*(?:\.[0-9]+)?%?|[czk:x]|[−\-+]?[0-9.]+%? to [−\-+]?[0-9.]+%?)\s*$")


def align_numbers(body: str) -> str:
    """Mark table cells that hold a number (or a suppression symbol) so they align right.

    Examples
    --------
    >>> align_numbers('<td class="data">12.5%</td><td>Team A</td>')
    '<td class="data num">12.5%</td><td>Team A</td>'
    >>> align_numbers('<td>66.1% to 82.0%</td>')
    '<td class="num">66.1% to 82.0%</td>'
    """

    def mark(m: re.Match[str]) -> str:
        if not _NUMERIC.match(m.group("body")):
            return m.group(0)
        attrs = m.group("attrs")
        if 'class="' in attrs:
            attrs = re.sub(r'class="([^"]*)"', r'class="\1 num"', attrs, count=1)
        else:
            attrs += ' class="num"'
        return f"<td{attrs}>{m.group('body')}</td>"

    return _CELL.sub(mark, body)


@lru_cache(maxsize=1)
def _exporter() -> Any:
    config = Config()
    config.TemplateExporter.exclude_input = True
    config.TemplateExporter.exclude_input_prompt = True
    config.TemplateExporter.exclude_output_prompt = True
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {"remove_cell"}
    config.TagRemovePreprocessor.remove_all_outputs_tags = {"remove_output"}
    config.TagRemovePreprocessor.remove_input_tags = {"remove_input"}
    return HTMLExporter(config=config, template_file=str(_template_path()))


def _drop_noise(nb: Any) -> None:
    """Remove stderr streams, error outputs and widget views from every cell (in place)."""
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                continue
            data = output.get("data", {})
            if "application/vnd.jupyter.widget-view+json" in data:
                continue
            kept.append(output)
        cell["outputs"] = kept
    nb.metadata.pop("widgets", None)


def export_report(nb: Any, *, title: str, review_meta: dict[str, Any]) -> str:
    """Export an executed notebook to an offline, code-free HTML report.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook; it is copied, not changed.
    title : str
        The page title (framework and cycle).
    review_meta : dict
        Shown in the banner and the provenance footer: ``framework``, ``framework_title``,
        ``cycle``, ``audience``, ``produced``, ``version``, ``git_commit``, ``git_dirty``,
        ``inputs`` (list of ``{"path", "sha256"}``) and ``status``.

    Returns
    -------
    str
        The HTML document.
    """

    nb = copy.deepcopy(nb)
    _drop_noise(nb)
    nb.metadata["title"] = title
    nb.metadata["review"] = review_meta
    label, name = quarter_words(str(review_meta.get("cycle", "")))
    extra = {"review_css": stylesheet(), "review_inputs": evidence_inputs(list(review_meta.get("inputs") or [])),
             "review_synthetic_mark": SYNTHETIC_MARK, "review_quarter_label": label, "review_quarter_name": name,
             **running_texts(review_meta)}
    body, _ = _exporter().from_notebook_node(nb, resources=extra)
    policy = policy_from_parameters(nb.metadata.get("papermill", {}).get("parameters", {}))  # the run's range of c
    return finish_page(align_numbers(_CSS_URL_COMMENT.sub("", body)), synthetic=bool(review_meta.get("synthetic")),
                       policy=policy)


def warm() -> None:
    """Export a one-cell notebook once, so that this process's first report does not pay for the
    exporter's set-up: its construction, the templates' compilation and the page's CSS selectors
    (about 0.5 s). The runner's forkserver calls it before forking the workers
    (:mod:`review.batch.preload`), which inherit it ready.

    >>> warm()
    """

    export_report(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("Warm-up"),
                                                  nbformat.v4.new_code_cell("1")]),
                  title="Warm-up", review_meta={})


def failure_page(*, title: str, review_meta: dict[str, Any], error: dict[str, Any]) -> str:
    """Return a page that says plainly that a report failed, where and why.

    No partial results are shown: a half-run report could carry wrong numbers.

    Parameters
    ----------
    title : str
        The report's title.
    review_meta : dict
        As for :func:`export_report`.
    error : dict
        ``cell`` (1-based index of the failing code cell, or None), ``ename``, ``evalue``
        and ``traceback`` (text).

    Returns
    -------
    str
        A small self-contained HTML document.
    """
    e = {k: html.escape(_ANSI.sub("", str(v if v is not None else ""))) for k, v in error.items()}
    meta = {k: html.escape(str(v)) for k, v in review_meta.items() if not isinstance(v, (list, dict))}
    cell = f"code cell {e['cell']}" if e.get("cell") else "before any cell ran"
    label, name = (html.escape(w) for w in quarter_words(str(review_meta.get("cycle", ""))))
    synthetic = (f'<div class="review-banner"><span class="review-mark">{SYNTHETIC_MARK}</span> '
                 f'{SYNTHETIC_RUNNING}</div>' if review_meta.get("synthetic") else "")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>FAILED: {html.escape(title)}</title>
<style>
{stylesheet()}
.failed {{ border: 3px solid #a4262c; background: #fde7e9; padding: 1rem 1.5rem; }}
.failed h1 {{ color: #a4262c; }} pre {{ white-space: pre-wrap; background: #f6f6f6; padding: 1rem; }}
@page {{ size: A4; margin: 20mm 14mm 18mm 14mm;
  @top-right {{ content: "FAILED report: do not use"; font: 700 9pt system-ui, Arial, sans-serif; }}
  @bottom-right {{ content: "Page " counter(page) " of " counter(pages); font: 8pt system-ui, Arial, sans-serif; }} }}
</style></head><body>
<header class="review-header"><nav class="review-nav" aria-label="Reports of this quarter">
<a href="index.html">All reports for {label}</a></nav>{synthetic}</header>
<main>
<div class="failed" role="alert">
<h1>This report failed and must not be used</h1>
<p><strong>{meta.get('framework_title', '')}</strong>, {name},
audience {meta.get('audience', '')}.</p>
<p>The notebook stopped at {cell} with <code>{e.get('ename', '')}</code>: {e.get('evalue', '')}</p>
<p>No figures from this run are shown. The executed notebook beside this page shows the
full run; fix the cause and run the quarter again.</p>
</div>
<h2>Technical detail</h2>
<pre>{e.get('traceback', '')}</pre>
</main>
<footer class="review-footer"><p>Produced {meta.get('produced', '')} by review {meta.get('version', '')}.</p></footer>
</body></html>
"""
