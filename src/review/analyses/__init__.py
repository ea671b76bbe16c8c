"""The analyses behind each framework notebook: they take evidence and return tables and results.

Each module computes (unrounded results and frames); formatting, rounding and suppression happen
in :mod:`review.views.presentation` and :mod:`review.protection.disclosure`.
"""

from review.analyses.context import Context, context

__all__ = ["Context", "context"]
