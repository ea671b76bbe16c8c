"""Reshaping audit records for the agreement coefficients."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from review.config.numbers import is_number
from review.exceptions import ParameterError
from review.stats.agreement._input import all_rated, prepare

__all__ = ["contingency_table", "ratings_table", "two_rater_counts"]


def ratings_table(records: pd.DataFrame, *, unit: str, rater: str, rating: str) -> pd.DataFrame:
    """Turn long records (one row per unit, rater and rating) into the ratings table.

    Parameters
    ----------
    records : pandas.DataFrame
        One row per rating.
    unit, rater, rating : str
        Column names of the unit (case reference), the rater (auditor or tier) and the rating.

    Returns
    -------
    pandas.DataFrame
        Units in rows (index sorted), raters in columns (sorted), NaN where a rater did not
        rate a unit.

    Raises
    ------
    ParameterError
        If a column is missing, or a rater rated the same unit twice (the rows are listed).

    Examples
    --------
    >>> records = pd.DataFrame({"case": [1, 1, 2], "tier": ["TM", "SM", "TM"], "grade": [3, 2, 4]})
    >>> ratings_table(records, unit="case", rater="tier", rating="grade").to_dict("list")
    {'SM': [2.0, nan], 'TM': [3.0, 4.0]}
    """
    missing = [c for c in (unit, rater, rating) if c not in records.columns]
    if missing:
        raise ParameterError(f"`records` has no column {missing}; its columns are {list(records.columns)}")
    dup = records.duplicated(subset=[unit, rater], keep=False)
    if dup.any():
        shown = records.loc[dup, [unit, rater]].drop_duplicates().head(5).to_dict("records")
        raise ParameterError(
            f"{int(dup.sum())} records give a second rating of the same unit by the same rater "
            f"(first: {shown}); keep one rating per unit and rater"
        )
    table = records.pivot(index=unit, columns=rater, values=rating)
    return table.sort_index().sort_index(axis=1)


def contingency_table(ratings: Any, *, categories: Sequence[Any] | None = None) -> pd.DataFrame:
    """Cross-tabulate two raters' ratings over the units both rated.

    Parameters
    ----------
    ratings : array_like or pandas.DataFrame, shape (n_units, 2)
        Two raters' ratings.
    categories : sequence, optional
        Ordered categories; every one gets a row and a column, used or not.

    Returns
    -------
    pandas.DataFrame
        Counts: rows are the first rater's category, columns the second's.

    Examples
    --------
    >>> contingency_table([["Good", "Good"], ["Good", "Adequate"]], categories=["Good", "Adequate"]).to_numpy().tolist()
    [[1, 1], [0, 0]]
    """
    cats, table = two_rater_counts(ratings, categories)
    names = list(ratings.columns) if isinstance(ratings, pd.DataFrame) else ["rater 1", "rater 2"]
    index = pd.Index(cats, name=str(names[0]))
    columns = pd.Index(cats, name=str(names[1]))
    return pd.DataFrame(table.astype(np.int64), index=index, columns=columns)


def _numeric_table(ratings: Any, categories: Sequence[Any] | None) -> tuple[np.ndarray, tuple] | None:
    """Two columns of whole numbers in a small range, straight to a table: O(n), no copies.

    Returns None (and the general path takes over) for anything else, including values
    outside ``categories``, so every error is still reported by :func:`prepare`.
    """
    if not isinstance(ratings, np.ndarray) or ratings.ndim != 2 or ratings.shape[1] != 2:
        return None
    if ratings.dtype.kind not in "iuf" or ratings.shape[0] == 0:
        return None
    whole = _whole_numbers(np.ascontiguousarray(ratings).reshape(-1))  # a0 b0 a1 b1 ...
    if whole is None:
        return None
    idx, both = whole
    lo, hi = int(idx.min()), int(idx.max())
    if hi - lo > 4096:
        return None
    span = hi - lo + 1
    if lo:
        idx -= lo
    cells = idx[0::2] * span + idx[1::2]
    if both is not None:
        cells = cells[both]
    full = np.bincount(cells, minlength=span * span).reshape(span, span)
    if categories is None:
        keep = np.flatnonzero(full.sum(axis=0) + full.sum(axis=1))
        return full[np.ix_(keep, keep)].astype(float), tuple(v + lo for v in keep.tolist())
    return _on_categories(full, lo, tuple(categories))


def _whole_numbers(flat: np.ndarray) -> tuple[np.ndarray, np.ndarray | None] | None:
    """The ratings (pairs side by side) as 32-bit integers, and which pairs are complete (None: all
    are); None if any value is not a whole number in range."""
    if flat.dtype.kind != "f":
        return (flat.astype(np.int32), None) if np.abs(flat).max() < 2**31 else None
    # Few, small temporaries: at this size the time goes on allocating them.
    with np.errstate(invalid="ignore"):
        idx = flat.astype(np.int32)
    if (idx == flat).all():
        return idx, None
    nan = np.isnan(flat)  # NaN, a fraction or a huge value somewhere
    if not nan.any() or nan.all():
        return None
    both = ~(nan[0::2] | nan[1::2])
    filled = np.where(nan, flat[~nan][0], flat)
    with np.errstate(invalid="ignore"):
        idx = filled.astype(np.int32)
    return (idx, both) if (idx == filled).all() else None


def _on_categories(full: np.ndarray, lo: int, cats: tuple) -> tuple[np.ndarray, tuple] | None:
    """The table ``full`` (values ``lo`` upwards) laid out on numeric ``cats``; None if they are not
    distinct numbers or a value falls outside them."""
    span = len(full)
    if not all(is_number(c) for c in cats) or len(set(cats)) != len(cats):
        return None
    index = [int(c - lo) if float(c - lo).is_integer() and 0 <= c - lo < span else -1 for c in cats]
    inside = [i for i in index if i >= 0]
    if full.sum() != full[np.ix_(inside, inside)].sum():
        return None  # a value outside `categories`
    table = np.zeros((len(cats), len(cats)))
    pos = [k for k, i in enumerate(index) if i >= 0]
    table[np.ix_(pos, pos)] = full[np.ix_(inside, inside)]
    return table, cats


def two_rater_counts(ratings: Any, categories: Sequence[Any] | None = None) -> tuple[tuple, np.ndarray]:
    """The two raters' contingency table over the units both rated: the one table builder.

    Parameters
    ----------
    ratings : array_like or pandas.DataFrame, shape (n_units, 2)
        Two raters' ratings; missing ratings are NaN or None.
    categories : sequence, optional
        Ordered categories; every one gets a row and a column, used or not.

    Returns
    -------
    tuple
        ``(categories, table)``: the categories in order and the float (q, q) counts, rows
        the first rater's category and columns the second's.

    Raises
    ------
    ParameterError
        If there are not exactly two raters, or a rating is outside ``categories``.

    Examples
    --------
    >>> cats, table = two_rater_counts([[1, 1], [1, 2], [2, 2]])
    >>> cats, table.tolist()
    ((1, 2), [[1.0, 1.0], [0.0, 1.0]])
    """
    fast = _numeric_table(ratings, categories)
    if fast is not None:
        table, cats = fast
        return cats, table
    prepared = prepare(ratings, categories)
    if prepared.n_raters != 2:
        raise ParameterError(
            f"`ratings` must have exactly 2 raters (columns) for this coefficient; got {prepared.n_raters}. "
            "Use conger_kappa or fleiss_kappa for more."
        )
    q = prepared.n_categories
    codes = prepared.codes
    both = all_rated(codes)
    cells = codes[:, 0] * q + codes[:, 1]
    table = np.bincount(cells if both.all() else cells[both], minlength=q * q).reshape(q, q).astype(float)
    return prepared.categories, table
