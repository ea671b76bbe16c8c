"""Aggregate before withholding: a group too small to publish is shown at the next level up.

A published table of teams, tiers or agencies where one row is a handful of people would be
mostly ``c``. Disclosure control withholds least when the small rows are first merged with their
declared parent (the senior tiers together, the health agencies together, all teams): the merged
row is published, and only what is still too small is withheld afterwards (by
:class:`~review.protection.linked.LinkedFigures`). Every member of a parent is merged, small or
not, so that no member can be recovered as the merged row less the others.

Examples
--------
>>> rows = {"ATM": {"done": 33}, "TM": {"done": 58}, "SM": {"done": 11}, "AD": {"done": 2}, "DCS": {"done": 1}}
>>> parents = {"SM": "Senior managers", "AD": "Senior managers", "DCS": "Senior managers"}
>>> out = aggregate(rows, parents, small=lambda v: 1 <= v <= 5)
>>> out
{'ATM': {'done': 33}, 'TM': {'done': 58}, 'Senior managers': {'done': 14}}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

__all__ = ["aggregate", "sector_parents"]


def aggregate(rows: Mapping[str, Mapping[str, float]], parents: Mapping[str, str],
              small: Callable[[float], bool]) -> dict[str, dict[str, float]]:
    """Rows of counts with every parent group that has a small member merged into one row.

    Parameters
    ----------
    rows : mapping of str to mapping of str to float
        Row label to its counts by column, in the table's order.
    parents : mapping of str to str
        A row's declared next level up; rows without one are never merged.
    small : callable
        Whether a count is too small to publish (the policy's ``is_small``).

    Returns
    -------
    dict
        The rows in order, a merged parent where its first member stood; counts summed.
    """
    merged = {p for label, counts in rows.items() if (p := parents.get(label)) is not None
              and any(small(v) for v in counts.values())}
    out: dict[str, dict[str, float]] = {}
    for label, counts in rows.items():
        parent = parents.get(label)
        if parent in merged:
            into = out.setdefault(parent, dict.fromkeys(counts, 0))
            for column, value in counts.items():
                into[column] = into.get(column, 0) + value
        else:
            out[label] = dict(counts)
    return out


def sector_parents(agencies: object, *, label: str = "{sector} agencies") -> dict[str, str]:
    """Each agency's next level up, its sector, as the council's ``agencies`` dataset declares it:
    the ``parents`` of :func:`aggregate` for a table of agencies (never a list of names in code).

    Parameters
    ----------
    agencies : pandas.DataFrame or None
        The evidence's ``agencies`` table (``agency``, ``sector``); None or empty when the council
        has not given one, and then no agency is merged (a small one is withheld instead).
    label : str, default: ``"{sector} agencies"``
        How a merged row is named.

    Returns
    -------
    dict of str to str

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"agency": ["Acute trust", "Primary care", "Police"], "sector": ["health", "health", "police"]})
    >>> parents = sector_parents(t)
    >>> parents
    {'Acute trust': 'Health agencies', 'Primary care': 'Health agencies', 'Police': 'Police agencies'}
    >>> aggregate({"Acute trust": {"files": 12}, "Primary care": {"files": 3}, "Police": {"files": 20}}, parents,
    ...           small=lambda v: 1 <= v <= 5)
    {'Health agencies': {'files': 15}, 'Police': {'files': 20}}
    """
    if agencies is None or len(agencies) == 0:  # type: ignore[arg-type]
        return {}
    rows = agencies[["agency", "sector"]].itertuples(index=False)  # type: ignore[index]
    return {str(a): label.format(sector=str(s)).capitalize() for a, s in rows}
