"""Secondary suppression over linked figures (review.protection.linked), on hand-built tables.

Every test states the table, the links and, worked by hand, how a protected count would be read
back if only it were withheld; then it asserts, by brute force over whole numbers (a second
implementation beside the solver's linear programmes), that after :meth:`LinkedFigures.solve` the
count can take at least ``high + 1`` values given everything printed.
"""

from __future__ import annotations

import itertools

import pytest

from review.protection.disclosure import DisclosurePolicy
from review.protection.linked import LinkedFigures, attack_bounds
from review.protection.units import UndeclaredUnit

POLICY = DisclosurePolicy()  # counts of 1 to 5 protected


def brute_force(reg: LinkedFigures, hidden: set[str], target: str, top: int) -> set[int]:
    """Every whole value of ``target`` consistent with the printed figures: withheld and implicit
    figures range over 0..top; totals hold exactly; a printed ratio holds to its rounding."""
    linked = {k for ln in reg.links for k in (ln.keys if ln.kind == "total" else ln.keys[:2])}
    unknown = sorted(hidden & linked)  # a withheld ratio bounds nothing, so it is not enumerated
    found = set()
    for values in itertools.product(range(top + 1), repeat=len(unknown)):
        v = {k: f.value for k, f in reg.figures.items()} | dict(zip(unknown, values, strict=True))
        ok = True
        for ln in reg.links:
            if ln.kind == "total":
                ok &= v[ln.keys[0]] == sum(v[k] for k in ln.keys[1:])
            elif ln.keys[2] not in hidden:
                num, den, r = (v[k] for k in ln.keys)
                ok &= (r - ln.halfwidth) * den - 1e-9 <= num <= (r + ln.halfwidth) * den + 1e-9
            if not ok:
                break
        if ok:
            found.add(int(v[target]))
    return found


def all_hidden(reg: LinkedFigures, decision) -> set[str]:
    return set(decision.withheld) | {k for k, f in reg.figures.items() if not f.printed}


def categories(total_printed: bool = True) -> LinkedFigures:
    """Plans started by category: 9, 2, 19, 31; the total 61 printed in another table."""
    reg = LinkedFigures(POLICY)
    for name, v in [("physical", 9), ("sexual", 2), ("emotional", 19), ("neglect", 31)]:
        reg.add(name, v, "children", page="gose", label=name)
    if total_printed:
        reg.add("started", 61, "children", page="gose", label="started")
        reg.total("started", ["physical", "sexual", "emotional", "neglect"], name="categories add up to started")
    return reg


def test_category_recovered_from_total_unless_a_second_is_withheld():
    reg = categories()
    # planted leak: only the primary withheld: 61 - 9 - 19 - 31 = 2
    assert attack_bounds(reg.figures, reg.links, {"sexual"}, "sexual") == (2.0, 2.0)
    d = reg.solve()
    assert set(d.withheld) == {"sexual", "physical"}  # the smallest other category: 9
    hidden = all_hidden(reg, d)
    low, high = attack_bounds(reg.figures, reg.links, hidden, "sexual")
    assert (low, high) == (0.0, 11.0)  # 2 + 9 = 11 between them
    assert brute_force(reg, hidden, "sexual", 61) == set(range(12))
    assert d.withheld["physical"].rule == "secondary"
    assert d.withheld["physical"].links == ("categories add up to started",)
    assert d.withheld["sexual"].rule == "primary"


def test_no_total_printed_needs_no_secondary():
    d = categories(total_printed=False).solve()
    assert set(d.withheld) == {"sexual"}


def test_internal_audience_withholds_nothing():
    reg = LinkedFigures(DisclosurePolicy(audience="internal"))
    reg.add("a", 2, "children", page="p")
    assert reg.solve().withheld == {}


def test_counts_of_things_are_not_withheld():
    reg = LinkedFigures(POLICY)
    reg.add("open", 8, "actions", page="p")
    reg.add("overdue", 3, "actions", page="p")
    assert reg.solve().withheld == {}


def test_undeclared_unit_is_refused():
    with pytest.raises(UndeclaredUnit):
        LinkedFigures(POLICY).add("x", 3, "widgets", page="p")


def test_two_way_table_with_totals_hides_a_rectangle_and_no_more():
    """A 2x3 table with row and column totals and a grand total, one small cell (2): hiding it
    alone gives it back from its row and its column; the fewest cells that protect it are four, and
    of those the rectangle of the smallest values."""
    cells = {("r1", "c1"): 2, ("r1", "c2"): 10, ("r1", "c3"): 14, ("r2", "c1"): 8, ("r2", "c2"): 11, ("r2", "c3"): 20}
    reg = LinkedFigures(POLICY)
    for (r, c), v in cells.items():
        reg.add(f"{r}{c}", v, "children", page="p")
    for r in ("r1", "r2"):
        reg.add(f"{r}T", sum(v for (rr, _), v in cells.items() if rr == r), "children", page="p")
        reg.total(f"{r}T", [f"{r}{c}" for c in ("c1", "c2", "c3")], name=f"row {r}")
    for c in ("c1", "c2", "c3"):
        reg.add(f"T{c}", sum(v for (_, cc), v in cells.items() if cc == c), "children", page="p")
        reg.total(f"T{c}", [f"{r}{c}" for r in ("r1", "r2")], name=f"column {c}")
    reg.add("T", sum(cells.values()), "children", page="p")
    reg.total("T", ["r1T", "r2T"], name="rows add up")
    reg.total("T", ["Tc1", "Tc2", "Tc3"], name="columns add up")
    assert attack_bounds(reg.figures, reg.links, {"r1c1"}, "r1c1") == (2.0, 2.0)
    d = reg.solve()
    assert len(d.withheld) == 4
    assert set(d.withheld) == {"r1c1", "r1c2", "r2c1", "r2c2"}  # the smallest rectangle's total value
    hidden = all_hidden(reg, d)
    values = brute_force(reg, hidden, "r1c1", 25)
    assert max(values) - min(values) >= POLICY.high
    # optimal: no set of three cells protects the count
    keys = [k for k in reg.figures if k != "r1c1"]
    for extra in itertools.combinations(keys, 2):
        lo, up = attack_bounds(reg.figures, reg.links, {"r1c1", *extra}, "r1c1")
        assert up - lo < POLICY.high, extra


def test_a_cycle_of_links_that_no_single_link_gives_away():
    """a + b = 7, b + c = 30, c + a = 27 (a = 2): every link has two withheld figures, yet
    a = (7 - 30 + 27) / 2. The pairwise rule alone passes; the attacker's audit finds it and the
    solver withholds a total as well."""
    reg = LinkedFigures(POLICY)
    for k, v in [("a", 2), ("b", 5), ("c", 25), ("ab", 7), ("bc", 30), ("ca", 27)]:
        reg.add(k, v, "children", page="p")
    reg.total("ab", ["a", "b"], name="a and b")
    reg.total("bc", ["b", "c"], name="b and c")
    reg.total("ca", ["c", "a"], name="c and a")
    assert attack_bounds(reg.figures, reg.links, {"a", "b", "c"}, "a") == pytest.approx((2.0, 2.0))
    d = reg.solve()
    hidden = all_hidden(reg, d)
    for t in ("a", "b"):
        values = brute_force(reg, hidden, t, 30)
        assert max(values) - min(values) >= POLICY.high, t


def test_rate_with_a_small_complement():
    """'9 of 10' tells that 1 was not: the complement is protected though never printed."""
    reg = LinkedFigures(POLICY)
    k, n = reg.rate("iro", 9, 10, "children", page="p", label="reviews in time")
    d = reg.solve()
    assert len({k, n} & set(d.withheld)) == 1
    assert brute_force(reg, all_hidden(reg, d), "iro/rest", 12) != {1}


def test_open_of_which_overdue():
    """'Open 8, of which overdue 7' for remedial actions on children's files: 1 not overdue."""
    reg = LinkedFigures(POLICY)
    reg.add("open", 8, "remedial actions", page="p")
    reg.add("overdue", 7, "remedial actions", page="p")
    reg.add("not overdue", 1, "remedial actions", page="p", printed=False)
    reg.total("open", ["overdue", "not overdue"], name="open: overdue and not")
    assert attack_bounds(reg.figures, reg.links, {"not overdue"}, "not overdue") == (1.0, 1.0)
    d = reg.solve()
    assert len(d.withheld) == 1
    values = brute_force(reg, all_hidden(reg, d), "not overdue", 20)
    assert max(values) - min(values) >= POLICY.high


def test_turnover_times_establishment_gives_leavers():
    """Per team: leavers 1, 2, 8 in posts of 30, 30, 40 FTE, turnover printed to 0.1%
    (3.3%, 6.7%, 20.0%), total leavers 11 printed: leavers = turnover x FTE in post."""
    reg = LinkedFigures(POLICY)
    teams = [("A", 1, 30.0), ("B", 2, 30.0), ("C", 8, 40.0)]
    for t, leavers, fte in teams:
        reg.add(f"{t}/leavers", leavers, "staff", page="gose", label=f"{t} leavers")
        reg.add(f"{t}/fte", fte, "FTE", page="gose")
        reg.add(f"{t}/turnover", round(leavers / fte, 3), "share", page="gose")
        reg.ratio(f"{t}/leavers", f"{t}/fte", f"{t}/turnover", name=f"{t}: turnover x FTE in post", halfwidth=0.0005)
    reg.add("leavers", 11, "staff", page="gose")
    reg.total("leavers", [f"{t}/leavers" for t, _, _ in teams], name="teams' leavers add up")
    # planted leak: leavers withheld, turnover printed: 30 x 3.3% = 0.99..1.005 -> 1
    lo, up = attack_bounds(reg.figures, reg.links, {"A/leavers", "B/leavers"}, "A/leavers")
    assert up - lo < 1
    d = reg.solve()
    hidden = all_hidden(reg, d)
    for t in ("A", "B"):
        lo, up = attack_bounds(reg.figures, reg.links, hidden, f"{t}/leavers")
        assert up - lo >= POLICY.high, t
        values = brute_force(reg, hidden, f"{t}/leavers", 30)
        assert max(values) - min(values) >= POLICY.high
    assert not {"A/turnover", "B/turnover"} <= set(d.withheld) or "A/fte" not in d.withheld


def test_same_figure_on_two_pages_links_them():
    """A total printed on one page protects parts on another: the key is the figure's."""
    reg = LinkedFigures(POLICY)
    reg.add("started", 61, "children", page="summary")
    reg.add("started", 61, "children", page="gose")
    for k, v in [("x", 3), ("y", 58)]:
        reg.add(k, v, "children", page="gose")
    reg.total("started", ["x", "y"], name="parts")
    d = reg.solve()
    assert "x" in d.withheld
    assert len(d.withheld) == 2


def test_log_names_rule_and_link():
    d = categories().solve()
    rows = {r["key"]: r for r in d.log()}
    assert rows["sexual"]["rule"] == "primary"
    assert rows["physical"]["rule"] == "secondary"
    assert rows["physical"]["links"] == "categories add up to started"
    assert rows["physical"]["page"] == "gose"


def test_the_heuristic_that_completes_an_unsettled_answer_is_safe():
    """With no exact round allowed, the documented heuristic alone still leaves every protected
    count with at least high + 1 possible values (it may withhold more than the fewest)."""
    reg = LinkedFigures(POLICY)
    for k, v in [("a", 2), ("b", 5), ("c", 25), ("ab", 7), ("bc", 30), ("ca", 27)]:
        reg.add(k, v, "children", page="p")
    reg.total("ab", ["a", "b"], name="a and b")
    reg.total("bc", ["b", "c"], name="b and c")
    reg.total("ca", ["c", "a"], name="c and a")
    reg.max_rounds = 0
    d = reg.solve()
    hidden = all_hidden(reg, d)
    for t in ("a", "b"):
        values = brute_force(reg, hidden, t, 30)
        assert max(values) - min(values) >= POLICY.high, t
    exact = categories().solve()  # and the exact answer where the rounds settle: two cells
    assert len(exact.withheld) == 2
