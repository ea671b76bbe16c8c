"""The cycle summary's explorer and its action plan page, read together, give back no withheld count.

The action plan page prints, for the files graded Inadequate in a quarter, the remedial actions
done on time, not done on time (the two add up to the files due, printed in the rate's sentence)
and not yet due. The explorer prints the actions raised in a quarter by source, one source being
"Remedial action on Inadequate files". Where each file graded Inadequate has one remedial action
raised in its audit's quarter, the explorer's remedial actions of a quarter are the page's files
due plus those not yet due: a reader subtracts.

Hand-built evidence, 2009-Q4: 27 first case-file audits grade a file Inadequate, each with one
remedial action raised in 2009-Q4 and owned by a team manager:

- 26 due by the quarter's end (15 December 2009): 20 done on time (1 December), 6 still open;
- 1 due on 31 January 2010, open (not yet due).

The register also holds 5 actions on a JAR finding raised in 2009-Q4, owned by an assistant
director, all open. So:

- the page prints "76.9% (20 of 26 ...)" done on time, and its table done on time 20, not done on
  time 26 - 20 = 6, not yet due c (1: a count of 1 to 5);
- the explorer, alone, printed every figure: remedial actions 27 raised, 20 done (27 - 20 = 7 not
  done); JAR 5 raised, 0 done; 32 in all, 20 done;
- together: 27 remedial actions raised - 26 files due = 1 file not yet due, the count the page
  withheld. Joined, the explorer withholds its 27, and the JAR's 5 with it (else 27 = 32 - 5): the
  remedial actions raised are at least their 20 done and at most 32 - 0 (the JAR's at least their
  0 done), so not yet due lies between 0 and 32 - 26 = 6, at least the 6 values 0 to 5 that ``c``
  itself says. With no other source the explorer's total is the remedial actions, and it is
  withheld too.

On the demo (published, thresholds 1 to 5), 2009-Q4 is alike on the registry's terms: 13 files
graded Inadequate, each with one remedial action raised in 2009-Q4; the page's decision withholds
11 on time, 1 not on time and 1 not yet due and lets it print the 12 due; the explorer alone printed
17 actions raised in all, of which healthcare 1 and inspections 1 (JAR and serious case reviews
withheld, each with 0 done), so the remedial actions were at most 17 - 1 - 1 = 15 and not yet due at
most 15 - 12 = 3. Today's view prints the files due only inside the on-time rate, withheld with
its count in every demo quarter, so the demo's rendered page does not print the 12; the decision
allows it, and the explorer is decided against what the decision allows.
"""

from __future__ import annotations

import datetime as dt
import re
from types import MappingProxyType

import pandas as pd
import pytest
from test_explore import _audit, _evidence

from review.analyses import actions_figures as af
from review.analyses.actions import analyse
from review.analyses.context import Context
from review.config.cycles import previous_cycle
from review.config.frameworks import FRAMEWORKS
from review.config.params import COMMON_PARAMS, RunParameters
from review.data.load import Evidence
from review.explore.lenses import LENSES, source_words
from review.explore.pages import page_registries
from review.explore.published import quarter_figures
from review.explore.widgets import ExplorerState
from review.protection.disclosure import DisclosurePolicy
from review.protection.linked import LinkedFigures, attack_bounds
from review.views.actions import remedial as remedial_view

PUB = DisclosurePolicy("published")
LENS = LENSES["cycle_summary"]
REMEDIAL = source_words(af.CHILDREN_SOURCE)
VALUES = {p.name: p.default for p in COMMON_PARAMS + FRAMEWORKS["cycle_summary"].params}


def _action(i, source, *, audit=None, due=dt.date(2009, 12, 15), status="open", closed=None):
    return {"action_id": f"A{i}", "source": source, "item": None if audit else "J11", "audit_id": audit,
            "action": "remedy the file" if audit else "act on the finding", "owner_role": "TM",
            "cycle_raised": "2009-Q4", "due_date": due, "status": status, "evidence": "done" if closed else None,
            "closed_date": closed}


def _hand_built(jar: int = 5) -> Evidence:
    audits = [_audit(f"F{i}", "2009-Q4", f"C{i}", "TM", "Inadequate") for i in range(27)]
    audits += [_audit(f"G{i}", "2009-Q4", f"D{i}", "TM", "Good") for i in range(20)]
    actions = [_action(i, "audit", audit=f"F{i}", status="done", closed=dt.date(2009, 12, 1)) for i in range(20)]
    actions += [_action(i, "audit", audit=f"F{i}") for i in range(20, 26)]  # due 15 December, open
    actions += [_action(26, "audit", audit="F26", due=dt.date(2010, 1, 31))]  # not yet due
    actions += [dict(_action(40 + i, "jar_haringey"), owner_role="AD") for i in range(jar)]
    base = _evidence(audits)
    return Evidence("hand-built", MappingProxyType(dict(base.tables) | {"actions": pd.DataFrame(actions)}),
                    base.scales, base.criteria)


def _ctx(evidence: Evidence, cycle: str) -> Context:
    params = RunParameters("cycle_summary", MappingProxyType(VALUES | {"cycle": cycle}))
    return Context(params, evidence, PUB, cycle, previous_cycle(cycle))


def _state(evidence, cycle, page):
    state = ExplorerState(LENS, evidence, cycle, PUB, page=page)
    state.set_audience("published")
    return state


def _attack(evidence: Evidence, cycle: str, state: ExplorerState) -> dict[str, tuple[float, float]]:
    """The attacker's bounds on every protected figure of the page and the explorer for ``cycle``,
    given what both print and that the remedial actions raised are the page's files due and not yet
    due (asserted of the evidence, one remedial action per file, raised in its audit's quarter)."""
    result = analyse(evidence, cycle=cycle, red={}, confidence_level=0.95)
    r = result.remedial
    register = evidence.table("actions")
    remedial = register[register["source"] == af.CHILDREN_SOURCE]
    audits = evidence.table("audits").set_index("audit_id")["cycle"]
    assert remedial["audit_id"].is_unique  # one remedial action per file
    assert (remedial["audit_id"].map(audits) == remedial["cycle_raised"]).all()  # raised in its audit's quarter
    assert r.no_action == 0
    raised = int((remedial["cycle_raised"] == cycle).sum())
    assert raised == r.due + r.not_yet_due  # the link a reader uses

    page = af.register(result, PUB)
    page_decision = page.solve()
    mine = quarter_figures(LENS, state.rows(cycle), PUB)  # the explorer's own figures and links
    explorer = LinkedFigures.from_records([mine.decision.registry], PUB)
    shown = state.figures(cycle)  # what the explorer under test prints
    reg = LinkedFigures(PUB)
    reg.figures = page.figures | explorer.figures
    reg.links = page.links + explorer.links
    n_key = mine.keys[("by source", REMEDIAL, "n")]
    reg.total(n_key, [af.key("remedial", "due"), af.key("remedial", "not yet due")], name="one action per file")
    hidden = {k for k, f in page.figures.items() if not f.printed or not page_decision.shown(k)}
    views = {key: view for view, key in mine.keys.items()}
    hidden |= {k for k, f in explorer.figures.items()
               if not f.printed or not (shown.shown(*views[k]) if k in views else shown.decision.shown(k))}
    return {k: attack_bounds(reg.figures, reg.links, hidden, k) for k, f in reg.figures.items()
            if reg.primary(f)}


def _table(state, view):
    state.view = view
    return state.summary().text().set_index(state.view_label().removeprefix("by "))


@pytest.fixture(scope="module")
def hand_built():
    return _hand_built()


def test_the_hand_built_figures_are_as_written(hand_built):
    result = analyse(hand_built, cycle="2009-Q4", red={}, confidence_level=0.95)
    r = result.remedial
    assert (r.inadequate, r.due, r.on_time, r.due - r.on_time, r.not_yet_due) == (27, 26, 20, 6, 1)
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", remedial_view(result, PUB).data))
    assert "(20 of 26;" in page  # the files due are printed
    assert "Files graded Inadequate 20 6 c" in page  # not yet due withheld
    alone = _state(hand_built, "2009-Q4", None)
    by_source = _table(alone, "by source")
    assert list(by_source.loc[REMEDIAL, ["actions", "done"]]) == ["27", "20"]
    assert list(by_source.loc[source_words("jar_haringey"), ["actions", "done"]]) == ["5", "0"]
    assert alone.trend().text().set_index("quarter").loc["2009-Q4", ["actions", "done"]].tolist() == ["32", "20"]


def test_alone_the_explorer_and_the_page_give_not_yet_due_back(hand_built):
    bounds = _attack(hand_built, "2009-Q4", _state(hand_built, "2009-Q4", None))
    assert bounds[af.key("remedial", "not yet due")] == pytest.approx((1, 1))  # 27 raised - 26 due


def test_joined_the_explorer_withholds_what_gives_it_back(hand_built):
    state = _state(hand_built, "2009-Q4", page_registries("cycle_summary", _ctx(hand_built, "2009-Q4")))
    by_source = _table(state, "by source")
    assert list(by_source.loc[REMEDIAL, ["actions", "done"]]) == ["c", "20"]
    assert list(by_source.loc[source_words("jar_haringey"), ["actions", "done"]]) == ["c", "0"]  # 27 = 32 - 5
    bounds = _attack(hand_built, "2009-Q4", state)
    assert bounds[af.key("remedial", "not yet due")] == pytest.approx((0, 32 - 26))
    narrow = {k: b for k, b in bounds.items() if b[1] - b[0] < PUB.high}
    assert not narrow


def test_joined_with_remedial_actions_alone_the_total_is_withheld_too():
    evidence = _hand_built(jar=0)  # the quarter's 27 actions are all remedial: the total is the group
    state = _state(evidence, "2009-Q4", page_registries("cycle_summary", _ctx(evidence, "2009-Q4")))
    assert state.trend().text().set_index("quarter").loc["2009-Q4", ["actions", "done"]].tolist() == ["c", "20"]
    assert not {k: b for k, b in _attack(evidence, "2009-Q4", state).items() if b[1] - b[0] < PUB.high}


def test_a_register_with_actions_beyond_the_pages_files_links_them_as_a_bound(hand_built):
    # a 28th remedial action raised in 2009-Q4 on a file graded Good: 28 actions, 27 files; the
    # reader cannot tell which action is beyond the page, so the link is 28 = 27 + the rest
    actions = pd.concat([hand_built.table("actions"),
                         pd.DataFrame([_action(60, "audit", audit="G0", status="done", closed=dt.date(2009, 12, 2))])],
                        ignore_index=True)
    evidence = Evidence("hand-built", MappingProxyType(dict(hand_built.tables) | {"actions": actions}),
                        hand_built.scales, hand_built.criteria)
    state = _state(evidence, "2009-Q4", page_registries("cycle_summary", _ctx(evidence, "2009-Q4")))
    figures = state.figures("2009-Q4")
    extra = f"by source={REMEDIAL}/beyond the page"
    assert figures.decision.registry is not None
    reg = LinkedFigures.from_records([figures.decision.registry], PUB)
    assert reg.figures[extra].value == 28 - 27
    assert not reg.figures[extra].printed


@pytest.fixture(scope="module")
def demo(root):
    from review.data import load_evidence
    from review.protection.pseudonym import pseudonymise

    return pseudonymise(load_evidence(root / "data" / "demo"), root / "data" / "demo")


def test_demo_2009_q4_alone_gives_not_yet_due_back_within_0_to_3_on_what_the_page_may_print(demo):
    result = analyse(demo, cycle="2009-Q4", red={}, confidence_level=0.95)
    r = result.remedial
    assert (r.inadequate, r.due, r.on_time, r.not_yet_due) == (13, 12, 11, 1)
    alone = _state(demo, "2009-Q4", None)
    assert alone.trend().text().set_index("quarter").loc["2009-Q4", "actions"] == "17"
    bounds = _attack(demo, "2009-Q4", alone)
    assert bounds[af.key("remedial", "not yet due")] == pytest.approx((0, 3))  # 17 - 1 - 1 - 12 = 3


@pytest.mark.parametrize("cycle", ["2009-Q1", "2009-Q2", "2009-Q3", "2009-Q4"])
def test_demo_joined_no_protected_figure_is_narrower_than_the_threshold(demo, cycle):
    state = _state(demo, cycle, page_registries("cycle_summary", _ctx(demo, cycle)))
    bounds = _attack(demo, cycle, state)
    narrow = {k: b for k, b in bounds.items() if b[1] - b[0] < PUB.high}
    assert not narrow
