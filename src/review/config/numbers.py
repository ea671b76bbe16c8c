"""What counts as a number: the one check the parameters and the statistics share."""

from __future__ import annotations

from typing import Any, TypeGuard

import numpy as np

__all__ = ["is_number", "is_whole_number"]


def is_number(x: Any) -> TypeGuard[int | float | np.integer | np.floating]:
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
