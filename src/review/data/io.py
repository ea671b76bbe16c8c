"""Reading evidence files as text tables, exactly as the analyst sees them. I/O only.

Every cell comes back as a string (empty for a blank cell) with the row number the user sees
in the file, so validation can say "audits.csv, row 14, column 'audit_date'". Nothing here
interprets values or computes anything, and source files are only ever opened for reading.

A file that cannot be read as a table is refused as a whole with a :class:`DataProblem` that
names it and says what was expected and what was found, never with a traceback:

- a CSV is UTF-8 (with or without a byte-order mark) or, wholly, Windows-1252 as Excel saves
  it; a file mixing the two, bytes that are neither, or binary content (NUL bytes) is refused;
- a cell longer than :data:`MAX_CELL_CHARS` characters (Excel's own limit) and a file larger
  than :data:`MAX_FILE_BYTES` are refused;
- a workbook named ``.csv`` or a text file named ``.xlsx`` (and old ``.xls`` workbooks) are
  refused with the fix; a workbook that does not open, that has a hidden sheet, several sheets
  none named like the dataset, or a formula cell without a saved value is refused;
- a link that leads out of the data folder or to anything but a regular file is refused
  without being opened, and so is a dataset present twice (``audits.csv`` and ``audits.xlsx``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from review.exceptions import DataProblem, DataValidationError

__all__ = ["MAX_CELL_CHARS", "MAX_FILE_BYTES", "RawTable", "cell_text", "find_files", "heading_key", "read_sheet",
           "read_table", "shown"]

MAX_CELL_CHARS = 32_767
"""The longest cell accepted, in characters: the most an Excel cell holds."""

MAX_FILE_BYTES = 1 << 30
"""The largest evidence file accepted (1 GiB)."""

SHOWN_CHARS = 60
"""A cell quoted in a message is cut to this many characters."""

_BOM = b"\xef\xbb\xbf"
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls
# A well-formed UTF-8 multi-byte sequence: its presence in a file that is not valid UTF-8
# means the file mixes encodings.
_UTF8_MULTI = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def shown(text: str) -> str:
    """A cell as quoted in a message: at most :data:`SHOWN_CHARS` characters.

    >>> shown("x" * 100).endswith("... (100 characters)")
    True
    """
    if len(text) <= SHOWN_CHARS:
        return text
    return f"{text[:SHOWN_CHARS]}... ({len(text)} characters)"


def heading_key(text: str) -> str:
    """How a heading is matched: byte-order mark, case and runs of spaces aside.

    >>> heading_key("\ufeffCase  Ref ")
    'case ref'
    """
    return " ".join(text.replace("\ufeff", "").split()).lower()


@dataclass(frozen=True)
class RawTable:
    """A file's cells as text.

    Attributes
    ----------
    file : str
        The file's name, for messages.
    header : tuple of str
        Column headings as written.
    cells : pandas.DataFrame
        One column of strings per heading (by position: columns ``0 .. len(header) - 1``),
        one row per data row; blank rows are left out.
    row_numbers : numpy.ndarray
        The row number of each data row as the user sees it (the header is row 1 of a CSV).
    """

    file: str
    header: tuple[str, ...]
    cells: pd.DataFrame
    row_numbers: np.ndarray

    @property
    def rows(self) -> tuple[tuple[str, ...], ...]:
        """Cells row by row (for small tables and tests)."""
        return tuple(map(tuple, self.cells.itertuples(index=False, name=None)))


def _refuse(file: str, message: str, row: int | None = None, column: str | None = None,
            value: str | None = None) -> DataValidationError:
    return DataValidationError([DataProblem(file, row, column, value, message)])


def find_files(folder: Path, name: str) -> list[Path]:
    """Every ``<name>.csv`` or ``<name>.xlsx`` in ``folder`` (any case), sorted; links are not followed.

    >>> find_files(Path("no-such-folder"), "audits")
    []
    """
    if not folder.is_dir():
        return []
    wanted = {f"{name}.csv", f"{name}.xlsx"}
    return sorted(p for p in folder.iterdir() if p.name.lower() in wanted)


def check_entry(path: Path, folder: Path) -> None:
    """Refuse, without opening it, an entry that is not a regular file inside ``folder``.

    Raises
    ------
    DataValidationError
        A link out of the data folder, to something missing or not a regular file (a folder, a
        pipe, a device), or an entry that is not a regular file itself.
    """
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        target = path.resolve()
        inside = folder.resolve()
        if target != inside and inside not in target.parents:
            raise _refuse(path.name, "a link that leads out of the data folder; it was not read "
                          "(copy the file into the folder instead)")
        if not target.is_file():
            raise _refuse(path.name, "a link to something that is not a regular file; it was not read")
        info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(path.name, "not a regular file (a folder, pipe or device); it was not read")
    if info.st_size > MAX_FILE_BYTES:
        raise _refuse(path.name, f"the file is larger than the limit of {MAX_FILE_BYTES:,} bytes "
                      f"(found {info.st_size:,} bytes)")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _decode(data: bytes, file: str) -> str:
    """UTF-8 (with or without a byte-order mark), else wholly Windows-1252; anything else is refused.

    Returns the codec: ``utf-8`` or ``cp1252``."""
    if data.startswith(_ZIP):
        raise _refuse(file, "expected a text CSV file; found an Excel workbook (xlsx) named .csv: "
                      "rename it to .xlsx, or save it from Excel as CSV")
    if data.startswith(_OLE):
        raise _refuse(file, "expected a text CSV file; found an old Excel 97-2003 workbook (.xls): "
                      "save it from Excel as CSV or .xlsx")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise _refuse(file, "expected a text CSV file; found binary content (a NUL byte)", _line_of(data, nul))
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        bad = exc.start
    first_utf8 = _UTF8_MULTI.search(data)
    if first_utf8 is not None:
        raise _refuse(file, "the file mixes encodings: row "
                      f"{_line_of(data, first_utf8.start())} is UTF-8 but row {_line_of(data, bad)} is not "
                      f"(byte 0x{data[bad]:02X}); save the whole file as UTF-8", _line_of(data, bad))
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError as exc:
        raise _refuse(file, "expected UTF-8 or Windows-1252 text; found byte "
                      f"0x{data[exc.start]:02X}, which is neither", _line_of(data, exc.start)) from None


def _check_cells(file: str, header: tuple[str, ...], cells: pd.DataFrame, numbers: np.ndarray) -> None:
    """Refuse cells over the length limit, naming each."""
    problems = []
    for pos in range(cells.shape[1]):
        column = cells[pos].to_numpy(dtype=object)
        if not len(column) or max(map(len, column)) <= MAX_CELL_CHARS:
            continue
        lengths = np.fromiter(map(len, column), dtype=np.int64, count=len(column))
        for i in np.flatnonzero(lengths > MAX_CELL_CHARS)[:20]:
            problems.append(DataProblem(file, int(numbers[i]), header[pos] if pos < len(header) else None,
                                        shown(cells[pos].iat[i]),
                                        f"the cell is longer than the limit of {MAX_CELL_CHARS:,} characters"))
    if problems:
        raise DataValidationError(problems)


def _blank(frame: pd.DataFrame) -> np.ndarray:
    """Rows whose every cell is empty or spaces (each column checked through its distinct values)."""
    blank = np.ones(len(frame), dtype=bool)
    for pos in frame.columns:
        candidates = np.flatnonzero(blank)
        if not len(candidates):
            break
        codes, uniques = pd.factorize(frame[pos].to_numpy(dtype=object)[candidates], use_na_sentinel=False)
        empty = np.fromiter((not v.strip() for v in uniques), dtype=bool, count=len(uniques))
        blank[candidates] = empty[codes]
    return blank


def _table(file: str, records: pd.DataFrame, numbers: np.ndarray) -> RawTable:
    """Split header from rows, drop blank rows, refuse non-empty cells beyond the header."""
    blank = _blank(records)
    if blank.all():
        return RawTable(file, (), pd.DataFrame(), np.array([], dtype=np.int64))
    first = int(np.flatnonzero(~blank)[0])
    width = records.shape[1]
    header_cells = [str(records.iat[first, p]) for p in range(width)]
    while header_cells and not header_cells[-1].strip():
        header_cells.pop()
    header = tuple(header_cells)
    keep = ~blank
    keep[: first + 1] = False
    body = records[keep]
    numbers = numbers[keep]
    problems = []
    for pos in range(len(header), width):
        full = ~_blank(body[[pos]])
        for i in np.flatnonzero(full)[:20]:
            problems.append(DataProblem(file, int(numbers[i]), None, shown(body[pos].iat[i]),
                                        f"the row has a value in column {pos + 1}, beyond the header's "
                                        f"{len(header)} columns"))
    if problems:
        raise DataValidationError(problems)
    cells = body.iloc[:, : len(header)].reset_index(drop=True)
    cells.columns = range(len(header))
    _check_cells(file, header, cells, numbers)
    return RawTable(file, header, cells, numbers)


def _records_fast(data: bytes, encoding: str = "utf-8") -> tuple[pd.DataFrame, np.ndarray] | None:
    """Parse with pandas' C reader straight from the bytes (no text copy of a large file); None when a
    record spans lines, rows are ragged, a line ends in a bare carriage return, or the first cell
    starts with a byte order mark that pandas would drop silently (the exact path)."""
    if data[:4].decode(encoding, errors="ignore").startswith("\ufeff"):
        return None
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n")
        if b"\r" in data:
            return None
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    try:
        frame = pd.read_csv(io.BytesIO(data), header=None, dtype=str, keep_default_na=False, na_filter=False,
                            skip_blank_lines=False, engine="c", quoting=csv.QUOTE_MINIMAL, doublequote=True,
                            encoding=encoding)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, OverflowError):
        return None
    if len(frame) != lines:  # a quoted field holds a line break, or blank lines were merged
        return None
    frame.columns = range(frame.shape[1])
    return frame, np.arange(1, len(frame) + 1, dtype=np.int64)


def _records_slow(text: str, file: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Parse with the csv module, which knows each record's physical line."""
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, MAX_CELL_CHARS * 4 + 1))
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        records, numbers = [], []
        try:
            for record in reader:
                records.append(record)
                numbers.append(reader.line_num)
        except csv.Error as exc:
            raise _refuse(file, f"not a readable CSV table ({exc})", reader.line_num + 1) from None
    finally:
        csv.field_size_limit(old)
    width = max((len(r) for r in records), default=0)
    frame = pd.DataFrame([r + [""] * (width - len(r)) for r in records], dtype=object)
    frame = frame.fillna("")
    return frame, np.asarray(numbers, dtype=np.int64)


def _read_csv(path: Path) -> RawTable:
    data = path.read_bytes()
    encoding = _decode(data, path.name)
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    if not data.strip():
        return RawTable(path.name, (), pd.DataFrame(), np.array([], dtype=np.int64))
    parsed = _records_fast(data, encoding) or _records_slow(data.decode(encoding), path.name)
    del data
    return _table(path.name, *parsed)


def cell_text(value: object) -> str:
    """A workbook cell as the text a CSV file would hold (dates ISO, booleans yes/no, floats unpadded)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return np.format_float_positional(value, trim="-")
    return str(value)


def read_sheet(path: Path, sheet: str | None) -> tuple[str, list[tuple]]:
    """The title and cell values of one sheet of an ``.xlsx`` workbook, formulas refused unless saved.

    Parameters
    ----------
    path : pathlib.Path
        The workbook.
    sheet : str or None
        The sheet to read (by name, any case); the only sheet when absent or None.

    Returns
    -------
    tuple
        ``(title, rows)``: the sheet's title and its rows of cell values (a formula's saved value).

    Raises
    ------
    DataValidationError
        If the file is not an ``.xlsx`` workbook or does not open, has hidden sheets, several sheets
        none named ``sheet``, or a formula cell without a saved value (each named by file, sheet, row,
        and column letter with its heading).
    """
    with path.open("rb") as fh:
        data = fh.read(8)
    if not data.startswith(_ZIP):
        kind = "an old Excel 97-2003 workbook (.xls)" if data.startswith(_OLE) else "not a workbook (text?)"
        raise _refuse(path.name, f"expected an Excel workbook (.xlsx); found {kind}: "
                      "save it from Excel as .xlsx, or name a CSV file .csv")
    from openpyxl import load_workbook

    try:
        title, rows = _sheet_rows(load_workbook(path, read_only=True, data_only=False), path, sheet)
    except DataValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure of the workbook reader means "does not open"
        raise _refuse(path.name, f"the workbook does not open as .xlsx ({type(exc).__name__}); "
                      "open and save it again in Excel") from None
    if not any(isinstance(v, str) and v.startswith("=") for r in rows for v in r):
        return title, rows
    _, values = _sheet_rows(load_workbook(path, read_only=True, data_only=True), path, sheet)
    header = next((r for r in values if any(v not in (None, "") for v in r)), ())
    problems = []
    for number, (frow, vrow) in enumerate(zip(rows, values, strict=False), start=1):
        for col, (f, v) in enumerate(zip(frow, vrow, strict=False), start=1):
            if isinstance(f, str) and f.startswith("=") and v is None:
                heading = header[col - 1] if col - 1 < len(header) and header[col - 1] not in (None, "") else None
                column = _column_letter(col) + (f" ({shown(str(heading))})" if heading is not None else "")
                problems.append(DataProblem(f"{path.name}[{title}]", number, column, shown(f),
                                            "a formula with no saved value; open and save the workbook "
                                            "in Excel (or paste values) so its results are stored"))
    if problems:
        raise DataValidationError(problems)
    return title, values


def _read_xlsx(path: Path, sheet: str) -> RawTable:
    title, values = read_sheet(path, sheet)
    width = max((len(r) for r in values), default=0)
    records = pd.DataFrame([[cell_text(v) for v in r] + [""] * (width - len(r)) for r in values], dtype=object)
    records.columns = range(width)
    return _table(f"{path.name}[{title}]", records, np.arange(1, len(values) + 1, dtype=np.int64))


def _column_letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


def _sheet_rows(book: Any, path: Path, sheet: str | None) -> tuple[str, list[tuple]]:
    """The title and rows of the dataset's sheet; hidden sheets and ambiguous workbooks are refused."""
    try:
        hidden = [ws.title for ws in book.worksheets if ws.sheet_state != "visible"]
        if hidden:
            raise _refuse(path.name, f"the workbook has hidden sheets ({', '.join(hidden)}); hidden sheets are "
                          "never read: unhide or delete them")
        names = {n.lower(): n for n in book.sheetnames}
        if sheet is not None and sheet.lower() in names:
            ws = book[names[sheet.lower()]]
        elif len(book.sheetnames) == 1:
            ws = book[book.sheetnames[0]]
        else:
            raise _refuse(path.name, f"expected a sheet named {sheet!r} or a single sheet; found "
                          f"{len(book.sheetnames)} sheets ({', '.join(book.sheetnames)})")
        return ws.title, [tuple(r) for r in ws.iter_rows(values_only=True)]
    finally:
        book.close()


def read_table(path: Path, *, sheet: str) -> RawTable:
    """Read a CSV or ``.xlsx`` file as text cells.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    sheet : str
        For a workbook, the sheet to read (by name, any case); the only sheet when absent.

    Returns
    -------
    RawTable
        The header and rows; an empty file has an empty header.

    Raises
    ------
    DataValidationError
        If the file cannot be read as a table (see the module's description).
    """
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path, sheet)
    return _read_csv(path)
