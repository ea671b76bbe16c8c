"""Agreement engine: peers as oracles, properties, conventions, validation, bootstrap."""

from __future__ import annotations

import warnings

import krippendorff
import numpy as np
import pandas as pd
import pingouin
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats import inter_rater

from review.exceptions import DegenerateDataWarning, ParameterError
from review.stats import agreement as ag

GRADES = ["Outstanding", "Good", "Adequate", "Inadequate"]


def _ratings(seed, n=150, raters=2, q=4, missing=0.0, agree=0.6):
    rng = np.random.default_rng(seed)
    truth = rng.choice(q, size=n, p=np.linspace(2, 1, q) / np.linspace(2, 1, q).sum())
    x = np.where(rng.random((n, raters)) < agree, truth[:, None], rng.integers(0, q, (n, raters))).astype(float)
    x[rng.random((n, raters)) < missing] = np.nan
    return x


# --- oracles: other implementations, where they agree with the references ------------------

@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cohen_matches_sklearn_and_statsmodels(seed, weights):
    x = _ratings(seed)
    ours = ag.cohen_kappa(x, categories=[0, 1, 2, 3], weights=weights or "unweighted")
    assert ours.statistic == pytest.approx(cohen_kappa_score(x[:, 0], x[:, 1], labels=[0, 1, 2, 3], weights=weights),
                                           abs=1e-12)
    table = ag.contingency_table(x, categories=[0, 1, 2, 3]).to_numpy()
    sm = inter_rater.cohens_kappa(table, wt={None: None, "linear": "linear", "quadratic": "quadratic"}[weights])
    assert ours.statistic == pytest.approx(sm.kappa, abs=1e-12)
    assert ours.standard_error == pytest.approx(sm.std_kappa, abs=1e-12)


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_fleiss_matches_statsmodels_on_complete_data(seed):
    x = _ratings(seed, raters=5)
    counts, _ = inter_rater.aggregate_raters(x.astype(int), n_cat=4)
    assert ag.fleiss_kappa(x).statistic == pytest.approx(inter_rater.fleiss_kappa(counts), abs=1e-12)
    assert ag.brennan_prediger(x).statistic == pytest.approx(
        inter_rater.fleiss_kappa(counts, method="randolph"), abs=1e-12)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
@pytest.mark.parametrize("seed", [7, 8])
def test_krippendorff_matches_the_krippendorff_package_with_missing(seed, level):
    x = _ratings(seed, raters=4, missing=0.2) + 1  # values 1..4 (ratio needs positive)
    theirs = krippendorff.alpha(reliability_data=x.T, level_of_measurement=level, value_domain=[1, 2, 3, 4])
    assert ag.krippendorff_alpha(x, level=level, categories=[1, 2, 3, 4]).statistic == pytest.approx(theirs, abs=1e-10)


# pingouin itself calls DataFrame.dropna(inplace=True), deprecated in pandas 3: not our warning.
@pytest.mark.filterwarnings("ignore:The inplace keyword")
@pytest.mark.parametrize("form", ag.ICC_FORMS)
def test_icc_matches_pingouin(form):
    x = _ratings(9, n=40, raters=3, q=6) * 1.5
    long = pd.DataFrame(x).reset_index().melt(id_vars="index", var_name="rater", value_name="score")
    table = pingouin.intraclass_corr(long, targets="index", raters="rater", ratings="score")
    name = {"ICC1": "ICC(1,1)", "ICC2": "ICC(A,1)", "ICC3": "ICC(C,1)", "ICC1k": "ICC(1,k)", "ICC2k": "ICC(A,k)",
            "ICC3k": "ICC(C,k)"}[form]
    row = table.set_index("Type").loc[name]
    ours = ag.icc(x, form=form)
    assert ours.statistic == pytest.approx(row["ICC"], abs=1e-10)
    assert ours.f_statistic == pytest.approx(row["F"], abs=1e-8)
    # pingouin rounds its interval to 2 decimals
    assert ours.confidence_interval.low == pytest.approx(row["CI95"][0], abs=0.005 + 1e-9)
    assert ours.confidence_interval.high == pytest.approx(row["CI95"][1], abs=0.005 + 1e-9)


# --- properties --------------------------------------------------------------------------------

COEFFICIENTS = [ag.percent_agreement, ag.gwet_ac, ag.fleiss_kappa, ag.brennan_prediger, ag.conger_kappa]
TWO_RATER = [ag.cohen_kappa, ag.scott_pi]

ratings_strategy = st.integers(0, 10_000).map(lambda s: _ratings(s, n=40, raters=3, missing=0.1))


@settings(max_examples=25, deadline=None)
@given(x=ratings_strategy, perm=st.permutations(range(3)), seed=st.integers(0, 1000))
def test_permuting_raters_and_units_changes_nothing(x, perm, seed):
    units = np.random.default_rng(seed).permutation(x.shape[0])
    for f in COEFFICIENTS:
        a, b = f(x), f(x[units][:, list(perm)])
        assert a.statistic == pytest.approx(b.statistic, abs=1e-12, nan_ok=True)
        assert a.standard_error == pytest.approx(b.standard_error, abs=1e-12, nan_ok=True)
    a = ag.krippendorff_alpha(x, level="ordinal")
    assert a.statistic == pytest.approx(ag.krippendorff_alpha(x[units][:, list(perm)], level="ordinal").statistic)


@settings(max_examples=25, deadline=None)
@given(x=ratings_strategy)
def test_relabelling_categories_changes_nothing_for_nominal_coefficients(x):
    labels = np.array(GRADES, dtype=object)
    text = np.where(np.isnan(x), None, labels[np.nan_to_num(x).astype(int)])
    for f in [*COEFFICIENTS]:
        assert f(x, categories=[0, 1, 2, 3]).statistic == pytest.approx(
            f(text, categories=GRADES).statistic, abs=1e-12)
    # weighted: the order of labels carries the weights
    assert ag.gwet_ac(x, categories=[0, 1, 2, 3], weights="quadratic").statistic == pytest.approx(
        ag.gwet_ac(text, categories=GRADES, weights="quadratic").statistic, abs=1e-12)


@pytest.mark.parametrize("f", COEFFICIENTS + TWO_RATER)
def test_perfect_agreement_is_one(f):
    x = np.repeat(np.array([0, 1, 2, 3, 1, 2])[:, None], 2, axis=1)
    result = f(x)
    assert result.statistic == pytest.approx(1.0)
    assert result.observed_agreement == pytest.approx(1.0)


@settings(max_examples=20, deadline=None)
@given(x=ratings_strategy)
def test_interval_contains_the_statistic(x):
    for f in COEFFICIENTS:
        r = f(x)
        assert r.confidence_interval.low <= r.statistic <= r.confidence_interval.high
        assert r.confidence_interval.high <= 1.0


def test_conger_equals_cohen_for_two_complete_raters():
    x = _ratings(11)
    assert ag.conger_kappa(x).statistic == pytest.approx(ag.cohen_kappa(x).statistic, abs=1e-12)


def test_fleiss_equals_scott_for_two_complete_raters():
    x = _ratings(12)
    assert ag.fleiss_kappa(x).statistic == pytest.approx(ag.scott_pi(x).statistic, abs=1e-12)


def test_interval_level_alpha_equals_quadratic_weighted_alpha():
    # Krippendorff's interval metric is Gwet's quadratic weights (reference NOTES, point 3).
    x = _ratings(13, raters=3, missing=0.1)
    from review.stats.agreement import _estimators as est
    from review.stats.agreement._input import category_counts, prepare

    p = prepare(x, [0, 1, 2, 3])
    gwet_form = est.krippendorff(category_counts(p), ag.weight_matrix("quadratic", p.categories), p.n_units)
    assert ag.krippendorff_alpha(x, level="interval", categories=[0, 1, 2, 3]).statistic == pytest.approx(
        gwet_form.statistic, abs=1e-12)


# --- conventions where the references disagree ------------------------------------------------

@pytest.mark.parametrize("f", [ag.cohen_kappa, ag.scott_pi, ag.fleiss_kappa, ag.gwet_ac, ag.conger_kappa,
                               ag.brennan_prediger])
def test_degenerate_data_is_nan_with_a_reason_and_observed_agreement_still_reports(f):
    x = [["Good", "Good"]] * 8
    with pytest.warns(DegenerateDataWarning, match=r"undefined for these ratings: .*(one category|chance agreement is 1)"):
        result = f(x)
    assert np.isnan(result.statistic)
    assert np.isnan(result.confidence_interval.low)
    assert result.n_units == 8


def test_degenerate_but_declared_categories_give_defined_free_marginal_coefficients():
    x = [["Good", "Good"]] * 8
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = ag.brennan_prediger(x, categories=GRADES)
    assert result.statistic == pytest.approx(1.0)
    with pytest.warns(DegenerateDataWarning):
        assert np.isnan(ag.fleiss_kappa(x, categories=GRADES).statistic)


def test_krippendorff_degenerate_is_nan_with_reason():
    with pytest.warns(DegenerateDataWarning, match="expected disagreement is 0"):
        result = ag.krippendorff_alpha([[1, 1], [2, np.nan]], level="nominal")
    assert np.isnan(result.statistic)


def test_percent_agreement_is_defined_on_degenerate_data():
    result = ag.percent_agreement([["A", "A"]] * 5)
    assert result.statistic == 1.0


def test_an_unused_declared_category_counts():
    x = [["Outstanding", "Adequate"], ["Adequate", "Adequate"], ["Inadequate", "Inadequate"],
         ["Outstanding", "Outstanding"], ["Adequate", "Inadequate"], ["Inadequate", "Inadequate"]]
    without_good = ["Outstanding", "Adequate", "Inadequate"]
    # unweighted kappa does not see it ...
    assert ag.cohen_kappa(x, categories=GRADES).statistic == pytest.approx(
        ag.cohen_kappa(x, categories=without_good).statistic)
    # ... but it moves the labelled grades apart for weights (irrCAC's rule, not irr's observed levels).
    # By hand: positions 1,3,4 of 4, w = 1-|d|/3: p_a = 5/6, p_e = 31/54, kappa = 14/23;
    # positions 1,2,3 of 3, w = 1-|d|/2: p_a = 5/6, p_e = 5/9, kappa = 5/8.
    assert ag.cohen_kappa(x, categories=GRADES, weights="linear").statistic == pytest.approx(14 / 23, abs=1e-12)
    assert ag.cohen_kappa(x, categories=without_good, weights="linear").statistic == pytest.approx(5 / 8, abs=1e-12)
    # ... and it enters AC1's chance agreement through q
    assert ag.gwet_ac(x, categories=GRADES).chance_agreement < ag.gwet_ac(x, categories=without_good).chance_agreement


def test_unanimous_percent_agreement_is_the_irr_definition():
    x = [[1, 1, 1], [1, 2, 1], [2, 2, 2], [1, np.nan, 1]]
    assert ag.percent_agreement(x, unanimous=True).statistic == pytest.approx(3 / 4)
    assert ag.percent_agreement(x).statistic == pytest.approx((1 + 1 / 3 + 1 + 1) / 4)


def test_cohen_uses_units_rated_by_both():
    x = [[1, 1], [2, 2], [1, np.nan], [np.nan, 2], [2, 1]]
    assert ag.cohen_kappa(x).n_units == 3


# --- validation --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: ag.cohen_kappa([[1, 2, 3]]), r"exactly 2 raters .* got 3"),
        (lambda: ag.fleiss_kappa([1, 2, 3]), r"2-D table .* got shape \(3,\)"),
        (lambda: ag.gwet_ac([[1, 2]], weights="quadratik"), r"`weights` must be one of \['unweighted', 'linear'"),
        (lambda: ag.gwet_ac([[1, 2]], weights=np.eye(3)), r"`weights` matrix must be 2 x 2"),
        (lambda: ag.fleiss_kappa([["a", "b"]], categories=["a"]), r"values that are not in `categories`: \['b'\]"),
        (lambda: ag.fleiss_kappa([[1, "b"]]), r"mixes numbers and text"),
        (lambda: ag.fleiss_kappa([[np.nan, np.nan]]), r"holds no ratings at all"),
        (lambda: ag.krippendorff_alpha([[1, 2]], level="nominl"), r"`level` must be one of \['nominal'"),
        (lambda: ag.cohen_kappa([[1, 2]], confidence_level=95), r"`confidence_level` must be a number in the open"),
        (lambda: ag.icc([[1, 2]], form="ICC4"), r"`form` must be one of"),
        (lambda: ag.icc([[1, 2]], form="ICC2"), r"at least 2 raters and 2 fully rated units"),
        (lambda: ag.gwet_ac([[1, 2]], categories=[1, 1, 2]), r"must not repeat"),
        (lambda: ag.bootstrap_ci([[1, 2]], ag.cohen_kappa, n_resamples=0), r"`n_resamples` must be a positive"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ParameterError, match=message):
        call()


def test_krippendorff_level_is_required():
    with pytest.raises(TypeError, match="level"):
        ag.krippendorff_alpha([[1, 2]])  # type: ignore[call-arg]


# --- helpers -----------------------------------------------------------------------------------

def test_ratings_table_and_duplicates():
    long = pd.DataFrame({"case": ["c1", "c1", "c2"], "auditor": ["a", "b", "a"], "grade": ["Good", "Adequate", "Good"]})
    table = ag.ratings_table(long, unit="case", rater="auditor", rating="grade")
    assert table.loc["c1", "b"] == "Adequate"
    assert pd.isna(table.loc["c2", "b"])
    with pytest.raises(ParameterError, match="second rating of the same unit by the same rater"):
        ag.ratings_table(pd.concat([long, long.iloc[:1]]), unit="case", rater="auditor", rating="grade")
    with pytest.raises(ParameterError, match=r"no column \['rating'\]"):
        ag.ratings_table(long, unit="case", rater="auditor", rating="rating")


def test_contingency_table_keeps_unused_categories():
    t = ag.contingency_table(pd.DataFrame({"TM": ["Good", "Good"], "SM": ["Good", "Adequate"]}), categories=GRADES)
    assert t.shape == (4, 4)
    assert t.loc["Good", "Adequate"] == 1
    assert t.index.name == "TM"


# --- bootstrap ---------------------------------------------------------------------------------

def test_bootstrap_is_reproducible_and_agrees_with_the_analytic_standard_error():
    x = _ratings(21, n=3000)
    a = ag.bootstrap_ci(x, ag.cohen_kappa, weights="quadratic", rng=5)
    b = ag.bootstrap_ci(x, ag.cohen_kappa, weights="quadratic", rng=5)
    assert a == b
    analytic = ag.cohen_kappa(x, weights="quadratic")
    assert a.standard_error == pytest.approx(analytic.standard_error, rel=0.1)
    assert a.confidence_interval.low < analytic.statistic < a.confidence_interval.high


def test_bootstrap_generic_path_agrees_with_the_analytic_standard_error():
    x = _ratings(22, n=300, raters=3, missing=0.1)
    boot = ag.bootstrap_ci(x, ag.gwet_ac, n_resamples=400, rng=1)
    assert boot.standard_error == pytest.approx(ag.gwet_ac(x).standard_error, rel=0.15)
    alpha = ag.bootstrap_ci(x, ag.krippendorff_alpha, level="ordinal", n_resamples=200, rng=1)
    assert alpha.confidence_interval.low < alpha.statistic < alpha.confidence_interval.high


def test_bootstrap_counts_undefined_resamples():
    x = [[1, 1]] * 9 + [[2, 2]]
    with pytest.warns(DegenerateDataWarning, match="undefined on"):
        boot = ag.bootstrap_ci(x, ag.cohen_kappa, n_resamples=200, rng=3)
    assert 0 < boot.n_undefined < 200


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), missing=st.sampled_from([0.0, 0.2]), offset=st.sampled_from([0, 3, -2]),
       declare=st.booleans())
def test_numeric_fast_paths_agree_with_the_general_path(seed, missing, offset, declare):
    x = _ratings(seed, n=60, missing=missing) + offset
    categories = [offset + k for k in range(5)] if declare else None  # one unused category when declared
    general = x.astype(object)
    general[np.isnan(x)] = None
    for f in (ag.cohen_kappa, ag.gwet_ac, ag.fleiss_kappa):
        fast, slow = f(x, categories=categories), f(general, categories=categories)
        assert fast.statistic == pytest.approx(slow.statistic, abs=1e-12)
        assert fast.standard_error == pytest.approx(slow.standard_error, abs=1e-12)
        assert fast.n_units == slow.n_units


def test_fast_path_still_names_values_outside_categories():
    with pytest.raises(ParameterError, match=r"not in `categories`: \[7"):
        ag.cohen_kappa(np.array([[1.0, 2.0], [7.0, 1.0]]), categories=[1, 2, 3])
    with pytest.raises(ParameterError, match=r"not in `categories`: \[2.5\]"):
        ag.cohen_kappa(np.array([[1.0, 2.5], [2.0, 1.0]]), categories=[1, 2, 3])


# --- survivors of the mutation run on _estimators.py (docs/testing.md) --------------------------

def test_stacked_tables_give_each_tables_own_kappa():
    # The bootstrap passes a stack of tables, shape (B, q, q); each must keep its own margins.
    # [[20, 5], [10, 15]], n = 50: p_a = 35/50 = 0.7; rows 0.5, 0.5; columns 0.6, 0.4;
    #   p_e = 0.5*0.6 + 0.5*0.4 = 0.5; kappa = 0.2/0.5 = 0.4
    # [[30, 2], [8, 10]], n = 50: p_a = 40/50 = 0.8; rows 0.64, 0.36; columns 0.76, 0.24;
    #   p_e = 0.4864 + 0.0864 = 0.5728; kappa = 0.2272/0.4272 = 0.531835...
    from review.stats.agreement._estimators import chance_corrected_tables

    stack = np.array([[[20, 5], [10, 15]], [[30, 2], [8, 10]]], dtype=float)
    pa, pe, kappa = chance_corrected_tables(stack, np.eye(2), scott=False)
    np.testing.assert_allclose(pa, [0.7, 0.8])
    np.testing.assert_allclose(pe, [0.5, 0.5728])
    np.testing.assert_allclose(kappa, [0.4, 0.2272 / 0.4272])


def test_cohen_kappa_interval_uses_t_with_n_minus_1_degrees_of_freedom():
    # irrCAC (Gwet), kappa2.table: lcb <- coeff - stderr * qt(1 - (1 - conflev)/2, n - 1), the
    # Student t interval with n - 1 degrees of freedom used throughout Gwet (2014), Handbook of
    # Inter-Rater Reliability, 4th ed.
    from scipy.stats import t as student_t

    pairs = [(0, 0)] * 20 + [(0, 1)] * 5 + [(1, 0)] * 10 + [(1, 1)] * 15  # the first table above
    r = ag.cohen_kappa(np.array(pairs))
    assert r.statistic == pytest.approx(0.4)
    half = student_t.ppf(0.975, 49) * r.standard_error  # 50 units: 49 degrees of freedom
    assert r.confidence_interval.low == pytest.approx(0.4 - half, rel=1e-12)
    assert r.confidence_interval.high == pytest.approx(0.4 + half, rel=1e-12)


def test_no_unit_rated_twice_gives_nan_not_an_error():
    # Every unit rated once: no pair of ratings, so observed agreement is undefined (NaN), as a
    # single unit leaves the variance undefined (n(n-1) = 0).
    from review.stats.agreement._estimators import _observed, _variance

    counts = np.array([[1, 0], [0, 1], [1, 0]], dtype=float)
    _, two, _, pa = _observed(counts, np.eye(2))
    assert not two.any()
    assert np.isnan(pa)
    assert np.isnan(_variance(np.array([0.3]), 0.3, 1))
