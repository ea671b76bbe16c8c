"""History brought forward: what earlier runs' results say, beside this run, for the index.

A council that starts with one quarter of evidence has no earlier cycle to compare with in its
data folder, so every report says "new". Its earlier runs' results do know: each run leaves
``<framework>.results.json`` files in its cycle folder with every item's band as the page showed it.
This module reads them back through :func:`review.results.history.earlier_results` (the one reader
of earlier runs: this audience's folders only, and only runs of this authority when one is named)
to say how each item's band changed since the last quarter's run and for how many consecutive
quarters it has been red, by the rule of :mod:`review.results.history`: a quarter's run wins; a
quarter without one counts as the run's reports re-judged it from the evidence (their recorded
``red_history``, :func:`review.results.history.recorded_rejudged`); a quarter with neither ends the run.

Only the published folder is read for a published run and only the internal folder for an internal
run (:func:`review.config.paths.cycle_folder`): a published page never learns a band an internal run
saw. Bands come as the earlier page showed them (:func:`review.results.history.bands`): a band
withheld there is ``withheld`` here, and a red run that meets it stops, marked as possibly longer.
At most :data:`KEEP_CYCLES` earlier quarters are read (the trends' window); nothing is copied or
kept apart from the cycle folders themselves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from review.config.cycles import previous_cycle
from review.results.history import (
    NONE_REJUDGED,
    WINDOW,
    Rejudged,
    bands,
    earlier_results,
    read_results,
    recorded_rejudged,
)

__all__ = ["KEEP_CYCLES", "BandChange", "Carried", "carried", "carried_history", "earlier_bands", "read_bands"]

KEEP_CYCLES = WINDOW - 1
"""Earlier quarters read back: those of the trends' window before this one."""

ORDER = {"green": 0, "amber": 1, "red": 2}
"""Bands from best to worst; others (withheld, grey, no evidence) are not compared."""

Bands = dict[tuple[str, str], str]
"""(framework, item) -> band as its page showed it."""


def read_bands(folder: Path) -> Bands:
    """Every item's band in a run's folder (its results files), :func:`review.results.history.bands`.

    Parameters
    ----------
    folder : pathlib.Path
        A cycle folder (or a run's staging folder).

    Returns
    -------
    dict
        ``(framework, item)`` -> band.
    """
    return bands(read_results(folder))


def earlier_bands(root: Path, cycle: str, audience: str, *, authority: str | None = None,
                  keep: int = KEEP_CYCLES) -> list[tuple[str, Bands]]:
    """The bands of the runs of the quarters before ``cycle``, most recent first; a quarter without a
    run is absent (:func:`carried_history` never carries a red run across it).

    Parameters
    ----------
    root : pathlib.Path
        The output root (``outputs/``).
    cycle : str
        This run's cycle.
    audience : str
        Only this audience's folders are read.
    authority : str, optional
        Only runs of this authority are read (:func:`review.results.history.earlier_results`): a
        run of another council in the same folder is a gap.
    keep : int, default: :data:`KEEP_CYCLES`
        Quarters read back at most.

    Returns
    -------
    list of tuple
        ``(cycle, bands)``, most recent first.

    Examples
    --------
    >>> import json, tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> for c, who in (("2009-Q3", "A council"), ("2009-Q2", "Another council")):
    ...     (root / c).mkdir()
    ...     _ = (root / c / "manifest.json").write_text(json.dumps({"parameters": {"jar_haringey": {"authority": who}}}))
    ...     _ = (root / c / "jar_haringey.results.json").write_text('{"figures": {"findings": [{"item": "J02", "band": "red"}]}}')
    >>> [c for c, _ in earlier_bands(root, "2009-Q4", "published")]
    ['2009-Q3', '2009-Q2']
    >>> [c for c, _ in earlier_bands(root, "2009-Q4", "published", authority="A council")]  # 2009-Q2: another's
    ['2009-Q3']
    """
    runs = earlier_results(root, cycle, audience, authority=authority, window=keep + 1)
    return [(q, bands(runs[q])) for q in sorted(runs, reverse=True)]


@dataclass(frozen=True)
class BandChange:
    """One item's band now and in the last quarter's run."""

    framework: str
    item: str
    before: str
    now: str

    @property
    def direction(self) -> str:
        """``higher band``, ``lower band`` or ``changed`` (to or from a band that is not compared).

        A band that moved is not called better or worse: only a change beyond chance is
        (:func:`review.analyses.judgement.classify_change`), and a band can move on a change within it.
        """
        if self.before in ORDER and self.now in ORDER:
            return "higher band" if ORDER[self.now] < ORDER[self.before] else "lower band"
        return "changed"


@dataclass(frozen=True)
class Carried:
    """What the earlier runs say beside this run.

    Attributes
    ----------
    cycle : str
        This run's cycle.
    runs : tuple of str
        The earlier quarters whose runs were read, most recent first.
    changes : tuple of BandChange
        Items whose band differs from the last quarter's run.
    red_for : dict
        ``(framework, item)`` -> consecutive quarters red, this one included, for items red now.
    longer : frozenset
        Red items whose run meets a withheld band: they may have been red longer.
    """

    cycle: str
    runs: tuple[str, ...]
    changes: tuple[BandChange, ...]
    red_for: dict[tuple[str, str], int]
    longer: frozenset[tuple[str, str]]


def carried_history(now: Bands, earlier: Sequence[tuple[str, Bands]], cycle: str, *,
                    rejudged: Rejudged | None = None, keep: int = KEEP_CYCLES) -> Carried:
    """Changes since the last quarter's run and red runs, from this run's bands and earlier runs', and
    for a quarter without a run, the evidence re-judged (the rule of :mod:`review.results.history`).

    Parameters
    ----------
    now : dict
        This run's bands (:func:`read_bands`).
    earlier : sequence of tuple
        :func:`earlier_bands` (pass the run's ``authority``).
    cycle : str
        This run's cycle.
    rejudged : Rejudged, optional
        The quarters re-judged from the evidence (:func:`review.results.history.recorded_rejudged`);
        read only for a quarter without a run.
    keep : int, default: :data:`KEEP_CYCLES`
        Earlier quarters a red run is counted back over.

    Returns
    -------
    Carried

    Examples
    --------
    >>> now = {("f", "A"): "red", ("f", "B"): "green"}
    >>> earlier = [("2009-Q3", {("f", "A"): "red", ("f", "B"): "amber"}), ("2009-Q2", {("f", "A"): "red"})]
    >>> c = carried_history(now, earlier, "2009-Q4")
    >>> [(x.item, x.before, x.now, x.direction) for x in c.changes], c.red_for
    ([('B', 'amber', 'green', 'higher band')], {('f', 'A'): 3})

    2009-Q1 had no run; its evidence, re-judged, has A red: the run goes on through it.

    >>> from review.results.history import Rejudged
    >>> again = Rejudged({"f": frozenset({"2009-Q1"})}, {"2009-Q1": frozenset({("f", "A")})}, {})
    >>> carried_history(now, earlier, "2009-Q4", rejudged=again).red_for
    {('f', 'A'): 4}
    """
    by_quarter = dict(earlier)
    rejudged = rejudged or NONE_REJUDGED
    last = by_quarter.get(previous_cycle(cycle), {})
    changes = tuple(BandChange(f, i, last[(f, i)], band) for (f, i), band in now.items()
                    if (f, i) in last and last[(f, i)] != band)

    def band_in(q: str, key: tuple[str, str]) -> str | None:
        if q in by_quarter:
            return by_quarter[q].get(key)
        return rejudged.band(q, key)  # None: neither a run nor evidence judged again, a gap

    red_for, longer = {}, set()
    for key, band in now.items():
        if band != "red":
            continue
        n = 1
        for steps in range(1, keep + 1):
            before = band_in(previous_cycle(cycle, steps), key)
            if before != "red":
                if before == "withheld":
                    longer.add(key)
                break
            n += 1
        red_for[key] = n
    return Carried(cycle, tuple(c for c, _ in earlier), changes, red_for, frozenset(longer))


def carried(root: Path, cycle: str, audience: str, staging: Path, *, authority: str | None = None) -> Carried:
    """What the earlier quarters say beside a run, for its index: :func:`carried_history` of the run's
    staging folder (read before its run-only figures go), the earlier runs of its audience and authority,
    and the quarters its reports re-judged from the evidence.

    Parameters
    ----------
    root : pathlib.Path
        The output root.
    cycle, audience : str
        The run's.
    staging : pathlib.Path
        The run's staging folder, its notebooks ended.
    authority : str, optional
        The run's authority: only its earlier runs are read.

    Returns
    -------
    Carried
    """
    results: Mapping = read_results(staging)
    return carried_history(bands(results), earlier_bands(root, cycle, audience, authority=authority), cycle,
                           rejudged=recorded_rejudged(results))
