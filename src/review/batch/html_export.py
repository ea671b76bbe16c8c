"""Turning an executed notebook into the HTML a manager opens, or into a failure page.

The export is offline (no script, style or font fetched from the internet), code-free
(inputs excluded, set-up cells tagged ``remove_cell`` dropped), free of stderr noise, and
titled with the framework and cycle. A notebook that failed is never exported as if it
had worked: :func:`failure_page` takes its place.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["export_report", "failure_page"]

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# The lab template's CSS carries attribution URLs in comments; drop comments that hold one so
# the page contains no external address at all (tests and `review check-report` look for any).
_CSS_URL_COMMENT = re.compile(r"/\*(?:(?!\*/).)*?https?://(?:(?!\*/).)*?\*/", re.DOTALL)


def _template_path() -> Path:
    return Path(str(resources.files("review.batch") / "templates" / "report.html.j2"))


@lru_cache(maxsize=1)
def _exporter() -> Any:
    from nbconvert import HTMLExporter
    from traitlets.config import Config

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
    import copy

    nb = copy.deepcopy(nb)
    _drop_noise(nb)
    nb.metadata["title"] = title
    nb.metadata["review"] = review_meta
    body, _ = _exporter().from_notebook_node(nb)
    return _CSS_URL_COMMENT.sub("", body)


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
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>FAILED: {html.escape(title)}</title>
<style>
body {{ font: 1rem/1.5 system-ui, sans-serif; margin: 2rem; color: #111; max-width: 60rem; }}
.failed {{ border: 3px solid #a4262c; background: #fde7e9; padding: 1rem 1.5rem; }}
h1 {{ color: #a4262c; }} pre {{ white-space: pre-wrap; background: #f6f6f6; padding: 1rem; }}
</style></head><body>
<div class="failed" role="alert">
<h1>This report failed and must not be used</h1>
<p><strong>{meta.get('framework_title', '')}</strong>, cycle {meta.get('cycle', '')},
audience {meta.get('audience', '')}.</p>
<p>The notebook stopped at {cell} with <code>{e.get('ename', '')}</code>: {e.get('evalue', '')}</p>
<p>No figures from this run are shown. The executed notebook beside this page shows the
full run; fix the cause and run the cycle again.</p>
</div>
<h2>Technical detail</h2>
<pre>{e.get('traceback', '')}</pre>
<p>Produced {meta.get('produced', '')} by review {meta.get('version', '')}.</p>
</body></html>
"""
