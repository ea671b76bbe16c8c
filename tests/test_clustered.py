"""A proportion of criteria met over audits, the audit as the cluster (review.stats.clustered).

Expected values come from R's survey package (tests/reference/clustered_reference.R, whose output
tests/reference/clustered_reference.json is read here: R is not needed to run these tests), from
arithmetic written in the test, and from Student's t table (Biometrika Tables, Table 12).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from review.exceptions import ParameterError
from review.stats.clustered import clustered_proportion, share_meeting_all
from review.stats.sampling import design_effect, proportion_ci

_REFERENCE = json.loads((Path(__file__).parent / "reference" / "clustered_reference.json").read_text())
_CASES = _REFERENCE["cases"]


def test_reference_file_says_where_it_comes_from():
    assert _REFERENCE["generated_by"].startswith("Rscript tests/reference/clustered_reference.R")
    assert _REFERENCE["survey_version"]
    assert _REFERENCE["r_version"].startswith("R version")
    assert len(_CASES) >= 10


@pytest.mark.parametrize("case", _CASES, ids=[c["name"] for c in _CASES])
@pytest.mark.parametrize("method", ["beta", "logit"])
def test_matches_r_survey(case, method):
    r = clustered_proportion(case["met"], case["applicable"], population=case["population"],
                             confidence_level=case["confidence_level"], method=method)
    assert r.statistic == pytest.approx(case["svyratio_ratio"], abs=1e-12)
    assert r.statistic == pytest.approx(case["svymean_mean"], abs=1e-12)
    assert r.standard_error == pytest.approx(case["svyratio_se"], abs=1e-12)
    assert r.standard_error == pytest.approx(case["svymean_se"], abs=1e-12)
    assert r.design_effect == pytest.approx(case["svymean_deff_replace"], rel=1e-10)
    assert r.df == case["degf"]
    low, high = case[f"svyciprop_{method}"]
    # svyciprop's logit interval comes from an iteratively fitted svyglm (converged to ~1e-10).
    tolerance = 1e-12 if method == "beta" else 1e-8
    assert r.confidence_interval.low == pytest.approx(low, abs=tolerance)
    assert r.confidence_interval.high == pytest.approx(high, abs=tolerance)
    kept = [(m, a) for m, a in zip(case["met"], case["applicable"], strict=True) if a > 0]
    assert (r.k, r.n_answers) == (sum(m for m, _ in kept), sum(a for _, a in kept))
    assert (r.n_audits, r.n_excluded) == (len(kept), len(case["met"]) - len(kept))


def test_linearised_variance_by_hand():
    # Three audits: 2 of 2, 1 of 2, 0 of 1 criteria met. p = 3/5 = 0.6.
    # z_i = (met_i - 0.6 * applicable_i) / 5 = (0.8/5, -0.2/5, -0.6/5) = (0.16, -0.04, -0.12), sum 0.
    # V = m/(m-1) * sum z^2 = 3/2 * (0.0256 + 0.0016 + 0.0144) = 3/2 * 0.0416 = 0.0624.
    # Independent answers: p(1-p)/(A-1) = 0.24/4 = 0.06, so the design effect is 0.0624/0.06 = 1.04.
    # Kish's effective number of answers: 0.24 / 0.0624 = 3.846...
    r = clustered_proportion([2, 1, 0], [2, 2, 1])
    assert r.statistic == pytest.approx(0.6, abs=1e-15)
    assert r.standard_error ** 2 == pytest.approx(0.0624, abs=1e-15)
    assert r.design_effect == pytest.approx(1.04, abs=1e-13)
    assert r.effective_n == pytest.approx(0.24 / 0.0624, abs=1e-12)
    assert (r.k, r.n_answers, r.n_audits, r.df, r.n_excluded) == (3, 5, 3, 2, 0)
    # From a frame of 10 files: V * (1 - 3/10) = 0.0624 * 0.7 = 0.04368.
    fpc = clustered_proportion([2, 1, 0], [2, 2, 1], population=10)
    assert fpc.standard_error ** 2 == pytest.approx(0.04368, abs=1e-15)
    assert fpc.population == 10


def test_korn_graubard_degrees_of_freedom_by_hand():
    # The beta interval's effective size: 3.846 * (t_{A-1} / t_{m-1})^2 with A - 1 = 4 and m - 1 = 2;
    # two-sided 95% t quantiles from the table: 2.776445105 (4 df) and 4.302652730 (2 df).
    n_df = 0.24 / 0.0624 * (2.776445105 / 4.302652730) ** 2  # = 1.60148...
    r = clustered_proportion([2, 1, 0], [2, 2, 1], method="beta")
    from scipy import stats  # the bounds are Beta quantiles at these shapes

    assert r.confidence_interval.low == pytest.approx(stats.beta.ppf(0.025, n_df * 0.6, n_df * 0.4 + 1), abs=1e-8)
    assert r.confidence_interval.high == pytest.approx(stats.beta.ppf(0.975, n_df * 0.6 + 1, n_df * 0.4), abs=1e-8)


def test_logit_interval_by_hand():
    # logit(0.6) = ln 1.5; SE on the logit scale = sqrt(0.0624) / 0.24; t_{2, 0.975} = 4.302652730.
    half = 4.302652730 * math.sqrt(0.0624) / 0.24
    expected = [1 / (1 + math.exp(-(math.log(1.5) + s * half))) for s in (-1, 1)]
    r = clustered_proportion([2, 1, 0], [2, 2, 1], method="logit")
    assert [r.confidence_interval.low, r.confidence_interval.high] == pytest.approx(expected, abs=1e-9)


def test_none_met_uses_every_answer_as_effective_size():
    # 4 audits of 3, 5, 2 and 4 criteria, none met: the variance is 0, so the design effect cannot be
    # estimated and is taken as 1 (Korn and Graubard), n* = 14 answers, then scaled for the degrees
    # of freedom: 14 * (t_{13} / t_{3})^2 with 2.160368656 (13 df) and 3.182446305 (3 df).
    # Upper bound, Clopper-Pearson at 0 events: 1 - 0.025^(1/n_df).
    n_df = 14 * (2.160368656 / 3.182446305) ** 2
    r = clustered_proportion([0, 0, 0, 0], [3, 5, 2, 4])
    assert r.statistic == 0.0
    assert r.standard_error == 0.0
    assert r.confidence_interval.low == 0.0
    assert r.confidence_interval.high == pytest.approx(1 - 0.025 ** (1 / n_df), abs=1e-8)
    assert r.effective_n == 14.0
    assert math.isnan(r.design_effect)
    # And all met, mirrored.
    full = clustered_proportion([3, 5, 2, 4], [3, 5, 2, 4])
    assert full.confidence_interval.high == 1.0
    assert full.confidence_interval.low == pytest.approx(0.025 ** (1 / n_df), abs=1e-8)
    # One failure more is never more precise than none.
    one = clustered_proportion([1, 0, 0, 0], [3, 5, 2, 4])
    assert one.confidence_interval.high > r.confidence_interval.high


def test_logit_undefined_at_zero_variance():
    cases = {"none met": ([0, 0, 0], [2, 3, 1]), "all met": ([2, 3, 1], [2, 3, 1]),
             "half of every audit": ([1, 2, 1], [2, 4, 2])}
    for met, applicable in cases.values():
        r = clustered_proportion(met, applicable, method="logit")
        assert r.standard_error == 0.0
        assert math.isnan(r.confidence_interval.low)
        assert math.isnan(r.confidence_interval.high)


def test_same_share_in_every_audit_is_not_a_zero_width_interval():
    # 3 of 4 in each of two audits: the between-audit variance is 0 (R gives the point 0.5 to 0.5).
    r = clustered_proportion([3, 3], [4, 4])
    assert r.standard_error == 0.0
    assert r.effective_n == 8.0
    assert r.confidence_interval.low < 0.75 < r.confidence_interval.high


def test_one_applicable_answer_per_audit_is_the_binomial_case():
    # Clusters of one: design effect exactly 1 (without a frame), and at 0 of n the beta interval is
    # Clopper-Pearson's: n* = n answers, (t_{n-1}/t_{n-1})^2 = 1.
    k, n = 11, 15
    met = [1] * k + [0] * (n - k)
    r = clustered_proportion(met, [1] * n)
    assert r.design_effect == pytest.approx(1.0, abs=1e-12)
    assert r.effective_n == pytest.approx(n - 1, abs=1e-12)
    for n_files in range(2, 41):  # never narrower than Clopper-Pearson on the files
        for met_files in range(n_files + 1):
            ci = clustered_proportion([1] * met_files + [0] * (n_files - met_files), [1] * n_files).confidence_interval
            cp = proportion_ci(met_files, n_files, method="clopper-pearson").confidence_interval
            assert ci.low <= cp.low + 1e-12
            assert ci.high >= cp.high - 1e-12
    zero = clustered_proportion([0] * n, [1] * n).confidence_interval
    cp0 = proportion_ci(0, n, method="clopper-pearson").confidence_interval
    assert (zero.low, zero.high) == pytest.approx((cp0.low, cp0.high), abs=1e-12)


def test_census_and_single_audit():
    census = clustered_proportion([2, 1, 0], [2, 2, 1], population=3)
    assert census.standard_error == 0.0
    assert (census.confidence_interval.low, census.confidence_interval.high) == (0.6, 0.6)
    assert census.effective_n == math.inf
    lone = clustered_proportion([2, 0], [3, 0])
    assert lone.statistic == pytest.approx(2 / 3)
    assert lone.n_audits == 1
    assert lone.n_excluded == 1
    assert math.isnan(lone.standard_error)
    assert math.isnan(lone.confidence_interval.low)
    assert math.isnan(lone.confidence_interval.high)


def test_agrees_with_the_sampling_design_effect():
    # review.stats.sampling.design_effect is an earlier, separate implementation of the same
    # with-replacement ratio variance over clusters.
    k, n = [8, 2, 6, 4], [10, 10, 10, 10]
    assert clustered_proportion(k, n).design_effect == pytest.approx(design_effect(k, n), rel=1e-12)
    assert design_effect(k, n) == pytest.approx(2.6, abs=1e-12)


def test_accepts_arrays_and_series():
    expected = clustered_proportion([2, 1, 0], [2, 2, 1])
    assert clustered_proportion(np.array([2, 1, 0]), np.array([2, 2, 1])) == expected
    assert clustered_proportion(pd.Series([2, 1, 0]), pd.Series([2, 2, 1], dtype="int32")) == expected


@pytest.mark.parametrize(("met", "applicable", "kwargs", "message"), [
    ([1, 2], [2], {}, "one entry per audit"),
    ([1, -1], [2, 2], {}, r"`met\[1\]` must be a whole number >= 0"),
    ([1, 1.0], [2, 2], {}, r"`met\[1\]`"),
    ([1, True], [2, 2], {}, r"`met\[1\]`"),
    ([1, 1], [2, "2"], {}, r"`applicable\[1\]`"),
    ([1, 3], [2, 2], {}, r"audit 1: `met\[1\]` \(3\) cannot be larger than `applicable\[1\]` \(2\)"),
    ([0, 0], [0, 0], {}, "no audit has an applicable criterion"),
    ([], [], {}, "no audit has an applicable criterion"),
    ([1, 1], [2, 2], {"method": "wald"}, "`method` must be one of"),
    ([1, 1], [2, 2], {"confidence_level": 95}, "`confidence_level`"),
    ([1, 1, 0], [2, 2, 0], {"population": 2}, r"`population` .* >= the 3 audits"),
    ([1, 1], [2, 2], {"population": 10.0}, "`population`"),
])
def test_bad_input_raises(met, applicable, kwargs, message):
    with pytest.raises(ParameterError, match=message):
        clustered_proportion(met, applicable, **kwargs)


_audits = st.lists(st.tuples(st.integers(0, 8), st.integers(0, 8)).map(lambda t: (min(t), max(t))),
                   min_size=2, max_size=25).filter(lambda rows: sum(a > 0 for _, a in rows) >= 2)


@settings(max_examples=150, deadline=None)
@given(rows=_audits, seed=st.integers(0, 2**32 - 1), method=st.sampled_from(["beta", "logit"]))
def test_order_of_audits_and_empty_audits_do_not_matter(rows, seed, method):
    met, applicable = [m for m, _ in rows], [a for _, a in rows]
    r = clustered_proportion(met, applicable, method=method)
    order = np.random.default_rng(seed).permutation(len(rows))
    shuffled = clustered_proportion([met[i] for i in order], [applicable[i] for i in order], method=method)
    for name in ("statistic", "standard_error", "design_effect", "effective_n"):
        a, b = getattr(r, name), getattr(shuffled, name)
        assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-9, abs=1e-15)
    for a, b in ((r.confidence_interval.low, shuffled.confidence_interval.low),
                 (r.confidence_interval.high, shuffled.confidence_interval.high)):
        assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=1e-9)
    padded = clustered_proportion(met + [0, 0], applicable + [0, 0], method=method)
    assert padded.n_excluded == r.n_excluded + 2
    assert padded.standard_error == r.standard_error
    assert padded.confidence_interval == r.confidence_interval or method == "logit" and r.standard_error == 0


@settings(max_examples=150, deadline=None)
@given(rows=_audits, method=st.sampled_from(["beta", "logit"]), population_extra=st.integers(0, 50))
def test_interval_holds_the_estimate_and_the_frame_narrows_it(rows, method, population_extra):
    met, applicable = [m for m, _ in rows], [a for _, a in rows]
    r = clustered_proportion(met, applicable, method=method)
    low, high = r.confidence_interval.low, r.confidence_interval.high
    if r.k == 0:
        assert r.statistic == 0.0
        assert (math.isnan(low) if method == "logit" else low == 0.0)
    elif r.k == r.n_answers:
        assert r.statistic == 1.0
        assert (math.isnan(high) if method == "logit" else high == 1.0)
    if not math.isnan(low):
        assert 0.0 <= low <= r.statistic <= high <= 1.0
    framed = clustered_proportion(met, applicable, method=method, population=len(rows) + population_extra)
    expected_se = r.standard_error * math.sqrt(1 - r.n_audits / (len(rows) + population_extra))
    assert framed.standard_error == pytest.approx(expected_se, abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(k=st.integers(0, 30), extra=st.integers(0, 30))
def test_one_answer_per_audit_has_design_effect_one(k, extra):
    n = k + extra
    if n < 2:
        return
    r = clustered_proportion([1] * k + [0] * extra, [1] * n)
    if 0 < k < n:
        assert r.design_effect == pytest.approx(1.0, rel=1e-10)
        assert r.standard_error ** 2 == pytest.approx((k / n) * (1 - k / n) / (n - 1), rel=1e-10)


def test_share_meeting_all_by_hand():
    # 2 of 2, 1 of 2, 0 of 1, (none applicable), 3 of 3: audits 1 and 5 meet every criterion, 2 of 4.
    r = share_meeting_all([2, 1, 0, 0, 3], [2, 2, 1, 0, 3], method="wilson")
    assert (r.k, r.n, r.statistic) == (2, 4, 0.5)
    assert r.confidence_interval == proportion_ci(2, 4, method="wilson").confidence_interval
    framed = share_meeting_all([2, 1, 0, 0, 3], [2, 2, 1, 0, 3], method="clopper-pearson", population=20)
    assert framed == proportion_ci(2, 4, method="clopper-pearson", population=20)
    with pytest.raises(ParameterError, match=r"`population` .* >= the 5 audits"):
        share_meeting_all([2, 1, 0, 0, 3], [2, 2, 1, 0, 3], method="wilson", population=4)
    with pytest.raises(ParameterError, match="cannot be larger"):
        share_meeting_all([3], [2], method="wilson")


def test_coverage_under_clustering_by_seeded_simulation():
    # 20 audits of 1 to 8 criteria; each audit's own rate drawn from a Beta with mean 0.7 and
    # intra-audit correlation 0.2 (Beta(2.8, 1.2)), so answers of one audit go together. The
    # binomial interval on all answers ignores that and misses the true 0.7 too often; the
    # clustered beta interval keeps (about) its 95%. Seeded: the same draws every run.
    rng = np.random.default_rng(20261205)
    p, rho, reps = 0.7, 0.2, 1000
    a, b = p * (1 - rho) / rho, (1 - p) * (1 - rho) / rho
    clustered_hits = binomial_hits = 0
    for _ in range(reps):
        applicable = rng.integers(1, 9, 20)
        met = rng.binomial(applicable, rng.beta(a, b, 20))
        ci = clustered_proportion(met, applicable).confidence_interval
        clustered_hits += ci.low <= p <= ci.high
        naive = proportion_ci(int(met.sum()), int(applicable.sum()), method="clopper-pearson").confidence_interval
        binomial_hits += naive.low <= p <= naive.high
    assert clustered_hits / reps >= 0.935
    assert binomial_hits / reps <= 0.90
