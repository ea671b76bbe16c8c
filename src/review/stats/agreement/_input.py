"""Turning ratings (units in rows, raters in columns) into integer codes and count matrices.

Every coefficient starts here, so labels, missing values and declared categories are handled
one way for all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from review.config.numbers import is_number
from review.exceptions import ParameterError

__all__ = ["Prepared", "all_rated", "any_rated", "category_counts", "prepare"]


@dataclass(frozen=True)
class Prepared:
    """Ratings as integer codes.

    Attributes
    ----------
    codes : numpy.ndarray of int, shape (n_units, n_raters)
        Position of each rating in ``categories``; -1 where the rating is missing.
        Units with no rating at all have been dropped.
    categories : tuple
        The ordered categories.
    n_dropped : int
        Units dropped because no rater rated them.
    """

    codes: np.ndarray
    categories: tuple[Any, ...]
    n_dropped: int

    @property
    def n_units(self) -> int:
        """Units with at least one rating."""
        return int(self.codes.shape[0])

    @property
    def n_raters(self) -> int:
        """Raters (columns)."""
        return int(self.codes.shape[1])

    @property
    def n_categories(self) -> int:
        """Number of categories."""
        return len(self.categories)


_FAST_RANGE = 4096


def _integer_codes(flat: np.ndarray, categories: Sequence[Any] | None) -> tuple[np.ndarray, tuple] | None:
    """Fast path for numeric arrays of whole numbers in a small range (grades, scores): O(n)."""
    if flat.dtype.kind not in "iuf" or flat.size == 0:
        return None
    if flat.dtype.kind == "f":
        missing = np.isnan(flat)
        has_missing = bool(missing.any())
        seen = flat[~missing] if has_missing else flat
        if seen.size == 0 or not np.array_equal(seen, np.floor(seen)):
            return None
    else:
        has_missing, seen = False, flat
    lo, hi = seen.min(), seen.max()
    if hi - lo > _FAST_RANGE:
        return None
    offset = (seen - lo).astype(np.int64)
    used = np.bincount(offset, minlength=int(hi - lo) + 1) > 0
    if categories is None:
        cats = tuple(int(v) for v in (np.flatnonzero(used) + lo))
    else:
        cats = tuple(categories)
        if not all(is_number(c) for c in cats):
            return None
        if len(set(cats)) != len(cats):
            return None  # the general path reports it
    lookup = np.full(int(hi - lo) + 1, -1, dtype=np.int64)
    for position, c in enumerate(cats):
        k = float(c) - lo
        if 0 <= k <= hi - lo and float(k).is_integer():
            lookup[int(k)] = position
    if (lookup[used] < 0).any():
        return None  # a value outside `categories`: the general path names it
    if not has_missing:
        return lookup[offset], cats
    codes = np.full(flat.shape, -1, dtype=np.int64)
    codes[~missing] = lookup[offset]
    return codes, cats


def any_rated(codes: np.ndarray) -> np.ndarray:
    """Per unit, whether any rater rated it (column loop: faster than a row reduction)."""
    out = codes[:, 0] >= 0
    for g in range(1, codes.shape[1]):
        out |= codes[:, g] >= 0
    return out


def all_rated(codes: np.ndarray) -> np.ndarray:
    """Per unit, whether every rater rated it."""
    out = codes[:, 0] >= 0
    for g in range(1, codes.shape[1]):
        out &= codes[:, g] >= 0
    return out


def prepare(ratings: Any, categories: Sequence[Any] | None = None, *, min_raters: int = 2) -> Prepared:
    """Encode ratings as category codes.

    Parameters
    ----------
    ratings : array_like or pandas.DataFrame, shape (n_units, n_raters)
        Units (case files) in rows, raters in columns. A missing rating is NaN, None,
        ``pd.NA`` or the empty string. Labels may be numbers or text; they are matched
        exactly (the data loaders normalise case and spaces before this point).
    categories : sequence, optional
        The full ordered set of categories. Needed when a category is unused (it still counts
        in chance agreement and weights) and to give labels their order. Default: the values
        seen, sorted.
    min_raters : int, default: ``2``
        The fewest raters (columns) the coefficient accepts.

    Returns
    -------
    Prepared
        The codes, with units that nobody rated dropped.

    Raises
    ------
    ParameterError
        If ``ratings`` is not 2-D, has fewer than ``min_raters`` columns, no ratings at all,
        values outside ``categories``, or mixes numbers and text without ``categories``.
    """
    values = _table(ratings)
    if values.ndim != 2 or values.shape[1] < min_raters:
        raise ParameterError(
            f"`ratings` must be a 2-D table with units in rows and at least {min_raters} raters in "
            f"columns; got shape {values.shape}"
        )
    flat = values.ravel(order="C")
    fast = _integer_codes(flat, categories)
    if fast is not None:
        codes, cats = fast
        codes = codes.reshape(values.shape)
        rated = any_rated(codes)
        if rated.all():
            return Prepared(codes=codes, categories=cats, n_dropped=0)
        return Prepared(codes=codes[rated], categories=cats, n_dropped=int((~rated).sum()))
    if flat.dtype == object or flat.dtype.kind in "US":
        flat = flat.astype(object)
        flat[flat == ""] = None
    codes_flat, uniques = pd.factorize(flat, use_na_sentinel=True)
    uniques = list(pd.Index(uniques))
    if not uniques:
        raise ParameterError("`ratings` holds no ratings at all (every cell is missing)")
    cats = _categories(uniques, categories)
    index = pd.Index(cats)
    position = index.get_indexer(pd.Index(uniques))
    unknown = [u for u, p in zip(uniques, position, strict=True) if p < 0]
    if unknown:
        raise ParameterError(
            f"`ratings` holds values that are not in `categories`: {unknown[:10]}; "
            f"`categories` is {list(cats)}"
        )
    mapping = np.append(position, -1)  # factorize's -1 (missing) maps to the last entry
    codes = mapping[codes_flat].reshape(values.shape)
    rated = any_rated(codes)
    return Prepared(codes=codes[rated], categories=cats, n_dropped=int((~rated).sum()))


def _table(ratings: Any) -> np.ndarray:
    """The ratings as an array (nested lists keep each value's own type: numbers stay numbers
    beside text)."""
    try:
        if isinstance(ratings, pd.DataFrame):
            return ratings.to_numpy()
        if isinstance(ratings, np.ndarray):
            return ratings
        return np.array(ratings, dtype=object)
    except ValueError as exc:  # ragged rows
        raise ParameterError(f"`ratings` must be a rectangular table: {exc}") from exc


def _categories(uniques: list[Any], categories: Sequence[Any] | None) -> tuple[Any, ...]:
    """The ordered categories: those given (each once), or the values seen, sorted (numbers, or text)."""
    if categories is not None:
        cats = tuple(categories)
        if len(set(cats)) != len(cats):
            raise ParameterError(f"`categories` must not repeat a category; got {list(cats)}")
        return cats
    numeric = [is_number(u) for u in uniques]
    if any(numeric) and not all(numeric):
        raise ParameterError("`ratings` mixes numbers and text; pass `categories` to say how they are ordered")
    return tuple(sorted(uniques)) if all(numeric) else tuple(sorted(uniques, key=str))


def category_counts(prepared: Prepared) -> np.ndarray:
    """Return the (n_units, n_categories) matrix of how many raters put each unit in each category."""
    n, q = prepared.n_units, prepared.n_categories
    codes = prepared.codes
    unit = np.broadcast_to(np.arange(n)[:, None], codes.shape)
    keep = codes >= 0
    flat = unit[keep] * q + codes[keep]
    return np.bincount(flat, minlength=n * q).reshape(n, q).astype(float)
