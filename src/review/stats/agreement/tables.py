"""Reshaping audit records for the agreement coefficients."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from review.exceptions import ParameterError
from review.stats.agreement._input import all_rated, prepare

__all__ = ["contingency_table", "ratings_table"]


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
    """
    prepared = prepare(ratings, categories)
    if prepared.n_raters != 2:
        raise ParameterError(f"`ratings` must have exactly 2 raters (columns); got {prepared.n_raters}")
    both = all_rated(prepared.codes)
    q = prepared.n_categories
    pair = prepared.codes[both]
    counts = np.bincount(pair[:, 0] * q + pair[:, 1], minlength=q * q).reshape(q, q)
    names = list(ratings.columns) if isinstance(ratings, pd.DataFrame) else ["rater 1", "rater 2"]
    index = pd.Index(prepared.categories, name=str(names[0]))
    columns = pd.Index(prepared.categories, name=str(names[1]))
    return pd.DataFrame(counts, index=index, columns=columns)
