"""Report sections of the action plan: they format an ActionsResult, roles only.

Actions are things: their counts are shown, in their declared unit. Remedial actions on files
graded Inadequate are each one child's file: their counts are shown as the page's decision
allows (:mod:`review.analyses.actions_figures`). Owners are shown by role, the only thing the
register holds.
"""

from __future__ import annotations

import html
import re

import pandas as pd
from IPython.display import HTML

from review.analyses import actions_figures as figures
from review.analyses.actions import AGE_BANDS, Action, ActionsResult, RedItemActions
from review.config.cycles import quarter_label, quarter_name
from review.config.frameworks import FRAMEWORKS
from review.protection.disclosure import DisclosurePolicy
from review.protection.linked import Decision
from review.protection.units import counted
from review.views import learning
from review.views import presentation as show
from review.views.key_messages import rule_note

__all__ = ["SOURCE_NAMES", "ageing", "flagged", "for_framework", "history_figures", "overview", "red_items", "remedial",
           "remedial_text", "scr"]

SOURCE_NAMES = {"scr": "Serious case review action plans", "audit": "Remedial action on Inadequate files",
                "inspection": "Actions on inspections of regulated services",
                "theme": "Practice themes audits keep finding a concern",
                "gose_performance": "GOSE performance management framework"}
"""Names of the register's sources that are not registered framework reports (every value of
:data:`review.data.schema.ACTION_SOURCES` is a framework or one of these, so no raw source value
reaches a page)."""


def _quarters(text: str) -> str:
    """An age band of the action plan (its analysis counts whole cycles) in the pages' word, quarters.

    >>> _quarters("raised this cycle"), _quarters("3 or more cycles")
    ('raised this quarter', '3 or more quarters')
    """
    return re.sub(r"\bcycle", "quarter", text)


def history_figures(result: ActionsResult | None, framework: str) -> dict:
    """The figures a framework's results JSON adds for its action plan: ``red_history``, the items
    its report showed red and withheld cycle by cycle and what they were judged on (item ids only,
    no count), which the run's cycle summary reads instead of judging the framework again.
    Nothing without an action plan or a history (evidence read from its folder).

    >>> from types import SimpleNamespace as NS
    >>> history_figures(NS(red_history={"governance": {"red": {"2009-Q1": ["G1"]}}}), "governance")
    {'red_history': {'red': {'2009-Q1': ['G1']}}}
    >>> history_figures(None, "governance")
    {}
    """
    history = None if result is None else result.red_history.get(framework)
    return {} if history is None else {"red_history": history}


def _source(name: str) -> str:
    return SOURCE_NAMES.get(name) or (FRAMEWORKS[name].title if name in FRAMEWORKS else name)


def _no_register(result: ActionsResult) -> HTML | None:
    if result.register:
        return None
    return show.note("The data folder holds no action register (actions.csv), so what was done about each "
                     "finding is not known. See docs/data.md for the register's columns.")


def overview(result: ActionsResult, policy: DisclosurePolicy) -> HTML:
    """Open, overdue and completed-this-cycle actions per source (framework, SCR, remedial), suppressed;
    on the cycle summary, then what the audits tell us (:func:`review.views.learning.section`: its
    recurring concerns without an action are the plan's business)."""
    return HTML(_overview(result, policy).data + learning.section(result.learning, policy).data)


def _overview(result: ActionsResult, policy: DisclosurePolicy) -> HTML:
    missing = _no_register(result)
    if missing is not None:
        return missing
    if not result.by_source:
        return show.note(f"No action had been raised by the end of {quarter_name(result.cycle)}.")
    d = figures.decide(result, policy)
    shown = pd.DataFrame([[_cell(d, s.source, c, getattr(s, c)) for c in ("open", "overdue", "completed")]
                          for s in result.by_source], index=[_source(s.source) for s in result.by_source],
                         columns=["Open", "of which overdue", "Completed this quarter"])
    return show.table(shown, caption=show.nocount(f"Actions at the end of {quarter_name(result.cycle)} ({result.as_of.isoformat()}), by source"),
                      uid="actions_overview", policy=policy, index=True)


def _cell(d: Decision, source: str, column: str, value: int) -> str:
    """A count of a source's actions in its declared unit, or ``c`` where the decision withholds it."""
    text = d.text(figures.key(source, column), f"{value:,}")
    return counted(text, figures.unit(source)) if text != "c" else text


def ageing(result: ActionsResult, policy: DisclosurePolicy) -> HTML:
    """Open actions by how many quarters they have been open, per source, suppressed."""
    missing = _no_register(result)
    if missing is not None:
        return missing
    rows = [s for s in result.by_source if s.open]
    if not rows:
        return show.note(f"No action was open at the end of {quarter_name(result.cycle)}.")
    d = figures.decide(result, policy)
    shown = pd.DataFrame([[_cell(d, s.source, b, s.ageing[b]) for b in AGE_BANDS] for s in rows],
                         index=[_source(s.source) for s in rows],
                         columns=[show.nocount(_quarters(b)) for b in AGE_BANDS])  # ages, not counts
    return show.table(shown, caption="Ageing of open actions: whole quarters since the quarter each was raised in",
                      uid="actions_ageing", policy=policy, index=True)


def _status(a: Action) -> str:
    if a.is_open and a.overdue:
        return f"{a.status}, OVERDUE"
    if a.closed_date is not None:
        return f"{a.status} {a.closed_date.isoformat()}"
    return a.status


def _rows(items: tuple[RedItemActions, ...]) -> list[list[str]]:
    rows = []
    for r in items:
        red_for = _red_for(r)
        flag = "FLAGGED: no open action" if r.flagged else ""  # the red run is in "Red for", the rule in the intro
        if not r.actions:
            rows.append([r.item_id, show.quoted(r.text), red_for, "no action recorded", ":", ":", ":", flag])
        for a in r.actions:
            rows.append([r.item_id, show.quoted(r.text), red_for, a.action, a.owner_role, a.due_date.isoformat(), _status(a), flag])
    return rows


def _red_for(r: RedItemActions) -> str:
    """'2 quarters', or '1 quarter or more (the band before is withheld)' where a published report
    withheld the band of the quarter before its red run (it may have been red then too)."""
    text = f"{r.red_cycles} quarter{'s' if r.red_cycles != 1 else ''}"
    return f"{text} or more (the band before is withheld)" if r.earlier_withheld else text


_COLUMNS = ["Item", "The source's words", "Red for", "Action", "Owner (role)", "Due", "Status", "Flag"]


def red_items(result: ActionsResult, policy: DisclosurePolicy, *, framework: str | None = None) -> HTML:
    """Every red item (of one framework, or all) with its action, owner role, due date and status."""
    items = tuple(r for r in result.red_items if framework is None or r.framework == framework)
    if not items:
        return show.note(f"No item {'of this framework ' if framework else ''}is red in {quarter_name(result.cycle)}.")
    frame = pd.DataFrame(_rows(items), columns=_COLUMNS)
    if framework is None:
        frame.insert(0, "Report", [_source(r.framework) for r in items for _ in (r.actions or (None,))])
    missing = _no_register(result)
    table = show.table(frame, caption=f"Red items in {quarter_name(result.cycle)} and what is being done about them",
                       uid=f"actions_red_{framework or 'all'}", policy=policy,
                       nocount=["Report", "Item", "Red for", "Due", "Status", "Flag"])  # ids, ages and dates
    return HTML((missing.data if missing is not None else "") + table.data)


def for_framework(result: ActionsResult, framework: str, policy: DisclosurePolicy) -> HTML:
    """The red items of one framework's report with their actions (one call per framework notebook),
    after the one counting rule (:func:`review.views.key_messages.rule_note`): each report that lists
    what needs action says what that is."""
    return HTML(rule_note().data + red_items(result, policy, framework=framework).data)


def flagged(result: ActionsResult, policy: DisclosurePolicy) -> HTML:
    """Items red for two or more consecutive quarters with no open action."""
    if not result.flagged:
        return show.note("No item has been red for two or more quarters without an open action.")
    frame = pd.DataFrame([[_source(r.framework), r.item_id, show.quoted(r.text), _red_for(r)] for r in result.flagged],
                         columns=["Report", "Item", "The source's words", "Red for"])
    return show.table(frame, caption="FLAGGED: red for two or more quarters without an open action",
                      uid="actions_flagged", policy=policy, nocount=["Report", "Item", "Red for"])


def scr(result: ActionsResult, policy: DisclosurePolicy) -> HTML:
    """Serious case review action plans: each action with its owner role, due date and status."""
    if not result.scr:
        return show.note("The register holds no serious case review action raised by the end of this quarter.")
    frame = pd.DataFrame([[a.item, a.action, a.owner_role, quarter_label(a.cycle_raised), a.due_date.isoformat(), _status(a)]
                          for a in result.scr],
                         columns=["Review", "Action", "Owner (role)", "Raised", "Due", "Status"])
    return show.table(frame, caption="Serious case review (SCR) action plans", uid="actions_scr", policy=policy,
                      nocount=["Review", "Raised", "Due", "Status"])  # review ids, cycles and dates


def remedial_text(result: ActionsResult, policy: DisclosurePolicy) -> str:
    """Remedial action on Inadequate files completed on time, as a suppressed rate with its Wilson interval."""
    r = result.remedial
    if r.inadequate == 0:
        return f"No first case-file audit in {quarter_name(result.cycle)} graded a file Inadequate."
    if r.due == 0 or r.proportion is None:
        return "No remedial action on a file graded Inadequate this quarter was due by the quarter's end."
    ci = r.proportion.confidence_interval
    shown = figures.decide(result, policy).shown(figures.key("remedial", "on time"))
    rate = show.rate_text(r.on_time, r.due, policy, interval=(ci.low, ci.high),
                          level=r.proportion.confidence_level) if shown else "c"
    if rate in ("c", "z"):
        rate = f"{rate} (withheld: the numbers of files are small)"
    else:
        rate += " (a Wilson interval)"
    return (f"Remedial action on files graded Inadequate in {quarter_name(result.cycle)} and due by the quarter's end, completed "
            f"on time: {rate}. Files with no remedial action recorded count as not done on time.")


def remedial(result: ActionsResult, policy: DisclosurePolicy) -> HTML:
    """The remedial-action sentence and a suppressed table: done on time, not done on time, not yet due.

    Late and never-done files are shown together (as ``due - on_time``), so no suppressed cell can
    be worked out from the rate in the sentence.
    """
    r = result.remedial
    if r.inadequate == 0 or r.due == 0:
        return show.note(remedial_text(result, policy))
    d = figures.decide(result, policy)
    k = figures.key
    shown = pd.DataFrame([[d.text(k("remedial", "on time"), f"{r.on_time:,}"),
                           d.text(k("remedial", "not on time"), f"{r.due - r.on_time:,}"),
                           d.text(k("remedial", "not yet due"), f"{r.not_yet_due:,}")]],
                         index=["Files graded Inadequate"], columns=["Done on time", "Not done on time", "Not yet due"])
    table = show.table(shown, caption=f"Remedial action on files graded Inadequate in {quarter_name(result.cycle)}",
                       uid="actions_remedial", policy=policy, index=True, counts=True)
    return HTML(f"<p>{html.escape(remedial_text(result, policy))}</p>" + table.data)
