"""Saying which batch run (or JupyterLab session) a cycle summary read, and linking to its reports from where it is read."""

from __future__ import annotations

import html
import posixpath

from IPython.display import HTML

from review.config.frameworks import FRAMEWORKS
from review.results.figures import ResultsSource

__all__ = ["report_href", "source_note"]


def source_note(source: ResultsSource, cycle: str) -> HTML:
    """One paragraph: the run whose results the summary shows, or how to produce them; nothing inside
    the batch run the summary is part of (its reports sit beside it).

    Parameters
    ----------
    source : ResultsSource
        From :func:`review.results.figures.results_source`.
    cycle : str

    Returns
    -------
    IPython.display.HTML

    Examples
    --------
    >>> note = source_note(ResultsSource("outputs/2009-Q4", False, False), "2009-Q4")
    >>> "review run --cycle 2009-Q4" in note.data
    True
    """
    e = html.escape
    if source.in_run:  # the reports beside it are its source: nothing for a reader to be told
        return HTML("")
    if source.lab:
        return HTML(f'<p class="review-source">{_lab_note(source, cycle)}</p>')
    if not source.found:
        text = (f"No batch results for {e(cycle)} were found in <code>{e(source.folder)}</code>. Produce them "
                f"with <code>make report</code> (the demo cycle) or <code>review run --cycle {e(cycle)}</code>, "
                "then run this notebook again.")
    else:
        parts = [f"This summary reads the batch results in <code>{e(source.folder)}</code>"]
        if source.produced:
            parts.append(f"produced {e(source.produced)}")
        if source.audience:
            parts.append(f"for the {e(source.audience)} audience")
        if source.commit:
            parts.append(f"from commit {e(source.commit[:12])}")
        if source.status == "failed":
            parts.append("(a run in which at least one report FAILED)")
        text = ", ".join(parts[:1]) + (": " + ", ".join(parts[1:]) if len(parts) > 1 else "") + "."
    return HTML(f'<p class="review-source">{text}</p>')


def _lab_note(source: ResultsSource, cycle: str) -> str:
    """The note for records made in a ``review lab`` session: which, when, and how they differ."""
    e = html.escape
    titles = {n: fw.title for n, fw in FRAMEWORKS.items()}
    made = []
    for framework, when, differ in source.lab:
        text = f"{e(titles.get(framework, framework))} ({'recorded ' + e(when) if when else 'time not recorded'})"
        if differ:
            text += f" <strong>run with {e(', '.join(differ))}, unlike this summary</strong>"
        made.append(text)
    return (f"This summary reads the results recorded by notebooks run in JupyterLab (<code>review lab</code>), in "
            f"<code>{e(source.folder)}</code>: {'; '.join(made)}. They have not been through a batch run's "
            "publication check, and a framework not run in JupyterLab for this quarter shows as not run. The last "
            f"batch run's results, in <code>{e(source.batch_folder or '')}</code>, are not read here: to read them "
            f"set <code>results_dir = \"{e(source.batch_folder or '')}\"</code>, or see "
            f"<code>review run --cycle {e(cycle)}</code>.")


def report_href(framework: str, source: ResultsSource, *, notebook_dir: str = "notebooks") -> str:
    """The link to a framework's report, as it works where the summary is read.

    In a batch report the reports sit beside the summary; in JupyterLab (opened at the project
    root) the summary notebook sits in ``notebooks/`` and the reports in ``outputs/<cycle>/``.

    Examples
    --------
    >>> report_href("jar_haringey", ResultsSource("outputs/2009-Q4", True, True))
    'jar_haringey.html'
    >>> report_href("jar_haringey", ResultsSource("outputs/2009-Q4", True, False))
    '../outputs/2009-Q4/jar_haringey.html'
    >>> report_href("jar_haringey", ResultsSource("outputs/lab/2009-Q4", True, False, lab=(("jar_haringey", "", ()),)))
    'jar_haringey.ipynb'
    """
    if source.in_run:
        return f"{framework}.html"
    if source.lab:  # a session's records have no page: the notebook that made them (beside the summary)
        return f"{framework}.ipynb"
    return posixpath.join(posixpath.relpath(source.folder, notebook_dir), f"{framework}.html")
