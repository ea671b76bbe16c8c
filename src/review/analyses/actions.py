"""The action plan carried from cycle to cycle: one frozen result per cycle.

Read from the ``actions`` register (one register across cycles, see ``docs/data.md``) as it
stood at the end of the cycle reported:

- an action raised after the cycle is left out;
- an action closed (done or dropped) after the cycle's last day was still open then;
- an action is **open** when its status is ``open`` or ``in progress``; **overdue** when open and
  its due date is before the cycle's last day; **completed this cycle** when done with a closing
  date inside the cycle;
- **ageing** of an open action: whole cycles since the cycle it was raised in (0: raised this
  cycle);
- a red item is **flagged** when it has been red for two or more consecutive cycles up to this
  one and has no open action;
- **remedial action on Inadequate files**: every first case-file audit of the cycle that graded
  the file at the worst rated label of its scale (Inadequate on the Ofsted scales) and whose
  remedial action was due by the cycle's end, or that has none; completed **on time** when a
  remedial action (source ``audit``) for that audit is done no later than its due date. Files
  whose remedial action is not yet due are counted apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from review.analyses.audit_learning import LearningSection, section_context
from review.analyses.context import Context
from review.analyses.red_items import (
    JUDGED_FRAMEWORKS,
    history_basis,
    history_record,
    judged_items,
    recorded_history,
    recorded_thresholds,
    thresholds_for,
)
from review.config.cycles import cycle_bounds, cycle_range, previous_cycle
from review.config.framework_items import FRAMEWORK_ITEMS, GOSE_PMF
from review.data import Evidence
from review.stats.sampling import ProportionResult, proportion_ci

__all__ = ["AGE_BANDS", "OPEN", "Action", "ActionsResult", "FrameworkActions", "RedItemActions", "Remedial",
           "age_band", "analyse", "analyse_context", "red_streak", "status_at"]

OPEN = ("open", "in progress")
"""Statuses of an action still to be done."""

AGE_BANDS = ("raised this cycle", "1 cycle", "2 cycles", "3 or more cycles")
"""How long an open action has been open, in whole cycles since the cycle it was raised in."""


@dataclass(frozen=True)
class Action:
    """One action as it stood at the end of the cycle.

    Attributes
    ----------
    action_id, source, item, action, owner_role, cycle_raised : str
        As in the register (``item`` is empty for a remedial action on a file).
    due_date : datetime.date
    status : str
        At the cycle's end (an action closed later was still ``open``).
    closed_date : datetime.date or None
        When closed by the cycle's end.
    evidence : str
        Evidence of completion, when closed by the cycle's end.
    age_cycles : int
        Whole cycles since it was raised.
    overdue : bool
        Open and due before the cycle's last day.
    """

    action_id: str
    source: str
    item: str
    action: str
    owner_role: str
    cycle_raised: str
    due_date: dt.date
    status: str
    closed_date: dt.date | None
    evidence: str
    age_cycles: int
    overdue: bool

    @property
    def is_open(self) -> bool:
        """Still to be done at the cycle's end."""
        return self.status in OPEN


@dataclass(frozen=True)
class FrameworkActions:
    """Counts of one source's actions at the cycle's end.

    Attributes
    ----------
    source : str
        A framework, ``scr`` or ``audit``.
    open, overdue, completed : int
        Open; open and past their due date; done inside the cycle.
    ageing : dict of str to int
        Open actions per band of :data:`AGE_BANDS`.
    """

    source: str
    open: int
    overdue: int
    completed: int
    ageing: dict[str, int]


@dataclass(frozen=True)
class RedItemActions:
    """A red item with what is being done about it.

    Attributes
    ----------
    framework, item_id, text : str
        The item, in the source's words.
    red_cycles : int
        Consecutive cycles it has been red, up to and including this one.
    actions : tuple of Action
        Its open actions; when none is open, its latest closed action (if any).
    flagged : bool
        Red for two or more consecutive cycles without an open action.
    earlier_withheld : bool
        The band of the cycle before its red run is withheld on this page (a published report
        withheld it), so it may have been red longer than ``red_cycles``.
    """

    framework: str
    item_id: str
    text: str
    red_cycles: int
    actions: tuple[Action, ...]
    flagged: bool
    earlier_withheld: bool = False


@dataclass(frozen=True)
class Remedial:
    """Remedial action on files audits graded Inadequate this cycle.

    Attributes
    ----------
    inadequate : int
        First case-file audits of the cycle grading the file at the worst rated label.
    due : int
        Of those, files whose remedial action was due by the cycle's end, or that have none.
    on_time : int
        Of ``due``, files whose remedial action was done no later than its due date.
    late : int
        Of ``due``, done after the due date.
    not_done : int
        Of ``due``, not done (open, dropped, or no remedial action recorded).
    no_action : int
        Of ``due``, files with no remedial action in the register.
    not_yet_due : int
        Files whose remedial action is due after the cycle's end.
    proportion : ProportionResult or None
        ``on_time / due`` with its Wilson interval; None when nothing was due.
    """

    inadequate: int
    due: int
    on_time: int
    late: int
    not_done: int
    no_action: int
    not_yet_due: int
    proportion: ProportionResult | None


@dataclass(frozen=True)
class ActionsResult:
    """Everything the action-plan sections show.

    Attributes
    ----------
    cycle : str
    as_of : datetime.date
        The cycle's last day.
    register : bool
        Whether the evidence holds an action register at all.
    by_source : tuple of FrameworkActions
        One per source with any action raised by the cycle's end, frameworks first.
    red_items : tuple of RedItemActions
        Every item red this cycle, in the frameworks' and the source's order.
    flagged : tuple of RedItemActions
        The red items flagged.
    scr : tuple of Action
        Serious case review actions raised by the cycle's end.
    remedial : Remedial
    red_history : dict
        Framework -> its red and withheld items cycle by cycle, with what they were judged on
        (:func:`review.analyses.red_items.history_record`), for the frameworks judged here; its
        report records it (``red_history``) so that the run's cycle summary need not judge them
        again. Empty when the evidence was read from its folder, not from a run's snapshot.
    learning : LearningSection or None
        What the audits tell us this quarter (:func:`review.analyses.audit_learning.section`): set for
        the cycle summary's plan (every framework's), None otherwise.
    """

    cycle: str
    as_of: dt.date
    register: bool
    by_source: tuple[FrameworkActions, ...]
    red_items: tuple[RedItemActions, ...]
    flagged: tuple[RedItemActions, ...]
    scr: tuple[Action, ...]
    remedial: Remedial
    red_history: Mapping[str, Any] = field(default_factory=dict)
    learning: LearningSection | None = None

    def for_item(self, framework: str, item_id: str) -> RedItemActions | None:
        """The red item's actions, or None when the item is not red this cycle."""
        return next((r for r in self.red_items if (r.framework, r.item_id) == (framework, item_id)), None)


def _cycles_between(first: str, last: str) -> int:
    return len(cycle_range(first, last)) - 1 if first <= last else 0


def age_band(age_cycles: int) -> str:
    """The ageing band of an action open for ``age_cycles`` whole cycles.

    >>> [age_band(a) for a in (0, 1, 2, 3, 7)]
    ['raised this cycle', '1 cycle', '2 cycles', '3 or more cycles', '3 or more cycles']
    """
    return AGE_BANDS[min(age_cycles, len(AGE_BANDS) - 1)]


def status_at(status: str, closed: dt.date | None, as_of: dt.date) -> str:
    """An action's status on ``as_of``: one closed after that day was still open then.

    >>> d = dt.date(2009, 6, 30)
    >>> status_at("done", dt.date(2009, 7, 2), d), status_at("done", dt.date(2009, 6, 1), d), status_at("dropped", None, d)
    ('open', 'done', 'dropped')
    """
    if status not in OPEN and closed is not None and closed > as_of:
        return "open"
    return status


def red_streak(red: Mapping[str, frozenset[tuple[str, str]]], key: tuple[str, str], cycle: str) -> int:
    """Consecutive cycles up to ``cycle`` in which ``key`` was red (0 if not red in ``cycle``).

    ``red`` is the plan's input: the evidence re-judged cycle by cycle, or, for a page that shows how
    long an item has been red, the trends' quarters (:func:`review.results.history.red_maps`: an
    earlier run's band wins, else the evidence re-judged, else a gap), so that every page counts the
    same run. A cycle missing from ``red`` ends the run.

    >>> red = {"2009-Q1": frozenset({("f", "A")}), "2009-Q2": frozenset(), "2009-Q3": frozenset({("f", "A")}),
    ...        "2009-Q4": frozenset({("f", "A")})}
    >>> red_streak(red, ("f", "A"), "2009-Q4"), red_streak(red, ("f", "A"), "2009-Q2")
    (2, 0)
    """
    n, c = 0, cycle
    while key in red.get(c, frozenset()):
        n += 1
        c = previous_cycle(c)
    return n


def _actions_at(table: pd.DataFrame, cycle: str, as_of: dt.date) -> list[Action]:
    out = []
    for row in table.itertuples(index=False):
        if row.cycle_raised is None or row.cycle_raised > cycle:
            continue
        status = status_at(row.status, row.closed_date, as_of)
        closed = row.closed_date if status not in OPEN else None
        out.append(Action(str(row.action_id), row.source, row.item or "", row.action, row.owner_role,
                          row.cycle_raised, row.due_date, status, closed,
                          (row.evidence or "") if closed else "", _cycles_between(row.cycle_raised, cycle),
                          status in OPEN and row.due_date < as_of))
    return out


def _by_source(actions: list[Action], cycle: str) -> tuple[FrameworkActions, ...]:
    start, end = cycle_bounds(cycle)
    order = [*FRAMEWORK_ITEMS, "gose_performance", "scr", "audit"]
    sources = sorted({a.source for a in actions}, key=lambda s: order.index(s) if s in order else len(order))
    out = []
    for source in sources:
        mine = [a for a in actions if a.source == source]
        opened = [a for a in mine if a.is_open]
        ageing = {band: sum(age_band(a.age_cycles) == band for a in opened) for band in AGE_BANDS}
        done = sum(a.status == "done" and a.closed_date is not None and start <= a.closed_date <= end for a in mine)
        out.append(FrameworkActions(source, len(opened), sum(a.overdue for a in opened), done, ageing))
    return tuple(out)


def _item_text(framework: str, item_id: str) -> str:
    items = {i.item_id: i.text for i in FRAMEWORK_ITEMS.get(framework, ())}
    items |= {i: text for i, text, _ in GOSE_PMF} if framework == "gose_performance" else {}
    return items.get(item_id, "")


def _red_items(actions: list[Action], red: Mapping[str, frozenset[tuple[str, str]]], cycle: str,
               withheld: Mapping[str, frozenset[tuple[str, str]]]) -> tuple[RedItemActions, ...]:
    order = list(FRAMEWORK_ITEMS)
    position = {(f, i.item_id): k for f, items in FRAMEWORK_ITEMS.items() for k, i in enumerate(items)}
    keys = sorted(red.get(cycle, frozenset()),
                  key=lambda k: (order.index(k[0]) if k[0] in order else len(order), position.get(k, 999), k[1]))
    out = []
    for framework, item_id in keys:
        mine = [a for a in actions if (a.source, a.item) == (framework, item_id)]
        opened = tuple(a for a in mine if a.is_open)
        closed = sorted((a for a in mine if not a.is_open), key=lambda a: (a.closed_date or a.due_date, a.action_id))
        shown = opened or tuple(closed[-1:])
        streak = red_streak(red, (framework, item_id), cycle)
        before = previous_cycle(cycle, streak)  # the cycle before the red run
        out.append(RedItemActions(framework, item_id, _item_text(framework, item_id), streak, shown,
                                  streak >= 2 and not opened, (framework, item_id) in withheld.get(before, ())))
    return tuple(out)


def _remedial(evidence: Evidence, register: pd.DataFrame, cycle: str, as_of: dt.date,
              confidence_level: float) -> Remedial:
    audits = evidence.table("audits")
    audits = audits[(audits["cycle"] == cycle) & (audits["audit_type"] == "case file") & audits["moderation_of"].isna()]
    worst = {sid: s.rated[-1] for sid, s in evidence.scales.items() if s.rated}
    worst_grade = pd.Series([worst.get(s) == g for s, g in zip(audits["grade_scale"], audits["overall_grade"],
                                                                 strict=True)], index=audits.index, dtype=bool)
    bad = audits.loc[worst_grade]
    remedial = register[register["source"] == "audit"]
    due = on_time = late = no_action = not_yet = 0
    for audit_id in bad["audit_id"]:
        rows = remedial[remedial["audit_id"] == audit_id]
        if rows.empty:
            due += 1
            no_action += 1
            continue
        if min(rows["due_date"]) > as_of:
            not_yet += 1
            continue
        due += 1
        done = [(r.closed_date, r.due_date) for r in rows.itertuples()
                if r.status == "done" and r.closed_date is not None and r.closed_date <= as_of]
        if any(closed <= due_date for closed, due_date in done):
            on_time += 1
        elif done:
            late += 1
    proportion = proportion_ci(on_time, due, method="wilson", confidence_level=confidence_level) if due else None
    return Remedial(len(bad), due, on_time, late, due - on_time - late, no_action, not_yet, proportion)


def analyse(evidence: Evidence, *, cycle: str, red: Mapping[str, frozenset[tuple[str, str]]],
            confidence_level: float, withheld: Mapping[str, frozenset[tuple[str, str]]] | None = None
            ) -> ActionsResult:
    """The action plan at the end of ``cycle``.

    Parameters
    ----------
    evidence : Evidence
        With the ``actions`` register when the council keeps one (without it every count is 0
        and every red item has no action).
    cycle : str
    red : mapping
        Cycle -> the (framework, item id) pairs red that cycle
        (:func:`review.analyses.red_items.red_items_up_to`).
    confidence_level : float
        Of the interval on remedial action completed on time.
    withheld : mapping, optional
        Cycle -> the items whose band the page's reports withhold
        (:func:`review.analyses.red_items.judged_items`).

    Returns
    -------
    ActionsResult
    """
    as_of = cycle_bounds(cycle)[1]
    register = evidence.table("actions")
    actions = _actions_at(register, cycle, as_of)
    red_actions = _red_items(actions, red, cycle, withheld or {})
    return ActionsResult(
        cycle=cycle, as_of=as_of, register="actions" in evidence.tables, by_source=_by_source(actions, cycle),
        red_items=red_actions, flagged=tuple(r for r in red_actions if r.flagged),
        scr=tuple(a for a in actions if a.source == "scr"),
        remedial=_remedial(evidence, register, cycle, as_of, confidence_level),
    )


def analyse_context(ctx: Context, frameworks: tuple[str, ...] | None = None,
                    results: Mapping[str, Mapping[str, Any]] | None = None) -> ActionsResult:
    """:func:`analyse` for a notebook: red items over the evidence's cycles up to this one, as the
    reports of the notebook's audience show them (a band a published report withholds is not red here).

    ``frameworks`` limits the red items judged: a framework's own report passes its own name and
    its thresholds are the notebook's (``rag_green``, ``rag_red``); otherwise every judged
    framework is read with the thresholds its report recorded in ``results`` (the cycle
    summary's, :func:`review.results.figures.load_cycle_results`: the thresholds of the run's own
    params file), else those of ``params/<cycle>.yaml`` (or the defaults); an item with lines of
    its own in the run's ``thresholds_file`` is judged against them, as its page judges it. A report in
    ``results`` that recorded its red history on the same
    basis (the same run's evidence snapshot, cycles, thresholds, confidence level and policy) is
    not judged again: its history is read (:func:`review.analyses.red_items.recorded_history`).
    """

    p = ctx.params
    names = frameworks or JUDGED_FRAMEWORKS
    thresholds = thresholds_for(ctx.cycle, names)
    recorded: dict[str, Any] = {}
    if results:
        found = recorded_thresholds(results)
        if found:  # the reports there: only they have red items to act on, with their thresholds
            thresholds = {f: found[f] for f in names if f in found}
        recorded = {f: (payload.get("figures") or {}).get("red_history") for f, payload in results.items()}
    if p.framework in names and "rag_green" in p.values:
        thresholds[p.framework] = (p.rag_green, p.rag_red)
    cycles = [c for c in ctx.evidence.cycles if c <= ctx.cycle]
    declared = p.thresholds  # the run's items' own lines: one thresholds_file for every page and this plan
    bases = {f: history_basis(ctx.evidence, cycles, green=green, red=r, confidence_level=p.confidence_level,
                              policy=ctx.policy, declared=declared, framework=f) for f, (green, r) in thresholds.items()}
    known = {f: h for f, basis in bases.items() if (h := recorded_history(recorded.get(f), basis)) is not None}
    red, withheld = judged_items(ctx.evidence, cycles, thresholds=thresholds, confidence_level=p.confidence_level,
                                 known=known, declared=declared)  # as the reports show them
    return replace(analyse(ctx.evidence, cycle=ctx.cycle, red=red, confidence_level=p.confidence_level,
                           withheld=withheld),
                   red_history={f: history_record(red, withheld, f, basis) for f, basis in bases.items()
                                if basis is not None},
                   learning=None if frameworks else section_context(ctx))  # the summary's "what the audits tell us"
