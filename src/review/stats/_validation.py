"""Argument checks shared by the statistics modules: one message for one mistake everywhere."""

from __future__ import annotations

from typing import Any

import numpy as np

from review.exceptions import ParameterError

__all__ = ["check_confidence_level", "is_number", "is_whole_number"]


def is_number(x: Any) -> bool:
    """Whether ``x`` is a real number: the one "is this a number" check of the package.

    Parameters
    ----------
    x : object
        Anything.

    Returns
    -------
    bool
        True for Python and NumPy integers and floats (NaN included); False for booleans,
        text and everything else.

    Examples
    --------
    >>> is_number(3), is_number(np.float64(0.5)), is_number(True), is_number("3")
    (True, True, False, False)
    """
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_))


def is_whole_number(x: Any) -> bool:
    """Whether ``x`` is a Python or NumPy integer (not a boolean, not a float such as 3.0).

    Parameters
    ----------
    x : object
        Anything.

    Returns
    -------
    bool
        True for ``int`` and ``numpy.integer`` values other than booleans.

    Examples
    --------
    >>> is_whole_number(3), is_whole_number(3.0), is_whole_number(False)
    (True, False, False)
    """
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


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
