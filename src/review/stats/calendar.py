"""Working days in England and Wales, with the historic bank holidays.

Bank holidays follow the Banking and Financial Dealings Act 1971 and royal proclamations: New
Year's Day, Good Friday, Easter Monday, the early May bank holiday (first Monday of May), the
spring bank holiday (last Monday of May), the summer bank holiday (last Monday of August),
Christmas Day and Boxing Day, each moved to the next weekday when it falls at a weekend, plus the
one-off days and moves proclaimed for royal occasions. The gov.uk feed the CIN validator uses
starts too late for 2008/09 data, hence this list.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import numpy as np

__all__ = ["bank_holidays", "working_days_between"]

# One-off proclamations: (added days, days of the normal rule that were moved away).
_SPECIAL_ADDED = {dt.date(1999, 12, 31), dt.date(2002, 6, 3), dt.date(2011, 4, 29), dt.date(2012, 6, 5),
                  dt.date(2022, 6, 3), dt.date(2022, 9, 19), dt.date(2023, 5, 8)}
_MOVED = {
    2002: (dt.date(2002, 5, 27), dt.date(2002, 6, 4)),   # spring holiday moved for the golden jubilee
    2012: (dt.date(2012, 5, 28), dt.date(2012, 6, 4)),   # moved for the diamond jubilee
    2020: (dt.date(2020, 5, 4), dt.date(2020, 5, 8)),    # early May moved to VE day
    2022: (dt.date(2022, 5, 30), dt.date(2022, 6, 2)),   # moved for the platinum jubilee
}


def _easter(year: int) -> dt.date:
    """Western Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = (h + ell - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def _first_monday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 1)
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def _last_monday(year: int, month: int) -> dt.date:
    day = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
    return day - dt.timedelta(days=day.weekday())


@cache
def bank_holidays(year: int) -> tuple[dt.date, ...]:
    """Bank holidays in England and Wales in a year (rules plus the proclamations listed in this module).

    Parameters
    ----------
    year : int

    Returns
    -------
    tuple of datetime.date
        Sorted.
    """
    easter = _easter(year)
    days = {easter - dt.timedelta(days=2), easter + dt.timedelta(days=1), _first_monday(year, 5),
            _last_monday(year, 5), _last_monday(year, 8)}
    new_year = dt.date(year, 1, 1)
    days.add(new_year + dt.timedelta(days={5: 2, 6: 1}.get(new_year.weekday(), 0)))
    christmas, boxing = dt.date(year, 12, 25), dt.date(year, 12, 26)
    if christmas.weekday() == 5:  # Saturday: both move to Monday and Tuesday
        days |= {dt.date(year, 12, 27), dt.date(year, 12, 28)}
    elif christmas.weekday() == 6:  # Sunday: Christmas to Tuesday, Boxing Day stays Monday
        days |= {boxing, dt.date(year, 12, 27)}
    elif christmas.weekday() == 4:  # Friday: Boxing Day (Saturday) moves to Monday
        days |= {christmas, dt.date(year, 12, 28)}
    else:
        days |= {christmas, boxing}
    if year in _MOVED:
        old, new = _MOVED[year]
        days.discard(old)
        days.add(new)
    days |= {d for d in _SPECIAL_ADDED if d.year == year}
    return tuple(sorted(days))


def working_days_between(start: object, end: object) -> np.ndarray:
    """Working days from ``start`` to ``end``: weekdays that are not bank holidays, in (start, end].

    Parameters
    ----------
    start, end : array_like of datetime.date or numpy.datetime64
        Event dates (e.g. referral and assessment completion); the start day itself is day 0.

    Returns
    -------
    numpy.ndarray of int
        Working days elapsed; an assessment completed the next working day took 1.
    """
    s = np.asarray(start, dtype="datetime64[D]")
    e = np.asarray(end, dtype="datetime64[D]")
    years = range(int(str(min(s.min(), e.min()))[:4]), int(str(max(s.max(), e.max()))[:4]) + 1)
    holidays = np.array([d for y in years for d in bank_holidays(y)], dtype="datetime64[D]")
    return np.busday_count(s + 1, e + 1, holidays=holidays)
