"""Audit forms: the drawn sample out to the auditors as workbooks, and their answers back as evidence.

``review sample --forms DIR`` writes one ``.xlsx`` form per auditor (:mod:`review.forms.write`);
``review collect DIR`` reads the returned forms into the data folder's ``audits`` dataset
(:mod:`review.forms.collect`). Moderation forms are the same forms with the moderated audit named.
The layout both sides agree on is in :mod:`review.forms.layout`.
"""

from review.forms.collect import Collected, MergeOutcome, merge_audits, read_forms
from review.forms.write import Form, FormCriterion, build_forms, write_forms

__all__ = ["Collected", "Form", "FormCriterion", "MergeOutcome", "build_forms", "merge_audits", "read_forms",
           "write_forms"]
