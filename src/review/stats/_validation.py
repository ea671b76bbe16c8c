"""Argument checks shared by the statistics modules: one message for one mistake everywhere."""

from __future__ import annotations

from review.exceptions import ParameterError

__all__ = ["check_confidence_level"]


def check_confidence_level(confidence_level: float) -> float:
    """Return ``confidence_level`` as a float, or raise if it is not a number in (0, 1)."""
    if isinstance(confidence_level, bool) or not isinstance(confidence_level, (int, float)) or not (
        0 < confidence_level < 1
    ):
        raise ParameterError(
            f"`confidence_level` must be a number in the open interval (0, 1); got {confidence_level!r}"
        )
    return float(confidence_level)
