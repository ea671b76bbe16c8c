"""Reading evidence files as text tables, exactly as the analyst sees them. I/O only.

Every cell comes back as a string (empty for a blank cell) with the row number the user sees
in the file, so validation can say "audits.csv, row 14, column 'audit_date'". Nothing here
interprets values or computes anything, and source files are only ever opened for reading.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

__all__ = ["RawTable", "find_file", "read_table"]

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class RawTable:
    """A file's cells as text.

    Attributes
    ----------
    file : str
        The file's name, for messages.
    header : tuple of str
        Column headings as written.
    rows : tuple of tuple of str
        Cells, one tuple per data row, padded to the header's width.
    row_numbers : tuple of int
        The row number of each data row as the user sees it (the header is row 1 of a CSV).
    """

    file: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    row_numbers: tuple[int, ...]


def find_file(folder: Path, name: str) -> Path | None:
    """Return ``<name>.csv`` or ``<name>.xlsx`` in ``folder`` (any case), or None."""
    if not folder.is_dir():
        return None
    wanted = {f"{name}.csv", f"{name}.xlsx"}
    matches = sorted(p for p in folder.iterdir() if p.is_file() and p.name.lower() in wanted)
    return matches[0] if matches else None


def _decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252 as Excel writes it."""
    if data.startswith(_BOM):
        return data[len(_BOM):].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _read_csv(path: Path) -> RawTable:
    text = _decode(path.read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""))
    header: tuple[str, ...] = ()
    rows, numbers = [], []
    for record in reader:
        line = reader.line_num  # physical line where this record ended
        if not header:
            if any(cell.strip() for cell in record):
                header = tuple(record)
            continue
        if not any(cell.strip() for cell in record):
            continue
        cells = tuple(record) + ("",) * (len(header) - len(record))
        rows.append(cells)
        numbers.append(line)
    return RawTable(path.name, header, tuple(rows), tuple(numbers))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(path: Path, sheet: str) -> RawTable:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        names = {n.lower(): n for n in book.sheetnames}
        ws = book[names.get(sheet.lower(), book.sheetnames[0])]
        header: tuple[str, ...] = ()
        rows, numbers = [], []
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = tuple(_cell_text(v) for v in values)
            if not header:
                if any(c.strip() for c in cells):
                    header = cells
                continue
            if not any(c.strip() for c in cells):
                continue
            rows.append(cells[: len(header)] + ("",) * (len(header) - len(cells)))
            numbers.append(number)
    finally:
        book.close()
    return RawTable(f"{path.name}[{ws.title}]", header, tuple(rows), tuple(numbers))


def read_table(path: Path, *, sheet: str) -> RawTable:
    """Read a CSV or ``.xlsx`` file as text cells.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    sheet : str
        For a workbook, the sheet to read (by name, any case); the first sheet when absent.

    Returns
    -------
    RawTable
        The header and rows; an empty file has an empty header.
    """
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path, sheet)
    return _read_csv(path)
