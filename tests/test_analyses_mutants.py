"""The analyses beyond the judgement core on small hand-built evidence: tests written to kill the
mutants a mutation tool found alive (docs/testing.md, "Mutation testing"). Each test builds its own
evidence; every expected value is worked out beside it."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import os
import pickle
from types import MappingProxyType, SimpleNamespace

import pandas as pd
import pytest
from grade_scales import OFSTED, SCORES, STARS

from review.analyses import (
    actions,
    actions_figures,
    audit_learning,
    audits,
    gose_audits,
    gose_figures,
    governance,
    healthcare_commission,
    lscb_checklist,
    red_items,
    region,
)
from review.analyses import self_assessment as sa
from review.analyses._evidence import agency_of
from review.analyses.actions import AGE_BANDS, ActionsResult, FrameworkActions, Remedial
from review.analyses.gose_audits import TierResult
from review.analyses.gose_measures import Measure
from review.analyses.jar_figures import MULTI_AGENCY, published_lines
from review.analyses.judgement import SELF, Rates, triangulate
from review.analyses.shown_bands import deciding_lines
from review.config.thresholds import Threshold
from review.data import DATASETS, Evidence
from review.exceptions import ParameterError
from review.protection.disclosure import DisclosurePolicy
from review.stats.agreement import AgreementResult
from review.stats.agreement.results import ConfidenceInterval

# the module, not the function review.analyses exports under its name
context_module = importlib.import_module("review.analyses.context")
PUB, INTERNAL = DisclosurePolicy(), DisclosurePolicy(audience="internal")
RATES = Rates(confidence_level=0.95, green=0.8, red=0.65)
SCALES = MappingProxyType({"ofsted_2008": OFSTED, "stars": STARS, "scaling_0_10": SCORES})


def _table(name, rows):
    return pd.DataFrame(rows, columns=[c.name for c in DATASETS[name].columns])


def _ratings(framework, cycle, table):
    """Self-assessment rows: {item: {rater: rating}}, agencies rating on the Ofsted scale."""
    return [{"cycle": cycle, "framework": framework, "item": item, "rater": rater, "rater_type": "agency",
             "grade_scale": "ofsted_2008", "rating": rating} for item, ratings in table.items()
            for rater, rating in ratings.items()]


def _evidence(**tables):
    tables.setdefault("criteria", _table("criteria", []))
    return Evidence("hand-built", MappingProxyType(tables), SCALES, ())


def _ctx(evidence, *, level=0.9, green=0.7, red=0.5, thresholds=None):
    params = SimpleNamespace(confidence_level=level, rag_green=green, rag_red=red, thresholds=thresholds or {})
    return SimpleNamespace(evidence=evidence, cycle="2009-Q4", previous="2009-Q2", params=params,
                           policy=DisclosurePolicy(audience="internal"))


# --- the action plan's figures -------------------------------------------------------------------

def _actions(by_source, remedial):
    return ActionsResult("2009-Q4", dt.date(2009, 12, 31), True, tuple(by_source), (), (), (), remedial)


def test_the_action_plan_registers_each_count_with_its_unit_page_label_and_links():
    # one framework: 5 open (2 overdue, so 3 not overdue), 4 completed; ageing 1 + 2 + 0 + 2 = 5 open.
    # Remedial: 6 files graded Inadequate, 4 due (3 on time, so 1 not on time), 2 not yet due.
    ageing = dict(zip(AGE_BANDS, (1, 2, 0, 2), strict=True))
    remedial = Remedial(inadequate=6, due=4, on_time=3, late=1, not_done=0, no_action=0, not_yet_due=2,
                        proportion=None)
    reg = actions_figures.register(_actions([FrameworkActions("board_x", 5, 2, 4, ageing)], remedial),
                                   DisclosurePolicy())
    rec = reg.record()
    assert rec["figures"] == [
        ["actions/board_x/open", 5.0, "actions", "actions", "board_x: open", True],
        ["actions/board_x/overdue", 2.0, "actions", "actions", "board_x: overdue", True],
        ["actions/board_x/completed", 4.0, "actions", "actions", "board_x: completed", True],
        ["actions/board_x/not overdue", 3.0, "actions", "actions", "board_x: open, not overdue", False],
        ["actions/board_x/raised this cycle", 1.0, "actions", "actions", "board_x: open raised this cycle", True],
        ["actions/board_x/1 cycle", 2.0, "actions", "actions", "board_x: open 1 cycle", True],
        ["actions/board_x/2 cycles", 0.0, "actions", "actions", "board_x: open 2 cycles", True],
        ["actions/board_x/3 or more cycles", 2.0, "actions", "actions", "board_x: open 3 or more cycles", True],
        ["actions/remedial/on time", 3.0, "remedial actions", "actions", "remedial action done on time", True],
        ["actions/remedial/not on time", 1.0, "remedial actions", "actions", "remedial action not done on time",
         True],
        ["actions/remedial/due", 4.0, "remedial actions", "actions", "remedial action due", True],
        ["actions/remedial/not yet due", 2.0, "remedial actions", "actions", "remedial action not yet due", True]]
    bands = [f"actions/board_x/{b}" for b in AGE_BANDS]
    assert rec["links"] == [
        ["total", ["actions/board_x/open", "actions/board_x/overdue", "actions/board_x/not overdue"],
         "board_x: open = overdue + not overdue", 0.0],
        ["total", ["actions/board_x/open", *bands], "board_x: ageing bands add up to the open actions", 0.0],
        ["total", ["actions/remedial/due", "actions/remedial/on time", "actions/remedial/not on time"],
         "remedial action due = on time + not on time", 0.0]]


def test_no_open_action_registers_no_ageing_and_no_remedial_figures_without_files_due():
    # nothing open: no ageing bands; Inadequate files but none due yet: no remedial figures at all
    ageing = dict.fromkeys(AGE_BANDS, 0)
    remedial = Remedial(inadequate=2, due=0, on_time=0, late=0, not_done=0, no_action=0, not_yet_due=2,
                        proportion=None)
    rec = actions_figures.register(_actions([FrameworkActions("audit", 0, 0, 3, ageing)], remedial),
                                   DisclosurePolicy()).record()
    # the source "audit" holds remedial actions on children's files: its unit is protected
    assert [f[0] for f in rec["figures"]] == ["actions/audit/open", "actions/audit/overdue",
                                              "actions/audit/completed", "actions/audit/not overdue"]
    assert {f[2] for f in rec["figures"]} == {"remedial actions"}
    assert len(rec["links"]) == 1


# --- the GOSE page's figures ---------------------------------------------------------------------

def _gose(**parts):
    """A GOSE result with only what a test needs (the registry reads nothing else)."""
    empty = pd.DataFrame()
    return SimpleNamespace(audits=parts.get("audits"), items=parts.get("items", ()), groups=parts.get("groups", ()),
                           numbers=parts.get("numbers", empty), categories=parts.get("categories", empty),
                           workforce=parts.get("workforce", empty), indicators=parts.get("indicators", empty))


def _figures(reg):
    """Each registered figure by key: (value, unit, page, label, printed)."""
    return {f[0]: tuple(f[1:]) for f in reg.record()["figures"]}


def _links(reg):
    return [(kind, tuple(keys), name) for kind, keys, name, _ in reg.record()["links"]]


def _numbers(cp_starts, categories):
    numbers = pd.DataFrame([("CP", 40, cp_starts, 20, 50_000, 8.0), ("LAC", 30, 10, 12, 0, 0.0)],
                           columns=["group", "at_end", "starts", "ends", "population_under_18", "rate_per_10000"])
    return _gose(numbers=numbers, categories=pd.DataFrame(categories, columns=["category", "plans_started"]))


def test_the_numbers_table_registers_each_group_its_rate_and_the_plans_started_by_category():
    # CP: 40 at the end, 25 started, 20 ended; 50,000 under-18s = 5 tens of thousands; 40 / 5 = 8.0 per 10,000.
    # LAC has no population: no rate. Plans started by category: 15 + 9 = 24, not CP's 25 (a plan in no
    # category), so the categories' total is a figure of its own.
    reg = gose_figures.register(_numbers(25, [("neglect", 15), ("emotional abuse", 9)]), PUB)
    page = "gose_performance"
    assert _figures(reg) == {
        "gose/numbers/CP/at_end": (40.0, "children", page, "CP: at end", True),
        "gose/numbers/CP/starts": (25.0, "children", page, "CP: starts", True),
        "gose/numbers/CP/ends": (20.0, "children", page, "CP: ends", True),
        "gose/numbers/CP/population": (5.0, "FTE", page, "under-18 population (tens of thousands, public)", True),
        "gose/numbers/CP/rate": (8.0, "rate", page, "CP: rate per 10,000 under-18s", True),
        "gose/numbers/LAC/at_end": (30.0, "children", page, "LAC: at end", True),
        "gose/numbers/LAC/starts": (10.0, "children", page, "LAC: starts", True),
        "gose/numbers/LAC/ends": (12.0, "children", page, "LAC: ends", True),
        "gose/categories/neglect": (15.0, "children", page, "plans started: neglect", True),
        "gose/categories/emotional abuse": (9.0, "children", page, "plans started: emotional abuse", True),
        "gose/categories/total": (24.0, "children", page, "child protection plans started", True)}
    assert reg.record()["public"] == ["gose/numbers/CP/population"]
    assert reg.record()["links"] == [
        ["ratio", ["gose/numbers/CP/at_end", "gose/numbers/CP/population", "gose/numbers/CP/rate"],
         "CP: rate per 10,000 x population", 0.05],
        ["total", ["gose/categories/total", "gose/categories/neglect", "gose/categories/emotional abuse"],
         "categories of abuse add up to the plans started", 0.0]]


def test_categories_adding_up_to_the_plans_started_are_linked_to_that_printed_figure():
    # 16 + 9 = 25 = CP's plans started: the categories add up to the figure the numbers table prints
    reg = gose_figures.register(_numbers(25, [("neglect", 16), ("emotional abuse", 9)]), PUB)
    assert "gose/categories/total" not in reg.figures
    assert _links(reg)[-1] == ("total", ("gose/numbers/CP/starts", "gose/categories/neglect",
                                         "gose/categories/emotional abuse"),
                               "categories of abuse add up to the plans started")


def test_the_workforce_registers_each_team_and_all_teams_with_turnover_linked_to_fte_in_post():
    # Team A: 3 starters, 2 leavers, 10 FTE in post, turnover 2 / 10 = 0.2; Team B: 1, 4, 20 FTE, 4 / 20 = 0.2.
    # All teams: 3 + 1 = 4 starters, 2 + 4 = 6 leavers, 30 FTE, turnover 6 / 30 = 0.2.
    t = pd.DataFrame([("Team A", 3, 2, 10.0, 0.2), ("Team B", 1, 4, 20.0, 0.2)],
                     columns=["service", "starters", "leavers", "in_post_fte", "turnover"])
    reg = gose_figures.register(_gose(workforce=t), PUB)
    page = "gose_performance"

    def team(name, starters, leavers, fte, turnover):
        return {f"gose/workforce/{name}/starters": (float(starters), "staff", page, f"{name}: starters", True),
                f"gose/workforce/{name}/leavers": (float(leavers), "staff", page, f"{name}: leavers", True),
                f"gose/workforce/{name}/in post": (fte, "FTE", page, f"{name}: FTE in post (establishment less "
                                                                       "vacancies, both printed)", True),
                f"gose/workforce/{name}/turnover": (turnover, "share", page, f"{name}: turnover", True)}

    assert _figures(reg) == {
        **team("Team A", 3, 2, 10.0, 0.2), **team("Team B", 1, 4, 20.0, 0.2),
        "gose/workforce/All teams/starters": (4.0, "staff", page, "all teams: starters", True),
        "gose/workforce/All teams/leavers": (6.0, "staff", page, "all teams: leavers", True),
        "gose/workforce/All teams/in post": (30.0, "FTE", page, "all teams: FTE in post", True),
        "gose/workforce/All teams/turnover": (0.2, "share", page, "all teams: turnover", True)}
    assert reg.record()["public"] == sorted(f"gose/workforce/{s}/in post" for s in ("Team A", "Team B", "All teams"))
    w = "gose/workforce/"
    assert reg.record()["links"] == [
        ["ratio", [f"{w}Team A/leavers", f"{w}Team A/in post", f"{w}Team A/turnover"], "Team A: turnover x FTE in post",
         0.0005],
        ["ratio", [f"{w}Team B/leavers", f"{w}Team B/in post", f"{w}Team B/turnover"], "Team B: turnover x FTE in post",
         0.0005],
        ["total", [f"{w}All teams/starters", f"{w}Team A/starters", f"{w}Team B/starters"],
         "teams add up to all teams: starters", 0.0],
        ["total", [f"{w}All teams/leavers", f"{w}Team A/leavers", f"{w}Team B/leavers"],
         "teams add up to all teams: leavers", 0.0],
        ["ratio", [f"{w}All teams/leavers", f"{w}All teams/in post", f"{w}All teams/turnover"],
         "all teams: turnover x FTE in post", 0.0005]]


def test_an_audit_group_registers_its_audits_files_moderated_and_pooled_audits():
    # G05 conference audits: 12 audits, 3 moderated (12 - 3 = 9 the rest), answers pooled from 10 of them.
    # G04 supervision: 8 audits, all 8 pooled (no figure of its own); an empty group registers nothing.
    conf = SimpleNamespace(item="G05", audit_type="CP conference", label="Conference audits", audits=12, moderated=3,
                           pooled=SimpleNamespace(n_audits=10), criteria=())
    sup = SimpleNamespace(item="G04", audit_type="supervision", label="Supervision", audits=8, moderated=0,
                          pooled=SimpleNamespace(n_audits=8), criteria=())
    empty = SimpleNamespace(item="G04", audit_type="other", label="Other", audits=0, moderated=0, pooled=None,
                            criteria=())
    reg = gose_figures.register(_gose(groups=(conf, sup, empty)), INTERNAL)
    page = "gose_performance"
    assert _figures(reg) == {
        "gose/gose_g05_cp_conference/audits": (12.0, "audits", page, "Conference audits (G05): audits", True),
        "gose/G05/Conference audits: final grades/k": (3.0, "audits", page, "Conference audits (G05): files moderated",
                                                       True),
        "gose/G05/Conference audits: final grades/rest": (
            9.0, "audits", page, "Conference audits (G05): files moderated (the rest of the group)", False),
        "gose/gose_g05_cp_conference/pooled audits": (
            10.0, "audits", page, "Conference audits (G05): audits with an applicable answer", True),
        "gose/gose_g04_supervision/audits": (8.0, "audits", page, "Supervision (G04): audits", True),
        "gose/G04/Supervision: final grades/k": (0.0, "audits", page, "Supervision (G04): files moderated", True),
        "gose/G04/Supervision: final grades/rest": (8.0, "audits", page,
                                                    "Supervision (G04): files moderated (the rest of the group)",
                                                    False)}
    # the files moderated are "k of the group's audits": the group is the caption's audits, not a figure of its own
    assert ("total", ("gose/gose_g05_cp_conference/audits", "gose/G05/Conference audits: final grades/k",
                      "gose/G05/Conference audits: final grades/rest"),
            "Conference audits (G05): files moderated: count and the rest of its group") in _links(reg)


def test_only_g03_s_line_equal_to_the_random_sample_is_linked_to_the_headline():
    # the random sample: 46 of 97 files Good or better on final grades. G03's audit line 46 of 97 is that
    # headline; G01's line happens to be 46 of 97 too, but it is another item's evidence: not linked.
    audits = SimpleNamespace(tiers=(), frame_size=0, random_final=SimpleNamespace(k=46, n=97), random_first=None,
                             themed=(), moderation=None, criteria=())
    line = RATES.line("audit", "files Good or better", (46, 97), None, "audits")
    items = (SimpleNamespace(item="G01", lines=(line,), measures=()), SimpleNamespace(item="G03", lines=(line,),
                                                                                      measures=()))
    reg = gose_figures.register(_gose(audits=audits, items=items), INTERNAL)
    headline = [link for link in _links(reg) if link[2].startswith("G03: the random sample's line")]
    g03 = "gose/G03/line 0/audit: files Good or better"
    assert headline == [("total", (f"{g03}/k", "gose/G03/random sample, final grades/k"),
                         "G03: the random sample's line is its headline"),
                        ("total", (f"{g03}/n", "gose/G03/random sample, final grades/n"),
                         "G03: the random sample's line is its headline (files)")]
    assert _figures(reg)["gose/G01/line 0/audit: files Good or better/k"][3] == "G01 audit: files Good or better"


def _programme(themed_k=3):
    # Two tiers: TM 3 auditors, 12 planned, 10 done, 6 Good or better first, 5 final, 2 changed; ATM 2, 8, 8,
    # 4, 4, 1. All tiers: 5, 20, 18, 10, 9, 3. The random sample: 7 of 9 Good or better on final grades, 8 of
    # the same 9 on first grades, from 120 open cases; themed audits of neglect: themed_k of 5; 6 moderated
    # pairs, 2 lowered below the line and 1 raised above it.
    tiers = (TierResult("TM", "Team Manager", 3, 12, 10, 6, 5, 2), TierResult("ATM", "Assistant Team Manager", 2, 8, 8,
                                                                            4, 4, 1))
    audits = SimpleNamespace(tiers=tiers, frame_size=120, random_final=SimpleNamespace(k=7, n=9),
                             random_first=SimpleNamespace(k=8, n=9), themed=(("neglect", themed_k, 5),),
                             moderation=SimpleNamespace(n_pairs=6, lowered_below=2, raised_above=1), criteria=())
    return _gose(audits=audits)


def test_the_audit_programme_registers_tiers_sample_themes_and_moderation_with_their_labels():
    reg = gose_figures.register(_programme(), PUB)
    labels = {k: v[3] for k, v in _figures(reg).items()}
    t = "gose/tiers/"
    assert [labels[k] for k in (f"{t}TM/auditors", f"{t}ATM/planned", f"{t}All tiers/done", f"{t}TM/first_good/k",
                                f"{t}All tiers/changed/k")] == [
        "audit programme, Team Manager (TM): auditors", "audit programme, Assistant Team Manager (ATM): planned",
        "audit programme, All tiers: done", "audit programme, Team Manager (TM): first good",
        "audit programme, All tiers: changed"]
    assert _figures(reg)[f"{t}All tiers/planned"][0] == 12 + 8
    g = "gose/G03/"
    themed, moderation = gose_figures.themed_key("neglect"), gose_figures.moderation_key
    assert [labels[k] for k in (gose_figures.FRAME, f"{g}random sample, final grades/k",
                                f"{g}random sample, first grades/k", f"{themed}/k", moderation("pairs"),
                                moderation("lowered"), moderation("raised"), moderation("rest"))] == [
        "open cases in the sampling frame", "randomly sampled case files Good or better (final grades)",
        "randomly sampled case files Good or better (first grades)", "themed audits, neglect: Good or better",
        "moderated pairs", "moderation: files lowered", "moderation: files raised",
        "moderation: pairs on the same side of the boundary"]
    # 6 pairs - 2 lowered - 1 raised = 3 on the same side, never printed
    assert _figures(reg)[moderation("rest")][0] == 3
    assert _figures(reg)[moderation("rest")][4] is False
    # the sample's groups of 9 and the theme's 5 are below the published minimum group of 10: their rates withheld
    small = "a share of a group smaller than 10"
    assert reg.record()["forced"] == {f"{g}random sample, final grades/k": small,
                                      f"{g}random sample, first grades/k": small, f"{themed}/k": small}


def test_the_files_outside_the_random_sample_are_linked_with_their_labels():
    reg = gose_figures.register(_programme(), PUB)
    figures = _figures(reg)
    out, first = "gose/G03/outside the random sample, final grades", "gose/G03/outside the random sample, first grades"
    # final grades: all tiers 9 Good or better less the sample's 7 = 2 outside; below Good (18 - 9) - (9 - 7) = 7;
    # files 18 - 9 = 9 outside, of which the 5 themed leave 4 other files; first grades: 10 - 8 = 2 outside
    assert {k: (figures[k][0], figures[k][3], figures[k][4]) for k in (
        f"{out}/k", f"{out}/rest", f"{out}/n", f"{out}/n/other", f"{first}/k")} == {
        f"{out}/k": (2.0, "files outside the random sample, Good or better (final grades)", False),
        f"{out}/rest": (7.0, "files outside the random sample, below Good (final grades)", False),
        f"{out}/n": (9.0, "files outside the random sample", False),
        f"{out}/n/other": (4.0, "files neither random nor themed", False),
        f"{first}/k": (2.0, "files outside the random sample, Good or better (first grades)", False)}
    # the themed audits' 3 Good or better exceed the 2 outside the sample: the difference, 1, sits on the parts' side
    assert (figures[f"{out}/k/other"][0], figures[f"{out}/k/other"][3]) == (
        1.0, "files neither random nor themed, Good or better (final grades)")
    assert (figures[f"{out}/k/other/sum"][0], figures[f"{out}/k/other/sum"][3]) == (
        3.0, "files neither random nor themed, Good or better (final grades) (the parts together)")
    assert ("total", (f"{out}/n", gose_figures.themed_key("neglect") + "/n", f"{out}/n/other"),
            "outside the random sample = the themed audits + other files (files)") in _links(reg)


def test_an_indicator_registers_its_quarter_last_quarter_and_year_to_date():
    # NI59: 8 of 12 this quarter, 7 of 11 last quarter, 20 of 30 in the year to date (so 12 of 18 before);
    # NI60 in the year's first quarter: its year to date (3 of 4) is this quarter.
    t = pd.DataFrame([("NI59", 8, 12, 7, 11, 20, 30), ("NI60", 3, 4, None, None, 3, 4)],
                     columns=["indicator", "numerator", "denominator", "previous_numerator", "previous_denominator",
                              "ytd_numerator", "ytd_denominator"])
    reg = gose_figures.register(_gose(indicators=t), PUB)
    figures = _figures(reg)
    i = "gose/indicators/"
    assert {k: (v[0], v[2], v[3]) for k, v in figures.items() if k.endswith("/k")} == {
        f"{i}NI59/quarter/k": (8.0, "gose_performance", "NI59: this quarter"),
        f"{i}NI59/last quarter/k": (7.0, "gose_performance", "NI59: last quarter"),
        f"{i}NI59/year to date/k": (20.0, "gose_performance", "NI59: year to date"),
        f"{i}NI59/year to date last cycle/k": (12.0, "last quarter's report", "NI59: last quarter's year to date"),
        f"{i}NI60/quarter/k": (3.0, "gose_performance", "NI60: this quarter"),
        f"{i}NI60/year to date/k": (3.0, "gose_performance", "NI60: year to date")}
    assert ("total", (f"{i}NI60/year to date/k", f"{i}NI60/quarter/k"),
            "NI60: year to date = this quarter + the year to date before") in _links(reg)


class _Result(SimpleNamespace):
    """A result the page's decisions can be remembered for (it can be referred to weakly)."""


def test_the_page_decides_once_per_result_and_policy():
    result = _Result(**vars(_numbers(25, [("neglect", 25)])))
    assert gose_figures.decide(result, PUB) is gose_figures.decide(result, PUB)
    assert gose_figures.decide(result, INTERNAL) is not gose_figures.decide(result, PUB)


# --- the self-assessment frameworks from a notebook's context ------------------------------------

def _agency_ratings(framework, first, second):
    # 2009-Q4: 4 agencies rate the first item; 3 of 4 Good or better = 75%. 2009-Q2 (the context's
    # "previous", two quarters back): 1 of 4. 2009-Q3 (the quarter before): 4 of 4.
    four = ("Police", "Health", "Education", "Probation")
    rows = _ratings(framework, "2009-Q4", {first: dict(zip(four, ("Good", "Good", "Outstanding", "Adequate"),
                                                            strict=True)),
                                           second: {"Police": "Good"}})
    rows += _ratings(framework, "2009-Q2", {first: dict(zip(four, ("Good", "Adequate", "Adequate", "Inadequate"),
                                                            strict=True))})
    rows += _ratings(framework, "2009-Q3", {first: dict.fromkeys(four, "Good")})
    return _evidence(self_assessments=_table("self_assessments", rows))


def _context_lines(r, framework, first, second, raters):
    """The checks both self-assessed frameworks share on :func:`_agency_ratings` under :func:`_ctx`: the
    context's quarters, level and lines; ``first``'s raters' own line 3 of 4 now against 1 of 4 in
    2009-Q2 (the context's previous, not 2009-Q3's 4 of 4); ``second``'s own declared lines. Returns
    the items by id."""
    assert (r.framework, r.cycle, r.previous, r.confidence_level, r.green, r.red) == (
        framework, "2009-Q4", "2009-Q2", 0.9, 0.7, 0.5)
    by_id = {i.item.item_id: i for i in r.items}
    line = by_id[first].evidence[0]
    assert (line.source, line.k, line.n) == (f"{raters} rating it Good or better", 3, 4)
    assert line.change.before == (1, 4)
    assert line.judgement.result.confidence_level == 0.9
    assert (by_id[first].threshold.green, by_id[first].threshold.red) == (0.7, 0.5)  # the context's pair
    assert by_id[second].threshold == Threshold(0.95, 0.9, "local")
    return by_id


def test_the_healthcare_commission_from_a_context_uses_its_quarters_level_lines_and_words():
    ev = _agency_ratings("healthcare_commission", "H1", "H2")
    r = healthcare_commission.analyse_context(_ctx(ev, thresholds={("healthcare_commission", "H2"):
                                                                   Threshold(0.95, 0.9, "local")}))
    by_id = _context_lines(r, "healthcare_commission", "H1", "H2", "health agencies")
    # the lead role: a note, no judgement on it; the agencies rate themselves: no agreement coefficient
    assert by_id["HLEAD"].note == healthcare_commission.LEAD_NOTE
    assert r.agreement is None
    # H1 75% is the lowest share rated (H2: 1 of 1): named with the raters' words
    assert "Lowest rated: H1 (75% of health agencies rate it Good or better)" in r.headlines


def test_the_lscb_checklist_from_a_context_uses_its_quarters_level_lines_words_and_learning():
    ev = _agency_ratings("lscb_checklist", "L1", "L2")
    r = lscb_checklist.analyse_context(_ctx(ev, thresholds={("lscb_checklist", "L2"): Threshold(0.95, 0.9, "local")}))
    _context_lines(r, "lscb_checklist", "L1", "L2", "member agencies")
    assert r.agreement is None
    assert "Lowest rated: L1 (75% of member agencies rate it Good or better)" in r.headlines
    # what the audits tell us, read for the context's quarter (this evidence records no learning)
    assert (r.learning.result.cycle, r.learning.result.files, r.learning.published) == ("2009-Q4", 0, False)


# --- audit selections, the evidence shared, the regional comparison's counts --------------------

def _audit(audit_id, cycle="2009-Q4", audit_type="case file", *, of=None, scale="ofsted_2008", grade="Good"):
    return {"audit_id": audit_id, "cycle": cycle, "case_ref": f"C-{audit_id}", "audit_type": audit_type,
            "auditor_id": "TM1", "auditor_tier": "TM", "moderation_of": of, "grade_scale": scale,
            "overall_grade": grade}


def _audits(*rows):
    return _evidence(audits=_table("audits", list(rows)))


def test_cycle_audits_are_one_quarter_s_first_audits_of_one_type_renumbered():
    ev = _audits(_audit("A1", "2009-Q3"), _audit("A2"), _audit("A3", audit_type="supervision"), _audit("A4"),
                 _audit("M1", of="A2"), _audit("A5", audit_type="supervision"))
    first = audits.cycle_audits(ev, "2009-Q4")
    # 2009-Q4's case-file audits A2 and A4 (A1 is 2009-Q3's, A3 and A5 supervision, M1 a moderation)
    assert first["audit_id"].tolist() == ["A2", "A4"]
    assert first.index.tolist() == [0, 1]
    assert first.columns.tolist() == [c.name for c in DATASETS["audits"].columns]
    # with moderations: A2, A4 and M1's re-audit of A2
    assert audits.cycle_audits(ev, "2009-Q4", first_only=False)["audit_id"].tolist() == ["A2", "A4", "M1"]
    assert audits.cycle_audits(ev, "2009-Q4", audit_type="supervision")["audit_id"].tolist() == ["A3", "A5"]


def test_partner_agency_auditors_are_mapped_to_their_agency():
    staff = _table("staff", [{"staff_id": "PA1", "tier": "Partner agency", "team": None, "service": "Police"},
                             {"staff_id": "PA2", "tier": "Partner agency", "team": None, "service": "Health"},
                             {"staff_id": "PA3", "tier": "Partner agency", "team": None, "service": ""},
                             {"staff_id": "TM1", "tier": "TM", "team": "T", "service": "Children's services"}])
    # the council's own team manager and a partner auditor without an agency are left out
    assert agency_of(_evidence(staff=staff)) == {"PA1": "Police", "PA2": "Health"}


def test_a_criterion_is_named_by_its_label_or_else_its_column():
    criteria = _table("criteria", [{"criterion": "plan", "label": "Plan in place", "scale_id": "compliance",
                                    "audit_types": "case file"},
                                   {"criterion": "voice", "label": "Child's voice", "scale_id": "compliance",
                                    "audit_types": "case file"}])
    ev = _evidence(criteria=criteria)
    assert [region._criterion_label(ev, c) for c in ("plan", "voice", "visits")] == [
        "Plan in place", "Child's voice", "visits"]


def test_moderated_grades_count_each_scale_s_good_among_rated():
    # 2009-Q4's moderations: M1 Good (Ofsted: good), M2 Inadequate (rated, not good), M3 "3 stars" (good on
    # its own scale), M4 "not graded" (not rated), M5 on a scale the evidence does not hold (left out).
    # A first audit (A1) and last quarter's moderation (M6) are not counted: 2 good of 3 rated.
    ev = _audits(_audit("A1"), _audit("M1", of="A1"), _audit("M2", of="A1", grade="Inadequate"),
                 _audit("M3", of="A1", scale="stars", grade="3 stars"),
                 _audit("M4", of="A1", scale="stars", grade="not graded"),
                 _audit("M5", of="A1", scale="unknown", grade="Good"), _audit("M6", "2009-Q3", of="A1"))
    assert region._moderated_counts(ev, "2009-Q4") == (2, 3)


def test_indicators_are_counted_for_the_quarter_by_name_and_definition():
    rows = [{"cycle": "2009-Q4", "indicator": "NI59", "definition_version": "2008", "numerator": 80,
             "denominator": 100, "target": None, "neighbour_average": None},
            {"cycle": "2009-Q3", "indicator": "NI59", "definition_version": "2008", "numerator": 70,
             "denominator": 90, "target": None, "neighbour_average": None},
            {"cycle": "2009-Q4", "indicator": "NI60", "definition_version": "2009", "numerator": 5,
             "denominator": 8, "target": None, "neighbour_average": None}]
    ev = _evidence(indicators=_table("indicators", rows))
    assert region._indicator_counts(ev, "2009-Q4") == {("NI59", "2008"): (80, 100), ("NI60", "2009"): (5, 8)}


# --- a notebook's context: the run's snapshot -----------------------------------------------------

def _snapshot(path, folder, named, tables):
    """A snapshot file as the runner writes it (context.evidence_snapshot's layout), of hand-built tables."""
    parts = {"folder": "hand-built", "tables": tables, "scales": dict(SCALES), "criteria": (), "key_source": None}
    data = pickle.dumps({"folder": folder, "named": named, "evidence": parts})
    path.write_bytes(data)
    return data


def test_a_snapshot_is_read_only_for_the_folder_it_was_made_of(tmp_path):
    data_dir, other = tmp_path / "data", tmp_path / "other"
    data_dir.mkdir()
    other.mkdir()
    tables = {"audits": _table("audits", [_audit("A1")])}
    snap = tmp_path / "evidence.pickle"
    data = _snapshot(snap, str(data_dir.resolve()), os.path.abspath(data_dir), tables)
    ev = context_module.read_snapshot(snap, data_dir)
    assert ev.tables["audits"]["audit_id"].tolist() == ["A1"]
    assert ev.snapshot == hashlib.sha256(data).hexdigest()
    # made of another folder (neither its resolved path nor its path as named is this one): refused
    with pytest.raises(ParameterError, match="not .*other"):
        context_module.read_snapshot(snap, other)
    # made on another machine: its resolved path differs, the path as named is the same: read
    _snapshot(snap, "/elsewhere/data", os.path.abspath(data_dir), tables)
    assert context_module.read_snapshot(snap, data_dir).cycles == ["2009-Q4"]
    # the resolved path the same, named through another link: read
    _snapshot(snap, str(data_dir.resolve()), "/a/link/to/data", tables)
    assert context_module.read_snapshot(snap, data_dir).cycles == ["2009-Q4"]


def test_a_notebook_context_reads_the_run_s_snapshot_and_its_policy(tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    _snapshot(tmp_path / "evidence.pickle", str(data_dir.resolve()), os.path.abspath(data_dir),
              {"audits": _table("audits", [_audit("A1", "2009-Q3"), _audit("A2", "2010-Q1")])})
    monkeypatch.setenv(context_module.EVIDENCE_CACHE_ENV, str(tmp_path))
    params = SimpleNamespace(path=lambda name: data_dir, data_dir=str(data_dir), cycle="2010-Q1", framework="jar",
                             audience="published", suppression_threshold=4, min_group=8, rounding_base=5)
    ctx = context_module.context(params)
    # the quarter before 2010-Q1 is 2009-Q4 (across the year's end)
    assert (ctx.cycle, ctx.previous, ctx.params) == ("2010-Q1", "2009-Q4", params)
    assert ctx.evidence.cycles == ["2009-Q3", "2010-Q1"]
    assert (ctx.policy.audience, ctx.policy.high, ctx.policy.min_group, ctx.policy.rounding_base) == (
        "published", 4, 8, 5)
    # a quarter without audits is refused, naming the quarters there are
    with pytest.raises(ParameterError, match="2009-Q3, 2010-Q1"):
        context_module.context(SimpleNamespace(**{**vars(params), "cycle": "2009-Q4"}))


# --- red items, ratings summaries, agreement readings, moderation at the line ---------------------

def test_a_heading_summarised_from_its_sub_items_is_not_a_red_item():
    def entry(item_id, band, basis="its evidence"):
        return SimpleNamespace(item=SimpleNamespace(item_id=item_id), judgement=SimpleNamespace(band=band, basis=basis))

    result = SimpleNamespace(items=(entry("L4", "red", "its sub-items"), entry("L4.1", "red"), entry("L4.2", "amber"),
                                    SimpleNamespace(item=SimpleNamespace(item_id="L5"), judgement=None)))
    assert red_items.red_in(result) == ("L4.1",)
    # a GOSE entry names its item by its id; a governance result holds its items in its base
    gose = SimpleNamespace(items=(SimpleNamespace(item="G03", judgement=SimpleNamespace(band="red", basis="x")),))
    assert red_items.red_in(SimpleNamespace(base=gose)) == ("G03",)


def test_a_red_history_records_its_basis_with_the_policy_and_the_framework_s_own_lines():
    policy = DisclosurePolicy(high=4, min_group=8)
    own = {("lscb_checklist", "L3"): Threshold(0.7, 0.5, "local"), ("jar_haringey", "J02"): Threshold(0.9, 0.8, "x")}
    basis = red_items.history_basis(SimpleNamespace(snapshot="ab12"), ("2009-Q3", "2009-Q4"), green=0.75, red=0.6,
                                    confidence_level=0.9, policy=policy, declared=own, framework="lscb_checklist")
    assert basis == {"snapshot": "ab12", "cycles": ["2009-Q3", "2009-Q4"], "green": 0.75, "red": 0.6,
                     "confidence_level": 0.9,
                     "policy": {"audience": "published", "low": 1, "high": 4, "min_group": 8, "rounding_base": 1,
                                "percent_decimals": 1},
                     "items": {"L3": [0.7, 0.5]}}


def test_scores_are_summarised_with_their_median_lowest_highest_and_spread():
    # G1.1 scored 8, 6, 7 (median 7, lowest 6, highest 8, spread 2; 2 at 7 or more); G2.2 scored 3 and 5
    # (median 4, lowest 3, highest 5, spread 2; none at 7 or more); G2.1 not scored
    t = pd.DataFrame({"A": ["8", "3", None], "B": ["6", "5", None], "C": ["7", None, None]},
                     index=["G1.1", "G2.2", "G2.1"])
    r = sa.Ratings(t, t.astype(float), tuple(str(v) for v in range(10, -1, -1)), True,
                   frozenset({"7", "8", "9", "10"}))
    out = [(i.item_id, i.raters, i.good, i.median, i.lowest, i.highest, i.spread) for i in sa.item_ratings(r)]
    assert out[:2] == [("G1.1", 3, 2, "7", "6", "8", 2.0), ("G2.2", 2, 0, "4", "3", "5", 2.0)]
    assert out[2][:6] == ("G2.1", 0, 0, ":", ":", ":")


def test_an_agreement_without_a_standard_error_is_read_as_a_point_estimate():
    # 0.5 lies in Landis and Koch's "moderate" band (0.41 to 0.60); without a standard error there is no
    # probability of reaching it, only the estimate
    k = AgreementResult("Gwet's AC1", 0.5, float("nan"), ConfidenceInterval(float("nan"), float("nan")), 0.95, 0.7, 0.4,
                        10, 2, "unweighted", 9)
    reading = sa._read(k)
    assert "(point estimate only it is this band or better)" in reading.sentence
    assert "% sure" not in reading.sentence


def test_moderation_counts_files_raised_above_and_lowered_below_the_line():
    # auditor, moderator: (Good, Good), (Adequate, Good), (Inadequate, Good) raised above the line,
    # (Good, Inadequate) and (Adequate, Inadequate) lowered below it, (Inadequate, Inadequate).
    # Exact: 2 of 6; the same side of the line (Inadequate or not): 3 of 6.
    pairs = pd.DataFrame([("Good", "Good"), ("Adequate", "Good"), ("Inadequate", "Good"), ("Good", "Inadequate"),
                          ("Adequate", "Inadequate"), ("Inadequate", "Inadequate")],
                         columns=["auditor_grade", "moderator_grade"])
    b = gose_audits._boundary(pairs, OFSTED.labels, "Inadequate", 0.95)
    assert (b.n_pairs, b.exact, b.boundary_agreement, b.raised_above, b.lowered_below) == (6, 2 / 6, 3 / 6, 1, 2)


def _learning_evidence():
    # one file a quarter with learning on "recording": 2009-Q2 a strength (B1), 2009-Q3 none (C1 planning),
    # 2009-Q4 a strength (A1)
    audits = pd.DataFrame([("B1", "2009-Q2", None, "TM", "T1", "CP", "Good"),
                           ("C1", "2009-Q3", None, "TM", "T1", "CP", "Good"),
                           ("A1", "2009-Q4", None, "TM", "T1", "CP", "Good")],
                          columns=["audit_id", "cycle", "moderation_of", "auditor_tier", "team", "case_type",
                                   "overall_grade"])
    audits["grade_scale"] = "ofsted_2008"
    learning = pd.DataFrame([("B1", "recording", "strength", False), ("C1", "planning", "concern", False),
                             ("A1", "recording", "strength", False)],
                            columns=["audit_id", "theme", "strength_or_concern", "withheld"])
    return Evidence("hand", MappingProxyType({"audits": audits, "audit_learning": learning}), SCALES, ())


def test_learning_is_compared_with_the_quarter_the_report_names_not_always_the_one_before():
    ev = _learning_evidence()
    recording = {t.theme: t for t in audit_learning.analyse(ev, cycle="2009-Q4", previous="2009-Q2",
                                                            confidence_level=0.95).themes}["recording"]
    # against 2009-Q2 (B1: 1 of 1 a strength), not 2009-Q3 (C1: 0 of 1)
    assert recording.strength_change.before == (1, 1)
    recording = {t.theme: t for t in audit_learning.analyse(ev, cycle="2009-Q4", previous="2009-Q3",
                                                            confidence_level=0.95).themes}["recording"]
    assert recording.strength_change.before == (0, 1)


def test_a_row_not_approved_for_publication_does_not_stop_the_rows_after_it():
    # A1 not approved (first in the file), A2 approved and clean, A3 approved and clean: a published page
    # shows A2's and A3's text; 2 approved, none stopped
    audits = pd.DataFrame({"audit_id": ["A1", "A2", "A3"], "cycle": "2009-Q1", "moderation_of": None,
                           "auditor_tier": "TM"})
    learning = pd.DataFrame({"audit_id": ["A1", "A2", "A3"], "theme": ["planning"] * 3,
                             "strength_or_concern": ["concern", "strength", "concern"],
                             "narrative": ["No plan.", "Plan is clear and reviewed.", "Contingency missing."],
                             "biggest_difference": None, "voice_of_the_child": None,
                             "approved_for_publication": [None, True, True], "withheld": False})
    ev = Evidence("x", MappingProxyType({"audits": audits, "audit_learning": learning}), {}, ())
    shown, approved, stopped = audit_learning.excerpts(ev, "2009-Q1", published=True)
    assert ([e.text for e in shown], approved, stopped) == (["Plan is clear and reviewed.", "Contingency missing."],
                                                            2, 0)



def test_governance_from_a_context_uses_its_quarters_level_and_lines():
    # G1.1 scored 8, 6 and 7 by three area managers in 2009-Q4 (2 of 3 at 7 or more), 3, 4 and 9 in 2009-Q2
    # (1 of 3), 8, 9 and 10 in 2009-Q3 (3 of 3)
    rows = [{"cycle": cycle, "framework": "governance", "item": "G1.1", "rater": rater, "rater_type": "manager",
             "grade_scale": "scaling_0_10", "rating": score}
            for cycle, scores in (("2009-Q4", ("8", "6", "7")), ("2009-Q2", ("3", "4", "9")),
                                  ("2009-Q3", ("8", "9", "10")))
            for rater, score in zip(("M1", "M2", "M3"), scores, strict=True)]
    ev = _evidence(self_assessments=_table("self_assessments", rows))
    r = governance.analyse_context(_ctx(ev, thresholds={("governance", "G1.1"): Threshold(0.6, 0.3, "local")}))
    assert (r.base.cycle, r.base.previous, r.base.confidence_level, r.base.green, r.base.red) == (
        "2009-Q4", "2009-Q2", 0.9, 0.7, 0.5)
    g11 = {i.item.item_id: i for i in r.base.items}["G1.1"]
    assert (g11.evidence[0].k, g11.evidence[0].n, g11.evidence[0].change.before) == (2, 3, (1, 3))
    assert g11.threshold == Threshold(0.6, 0.3, "local")
    assert g11.evidence[0].judgement.result.confidence_level == 0.9
    g12 = {i.item.item_id: i for i in r.base.items}["G1.2"]
    assert (g12.threshold.green, g12.threshold.red) == (0.7, 0.5)  # the context's pair


def test_one_sector_s_agencies_shown_together_are_named_by_their_sector():
    # Acute trust 2 of 3 files (a small count) and Primary care 20 of 30, both health agencies: shown together
    # as 22 of 33, named by their sector; without sectors, as partner agencies
    lines = [RATES.line(MULTI_AGENCY, "Acute trust: shared promptly", (2, 3), None, "files"),
             RATES.line(MULTI_AGENCY, "Primary care: shared promptly", (20, 30), None, "files")]
    health = {"Acute trust": "Health agencies", "Primary care": "Health agencies"}
    assert [(ln.source, ln.k, ln.n) for ln in published_lines(lines, PUB, RATES, health)] == [
        ("Health agencies together (Acute trust, Primary care): shared promptly", 22, 33)]
    assert [ln.source for ln in published_lines(lines, PUB, RATES)] == [
        "partner agencies together (Acute trust, Primary care): shared promptly"]


def test_a_comparison_of_counts_keeps_each_authority_s_proportion():
    r = region.compare_region_counts({"LA1": (3, 10), "LA2": (6, 12)})
    assert [(n.unit, n.measure, n.proportion) for n in r.neighbours] == [("LA1", "m", 3 / 10), ("LA2", "m", 6 / 12)]


def test_a_criterion_is_counted_yes_among_yes_and_no_on_first_case_file_audits():
    # 2009-Q4's first case-file audits: plan Yes, Yes, No, N/A: 2 of 3; a moderation (Yes) and a supervision
    # audit (No) are not counted
    rows = [_audit(f"A{i}") | {"plan": a} for i, a in enumerate(("Yes", "Yes", "No", "N/A"))]
    rows += [_audit("M1", of="A0") | {"plan": "Yes"}, _audit("S1", audit_type="supervision") | {"plan": "No"}]
    columns = [c.name for c in DATASETS["audits"].columns] + ["plan"]
    ev = _evidence(audits=pd.DataFrame(rows, columns=columns))
    assert region._criterion_counts(ev, "2009-Q4", "plan") == (2, 3)
    assert region._criterion_counts(ev, "2009-Q4", "visits") == (0, 0)  # a criterion these audits do not hold


def test_the_region_compares_the_first_map_s_case_file_criteria_every_authority_holds():
    # the first authority's map tests plan and voice (case-file audits), visits (supervision audits) and
    # holds chronology as context only; the second authority's audits hold plan, not voice
    types = _table("audit_types", [{"audit_type": "case file", "kind": "case file", "label": "Case files"},
                                   {"audit_type": "supervision", "kind": "supervision", "label": "Supervision"}])
    criteria = _table("criteria", [
        {"criterion": c, "label": c.title(), "scale_id": "compliance", "audit_types": t}
        for c, t in (("plan", "case file"), ("voice", "case file"), ("visits", "supervision"),
                     ("chronology", "case file"))])
    emap = _table("evidence_map", [
        {"framework": "jar_haringey", "item": item, "source": "criterion", "evidence": c, "audit_type": None,
         "agencies": None, "role": role, "reason": "test"}
        for item, c, role in (("J02", "voice", None), ("J03", "plan", None), ("J04", "visits", None),
                              ("J05", "chronology", "context"))])
    first = Evidence("LA1", MappingProxyType({"criteria": criteria, "evidence_map": emap, "audit_types": types}),
                     SCALES, ("plan", "voice", "visits", "chronology"))
    second = Evidence("LA2", MappingProxyType({"criteria": criteria}), SCALES, ("plan", "visits", "chronology"))
    assert region.mapped_criteria({"LA1": first, "LA2": second}) == ("plan",)
    assert region.mapped_criteria({"LA1": first}) == ("voice", "plan")



def test_g03_s_quota_audits_share_their_group_with_the_tiers_planned_audits():
    # G03: 18 of 20 quota audits done; the tiers planned 12 + 8 = 20, the same group: linked. G01's measure
    # with a group of 20 is another item's: not linked.
    result = _programme()
    result.items = (SimpleNamespace(item="G03", lines=(), measures=(Measure("Quota audits done", 18, 20),)),
                    SimpleNamespace(item="G01", lines=(), measures=(Measure("Quota audits done", 18, 20),)))
    reg = gose_figures.register(result, PUB)
    shared = [link for link in _links(reg) if "its group is the tiers' total" in link[2]]
    assert shared == [("total", ("gose/tiers/All tiers/planned", "gose/G03/Quota audits done/n"),
                       "G03: Quota audits done: its group is the tiers' total (planned)")]


def test_an_action_closed_on_the_day_was_closed_by_then():
    d = dt.date(2009, 6, 30)
    assert actions.status_at("done", d, d) == "done"
    assert actions.status_at("done", dt.date(2009, 7, 1), d) == "open"


def test_a_self_assessment_alone_is_decided_by_its_rated_lines_not_an_empty_one():
    rated = RATES.line(SELF, "agencies rating it Good or better", (3, 4), None, "agency ratings")
    unrated = RATES.line(SELF, "managers rating it Good or better", (0, 0), None, "ratings")
    j = triangulate([rated, unrated])
    assert (j.basis, unrated.band) == ("self-assessment only", "grey")
    assert deciding_lines(j, [rated, unrated]) == [rated]



def test_remedial_action_on_inadequate_files_is_counted_on_time_late_not_done_and_not_yet_due():
    # 2009-Q4's first case-file audits graded Inadequate (the Ofsted scale's worst): A1 to A5; A6 Good.
    # A1 done on its due date (on time), A2 done after it (late), A3 without an action, A4 due after the
    # quarter's end (not yet due), A5 open past its due date. Due: A1, A2, A3, A5 = 4; on time 1, late 1,
    # not done 4 - 1 - 1 = 2 (A3 and A5), no action 1, not yet due 1.
    ev = _audits(*(_audit(f"A{i}", grade="Inadequate") for i in range(1, 6)), _audit("A6"))
    d = dt.date
    register = pd.DataFrame([("audit", "A1", d(2009, 11, 30), "done", d(2009, 11, 30)),
                             ("audit", "A2", d(2009, 11, 30), "done", d(2009, 12, 10)),
                             ("audit", "A4", d(2010, 1, 31), "open", None),
                             ("audit", "A5", d(2009, 12, 15), "open", None),
                             ("jar_haringey", "A3", d(2009, 11, 1), "done", d(2009, 11, 1))],  # not remedial
                            columns=["source", "audit_id", "due_date", "status", "closed_date"])
    r = actions._remedial(ev, register, "2009-Q4", d(2009, 12, 31), 0.95)
    assert (r.inadequate, r.due, r.on_time, r.late, r.not_done, r.no_action, r.not_yet_due) == (5, 4, 1, 1, 2, 1, 1)


def test_a_file_whose_final_grade_is_not_rated_is_in_neither_side_of_the_inadequate_comparison():
    # A1 Inadequate, A2 "not graded" (its scale's not-applicable grade), A3 Good; recording a concern on A1 and
    # A2: on the Inadequate files 1 of 1 (A1); on the rest 0 of 1 (A3; A2 is in neither)
    audits = pd.DataFrame([("A1", "2009-Q4", None, "TM", "T1", "CP", "Inadequate", "ofsted_2008"),
                           ("A2", "2009-Q4", None, "TM", "T1", "CP", "not graded", "stars"),
                           ("A3", "2009-Q4", None, "TM", "T1", "CP", "Good", "ofsted_2008")],
                          columns=["audit_id", "cycle", "moderation_of", "auditor_tier", "team", "case_type",
                                   "overall_grade", "grade_scale"])
    learning = pd.DataFrame([("A1", "recording", "concern", False), ("A2", "recording", "concern", False),
                             ("A3", "planning", "strength", False)],
                            columns=["audit_id", "theme", "strength_or_concern", "withheld"])
    ev = Evidence("hand", MappingProxyType({"audits": audits, "audit_learning": learning}), SCALES, ())
    r = audit_learning.analyse(ev, cycle="2009-Q4", previous="2009-Q3", confidence_level=0.95)
    recording = {t.theme: t for t in r.themes}["recording"]
    assert (recording.concern_inadequate.k, recording.concern_inadequate.n) == (1, 1)
    assert (recording.concern_rest.k, recording.concern_rest.n) == (0, 1)


def test_g11_s_starters_and_leavers_are_the_workforce_table_s_figures():
    assert gose_figures.measure_keys("G11", Measure("Leavers", 6)) == gose_figures.workforce_key("All teams", "leavers")
    assert gose_figures.measure_keys("G11", Measure("Starters", 4)) == gose_figures.workforce_key("All teams",
                                                                                                  "starters")
    assert gose_figures.measure_keys("G01", Measure("Leavers", 6)) == "gose/G01/Leavers"


def test_an_authority_whose_group_is_too_small_to_publish_is_left_off_the_published_funnel():
    # A: 8 of 9, a group smaller than the published minimum of 10 (the count 8 itself is not small)
    full = region.compare_region_counts({"A": (8, 9), "B": (40, 50), "C": (42, 50)})
    shown = region.for_audience(full, PUB)
    assert shown.withheld == (("m", "A"),)
    assert [p.unit for p in shown.funnels[0].points] == ["B", "C"]


def test_a_notebook_context_without_a_run_loads_the_folder_it_names(tmp_path, monkeypatch):
    monkeypatch.delenv(context_module.EVIDENCE_CACHE_ENV, raising=False)
    read = []

    def load(folder, key=None):
        read.append(folder)
        return _audits(_audit("A1"))

    monkeypatch.setattr(context_module, "load_pseudonymised", load)
    params = SimpleNamespace(path=lambda name: tmp_path / name, data_dir="data", cycle="2009-Q4", framework="jar",
                             audience="internal", suppression_threshold=5, min_group=10, rounding_base=1)
    ctx = context_module.context(params)
    assert read == [tmp_path / "data_dir"]
    assert (ctx.cycle, ctx.previous, ctx.evidence.cycles) == ("2009-Q4", "2009-Q3", ["2009-Q4"])


def test_the_region_compares_criteria_moderated_grades_and_indicators_with_names_and_neighbours():
    # LA1: plan Yes, Yes, No (2 of 3); its moderation Good (1 of 1 rated); indicator X1 5 of 10.
    # LA2: plan Yes, No, No, No (1 of 4); its moderation Inadequate (0 of 1); indicator X1 7 of 10.
    columns = [c.name for c in DATASETS["audits"].columns] + ["plan"]
    criteria = _table("criteria", [{"criterion": "plan", "label": "Plan in place", "scale_id": "compliance",
                                    "audit_types": "case file"}])

    def authority(answers, moderated, k):
        rows = [_audit(f"A{i}") | {"plan": a} for i, a in enumerate(answers)]
        rows.append(_audit("M1", of="A0", grade=moderated) | {"plan": None})
        indicators = _table("indicators", [{"cycle": "2009-Q4", "indicator": "X1", "definition_version": "v1",
                                            "numerator": k, "denominator": 10, "target": None,
                                            "neighbour_average": None}])
        declared = _table("indicator_definitions", [{  # the authorities' own measure, read for context
            "indicator": "X1", "definition_version": "v1", "title": "Local measure", "numerator": "n",
            "denominator": "d", "higher_is_better": None, "context_only": True, "cumulative": None,
            "threshold_working_days": None, "source": "local"}])
        return _evidence(audits=pd.DataFrame(rows, columns=columns), criteria=criteria, indicators=indicators,
                         indicator_definitions=declared)

    r = region.compare_region({"LA1": authority(("Yes", "Yes", "No"), "Good", 5),
                               "LA2": authority(("Yes", "No", "No", "No"), "Inadequate", 7)}, "2009-Q4",
                              criteria=("plan",), neighbours={"LA1": ("LA2",)}, names={"LA2": "Second council"})
    assert [(f.measure, [(p.unit, p.events, p.n) for p in f.points]) for f in r.funnels] == [
        ("audit compliance: Plan in place", [("LA1", 2, 3), ("LA2", 1, 4)]),
        (region.MODERATED, [("LA1", 1, 1), ("LA2", 0, 1)]),
        ("X1: Local measure", [("LA1", 5, 10), ("LA2", 7, 10)])]
    assert r.names == (("LA2", "Second council"),)
    assert r.directions == (("audit compliance: Plan in place", "higher is better"),
                            (region.MODERATED, "higher is better"), ("X1: Local measure", "context only"))
    la1 = [(c.measure, c.neighbours, c.neighbour_events, c.neighbour_n) for c in r.neighbours if c.unit == "LA1"]
    assert la1[0] == ("audit compliance: Plan in place", ("LA2",), 1, 4)


def test_the_action_plan_judges_each_framework_on_the_thresholds_its_report_recorded():
    # the run's results hold the JAR's report, judged on green 90% / red 70%; the LSCB checklist has no report
    # in them, so the plan judges only the JAR, on the pair its report recorded (not this quarter's params)
    ev = Evidence("hand-built", MappingProxyType({"audits": _table("audits", [_audit("A1")]),
                                                  "criteria": _table("criteria", [])}), SCALES, (),
                  snapshot="d" * 64)
    params = SimpleNamespace(framework="cycle_summary", values={}, thresholds={}, confidence_level=0.95)
    ctx = SimpleNamespace(evidence=ev, cycle="2009-Q4", previous="2009-Q3", params=params,
                          policy=DisclosurePolicy(audience="internal"))
    results = {"jar_haringey": {"figures": {"thresholds": {"green": 0.9, "red": 0.7}}}}
    r = actions.analyse_context(ctx, results=results, frameworks=("jar_haringey", "lscb_checklist"))
    assert list(r.red_history) == ["jar_haringey"]
    basis = r.red_history["jar_haringey"]["basis"]
    assert (basis["green"], basis["red"], basis["cycles"]) == (0.9, 0.7, ["2009-Q4"])
