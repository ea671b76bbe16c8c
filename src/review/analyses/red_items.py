"""Which source items each framework judged red, cycle by cycle: the input of the action plan.

The frameworks' frozen results are computed for every cycle of the evidence up to the one
reported, with this cycle's thresholds (so a change of threshold does not look like a change of
practice), and their red items collected as ``{cycle: {(framework, item_id), ...}}``. The
thresholds are the reports' own: each framework's ``rag_green``/``rag_red`` and, item by item,
the lines the run's ``thresholds_file`` declares (:func:`review.config.thresholds.declared_thresholds`),
so an item re-judged here takes the band its page gave it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from review.analyses import governance, healthcare_commission, jar, lscb_checklist
from review.analyses._evidence import kept_for
from review.analyses.context import Context
from review.analyses.gose import gose_result
from review.analyses.shown_bands import WITHHELD
from review.config.cycles import previous_cycle
from review.config.frameworks import FRAMEWORKS
from review.config.params import RunParameters, default_params_path, load_cycle_params
from review.config.thresholds import Threshold, declared_thresholds
from review.data import Evidence
from review.protection.disclosure import DisclosurePolicy

__all__ = ["JUDGED_FRAMEWORKS", "WITHHELD", "History", "RedItems", "history_basis", "history_record", "judged_items",
           "declared_for", "recorded_history", "recorded_thresholds", "red_in", "red_items", "red_items_up_to",
           "thresholds_for"]

RedItems = dict[str, frozenset[tuple[str, str]]]
"""Cycle -> the (framework, item id) pairs judged red that cycle."""

History = tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]
"""One framework's ``(red, withheld)``: cycle -> its item ids."""

JUDGED_FRAMEWORKS = ("gose_performance", "jar_haringey", "healthcare_commission", "lscb_checklist", "governance")
"""Frameworks whose results judge source items red, amber or green on this branch."""


def red_in(result: object) -> tuple[str, ...]:
    """The item ids a framework's frozen result judged red, in the source's order.

    Reads a ``JarResult`` (``findings``), a ``SelfAssessmentResult`` (``items``) or a
    ``GovernanceResult`` (``base.items``); items without a judgement are never red.

    Parameters
    ----------
    result : object
        A framework's result. Every report shows every judgement, to either audience (one resting
        on a small group is marked so), so no disclosure policy is needed to say which are red.

    >>> from types import SimpleNamespace as NS
    >>> item = lambda i, band: NS(item=NS(item_id=i), judgement=NS(band=band, basis="its evidence"))
    >>> red_in(NS(items=(item("L1", "red"), item("L2", "green"), NS(item=NS(item_id="L4"), judgement=None))))
    ('L1',)
    >>> heading = NS(item=NS(item_id="L4"), judgement=NS(band="red", basis="its sub-items"))
    >>> red_in(NS(items=(heading, item("L4.1", "red"))))  # a heading summarised from its sub-items: not counted
    ('L4.1',)
    """
    base: Any = getattr(result, "base", result)
    entries: Any = getattr(base, "findings", None) or getattr(base, "items", ())
    # a heading summarised from its sub-items is not itself an item to act on (its reports do not count it);
    # an entry's item is a source item, or (GOSE) the item's id itself
    return tuple(e.item if isinstance(e.item, str) else e.item.item_id for e in entries
                 if e.judgement is not None and e.judgement.band == "red"
                 and getattr(e.judgement, "basis", None) != "its sub-items")


def _analysers() -> dict[str, Callable[..., object]]:
    return {"jar_haringey": jar.analyse, "healthcare_commission": healthcare_commission.analyse,
            "lscb_checklist": lscb_checklist.analyse, "governance": governance.analyse,
            "gose_performance": _gose}


def _gose(evidence: Evidence, *, cycle: str, previous: str, confidence_level: float, green: float,
          red: float, thresholds: Mapping[tuple[str, str], Threshold]) -> object:
    """The GOSE result of a cycle, judged as its report judges it (its context: the cycle, the
    thresholds and the confidence level; no disclosure policy is read, since no judgement is withheld)."""

    params = RunParameters("gose_performance", {"cycle": cycle, "confidence_level": confidence_level,
                                                "rag_green": green, "rag_red": red}, declared=thresholds)
    # only the bands are read: what the audits tell us (the report's section) is left out
    return gose_result(Context(params, evidence, DisclosurePolicy(audience="internal"), cycle, previous),
                       learning=False)


Declared = Mapping[tuple[str, str], Threshold]
"""(framework, item) -> the item's own declared lines (:func:`review.config.thresholds.load_thresholds`)."""

_JUDGED: dict[tuple[Any, ...], tuple[Evidence, tuple[str, ...]]] = {}
_JUDGED_KEPT = 64


def _judged_red(analyser: Callable[..., object], framework: str, evidence: Evidence, cycle: str,
                confidence_level: float, green: float, red: float, declared: Declared) -> tuple[str, ...]:
    """The items ``framework`` judges red in ``cycle``, each judgement made once per evidence object.

    A framework's notebook asks twice for the same earlier quarters (its trend, then its action
    plan), and the cycle summary once more for every framework: the answer depends only on the
    arguments, so it is kept, keyed on the evidence object's identity (the entry holds the object, so
    the identity cannot be reused while the entry lives) and the judgement's inputs. Evidence read
    again from its folder is another object, judged afresh. The last :data:`_JUDGED_KEPT` are kept.
    """
    def judge() -> tuple[str, ...]:
        return red_in(analyser(evidence, cycle=cycle, previous=previous_cycle(cycle),
                               confidence_level=confidence_level, green=green, red=red, thresholds=declared))

    key = (framework, id(evidence), cycle, confidence_level, green, red, tuple(declared.items()))
    return kept_for(_JUDGED, _JUDGED_KEPT, key, evidence, judge)


def red_items(evidence: Evidence, cycles: Iterable[str], *, thresholds: Mapping[str, tuple[float, float]],
              confidence_level: float, declared: Declared | None = None) -> RedItems:
    """Every framework's red items in each cycle.

    Parameters
    ----------
    evidence : Evidence
    cycles : iterable of str
        The cycles to judge (each is compared with the cycle before it, as in its report).
    thresholds : mapping of str to (float, float)
        Framework -> ``(rag_green, rag_red)``; only these frameworks are judged.
    confidence_level : float
    declared : mapping, optional
        The items' own lines (the run's ``thresholds_file``); every other item is judged against
        its framework's pair.

    Returns
    -------
    dict
        Cycle -> frozenset of ``(framework, item_id)``: every red judgement, withheld or not (the
        reports' own view under a policy: :func:`judged_items`).
    """
    return judged_items(evidence, cycles, thresholds=thresholds, confidence_level=confidence_level,
                        declared=declared)[0]


def judged_items(evidence: Evidence, cycles: Iterable[str], *, thresholds: Mapping[str, tuple[float, float]],
                 confidence_level: float, known: Mapping[str, History] | None = None,
                 declared: Declared | None = None) -> tuple[RedItems, RedItems]:
    """:func:`red_items`, and in the same pass the items whose band each cycle's report withheld:
    where an item's red run meets a withheld band, a published page cannot say how long it has
    been red. A judgement is never withheld now (one resting on a small group is shown, marked so),
    so only a report's record (``known``) can name any.

    Parameters
    ----------
    known : mapping, optional
        Framework -> its ``(red, withheld)`` item ids per cycle, judged already on these very
        inputs (a report's record, :func:`recorded_history`): that framework is not judged again.
    declared : mapping, optional
        The items' own lines, as in :func:`red_items`.

    Returns
    -------
    tuple of dict
        ``(red, withheld)``: each cycle -> frozenset of ``(framework, item_id)``.
    """
    cycles = list(cycles)
    found: dict[str, set[tuple[str, str]]] = {c: set() for c in cycles}
    hidden: dict[str, set[tuple[str, str]]] = {c: set() for c in cycles}
    analysers = _analysers()
    for framework, (green, red) in thresholds.items():
        history = (known or {}).get(framework)
        for cycle in cycles:
            if history is not None:
                red_ids, withheld_ids = history[0][cycle], history[1][cycle]
            else:
                # a judgement is never withheld (one resting on a small group is shown, marked so):
                # a published action plan lists every red item its report shows red
                red_ids, withheld_ids = _judged_red(analysers[framework], framework, evidence, cycle,
                                                    confidence_level, green, red, declared or {}), ()
            found[cycle] |= {(framework, item) for item in red_ids}
            hidden[cycle] |= {(framework, item) for item in withheld_ids}
    return ({c: frozenset(v) for c, v in found.items()}, {c: frozenset(v) for c, v in hidden.items()})


def history_basis(evidence: Evidence, cycles: Iterable[str], *, green: float, red: float, confidence_level: float,
                  policy: DisclosurePolicy | None, declared: Declared | None = None,
                  framework: str = "") -> dict[str, Any] | None:
    """What a framework's red history was judged on, as recorded beside it: the evidence snapshot's
    digest, the cycles, the thresholds (the framework's pair and any item's own lines), the
    confidence level and the disclosure policy. None for evidence read from its folder (no
    snapshot: nothing tells that two readings are the same).

    >>> from types import SimpleNamespace as NS
    >>> history_basis(NS(snapshot=None), ["2009-Q1"], green=0.8, red=0.65, confidence_level=0.95, policy=None)
    >>> history_basis(NS(snapshot="ab12"), ["2009-Q1"], green=0.8, red=0.65, confidence_level=0.95, policy=None)
    {'snapshot': 'ab12', 'cycles': ['2009-Q1'], 'green': 0.8, 'red': 0.65, 'confidence_level': 0.95, 'policy': None}
    >>> own = {("jar_haringey", "J11"): Threshold(0.9, 0.75, "local"), ("governance", "G1"): Threshold(0.7, 0.5, "x")}
    >>> history_basis(NS(snapshot="ab12"), [], green=0.8, red=0.65, confidence_level=0.95, policy=None,
    ...               declared=own, framework="jar_haringey")["items"]
    {'J11': [0.9, 0.75]}
    """
    if evidence.snapshot is None:
        return None
    basis = {"snapshot": evidence.snapshot, "cycles": list(cycles), "green": float(green), "red": float(red),
             "confidence_level": float(confidence_level),
             "policy": None if policy is None else dataclasses.asdict(policy)}
    own = {item: [t.green, t.red] for (f, item), t in sorted((declared or {}).items()) if f == framework}
    return basis | ({"items": own} if own else {})


def history_record(red: RedItems, withheld: RedItems, framework: str, basis: Mapping[str, Any]) -> dict[str, Any]:
    """One framework's red and withheld items, cycle by cycle, with their basis (:func:`history_basis`):
    the record its report keeps so that the run's cycle summary need not judge it again.

    >>> red = {"2009-Q1": frozenset({("jar_haringey", "J02"), ("governance", "G1")}), "2009-Q2": frozenset()}
    >>> history_record(red, {}, "jar_haringey", {"snapshot": "ab12"})
    {'basis': {'snapshot': 'ab12'}, 'red': {'2009-Q1': ['J02'], '2009-Q2': []}, 'withheld': {'2009-Q1': [], '2009-Q2': []}}
    """
    return {"basis": dict(basis),
            "red": {c: sorted(i for f, i in items if f == framework) for c, items in red.items()},
            "withheld": {c: sorted(i for f, i in withheld.get(c, ()) if f == framework) for c in red}}


def recorded_history(record: Mapping[str, Any] | None, basis: Mapping[str, Any] | None) -> History | None:
    """A recorded history's ``(red, withheld)`` item ids per cycle, when it was judged on exactly
    ``basis``; else None (judge again).

    >>> basis = {"snapshot": "ab12", "cycles": ["2009-Q1"]}
    >>> record = {"basis": basis, "red": {"2009-Q1": ["J02"]}, "withheld": {"2009-Q1": []}}
    >>> recorded_history(record, basis)
    ({'2009-Q1': ('J02',)}, {'2009-Q1': ()})
    >>> recorded_history(record, basis | {"snapshot": "cd34"}) is None
    True
    """
    if basis is None or not isinstance(record, Mapping) or record.get("basis") != basis:
        return None
    try:
        cycles = basis["cycles"]
        return ({c: tuple(record["red"][c]) for c in cycles}, {c: tuple(record["withheld"][c]) for c in cycles})
    except (KeyError, TypeError):
        return None


def thresholds_for(cycle: str, frameworks: Iterable[str] = JUDGED_FRAMEWORKS) -> dict[str, tuple[float, float]]:
    """Each framework's ``(rag_green, rag_red)``: from ``params/<cycle>.yaml`` when it exists, else the defaults.

    >>> thresholds_for("1999-Q1")["jar_haringey"]
    (0.8, 0.65)
    """

    path = default_params_path(cycle)
    if path.is_file():
        sections = load_cycle_params(path).sections
        return {f: (float(sections[f]["rag_green"]), float(sections[f]["rag_red"])) for f in frameworks}
    defaults = {f: {p.name: p.default for p in FRAMEWORKS[f].params} for f in frameworks}
    return {f: (float(d["rag_green"]), float(d["rag_red"])) for f, d in defaults.items()}


def declared_for(cycle: str) -> Declared:
    """The items' own lines the cycle's params file declares (its ``thresholds_file``): none without one.

    >>> dict(declared_for("1999-Q1"))
    {}
    """

    path = default_params_path(cycle)
    return declared_thresholds(load_cycle_params(path).common) if path.is_file() else {}


def recorded_thresholds(results: Mapping[str, Mapping[str, Any]]) -> dict[str, tuple[float, float]]:
    """Each framework's ``(rag_green, rag_red)`` as its report recorded them (its results'
    ``thresholds``): what the run used, whichever params file it read.

    >>> recorded_thresholds({"jar_haringey": {"figures": {"thresholds": {"green": 0.9, "red": 0.7}}},
    ...                      "cycle_summary": {"figures": {}}})
    {'jar_haringey': (0.9, 0.7)}
    """
    out = {}
    for framework, payload in results.items():
        recorded = (payload.get("figures") or {}).get("thresholds")
        if isinstance(recorded, Mapping) and "green" in recorded and "red" in recorded:
            out[framework] = (float(recorded["green"]), float(recorded["red"]))
    return out


def red_items_up_to(evidence: Evidence, cycle: str, *, confidence_level: float,
                    frameworks: Iterable[str] = JUDGED_FRAMEWORKS) -> RedItems:
    """:func:`red_items` for every cycle of the evidence up to ``cycle``, with that cycle's thresholds
    (each framework's pair and the items' own lines, from ``params/<cycle>.yaml``)."""
    return red_items(evidence, [c for c in evidence.cycles if c <= cycle],
                     thresholds=thresholds_for(cycle, frameworks), confidence_level=confidence_level,
                     declared=declared_for(cycle))
