"""Writing tables for people to open in Excel, safely.

A cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) is read by
spreadsheet programs as a formula, so a team called ``=HYPERLINK(...)`` in the evidence could run
on a manager's machine. Such cells are prefixed with an apostrophe, which Excel shows as text
(OWASP, "CSV Injection"). Numbers are written as numbers, so a negative count stays a number.
"""

from __future__ import annotations

import numbers
from pathlib import Path

import pandas as pd

__all__ = ["neutralise", "write_csv", "write_xlsx"]

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Return ``value`` made inert for a spreadsheet: text starting with a formula trigger gets a ``'``."""
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    return value


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if not all(isinstance(v, numbers.Number) for v in out[column].dropna()):
            out[column] = out[column].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a table as UTF-8 CSV with a byte-order mark (so Excel reads the accents) and inert cells."""
    path = Path(path)
    _safe(frame).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
    return path


def write_xlsx(frame: pd.DataFrame, path: str | Path, *, sheet: str = "Sheet1") -> Path:
    """Write a table as an Excel workbook with inert cells."""
    path = Path(path)
    _safe(frame).to_excel(path, index=False, sheet_name=sheet)
    return path
