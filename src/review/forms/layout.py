"""Where things are on an audit form: the one description the writer and the reader share.

A form has three sheets, all locked except the answer cells:

- ``form``: a title (row 1), the date due (row 2), what to do (row 3), each column's wording
  (row 4: for a criterion, the question as ``criteria`` words it), the headings (row 5) and one
  row per case from row 6. The fixed columns (grey) come first, then the answers: the date of the
  audit, the overall grade and one column per applicable criterion, each a drop-down list;
- ``about``: what the form is for (kind, cycle, auditor, tier, audit type, grade scale, due date),
  read back by ``review collect``;
- ``lists``: the values of the drop-down lists.
"""

from __future__ import annotations

__all__ = ["ABOUT", "ANSWERS", "FIRST_ROW", "FIXED", "FORM", "HEADER_ROW", "KINDS", "MANIFEST", "WORDING_ROW"]

FORM, ABOUT = "form", "about"
"""The sheets: the cases and answers; what the form is for."""

TITLE_ROW, DUE_ROW, HELP_ROW, WORDING_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3, 4, 5, 6
"""Rows of the ``form`` sheet."""

FIXED: dict[str, str] = {
    "audit_id": "reference of this audit (keep it)",
    "case_ref": "the case to audit",
    "case_type": "case type",
    "team": "team holding the case",
    "allocated_worker": "allocated worker",
    "audit_type": "what is audited",
    "selection": "how the case was chosen",
    "moderation_of": "the audit this one moderates (re-audits); do not look at its answers first",
}
"""Columns filled in by ``review sample``, with their wording; ``moderation_of`` only on moderation forms."""

ANSWERS: dict[str, str] = {
    "audit_date": "the date you completed the audit",
    "overall_grade": "your overall judgement of the file",
}
"""Answer columns before the criteria, with their wording."""

KINDS = ("audit", "moderation")
"""Kinds of form: a first audit, or a moderation (a more senior manager's re-audit of a first audit)."""

MANIFEST = "forms.csv"
"""The list of forms written to a folder (file, kind, cycle, auditor, tier, cases, due date)."""
