"""The action plan's explorer by owner's role, with the action plan page, gives back no withheld count.

The explorer's published view prints the actions raised in a quarter by source and by owner's role;
the action plan page prints the remedial action on files graded Inadequate (done on time, not done
on time, so the files due, and not yet due). Where a council's practice is that the team manager
owns the remedial action on a file (as the demo's register has it), a reader who knows it reads the
team managers' count as the remedial actions raised, which the page's files due plus not yet due
are (one remedial action per file, raised in its audit's quarter): the by-source withholding is then
undone by the by-role view.

Hand-built evidence (``tests/test_explore_action_plan_link.py``'s), 2009-Q4: 27 remedial actions on
files graded Inadequate, all owned by a team manager (26 due: 20 done on time, 6 open; 1 not yet
due); 5 actions on a JAR finding, owned by an assistant director, open. So:

- the page prints 20 on time of 26 due, 6 not on time, and withholds not yet due (1);
- joined to the page, the explorer withholds its remedial actions (27) and the JAR's (5) by source;
- had it printed the roles (team managers 27, assistant directors 5), the reader who knows who owns
  what reads 27 remedial actions, and 27 - 26 = 1 file not yet due: the count the page withheld.

So the explorer registers the cross-tabulation of source and role (no view prints it) as hidden
cells linked to both views' groups (:attr:`review.explore.lenses.Lens.crossed`), taking the reader
to know which cells are empty; joined, the roles are withheld with the sources, and every protected
count spans at least the 6 values 0 to 5 that ``c`` says.
"""

from __future__ import annotations

import dataclasses

import pytest
from test_explore_action_plan_link import PUB, REMEDIAL, _ctx, _hand_built, _table

from review.analyses import actions_figures as af
from review.analyses.actions import analyse
from review.explore.lenses import LENSES, source_words
from review.explore.pages import page_registries
from review.explore.published import quarter_figures
from review.explore.widgets import ExplorerState
from review.protection.linked import LinkedFigures, attack_bounds

LENS = LENSES["cycle_summary"]
JAR = source_words("jar_haringey")
TM, AD = "Team Manager (TM)", "Assistant Director (AD)"


def _state(evidence, page, lens=LENS):
    state = ExplorerState(lens, evidence, "2009-Q4", PUB, page=page)
    state.set_audience("published")
    return state


def _attack(evidence, state) -> dict[str, tuple[float, float]]:
    """The attacker's bounds on every protected figure, given what the page and ``state`` print and
    what the reader knows: the remedial actions raised are the page's files due and not yet due, the
    team managers own the remedial actions and nothing else, the assistant directors the JAR's."""
    result = analyse(evidence, cycle="2009-Q4", red={}, confidence_level=0.95)
    page = af.register(result, PUB)
    page_decision = page.solve()
    mine = quarter_figures(LENSES["cycle_summary"], state.rows("2009-Q4"), PUB)
    explorer = LinkedFigures.from_records([mine.decision.registry], PUB)
    shown = state.figures("2009-Q4")
    reg = LinkedFigures(PUB)
    reg.figures = page.figures | explorer.figures
    reg.links = page.links + explorer.links
    reg.total(mine.keys[("by source", REMEDIAL, "n")], [af.key("remedial", "due"), af.key("remedial", "not yet due")],
              name="one remedial action per file")
    for role, source in ((TM, REMEDIAL), (AD, JAR)):
        for part in ("n", "k"):
            reg.total(mine.keys[("by owner_role", role, part)], [mine.keys[("by source", source, part)]],
                      name=f"{role} owns the {source}")
    hidden = {k for k, f in page.figures.items() if not f.printed or not page_decision.shown(k)}
    views = {key: view for view, key in mine.keys.items()}
    hidden |= {k for k, f in explorer.figures.items()
               if not f.printed or not (shown.shown(*views[k]) if k in views else shown.decision.shown(k))}
    return {k: attack_bounds(reg.figures, reg.links, hidden, k) for k, f in reg.figures.items() if reg.primary(f)}


@pytest.fixture(scope="module")
def hand_built():
    return _hand_built()


def test_without_the_cross_tabulation_the_roles_give_not_yet_due_back(hand_built):
    blind = dataclasses.replace(LENS, crossed=())  # the explorer deciding without the cells
    state = _state(hand_built, page_registries("cycle_summary", _ctx(hand_built, "2009-Q4")), blind)
    assert list(_table(state, "by source").loc[REMEDIAL, ["actions", "done"]]) == ["c", "20"]
    assert list(_table(state, "by owner_role").loc[TM, ["actions", "done"]]) == ["27", "20"]
    assert _attack(hand_built, state)[af.key("remedial", "not yet due")] == pytest.approx((1, 1))  # 27 - 26


def test_with_it_the_roles_are_withheld_with_the_sources(hand_built):
    state = _state(hand_built, page_registries("cycle_summary", _ctx(hand_built, "2009-Q4")))
    roles = _table(state, "by owner_role")
    assert roles.loc[TM, "actions"] == "c"
    assert roles.loc[AD, "actions"] == "c"  # else 27 = 32 - 5
    bounds = _attack(hand_built, state)
    narrow = {k: b for k, b in bounds.items() if b[1] - b[0] < PUB.high}
    assert not narrow
