"""Earlier cycles' results read back for a page: each item's band and level quarter by quarter.

A council that starts with one quarter of evidence has no earlier quarter in its data folder, yet
its earlier runs know how each item stood: every run leaves ``<framework>.results.json`` in its
cycle folder (:func:`review.results.figures.write_results`), holding every item's band as its page
showed it and, where the report records one, the level of the evidence the band follows. This
module reads those files back for the quarters before a cycle and returns, per item, a frozen
series over the last :data:`WINDOW` quarters: for each quarter the band, the level (unrounded)
and its state.

- **What is read.** Only the folder of the run's own audience
  (:func:`review.config.paths.cycle_folder`) under the output root (:func:`output_root`): a
  published page never learns what an internal run saw. A quarter counts as run when its folder
  holds the run's ``manifest.json``; a quarter without one is a *gap* and stays one (a trend never
  joins across it). A damaged or missing results file is a gap for that framework, never a guess.
- **Levels.** For reports that record their evidence lines (``evidence``), an item's level is
  the lowest level of the independent lines at the item's band (the lines the judgement follows). A level resting on
  a line whose figures the page withheld is ``c``; so is one that the report's policy withholds
  now (a stricter threshold than the earlier run's): :func:`shown_level` asks the protection
  layer. Only levels are carried, never a count or a denominator, so no trend prints a figure
  from which a withheld count could be worked out, and no change between quarters is printed.
- **Bands** are never withheld: a board must see its reds (:mod:`review.analyses.shown_bands`).
- **Red runs.** :attr:`ItemSeries.red_run` counts the quarters an item has been red without a
  break up to this one; a gap ends the run (the quarter is not known), as does the window's start
  (then :attr:`ItemSeries.run_may_be_longer`).

**How long an item has been red: one source.** Every page that says how long an item has been red
(the trends of each report and of the summary, the key messages, the action plan and the drafted
actions) reads it from :attr:`ItemSeries.red_run`, under one rule, quarter by quarter:

1. **An earlier run wins.** Where a run of the quarter (this audience, this authority) recorded the
   item, its band is the band that quarter's page showed the board.
2. **Else the evidence, re-judged.** Where no run recorded the quarter but the data folder holds its
   evidence, the item is judged again from it, with this run's thresholds, as its report judges
   it (:func:`review.analyses.red_items.judged_items`): the point's state is ``re-judged`` and the
   pages say so. Re-judging keeps only whether the item was red (or its band withheld), so such a
   quarter reads ``red`` or ``not red``, never a level.
3. **Else a gap**, which ends the run.

A heading summarised from its sub-items (the record's basis ``its sub-items``) is not an item to act
on: it is kept in its report's trend, marked :attr:`ItemSeries.heading`, and left out of the
summary's and the action plan's red items. :func:`red_maps` turns the series back into the action
plan's input, so that :func:`on_history` gives the plan (and the key messages and drafts built on
it) the same red runs as the trends.

Nothing is copied or kept apart from the cycle folders themselves: the history lasts as long as
the council keeps its earlier runs' folders (docs/data.md, "Reports: where they go and what is kept").
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from review.analyses.actions import analyse
from review.analyses.judgement import SELF
from review.analyses.red_items import JUDGED_FRAMEWORKS, judged_items, thresholds_for
from review.config.cycles import previous_cycle
from review.config.frameworks import FRAMEWORKS
from review.config.paths import cycle_folder, project_root
from review.protection.disclosure import DisclosurePolicy
from review.protection.units import UndeclaredUnit, internal_only, protected
from review.results.judgements import ESCALATE_AT

__all__ = ["ESCALATE_AT", "HEADING_BASIS", "NONE_REJUDGED", "NOT_RED", "OUTPUT_ROOT_ENV", "REJUDGED", "REPORTED", "WINDOW", "ItemSeries",
           "RedItems", "Rejudged", "Trend", "TrendPoint", "bands", "earlier_results", "item_levels", "on_history", "output_root",
           "read_results", "recorded_rejudged", "red_maps", "rejudge", "shown_level", "summary_trends", "trend",
           "trend_for", "trends_of"]

WINDOW = 8
"""Quarters a trend shows, this one included: two years, enough for any "red for N quarters" a
board follows."""


REPORTED, REJUDGED = "reported", "re-judged"
"""A point's state when its band is known: read from that quarter's run, or re-judged from the evidence."""

NOT_RED = "not red"
"""A re-judged quarter's band when the item was not red then (re-judging keeps red and withheld only)."""

HEADING_BASIS = "its sub-items"
"""The basis a record gives a heading summarised from its sub-items: not an item to act on."""

RedItems = Mapping[str, frozenset[tuple[str, str]]]
"""Quarter -> the ``(framework, item)`` pairs red (or withheld) that quarter, as the action plan reads them."""


@dataclass(frozen=True)
class Rejudged:
    """Earlier quarters whose evidence was judged again (rule 2 of the module docstring).

    Attributes
    ----------
    judged : mapping
        Framework -> the quarters judged again for it: a framework or quarter not named here was not
        judged, and stays a gap (never "not red").
    red, withheld : mapping
        Quarter -> the ``(framework, item)`` pairs red, and withheld, in those quarters.
    """

    judged: Mapping[str, frozenset[str]]
    red: RedItems
    withheld: RedItems

    def band(self, cycle: str, key: tuple[str, str]) -> str | None:
        """The re-judged band of ``key`` (framework, item) in ``cycle``: ``red``, ``withheld``, ``not red``,
        or None when that framework's quarter was not judged again.

        >>> r = Rejudged({"f": frozenset({"2009-Q1"})}, {"2009-Q1": frozenset({("f", "A")})}, {})
        >>> r.band("2009-Q1", ("f", "A")), r.band("2009-Q1", ("f", "B")), r.band("2009-Q1", ("g", "A"))
        ('red', 'not red', None)
        """
        if cycle not in self.judged.get(key[0], ()):
            return None
        return "red" if key in self.red.get(cycle, ()) else "withheld" if key in self.withheld.get(cycle, ()) else NOT_RED

    def quarters(self, framework: str) -> frozenset[str]:
        """The quarters judged again for ``framework``."""
        return self.judged.get(framework, frozenset())

    def __or__(self, other: Rejudged) -> Rejudged:
        """Both together (each framework's quarters as either names them)."""
        frameworks = {*self.judged, *other.judged}
        return Rejudged({f: self.quarters(f) | other.quarters(f) for f in frameworks},
                        _union(self.red, other.red), _union(self.withheld, other.withheld))


NONE_REJUDGED = Rejudged({}, {}, {})
"""No quarter judged again."""

OUTPUT_ROOT_ENV = "REVIEW_OUTPUT_ROOT"
"""Set by the batch runner for its kernels: the folder the earlier runs' cycle folders are in (a
single authority's run: the output root it writes under; a regional run: a worker's link to the
task's authority's folder, made for the task and removed after)."""


def output_root() -> Path:
    """The output root whose cycle folders hold the earlier runs: the batch run's own (named by
    :data:`OUTPUT_ROOT_ENV`), else the project's ``outputs/``.

    Returns
    -------
    pathlib.Path
        The folder the cycle folders are in.

    Examples
    --------
    >>> import os
    >>> os.environ[OUTPUT_ROOT_ENV] = "/tmp/runs"
    >>> output_root().as_posix()
    '/tmp/runs'
    >>> del os.environ[OUTPUT_ROOT_ENV]
    >>> output_root().name
    'outputs'
    """
    named = os.environ.get(OUTPUT_ROOT_ENV)
    return Path(named) if named else project_root() / "outputs"


def read_results(folder: Path) -> dict[str, dict[str, Any]]:
    """Every results payload in a run's folder, by the file's framework name; a damaged file is left out.

    Parameters
    ----------
    folder : pathlib.Path
        A cycle folder (or a run's staging folder).

    Returns
    -------
    dict
        Framework -> its payload (a JSON object); empty when the folder holds none.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "governance.results.json").write_text('{"figures": {}}')
    >>> _ = (folder / "jar_haringey.results.json").write_text('{"figures": ')  # cut short
    >>> read_results(folder)
    {'governance': {'figures': {}}}
    """
    out = {}
    for path in sorted(folder.glob("*.results.json")):
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            continue  # a damaged file is no history: the quarter is a gap, never a guess
        if isinstance(payload, dict):
            out[path.name.removesuffix(".results.json")] = payload
    return out


def earlier_results(root: Path, cycle: str, audience: str, *, authority: str | None = None,
                    window: int = WINDOW) -> dict[str, dict[str, dict[str, Any]]]:
    """The results of the runs of the quarters before ``cycle`` in the window, by quarter.

    Parameters
    ----------
    root : pathlib.Path
        The output root (:func:`output_root`).
    cycle : str
        This quarter, ``YYYY-Qn``.
    audience : str
        Only this audience's folders are read.
    authority : str, optional
        Only runs whose manifest names this authority for every report are read: a run of another
        council in the same folder (or of none named) is a gap, never this council's history.
    window : int, default: :data:`WINDOW`
        Quarters in the trend, this one included; ``window - 1`` earlier quarters are looked at.

    Returns
    -------
    dict
        Quarter -> framework -> payload, for each earlier quarter with a run (its folder holds
        ``manifest.json``); a quarter without one is absent (a gap), and those before it are
        still read.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> for c in ("2009-Q3", "2009-Q1"):
    ...     (root / c).mkdir()
    ...     _ = (root / c / "manifest.json").write_text("{}")
    ...     _ = (root / c / "governance.results.json").write_text('{"cycle": "%s"}' % c)
    >>> sorted(earlier_results(root, "2009-Q4", "published"))  # 2009-Q2 is a gap
    ['2009-Q1', '2009-Q3']
    >>> earlier_results(root, "2009-Q4", "internal")
    {}
    >>> earlier_results(root, "2009-Q4", "published", authority="Another council")  # manifests name none
    {}
    """
    out = {}
    for steps in range(1, window):
        earlier = previous_cycle(cycle, steps)
        folder = cycle_folder(root, earlier, audience)
        if (folder / "manifest.json").is_file() and (authority is None or _run_of(folder, authority)):
            out[earlier] = read_results(folder)
    return out


def _run_of(folder: Path, authority: str) -> bool:
    """Whether a run's manifest names ``authority`` for every report it ran (and names some)."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    parameters = manifest.get("parameters") if isinstance(manifest, dict) else None
    if not isinstance(parameters, dict) or not parameters:
        return False
    return all(isinstance(p, dict) and p.get("authority") == authority for p in parameters.values())


def _entries(payload: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    figures = payload.get("figures") if isinstance(payload, Mapping) else None
    if not isinstance(figures, Mapping):
        return []
    entries = figures.get("findings") or figures.get("items") or []
    return [e for e in entries if isinstance(e, Mapping) and isinstance(e.get("item"), str)] \
        if isinstance(entries, list) else []


def _band(entry: Mapping[str, Any]) -> str | None:
    band = entry.get("band", entry.get("judgement"))
    return band if isinstance(band, str) else None


def bands(results: Mapping[str, Mapping[str, Any]]) -> dict[tuple[str, str], str]:
    """Every item's band in a run's results (``figures.findings`` or ``figures.items``, each with
    ``item`` and ``band``, or ``judgement``), as its page showed it.

    Parameters
    ----------
    results : mapping
        Framework -> its results payload (:func:`read_results`).

    Returns
    -------
    dict
        ``(framework, item)`` -> band; an item without a band is left out.

    Examples
    --------
    >>> bands({"jar_haringey": {"figures": {"findings": [{"item": "J01", "band": "red"}]}},
    ...        "gose_performance": {"figures": {"items": [{"item": "G01", "judgement": "amber"}]}},
    ...        "governance": {"figures": {"items": [{"item": "C1", "band": None}]}}})
    {('jar_haringey', 'J01'): 'red', ('gose_performance', 'G01'): 'amber'}
    """
    return {(framework, e["item"]): band for framework, payload in results.items() for e in _entries(payload)
            if (band := _band(e)) is not None}


def _count(value: object) -> int | None:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) \
        else None


def shown_level(line: Mapping[str, Any], policy: DisclosurePolicy) -> float | None:
    """A recorded evidence line's level as a page under ``policy`` may show it, or None (``c``).

    The line's record (``k``, ``n``, ``unit``, ``withheld``) was written under the earlier run's
    policy; the protection layer is asked again under this one: a count of people from ``low`` to
    ``high``, or a rate of a group smaller than ``min_group``, withholds the level
    (:meth:`~review.protection.disclosure.DisclosurePolicy.withhold`), as does a unit of a single
    post-holder's own performance on a published page, or a unit declared nowhere (deny by default).

    Parameters
    ----------
    line : mapping
        One evidence line of a results record.
    policy : DisclosurePolicy
        This report's policy.

    Returns
    -------
    float or None
        ``k / n`` unrounded; None when withheld or when the line has no level (``n`` is 0).

    Examples
    --------
    35 of 70 audits is 0.5; 4 of 9 is a group smaller than 10 (withheld on a published page);
    4 of 5 reports counts no person.

    >>> pub = DisclosurePolicy()
    >>> shown_level({"k": 35, "n": 70, "unit": "audits"}, pub)
    0.5
    >>> shown_level({"k": 4, "n": 9, "unit": "audits"}, pub) is None
    True
    >>> shown_level({"k": 4, "n": 9, "unit": "audits"}, DisclosurePolicy(audience="internal"))
    0.4444444444444444
    >>> shown_level({"k": 4, "n": 5, "unit": "reports"}, pub)
    0.8
    >>> shown_level({"withheld": True, "unit": "audits"}, pub) is None
    True
    """
    k, n = _count(line.get("k")), _count(line.get("n"))
    if line.get("withheld") or k is None or not n:
        return None
    unit = str(line.get("unit", ""))
    if internal_only(unit):
        return None if policy.suppress else k / n
    try:
        people = protected(unit)
    except UndeclaredUnit:
        people = True  # a unit declared nowhere is treated as people
    if people and policy.withhold(k, of=n) is not None:
        return None
    return k / n


def item_levels(entry: Mapping[str, Any], policy: DisclosurePolicy) -> tuple[float | None, str]:
    """An item's level from its record, and the level's state: ``shown``, ``c`` or ``not recorded``.

    The level is the lowest of the independent lines at the item's band (self-assessment and lines without a band left out); if any line the
    judgement follows is withheld, or the item rests on a small group, the level is ``c``.

    Parameters
    ----------
    entry : mapping
        One item (``findings`` or ``items`` entry) of a results record.
    policy : DisclosurePolicy
        This report's policy (:func:`shown_level`).

    Returns
    -------
    tuple
        ``(level, state)``: level a share from 0 to 1, or None.

    Examples
    --------
    The item is red; its red lines are 35 of 70 (0.5) and 26 of 45 (0.578): the level is 0.5.

    >>> red = {"item": "J06", "band": "red", "small_group": False, "evidence": [
    ...     {"kind": "audit", "k": 91, "n": 116, "band": "amber", "unit": "audits"},
    ...     {"kind": "audit", "k": 35, "n": 70, "band": "red", "unit": "audits"},
    ...     {"kind": "audit", "k": 26, "n": 45, "band": "red", "unit": "audits"},
    ...     {"kind": "self-assessment", "withheld": True, "unit": "ratings"}]}
    >>> item_levels(red, DisclosurePolicy())
    (0.5, 'shown')
    >>> item_levels(red | {"small_group": True}, DisclosurePolicy())
    (None, 'c')
    >>> item_levels({"item": "L1", "band": "red"}, DisclosurePolicy())
    (None, 'not recorded')
    """
    band = _band(entry)
    lines = entry.get("evidence")
    if not isinstance(lines, list) or band not in ("red", "amber", "green"):
        return None, "not recorded"
    deciding = [ln for ln in lines if isinstance(ln, Mapping) and ln.get("kind") != SELF
                and (ln.get("withheld") or ln.get("band") in ("red", "amber", "green"))]
    if entry.get("small_group") or any(shown_level(ln, policy) is None and (ln.get("withheld") or _count(ln.get("n")))
                                       for ln in deciding):
        return None, "c"
    levels = [v for ln in deciding if ln.get("band") == band and (v := shown_level(ln, policy)) is not None]
    return (min(levels), "shown") if levels else (None, "not recorded")


@dataclass(frozen=True)
class TrendPoint:
    """One item in one quarter.

    Attributes
    ----------
    cycle : str
        The quarter, ``YYYY-Qn``.
    state : str
        ``reported`` (read from that quarter's run), ``re-judged`` (no run recorded it: its evidence,
        in this run's data folder, judged again), ``no run`` (neither: a gap) or ``not recorded``
        (the run's report did not record this item: a gap too).
    band : str or None
        The band as that quarter's page showed it (never withheld); for a re-judged quarter
        ``red``, ``withheld`` or ``not red`` (:data:`NOT_RED`); None in a gap.
    level : float or None
        The level the band follows, a share from 0 to 1, unrounded; None when withheld, not
        recorded, re-judged, or in a gap.
    level_state : str
        ``shown``, ``c`` (withheld: small numbers) or ``not recorded``.
    """

    cycle: str
    state: str
    band: str | None
    level: float | None
    level_state: str

    @property
    def gap(self) -> bool:
        """Whether the quarter is not known for this item (no run and no evidence, or not recorded)."""
        return self.state not in (REPORTED, REJUDGED)


@dataclass(frozen=True)
class ItemSeries:
    """One item's quarters over the window, oldest first, the last one this quarter.

    Attributes
    ----------
    framework : str
    item : str
        The item's id as its source numbers it.
    points : tuple of TrendPoint
    heading : bool, default: False
        A heading summarised from its sub-items (:data:`HEADING_BASIS`): not an item to act on.
    """

    framework: str
    item: str
    points: tuple[TrendPoint, ...]
    heading: bool = False

    @property
    def red_run(self) -> int:
        """Quarters red without a break up to this one (0 when not red now); a gap ends the run.

        This is the one count of "how long has this item been red" (module docstring).
        """
        n = 0
        for p in reversed(self.points):
            if p.gap or p.band != "red":
                break
            n += 1
        return n

    @property
    def run_may_be_longer(self) -> bool:
        """The red run reaches the window's first quarter: it may have begun before."""
        return bool(self.points) and self.red_run == len(self.points)

    @property
    def earlier_withheld(self) -> bool:
        """The quarter before the red run has its band withheld: the run may be longer."""
        n = self.red_run
        return 0 < n < len(self.points) and self.points[-n - 1].band == "withheld"

    @property
    def escalated(self) -> bool:
        """Red for :data:`ESCALATE_AT` or more quarters without a break, this one included."""
        return self.red_run >= ESCALATE_AT

    @property
    def now(self) -> TrendPoint:
        """This quarter's point."""
        return self.points[-1]


@dataclass(frozen=True)
class Trend:
    """Every item of one framework's report over the window.

    Attributes
    ----------
    framework : str
    cycle : str
        This quarter.
    audience : str
        The audience whose runs were read.
    window : tuple of str
        The quarters shown, oldest first, ending with ``cycle``.
    earlier_runs : tuple of str
        The earlier quarters whose runs held results for this framework, most recent first.
    items : tuple of ItemSeries
        In the order this quarter's record lists them (the source's order).
    rejudged : tuple of str, default: ()
        The earlier quarters without such a run whose evidence was judged again, most recent first.
    """

    framework: str
    cycle: str
    audience: str
    window: tuple[str, ...]
    earlier_runs: tuple[str, ...]
    items: tuple[ItemSeries, ...]
    rejudged: tuple[str, ...] = ()


def _window(cycle: str, window: int) -> tuple[str, ...]:
    return tuple(reversed([cycle] + [previous_cycle(cycle, s) for s in range(1, window)]))


def trend(framework: str, cycle: str, now: Mapping[str, Any], earlier: Mapping[str, Mapping[str, Any]],
          policy: DisclosurePolicy, *, window: int = WINDOW,
          rejudged: Rejudged | None = None) -> Trend:
    """One framework's items over the window, from this quarter's record, earlier runs' results and,
    for a quarter no run recorded, the evidence judged again (the rule of the module docstring).

    Parameters
    ----------
    framework : str
        The framework's name (its results file's).
    cycle : str
        This quarter.
    now : mapping
        This quarter's results payload (what its page shows), or a record object with ``payload``.
    earlier : mapping
        Quarter -> framework -> payload (:func:`earlier_results`).
    policy : DisclosurePolicy
        This report's policy: it decides which earlier levels may be shown (:func:`shown_level`).
    window : int, default: :data:`WINDOW`
        Quarters shown, this one included.
    rejudged : Rejudged, optional
        The quarters whose evidence was judged again (:func:`rejudge`, :func:`recorded_rejudged`). Read
        only for a quarter without a run of this framework, and only where this framework was judged.

    Returns
    -------
    Trend

    Examples
    --------
    J02 was red in 2009-Q2 (30 of 60: 0.5) and 2009-Q3 (36 of 72: 0.5), and is red now (35 of 70:
    0.5); there was no run in 2009-Q1: the run is three quarters and the line breaks at 2009-Q1.

    >>> def rec(k, n):
    ...     return {"figures": {"findings": [{"item": "J02", "band": "red", "small_group": False,
    ...             "evidence": [{"kind": "audit", "k": k, "n": n, "band": "red", "unit": "audits"}]}]}}
    >>> t = trend("jar_haringey", "2009-Q4", rec(35, 70),
    ...           {"2009-Q3": {"jar_haringey": rec(36, 72)}, "2009-Q2": {"jar_haringey": rec(30, 60)}},
    ...           DisclosurePolicy(), window=4)
    >>> s = t.items[0]
    >>> [(p.cycle, p.state, p.band, p.level) for p in s.points]  # doctest: +NORMALIZE_WHITESPACE
    [('2009-Q1', 'no run', None, None), ('2009-Q2', 'reported', 'red', 0.5),
     ('2009-Q3', 'reported', 'red', 0.5), ('2009-Q4', 'reported', 'red', 0.5)]
    >>> s.red_run, s.run_may_be_longer, t.earlier_runs
    (3, False, ('2009-Q3', '2009-Q2'))

    The data folder holds 2009-Q1's evidence, where J02 is red again, and 2009-Q2's, where it is not:
    2009-Q1 is re-judged (red), 2009-Q2 keeps its run's band (the run wins): four quarters.

    >>> red = {"2009-Q1": frozenset({("jar_haringey", "J02")}), "2009-Q2": frozenset()}
    >>> again = Rejudged({"jar_haringey": frozenset(red)}, red, {})
    >>> t = trend("jar_haringey", "2009-Q4", rec(35, 70),
    ...           {"2009-Q3": {"jar_haringey": rec(36, 72)}, "2009-Q2": {"jar_haringey": rec(30, 60)}},
    ...           DisclosurePolicy(), window=4, rejudged=again)
    >>> [(p.state, p.band) for p in t.items[0].points[:2]], t.items[0].red_run, t.rejudged
    ([('re-judged', 'red'), ('reported', 'red')], 4, ('2009-Q1',))
    """
    now = getattr(now, "payload", now)
    quarters = _window(cycle, window)
    rejudged = rejudged or NONE_REJUDGED
    by_quarter: dict[str, dict[str, Mapping[str, Any]] | None] = {}
    for q in quarters[:-1]:
        run = earlier.get(q)
        payload = None if run is None else run.get(framework)
        by_quarter[q] = None if payload is None else {e["item"]: e for e in _entries(payload)}
    by_quarter[cycle] = {e["item"]: e for e in _entries(now)}
    again = tuple(q for q in quarters[:-1] if by_quarter[q] is None and q in rejudged.quarters(framework))
    items = []
    for entry in _entries(now):
        heading = entry.get("basis") == HEADING_BASIS
        key = (framework, entry["item"])
        points = []
        for q in quarters:
            entries = by_quarter[q]
            band = rejudged.band(q, key) if q in again and not heading else None  # a heading: never on its own
            if entries is None and band is not None:
                points.append(TrendPoint(q, REJUDGED, band, None, "not recorded"))
            elif entries is None:
                points.append(TrendPoint(q, "no run", None, None, "not recorded"))
            elif entry["item"] not in entries or _band(entries[entry["item"]]) is None:
                points.append(TrendPoint(q, "not recorded", None, None, "not recorded"))
            else:
                level, state = item_levels(entries[entry["item"]], policy)
                points.append(TrendPoint(q, REPORTED, _band(entries[entry["item"]]), level, state))
        items.append(ItemSeries(framework, entry["item"], tuple(points), heading))
    runs = tuple(q for q in reversed(quarters[:-1]) if by_quarter[q] is not None)
    return Trend(framework, cycle, policy.audience, quarters, runs, tuple(items), tuple(reversed(again)))


def rejudge(ctx: Any, frameworks: Sequence[str], quarters: Sequence[str]) -> Rejudged:
    """The evidence of ``quarters`` judged again, as the reports judge it: rule 2 of the module docstring.

    Each framework is judged with its report's thresholds: the notebook's own ``rag_green`` and
    ``rag_red`` for its own framework, else the cycle's params file's (or the defaults), and the items'
    own lines of the run's ``thresholds_file``, with the run's confidence level and policy
    (:func:`review.analyses.red_items.judged_items`).

    Parameters
    ----------
    ctx : review.analyses.context.Context
        The notebook's context (its evidence, params and policy).
    frameworks : sequence of str
        The frameworks to judge.
    quarters : sequence of str
        Quarters of the evidence; one the evidence does not hold is left out.

    Returns
    -------
    Rejudged
    """
    p = ctx.params
    held = [q for q in quarters if q in ctx.evidence.cycles]
    if not held or not frameworks:
        return NONE_REJUDGED
    thresholds = thresholds_for(ctx.cycle, frameworks)
    if p.framework in thresholds and "rag_green" in p.values:
        thresholds[p.framework] = (p.rag_green, p.rag_red)
    red, withheld = judged_items(ctx.evidence, held, thresholds=thresholds, confidence_level=p.confidence_level,
                                 declared=p.thresholds)
    return Rejudged({f: frozenset(held) for f in thresholds}, red, withheld)


def recorded_rejudged(results: Mapping[str, Mapping[str, Any]]) -> Rejudged:
    """The re-judged quarters the reports of this run recorded (their ``red_history``, kept in the run's
    staging folder until it ends: :data:`review.results.figures.RUN_ONLY`), as :func:`rejudge` gives them.

    Parameters
    ----------
    results : mapping
        Framework -> this quarter's payload.

    Returns
    -------
    Rejudged
        Only the frameworks that recorded one are judged; empty when none was recorded.

    Examples
    --------
    >>> r = recorded_rejudged({"jar_haringey": {"figures": {"red_history": {
    ...     "red": {"2009-Q1": ["J02"], "2009-Q2": []}, "withheld": {"2009-Q1": [], "2009-Q2": ["J03"]}}}},
    ...     "gose_performance": {"figures": {}}})
    >>> r.band("2009-Q1", ("jar_haringey", "J02")), r.band("2009-Q2", ("jar_haringey", "J03"))
    ('red', 'withheld')
    >>> r.band("2009-Q2", ("jar_haringey", "J02")), r.band("2009-Q1", ("gose_performance", "G03"))
    ('not red', None)
    """
    red: dict[str, set[tuple[str, str]]] = {}
    withheld: dict[str, set[tuple[str, str]]] = {}
    judged: dict[str, frozenset[str]] = {}
    for framework, payload in results.items():
        figures = payload.get("figures") if isinstance(payload, Mapping) else None
        history = figures.get("red_history") if isinstance(figures, Mapping) else None
        if not isinstance(history, Mapping):
            continue
        for name, out in (("red", red), ("withheld", withheld)):
            quarters = history.get(name)
            for q, ids in (quarters.items() if isinstance(quarters, Mapping) else ()):
                out.setdefault(q, set()).update((framework, i) for i in ids if isinstance(i, str))
        recorded = history.get("red")
        judged[framework] = frozenset(recorded) if isinstance(recorded, Mapping) else frozenset()
    return Rejudged(judged, {q: frozenset(v) for q, v in red.items()}, {q: frozenset(v) for q, v in withheld.items()})


def _union(a: RedItems, b: RedItems) -> dict[str, frozenset[tuple[str, str]]]:
    return {q: a.get(q, frozenset()) | b.get(q, frozenset()) for q in {*a, *b}}


def red_maps(trends: Sequence[Trend]) -> tuple[dict[str, frozenset[tuple[str, str]]],
                                                dict[str, frozenset[tuple[str, str]]]]:
    """The trends' bands as the action plan reads them: quarter -> the items red, and withheld.

    Headings are left out (not items to act on); a quarter that is a gap for an item holds it in
    neither, so the plan's red run stops there as the trend's does.

    Parameters
    ----------
    trends : sequence of Trend

    Returns
    -------
    tuple of dict
        ``(red, withheld)``, for every quarter of the window.

    Examples
    --------
    >>> pts = (TrendPoint("2009-Q3", "re-judged", "red", None, "not recorded"),
    ...        TrendPoint("2009-Q4", "reported", "red", 0.5, "shown"))
    >>> t = Trend("f", "2009-Q4", "published", ("2009-Q3", "2009-Q4"), (), (ItemSeries("f", "A", pts),
    ...           ItemSeries("f", "H", pts, heading=True)))
    >>> red, withheld = red_maps([t])
    >>> sorted(red["2009-Q3"]), red["2009-Q4"] == red["2009-Q3"], withheld["2009-Q4"]
    ([('f', 'A')], True, frozenset())
    """
    red: dict[str, set[tuple[str, str]]] = {}
    withheld: dict[str, set[tuple[str, str]]] = {}
    for t in trends:
        for q in t.window:
            red.setdefault(q, set())
            withheld.setdefault(q, set())
        for s in t.items:
            if s.heading:
                continue
            for p in s.points:
                if not p.gap and p.band == "red":
                    red[p.cycle].add((s.framework, s.item))
                elif not p.gap and p.band == "withheld":
                    withheld[p.cycle].add((s.framework, s.item))
    return ({q: frozenset(v) for q, v in red.items()}, {q: frozenset(v) for q, v in withheld.items()})


def on_history(plan: Any, trends: Sequence[Trend], ctx: Any) -> Any:
    """The action plan with its red items' runs taken from the trends: one count of "red for N quarters".

    The plan's red items are those it found red this quarter; each one's red run (and whether it is
    flagged: red two quarters or more with no open action) is counted on the trends' quarters
    (:func:`red_maps`), so the action plan, the key messages and the drafted actions say what the trends
    say. An item red now whose report recorded no results this quarter has no trend: red this quarter.

    Parameters
    ----------
    plan : review.analyses.actions.ActionsResult
        :func:`review.analyses.actions.analyse_context`.
    trends : sequence of Trend
        The trends of the frameworks the plan judged (:func:`summary_trends`, :func:`trend_for`).
    ctx : review.analyses.context.Context
        The notebook's context (its evidence and confidence level).

    Returns
    -------
    review.analyses.actions.ActionsResult
        The same plan, its red items' runs counted on the trends.
    """
    red, withheld = red_maps(trends)
    red[plan.cycle] = frozenset((r.framework, r.item_id) for r in plan.red_items)
    again = analyse(ctx.evidence, cycle=plan.cycle, red=red, withheld=withheld,
                    confidence_level=ctx.params.confidence_level)
    return dataclasses.replace(again, red_history=plan.red_history, learning=plan.learning)


def trend_for(ctx: Any, framework: str, recorded: Any, *, root: Path | None = None) -> Trend:
    """:func:`trend` in a framework's notebook: this quarter's record, the earlier runs of its audience
    and, for an earlier quarter no run recorded, the evidence judged again (:func:`rejudge`).

    Parameters
    ----------
    ctx : review.analyses.context.Context
        The notebook's context (its cycle, policy and authority: only runs of the same authority
        and audience are read; its evidence, for the quarters without one).
    framework : str
        The framework's name.
    recorded : object
        What the notebook's ``record`` returns (its ``payload`` is this quarter's record), or the payload.
    root : pathlib.Path, optional
        The output root; default :func:`output_root`.

    Returns
    -------
    Trend
    """
    earlier = earlier_results(root or output_root(), ctx.cycle, ctx.policy.audience, authority=ctx.params.authority)
    missing = [q for q in _window(ctx.cycle, WINDOW)[:-1] if framework not in earlier.get(q, {})]
    judged = (framework,) if framework in JUDGED_FRAMEWORKS else ()
    return trend(framework, ctx.cycle, recorded, earlier, ctx.policy, rejudged=rejudge(ctx, judged, missing))


def trends_of(cycle: str, now: Mapping[str, Mapping[str, Any]], earlier: Mapping[str, Mapping[str, Any]],
              policy: DisclosurePolicy, frameworks: Sequence[str], *, window: int = WINDOW,
              rejudged: Rejudged | None = None) -> tuple[Trend, ...]:
    """:func:`trend` of several frameworks, those with results this quarter, in the given order.

    Parameters
    ----------
    cycle : str
        This quarter.
    now : mapping
        Framework -> this quarter's payload (:func:`review.results.figures.load_cycle_results`).
    earlier : mapping
        :func:`earlier_results`.
    policy : DisclosurePolicy
        The summary's policy.
    frameworks : sequence of str
        The frameworks, in the order shown.
    window : int, default: :data:`WINDOW`
        Quarters shown, this one included.
    rejudged : Rejudged, optional
        As in :func:`trend`.

    Returns
    -------
    tuple of Trend

    Examples
    --------
    >>> now = {"governance": {"figures": {"items": [{"item": "G1", "band": "red"}]}}}
    >>> [t.framework for t in trends_of("2009-Q4", now, {}, DisclosurePolicy(), ["jar_haringey", "governance"])]
    ['governance']
    """
    return tuple(trend(f, cycle, now[f], earlier, policy, window=window, rejudged=rejudged)
                 for f in frameworks if f in now)


def summary_trends(cycle: str, results: Mapping[str, Mapping[str, Any]], policy: DisclosurePolicy, *,
                   authority: str | None = None, root: Path | None = None, rejudged: Rejudged | None = None,
                   ctx: Any = None) -> tuple[Trend, ...]:
    """Every judged framework's trend for the cycle summary: this quarter's results as the summary read
    them (from the run's staging folder, or the cycle folder), earlier quarters from earlier runs and,
    for a quarter without one, the evidence judged again.

    Parameters
    ----------
    cycle : str
        This quarter.
    results : mapping
        Framework -> this quarter's payload (:func:`review.results.figures.load_cycle_results`, read
        once by the summary).
    policy : DisclosurePolicy
        The summary's policy (its audience's runs are read).
    authority : str, optional
        Only earlier runs of this authority are read (:func:`earlier_results`).
    root : pathlib.Path, optional
        The output root; default :func:`output_root`.
    rejudged : Rejudged, optional
        The evidence judged again (:func:`rejudge`); default what this run's reports recorded of it
        in ``results`` (:func:`recorded_rejudged`: present while the run is under way).
    ctx : review.analyses.context.Context, optional
        For a judged report that recorded no red history (a notebook run on its own, or a report
        that keeps none), its quarters without a run are judged again from this context's evidence
        (:func:`rejudge`).

    Returns
    -------
    tuple of Trend
        In the registry's order.
    """
    names = [n for n, fw in FRAMEWORKS.items() if not fw.after_others]
    earlier = earlier_results(root or output_root(), cycle, policy.audience, authority=authority)
    if rejudged is None:
        rejudged = recorded_rejudged(results)
        if ctx is not None:  # the judged reports that recorded no red history: judged again here
            unrecorded = [f for f in JUDGED_FRAMEWORKS if f in results and f not in rejudged.judged]
            quarters = [q for q in _window(cycle, WINDOW)[:-1] if any(f not in earlier.get(q, {}) for f in unrecorded)]
            rejudged = rejudged | rejudge(ctx, unrecorded, quarters)
    return trends_of(cycle, results, earlier, policy, names, rejudged=rejudged)
