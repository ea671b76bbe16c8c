"""The JAR explorer and the JAR page, read together, give back no withheld count.

The JAR page prints each criterion's case-file audits as a line "k of n audits where it applied"
(the final answers, a moderator's prevailing); the explorer's published view prints, for the same
answers, each criterion's count met and answers (one answer per file), each finding's (the sum of
its criteria's) and the quarter's total. A criterion's line and the explorer's criterion group are
the same figure, and a finding's group is the sum of its criteria: so what one withholds can be
worked out from the other.

Hand-built evidence, 2009-Q4: 40 case files, each audited once (one team, one case type), on three
criteria, each answered on every file:

- "The child was seen" (J11): met on 38 of 40, so 2 not: the page withholds the line (40 - 38 = 2
  is a count of 1 to 5);
- "The child was seen alone" (J11): met on 20 of 40, printed by the page;
- "The assessment identifies risk" (J05): met on 25 of 40, printed by the page.

Alone, the explorer withholds "seen" (its own rest, 2) and, as its second figure, the smallest
other criterion count, "seen alone" (20): but it prints the finding J11's 58 of 80 (38 + 20), and
the page prints "seen alone" 20 of 40. So 58 - 20 = 38, and 40 - 38 = 2 children's files where the
child was not seen: the count the page withheld. (Alone, without the page, the explorer itself
left seen + seen alone = 58 with seen alone withheld: seen between 18 and 40, as wide as the file
count allows.) Joined to the page's registry (:func:`review.explore.pages.jar_page`), with each
criterion group the page's line and each finding the sum of its criteria, the one registry
withholds what is needed: every protected count spans at least the 6 values 0 to 5 that ``c`` says.

On the demo (published, thresholds 1 to 5), 2009-Q1 is such a quarter: the page withholds J07's one
case-file criterion ("The child protection plan says what must change, by whom and when") because
the plans that did not are a count of 1 to 5; alone, the explorer printed the quarter's total and
every finding but one other, whose one criterion the page prints, so the total less the others gave
J07's count, and its rest, back exactly. Joined, it does not.
"""

from __future__ import annotations

from types import MappingProxyType

import pandas as pd
import pytest
from test_explore import OFSTED, YES_NO, _audit

from review.analyses import jar_figures
from review.analyses.context import Context
from review.analyses.jar import analyse_context
from review.config.frameworks import FRAMEWORKS
from review.config.params import COMMON_PARAMS, RunParameters
from review.data.load import Evidence
from review.explore.lenses import LENSES
from review.explore.pages import page_registries
from review.explore.published import quarter_figures
from review.explore.widgets import ExplorerState
from review.protection.disclosure import DisclosurePolicy
from review.protection.disclosure_log import line_key
from review.protection.linked import LinkedFigures, attack_bounds

PUB = DisclosurePolicy("published")
LENS = LENSES["jar_haringey"]
CRITERIA = {"seen": ("The child was seen", "J11", 38), "alone": ("The child was seen alone", "J11", 20),
            "risk": ("The assessment identifies risk", "J05", 25)}
FILES = 40
VALUES = {p.name: p.default for p in COMMON_PARAMS + FRAMEWORKS["jar_haringey"].params}


def _hand_built() -> Evidence:
    audits = []
    for i in range(FILES):
        row = _audit(f"F{i}", "2009-Q4", f"C{i}", "TM", "Good")
        row.pop("child_seen")
        audits.append(row | {c: "Yes" if i < met else "No" for c, (_, _, met) in CRITERIA.items()})
    criteria = pd.DataFrame({"criterion": list(CRITERIA), "label": [w for w, _, _ in CRITERIA.values()],
                             "scale_id": ["compliance"] * 3, "audit_types": ["case file"] * 3})
    emap = pd.DataFrame({"framework": ["jar_haringey"] * 3, "item": [f for _, f, _ in CRITERIA.values()],
                         "source": ["criterion"] * 3, "evidence": list(CRITERIA), "audit_type": [None] * 3,
                         "agencies": [None] * 3, "role": [None] * 3, "reason": ["hand-built"] * 3})
    types = pd.DataFrame({"audit_type": ["case file"], "kind": ["case file"], "label": ["Case-file audits"]})
    sa = pd.DataFrame(columns=["cycle", "framework", "item", "rater", "rater_type", "grade_scale", "rating", "evidence"])
    tables = {"audits": pd.DataFrame(audits), "criteria": criteria, "self_assessments": sa, "evidence_map": emap,
              "audit_types": types}
    return Evidence("hand-built", MappingProxyType(tables),
                    MappingProxyType({"ofsted_2008": OFSTED, "compliance": YES_NO}), tuple(CRITERIA))


def _ctx(evidence: Evidence) -> Context:
    params = RunParameters("jar_haringey", MappingProxyType(VALUES | {"cycle": "2009-Q4"}))
    return Context(params, evidence, PUB, "2009-Q4", "2009-Q3")


def _state(evidence, page):
    state = ExplorerState(LENS, evidence, "2009-Q4", PUB, page=page)
    state.set_audience("published")
    return state


def _line(criterion: str) -> str:
    words, _, met = CRITERIA[criterion]
    return line_key("audit", f"Case-file audits: {words}", met, FILES)


def _read_together(page_rec, state):
    """The page's registry and the explorer's own (its figures and links, decided alone) in one,
    the explorer's keys, and what the two leave hidden: what the page does not print or withholds,
    and what ``state``, the explorer under test, does not print."""
    page = LinkedFigures.from_records([page_rec], PUB)
    hidden = {k for k in page.figures if not page.figures[k].printed} | set(page_rec["withheld"])
    mine = quarter_figures(LENS, state.rows(state.cycle), PUB)
    explorer = LinkedFigures.from_records([mine.decision.registry], PUB)
    shown = state.figures(state.cycle)
    views = {key: view for view, key in mine.keys.items()}
    hidden |= {k for k, f in explorer.figures.items()
               if not f.printed or not (shown.shown(*views[k]) if k in views else shown.decision.shown(k))}
    reg = LinkedFigures(PUB)
    reg.figures = page.figures | explorer.figures
    reg.links = page.links + explorer.links
    return reg, mine, hidden


def _attack(evidence: Evidence, state: ExplorerState) -> dict[str, tuple[float, float]]:
    """The attacker's bounds on every protected figure of the page and the explorer, given what both
    print, that a criterion's group is the page's line and that a finding's is its criteria's sum."""
    reg, mine, hidden = _read_together(jar_figures.page_log(analyse_context(_ctx(evidence)), PUB).registry, state)
    for criterion, (words, _, _) in CRITERIA.items():  # the same files' answers
        for part in ("k", "n"):
            reg.total(mine.keys[("by criterion", words, part)], [f"{_line(criterion)}/{part}"], name="the same line")
    for finding, members in (("J11", ("seen", "alone")), ("J05", ("risk",))):  # a finding: its criteria
        group = next(g for (v, g, p) in mine.keys if v == "by jar_finding" and g.startswith(finding))
        for part in ("k", "n"):
            reg.total(mine.keys[("by jar_finding", group, part)],
                      [mine.keys[("by criterion", CRITERIA[c][0], part)] for c in members], name="its criteria")
    return {k: attack_bounds(reg.figures, reg.links, hidden, k) for k, f in reg.figures.items() if reg.primary(f)}


@pytest.fixture(scope="module")
def hand_built():
    return _hand_built()


def test_the_hand_built_figures_are_as_written(hand_built):
    lines = {ln.source: (ln.k, ln.n) for f in analyse_context(_ctx(hand_built)).findings for ln in f.evidence}
    assert lines == {f"Case-file audits: {w}": (met, FILES) for w, _, met in CRITERIA.values()}
    withheld = set(jar_figures.page_log(analyse_context(_ctx(hand_built)), PUB).registry["withheld"])
    assert withheld == {f"{_line('seen')}/k", f"{_line('seen')}/n"}  # 40 - 38 = 2: the line is c
    by_criterion = _state(hand_built, None).figures("2009-Q4")
    assert not by_criterion.shown("by criterion", "The child was seen", "k")
    assert not by_criterion.shown("by criterion", "The child was seen alone", "k")  # the explorer's second
    finding = next(g for (v, g, p) in by_criterion.keys if v == "by jar_finding" and g.startswith("J11"))
    assert by_criterion.shown("by jar_finding", finding, "k")  # 58 = 38 + 20, printed


def test_alone_the_explorer_and_the_page_give_the_withheld_line_back(hand_built):
    bounds = _attack(hand_built, _state(hand_built, None))
    assert bounds[f"{_line('seen')}/rest"] == pytest.approx((2, 2))  # 40 - (58 - 20)


def test_joined_no_protected_figure_is_narrower_than_the_threshold(hand_built):
    state = _state(hand_built, page_registries("jar_haringey", _ctx(hand_built)))
    bounds = _attack(hand_built, state)
    narrow = {k: b for k, b in bounds.items() if b[1] - b[0] < PUB.high}
    assert not narrow


def test_joined_the_explorer_prints_no_criterion_the_page_withholds(hand_built):
    state = _state(hand_built, page_registries("jar_haringey", _ctx(hand_built)))
    figures = state.figures("2009-Q4")
    for part in ("k", "n"):  # the page's line "38 of 40" is c: so is the explorer's criterion
        assert not figures.shown("by criterion", "The child was seen", part)
    assert figures.shown("by criterion", "The child was seen alone", "k")  # 20 of 40, as the page prints it


@pytest.fixture(scope="module")
def demo(root):
    from review.data import load_evidence
    from review.protection.pseudonym import pseudonymise

    return pseudonymise(load_evidence(root / "data" / "demo"), root / "data" / "demo")


def _demo_attack(result, page_rec, state, line) -> tuple[float, float]:
    """The attacker's bounds on the rest of the page's withheld ``line``, from what the page and
    ``state`` print, knowing what a reader of the evidence map knows: each criterion's group is the
    page's line of its case-file audits, and each finding's group the sum of its criteria's."""
    reg, mine, hidden = _read_together(page_rec, state)
    criteria: dict[str, set[str]] = {}
    for f in result.findings:
        for ln in f.evidence:
            if ln.kind == "audit" and ln.source.startswith("Case-file audits: "):
                criterion = ln.source.removeprefix("Case-file audits: ")
                criteria.setdefault(f.item.item_id, set()).add(criterion)
                for part in ("k", "n"):
                    reg.total(mine.keys[("by criterion", criterion, part)],
                              [f"{line_key(ln.kind, ln.source, ln.k, ln.n)}/{part}"], name="the same line")
    # a finding's group holds the answers of every criterion the map tests it with (one group for a
    # criterion several findings share); the demo's map gives each its own criteria
    for finding, members in criteria.items():
        group = next(g for (v, g, p) in mine.keys if v == "by jar_finding" and g.startswith(f"{finding}: "))
        for part in ("k", "n"):
            reg.total(mine.keys[("by jar_finding", group, part)],
                      [mine.keys[("by criterion", c, part)] for c in sorted(members)], name="its criteria")
    return attack_bounds(reg.figures, reg.links, hidden, f"{line_key(line.kind, line.source, line.k, line.n)}/rest")


def test_demo_2009_q1_alone_gives_the_withheld_plan_line_back_and_joined_does_not(demo):
    cycle = "2009-Q1"
    params = RunParameters("jar_haringey", MappingProxyType(VALUES | {"cycle": cycle}))
    ctx = Context(params, demo, PUB, cycle, "2008-Q4")
    result = analyse_context(ctx)
    j07 = next(f for f in result.findings if f.item.item_id == "J07")
    line = next(ln for ln in j07.evidence if ln.source.startswith("Case-file audits: "))  # J07's one criterion
    page_rec = jar_figures.page_log(result, PUB).registry
    assert f"{line_key(line.kind, line.source, line.k, line.n)}/k" in page_rec["withheld"]
    assert PUB.is_small(line.n - line.k)  # the plans that did not: a count of 1 to 5
    rest = line.n - line.k
    assert _demo_attack(result, page_rec, _state_for(demo, cycle, None), line) == pytest.approx((rest, rest))
    joined = _state_for(demo, cycle, page_registries("jar_haringey", ctx))
    low, high = _demo_attack(result, page_rec, joined, line)
    assert high - low >= PUB.high


def _state_for(evidence, cycle, page):
    state = ExplorerState(LENS, evidence, cycle, PUB, page=page)
    state.set_audience("published")
    return state
