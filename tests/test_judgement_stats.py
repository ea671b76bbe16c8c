"""Newcombe's difference interval, Gwet's benchmarking and the workbook's judgement rules."""

from __future__ import annotations

import math

import pytest
from statsmodels.stats.proportion import confint_proportions_2indep

from review.analyses.judgement import (
    SELF,
    Change,
    Disagreement,
    EvidenceLine,
    ItemJudgement,
    Rates,
    band_of,
    classify_change,
    judge_rate,
    rag_counts,
    rag_sentence,
    triangulate,
    weakest,
)
from review.stats.benchmark import benchmark
from review.stats.proportion_difference import newcombe_difference

# Newcombe (1998) Stat Med 17:873, Table II, method 10 (hybrid score), 95%.
NEWCOMBE_TABLE_II = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),  # example (a)
    ((9, 10, 3, 10), (0.1705, 0.8090)),  # example (b)
    ((6, 7, 2, 7), (0.0582, 0.8062)),  # example (c)
    ((5, 56, 0, 29), (-0.0381, 0.1926)),  # example (d)
    ((0, 10, 0, 20), (-0.1611, 0.2775)),  # example (e)
    ((0, 10, 0, 10), (-0.2775, 0.2775)),  # example (f)
    ((10, 10, 0, 20), (0.6791, 1.0000)),  # example (g)
    ((10, 10, 0, 10), (0.6075, 1.0000)),  # example (h)
]


@pytest.mark.parametrize(("counts", "expected"), NEWCOMBE_TABLE_II)
def test_newcombe_matches_the_published_table(counts, expected):
    r = newcombe_difference(*counts, confidence_level=0.95)
    assert r.confidence_interval.low == pytest.approx(expected[0], abs=5e-5)
    assert r.confidence_interval.high == pytest.approx(expected[1], abs=5e-5)


@pytest.mark.parametrize("level", [0.8, 0.9, 0.99])
def test_newcombe_matches_statsmodels_at_other_levels(level):
    r = newcombe_difference(31, 47, 19, 52, confidence_level=level)  # a second implementation
    low, high = confint_proportions_2indep(31, 47, 19, 52, method="newcomb", compare="diff", alpha=1 - level)
    assert (r.confidence_interval.low, r.confidence_interval.high) == pytest.approx((low, high), abs=1e-10)


def test_gwet_benchmarking_matches_irrcac_vignette():
    # irrCAC "benchmarking" vignette: AC1 = 0.77544, se = 0.14295 (cac.raw4raters)
    lk = benchmark(0.77544, 0.14295, scale="Landis-Koch")
    assert lk.cumulative_probability == pytest.approx((0.39674, 0.88336, 0.99542, 0.99997, 1, 1), abs=5e-6)
    assert (lk.label, lk.naive_label) == ("moderate", "substantial")
    al = benchmark(0.77544, 0.14295, scale="Altman")
    assert al.cumulative_probability == pytest.approx((0.39674, 0.88336, 0.99542, 0.99997, 1), abs=5e-6)
    assert al.label == "moderate"
    fl = benchmark(0.77544, 0.14295, scale="Fleiss")
    assert fl.cumulative_probability == pytest.approx((0.54414, 0.99542, 1), abs=5e-6)
    assert fl.label == "intermediate to good"


def test_benchmark_without_standard_error_reads_the_point():
    assert benchmark(0.5, 0.0).label == "moderate"  # 0.4 < 0.5 <= 0.6
    assert benchmark(float("nan"), 0.1).label == ""


def test_bands_at_and_either_side_of_the_thresholds():
    assert band_of(0.80, green=0.8, red=0.65) == "green"  # at green: green
    assert band_of(0.7999, green=0.8, red=0.65) == "amber"
    assert band_of(0.65, green=0.8, red=0.65) == "amber"  # at red: not red
    assert band_of(0.6499, green=0.8, red=0.65) == "red"


def test_a_firm_judgement_has_its_interval_inside_one_band():
    # 95 of 100: Wilson 95% 0.888 to 0.978, all above 0.8 -> firm green, no audits needed
    j = judge_rate(95, 100, green=0.8, red=0.65, confidence_level=0.95)
    assert (j.band, j.firm, j.possible, j.audits_needed) == ("green", True, ("green",), None)


def test_an_uncertain_judgement_says_how_many_more_audits_settle_it():
    # 4 of 10 = 40%: Wilson 95% 0.168 to 0.687 crosses red (0.65) -> red, uncertain.
    # margin = 0.65 - 0.40 = 0.25; n = 1.96^2 * 0.4 * 0.6 / 0.25^2 = 14.75 -> 15 audits in all, 5 more.
    j = judge_rate(4, 10, green=0.8, red=0.65, confidence_level=0.95)
    assert (j.band, j.firm, j.possible) == ("red", False, ("red", "amber"))
    assert j.audits_needed == 5


def test_change_is_improved_or_worse_only_beyond_chance():
    # 4/10 now against 9/10: Newcombe -0.746 to -0.082 excludes 0 -> worse
    assert classify_change(4, 10, 9, 10, confidence_level=0.95).label == "worse"
    # 4/5 against 2/5: Wilson (0.376, 0.964) and (0.118, 0.769);
    # low = 0.4 - sqrt(0.424^2 + 0.369^2) = -0.162 < 0 -> no clear change (five ratings are not enough)
    change = classify_change(4, 5, 2, 5, confidence_level=0.95)
    assert change.label == "no clear change"
    assert change.difference.confidence_interval.low == pytest.approx(-0.162, abs=1e-3)
    assert classify_change(4, 5, None, None, confidence_level=0.95).label == "no comparison"


def _line(kind, k, n, unit="files", forced="", source=None):
    none = Change("no comparison", None)
    j = judge_rate(k, n, green=0.8, red=0.65, confidence_level=0.95) if n else None
    return EvidenceLine(kind, source or kind, k, n, unit, j, none, "note" if forced else "", forced)


def test_self_assessment_alone_is_its_own_state_never_a_band():
    # five managers all rate Good or better: 5/5 would be green on its own, but it is not evidence
    j = triangulate([_line("self-assessment", 5, 5, "ratings")])
    assert (j.band, j.basis, j.firm) == ("self-assessed", "self-assessment only", False)
    # a low self-assessment is not red either: it is kept out of every red, amber and green total
    assert triangulate([_line("self-assessment", 1, 5, "ratings")]).band == "self-assessed"
    assert rag_counts([j.band])["self-assessed"] == 1
    assert sum(rag_counts([j.band])[b] for b in ("red", "amber", "green")) == 0


def test_triangulation_takes_the_worst_independent_band_and_says_where_sources_disagree():
    # audits 56 of 100 (red) beside managers 5 of 5 (green) and an indicator 90 of 100 (green)
    j = triangulate([_line("audit", 56, 100), _line("indicator", 90, 100, "children"),
                     _line("self-assessment", 5, 5, "ratings")])
    assert j.band == "red"
    assert j.basis == "independent evidence"
    assert len(j.disagreements) == 2  # self vs audits; indicator vs audits
    assert "self-assessment" in j.disagreements[0].sentence()
    assert "56%" in j.disagreements[0].sentence()
    withheld = j.disagreements[0].sentence(lambda line: None if line.kind == "audit" else "100%")
    assert "56%" not in withheld
    assert "figures withheld" in withheld
    assert "None" not in withheld
    # 56/100: Wilson 0.462 to 0.654 reaches amber -> not firm;
    # margin 0.65 - 0.56 = 0.09 -> 1.96^2*0.56*0.44/0.09^2 = 116.9 -> 117, 17 more
    assert j.firm is False
    assert j.audits_needed == 17


def test_a_forced_red_is_firm():
    # the LSCB's chair is not independent: red whatever the rates say
    j = triangulate([_line("LSCB records", 0, 0, "cycles", forced="red"), _line("LSCB records", 5, 6, "challenges")])
    assert (j.band, j.firm) == ("red", True)


def test_no_evidence_gives_no_judgement():
    assert triangulate([]).band == "grey"


def test_headline_ties_and_all_equal():
    assert weakest([("H1", 1.0), ("H2", 1.0), ("H3", 1.0)]).kind == "all equal"
    tie = weakest([("L1", 0.5), ("L2", 0.5), ("L3", 0.8)])
    assert (tie.kind, tie.items, tie.value) == ("tied", ("L1", "L2"), 0.5)
    one = weakest([("L1", 0.4), ("L2", 0.5)])
    assert (one.kind, one.items) == ("weakest", ("L1",))
    assert weakest([]).kind == "none"


def test_rag_counts_have_every_band():
    assert rag_counts(["red", "amber", "amber", "grey"]) == {"red": 1, "amber": 2, "green": 0, "grey": 1,
                                                             "self-assessed": 0}


def test_audits_needed_beyond_the_frame_says_more_audits_will_not_settle_it():
    # 98 of 150 = 65.33%, 0.33 points above the red line (d = 1/300). With z^2 = 3.841459,
    # A = z^2 p(1-p) = 3.841459 * 0.653333 * 0.346667 = 0.870044. The clinical-audit formula with a frame of N:
    # N = 1000: 870.044 / (1000/90000 + 0.870044) = 870.044 / 0.881155 = 987.4 -> 988 in all: 838 more.
    j = judge_rate(98, 150, green=0.8, red=0.65, confidence_level=0.95, population=1000)
    assert (j.firm, j.audits_needed, j.beyond_frame) == (False, 838, False)
    # N = 200: 174.009 / (200/90000 + 0.870044) = 174.009 / 0.872266 = 199.5 -> 200: every file of the frame,
    # so the rate sits on the threshold and more audits will not settle it this quarter
    j = judge_rate(98, 150, green=0.8, red=0.65, confidence_level=0.95, population=200)
    assert (j.firm, j.audits_needed, j.beyond_frame) == (False, None, True)


# --- Mutation-testing follow-up: every rule below changes what a report says. -------------------
# Wilson's interval (Wilson 1927; Newcombe 1998, Stat Med 17:857, method 3): with z = 1.959964 (95%), z^2 = 3.841459,
# centre = (p + z^2/2n) / (1 + z^2/n), half = z / (1 + z^2/n) * sqrt(p(1-p)/n + z^2/4n^2).
# Audits in all (normal approximation, as review.stats.sampling.sample_size): ceil(z^2 p(1-p) / d^2),
# d the distance from p to the nearest threshold the interval crosses; with a caseload N,
# ceil(z^2 N p(1-p) / (d^2 N + z^2 p(1-p))) (the clinical-audit formula).


def test_a_band_whose_interval_reaches_red_and_green_can_be_any_band():
    # 1 of 2 = 50%: centre = (0.5 + 3.8415/4) / (1 + 3.8415/2) = 0.5;
    # half = 1.96/2.9208 * sqrt(0.125 + 3.8415/16) = 0.6711 * 0.6042 = 0.4055 -> 0.0945 to 0.9055.
    # Red (50% < 65%) with the top of the interval green: amber lies between, so all three bands.
    # Thresholds crossed: 0.65 (0.15 away) and 0.8 (0.30 away): 3.8415*0.25/0.15^2 = 42.7 -> 43, 41 more.
    j = judge_rate(1, 2, green=0.8, red=0.65, confidence_level=0.95)
    assert (j.band, j.firm, j.possible, j.audits_needed) == ("red", False, ("red", "amber", "green"), 41)


def test_at_least_one_more_audit_when_the_normal_approximation_is_already_met():
    # 36 of 40 = 90%: centre = (0.9 + 0.04802) / 1.09604 = 0.86495;
    # half = 1.95996/1.09604 * sqrt(0.09/40 + 3.8415/6400) = 1.78823 * 0.05339 = 0.09547 -> 0.7695 to 0.9604.
    # Green, but the interval reaches amber. d = 0.9 - 0.8 = 0.1: 3.8415*0.09/0.01 = 34.6 -> 35 in all,
    # fewer than the 40 done, yet Wilson's interval still crosses 80%: "about 1 more", never 0 or 2.
    j = judge_rate(36, 40, green=0.8, red=0.65, confidence_level=0.95)
    assert (j.band, j.firm, j.possible, j.audits_needed) == ("green", False, ("amber", "green"), 1)


def test_the_confidence_level_reaches_the_interval():
    # 28 of 40 at 80% (z = 1.281552, z^2 = 1.642374): centre = (0.7 + 0.020530) / 1.041059 = 0.692112;
    # half = 1.281552/1.041059 * sqrt(0.21/40 + 1.642374/6400) = 1.231009 * 0.074205 = 0.091348
    # -> 0.6008 to 0.7835: reaches red, not green (at 95% it reaches both: judge_rate's doctest).
    # d = 0.05: 1.642374*0.21/0.0025 = 137.96 -> 138 in all, 98 more.
    j = judge_rate(28, 40, green=0.8, red=0.65, confidence_level=0.8)
    assert (j.band, j.possible, j.audits_needed) == ("amber", ("red", "amber"), 98)
    assert j.result.confidence_interval.low == pytest.approx(0.6008, abs=1e-4)
    assert j.result.confidence_interval.high == pytest.approx(0.7835, abs=1e-4)


def test_a_known_caseload_narrows_the_interval_and_the_audits_needed():
    # 28 of 40 from a caseload of 100: z^2 scaled by (N - n)/(N - 1) = 60/99 -> 3.841459*0.606061 = 2.328157.
    # centre = (0.7 + 2.328157/80) / (1 + 2.328157/40) = 0.729102 / 1.058204 = 0.689000;
    # half = 1.525830/1.058204 * sqrt(0.00525 + 2.328157/6400) = 1.441904 * 0.074925 = 0.108034
    # -> 0.5810 to 0.7970: red or amber, never green. d = 0.05 to red;
    # 3.841459*100*0.21 / (0.0025*100 + 3.841459*0.21) = 80.6706 / 1.056706 = 76.3 -> 77 in all, 37 more.
    j = judge_rate(28, 40, green=0.8, red=0.65, confidence_level=0.95, population=100)
    assert (j.band, j.possible, j.audits_needed) == ("amber", ("red", "amber"), 37)
    assert j.result.confidence_interval.low == pytest.approx(0.5810, abs=1e-4)
    assert j.result.confidence_interval.high == pytest.approx(0.7970, abs=1e-4)


def test_a_caseload_smaller_than_the_sample_is_ignored():
    # 40 audited of a caseload given as 30: the caseload is wrong, so no finite population correction:
    # as without one (judge_rate's doctest: 54.6% to 81.9%, all three bands, 323 - 40 = 283 more).
    j = judge_rate(28, 40, green=0.8, red=0.65, confidence_level=0.95, population=30)
    assert (j.band, j.possible, j.audits_needed) == ("amber", ("red", "amber", "green"), 283)


def test_change_uses_the_reports_confidence_level():
    # Newcombe (1998) Table II example (d), 5/56 against 0/29: at 95% -0.0381 to 0.1926, no clear change.
    # At 80% (z = 1.281552, z^2 = 1.642374), method 10: Wilson for 5/56: centre = (0.089286 + 0.014664)
    # / 1.029328 = 0.100988, half = 1.245046 * sqrt(0.0014520 + 0.0001309) = 0.049548 -> l1 = 0.051440;
    # Wilson upper for 0/29: z^2/(n + z^2) = 1.642374/30.642374 = 0.053597.
    # L = 0.089286 - sqrt((0.089286 - 0.051440)^2 + 0.053597^2) = 0.089286 - 0.065612 = 0.0237 > 0: improved.
    assert classify_change(5, 56, 0, 29, confidence_level=0.95).label == "no clear change"
    change = classify_change(5, 56, 0, 29, confidence_level=0.8)
    assert change.label == "improved"
    assert change.difference.confidence_level == 0.8
    assert change.difference.confidence_interval.low == pytest.approx(0.0237, abs=1e-4)


def test_an_improved_or_worse_change_keeps_its_interval():
    # Newcombe (1998) Table II example (a): 56/70 - 48/80, 0.0524 to 0.3339. Swapping the two cycles
    # negates the difference and its limits (method 10 is symmetric): -0.3339 to -0.0524, worse.
    up = classify_change(56, 70, 48, 80, confidence_level=0.95)
    down = classify_change(48, 80, 56, 70, confidence_level=0.95)
    assert (up.label, down.label) == ("improved", "worse")
    assert (up.difference.confidence_interval.low, up.difference.confidence_interval.high) == pytest.approx(
        (0.0524, 0.3339), abs=5e-5)
    assert (down.difference.confidence_interval.low, down.difference.confidence_interval.high) == pytest.approx(
        (-0.3339, -0.0524), abs=5e-5)


def test_rates_line_keeps_what_it_is_given():
    rates = Rates(confidence_level=0.95, green=0.8, red=0.65)
    # 3 of 4 is 75% (amber), but the forced band decides: red
    forced = rates.line("LSCB records", "chair", (3, 4), None, "cycles", note="the chair is not independent",
                        forced_band="red")
    assert (forced.source, forced.note, forced.forced_band, forced.band) == (
        "chair", "the chair is not independent", "red", "red")
    plain = rates.line("audit", "plans", (28, 40), None, "files")
    assert (plain.note, plain.forced_band) == ("", "")
    # a sample, not a census: judge_rate's doctest, uncertain amber, 283 more
    assert (plain.band, plain.judgement.firm, plain.judgement.audits_needed) == ("amber", False, 283)


def test_a_census_line_is_exact_and_not_compared_by_sampling():
    # 7 of all 10 agencies: no sampling error, the level is 70% exactly -> firm amber, no audits needed;
    # a sampling interval for the change does not apply to a census: "no comparison".
    rates = Rates(confidence_level=0.95, green=0.8, red=0.65)
    line = rates.line("LSCB records", "agencies auditing", (7, 10), (5, 10), "agencies", census=True)
    ci = line.judgement.result.confidence_interval
    assert (ci.low, ci.high) == (0.7, 0.7)
    assert (line.band, line.judgement.firm, line.judgement.audits_needed) == ("amber", True, None)
    assert line.change == Change("no comparison", None)


def test_disagreement_sentences_word_for_word():
    audit = _line("audit", 28, 50, source="plans")  # 56%: red
    managers = _line(SELF, 5, 5, "ratings", source="managers")  # 100%: green on its own
    indicator = _line("indicator", 90, 100, "children", source="visits")  # 90%: green
    j = triangulate([audit, indicator, managers])
    first, second = j.disagreements
    assert first.sentence() == ("Sources disagree: the self-assessment (managers) 100% is green but "
                                "the audit (plans) 56% is red.")
    # the best independent line against the worst
    assert second.sentence() == "Sources disagree: the indicator (visits) 90% is green but the audit (plans) 56% is red."
    # the deciding line's figure withheld: neither band is shown, only the direction
    assert first.sentence(lambda ln: None if ln.kind == "audit" else "100%") == (
        "Sources disagree: the self-assessment (managers) 100% and the audit (plans) fall in different bands, "
        "the latter lower (figures withheld: small numbers).")
    # the first figure withheld and the second shown: still no bands
    assert first.sentence(lambda ln: None if ln.kind == SELF else "56%") == (
        "Sources disagree: the self-assessment (managers) and the audit (plans) 56% fall in different bands, "
        "the latter lower (figures withheld: small numbers).")


def test_disagreement_says_higher_when_the_independent_line_is_better():
    # managers 1 of 5 (20%, red) against audits 95 of 100 (green): the item follows the audits
    audit = _line("audit", 95, 100, source="plans")
    managers = _line(SELF, 1, 5, "ratings", source="managers")
    (d,) = triangulate([managers, audit]).disagreements
    assert d.sentence(lambda ln: None) == (
        "Sources disagree: the self-assessment (managers) and the audit (plans) fall in different bands, "
        "the latter higher (figures withheld: small numbers).")
    assert Disagreement(audit, managers).sentence(lambda ln: None).endswith(
        "the latter lower (figures withheld: small numbers).")


def test_lines_without_evidence_are_ignored():
    # 95 of 100: Wilson 0.888 to 0.978 (test above), firm green; the empty audit and self-assessment
    # (n = 0: grey) neither lower the band nor disagree with it
    j = triangulate([_line("audit", 0, 0), _line("indicator", 95, 100, "children"), _line(SELF, 0, 0, "ratings")])
    assert j == ItemJudgement("green", True, "independent evidence", (), None)
    assert triangulate([_line(SELF, 0, 0, "ratings")]) == ItemJudgement("grey", False, "no evidence", (), None)
    assert triangulate([]) == ItemJudgement("grey", False, "no evidence", (), None)
    # a self-assessment alone: capped at amber, nothing to disagree with
    assert triangulate([_line(SELF, 5, 5, "ratings")]).disagreements == ()


def test_a_forced_band_is_firm_whatever_its_rate():
    # no independent chair: red, though its rate (95 of 100, firm green) alone would be green
    j = triangulate([_line("LSCB records", 95, 100, "challenges", forced="red")])
    assert (j.band, j.firm, j.audits_needed) == ("red", True, None)


def test_one_amber_line_reaching_red_makes_the_item_uncertain():
    # 720 of 1000: centre = (0.72 + 0.0019207)/1.0038415 = 0.71916, half = 1.95246 * 0.014232 = 0.02779
    # -> 0.6914 to 0.7469: firm amber. 28 of 40 (doctest): amber, but its interval reaches red.
    # The item is amber and not firm; settling it means settling 28/40: 283 more audits.
    firm_amber, reaching_red = _line("audit", 720, 1000), _line("audit", 28, 40)
    assert firm_amber.judgement.possible == ("amber",)
    j = triangulate([firm_amber, reaching_red])
    assert (j.band, j.firm, j.audits_needed) == ("amber", False, 283)


# 5 of 6 = 83.3%: centre = (0.83333 + 0.32012)/1.64024 = 0.70322; half = 1.19492 * sqrt(0.023148 + 0.026677)
# = 0.26673 -> 0.4365 to 0.9700: green, reaching red. Thresholds crossed 0.65 (0.1833 away) and 0.8
# (0.0333 away): 3.841459 * 0.138889 / 0.033333^2 = 480.2 -> 481 in all, 475 more.


def test_audits_to_settle_an_item_anchored_at_its_band():
    # The item is amber (firm 720/1000 anchors it there); the green 5/6 could fall below amber, so it must
    # be settled: 475 more of its files. The anchor needs none.
    for anchor in (_line("audit", 720, 1000), _line("LSCB records", 0, 0, "cycles", forced="amber")):
        j = triangulate([anchor, _line("audit", 5, 6)])
        assert (j.band, j.firm, j.audits_needed) == ("amber", False, 475)


def test_only_audited_files_can_be_extended_by_auditing():
    # An indicator (children) or ratings cannot be settled by auditing more files: no figure is given.
    # 28 of 40 children: amber, uncertain (doctest), but no "N more audits".
    j = triangulate([_line("indicator", 28, 40, "children")])
    assert (j.band, j.firm, j.audits_needed) == ("amber", False, None)
    # anchored at amber, but the line that could fall below (5/6) is an indicator: no figure
    j = triangulate([_line("LSCB records", 0, 0, "cycles", forced="amber"), _line("indicator", 5, 6, "children")])
    assert (j.band, j.firm, j.audits_needed) == ("amber", False, None)


def test_headline_for_one_item_none_and_missing_values():
    one = weakest([("H1", 0.5)])
    assert (one.kind, one.items, one.value) == ("weakest", ("H1",), 0.5)  # one item is not "all equal"
    assert weakest([("H1", float("nan")), ("H2", 0.4)]).items == ("H2",)  # a missing value is not the lowest
    none = weakest([("H1", float("nan"))])
    assert (none.kind, none.items) == ("none", ())
    assert math.isnan(none.value)


def test_rag_sentence_without_grey():
    # no grey key and no grey judgements: the sentence does not mention items without evidence
    assert rag_sentence({"red": 1, "amber": 0, "green": 2}) == "1 red, 0 amber, 2 green"
    assert rag_sentence({"red": 1, "amber": 0, "green": 2, "grey": 0}) == "1 red, 0 amber, 2 green"
