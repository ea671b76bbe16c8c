"""Writing workbooks for people to fill in: drop-down lists, help text and locked structure. I/O only.

The audit forms (:mod:`review.forms`), the dataset templates (:mod:`review.data.templates`) and
the action draft (:mod:`review.batch.action_draft`) are all filled in by hand in Excel and read
back as evidence. They share three rules, written here once:

- each drop-down's values sit in a visible sheet of their own (``lists``): a hidden sheet would
  make the workbook unreadable as evidence (hidden sheets are refused, :mod:`review.data.io`);
- a drop-down refuses any other value in Excel and shows a help text (Excel's "input message",
  at most 255 characters, cut with "..." when longer);
- a locked workbook protects its sheets and their order; only the answer cells are unlocked.

Nothing here writes a file: callers save the workbook themselves, never over an existing file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["PROMPT_CHARS", "add_lists", "date_rule", "list_rule", "lock", "prompt_text", "unlock"]

PROMPT_CHARS = 255
"""The longest help text (input message) Excel shows beside a cell."""

TITLE_CHARS = 32
"""The longest title of an input message or error box Excel accepts."""


def prompt_text(text: str, limit: int = PROMPT_CHARS) -> str:
    """A help text cut to what Excel accepts.

    Parameters
    ----------
    text : str
    limit : int, default: :data:`PROMPT_CHARS`

    Returns
    -------
    str
        ``text``, or its first ``limit - 3`` characters and "...".

    Examples
    --------
    >>> prompt_text("x" * 300)[-3:], len(prompt_text("x" * 300))
    ('...', 255)
    >>> prompt_text("short")
    'short'
    """
    return text if len(text) <= limit else text[: limit - 3] + "..."


def add_lists(book: Any, lists: Mapping[str, Sequence[object]], *, title: str = "lists") -> dict[str, str]:
    """Write each drop-down's values in a visible sheet of their own; return name -> range reference.

    Parameters
    ----------
    book : openpyxl.Workbook
    lists : mapping of str to sequence
        One column per list: its heading, then its values.
    title : str, default: ``"lists"``
        The sheet's title.

    Returns
    -------
    dict of str to str
        Each list's absolute reference, e.g. ``lists!$A$2:$A$5``, for :func:`list_rule`.

    Examples
    --------
    >>> from openpyxl import Workbook
    >>> add_lists(Workbook(), {"status": ("open", "done")})
    {'status': 'lists!$A$2:$A$3'}
    """
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)
    refs = {}
    for k, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(k)
        sheet.cell(1, k, name)
        for r, value in enumerate(values, start=2):
            sheet.cell(r, k, value)
        refs[name] = f"{title}!${letter}$2:${letter}${max(len(values), 1) + 1}"
    return refs


def list_rule(sheet: Any, ref: str, cells: str, *, title: str, prompt: str = "") -> Any:
    """A drop-down on ``cells`` (``"C6:C20"``) offering the values at ``ref``; other values are refused.

    Parameters
    ----------
    sheet : openpyxl worksheet
    ref : str
        A range reference from :func:`add_lists`.
    cells : str
        The cells it applies to.
    title : str
        What is chosen (the error box's and the help text's title).
    prompt : str, optional
        Help text shown when a cell is selected (cut to :data:`PROMPT_CHARS`).

    Returns
    -------
    openpyxl.worksheet.datavalidation.DataValidation
    """
    from openpyxl.worksheet.datavalidation import DataValidation

    rule = DataValidation(type="list", formula1=ref, allow_blank=True, showErrorMessage=True,
                          errorTitle=prompt_text(title, TITLE_CHARS), error=prompt_text(f"Choose {title} from the list"),
                          showInputMessage=bool(prompt), promptTitle=prompt_text(title, TITLE_CHARS) if prompt else None,
                          prompt=prompt_text(prompt) if prompt else None)
    rule.add(cells)
    sheet.add_data_validation(rule)
    return rule


def date_rule(sheet: Any, cells: str, first: dt.date, last: dt.date, *, title: str, prompt: str = "") -> Any:
    """A date entry on ``cells`` that Excel refuses outside ``first`` to ``last`` (inclusive).

    Parameters
    ----------
    sheet : openpyxl worksheet
    cells : str
        The cells it applies to.
    first, last : datetime.date
        The dates allowed.
    title : str
        What is entered.
    prompt : str, optional
        Help text shown when a cell is selected.

    Returns
    -------
    openpyxl.worksheet.datavalidation.DataValidation
    """
    from openpyxl.worksheet.datavalidation import DataValidation

    def excel(day: dt.date) -> str:
        return f"DATE({day.year},{day.month},{day.day})"

    rule = DataValidation(type="date", operator="between", formula1=excel(first), formula2=excel(last),
                          allow_blank=True, showErrorMessage=True, errorTitle=prompt_text(title, TITLE_CHARS),
                          error=f"Enter a date from {first.isoformat()} to {last.isoformat()}",
                          showInputMessage=bool(prompt), promptTitle=prompt_text(title, TITLE_CHARS) if prompt else None,
                          prompt=prompt_text(prompt) if prompt else None)
    rule.add(cells)
    sheet.add_data_validation(rule)
    return rule


def unlock(cells: Any) -> None:
    """Unlock a range of cells so that they can be filled in a locked sheet.

    Parameters
    ----------
    cells : tuple of tuple of openpyxl cells
        A range, e.g. ``sheet["C6:F20"]``.
    """
    from openpyxl.styles import Protection

    for row in cells:
        for cell in row if isinstance(row, tuple) else (row,):
            cell.protection = Protection(locked=False)


def lock(book: Any) -> None:
    """Protect every sheet (only unlocked cells can change) and the workbook's structure.

    No sheet can be added, removed, renamed or hidden. There is no password: the lock keeps the
    form's shape, it is not a secret, and the form is checked cell by cell when read back.

    Parameters
    ----------
    book : openpyxl.Workbook
    """
    from openpyxl.workbook.protection import WorkbookProtection

    for sheet in book.worksheets:
        sheet.protection.sheet = True
        sheet.protection.formatColumns = False  # widths may still be changed, to read long wording
    book.security = WorkbookProtection(lockStructure=True)
