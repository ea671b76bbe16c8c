"""Key messages: the position, strengths, priorities and escalations that open the summary and the index.

Every message is computed from the cycle's results (:mod:`review.results.summary`) and its action
plan (:mod:`review.analyses.actions`); :mod:`review.views.key_messages` only words them.

- **Position**: each framework's items by band and how many need action, under the one counting
  rule (:data:`review.results.judgements.NEEDS_ACTION_RULE`).
- **Strengths**: the items each report judges green, and the changes beyond chance that improved.
- **Priorities**: every item needing action, with the accountable role the action plan records for
  it (the owner of its open actions, else of its latest closed one); an item with no action has no
  accountable role, and says so: a role is never invented.
- **Escalations**:

  - an item red for :data:`~review.results.judgements.ESCALATE_AT` or more quarters running;
  - an action done while its item is still red ("action not yet effective");
  - a dropped action with no replacement (no open action on its item);
  - remedial actions on files graded Inadequate that are overdue (:attr:`Remedial.escalated`).

Counts are of items, quarters and actions (things); the count of overdue remedial actions (each is
one child's file) is kept only where the action plan's page prints it.

How long an item has been red is the action plan's red run, and the cycle summary puts its plan on
the trends' quarters first (:func:`review.results.history.on_history`): an earlier run's band wins,
else the evidence re-judged, else a gap (:mod:`review.results.history`), so the key messages, the
trends, the action plan and the drafted actions say the same number. The author, approver, date and
version come in as ``meta`` from the run's typed parameters (``ctx.params.report``): this module reads
no params file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from review.analyses import actions_figures as figures
from review.analyses.actions import ActionsResult, RedItemActions
from review.config.report_meta import ReportMeta
from review.protection.disclosure import DisclosurePolicy
from review.results.judgements import ESCALATE_AT, FrameworkJudgements, action_count
from review.results.summary import CycleSummaryResult

__all__ = ["Escalation", "KeyMessages", "Position", "Priority", "Remedial", "Strength", "from_record", "item_of",
           "key_messages"]

NO_ACTION, OPEN, OVERDUE, NOT_EFFECTIVE, DROPPED = "none", "open", "overdue", "not yet effective", "dropped"
"""What is being done about an item needing action, as :attr:`Priority.action` names it."""


@dataclass(frozen=True)
class Position:
    """One framework's position this cycle.

    Attributes
    ----------
    framework : str
        The framework's registered name.
    status : str
        ``reported``, ``failed``, ``not run``, ``not recorded`` (ran without its judgements) or
        ``not reconciled`` (its items needing action disagree with its counts).
    rag_counts : dict or None
        Items per band and state, as its report recorded them.
    needs_action : int or None
        Items needing action under the counting rule.
    """

    framework: str
    status: str
    rag_counts: dict[str, int] | None
    needs_action: int | None


@dataclass(frozen=True)
class Strength:
    """What one framework's report finds strong.

    Attributes
    ----------
    framework : str
    green : tuple of str
        The item ids it judges green, in its order.
    improved : tuple of str
        Its changes beyond chance that improved (``"J07 audit (plans): improved"``).
    """

    framework: str
    green: tuple[str, ...]
    improved: tuple[str, ...]


@dataclass(frozen=True)
class Priority:
    """An item needing action, with who is accountable and what is being done.

    Attributes
    ----------
    framework, item_id : str
    red_quarters : int
        Quarters running it has been red, this one included (0 when the action plan does not judge it).
    longer : bool
        The band before its red run is withheld on this page: it may have been red longer.
    roles : tuple of str
        The accountable roles the action plan records (empty: none recorded).
    action : str
        ``none``, ``open``, ``overdue``, ``not yet effective`` (its latest action is done and it is
        still red) or ``dropped`` (its latest action was dropped, none replaces it).
    action_text : str
        The action in the register's words ("" when none).
    closed : str
        When the latest action was closed (ISO date), for a done or dropped one.
    """

    framework: str
    item_id: str
    red_quarters: int
    longer: bool
    roles: tuple[str, ...]
    action: str
    action_text: str = ""
    closed: str = ""

    @property
    def escalated(self) -> bool:
        """Red for :data:`~review.results.judgements.ESCALATE_AT` or more quarters running."""
        return self.red_quarters >= ESCALATE_AT


@dataclass(frozen=True)
class Escalation:
    """One escalation: a kind and the priority it concerns.

    Attributes
    ----------
    kind : str
        ``long red``, ``not yet effective`` or ``dropped``.
    priority : Priority
    """

    kind: str
    priority: Priority


@dataclass(frozen=True)
class Remedial:
    """Remedial actions on files graded Inadequate at the cycle's end.

    Attributes
    ----------
    open : int or None
        Open remedial actions; None where the page withholds the count.
    overdue : int or None
        Of those, overdue; None where the page withholds the count (it is then shown as ``c``).
    """

    open: int | None
    overdue: int | None

    @property
    def escalated(self) -> bool:
        """Some open remedial action is overdue, or the page withholds how many (it may be).

        >>> Remedial(8, 0).escalated, Remedial(8, 3).escalated, Remedial(8, None).escalated
        (False, True, True)
        """
        return self.overdue is None or self.overdue > 0


@dataclass(frozen=True)
class KeyMessages:
    """Everything the key messages say.

    Attributes
    ----------
    cycle : str
    meta : ReportMeta
        Author, approver, date of report and version, from the params file.
    complete : bool
        Every framework reported its judgements, and they reconcile.
    gaps : tuple of str
        Why not, one sentence each.
    positions : tuple of Position
        In the registry's order.
    totals : dict
        Items per band and state over the reports that recorded them.
    needs_action : int
        Items needing action over those reports (the counting rule).
    strengths : tuple of Strength
        Frameworks with a green item or an improvement only.
    priorities : tuple of Priority
        Every item needing action: longest red first, then in the reports' order.
    escalations : tuple of Escalation
    remedial : Remedial or None
        None without an action register, or with no remedial action open.
    plan : bool
        Whether an action plan was read (without it no role or escalation is known).
    """

    cycle: str
    meta: ReportMeta
    complete: bool
    gaps: tuple[str, ...]
    positions: tuple[Position, ...]
    totals: dict[str, int]
    needs_action: int
    strengths: tuple[Strength, ...]
    priorities: tuple[Priority, ...]
    escalations: tuple[Escalation, ...]
    remedial: Remedial | None
    plan: bool


def item_of(sentence: str) -> str:
    """The item id that starts a ``needs_action`` sentence.

    >>> item_of("J02: red on independent evidence"), item_of("G01: red: User feedback")
    ('J02', 'G01')
    """
    return sentence.split(":", 1)[0].strip()


def _position(fw: FrameworkJudgements) -> Position:
    if fw.status != "reported":
        return Position(fw.framework, fw.status, None, None)
    if fw.rag_counts is None or fw.needs_action is None:
        return Position(fw.framework, "not recorded", fw.rag_counts, None)
    status = "reported" if fw.reconciles else "not reconciled"
    return Position(fw.framework, status, dict(fw.rag_counts), len(fw.needs_action))


def _strength(fw: FrameworkJudgements) -> Strength | None:
    green = tuple(i for i, band in (fw.bands or {}).items() if band == "green")
    improved = tuple(c for c in fw.changes if c.rstrip(". ").endswith("improved"))
    return Strength(fw.framework, green, improved) if green or improved else None


def _priority(framework: str, item_id: str, red: RedItemActions | None) -> Priority:
    if red is None:
        return Priority(framework, item_id, 0, False, (), NO_ACTION)
    opened = [a for a in red.actions if a.is_open]
    roles = tuple(dict.fromkeys(a.owner_role for a in red.actions if a.owner_role))
    if opened:
        late = [a for a in opened if a.overdue]
        first = (late or opened)[0]
        return Priority(framework, item_id, red.red_cycles, red.earlier_withheld, roles,
                        OVERDUE if late else OPEN, first.action)
    if not red.actions:
        return Priority(framework, item_id, red.red_cycles, red.earlier_withheld, (), NO_ACTION)
    last = red.actions[-1]  # the latest closed action (none is open)
    state = NOT_EFFECTIVE if last.status == "done" else DROPPED if last.status == "dropped" else NO_ACTION
    return Priority(framework, item_id, red.red_cycles, red.earlier_withheld, roles, state, last.action,
                    last.closed_date.isoformat() if last.closed_date else "")


def _remedial(plan: ActionsResult, policy: DisclosurePolicy) -> Remedial | None:
    source = next((s for s in plan.by_source if s.source == figures.CHILDREN_SOURCE), None)
    if source is None or not source.open:
        return None
    d = figures.decide(plan, policy)

    def shown(column: str, value: int) -> int | None:
        return None if d.text(figures.key(source.source, column), str(value)) == "c" else value

    return Remedial(shown("open", source.open), shown("overdue", source.overdue))


def key_messages(summary: CycleSummaryResult, plan: ActionsResult | None, meta: ReportMeta,
                 policy: DisclosurePolicy) -> KeyMessages:
    """The key messages of a cycle.

    Parameters
    ----------
    summary : CycleSummaryResult
        Every framework's judgements (:func:`review.results.summary.analyse`).
    plan : ActionsResult or None
        The action plan at the cycle's end (:func:`review.analyses.actions.analyse_context`), its red
        runs counted on the trends (:func:`review.results.history.on_history`); None when there is
        none (no role, streak or escalation is then known, and the messages say so).
    meta : ReportMeta
        The params file's ``report:`` section (``ctx.params.report``).
    policy : DisclosurePolicy
        The page's: what the action plan's page withholds is withheld here too.

    Returns
    -------
    KeyMessages

    Examples
    --------
    >>> from review.results.judgements import judgements
    >>> jar = judgements("jar_haringey", {"figures": {"rag_counts": {"red": 1, "amber": 0, "green": 1},
    ...     "needs_action": ["J02: red"], "bands": {"J01": "green", "J02": "red"}}})
    >>> from review.results.summary import summarise
    >>> km = key_messages(summarise("2009-Q4", (jar,), {}), None, ReportMeta(), DisclosurePolicy())
    >>> km.needs_action, [p.item_id for p in km.priorities], km.strengths[0].green
    (1, ['J02'], ('J01',))
    """
    positions = tuple(_position(fw) for fw in summary.frameworks)
    strengths = tuple(s for fw in summary.frameworks if fw.status == "reported" and (s := _strength(fw)))
    priorities = []
    for k, fw in enumerate(summary.frameworks):
        for n, sentence in enumerate(fw.needs_action or ()):
            item = item_of(sentence)
            red = plan.for_item(fw.framework, item) if plan is not None else None
            priorities.append(((k, n), _priority(fw.framework, item, red)))
    ordered = tuple(p for _, p in sorted(priorities, key=lambda kp: (-kp[1].red_quarters, kp[0])))
    escalations = tuple(Escalation("long red", p) for p in ordered if p.escalated)
    escalations += tuple(Escalation(p.action, p) for p in ordered if p.action in (NOT_EFFECTIVE, DROPPED))
    totals = dict(summary.rag_totals)
    needs = sum(action_count(fw.rag_counts) for fw in summary.frameworks if fw.rag_counts and fw.needs_action is not None)
    return KeyMessages(
        cycle=summary.cycle, meta=meta, complete=summary.complete, gaps=summary.gaps, positions=positions,
        totals=totals, needs_action=needs, strengths=strengths, priorities=ordered, escalations=escalations,
        remedial=_remedial(plan, policy) if plan is not None and plan.register else None, plan=plan is not None)


def from_record(record: Mapping[str, Any]) -> KeyMessages:
    """The key messages as the cycle summary recorded them (their JSON form), for the index.

    >>> from review.results.figures import to_jsonable
    >>> km = KeyMessages("2009-Q4", ReportMeta(author="Head of QA", date=dt.date(2010, 1, 20)), True, (),
    ...     (Position("jar_haringey", "reported", {"red": 1}, 1),), {"red": 1}, 1, (),
    ...     (Priority("jar_haringey", "J02", 4, False, ("SM",), "not yet effective", "Feedback", "2009-01-28"),),
    ...     (), Remedial(8, None), True)
    >>> from_record(to_jsonable(km)) == km
    True
    """
    r = dict(record)
    meta = dict(r["meta"])
    meta["date"] = dt.date.fromisoformat(meta["date"]) if meta.get("date") else None

    def priority(p: Mapping[str, Any]) -> Priority:
        return Priority(**{**p, "roles": tuple(p["roles"])})

    return KeyMessages(
        cycle=r["cycle"], meta=ReportMeta(**meta), complete=bool(r["complete"]), gaps=tuple(r["gaps"]),
        positions=tuple(Position(**p) for p in r["positions"]), totals=dict(r["totals"]),
        needs_action=int(r["needs_action"]),
        strengths=tuple(Strength(s["framework"], tuple(s["green"]), tuple(s["improved"])) for s in r["strengths"]),
        priorities=tuple(priority(p) for p in r["priorities"]),
        escalations=tuple(Escalation(e["kind"], priority(e["priority"])) for e in r["escalations"]),
        remedial=Remedial(**r["remedial"]) if r.get("remedial") else None, plan=bool(r["plan"]))

