"""Key messages on hand-built results and action plans: every sentence computed, the arithmetic written here."""

from __future__ import annotations

import datetime as dt

from review.analyses.actions import (
    AGE_BANDS,
    Action,
    ActionsResult,
    FrameworkActions,
    RedItemActions,
    Remedial,
)
from review.config.report_meta import ReportMeta
from review.protection.disclosure import DisclosurePolicy
from review.results.figures import to_jsonable
from review.results.judgements import judgements
from review.results.key_messages import from_record, key_messages
from review.results.summary import summarise
from review.views import key_messages as views

END = dt.date(2009, 12, 31)
META = ReportMeta(author="Head of QA", approver="Assistant Director", date=dt.date(2010, 1, 20), version="1.0")
INTERNAL = DisclosurePolicy(audience="internal")


def _action(item: str, status: str, *, role: str = "TM", overdue: bool = False, closed: dt.date | None = None,
            source: str = "fw_a", text: str = "Do it") -> Action:
    return Action(f"A-{item}-{status}", source, item, text, role, "2009-Q1", dt.date(2009, 6, 30), status, closed,
                  "", 3, overdue)


def _red(item: str, quarters: int, *actions: Action, framework: str = "fw_a") -> RedItemActions:
    return RedItemActions(framework, item, "", quarters, tuple(actions), quarters >= 2 and not any(
        a.is_open for a in actions))


def _plan(red: tuple[RedItemActions, ...], remedial_open: int = 0, remedial_overdue: int = 0) -> ActionsResult:
    ageing = dict.fromkeys(AGE_BANDS, 0) | {AGE_BANDS[-1]: remedial_open}  # all open three or more cycles
    by_source = (FrameworkActions("audit", remedial_open, remedial_overdue, 0, ageing),) if remedial_open else ()
    return ActionsResult("2009-Q4", END, True, by_source, red, tuple(r for r in red if r.flagged), (),
                         Remedial(0, 0, 0, 0, 0, 0, 0, None))


def _summary():
    # fw_a: 4 red (A1..A4), 1 amber, 2 green (A6, A7), 1 self-assessed; fw_b: 0 red, 2 green, an improvement
    a = judgements("fw_a", {"figures": {
        "rag_counts": {"red": 4, "amber": 1, "green": 2, "self-assessed": 1},
        "needs_action": ["A1: red", "A2: red", "A3: red", "A4: red"],
        "bands": {"A1": "red", "A2": "red", "A3": "red", "A4": "red", "A5": "amber", "A6": "green", "A7": "green",
                  "A8": "self-assessed"}}})
    b = judgements("fw_b", {"figures": {"rag_counts": {"red": 0, "amber": 0, "green": 2}, "needs_action": [],
                                        "bands": {"B1": "green", "B2": "green"}, "changes": ["B1 audit (x): improved"]}})
    return summarise("2009-Q4", (a, b), {"fw_a": "Framework A", "fw_b": "Framework B"})


def _messages(remedial_open: int = 8, remedial_overdue: int = 7, policy: DisclosurePolicy = INTERNAL):
    red = (
        _red("A1", 4, _action("A1", "done", role="SM", closed=dt.date(2009, 2, 1))),  # done, still red 4 quarters
        _red("A2", 1, _action("A2", "dropped", role="AD", closed=dt.date(2009, 4, 6))),  # dropped, nothing open
        _red("A3", 3, _action("A3", "open", overdue=True)),  # red 3 quarters, open action overdue
        _red("A4", 2),  # no action at all
    )
    return key_messages(_summary(), _plan(red, remedial_open, remedial_overdue), META, policy)


def test_position_counts_only_red_as_needing_action_and_keeps_self_assessed_apart():
    km = _messages()
    # totals: red 4+0, amber 1+0, green 2+2, self-assessed 1 (in no band)
    assert km.totals == {"red": 4, "amber": 1, "green": 4, "grey": 0, "self-assessed": 1}
    assert km.needs_action == 4  # the red items only; the amber A5 is watched
    a, b = km.positions
    assert (a.status, a.needs_action, b.needs_action) == ("reported", 4, 0)
    assert views.position_text(a) == ("fw_a: 4 red, 1 amber, 2 green (1 self-assessed, not evidenced, in no band); "
                                      "4 need action.")
    assert views.position_text(b) == "fw_b: 0 red, 0 amber, 2 green; none needs action."


def test_strengths_are_the_green_items_and_the_improvements():
    km = _messages()
    assert [(s.framework, s.green, s.improved) for s in km.strengths] == [
        ("fw_a", ("A6", "A7"), ()), ("fw_b", ("B1", "B2"), ("B1 audit (x): improved",))]


def test_priorities_are_every_red_item_longest_red_first_with_the_recorded_role():
    km = _messages()
    # red quarters: A1 4, A3 3, A4 2, A2 1
    assert [(p.item_id, p.red_quarters, p.roles, p.action) for p in km.priorities] == [
        ("A1", 4, ("SM",), "not yet effective"),
        ("A3", 3, ("TM",), "overdue"),
        ("A4", 2, (), "none"),  # no action: no role, never an invented one
        ("A2", 1, ("AD",), "dropped"),
    ]
    page = views.key_messages(km).data
    assert "Accountable: SM" in page
    assert "No accountable role recorded in the action plan" in page


def test_escalations_name_long_reds_ineffective_and_dropped_actions_and_overdue_remedial_action():
    km = _messages()
    kinds = [(e.kind, e.priority.item_id) for e in km.escalations]
    # red three or more quarters: A1 (4) and A3 (3), not A4 (2)
    assert kinds == [("long red", "A1"), ("long red", "A3"), ("not yet effective", "A1"), ("dropped", "A2")]
    page = views.key_messages(km).data
    assert "Red for 4 quarters running" in page
    assert "Red for 3 quarters running" in page
    assert "Action not yet effective: A1" in page
    assert "Dropped with no replacement: A2" in page
    assert '<span data-review-unit="remedial actions">7 of 8</span> open remedial actions are overdue' in page
    assert page.index("Remedial action on files graded Inadequate") < page.index("Red for 4 quarters")  # a headline


def test_a_small_count_of_remedial_actions_is_withheld_on_a_published_page():
    # 7 of 8 overdue: 8 - 7 = 1 not overdue would give back a count of 1, so the overdue count is withheld
    km = _messages(policy=DisclosurePolicy(audience="published"))
    assert km.remedial is not None
    assert km.remedial.overdue is None
    assert "c of 8" in views.remedial_text(km.remedial)


def test_without_an_action_plan_no_role_or_escalation_is_made_up():
    km = key_messages(_summary(), None, ReportMeta(), INTERNAL)
    assert [p.roles for p in km.priorities] == [(), (), (), ()]
    assert km.escalations == ()
    assert km.remedial is None
    page = views.key_messages(km).data
    assert "No action plan was read" in page
    assert "Author: not stated" in page  # no report: section, nothing invented


def test_a_report_whose_actions_do_not_reconcile_is_named():
    bad = judgements("fw_a", {"figures": {"rag_counts": {"red": 1, "amber": 2, "green": 0},
                                          "needs_action": ["A1: red", "A2: amber", "A3: amber"]}})
    km = key_messages(summarise("2009-Q4", (bad,), {"fw_a": "Framework A"}), None, META, INTERNAL)
    assert not km.complete
    assert km.positions[0].status == "not reconciled"
    assert km.gaps == ("Framework A names 3 items needing action but judged 1 red: its counts do not follow the "
                       "counting rule",)
    assert "INCOMPLETE" in views.key_messages(km).data


def test_the_recorded_key_messages_read_back_equal():
    km = _messages()
    assert from_record(to_jsonable(km)) == km
    assert views.meta_line(km.meta).data.count("&middot;") == 3
    assert "Date of report: 20 January 2010" in views.meta_line(km.meta).data
