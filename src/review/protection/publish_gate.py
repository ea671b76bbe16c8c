"""The last step of a run before anything is published: every file the run wrote is checked.

A page that fails :func:`review.protection.report_check.check_file` is replaced by a failure page
that names the kind of problem and no value; its results file and executed notebook are removed;
its outcome becomes ``failed`` (so the run exits 1). An error from a notebook is recorded by its
kind and cell only: an exception's message and traceback can quote the evidence, so neither goes
into a page or the manifest. A leak never lands in ``outputs/``.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from review.config.cycles import quarter_name
from review.config.params import CycleParams
from review.exceptions import DataValidationError
from review.protection.pseudonym import resolve_key
from review.protection.report_check import check_run_folder, raw_identifiers
from review.protection.run_context import RunContext, run_context

__all__ = ["RUN_FILES_WITHHELD", "guard_staging", "prescan", "value_free_error", "withheld_page", "withhold_pages",
           "withhold_unchecked"]

RUN_FILES_WITHHELD = "run files withheld: "
"""How a report's error begins when the run's own files (index, manifest), not its page, were withheld
(:func:`guard_staging`): every report of the run fails, and the command line says why once."""

_OWN_MESSAGES = {"Timeout", "NoResults", "DisclosureCheck"}


BLOCKING_KINDS = frozenset({"raw identifier", "pseudonymisation key", "external URL", "code cell", "pseudonym",
                            "small count"})
"""What stops a page being published: every kind of finding ``review check-report`` makes in a
page of the run's audience, a number from 1 to the threshold that the page does not mark as
other than a count (``small count``) included."""


def value_free_error(error: dict[str, Any] | None) -> dict[str, Any] | None:
    """A notebook's error as the manifest and failure page may record it: cell and kind, no value."""
    if error is None:
        return None
    ename = str(error.get("ename", "Error"))
    evalue = str(error.get("evalue", "")) if ename in _OWN_MESSAGES else (
        "details withheld: the message could quote the evidence; re-run the notebook internally to see it")
    return {"cell": error.get("cell"), "ename": ename, "evalue": evalue, "traceback": ""}


def _quarter(cycle: str) -> str:
    """The quarter as every page names it, with its cycle id; the id alone if it names no quarter
    (a failure page is written whatever went wrong)."""
    try:
        return f"{quarter_name(cycle)} (cycle {cycle})"
    except ValueError:
        return f"cycle {cycle}"


def withheld_page(*, title: str, cycle: str, audience: str, kinds: Sequence[str],
                  heading: str = "The report was withheld before publication because the disclosure check found:") -> str:
    """A failure page naming the kinds of problem found, and no value."""
    items = "".join(f"<li>{html.escape(k)}</li>" for k in sorted(set(kinds)))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>FAILED: {html.escape(title)}</title>
<style>body {{ font: 1rem/1.5 system-ui, sans-serif; margin: 2rem; color: #111; max-width: 60rem; }}
.failed {{ border: 3px solid #a4262c; background: #fde7e9; padding: 1rem 1.5rem; }} h1 {{ color: #a4262c; }}</style>
</head><body><div class="failed" role="alert" data-review-nocount>
<h1>This report failed and must not be used</h1>
<p>{html.escape(title)}, {html.escape(_quarter(cycle))}, {html.escape(audience)} audience.</p>
<p>{html.escape(heading)}</p><ul>{items}</ul>
<p>No figures from this run are shown. Fix the cause and run the quarter again.</p>
</div></body></html>
"""


def guard_staging(staging: Path, run: RunContext | CycleParams, outcomes: Sequence[Any], *,
                  titles: dict[str, str] | None = None, identifiers: set[str] | None = None,
                  memo: dict[tuple[str, str], list[Any]] | None = None) -> list[Any]:
    """Check every file in a run's staging folder; withhold what fails; return the outcomes updated.

    Parameters
    ----------
    staging : pathlib.Path
        The run's staging folder (pages, results, executed notebooks, manifest, index).
    run : RunContext or CycleParams
        The run's context (:mod:`review.protection.run_context`): audience, suppression threshold,
        data folder (identifiers) and key source, as the run used them; or its parameters, of
        which the context is made here (the key read from this process's key variables).
    outcomes : sequence of NotebookOutcome
        Outcomes so far; an outcome whose page is withheld becomes ``failed``.
    titles : dict, optional
        Framework to report title, for failure pages.
    identifiers : set of str, optional
        The raw references of the evidence the notebooks read (the run reads them once, with the
        evidence it validated); default read again from the data folder, and if that fails
        (the evidence changed during the run) nothing is published.
    memo : dict, optional
        Shared by the two passes of one run: a file unchanged since the first is not scanned
        again (see :func:`review.protection.report_check.check_run_folder`).

    Returns
    -------
    list of NotebookOutcome
        With value-free errors (see :func:`value_free_error`).
    """
    context = run if isinstance(run, RunContext) else run_context(run)
    params = context.params
    audience, threshold, key = _settings(context)
    if identifiers is None:
        try:
            identifiers = raw_identifiers(context.data_dir)
        except DataValidationError:  # the evidence changed during the run: its pages cannot be checked
            return withhold_unchecked(staging, params, outcomes, titles=titles, reason=(
                "the evidence could not be read again to check the pages (it changed during the run)"))
    found = check_run_folder(staging, identifiers=identifiers, threshold=threshold, audience=audience, key=key,
                             memo=memo)
    failed = _withhold_findings(staging, found, {o.framework for o in outcomes if o.status != "ok"}, params,
                                titles, audience)
    names = {o.framework for o in outcomes}
    run_wide = sorted({k for stem, kinds in failed.items() if stem not in names for k in kinds})
    out = []
    for o in outcomes:
        if run_wide and o.framework not in failed:  # the index or manifest leaked: the whole run fails
            o = replace(o, status="failed", error=_disclosure_error(RUN_FILES_WITHHELD + ", ".join(run_wide)))
        if o.framework in failed:
            _drop_siblings(staging, o.framework)
            page = staging / f"{o.framework}.html"
            if not page.exists() or o.framework not in {p.name.split(".")[0] for p in found if p.suffix == ".html"}:
                _write_failure_page(staging, o.framework, params, titles, audience, failed[o.framework])
            o = replace(o, status="failed", headlines=[], error=_disclosure_error(
                "withheld before publication: " + ", ".join(sorted(set(failed[o.framework])))))
        elif o.status != "ok":  # the notebook's own failure page quotes its exception, which can hold values
            safe = value_free_error(o.error) or {}
            where = f"code cell {safe['cell']}" if safe.get("cell") else "before any cell ran"
            _write_failure_page(staging, o.framework, params, titles, audience,
                                [f"the notebook stopped at {where} with {safe.get('ename', 'an error')}"
                                 + (f": {safe['evalue']}" if safe.get("ename") in _OWN_MESSAGES
                                    and safe.get("evalue") else "")],
                                heading="The report did not complete:")
            # results of a report that failed are not its results (a task that crashed after writing them)
            (staging / f"{o.framework}.results.json").unlink(missing_ok=True)
            if audience == "published":
                (staging / f"{o.framework}.ipynb").unlink(missing_ok=True)  # its traceback can quote the evidence
        out.append(replace(o, error=value_free_error(o.error)))
    return out


def _withhold_findings(staging: Path, found: dict[Path, list[Any]], stopped: set[str], params: Any,
                       titles: dict[str, str] | None, audience: str) -> dict[str, list[str]]:
    """Withhold every file with a blocking finding (a page is replaced by a failure page, the manifest
    by a bare one, anything else removed); report name to the kinds found."""
    failed: dict[str, list[str]] = {}
    for path, all_findings in found.items():
        findings = [f for f in all_findings if f.kind in BLOCKING_KINDS]
        stem = path.name.split(".")[0]
        if not findings or (path.suffix == ".html" and stem in stopped):
            continue  # a stopped notebook's own page (its traceback) is replaced by a value-free one
        kinds = [f.kind for f in findings]
        failed.setdefault(stem, []).extend(kinds)
        if path.suffix == ".html":
            _write_failure_page(staging, stem, params, titles, audience, kinds)
        elif path.name == "manifest.json":
            path.write_text(json.dumps({"cycle": params.cycle, "status": "failed",
                                        "withheld": sorted(set(kinds))}, indent=2) + "\n", encoding="utf-8")
        else:
            path.unlink()
    return failed


def _settings(context: RunContext) -> tuple[str, int, bytes]:
    """The audience, suppression threshold and key a run's files are checked with (the key read from
    its source here: in a regional run, on the worker that checks the pages)."""
    key, _ = resolve_key(context.data_dir, context.key_source)
    return context.audience, context.policy.high, key


def prescan(staging: Path, run: RunContext | CycleParams, frameworks: Sequence[str], *, identifiers: set[str],
            memo: dict[tuple[str, str], list[Any]]) -> None:
    """Scan the files of notebooks that have ended into ``memo``, while the run's later notebooks
    still run: :func:`guard_staging` then finds them in the memo (same name, same bytes, same
    checks) and scans only what is new. It withholds nothing itself.

    Parameters
    ----------
    staging : pathlib.Path
    run : RunContext or CycleParams
        As passed to :func:`guard_staging`.
    frameworks : sequence of str
        The notebooks that have ended: their page, results and executed notebook are scanned.
    identifiers : set of str
        As passed to :func:`guard_staging`.
    memo : dict
        The memo then passed to :func:`guard_staging`.
    """
    audience, threshold, key = _settings(run if isinstance(run, RunContext) else run_context(run))
    check_run_folder(staging, identifiers=identifiers, threshold=threshold, audience=audience, key=key, memo=memo,
                     stems=set(frameworks))


def _disclosure_error(evalue: str) -> dict[str, Any]:
    """A value-free outcome error naming what the gate withheld."""
    return {"cell": None, "ename": "DisclosureCheck", "evalue": evalue, "traceback": ""}


def _write_failure_page(staging: Path, stem: str, params: Any, titles: dict[str, str] | None, audience: str,
                        kinds: list[str], **heading: str) -> None:
    (staging / f"{stem}.html").write_text(withheld_page(title=(titles or {}).get(stem, stem), cycle=params.cycle,
                                                        audience=audience, kinds=kinds, **heading), encoding="utf-8")


def _drop_siblings(staging: Path, framework: str) -> None:
    """Remove a withheld report's results and executed notebook."""
    for sibling in (f"{framework}.results.json", f"{framework}.ipynb"):
        (staging / sibling).unlink(missing_ok=True)


def withhold_unchecked(staging: Path, params: Any, outcomes: Sequence[Any], *, reason: str,
                       titles: dict[str, str] | None = None) -> list[Any]:
    """Deny by default: withhold every report of a run whose pages cannot be checked (``reason`` says
    why, with no value).

    Parameters
    ----------
    staging : pathlib.Path
    params : CycleParams
    outcomes : sequence of NotebookOutcome
    reason : str
        Shown on each failure page and recorded as the outcome's error.
    titles : dict, optional

    Returns
    -------
    list of NotebookOutcome
        All ``failed``.
    """
    audience = str(params.common["audience"])
    for o in outcomes:
        _write_failure_page(staging, o.framework, params, titles, audience, [reason])
        _drop_siblings(staging, o.framework)
    return [replace(o, status="failed", headlines=[], error=_disclosure_error(reason)) for o in outcomes]


def withhold_pages(staging: Path, outcomes: Sequence[Any], reasons: dict[str, str], *, cycle: str, audience: str,
                   titles: dict[str, str] | None = None) -> list[Any]:
    """Withhold the pages named in ``reasons`` (report name to why, with no value): each is replaced
    by a failure page, its results and executed notebook removed, its outcome ``failed``. The run's
    check across pages (:mod:`review.protection.cycle_registry`) withholds this way a page whose
    figures would give back a count another page withholds.

    Examples
    --------
    >>> import tempfile
    >>> from dataclasses import make_dataclass
    >>> Outcome = make_dataclass("Outcome", ["framework", "status", "headlines", "error"])
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "gose.html").write_text("<p>31</p>")
    >>> outs = withhold_pages(folder, [Outcome("gose", "ok", ["x"], None)],
    ...                       {"gose": "a figure would give back a count"}, cycle="2009-Q4", audience="published")
    >>> outs[0].status, "31" in (folder / "gose.html").read_text()
    ('failed', False)
    """
    out = []
    for o in outcomes:
        why = reasons.get(o.framework)
        if why is None:
            out.append(o)
            continue
        (staging / f"{o.framework}.html").write_text(
            withheld_page(title=(titles or {}).get(o.framework, o.framework), cycle=cycle, audience=audience,
                          kinds=[why]), encoding="utf-8")
        _drop_siblings(staging, o.framework)
        out.append(replace(o, status="failed", headlines=[], error=_disclosure_error(why)))
    return out
