"""Key messages on hand-built results and action plans: every sentence computed, the arithmetic written here."""

from __future__ import annotations

import dataclasses
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


def _shown(page: str, text: str) -> bool:
    """Whether the page shows ``text`` as a whole list item (escaped as the view escapes it)."""
    import html

    return f">{html.escape(text)}</li>" in page


def test_every_count_and_quarter_the_page_shows_is_the_arithmetic_of_the_results():
    page = views.key_messages(_messages()).data
    # position: red 4 + 0, amber 1 + 0, green 2 + 2, self-assessed 1 (in no band); the 4 red items need action
    assert ("Across the reports: 4 red, 1 amber, 4 green (1 self-assessed, not evidenced, in no band); 4 need "
            "action.") in page
    # strengths: fw_a's greens A6 and A7 (2), fw_b's B1 and B2 (2) and its one improvement
    assert _shown(page, "fw_a: 2 items green (A6, A7).")
    assert _shown(page, "fw_b: 2 items green (B1, B2); improved beyond chance: B1 audit (x): improved.")
    # priorities, one item under each role: A1 red 4 quarters (its action done), A3 3 (its open action overdue),
    # A2 1 (its action dropped), A4 2 (no action)
    assert _shown(page, "A1 (fw_a): red for 4 quarters; action done 2009-02-01, not yet effective: still red")
    assert _shown(page, "A3 (fw_a): red for 3 quarters; action OVERDUE")
    assert _shown(page, "A2 (fw_a): red for 1 quarter; action dropped 2009-04-06, with no replacement")
    assert _shown(page, "A4 (fw_a): red for 2 quarters; no action recorded")
    assert page.count("(1 item)</span>") == 4  # SM, TM, AD and no role: one item each
    # escalations: red 3 or more quarters running, grouped by the length of the run
    assert _shown(page, "Red for 4 quarters running: A1 (fw_a).")
    assert _shown(page, "Red for 3 quarters running: A3 (fw_a).")
    assert _shown(page, "Action not yet effective: A1 (fw_a): \u201cDo it\u201d (SM) was done 2009-02-01, and the item "
                        "is still red.")
    assert _shown(page, "Dropped with no replacement: A2 (fw_a): \u201cDo it\u201d (AD) was dropped 2009-04-06; no "
                        "open action replaces it.")


def test_remedial_action_is_escalated_when_some_is_overdue_or_the_count_is_withheld():
    # 0 of 8 overdue: nothing to escalate on remedial action
    assert "Remedial action on files graded Inadequate" not in views.key_messages(_messages(8, 0)).data
    # 3 of 8 overdue: escalated, as a headline
    assert '<span data-review-unit="remedial actions">3 of 8</span>' in views.key_messages(_messages(8, 3)).data
    # 7 of 8 on a published page: the overdue count is withheld (8 - 7 = 1), and a withheld count is escalated
    published = views.key_messages(_messages(8, 7, DisclosurePolicy(audience="published"))).data
    assert "<strong>Remedial action on files graded Inadequate: " in published


def test_a_red_run_that_meets_a_withheld_band_may_be_longer():
    # A3 red 3 quarters, the band before withheld on this page; A5 red 3 quarters too, the band before known
    red = (RedItemActions("fw_a", "A3", "", 3, (), True, earlier_withheld=True), RedItemActions("fw_a", "A4", "", 3, (), True))
    page = views.key_messages(key_messages(_summary(), _plan(red), META, INTERNAL)).data
    assert _shown(page, "A3 (fw_a): red for 3 quarters or more; no action recorded")
    assert _shown(page, "A4 (fw_a): red for 3 quarters; no action recorded")
    # one line for the runs of 3: A3 and A4 (A1, A2 are red 0 quarters: the plan does not judge them)
    assert _shown(page, "Red for 3 quarters running (some perhaps longer: an earlier band is withheld): A3, A4 (fw_a).")


def test_a_framework_that_did_not_report_is_named_for_the_quarter_not_the_cycle():
    from review.results.key_messages import Position

    assert views.position_text(Position("fw_c", "not run", None, None)) == "fw_c: did not run this quarter."
    assert views.position_text(Position("fw_c", "failed", None, None)) == (
        "fw_c: FAILED: its judgements are not known this quarter.")
    page = views.key_messages(dataclasses.replace(_messages(), priorities=(), strengths=())).data
    assert "No item needs action this quarter." in page
    assert "No report judges an item green, and no change beyond chance improved, this quarter." in page
    assert "cycle" not in page
