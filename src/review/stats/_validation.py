"""Argument checks shared by the statistics modules: one message for one mistake everywhere."""

from __future__ import annotations

from review.config.numbers import is_number
from review.exceptions import ParameterError

__all__ = ["check_confidence_level"]


def check_confidence_level(confidence_level: float) -> float:
    """Return ``confidence_level`` as a float, or raise if it is not a number in (0, 1).

    Parameters
    ----------
    confidence_level : float
        The two-sided confidence level.

    Returns
    -------
    float
        The level as a Python float.

    Raises
    ------
    ParameterError
        If the level is not a number in the open interval (0, 1).

    Examples
    --------
    >>> check_confidence_level(0.95)
    0.95
    """
    if not is_number(confidence_level) or not 0 < confidence_level < 1:
        raise ParameterError(
            f"`confidence_level` must be a number in the open interval (0, 1); got {confidence_level!r}"
        )
    return float(confidence_level)
