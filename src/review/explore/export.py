"""Saving an explorer's selection for a spreadsheet: formula-safe CSV or Excel under ``outputs/explore/``."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from review.config.paths import resolve
from review.exceptions import ParameterError
from review.protection.safe_export import write_csv, write_xlsx

__all__ = ["export_selection"]

FORMATS = ("csv", "xlsx")


def export_selection(frame: pd.DataFrame, *, framework: str, cycle: str, audience: str, fmt: str,
                     folder: str | Path = "outputs/explore", now: dt.datetime | None = None) -> Path:
    """Write ``frame`` to a new, timestamped file and return its path.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table as shown (already formatted for the audience).
    framework, cycle, audience : str
        Named in the file name, so an internal export is never mistaken for a published one.
    fmt : {"csv", "xlsx"}
    folder : str or Path, default: ``"outputs/explore"``
        Relative paths resolve from the project root.
    now : datetime, optional
        The timestamp (for tests); defaults to the current time.

    Returns
    -------
    Path
        The file written; an existing file is never overwritten (a suffix is added).

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> path = export_selection(pd.DataFrame({"team": ["=cmd()"]}), framework="gose_performance",
    ...                         cycle="2009-Q4", audience="internal", fmt="csv", folder=folder,
    ...                         now=dt.datetime(2010, 1, 5, 9, 30))
    >>> path.name
    'gose_performance-2009-Q4-internal-20100105-093000.csv'
    >>> path.read_text(encoding="utf-8-sig").splitlines()[1]
    "'=cmd()"
    """
    if fmt not in FORMATS:
        raise ParameterError(f"`fmt` must be one of {list(FORMATS)}; got {fmt!r}")
    if not re.fullmatch(r"[a-z_]+", framework) or not re.fullmatch(r"[0-9A-Za-z-]+", cycle):
        raise ParameterError("`framework` and `cycle` must be plain names")
    out = Path(folder) if Path(folder).is_absolute() else resolve(str(folder))
    out.mkdir(parents=True, exist_ok=True)
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    stem = f"{framework}-{cycle}-{audience}-{stamp}"
    path = out / f"{stem}.{fmt}"
    n = 1
    while path.exists():
        n += 1
        path = out / f"{stem}-{n}.{fmt}"
    return write_csv(frame, path) if fmt == "csv" else write_xlsx(frame, path, sheet=framework[:31])
