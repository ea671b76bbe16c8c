"""Cohen's kappa between auditor and moderator, read in plain words by a rule declared in advance.

A kappa of 0.37 means little to a board. The reading says what kappa measures (the share of the
agreement possible beyond chance that the pairs reached), puts it beside the raw agreement and
the agreement chance alone would give, and names a band by a rule fixed before the figures:

- **Bands**: Landis and Koch's (1977) scale, read by Gwet's probabilistic benchmarking
  (:func:`review.stats.benchmark.benchmark`: the best band the coefficient reaches with 95%
  probability, allowing for its standard error). The bands are a convention, not a standard:
  Landis and Koch called their divisions "clearly arbitrary", and Altman (1991) and Fleiss (1981)
  draw them elsewhere. The reading says so.
- **The paradox**: kappa discounts the agreement expected by chance, which is high when most
  files get one grade from both. Then kappa can be low while auditor and moderator mostly agree
  (the kappa paradox). The reading always gives the raw agreement and the chance agreement, as
  the 1996 paper on the two paradoxes recommends (Journal of Clinical Epidemiology, PubMed
  8621993), and says the paradox is at work when the raw agreement and the share of the commonest
  grade both reach the workbook's line while kappa stays near zero
  (:data:`review.analyses.self_assessment.PREVALENCE_SHARE`,
  :data:`~review.analyses.self_assessment.PREVALENCE_AGREEMENT`,
  :data:`~review.analyses.self_assessment.PREVALENCE_COEFFICIENT`: the same rule as the
  self-assessments').
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from review.analyses.self_assessment import (
    PREVALENCE_AGREEMENT,
    PREVALENCE_COEFFICIENT,
    PREVALENCE_SHARE,
)
from review.stats.agreement import AgreementResult
from review.stats.benchmark import benchmark

__all__ = ["KAPPA_RULE", "KappaReading", "read_kappa"]

SCALE = "Landis-Koch"
KAPPA_RULE = ("Kappa is read by a rule fixed in advance: the band of Landis and Koch's (1977) scale that it reaches "
              "with 95% probability, allowing for its standard error (Gwet's probabilistic benchmarking, Handbook of "
              "Inter-Rater Reliability, 2014, chapter six). The bands are a convention, not a standard: Landis and "
              "Koch called them clearly arbitrary, and Altman (1991) and Fleiss (1981) draw them elsewhere. Kappa is "
              "always shown beside the raw agreement and the agreement chance alone would give.")
"""The declared rule every moderation kappa is read by, with its sources."""


@dataclass(frozen=True)
class KappaReading:
    """A kappa read in words.

    Attributes
    ----------
    band : str
        The Landis-Koch band reached with 95% probability (``""`` when kappa is undefined).
    naive_band : str
        The band the estimate itself lies in.
    observed, chance : float
        Raw agreement and the agreement chance alone would give (kappa's :math:`p_o`, :math:`p_e`).
    modal_share : float
        Share of all grades (both raters') in the commonest grade.
    paradox : bool
        Raw agreement and the commonest grade's share both at or above the workbook's lines, and
        kappa below its near-zero line (or undefined).
    sentence : str
        The reading, in plain words.
    """

    band: str
    naive_band: str
    observed: float
    chance: float
    modal_share: float
    paradox: bool
    sentence: str


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def read_kappa(result: AgreementResult, *, modal_share: float, what: str = "the same grade") -> KappaReading:
    """Read a kappa between two raters in plain words, by :data:`KAPPA_RULE`.

    Parameters
    ----------
    result : AgreementResult
        Cohen's kappa (its observed and chance agreement, standard error and interval are read).
    modal_share : float
        Share of all the ratings (both raters') in the commonest category.
    what : str, default: ``"the same grade"``
        What the raters agreed on, as the sentence names it.

    Returns
    -------
    KappaReading

    Examples
    --------
    45 pairs agree in 26 (57.8%); chance alone would give 32.8%; kappa = (0.578 - 0.328) / (1 - 0.328)
    = 0.371, standard error 0.111: the estimate lies in Landis and Koch's "fair" band (0.2 to 0.4),
    and with 95% probability the true kappa is at least "slight".

    >>> from review.stats.agreement.results import ConfidenceInterval
    >>> k = AgreementResult("Cohen's kappa", 0.3713, 0.1107, ConfidenceInterval(0.148, 0.594), 0.95, 26 / 45,
    ...                     0.3284, 45, 2, "unweighted", 44)
    >>> r = read_kappa(k, modal_share=0.4)
    >>> r.band, r.naive_band, r.paradox
    ('slight', 'fair', False)
    >>> print(r.sentence)  # doctest: +NORMALIZE_WHITESPACE
    Auditor and moderator gave the same grade in 58% of pairs; chance alone would give 33%. Kappa, the share of
    the agreement possible beyond chance that they reached, is 0.37 (95% CI 0.15 to 0.59): at least slight
    agreement on Landis and Koch's scale (the estimate itself lies in the fair band, but too imprecisely to be
    sure of it).
    """
    observed, chance = result.observed_agreement, result.chance_agreement
    lead = (f"Auditor and moderator gave {what} in {_pct(observed)} of pairs; chance alone would give "
            f"{_pct(chance)}.")
    high = observed >= PREVALENCE_AGREEMENT and modal_share >= PREVALENCE_SHARE
    if math.isnan(result.statistic):
        paradox = high
        return KappaReading("", "", observed, chance, modal_share, paradox,
                            f"{lead} Kappa is undefined: every grade fell on one side, so chance explains all of "
                            "the agreement and there is nothing beyond it to measure.")
    paradox = high and result.statistic < PREVALENCE_COEFFICIENT
    b = benchmark(result.statistic, result.standard_error, scale=SCALE)
    ci = result.confidence_interval
    sentence = (f"{lead} Kappa, the share of the agreement possible beyond chance that they reached, is "
                f"{result.statistic:.2f} ({_pct(result.confidence_level)} CI {ci.low:.2f} to {ci.high:.2f}): "
                f"at least {b.label} agreement on Landis and Koch's scale")
    sentence += (f" (the estimate itself lies in the {b.naive_label} band, but too imprecisely to be sure of it)."
                 if b.naive_label != b.label else ".")
    if paradox:
        sentence += (f" {_pct(modal_share)} of all grades were the same grade, so chance alone explains most of "
                     "the agreement and kappa is low although the pairs mostly agree (the kappa paradox): read the "
                     "raw agreement.")
    return KappaReading(b.label, b.naive_label, observed, chance, modal_share, paradox, sentence)
