"""Sampling statistics: intervals, sample sizes, stratification, allocation and the draw."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from review.exceptions import ParameterError
from review.stats.sample_draw import draw_moderation, draw_sample, tier_coverage
from review.stats.sampling import (
    achieved_margin,
    allocate,
    design_effect,
    proportion_ci,
    sample_size,
    stratified_proportion,
    stratified_sample_size,
)


@pytest.mark.parametrize(("k", "n"), [(0, 10), (3, 10), (10, 10), (41, 50), (82, 100), (1, 400)])
def test_intervals_match_scipy_and_statsmodels(k, n):
    for ours, scipy_name, sm_name in (("wilson", "wilson", "wilson"), ("clopper-pearson", "exact", "beta")):
        r = proportion_ci(k, n, method=ours)
        ref = stats.binomtest(k, n).proportion_ci(method=scipy_name)
        assert (r.confidence_interval.low, r.confidence_interval.high) == pytest.approx((ref.low, ref.high), abs=1e-12)
        sm = proportion_confint(k, n, method=sm_name)
        assert (r.confidence_interval.low, r.confidence_interval.high) == pytest.approx(sm, abs=1e-12)
    jeffreys = proportion_ci(k, n, method="jeffreys").confidence_interval
    sm = proportion_confint(k, n, method="jeffreys")
    if 0 < k < n:
        assert (jeffreys.low, jeffreys.high) == pytest.approx(sm, abs=1e-12)
    else:  # Brown, Cai and DasGupta's boundary rule
        assert jeffreys.low == 0.0 if k == 0 else jeffreys.high == 1.0


# Newcombe RG (1998) Two-sided confidence intervals for the single proportion: comparison of
# seven methods. Stat Med 17:857-872, Table II, 95% intervals to 4 decimals:
# method 3 (Wilson score) and method 5 (Clopper-Pearson exact).
@pytest.mark.parametrize(
    ("k", "n", "wilson", "exact"),
    [
        (81, 263, (0.2553, 0.3662), (0.2527, 0.3676)),
        (15, 148, (0.0624, 0.1605), (0.0578, 0.1617)),
        (0, 20, (0.0, 0.1611), (0.0, 0.1684)),
        (1, 29, (0.0061, 0.1718), (0.0009, 0.1776)),
    ],
)
def test_intervals_match_newcombe_1998_table_ii(k, n, wilson, exact):
    for method, published in (("wilson", wilson), ("clopper-pearson", exact)):
        ci = proportion_ci(k, n, method=method).confidence_interval
        assert (ci.low, ci.high) == pytest.approx(published, abs=5e-5)


def _coverage(interval, n, truth, pmf):
    """Exact coverage: the probability, over every possible count, that the interval holds the truth."""
    return sum(pmf(k) for k in range(n + 1) if interval(k).low <= truth <= interval(k).high)


@pytest.mark.parametrize("p", [0.05, 0.2, 0.5, 0.73, 0.9])
def test_binomial_coverage(p):
    # Exact coverage by enumeration over k ~ Binomial(40, p): Clopper-Pearson never falls
    # below the nominal 95% (Clopper and Pearson 1934); Wilson stays near it (Newcombe 1998
    # reports mean coverage 0.952 and a minimum near 0.83 over p; 0.9 here is far from the dips).
    n = 40
    pmf = stats.binom(n, p).pmf
    exact = _coverage(lambda k: proportion_ci(k, n, method="clopper-pearson").confidence_interval, n, p, pmf)
    wilson = _coverage(lambda k: proportion_ci(k, n, method="wilson").confidence_interval, n, p, pmf)
    assert exact >= 0.95
    assert wilson >= 0.90


@pytest.mark.parametrize("M", [0, 12, 60, 101, 150, 199])
def test_finite_population_coverage(M):
    # Sampling 50 of 200 files without replacement, M of them Good: k ~ Hypergeometric(200, M, 50).
    # The exact (hypergeometric) interval inverts two one-sided tests at 2.5% each, so its coverage
    # is at least 95% for every M.
    n, N = 50, 200
    pmf = stats.hypergeom(N, M, n).pmf
    fpc = _coverage(lambda k: proportion_ci(k, n, method="clopper-pearson", population=N).confidence_interval,
                    n, M / N, pmf)
    assert fpc >= 0.95


def test_finite_population_intervals_are_narrower_but_still_cover():
    # Averaged over M = 0..200, the finite-population Wilson interval covers close to 95%
    # (its z^2 shrinks by (N - n)/(N - 1) = 150/199, the hypergeometric variance ratio).
    n, N = 50, 200
    cover = [
        _coverage(lambda k: proportion_ci(k, n, method="wilson", population=N).confidence_interval,
                  n, M / N, stats.hypergeom(N, M, n).pmf)
        for M in range(N + 1)
    ]
    assert 0.93 <= float(np.mean(cover)) <= 0.97


def _exact_hypergeometric(k, n, N, alpha):
    """Brute force over every possible population count M."""
    ms = np.arange(k, N - (n - k) + 1)
    upper_tail = stats.hypergeom.sf(k - 1, N, ms, n)
    lower_tail = stats.hypergeom.cdf(k, N, ms, n)
    lo = ms[upper_tail > alpha / 2].min() if k else k
    hi = ms[lower_tail > alpha / 2].max() if k < n else N - (n - k)
    return lo / N, hi / N


@pytest.mark.parametrize(("k", "n", "N"), [(41, 50, 200), (0, 20, 60), (20, 20, 60), (7, 30, 31), (12, 40, 1000)])
def test_finite_population_exact_bounds_by_brute_force(k, n, N):
    r = proportion_ci(k, n, method="clopper-pearson", population=N)
    assert (r.confidence_interval.low, r.confidence_interval.high) == pytest.approx(
        _exact_hypergeometric(k, n, N, 0.05))


def test_finite_population_wilson_by_hand():
    k, n, N = 41, 50, 200
    z2 = stats.norm.ppf(0.975) ** 2 * (N - n) / (N - 1)
    p = k / n
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = math.sqrt(z2) / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    r = proportion_ci(k, n, method="wilson", population=N)
    assert (r.confidence_interval.low, r.confidence_interval.high) == pytest.approx((centre - half, centre + half))


@pytest.mark.parametrize("method", ["wilson", "clopper-pearson", "jeffreys"])
def test_finite_population_narrows_and_converges(method):
    wide = proportion_ci(41, 50, method=method).confidence_interval
    small = proportion_ci(41, 50, method=method, population=120).confidence_interval
    huge = proportion_ci(41, 50, method=method, population=10**7).confidence_interval
    assert small.high - small.low < wide.high - wide.low
    assert (huge.low, huge.high) == pytest.approx((wide.low, wide.high), abs=2e-4)
    census = proportion_ci(41, 50, method=method, population=50).confidence_interval
    assert census.low == census.high == 0.82


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 300), data=st.data(), method=st.sampled_from(["wilson", "clopper-pearson", "jeffreys"]))
def test_interval_contains_the_estimate_and_shrinks_with_n(n, data, method):
    k = data.draw(st.integers(0, n))
    r = proportion_ci(k, n, method=method)
    assert r.confidence_interval.low <= r.statistic <= r.confidence_interval.high
    bigger = proportion_ci(4 * k, 4 * n, method=method)
    assert bigger.confidence_interval.high - bigger.confidence_interval.low < r.confidence_interval.high - r.confidence_interval.low


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"k": 5, "n": 3, "method": "wilson"}, r"`k` \(5\) cannot be larger than `n` \(3\)"),
        ({"k": 1, "n": 0, "method": "wilson"}, r"`n` must be a whole number >= 1; got 0"),
        ({"k": 1, "n": 5, "method": "wald"}, r"`method` must be one of \['wilson', 'clopper-pearson', 'jeffreys'\]"),
        ({"k": 1, "n": 5, "method": "wilson", "population": 3}, r"`population` \(3\) cannot be smaller"),
        ({"k": 1, "n": 5, "method": "wilson", "confidence_level": 95}, r"`confidence_level` must be"),
    ],
)
def test_proportion_ci_errors(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        proportion_ci(**kwargs)


def test_method_is_required():
    with pytest.raises(TypeError, match="method"):
        proportion_ci(1, 5)  # type: ignore[call-arg]


# UBHT Clinical Audit Central Office (2005), "How to: set an audit sample size": worked example
# N = 400, p = 70%, A = 0.05, 95% -> 178.6 -> 179; its table row 500, 50%, 90%, +/-5% -> 176.
# HEIW: N = 300, 70%, +/-5%, 95% -> 155.5 by the formula (Epi Info prints 155; we round up).
# A public-health audit guide: 2,000 files at 90%, 5% -> 238.3 by the formula (printed 238; rounded up: 239).
@pytest.mark.parametrize(
    ("population", "p", "level", "expected"),
    [(400, 0.7, 0.95, 179), (500, 0.5, 0.90, 176), (300, 0.7, 0.95, 156), (2000, 0.5, 0.90, 239)],
)
def test_sample_size_worked_examples(population, p, level, expected):
    assert sample_size(margin=0.05, confidence_level=level, population=population, expected_proportion=p) == expected


def test_sample_size_without_population_and_monotonicity():
    assert sample_size(margin=0.05, confidence_level=0.95) == 385  # 1.96^2 * 0.25 / 0.0025 = 384.1
    sizes = [sample_size(margin=m, confidence_level=0.95, population=1000) for m in (0.03, 0.05, 0.1)]
    assert sizes == sorted(sizes, reverse=True)
    assert sample_size(margin=0.01, confidence_level=0.99, population=50) == 50


def test_achieved_margin_of_the_quota():
    assert achieved_margin(100) == pytest.approx(1.959964 * 0.05, rel=1e-6)
    assert achieved_margin(100, population=100) == 0.0
    assert achieved_margin(100, population=400) < achieved_margin(100)


def test_stratified_estimate_by_hand():
    # Two teams: N = (600, 400), n = (30, 20), k = (24, 10).
    # p = 0.6*0.8 + 0.4*0.5 = 0.68; V = 0.36*(1-30/600)*0.16/29 + 0.16*(1-20/400)*0.25/19 = 0.0038869...
    r = stratified_proportion([24, 10], [30, 20], [600, 400], labels=["North", "South"])
    var = 0.36 * (1 - 30 / 600) * 0.16 / 29 + 0.16 * (1 - 20 / 400) * 0.25 / 19
    assert r.statistic == pytest.approx(0.68)
    assert r.standard_error == pytest.approx(math.sqrt(var))
    assert r.confidence_interval.low == pytest.approx(0.68 - 1.959964 * math.sqrt(var), rel=1e-6)
    assert list(r.strata.stratum) == ["North", "South"]


def test_stratified_errors():
    with pytest.raises(ParameterError, match=r"population of 0 cannot be weighted: \['b'\]"):
        stratified_proportion([1, 1], [2, 2], [10, 0], labels=["a", "b"])
    with pytest.raises(ParameterError, match=r"2 <= n <= population"):
        stratified_proportion([1], [1], [10])


def test_design_effect_worked_by_hand():
    # Four teams of 10 files with 8, 2, 6 and 4 Good: p = 20/40 = 0.5; k - p n = 3, -3, 1, -1.
    # V_cl = m/(m-1) * sum (k - p n)^2 / (sum n)^2 = 4/3 * 20 / 1600 = 1/60
    # V_srs = p (1 - p) / (sum n - 1) = 0.25 / 39 = 1/156; deff = 156 / 60 = 2.6
    assert design_effect([8, 2, 6, 4], [10, 10, 10, 10]) == pytest.approx(2.6, rel=1e-12)
    # Pure clusters (rho = 1): Kish's 1 + (b - 1) rho = 10 for b = 10, times the small-sample
    # factors m/(m-1) = 4/3 and (sum n - 1)/sum n = 39/40: 10 * 4/3 * 39/40 = 13.
    # k - p n = 5, -5, 5, -5: V_cl = 4/3 * 100 / 1600 = 1/12; 1/12 * 156 = 13.
    assert design_effect([10, 0, 10, 0], [10, 10, 10, 10]) == pytest.approx(13.0, rel=1e-12)
    # No spread between teams: every k - p n = 0, deff = 0.
    assert design_effect([6, 6, 6], [10, 10, 10]) == 0.0


def test_design_effect_recovers_kish_by_simulation():
    # Kish (1965), Survey Sampling, s. 5.4: deff = 1 + (b - 1) rho for clusters of b with
    # intra-cluster correlation rho. Beta-binomial teams: p_j ~ Beta(p s, (1 - p) s) with
    # s = 1/rho - 1 has rho exactly; b = 20, rho = 0.1 -> deff = 1 + 19 * 0.1 = 2.9.
    rng = np.random.default_rng(20090101)
    b, m, rho, p = 20, 40, 0.1, 0.7
    s = 1 / rho - 1
    values = [design_effect(rng.binomial(b, rng.beta(p * s, (1 - p) * s, m)), np.full(m, b)) for _ in range(500)]
    assert np.mean(values) == pytest.approx(1 + (b - 1) * rho, rel=0.05)  # Monte Carlo SE about 1%
    # Without clustering (rho = 0) the design effect is about 1.
    unclustered = [design_effect(rng.binomial(b, p, m), np.full(m, b)) for _ in range(500)]
    assert np.mean(unclustered) == pytest.approx(1.0, rel=0.05)


def test_allocation():
    assert allocate(100, [500, 300, 200]).tolist() == [50, 30, 20]
    assert allocate(10, [500, 300, 200, 5], minimum=2).sum() == 10
    assert (allocate(10, [500, 300, 200, 5], minimum=2) >= 2).all()
    assert allocate(9, [100, 100, 100], method="equal").tolist() == [3, 3, 3]
    assert allocate(30, [100, 100], method="neyman", sd=[0.5, 0.25]).tolist() == [20, 10]
    assert allocate(12, [3, 100], method="equal").tolist() == [3, 9]  # a small stratum is capped
    with pytest.raises(ParameterError, match="cannot allocate 50 files to strata holding 20 cases"):
        allocate(50, [10, 10])
    with pytest.raises(ParameterError, match="minimum of 5 per stratum needs 10 files"):
        allocate(6, [10, 10], minimum=5)
    with pytest.raises(ParameterError, match="Neyman allocation needs `sd`"):
        allocate(6, [10, 10], method="neyman")


def test_stratified_sample_size_equals_simple_for_one_stratum():
    assert stratified_sample_size(margin=0.05, confidence_level=0.95, population=[400], expected_proportion=0.7) == 179


# --- the draw ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(root):
    from review.data import load_evidence

    evidence = load_evidence(root / "data" / "demo")
    frame = evidence.table("frame")
    return evidence, frame[frame.cycle == "2009-Q4"]


def test_draw_is_reproducible_and_honours_exclusions(demo):
    evidence, frame = demo
    staff, programme = evidence.table("staff"), evidence.table("programme")
    a = draw_sample(frame, staff=staff, programme=programme, as_of=dt.date(2009, 10, 1), rng=11)
    b = draw_sample(frame, staff=staff, programme=programme, as_of=dt.date(2009, 10, 1), rng=11)
    c = draw_sample(frame, staff=staff, programme=programme, as_of=dt.date(2009, 10, 1), rng=12)
    pd.testing.assert_frame_equal(a.selected, b.selected)
    assert not a.selected.case_ref.equals(c.selected.case_ref)
    assert a.selected.case_ref.is_unique
    merged = a.selected.merge(frame, on="case_ref", suffixes=("", "_frame")).merge(
        staff[["staff_id", "team"]].rename(columns={"staff_id": "auditor_id", "team": "auditor_team"}), on="auditor_id")
    last = pd.to_datetime(merged.last_audit_date)
    assert (last.isna() | (last < pd.Timestamp("2008-10-01"))).all()
    assert (merged.team != merged.auditor_team).all()
    assert (merged.team_manager != merged.auditor_id).all()
    assert (a.selected.groupby("auditor_id").size() <= 6).all()
    assert np.allclose(a.selected.weight * a.selected.inclusion_probability, 1.0)


def test_impossible_quota_is_explained(demo):
    evidence, frame = demo
    programme = evidence.table("programme").assign(quota_per_auditor=500)
    draw = draw_sample(frame.head(300), staff=evidence.table("staff"), programme=programme,
                       as_of=dt.date(2009, 10, 1), rng=1)
    assert any("cases needed but only" in s for s in draw.shortfalls)


def test_draw_names_a_missing_column(demo):
    evidence, frame = demo
    with pytest.raises(ParameterError, match=r"`frame` has no column \['team_manager'\]"):
        draw_sample(frame.drop(columns="team_manager"), staff=evidence.table("staff"),
                    programme=evidence.table("programme"), as_of=dt.date(2009, 10, 1), rng=1)


def test_tier_coverage(demo):
    evidence, _ = demo
    cov = tier_coverage(evidence.table("audits"), staff=evidence.table("staff"), programme=evidence.table("programme"),
                        cycle="2009-Q4")
    tm = cov[(cov.tier == "TM") & (cov.audit_type == "case file")].iloc[0]
    programme, staff = evidence.table("programme"), evidence.table("staff")
    quota = programme[(programme.tier == "TM") & (programme.audit_type == "case file")].quota_per_auditor.iloc[0]
    assert tm.planned == quota * (staff.tier == "TM").sum()  # each team manager's quota, summed
    audits = evidence.table("audits")
    assert tm.completed == ((audits.cycle == "2009-Q4") & (audits.auditor_tier == "TM") & audits.moderation_of.isna()
                            & (audits.audit_type == "case file")).sum()
    sm = cov[(cov.tier == "SM") & (cov.audit_type == "case file")].iloc[0]
    assert sm.moderations == ((audits.cycle == "2009-Q4") & (audits.auditor_tier == "SM")
                              & audits.moderation_of.notna()).sum()
    assert tm.auditors_overdue == len(tm.overdue.split(";")) if tm.overdue else tm.auditors_overdue == 0


def test_sample_command_writes_the_allocation(tmp_path, capsys):
    from review.cli import main

    out = tmp_path / "allocation.csv"
    assert main(["sample", "--cycle", "2009-Q4", "--seed", "7", "--out", str(out)]) == 0
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert list(table.columns[:5]) == ["case_ref", "team", "case_type", "tier", "auditor_id"]
    assert f"{len(table)} cases drawn from " in capsys.readouterr().out


# --- tests added after the mutation run (docs/testing.md): each pins a number the reports show ---

@pytest.mark.parametrize(("k", "n", "N"), [(41, 50, 200), (0, 20, 60), (20, 20, 60), (3, 30, 5000)])
def test_finite_population_jeffreys_against_a_second_implementation(k, n, N):
    # Posterior Beta(k + 1/2, n - k + 1/2) for the rate; the N - n unseen files hold
    # U ~ BetaBinomial(N - n, k + 1/2, n - k + 1/2) Good ones; the interval for (k + U)/N takes
    # U's 2.5% and 97.5% quantiles (scipy's betabinom.ppf: the smallest u with cdf(u) >= q),
    # with 0 and 1 at k = 0 and k = n as in Brown, Cai and DasGupta (2001).
    u = stats.betabinom(N - n, k + 0.5, n - k + 0.5)
    low = 0.0 if k == 0 else (k + u.ppf(0.025)) / N
    high = 1.0 if k == n else (k + u.ppf(0.975)) / N
    ci = proportion_ci(k, n, method="jeffreys", population=N).confidence_interval
    assert (ci.low, ci.high) == pytest.approx((low, high), abs=1e-12)


def test_result_records_its_inputs():
    r = proportion_ci(3, 10, method="jeffreys", confidence_level=0.9, population=40)
    assert (r.statistic, r.confidence_level, r.method, r.k, r.n, r.population) == (0.3, 0.9, "jeffreys", 3, 10, 40)
    # All successes: the upper bound is exactly 1 for every method (not 1 - 1e-16, never above 1).
    for method in ("wilson", "clopper-pearson", "jeffreys"):
        assert proportion_ci(10, 10, method=method).confidence_interval.high == 1.0
        assert proportion_ci(10, 10, method=method, population=40).confidence_interval.high == 1.0
        assert proportion_ci(1, 10, method=method, population=40).confidence_interval.low > 0.0


def test_achieved_margin_with_the_finite_population_correction():
    # z * sqrt(p (1 - p) / n * (N - n) / (N - 1)) = 1.959964 * sqrt(0.25 / 100 * 300 / 399) = 0.084970
    assert achieved_margin(100, population=400) == pytest.approx(1.959964 * math.sqrt(0.25 / 100 * 300 / 399), rel=1e-6)
    # p = 0.7 at 90%: 1.644854 * sqrt(0.21 / 50) = 0.106600
    assert achieved_margin(50, proportion=0.7, confidence_level=0.9) == pytest.approx(1.644854 * math.sqrt(0.21 / 50),
                                                                                      rel=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"margin": 0}, "`margin` must be a proportion in"), ({"margin": 1}, "`margin` must be a proportion in"),
        ({"margin": 0.05, "expected_proportion": 0}, "`expected_proportion` must be in"),
        ({"margin": 0.05, "expected_proportion": 1}, "`expected_proportion` must be in"),
        ({"margin": 0.05, "population": 0}, "`population` must be a whole number >= 1"),
    ],
)
def test_sample_size_errors(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        sample_size(confidence_level=0.95, **kwargs)


def test_sample_size_of_one_file_population():
    # N = 1: n0 = 384.1; n = n0 N / (n0 + N - 1) = 1 -> the whole population of one file.
    assert sample_size(margin=0.05, confidence_level=0.95, population=1) == 1


def test_stratified_interval_and_strata_table_by_hand():
    # As test_stratified_estimate_by_hand: p = 0.68, V = 0.0038869; high = 0.68 + 1.959964 * sqrt(V)
    r = stratified_proportion([24, 10], [30, 20], [600, 400])
    var = 0.36 * (1 - 30 / 600) * 0.16 / 29 + 0.16 * (1 - 20 / 400) * 0.25 / 19
    assert r.confidence_interval.high == pytest.approx(0.68 + 1.959964 * math.sqrt(var), rel=1e-6)
    assert r.confidence_level == 0.95
    strata = r.strata.set_index("stratum")
    assert list(strata.index) == ["1", "2"]  # strata numbered from 1 when no labels are given
    assert strata.loc["1", ["population", "n", "k"]].tolist() == [600, 30, 24]
    assert strata["weight"].tolist() == pytest.approx([0.6, 0.4])  # 600/1000, 400/1000
    assert strata["proportion"].tolist() == pytest.approx([0.8, 0.5])  # 24/30, 10/20


@pytest.mark.parametrize(
    ("k", "n", "population"),
    [([1, -1], [5, 5], [10, 10]), ([1, 6], [5, 5], [10, 10]), ([1, 1], [5, 11], [10, 10]), ([1, 1], [5, 1], [10, 10])],
)
def test_stratified_refuses_impossible_counts(k, n, population):
    with pytest.raises(ParameterError, match=r"2 <= n <= population"):
        stratified_proportion(k, n, population)


def test_stratified_accepts_the_edges():
    # k = 0, k = n, n = 2 and n = N are all possible samples.
    r = stratified_proportion([0, 2, 3], [2, 2, 3], [10, 10, 3])
    assert r.statistic == pytest.approx((0 * 10 + 1 * 10 + 1 * 3) / 23)  # sum N_h p_h / sum N_h


@pytest.mark.parametrize(("k", "n"), [([1], [5]), ([1, 2], [5]), ([1, 6], [5, 5]), ([1, 1], [0, 5])])
def test_design_effect_refuses_bad_clusters(k, n):
    with pytest.raises(ParameterError, match="per-cluster counts"):
        design_effect(k, n)


def test_design_effect_accepts_two_clusters_of_one_file():
    # k = 1, 0 and n = 1, 1: p = 0.5, k - p n = 0.5, -0.5; V_cl = 2/1 * 0.5 / 4 = 0.25;
    # V_srs = 0.25 / 1 = 0.25; deff = 1. All equal (p = 0 or 1): no variance, NaN.
    assert design_effect([1, 0], [1, 1]) == pytest.approx(1.0)
    assert math.isnan(design_effect([0, 0], [3, 3]))


def _moderation_audits():
    """Hand-built: four ATM first audits in 2009-Q4 (two per team), one already moderated, one TM
    first audit of case C3 by TM01, and audits that are not in the pool (last cycle, another type)."""
    rows = [("A1", "2009-Q4", "C1", "T1", "case file", "ATM01", "ATM", "random", None),
            ("A2", "2009-Q4", "C2", "T1", "case file", "ATM01", "ATM", "random", None),
            ("A3", "2009-Q4", "C3", "T2", "case file", "ATM02", "ATM", "themed", None),
            ("A4", "2009-Q4", "C4", "T2", "case file", "ATM02", "ATM", "random", None),
            ("A5", "2009-Q4", "C5", "T1", "case file", "ATM01", "ATM", "random", None),
            ("A6", "2009-Q4", "C5", "T1", "case file", "TM02", "TM", "random", "A5"),  # A5 moderated already
            ("A7", "2009-Q4", "C3", "T2", "case file", "TM01", "TM", "random", None),  # TM01 audited C3
            ("A8", "2009-Q3", "C8", "T1", "case file", "ATM01", "ATM", "random", None),  # last cycle
            ("A9", "2009-Q4", "C9", "T1", "supervision", "ATM01", "ATM", "random", None)]  # another audit type
    return pd.DataFrame(rows, columns=["audit_id", "cycle", "case_ref", "team", "audit_type", "auditor_id",
                                       "auditor_tier", "selection", "moderation_of"]).assign(case_type="CP")


MODERATION_STAFF = pd.DataFrame({"staff_id": ["ATM01", "ATM02", "TM01", "TM02"], "tier": ["ATM", "ATM", "TM", "TM"],
                                 "team": ["T1", "T2", "T1", "T2"]})


def test_moderation_draw_moderates_every_first_audit_by_a_senior_of_another_team_who_has_not_audited_the_case():
    draw = draw_moderation(_moderation_audits(), staff=MODERATION_STAFF, cycle="2009-Q4", rng=5, share=1.0)
    # the ATM pool is A1-A4 (A5 moderated, A8 last cycle, A9 supervision): all 4 drawn, 4 of 4 -> p 1, weight 1;
    # T1's audits go to TM02 (TM01 is in T1), T2's to TM01; A3 (T2, case C3) has none: TM01 audited C3, TM02 is in T2
    got = draw.selected[["moderation_of", "auditor_id", "tier", "selection"]].values.tolist()
    assert got == [["A1", "TM02", "TM", "random"], ["A2", "TM02", "TM", "random"], ["A4", "TM01", "TM", "random"]]
    assert draw.selected["inclusion_probability"].tolist() == [1.0] * 3
    assert draw.selected["weight"].tolist() == [1.0] * 3
    # A7, the TM's own first audit, would be moderated by an SM: there is none
    assert draw.shortfalls == ("ATM audit A3: every TM audited it or is in its team",
                               "TM: no SM in the staff list to moderate 1 audits")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_moderation_draw_takes_the_ceiling_of_the_share_with_its_inclusion_probability(seed):
    draw = draw_moderation(_moderation_audits(), staff=MODERATION_STAFF, cycle="2009-Q4", rng=seed, share=0.3)
    drawn = draw.selected[draw.selected["tier"] == "TM"]
    unfilled = [s for s in draw.shortfalls if s.startswith("ATM audit")]
    # ceil(0.3 x 4) = 2 of the 4 ATM first audits (not round(1.2) = 1): p = 2/4, weight 4/2
    assert len(drawn) + len(unfilled) == 2
    assert drawn["inclusion_probability"].tolist() == [0.5] * len(drawn)
    assert drawn["weight"].tolist() == [2.0] * len(drawn)
    assert set(drawn["moderation_of"]) <= {"A1", "A2", "A3", "A4"}
    moderator_for = {"T1": "TM02", "T2": "TM01"}
    assert [moderator_for[t] for t in drawn["team"]] == drawn["auditor_id"].tolist()


@pytest.mark.parametrize("share", [0, -0.1, 1.5])
def test_moderation_share_outside_zero_to_one_is_refused(share):
    with pytest.raises(ParameterError, match="`share`"):
        draw_moderation(_moderation_audits(), staff=MODERATION_STAFF, cycle="2009-Q4", rng=1, share=share)
