"""Parsing one cell of evidence by its column's kind, with a sentence when it is wrong."""

from __future__ import annotations

import datetime as dt
import re

from review.config.cycles import is_cycle
from review.data.schema import TIERS, Column

__all__ = ["parse_cell"]

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0"}
_TIER_KEYS = {t.lower(): t for t in TIERS}


def _date(text: str) -> dt.date | None:
    for pattern, order in ((_ISO, (1, 2, 3)), (_UK, (3, 2, 1))):
        m = pattern.match(text)
        if m:
            y, mo, d = (int(m.group(i)) for i in order)
            try:
                return dt.date(y, mo, d)
            except ValueError:
                return None
    if text.isdigit() and 20000 <= int(text) <= 80000:  # an Excel serial day number
        return _EXCEL_EPOCH + dt.timedelta(days=int(text))
    return None


def parse_cell(text: str, column: Column) -> tuple[object, str | None]:
    """Parse a cell; return the value (None when empty) and a problem sentence or None.

    Parameters
    ----------
    text : str
        The cell as written.
    column : Column
        Its declaration.

    Returns
    -------
    tuple
        ``(value, problem)``. Labels (tiers, choices) come back in their canonical spelling;
        ``grade`` cells are returned stripped and checked later against their scale.
    """
    value = text.strip()
    if not value:
        return None, ("a value is required" if column.required else None)
    kind = column.kind
    if kind in ("id", "text", "scale_label", "grade"):
        return value, None
    if kind == "cycle":
        upper = value.upper()  # 2009-q1 is read as 2009-Q1
        return (upper, None) if is_cycle(upper) else (value, "expected a cycle written like 2009-Q1")
    if kind == "month":
        m = _MONTH.match(value)
        if m and 1 <= int(m.group(2)) <= 12:
            return value, None
        return value, "expected a month written like 2009-04"
    if kind == "date":
        parsed = _date(value)
        return (parsed, None) if parsed else (value, "expected a date: 2009-04-01, 01/04/2009 or an Excel date")
    if kind == "bool":
        low = value.lower()
        if low in _TRUE or low in _FALSE:
            return low in _TRUE, None
        return value, "expected yes or no"
    if kind == "tier":
        tier = _TIER_KEYS.get(" ".join(value.split()).lower())
        return (tier, None) if tier else (value, f"expected a tier: {', '.join(TIERS)}")
    if kind == "choice":
        lookup = {c.lower(): c for c in column.choices}
        chosen = lookup.get(" ".join(value.split()).lower())
        return (chosen, None) if chosen else (value, f"expected one of: {', '.join(column.choices)}")
    try:
        number = float(value.replace(",", ""))
    except ValueError:
        return value, "expected a number"
    if kind == "count":
        if not number.is_integer():
            return value, "expected a whole number"
        if number < 0:
            return value, "expected a whole number, 0 or more (a count cannot be negative)"
        return int(number), None
    if number < 0:
        return value, "expected a number, 0 or more"
    if kind == "rate" and number > 1:
        return value, "expected a proportion between 0 and 1"
    return number, None
