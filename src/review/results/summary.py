"""The cycle summary: every framework's red/amber/green counts and items needing action, honestly.

Reads the frameworks' results through the contract of :mod:`review.results.judgements`. A framework
that failed is shown as failed; one that did not run, or ran without recording its judgements,
is named; in every such case the summary marks itself incomplete.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from review.config.frameworks import FRAMEWORKS
from review.config.paths import resolve
from review.results.judgements import (
    BANDS,
    NO_BAND_WORDS,
    FrameworkJudgements,
    action_count,
    judgements,
)

__all__ = ["CycleSummaryResult", "analyse", "summarise"]


@dataclass(frozen=True)
class CycleSummaryResult:
    """Everything the cycle summary shows.

    Attributes
    ----------
    cycle : str
    frameworks : tuple of FrameworkJudgements
        In the registry's order.
    complete : bool
        Every framework reported with its judgements.
    gaps : tuple of str
        One sentence per framework that makes the summary incomplete.
    rag_totals : dict
        Items per band over the frameworks that recorded them.
    needs_action : tuple of (str, str)
        (framework, item) for every item any framework says needs action.
    changes : tuple of (str, str)
    headlines : tuple of str
    """

    cycle: str
    frameworks: tuple[FrameworkJudgements, ...]
    complete: bool
    gaps: tuple[str, ...]
    rag_totals: dict[str, int]
    needs_action: tuple[tuple[str, str], ...]
    changes: tuple[tuple[str, str], ...]
    headlines: tuple[str, ...]


def summarise(cycle: str, frameworks: tuple[FrameworkJudgements, ...], titles: dict[str, str]) -> CycleSummaryResult:
    """Combine the frameworks' judgements.

    >>> from review.results.judgements import judgements
    >>> ok = judgements("a", {"figures": {"rag_counts": {"red": 1, "amber": 1, "green": 0}, "needs_action": ["X1: red"]}})
    >>> s = summarise("2009-Q4", (ok, judgements("b", None, failed=True)), {"a": "A", "b": "B"})
    >>> s.complete, s.gaps, s.rag_totals["red"], s.needs_action
    (False, ('B failed: its judgements are not known this quarter',), 1, (('A', 'X1: red'),))
    >>> summarise("2009-Q4", (judgements("a", {"figures": {"rag_counts": {"red": 1, "amber": 1},
    ...     "needs_action": ["X1: red", "X2: amber"]}}),), {"a": "A"}).gaps
    ('A names 2 items needing action but judged 1 red: its counts do not follow the counting rule',)
    """
    gaps, totals, actions, changes = [], dict.fromkeys(BANDS, 0), [], []
    for fw in frameworks:
        title = titles.get(fw.framework, fw.framework)
        if fw.status == "failed":
            gaps.append(f"{title} failed: its judgements are not known this quarter")
        elif fw.status == "not run":
            gaps.append(f"{title} did not run this quarter")
        elif fw.rag_counts is None or fw.needs_action is None:
            gaps.append(f"{title} ran but recorded no red/amber/green counts or actions")
        elif not fw.reconciles:
            gaps.append(f"{title} names {len(fw.needs_action)} items needing action but judged "
                        f"{action_count(fw.rag_counts)} red: its counts do not follow the counting rule")
        if fw.rag_counts:
            for band, n in fw.rag_counts.items():
                totals[band] = totals.get(band, 0) + n
        actions += [(title, a) for a in fw.needs_action or ()]
        changes += [(title, c) for c in fw.changes]
    complete = not gaps
    apart = [f"{totals[b]} {w}" for b, w in NO_BAND_WORDS if totals[b]]
    headlines = (f"{'Complete' if complete else 'INCOMPLETE'}: {sum(f.complete for f in frameworks)} of "
                 f"{len(frameworks)} framework reports recorded their judgements",
                 f"{totals['red']} red, {totals['amber']} amber, {totals['green']} green items across the reports; "
                 f"{len(actions)} need action (the red items)"
                 + (f"; {' and '.join(apart)}, in no band" if apart else ""))
    return CycleSummaryResult(cycle, frameworks, complete, tuple(gaps), totals, tuple(actions), tuple(changes), headlines)


def analyse(cycle: str, folder: str | Path, results: Mapping[str, Mapping[str, Any]]) -> CycleSummaryResult:
    """The summary of a cycle's output (or staging) folder, from the results already read from it.

    Parameters
    ----------
    cycle : str
        The quarter summarised.
    folder : str or pathlib.Path
        The folder the results were read from: a framework with no results there but a page is one
        that failed (its page says so).
    results : mapping
        Framework -> its results payload, as :func:`review.results.figures.load_cycle_results` read
        them (read once, for the summary, its action plan and its trends alike).

    Returns
    -------
    CycleSummaryResult

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "governance.html").write_text("<p>failed</p>")
    >>> jar = {"figures": {"rag_counts": {"red": 1, "amber": 0, "green": 2}, "needs_action": ["J02: red"]}}
    >>> s = analyse("2009-Q4", folder, {"jar_haringey": jar})
    >>> s.rag_totals["red"], s.needs_action[0][1], s.complete
    (1, 'J02: red', False)
    >>> "Social care governance exercise failed: its judgements are not known this quarter" in s.gaps
    True
    """
    names = [n for n, fw in FRAMEWORKS.items() if not fw.after_others]
    where = resolve(folder)
    judged = tuple(judgements(n, results.get(n), failed=n not in results and (where / f"{n}.html").is_file())
                   for n in names)
    return summarise(cycle, judged, {n: FRAMEWORKS[n].title for n in names})
