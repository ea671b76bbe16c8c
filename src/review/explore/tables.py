"""Formatting an explorer's summaries for an audience: what the analyst sees and exports.

The internal audience (the default in an interactive session) sees figures as they are; the
published audience sees what a report would show: counts of 1 to the threshold as ``c``, rates
built on them or on groups smaller than the minimum withheld, and no summary by person.
"""

from __future__ import annotations

import pandas as pd

from review.protection.disclosure import DisclosurePolicy, suppressed_rate
from review.protection.linked import suppress_table
from review.views.presentation import pct

__all__ = ["count_text", "format_summary"]


def count_text(count: int, policy: DisclosurePolicy) -> str:
    """A count as an audience may see it: ``c`` when it is small in a published view.

    Examples
    --------
    >>> count_text(3, DisclosurePolicy("published"))
    'c'
    >>> count_text(3, DisclosurePolicy("internal"))
    '3'
    >>> count_text(0, DisclosurePolicy("published"))
    '0'
    """
    return "c" if policy.is_small(count) else f"{int(count):,}"


def _rate_rows(summary: pd.DataFrame, policy: DisclosurePolicy, labels: tuple[str, str]) -> pd.DataFrame:
    rows = []
    for key, row in summary.iterrows():
        met, n = int(row["met"]), int(row["n"])
        symbol = suppressed_rate(met, n, policy)
        rows.append({
            "": str(key),
            labels[0]: count_text(n, policy),
            labels[1]: symbol or count_text(met, policy),
            "rate": symbol or pct(row["rate"]),
        })
    return pd.DataFrame(rows, columns=["", *labels, "rate"])


def _score_rows(summary: pd.DataFrame, policy: DisclosurePolicy) -> pd.DataFrame:
    rows = []
    for key, row in summary.iterrows():
        n = int(row["n"])
        withheld = policy.suppress and (policy.is_small(n) or n < policy.min_group)
        rows.append({
            "": str(key),
            "scores": count_text(n, policy),
            "median": "c" if withheld else f"{row['median']:.1f}",
            "middle half": "c" if withheld else f"{row['q1']:.1f} to {row['q3']:.1f}",
        })
    return pd.DataFrame(rows, columns=["", "scores", "median", "middle half"])


def format_summary(summary: pd.DataFrame, measure: str, policy: DisclosurePolicy, *,
                   labels: tuple[str, str] = ("audits or answers", "met")) -> pd.DataFrame:
    """Turn a summary from :func:`review.explore.lenses.summarise` into text for ``policy``.

    Parameters
    ----------
    summary : pandas.DataFrame
        A rate summary (``met``, ``n``, ``rate``), a score summary (``median``, ``q1``, ``q3``,
        ``n``) or a table of counts (ratings, grades).
    measure : str
        ``"rate"``, ``"score"`` or ``"count"``.
    policy : DisclosurePolicy
    labels : (str, str), default: ``("audits or answers", "met")``
        The headings of a rate's group size and of its count (``("actions", "done")`` for the
        action plan).

    Returns
    -------
    pandas.DataFrame
        Text cells; the first column names the group. Tables of counts carry totals and
        secondary suppression in a published view.

    Examples
    --------
    >>> s = pd.DataFrame({"met": [2, 12], "n": [20, 20], "rate": [0.1, 0.6]}, index=["A", "B"])
    >>> format_summary(s, "rate", DisclosurePolicy("published"))["rate"].tolist()
    ['c', '60.0%']
    >>> format_summary(s, "rate", DisclosurePolicy("internal"))["rate"].tolist()
    ['10.0%', '60.0%']
    """
    if measure == "rate":
        return _rate_rows(summary, policy, labels)
    if measure == "score":
        return _score_rows(summary, policy)
    shown = suppress_table(summary, policy)
    shown.index = shown.index.map(str)
    return shown.reset_index(names="")
