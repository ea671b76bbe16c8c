"""The analyses behind each framework notebook: they take evidence and return tables and results.

Each module computes (unrounded results and frames); formatting, rounding and suppression happen
in :mod:`review.presentation` and :mod:`review.disclosure`.
"""

from review.analyses.context import Context, context

__all__ = ["Context", "context"]
