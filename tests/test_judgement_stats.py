"""Newcombe's difference interval, Gwet's benchmarking and the workbook's judgement rules."""

from __future__ import annotations

import pytest
from statsmodels.stats.proportion import confint_proportions_2indep

from review.analyses.judgement import (
    Change,
    EvidenceLine,
    band_of,
    classify_change,
    judge_rate,
    rag_counts,
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


def _line(kind, k, n, unit="files", forced=""):
    none = Change("no comparison", None)
    j = judge_rate(k, n, green=0.8, red=0.65, confidence_level=0.95) if n else None
    return EvidenceLine(kind, kind, k, n, unit, j, none, "note" if forced else "", forced)


def test_self_assessment_alone_never_makes_an_item_green():
    # five managers all rate Good or better: 5/5 is green on its own, but alone it is capped at amber
    j = triangulate([_line("self-assessment", 5, 5, "ratings")])
    assert (j.band, j.basis, j.firm) == ("amber", "self-assessment only", False)
    # a red self-assessment stays red
    assert triangulate([_line("self-assessment", 1, 5, "ratings")]).band == "red"


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
    assert rag_counts(["red", "amber", "amber", "grey"]) == {"red": 1, "amber": 2, "green": 0, "grey": 1}
