"""Review cycles: calendar quarters written ``YYYY-Qn`` (2009-Q1 is January to March 2009)."""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["cycle_bounds", "cycle_of", "cycle_range", "financial_quarter", "financial_year", "is_cycle", "parse_cycle",
           "quarter_label", "quarter_name",
           "period_statement", "previous_cycle"]

_PATTERN = re.compile(r"(\d{4})-Q([1-4])", re.ASCII)  # used with fullmatch: no trailing line break


def parse_cycle(cycle: str) -> tuple[int, int]:
    """Year and quarter of a cycle: the one parser of ``YYYY-Qn`` in the package.

    Parameters
    ----------
    cycle : str
        ``YYYY-Qn``, with a capital Q.

    Returns
    -------
    tuple of int
        ``(year, quarter)``.

    Raises
    ------
    ValueError
        If ``cycle`` is not written ``YYYY-Qn``.

    Examples
    --------
    >>> parse_cycle("2009-Q4")
    (2009, 4)
    """
    m = _PATTERN.fullmatch(cycle) if isinstance(cycle, str) else None
    if not m:
        msg = f"a cycle is written like 2009-Q1; got {cycle!r}"
        raise ValueError(msg)
    return int(m.group(1)), int(m.group(2))


def is_cycle(text: object) -> bool:
    """Whether ``text`` is a cycle written ``YYYY-Qn``.

    Parameters
    ----------
    text : object
        Anything; only text can be a cycle.

    Returns
    -------
    bool
        True for ``"2009-Q1"``, False for ``"2009-Q5"``, ``"2009Q1"`` or a number.

    Examples
    --------
    >>> is_cycle("2009-Q1"), is_cycle("2009-Q5"), is_cycle("2009-Q1\\n")
    (True, False, False)
    """
    return isinstance(text, str) and _PATTERN.fullmatch(text) is not None


def cycle_bounds(cycle: str) -> tuple[dt.date, dt.date]:
    """First and last day of a cycle.

    Parameters
    ----------
    cycle : str
        ``YYYY-Qn``.

    Returns
    -------
    tuple of datetime.date
        ``(first day, last day)``, both inclusive.

    Examples
    --------
    >>> [d.isoformat() for d in cycle_bounds("2009-Q1")]
    ['2009-01-01', '2009-03-31']
    """
    year, quarter = parse_cycle(cycle)
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return start, end - dt.timedelta(days=1)


def cycle_of(day: dt.date) -> str:
    """The cycle a date falls in.

    Parameters
    ----------
    day : datetime.date
        Any date.

    Returns
    -------
    str
        Its quarter, ``YYYY-Qn``.

    Examples
    --------
    >>> cycle_of(dt.date(2009, 11, 30))
    '2009-Q4'
    """
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def previous_cycle(cycle: str, steps: int = 1) -> str:
    """The cycle ``steps`` quarters before ``cycle``.

    Parameters
    ----------
    cycle : str
        ``YYYY-Qn``.
    steps : int, default: ``1``
        Quarters to go back.

    Returns
    -------
    str
        The earlier cycle.

    Examples
    --------
    >>> previous_cycle("2009-Q1"), previous_cycle("2009-Q4", steps=4)
    ('2008-Q4', '2008-Q4')
    """
    year, quarter = parse_cycle(cycle)
    k = year * 4 + quarter - 1 - steps
    return f"{k // 4}-Q{k % 4 + 1}"


def cycle_range(first: str, last: str) -> list[str]:
    """Every cycle from ``first`` to ``last`` inclusive.

    Parameters
    ----------
    first, last : str
        ``YYYY-Qn``; an empty list when ``last`` comes before ``first``.

    Returns
    -------
    list of str
        The cycles in order.

    Examples
    --------
    >>> cycle_range("2008-Q4", "2009-Q2")
    ['2008-Q4', '2009-Q1', '2009-Q2']
    """
    a, b = parse_cycle(first), parse_cycle(last)
    lo, hi = a[0] * 4 + a[1] - 1, b[0] * 4 + b[1] - 1
    return [f"{k // 4}-Q{k % 4 + 1}" for k in range(lo, hi + 1)]


def financial_year(cycle: str) -> str:
    """The council financial year (April to March) a cycle falls in, written ``2009/10``.

    Parameters
    ----------
    cycle : str
        ``YYYY-Qn``.

    Returns
    -------
    str
        The financial year, e.g. ``2009/10``.

    Examples
    --------
    >>> financial_year("2009-Q4"), financial_year("2010-Q1")
    ('2009/10', '2009/10')
    >>> financial_year("2009-Q2")
    '2009/10'
    """
    year, quarter = parse_cycle(cycle)
    start = year if quarter >= 2 else year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def financial_quarter(cycle: str) -> str:
    """The cycle as councils number it: the quarter of the financial year that starts in April.

    Parameters
    ----------
    cycle : str
        ``YYYY-Qn``.

    Returns
    -------
    str
        The quarter and financial year, e.g. ``Q3 of 2009/10``.

    Examples
    --------
    >>> financial_quarter("2009-Q4")  # October to December 2009
    'Q3 of 2009/10'
    >>> financial_quarter("2010-Q1")  # January to March 2010
    'Q4 of 2009/10'
    """
    _, quarter = parse_cycle(cycle)
    return f"Q{(quarter + 2) % 4 + 1} of {financial_year(cycle)}"


def period_statement(cycle: str) -> str:
    """The months a cycle covers and its financial-year quarter, for the top of every report.

    Parameters
    ----------
    cycle : str
        ``YYYY-Qn``.

    Returns
    -------
    str
        e.g. ``October to December 2009 (Q3 of 2009/10)``.

    Examples
    --------
    >>> period_statement("2009-Q4")
    'October to December 2009 (Q3 of 2009/10)'
    """
    start, end = cycle_bounds(cycle)
    return f"{start:%B} to {end:%B %Y} ({financial_quarter(cycle)})"


def quarter_label(cycle: str) -> str:
    """A cycle as councils write it in a chart axis or a column: the financial-year quarter.

    Parameters
    ----------
    cycle : str
        ``YYYY-Qn`` (calendar quarters: 2009-Q4 is October to December 2009).

    Returns
    -------
    str
        e.g. ``Q3 2009/10``.

    Examples
    --------
    >>> quarter_label("2009-Q4"), quarter_label("2010-Q1"), quarter_label("2009-Q2")
    ('Q3 2009/10', 'Q4 2009/10', 'Q1 2009/10')
    """
    _, quarter = parse_cycle(cycle)
    return f"Q{(quarter + 2) % 4 + 1} {financial_year(cycle)}"


def quarter_name(cycle: str) -> str:
    """A cycle as councils name it on a page: the financial-year quarter and its months.

    The cycle id (``2009-Q4``) stays the files' name; every page, caption and axis uses this.

    Parameters
    ----------
    cycle : str
        ``YYYY-Qn``.

    Returns
    -------
    str
        e.g. ``Q3 2009/10 (October to December 2009)``.

    Examples
    --------
    >>> quarter_name("2009-Q4")
    'Q3 2009/10 (October to December 2009)'
    >>> quarter_name("2010-Q1")
    'Q4 2009/10 (January to March 2010)'
    """
    start, end = cycle_bounds(cycle)
    return f"{quarter_label(cycle)} ({start:%B} to {end:%B %Y})"
