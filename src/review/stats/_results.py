"""Result types shared by every statistics module: unrounded, frozen, named as scipy names them."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ConfidenceInterval"]


@dataclass(frozen=True)
class ConfidenceInterval:
    """A two-sided confidence interval.

    Attributes
    ----------
    low, high : float
        The bounds, unrounded (NaN when the interval is undefined).
    """

    low: float
    high: float
