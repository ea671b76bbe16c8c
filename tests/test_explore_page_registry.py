"""The explorer's published view joins the registry its quarter's published page decided on.

Hand-built GOSE evidence, each quarter: assistant team managers (team A) audit 20 randomly
sampled files (6 Good, 14 Adequate) and 4 themed files on neglect (3 Good, 1 Adequate); team
managers (team B) 20 random files (6 Good, 14 Adequate) and 4 themed (2 Good, 2 Adequate). So:

- the random sample: 12 of 40 Good or better (the page's headline, the explorer's total);
- themed audits: 5 of 8, withheld (5 is a count of 1 to 5; 8 - 5 = 3 likewise);
- all tiers: 17 of 48 (20 + 4 + 20 + 4 files; 6 + 3 + 6 + 2 Good): assistant team managers 9
  of 24, team managers 8 of 24.

17 - 12 = 5 and 48 - 40 = 8 are the themed audits, so the page cannot print both 17 and 12. It
withholds two figures either way: the random sample's count with its evidence line's (the same
12, twice), or all tiers' 17 with a tier's (else all tiers is the tiers' sum); the registry then
withholds the smaller values, 12 + 12 = 24 against 17 + 8 = 25, so the random sample's count
is the page's complement. Alone, the explorer printed 12 (its total on the report's basis);
joined to the page's registry it shows c.
"""

from __future__ import annotations

from types import MappingProxyType

import pytest
from test_explore import _audit, _evidence

from review.analyses import gose_figures as gf
from review.analyses.context import Context
from review.analyses.gose import gose_result
from review.config.frameworks import FRAMEWORKS
from review.config.params import COMMON_PARAMS, RunParameters
from review.explore.lenses import LENSES
from review.explore.pages import page_registries
from review.explore.widgets import ExplorerState
from review.protection.disclosure import DisclosurePolicy

PUB = DisclosurePolicy("published")
COUNT = "final grade Good or better"


def _quarter(cycle: str) -> list[dict]:
    out = []
    for tier, team, good_random, good_themed in (("ATM", "A", 6, 3), ("TM", "B", 6, 2)):
        for i in range(20):
            out.append(_audit(f"{cycle}-{team}-R{i}", cycle, f"{cycle}-{team}-R{i}", tier,
                              "Good" if i < good_random else "Adequate", team=team, auditor=f"{tier}-{team}"))
        for i in range(4):
            out.append(dict(_audit(f"{cycle}-{team}-T{i}", cycle, f"{cycle}-{team}-T{i}", tier,
                                   "Good" if i < good_themed else "Adequate", team=team, auditor=f"{tier}-{team}"),
                            selection="themed", theme="neglect"))
    return out


@pytest.fixture(scope="module")
def gose():
    evidence = _evidence(_quarter("2009-Q3") + _quarter("2009-Q4"))
    values = {p.name: p.default for p in COMMON_PARAMS + FRAMEWORKS["gose_performance"].params}
    ctx = Context(RunParameters("gose_performance", MappingProxyType(values | {"cycle": "2009-Q4"})), evidence, PUB,
                  "2009-Q4", "2009-Q3")
    return ctx, gose_result(ctx)


def _published(ctx, page):
    state = ExplorerState(LENSES["gose_performance"], ctx.evidence, ctx.cycle, ctx.policy, page=page)
    state.set_audience("published")
    return state


def test_the_page_withholds_the_random_samples_count_as_a_complement(gose):
    ctx, result = gose
    a = result.audits
    assert (a.random_final.k, a.random_final.n) == (12, 40)
    assert a.themed == (("neglect", 5, 8),)
    assert (gf.all_tiers(a.tiers).final_good, gf.all_tiers(a.tiers).done) == (17, 48)
    page = gf.decide(result, PUB)
    assert page.shown(gf.tier_key(gf.ALL, "final_good"))  # 17 of 48 printed
    assert not page.shown(gf.RANDOM_FINAL + "/k")  # so 12 is withheld: 17 - 12 would be the themed 5


def test_the_explorer_joined_to_the_page_shows_c_where_the_page_withheld(gose):
    ctx, result = gose
    alone = _published(ctx, None).trend().frame.set_index("quarter")
    assert alone.loc["2009-Q4", COUNT] == 12  # the leak the join closes: 17 printed on the page, less 12
    state = _published(ctx, page_registries("gose_performance", ctx, result))
    line = state.trend().frame.set_index("quarter").loc["2009-Q4"]
    assert line[COUNT] == "c"
    assert line["rate"] == "c"  # 12 / 40 would give it back
    assert line["case files"] == 40  # the page prints the random sample's 40 files
    assert state.summary().total == 40
    # by team, A 6 of 20 and B 6 of 20 would add up to 12: one of them at least is c
    state.view = "by team"
    by_team = state.summary().frame.set_index("team")[COUNT]
    assert "c" in set(by_team)
    # the internal audience sees the figure as it is
    state.set_audience("internal")
    assert state.trend().frame.set_index("quarter").loc["2009-Q4", COUNT] == 12


def test_another_quarter_joins_its_own_page_rebuilt_from_the_evidence(gose):
    """2009-Q3 has the same audits: its page, computed again for that quarter, withholds its
    random sample's count too, and the explorer's 2009-Q3 line shows c."""
    ctx, result = gose
    page = page_registries("gose_performance", ctx, result)
    q3 = page.registry("2009-Q3", PUB)
    assert q3 is not None
    assert gf.RANDOM_FINAL + "/k" in q3["withheld"]
    line = _published(ctx, page).trend().frame.set_index("quarter").loc["2009-Q3"]
    assert line[COUNT] == "c"
    assert page.registry("2009-Q1", PUB) is None  # no audits that quarter: no page


def test_the_explorer_says_what_each_quarter_was_decided_with(gose):
    ctx, result = gose
    joined = _published(ctx, page_registries("gose_performance", ctx, result)).basis()
    assert "decided together with that quarter's published page" in joined
    assert "Q3 2009/10 (October to December 2009)" in joined  # the quarter as the pages name it
    alone = ExplorerState(LENSES["jar_haringey"], ctx.evidence, ctx.cycle, PUB)
    alone.set_audience("published")
    assert "decided on the explorer's own figures" in alone.basis()
    assert page_registries("healthcare_commission", ctx) is None  # its page keeps no registry
    assert page_registries("jar_haringey", ctx) is not None  # the JAR page's lines: tests/test_explore_jar_link.py
