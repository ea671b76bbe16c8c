"""The key messages in words: they format a :class:`~review.results.key_messages.KeyMessages`.

Numbers in these sentences count items, quarters and actions (things), and are marked so; the count
of overdue remedial actions on files graded Inadequate keeps its declared unit (``remedial actions``),
so the publication check reads it as the action plan's page does.
"""

from __future__ import annotations

import html

from IPython.display import HTML

from review.config.frameworks import FRAMEWORKS
from review.config.report_meta import ReportMeta
from review.protection.units import UNIT_ATTRIBUTE
from review.results.judgements import ESCALATE_AT, NEEDS_ACTION_RULE, NO_BAND_WORDS
from review.results.key_messages import (
    DROPPED,
    NO_ACTION,
    NOT_EFFECTIVE,
    OPEN,
    OVERDUE,
    KeyMessages,
    Position,
    Priority,
    Remedial,
)
from review.views.presentation import NOCOUNT

__all__ = ["ACTION_WORDS", "key_messages", "meta_line", "position_text", "priority_text", "remedial_text",
           "rule_note"]

ACTION_WORDS = {NO_ACTION: "no action recorded", OPEN: "action open", OVERDUE: "action OVERDUE",
                NOT_EFFECTIVE: "action done{closed}, not yet effective: still red",
                DROPPED: "action dropped{closed}, with no replacement"}
"""What is being done about an item needing action, in words."""

_STATUS = {"failed": "FAILED: its judgements are not known this quarter", "not run": "did not run this quarter",
           "not recorded": "ran but recorded no judgements", "not reconciled":
           "its items needing action do not reconcile with its counts: see its report"}


def _title(framework: str) -> str:
    return FRAMEWORKS[framework].title if framework in FRAMEWORKS else framework


def _quarters(n: int, longer: bool = False) -> str:
    return f"{n} quarter{'' if n == 1 else 's'}" + (" or more" if longer else "")


def meta_line(meta: ReportMeta) -> HTML:
    """Author, approver, date of report and version, as the params file states them.

    >>> meta_line(ReportMeta(author="Head of QA")).data
    '<p class="review-report-meta" data-review-nocount>Author: Head of QA &middot; Approved by: not stated \
&middot; Date of report: not stated &middot; Version: not stated</p>'
    """
    text = " &middot; ".join(f"{html.escape(label)}: {html.escape(value)}" for label, value in meta.lines())
    return HTML(f'<p class="review-report-meta" {NOCOUNT}>{text}</p>')  # names, roles, a date, a version


def rule_note() -> HTML:
    """The one counting rule, stated where counts of items needing action are shown."""
    return HTML(f'<p class="review-rule">{html.escape(NEEDS_ACTION_RULE)}</p>')


def _counts(counts: dict[str, int]) -> str:
    text = f"{counts.get('red', 0)} red, {counts.get('amber', 0)} amber, {counts.get('green', 0)} green"
    apart = [f"{counts[b]} {w}" for b, w in NO_BAND_WORDS if counts.get(b)]
    return text + (f" ({' and '.join(apart)}, in no band)" if apart else "")


def position_text(p: Position) -> str:
    """One framework's position in a sentence.

    >>> position_text(Position("jar_haringey", "reported", {"red": 6, "amber": 1, "green": 4}, 6))
    'JAR Haringey 2008 findings: stocktake: 6 red, 1 amber, 4 green; 6 need action.'
    >>> position_text(Position("governance", "failed", None, None))
    'Social care governance exercise: FAILED: its judgements are not known this quarter.'
    """
    if p.status != "reported" or p.rag_counts is None:
        return f"{_title(p.framework)}: {_STATUS.get(p.status, p.status)}."
    need = "none needs action" if not p.needs_action else f"{p.needs_action} need{'s' if p.needs_action == 1 else ''} action"
    return f"{_title(p.framework)}: {_counts(p.rag_counts)}; {need}."


def priority_text(p: Priority, *, framework: bool = True) -> str:
    """An item needing action: how long it has been red and what is being done.

    >>> priority_text(Priority("jar_haringey", "J07", 1, False, ("AD",), "dropped", "Workshop", "2009-04-06"))
    'J07 (JAR Haringey 2008 findings: stocktake): red for 1 quarter; action dropped 2009-04-06, with no replacement'
    """
    where = f" ({_title(p.framework)})" if framework else ""
    red = f"red for {_quarters(p.red_quarters, p.longer)}" if p.red_quarters else "red"
    action = ACTION_WORDS[p.action].format(closed=f" {p.closed}" if p.closed else "")
    return f"{p.item_id}{where}: {red}; {action}"


def remedial_text(r: Remedial) -> str:
    """The headline on remedial action on files graded Inadequate (HTML; ``c`` where withheld).

    >>> remedial_text(Remedial(8, 7))
    'Remedial action on files graded Inadequate: <span data-review-unit="remedial actions">7 of 8</span> open \
remedial actions are overdue.'
    >>> remedial_text(Remedial(8, None))
    'Remedial action on files graded Inadequate: <span data-review-unit="remedial actions">c of 8</span> open \
remedial actions are overdue (c: withheld, small numbers).'
    """
    overdue = "c" if r.overdue is None else str(r.overdue)
    total = "c" if r.open is None else str(r.open)
    note = " (c: withheld, small numbers)" if "c" in (overdue, total) else ""
    return (f'Remedial action on files graded Inadequate: <span {UNIT_ATTRIBUTE}="remedial actions">{overdue} of '
            f"{total}</span> open remedial actions are overdue{note}.")


def _li(text: str) -> str:
    return f"<li {NOCOUNT}>{html.escape(text)}</li>"


def _position(km: KeyMessages) -> str:
    total = (f"Across the reports: {_counts(km.totals)}; {km.needs_action} "
             f"need{'s' if km.needs_action == 1 else ''} action.")
    parts = [f"<p {NOCOUNT}>{html.escape(total)}</p>"]
    if not km.complete:
        gaps = "".join(f"<li>{html.escape(g)}</li>" for g in km.gaps)
        parts.append('<p class="review-incomplete"><strong>INCOMPLETE: not every report is in. A missing report\'s '
                     f"findings are not known and must not be read as satisfactory.</strong></p><ul>{gaps}</ul>")
    parts.append("<ul>" + "".join(_li(position_text(p)) for p in km.positions) + "</ul>")
    return "\n".join(parts)


def _strengths(km: KeyMessages) -> str:
    if not km.strengths:
        return f"<p {NOCOUNT}>No report judges an item green, and no change beyond chance improved, this quarter.</p>"
    items = []
    for s in km.strengths:
        parts = []
        if s.green:
            n = len(s.green)
            parts.append(f"{n} item{'' if n == 1 else 's'} green ({', '.join(s.green)})")
        if s.improved:
            parts.append("improved beyond chance: " + "; ".join(s.improved))
        items.append(_li(f"{_title(s.framework)}: {'; '.join(parts)}."))
    return "<ul>" + "".join(items) + "</ul>"


def _priorities(km: KeyMessages) -> str:
    if not km.priorities:
        return f"<p {NOCOUNT}>No item needs action this quarter.</p>"
    if not km.plan:
        lead = ("<p>No action plan was read, so no accountable role is known: every item needing action is "
                "listed without one.</p>")
    else:
        lead = ("<p>Every item needing action, by the role accountable for it in the action plan (the owner of its "
                "open action, else of its latest one), longest red first.</p>")
    roles: dict[str, list[Priority]] = {}
    for p in km.priorities:
        for role in p.roles or ("",):
            roles.setdefault(role, []).append(p)
    items = []
    for role, ps in sorted(roles.items(), key=lambda rp: rp[0] == ""):
        who = f"Accountable: {role}" if role else "No accountable role recorded in the action plan"
        inner = "".join(_li(priority_text(p)) for p in ps)
        items.append(f"<li><strong>{html.escape(who)}</strong> <span {NOCOUNT}>({len(ps)} "
                     f"item{'' if len(ps) == 1 else 's'})</span><ul>{inner}</ul></li>")
    return lead + "<ul>" + "".join(items) + "</ul>"


def _escalations(km: KeyMessages) -> str:
    items = []
    long_red = [e.priority for e in km.escalations if e.kind == "long red"]
    for n in sorted({p.red_quarters for p in long_red}, reverse=True):
        ps = [p for p in long_red if p.red_quarters == n]
        by_framework: dict[str, list[str]] = {}
        for p in ps:
            by_framework.setdefault(p.framework, []).append(p.item_id)
        names = "; ".join(f"{', '.join(ids)} ({_title(f)})" for f, ids in by_framework.items())
        more = " (some perhaps longer: an earlier band is withheld)" if any(p.longer for p in ps) else ""
        items.append(_li(f"Red for {_quarters(n)} running{more}: {names}."))
    for kind in (NOT_EFFECTIVE, DROPPED):
        for e in (e for e in km.escalations if e.kind == kind):
            p = e.priority
            role = f" ({', '.join(p.roles)})" if p.roles else ""
            if kind == NOT_EFFECTIVE:
                items.append(_li(f"Action not yet effective: {p.item_id} ({_title(p.framework)}): "
                                 f"\u201c{p.action_text}\u201d{role} was done {p.closed}, and the item is still red."))
            else:
                items.append(_li(f"Dropped with no replacement: {p.item_id} ({_title(p.framework)}): "
                                 f"\u201c{p.action_text}\u201d{role} was dropped {p.closed}; no open action replaces "
                                 "it."))
    if km.remedial is not None and km.remedial.escalated:
        items.insert(0, f"<li><strong>{remedial_text(km.remedial)}</strong></li>")
    if not items:
        return (f"<p {NOCOUNT}>Nothing to escalate: no item red for {ESCALATE_AT} or more quarters, no action "
                "done or dropped while its item stays red, no overdue remedial action.</p>")
    lead = (f"<p {NOCOUNT}>Items red for {ESCALATE_AT} or more quarters running, actions done or dropped while "
            "their item stays red, and overdue remedial action on files graded Inadequate.</p>")
    return lead + "<ul>" + "".join(items) + "</ul>"


def key_messages(km: KeyMessages, *, level: int = 3) -> HTML:
    """The key messages: who wrote and approved them, the counting rule, the position by framework,
    strengths, priorities with the accountable role, and escalations (headings at ``level``).

    Examples
    --------
    >>> from review.results.key_messages import KeyMessages
    >>> km = KeyMessages("2009-Q4", ReportMeta(), True, (), (), {"red": 0, "amber": 0, "green": 0}, 0, (), (), (),
    ...                  None, True)
    >>> "Nothing to escalate" in key_messages(km).data
    True
    """
    h = f"h{level}"
    parts = [meta_line(km.meta).data, rule_note().data,
             f"<{h}>Position by framework</{h}>", _position(km),
             f"<{h}>Strengths</{h}>", _strengths(km),
             f"<{h}>Priorities and who is accountable</{h}>", _priorities(km),
             f"<{h}>Escalations</{h}>", _escalations(km)]
    return HTML('<div class="review-key-messages">' + "\n".join(parts) + "</div>")
