"""Moderation across tiers: pairing, agreement per tier pair, leniency, Stuart-Maxwell."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.contingency_tables import SquareTable

from review.exceptions import ParameterError
from review.stats import agreement as ag

SCALE = ["Outstanding", "Good", "Adequate", "Inadequate"]
TIERS = ["ATM", "TM", "SM", "AD", "DCS"]


def _records():
    rows = [
        # case, tier, grade, auditor
        ("c1", "TM", "Good", "tm1"), ("c1", "SM", "Adequate", "sm1"),
        ("c2", "TM", "Good", "tm1"), ("c2", "SM", "Good", "sm1"),
        ("c3", "TM", "Outstanding", "tm2"), ("c3", "SM", "Adequate", "sm2"),
        ("c4", "TM", "Adequate", "tm2"), ("c4", "SM", "Adequate", "sm1"),
        ("c5", "TM", "Inadequate", "tm1"), ("c5", "SM", "Adequate", "sm2"),
        ("c5", "AD", "Adequate", "ad1"),
        ("c6", "TM", "Good", "tm2"),  # not moderated
        ("c7", "QA", "Good", "qa1"),  # a tier outside the list is ignored
    ]
    return pd.DataFrame(rows, columns=["case", "tier", "grade", "auditor"])


def test_pairs_are_formed_junior_to_senior():
    pairs = ag.moderation_pairs(_records(), unit="case", tier="tier", grade="grade", tiers=TIERS, auditor="auditor")
    assert list(zip(pairs.auditor_tier, pairs.moderator_tier, strict=True)) == [("TM", "SM")] * 5 + [
        ("TM", "AD"), ("SM", "AD")]
    c5 = pairs[(pairs.unit == "c5") & (pairs.moderator_tier == "AD")]
    assert set(c5.auditor) == {"tm1", "sm2"}


def test_tier_agreement_by_hand():
    pairs = ag.moderation_pairs(_records(), unit="case", tier="tier", grade="grade", tiers=TIERS, auditor="auditor")
    tm_sm = ag.tier_agreement(pairs, scale=SCALE)[0]
    # steps (moderator position - auditor position): c1 +1, c2 0, c3 +2, c4 0, c5 -1
    assert tm_sm.n_pairs == 5
    assert tm_sm.exact_agreement == pytest.approx(2 / 5)
    assert tm_sm.within_one == pytest.approx(4 / 5)
    assert tm_sm.mean_difference == pytest.approx(2 / 5)
    sd = np.std([1, 0, 2, 0, -1], ddof=1)
    half = 2.7764451051977987 * sd / np.sqrt(5)  # t(0.975, 4)
    assert tm_sm.difference_ci.low == pytest.approx(0.4 - half)
    assert tm_sm.confusion.loc["Good", "Adequate"] == 1
    assert tm_sm.confusion.to_numpy().sum() == 5
    assert tm_sm.weighted_kappa.n_units == 5
    assert tm_sm.weighted_kappa.statistic == pytest.approx(
        ag.cohen_kappa([["Good", "Adequate"], ["Good", "Good"], ["Outstanding", "Adequate"],
                        ["Adequate", "Adequate"], ["Inadequate", "Adequate"]], categories=SCALE,
                       weights="quadratic").statistic)
    assert tm_sm.ac.method == "Gwet's AC2"


def test_leniency_per_auditor():
    pairs = ag.moderation_pairs(_records(), unit="case", tier="tier", grade="grade", tiers=TIERS, auditor="auditor")
    table = ag.auditor_leniency(pairs[pairs.moderator_tier == "SM"], scale=SCALE)
    assert list(table.auditor) == ["tm2", "tm1"]  # tm2: (+2, 0) mean 1; tm1: (+1, 0, -1) mean 0
    assert table.mean_difference.tolist() == pytest.approx([1.0, 0.0])
    assert table.n_pairs.tolist() == [2, 3]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_stuart_maxwell_matches_statsmodels(seed):
    t = np.random.default_rng(seed).integers(0, 20, (4, 4))
    ours = ag.stuart_maxwell(t)
    theirs = SquareTable(t, shift_zeros=False).homogeneity(method="stuart_maxwell")
    assert ours.statistic == pytest.approx(theirs.statistic, rel=1e-10)
    assert ours.df == theirs.df
    assert ours.pvalue == pytest.approx(theirs.pvalue, rel=1e-8)


def test_stuart_maxwell_ignores_unused_categories():
    t = np.array([[5, 2, 0], [1, 7, 0], [0, 0, 0]])
    assert ag.stuart_maxwell(t).df == 1
    assert ag.stuart_maxwell(t).statistic == pytest.approx((2 - 1) ** 2 / (2 + 1))  # McNemar


def test_errors_name_the_problem():
    records = _records()
    with pytest.raises(ParameterError, match="two audits by the same tier"):
        ag.moderation_pairs(pd.concat([records, records.iloc[:1]]), unit="case", tier="tier", grade="grade",
                            tiers=TIERS)
    pairs = ag.moderation_pairs(records, unit="case", tier="tier", grade="grade", tiers=TIERS)
    with pytest.raises(ParameterError, match=r"grades \['Good'\] are not on the scale"):
        ag.tier_agreement(pairs, scale=["Outstanding", "Adequate", "Inadequate"])
    with pytest.raises(ParameterError, match="has no `auditor` column"):
        ag.auditor_leniency(pairs, scale=SCALE)


def test_agreement_table_keeps_n_and_observed_agreement_beside_kappa():
    pairs = ag.moderation_pairs(_records(), unit="case", tier="tier", grade="grade", tiers=TIERS)
    table = ag.agreement_table(ag.tier_agreement(pairs, scale=SCALE))
    assert list(table.columns[:3]) == ["auditor_tier", "moderator_tier", "n_pairs"]
    assert {"observed_agreement", "kappa"} <= set(table.columns)
    assert table.loc[0, "n_pairs"] == 5


def test_criterion_agreement_treats_not_applicable_as_missing():
    records = pd.DataFrame({
        "case": ["c1", "c1", "c2", "c2", "c3", "c3"],
        "tier": ["TM", "SM"] * 3,
        "seen_alone": ["Yes", "Yes", "No", "Yes", None, "No"],
    })
    table = ag.criterion_agreement(records, unit="case", tier="tier", tiers=TIERS, scales={"seen_alone": ["Yes", "No"]})
    assert table.loc[0, "criterion"] == "seen_alone"
    assert table.loc[0, "n_pairs"] == 2
    assert table.loc[0, "exact_agreement"] == pytest.approx(0.5)
