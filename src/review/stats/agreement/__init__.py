"""Inter-auditor agreement: every standard coefficient with standard errors, one convention.

Ratings are a table with units (case files) in rows and raters in columns; see
:mod:`review.stats.agreement.coefficients` for the conventions chosen where the references disagree.
"""

from review.stats.agreement.bootstrap import BootstrapResult, bootstrap_ci
from review.stats.agreement.coefficients import (
    brennan_prediger,
    cohen_kappa,
    conger_kappa,
    fleiss_kappa,
    gwet_ac,
    percent_agreement,
    scott_pi,
)
from review.stats.agreement.icc import ICC_FORMS, ICCResult, icc
from review.stats.agreement.krippendorff import LEVELS, krippendorff_alpha
from review.stats.agreement.moderation import (
    MarginalHomogeneity,
    TierAgreement,
    agreement_table,
    auditor_leniency,
    criterion_agreement,
    moderation_pairs,
    stuart_maxwell,
    tier_agreement,
)
from review.stats.agreement.results import AgreementResult, ConfidenceInterval
from review.stats.agreement.tables import contingency_table, ratings_table
from review.stats.agreement.weights import WEIGHT_NAMES, weight_matrix

__all__ = [
    "ICC_FORMS",
    "LEVELS",
    "WEIGHT_NAMES",
    "AgreementResult",
    "BootstrapResult",
    "MarginalHomogeneity",
    "TierAgreement",
    "ConfidenceInterval",
    "agreement_table",
    "auditor_leniency",
    "bootstrap_ci",
    "brennan_prediger",
    "cohen_kappa",
    "conger_kappa",
    "criterion_agreement",
    "contingency_table",
    "fleiss_kappa",
    "gwet_ac",
    "icc",
    "ICCResult",
    "krippendorff_alpha",
    "moderation_pairs",
    "percent_agreement",
    "ratings_table",
    "scott_pi",
    "stuart_maxwell",
    "tier_agreement",
    "weight_matrix",
]
