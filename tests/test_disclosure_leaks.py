"""Planted leaks: each way the demo's published pack let a small count be worked out,
rebuilt by hand, with the attacker's arithmetic written out, and shown closed."""

from __future__ import annotations

import pytest

from review.analyses.judgement import Rates
from review.protection.disclosure import DisclosurePolicy
from review.protection.linked import Decision
from review.stats.proportion_difference import newcombe_difference
from review.views import common

PUB, INTERNAL = DisclosurePolicy(), DisclosurePolicy(audience="internal")


def change_attack(k: int, n: int, printed: str, *, level: float = 0.95, largest: int = 60) -> set[tuple[int, int]]:
    """Every last-cycle ``(k, n)`` whose change from ``k of n`` prints as ``printed`` ('+22.9 (-11.1 to
    +50.4)'): the attacker tries every group up to ``largest``."""
    found = set()
    for nb in range(1, largest + 1):
        for kb in range(nb + 1):
            d = newcombe_difference(k, n, kb, nb, confidence_level=level)
            ci = d.confidence_interval
            if f"{100 * d.statistic:+.1f} ({100 * ci.low:+.1f} to {100 * ci.high:+.1f})" == printed:
                found.add((kb, nb))
    return found


@pytest.mark.parametrize(("now", "before"), [((9, 16), (5, 15)), ((10, 16), (12, 15))])
def test_change_column_does_not_give_back_last_cycle(now, before):
    """'56.3% (9 of 16) | +22.9 points (-11.1 to +50.4)': the change and its interval fit only 5 of
    15 last quarter (a count of 5). IRO timeliness 10 of 16 against 12 of 15: 3 reviews out of time
    last quarter. Internally the change is printed; published, it is c."""
    line = Rates(confidence_level=0.95, green=0.8, red=0.65).line("audit", "reviews", now, before, "files")
    shown = common.change_text(line, INTERNAL)
    figures = shown.split(" points")[0] + shown.split(" points")[1].split(":")[0]
    assert change_attack(*now, figures) == {before}  # the leak, as the demo's page had it
    assert common.change_text(line, PUB) == "c"


def test_change_is_shown_when_last_cycle_could_be_shown_too():
    line = Rates(confidence_level=0.95, green=0.8, red=0.65).line("audit", "plans", (60, 100), (48, 90), "files")
    assert common.change_text(line, PUB) == common.change_text(line, INTERNAL) != "c"


# --- the GOSE page: its figures declared with their links (review.analyses.gose_figures) ----------

def _gose(**tables):
    """A GOSE result with only the tables a test needs (the registry reads nothing else)."""
    from types import SimpleNamespace

    import pandas as pd

    empty = pd.DataFrame()
    return SimpleNamespace(audits=None, items=tables.pop("items", ()), numbers=tables.get("numbers", empty),
                           categories=tables.get("categories", empty), workforce=tables.get("workforce", empty),
                           groups=tables.get("groups", ()), indicators=tables.get("indicators", empty))


def _recover(reg, decision, key):
    from review.protection.linked import attack_bounds

    hidden = set(decision.withheld) | {k for k, f in reg.figures.items() if not f.printed}
    return attack_bounds(reg.figures, reg.links, hidden, key)


def test_a_category_of_abuse_is_not_the_plans_started_less_the_others():
    """Plans started: neglect 30, physical 9, sexual 2, emotional 20 (61); the numbers table prints
    61 started. Withholding sexual abuse alone: 61 - 30 - 9 - 20 = 2."""
    import pandas as pd

    from review.analyses import gose_figures

    categories = pd.DataFrame({"category": ["Neglect", "Physical abuse", "Sexual abuse", "Emotional abuse"],
                               "plans_started": [30, 9, 2, 20]})
    numbers = pd.DataFrame({"group": ["CP"], "at_end": [250], "starts": [61], "ends": [50],
                            "population_under_18": [50_000], "rate_per_10000": [50.0]})
    r = _gose(numbers=numbers, categories=categories)
    reg = gose_figures.register(r, PUB)
    sexual = "gose/categories/Sexual abuse"
    assert _recover(reg, Decision({sexual: None}), sexual) == (2.0, 2.0)  # the leak
    d = reg.solve()
    assert set(d.withheld) == {sexual, "gose/categories/Physical abuse"}
    low, high = _recover(reg, d, sexual)
    assert high - low >= PUB.high
    assert gose_figures.register(r, INTERNAL).solve().withheld == {}


def test_a_teams_leavers_are_not_turnover_times_establishment():
    """Teams A, B, C with 1, 2 and 9 leavers in 25.7, 18.3 and 40.0 FTE in post: turnover 3.9%,
    10.9%, 22.5%. 25.7 x 3.85% to 25.7 x 3.95% is 0.99 to 1.02: team A's leavers are 1."""
    import pandas as pd

    from review.analyses import gose_figures

    t = pd.DataFrame({"service": ["A", "B", "C"], "starters": [8, 7, 10], "leavers": [1, 2, 9],
                      "in_post_fte": [25.7, 18.3, 40.0]})
    t = t.assign(turnover=t["leavers"] / t["in_post_fte"])
    reg = gose_figures.register(_gose(workforce=t), PUB)
    a = gose_figures.workforce_key("A", "leavers")
    low, high = _recover(reg, Decision({a: None, gose_figures.workforce_key("B", "leavers"): None}), a)
    assert high - low < 1  # the leak: turnover x FTE in post
    d = reg.solve()
    for team in ("A", "B"):
        assert gose_figures.workforce_key(team, "turnover") in d.withheld
        low, high = _recover(reg, d, gose_figures.workforce_key(team, "leavers"))
        assert high - low >= PUB.high
    assert d.shown(gose_figures.workforce_key("All teams", "leavers"))  # 12: the next level up is shown


def _feedback_item():
    """G01 as the analysis builds it from a hand-built feedback return: looked-after 24 of 47, on a
    plan 11 of 20, in need 28 of 33 (5 not positive); through the survey 52 of 78, the advocacy
    service 11 of 22. The record measure's line prints all who answered: 63 of 100."""
    from types import MappingProxyType, SimpleNamespace

    import pandas as pd

    from review.analyses.gose_measures import user_feedback
    from review.data import Evidence

    t = pd.DataFrame({"cycle": ["Q"] * 5, "group": ["LAC", "LAC", "CP", "CIN", "CIN"],
                      "source": ["survey", "advocacy service", "survey", "survey", "advocacy service"],
                      "positive": [18, 6, 11, 23, 5], "responses": [35, 12, 20, 23, 10]})
    ev = Evidence("hand-built", MappingProxyType({"user_feedback": t}), MappingProxyType({}), ())
    line = Rates(confidence_level=0.95, green=0.8, red=0.65).line(
        "user feedback", "responses that were positive", (63, 100), None, "responses")
    return SimpleNamespace(item="G01", measures=user_feedback(ev, "Q", 0.95).measures, lines=(line,))


def test_a_feedback_group_is_not_the_total_less_the_others():
    """The line prints 63 of 100. With in need withheld alone ('CIN: positive: c'), the reader
    subtracts: 63 - 24 - 11 = 28 of 100 - 47 - 20 = 33, so 5 not positive (the demo's leak).
    A group withheld takes another group with it; the total (the item's own line, printed on
    the LSCB checklist too) stays."""
    from review.analyses import gose_figures
    from review.views import gose as views

    item = _feedback_item()
    by_label = {m.label: m for m in item.measures}
    assert [(m.count, m.of) for m in item.measures] == [(24, 47), (11, 20), (28, 33), (11, 22), (52, 78)]
    reg = gose_figures.register(_gose(items=(item,)), PUB)
    d = reg.solve()
    texts = {m.label: str(views.measure_text(m, PUB, d, "G01")) for m in item.measures}
    for part in (item.measures[:3], item.measures[3:]):  # by group; by route
        hidden = [m for m in part if texts[m.label].endswith(": c")]
        assert len(hidden) != 1, texts  # one part withheld alone is the line's total less the others
        if hidden:  # the reader knows only the hidden parts together: each one's rest spans 0 to their sum
            assert sum((m.of or 0) - (m.count or 0) for m in hidden) >= PUB.high
    assert texts["CIN: positive"] == "CIN: positive: c"
    assert d.shown(gose_figures.line_key("G01", 0, item.lines[0]) + "/k")  # the judged line stays printed
    low, high = _recover(reg, d, gose_figures.measure_keys("G01", by_label["CIN: positive"])[:-2] + "/rest")
    assert high - low >= PUB.high
    assert gose_figures.register(_gose(items=(item,)), INTERNAL).solve().withheld == {}


def test_a_feedback_part_withheld_by_the_solver_is_not_printed_through_its_group():
    """The solver may withhold a rate's group (n) instead of its count (k): the page prints 'k of
    n' only when both are shown."""
    from review.analyses import gose_figures
    from review.analyses.gose_measures import Measure
    from review.protection.linked import Withheld
    from review.views import gose as views

    m = Measure("CIN: positive", 28, 33, unit="responses", part_of="group")
    n = gose_figures.measure_keys("G01", m)[:-2] + "/n"
    assert str(views.measure_text(m, PUB, Decision({n: Withheld(n, "p", "", "secondary")}), "G01")) == \
        "CIN: positive: c"


def test_open_of_which_overdue_does_not_give_the_rest():
    """Remedial actions on files graded Inadequate (each one child's file): 'Open 8, of which
    overdue 7' tells that 1 is open and not overdue. Actions of a framework are things: shown."""
    from types import SimpleNamespace

    from review.analyses import actions_figures
    from review.analyses.actions import AGE_BANDS, FrameworkActions

    ages = dict.fromkeys(AGE_BANDS, 0)
    remedial = FrameworkActions("audit", 8, 7, 12, ages | {AGE_BANDS[0]: 8})
    jar = FrameworkActions("jar_haringey", 2, 1, 1, ages | {AGE_BANDS[0]: 2})
    result = SimpleNamespace(by_source=(jar, remedial), remedial=SimpleNamespace(inadequate=0, due=0))
    reg = actions_figures.register(result, PUB)
    rest = actions_figures.key("audit", "not overdue")
    assert _recover(reg, Decision({}), rest) == (1.0, 1.0)  # the leak: 8 - 7
    d = reg.solve()
    low, high = _recover(reg, d, rest)
    assert high - low >= PUB.high
    assert all(d.shown(actions_figures.key("jar_haringey", c)) for c in ("open", "overdue", "completed"))


def test_a_single_post_holders_own_figures_are_internal_only():
    """'returns senior officers (AD, DCS) own' with one Assistant Director and one Director: 8 of 10
    returns on time is no small count, yet it is two people's own performance (unit ``post-holder``).
    (The map-based JAR analysis builds no such line any more; the unit's rule is tested here.)"""
    line = Rates(confidence_level=0.95, green=0.8, red=0.65).line("schedule", "returns AD and DCS own", (8, 10),
                                                                   (7, 10), "post-holder")
    assert common.line_level(line, PUB) == "c"
    assert common.line_band(line, PUB) == "c"
    assert common.change_text(line, PUB) == "c"
    assert common.line_level(line, INTERNAL).startswith("80.0% (8 of 10")


def test_gose_shows_no_band_on_a_single_post_holders_own_figures():
    """The GOSE page words a post-holder's line as common.line_band does: level and band both ``c``
    in a published report (a band on one person's own returns, 8 of 10 on time being green, rates
    that person); the internal report gives both."""
    from types import SimpleNamespace

    from review.views import gose

    line = Rates(confidence_level=0.95, green=0.8, red=0.65).line("schedule", "returns AD and DCS own", (8, 10),
                                                                   None, "post-holder")
    item = SimpleNamespace(lines=[line], item=None)
    published = str(gose._line_text(item, 0, PUB))
    assert published.endswith("returns AD and DCS own: c [c]")
    assert "Green" not in published
    internal = str(gose._line_text(item, 0, INTERNAL))
    assert "80.0% (8 of 10" in internal
    assert internal.endswith("[Green]")


def test_regulated_services_are_named_by_type_and_urn_never_by_name():
    import datetime as dt
    from types import SimpleNamespace

    import pandas as pd

    from review.views.gose import inspections

    t = pd.DataFrame({"service_name": ["Rowan Close", "Oak Lodge"], "service_type": ["children's home"] * 2,
                      "inspection_date": [dt.date(2009, 7, 1), dt.date(2009, 6, 1)], "grade": ["Adequate", "Good"],
                      "next_due": [dt.date(2010, 1, 1), dt.date(2009, 12, 1)], "overdue": [False, True],
                      "urn": [None, "SC765432"]})
    page = inspections(SimpleNamespace(inspections=t), PUB).data
    assert "Rowan Close" not in page
    assert "Oak Lodge" not in page
    assert "home (Ofsted URN SC765432)" in page
    assert "home 1" in page  # no URN, no public label: its type and a number in the order of inspections
    assert "Rowan Close" in inspections(SimpleNamespace(inspections=t), INTERNAL).data


def test_partner_agencies_are_published_together_where_one_is_small():
    """Three health agencies audited 'shared promptly': 2 of 3, 5 of 9 and 8 of 12 files. The
    first two are too small (a count of 2; a group of 9): published together, 15 of 24, with last
    cycle's 1 of 3 + 4 of 8 + 6 of 10 = 11 of 21; an agency alone never, so none is the merged
    line less the others. A criterion where every agency is large is shown agency by agency."""
    from review.analyses.jar_figures import MULTI_AGENCY, published_lines

    rates = Rates(confidence_level=0.95, green=0.8, red=0.65)
    small = [rates.line(MULTI_AGENCY, f"{a}: shared promptly", now, before, "files")
             for a, now, before in [("A", (2, 3), (1, 3)), ("B", (5, 9), (4, 8)), ("C", (8, 12), (6, 10))]]
    large = [rates.line(MULTI_AGENCY, f"{a}: records kept", (20, 30), None, "files") for a in ("A", "B")]
    shown = published_lines([*small, *large], PUB, rates)
    assert [(ln.source, ln.k, ln.n, ln.change.before) for ln in shown[:1]] == [
        ("partner agencies together (A, B, C): shared promptly", 15, 24, (11, 21))]
    assert shown[1:] == tuple(large)
    assert published_lines([*small, *large], INTERNAL, rates) == (*small, *large)
    assert common.line_level(shown[0], PUB).startswith("62.5% (15 of 24")


def test_partner_agencies_are_merged_within_their_sector_first():
    """Aggregate before withholding, by the sectors the council's data declare. Health agencies A
    (2 of 3) and B (20 of 30) and police P (15 of 25) audited 'shared promptly'. A alone is too
    small (a count of 2): health together is 22 of 33 (11 not met), and P, large, stands alone.
    Had the sector's line been too small too (A 2 of 3 with B 4 of 6: 6 of 9, a group under 10),
    every agency goes together: 2 + 4 + 15 = 21 of 3 + 6 + 25 = 34. An agency with no sector is
    never merged by sector."""
    from review.analyses.jar_figures import MULTI_AGENCY, published_lines

    rates = Rates(confidence_level=0.95, green=0.8, red=0.65)
    sectors = {"A": "Health agencies", "B": "Health agencies", "P": "Police agencies"}

    def lines(b: tuple[int, int]) -> list:
        return [rates.line(MULTI_AGENCY, f"{a}: shared promptly", now, None, "files")
                for a, now in [("A", (2, 3)), ("B", b), ("P", (15, 25))]]

    shown = published_lines(lines((20, 30)), PUB, rates, sectors)
    assert [(ln.source, ln.k, ln.n) for ln in shown] == [
        ("Health agencies together (A, B): shared promptly", 22, 33), ("P: shared promptly", 15, 25)]
    shown = published_lines(lines((4, 6)), PUB, rates, sectors)
    assert [(ln.source, ln.k, ln.n) for ln in shown] == [("partner agencies together (A, B, P): shared promptly", 21, 34)]
    shown = published_lines(lines((20, 30)), PUB, rates, {"B": "Health agencies", "P": "Police agencies"})
    assert [(ln.source, ln.k, ln.n) for ln in shown] == [("partner agencies together (A, B, P): shared promptly", 37, 58)]


def test_a_criterions_not_applicable_is_not_the_audits_less_the_rest():
    """Every criterion of a table is answered on the same 105 audits. Criterion A: 80 of 100 met,
    5 not applicable; B: 70 of 95 met, 10 not applicable. With A's 5 withheld alone, B gives the
    105 audits, and A's n/a is 105 - 100 = 5."""
    from types import SimpleNamespace

    from review.analyses import gose_figures
    from review.analyses.gose_audits import CriterionCounts

    a = CriterionCounts("a", "A", 80, 20, 5, None)
    b = CriterionCounts("b", "B", 70, 25, 10, None)
    r = _gose()
    r.audits = SimpleNamespace(criteria=(a, b), tiers=(), frame_size=0, random_final=None, random_first=None,
                               themed=(), moderation=None)
    reg = gose_figures.register(r, PUB)
    na = gose_figures.criterion_key("gose_criteria", "A", "n/a")
    assert _recover(reg, Decision({na: None}), na) == (5.0, 5.0)  # the leak
    d = reg.solve()
    low, high = _recover(reg, d, na)
    assert high - low >= PUB.high
    # the rates stay printed (the JAR stocktake prints them too): B's n/a is withheld with A's
    assert d.shown(gose_figures.criterion_key("gose_criteria", "A", "met"))
    assert d.shown(gose_figures.criterion_key("gose_criteria", "B", "met"))
    assert not d.shown(gose_figures.criterion_key("gose_criteria", "B", "n/a"))


def _group(item, audit_type, criteria, audits=0, moderated=0):
    from review.analyses.gose import AuditGroup

    return AuditGroup(item, audit_type, audit_type.capitalize(), "", tuple(criteria), audits, moderated, None)


def test_an_iro_part_is_not_the_stocktakes_whole_less_the_other_part():
    """The JAR stocktake prints a criterion's independent chairs' audits together, 22 of 34; the
    GOSE page prints the audit types apart, conferences (20 of 30) and reviews (2 of 4: a group
    under 10, withheld). 22 - 20 = 2 of 34 - 30 = 4: the reviews' part is the whole less the
    other, unless the conferences' part is withheld too."""
    from review.analyses import gose_figures
    from review.analyses.gose_audits import CriterionCounts

    cp = _group("G05", "conference", [CriterionCounts("t", "Reviewed in time", 20, 10, 0, None)])
    lac = _group("G05", "review", [CriterionCounts("t", "Reviewed in time", 2, 2, 0, None)])
    r = _gose(groups=(cp, lac))
    reg = gose_figures.register(r, PUB)
    part = gose_figures.criterion_key(gose_figures.group_table(lac), "Reviewed in time", "met")
    assert _recover(reg, Decision({part: None}), part) == (2.0, 2.0)  # the leak, across pages
    d = reg.solve()
    assert not d.shown(gose_figures.criterion_key(gose_figures.group_table(cp), "Reviewed in time", "met"))
    low, high = _recover(reg, d, part)
    assert high - low >= PUB.high


def test_a_groups_not_applicable_is_not_its_printed_audits_less_the_rest():
    """A supervision audit type's caption prints its 40 audits; criterion A: 36 of 37 met, 3 n/a;
    B: 30 of 40 met, 0 n/a. With A's 3 withheld alone, 40 - 37 = 3 (and its one unmet audit,
    37 - 36 = 1, is withheld by its own rule)."""
    from review.analyses import gose_figures
    from review.analyses.gose_audits import CriterionCounts

    g = _group("G04", "supervision", [CriterionCounts("a", "A", 36, 1, 3, None),
                                      CriterionCounts("b", "B", 30, 10, 0, None)], audits=40, moderated=12)
    reg = gose_figures.register(_gose(groups=(g,)), PUB)
    table = gose_figures.group_table(g)
    na = gose_figures.criterion_key(table, "A", "n/a")
    assert _recover(reg, Decision({na: None}), na) == (3.0, 3.0)  # the leak: the caption's audits
    d = reg.solve()
    low, high = _recover(reg, d, na)
    assert high - low >= PUB.high
    assert d.shown(gose_figures.audits_key(table))  # 40 audits: the caption stays printed


def test_a_groups_files_not_moderated_are_protected():
    """Supervision audits: 3 of 40 files moderated is a small count: withheld, with its
    complement's protection (40 - 3 = 37 is large: the count alone is enough)."""
    from review.analyses import gose_figures

    g = _group("G04", "supervision", [], audits=40, moderated=3)
    d = gose_figures.register(_gose(groups=(g,)), PUB).solve()
    assert not d.shown(gose_figures.moderated_key(g))
    assert d.shown(gose_figures.audits_key(gose_figures.group_table(g)))


@pytest.mark.parametrize(("quarter", "ytd", "leak"), [((2, 57), (10, 179), True), ((2, 57), (2, 57), True),
                                                       ((2, 5), (10, 16), False)])
def test_this_quarter_is_not_the_year_to_date_less_last_cycles(quarter, ytd, leak):
    """NI64: 2 of 57 plans this quarter (withheld), 10 of 179 in the financial year to date; last
    cycle's page printed its year to date, 8 of 122: 10 - 8 = 2 of 179 - 122 = 57. In a year's
    first quarter the year to date is this quarter itself. Where last cycle's year to date was
    withheld on its page (8 of 11: the rest, 3, is small), the year to date may stay."""
    import pandas as pd

    from review.analyses import gose_figures

    t = pd.DataFrame({"indicator": ["NI64"], "numerator": [quarter[0]], "denominator": [quarter[1]],
                      "ytd_numerator": [float(ytd[0])], "ytd_denominator": [float(ytd[1])]})
    r = _gose()
    r.indicators = t
    reg = gose_figures.register(r, PUB)
    d = reg.solve()
    this = gose_figures.indicator_key("NI64", "quarter")
    assert not d.shown(this)
    assert d.shown(gose_figures.indicator_key("NI64", "year to date")) is not leak
    low, high = _recover(reg, d, this)
    assert high - low >= PUB.high


def _programme(themed=(("domestic abuse", 5, 8),), first=(48, 97)):
    """A case-file programme: team managers (TM) and assistant team managers (ATM) audited 105
    files, 51 Good or better on final grades (54 on first grades); the random sample is 97 of
    them, 46 Good or better on final grades (48 on first); the themed audits the other 8."""
    from types import SimpleNamespace

    from review.analyses.gose_audits import TierResult

    tiers = (TierResult("ATM", "Assistant Team Manager", 12, 50, 45, 24, 22, 8),
             TierResult("TM", "Team Manager", 10, 60, 60, 30, 29, 11))
    return SimpleNamespace(tiers=tiers, frame_size=2000, random_final=SimpleNamespace(k=46, n=97),
                           random_first=SimpleNamespace(k=first[0], n=first[1]), themed=themed, moderation=None,
                           criteria=())


def test_a_themed_audit_is_not_all_tiers_less_the_random_sample():
    """'domestic abuse: c Good or better', beside the random sample's 46 of 97 and all tiers' 51 of
    105: 51 - 46 = 5 of 105 - 97 = 8, the themed audits' own figures. On first grades, 54 - 48 =
    6 Good or better of the same 8 files: 2 below Good, a small count no page prints but a reader
    works out. Either the random sample's rate or all tiers' must be withheld on each grade."""
    from review.analyses import gose_figures as gf

    r = _gose()
    r.audits = _programme()
    reg = gf.register(r, PUB)
    d = reg.solve()
    assert not gf.rate_shown(d, gf.themed_key("domestic abuse"))  # 5 of 8: its own rule
    for column, base in (("final_good", gf.RANDOM_FINAL), ("first_good", gf.RANDOM_FIRST)):
        all_tiers = d.shown(gf.tier_key(gf.ALL, column)) and d.shown(gf.tier_key(gf.ALL, "done"))
        assert not (all_tiers and gf.rate_shown(d, base) and gf.rate_shown(d, gf.RANDOM_FINAL)), column
    low, high = _recover(reg, d, gf.themed_key("domestic abuse") + "/k")
    assert high - low >= PUB.high
    low, high = _recover(reg, d, gf.outside_key("first") + "/rest")
    assert high - low >= PUB.high
    assert gf.register(r, INTERNAL).solve().withheld == {}


def test_a_large_themed_audit_leaves_the_random_sample_and_all_tiers_printed():
    """Themed audits of 30 files, 20 Good or better on final grades (22 on first): no small count
    outside the random sample, so both rates stay printed (what is linked is not withheld for its
    own sake)."""
    from types import SimpleNamespace

    from review.analyses import gose_figures as gf
    from review.analyses.gose_audits import TierResult

    r = _gose()
    r.audits = SimpleNamespace(
        tiers=(TierResult("ATM", "Assistant Team Manager", 12, 60, 67, 40, 33, 8),
               TierResult("TM", "Team Manager", 10, 60, 60, 30, 33, 11)),
        frame_size=2000, random_final=SimpleNamespace(k=46, n=97), random_first=SimpleNamespace(k=48, n=97),
        themed=(("domestic abuse", 20, 30),), moderation=None, criteria=())
    d = gf.register(r, PUB).solve()
    assert gf.rate_shown(d, gf.RANDOM_FINAL)
    assert gf.rate_shown(d, gf.RANDOM_FIRST)
    assert gf.rate_shown(d, gf.themed_key("domestic abuse"))
    assert d.shown(gf.tier_key(gf.ALL, "final_good"))
    assert d.shown(gf.tier_key(gf.ALL, "first_good"))


# --- the explorer's published view: what a breakdown protects is case files, not answers --------------

def _answers(groups):
    """One row per answer: each case type's files, seven criteria answered on every file."""
    import pandas as pd

    rows = [{"cycle": "2009-Q4", "case_ref": f"{case_type}-{f}", "team": "Team A", "case_type": case_type,
             "criterion": f"criterion {c}", "jar_finding": "J05", "auditor_tier": "TM", "met": float((f + c) % 3 > 0)}
            for case_type, files in groups for f in range(files) for c in range(7)]
    return pd.DataFrame(rows)


def test_a_small_group_of_files_does_not_pass_as_answers():
    """JAR stocktake, by case type: early help 4 files (28 answers of 7 criteria), in need 20 files
    (140), looked after 15 files (105). 28 answers passed the threshold though they are 4 children's
    files; withheld alone, they would be the quarter's 273 answers less 140 and 105, and 28 / 7 = 4."""
    from review.explore.lenses import LENSES
    from review.explore.published import quarter_figures
    from review.explore.tables import summary_table

    lens = LENSES["jar_haringey"]
    rows = _answers((("Early help", 4), ("CIN", 20), ("LAC", 15)))
    figures = quarter_figures(lens, rows, PUB)
    table = summary_table(lens, rows, "by case_type", PUB, figures=figures).frame.set_index("case_type")
    assert table.loc["Early help", "answers"] == "c"
    assert (table["answers"] == "c").sum() >= 2  # with the total shown, one withheld alone is the total less the rest
    total = summary_table(lens, rows, "", PUB, figures=figures).total
    assert total == 273
    # the reader knows only the withheld groups' answers together: early help's 28 is one of many
    hidden = [k for k, v in table["answers"].items() if v == "c"]
    assert sum(int((rows["case_type"] == k).sum()) for k in hidden) - 28 >= 7 * PUB.high
    internal = summary_table(lens, rows, "by case_type", INTERNAL).frame.set_index("case_type")
    assert internal.loc["Early help", "answers"] == 28


def test_a_share_of_few_files_is_not_shown_as_a_share_of_many_answers():
    """8 files (56 answers) make a group smaller than min_group (10) in files, though not in
    answers: its count met (and so its share) is withheld, with another group's count met (else
    the quarter's met less the others); the groups' answers stay shown."""
    from review.explore.lenses import LENSES
    from review.explore.published import quarter_figures
    from review.explore.tables import summary_table

    lens = LENSES["jar_haringey"]
    rows = _answers((("CP", 8), ("CIN", 12), ("LAC", 30)))
    figures = quarter_figures(lens, rows, PUB)
    table = summary_table(lens, rows, "by case_type", PUB, figures=figures).frame.set_index("case_type")
    assert table.loc["CP", "rate"] == "c"
    assert table.loc["CP", "met"] == "c"
    assert (table["met"] == "c").sum() == 2
    assert (table["rate"] != "c").sum() == 1
    assert table.loc["CIN", "answers"] == 84  # 12 files x 7 criteria


# --- bands on small groups: a judgement is shown, a line's band gives no count ------------------------

@pytest.mark.parametrize(("k", "band"), [(4, "green"), (1, "red")])
def test_a_self_assessments_band_on_five_managers_gives_no_count(k, band):
    """Governance G1.1: five area managers, k of them rating the item 7 or more, withheld (c). A
    green band (80% or more) leaves k = 4 or 5 (4/5 = 80%, 3/5 = 60%); red (below 65%) leaves 0
    to 3: two and four possible counts, where c leaves six (0 to 5). A self-assessment never makes
    the item's band (alone it is 'self-assessed, not evidenced'), so its band is not shown; the
    item's judgement is."""
    from review.analyses.judgement import triangulate

    rates = Rates(confidence_level=0.95, green=0.8, red=0.65)
    line = rates.line("self-assessment", "area managers rating it 7 or more out of 10", (k, 5), None, "ratings")
    assert line.band == band
    consistent = [c for c in range(6) if (c / 5 >= 0.8) == (band == "green") and (c / 5 < 0.65) == (band == "red")]
    assert len(consistent) < PUB.high + 1  # what the band alone would tell a reader
    assert common.line_level(line, PUB) == "c"
    assert common.line_band(line, PUB) == "c (small group)"
    assert common.line_band(line, INTERNAL) == common.BAND_WORDS[band]
    j = triangulate([line])
    row = common.evidence_rows("G1.1", (line,), j, PUB)[0]
    assert row["Band"] == "c (small group)"
    assert row["Judgement"] == "Self-assessed, not evidenced (self-assessment only; small group)"
    assert band.capitalize() not in " ".join(str(v) for v in row.values())


def test_an_independent_lines_band_on_a_small_group_is_the_judgement_and_is_shown():
    """Two of four plans reviewed in time (a withheld count): red, the item's judgement. A board
    must see its reds: the band is shown, marked small group; the figures are c."""
    from review.analyses.judgement import triangulate

    line = Rates(confidence_level=0.95, green=0.8, red=0.65).line("audit", "plans reviewed in time", (2, 4), None,
                                                                   "audits")
    row = common.evidence_rows("J07", (line,), triangulate([line]), PUB)[0]
    assert (row["Level"], row["Band"]) == ("c", "Red (small group)")
    assert row["Judgement"].startswith("Red")


# --- the explorer's published view and the page of the same cycle: one registry ---------------------

def _random_and_themed():
    """A GOSE page's programme: assistant team managers 18 Good or better of 24 files, team
    managers 17 of 24 (all tiers 35 of 48); the random sample 30 of 40; themed audits 5 of 8."""
    from types import SimpleNamespace

    from review.analyses.gose_audits import TierResult

    r = _gose()
    r.audits = SimpleNamespace(
        tiers=(TierResult("ATM", "Assistant Team Manager", 10, 24, 24, 18, 18, 3),
               TierResult("TM", "Team Manager", 10, 24, 24, 17, 17, 2)),
        frame_size=500, random_final=SimpleNamespace(k=30, n=40), random_first=None,
        themed=(("neglect", 5, 8),), moderation=None, criteria=())
    return r

def test_the_explorer_never_shows_what_the_page_withheld():
    """The GOSE page: the random sample 30 of 40 Good or better (final grades), themed audits 5 of
    8 (withheld), all tiers 35 of 48. The page cannot print both 35 and 30 (35 - 30 = 5 of 48 - 40
    = 8, the themed audits); its cheapest answer withholds the random sample's count. The explorer
    opens on the same basis (the random sample) and printed its total, 30 of 40: the page's c
    given back. Joined to the page's registry it withholds it, and no breakdown adds up to it."""

    import pandas as pd

    from review.analyses import gose_figures as gf
    from review.explore.lenses import LENSES, published_views
    from review.explore.published import quarter_figures

    r = _random_and_themed()
    page = gf.register(r, PUB).solve()
    assert not page.shown(gf.RANDOM_FINAL + "/k")  # the page's c
    assert page.shown(gf.tier_key(gf.ALL, "final_good"))  # 35 of 48
    lens = LENSES["gose_performance"]
    rows = pd.DataFrame({"team": ["A", "B"] * 20, "auditor_tier": ["ATM", "TM"] * 20, "case_type": ["CP"] * 40,
                         "final_grade": ["Good"] * 30 + ["Inadequate"] * 10, "met": [1.0] * 30 + [0.0] * 10})
    alone = quarter_figures(lens, rows, PUB)
    assert alone.shown("", "", "k")  # the leak: 30, the page's withheld count
    joined = quarter_figures(lens, rows, PUB, page=page.registry)
    assert not joined.shown("", "", "k")
    for view in (v for v in published_views(lens) if v.startswith("by ")):
        groups = [g for (v, g, part) in joined.keys if v == view and part == "k"]
        assert any(not joined.shown(view, g, "k") for g in groups), view  # else they add up to 30
    # by final grade, a Good group's files are all met: its size would give its count
    good = ("by final_grade", "Good")
    assert joined.shown(*good, "k") or not joined.shown(*good, "n")
    assert joined.shown("", "", "n")  # 40 files: no protected count rests on it


def test_a_breakdown_by_final_grade_gives_each_grades_count_with_its_size():
    """The explorer by final grade: Outstanding 3 files, Good 27, Inadequate 10; 30 of 40 Good or
    better in the quarter (shown: the report's headline). Every Good file is met, every
    Inadequate one not: a grade's size is its count. Printing Good's 27 files with its count c
    gave Outstanding's 3 back: 30 - 27 - 0."""
    import pandas as pd

    from review.explore.lenses import LENSES
    from review.explore.published import quarter_figures

    grades = ["Outstanding"] * 3 + ["Good"] * 27 + ["Inadequate"] * 10
    rows = pd.DataFrame({"team": ["A", "B"] * 20, "auditor_tier": ["ATM", "TM"] * 20, "case_type": ["CP"] * 40,
                         "final_grade": grades, "met": [1.0] * 30 + [0.0] * 10})
    q = quarter_figures(LENSES["gose_performance"], rows, PUB)
    assert q.shown("", "", "k")  # 30
    assert not q.shown("by final_grade", "Outstanding", "n")
    known_met = {"Good": 1, "Outstanding": 1, "Inadequate": 0}  # what a grade's name says
    # the reader's sum: the groups whose size is shown give their count; one unknown left is the rest
    unknown = [g for g, met in known_met.items() if not q.shown("by final_grade", g, "k")
               and not (q.shown("by final_grade", g, "n") or met == 0)]
    assert len(unknown) != 1, unknown


def test_the_explorers_tiers_less_the_pages_tiers_give_no_small_count():
    """The page's tier rows count every file a tier audited (assistant team managers 18 Good or
    better of 24); the explorer's, on the report's basis, the random sample's (15 of 20). 24 - 20
    = 4 files outside the random sample, 18 - 15 = 3 of them Good or better: the tier's themed
    audits, a small count. Joined to the page's registry, the explorer withholds its tier figures
    wherever the difference would be one."""

    import pandas as pd

    from review.analyses import gose_figures as gf
    from review.explore.lenses import LENSES
    from review.explore.published import quarter_figures

    r = _random_and_themed()
    page = gf.register(r, PUB).solve()
    rows = pd.DataFrame({"team": ["A", "B"] * 20, "auditor_tier": ["Assistant Team Manager (ATM)",
                                                                   "Team Manager (TM)"] * 20,
                         "case_type": ["CP"] * 40, "final_grade": ["Good"] * 30 + ["Inadequate"] * 10,
                         "met": [1.0] * 30 + [0.0] * 10})
    lens = LENSES["gose_performance"]
    view = "by auditor_tier"
    for q, leaks in ((quarter_figures(lens, rows, PUB), True), (quarter_figures(lens, rows, PUB, page=page.registry),
                                                                  False)):
        found = False
        for tier, label in (("ATM", "Assistant Team Manager (ATM)"), ("TM", "Team Manager (TM)")):
            mine = rows[rows["auditor_tier"] == label]
            n_out = page.shown(gf.tier_key(tier, "done")) and q.shown(view, label, "n")
            k_out = page.shown(gf.tier_key(tier, "final_good")) and q.shown(view, label, "k")
            t = next(x for x in r.audits.tiers if x.tier == tier)
            outside = {"files": t.done - len(mine) if n_out else None,
                       "Good": t.final_good - int(mine["met"].sum()) if k_out else None,
                       "rest": (t.done - t.final_good) - int((mine["met"] == 0).sum()) if n_out and k_out else None}
            found |= any(v is not None and PUB.low <= v <= PUB.high for v in outside.values())
        assert found is leaks
