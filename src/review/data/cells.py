"""Parsing evidence cells by their column's kind, with a sentence when a cell is wrong.

One grammar per kind, documented in ``docs/data.md``:

- **numbers**: digits with an optional decimal point (``1234.5``), a thousands separator only
  in the ``1,234,567.5`` pattern (groups of three after the first); never a decimal comma
  (``30,5`` and ``1,0,0`` are refused), no exponent, no ``nan`` or ``inf``;
- **identifiers and cycles**: no spaces around them and no control characters anywhere;
- **text**: no control characters other than tab and line breaks.

:func:`parse_column` parses a whole column through its distinct values, so a column of a
million cells costs one :func:`parse_cell` call per distinct value.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from review.config.cycles import is_cycle
from review.data.hints import hint
from review.data.schema import TIERS, Column

__all__ = ["parse_cell", "parse_column"]

_CYCLE = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE | re.ASCII)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", re.ASCII)
_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", re.ASCII)
_NUMBER = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0"}
_TIER_KEYS = {t.lower(): t for t in TIERS}
_NUMBER_HELP = ("expected a number written like 1234.5 or 1,234.5 (a comma only between groups of three "
                "digits; a decimal comma, an exponent, nan or inf are not accepted)")


def _date(text: str) -> dt.date | None:
    for pattern, order in ((_ISO, (1, 2, 3)), (_UK, (3, 2, 1))):
        m = pattern.match(text)
        if m:
            y, mo, d = (int(m.group(i)) for i in order)
            try:
                return dt.date(y, mo, d)
            except ValueError:
                return None
    if text.isascii() and text.isdigit() and 20000 <= int(text) <= 80000:  # an Excel serial day number
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

    Examples
    --------
    >>> from review.data.schema import Column
    >>> parse_cell("1,234.5", Column("x", "number"))
    (1234.5, None)
    >>> parse_cell("30,5", Column("x", "number"))[1].startswith("expected a number")
    True
    >>> parse_cell(" C1", Column("x", "id"))[1]
    'expected an identifier without spaces around it'
    """
    value = text.strip()
    kind = column.kind
    if not value:
        return None, ("a value is required" if column.required else None)
    problem = _unprintable(text, value, kind)
    if problem is not None:
        return text, problem
    if kind in ("id", "text", "scale_label", "grade"):
        return value, None
    label = _LABELS.get(kind)
    return label(value, column) if label is not None else _number(value, kind)


def _unprintable(text: str, value: str, kind: str) -> str | None:
    """What is wrong with a cell's characters (a control character; spaces around an identifier), or None."""
    if kind in ("id", "cycle"):
        if _CONTROL.search(text):
            return "expected printable text; found a control or invisible character"
        if value != text:
            return f"expected {'an identifier' if kind == 'id' else 'a cycle'} without spaces around it"
        return None
    return "expected printable text; found a control character" if _TEXT_CONTROL.search(text) else None


def _cycle_cell(value: str, column: Column) -> tuple[object, str | None]:
    upper = value.upper()  # 2009-q1 is read as 2009-Q1
    return (upper, None) if is_cycle(upper) else (value, "expected a cycle written like 2009-Q1")


def _month_cell(value: str, column: Column) -> tuple[object, str | None]:
    m = _MONTH.match(value)
    if m and 1 <= int(m.group(2)) <= 12:
        return value, None
    return value, "expected a month written like 2009-04"


def _date_cell(value: str, column: Column) -> tuple[object, str | None]:
    parsed = _date(value)
    return (parsed, None) if parsed else (value, "expected a date: 2009-04-01, 01/04/2009 or an Excel date")


def _bool_cell(value: str, column: Column) -> tuple[object, str | None]:
    low = value.lower()
    if low in _TRUE or low in _FALSE:
        return low in _TRUE, None
    return value, "expected yes or no"


def _tier_cell(value: str, column: Column) -> tuple[object, str | None]:
    tier = _TIER_KEYS.get(" ".join(value.split()).lower())
    return (tier, None) if tier else (value, f"expected a tier: {', '.join(TIERS)}{hint(value, TIERS)}")


def _choice_cell(value: str, column: Column) -> tuple[object, str | None]:
    lookup = {c.lower(): c for c in column.choices}
    chosen = lookup.get(" ".join(value.split()).lower())
    return (chosen, None) if chosen else (value, f"expected one of: {', '.join(column.choices)}"
                                                  f"{hint(value, column.choices)}")


_LABELS = {"cycle": _cycle_cell, "month": _month_cell, "date": _date_cell, "bool": _bool_cell, "tier": _tier_cell,
           "choice": _choice_cell}
"""The kinds read as a label or a date, each by its own parser; every other kind not text is a number."""


def _number(value: str, kind: str) -> tuple[object, str | None]:
    """A ``count``, ``number`` or ``rate`` cell."""
    if not _NUMBER.match(value):
        return value, _NUMBER_HELP
    number = float(value.replace(",", ""))
    if kind == "count":
        if not number.is_integer():
            return value, "expected a whole number"
        if number < 0:
            return value, "expected a whole number, 0 or more (a count cannot be negative)"
        return int(value.replace(",", "").split(".")[0]), None
    if number < 0:
        return value, "expected a number, 0 or more"
    if kind == "rate" and number > 1:
        return value, "expected a proportion between 0 and 1"
    return number, None


def _plain_text(uniques: np.ndarray, column: Column) -> list[tuple[object, str | None]] | None:
    """Text and identifier columns whose every value is clean, without a call per value (else None).

    One regular-expression scan of all distinct values joined tells whether any has a control
    character, and one pass of ``str.strip`` whether any has spaces around it; only then is each
    value parsed.
    """
    if column.kind not in ("id", "text") or len(uniques) < 1000:
        return None
    joined = "\x1f".join(uniques)
    pattern = _CONTROL if column.kind == "id" else _TEXT_CONTROL
    if joined.count("\x1f") != len(uniques) - 1:  # a value holds the separator itself
        return None
    if pattern.search(joined.replace("\x1f", "")) or list(map(str.strip, uniques)) != list(uniques):
        return None
    empty = None, ("a value is required" if column.required else None)
    return [(u, None) if u else empty for u in uniques]


def parse_column(cells: pd.Series, column: Column) -> tuple[np.ndarray, np.ndarray, list[str | None]]:
    """Parse a column of cells through its distinct values.

    Parameters
    ----------
    cells : pandas.Series of str
        The cells as written.
    column : Column
        Their declaration.

    Returns
    -------
    values : numpy.ndarray of object
        The parsed value of each cell (None where empty or wrong).
    bad : numpy.ndarray of int
        Positions of the wrong cells.
    problems : list of str
        The problem sentence of each wrong cell, in the order of ``bad``.

    Examples
    --------
    >>> from review.data.schema import Column
    >>> values, bad, problems = parse_column(pd.Series(["3", "1,0,0", "3"]), Column("n", "count"))
    >>> values.tolist(), bad.tolist()
    ([3, None, 3], [1])
    """
    codes, uniques = pd.factorize(cells.to_numpy(dtype=object), use_na_sentinel=False)
    parsed = _plain_text(uniques, column) or [parse_cell(u, column) for u in uniques]
    wrong = np.fromiter((p[1] is not None for p in parsed), dtype=bool, count=len(parsed))
    table = np.empty(len(parsed), dtype=object)
    table[:] = [None if w else p[0] for p, w in zip(parsed, wrong, strict=True)]
    values = table[codes] if len(codes) else np.empty(0, dtype=object)
    bad = np.flatnonzero(wrong[codes]) if len(codes) else np.empty(0, dtype=np.int64)
    return values, bad, [parsed[codes[i]][1] for i in bad]
