"""``review actions propose``: a draft of new actions for the QA lead to edit, as an Excel workbook.

One row per item red this cycle that has no open action, in the columns of the ``actions``
register, so the edited rows can be pasted into it. Status, owner role and source are drop-down
lists (Excel data validation); every text cell is made inert (no formula runs); an existing file
is never overwritten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from review.analyses.actions import ActionsResult
from review.config.cycles import cycle_bounds, previous_cycle
from review.data.schema import ACTION_SOURCES, ACTION_STATUSES, DATASETS, OWNER_ROLES
from review.exceptions import ParameterError
from review.protection.safe_export import neutralise

__all__ = ["Proposal", "propose", "write_draft"]


@dataclass(frozen=True)
class Proposal:
    """One drafted action.

    Attributes
    ----------
    action_id, source, item, action, cycle_raised : str
    due_date : datetime.date
        The last day of the next cycle (the QA lead edits it).
    text : str
        The item in the source's words.
    red_cycles : int
        Consecutive cycles the item has been red.
    """

    action_id: str
    source: str
    item: str
    action: str
    cycle_raised: str
    due_date: dt.date
    text: str
    red_cycles: int


def propose(result: ActionsResult, existing_ids: set[str]) -> tuple[Proposal, ...]:
    """Draft an action for every red item of the cycle without an open action.

    Ids are ``<cycle>-NN`` (``2009-Q4-01``), skipping ids the register already holds.

    Parameters
    ----------
    result : ActionsResult
        The cycle's action plan (its red items with their open actions).
    existing_ids : set of str
        The register's action ids.

    Returns
    -------
    tuple of Proposal
        In the frameworks' and the source's order.
    """
    due = cycle_bounds(previous_cycle(result.cycle, -1))[1]  # the next cycle's last day
    out, n = [], 0
    for red in result.red_items:
        if any(a.is_open for a in red.actions):
            continue
        n += 1
        while f"{result.cycle}-{n:02d}" in existing_ids:
            n += 1
        out.append(Proposal(f"{result.cycle}-{n:02d}", red.framework, red.item_id,
                            f"Draft: agree what will be done about {red.item_id} (red for {red.red_cycles} "
                            f"cycle{'s' if red.red_cycles != 1 else ''})", result.cycle, due, red.text, red.red_cycles))
    return tuple(out)


def _lists(book: Workbook, columns: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Write each drop-down's values in a sheet of their own (visible: the workbook reads back as evidence, and hidden sheets are refused); return column -> range reference."""

    sheet = book.create_sheet("lists")
    refs = {}
    for k, (name, values) in enumerate(columns.items(), start=1):
        letter = get_column_letter(k)
        sheet.cell(1, k, name)
        for r, value in enumerate(values, start=2):
            sheet.cell(r, k, value)
        refs[name] = f"lists!${letter}$2:${letter}${len(values) + 1}"

    return refs


def write_draft(proposals: tuple[Proposal, ...], out: str | Path, *, spare_rows: int = 200) -> Path:
    """Write the draft workbook; refuse to replace an existing file.

    Parameters
    ----------
    proposals : tuple of Proposal
    out : str or pathlib.Path
        A new ``.xlsx`` file.
    spare_rows : int, default: ``200``
        Empty rows below the proposals that also get the drop-down lists.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ParameterError
        If ``out`` exists (it is never overwritten) or is not an ``.xlsx`` file.
    """

    path = Path(out)
    if path.suffix.lower() != ".xlsx":
        raise ParameterError(f"`--out` must be an .xlsx file; got {str(out)!r}")
    if path.exists():
        raise ParameterError(f"`--out` {path} already exists; the draft never overwrites a file (choose a new name)")
    columns = [c.name for c in DATASETS["actions"].columns]
    book = Workbook()
    sheet = book.active
    sheet.title = "actions"
    sheet.append(columns)
    for p in proposals:
        values = {"action_id": p.action_id, "source": p.source, "item": p.item, "action": p.action,
                  "cycle_raised": p.cycle_raised, "due_date": p.due_date, "status": "open"}
        sheet.append([neutralise(values.get(c)) for c in columns])
        sheet.cell(sheet.max_row, columns.index("due_date") + 1).number_format = "yyyy-mm-dd"
    refs = _lists(book, {"status": ACTION_STATUSES, "owner_role": OWNER_ROLES, "source": ACTION_SOURCES})
    last = len(proposals) + 1 + spare_rows
    for name, ref in refs.items():
        rule = DataValidation(type="list", formula1=ref, allow_blank=True, showErrorMessage=True,
                              errorTitle=name, error=f"Choose a {name.replace('_', ' ')} from the list")
        letter = get_column_letter(columns.index(name) + 1)
        rule.add(f"{letter}2:{letter}{last}")
        sheet.add_data_validation(rule)
    notes = book.create_sheet("items")
    notes.append(["item", "source", "the source's words", "red for (cycles)"])
    for p in proposals:
        notes.append([neutralise(p.item), p.source, neutralise(p.text), p.red_cycles])
    with path.open("xb") as fh:  # "x": fail rather than replace a file created meanwhile
        book.save(fh)
    return path
