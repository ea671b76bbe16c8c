"""Saving an explorer's tables as data: Excel with numeric cells, or formula-safe CSV, under ``outputs/explore/``.

An export is for analysis, so:

- a workbook holds one sheet per table shown, with numbers as numbers under number formats
  (``#,##0`` for counts, ``0.0%`` for shares, ``0.0`` for scores), ``c`` and ``:`` as text, and a
  header on every column (the first names what the rows are);
- an ``about`` sheet records what the tables are: the caption, the basis, the audience, the
  cycle, every filter, when it was written and the code's commit;
- the file name carries the framework, cycle, audience and the filters that differ from
  "all" (so two exports of different selections never look alike);
- the records behind the tables (pseudonymised) are written only for the internal audience;
- an empty selection writes nothing (:class:`EmptySelection`): a header-only file would pass for
  a result.

Text cells that a spreadsheet would read as a formula are made inert
(:func:`review.protection.safe_export.neutralise`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from IPython.display import FileLink

from review.config.paths import project_root, resolve
from review.exceptions import ParameterError, ReviewError
from review.explore.tables import Shown
from review.protection.safe_export import neutralise, write_csv
from review.views import presentation as show

__all__ = ["NUMBER_FORMATS", "EmptySelection", "code_commit", "export_file_name", "export_tables", "saved_link"]

FORMATS = ("csv", "xlsx")
NUMBER_FORMATS = {"count": "#,##0", "share": "0.0%", "score": "0.0"}
"""Excel number formats of each kind of column."""


def code_commit() -> str:
    """The project's commit, ``-dirty`` when files differ from it (``git describe``); ``unknown`` outside git."""
    try:
        return subprocess.run(["git", "describe", "--always", "--dirty", "--abbrev=40"], cwd=project_root(),
                              capture_output=True, text=True, check=True, timeout=10).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


class EmptySelection(ReviewError):
    """Nothing matches the filters: no file is written."""


def _slug(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", text).strip("-").lower()[:40]


def export_file_name(framework: str, cycle: str, audience: str, filters: Mapping[str, str], stamp: str,
                     ext: str) -> str:
    """The file name: framework, cycle, audience, the filters chosen, time.

    Examples
    --------
    >>> export_file_name("gose_performance", "2009-Q4", "internal", {"team": "Assessment North", "tier": "(all)"},
    ...                  "20100105-093000", "xlsx")
    'gose_performance-2009-Q4-internal-team-assessment-north-20100105-093000.xlsx'
    """
    chosen = [f"{_slug(k)}-{_slug(v)}" for k, v in filters.items() if v != "(all)"]
    return "-".join([framework, cycle, audience, *chosen, stamp]) + f".{ext}"


def _about(about: Mapping[str, str], filters: Mapping[str, str]) -> pd.DataFrame:
    rows = [(k, str(v)) for k, v in about.items()] + [(f"filter: {k}", v) for k, v in filters.items()]
    return pd.DataFrame(rows, columns=["field", "value"])


def _write_sheet(writer: pd.ExcelWriter, name: str, table: Shown) -> None:
    frame = table.frame.copy()
    for column in frame.columns:
        if table.kinds.get(column) not in NUMBER_FORMATS:  # numbers stay numbers; text is made inert
            frame[column] = frame[column].map(lambda v: neutralise(str(v)) if v is not None else "")
    frame.columns = [str(neutralise(str(c))) or "group" for c in frame.columns]
    frame.to_excel(writer, sheet_name=name, index=False)
    sheet = writer.sheets[name]
    for j, column in enumerate(table.frame.columns, start=1):
        fmt = NUMBER_FORMATS.get(table.kinds.get(column, ""))
        width = max([len(str(column)), *(len(str(v)) for v in table.frame[column])])
        sheet.column_dimensions[sheet.cell(row=1, column=j).column_letter].width = min(60, width + 2)
        if fmt:
            for i in range(2, len(frame) + 2):
                sheet.cell(row=i, column=j).number_format = fmt


def export_tables(tables: Mapping[str, Shown], *, framework: str, cycle: str, audience: str,
                  filters: Mapping[str, str], about: Mapping[str, str], fmt: str,
                  records: pd.DataFrame | None = None, folder: str | Path = "outputs/explore",
                  now: dt.datetime | None = None) -> Path:
    """Write the tables shown (and, internal only, the records behind them); return the file.

    Parameters
    ----------
    tables : mapping of str to Shown
        Sheet name to table, the first being the main table (the only one a CSV holds).
    framework, cycle, audience : str
    filters : mapping of str to str
        Every filter and its value; those not ``(all)`` are named in the file name.
    about : mapping of str to str
        Caption, basis, commit ... recorded on the ``about`` sheet (and in a CSV's companion rows).
    fmt : {"csv", "xlsx"}
        A CSV holds the main table, with the ``about`` rows in a companion ``.about.csv``.
    records : pandas.DataFrame, optional
        The records behind the tables; refused unless the audience is internal.
    folder : str or Path, default: ``"outputs/explore"``
    now : datetime, optional

    Returns
    -------
    Path
        A new file (an existing file is never overwritten).

    Raises
    ------
    EmptySelection
        When the main table has no row.

    Examples
    --------
    >>> import tempfile
    >>> t = Shown(pd.DataFrame({"team": ["A"], "case files": [12], "rate": [0.5]}), {"case files": "count",
    ...           "rate": "share"}, 12)
    >>> path = export_tables({"summary": t}, framework="gose_performance", cycle="2009-Q4", audience="published",
    ...                      filters={"team": "A"}, about={"caption": "x"}, fmt="xlsx", folder=tempfile.mkdtemp(),
    ...                      now=dt.datetime(2010, 1, 5, 9, 30))
    >>> path.name
    'gose_performance-2009-Q4-published-team-a-20100105-093000.xlsx'
    >>> pd.read_excel(path, sheet_name="summary")["rate"].tolist()
    [0.5]
    """
    if fmt not in FORMATS:
        raise ParameterError(f"`fmt` must be one of {list(FORMATS)}; got {fmt!r}")
    if not re.fullmatch(r"[a-z_]+", framework) or not re.fullmatch(r"[0-9A-Za-z-]+", cycle):
        raise ParameterError("`framework` and `cycle` must be plain names")
    if records is not None and audience != "internal":
        raise PermissionError("the records behind a table are exported for the internal audience only")
    main = next(iter(tables.values()), None)
    if main is None or main.empty:
        raise EmptySelection("nothing matches the selection: no file written")
    out = Path(folder) if Path(folder).is_absolute() else resolve(str(folder))
    out.mkdir(parents=True, exist_ok=True)
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    path = out / export_file_name(framework, cycle, audience, filters, stamp, fmt)
    n = 1
    while path.exists():
        n += 1
        path = path.with_name(export_file_name(framework, cycle, audience, filters, f"{stamp}-{n}", fmt))
    meta = {"audience": audience, "cycle": cycle, **about, "written": (now or dt.datetime.now()).isoformat(
        timespec="seconds")}
    if fmt == "csv":
        write_csv(_about(meta, filters), path.with_name(path.stem + ".about.csv"))
        return write_csv(main.frame, path)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, table in tables.items():
            _write_sheet(writer, name[:31], table)
        if records is not None:
            _write_sheet(writer, "records", Shown(records.astype(object).where(records.notna(), ""), {}, len(records)))
        _write_sheet(writer, "about", Shown(_about(meta, filters), {}, 0))
    return path


def saved_link(write: Callable[[], Path]) -> Any:
    """What an explorer shows after an export: a link to the file ``write`` wrote, or why none was written."""
    try:
        path = write()
    except EmptySelection as exc:
        return show.note(str(exc))
    return FileLink(os.path.relpath(path, os.getcwd()), result_html_prefix="Saved: ")
