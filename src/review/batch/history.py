"""History brought forward: what earlier runs' results say, beside this run's.

A council that starts with one quarter of evidence has no earlier cycle to compare with in its
data folder, so every report says "new". Its earlier runs' results do know: each run leaves
``<cycle>.results.json`` files in its cycle folder with every item's band as the page showed it.
This module reads them back, run by run, to say how each item's band changed since the last
quarter's run and for how many consecutive quarters (runs) it has been red.

Only the published folder is read for a published run and only the internal folder for an internal
run (:func:`review.config.paths.cycle_folder`): a published page never learns a band an internal run
saw. Bands come as the earlier page showed them: a band withheld there is ``withheld`` here, and
a red run that meets it stops, marked as possibly longer. At most :data:`KEEP_CYCLES` earlier
quarters are read; nothing is copied or kept apart from the cycle folders themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from review.config.cycles import previous_cycle
from review.config.paths import cycle_folder
from review.results.history import read_results

__all__ = ["KEEP_CYCLES", "BandChange", "Carried", "bands_of", "carried_history", "earlier_bands", "read_bands"]

KEEP_CYCLES = 8
"""Earlier quarters read back (two years): enough for any "red for N cycles" a board follows."""

ORDER = {"green": 0, "amber": 1, "red": 2}
"""Bands from best to worst; others (withheld, grey, no evidence) are not compared."""

Bands = dict[tuple[str, str], str]
"""(framework, item) -> band as its page showed it."""


def bands_of(results: Mapping[str, Mapping[str, Any]]) -> Bands:
    """Every item's band from a run's results: ``figures.items`` or ``figures.findings``, each with
    ``item`` and ``band`` (or ``judgement``).

    Parameters
    ----------
    results : mapping
        Framework -> its results payload.

    Returns
    -------
    dict
        ``(framework, item)`` -> band.

    Examples
    --------
    >>> bands_of({"jar_haringey": {"figures": {"findings": [{"item": "J01", "band": "red"}]}},
    ...           "gose_performance": {"figures": {"items": [{"item": "G01", "judgement": "amber"}]}}})
    {('jar_haringey', 'J01'): 'red', ('gose_performance', 'G01'): 'amber'}
    """
    out: Bands = {}
    for framework, payload in results.items():
        figures = payload.get("figures") if isinstance(payload, Mapping) else None
        if not isinstance(figures, Mapping):
            continue
        entries = figures.get("items") or figures.get("findings") or ()
        for entry in entries if isinstance(entries, list) else ():
            if isinstance(entry, Mapping) and isinstance(entry.get("item"), str):
                band = entry.get("band", entry.get("judgement"))
                if isinstance(band, str):
                    out[(framework, entry["item"])] = band
    return out


def read_bands(folder: Path) -> Bands:
    """Every item's band in a run's folder (its results files).

    Parameters
    ----------
    folder : pathlib.Path
        A cycle folder (or a run's staging folder).

    Returns
    -------
    dict
        ``(framework, item)`` -> band, as :func:`bands_of`.
    """
    return bands_of(read_results(folder))


def earlier_bands(root: Path, cycle: str, audience: str, *, keep: int = KEEP_CYCLES) -> list[tuple[str, Bands]]:
    """The bands of the runs of the quarters before ``cycle``, most recent first.

    Parameters
    ----------
    root : pathlib.Path
        The output root (``outputs/``).
    cycle : str
        This run's cycle.
    audience : str
        Only this audience's folders are read.
    keep : int, default: :data:`KEEP_CYCLES`
        Quarters read back at most; the first quarter with no run ends the history.

    Returns
    -------
    list of tuple
        ``(cycle, bands)``, most recent first.
    """
    out = []
    for steps in range(1, keep + 1):
        earlier = previous_cycle(cycle, steps)
        folder = cycle_folder(root, earlier, audience)
        if not (folder / "manifest.json").is_file():
            break
        out.append((earlier, read_bands(folder)))
    return out


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


def carried_history(now: Bands, earlier: list[tuple[str, Bands]], cycle: str) -> Carried:
    """Changes since the last quarter's run and red runs, from this run's bands and earlier runs'.

    Parameters
    ----------
    now : dict
        This run's bands (:func:`read_bands`).
    earlier : list of tuple
        :func:`earlier_bands`.
    cycle : str
        This run's cycle.

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
    """
    last = earlier[0][1] if earlier and earlier[0][0] == previous_cycle(cycle) else {}
    changes = tuple(BandChange(f, i, last[(f, i)], band) for (f, i), band in now.items()
                    if (f, i) in last and last[(f, i)] != band)
    red_for, longer = {}, set()
    for key, band in now.items():
        if band != "red":
            continue
        n = 1
        for _, bands in earlier:
            if bands.get(key) != "red":
                if bands.get(key) == "withheld":
                    longer.add(key)
                break
            n += 1
        red_for[key] = n
    return Carried(cycle, tuple(c for c, _ in earlier), changes, red_for, frozenset(longer))
