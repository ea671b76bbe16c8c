"""The moderation kappa read in plain words by the declared rule; the arithmetic is written beside each figure."""

from __future__ import annotations

import html
import math
import re
import warnings

import pandas as pd
import pytest

from review.analyses.kappa_reading import KAPPA_RULE, read_kappa
from review.stats import agreement as ag

GRADES = ["Outstanding", "Good", "Adequate", "Inadequate"]


def _phi(z: float) -> float:
    """The standard normal distribution function, from math.erf (not scipy)."""
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def _pairs(*counts):
    """(auditor grade, moderator grade, how many pairs)."""
    rows = [(a, m) for a, m, n in counts for _ in range(n)]
    return pd.DataFrame(rows, columns=["auditor", "moderator"])


def test_a_fair_kappa_is_read_in_words_with_raw_and_chance_agreement():
    # 20 pairs: Good/Good 8, Adequate/Adequate 4, Good/Adequate 4, Adequate/Good 2, Inadequate/Inadequate 2.
    # p_o = (8 + 4 + 2) / 20 = 0.70. Auditor: Good 12, Adequate 6, Inadequate 2; moderator: Good 10, Adequate 8,
    # Inadequate 2. p_e = (12*10 + 6*8 + 2*2) / 400 = 172/400 = 0.43. kappa = (0.70 - 0.43) / 0.57 = 0.47368.
    pairs = _pairs(("Good", "Good", 8), ("Adequate", "Adequate", 4), ("Good", "Adequate", 4),
                   ("Adequate", "Good", 2), ("Inadequate", "Inadequate", 2))
    k = ag.cohen_kappa(pairs, categories=GRADES)
    assert (k.observed_agreement, k.chance_agreement, k.statistic) == pytest.approx((0.70, 0.43, 0.27 / 0.57))
    # the commonest grade, over both raters: Good, 22 of 40 = 0.55 (below the 0.8 line: no paradox)
    r = read_kappa(k, modal_share=22 / 40)
    # Gwet's benchmarking: P(true kappa > 0.4) = 1 - Phi((0.4 - kappa) / se); the band retained is the best
    # whose cumulative probability reaches 0.95 (truncation to [-1, 1] is negligible here: 1 - Phi((1 - k)/se))
    se = k.standard_error
    above = {lo: 1 - _phi((lo - k.statistic) / se) for lo in (0.8, 0.6, 0.4, 0.2, 0.0)}
    expected = next(band for lo, band in ((0.8, "almost perfect"), (0.6, "substantial"), (0.4, "moderate"),
                                          (0.2, "fair"), (0.0, "slight")) if above[lo] >= 0.95)
    assert r.band == expected
    assert r.naive_band == "moderate"  # 0.4 < 0.474 <= 0.6
    assert not r.paradox
    assert r.sentence.startswith("Auditor and moderator gave the same grade in 70% of pairs; chance alone would "
                                 "give 43%. Kappa, the share of the agreement possible beyond chance that they "
                                 "reached, is 0.47 (95% CI ")
    assert f"at least {expected} agreement on Landis and Koch's scale" in r.sentence
    assert "kappa paradox" not in r.sentence


def test_high_agreement_on_one_grade_is_explained_as_the_kappa_paradox():
    # 20 pairs: 18 Good/Good, 1 Good/Adequate, 1 Adequate/Good. p_o = 18/20 = 0.90; each rater: Good 19,
    # Adequate 1, so p_e = (19*19 + 1*1) / 400 = 0.905 and kappa = (0.90 - 0.905) / 0.095 = -0.0526.
    # Good is 38 of the 40 grades = 0.95: both at or above the 0.8 lines, so the paradox is at work.
    pairs = _pairs(("Good", "Good", 18), ("Good", "Adequate", 1), ("Adequate", "Good", 1))
    k = ag.cohen_kappa(pairs, categories=GRADES)
    assert k.statistic == pytest.approx(-0.005 / 0.095)
    r = read_kappa(k, modal_share=38 / 40)
    assert r.paradox
    assert "gave the same grade in 90% of pairs; chance alone would give 90%." in r.sentence  # 0.905 -> 90%
    assert r.sentence.endswith("95% of all grades were the same grade, so chance alone explains most of the "
                               "agreement and kappa is low although the pairs mostly agree (the kappa paradox): "
                               "read the raw agreement.")
    # the same agreement with the grades spread (modal share 0.5) is not the paradox
    assert not read_kappa(k, modal_share=0.5).paradox
    # nor is a kappa at the near-zero line (0.2) with the same raw agreement and one grade dominating
    from dataclasses import replace

    assert not read_kappa(replace(k, statistic=0.2), modal_share=38 / 40).paradox
    assert read_kappa(replace(k, statistic=0.199), modal_share=38 / 40).paradox


def test_every_grade_the_same_leaves_kappa_undefined_and_says_why():
    pairs = _pairs(("Good", "Good", 10))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        k = ag.cohen_kappa(pairs, categories=GRADES)
    assert math.isnan(k.statistic)
    r = read_kappa(k, modal_share=1.0, what="the same side of the line")
    assert r.band == ""
    assert r.sentence == ("Auditor and moderator gave the same side of the line in 100% of pairs; chance alone would "
                          "give 100%. Kappa is undefined: every grade fell on one side, so chance explains all of the "
                          "agreement and there is nothing beyond it to measure.")


def test_the_rule_is_declared_with_its_sources():
    for source in ("Landis and Koch's (1977)", "Gwet's probabilistic benchmarking", "clearly arbitrary",
                   "Altman (1991)", "Fleiss (1981)", "raw agreement"):
        assert source in KAPPA_RULE


def test_the_gose_page_reads_the_moderation_kappa_in_words():
    """Hand-built moderation through the GOSE programme: the page carries the reading and the rule."""
    from review.analyses.gose_audits import _boundary
    from review.views.gose import _kappa_words

    pairs = pd.DataFrame({"auditor_grade": ["Good"] * 8 + ["Adequate"] * 4 + ["Good"] * 4 + ["Adequate"] * 2
                          + ["Inadequate"] * 2,
                          "moderator_grade": ["Good"] * 8 + ["Adequate"] * 4 + ["Adequate"] * 4 + ["Good"] * 2
                          + ["Inadequate"] * 2})
    m = _boundary(pairs, tuple(GRADES), "Inadequate", 0.95)
    # overall: as in the first test (modal Good: 22 of 40); the line: Inadequate on both sides in the same 2
    # pairs, so 20 of 20 on the same side: p_o = 1, p_e = (18*18 + 2*2)/400 = 0.82, kappa = 1
    assert m.reading.sentence.startswith("Auditor and moderator gave the same grade in 70% of pairs")
    assert m.reading.modal_share == pytest.approx(22 / 40)
    assert m.boundary_reading.sentence.startswith("Auditor and moderator gave the same side of the line in 100% "
                                                  "of pairs; chance alone would give 82%.")
    assert m.boundary_reading.modal_share == pytest.approx(36 / 40)
    assert not m.boundary_reading.paradox  # one side dominates and the pairs agree, but kappa is 1, not near 0
    page = _kappa_words(m).data
    assert "Overall grade: Auditor and moderator gave the same grade in 70% of pairs" in page
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())  # the text a reader sees
    assert "Landis and Koch's (1977)" in text
